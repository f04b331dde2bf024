/* The statistics tree (sim/stats/stats.h) and lookups by path in it
 * (statpath.h), from a fixed snapshot: the numbers are where the report's
 * names say, 64-bit counts exact, a count the report leaves out reads as 0,
 * a wrong name fails with a reason that names what was expected, and the
 * text and JSON reports are written from the same tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/ops.h"
#include "sim/stats/statpath.h"
#include "sim/stats/stats.h"
#include "tests/unit/unit.h"

#define BIG 0x7fffffffffffff01ull /* (near 2^63: counts are 64-bit) */

static struct space_stats *fixture(void)
{
    struct space_stats *s = calloc(1, sizeof *s);
    EXPECT(s != NULL);
    s->state = MACHINE_HALTED;
    s->exit_code = 7;
    s->virtual_time = 1000;
    s->ncpus = 1;
    struct stats_cpu *c = &s->cpu[0];
    c->time = 1000;
    c->idle = 100;
    c->instructions = 900;
    c->register_accesses = 5;
    c->by_mode[0] = 600;
    c->by_mode[3] = 300;
    c->by_space[0][0] = 600;
    c->by_space[2][3] = 300;
    s->machine.traps[14] = 2;
    s->machine.traps[32] = 3;
    s->machine.traversals = 5;
    s->machine.faults.unmapped = 2;
    s->machine.faults.read = 1;
    s->machine.faults.write = 1;
    s->machine.ops[SPACE_OP_MAP_MEMORY] = 4;
    s->mapping_changes = 4;
    s->tlb[2].hits = s->tlb_total.hits = 10;
    s->ndevices = 2;
    s->dev[0] = (struct stats_device){.name = "console",
                                      .index = 0,
                                      .trap = 32,
                                      .interrupts_raised = 3,
                                      .interrupts_delivered = 3,
                                      .register_writes = 3};
    s->dev[1] = (struct stats_device){
        .name = "timer", .index = 1, .trap = 33, .register_reads = 2, .dma_bytes = BIG};
    s->register_reads = 2;
    s->register_writes = 3;
    s->dma_bytes = BIG;
    s->engine.steps = 1ull << 40;
    s->cpu[0].context_switches = 4;
    s->metrics.ctx[2].dispatches = 4;
    s->metrics.ctx[2].faults = 2;
    s->pages_mapped[2] = 5;
    s->pages_mapped_max[2] = 7;
    s->unmaps[2] = 3;
    s->metrics.console = (struct metrics_console){
        .lines = 3, .response_total = 10, .response_max = 6, .wakeup_total = 7, .wakeup_max = 5};
    s->metrics.nguest = 1;
    s->metrics.guest[0] = (struct metrics_guest){"ready_wait", BIG};
    return s;
}

static uint64_t get(const json_t *t, const char *path)
{
    uint64_t v = 12345;
    char err[300];
    if (statpath_get(t, path, &v, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        EXPECT(!"a statistic");
    }
    return v;
}

/* Fails with a reason containing `want`. */
static void get_fails(const json_t *t, const char *path, const char *want)
{
    uint64_t v;
    char err[300] = "";
    if (statpath_get(t, path, &v, err, sizeof err) != -1) {
        fprintf(stderr, "%s: found, %llu\n", path, (unsigned long long)v);
        EXPECT(!"a failure");
    }
    if (!strstr(err, want)) {
        fprintf(stderr, "%s: got '%s', wanted '%s'\n", path, err, want);
        EXPECT(!"the reason");
    }
}

static void check_fails(const char *path, const char *want)
{
    char err[300] = "";
    EXPECT(statpath_check(path, err, sizeof err) == -1);
    if (!strstr(err, want)) {
        fprintf(stderr, "%s: got '%s', wanted '%s'\n", path, err, want);
        EXPECT(!"the reason");
    }
}

static void test_lookup(const json_t *t)
{
    EXPECT(get(t, "virtual_time") == 1000);
    EXPECT(get(t, "instructions") == 900);
    EXPECT(get(t, "idle") == 100);
    EXPECT(get(t, "cpus[0].by_mode[3]") == 300);
    EXPECT(get(t, "cpus.0.by_mode.3") == 300);
    EXPECT(get(t, "cpus[0].by_context[2]") == 300);
    EXPECT(get(t, "cpus[0].by_context.5") == 0); /* (not in the report) */
    EXPECT(get(t, "cpus[0].by_context_mode[2][3]") == 300);
    EXPECT(get(t, "traps.total") == 5);
    EXPECT(get(t, "traps.by_number.14.count") == 2);
    EXPECT(get(t, "traps.by_number.200.count") == 0);
    EXPECT(get(t, "memory_faults.total") == 2);
    EXPECT(get(t, "operations.total") == 4);
    EXPECT(get(t, "operations.by_kind.MAP_MEMORY") == 4);
    EXPECT(get(t, "operations.by_kind.HALT") == 0);
    EXPECT(get(t, "tlb.hits") == 10);
    EXPECT(get(t, "tlb.by_context.2.hits") == 10);
    EXPECT(get(t, "devices[0].interrupts_raised") == 3);
    EXPECT(get(t, "interrupts_raised") == 3);
    EXPECT(get(t, "devices[1].dma_bytes") == BIG);
    EXPECT(get(t, "dma_bytes") == BIG);
    EXPECT(get(t, "engine.steps") == 1ull << 40);
    EXPECT(get(t, "context_switches") == 4);
    EXPECT(get(t, "cpus[0].context_switches") == 4);
    EXPECT(get(t, "contexts.2.dispatches") == 4);
    EXPECT(get(t, "contexts[2].faults") == 2);
    EXPECT(get(t, "contexts.2.unmaps") == 3);
    EXPECT(get(t, "contexts.2.pages_mapped") == 5);
    EXPECT(get(t, "contexts.2.pages_mapped_max") == 7);
    EXPECT(get(t, "contexts.9.dispatches") == 0);
    EXPECT(get(t, "console.lines") == 3);
    EXPECT(get(t, "console.response_mean") == 3); /* (10 / 3, an integer) */
    EXPECT(get(t, "console.response_max") == 6);
    EXPECT(get(t, "console.wakeup_mean") == 2);
    EXPECT(get(t, "guest.ready_wait") == BIG);
    get_fails(t, "guest.dispatches", "the guest never published metric dispatches");
    get_fails(t, "contexts.256.faults", "segment 2 should be a CONTEXT (0..255)");
    get_fails(t, "console.nope", "segment 2 should be one of lines, response_total");

    get_fails(t, "nonsense", "'nonsense' is not a statistic");
    get_fails(t, "", "is not a statistic");
    get_fails(t, "cpus[0].by_mode[4]", "segment 4 should be a MODE (0..3)");
    get_fails(t, "cpus[0].by_context_mode[1][4]", "segment 5 should be a MODE (0..3)");
    get_fails(t, "traps.by_number.256.count", "segment 3 should be a trap number (0..255)");
    get_fails(t, "operations.by_kind.NOPE", "segment 3 should be an operation name (MAP_MEMORY");
    get_fails(t, "memory_faults.nope", "segment 2 should be one of total, unmapped");
    get_fails(t, "memory_faults", "a group of them");
    get_fails(t, "state", "not a number");
    get_fails(t, "devices[0].name", "not a number");
    get_fails(t, "virtual_time.x", "virtual_time is a number");
    /* a name every machine could have, but not this one */
    get_fails(t, "devices[5].dma_bytes", "no such CPU or device in this machine (devices 0..1)");
    get_fails(t, "cpus[1].idle", "no such CPU or device in this machine (cpus 0..0)");
}

static void test_check(void)
{
    char err[300];
    EXPECT(statpath_check("devices[63].dma_bytes", err, sizeof err) == 0);
    EXPECT(statpath_check("cpus[31].idle", err, sizeof err) == 0);
    EXPECT(statpath_check("cpus.0.by_context_mode.255.3", err, sizeof err) == 0);
    EXPECT(statpath_check("traps.by_number.255.count", err, sizeof err) == 0);
    check_fails("devices[64].dma_bytes", "segment 2 should be a device index (0..63)");
    check_fails("cpus[32].idle", "segment 2 should be a CPU number (0..31)");
    check_fails("cpus[0].by_context[256]", "segment 4 should be a CONTEXT (0..255)");
    EXPECT(statpath_check("contexts.255.pages_mapped_max", err, sizeof err) == 0);
    EXPECT(statpath_check("console.wakeup_max", err, sizeof err) == 0);
    EXPECT(statpath_check("guest.any_name_0", err, sizeof err) == 0);
    check_fails("guest.Upper", "a guest metric's name is 1..31 of a-z, 0-9 and _");
    check_fails("guest.a_32_byte_name_is_one_too_long_2", "a guest metric's name");
    check_fails("contexts.256.faults", "segment 2 should be a CONTEXT (0..255)");
    check_fails("format", "not a number");
    check_fails("exit_code", "not a number"); /* (a number only when the guest halted) */
}

/* The JSON report lists only what counted in the objects keyed by number;
 * it reads back as what stats_report gives. */
static void test_json(const json_t *t)
{
    json_t *r = stats_report(t);
    EXPECT(r != NULL);
    const json_t *cpu = json_array_get(json_object_get(r, "cpus"), 0);
    const json_t *by_context = json_object_get(cpu, "by_context");
    EXPECT(json_object_size(by_context) == 2);
    EXPECT(json_object_get(by_context, "0") && json_object_get(by_context, "2"));
    EXPECT(json_object_size(json_object_get(cpu, "by_context_mode")) == 2);
    const json_t *traps = json_object_get(json_object_get(r, "traps"), "by_number");
    EXPECT(json_object_size(traps) == 2 && json_object_get(traps, "14"));
    EXPECT(json_object_size(json_object_get(json_object_get(r, "tlb"), "by_context")) == 1);
    EXPECT(json_integer_value(json_object_get(
               json_object_get(json_object_get(r, "operations"), "by_kind"), "HALT")) ==
           0); /* (named, not numbered: every one is listed) */
    /* the tree itself is complete */
    EXPECT(json_object_size(json_object_get(json_array_get(json_object_get(t, "cpus"), 0),
                                            "by_context")) == 256);

    FILE *f = tmpfile();
    EXPECT(f != NULL);
    stats_write_json(f, t);
    rewind(f);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    EXPECT(strstr(text, "{\n  \"format\": \"space-stats\",\n  \"version\": 1,\n") == text);
    EXPECT(strstr(text, "\n      \"by_mode\": [600, 0, 0, 300],\n"));
    EXPECT(strstr(text, "\"dma_bytes\": 9223372036854775553"));
    EXPECT(text[n - 1] == '\n' && text[n - 2] == '}');
    json_error_t error;
    json_t *back = json_loads(text, 0, &error);
    EXPECT(back != NULL);
    EXPECT(json_equal(back, r));
    json_decref(back);
    json_decref(r);
}

static void test_text(const json_t *t)
{
    FILE *f = tmpfile();
    EXPECT(f != NULL);
    stats_write_text(f, t);
    rewind(f);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    static const char *const lines[] = {
        "statistics: halted (exit code 7) at virtual time 1000\n",
        "CPU 0: instructions 900, idle 100, register accesses 5, context switches 4\n",
        "  by MODE: 0: 600 1: 0 2: 0 3: 300\n",
        "  by CONTEXT: 0: 600 2: 300\n",
        "traps 5: 14 MEMORY_FAULT 2, 32 INTERRUPT 3\n",
        "portal traversals 5\n",
        "memory faults 2: unmapped 2, protection 0, device 0; read 1, write 1, exec 0\n",
        "operations 4: MAP_MEMORY 4\n",
        "TLBs: hits 10, misses 0, flushes 0, evictions 0, invalidations 0\n",
        "  CONTEXT 2: hits 10, misses 0, flushes 0, evictions 0, invalidations 0\n",
        "context switches 4\n",
        "  CONTEXT 2: dispatches 4, faults 2, unmaps 3, pages_mapped 5, pages_mapped_max 7\n",
        "console: lines 3, response_total 10, response_mean 3, response_max 6, wakeup_total 7, "
        "wakeup_mean 2, wakeup_max 5\n",
        "guest metrics: ready_wait 9223372036854775553\n",
        "devices: register reads 2, writes 3, DMA bytes 9223372036854775553\n",
        "  0 console unit 0 (trap 32): interrupts raised 3, delivered 3; register reads 0, "
        "writes 3; DMA bytes 0\n",
        "engine: blocks learned 0, code invalidations 0, Unicorn TLB fills 0, Unicorn TLB "
        "flushes 0, single steps 1099511627776\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (!strstr(text, lines[i])) {
            fprintf(stderr, "no line %s in:\n%s", lines[i], text);
            EXPECT(!"the line");
        }
    EXPECT(!strstr(text, "CONTEXT 0:")); /* (a TLB that counted nothing) */
}

int main(void)
{
    struct space_stats *s = fixture();
    json_t *t = stats_tree(s);
    EXPECT(t != NULL);
    test_lookup(t);
    test_check();
    test_json(t);
    test_text(t);
    json_decref(t);
    free(s);
    return 0;
}

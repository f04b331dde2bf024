#define _POSIX_C_SOURCE 200809L /* clock_gettime, getpid */
/* Machine snapshots and time travel's backends, on a whole machine: a plain
 * run to the end gives the reference (console output, disk image, length
 * E). Then, with the backends wrapped by travel_io: run to T1 = E/3 and
 * take a snapshot, run to T2 = 2E/3 and take a checkpoint (registers,
 * hashes of RAM, devices and SPACE state) and a second snapshot; restore
 * the first, run to T2 again: the same checkpoint; restore the later one
 * then the earlier one (out of order): the same again. Then a chain of 50
 * snapshots from T1 to T2, each costing no more than the pages written
 * since the one before (reported), checked by restoring some, and freed in
 * random order. Finally the run goes on to the end: console output written
 * once only and the disk image are byte for byte the reference's.
 *
 * usage: test_snapshot (GUEST.elf | --basicoz) [--input FILE] [--disk IMAGE]
 *                      [--cmdline TEXT] [--cpus N] [--quantum INSNS]
 * (the disk image is copied afresh for each run) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/core/checkpoint.h"
#include "sim/core/machine.h"
#include "sim/core/snapshot.h"
#include "sim/host/host_backends.h"
#include "sim/replay/travel_io.h"
#include "tests/unit/unit.h"

extern const unsigned char basicoz_image[];
extern const unsigned long basicoz_image_size;

#define RAM   (16u << 20)
#define CHAIN 50

static const char *elf, *input, *disk_template, *cmdline;
static uint32_t ncpus = 1;
static uint64_t quantum;
static char disk_path[512], out_path[512];

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    EXPECT(in && out);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        EXPECT(fwrite(buf, 1, n, out) == n);
    fclose(in);
    fclose(out);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    EXPECT(f);
    char *buf = NULL;
    size_t cap = 0, n = 0, k;
    do {
        if (n + 65536 > cap)
            EXPECT((buf = realloc(buf, cap = cap * 2 + 65536)));
        k = fread(buf + n, 1, 65536, f);
        n += k;
    } while (k);
    fclose(f);
    *len = n;
    return buf;
}

struct run {
    struct machine *m;
    struct travel_io *io; /* NULL: the plain run */
    struct host_backends host;
    struct device_config *devices;
    struct ram_hasher hasher;
};

/* Boots a fresh machine on a fresh copy of the disk; output to out_path. */
static void boot(struct run *r, bool travel)
{
    if (disk_template)
        copy_file(disk_template, disk_path);
    r->host = (struct host_backends){.input = input ? input : "/dev/null",
                                     .output = fopen(out_path, "wb")};
    EXPECT(r->host.output && (r->devices = device_config_new()));
    char err[512];
    EXPECT(!disk_template ||
           device_config_set(r->devices, "disk", disk_path, err, sizeof err) == 0);
    struct backend_provider p = host_backends_provider(&r->host);
    r->io = travel ? travel_io_create() : NULL;
    if (r->io)
        p = travel_io_wrap(r->io, p);
    struct machine_config cfg = {.ram_size = RAM,
                                 .cmdline = cmdline,
                                 .ncpus = ncpus,
                                 .quantum = quantum,
                                 .devices = r->devices,
                                 .backends = p};
    r->m = machine_create(&cfg, err, sizeof err);
    int rc = !r->m ? -1
             : elf ? machine_boot(r->m, elf, err, sizeof err)
                   : machine_boot_image(r->m, "basicoz", basicoz_image, basicoz_image_size, err,
                                        sizeof err);
    if (rc != 0) {
        fprintf(stderr, "test_snapshot: %s\n", err);
        exit(1);
    }
    machine_set_debug_out(r->m, NULL);
    if (r->io)
        travel_io_attach(r->io, r->m);
    EXPECT(ram_hasher_init(&r->hasher, r->m) == 0);
}

static void finish(struct run *r)
{
    ram_hasher_free(&r->hasher);
    machine_destroy(r->m);
    travel_io_free(r->io);
    fclose(r->host.output);
    device_config_free(r->devices);
}

static void run_to(struct run *r, uint64_t t)
{
    EXPECT(machine_run_until(r->m, t) == MACHINE_RUNNING);
    EXPECT(machine_now(r->m) == t);
}

static void same_checkpoint(struct run *r, const struct checkpoint *want, const char *what)
{
    struct checkpoint cp;
    checkpoint_take(r->m, &r->hasher, &cp);
    char diff[1024];
    if (checkpoint_diff(want, &cp, RAM, diff, sizeof diff)) {
        fprintf(stderr, "test_snapshot: %s: %s\n", what, diff);
        exit(1);
    }
}

static void restore(struct run *r, const struct machine_snapshot *s)
{
    char err[256];
    if (machine_snapshot_restore(r->m, s, err, sizeof err) != 0) {
        fprintf(stderr, "test_snapshot: %s\n", err);
        exit(1);
    }
    travel_io_rewound(r->io, machine_snapshot_time(s));
    EXPECT(machine_now(r->m) == machine_snapshot_time(s));
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Pages of RAM that differ from *copy (then *copy becomes RAM). */
static uint32_t pages_changed(struct machine *m, uint8_t *copy)
{
    const uint8_t *ram = physmem_ptr(machine_physmem(m), 0, RAM);
    uint32_t n = 0;
    for (uint32_t p = 0; p < RAM / 4096; p++)
        if (memcmp(copy + p * 4096u, ram + p * 4096u, 4096)) {
            memcpy(copy + p * 4096u, ram + p * 4096u, 4096);
            n++;
        }
    return n;
}

int main(int argc, char **argv)
{
    EXPECT(argc >= 2);
    elf = strcmp(argv[1], "--basicoz") ? argv[1] : NULL;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--input"))
            input = argv[i + 1];
        else if (!strcmp(argv[i], "--disk"))
            disk_template = argv[i + 1];
        else if (!strcmp(argv[i], "--cmdline"))
            cmdline = argv[i + 1];
        else if (!strcmp(argv[i], "--cpus"))
            ncpus = (uint32_t)strtoul(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--quantum"))
            quantum = strtoull(argv[i + 1], NULL, 0);
        else
            EXPECT(!"unknown option");
    }
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(disk_path, sizeof disk_path, "%s/snapshot-%d.img", tmp, (int)getpid());
    snprintf(out_path, sizeof out_path, "%s/snapshot-%d.out", tmp, (int)getpid());

    /* The reference: one plain run to the end. */
    struct run r;
    boot(&r, false);
    enum machine_state end_state = machine_run(r.m);
    uint64_t end = machine_now(r.m);
    uint32_t end_code = machine_exit_code(r.m);
    finish(&r);
    size_t ref_out_len, ref_disk_len = 0, out_len, disk_len;
    char *ref_out = slurp(out_path, &ref_out_len), *ref_disk = NULL;
    if (disk_template)
        ref_disk = slurp(disk_path, &ref_disk_len);
    printf("plain run: state %d after %llu instructions, %zu bytes of output\n", (int)end_state,
           (unsigned long long)end, ref_out_len);
    EXPECT(end > 30000);
    uint64_t t1 = end / 3, t2 = 2 * end / 3;

    /* Snapshot at T1, checkpoint and snapshot at T2. */
    boot(&r, true);
    run_to(&r, t1);
    double t0 = seconds();
    struct machine_snapshot *s1 = machine_snapshot_take(r.m, NULL);
    double take1 = seconds() - t0;
    EXPECT(s1 && machine_snapshot_time(s1) == t1);
    run_to(&r, t2);
    struct checkpoint cp2;
    checkpoint_take(r.m, &r.hasher, &cp2);
    t0 = seconds();
    struct machine_snapshot *s2 = machine_snapshot_take(r.m, s1);
    double take2 = seconds() - t0;
    EXPECT(s2);
    printf("snapshot at %llu: %zu bytes, %.2f ms; at %llu (after it): %zu bytes, %.2f ms\n",
           (unsigned long long)t1, machine_snapshot_bytes(s1), take1 * 1e3, (unsigned long long)t2,
           machine_snapshot_bytes(s2), take2 * 1e3);

    /* Back to T1, forward to T2: the same machine. */
    t0 = seconds();
    restore(&r, s1);
    printf("restore to %llu: %.2f ms\n", (unsigned long long)t1, (seconds() - t0) * 1e3);
    run_to(&r, t2);
    same_checkpoint(&r, &cp2, "T2 again after restoring T1");
    /* Out of order: the later one, then the earlier one. */
    restore(&r, s2);
    same_checkpoint(&r, &cp2, "T2 restored");
    restore(&r, s1);
    run_to(&r, (t1 + t2) / 2);
    restore(&r, s2);
    same_checkpoint(&r, &cp2, "T2 restored from between T1 and T2");
    restore(&r, s1);
    run_to(&r, t2);
    same_checkpoint(&r, &cp2, "T2 again after restoring T1 out of order");

    /* A chain of 50 from T1 to T2, each after the one before. */
    restore(&r, s1);
    uint8_t *copy = malloc(RAM);
    EXPECT(copy);
    memcpy(copy, physmem_ptr(machine_physmem(r.m), 0, RAM), RAM);
    struct machine_snapshot *chain[CHAIN];
    struct checkpoint cps[CHAIN];
    size_t total = 0, most = 0, pages = 0;
    for (unsigned i = 0; i < CHAIN; i++) {
        run_to(&r, t1 + (t2 - t1) * (i + 1) / CHAIN);
        uint32_t changed = pages_changed(r.m, copy);
        checkpoint_take(r.m, &r.hasher, &cps[i]);
        EXPECT((chain[i] = machine_snapshot_take(r.m, i ? chain[i - 1] : s1)));
        size_t bytes = machine_snapshot_bytes(chain[i]);
        /* written pages, plus what is copied every time: ~24 KiB per
         * CPU, the TLB statistics, the tables */
        size_t bound = changed * (4096u + 64u) + 64u * 1024 + ncpus * 32u * 1024;
        if (bytes > bound) {
            fprintf(stderr, "test_snapshot: chain %u: %zu bytes for %u pages changed (> %zu)\n", i,
                    bytes, changed, bound);
            exit(1);
        }
        total += bytes;
        pages += changed;
        most = bytes > most ? bytes : most;
    }
    free(copy);
    printf("chain of %d: %zu pages changed, %zu bytes in all, %zu on average, %zu at most "
           "(first snapshot: %zu)\n",
           CHAIN, pages, total, total / CHAIN, most, machine_snapshot_bytes(s1));
    /* Freed in random order, restoring survivors between. */
    srand(16);
    unsigned order[CHAIN];
    for (unsigned i = 0; i < CHAIN; i++)
        order[i] = i;
    for (unsigned i = CHAIN - 1; i > 0; i--) {
        unsigned j = (unsigned)rand() % (i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (unsigned k = 0; k < CHAIN; k++) {
        machine_snapshot_free(chain[order[k]]);
        chain[order[k]] = NULL;
        if (k % 10 == 9 && k + 1 < CHAIN) {
            unsigned alive = order[k + 1 + (unsigned)rand() % (CHAIN - k - 1)];
            restore(&r, chain[alive]);
            same_checkpoint(&r, &cps[alive], "a snapshot of the chain, others freed");
        }
    }
    restore(&r, s2);
    same_checkpoint(&r, &cp2, "T2 restored after the chain");
    machine_snapshot_free(s1);

    /* On to the end: the outside saw exactly one run. */
    restore(&r, s2);
    EXPECT(machine_run(r.m) == end_state);
    EXPECT(machine_now(r.m) == end);
    EXPECT(machine_exit_code(r.m) == end_code);
    machine_snapshot_free(s2);
    finish(&r);
    char *out = slurp(out_path, &out_len);
    if (out_len != ref_out_len || memcmp(out, ref_out, out_len)) {
        fprintf(stderr, "test_snapshot: console output differs: %zu bytes, %zu in the plain run\n",
                out_len, ref_out_len);
        exit(1);
    }
    if (disk_template) {
        char *d = slurp(disk_path, &disk_len);
        EXPECT(disk_len == ref_disk_len && !memcmp(d, ref_disk, disk_len));
        free(d);
        free(ref_disk);
        remove(disk_path);
    }
    free(out);
    free(ref_out);
    remove(out_path);
    printf("snapshot passed\n");
    return 0;
}

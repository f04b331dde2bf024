#include "grade_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/core/loader.h"
#include "sim/grade/grade_check.h"
#include "sim/host/platform.h"
#include "sim/host/stdio_console.h"
#include "sim/net/cluster.h"
#include "sim/stats/stats.h"
#include "sim/timeline/timeline.h"
#include "session.h"

/* The subdirectories of a results directory. */
static const char *const subdirs[] = {"traces", "console", "input", "disks", "timelines"};

/* mkdir -p: each directory along the path. */
static int make_dirs(const char *path, char *err, unsigned errlen)
{
    char *p = malloc(strlen(path) + 1);
    if (!p) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    strcpy(p, path);
    for (char *c = p + 1;; c++) {
        if (*c && *c != '/' && *c != '\\')
            continue;
        char saved = *c;
        *c = 0;
        if (platform_make_dir(p) != 0 && saved == 0) {
            snprintf(err, errlen, "%s: cannot create the directory: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        if (!(*c = saved))
            break;
    }
    free(p);
    return 0;
}

static int write_file(const char *path, const char *text, char *err, unsigned errlen)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(text, 1, strlen(text), f) == strlen(text);
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        snprintf(err, errlen, "%s: cannot write it: %s", path, strerror(errno));
    return ok ? 0 : -1;
}

static int copy_file(const char *from, const char *to, char *err, unsigned errlen)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    bool ok = in && out;
    char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in && ferror(in))
        ok = false;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    if (!ok)
        snprintf(err, errlen, "cannot copy the disk image %s to %s: %s", from, to, strerror(errno));
    return ok ? 0 : -1;
}

/* NAME + extension, for a file of the case. */
char *grade_run_file(const char *out, const char *sub, const char *name, const char *ext)
{
    char file[128];
    snprintf(file, sizeof file, "%s%s", name, ext);
    return grade_path(out, sub, file);
}

static char *case_file(const struct grade_runner *g, const char *sub, const char *name,
                       const char *ext)
{
    return grade_run_file(g->out, sub, name, ext);
}

/* The files a case's run uses: console input and a disk image. */
static int prepare(const struct grade_runner *g, const struct grade_case *c, struct grade_result *r,
                   struct host_backends *host, struct device_config *dev)
{
    char *err = r->error;
    unsigned errlen = sizeof r->error;
    if (c->input_file) {
        r->input = malloc(strlen(c->input_file) + 1);
        if (r->input)
            strcpy(r->input, c->input_file);
    } else if ((r->input = case_file(g, "input", c->name, ".txt")) &&
               write_file(r->input, c->input ? c->input : "", err, errlen) != 0) {
        return -1;
    }
    if (!r->input) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    host->input = r->input;
    if (c->disk || c->disk_size) {
        if (!(r->disk = case_file(g, "disks", c->name, ".img"))) {
            snprintf(err, errlen, "out of host memory");
            return -1;
        }
        remove(r->disk); /* every run starts from the spec's image, or an empty one */
        if (c->disk && copy_file(c->disk, r->disk, err, errlen) != 0)
            return -1;
        char size[24];
        snprintf(size, sizeof size, "%llu", (unsigned long long)c->disk_size);
        if (device_config_set(dev, "disk", r->disk, err, errlen) != 0 ||
            (c->disk_size && device_config_set(dev, "disk-size", size, err, errlen) != 0))
            return -1;
    }
    return 0;
}

/* Reads back what the guest printed. */
static void read_output(struct grade_result *r)
{
    uint8_t *data;
    size_t size;
    char err[600];
    if (loader_read_file(r->console, "console output", &data, &size, err, sizeof err) != 0) {
        if (!r->error[0])
            snprintf(r->error, sizeof r->error, "%s", err);
        return;
    }
    r->output_buffer = (char *)data;
    r->run.output = r->output_buffer;
    r->run.output_len = size;
}

/* ---- When each console line was completed ----
 * Everything the console file gets (the console's output and the debug
 * print operation's, in the order they are written) also comes here; each
 * newline's virtual time is the time its line was completed. */
struct line_clock {
    struct machine *m; /* NULL until booted (nothing is printed before) */
    struct grade_result *r;
    size_t n;
    bool oom;
    struct char_sink sink;
};

static void clock_write(void *opaque, const char *buf, unsigned long len)
{
    struct line_clock *lc = opaque;
    struct grade_result *r = lc->r;
    for (unsigned long i = 0; i < len; i++) {
        if (buf[i] != '\n' || lc->oom)
            continue;
        if (lc->n == r->line_times_cap) {
            size_t cap = r->line_times_cap ? 2 * r->line_times_cap : 256;
            uint64_t *t = realloc(r->line_times, cap * sizeof *t);
            if (!t) {
                lc->oom = true;
                return;
            }
            r->line_times = t;
            r->line_times_cap = cap;
        }
        r->line_times[lc->n++] = lc->m ? machine_clock(lc->m) : 0;
    }
}

/* Judges the run (ref NULL: against itself, as the reference's own run
 * is) and measures its metrics and leaderboard entries. */
static void judge(const struct grade_case *c, struct grade_result *r, const struct grade_ref *ref)
{
    struct grade_ref self = {.run = &r->run};
    r->outcomes = malloc((c->nchecks + 1) * sizeof *r->outcomes);
    r->metrics = calloc(c->nmetrics + 1, sizeof *r->metrics);
    r->board = calloc(c->nboard + 1, sizeof *r->board);
    if (!r->outcomes || !r->metrics || !r->board) {
        snprintf(r->error, sizeof r->error, "out of host memory");
        return;
    }
    r->noutcomes = c->nchecks + 1;
    r->failed = grade_check_run(c, &r->run, ref ? ref : &self, r->outcomes);
    for (unsigned i = 0; i < c->nmetrics + c->nboard; i++) {
        bool metric = i < c->nmetrics;
        const struct grade_metric *m = metric ? &c->metrics[i] : &c->board[i - c->nmetrics];
        struct grade_value *v = metric ? &r->metrics[i] : &r->board[i - c->nmetrics];
        v->ok = grade_measure(&m->m, &r->run, &v->v, v->why, sizeof v->why) == 0;
    }
}

/* ---- A multicomputer's case (nodes = N) ----
 * The nodes of sim/net/cluster.h, each booting the case's kernel with the
 * case's console input; every node's output goes into the case's console
 * file a line at a time with a "[K] " prefix, as `space run --nodes` prints
 * it. Not recorded (yet): `space run --nodes N --record` records such a
 * run, node by node, and the same case run that way is the same run. */
struct node_console {
    FILE *out;
    uint32_t k;
    const char *input;
    struct char_sink sink;
    char line[256]; /* a prefixed line being put together */
    unsigned len;
};

static void node_line(struct node_console *nc)
{
    fprintf(nc->out, "[%u] %.*s", nc->k, (int)nc->len, nc->line);
    if (!nc->len || nc->line[nc->len - 1] != '\n')
        fputc('\n', nc->out);
    nc->len = 0;
}

static void node_write(void *opaque, const char *buf, unsigned long len)
{
    struct node_console *nc = opaque;
    for (unsigned long i = 0; i < len; i++) {
        nc->line[nc->len++] = buf[i];
        if (buf[i] == '\n' || nc->len == sizeof nc->line)
            node_line(nc);
    }
}

static struct char_source *node_source(void *arg, unsigned device, char *err, unsigned errlen)
{
    (void)device;
    return stdio_source_open(((struct node_console *)arg)->input, err, errlen);
}

static struct char_sink *node_sink(void *arg, unsigned device, char *err, unsigned errlen)
{
    (void)device, (void)err, (void)errlen;
    return &((struct node_console *)arg)->sink;
}

/* How a multicomputer's run ended: that of the first node that did not
 * halt, else of the first that halted with a code other than 0, else of
 * node 0 (as `space run --nodes` picks its exit status). */
static void nodes_end(struct cluster *cl, struct grade_result *r)
{
    uint32_t which = 0, n = cluster_nodes(cl);
    uint64_t latest = 0;
    for (uint32_t k = n; k-- > 0;) {
        struct machine *m = cluster_node(cl, k);
        if (machine_now(m) > latest)
            latest = machine_now(m);
        if (machine_state(m) != MACHINE_HALTED || machine_exit_code(m) != 0)
            which = k;
    }
    for (uint32_t k = 0; k < n; k++)
        if (machine_state(cluster_node(cl, k)) != MACHINE_HALTED) {
            which = k;
            break;
        }
    struct machine *m = cluster_node(cl, which);
    enum machine_state st = machine_state(m);
    char line[640];
    session_describe_end(m, st, NULL, line, sizeof line);
    snprintf(r->end_line, sizeof r->end_line, "node %u of %u: %s", which, n, line);
    r->ran = true;
    r->run = (struct grade_run){.state = st,
                                .exit_code = machine_exit_code(m),
                                .virtual_time = latest,
                                .end_line = r->end_line};
}

static void run_nodes(const struct grade_case *c, struct grade_result *r, const char *kernel,
                      FILE *console)
{
    uint32_t n = c->nodes;
    struct node_console *nc = calloc(n, sizeof *nc);
    struct machine_config *cfg = calloc(n, sizeof *cfg);
    struct device_config **dc = calloc(n, sizeof *dc);
    struct net_spec spec = {0};
    struct cluster *cl = NULL;
    uint8_t *image = NULL;
    const uint8_t *bytes = basicoz_image;
    size_t size = basicoz_image_size;
    char err[512];
    if (!nc || !cfg || !dc) {
        snprintf(r->error, sizeof r->error, "out of host memory");
        goto done;
    }
    if (net_spec_parse(c->net, n, &spec, err, sizeof err) != 0) {
        snprintf(r->error, sizeof r->error, "%s", err);
        goto done;
    }
    for (uint32_t k = 0; k < n; k++) {
        nc[k] = (struct node_console){.out = console, .k = k, .input = r->input};
        nc[k].sink = (struct char_sink){.opaque = &nc[k], .write = node_write};
        char count[16];
        snprintf(count, sizeof count, "%u", n);
        if (!(dc[k] = device_config_new()) ||
            device_config_set(dc[k], "nodes", count, err, sizeof err) != 0 ||
            (c->net && device_config_set(dc[k], "net", c->net, err, sizeof err) != 0)) {
            snprintf(r->error, sizeof r->error, "%s", dc[k] ? err : "out of host memory");
            goto done;
        }
        cfg[k] = (struct machine_config){
            .ram_size = c->mem,
            .max_insns = c->max_insns,
            .cmdline = c->cmdline,
            .ncpus = c->ncpus,
            .jitter = c->seeded,
            .seed = c->seed,
            .devices = dc[k],
            .debug_sink = &nc[k].sink,
            .backends = {.arg = &nc[k], .char_source = node_source, .char_sink = node_sink}};
    }
    if (!(cl = cluster_create(n, cfg, &spec, c->seed, NULL, err, sizeof err))) {
        snprintf(r->error, sizeof r->error, "the machine could not be set up: %s", err);
        goto done;
    }
    for (uint32_t k = 0; k < n; k++)
        machine_set_debug_out(cluster_node(cl, k), NULL); /* (into the node's sink instead) */
    if (kernel) {
        if (loader_read_file(kernel, "kernel image", &image, &size, err, sizeof err) != 0) {
            snprintf(r->error, sizeof r->error, "%s", err);
            goto done;
        }
        bytes = image;
    }
    if (cluster_boot(cl, kernel ? kernel : SESSION_BUILTIN_NAME, bytes, size, err, sizeof err) !=
        0) {
        snprintf(r->error, sizeof r->error, "%s", err);
        goto done;
    }
    cluster_run(cl);
    for (uint32_t k = 0; k < n; k++)
        if (nc[k].len)
            node_line(&nc[k]);
    nodes_end(cl, r);
done:
    cluster_destroy(cl);
    for (uint32_t k = 0; dc && k < n; k++)
        device_config_free(dc[k]);
    net_spec_free(&spec);
    free(image);
    free(dc);
    free(cfg);
    free(nc);
}

/* A multicomputer's case: run, judged on its console output and how it
 * ended (it has no statistics to check, and no trace). False if grading
 * was interrupted (Ctrl-C). */
static bool run_nodes_case(const struct grade_runner *g, const struct grade_case *c,
                           struct grade_result *r, const char *kernel)
{
    FILE *console = NULL;
    struct device_config *unused = device_config_new(); /* (prepare: a disk; nodes have none) */
    struct host_backends host = {0};
    if (!unused)
        snprintf(r->error, sizeof r->error, "out of host memory");
    else if (prepare(g, c, r, &host, unused) == 0 && !(console = fopen(r->console, "wb")))
        snprintf(r->error, sizeof r->error, "%s: cannot create it: %s", r->console,
                 strerror(errno));
    if (console) {
        run_nodes(c, r, kernel, console);
        if (fclose(console) != 0 && !r->error[0])
            snprintf(r->error, sizeof r->error, "%s: writing failed", r->console);
        read_output(r);
    }
    device_config_free(unused);
    if (r->ran && !r->error[0])
        judge(c, r, NULL);
    r->passed = r->outcomes && !r->failed && !r->error[0];
    return !r->ran || r->run.state != MACHINE_INTERRUPTED;
}

/* The host's clock, for JUnit's and Gradescope's times only: nothing a
 * case checks depends on it. C11's timespec_get where the C library has it
 * (MinGW's msvcrt has not: whole seconds there). */
static double wall_seconds(void)
{
#ifdef TIME_UTC
    struct timespec t;
    if (timespec_get(&t, TIME_UTC) == TIME_UTC)
        return (double)t.tv_sec + t.tv_nsec / 1e9;
#endif
    return (double)time(NULL);
}

/* Runs one case, judged against ref (NULL: against itself); false if
 * grading was interrupted (Ctrl-C). */
static bool run_case(const struct grade_runner *g, const struct grade_case *c,
                     const struct grade_ref *ref, struct grade_result *r)
{
    static const char *const failures[] = {
        [SESSION_MACHINE] = "the machine could not be set up: ",
        [SESSION_KERNEL] = "",
        [SESSION_RECORD] = "the run could not be recorded: ",
    };
    *r = (struct grade_result){.c = c};
    char *trace = case_file(g, "traces", c->name, ".trc");
    char *timeline = case_file(g, "timelines", c->name, ".json");
    bool tl_written = false;
    r->console = case_file(g, "console", c->name, ".txt");
    const char *kernel = g->builtin ? NULL : g->kernel ? g->kernel : c->kernel;
    const char *kernel_name = kernel ? kernel : SESSION_BUILTIN_NAME;
    if ((r->kernel = malloc(strlen(kernel_name) + 1)))
        strcpy(r->kernel, kernel_name);
    if (!trace || !timeline || !r->console || !r->kernel) {
        snprintf(r->error, sizeof r->error, "out of host memory");
        free(trace);
        free(timeline);
        return true;
    }
    remove(trace); /* (a trace left from an earlier grading is not this run's) */
    remove(timeline);
    if (c->nodes) {
        free(trace);
        free(timeline);
        return run_nodes_case(g, c, r, kernel);
    }
    struct device_config *devices = device_config_new();
    struct session_config sc = {
        .machine = {.ram_size = c->mem,
                    .max_insns = c->max_insns,
                    .cmdline = c->cmdline,
                    .ncpus = c->ncpus,
                    .jitter = c->seeded,
                    .seed = c->seed,
                    .devices = devices},
        .kernel_path = kernel,
        .record_path = trace,
    };
    FILE *console = NULL;
    if (!devices) {
        snprintf(r->error, sizeof r->error, "out of host memory");
        goto done;
    }
    if (prepare(g, c, r, &sc.host, devices) != 0)
        goto done;
    if (!(console = fopen(r->console, "wb"))) {
        snprintf(r->error, sizeof r->error, "%s: cannot create it: %s", r->console,
                 strerror(errno));
        goto done;
    }
    sc.host.output = console;
    struct line_clock clock = {.r = r};
    clock.sink = (struct char_sink){.opaque = &clock, .write = clock_write};
    sc.host.also = &clock.sink;
    sc.machine.debug_sink = &clock.sink;
    char err[512];
    struct session ses;
    enum session_failure failed = session_start(&ses, &sc, err, sizeof err);
    if (failed != SESSION_OK) {
        snprintf(r->error, sizeof r->error, "%s%s", failures[failed], err);
        goto done;
    }
    clock.m = ses.m;
    /* The timeline: written as it runs, kept with the trace. */
    FILE *tl_out = fopen(timeline, "wb");
    struct timeline *tl = NULL;
    if (tl_out) {
        timeline_json_begin(tl_out);
        tl = timeline_create(ses.m, tl_out, &(struct timeline_options){.title = c->name});
    }
    enum machine_state st = session_run(&ses, NULL, NULL);
    fflush(console);
    if (tl)
        timeline_finish(tl);
    timeline_free(tl);
    tl_written = tl && !(timeline_json_end(tl_out) | fclose(tl_out));
    if (tl_out && !tl)
        fclose(tl_out);
    session_describe_end(ses.m, st, NULL, r->end_line, sizeof r->end_line);
    r->ran = true;
    r->run = (struct grade_run){.state = st,
                                .exit_code = machine_exit_code(ses.m),
                                .virtual_time = machine_now(ses.m),
                                .end_line = r->end_line};
    r->stats = stats_machine(ses.m);
    r->run.stats = r->stats;
    r->run.line_times = r->line_times;
    r->run.nline_times = clock.n;
    if (clock.oom)
        snprintf(r->error, sizeof r->error, "out of host memory for the console's line times");
    if (session_finish(&ses, err, sizeof err) != 0)
        snprintf(r->note, sizeof r->note, "the trace is incomplete: %s", err);
    if (st == MACHINE_INTERRUPTED) {
        device_config_free(devices);
        fclose(console);
        remove(trace);
        remove(timeline);
        if (r->disk)
            remove(r->disk);
        free(trace);
        free(timeline);
        return false;
    }
    if (!r->stats)
        snprintf(r->error, sizeof r->error, "out of host memory for the statistics");
done:
    device_config_free(devices);
    if (console && fclose(console) != 0 && !r->error[0])
        snprintf(r->error, sizeof r->error, "%s: writing failed", r->console);
    if (console)
        read_output(r);
    if (r->ran && r->stats)
        judge(c, r, ref);
    r->passed = r->outcomes && !r->failed && !r->error[0];
    if (r->ran && tl_written && (!r->passed || g->keep_traces)) {
        r->timeline = timeline; /* kept */
    } else {
        remove(timeline);
        free(timeline);
    }
    if (r->ran && (!r->passed || g->keep_traces)) {
        r->trace = trace; /* kept */
    } else {
        remove(trace);
        free(trace);
        if (r->disk) {
            remove(r->disk);
            free(r->disk);
            r->disk = NULL;
        }
    }
    return true;
}

void grade_result_free(struct grade_result *r)
{
    free(r->line_times);
    free(r->metrics);
    free(r->board);
    json_decref(r->stats);
    free(r->outcomes);
    free(r->kernel);
    free(r->input);
    free(r->console);
    free(r->trace);
    free(r->timeline);
    free(r->disk);
    free(r->output_buffer);
}

int grade_run_dirs(const char *out, char *err, unsigned errlen)
{
    if (make_dirs(out, err, errlen) != 0)
        return -1;
    for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
        char *d = grade_path(out, NULL, subdirs[i]);
        if (!d || platform_make_dir(d) != 0) {
            snprintf(err, errlen, "%s: cannot create the directory: %s", d ? d : subdirs[i],
                     d ? strerror(errno) : "out of host memory");
            free(d);
            return -1;
        }
        free(d);
    }
    return 0;
}

char *grade_run_ref_dir(const char *out)
{
    return grade_path(out, NULL, "reference");
}

/* Why the reference's numbers cannot be used, or "". */
static void ref_unusable(const struct grade_result *ref, char *why, size_t len)
{
    why[0] = 0;
    if (!ref->ran)
        snprintf(why, len, "the reference kernel's run could not run: %.200s", ref->error);
    else if (ref->outcomes && !ref->outcomes[0].passed)
        snprintf(why, len,
                 "the reference kernel's run did not end as the case requires (%.100s): %.150s",
                 ref->outcomes[0].expected, ref->run.end_line);
    else if (ref->error[0])
        snprintf(why, len, "the reference kernel's run: %.250s", ref->error);
}

bool grade_run_case(const struct grade_runner *g, const struct grade_case *c,
                    struct grade_result *ref, struct grade_result *r)
{
    double start = wall_seconds();
    struct grade_ref gr = {0};
    char why[GRADE_TEXT] = "";
    bool use_ref = ref && grade_case_needs_ref(c);
    if (use_ref && ref->c != c) {
        char *dir = grade_run_ref_dir(g->out);
        char err[600] = "out of host memory";
        const char *kernel = g->reference ? g->reference : c->reference;
        struct grade_runner rg = {.out = dir, .kernel = kernel, .builtin = !kernel};
        if (!dir || grade_run_dirs(dir, err, sizeof err) != 0) {
            *ref = (struct grade_result){.c = c};
            snprintf(ref->error, sizeof ref->error, "%s", err);
        } else if (!run_case(&rg, c, NULL, ref)) {
            free(dir);
            *r = (struct grade_result){.c = c};
            return false;
        }
        free(dir);
    }
    if (use_ref) {
        ref_unusable(ref, why, sizeof why);
        gr = (struct grade_ref){.run = ref->ran ? &ref->run : NULL, .why = why[0] ? why : NULL};
    }
    bool done = run_case(g, c, use_ref ? &gr : NULL, r);
    if (use_ref) {
        r->ref = ref;
        snprintf(r->ref_why, sizeof r->ref_why, "%s", why);
    }
    r->wall_seconds = wall_seconds() - start;
    return done;
}

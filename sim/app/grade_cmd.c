/* space grade: runs a workload spec's cases, each on a machine set up as
 * `space run` would (sim/app/session.h), always recorded; judges each run
 * (sim/grade/grade_check.h) and writes the results (sim/grade/grade_report.h). A
 * failing case keeps its trace, so a TA can replay the very run, and its
 * timeline (sim/timeline/timeline.h), to look at it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sim/grade/grade_check.h"
#include "sim/grade/grade_report.h"
#include "sim/grade/grade_spec.h"
#include "sim/core/loader.h"
#include "sim/host/platform.h"
#include "sim/host/stdio_console.h"
#include "sim/net/cluster.h"
#include "session.h"
#include "sim/stats/stats.h"
#include "sim/timeline/timeline.h"

#define EXIT_FAILED   1 /* a case failed */
#define EXIT_BAD_SPEC 3
#define DEFAULT_OUT   "grade-results"

/* The subdirectories of the results directory. */
static const char *const subdirs[] = {"traces", "console", "input", "disks", "timelines"};

struct grader {
    const char *out;         /* --out */
    const char *kernel;      /* --kernel: every case's kernel */
    bool keep_traces;        /* --keep-traces */
    const char *const *only; /* --case NAME...: only these */
    unsigned nonly;
};

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
static char *case_file(const struct grader *g, const char *sub, const char *name, const char *ext)
{
    char file[128];
    snprintf(file, sizeof file, "%s%s", name, ext);
    return grade_path(g->out, sub, file);
}

/* The files a case's run uses: console input and a disk image. */
static int prepare(const struct grader *g, const struct grade_case *c, struct grade_result *r,
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
static bool run_nodes_case(const struct grader *g, const struct grade_case *c,
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
    if (r->ran && !r->error[0] && (r->outcomes = malloc((c->nchecks + 1) * sizeof *r->outcomes))) {
        r->noutcomes = c->nchecks + 1;
        r->failed = grade_check_run(c, &r->run, r->outcomes);
    }
    r->passed = r->outcomes && !r->failed && !r->error[0];
    return !r->ran || r->run.state != MACHINE_INTERRUPTED;
}

/* Runs one case; false if grading was interrupted (Ctrl-C). */
static bool run_case(const struct grader *g, const struct grade_case *c, struct grade_result *r)
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
    const char *kernel = g->kernel ? g->kernel : c->kernel;
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
    char err[512];
    struct session ses;
    enum session_failure failed = session_start(&ses, &sc, err, sizeof err);
    if (failed != SESSION_OK) {
        snprintf(r->error, sizeof r->error, "%s%s", failures[failed], err);
        goto done;
    }
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
    if (r->ran && r->stats && (r->outcomes = malloc((c->nchecks + 1) * sizeof *r->outcomes))) {
        r->noutcomes = c->nchecks + 1;
        r->failed = grade_check_run(c, &r->run, r->outcomes);
    }
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

static bool selected(const struct grader *g, const char *name)
{
    for (unsigned i = 0; i < g->nonly; i++)
        if (!strcmp(g->only[i], name))
            return true;
    return !g->nonly;
}

/* If `out` (a file grading would write or remove) is one of the inputs,
 * says so in err and returns -1. */
static int check_output(const char *out, const char *const *inputs, const char *const *whats,
                        unsigned ninputs, char *err, unsigned errlen)
{
    for (unsigned i = 0; out && i < ninputs; i++)
        if (inputs[i] && platform_same_file(out, inputs[i])) {
            snprintf(err, errlen,
                     "%s: grading would overwrite it, but it is %s %s (choose another --out)", out,
                     whats[i], inputs[i]);
            return -1;
        }
    return out ? 0 : (snprintf(err, errlen, "out of host memory"), -1);
}

/* Grading never removes or overwrites an input: the spec, a kernel, an
 * input file or a disk image (a disk `disks/a.img` beside the spec, with
 * --out the spec's directory, is where case a's copy would go). Checked
 * before anything is written; an output that does not exist yet cannot be
 * an input. */
static int check_outputs(const struct grader *g, const struct grade_spec *spec,
                         const char *spec_path, char *err, unsigned errlen)
{
    unsigned max = 2 + 3 * spec->ncases, n = 0;
    const char **inputs = calloc(max, sizeof *inputs), **whats = calloc(max, sizeof *whats);
    int rc = -1;
    if (!inputs || !whats) {
        snprintf(err, errlen, "out of host memory");
        goto out;
    }
    inputs[n] = spec_path, whats[n++] = "the spec";
    inputs[n] = g->kernel, whats[n++] = "the kernel";
    for (unsigned i = 0; i < spec->ncases; i++) {
        const struct grade_case *c = &spec->cases[i];
        inputs[n] = c->kernel, whats[n++] = "a case's kernel";
        inputs[n] = c->input_file, whats[n++] = "a case's input file";
        inputs[n] = c->disk, whats[n++] = "a case's disk image";
    }
    static const char *const reports[] = {"results.json", "junit.xml", "grade.json"};
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
        char *path = grade_path(g->out, NULL, reports[i]);
        int bad = check_output(path, inputs, whats, n, err, errlen);
        free(path);
        if (bad)
            goto out;
    }
    for (unsigned i = 0; i < spec->ncases; i++) {
        const struct grade_case *c = &spec->cases[i];
        if (!selected(g, c->name))
            continue;
        const struct {
            bool used;
            const char *sub, *ext;
        } files[] = {
            {true, "traces", ".trc"},
            {true, "timelines", ".json"},
            {true, "console", ".txt"},
            {!c->input_file, "input", ".txt"},
            {c->disk || c->disk_size, "disks", ".img"},
        };
        for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
            if (!files[k].used)
                continue;
            char *path = case_file(g, files[k].sub, c->name, files[k].ext);
            int bad = check_output(path, inputs, whats, n, err, errlen);
            free(path);
            if (bad)
                goto out;
        }
    }
    rc = 0;
out:
    free(inputs);
    free(whats);
    return rc;
}

static void free_result(struct grade_result *r)
{
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

enum { GRADE_OUT, GRADE_KERNEL, GRADE_CASE, GRADE_KEEP_TRACES };

static const struct cmd_option grade_options[] = {
    {"out", 0, "DIR", "the results directory (default " DEFAULT_OUT ")", GRADE_OUT},
    {"kernel", 0, "FILE",
     "run every case on this kernel instead of the spec's (the\n"
     "submission: if it is missing or bad, every case fails)",
     GRADE_KERNEL},
    {"case", 0, "NAME", "run only this case (may be given more than once)", GRADE_CASE},
    {"keep-traces", 0, NULL, "keep the traces of passing cases too", GRADE_KEEP_TRACES},
    {0},
};

static void describe(FILE *out)
{
    struct options o;
    options_init(&o, 0, NULL);
    options_add(&o, grade_options);
    fputs("space grade runs the cases of the workload spec SPEC (docs/grading.md), each\n"
          "recorded, checks their console output, end and statistics, and writes\n"
          "DIR/results.json (Gradescope), DIR/junit.xml and DIR/grade.json, and the\n"
          "trace of every failing case as DIR/traces/CASE.trc and its timeline as\n"
          "DIR/timelines/CASE.json (for Perfetto; docs/instrumentation.md).\n"
          "options for grade:\n",
          out);
    options_print(&o, out);
    fputs("exit status of grade: 0 every case passed, 1 a case failed, 2 bad command\n"
          "line, 3 bad spec (one line: 'space: FILE:LINE: ...'), 4 the results cannot be\n"
          "written, 130 interrupted.\n",
          out);
    options_free(&o);
}

const struct cmd_help grade_help = {
    "space grade SPEC [--out DIR] [--kernel FILE] [--case NAME]... [--keep-traces]",
    describe,
};

int cmd_grade(int argc, char **argv)
{
    struct grader g = {.out = DEFAULT_OUT};
    const char *spec_path = NULL;
    const char **only = calloc((size_t)argc + 1, sizeof *only);
    if (!only) {
        fprintf(stderr, "space: out of host memory\n");
        return EXIT_BAD_INPUT;
    }
    g.only = only;
    struct options o;
    options_init(&o, argc, argv);
    options_add(&o, grade_options);
    const char *val;
    int id, status = 0;
    while (!status && (id = options_next(&o, &val)) != OPTIONS_END) {
        if (id >= 0 && val && !*val) {
            char opt[64];
            snprintf(opt, sizeof opt, "--%s", o.last->name);
            status = cli_usage_error("%s needs a value", opt);
            break;
        }
        switch (id) {
        case OPTIONS_HELP: status = -1; break;
        case OPTIONS_ERROR: status = EXIT_USAGE; break;
        case OPTIONS_OPERAND:
            if (spec_path)
                status = cli_usage_error("more than one spec given ('%s')", val);
            spec_path = val;
            break;
        case GRADE_OUT: g.out = val; break;
        case GRADE_KERNEL: g.kernel = val; break;
        case GRADE_CASE: only[g.nonly++] = val; break;
        case GRADE_KEEP_TRACES: g.keep_traces = true; break;
        }
    }
    options_free(&o);
    if (!status && !spec_path)
        status = cli_usage_error("%s", "grade needs a spec file (space grade SPEC)");
    if (status) {
        free(only);
        return status < 0 ? cli_help(&grade_help) : status;
    }

    char err[1024];
    struct grade_spec *spec = grade_spec_load(spec_path, err, sizeof err);
    if (!spec) {
        fprintf(stderr, "space: %s\n", err);
        free(only);
        return EXIT_BAD_SPEC;
    }
    for (unsigned i = 0; i < g.nonly; i++) {
        unsigned k = 0;
        while (k < spec->ncases && strcmp(spec->cases[k].name, g.only[i]) != 0)
            k++;
        if (k == spec->ncases) {
            fprintf(stderr, "space: --case %s: %s has no such case\n", g.only[i], spec_path);
            grade_spec_free(spec);
            free(only);
            return EXIT_USAGE;
        }
    }
    if (check_outputs(&g, spec, spec_path, err, sizeof err) != 0) {
        fprintf(stderr, "space: %s\n", err);
        grade_spec_free(spec);
        free(only);
        return EXIT_BAD_INPUT;
    }
    status = make_dirs(g.out, err, sizeof err);
    for (size_t i = 0; !status && i < sizeof subdirs / sizeof subdirs[0]; i++) {
        char *d = grade_path(g.out, NULL, subdirs[i]);
        if (!d || platform_make_dir(d) != 0) {
            snprintf(err, sizeof err, "%s: cannot create the directory: %s", d ? d : subdirs[i],
                     d ? strerror(errno) : "out of host memory");
            status = -1;
        }
        free(d);
    }
    struct grade_result *results = calloc(spec->ncases, sizeof *results);
    if (!status && !results) {
        snprintf(err, sizeof err, "out of host memory");
        status = -1;
    }
    if (status) {
        fprintf(stderr, "space: %s\n", err);
        free(results);
        grade_spec_free(spec);
        free(only);
        return EXIT_BAD_INPUT;
    }

    struct grade_report rep = {.spec = spec, .out_dir = g.out, .results = results};
    char title[256];
    printf("space grade %s: %s, kernel %s\n", spec_path,
           grade_escape(spec->title, title, sizeof title),
           g.kernel ? g.kernel : "as the spec says");
    fflush(stdout);
    bool interrupted = false;
    for (unsigned i = 0; i < spec->ncases && !interrupted; i++) {
        if (!selected(&g, spec->cases[i].name))
            continue;
        interrupted = !run_case(&g, &spec->cases[i], &results[rep.n]);
        if (!interrupted)
            grade_report_row(stdout, &rep, &results[rep.n++]);
        else
            free_result(&results[rep.n]);
    }
    if (interrupted) {
        fprintf(stderr, "space: grading interrupted; no results written\n");
        status = EXIT_INTERRUPTED;
    } else if (grade_report_write(&rep, err, sizeof err) != 0) {
        fprintf(stderr, "space: %s\n", err);
        status = EXIT_BAD_INPUT;
    } else {
        grade_report_total(stdout, &rep);
        status = 0;
        for (unsigned i = 0; i < rep.n; i++)
            if (!results[i].passed)
                status = EXIT_FAILED;
    }
    for (unsigned i = 0; i < rep.n; i++)
        free_result(&results[i]);
    free(results);
    grade_spec_free(spec);
    free(only);
    return status;
}

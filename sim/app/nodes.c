#include "nodes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "session.h"
#include "sim/core/loader.h"
#include "sim/core/tracer.h"
#include "sim/host/image_store.h"
#include "sim/host/stdio_console.h"
#include "sim/net/cluster.h"
#include "sim/replay/recorder.h"
#include "sim/stats/stats.h"
#include "sim/timeline/timeline.h"
#include "ui/sdb/debug_cli.h"

/* A node's translation buffer: Unicorn makes all of it resident, and a
 * kernel's code fits in far less than one machine's default (boot time and
 * memory of many nodes: docs/multicomputer.md). */
#define NODE_TCG_BUFFER (8u << 20)

/* ---- One node's console and disk ---- */

struct node_io {
    uint32_t k;
    const char *input; /* NULL: none (the node's input has ended) */
    bool stdin_input;  /* node 0 with no --input at all: standard input */
    FILE *file;        /* --console-dir: its file; NULL: prefixed standard output */
    struct char_sink sink;
    char line[256]; /* a prefixed line being put together */
    unsigned len;
};

/* "[K] " and the line, whole, so that nodes' lines never mix. */
static void put_line(struct node_io *io)
{
    printf("[%u] %.*s", io->k, (int)io->len, io->line);
    if (!io->len || io->line[io->len - 1] != '\n')
        putchar('\n');
    io->len = 0;
}

static void sink_write(void *opaque, const char *buf, unsigned long len)
{
    struct node_io *io = opaque;
    if (io->file) {
        fwrite(buf, 1, len, io->file);
        return;
    }
    for (unsigned long i = 0; i < len; i++) {
        io->line[io->len++] = buf[i];
        if (buf[i] == '\n' || io->len == sizeof io->line)
            put_line(io);
    }
}

static void sink_end(struct node_io *io)
{
    if (io->file) {
        fclose(io->file);
        io->file = NULL;
    } else if (io->len) {
        put_line(io);
    }
}

static long no_input(void *opaque, bool wait, const char **line)
{
    (void)opaque, (void)wait, (void)line;
    return -1;
}

static struct char_source empty_source = {.take_line = no_input};

static struct char_source *io_source(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct node_io *io = arg;
    (void)device;
    if (io->input || io->stdin_input)
        return stdio_source_open(io->input, err, errlen);
    return &empty_source;
}

static struct char_sink *io_sink(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct node_io *io = arg;
    (void)device, (void)err, (void)errlen;
    return &io->sink;
}

static struct block_store *io_store(void *arg, unsigned device, const char *name,
                                    uint64_t create_size, bool readonly, char *err, unsigned errlen)
{
    (void)arg, (void)device;
    return image_store_open(name, create_size, readonly, err, errlen);
}

/* "K=REST" with K a node number: K and REST; otherwise -1. */
static int node_prefix(const char *s, uint32_t *k, const char **rest)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    unsigned long v = strtoul(s, &end, 10);
    if (*end != '=' || v >= CLUSTER_MAX_NODES)
        return -1;
    *k = (uint32_t)v;
    *rest = end + 1;
    return 0;
}

int nodes_check(const struct nodes_run *o)
{
    uint32_t k;
    const char *rest;
    for (unsigned i = 0; i < o->ninputs; i++)
        if (node_prefix(o->inputs[i], &k, &rest) == 0 && (!o->nodes || k >= o->nodes))
            return cli_usage_error(
                o->nodes ? "--input %s: no such node" : "--input %s needs --nodes", o->inputs[i]);
    for (unsigned i = 0; i < o->ndevopts; i++) {
        if (strcmp(o->devopts[i].name, "disk") != 0)
            continue;
        bool numbered = node_prefix(o->devopts[i].value, &k, &rest) == 0;
        if (numbered && (!o->nodes || k >= o->nodes))
            return cli_usage_error(o->nodes ? "--disk %s: no such node" : "--disk %s needs --nodes",
                                   o->devopts[i].value);
        if (!numbered && o->nodes > 1)
            return cli_usage_error("--disk %s: with --nodes each node has its own image: give "
                                   "--disk K=IMAGE for node K",
                                   o->devopts[i].value);
    }
    if (o->console_dir && !o->nodes)
        return cli_usage_error("%s needs --nodes", "--console-dir");
    return 0;
}

/* Node k's device options: all given, --disk only its own. NULL with a
 * message on stderr. */
static struct device_config *node_devices(const struct nodes_run *o, uint32_t k)
{
    struct device_config *dc = device_config_new();
    char err[256];
    for (unsigned i = 0; dc && i < o->ndevopts; i++) {
        const char *value = o->devopts[i].value;
        uint32_t owner;
        const char *rest;
        if (!strcmp(o->devopts[i].name, "disk") && node_prefix(value, &owner, &rest) == 0) {
            if (owner != k)
                continue;
            value = rest;
        }
        if (device_config_set(dc, o->devopts[i].name, value, err, sizeof err) != 0) {
            fprintf(stderr, "space: node %u: %s\n", k, err);
            device_config_free(dc);
            return NULL;
        }
    }
    if (!dc)
        fprintf(stderr, "space: out of host memory\n");
    return dc;
}

/* The input of node k: its own --input K=FILE, else the last --input FILE. */
static const char *node_input(const struct nodes_run *o, uint32_t k)
{
    const char *all = NULL, *own = NULL, *rest;
    uint32_t owner;
    for (unsigned i = 0; i < o->ninputs; i++) {
        if (node_prefix(o->inputs[i], &owner, &rest) != 0)
            all = o->inputs[i];
        else if (owner == k)
            own = rest;
    }
    return own ? own : all;
}

/* ---- Statistics ---- */

static json_t *network_stats(const struct cluster *c)
{
    const struct net_stats *s = cluster_net_stats(c);
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "sent", (json_int_t)s->sent, "bytes",
                     (json_int_t)s->bytes, "delivered", (json_int_t)s->delivered, "lost",
                     (json_int_t)s->lost, "cut", (json_int_t)s->cut, "duplicated",
                     (json_int_t)s->duplicated, "reordered", (json_int_t)s->reordered, "in_flight",
                     (json_int_t)cluster_in_flight(c), "window", (json_int_t)cluster_window(c));
}

static void write_stats(const struct nodes_run *o, struct cluster *c)
{
    FILE *out = o->stats_out;
    json_t *net = network_stats(c);
    if (o->write_stats == stats_write_json) {
        json_t *all = json_object(), *nodes = json_array();
        for (uint32_t k = 0; k < cluster_nodes(c); k++) {
            json_t *tree = stats_machine(cluster_node(c, k));
            json_array_append_new(nodes, tree ? stats_report(tree) : json_null());
            json_decref(tree);
        }
        json_object_set_new(all, "format", json_string("space-cluster-stats"));
        json_object_set_new(all, "version", json_integer(1));
        json_object_set_new(all, "nodes", nodes);
        json_object_set_new(all, "network", net);
        json_dumpf(all, out, JSON_INDENT(1));
        fputc('\n', out);
        json_decref(all);
    } else {
        for (uint32_t k = 0; k < cluster_nodes(c); k++) {
            json_t *tree = stats_machine(cluster_node(c, k));
            fprintf(out, "node %u:\n", k);
            if (tree)
                o->write_stats(out, tree);
            json_decref(tree);
        }
        const struct net_stats *s = cluster_net_stats(c);
        fprintf(out,
                "network: %llu frames sent (%llu bytes), %llu delivered, %llu lost, %llu cut off, "
                "%llu duplicated, %llu reordered, %llu on their way\n",
                (unsigned long long)s->sent, (unsigned long long)s->bytes,
                (unsigned long long)s->delivered, (unsigned long long)s->lost,
                (unsigned long long)s->cut, (unsigned long long)s->duplicated,
                (unsigned long long)s->reordered, (unsigned long long)cluster_in_flight(c));
        json_decref(net);
    }
    fflush(out);
}

/* ---- The run ---- */

static int attach_traces(const struct nodes_run *o, struct cluster *c, FILE **trace)
{
    if (!o->trace_flags)
        return 0;
    struct trace_flags f;
    char err[256];
    if (tracer_parse(o->trace_flags, &f, err, sizeof err) != 0) {
        fprintf(stderr, "space: %s\n", err);
        return EXIT_USAGE;
    }
    *trace = o->trace_path ? fopen(o->trace_path, "w") : stderr;
    if (!*trace) {
        fprintf(stderr, "space: --trace-file %s: cannot create it: %s\n", o->trace_path,
                strerror(errno));
        return EXIT_BAD_INPUT;
    }
    for (uint32_t k = 0; k < cluster_nodes(c); k++)
        if (tracer_attach(cluster_node(c, k), &f, *trace, false, err, sizeof err) != 0) {
            fprintf(stderr, "space: %s\n", err);
            return EXIT_BAD_INPUT;
        }
    return 0;
}

/* How each node ended: the exit status (the first node's that is not 0). */
static int report(const struct nodes_run *o, struct cluster *c)
{
    int status = 0;
    for (uint32_t k = 0; k < cluster_nodes(c); k++) {
        struct machine *m = cluster_node(c, k);
        enum machine_state st = machine_state(m);
        char line[768];
        int s = session_describe_end(m, st, NULL, line, sizeof line);
        if (st != MACHINE_HALTED || o->verbose)
            fprintf(stderr, "space: [%u] %s\n", k, line);
        if (!status)
            status = s;
    }
    return status;
}

/* --record FILE: a recorder for each node, into FILE.K. */
struct recording {
    const struct nodes_run *o;
    struct recorder **rec; /* NULL once finished */
    uint32_t started;      /* rec[0..started) were started */
    bool failed;
};

static struct backend_provider record_node(void *arg, uint32_t k, struct backend_provider p)
{
    struct recording *r = arg;
    char path[4096];
    snprintf(path, sizeof path, "%s.%u", r->o->record_path, k);
    if (!(r->rec[k] = recorder_open(path, r->o->checkpoint_interval, &p))) {
        r->failed = true;
        return p;
    }
    return *recorder_backends(r->rec[k]);
}

/* Starts every node's recording (the machines booted). 0, or -1 after a
 * message. */
static int start_recording(struct recording *r, struct cluster *c, const struct record_setup *s)
{
    char err[512];
    for (uint32_t k = 0; k < cluster_nodes(c); k++, r->started++)
        if (recorder_start(r->rec[k], cluster_node(c, k), s, err, sizeof err) != 0) {
            fprintf(stderr, "space: --record: node %u: %s\n", k, err);
            return -1;
        }
    return 0;
}

/* Ends every node's recording (those not started are discarded), before
 * the machines go: 0, or -1 after a message. */
static int finish_recording(struct recording *r, uint32_t n)
{
    int rc = 0;
    char err[512];
    for (uint32_t k = 0; r->rec && k < n; k++) {
        if (r->rec[k] && k < r->started && recorder_finish(r->rec[k], err, sizeof err) != 0) {
            fprintf(stderr, "space: --record: node %u: %s\n", k, err);
            rc = -1;
        } else if (r->rec[k] && k >= r->started) {
            recorder_discard(r->rec[k]);
        }
        r->rec[k] = NULL;
    }
    return rc;
}

static struct machine *lead(void *arg, unsigned k)
{
    return cluster_lead(arg, k);
}

/* Under sdb, node 0 driven first: sdb's exit status (the driven node's). */
static int debug_nodes(const struct nodes_run *o, struct cluster *c, const uint8_t *image,
                       size_t size)
{
    uint32_t n = cluster_nodes(c);
    struct machine **ms = calloc(n, sizeof *ms);
    if (!ms) {
        fprintf(stderr, "space: out of host memory\n");
        return EXIT_BAD_INPUT;
    }
    for (uint32_t k = 0; k < n; k++)
        ms[k] = cluster_node(c, k);
    struct debug_cli_config dc = {.kernel_path = o->kernel_path,
                                  .image = image,
                                  .image_size = size,
                                  .image_name = SESSION_BUILTIN_NAME,
                                  .in = stdin,
                                  .out = stdout,
                                  .nodes = n,
                                  .machines = ms,
                                  .lead = lead,
                                  .lead_arg = c};
    int status = debug_cli_run(cluster_lead(c, 0), &dc);
    free(ms);
    return status;
}

/* --timeline FILE: one timeline per node, pid K, in one file. */
struct timelines {
    FILE *out;
    struct timeline **t;
    uint32_t n;
};

/* A frame's fate goes to the timeline of the node where it happens. */
static void frame_event(void *arg, const struct net_event *e)
{
    struct timelines *tl = arg;
    timeline_net(tl->t[e->kind == NET_DELIVERED ? e->dst : e->src], e);
}

/* 0, or an exit status after a message. */
static int start_timelines(const struct nodes_run *o, struct cluster *c, struct timelines *tl)
{
    uint32_t n = cluster_nodes(c);
    if (!(tl->out = fopen(o->timeline_path, "wb"))) {
        fprintf(stderr, "space: --timeline %s: cannot create it: %s\n", o->timeline_path,
                strerror(errno));
        return EXIT_BAD_INPUT;
    }
    timeline_json_begin(tl->out);
    if (!(tl->t = calloc(n, sizeof *tl->t))) {
        fprintf(stderr, "space: --timeline: out of host memory\n");
        return EXIT_BAD_INPUT;
    }
    for (tl->n = 0; tl->n < n; tl->n++) {
        char title[32];
        snprintf(title, sizeof title, "node %u", tl->n);
        struct timeline_options to = {.node = tl->n, .title = title};
        if (!(tl->t[tl->n] = timeline_create(cluster_node(c, tl->n), tl->out, &to))) {
            fprintf(stderr, "space: --timeline: out of host memory\n");
            return EXIT_BAD_INPUT;
        }
    }
    cluster_observe(c, frame_event, tl);
    return 0;
}

/* Ends the timelines (ran: the run is over, close the slices). 0, or -1
 * after a message. */
static int finish_timelines(const struct nodes_run *o, struct cluster *c, struct timelines *tl,
                            bool ran)
{
    if (c)
        cluster_observe(c, NULL, NULL);
    for (uint32_t k = 0; k < tl->n; k++) {
        if (ran)
            timeline_finish(tl->t[k]);
        timeline_free(tl->t[k]);
    }
    free(tl->t);
    int rc = 0;
    if (tl->out && (timeline_json_end(tl->out) | fclose(tl->out))) {
        fprintf(stderr, "space: --timeline %s: cannot write it\n", o->timeline_path);
        rc = -1;
    }
    *tl = (struct timelines){0};
    return rc;
}

/* Opens node k's console file in --console-dir. */
static int open_console_file(const struct nodes_run *o, struct node_io *io)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/node%u.txt", o->console_dir, io->k);
    if (!(io->file = fopen(path, "w"))) {
        fprintf(stderr, "space: --console-dir: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int nodes_run(const struct nodes_run *o)
{
    uint32_t n = o->nodes;
    struct node_io *io = calloc(n, sizeof *io);
    struct machine_config *cfg = calloc(n, sizeof *cfg);
    struct device_config **dc = calloc(n, sizeof *dc);
    struct recording rec = {.o = o, .rec = calloc(n, sizeof *rec.rec)};
    struct cluster_wrap wrap = {&rec, record_node};
    struct cluster *c = NULL;
    struct net_spec spec = {0};
    FILE *trace = NULL;
    struct timelines tl = {0};
    uint8_t *image = NULL;
    size_t size = basicoz_image_size;
    char err[512];
    int status = EXIT_BAD_INPUT;
    if (!io || !cfg || !dc || !rec.rec) {
        fprintf(stderr, "space: out of host memory\n");
        goto out;
    }
    if (net_spec_parse(o->net, n, &spec, err, sizeof err) != 0) {
        status = cli_usage_error("%s", err);
        goto out;
    }
    for (uint32_t k = 0; k < n; k++) {
        io[k] = (struct node_io){
            .k = k, .input = node_input(o, k), .stdin_input = k == 0 && !o->ninputs};
        io[k].sink = (struct char_sink){.opaque = &io[k], .write = sink_write};
        if ((o->console_dir && open_console_file(o, &io[k]) != 0) || !(dc[k] = node_devices(o, k)))
            goto out;
        cfg[k] = o->machine;
        cfg[k].devices = dc[k];
        cfg[k].tcg_buffer = NODE_TCG_BUFFER;
        cfg[k].debug_sink = &io[k].sink;
        cfg[k].backends = (struct backend_provider){
            .arg = &io[k], .char_source = io_source, .char_sink = io_sink, .block_store = io_store};
    }
    if (!(c = cluster_create(n, cfg, &spec, o->seed, o->record_path ? &wrap : NULL, err,
                             sizeof err))) {
        fprintf(stderr, "space: %s\n", err);
        goto out;
    }
    if (rec.failed) {
        fprintf(stderr, "space: out of host memory\n");
        goto out;
    }
    for (uint32_t k = 0; k < n; k++)
        machine_set_debug_out(cluster_node(c, k), NULL); /* (into the node's sink instead) */
    const uint8_t *bytes = basicoz_image;
    if (o->kernel_path) {
        if (loader_read_file(o->kernel_path, "kernel image", &image, &size, err, sizeof err) != 0) {
            fprintf(stderr, "space: %s\n", err);
            status = EXIT_BAD_IMAGE;
            goto out;
        }
        bytes = image;
    }
    if (cluster_boot(c, o->kernel_path ? o->kernel_path : SESSION_BUILTIN_NAME, bytes, size, err,
                     sizeof err) != 0) {
        fprintf(stderr, "space: %s\n", err);
        status = EXIT_BAD_IMAGE;
        goto out;
    }
    struct record_setup setup = {.image_name =
                                     o->kernel_path ? o->kernel_path : SESSION_BUILTIN_NAME,
                                 .image = bytes,
                                 .image_size = size};
    if (o->record_path && start_recording(&rec, c, &setup) != 0)
        goto out;
    if ((status = attach_traces(o, c, &trace)) != 0)
        goto out;
    if (o->timeline_path && (status = start_timelines(o, c, &tl)) != 0)
        goto out;
    if (o->debug) {
        status = debug_nodes(o, c, bytes, size);
        if (finish_timelines(o, c, &tl, true) != 0 && status == 0)
            status = EXIT_BAD_INPUT;
        for (uint32_t k = 0; k < n; k++)
            sink_end(&io[k]);
        fflush(stdout);
        goto out;
    }
    cluster_run(c);
    for (uint32_t k = 0; k < n; k++)
        sink_end(&io[k]);
    fflush(stdout);
    status = report(o, c);
    if (o->write_stats)
        write_stats(o, c);
    if (finish_timelines(o, c, &tl, true) != 0 && status == 0)
        status = EXIT_BAD_INPUT;
    if (finish_recording(&rec, n) != 0 && status == 0)
        status = EXIT_BAD_INPUT;
out:
    finish_timelines(o, c, &tl, false);
    for (uint32_t k = 0; c && k < n; k++)
        tracer_detach(cluster_node(c, k));
    finish_recording(&rec, n);
    if (trace && trace != stderr)
        fclose(trace);
    cluster_destroy(c);
    for (uint32_t k = 0; io && k < n; k++)
        sink_end(&io[k]);
    for (uint32_t k = 0; dc && k < n; k++)
        device_config_free(dc[k]);
    net_spec_free(&spec);
    free(image);
    free(rec.rec);
    free(dc);
    free(cfg);
    free(io);
    return status;
}

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
#include "sim/net/transport.h"
#include "sim/net/netcheck.h"
#include "sim/replay/recorder.h"
#include "sim/stats/stats.h"
#include "sim/timeline/timeline.h"
#include "ui/gdb/gdbstub.h"
#include "ui/gui/gui.h"
#include "ui/sdb/debug_cli.h"

/* A node's translation buffer: Unicorn makes all of it resident, and a
 * kernel's code fits in far less than one machine's default (boot time and
 * memory of many nodes: docs/multicomputer.md). */
#define NODE_TCG_BUFFER (8u << 20)

/* ---- One node's console and disk ---- */

struct node_io {
    uint32_t k;
    const char *input;    /* NULL: none (the node's input has ended) */
    bool stdin_input;     /* node 0 with no --input at all: standard input */
    FILE *file;           /* --console-dir: its file; NULL: prefixed standard output */
    struct net_buf *held; /* spread over processes: its lines until the barrier */
    struct char_sink sink;
    const struct char_sink *also; /* --gui: the node's console pane */
    char line[256];               /* a prefixed line being put together */
    unsigned len;
};

/* "[K] " and the line, whole, so that nodes' lines never mix; spread over
 * processes, held for process 0 to print at the barrier. */
static void put_line(struct node_io *io)
{
    char out[sizeof io->line + 16];
    bool ended = io->len && io->line[io->len - 1] == '\n';
    int n =
        snprintf(out, sizeof out, "[%u] %.*s%s", io->k, (int)io->len, io->line, ended ? "" : "\n");
    if (io->held && net_buf_put(io->held, out, (size_t)n) != 0)
        fprintf(stderr, "space: out of host memory: node %u's console line is lost\n", io->k);
    else if (!io->held)
        fwrite(out, 1, (size_t)n, stdout);
    io->len = 0;
}

static void sink_write(void *opaque, const char *buf, unsigned long len)
{
    struct node_io *io = opaque;
    if (io->also)
        io->also->write(io->also->opaque, buf, len);
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
    if (o->final_hash && !o->nodes)
        return cli_usage_error("%s needs --nodes", "--final-hash");
    uint32_t rank, ranks;
    if (!transport_launched(&rank, &ranks))
        return 0;
    /* Started by mpirun: what one process of many cannot do (process 0
     * alone says why: cli_usage_error). */
    const struct {
        bool wrong;
        const char *why;
    } rules[] = {
        {!o->nodes && ranks != 1, "under mpirun, space run needs --nodes N (the processes share "
                                  "the N nodes)"},
        {o->nodes && o->debug,
         "--debug cannot be used under mpirun (run the nodes in one process)"},
        {o->nodes && o->gui_or_gdb,
         "--gui and --gdb cannot be used under mpirun (run the nodes in one process)"},
        {o->nodes && o->record_path,
         "--record cannot be used under mpirun (record the nodes in one process)"},
        {o->nodes && o->trace_flags,
         "--trace cannot be used under mpirun (trace the nodes in one process)"},
        {o->nodes && o->timeline_path,
         "--timeline cannot be used under mpirun (make it in one process)"},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (rules[i].wrong)
            return cli_usage_error("%s", rules[i].why);
    if (o->nodes && ranks > o->nodes) {
        char why[160];
        snprintf(why, sizeof why,
                 "mpirun started %u processes for --nodes %u: give at most one process per node",
                 ranks, o->nodes);
        return cli_usage_error("%s", why);
    }
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

/* ---- How the nodes ended: statistics, final hashes ---- */

/* What is said of node k at the end (gathered from the processes that ran
 * them, in the MPI mode). */
struct outcome {
    int status;  /* session_describe_end's */
    bool halted; /* (its line is said only with --verbose) */
    char *line;
    json_t *stats; /* stats_machine's tree, or NULL */
    uint64_t hash; /* --final-hash */
};

/* The network's counters, over every process. */
struct net_total {
    struct net_stats s;
    uint64_t in_flight;
};

static json_t *network_stats(const struct net_total *t, uint64_t window)
{
    const struct net_stats *s = &t->s;
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "sent", (json_int_t)s->sent, "bytes",
                     (json_int_t)s->bytes, "delivered", (json_int_t)s->delivered, "lost",
                     (json_int_t)s->lost, "cut", (json_int_t)s->cut, "duplicated",
                     (json_int_t)s->duplicated, "reordered", (json_int_t)s->reordered, "in_flight",
                     (json_int_t)t->in_flight, "window", (json_int_t)window);
}

static void write_stats(const struct nodes_run *o, const struct outcome *end,
                        const struct net_total *t, uint64_t window)
{
    FILE *out = o->stats_out;
    json_t *net = network_stats(t, window);
    if (o->write_stats == stats_write_json) {
        json_t *all = json_object(), *nodes = json_array();
        for (uint32_t k = 0; k < o->nodes; k++)
            json_array_append_new(nodes, end[k].stats ? stats_report(end[k].stats) : json_null());
        json_object_set_new(all, "format", json_string("space-cluster-stats"));
        json_object_set_new(all, "version", json_integer(1));
        json_object_set_new(all, "nodes", nodes);
        json_object_set_new(all, "network", net);
        json_dumpf(all, out, JSON_INDENT(1));
        fputc('\n', out);
        json_decref(all);
    } else {
        for (uint32_t k = 0; k < o->nodes; k++) {
            fprintf(out, "node %u:\n", k);
            if (end[k].stats)
                o->write_stats(out, end[k].stats);
        }
        const struct net_stats *s = &t->s;
        fprintf(out,
                "network: %llu frames sent (%llu bytes), %llu delivered, %llu lost, %llu cut off, "
                "%llu duplicated, %llu reordered, %llu on their way\n",
                (unsigned long long)s->sent, (unsigned long long)s->bytes,
                (unsigned long long)s->delivered, (unsigned long long)s->lost,
                (unsigned long long)s->cut, (unsigned long long)s->duplicated,
                (unsigned long long)s->reordered, (unsigned long long)t->in_flight);
        json_decref(net);
    }
    fflush(out);
}

static char *copy_text(const char *s)
{
    char *c = malloc(strlen(s) + 1);
    if (c)
        strcpy(c, s);
    return c;
}

/* This process's nodes' outcomes, and its share of the network's counters. */
static void local_outcomes(const struct nodes_run *o, struct cluster *c, struct outcome *end,
                           struct net_total *t)
{
    for (uint32_t k = 0; k < o->nodes; k++) {
        struct machine *m = cluster_node(c, k);
        if (!m)
            continue;
        enum machine_state st = machine_state(m);
        char line[768];
        end[k].status = session_describe_end(m, st, NULL, line, sizeof line);
        end[k].halted = st == MACHINE_HALTED;
        end[k].line = copy_text(line);
        end[k].stats = o->write_stats ? stats_machine(m) : NULL;
        end[k].hash = o->final_hash ? cluster_node_hash(c, k) : 0;
    }
    t->s = *cluster_net_stats(c);
    t->in_flight = cluster_in_flight(c);
}

/* The counters of struct net_total, in order, as they travel. */
#define NET_COUNTERS 8
static void net_counters(struct net_total *t, uint64_t **v)
{
    uint64_t *p[NET_COUNTERS] = {&t->s.sent, &t->s.bytes,      &t->s.delivered, &t->s.lost,
                                 &t->s.cut,  &t->s.duplicated, &t->s.reordered, &t->in_flight};
    memcpy(v, p, sizeof p);
}

/* This process's outcomes as JSON text, for the others. */
static char *outcomes_json(const struct nodes_run *o, struct cluster *c, const struct outcome *end,
                           struct net_total *t)
{
    json_t *all = json_object(), *nodes = json_array(), *net = json_array();
    uint64_t *v[NET_COUNTERS];
    net_counters(t, v);
    for (unsigned i = 0; i < NET_COUNTERS; i++)
        json_array_append_new(net, json_integer((json_int_t)*v[i]));
    for (uint32_t k = 0; k < o->nodes; k++) {
        if (!cluster_local(c, k))
            continue;
        char hash[24];
        snprintf(hash, sizeof hash, "%016llx", (unsigned long long)end[k].hash);
        json_array_append_new(nodes, json_pack("{s:I,s:i,s:b,s:s,s:O?,s:s}", "node", (json_int_t)k,
                                               "status", end[k].status, "halted", end[k].halted,
                                               "line", end[k].line ? end[k].line : "", "stats",
                                               end[k].stats, "hash", hash));
    }
    json_object_set_new(all, "nodes", nodes);
    json_object_set_new(all, "network", net);
    char *text = json_dumps(all, JSON_COMPACT);
    json_decref(all);
    return text;
}

struct gathering {
    uint32_t rank, nodes;
    struct outcome *end;
    struct net_total *t;
    bool bad;
};

static const char *text_of(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Another process's outcomes: into ours. */
static void got_outcomes(void *arg, uint32_t r, const void *data, size_t len)
{
    struct gathering *g = arg;
    if (r == g->rank)
        return;
    json_t *all = json_loadb(data, len, 0, NULL), *node;
    json_t *nodes = json_object_get(all, "nodes"), *net = json_object_get(all, "network");
    size_t i;
    if (!json_is_array(nodes) || json_array_size(net) != NET_COUNTERS) {
        g->bad = true;
        json_decref(all);
        return;
    }
    uint64_t *v[NET_COUNTERS];
    net_counters(g->t, v);
    for (unsigned j = 0; j < NET_COUNTERS; j++)
        *v[j] += (uint64_t)json_integer_value(json_array_get(net, j));
    json_array_foreach(nodes, i, node) {
        json_int_t k = json_integer_value(json_object_get(node, "node"));
        if (k < 0 || (uint64_t)k >= g->nodes) {
            g->bad = true;
            continue;
        }
        struct outcome *e = &g->end[k];
        e->status = (int)json_integer_value(json_object_get(node, "status"));
        e->halted = json_is_true(json_object_get(node, "halted"));
        e->line = copy_text(text_of(node, "line"));
        json_t *st = json_object_get(node, "stats");
        e->stats = json_is_object(st) ? json_incref(st) : NULL;
        e->hash = strtoull(text_of(node, "hash"), NULL, 16);
    }
    json_decref(all);
}

/* How each node ended, gathered from every process: 0, or -1 after a
 * message. */
static int outcomes(const struct nodes_run *o, struct cluster *c, struct net_transport *tr,
                    struct outcome *end, struct net_total *t)
{
    local_outcomes(o, c, end, t);
    if (!tr)
        return 0;
    char *text = outcomes_json(o, c, end, t);
    struct gathering g = {.rank = tr->rank, .nodes = o->nodes, .end = end, .t = t};
    int rc = text ? cluster_share(c, text, strlen(text), got_outcomes, &g) : -1;
    free(text);
    if (rc == 0 && g.bad) {
        fprintf(stderr, "space: MPI: a process's report of its nodes is malformed\n");
        rc = -1;
    }
    return rc;
}

/* How each node ended, on stderr (by process 0): the exit status (the
 * first node's that is not 0). */
static int report(const struct nodes_run *o, const struct outcome *end, bool say)
{
    int status = 0;
    for (uint32_t k = 0; k < o->nodes; k++) {
        if (say && (!end[k].halted || o->verbose))
            fprintf(stderr, "space: [%u] %s\n", k, end[k].line ? end[k].line : "");
        if (!status)
            status = end[k].status;
    }
    for (uint32_t k = 0; say && o->final_hash && k < o->nodes; k++)
        fprintf(stderr, "space: [%u] final hash %016llx\n", k, (unsigned long long)end[k].hash);
    return status;
}

static void outcomes_free(struct outcome *end, uint32_t n)
{
    for (uint32_t k = 0; end && k < n; k++) {
        free(end[k].line);
        json_decref(end[k].stats);
    }
    free(end);
}

/* ---- The MPI mode: consoles gathered at each barrier ---- */

struct consoles {
    uint32_t ranks;
    struct net_buf held[CLUSTER_MAX_NODES]; /* by node: this process's lines of the window */
    struct net_buf *last;                   /* by process: views of the last lines shared */
};

/* This process's nodes' lines of the window, for process 0: (node, length,
 * bytes) for each node that has some. */
static void console_out(void *arg, struct net_buf *to_first)
{
    struct consoles *cs = arg;
    for (uint32_t k = 0; k < CLUSTER_MAX_NODES; k++) {
        struct net_buf *h = &cs->held[k];
        if (!h->len)
            continue;
        uint32_t head[2] = {k, (uint32_t)h->len};
        if (net_buf_put(to_first, head, sizeof head) != 0 ||
            net_buf_put(to_first, h->p, h->len) != 0)
            fprintf(stderr, "space: out of host memory: node %u's console lines are lost\n", k);
        h->len = 0;
    }
}

/* On process 0: every process's lines of the window (from[r]), printed in
 * node order, as one process prints them (node 0's, then node 1's...). */
static void console_in(void *arg, const struct net_buf *from)
{
    struct consoles *cs = arg;
    const uint8_t *part[CLUSTER_MAX_NODES] = {0};
    uint32_t plen[CLUSTER_MAX_NODES] = {0};
    for (uint32_t r = 0; r < cs->ranks; r++)
        for (size_t at = 0; at + 8 <= from[r].len;) {
            uint32_t head[2];
            memcpy(head, from[r].p + at, sizeof head);
            if (head[0] < CLUSTER_MAX_NODES && at + 8 + head[1] <= from[r].len) {
                part[head[0]] = from[r].p + at + 8;
                plen[head[0]] = head[1];
            }
            at += 8 + (size_t)head[1];
        }
    for (uint32_t k = 0; k < CLUSTER_MAX_NODES; k++)
        if (plen[k])
            fwrite(part[k], 1, plen[k], stdout);
}

static void got_console(void *arg, uint32_t r, const void *data, size_t len)
{
    struct consoles *cs = arg;
    cs->last[r] = (struct net_buf){.p = (uint8_t *)data, .len = len};
}

/* At the end: the lines left (those the run's end completed), gathered and
 * printed as at a barrier. 0, or -1 after a message. */
static int consoles_end(struct consoles *cs, struct cluster *c, uint32_t rank)
{
    struct net_buf mine = {0};
    console_out(cs, &mine);
    int rc = cluster_share(c, mine.p, mine.len, got_console, cs);
    if (rc == 0 && rank == 0)
        console_in(cs, cs->last);
    net_buf_free(&mine);
    return rc;
}

static void consoles_free(struct consoles *cs)
{
    for (uint32_t k = 0; cs && k < CLUSTER_MAX_NODES; k++)
        net_buf_free(&cs->held[k]);
    if (cs)
        free(cs->last);
    free(cs);
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

/* --record FILE: the network's checkpoint at the last barrier, into
 * FILE.net (netcheck.h). 0, or -1 after a message. */
static int record_network(const struct nodes_run *o, const struct cluster *c)
{
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s.net", o->record_path);
    if (netcheck_write(path, o->net, o->seed, o->nodes, cluster_time(c), cluster_netmodel(c), err,
                       sizeof err) != 0) {
        fprintf(stderr, "space: --record: %s\n", err);
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

/* The window's: arg is where the cluster will be (it is made after the
 * window's console panes, which the nodes write to). */
static struct machine *lead_node(void *arg, uint32_t k)
{
    return cluster_lead(*(struct cluster **)arg, k);
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

/* Under gdb (--gdb, --gdb-node K): node K is driven by gdb, the others
 * follow it window by window; once gdb is done the cluster runs on alone
 * (after a kill or a lost connection, every node ends interrupted). 0, or
 * EXIT_USAGE when gdb's port cannot be had. */
static int gdb_nodes(const struct nodes_run *o, struct cluster *c)
{
    char err[512];
    struct gdbstub *g = gdbstub_listen(o->gdb_port, err, sizeof err);
    if (!g) {
        fprintf(stderr, "space: --gdb %d: %s\n", o->gdb_port, err);
        return EXIT_USAGE;
    }
    const char *why = NULL;
    gdbstub_serve(g, cluster_lead(c, o->gdb_node), &why);
    gdbstub_close(g);
    cluster_lead(c, CLUSTER_NO_LEADER);
    if (why) {
        fprintf(stderr, "space: [%u] %s\n", o->gdb_node, why);
        for (uint32_t k = 0; k < cluster_nodes(c); k++)
            if (machine_state(cluster_node(c, k)) == MACHINE_RUNNING)
                machine_end(cluster_node(c, k), MACHINE_INTERRUPTED);
    }
    return 0;
}

/* Under the window (--gui): node 0 shown and driven first, F7 to change;
 * once the window is done the cluster runs on alone (closed while the
 * shown node ran: every node ends interrupted). */
static void gui_nodes(const struct nodes_run *o, struct cluster *c)
{
    const char *why = NULL;
    struct machine *m = cluster_lead(c, 0);
    machine_ctrl_c_target(m, true); /* (F7 names the node it shows) */
    gui_run(o->window, m, &why);
    machine_ctrl_c_target(NULL, true);
    cluster_lead(c, CLUSTER_NO_LEADER);
    if (why) {
        fprintf(stderr, "space: %s\n", why);
        for (uint32_t k = 0; k < cluster_nodes(c); k++)
            if (machine_state(cluster_node(c, k)) == MACHINE_RUNNING)
                machine_end(cluster_node(c, k), MACHINE_INTERRUPTED);
    }
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

/* Started by mpirun: joins its processes (NULL and 0 when not started so,
 * or with an exit status in *status). */
static struct net_transport *join(uint32_t nodes, int *status)
{
    uint32_t rank, ranks;
    char err[512];
    *status = 0;
    if (!transport_launched(&rank, &ranks))
        return NULL;
    struct net_transport *t = transport_open(err, sizeof err);
    if (!t) {
        if (rank == 0)
            fprintf(stderr, "space: %s\n", err);
        *status = EXIT_BAD_INPUT;
    } else if (t->ranks > nodes) {
        if (t->rank == 0)
            fprintf(stderr,
                    "space: mpirun started %u processes for --nodes %u: give at most one process "
                    "per node\n",
                    t->ranks, nodes);
        transport_close(t);
        t = NULL;
        *status = EXIT_USAGE;
    }
    return t;
}

/* Did every process set its nodes up (ok)? Each says, so that none waits
 * at a barrier for one that gave up. */
static bool all_ready(struct net_transport *t, bool ok)
{
    if (!t)
        return ok;
    struct net_buf *send = calloc(t->ranks, sizeof *send), *recv = calloc(t->ranks, sizeof *recv);
    uint8_t vote = ok;
    bool all = send && recv;
    for (uint32_t r = 0; all && r < t->ranks; r++)
        all = net_buf_put(&send[r], &vote, 1) == 0;
    all = all && t->exchange(t, send, recv) == 0;
    for (uint32_t r = 0; all && r < t->ranks; r++)
        all = recv[r].len == 1 && recv[r].p[0];
    for (uint32_t r = 0; r < t->ranks; r++) {
        if (send)
            net_buf_free(&send[r]);
        if (recv)
            net_buf_free(&recv[r]);
    }
    free(send);
    free(recv);
    return all;
}

int nodes_run(const struct nodes_run *o)
{
    uint32_t n = o->nodes;
    int status;
    struct net_transport *tr = join(n, &status);
    if (status)
        return status;
    status = EXIT_BAD_INPUT;
    uint32_t rank = tr ? tr->rank : 0;
    struct node_io *io = calloc(n, sizeof *io);
    struct machine_config *cfg = calloc(n, sizeof *cfg);
    struct device_config **dc = calloc(n, sizeof *dc);
    struct recording rec = {.o = o, .rec = calloc(n, sizeof *rec.rec)};
    struct cluster_wrap wrap = {&rec, record_node};
    struct consoles *cs = NULL;
    struct outcome *end = calloc(n, sizeof *end);
    struct net_total total = {0};
    struct cluster *c = NULL;
    struct net_spec spec = {0};
    FILE *trace = NULL;
    struct timelines tl = {0};
    uint8_t *image = NULL;
    size_t size = basicoz_image_size;
    const uint8_t *bytes = basicoz_image;
    char err[512];
    bool ready = false;
    if (!io || !cfg || !dc || !rec.rec || !end) {
        fprintf(stderr, "space: out of host memory\n");
        goto out;
    }
    if (tr && !o->console_dir &&
        (!(cs = calloc(1, sizeof *cs)) || !(cs->last = calloc(tr->ranks, sizeof *cs->last)))) {
        fprintf(stderr, "space: out of host memory\n");
        goto out;
    }
    if (cs)
        cs->ranks = tr->ranks;
    if (o->window &&
        gui_set_nodes(o->window, &(struct gui_nodes){.n = n, .lead = lead_node, .arg = &c}, err,
                      sizeof err) != 0) {
        fprintf(stderr, "space: --gui: %s\n", err);
        goto out;
    }
    if (net_spec_parse(o->net, n, &spec, err, sizeof err) != 0) {
        status = cli_usage_error("%s", err);
        goto out;
    }
    for (uint32_t k = 0; k < n; k++) {
        if (tr && k % tr->ranks != tr->rank)
            continue; /* another process's node */
        io[k] = (struct node_io){.k = k,
                                 .input = node_input(o, k),
                                 .stdin_input = k == 0 && !o->ninputs,
                                 .held = cs ? &cs->held[k] : NULL};
        io[k].sink = (struct char_sink){.opaque = &io[k], .write = sink_write};
        io[k].also = o->window ? gui_node_sink_of(o->window, k) : NULL;
        if ((o->console_dir && open_console_file(o, &io[k]) != 0) || !(dc[k] = node_devices(o, k)))
            goto out;
        cfg[k] = o->machine;
        cfg[k].devices = dc[k];
        cfg[k].tcg_buffer = NODE_TCG_BUFFER;
        cfg[k].debug_sink = &io[k].sink;
        cfg[k].backends = (struct backend_provider){
            .arg = &io[k], .char_source = io_source, .char_sink = io_sink, .block_store = io_store};
    }
    if (!(c = cluster_create_on(n, cfg, &spec, o->seed, o->record_path ? &wrap : NULL, tr, err,
                                sizeof err))) {
        fprintf(stderr, "space: %s\n", err);
        goto out;
    }
    if (rec.failed) {
        fprintf(stderr, "space: out of host memory\n");
        goto out;
    }
    for (uint32_t k = 0; k < n; k++)
        if (cluster_node(c, k))
            machine_set_debug_out(cluster_node(c, k), NULL); /* (into the node's sink instead) */
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
    ready = true;
out:
    if (!all_ready(tr, ready)) {
        if (ready) /* another process gave up, and said why */
            status = EXIT_BAD_INPUT;
        goto done;
    }
    if (o->debug) {
        status = debug_nodes(o, c, bytes, size);
        if (finish_timelines(o, c, &tl, true) != 0 && status == 0)
            status = EXIT_BAD_INPUT;
        for (uint32_t k = 0; k < n; k++)
            sink_end(&io[k]);
        fflush(stdout);
        goto done;
    }
    if (cs)
        cluster_on_barrier(c, console_out, console_in, cs);
    if (o->window)
        gui_nodes(o, c);
    int refused = o->gdb_port >= 0 ? gdb_nodes(o, c) : 0;
    if (refused) {
        status = refused;
        goto done;
    }
    cluster_run(c);
    for (uint32_t k = 0; k < n; k++)
        sink_end(&io[k]);
    if (cs && consoles_end(cs, c, rank) != 0)
        goto done;
    fflush(stdout);
    if (outcomes(o, c, tr, end, &total) != 0)
        goto done;
    status = report(o, end, rank == 0);
    if (o->write_stats && rank == 0)
        write_stats(o, end, &total, cluster_window(c));
    if (finish_timelines(o, c, &tl, true) != 0 && status == 0)
        status = EXIT_BAD_INPUT;
    if (finish_recording(&rec, n) != 0 && status == 0)
        status = EXIT_BAD_INPUT;
    if (o->record_path && record_network(o, c) != 0 && status == 0)
        status = EXIT_BAD_INPUT;
done:
    finish_timelines(o, c, &tl, false);
    for (uint32_t k = 0; c && k < n; k++)
        if (cluster_node(c, k))
            tracer_detach(cluster_node(c, k));
    finish_recording(&rec, n);
    if (trace && trace != stderr)
        fclose(trace);
    cluster_destroy(c);
    for (uint32_t k = 0; io && k < n; k++)
        sink_end(&io[k]);
    for (uint32_t k = 0; dc && k < n; k++)
        device_config_free(dc[k]);
    consoles_free(cs);
    outcomes_free(end, n);
    net_spec_free(&spec);
    free(image);
    free(rec.rec);
    free(dc);
    free(cfg);
    free(io);
    transport_close(tr);
    return status;
}

/* nodes: `space run --nodes N` - a multicomputer (sim/net/cluster.h) set
 * up and run the way the command line asks: every node's console kept
 * apart (a "[K] " prefix on standard output, or one file per node with
 * --console-dir), its input (--input FILE for all, --input K=FILE for
 * one), its disk (--disk K=IMG), statistics per node and for the network,
 * traces carrying the node, one timeline of all nodes and the frames
 * between them. Called by main.c's cmd_run.
 *
 * Started by mpirun (or srun), the nodes are spread over its processes
 * (sim/net/transport.h): process 0 prints what the one-process run
 * prints - the consoles' lines gathered at each barrier, in node order;
 * the nodes' ends, statistics and final hashes gathered at the end - and
 * every process exits with the same status. */
#ifndef SPACE_NODES_H
#define SPACE_NODES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "sim/core/machine.h"

struct gui;

/* A "--name value" given for the devices, in command-line order. */
struct nodes_option {
    const char *name, *value;
};

struct nodes_run {
    uint32_t nodes;
    const char *net; /* --net SPEC, or NULL */
    uint64_t seed;
    struct machine_config machine;      /* every node's, but for its devices */
    const char *kernel_path;            /* NULL: the built-in BasicOZ */
    const struct nodes_option *devopts; /* the device options (--disk K=IMG: node K's) */
    unsigned ndevopts;
    const char *const *inputs; /* --input FILE or K=FILE, in order */
    unsigned ninputs;
    const char *console_dir; /* NULL: prefixed lines on standard output */
    bool verbose;
    bool debug;         /* under sdb: node 0 driven, `node K` to change */
    bool gui_or_gdb;    /* --gui or --gdb (refused under mpirun) */
    struct gui *window; /* --gui: the window, open (node 0 shown first) */
    int gdb_port;       /* --gdb PORT (-1: none): gdb drives node gdb_node */
    uint32_t gdb_node;
    bool final_hash;              /* --final-hash */
    const char *record_path;      /* --record FILE: node K's trace is FILE.K */
    uint64_t checkpoint_interval; /* (0: the default) */
    const char *trace_flags, *trace_path;
    const char *timeline_path; /* --timeline FILE: every node in it, "node K" */
    void (*write_stats)(FILE *out, const json_t *tree); /* NULL: no --stats */
    FILE *stats_out;
};

/* Checks the options that only make sense with or without --nodes, before
 * anything is set up: 0, or EXIT_USAGE after a one-line message. */
int nodes_check(const struct nodes_run *o);

/* Sets the cluster up, runs it to its end, reports: space's exit status. */
int nodes_run(const struct nodes_run *o);

#endif

/* debug_cli: sdb, the command-line debugger of `space run --debug`.
 *
 * A prompt "(sdb) " on standard input and output over the execution core
 * (debugger.h): stepping, breakpoints by address or symbol (optionally in
 * one CONTEXT), watchpoints, catchpoints for traps, portal traversals and
 * CONTEXT/MODE changes, stopping at a virtual time, and views of registers,
 * PCB chains, portals, mappings, TLBs, devices, statistics and memory
 * (virtual in any CONTEXT, or physical), with Capstone disassembly and
 * symbols (symbols.h); with time travel, stepping and continuing
 * backwards and going to a virtual time. docs/debugging.md is the manual. */
#ifndef SPACE_DEBUG_CLI_H
#define SPACE_DEBUG_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/machine.h"

struct travel;

struct debug_cli_config {
    /* The kernel the machine booted, for its symbols: a file, or (path
     * NULL) an image in memory called `image_name`. */
    const char *kernel_path;
    const uint8_t *image;
    size_t image_size;
    const char *image_name;
    FILE *in, *out; /* commands and everything the debugger prints */
    /* Time travel for the reverse commands and goto (NULL: none). */
    struct travel *travel;
    /* A multicomputer (space run --nodes N; nodes 0: a lone machine):
     * `node K` calls lead(lead_arg, K) for node K's machine, which the
     * debugger then drives (sim/net/cluster.h: the others follow it). */
    unsigned nodes;
    struct machine *const *machines; /* each node's, for `node` to list */
    struct machine *(*lead)(void *arg, unsigned k);
    void *lead_arg;
};

/* Runs the debugger on a booted machine (stopped at its first instruction)
 * until `quit` or the end of input. Returns the exit status for `space`:
 * as without --debug if the machine has ended (the guest's halt code, 124
 * for the instruction limit, 125 for a machine stop), 0 otherwise. */
int debug_cli_run(struct machine *m, const struct debug_cli_config *cfg);

#endif

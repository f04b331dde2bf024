/* gdbstub: the GDB remote stub. `space run --gdb PORT` listens on
 * 127.0.0.1:PORT (never another interface), accepts one gdb and lets it
 * control the machine through the GDB Remote Serial Protocol, starting
 * stopped at the first instruction: registers, memory in the CPU's current
 * CONTEXT, continue and step, breakpoints and watchpoints (those of
 * ui/debugger/debugger.c: exact, and never written into guest memory), Ctrl-C,
 * detach and kill, and with time travel reverse step and continue (bs,
 * bc). Every CPU is a thread (CPU n: thread n + 1).
 * See "Debugging with GDB" in docs/debugging.md.
 *
 * Two files: ui/gdb/gdb_transport.c moves packets (socket, framing,
 * checksums, acknowledgements, gdb's Ctrl-C byte) and ui/gdb/gdb_commands.c
 * says what they mean. sim/app/main.c calls only what is declared here. */
#ifndef SPACE_GDBSTUB_H
#define SPACE_GDBSTUB_H

#include "sim/core/machine.h"

struct gdbstub;

/* A port as given to --gdb: 0..65535 (0: any free port), or -1 if s is not
 * one. */
int gdbstub_parse_port(const char *s);

/* Listens on 127.0.0.1:port and says so on stderr ("space: waiting for gdb
 * on 127.0.0.1:PORT", with the real port if port is 0). Returns NULL with a
 * one-line reason in err (the port is taken, ...). */
struct gdbstub *gdbstub_listen(int port, char *err, unsigned errlen);

/* Waits for gdb and serves it until the machine ends (gdb is told how),
 * gdb detaches (the machine then runs on to its normal end, without
 * debugger), kills the machine or goes away, or the user presses Ctrl-C
 * while the machine is stopped or gdb has not come yet. Returns the
 * machine's state at the end; when that is MACHINE_INTERRUPTED because of
 * gdb, *why says what happened ("killed by gdb", "gdb closed the
 * connection"), else *why is NULL. */
enum machine_state gdbstub_serve(struct gdbstub *g, struct machine *m, const char **why);

/* Offers gdb reverse execution on t (before gdbstub_serve; NULL: none). */
struct travel;
void gdbstub_set_travel(struct gdbstub *g, struct travel *t);

void gdbstub_close(struct gdbstub *g);
/* Serves a gdb whose whole side of the conversation is these bytes (at
 * most 4096), without a socket, exactly as gdbstub_serve once connected;
 * replies are dropped. Tests and tests/fuzz/fuzz_gdb.c use it. */
enum machine_state gdbstub_serve_bytes(struct machine *m, const void *bytes, unsigned n,
                                       const char **why);

#endif

/* session: one machine set up and run the way `space run` does it -
 * created from its configuration, booted from a kernel file or the BasicOZ
 * built into space, recorded into a trace if asked, run with Ctrl-C
 * stopping it, its end described - shared by the commands that run
 * machines (space run, space grade) so that a graded run is exactly the
 * run a student gets with the same options; under a debugger, with time
 * travel's snapshots and input log (sim/replay/travel.h). */
#ifndef SPACE_SESSION_H
#define SPACE_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "sim/core/machine.h"
#include "sim/host/host_backends.h"
#include "sim/replay/recorder.h"

/* The BasicOZ kernel the build produced (cmake/embed.cmake). */
extern const unsigned char basicoz_image[];
extern const unsigned long basicoz_image_size;
#define SESSION_BUILTIN_NAME "built-in BasicOZ"

struct session_config {
    /* The machine; its backends are the host's (below), recorded if asked. */
    struct machine_config machine;
    /* Console input and output; the output also receives the kernel's
     * debug output (SPACE_OP_DEBUG_PUTC): they are one stream for a person. */
    struct host_backends host;
    const char *kernel_path;      /* NULL: the built-in BasicOZ */
    const char *record_path;      /* NULL: no recording */
    uint64_t checkpoint_interval; /* 0: RECORD_DEFAULT_INTERVAL */
    /* Host memory for time travel's snapshots (sim/replay/travel.h);
     * 0: no time travel. Not with a recording. */
    size_t reverse_budget;
};

/* The step that could not be done; the command picks its exit status. */
enum session_failure {
    SESSION_OK,
    SESSION_MACHINE, /* creating the machine or a device (input file, disk image) */
    SESSION_KERNEL,  /* reading or booting the kernel image */
    SESSION_RECORD,  /* creating the trace */
    SESSION_TRAVEL,  /* the first snapshot for time travel */
};

struct session {
    struct machine *m;
    struct recorder *rec;      /* NULL: not recorded */
    struct host_backends host; /* (the machine's backends use it) */
    struct travel *travel;     /* NULL: no time travel */
    struct travel_io *io;      /* its wrapper of the backends */
};

/* Creates, boots and (if asked) starts recording the machine, ready to
 * run. On failure nothing is left to free, and err has a one-line reason. */
enum session_failure session_start(struct session *s, const struct session_config *cfg, char *err,
                                   unsigned errlen);

/* Runs the machine to its end with drive(arg, m) (NULL: machine_run).
 * Ctrl-C, also one pressed since session_start, interrupts it at the next
 * instruction boundary. */
enum machine_state session_run(struct session *s,
                               enum machine_state (*drive)(void *arg, struct machine *m),
                               void *arg);

/* How the run ended, in one line for a person (no "space: " prefix;
 * `interrupted_by` replaces "interrupted", e.g. for gdb), and the exit
 * status `space run` gives it. */
int session_describe_end(struct machine *m, enum machine_state st, const char *interrupted_by,
                         char *line, unsigned len);

/* Finishes the recording (the machine's end and final checkpoint) and
 * destroys the machine. 0, or -1 with a reason: the trace is incomplete. */
int session_finish(struct session *s, char *err, unsigned errlen);

#endif

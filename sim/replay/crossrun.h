/* crossrun: what `space replay --kernel NEW TRACE` compares between two
 * kernels run on one recording's inputs (docs/trace-format.md) - the
 * console output, byte for byte with the virtual time each byte was
 * written, and how each run ended. A capture is a character sink a
 * replay copies its console output to (replay_options.also); the report
 * functions write plain text. Used by sim/app/replay_cmd.c, which runs the
 * recorded kernel's exact replay and the new kernel's (replayer.h). */
#ifndef SPACE_CROSSRUN_H
#define SPACE_CROSSRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/backend.h"
#include "sim/core/machine.h"

struct crossrun_capture;

/* NULL if out of host memory. */
struct crossrun_capture *crossrun_capture_new(void);
void crossrun_capture_free(struct crossrun_capture *c);
/* The sink; each byte written is stamped with m's machine_clock (set m
 * before the machine runs). */
const struct char_sink *crossrun_capture_sink(struct crossrun_capture *c);
void crossrun_capture_clock(struct crossrun_capture *c, struct machine *m);
/* The host ran out of memory while capturing (the comparison is void). */
bool crossrun_capture_failed(const struct crossrun_capture *c);

/* How a run ended. `waiting`: it waited for input the recording does not
 * have (a replay ends there). */
struct crossrun_end {
    enum machine_state state;
    uint32_t code;
    char reason[300];
    uint64_t time;
    bool waiting;
};
void crossrun_end_of(struct machine *m, struct crossrun_end *e);
/* The same end: halted with the same code, the same machine stop, the
 * limit; a recording left while running (interrupted) ends as one that
 * waits for more input. Virtual times may differ. */
bool crossrun_same_end(const struct crossrun_end *recorded, const struct crossrun_end *now);
/* "halted, code 0, at virtual time 123" and the like. */
void crossrun_describe_end(const struct crossrun_end *e, char *buf, unsigned len);

/* Compares the new run's console output with the recorded run's. Writes
 * one line ("the same N bytes (L lines)") if they are equal and returns
 * false; otherwise writes the first place they part - line number, byte
 * offset, both texts of that line (escaped, truncated) and the virtual
 * time each run wrote its first differing byte, on three lines - and
 * returns true. */
bool crossrun_output_departs(const struct crossrun_capture *recorded,
                             const struct crossrun_capture *now, char *report, size_t len);

#endif

/* stdio_console: the console's backends on the host's streams - lines of
 * input from a file or the standard input, output to a stream (and, for
 * the window, to a second sink as well). Used by host_backends.c and by a
 * replay's output. */
#ifndef SPACE_STDIO_CONSOLE_H
#define SPACE_STDIO_CONSOLE_H

#include <stdio.h>

#include "devices/backend.h"

/* Lines from the file `path` (NULL: the standard input). A terminal is
 * polled unless the guest waits, and then waited for (or, where the host
 * cannot poll it, read by a platform_reader thread); a read interrupted
 * by a signal (Ctrl-C) is not the end of input, and from then on the
 * source only polls, so a stopping machine never blocks on it again.
 * Any other read error is the end of input. NULL with one line in err if
 * path cannot be opened, or the stream is not a file, pipe, socket or
 * character device (a directory's reads would fail forever). */
struct char_source *stdio_source_open(const char *path, char *err, unsigned errlen);

/* Output to `out`, flushed on flush(); every byte also goes to `also`
 * (NULL: nowhere). NULL if out of host memory. */
struct char_sink *stdio_sink_open(FILE *out, const struct char_sink *also);

#endif

/* host_backends: the backends of a live run - console input from a file,
 * the standard input or the window's keyboard, console output to a stream
 * (and the window's screen), disk images as files - as one
 * backend_provider for a machine (devices/backend.h). */
#ifndef SPACE_HOST_BACKENDS_H
#define SPACE_HOST_BACKENDS_H

#include <stdio.h>

#include "devices/backend.h"

struct host_backends {
    const char *input;            /* console input file (--input); NULL: standard input */
    struct char_source *keyboard; /* instead of input (the window's); not closed */
    FILE *output;                 /* console output; NULL: standard output */
    const struct char_sink *also; /* where console output also goes (the window), or NULL */
};

/* A provider giving h's backends; h must outlive the machine. */
struct backend_provider host_backends_provider(const struct host_backends *h);

#endif

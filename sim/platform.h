/* platform: the only place that knows which host OS SPACE runs on.
 * Everything OS-specific (signals, files, terminals, sockets, paths) goes
 * behind a function here. */
#ifndef SPACE_PLATFORM_H
#define SPACE_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Calls fn (from a signal context: it must only set flags) when the user
 * presses Ctrl-C. */
void platform_on_interrupt(void (*fn)(void));

/* Is this stream an interactive terminal? */
bool platform_is_terminal(FILE *f);
/* Can a read from this terminal stream return without blocking? */
bool platform_input_ready(FILE *f);

/* A file used as a block device image. */
struct platform_file;

/* Opens path for reading and writing (or only reading if *readonly is set
 * on entry), falling back to read-only if the host refuses writing (then
 * *readonly is set). If it does not exist and create_size is not 0,
 * creates it with that size (zero-filled). Returns NULL with a one-line
 * reason in err. */
struct platform_file *platform_file_open(const char *path, uint64_t create_size, bool *readonly,
                                         char *err, unsigned errlen);
uint64_t platform_file_size(struct platform_file *f);
/* Whole transfers only: 0, or -1 on an I/O error. */
int platform_file_read_at(struct platform_file *f, uint64_t off, void *buf, uint32_t len);
int platform_file_write_at(struct platform_file *f, uint64_t off, const void *buf, uint32_t len);
/* Makes written data durable (fsync). */
int platform_file_sync(struct platform_file *f);
void platform_file_close(struct platform_file *f);

#endif

/* platform_os: the few primitives (files, the Ctrl-C signal)
 * sim/host/platform.c builds the OS-independent part of platform.h on. Each OS file
 * (platform_posix.c, platform_windows.c; CMake compiles one) implements them and the rest of
 * platform.h. Private to sim/host. Every function returning int returns
 * -1 with errno set on failure. */
#ifndef SPACE_PLATFORM_OS_H
#define SPACE_PLATFORM_OS_H

#include <stdbool.h>
#include <stdint.h>

/* Opens path as a binary file descriptor: read-write or read-only, or
 * (create) a new read-write file that must not exist yet. */
int os_file_open(const char *path, bool write, bool create);
void os_file_close(int fd);
/* Reads or writes all of len bytes at off: 0, or -1 (also when short). */
int os_file_io(int fd, uint64_t off, void *buf, uint32_t len, bool write);
/* The size of a regular file; -1 if it is not one (errno may be 0). */
int os_file_size(int fd, uint64_t *size);
int os_file_sync(int fd);
/* Creates one directory (its parent exists): 0 or -1 (EEXIST included). */
int os_make_dir(const char *path);
bool os_is_dir(const char *path);

/* Calls handler on SIGINT (Ctrl-C), interrupting a blocking read. */
void os_catch_sigint(void (*handler)(int));

#endif

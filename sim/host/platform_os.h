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

/* Calls handler on SIGINT (Ctrl-C), interrupting a blocking read; every
 * press, the second as the first. */
void os_catch_sigint(void (*handler)(int));

/* For line_reader.c: a lock with one condition, and threads. */
struct os_monitor;
struct os_monitor *os_monitor_new(void); /* NULL if out of resources */
void os_monitor_free(struct os_monitor *m);
void os_monitor_lock(struct os_monitor *m);
void os_monitor_unlock(struct os_monitor *m);
/* Unlocks, waits until notified or timeout_ms passed, locks again. */
void os_monitor_wait(struct os_monitor *m, unsigned timeout_ms);
void os_monitor_notify(struct os_monitor *m); /* wakes every waiter */
/* Runs fn(arg) on a new detached thread to which no signal is delivered
 * (Ctrl-C stays with the program's own thread). 0, or -1. */
int os_thread_start(void (*fn)(void *), void *arg);
/* Does this host need the reader thread for terminals (platform.h)? */
bool os_terminal_needs_reader(void);
/* How many times Ctrl-C has been pressed (platform.c counts). */
unsigned long os_interrupts(void);

#endif

/* projsys.h - stubs for the system calls the projects add (docs/projects.md).
 *
 * The test programs of the projects include this file instead of relying
 * on ulib.h, so they work whatever names you give your own stubs in
 * usys.S/ulib.h. Copy it into basicoz/user next to the programs.
 *
 * The numbers are fixed by docs/projects.md, and they do not overlap, so
 * one kernel can do several projects. Each stub is `int $0x80` with the
 * number in EAX and the arguments in EBX, ECX, EDX (as usys.S does). On
 * today's BasicOZ every one of them returns -1 (unknown system call). */
#ifndef PROJSYS_H
#define PROJSYS_H

#include "ulib.h"

static inline int sc3(int nr, int a, int b, int c)
{
    int r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

/* (c) file system: fds 0-2 are the console, files get 3 and up; read(2)
 * and write(3) work on them too. */
#define SC_OPEN   13
#define SC_CLOSE  14
#define SC_UNLINK 15
#define SC_FLIST  16
#define O_READ    0 /* open an existing file for reading */
#define O_WRITE   1 /* create it, or truncate it, for writing */
static inline int sc_open(const char *name, int flags)
{
    return sc3(SC_OPEN, (int)name, flags, 0);
}
static inline int sc_close(int fd)
{
    return sc3(SC_CLOSE, fd, 0, 0);
}
static inline int sc_unlink(const char *name)
{
    return sc3(SC_UNLINK, (int)name, 0, 0);
}
/* "name size\n" for each file, in any order; returns the bytes written. */
static inline int sc_flist(char *buf, int len)
{
    return sc3(SC_FLIST, (int)buf, len, 0);
}

/* (d) shared memory, and futexes (also for (e)) */
#define SC_SHM_MAP    20
#define SC_SHM_UNMAP  21
#define SC_FUTEX_WAIT 22
#define SC_FUTEX_WAKE 23
/* Maps segment `key` (> 0); the first map creates it with `pages` zeroed
 * pages, later ones pass 0 (or its size). Returns its address or -1. */
static inline void *sc_shm_map(int key, int pages)
{
    return (void *)sc3(SC_SHM_MAP, key, pages, 0);
}
static inline int sc_shm_unmap(void *addr)
{
    return sc3(SC_SHM_UNMAP, (int)addr, 0, 0);
}
/* Blocks while *addr == expected (0 after a wake-up, -1 at once if not). */
static inline int sc_futex_wait(volatile int *addr, int expected)
{
    return sc3(SC_FUTEX_WAIT, (int)addr, expected, 0);
}
/* Wakes up to n threads or processes waiting on that word; returns how many. */
static inline int sc_futex_wake(volatile int *addr, int n)
{
    return sc3(SC_FUTEX_WAKE, (int)addr, n, 0);
}

/* (e) threads */
#define SC_THREAD_CREATE 24
#define SC_THREAD_EXIT   25
#define SC_THREAD_JOIN   26
#define SC_GETTID        27
/* The new thread starts at fn with ESP = stack_top - 8, [ESP+4] = arg and
 * [ESP] = 0: fn must end with sc_thread_exit, not return. */
static inline int sc_thread_create(void (*fn)(void *), void *arg, void *stack_top)
{
    return sc3(SC_THREAD_CREATE, (int)fn, (int)arg, (int)stack_top);
}
static inline __attribute__((noreturn)) void sc_thread_exit(int status)
{
    for (;;)
        sc3(SC_THREAD_EXIT, status, 0, 0);
}
static inline int sc_thread_join(int tid, int *status)
{
    return sc3(SC_THREAD_JOIN, tid, (int)status, 0);
}
static inline int sc_gettid(void)
{
    return sc3(SC_GETTID, 0, 0, 0);
}

/* Publishes `value` as the statistic guest.NAME of the run
 * (docs/instrumentation.md), so that a workload spec can say
 * `stat guest.vmwork_time`: SPACE operation 23 (METRIC, SET), which unlike
 * the others any MODE may use. NAME is 1..31 of [a-z0-9_]. The simulator
 * reads the name through the program's own mappings and does not fault: a
 * page the kernel paged out gives SPACE_ERR_ACCESS (-9), so the name is
 * touched (paged in) and the call tried again. Returns 0 or the error. */
#define SPACE_OP_METRIC_NR  23
#define SPACE_METRIC_SET_NR 0
static inline int publish_metric(const char *name, unsigned value)
{
    int r = -9;
    for (int tries = 0; tries < 8 && r == -9; tries++) {
        for (const volatile char *c = name; *c; c++) /* page it in */
            ;
        __asm__ volatile("int $0xff"
                         : "=a"(r)
                         : "a"(SPACE_OP_METRIC_NR), "b"(name), "c"(SPACE_METRIC_SET_NR), "d"(value)
                         : "memory");
    }
    return r;
}

/* Virtual time as a 32-bit number (enough to time one test). */
static inline unsigned now32(void)
{
    return (unsigned)uptime();
}

#endif

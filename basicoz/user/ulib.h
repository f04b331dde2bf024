/* ulib.h - everything a BasicOZ user program can call.
 *
 * User programs run in MODE 3 in their own CONTEXT: they cannot touch the
 * hardware, so the system calls below (usys.S) are their only way to do
 * anything visible. The rest (strings, printf, malloc) is ordinary C built
 * on top of them (ulib.c). */
#ifndef BASICOZ_ULIB_H
#define BASICOZ_ULIB_H

#include <stdarg.h> /* freestanding headers: provided by the compiler */
#include <stddef.h>

/* ---- system calls (usys.S); negative results are errors ---- */
void exit(int status) __attribute__((noreturn)); /* 1 */
int write(int fd, const void *buf, int len);     /* 2: fd 1, 2 = console */
int read(int fd, void *buf, int len);            /* 3: fd 0; 0 = end of input */
int spawn(const char *name, char *const argv[]); /* 4: child pid; -1 no such program,
                                                  * -2 out of memory or processes */
int wait(int pid, int *status, int flags);       /* 5: pid -1 = any child */
int yield(void);                                 /* 6 */
int sleep(unsigned instructions);                /* 7: virtual time */
int getpid(void);                                /* 8 */
void *sbrk(int increment);                       /* 9: old break or (void *)-1 */
int progs(char *buf, int len);                   /* 10: "name\n" per program */
struct procinfo;
int procs(struct procinfo *buf, int max); /* 11: entries filled */
unsigned long long uptime(void);          /* 12: instructions since boot */
int ncpus(void);                          /* 28: the machine's CPUs */
/* The network (space run --nodes N): datagrams between ports of nodes. */
int net_open(int port); /* 29: this process's port (0: any free one, 32..63); -1 */
int net_send(int node, int port, const void *buf, int len); /* 30: len, or -1; blocks
                                                             * while the device is busy */
struct net_msg;
int net_recv(struct net_msg *m, unsigned timeout); /* 31: data bytes; NET_TIMEOUT; -1 */
int net_address(void);                             /* 32: this node (0..nodes-1) */
int net_nodes(void);                               /* 33: nodes on the network (1 alone) */
struct net_stats;
int net_stats(struct net_stats *s); /* 34: 0 */

#define WNOHANG 1 /* wait flag: return 0 instead of blocking */

/* What procs() reports about each process. */
struct procinfo {
    int pid;
    int ppid;
    int state;         /* one of the PROC_ values */
    unsigned insns_lo; /* instructions executed, low and high 32 bits */
    unsigned insns_hi;
    char name[16];
    int cpu; /* the CPU it runs on, or last ran on; -1 if it never ran */
};
enum { PROC_READY, PROC_RUNNING, PROC_BLOCKED, PROC_ZOMBIE };

#define NET_BROADCAST (-1)        /* net_send's node: every other node */
#define NET_ECHO_PORT 7           /* answered by the kernel: the data comes back */
#define NET_DATA_MAX  1496        /* data bytes in one datagram */
#define NET_FOREVER   0xffffffffu /* net_recv's timeout: wait as long as it takes */
#define NET_TIMEOUT   (-2)        /* net_recv: nothing arrived in time */

/* What net_recv fills in. */
struct net_msg {
    int from; /* the source node */
    int port; /* the source port (to answer to) */
    int len;  /* data bytes */
    char data[NET_DATA_MAX];
};

/* What net_stats reports: the device's counters and the kernel's. */
struct net_stats {
    unsigned present, address, nodes;                   /* present: 0 without a network device */
    unsigned tx_frames, rx_frames, rx_drops, tx_errors; /* the device's */
    unsigned sent;     /* datagrams the kernel gave the device (echo answers too) */
    unsigned received; /* datagrams delivered to processes */
    unsigned dropped;  /* frames the kernel threw away: no such port, its queue full */
    unsigned timeouts; /* net_recv calls that timed out */
    unsigned echoes;   /* echo requests answered */
};

/* ---- strings and memory ---- */
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
int atoi(const char *s);

/* ---- output ----
 * printf formats: %d %u %x %s %c %%, with an optional '-' (left-justify),
 * '0' (zero-pad) and width, e.g. %5d %08x %-7s. One call is written with as
 * few write() calls as possible (usually one), so lines printed by two
 * processes at the same time do not get mixed up in the middle. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vdprintf(int fd, const char *fmt, va_list ap);
int puts(const char *s);           /* s and a newline to fd 1 */
int putstr(int fd, const char *s); /* s alone */
int putchar(int c);                /* one character to fd 1 */

/* ---- heap (a free list on top of sbrk) ---- */
void *malloc(size_t n);
void free(void *p);

#endif

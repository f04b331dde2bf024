/* syscall.c - the system calls: int $0x80, number in EAX, arguments in
 * EBX, ECX, EDX, ESI (they arrive in the PCB: a portal traversal does not
 * change registers), result back in the PCB's EAX. docs/basicoz.md lists
 * them. A call that must wait blocks its process; its result is delivered
 * when it runs again. A call runs on the CPU its process runs on, and takes
 * ptable_lock for what other CPUs may touch (process states, other
 * processes); its own process's memory needs no lock. */
#include "kernel.h"

#define ERR           ((uint32_t)-1)
#define MAX_ARGS      16
#define MAX_ARG_BYTES 512

struct procinfo { /* as user programs see it (basicoz/user/ulib.h) */
    int pid, ppid, state;
    uint32_t insns_lo, insns_hi;
    char name[16];
    int cpu;
};

static uint32_t sys_exit(struct proc *p, struct space_pcb *pcb)
{
    proc_exit(p, (int)pcb->ebx); /* (returns holding ptable_lock) */
    space_pcb_pop();             /* its CPU state is no more */
    current = NULL;
    schedule();
}

static uint32_t sys_write(struct proc *p, struct space_pcb *pcb)
{
    if (pcb->ebx != 1 && pcb->ebx != 2)
        return ERR;
    char buf[256];
    acquire(&console_lock); /* one write() is one unbroken piece of output */
    for (uint32_t done = 0; done < pcb->edx;) {
        uint32_t n = pcb->edx - done < sizeof buf ? pcb->edx - done : sizeof buf;
        if (copy_from_user(p, buf, pcb->ecx + done, n) != 0) {
            release(&console_lock);
            return done ? done : ERR;
        }
        for (uint32_t i = 0; i < n; i++)
            console_putc(buf[i]);
        done += n;
    }
    release(&console_lock);
    return pcb->edx;
}

static uint32_t sys_read(struct proc *p, struct space_pcb *pcb)
{
    if (pcb->ebx != 0 || (int)pcb->edx < 0)
        return ERR;
    if (!pcb->edx)
        return 0;
    char buf[512];
    acquire(&ptable_lock); /* the console interrupt cannot wake readers until we are one */
    int n = console_read(buf, pcb->edx < sizeof buf ? (int)pcb->edx : (int)sizeof buf);
    if (n >= 0) {
        release(&ptable_lock);
        return copy_to_user(p, pcb->ecx, buf, (uint32_t)n) == 0 ? (uint32_t)n : ERR;
    }
    p->wait_buf = pcb->ecx; /* nothing yet: wait for the console */
    p->wait_len = pcb->edx;
    console_want_input(1);
    block(W_READ);
}

static uint32_t sys_spawn(struct proc *p, struct space_pcb *pcb)
{
    char name[32], strings[MAX_ARG_BYTES], *argv[MAX_ARGS + 1];
    if (copy_str_from_user(p, name, pcb->ebx, sizeof name) != 0)
        return ERR;
    int argc = 0;
    uint32_t used = 0;
    for (; pcb->ecx && argc <= MAX_ARGS; argc++) {
        uint32_t uarg;
        if (copy_from_user(p, &uarg, pcb->ecx + 4 * (uint32_t)argc, 4) != 0)
            return ERR;
        if (!uarg)
            break;
        if (argc == MAX_ARGS ||
            copy_str_from_user(p, strings + used, uarg, MAX_ARG_BYTES - used) != 0)
            return ERR;
        argv[argc] = strings + used;
        used += (uint32_t)strlen(argv[argc]) + 1;
    }
    if (!argc)
        argv[argc++] = name;
    argv[argc] = NULL;
    return (uint32_t)proc_spawn(name, argc, argv, p->pid);
}

static uint32_t sys_wait(struct proc *p, struct space_pcb *pcb)
{
    acquire(&ptable_lock);
    int found, pid = proc_reap(p, (int)pcb->ebx, pcb->ecx, &found);
    if (pid != 0 || (pcb->edx & 1)) { /* reaped one, no such child, or WNOHANG */
        release(&ptable_lock);
        return (uint32_t)pid;
    }
    p->wait_buf = pcb->ebx;
    p->wait_len = pcb->ecx;
    block(W_CHILD);
}

static uint32_t sys_yield(struct proc *p, struct space_pcb *pcb)
{
    (void)p;
    (void)pcb;
    acquire(&ptable_lock);
    yield_cpu(0);
    release(&ptable_lock);
    return 0;
}

static uint32_t sys_sleep(struct proc *p, struct space_pcb *pcb)
{
    acquire(&ptable_lock);
    p->wake_time = now() + pcb->ebx;
    block(W_SLEEP);
}

static uint32_t sys_getpid(struct proc *p, struct space_pcb *pcb)
{
    (void)pcb;
    return (uint32_t)p->pid;
}

static uint32_t sys_sbrk(struct proc *p, struct space_pcb *pcb)
{
    uint32_t old = p->brk, grow = pcb->ebx;
    uint32_t new_brk = old + grow;
    if ((int32_t)grow < 0 ? new_brk < p->image_end || new_brk > old
                          : new_brk > p->image_end + USER_HEAP_MAX || new_brk < old)
        return ERR;
    /* shrinking: give the pages wholly above the new break back */
    proc_free_range(p, (new_brk + SPACE_PAGE_SIZE - 1) & ~(SPACE_PAGE_SIZE - 1), old);
    p->brk = new_brk;
    return old;
}

static uint32_t sys_progs(struct proc *p, struct space_pcb *pcb)
{
    uint32_t at = 0;
    for (const struct program *prog = programs; prog->name; prog++) {
        uint32_t n = (uint32_t)strlen(prog->name);
        if (at + n + 1 > pcb->ecx)
            break;
        if (copy_to_user(p, pcb->ebx + at, prog->name, n) != 0 ||
            copy_to_user(p, pcb->ebx + at + n, "\n", 1) != 0)
            return ERR;
        at += n + 1;
    }
    return at;
}

static uint32_t sys_procs(struct proc *p, struct space_pcb *pcb)
{
    uint32_t n = 0;
    acquire(&ptable_lock);
    for (int i = 0; i < NPROC && n < pcb->ecx; i++) {
        const struct proc *q = &procs[i];
        if (q->state == P_FREE || q->state == P_NEW)
            continue;
        static const int state_of[] = {
            [P_READY] = 0, [P_RUNNING] = 1, [P_BLOCKED] = 2, [P_ZOMBIE] = 3};
        uint64_t insns = proc_time(q);
        struct procinfo info = {.pid = q->pid,
                                .ppid = q->ppid,
                                .state = state_of[q->state],
                                .insns_lo = (uint32_t)insns,
                                .insns_hi = (uint32_t)(insns >> 32),
                                .cpu = q->cpu};
        kstrlcpy(info.name, q->name, sizeof info.name);
        if (copy_to_user(p, pcb->ebx + n * sizeof info, &info, sizeof info) != 0) {
            release(&ptable_lock);
            return ERR;
        }
        n++;
    }
    release(&ptable_lock);
    return n;
}

static uint32_t sys_ncpus(struct proc *p, struct space_pcb *pcb)
{
    (void)p;
    (void)pcb;
    return ncpus;
}

/* The network (net.c): the calls decide and block under ptable_lock, so a
 * datagram that arrives meanwhile waits for the receiver to be blocked. */
static uint32_t sys_net_open(struct proc *p, struct space_pcb *pcb)
{
    acquire(&ptable_lock);
    uint32_t r = net_open(p, pcb->ebx);
    release(&ptable_lock);
    return r;
}

static uint32_t sys_net_send(struct proc *p, struct space_pcb *pcb)
{
    acquire(&ptable_lock);
    uint32_t r = net_send(p, pcb->ebx, pcb->ecx, pcb->edx, pcb->esi); /* may block */
    release(&ptable_lock);
    return r;
}

static uint32_t sys_net_recv(struct proc *p, struct space_pcb *pcb)
{
    acquire(&ptable_lock);
    uint32_t r = net_recv(p, pcb->ebx, pcb->ecx); /* may block */
    release(&ptable_lock);
    return r;
}

static uint32_t sys_net_address(struct proc *p, struct space_pcb *pcb)
{
    (void)p;
    (void)pcb;
    return net_address();
}

static uint32_t sys_net_nodes(struct proc *p, struct space_pcb *pcb)
{
    (void)p;
    (void)pcb;
    return net_nodes();
}

static uint32_t sys_net_stats(struct proc *p, struct space_pcb *pcb)
{
    struct net_stats s;
    acquire(&ptable_lock);
    net_stats(&s);
    release(&ptable_lock);
    return copy_to_user(p, pcb->ebx, &s, sizeof s) == 0 ? 0 : ERR;
}

static uint32_t sys_uptime(struct proc *p, struct space_pcb *pcb)
{
    (void)p;
    uint64_t t = now();
    pcb->edx = (uint32_t)(t >> 32);
    return (uint32_t)t;
}

static uint32_t (*const table[])(struct proc *, struct space_pcb *) = {
    [1] = sys_exit,       [2] = sys_write,      [3] = sys_read,      [4] = sys_spawn,
    [5] = sys_wait,       [6] = sys_yield,      [7] = sys_sleep,     [8] = sys_getpid,
    [9] = sys_sbrk,       [10] = sys_progs,     [11] = sys_procs,    [12] = sys_uptime,
    [28] = sys_ncpus, /* (13..27: the projects' calls,
                         docs/projects.md) */
    [29] = sys_net_open,  [30] = sys_net_send,  [31] = sys_net_recv, [32] = sys_net_address,
    [33] = sys_net_nodes, [34] = sys_net_stats,
};

uint32_t syscall(struct proc *p, struct space_pcb *pcb)
{
    uint32_t n = pcb->eax;
    if (n >= sizeof table / sizeof table[0] || !table[n])
        return ERR;
    return table[n](p, pcb);
}

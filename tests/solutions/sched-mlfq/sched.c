/* sched.c (MLFQ) - who runs next: a three-level multilevel feedback queue,
 * a reference solution of project (a) (docs/projects.md), built as a second
 * kernel image for the repository's own tests (tests/solutions/README.md).
 * It replaces basicoz/kernel/sched.c; trap.c is replaced too, so that every
 * interrupt that can wake someone reconsiders the running process.
 *
 * The rules (docs/projects.md, project (a)):
 *  1. A new process starts at the top level (0).
 *  2. A process that has used up its level's slice moves down one level. The
 *     slice is accounted across blocks (used grows by what it ran each time),
 *     so blocking just before the end does not keep a process up. A spawn's
 *     kernel work is the child's, not the caller's: the spawner's run so far
 *     is forgiven (it is ~90000 instructions, more than a top-level slice).
 *  3. The highest non-empty level runs first, round robin within a level;
 *     lower levels get longer slices (fewer switches for CPU-bound work).
 *  4. Every BOOST instructions everybody goes back to the top.
 *  5. preempt() runs after every interrupt that can make someone ready
 *     (timer, console, network): the running process gives way at once to
 *     anyone ready at a higher level, and to its own level when its slice
 *     is used up. (A process woken by proc_exit is picked by the schedule()
 *     the exiting process ends with.)
 *
 * The per-process state lives here, in a table indexed like procs[], so that
 * kernel.h (and struct procinfo, which ps reads) stay as shipped.
 * Switching itself is as in the round-robin kernel: the running process's
 * chain is Suspended, the next one's Unsuspended and Resumed, on whichever
 * CPU is free; everything here runs with ptable_lock held. */
#include "kernel.h"

#define NLEVELS 3
#define BOOST   2000000u /* instructions between boosts (CPU 0's ticks) */
static const uint64_t slice[NLEVELS] = {QUANTUM, 2 * QUANTUM, 4 * QUANTUM};

struct spinlock ptable_lock = {.name = "ptable"};
static struct proc *head[NLEVELS], *tail[NLEVELS];
static uint32_t idle_cpus; /* bit i: CPU i idles, and nobody has kicked it yet */
static uint64_t next_boost = BOOST;

static struct mlfq {
    int level;
    uint64_t used;     /* of its slice at this level, before this run */
    uint64_t ran_from; /* its CPU time when this run began (or was forgiven) */
} mlfq[NPROC];

static struct mlfq *m(const struct proc *p)
{
    return &mlfq[p - procs];
}

uint64_t now(void)
{
    return space_time();
}

/* p's CPU time: the virtual time of its PCB chain (see the round-robin
 * sched.c: a chain on another CPU is estimated, a zombie's is kept). */
uint64_t proc_time(const struct proc *p)
{
    if (p->state == P_ZOMBIE || p->state == P_FREE || p->state == P_NEW)
        return p->insns;
    if (p->state == P_RUNNING && p != current)
        return p->insns + (now() - p->dispatched);
    int64_t t = space_chain_time(p->token);
    return t < 0 ? p->insns : (uint64_t)t;
}

void account(struct proc *p)
{
    if (p)
        p->insns = proc_time(p);
}

/* What p ran since ran_from, its CPU time now being t. (A boost sets the
 * ran_from of a process running on another CPU from an estimate, which may
 * exceed what its chain then reports.) */
static uint64_t ran(const struct proc *p, uint64_t t)
{
    return t > m(p)->ran_from ? t - m(p)->ran_from : 0;
}

/* Of its slice, what the running process p has used, this run included. */
static uint64_t slice_used(const struct proc *p)
{
    return m(p)->used + ran(p, proc_time(p));
}

static int highest_ready(void)
{
    for (int l = 0; l < NLEVELS; l++)
        if (head[l])
            return l;
    return NLEVELS;
}

/* p joins the back of its level; an idle CPU (not this one) is kicked to
 * take it. A new process starts at the top, its spawner's run forgiven. */
void sched_ready(struct proc *p)
{
    if (p->state == P_NEW) {
        *m(p) = (struct mlfq){0};
        if (current && current->state == P_RUNNING)
            m(current)->ran_from = proc_time(current);
    }
    int l = m(p)->level;
    p->state = P_READY;
    p->next = NULL;
    if (tail[l])
        tail[l]->next = p;
    else
        head[l] = p;
    tail[l] = p;
    uint32_t others = idle_cpus & ~(1u << mycpu()->id);
    if (others) {
        uint32_t cpu = (uint32_t)__builtin_ctz(others);
        idle_cpus &= ~(1u << cpu);
        cpu_kick(cpu);
    }
}

/* (Without the lock: a hint, as in the round-robin kernel.) */
int sched_anyone_ready(void)
{
    for (int l = 0; l < NLEVELS; l++)
        if (*(struct proc *volatile *)&head[l])
            return 1;
    return 0;
}

static struct proc *next_ready(void)
{
    int l = highest_ready();
    if (l == NLEVELS)
        return NULL;
    struct proc *p = head[l];
    head[l] = p->next;
    if (!head[l])
        tail[l] = NULL;
    return p;
}

void idle(void)
{
    space_interrupts(1);
    for (;;)
        space_wait();
}

void schedule(void)
{
    struct cpu *c = mycpu();
    c->proc = NULL;
    idle_cpus &= ~(1u << c->id);
    struct proc *p = next_ready();
    if (!p) {
        idle_cpus |= 1u << c->id;
        release(&ptable_lock);
        idle();
    }
    if (space_unsuspend(p->token) != SPACE_OK)
        panic("pid %d has no CPU state to run", p->pid);
    p->token = 0;
    p->state = P_RUNNING;
    p->cpu = (int)c->id;
    p->dispatched = now();
    m(p)->ran_from = p->insns;
    c->proc = p;
    if (p->has_result) {
        struct space_pcb pcb;
        space_pcb_read(&pcb);
        pcb.eax = p->result;
        space_pcb_write(&pcb);
        p->has_result = 0;
    }
    release(&ptable_lock);
    space_resume();
    panic("cannot resume pid %d", p->pid);
}

/* The current process stops running: its CPU time is recorded and this
 * run is added to what it used of its slice. */
static void stop_running(struct proc *p)
{
    account(p);
    m(p)->used += ran(p, p->insns);
    m(p)->ran_from = p->insns;
    int token = space_suspend();
    if (token < 0)
        panic("cannot suspend pid %d (%d)", p->pid, token);
    p->token = token;
}

static __attribute__((noreturn)) void switch_away(void)
{
    stop_running(current);
    schedule();
}

void block(enum wait_reason why)
{
    current->wait = why;
    current->state = P_BLOCKED;
    switch_away();
}

/* The current process goes to the back of its level. */
static __attribute__((noreturn)) void requeue(void)
{
    struct proc *p = current;
    stop_running(p);
    sched_ready(p);
    schedule();
}

/* yield(): to anyone ready at its level or above. */
void yield_cpu(uint32_t result)
{
    if (highest_ready() > m(current)->level)
        return;
    current->has_result = 1;
    current->result = result;
    requeue();
}

/* After an interrupt: a process whose slice is used up moves down a level
 * (and gives way to its new level); otherwise it gives way only to someone
 * at a higher level. */
void preempt(void)
{
    struct proc *p = current;
    struct mlfq *s = m(p);
    int best = highest_ready();
    if (slice_used(p) >= slice[s->level]) {
        if (s->level < NLEVELS - 1)
            s->level++;
        s->used = 0;
        s->ran_from = proc_time(p);
        if (best <= s->level)
            requeue();
    } else if (best < s->level) {
        requeue();
    }
}

/* A woken process keeps its level and what it used of its slice. */
void wake(struct proc *p, uint32_t result)
{
    p->has_result = 1;
    p->result = result;
    p->wait = W_NONE;
    sched_ready(p);
}

/* Everybody back to the top: the queues are joined in level order, so the
 * order within each level is kept. */
static void boost(void)
{
    for (int l = 1; l < NLEVELS; l++) {
        if (!head[l])
            continue;
        if (tail[0])
            tail[0]->next = head[l];
        else
            head[0] = head[l];
        tail[0] = tail[l];
        head[l] = tail[l] = NULL;
    }
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        mlfq[i].level = 0;
        mlfq[i].used = 0;
        if (p->state == P_RUNNING)
            mlfq[i].ran_from = proc_time(p);
    }
}

/* CPU 0's timer interrupts: the boost when it is due; sleepers whose time
 * has come become ready, and so do receivers whose timeout has passed. */
void sched_tick(void)
{
    if (now() >= next_boost) {
        boost();
        next_boost = now() + BOOST;
    }
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state != P_BLOCKED || (p->wait != W_SLEEP && p->wait != W_NETRECV) ||
            p->wake_time > now())
            continue;
        if (p->wait == W_SLEEP)
            wake(p, 0);
        else if (p->wait == W_NETRECV)
            wake(p, net_timed_out());
    }
}

/* sched.c - who runs next: a round-robin ready queue.
 *
 * Switching is pure SPACE: the running process's chain is Suspended (its
 * token kept in its proc), the next one's chain is Unsuspended and Resumed.
 * A timer interrupt every QUANTUM instructions preempts. When nobody is
 * ready the CPU idles with interrupts on; an interrupt then arrives as a
 * trap from the idle loop, whose PCB the kernel simply drops.
 * CPU time needs no bookkeeping here either: SPACE charges each PCB chain
 * the instructions retired while it is current (SPACE_OP_CHAIN_TIME).
 * (Student project: a better scheduler - see docs/projects.md.) */
#include "kernel.h"

static struct proc *ready_head, *ready_tail;

uint64_t now(void)
{
    return space_time();
}

/* p's CPU time: the virtual time of its PCB chain - its own instructions
 * and the kernel's while it was the running process. While it runs its
 * token is 0, which names the current chain; a zombie's chain is gone, the
 * time it had at exit is kept. */
uint64_t proc_time(const struct proc *p)
{
    if (p->state == P_ZOMBIE || p->state == P_FREE)
        return p->insns;
    int64_t t = space_chain_time(p->token);
    return t < 0 ? p->insns : (uint64_t)t;
}

/* Records p's CPU time in p->insns (when it stops running, and at exit). */
void account(struct proc *p)
{
    if (p)
        p->insns = proc_time(p);
}

void sched_ready(struct proc *p)
{
    p->state = P_READY;
    p->next = NULL;
    if (ready_tail)
        ready_tail->next = p;
    else
        ready_head = p;
    ready_tail = p;
}

static struct proc *next_ready(void)
{
    struct proc *p = ready_head;
    if (p) {
        ready_head = p->next;
        if (!ready_head)
            ready_tail = NULL;
    }
    return p;
}

static __attribute__((noreturn)) void idle(void)
{
    space_interrupts(1);
    for (;;)
        space_wait();
}

/* Runs the next ready process; the current chain must be empty. */
void schedule(void)
{
    current = NULL;
    struct proc *p = next_ready();
    if (!p)
        idle();
    if (space_unsuspend(p->token) != SPACE_OK)
        panic("pid %d has no CPU state to run", p->pid);
    p->token = 0;
    p->state = P_RUNNING;
    current = p;
    if (p->has_result) { /* the result of the system call it waited in */
        struct space_pcb pcb;
        space_pcb_read(&pcb);
        pcb.eax = p->result;
        space_pcb_write(&pcb);
        p->has_result = 0;
    }
    space_resume();
    panic("cannot resume pid %d", p->pid);
}

/* Sets the current process's chain aside and runs someone else. */
static __attribute__((noreturn)) void switch_away(void)
{
    account(current);
    int token = space_suspend();
    if (token < 0)
        panic("cannot suspend pid %d (%d)", current->pid, token);
    current->token = token;
    schedule();
}

void block(enum wait_reason why)
{
    current->wait = why;
    current->state = P_BLOCKED;
    switch_away();
}

/* The current process goes to the back of the ready queue if someone else
 * is ready. */
static void requeue(void)
{
    if (!ready_head)
        return;
    struct proc *p = current;
    account(p);
    int token = space_suspend();
    if (token < 0)
        panic("cannot suspend pid %d (%d)", p->pid, token);
    p->token = token;
    sched_ready(p);
    schedule();
}

/* yield(): its system call returns `result` when it runs again. */
void yield_cpu(uint32_t result)
{
    current->has_result = 1;
    current->result = result;
    requeue();
    current->has_result = 0;
}

/* The timer interrupted it: its registers stay exactly as they were. */
void preempt(void)
{
    requeue();
}

void wake(struct proc *p, uint32_t result)
{
    p->has_result = 1;
    p->result = result;
    p->wait = W_NONE;
    sched_ready(p);
}

/* Every timer interrupt: sleepers whose time has come become ready. */
void sched_tick(void)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state == P_BLOCKED && p->wait == W_SLEEP && p->wake_time <= now())
            wake(p, 0);
    }
}

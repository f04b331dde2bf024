/* sched.c - who runs next: one round-robin ready queue for all CPUs.
 *
 * Switching is pure SPACE: the running process's chain is Suspended (its
 * token kept in its proc), the next one's chain is Unsuspended and Resumed,
 * on whichever CPU is free: tokens are machine-wide, so a process may run
 * on another CPU each time. Each CPU's timer interrupts it every QUANTUM
 * instructions to preempt. A CPU with nothing to run idles with interrupts
 * on; an interrupt then arrives as a trap from the idle loop, whose PCB the
 * kernel simply drops. A CPU that makes a process ready while another CPU
 * idles sends that CPU an IPI.
 * The queue, the idle CPUs and every proc's state are ptable_lock's; it is
 * held from the moment a process is chosen, or set aside, until the chain
 * is resumed or suspended, so no other CPU ever sees a half-switched one.
 * CPU time needs no bookkeeping here either: SPACE charges each PCB chain
 * the instructions retired while it is current (SPACE_OP_CHAIN_TIME).
 * (Student projects: a better scheduler, per-CPU queues - docs/projects.md.) */
#include "kernel.h"

struct spinlock ptable_lock = {.name = "ptable"};
static struct proc *ready_head, *ready_tail;
static uint32_t idle_cpus; /* bit i: CPU i idles, and nobody has kicked it yet */

uint64_t now(void)
{
    return space_time();
}

/* p's CPU time: the virtual time of its PCB chain - its own instructions
 * and the kernel's while it was the running process. While it runs on this
 * CPU its token is 0, which names the current chain; a chain running on
 * another CPU cannot be asked, so its time is estimated as the time at its
 * dispatch plus the machine time since. A zombie's chain is gone, the time
 * it had at exit is kept. */
uint64_t proc_time(const struct proc *p)
{
    if (p->state == P_ZOMBIE || p->state == P_FREE || p->state == P_NEW)
        return p->insns;
    if (p->state == P_RUNNING && p != current)
        return p->insns + (now() - p->dispatched);
    int64_t t = space_chain_time(p->token);
    return t < 0 ? p->insns : (uint64_t)t;
}

/* Records p's CPU time in p->insns (when it stops running, and at exit). */
void account(struct proc *p)
{
    if (p)
        p->insns = proc_time(p);
}

/* p joins the back of the queue; an idle CPU (not this one: it is in the
 * kernel and will look at the queue before it idles) is kicked to take it. */
void sched_ready(struct proc *p)
{
    p->state = P_READY;
    p->readied = now();
    p->next = NULL;
    if (ready_tail)
        ready_tail->next = p;
    else
        ready_head = p;
    ready_tail = p;
    uint32_t others = idle_cpus & ~(1u << mycpu()->id);
    if (others) {
        uint32_t cpu = (uint32_t)__builtin_ctz(others);
        idle_cpus &= ~(1u << cpu);
        cpu_kick(cpu);
    }
}

/* Is anyone ready? Read without the lock, as a hint: a tick that finds
 * nobody ready leaves the lock alone, because with several CPUs every tick
 * of every CPU would otherwise contend for it. Wrong only while another CPU
 * changes the queue - and that CPU kicks an idle CPU, or preempts at its
 * own next tick. */
int sched_anyone_ready(void)
{
    return *(struct proc *volatile *)&ready_head != NULL;
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

/* Waits for an interrupt with interrupts on; it arrives as a trap from
 * CONTEXT 0, whose PCB irq_handler drops. */
void idle(void)
{
    space_interrupts(1);
    for (;;)
        space_wait();
}

/* The metrics the hardware cannot see (guest.NAME statistics,
 * docs/basicoz.md): dispatches, and the time from ready to running - in
 * total and at most. (Another CPU's clock may be up to a quantum behind.) */
static void publish_dispatch(const struct proc *p)
{
    uint64_t wait = p->dispatched > p->readied ? p->dispatched - p->readied : 0;
    uint32_t w = wait > UINT32_MAX ? UINT32_MAX : (uint32_t)wait;
    space_metric("dispatches", SPACE_METRIC_ADD, 1);
    space_metric("ready_wait", SPACE_METRIC_ADD, w);
    space_metric("ready_wait_max", SPACE_METRIC_MAX, w);
}

/* Runs the next ready process; the current chain must be empty. Releases
 * ptable_lock last thing before it leaves the kernel. */
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
    publish_dispatch(p);
    c->proc = p;
    if (p->has_result) { /* the result of the system call it waited in */
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

/* Sets the current process's chain aside and runs someone else. */
static __attribute__((noreturn)) void switch_away(void)
{
    struct proc *p = current;
    account(p);
    int token = space_suspend();
    if (token < 0)
        panic("cannot suspend pid %d (%d)", p->pid, token);
    p->token = token;
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

/* CPU 0's timer interrupts: sleepers whose time has come become ready, and
 * so do receivers whose timeout has passed. */
void sched_tick(void)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state != P_BLOCKED || (p->wait != W_SLEEP && p->wait != W_NETRECV) ||
            p->wake_time > now())
            continue;
        if (p->wait == W_SLEEP)
            wake(p, 0);
        else if (p->wait == W_NETRECV) /* its receive timed out */
            wake(p, net_timed_out());
    }
}

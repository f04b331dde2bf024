/* trap.c (MLFQ) - the portals of every CONTEXT, and what the kernel does
 * with faults, exceptions and interrupts. As basicoz/kernel/trap.c, except
 * that irq_handler calls preempt() after every interrupt from a process, not
 * only after the timer's: the console's and the network's wake processes
 * too, and one woken at a higher level must not wait for the next tick. */
#include "kernel.h"

void syscall_entry(void), fault_entry(void), exception_entry(void), irq_entry(void),
    kernel_trap_entry(void);

/* A user CONTEXT: system calls from MODE 3, everything else always goes
 * to the kernel (CONTEXT 0, MODE 0). CONTEXT 0 itself (the idle loop and
 * the kernel) takes interrupts; anything else there is a kernel bug. */
void trap_init_context(uint32_t ctx)
{
    for (uint32_t t = 0; t < SPACE_TRAP_OPERATION; t++) {
        void (*entry)(void);
        uint32_t from = 0;
        if (t >= SPACE_TRAP_INTERRUPT_BASE && t < SPACE_TRAP_SOFT_BASE)
            entry = irq_entry;
        else if (ctx == 0)
            entry = kernel_trap_entry;
        else if (t == TRAP_SYSCALL)
            entry = syscall_entry, from = SPACE_PORTAL_FROM(USER_MODE);
        else if (t == SPACE_TRAP_MEMORY_FAULT)
            entry = fault_entry;
        else
            entry = exception_entry;
        space_map_portal(ctx, t, 0, 0, (uint32_t)entry, from);
    }
}

/* The trapping process's PCB is the only one on the chain: pop it, and the
 * process is gone from the CPU; run someone else (proc_kill left
 * ptable_lock held). */
static __attribute__((noreturn)) void kill_current(void)
{
    space_pcb_pop();
    current = NULL;
    schedule();
}

void syscall_handler(void)
{
    struct space_pcb pcb;
    space_pcb_read(&pcb);
    current = proc_by_ctx(pcb.ctx);
    if (!current)
        panic("system call from unknown CONTEXT %u", pcb.ctx);
    pcb.eax = syscall(current, &pcb); /* may block, or end the process */
    space_pcb_write(&pcb);
    space_resume();
}

static const char *access_name(uint32_t access)
{
    return access & SPACE_FAULT_EXECUTE ? "execute" : access & SPACE_FAULT_WRITE ? "write" : "read";
}

void fault_handler(void)
{
    struct space_pcb pcb;
    space_pcb_read(&pcb);
    current = proc_by_ctx(pcb.ctx);
    if (!current)
        panic("memory fault in unknown CONTEXT %u", pcb.ctx);
    /* Heap and stack pages appear, zero-filled, on first touch. */
    int demand = !(pcb.access & (SPACE_FAULT_PROTECTION | SPACE_FAULT_EXECUTE));
    if (demand && user_page(current, pcb.addr, pcb.access & SPACE_FAULT_WRITE))
        space_resume(); /* the faulting instruction runs again */
    if (demand && user_may_grow(current, pcb.addr))
        proc_kill(current, "out of memory (no free page for %p) at pc %p", pcb.addr, pcb.pc);
    else
        proc_kill(current, "%s of %p (%s) at pc %p", access_name(pcb.access), pcb.addr,
                  pcb.access & SPACE_FAULT_PROTECTION ? "not permitted" : "not mapped", pcb.pc);
    kill_current();
}

void exception_handler(void)
{
    struct space_pcb pcb;
    space_pcb_read(&pcb);
    current = proc_by_ctx(pcb.ctx);
    if (!current)
        panic("trap %u in unknown CONTEXT %u", pcb.trap, pcb.ctx);
    proc_kill(current, "trap %u at pc %p", pcb.cause, pcb.pc);
    kill_current();
}

void kernel_trap_handler(void)
{
    struct space_pcb pcb;
    space_pcb_read(&pcb);
    panic("trap %u in the kernel at pc %p (address %p, access %x)", pcb.cause, pcb.pc, pcb.addr,
          pcb.access);
}

/* A process blocked in read() gets the input that arrived (ptable_lock
 * held: a reader that found no input stays locked until it is blocked). */
static void wake_readers(void)
{
    for (int i = 0; i < NPROC; i++) {
        struct proc *p = &procs[i];
        if (p->state != P_BLOCKED || p->wait != W_READ)
            continue;
        char buf[512];
        int n = console_read(buf, p->wait_len < sizeof buf ? (int)p->wait_len : (int)sizeof buf);
        if (n < 0)
            return;
        wake(p, copy_to_user(p, p->wait_buf, buf, (uint32_t)n) == 0 ? (uint32_t)n : (uint32_t)-1);
    }
}

/* Interrupts: this CPU's timer, the console and the network (CPU 0 only), and the IPI
 * another CPU sends to wake this one from idling, which needs nothing but
 * the schedule() every interrupt from the idle loop ends with. */
void irq_handler(void)
{
    struct space_pcb pcb;
    space_pcb_read(&pcb);
    int from_idle = pcb.ctx == 0;
    struct cpu *c = mycpu();
    if (from_idle)
        space_pcb_pop(); /* the idle loop keeps no state */
    else
        current = proc_by_ctx(pcb.ctx);
    int tick = pcb.trap == c->timer_trap;
    if (tick && c->id != 0 && !sched_anyone_ready()) { /* nothing to do: no lock */
        if (from_idle)
            idle();
        space_resume();
    }
    acquire(&ptable_lock);
    if (tick) {
        if (c->id == 0)
            sched_tick();
    } else if (pcb.trap == console_trap()) {
        console_interrupt();
        wake_readers();
        int waiting = 0;
        for (int i = 0; i < NPROC; i++)
            waiting |= procs[i].state == P_BLOCKED && procs[i].wait == W_READ;
        console_want_input(waiting);
    } else if (net_present() && pcb.trap == net_trap()) {
        net_interrupt();
    }
    if (from_idle)
        schedule();
    if (current)
        preempt();
    release(&ptable_lock);
    space_resume();
}

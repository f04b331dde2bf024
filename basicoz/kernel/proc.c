/* proc.c - processes: creating one from a program image, its memory, and
 * its end.
 *
 * A process is a CONTEXT (slot i uses CONTEXT i + 1) whose pages the kernel
 * maps for MODE 3, plus a PCB chain. Program images are ELF files built into
 * the kernel (programs.S). The heap and the stack are demand-zero: their
 * pages are mapped on the first fault (trap.c). A process being built is
 * P_NEW: its slot is taken, and only the CPU building it touches it, so the
 * slow part (loading the image) runs without ptable_lock. */
#include "kernel.h"

struct proc procs[NPROC];
static int next_pid = 1; /* ptable_lock's */

#define ELF_PT_LOAD 1
#define ELF_PF_X    1
#define ELF_PF_W    2
struct elf_header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf_segment {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct proc *proc_by_ctx(uint32_t ctx)
{
    if (ctx < 1 || ctx > NPROC || procs[ctx - 1].state == P_FREE)
        return NULL;
    return &procs[ctx - 1];
}

struct proc *proc_by_pid(int pid)
{
    for (int i = 0; i < NPROC; i++)
        if (procs[i].state != P_FREE && procs[i].state != P_NEW && procs[i].pid == pid)
            return &procs[i];
    return NULL;
}

const struct program *program_find(const char *name)
{
    for (const struct program *p = programs; p->name; p++)
        if (!kstrcmp(p->name, name))
            return p;
    return NULL;
}

/* Maps a fresh zeroed frame at vaddr in p's CONTEXT for MODE 3. */
static uint32_t map_new_page(struct proc *p, uint32_t vaddr, uint32_t bits)
{
    uint32_t frame = frame_alloc();
    if (!frame)
        return 0;
    space_map_memory(p->ctx, vaddr & ~(SPACE_PAGE_SIZE - 1), frame, SPACE_ACCESS(USER_MODE, bits));
    return frame;
}

static int in_heap(struct proc *p, uint32_t va)
{
    return va >= p->image_end && va < p->brk;
}

static int in_stack(uint32_t va)
{
    return va >= USER_STACK_TOP - USER_STACK_MAX && va < USER_STACK_TOP;
}

/* Is vaddr in a region that grows on demand (heap or stack)? */
int user_may_grow(struct proc *p, uint32_t vaddr)
{
    return in_heap(p, vaddr) || in_stack(vaddr);
}

/* The physical address behind user address vaddr, mapping a demand-zero
 * page if vaddr is in the heap or stack; 0 if the process may not access
 * it (for writing, if `write`). */
uint32_t user_page(struct proc *p, uint32_t vaddr, int write)
{
    uint32_t paddr, page = vaddr & ~(SPACE_PAGE_SIZE - 1);
    int access = space_mapping(p->ctx, page, &paddr);
    if (access > 0) {
        uint32_t bits = SPACE_ACCESS_BITS(access, USER_MODE);
        if (!(bits & SPACE_R) || (write && !(bits & SPACE_W)))
            return 0;
        return paddr + (vaddr - page);
    }
    if (!in_heap(p, vaddr) && !in_stack(vaddr))
        return 0;
    uint32_t frame = map_new_page(p, page, SPACE_RW);
    return frame ? frame + (vaddr - page) : 0;
}

static int copy_user(struct proc *p, uint32_t uaddr, void *kbuf, uint32_t n, int to_user)
{
    while (n) {
        uint32_t pa = user_page(p, uaddr, to_user);
        if (!pa)
            return -1;
        uint32_t chunk = SPACE_PAGE_SIZE - (uaddr & (SPACE_PAGE_SIZE - 1));
        if (chunk > n)
            chunk = n;
        if (to_user)
            memcpy(phys(pa), kbuf, chunk);
        else
            memcpy(kbuf, phys(pa), chunk);
        uaddr += chunk;
        kbuf = (char *)kbuf + chunk;
        n -= chunk;
    }
    return 0;
}

int copy_to_user(struct proc *p, uint32_t dst, const void *src, uint32_t n)
{
    return copy_user(p, dst, (void *)src, n, 1);
}

int copy_from_user(struct proc *p, void *dst, uint32_t src, uint32_t n)
{
    return copy_user(p, src, dst, n, 0);
}

/* A NUL-terminated string of at most max-1 characters; -1 if unreadable
 * or too long. */
int copy_str_from_user(struct proc *p, char *dst, uint32_t src, uint32_t max)
{
    for (uint32_t i = 0; i < max; i++) {
        if (copy_from_user(p, &dst[i], src + i, 1) != 0)
            return -1;
        if (!dst[i])
            return 0;
    }
    return -1;
}

/* Copies the program's loadable segments into fresh frames of p. */
static int load_image(struct proc *p, const struct program *prog, uint32_t *entry)
{
    const unsigned char *img = prog->image;
    uint32_t size = (uint32_t)(prog->end - prog->image);
    const struct elf_header *h = (const void *)img;
    if (size < sizeof *h || img[0] != 0x7f || img[1] != 'E' ||
        h->phentsize != sizeof(struct elf_segment) ||
        h->phoff + (uint32_t)h->phnum * sizeof(struct elf_segment) > size)
        return -1;
    uint32_t end = USER_BASE;
    for (int i = 0; i < h->phnum; i++) {
        const struct elf_segment *s = (const void *)(img + h->phoff + i * sizeof *s);
        if (s->type != ELF_PT_LOAD || !s->memsz)
            continue;
        if (s->offset + s->filesz > size || s->vaddr < USER_BASE ||
            s->vaddr + s->memsz > USER_STACK_TOP / 2)
            return -1;
        uint32_t bits =
            SPACE_R | (s->flags & ELF_PF_W ? SPACE_W : 0) | (s->flags & ELF_PF_X ? SPACE_X : 0);
        for (uint32_t va = s->vaddr & ~(SPACE_PAGE_SIZE - 1); va < s->vaddr + s->memsz;
             va += SPACE_PAGE_SIZE) {
            uint32_t frame = map_new_page(p, va, bits);
            if (!frame)
                return -1;
            /* the part of the file that lands on this page */
            uint32_t lo = va > s->vaddr ? va : s->vaddr;
            uint32_t hi = va + SPACE_PAGE_SIZE < s->vaddr + s->filesz ? va + SPACE_PAGE_SIZE
                                                                      : s->vaddr + s->filesz;
            if (hi > lo)
                memcpy((char *)phys(frame) + (lo - va), img + s->offset + (lo - s->vaddr), hi - lo);
        }
        if (s->vaddr + s->memsz > end)
            end = s->vaddr + s->memsz;
    }
    p->image_end = p->brk = (end + SPACE_PAGE_SIZE - 1) & ~(SPACE_PAGE_SIZE - 1);
    *entry = h->entry;
    return 0;
}

/* Puts argc, argv and the argument strings at the top of the stack, as
 * _start expects them: [argc][argv] at the returned stack pointer. */
static uint32_t push_args(struct proc *p, int argc, char *const argv[])
{
    uint32_t sp = USER_STACK_TOP, ptrs[17];
    for (int i = argc - 1; i >= 0; i--) {
        uint32_t n = (uint32_t)strlen(argv[i]) + 1;
        sp -= n;
        copy_to_user(p, sp, argv[i], n);
        ptrs[i] = sp;
    }
    ptrs[argc] = 0;
    sp &= ~3u;
    sp -= (uint32_t)(argc + 1) * 4;
    copy_to_user(p, sp, ptrs, (uint32_t)(argc + 1) * 4);
    uint32_t frame[2] = {(uint32_t)argc, sp};
    sp -= 8;
    copy_to_user(p, sp, frame, 8);
    return sp;
}

/* Unmaps the pages of [from, to) in p's CONTEXT and frees their frames. */
void proc_free_range(struct proc *p, uint32_t from, uint32_t to)
{
    for (uint32_t va = from; va < to; va += SPACE_PAGE_SIZE) {
        uint32_t pa;
        if (space_mapping(p->ctx, va, &pa) > 0) {
            space_map_memory(p->ctx, va, 0, 0);
            frame_free(pa);
        }
    }
}

static void free_memory(struct proc *p)
{
    proc_free_range(p, USER_BASE, p->brk);
    proc_free_range(p, USER_STACK_TOP - USER_STACK_MAX, USER_STACK_TOP);
}

/* Creates a process running program `name`; returns its pid, -1 if there
 * is no such program, -2 if memory or process slots ran out. */
int proc_spawn(const char *name, int argc, char *const argv[], int ppid)
{
    const struct program *prog = program_find(name);
    if (!prog)
        return -1;
    struct proc *p = NULL;
    acquire(&ptable_lock);
    for (int i = 0; i < NPROC && !p; i++)
        if (procs[i].state == P_FREE)
            p = &procs[i];
    if (p)
        *p = (struct proc){
            .state = P_NEW, .ppid = ppid, .ctx = (uint32_t)(p - procs) + 1, .cpu = -1};
    release(&ptable_lock);
    if (!p)
        return -2;
    kstrlcpy(p->name, name, sizeof p->name);
    space_context_name(p->ctx, p->name); /* as ps shows it */
    uint32_t entry;
    if (load_image(p, prog, &entry) != 0) {
        free_memory(p);
        acquire(&ptable_lock);
        p->state = P_FREE;
        release(&ptable_lock);
        return -2;
    }
    trap_init_context(p->ctx);
    uint32_t sp = push_args(p, argc, argv);

    /* Its CPU state is a PCB that "returns" into the program. The PCB goes
     * on a chain of its own, which SPACE charges CPU time from here on: set
     * the caller's chain aside (a placeholder PCB makes even kmain's empty
     * one suspendable), push, Suspend to get the new chain's token, and
     * take the caller's back. */
    struct space_pcb start = {
        .pc = entry, .esp = sp, .eflags = 0x2, .ctx = p->ctx, .mode = USER_MODE, .ie = 1};
    struct space_pcb placeholder = {0};
    space_pcb_push(&placeholder);
    int caller = space_suspend();
    space_pcb_push(&start);
    p->token = space_suspend();
    if (caller > 0)
        space_unsuspend(caller);
    space_pcb_pop(); /* the placeholder */
    acquire(&ptable_lock);
    int pid = p->pid = next_pid++;
    sched_ready(p);
    release(&ptable_lock);
    return pid;
}

/* Reaps a zombie child of parent (pid, or any if pid == -1): writes its
 * status to status_addr (if not 0) and returns its pid. Returns 0 if a
 * matching child exists but has not exited (*found = 1), -1 if none. */
int proc_reap(struct proc *parent, int pid, uint32_t status_addr, int *found)
{
    *found = 0;
    for (int i = 0; i < NPROC; i++) {
        struct proc *c = &procs[i];
        if (c->state == P_FREE || c->state == P_NEW || c->ppid != parent->pid ||
            (pid != -1 && c->pid != pid))
            continue;
        *found = 1;
        if (c->state != P_ZOMBIE)
            continue;
        int child = c->pid;
        if (status_addr)
            copy_to_user(parent, status_addr, &c->exit_status, 4);
        c->state = P_FREE;
        return child;
    }
    return *found ? 0 : -1;
}

/* The current process ends: its memory goes back, its parent hears of it.
 * Its PCB chain must be popped next, and schedule() called: this returns
 * holding ptable_lock. */
void proc_exit(struct proc *p, int status)
{
    uint64_t insns = proc_time(p);
    free_memory(p); /* (nobody else touches a running process's memory) */
    acquire(&ptable_lock);
    p->insns = insns;
    p->state = P_ZOMBIE;
    p->exit_status = status;
    net_close(p);
    if (p->pid == 1) {
        kprintf("basicoz: init exited with status %d, halting\n", status);
        space_halt((uint32_t)status);
    }
    for (int i = 0; i < NPROC; i++) /* orphans go to init */
        if (procs[i].state != P_FREE && procs[i].ppid == p->pid)
            procs[i].ppid = 1;
    struct proc *parent = proc_by_pid(p->ppid);
    if (parent && parent->state == P_BLOCKED && parent->wait == W_CHILD &&
        ((int)parent->wait_buf == -1 || (int)parent->wait_buf == p->pid)) {
        int found;
        wake(parent, (uint32_t)proc_reap(parent, (int)parent->wait_buf, parent->wait_len, &found));
    }
}

static void kill_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

/* Ends the current process because of what it did (the message is one
 * line: console_lock is held across it). Returns holding ptable_lock. */
void proc_kill(struct proc *p, const char *why, ...)
{
    va_list ap;
    va_start(ap, why);
    acquire(&console_lock);
    kill_message("basicoz: pid %d (%s) killed: ", p->pid, p->name);
    kvprintf(why, ap);
    kill_message("\n");
    release(&console_lock);
    va_end(ap);
    proc_exit(p, -1);
}

/* A guest that exercises everything that makes exact virtual time hard:
 * REP string instructions (with ECX 0, 1 and many), pushf (which must never
 * show the simulator's single-step flag), demand-mapped memory faults in the
 * middle of blocks, straddling accesses, user-mode system calls, divide
 * traps, and code running off a page into an unmapped one. It halts with a
 * checksum of everything it observed, including space_time() readings. */
#include <space.h>

#define UCTX  1
#define UMODE 3
#define UDATA 0x50000000u

extern char user_code[], user_code_end[];
static uint32_t frames;
static uint32_t checksum;
static uint32_t faults, syscalls;

static void mix(uint32_t v)
{
    checksum = (checksum ^ v) * 16777619u + 1;
}

char kstack[8192] __attribute__((used));
void fault_entry(void);
void sys_entry(void);
void div_entry(void);
__asm__(".text\n"
        "fault_entry: mov $kstack+8192, %esp\n call on_fault\n"
        "sys_entry:   mov $kstack+8192, %esp\n call on_sys\n"
        "div_entry:   mov $kstack+8192, %esp\n call on_div\n");

void on_fault(void)
{
    struct space_pcb p;
    space_pcb_read(&p);
    faults++;
    mix(p.addr);
    mix(p.pc);
    mix((uint32_t)space_time());
    uint32_t page = p.addr & ~0xfffu;
    if (p.access & SPACE_FAULT_EXECUTE) {
        /* code: the kernel image's copy of the user program */
        space_map_memory(p.ctx, page, (uint32_t)user_code + (page - 0x00400000),
                         SPACE_ACCESS(3, SPACE_RX));
        space_resume();
    }
    uint32_t f = frames;
    frames += 4096;
    space_map_memory(p.ctx, page, f, SPACE_ACCESS(0, SPACE_RWX) | SPACE_ACCESS(3, SPACE_RWX));
    space_resume();
}

void on_sys(void)
{
    struct space_pcb p;
    space_pcb_read(&p);
    syscalls++;
    mix(p.eax);
    mix(p.ebx);
    mix(p.eflags);
    mix((uint32_t)space_time());
    if (p.eax == 99) {
        mix(faults);
        mix(syscalls);
        space_halt(checksum & 0x7f);
    }
    p.eax = p.ebx * 3;
    space_pcb_write(&p);
    space_resume();
}

void on_div(void)
{
    struct space_pcb p;
    space_pcb_read(&p);
    mix(p.pc);
    p.pc += 2; /* skip "div %ecx" */
    p.eax = 0xd1d;
    space_pcb_write(&p);
    space_resume();
}

/* The user program (runs in CONTEXT 1, MODE 3, all data demand-mapped). */
__asm__(".section .text\n.balign 4096\n"
        "user_code:\n"
        "    mov $0x50000000, %edi\n"
        "    mov $0x11, %eax\n"
        "    mov $300, %ecx\n"
        "    cld\n"
        "    rep stosl\n" /* faults mid-string: 0x50000000.. */
        "    mov $0x50000000, %esi\n"
        "    mov $0x50002ff0, %edi\n"
        "    mov $0x40, %ecx\n"
        "    rep movsb\n" /* straddles into 0x50003000 */
        "    xor %ecx, %ecx\n"
        "    rep movsb\n" /* ECX = 0 */
        "    mov $1, %ecx\n"
        "    rep movsb\n"
        "    mov $0x50000000, %edi\n"
        "    mov $8, %ecx\n"
        "    mov $0x11, %eax\n"
        "    repe scasl\n" /* terminates on count */
        "    pushf\n"
        "    pop %ebx\n"
        "    mov $1, %eax\n"
        "    int $0x80\n" /* syscall(1, flags) */
        "    mov $5000, %ecx\n"
        "1:  add %ecx, %ebx\n"
        "    imul $7, %ebx\n"
        "    mov %ebx, 0x50005000(,%ecx,4)\n" /* 5 more pages on demand */
        "    loop 1b\n"
        "    mov %ebx, %eax\n"
        "    xor %edx, %edx\n"
        "    xor %ecx, %ecx\n"
        "    div %ecx\n" /* divide trap, skipped by the kernel */
        "    mov %eax, %ebx\n"
        "    mov $2, %eax\n"
        "    int $0x80\n"
        "    mov $0x50008ffe, %edx\n"
        "    movl $0x12345678, (%edx)\n" /* straddling store, second page new */
        "    mov (%edx), %ebx\n"
        "    mov $3, %eax\n"
        "    int $0x80\n"
        "    jmp sled\n"
        "user_code_end:\n"
        ".balign 4096\n"
        "    .skip 4096 - 100, 0x90\n"
        "sled:\n"
        "    .skip 100, 0x90\n" /* nops that run off into the next page */
        "user_tail_page:\n"
        "    mov $4, %eax\n"
        "    int $0x80\n"
        "    mov $99, %eax\n"
        "    int $0x80\n"
        ".balign 4096\n");

extern char user_tail_page[];

void kmain(const struct space_bootinfo *boot)
{
    frames = boot->kernel_end;
    uint32_t code = (uint32_t)user_code;
    /* Map the user code pages except the one the nops run into: that one
     * is demand-mapped (fetch fault) to the kernel's copy. */
    for (uint32_t va = 0; code + va < (uint32_t)user_tail_page; va += 4096)
        space_map_memory(UCTX, 0x00400000 + va, code + va, SPACE_ACCESS(3, SPACE_RX));
    space_map_portal(UCTX, SPACE_TRAP_MEMORY_FAULT, 0, 0, (uint32_t)fault_entry, 0);
    space_map_portal(UCTX, 0x80, 0, 0, (uint32_t)sys_entry, SPACE_PORTAL_FROM(3));
    space_map_portal(UCTX, SPACE_TRAP_DIVIDE, 0, 0, (uint32_t)div_entry, 0);
    struct space_pcb p = {
        .pc = 0x00400000, .esp = 0x7fff0000, .eflags = 2, .ctx = UCTX, .mode = UMODE};
    space_pcb_push(&p);
    space_resume();
}

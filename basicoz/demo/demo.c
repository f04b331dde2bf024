/*
 * demo.c - a first SPACE kernel, small enough to read in one sitting.
 *
 * It shows the SPACE way of building an operating system out of the
 * hardware primitives: the kernel (CONTEXT 0, MODE 0) creates a user
 * process (CONTEXT 1, MODE 3) with MapMemory, sends its traps to kernel
 * handlers with MapPortal, starts it by pushing a PCB and Resuming, serves
 * its system calls (arguments in registers, result written back into the
 * PCB), gives it stack pages on demand when it faults, and halts when it
 * exits. BasicOZ (basicoz/) is the full kernel built the same way.
 */
#include <space.h>

#define USER_CTX     1
#define USER_MODE    3
#define USER_CODE    0x00400000u /* where the user program is mapped */
#define USER_STACK   0x7fff0000u /* top of its stack (pages appear on demand) */
#define SYS_WRITE    1
#define SYS_EXIT     2
#define TRAP_SYSCALL 0x80

/* The user program: prints a line with the write system call, then touches
 * its stack (which is not mapped yet) and exits with the sum it computed. */
extern const char user_program[], user_program_end[];
__asm__(".section .rodata\n"
        ".balign 4096\n"
        "user_program:\n"
        "    call 1f\n" /* eip-relative: where is my message? */
        "1:  pop %ecx\n"
        "    add $(msg - 1b), %ecx\n"
        "    mov $1, %eax\n" /* SYS_WRITE(ecx = text, edx = length) */
        "    mov $(msg_end - msg), %edx\n"
        "    int $0x80\n"
        "    mov $0, %ebx\n" /* sum 1..100 on the (demand-paged) stack */
        "    mov $100, %ecx\n"
        "2:  push %ecx\n"
        "    add (%esp), %ebx\n"
        "    pop %ecx\n"
        "    loop 2b\n"
        "    mov $2, %eax\n" /* SYS_EXIT(ebx = status) */
        "    int $0x80\n"
        "msg: .ascii \"hello from user mode (CONTEXT 1, MODE 3)\\n\"\n"
        "msg_end:\n"
        "user_program_end:\n"
        ".text\n");

static uint32_t next_frame; /* a trivial physical page allocator */

static uint32_t frame_alloc(void)
{
    uint32_t f = next_frame;
    next_frame += SPACE_PAGE_SIZE;
    return f;
}

static void print(const char *s, uint32_t n)
{
    while (n--)
        space_debug_putc(*s++);
}

static void print_num(uint32_t v)
{
    char buf[12];
    int n = 0;
    do
        buf[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        space_debug_putc(buf[--n]);
}

/* Copies len bytes out of the user's CONTEXT by mapping each page into a
 * kernel window (the kernel sees physical memory only through mappings). */
#define WINDOW 0x20000000u
static void copy_from_user(char *dst, uint32_t uaddr, uint32_t len)
{
    while (len) {
        uint32_t paddr, off = uaddr & (SPACE_PAGE_SIZE - 1);
        if (space_mapping(USER_CTX, uaddr & ~(SPACE_PAGE_SIZE - 1), &paddr) <= 0)
            return;
        space_map_memory(0, WINDOW, paddr, SPACE_ACCESS(0, SPACE_R));
        uint32_t n = SPACE_PAGE_SIZE - off < len ? SPACE_PAGE_SIZE - off : len;
        for (uint32_t i = 0; i < n; i++)
            *dst++ = ((const char *)WINDOW)[off + i];
        uaddr += n;
        len -= n;
    }
}

/* Trap handlers run on their own stack: traversal does not switch ESP. */
char handler_stack[8192] __attribute__((used));
void syscall_entry(void);
void fault_entry(void);
__asm__(".text\n"
        "syscall_entry: mov $handler_stack + 8192, %esp\n call syscall_handler\n"
        "fault_entry:   mov $handler_stack + 8192, %esp\n call fault_handler\n");

void syscall_handler(void)
{
    struct space_pcb pcb;
    space_pcb_read(&pcb);
    switch (pcb.eax) {
    case SYS_WRITE: {
        char buf[256];
        uint32_t n = pcb.edx < sizeof buf ? pcb.edx : sizeof buf;
        copy_from_user(buf, pcb.ecx, n);
        print(buf, n);
        pcb.eax = n; /* the system call's return value */
        break;
    }
    case SYS_EXIT:
        print("user program exited with status ", 32);
        print_num(pcb.ebx);
        print(" after ", 7);
        print_num((uint32_t)space_time());
        print(" instructions\n", 14);
        space_halt(pcb.ebx == 5050 ? 0 : 1);
    default: pcb.eax = (uint32_t)-1;
    }
    space_pcb_write(&pcb);
    space_resume();
}

void fault_handler(void)
{
    struct space_pcb pcb;
    space_pcb_read(&pcb);
    uint32_t page = pcb.addr & ~(SPACE_PAGE_SIZE - 1);
    if (pcb.ctx == USER_CTX && page >= USER_STACK - 16 * SPACE_PAGE_SIZE && page < USER_STACK) {
        print("demand-mapping a stack page for the user\n", 41);
        uint32_t f = frame_alloc();
        space_map_memory(0, WINDOW, f, SPACE_ACCESS(0, SPACE_RW)); /* zero it first */
        for (uint32_t i = 0; i < SPACE_PAGE_SIZE; i++)
            ((volatile char *)WINDOW)[i] = 0;
        space_map_memory(USER_CTX, page, f, SPACE_ACCESS(USER_MODE, SPACE_RW));
        space_resume(); /* the faulting instruction runs again */
    }
    print("wild access, halting\n", 21);
    space_halt(2);
}

void kmain(const struct space_bootinfo *boot)
{
    print("SPACE demo kernel: ", 19);
    print_num(boot->ram_size >> 20);
    print(" MiB of RAM\n", 12);
    next_frame = boot->kernel_end;

    /* The user's code: the kernel image's pages holding user_program, mapped
     * read+execute for MODE 3 at USER_CODE in CONTEXT 1. */
    uint32_t start = (uint32_t)user_program,
             pages = ((uint32_t)user_program_end - start + 4095) / 4096;
    for (uint32_t i = 0; i < pages; i++)
        space_map_memory(USER_CTX, USER_CODE + i * 4096, start + i * 4096,
                         SPACE_ACCESS(USER_MODE, SPACE_RX));

    /* Its traps go to the kernel: system calls from MODE 3, faults always. */
    space_map_portal(USER_CTX, TRAP_SYSCALL, 0, 0, (uint32_t)syscall_entry,
                     SPACE_PORTAL_FROM(USER_MODE));
    space_map_portal(USER_CTX, SPACE_TRAP_MEMORY_FAULT, 0, 0, (uint32_t)fault_entry, 0);

    /* Start it: a PCB that "returns" into user mode. */
    struct space_pcb start_pcb = {
        .pc = USER_CODE, .esp = USER_STACK, .eflags = 0x2, .ctx = USER_CTX, .mode = USER_MODE};
    space_pcb_push(&start_pcb);
    space_resume();
}

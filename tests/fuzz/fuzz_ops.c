/* fuzz_ops: the SPACE operation interface (sim/core/ops.c) with any
 * operation numbers and arguments, called in MODE 0 on a freshly booted
 * machine one after another, with a few instructions run between some of
 * them. Every input is 29-byte steps: a flags byte, then EAX (the
 * operation, taken modulo SPACE_OP_COUNT + 2 so unknown numbers come too),
 * EBX, ECX, EDX, ESI, EDI, EBP. Whatever the arguments, an operation
 * returns an error or does what the manual says; the machine halts, stops
 * or goes on - never more. */
#include "fuzz_machine.h"
#include "basicoz/include/space.h"
#include "cpu/cpu.h"
#include "sim/core/ops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t word(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct machine *m = fuzz_machine(NULL, 0);
    if (!m)
        return 0;
    struct cpu *cpu = machine_cpu(m, 0);
    for (; size >= 29 && machine_state(m) == MACHINE_RUNNING; data += 29, size -= 29) {
        struct cpu_regs r;
        cpu_get_regs(cpu, &r);
        r.eax = word(data + 1) % (SPACE_OP_COUNT + 2);
        r.ebx = word(data + 5);
        r.ecx = word(data + 9);
        r.edx = word(data + 13);
        r.esi = word(data + 17);
        r.edi = word(data + 21);
        r.ebp = word(data + 25);
        cpu_set_regs(cpu, &r);
        ops_execute(m);
        if (data[0] & 1) /* run what the state now says, briefly */
            machine_run_until(m, machine_now(m) + (data[0] >> 1));
    }
    machine_destroy(m);
    return 0;
}

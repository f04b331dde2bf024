/* fuzz_gdb: any bytes as what gdb sends (ui/gdb: framing, checksums,
 * acknowledgements, then every packet's meaning) to a stub serving a
 * fresh machine, without a socket (gdbstub_serve_bytes). */
#include "fuzz_machine.h"
#include "ui/gdb/gdbstub.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* mov $100,%ecx; loop .; mov $SPACE_OP_HALT,%eax; int $0xff */
    static const uint8_t code[] = {0xb9, 100, 0, 0, 0, 0xe2, 0xfe, 0xb8, 10, 0, 0, 0, 0xcd, 0xff};
    if (size > 4096)
        return 0;
    struct machine *m = fuzz_machine(code, sizeof code);
    if (!m)
        return 0;
    const char *why;
    gdbstub_serve_bytes(m, data, (unsigned)size, &why);
    machine_destroy(m);
    return 0;
}

/* fuzz_loader: any bytes as a kernel ELF image (sim/core/loader.c through
 * machine_boot_image). A bad image must be refused with one line and
 * change nothing; a good one boots. */
#include <stdint.h>

#include "fuzz_machine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct machine *m = fuzz_machine_unbooted();
    if (!m)
        return 0;
    char err[256];
    if (machine_boot_image(m, "fuzz.elf", data, size, err, sizeof err) == 0)
        machine_run(m); /* what it loaded, up to the instruction limit */
    machine_destroy(m);
    return 0;
}

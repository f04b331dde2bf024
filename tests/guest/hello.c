/* The smallest guest: boots, checks the boot information, prints, halts. */
#include "check.h"

void kmain(const struct space_bootinfo *boot)
{
    CHECK_EQ(boot->magic, SPACE_BOOT_MAGIC);
    CHECK_EQ(boot->version, SPACE_BOOT_VERSION);
    CHECK_EQ(boot->ncpus, 1);
    CHECK(boot->kernel_start == 0x100000);
    CHECK(boot->kernel_end > boot->kernel_start);
    out_str("hello from SPACE, ram ");
    out_dec(boot->ram_size >> 20);
    out_str(" MiB, cmdline '");
    out_str(boot->cmdline);
    out_str("'\n");
    space_halt(42);
}

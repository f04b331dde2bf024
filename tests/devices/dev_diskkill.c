/* dev_diskkill - for kill9.sh: writes sector after sector, each filled
 * with its own number, and after each write a FLUSH; says "flushed N" on
 * the console once sector N is durable. The test kills space with SIGKILL
 * mid-run and checks every sector it saw flushed, and the image's size. */
#include "devtest.h"

static void run_command(uint32_t command)
{
    REG(DISK_VA, SPACE_DISK_COMMAND) = command;
    while (REG(DISK_VA, SPACE_DISK_STATUS) == SPACE_DISK_BUSY)
        ;
    CHECK_EQ(REG(DISK_VA, SPACE_DISK_STATUS), SPACE_DISK_OK);
}

static void say_flushed(uint32_t n)
{
    char buf[24] = "flushed ";
    char digits[12];
    int k = 0;
    do
        digits[k++] = (char)('0' + n % 10);
    while ((n /= 10) != 0);
    int p = 8;
    while (k)
        buf[p++] = digits[--k];
    buf[p++] = '\n';
    buf[p] = 0;
    con_puts(buf);
}

void kmain(const struct space_bootinfo *boot)
{
    struct devinfo d;
    dev_setup(boot, &d);
    CHECK(d.disk != 0);
    uint32_t pa = dev_window(boot, 0, 1, SPACE_ACCESS(0, SPACE_RW));
    volatile uint32_t *w = (volatile uint32_t *)WIN_VA;
    uint32_t sectors = REG(DISK_VA, SPACE_DISK_SECTORS);
    for (uint32_t s = 0; s < sectors; s++) {
        for (uint32_t i = 0; i < SPACE_DISK_SECTOR_SIZE / 4; i++)
            w[i] = s ^ 0x5a5a0000u;
        REG(DISK_VA, SPACE_DISK_SECTOR) = s;
        REG(DISK_VA, SPACE_DISK_COUNT) = 1;
        REG(DISK_VA, SPACE_DISK_ADDR) = pa;
        run_command(SPACE_DISK_WRITE);
        run_command(SPACE_DISK_FLUSH);
        say_flushed(s);
    }
    space_halt(0);
}

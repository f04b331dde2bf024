/* Unit tests for checkpoint_diff (sim/core/checkpoint.h): what a
 * divergence report says, with zero values and the first RAM region
 * written as the other addresses are (0x00000000, not 0000000000). */
#include "unit.h"

#include <string.h>

#include "sim/core/checkpoint.h"

static void zeros_have_0x(void)
{
    struct checkpoint rec, now;
    memset(&rec, 0, sizeof rec);
    memset(&now, 0, sizeof now);
    char out[512];
    EXPECT(checkpoint_diff(&rec, &now, 64u << 20, out, sizeof out) == 0 && !out[0]);
    rec.regs[0] = 5;  /* eax */
    now.regs[8] = 16; /* eip */
    now.pending = 1;
    now.ram[0] = 1;
    now.ram[63] = 1;
    EXPECT(checkpoint_diff(&rec, &now, 64u << 20, out, sizeof out) == 5);
    EXPECT(!strcmp(out, "eax 0x5 recorded, 0x0 replayed; eip 0x0 recorded, 0x10 replayed; "
                        "pending interrupt lines 0x0 recorded, 0x1 replayed; "
                        "RAM 0x00000000..0x000fffff differs; RAM 0x03f00000..0x03ffffff differs"));
}

int main(void)
{
    zeros_have_0x();
    puts("checkpoint: ok");
    return 0;
}

/* registry: every kind of device the machine has, one entry each in
 * DEVICE_KINDS. A kind's position fixes the order of devices on the bus (and
 * so their register pages and interrupt lines). Adding a device: write
 * devices/NAME.c defining `const struct device_kind NAME_device`, and add
 * X(NAME_device) here. */
#include "device.h"

/* clang-format off */
#define DEVICE_KINDS(X) \
    X(console_device)   \
    X(timer_device)     \
    X(disk_device)      \
    X(rng_device)       \
    X(net_device)       \
    /* (new kinds go here, last) */
/* clang-format on */

#define DECLARE(kind) extern const struct device_kind kind;
DEVICE_KINDS(DECLARE)

#define ENTRY(kind) &kind,
const struct device_kind *const device_kinds[] = {DEVICE_KINDS(ENTRY) NULL};

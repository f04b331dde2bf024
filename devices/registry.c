/* registry: every kind of device the machine has. One line each; a kind's
 * position fixes the order of devices on the bus (and so their register
 * pages and interrupt lines). */
#include "device.h"

extern const struct device_kind console_device, timer_device, disk_device;

const struct device_kind *const device_kinds[] = {
    &console_device,
    &timer_device,
    &disk_device,
    NULL,
};

/* metric: guest-published metrics (SPACE_OP_METRIC) and the metrics the
 * machine measures itself. In MODE 0 it sets, adds to and raises metrics,
 * and tries bad names, a bad `how` and a name that cannot be read; a MODE 3
 * program in CONTEXT 1 publishes one too (any MODE may) and faults once;
 * CONTEXT 1 and 2 take turns in user code (CONTEXT switches); CONTEXT 5
 * maps, remaps and unmaps pages. tests/stats/stats.sh (case metric) checks
 * the statistics against the numbers here; the guest checks the results. */
#include "kit.h"

#define UNMAPPED 0x30001000u

static uint32_t user_publish(uint32_t arg)
{
    return (uint32_t)space_metric("from_user", SPACE_METRIC_ADD, arg);
}

static uint32_t user_nothing(uint32_t arg)
{
    return arg + 1;
}

static uint32_t user_fault(uint32_t arg)
{
    (void)arg;
    return kit_read32(UNMAPPED);
}

void kmain(const struct space_bootinfo *boot)
{
    kit_init(boot);
    CHECK_EQ(space_metric("set_me", SPACE_METRIC_SET, 5), SPACE_OK);
    CHECK_EQ(space_metric("set_me", SPACE_METRIC_SET, 3), SPACE_OK); /* 3 */
    CHECK_EQ(space_metric("added", SPACE_METRIC_ADD, 0xffffffffu), SPACE_OK);
    CHECK_EQ(space_metric("added", SPACE_METRIC_ADD, 2), SPACE_OK); /* 0x100000001: 64 bits */
    CHECK_EQ(space_metric("most", SPACE_METRIC_MAX, 7), SPACE_OK);
    CHECK_EQ(space_metric("most", SPACE_METRIC_MAX, 4), SPACE_OK);
    CHECK_EQ(space_metric("most", SPACE_METRIC_MAX, 9), SPACE_OK); /* 9 */
    CHECK_EQ(space_metric("a_31_byte_name_is_the_longest_1", SPACE_METRIC_SET, 31), SPACE_OK);
    CHECK_EQ(space_metric("a_32_byte_name_is_one_too_long_2", SPACE_METRIC_SET, 1), SPACE_ERR_ARG);
    CHECK_EQ(space_metric("", SPACE_METRIC_SET, 1), SPACE_ERR_ARG);
    CHECK_EQ(space_metric("Upper", SPACE_METRIC_SET, 1), SPACE_ERR_ARG);
    CHECK_EQ(space_metric("dot.ted", SPACE_METRIC_SET, 1), SPACE_ERR_ARG);
    CHECK_EQ(space_metric("bad_how", 3, 1), SPACE_ERR_ARG);
    CHECK_EQ(space_metric((const char *)UNMAPPED, SPACE_METRIC_SET, 1), SPACE_ERR_ACCESS);
    CHECK_EQ(space_metric((const char *)0, SPACE_METRIC_SET, 1), SPACE_ERR_ACCESS);

    /* User code: CONTEXT 1, 1 (no switch), 2, 1, then a fault in 1. */
    kit_portals_std(1);
    kit_portals_std(2);
    kit_map_image(1, SPACE_ACCESS(3, SPACE_RWX));
    kit_map_image(2, SPACE_ACCESS(3, SPACE_RWX));
    CHECK_EQ(kit_call(1, 3, user_publish, 40, 0), SPACE_OK);
    CHECK_EQ(kit_call(1, 3, user_publish, 2, 0), SPACE_OK); /* from_user 42 */
    CHECK_EQ(kit_call(2, 3, user_nothing, 1, 0), 2);
    CHECK_EQ(kit_call(1, 3, user_nothing, 2, 0), 3);
    CHECK_EQ(kit_call(1, 3, user_fault, 0, 0), KIT_FAULTED);

    /* CONTEXT 5: 3 pages mapped, one remapped elsewhere (an unmap), one
     * given new permissions only (no unmap), two unmapped: 3 unmaps, 1 page
     * left, 3 at most. */
    uint32_t a = kit_frame(), b = kit_frame(), c = kit_frame(), d = kit_frame();
    uint32_t rw = SPACE_ACCESS(3, SPACE_RW);
    CHECK_EQ(space_map_memory(5, 0x1000, a, rw), SPACE_OK);
    CHECK_EQ(space_map_memory(5, 0x2000, b, rw), SPACE_OK);
    CHECK_EQ(space_map_memory(5, 0x3000, c, rw), SPACE_OK);
    CHECK_EQ(space_map_memory(5, 0x3000, d, rw), SPACE_OK);
    CHECK_EQ(space_map_memory(5, 0x2000, b, SPACE_ACCESS(3, SPACE_R)), SPACE_OK);
    CHECK_EQ(space_map_memory(5, 0x1000, 0, 0), SPACE_OK);
    CHECK_EQ(space_map_memory(5, 0x2000, 0, 0), SPACE_OK);
    out_str("metric passed\n");
    space_halt(0);
}

#include "checkpoint.h"

#include <string.h>

void checkpoint_encode(const struct checkpoint *cp, struct tbuf *b)
{
    tbuf_u64(b, cp->time);
    for (unsigned i = 0; i < 10; i++)
        tbuf_u32(b, cp->regs[i]);
    tbuf_u32(b, cp->ctx);
    tbuf_u32(b, cp->mode);
    tbuf_u32(b, cp->ie);
    tbuf_u32(b, cp->waiting);
    tbuf_u32(b, cp->pending);
    tbuf_u32(b, cp->ram_regions);
    for (unsigned i = 0; i < cp->ram_regions; i++)
        tbuf_u64(b, cp->ram[i]);
    tbuf_u64(b, cp->devices);
    tbuf_u64(b, cp->space);
}

int checkpoint_decode(const uint8_t *p, uint32_t len, struct checkpoint *cp)
{
    struct tcur c = {p, len, false};
    memset(cp, 0, sizeof *cp);
    cp->time = tcur_u64(&c);
    for (unsigned i = 0; i < 10; i++)
        cp->regs[i] = tcur_u32(&c);
    cp->ctx = tcur_u32(&c);
    cp->mode = tcur_u32(&c);
    cp->ie = tcur_u32(&c);
    cp->waiting = tcur_u32(&c);
    cp->pending = tcur_u32(&c);
    cp->ram_regions = tcur_u32(&c);
    if (cp->ram_regions != CHECKPOINT_RAM_REGIONS)
        return -1;
    for (unsigned i = 0; i < cp->ram_regions; i++)
        cp->ram[i] = tcur_u64(&c);
    cp->devices = tcur_u64(&c);
    cp->space = tcur_u64(&c);
    return c.short_read || c.left ? -1 : 0;
}

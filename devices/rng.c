/* rng: a deterministic random-number device (--rng SEED) - the same seed
 * gives the same numbers on every run and every host, so a guest that
 * uses it stays reproducible. Numbers come from SplitMix64 (the upper 32
 * bits of each step). A number takes SPACE_RNG_LATENCY instructions to
 * make: after a VALUE read the device is busy until then, and raises its
 * interrupt when the next one is ready if CONTROL asks. Registers:
 * docs/devices.md. */
#include <stdlib.h>

#include "device.h"

static const struct device_reg rng_registers[] = {
    {SPACE_RNG_SEED, "SEED", "the seed (--rng SEED); a write reseeds"},
    {SPACE_RNG_VALUE, "VALUE", "read: take the next number (0 while not READY)"},
    {SPACE_RNG_COUNT, "COUNT", "numbers taken since the last seeding"},
    {SPACE_RNG_STATUS, "STATUS", "READY (1): a number can be taken"},
    {SPACE_RNG_CONTROL, "CONTROL", "INTERRUPT (1): interrupt when a number is ready"},
    {0, NULL, NULL},
};

static const struct device_option rng_options[] = {
    {"rng", "SEED", "add a random-number device seeded with SEED (0..4294967295)"},
    {0},
};

enum { READY = 0 };

struct rng {
    uint32_t seed, count, control;
    uint64_t state;
    bool busy;
};

/* The seed --rng gives, if it is one. */
static bool seed_of(const struct device_config *c, uint32_t *seed)
{
    const char *s = device_config_get(c, "rng");
    char *end;
    unsigned long long v = s && *s >= '0' && *s <= '9' ? strtoull(s, &end, 10) : 0;
    if (!s || *s < '0' || *s > '9' || *end || v > UINT32_MAX)
        return false;
    *seed = (uint32_t)v;
    return true;
}

static int rng_check(const struct device_config *c, char *err, unsigned errlen)
{
    uint32_t seed;
    if (!device_config_get(c, "rng") || seed_of(c, &seed))
        return 0;
    snprintf(err, errlen, "--rng needs a seed, a number 0..4294967295, not '%s'",
             device_config_get(c, "rng"));
    return -1;
}

static unsigned rng_units(const struct device_config *c, unsigned ncpus)
{
    (void)ncpus;
    return device_config_get(c, "rng") ? 1 : 0;
}

static void reseed(struct rng *r, uint32_t seed)
{
    r->seed = seed;
    r->state = seed;
    r->count = 0;
}

/* The number the next VALUE read takes (without taking it). */
static uint32_t next(const struct rng *r, uint64_t *state)
{
    uint64_t z = (*state = r->state + 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static int rng_create(struct device *d, const struct device_config *c,
                      const struct device_backends *b, char *err, unsigned errlen)
{
    (void)b;
    uint32_t seed;
    if (rng_check(c, err, errlen) != 0 || !seed_of(c, &seed))
        return -1;
    struct rng *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    reseed(r, seed);
    d->state = r;
    return 0;
}

static void rng_destroy(struct device *d)
{
    free(d->state);
}

static uint32_t rng_peek(struct device *d, uint32_t reg)
{
    struct rng *r = d->state;
    uint64_t state;
    switch (reg) {
    case SPACE_RNG_SEED: return r->seed;
    case SPACE_RNG_VALUE: return r->busy ? 0 : next(r, &state);
    case SPACE_RNG_COUNT: return r->count;
    case SPACE_RNG_STATUS: return r->busy ? 0 : SPACE_RNG_READY;
    case SPACE_RNG_CONTROL: return r->control;
    default: return 0;
    }
}

static uint32_t rng_read(struct device *d, uint32_t reg)
{
    struct rng *r = d->state;
    if (reg != SPACE_RNG_VALUE || r->busy)
        return rng_peek(d, reg);
    uint32_t v = next(r, &r->state);
    r->count++;
    r->busy = true;
    device_schedule(d, SPACE_RNG_LATENCY, READY);
    return v;
}

static void rng_write(struct device *d, uint32_t reg, uint32_t value)
{
    struct rng *r = d->state;
    if (reg == SPACE_RNG_SEED)
        reseed(r, value);
    else if (reg == SPACE_RNG_CONTROL)
        r->control = value & SPACE_RNG_INTERRUPT;
}

static void rng_event(struct device *d, uint32_t tag)
{
    struct rng *r = d->state;
    (void)tag;
    r->busy = false;
    if (r->control & SPACE_RNG_INTERRUPT)
        device_interrupt(d);
}

static size_t rng_save(struct device *d, void *buf, size_t cap)
{
    return device_save_plain(d->state, sizeof(struct rng), buf, cap);
}

static int rng_load(struct device *d, const void *buf, size_t len)
{
    return device_load_plain(d->state, sizeof(struct rng), buf, len);
}

const struct device_kind rng_device = {
    .name = "rng",
    .type = SPACE_DEVICE_RNG,
    .registers = rng_registers,
    .options = rng_options,
    .check = rng_check,
    .units = rng_units,
    .create = rng_create,
    .destroy = rng_destroy,
    .read = rng_read,
    .write = rng_write,
    .peek = rng_peek,
    .event = rng_event,
    .save = rng_save,
    .load = rng_load,
};

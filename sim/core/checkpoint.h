/* checkpoint: a fingerprint of a whole machine's state at one virtual
 * time - the CPU's registers in full, and hashes of RAM (in 64 regions),
 * the devices (registers, pending interrupts, scheduled events) and the
 * SPACE state (mappings, portals, PCB chains). A recording writes them
 * periodically (sim/replay/checkpoint.h is their file form); a replay
 * compares and says precisely what differs. */
#ifndef SPACE_CORE_CHECKPOINT_H
#define SPACE_CORE_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

#define CHECKPOINT_RAM_REGIONS 64

struct checkpoint {
    uint64_t time;
    uint32_t regs[10]; /* eax ebx ecx edx esi edi ebp esp eip eflags */
    uint32_t ctx, mode, ie, waiting;
    uint32_t pending; /* interrupt lines with a device interrupt pending, on any CPU (bit = line) */
    uint32_t ram_regions;
    uint64_t ram[CHECKPOINT_RAM_REGIONS]; /* region i: pages [i*P/n, (i+1)*P/n) of P */
    uint64_t devices;
    uint64_t space;
};

/* Keeps each RAM page's hash between checkpoints, so that a checkpoint
 * hashes only the pages written since the last one (physmem write
 * tracking). */
struct ram_hasher {
    uint64_t *page;
    uint32_t pages;
    bool primed; /* every page hashed once */
    bool verify; /* rehash every page and check that none changed unseen
                  * (SPACE_VERIFY_CHECKPOINTS=1 in the environment; for tests) */
};

/* Starts write tracking on m's memory. 0, or -1 (out of host memory). */
int ram_hasher_init(struct ram_hasher *h, struct machine *m);
void ram_hasher_free(struct ram_hasher *h);

void checkpoint_take(struct machine *m, struct ram_hasher *h, struct checkpoint *cp);

/* Writes what differs between a recorded and a replayed checkpoint, one
 * clause per difference ("eax 0x1 recorded, 0x2 replayed; RAM
 * 0x00100000..0x001fffff"), into out. Returns the number of differences. */
unsigned checkpoint_diff(const struct checkpoint *rec, const struct checkpoint *now,
                         uint32_t ram_size, char *out, unsigned outlen);

#endif

/* trap: portal traversal - what happens when the CPU reports an exception,
 * an int n or a memory fault: find the portal (or NO_PORTAL, or stop the
 * machine), push a PCB, and continue in the handler's CONTEXT and MODE. */
#ifndef SPACE_TRAP_H
#define SPACE_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"

struct trap_info {
    uint32_t trap;   /* SPACE trap number */
    bool deliberate; /* int n: checked against the portal's modeaccess */
    uint32_t access; /* pcb.access */
    uint32_t addr;   /* pcb.addr */
};

/* Traverses the portal for the trap from the CPU's current state (whose
 * registers already hold the pc the PCB must record). */
void trap_deliver(struct machine *m, const struct trap_info *t);

/* Makes the running CPU's state the one a PCB describes (used by Resume). */
void trap_restore(struct machine *m, const struct space_pcb *p);
/* The registers, CONTEXT and MODE of a PCB into a CPU (Resume, and
 * starting a CPU). */
void trap_load(struct cpu *c, const struct space_pcb *p);

/* A short name for a trap number ("MEMORY_FAULT", "INT", ...). */
const char *trap_describe(uint32_t trap);

#endif

/* decode: what the CPU needs to know about x86 instruction bytes, answered
 * with Capstone: instruction lengths (to count the instructions of a block
 * that a trap cut short), pushf (which single-stepping must not betray) and the memory address an instruction touches (to report
 * a fault's exact address). */
#ifndef SPACE_DECODE_H
#define SPACE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

struct decoder;

struct decoder *decoder_create(void);
void decoder_destroy(struct decoder *d);

/* Length of the instruction at the start of buf, or 0 if it does not decode
 * within len bytes. */
unsigned decode_length(struct decoder *d, const uint8_t *buf, unsigned len, uint32_t addr);

/* The address in [page, page+4096) that the instruction in buf (at addr,
 * with registers r) touches with `access`; the page address itself if that
 * cannot be worked out. */
uint32_t decode_fault_address(struct decoder *d, const uint8_t *buf, unsigned len,
                              const struct cpu_regs *r, uint32_t page);

/* in, out, ins or outs (x86 port I/O)? */
bool decode_is_port_io(const uint8_t *buf, unsigned len);
/* pushf / pushfd? */
bool decode_is_pushf(const uint8_t *buf, unsigned len);

#endif

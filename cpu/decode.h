/* decode: what the CPU needs to know about x86 instruction bytes, answered
 * with Capstone: instruction lengths (to count the instructions of a block
 * that a trap cut short), pushf (which single-stepping must not betray) and the memory address an
 * instruction touches (to report a fault's exact address). */
#ifndef SPACE_DECODE_H
#define SPACE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu.h"

struct decoder;

struct decoder *decoder_create(void);
void decoder_destroy(struct decoder *d);
/* Capstone's version, "4.0". */
void decode_version(char *out, unsigned outlen);

/* Length of the instruction at the start of buf, or 0 if it does not decode
 * within len bytes. */
unsigned decode_length(struct decoder *d, const uint8_t *buf, unsigned len, uint32_t addr);

/* The address in [page, page+4096) that the instruction in buf (at r->eip,
 * with registers r) touches, and (*size) how many bytes of it; the page
 * address itself (and 4) if that cannot be worked out. */
uint32_t decode_fault_address(struct decoder *d, const uint8_t *buf, unsigned len,
                              const struct cpu_regs *r, uint32_t page, bool write, uint32_t *size);

/* A 32-bit mov between a register (or an immediate) and memory. */
struct decoded_mov {
    bool store; /* to memory */
    int reg;    /* register index (cpu_regs order: eax ebx ecx edx esi edi ebp esp); -1: imm */
    uint32_t imm;
    uint32_t length;
    uint32_t ea; /* the memory operand's address */
};
/* The instruction in buf is at r->eip. */
bool decode_mov32(struct decoder *d, const uint8_t *buf, unsigned len, const struct cpu_regs *r,
                  struct decoded_mov *out);
uint32_t decode_reg_value(const struct cpu_regs *r, int reg);
void decode_set_reg(struct cpu_regs *r, int reg, uint32_t value);

/* Disassembles the instruction at the start of buf (at guest address addr)
 * into out as "mnemonic operands" (Intel syntax); returns its length, or 0
 * (and an empty out) if it does not decode within len bytes. */
unsigned decode_text(struct decoder *d, const uint8_t *buf, unsigned len, uint32_t addr, char *out,
                     unsigned outlen);

/* in, out, ins or outs (x86 port I/O)? */
bool decode_is_port_io(const uint8_t *buf, unsigned len);
/* Could code holding these bytes contain one (an opcode byte of theirs
 * among them)? False means certainly not, without decoding. */
bool decode_may_hold_port_io(const uint8_t *buf, unsigned len);
/* pushf / pushfd? */
bool decode_is_pushf(const uint8_t *buf, unsigned len);

#endif

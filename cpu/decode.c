#include "decode.h"

#include <capstone/capstone.h>
#include <stdio.h>
#include <stdlib.h>

struct decoder {
    csh plain;  /* no detail: lengths */
    csh detail; /* operands */
    cs_insn *insn;
    cs_insn *plain_insn; /* decode_length's, allocated once */
};

struct decoder *decoder_create(void)
{
    struct decoder *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &d->plain) != CS_ERR_OK) {
        free(d);
        return NULL;
    }
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &d->detail) != CS_ERR_OK) {
        cs_close(&d->plain);
        free(d);
        return NULL;
    }
    cs_option(d->detail, CS_OPT_DETAIL, CS_OPT_ON);
    d->insn = cs_malloc(d->detail);
    d->plain_insn = cs_malloc(d->plain);
    if (!d->insn || !d->plain_insn) {
        decoder_destroy(d);
        return NULL;
    }
    return d;
}

void decode_version(char *out, unsigned outlen)
{
    int major, minor;
    cs_version(&major, &minor);
    snprintf(out, outlen, "%d.%d", major, minor);
}

void decoder_destroy(struct decoder *d)
{
    if (!d)
        return;
    if (d->insn)
        cs_free(d->insn, 1);
    if (d->plain_insn)
        cs_free(d->plain_insn, 1);
    cs_close(&d->plain);
    cs_close(&d->detail);
    free(d);
}

unsigned decode_length(struct decoder *d, const uint8_t *buf, unsigned len, uint32_t addr)
{
    const uint8_t *code = buf;
    size_t size = len;
    uint64_t a = addr;
    return cs_disasm_iter(d->plain, &code, &size, &a, d->plain_insn) ? d->plain_insn->size : 0;
}

static uint32_t reg_value(const struct cpu_regs *r, unsigned reg)
{
    switch (reg) {
    case X86_REG_EAX: return r->eax;
    case X86_REG_EBX: return r->ebx;
    case X86_REG_ECX: return r->ecx;
    case X86_REG_EDX: return r->edx;
    case X86_REG_ESI: return r->esi;
    case X86_REG_EDI: return r->edi;
    case X86_REG_EBP: return r->ebp;
    case X86_REG_ESP: return r->esp;
    case X86_REG_SI: return r->esi & 0xffff;
    case X86_REG_DI: return r->edi & 0xffff;
    case X86_REG_BX: return r->ebx & 0xffff;
    case X86_REG_BP: return r->ebp & 0xffff;
    default: return 0;
    }
}

static uint32_t effective_address(const struct cpu_regs *r, const cs_x86_op *op)
{
    return reg_value(r, op->mem.base) + reg_value(r, op->mem.index) * (uint32_t)op->mem.scale +
           (uint32_t)op->mem.disp;
}

static bool touches(uint32_t ea, uint32_t size, uint32_t page, uint32_t *hit)
{
    uint64_t end = (uint64_t)ea + (size ? size : 1);
    if (end <= page || ea >= (uint64_t)page + 4096u)
        return false;
    *hit = ea < page ? page : ea;
    return true;
}

uint32_t decode_fault_address(struct decoder *d, const uint8_t *buf, unsigned len,
                              const struct cpu_regs *r, uint32_t page, bool write, uint32_t *size)
{
    *size = 4;
    const uint8_t *code = buf;
    size_t left = len;
    uint64_t a = r->eip;
    uint32_t hit;
    if (!cs_disasm_iter(d->detail, &code, &left, &a, d->insn))
        return page;
    const cs_x86 *x = &d->insn->detail->x86;
    for (int i = 0; i < x->op_count; i++) {
        const cs_x86_op *op = &x->operands[i];
        if (op->type != X86_OP_MEM || d->insn->id == X86_INS_LEA)
            continue;
        uint32_t ea = effective_address(r, op);
        if (touches(ea, op->size, page, &hit)) {
            *size = op->size ? op->size : 1;
            return hit;
        }
    }
    /* Implicit operands: the stack (push and call write below ESP; pop,
     * ret and leave read at it), and the string registers. */
    if (write ? touches(r->esp - 4, 4, page, &hit) || touches(r->esp, 4, page, &hit)
              : touches(r->esp, 4, page, &hit) || touches(r->esp - 4, 4, page, &hit))
        return hit;
    if (touches(r->edi, 4, page, &hit) || touches(r->esi, 4, page, &hit))
        return hit;
    return page;
}

static const uint8_t *skip_prefixes(const uint8_t *p, const uint8_t *end, bool *rep)
{
    *rep = false;
    while (p < end) {
        switch (*p) {
        case 0xf2:
        case 0xf3:
            *rep = true;
            /* fall through */
        case 0x66:
        case 0x67:
        case 0x2e:
        case 0x3e:
        case 0x26:
        case 0x36:
        case 0x64:
        case 0x65:
        case 0xf0: p++; continue;
        }
        break;
    }
    return p;
}

bool decode_is_pushf(const uint8_t *buf, unsigned len)
{
    bool rep;
    const uint8_t *p = skip_prefixes(buf, buf + len, &rep);
    return p < buf + len && *p == 0x9c;
}

static bool is_port_io_opcode(uint8_t b)
{
    return (b >= 0xe4 && b <= 0xe7) || (b >= 0xec && b <= 0xef) || (b >= 0x6c && b <= 0x6f);
}

bool decode_may_hold_port_io(const uint8_t *buf, unsigned len)
{
    for (unsigned i = 0; i < len; i++)
        if (is_port_io_opcode(buf[i]))
            return true;
    return false;
}

bool decode_is_port_io(const uint8_t *buf, unsigned len)
{
    bool rep;
    const uint8_t *p = skip_prefixes(buf, buf + len, &rep);
    if (p >= buf + len)
        return false;
    return is_port_io_opcode(*p);
}

/* Capstone's 32-bit general registers, in cpu_regs order. */
static const unsigned gpr32[8] = {X86_REG_EAX, X86_REG_EBX, X86_REG_ECX, X86_REG_EDX,
                                  X86_REG_ESI, X86_REG_EDI, X86_REG_EBP, X86_REG_ESP};

static int gpr_index(unsigned reg)
{
    for (int i = 0; i < 8; i++)
        if (gpr32[i] == reg)
            return i;
    return -1;
}

bool decode_mov32(struct decoder *d, const uint8_t *buf, unsigned len, const struct cpu_regs *r,
                  struct decoded_mov *out)
{
    const uint8_t *code = buf;
    size_t size = len;
    uint64_t a = r->eip;
    if (!cs_disasm_iter(d->detail, &code, &size, &a, d->insn) || d->insn->id != X86_INS_MOV)
        return false;
    const cs_x86 *x = &d->insn->detail->x86;
    if (x->op_count != 2)
        return false;
    const cs_x86_op *dst = &x->operands[0], *src = &x->operands[1];
    out->length = d->insn->size;
    if (dst->type == X86_OP_MEM && dst->size == 4) {
        out->store = true;
        out->ea = effective_address(r, dst);
        if (src->type == X86_OP_IMM) {
            out->reg = -1;
            out->imm = (uint32_t)src->imm;
            return true;
        }
        out->reg = src->type == X86_OP_REG ? gpr_index(src->reg) : -1;
        return out->reg >= 0;
    }
    if (src->type == X86_OP_MEM && src->size == 4 && dst->type == X86_OP_REG) {
        out->store = false;
        out->ea = effective_address(r, src);
        out->reg = gpr_index(dst->reg);
        return out->reg >= 0;
    }
    return false;
}

uint32_t decode_reg_value(const struct cpu_regs *r, int reg)
{
    const uint32_t v[8] = {r->eax, r->ebx, r->ecx, r->edx, r->esi, r->edi, r->ebp, r->esp};
    return reg >= 0 && reg < 8 ? v[reg] : 0;
}

void decode_set_reg(struct cpu_regs *r, int reg, uint32_t value)
{
    uint32_t *v[8] = {&r->eax, &r->ebx, &r->ecx, &r->edx, &r->esi, &r->edi, &r->ebp, &r->esp};
    if (reg >= 0 && reg < 8)
        *v[reg] = value;
}

unsigned decode_text(struct decoder *d, const uint8_t *buf, unsigned len, uint32_t addr, char *out,
                     unsigned outlen)
{
    const uint8_t *code = buf;
    size_t size = len;
    uint64_t a = addr;
    unsigned n = 0;
    if (outlen)
        out[0] = 0;
    cs_insn *insn = cs_malloc(d->plain);
    if (insn && cs_disasm_iter(d->plain, &code, &size, &a, insn)) {
        n = insn->size;
        if (outlen)
            snprintf(out, outlen, "%s%s%s", insn->mnemonic, insn->op_str[0] ? " " : "",
                     insn->op_str);
    }
    cs_free(insn, 1);
    return n;
}

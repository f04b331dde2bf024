#include "symbols.h"

#include "mmu/mmu.h"
#include "sim/core/loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGMENTS 8
#define NO_PROGRAM   (-1)
#define UNKNOWN      (-2)

/* ELF32 (little-endian, read field by field: no alignment assumed) */
#define SHT_SYMTAB    2
#define SHF_ALLOC     2
#define SHN_LORESERVE 0xff00u
#define STT_NOTYPE    0
#define STT_OBJECT    1
#define STT_FUNC      2
#define STB_LOCAL     0
#define PT_LOAD       1
#define PF_X          1

struct sym {
    uint32_t addr, size, end;
    uint32_t name;  /* offset in the module's string pool */
    uint32_t index; /* in the symbol table */
    uint8_t type, bind;
};

struct segment {
    uint32_t vaddr, len;
    const uint8_t *bytes; /* in the module's image copy */
};

enum module_kind { MOD_IMAGE, MOD_PROGRAM };

struct module {
    enum module_kind kind;
    char *name;
    struct sym *syms;
    size_t nsyms;
    char *pool;
    uint8_t *image; /* MOD_PROGRAM: its ELF bytes (the code segments point here) */
    struct segment code[MAX_SEGMENTS];
    unsigned ncode;
};

struct symbols {
    struct module *mods;
    size_t nmods;
    symbols_read_fn read;
    void *arg;
    int cache[256]; /* per CONTEXT: module index of its program, NO_PROGRAM, UNKNOWN */
};

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

struct symbols *symbols_create(symbols_read_fn read, void *arg)
{
    struct symbols *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->read = read;
    s->arg = arg;
    symbols_memory_changed(s);
    return s;
}

static void module_free(struct module *m)
{
    free(m->name);
    free(m->syms);
    free(m->pool);
    free(m->image);
}

void symbols_destroy(struct symbols *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nmods; i++)
        module_free(&s->mods[i]);
    free(s->mods);
    free(s);
}

void symbols_memory_changed(struct symbols *s)
{
    for (int i = 0; i < 256; i++)
        s->cache[i] = UNKNOWN;
}

static char *dup_str(const char *a)
{
    size_t n = strlen(a) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, a, n);
    return d;
}

/* ---- ELF parsing ---- */

struct elf {
    const uint8_t *data;
    size_t size;
    uint32_t shoff, phoff;
    uint16_t shnum, shentsize, phnum, phentsize;
};

static const char *elf_open(struct elf *e, const uint8_t *data, size_t size)
{
    memset(e, 0, sizeof *e);
    e->data = data;
    e->size = size;
    if (size < 52 || memcmp(data, "\177ELF", 4) != 0)
        return "not an ELF file";
    if (data[4] != 1)
        return "not a 32-bit ELF file";
    if (data[5] != 1)
        return "not a little-endian ELF file";
    e->phoff = rd32(data + 28);
    e->shoff = rd32(data + 32);
    e->phentsize = rd16(data + 42);
    e->phnum = rd16(data + 44);
    e->shentsize = rd16(data + 46);
    e->shnum = rd16(data + 48);
    if (e->shnum &&
        (e->shentsize < 40 || e->shoff > size || (size - e->shoff) / e->shentsize < e->shnum))
        return "section headers lie outside the file (truncated or corrupt)";
    if (e->phnum &&
        (e->phentsize < 32 || e->phoff > size || (size - e->phoff) / e->phentsize < e->phnum))
        return "program headers lie outside the file (truncated or corrupt)";
    return NULL;
}

static const uint8_t *shdr(const struct elf *e, unsigned i)
{
    return e->data + e->shoff + (size_t)i * e->shentsize;
}

static const uint8_t *phdr(const struct elf *e, unsigned i)
{
    return e->data + e->phoff + (size_t)i * e->phentsize;
}

/* The file offset of [vaddr, vaddr+len) if a loadable segment holds it. */
static bool elf_offset(const struct elf *e, uint32_t vaddr, uint32_t len, size_t *off)
{
    for (unsigned i = 0; i < e->phnum; i++) {
        const uint8_t *p = phdr(e, i);
        uint32_t type = rd32(p), offset = rd32(p + 4), va = rd32(p + 8), filesz = rd32(p + 16);
        if (type != PT_LOAD || vaddr < va || (uint64_t)vaddr + len > (uint64_t)va + filesz)
            continue;
        if ((uint64_t)offset + filesz > e->size)
            return false;
        *off = offset + (vaddr - va);
        return true;
    }
    return false;
}

static int cmp_sym(const void *a, const void *b)
{
    const struct sym *x = a, *y = b;
    if (x->addr != y->addr)
        return x->addr < y->addr ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Fills m's symbols from the image's .symtab. Returns NULL or why not. */
static const char *load_symtab(struct module *m, const struct elf *e)
{
    const uint8_t *symtab = NULL;
    for (unsigned i = 0; i < e->shnum; i++)
        if (rd32(shdr(e, i) + 4) == SHT_SYMTAB) {
            symtab = shdr(e, i);
            break;
        }
    if (!symtab)
        return "no symbol table (.symtab): was it stripped?";
    uint32_t off = rd32(symtab + 16), size = rd32(symtab + 20), link = rd32(symtab + 24);
    uint32_t entsize = rd32(symtab + 36);
    if (entsize < 16)
        entsize = 16;
    if (link >= e->shnum || off > e->size || size > e->size - off)
        return "symbol table lies outside the file (truncated or corrupt)";
    const uint8_t *strtab = shdr(e, link);
    uint32_t stroff = rd32(strtab + 16), strsize = rd32(strtab + 20);
    if (stroff > e->size || strsize > e->size - stroff || !strsize)
        return "string table lies outside the file (truncated or corrupt)";
    const char *strings = (const char *)e->data + stroff;

    size_t n = size / entsize;
    m->syms = calloc(n ? n : 1, sizeof *m->syms);
    m->pool = malloc(strsize + 1);
    if (!m->syms || !m->pool)
        return "out of host memory";
    memcpy(m->pool, strings, strsize);
    m->pool[strsize] = 0;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = e->data + off + i * entsize;
        uint32_t name = rd32(p), value = rd32(p + 4), sz = rd32(p + 8);
        uint8_t info = p[12];
        uint16_t shndx = rd16(p + 14);
        uint8_t type = info & 0xf, bind = info >> 4;
        if (!name || name >= strsize || !shndx || shndx >= SHN_LORESERVE || shndx >= e->shnum)
            continue;
        if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
            continue;
        if (!(rd32(shdr(e, shndx) + 8) & SHF_ALLOC))
            continue;
        const char *nm = m->pool + name;
        if (!nm[0] || nm[0] == '$' || (nm[0] == '.' && nm[1] == 'L'))
            continue;
        /* a label covers up to the end of its section at most */
        const uint8_t *sec = shdr(e, shndx);
        uint32_t sec_end = rd32(sec + 12) + rd32(sec + 20);
        m->syms[m->nsyms++] = (struct sym){.addr = value,
                                           .size = sz,
                                           .end = sz ? value + sz : sec_end,
                                           .name = name,
                                           .index = (uint32_t)i,
                                           .type = type,
                                           .bind = bind};
    }
    qsort(m->syms, m->nsyms, sizeof *m->syms, cmp_sym);
    /* A label (or a symbol without a size) ends where the next one starts. */
    for (size_t i = 0; i < m->nsyms; i++) {
        struct sym *y = &m->syms[i];
        if (y->size)
            continue;
        for (size_t j = i + 1; j < m->nsyms; j++)
            if (m->syms[j].addr > y->addr) {
                if (m->syms[j].addr < y->end)
                    y->end = m->syms[j].addr;
                break;
            }
        if (y->end <= y->addr)
            y->end = y->addr + 1;
    }
    return NULL;
}

static void load_code(struct module *m, const struct elf *e)
{
    for (unsigned i = 0; i < e->phnum && m->ncode < MAX_SEGMENTS; i++) {
        const uint8_t *p = phdr(e, i);
        uint32_t type = rd32(p), offset = rd32(p + 4), va = rd32(p + 8), filesz = rd32(p + 16);
        uint32_t flags = rd32(p + 24);
        if (type != PT_LOAD || !(flags & PF_X) || !filesz || offset > e->size ||
            filesz > e->size - offset)
            continue;
        m->code[m->ncode++] =
            (struct segment){.vaddr = va, .len = filesz, .bytes = e->data + offset};
    }
}

static struct module *new_module(struct symbols *s)
{
    struct module *mods = realloc(s->mods, (s->nmods + 1) * sizeof *mods);
    if (!mods)
        return NULL;
    s->mods = mods;
    struct module *m = &mods[s->nmods];
    memset(m, 0, sizeof *m);
    return m;
}

/* The programs embedded in module `mi` (whose image is e). */
static int load_programs(struct symbols *s, size_t mi, const struct elf *e)
{
    int total = 0;
    for (size_t i = 0; i < s->mods[mi].nsyms; i++) {
        const struct module *k = &s->mods[mi];
        const char *nm = k->pool + k->syms[i].name;
        size_t len = strlen(nm);
        if (strncmp(nm, "prog_", 5) != 0 || len <= 5 || (len > 4 && !strcmp(nm + len - 4, "_end")))
            continue;
        char end_name[128];
        snprintf(end_name, sizeof end_name, "%s_end", nm);
        uint32_t start = k->syms[i].addr, end = 0;
        bool found = false;
        for (size_t j = 0; j < k->nsyms && !found; j++)
            if (!strcmp(k->pool + k->syms[j].name, end_name)) {
                end = k->syms[j].addr;
                found = true;
            }
        size_t off;
        if (!found || end <= start || !elf_offset(e, start, end - start, &off))
            continue;
        struct elf pe;
        if (elf_open(&pe, e->data + off, end - start))
            continue;
        char *name = dup_str(nm + 5);
        uint8_t *copy = malloc(end - start);
        struct module *m = name && copy ? new_module(s) : NULL;
        if (!m) {
            free(name);
            free(copy);
            continue;
        }
        memcpy(copy, e->data + off, end - start);
        elf_open(&pe, copy, end - start);
        m->kind = MOD_PROGRAM;
        m->name = name;
        m->image = copy;
        if (load_symtab(m, &pe)) {
            module_free(m);
            continue;
        }
        load_code(m, &pe);
        total += (int)m->nsyms;
        s->nmods++;
    }
    return total;
}

int symbols_load_image(struct symbols *s, const char *name, const uint8_t *data, size_t size,
                       char *err, unsigned errlen)
{
    struct elf e;
    const char *why = elf_open(&e, data, size);
    struct module *m = why ? NULL : new_module(s);
    if (!why && !m)
        why = "out of host memory";
    if (!why) {
        m->kind = MOD_IMAGE;
        m->name = dup_str(name);
        why = m->name ? load_symtab(m, &e) : "out of host memory";
        if (why)
            module_free(m);
    }
    if (why) {
        snprintf(err, errlen, "%s: %s", name, why);
        return -1;
    }
    int n = (int)m->nsyms;
    s->nmods++;
    n += load_programs(s, s->nmods - 1, &e);
    symbols_memory_changed(s);
    return n;
}

int symbols_load_file(struct symbols *s, const char *path, char *err, unsigned errlen)
{
    uint8_t *buf;
    size_t n;
    if (loader_read_file(path, "symbol file", &buf, &n, err, errlen) != 0)
        return -1;
    int rc = symbols_load_image(s, path, buf, n, err, errlen);
    free(buf);
    return rc;
}

/* ---- Which program a CONTEXT holds ---- */

/* Bytes of m's code found in ctx's memory, or -1 if any differ. */
static long match_program(struct symbols *s, const struct module *m, uint32_t ctx)
{
    long compared = 0;
    uint8_t buf[4096];
    for (unsigned i = 0; i < m->ncode; i++) {
        const struct segment *g = &m->code[i];
        uint32_t done = 0;
        while (done < g->len) {
            uint32_t va = g->vaddr + done;
            uint32_t n = mmu_page_span(va, g->len - done);
            if (s->read(s->arg, ctx, va, buf, n) == n) {
                if (memcmp(buf, g->bytes + done, n) != 0)
                    return -1;
                compared += n;
            }
            done += n;
        }
    }
    return compared;
}

static int program_in(struct symbols *s, uint32_t ctx)
{
    if (ctx == 0 || ctx >= 256)
        return NO_PROGRAM;
    if (s->cache[ctx] != UNKNOWN)
        return s->cache[ctx];
    int best = NO_PROGRAM;
    long best_bytes = 0;
    for (size_t i = 0; i < s->nmods; i++) {
        if (s->mods[i].kind != MOD_PROGRAM)
            continue;
        long b = match_program(s, &s->mods[i], ctx);
        if (b > best_bytes) {
            best_bytes = b;
            best = (int)i;
        }
    }
    s->cache[ctx] = best;
    return best;
}

const char *symbols_program_in(struct symbols *s, uint32_t ctx)
{
    int p = program_in(s, ctx);
    return p >= 0 ? s->mods[p].name : NULL;
}

unsigned symbols_programs(const struct symbols *s)
{
    unsigned n = 0;
    for (size_t i = 0; i < s->nmods; i++)
        n += s->mods[i].kind == MOD_PROGRAM;
    return n;
}

const char *symbols_program_name(const struct symbols *s, unsigned i)
{
    for (size_t k = 0; k < s->nmods; k++)
        if (s->mods[k].kind == MOD_PROGRAM && i-- == 0)
            return s->mods[k].name;
    return NULL;
}

/* ---- Lookups ---- */

/* Better of two symbols covering the same address: the later start, then
 * a typed one, then a global one, then the later defined (of two labels
 * at one address, the first usually ends something: prog_X_end, name_X). */
static bool better(const struct sym *a, const struct sym *b)
{
    if (!b)
        return true;
    if (a->addr != b->addr)
        return a->addr > b->addr;
    bool ta = a->type != STT_NOTYPE, tb = b->type != STT_NOTYPE;
    if (ta != tb)
        return ta;
    if ((a->bind != STB_LOCAL) != (b->bind != STB_LOCAL))
        return a->bind != STB_LOCAL;
    return a->index > b->index;
}

static const struct sym *find_in(const struct module *m, uint32_t addr)
{
    const struct sym *best = NULL;
    /* (symbols are sorted: stop at the first one past addr) */
    for (size_t i = 0; i < m->nsyms && m->syms[i].addr <= addr; i++) {
        const struct sym *y = &m->syms[i];
        if (addr < y->end && better(y, best))
            best = y;
    }
    return best;
}

static void fill(struct symbol_hit *hit, const struct module *m, const struct sym *y, uint32_t addr)
{
    hit->name = m->pool + y->name;
    hit->program = m->kind == MOD_PROGRAM ? m->name : NULL;
    hit->addr = y->addr;
    hit->size = y->size;
    hit->offset = addr - y->addr;
}

bool symbols_lookup(struct symbols *s, uint32_t ctx, uint32_t addr, struct symbol_hit *hit)
{
    int p = program_in(s, ctx);
    if (p >= 0) {
        const struct sym *y = find_in(&s->mods[p], addr);
        if (y) {
            fill(hit, &s->mods[p], y, addr);
            return true;
        }
    }
    for (size_t i = 0; i < s->nmods; i++) {
        if (s->mods[i].kind != MOD_IMAGE)
            continue;
        const struct sym *y = find_in(&s->mods[i], addr);
        if (y) {
            fill(hit, &s->mods[i], y, addr);
            return true;
        }
    }
    return false;
}

char *symbols_format(struct symbols *s, uint32_t ctx, uint32_t addr, char *buf, unsigned len)
{
    struct symbol_hit h;
    if (!len)
        return buf;
    buf[0] = 0;
    if (!symbols_lookup(s, ctx, addr, &h))
        return buf;
    char off[16] = "";
    if (h.offset)
        snprintf(off, sizeof off, "+%u", h.offset);
    snprintf(buf, len, " <%s%s%s%s>", h.program ? h.program : "", h.program ? ":" : "", h.name,
             off);
    return buf;
}

static const struct sym *by_name(const struct module *m, const char *name)
{
    const struct sym *best = NULL;
    for (size_t i = 0; i < m->nsyms; i++) {
        const struct sym *y = &m->syms[i];
        if (strcmp(m->pool + y->name, name) != 0)
            continue;
        /* several (static functions of the same name): a global, typed one */
        if (!best || (best->bind == STB_LOCAL && y->bind != STB_LOCAL) ||
            (best->type == STT_NOTYPE && y->type != STT_NOTYPE))
            best = y;
    }
    return best;
}

int symbols_find(struct symbols *s, const char *name, uint32_t ctx, struct symbol_hit *hit,
                 char *err, unsigned errlen)
{
    const char *colon = strchr(name, ':');
    if (colon) {
        size_t plen = (size_t)(colon - name);
        for (size_t i = 0; i < s->nmods; i++) {
            const struct module *m = &s->mods[i];
            if (m->kind != MOD_PROGRAM || strlen(m->name) != plen || strncmp(m->name, name, plen))
                continue;
            const struct sym *y = by_name(m, colon + 1);
            if (!y) {
                snprintf(err, errlen, "no symbol '%s' in program %s", colon + 1, m->name);
                return -1;
            }
            fill(hit, m, y, y->addr);
            return 0;
        }
        snprintf(err, errlen, "no program '%.*s' (the kernel embeds %u)", (int)plen, name,
                 symbols_programs(s));
        return -1;
    }
    int p = program_in(s, ctx);
    if (p >= 0) {
        const struct sym *y = by_name(&s->mods[p], name);
        if (y) {
            fill(hit, &s->mods[p], y, y->addr);
            return 0;
        }
    }
    for (size_t i = 0; i < s->nmods; i++) {
        if (s->mods[i].kind != MOD_IMAGE)
            continue;
        const struct sym *y = by_name(&s->mods[i], name);
        if (y) {
            fill(hit, &s->mods[i], y, y->addr);
            return 0;
        }
    }
    int found = 0;
    char list[200] = "";
    size_t used = 0;
    for (size_t i = 0; i < s->nmods; i++) {
        const struct module *m = &s->mods[i];
        const struct sym *y;
        if (m->kind != MOD_PROGRAM || !(y = by_name(m, name)))
            continue;
        if (!found++)
            fill(hit, m, y, y->addr);
        if (used < sizeof list) {
            int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", m->name);
            used += w > 0 ? (size_t)w : 0;
        }
    }
    if (found == 1)
        return 0;
    if (found > 1)
        snprintf(err, errlen, "'%s' is in several programs (%s): say PROGRAM:%s", name, list, name);
    else
        snprintf(err, errlen, "no symbol '%s'", name);
    return -1;
}

#include "loader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPACE_HOST
#include "basicoz/include/space.h"

#define EI_NIDENT 16
#define PT_LOAD   1
#define PF_X      1
#define PF_W      2
#define PF_R      4
#define MAX_IMAGE (256u << 20)

struct elf32_ehdr {
    uint8_t ident[EI_NIDENT];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

static int fail(char *err, unsigned errlen, const char *path, const char *what)
{
    snprintf(err, errlen, "%s: %s", path, what);
    return -1;
}

int loader_read_file(const char *path, const char *what, uint8_t **data, size_t *size, char *err,
                     unsigned errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open %s: %s", path, what, strerror(errno));
        return -1;
    }
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *nb = cap <= MAX_IMAGE + 1 ? realloc(buf, cap) : NULL;
            if (!nb) {
                free(buf);
                fclose(f);
                snprintf(err, errlen, "%s: %s", path,
                         cap > MAX_IMAGE + 1 ? "file is larger than 256 MiB"
                                             : "out of host memory reading it");
                return -1;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        snprintf(err, errlen, "%s: read error on %s", path, what);
        return -1;
    }
    *data = buf;
    *size = n;
    return 0;
}

static unsigned mode0_access(uint32_t flags)
{
    return (flags & PF_R ? SPACE_R : 0) | (flags & PF_W ? SPACE_W : 0) |
           (flags & PF_X ? SPACE_X : 0);
}

static int check_header(const struct elf32_ehdr *h, size_t size, const char *path, char *err,
                        unsigned errlen)
{
    if (memcmp(h->ident, "\177ELF", 4) != 0)
        return fail(err, errlen, path, "not an ELF file (bad magic number)");
    if (h->ident[4] != 1)
        return fail(err, errlen, path, "not a 32-bit ELF file (SPACE runs i386 executables)");
    if (h->ident[5] != 1)
        return fail(err, errlen, path, "ELF file is not little-endian");
    if (h->machine != 3)
        return fail(err, errlen, path, "ELF machine is not i386 (EM_386)");
    if (h->type != 2)
        return fail(err, errlen, path,
                    "ELF file is not an executable (ET_EXEC); link it with space-cc");
    if (h->phentsize != sizeof(struct elf32_phdr))
        return fail(err, errlen, path, "ELF program header size is not 32 bytes (corrupt header)");
    if (h->phnum == 0)
        return fail(err, errlen, path, "ELF file has no program headers");
    if (h->phoff > size || (size - h->phoff) / sizeof(struct elf32_phdr) < h->phnum)
        return fail(err, errlen, path,
                    "ELF program headers lie outside the file (truncated or corrupt)");
    return 0;
}

int loader_load(const char *path, struct mmu *mmu, uint32_t ctx, uint32_t reserved_start,
                uint32_t reserved_end, struct loaded_image *out, char *err, unsigned errlen)
{
    uint8_t *data;
    size_t size;
    if (loader_read_file(path, "kernel image", &data, &size, err, errlen) != 0)
        return -1;
    int rc = loader_load_image(path, data, size, mmu, ctx, reserved_start, reserved_end, out, err,
                               errlen);
    free(data);
    return rc;
}

int loader_load_image(const char *path, const uint8_t *data, size_t size, struct mmu *mmu,
                      uint32_t ctx, uint32_t reserved_start, uint32_t reserved_end,
                      struct loaded_image *out, char *err, unsigned errlen)
{
    int rc = -1;
    struct elf32_ehdr h;
    if (size < sizeof h) {
        fail(err, errlen, path, "file too short to be an ELF executable");
        goto out;
    }
    memcpy(&h, data, sizeof h);
    if (check_header(&h, size, path, err, errlen) != 0)
        goto out;

    uint32_t ram = mmu->pm->ram_size, lo = UINT32_MAX, hi = 0;
    bool entry_ok = false;
    int loads = 0;
    /* First pass: check everything, so that a bad image changes nothing. */
    for (unsigned i = 0; i < h.phnum; i++) {
        struct elf32_phdr p;
        memcpy(&p, data + h.phoff + i * sizeof p, sizeof p);
        if (p.type != PT_LOAD || p.memsz == 0)
            continue;
        loads++;
        char what[200];
        if (p.filesz > p.memsz || p.offset > size || size - p.offset < p.filesz) {
            snprintf(what, sizeof what, "segment %u lies outside the file (truncated or corrupt)",
                     i);
            fail(err, errlen, path, what);
            goto out;
        }
        if ((p.vaddr & 0xfff) != (p.paddr & 0xfff)) {
            snprintf(what, sizeof what,
                     "segment %u: virtual %#x and physical %#x differ within a page", i, p.vaddr,
                     p.paddr);
            fail(err, errlen, path, what);
            goto out;
        }
        uint64_t pend = (uint64_t)p.paddr + p.memsz, vend = (uint64_t)p.vaddr + p.memsz;
        /* A segment may end exactly at 2^32: code in the last page runs
         * like any other (its pc wraps to 0 after the last byte). */
        if (vend > 0x100000000ull) {
            snprintf(what, sizeof what,
                     "segment %u (virtual %#x-%#llx) passes the end of the 4 GiB address space", i,
                     p.vaddr, (unsigned long long)vend);
            fail(err, errlen, path, what);
            goto out;
        }
        if (pend > ram) {
            snprintf(what, sizeof what,
                     "segment %u (physical %#x-%#llx) does not fit in %u MiB of RAM (try --mem)", i,
                     p.paddr, (unsigned long long)pend, ram >> 20);
            fail(err, errlen, path, what);
            goto out;
        }
        if (p.paddr < reserved_end && pend > reserved_start) {
            snprintf(what, sizeof what, "segment %u overlaps the boot-information page at %#x", i,
                     reserved_start);
            fail(err, errlen, path, what);
            goto out;
        }
        if (p.vaddr < reserved_end && vend > reserved_start) {
            snprintf(what, sizeof what,
                     "segment %u overlaps the boot-information page at virtual %#x", i,
                     reserved_start);
            fail(err, errlen, path, what);
            goto out;
        }
        if ((p.flags & PF_X) && h.entry >= p.vaddr && h.entry < vend)
            entry_ok = true;
        if ((p.paddr & ~0xfffu) < lo)
            lo = p.paddr & ~0xfffu;
        if (pend > hi)
            hi = (uint32_t)pend;
    }
    if (!loads) {
        fail(err, errlen, path, "ELF file has no loadable segments");
        goto out;
    }
    if (!entry_ok) {
        char what[120];
        snprintf(what, sizeof what, "entry point %#x is not inside an executable segment", h.entry);
        fail(err, errlen, path, what);
        goto out;
    }
    /* Second pass: copy and map. Pages shared by two segments get both
     * segments' permissions. */
    for (unsigned i = 0; i < h.phnum; i++) {
        struct elf32_phdr p;
        memcpy(&p, data + h.phoff + i * sizeof p, sizeof p);
        if (p.type != PT_LOAD || p.memsz == 0)
            continue;
        uint8_t *dst = physmem_ptr(mmu->pm, p.paddr, p.memsz);
        memcpy(dst, data + p.offset, p.filesz);
        memset(dst + p.filesz, 0, p.memsz - p.filesz);
        uint32_t first = p.vaddr & ~0xfffu;
        uint32_t pages =
            (uint32_t)((((uint64_t)p.vaddr + p.memsz + 0xfff) & ~0xfffull) - first) >> 12;
        for (uint32_t k = 0; k < pages; k++) {
            uint32_t va = first + (k << 12), pa = (p.paddr & ~0xfffu) + (k << 12);
            uint32_t access =
                MAP_ACCESS(mmu_peek(mmu, ctx, va)) | SPACE_ACCESS(0, mode0_access(p.flags));
            map_entry old;
            if (mmu_map(mmu, ctx, va, pa, access, &old) != SPACE_OK) {
                fail(err, errlen, path, "cannot map a segment page (out of host memory)");
                goto out;
            }
        }
    }
    out->entry = h.entry;
    out->phys_start = lo;
    out->phys_end = (hi + 0xfffu) & ~0xfffu;
    rc = 0;
out:
    return rc;
}

/* symbols: names for guest addresses, from ELF32 symbol tables.
 *
 * The kernel's symbols (and those of files added later) name addresses in
 * every CONTEXT. A kernel may carry user programs as whole ELF images in its
 * data (BasicOZ: the bytes between the kernel symbols prog_NAME and
 * prog_NAME_end); their symbols are loaded too, tagged with NAME, and name
 * addresses of a user CONTEXT (not 0) whose memory holds that program: the
 * one whose code segment bytes match the CONTEXT's memory (read through a
 * callback, so this module knows nothing about the machine).
 *
 * Kept: FUNC and OBJECT symbols, and untyped labels (assembly entry points)
 * of allocated sections. A symbol with a size covers [addr, addr+size); a
 * label or a size-0 symbol covers up to the next symbol or the end of its
 * section. */
#ifndef SPACE_SYMBOLS_H
#define SPACE_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads guest memory of a CONTEXT: the number of bytes readable. */
typedef uint32_t (*symbols_read_fn)(void *arg, uint32_t ctx, uint32_t vaddr, void *buf,
                                    uint32_t len);

struct symbols;

struct symbols *symbols_create(symbols_read_fn read, void *arg);
void symbols_destroy(struct symbols *s);

/* Loads the symbols of an ELF image (the kernel, or any file), and of the
 * programs embedded in it. Returns the number of symbols loaded (programs'
 * included), or -1 with a one-line reason in err. */
int symbols_load_image(struct symbols *s, const char *name, const uint8_t *data, size_t size,
                       char *err, unsigned errlen);
int symbols_load_file(struct symbols *s, const char *path, char *err, unsigned errlen);

/* Guest memory may have changed (the machine ran, the debugger wrote):
 * forget which program each CONTEXT holds. */
void symbols_memory_changed(struct symbols *s);

struct symbol_hit {
    const char *name;
    const char *program; /* the embedded program it belongs to, or NULL */
    uint32_t addr;       /* the symbol's address */
    uint32_t size;       /* its size (0: unknown) */
    uint32_t offset;     /* of the looked-up address from it */
};

/* The symbol covering addr as CONTEXT ctx sees it. */
bool symbols_lookup(struct symbols *s, uint32_t ctx, uint32_t addr, struct symbol_hit *hit);

/* Formats " <name+off>" (" <prog:name+off>" for a program's symbol; no
 * "+0") into buf, or "" if no symbol covers addr. Returns buf. */
char *symbols_format(struct symbols *s, uint32_t ctx, uint32_t addr, char *buf, unsigned len);

/* Finds a symbol by name: "NAME" or "PROGRAM:NAME". A bare name is looked
 * up in the program held by ctx (if ctx is not 0), then the kernel and
 * added files, then all programs (it must then be in only one). On success
 * returns 0 with *hit (hit->program set for a program's symbol); else -1
 * with a one-line reason in err. */
int symbols_find(struct symbols *s, const char *name, uint32_t ctx, struct symbol_hit *hit,
                 char *err, unsigned errlen);

/* The embedded program CONTEXT ctx holds, or NULL (ctx 0: always NULL). */
const char *symbols_program_in(struct symbols *s, uint32_t ctx);

/* How many embedded programs were found; the name of the i-th. */
unsigned symbols_programs(const struct symbols *s);
const char *symbols_program_name(const struct symbols *s, unsigned i);

#endif

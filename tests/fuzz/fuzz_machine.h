/* fuzz_machine: what the harnesses of tests/fuzz share - a tiny kernel
 * image made in memory and a machine booted from it, quiet (no console,
 * no debug print) and bounded (a small RAM, an instruction limit), so that
 * every input starts from the same fresh machine. Included by the
 * harnesses only. */
#ifndef SPACE_FUZZ_MACHINE_H
#define SPACE_FUZZ_MACHINE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/machine.h"
#include "sim/host/host_backends.h"

#define FUZZ_LOAD     0x10000u /* where the tiny kernel sits, virtual = physical */
#define FUZZ_PAGES    4u       /* code, then pages the operations may use */
#define FUZZ_RAM      (1u << 20)
#define FUZZ_MAXINSNS 20000u

/* A 32-bit i386 ET_EXEC with one read-write-execute segment of FUZZ_PAGES
 * pages at FUZZ_LOAD holding `code`, entry at its start. Returns its size
 * (buf holds at least 84 + len bytes). */
static inline size_t fuzz_tiny_elf(uint8_t *buf, const void *code, uint32_t len)
{
    static const uint8_t ehdr[52] = {
        0x7f, 'E', 'L', 'F', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* ident */
        2,    0,   3,   0,   1, 0, 0, 0,                         /* ET_EXEC, EM_386, v1 */
        0,    0,   1,   0,                                       /* entry FUZZ_LOAD */
        52,   0,   0,   0,   0, 0, 0, 0, 0, 0, 0, 0,             /* phoff, shoff, flags */
        52,   0,   32,  0,   1, 0, 0, 0, 0, 0, 0, 0};            /* sizes, 1 phdr */
    uint32_t ph[8] = {1, 84, FUZZ_LOAD, FUZZ_LOAD, len, FUZZ_PAGES << 12, 7, 4096};
    memcpy(buf, ehdr, sizeof ehdr);
    memcpy(buf + 52, ph, sizeof ph);
    memcpy(buf + 84, code, len);
    return 84 + len;
}

/* A fresh machine, not booted yet, or NULL (said on stderr). */
static inline struct machine *fuzz_machine_unbooted(void)
{
    static struct host_backends host;
    if (!host.output) {
        host.output = fopen("/dev/null", "w");
        host.input = "/dev/null";
    }
    struct machine_config cfg = {.ram_size = FUZZ_RAM,
                                 .max_insns = FUZZ_MAXINSNS,
                                 .ncpus = 1,
                                 .backends = host_backends_provider(&host)};
    char err[256];
    struct machine *m = machine_create(&cfg, err, sizeof err);
    if (!m)
        fprintf(stderr, "fuzz: %s\n", err);
    else
        machine_set_debug_out(m, NULL);
    return m;
}

/* A machine booted from the tiny kernel whose code is `code` (NULL: halt
 * at once), or NULL (said on stderr). */
static inline struct machine *fuzz_machine(const void *code, uint32_t len)
{
    static const uint8_t halt[] = {0xb8, 10, 0, 0, 0, 0xcd, 0xff, 0xeb, 0xfe};
    if (!code) {
        code = halt;
        len = sizeof halt;
    }
    uint8_t elf[84 + 256];
    if (len > 256)
        len = 256;
    size_t n = fuzz_tiny_elf(elf, code, len);
    struct machine *m = fuzz_machine_unbooted();
    char err[256];
    if (m && machine_boot_image(m, "fuzz", elf, n, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: %s\n", err);
        machine_destroy(m);
        m = NULL;
    }
    return m;
}

#endif

/* bench_qemu: the C half of the QEMU image (see qemu_boot.S). Reads the
 * job from the multiboot command line ("[KERNEL-PATH] JOB ITERATIONS") and
 * enters that loop of bench_loops.S. */
#include <stdint.h>

extern char bench_alu_loop[], bench_mem_loop[], bench_sys_loop[], bench_walk_loop[];
extern char bench_buffer[], bench_big[];
__attribute__((noreturn)) void qemu_run(char *entry, uint32_t iterations, char *buffer);
void qemu_main(const uint32_t *mbi);

static const struct {
    const char *name;
    char *entry, *buffer;
} jobs[] = {
    {"alu", bench_alu_loop, bench_buffer},
    {"mem", bench_mem_loop, bench_buffer},
    {"sys", bench_sys_loop, bench_buffer},
    {"tlb", bench_walk_loop, bench_big},
};

static int word_is(const char *s, const char *w)
{
    while (*w && *s == *w)
        s++, w++;
    return !*w && *s == ' ';
}

void qemu_main(const uint32_t *mbi)
{
    if (!(mbi[0] & 4)) /* no command line */
        return;
    const char *s = (const char *)mbi[4];
    for (; *s; s++) {
        for (unsigned k = 0; k < sizeof jobs / sizeof jobs[0]; k++) {
            if ((s == (const char *)mbi[4] || s[-1] == ' ') && word_is(s, jobs[k].name)) {
                const char *p = s;
                while (*p != ' ')
                    p++;
                uint32_t n = 0;
                for (p++; *p >= '0' && *p <= '9'; p++)
                    n = n * 10 + (uint32_t)(*p - '0');
                if (n)
                    qemu_run(jobs[k].entry, n, jobs[k].buffer);
                return;
            }
        }
    }
}

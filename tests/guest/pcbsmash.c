/* "Who overwrote my PCB?" - the time-travel debugging example of
 * docs/debugging.md. A toy kernel keeps an event log and a table of PCBs
 * in one structure; log_event forgets to check the log's bounds, so its
 * ninth event overwrites pcb[0].next (pcb[0], the idle PCB, is not on the
 * run list). Much later an audit walks the whole table from pcb[0] and
 * follows the smashed pointer into unmapped memory: a machine stop. A
 * write watchpoint on pcb[0].next and reverse-continue from the crash land
 * on the store in log_event. */
#include "check.h"

#define LOG_SIZE 8
#define NPCBS    4
#define ROUNDS   400000
#define EVERY    20000  /* rounds between two events: the ninth at round 180000 */
#define AUDIT    300000 /* the round of the audit */

struct pcb {
    struct pcb *next;
    uint32_t pid, state, runs;
};

/* The log and the idle PCB (pcb[0]) share a page the scheduler does not
 * touch (a watchpoint there costs nothing elsewhere); the others are on
 * their own. */
struct kernel {
    uint32_t nlog;
    uint32_t log[LOG_SIZE];
    struct pcb pcb[1];
};

static struct kernel k __attribute__((aligned(4096)));
static struct pcb procs[NPCBS - 1] __attribute__((aligned(4096)));

/* The bug: no check of nlog against LOG_SIZE. */
__attribute__((noinline)) static void log_event(uint32_t what)
{
    k.log[k.nlog++] = what;
}

/* Runs each PCB on the list from `first` once. */
__attribute__((noinline)) static uint32_t schedule(struct pcb *first)
{
    uint32_t sum = 0;
    for (struct pcb *p = first; p; p = p->next) {
        p->runs++;
        sum += p->pid;
    }
    return sum;
}

void kmain(const struct space_bootinfo *boot)
{
    (void)boot;
    k.pcb[0] = (struct pcb){.next = &procs[0], .pid = 1};
    for (uint32_t i = 0; i + 1 < NPCBS; i++)
        procs[i] = (struct pcb){.next = i + 2 < NPCBS ? &procs[i + 1] : 0, .pid = i + 2};
    uint32_t total = 0;
    for (uint32_t round = 1; round <= ROUNDS; round++) {
        total += schedule(round == AUDIT ? &k.pcb[0] : &procs[0]);
        if (round % EVERY == 0)
            log_event(0xdead0000u + round / EVERY);
    }
    out_str("total ");
    out_dec(total);
    out_str("\n");
    space_halt(0);
}

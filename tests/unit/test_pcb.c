/* Unit tests for PCB chains (sim/core/pcb.h): push and pop, suspend and
 * unsuspend tokens, their generations, a token used once, every error,
 * and the thread-virtual time of chains. */
#include "unit.h"

#include <string.h>

#include "sim/core/pcb.h"

static struct space_pcb pcb_of(uint32_t n)
{
    struct space_pcb p;
    memset(&p, 0, sizeof p);
    p.eax = n;
    p.pc = 0x1000 + n;
    p.trap = n & 0xff;
    return p;
}

static void push_pop(void)
{
    struct pcb_state s;
    EXPECT(pcb_init(&s) == 0);
    struct space_pcb out;
    EXPECT(pcb_top(&s) == NULL);
    EXPECT(pcb_pop(&s, &out) == SPACE_ERR_EMPTY);
    for (uint32_t i = 0; i < SPACE_CHAIN_MAX; i++) {
        struct space_pcb p = pcb_of(i);
        EXPECT(pcb_push(&s, &p) == SPACE_OK);
        EXPECT(pcb_top(&s) && pcb_top(&s)->eax == i);
    }
    struct space_pcb extra = pcb_of(999);
    EXPECT(pcb_push(&s, &extra) == SPACE_ERR_FULL);
    EXPECT(s.current->depth == SPACE_CHAIN_MAX && pcb_top(&s)->eax == SPACE_CHAIN_MAX - 1);
    /* the top can be changed in place (space_pcb_write) */
    pcb_top(&s)->pc = 0xabcd;
    EXPECT(pcb_pop(&s, &out) == SPACE_OK && out.eax == SPACE_CHAIN_MAX - 1 && out.pc == 0xabcd);
    for (int i = SPACE_CHAIN_MAX - 2; i >= 0; i--) {
        EXPECT(pcb_pop(&s, &out) == SPACE_OK);
        EXPECT(out.eax == (uint32_t)i && out.pc == 0x1000u + (uint32_t)i);
    }
    EXPECT(pcb_pop(&s, NULL) == SPACE_ERR_EMPTY && pcb_top(&s) == NULL);
    /* a pop that does not want the PCB */
    struct space_pcb p = pcb_of(5);
    EXPECT(pcb_push(&s, &p) == SPACE_OK && pcb_pop(&s, NULL) == SPACE_OK);
    EXPECT(s.current->depth == 0);
    pcb_free(&s);
}

static void suspend_unsuspend(void)
{
    struct pcb_state s;
    EXPECT(pcb_init(&s) == 0);
    /* nothing to suspend */
    EXPECT(pcb_suspend(&s, 0) == SPACE_ERR_EMPTY);
    struct space_pcb a = pcb_of(1), b = pcb_of(2), c = pcb_of(3), out;
    EXPECT(pcb_push(&s, &a) == SPACE_OK && pcb_push(&s, &b) == SPACE_OK);
    int32_t t1 = pcb_suspend(&s, 100);
    EXPECT(t1 > 0 && s.live == 1);
    /* a fresh, empty chain is current */
    EXPECT(pcb_top(&s) == NULL && s.current->depth == 0);
    EXPECT(pcb_push(&s, &c) == SPACE_OK);
    int32_t t2 = pcb_suspend(&s, 150);
    EXPECT(t2 > 0 && t2 != t1 && s.live == 2);
    /* unsuspend needs an empty current chain */
    EXPECT(pcb_push(&s, &c) == SPACE_OK);
    EXPECT(pcb_unsuspend(&s, t1, 200) == SPACE_ERR_BUSY);
    EXPECT(s.live == 2);
    EXPECT(pcb_pop(&s, NULL) == SPACE_OK);
    /* the chain comes back whole, in order */
    EXPECT(pcb_unsuspend(&s, t1, 200) == SPACE_OK && s.live == 1);
    EXPECT(s.current->depth == 2 && pcb_top(&s)->eax == 2);
    /* used once: the same token never works again */
    EXPECT(pcb_pop(&s, &out) == SPACE_OK && out.eax == 2);
    EXPECT(pcb_pop(&s, &out) == SPACE_OK && out.eax == 1);
    EXPECT(pcb_unsuspend(&s, t1, 250) == SPACE_ERR_TOKEN);
    EXPECT(pcb_chain_time(&s, t1, 250, &(uint64_t){0}) == SPACE_ERR_TOKEN);
    /* forged tokens: zero, negative, a slot out of range, a live slot with
     * another generation */
    EXPECT(pcb_unsuspend(&s, 0, 250) == SPACE_ERR_TOKEN);
    EXPECT(pcb_unsuspend(&s, -1, 250) == SPACE_ERR_TOKEN);
    EXPECT(pcb_unsuspend(&s, INT32_MIN, 250) == SPACE_ERR_TOKEN);
    EXPECT(pcb_unsuspend(&s, (1 << 13) - 1, 250) == SPACE_ERR_TOKEN); /* slot 8190 */
    EXPECT(pcb_unsuspend(&s, t2 + (1 << 13), 250) == SPACE_ERR_TOKEN);
    EXPECT(s.live == 1);
    EXPECT(pcb_unsuspend(&s, t2, 300) == SPACE_OK && pcb_top(&s)->eax == 3 && s.live == 0);
    EXPECT(pcb_unsuspend(&s, t2, 300) == SPACE_ERR_TOKEN);
    pcb_free(&s);
}

/* A slot used again gets a new generation: the old token names it no more. */
static void generations(void)
{
    struct pcb_state s;
    EXPECT(pcb_init(&s) == 0);
    struct space_pcb p = pcb_of(7);
    int32_t seen[64];
    for (int i = 0; i < 64; i++) {
        EXPECT(pcb_push(&s, &p) == SPACE_OK);
        seen[i] = pcb_suspend(&s, (uint64_t)i);
        EXPECT(seen[i] > 0);
        for (int j = 0; j < i; j++) {
            EXPECT(seen[j] != seen[i]);
            /* every earlier token, same slot or not, is dead */
            EXPECT(pcb_unsuspend(&s, seen[j], (uint64_t)i) == SPACE_ERR_TOKEN);
        }
        EXPECT(pcb_unsuspend(&s, seen[i], (uint64_t)i) == SPACE_OK);
        EXPECT(pcb_pop(&s, NULL) == SPACE_OK);
    }
    /* one slot at a time: all in slot 0, generations 1, 2, ... */
    EXPECT((seen[0] & ((1 << 13) - 1)) == 1 && (seen[63] & ((1 << 13) - 1)) == 1);
    pcb_free(&s);
}

/* A token is never issued twice, however long the run: one thread
 * suspended and unsuspended at a time uses slot 0 until its generations
 * (1..2^18-1) are used up, then slot 1; the first token stays dead. */
#define GENERATIONS ((1 << 18) - 1)
static void tokens_never_alias(void)
{
    struct pcb_state s;
    EXPECT(pcb_init(&s) == 0);
    struct space_pcb p = pcb_of(9);
    int32_t first = 0, t = 0;
    for (int i = 0; i < GENERATIONS + 2; i++) {
        EXPECT(pcb_push(&s, &p) == SPACE_OK);
        t = pcb_suspend(&s, (uint64_t)i);
        if (!i)
            first = t;
        EXPECT(t > 0 && (!i || t != first));
        EXPECT(pcb_unsuspend(&s, first, (uint64_t)i) == (i ? SPACE_ERR_TOKEN : SPACE_OK));
        EXPECT(!i || pcb_unsuspend(&s, t, (uint64_t)i) == SPACE_OK);
        EXPECT(pcb_pop(&s, NULL) == SPACE_OK);
    }
    EXPECT((first & ((1 << 13) - 1)) == 1); /* slot 0 ... */
    EXPECT((t & ((1 << 13) - 1)) == 2);     /* ... worn out: slot 1 now */
    EXPECT(s.live == 0);
    pcb_free(&s);
}

/* A slot whose generations are used up is never used again; when every
 * slot is worn out or holds a chain, Suspend is FULL rather than reissue a
 * token. */
static void tokens_run_out(void)
{
    struct pcb_state s;
    EXPECT(pcb_init(&s) == 0);
    struct space_pcb p = pcb_of(4);
    for (int i = 0; i < SPACE_SUSPENDED_MAX; i++)
        s.slot[i].generation = GENERATIONS - 1; /* one token left in each */
    int32_t last = 0;
    for (int i = 0; i < SPACE_SUSPENDED_MAX; i++) {
        EXPECT(pcb_push(&s, &p) == SPACE_OK);
        last = pcb_suspend(&s, 0);
        EXPECT(last > 0 && pcb_unsuspend(&s, last, 0) == SPACE_OK);
        EXPECT(pcb_pop(&s, NULL) == SPACE_OK);
    }
    EXPECT(last == (int32_t)(((uint32_t)GENERATIONS << 13) | SPACE_SUSPENDED_MAX));
    EXPECT(pcb_push(&s, &p) == SPACE_OK);
    EXPECT(pcb_suspend(&s, 0) == SPACE_ERR_FULL);
    EXPECT(s.current->depth == 1 && s.live == 0);
    pcb_free(&s);
}

/* The suspend table holds SPACE_SUSPENDED_MAX chains. */
static void table_full(void)
{
    struct pcb_state s;
    EXPECT(pcb_init(&s) == 0);
    struct space_pcb p = pcb_of(1);
    int32_t first = 0, last = 0;
    for (int i = 0; i < SPACE_SUSPENDED_MAX; i++) {
        EXPECT(pcb_push(&s, &p) == SPACE_OK);
        last = pcb_suspend(&s, 0);
        EXPECT(last > 0);
        if (!i)
            first = last;
    }
    EXPECT(s.live == SPACE_SUSPENDED_MAX);
    EXPECT(pcb_push(&s, &p) == SPACE_OK);
    EXPECT(pcb_suspend(&s, 0) == SPACE_ERR_FULL);
    /* the current chain is untouched by the refusal */
    EXPECT(s.current->depth == 1 && s.live == SPACE_SUSPENDED_MAX);
    EXPECT(pcb_pop(&s, NULL) == SPACE_OK);
    EXPECT(pcb_unsuspend(&s, last, 0) == SPACE_OK && pcb_pop(&s, NULL) == SPACE_OK);
    EXPECT(pcb_unsuspend(&s, first, 0) == SPACE_OK);
    pcb_free(&s); /* (frees the suspended chains too) */
}

/* Thread-virtual time: busy time is charged to the current chain only. */
static void chain_time(void)
{
    struct pcb_state s;
    EXPECT(pcb_init(&s) == 0);
    uint64_t v = 0;
    EXPECT(pcb_chain_time(&s, 0, 40, &v) == SPACE_OK && v == 40);
    struct space_pcb p = pcb_of(1);
    EXPECT(pcb_push(&s, &p) == SPACE_OK);
    int32_t t = pcb_suspend(&s, 100); /* the chain ran 0..100 */
    EXPECT(pcb_chain_time(&s, t, 500, &v) == SPACE_OK && v == 100);
    EXPECT(pcb_chain_time(&s, 0, 130, &v) == SPACE_OK && v == 30); /* the new one from 100 */
    EXPECT(pcb_unsuspend(&s, t, 200) == SPACE_OK);                 /* 100..200 dropped */
    EXPECT(pcb_chain_time(&s, 0, 250, &v) == SPACE_OK && v == 150);
    pcb_free(&s);
}

int main(void)
{
    push_pop();
    suspend_unsuspend();
    generations();
    table_full();
    tokens_never_alias();
    tokens_run_out();
    chain_time();
    puts("pcb: ok");
    return 0;
}

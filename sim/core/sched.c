/* The run loop of a machine with several CPUs: deterministic interleaving
 * in lockstep rounds (docs/space-architecture.md, "Several CPUs").
 *
 * All CPUs share one virtual-time axis, the machine clock. A round starts
 * with every CPU at the same time T and ends at R = min(T + quantum, the
 * next device event) - or at the next event when no CPU can run - and, in
 * a multicomputer's node, at the next multiple of the window (the grid),
 * so that its barrier finds every CPU at the window's end. In the
 * round the CPUs take turns, in order 0..N-1, each running (or idling, if
 * it waits or is halted) up to its slice end, then again in a second pass
 * up to R. Without --seed every slice ends at R, so the second pass has
 * nothing to do; with it, each CPU's first slice ends at T + 1 + a number
 * drawn from a SplitMix64 generator seeded with the seed, modulo R - T:
 * the switch points move, reproducibly. A CPU's turn ends early only for
 * the caller's deadline, the alarm, the limit or an interruption, all
 * counted in machine_now's unit (the sum of the CPUs' times): stopping
 * anywhere and going on changes nothing. Device events fire, and CPUs
 * that wait are woken, between rounds; an event a CPU schedules for a time
 * inside the current round fires at its end. Only one CPU runs at a time,
 * on one host thread, and it switches only between instructions. */
#include "machine_internal.h"

/* SplitMix64: the jitter's generator (small, and the same everywhere). */
static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* No CPU can run: each waits or is halted (the machine is idle, as one
 * waiting CPU is). */
static bool none_runnable(const struct machine *m)
{
    for (unsigned i = 0; i < m->ncpus; i++)
        if (!m->cpus[i].halted && !m->cpus[i].waiting)
            return false;
    return true;
}

/* Between rounds: what a single CPU's loop does at the top, for all. */
static bool between_rounds(struct machine *m, uint64_t clock)
{
    bus_fire_due(&m->bus, clock);
    m->awaiting_input = false;
    bool any_pending = false;
    for (unsigned i = 0; i < m->ncpus; i++)
        any_pending |= m->cpus[i].waiting && machine_pending_for(m, i);
    /* The devices may act because the machine is idle (console input). */
    if (none_runnable(m) && !any_pending && !m->interrupted && bus_idle(&m->bus))
        m->cpus[0].waiting = false;
    for (unsigned i = 0; i < m->ncpus; i++)
        if (m->cpus[i].waiting && machine_pending_for(m, i))
            m->cpus[i].waiting = false;
    if (none_runnable(m) && m->awaiting_input && !m->interrupted) {
        m->pause = PAUSE_INPUT; /* time stands still while a person types */
        return false;
    }
    uint64_t next = events_next(&m->bus.events);
    if (none_runnable(m) && next == UINT64_MAX && !m->interrupt_at) {
        machine_stop(m, "every CPU waits for an interrupt that cannot come, or is halted: no "
                        "device has anything scheduled, and the console has no input to give");
        return false;
    }
    struct machine_sched *s = &m->sched;
    uint64_t end = clock + s->quantum < clock ? UINT64_MAX : clock + s->quantum;
    if (none_runnable(m) || next < end)
        end = next;
    uint64_t grid_end = s->grid ? (clock / s->grid + 1) * s->grid : UINT64_MAX;
    if (grid_end > clock && grid_end < end)
        end = grid_end;
    s->round_end = end;
    s->pass = 0;
    s->in_round = true;
    for (unsigned i = 0; i < m->ncpus; i++)
        m->cpus[i].slice =
            s->jitter && end - clock > 1 ? clock + 1 + splitmix(&s->prng) % (end - clock) : end;
    machine_switch_cpu(m, 0);
    return true;
}

/* The next turn: the next CPU, the second pass, or the round's end. */
static void next_turn(struct machine *m)
{
    struct machine_sched *s = &m->sched;
    unsigned next = m->cur + 1;
    if (next == m->ncpus) {
        next = 0;
        if (s->pass == 0)
            s->pass = 1;
        else
            s->in_round = false;
    }
    machine_switch_cpu(m, next);
}

/* `at` (in machine_now's unit) as the running CPU's time, if sooner. */
static uint64_t cap(uint64_t target, uint64_t t, uint64_t now, uint64_t at)
{
    if (at == UINT64_MAX || at <= now)
        return target;
    return at - now < target - t ? t + (at - now) : target;
}

/* The running CPU's turn, or the next CPU's if its slice is over: its
 * interrupt, then instructions (or idling) up to the slice's end or, in
 * machine_now's unit, the deadline, the alarm, the limit or Ctrl-C's
 * boundary. False: return to the caller. */
static bool take_turn(struct machine *m, uint64_t now, const struct run_bounds *b)
{
    struct machine_cpu *c = m->cc;
    uint64_t t = cpu_time(c->cpu);
    uint64_t end = m->sched.pass == 0 ? c->slice : m->sched.round_end;
    if (t >= end) {
        next_turn(m);
        return true;
    }
    if (c->waiting && machine_pending_for(m, m->cur))
        c->waiting = false;
    if (!c->halted && !c->waiting) {
        machine_deliver_interrupt(m);
        if (m->state != MACHINE_RUNNING || m->pause == PAUSE_OBSERVER)
            return false;
    }
    uint64_t target = cap(end, t, now, b->deadline);
    target = cap(target, t, now, m->alarm_at);
    target = cap(target, t, now, b->limit);
    if (m->interrupt_at)
        target = cap(target, t, now, m->interrupt_at);
    if (c->halted || c->waiting) {
        cpu_idle_until(c->cpu, target);
        return true;
    }
    return machine_run_cpu(m, target);
}

bool sched_step(struct machine *m, uint64_t now, const struct run_bounds *b)
{
    if (!m->sched.in_round)
        return between_rounds(m, cpu_time(m->cpus[0].cpu));
    return take_turn(m, now, b);
}

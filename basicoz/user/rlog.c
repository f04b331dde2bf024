/* rlog [COUNT [SEED]]: a replicated log on every node of the network, after
 * Raft (Ongaro and Ousterhout, 2014): the nodes elect a leader, the leader
 * appends COUNT entries (default 20) and replicates them, an entry is
 * committed once a majority holds it. Every message may be lost, duplicated
 * or reordered, so everything is retransmitted: the leader sends each
 * follower what it lacks at every heartbeat, candidates ask again at their
 * next election timeout. A partition leaves the majority side able to elect
 * a leader and commit; the minority side cannot commit, and catches up when
 * the partition heals.
 *
 * Run it on every node at once (the same console input for all). When the
 * leader sees every node hold the COUNT entries it says so in its
 * heartbeats; each node then stays a while to answer (LINGER), and prints
 *     rlog: node N: COUNT entries committed, all K nodes agree, digest D
 * where D is a hash of the entries (index, term, value): equal on every
 * node when they agree. Timeouts are in virtual time, the election timeouts
 * randomised from the node's address and SEED, so a run is the same every
 * time. A node that gets nowhere gives up after GIVE_UP instructions. */
#include "ulib.h"

#define PORT      10       /* every node's rlog listens here */
#define MAX_LOG   256      /* entries the log can hold (COUNT at most MAX_LOG - 16) */
#define BATCH     8        /* entries per append message at most */
#define MAX_NODES 32       /* (a vote set is a bit mask) */
#define HEARTBEAT 300000u  /* the leader's heartbeat, in instructions */
#define ELECTION  1500000u /* election timeout: ELECTION + up to ELECTION more */
#define LINGER    6000000u /* answering on once everyone agrees */
#define GIVE_UP   100000000u

enum { VOTE_REQ = 1, VOTE_REP, APPEND, APPEND_REP };
enum { FOLLOWER, CANDIDATE, LEADER };

struct entry {
    unsigned term, value;
};

/* One message: a, b, c, d, e mean what the type says (below). */
struct msg {
    unsigned type, term;
    unsigned a, b, c, d, e;
    unsigned n; /* APPEND: entries that follow */
    struct entry entries[BATCH];
};
/* VOTE_REQ:   a = last log index, b = its term
 * VOTE_REP:   a = granted
 * APPEND:     a = previous index, b = its term, c = leader's commit index,
 *             d = everyone holds COUNT entries, e = the leader's digest then
 * APPEND_REP: a = success, b = the index now matched (success) or a hint
 *             for the next index to try (failure) */

static int me, nodes, count;
static unsigned term, role, votes, lingering, leader_digest;
static int voted = -1, leader = -1;
static struct entry log[MAX_LOG]; /* log[0] is a sentinel of term 0 */
static unsigned last, commit, reported;
static unsigned next_idx[MAX_NODES], match_idx[MAX_NODES];
static unsigned long long now, election_at, heartbeat_at, linger_end;
static unsigned rng;

static unsigned random(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static void reset_election(void)
{
    election_at = now + ELECTION + random() % ELECTION;
}

static unsigned kilo(unsigned long long t)
{
    return (unsigned)(t / 1000);
}

static void send(int to, struct msg *m)
{
    m->term = term;
    net_send(to, PORT, m, (int)(sizeof *m - (BATCH - m->n) * sizeof(struct entry)));
}

static unsigned digest(unsigned upto)
{
    unsigned h = 2166136261u; /* FNV-1a over (index, term, value) words */
    for (unsigned i = 1; i <= upto; i++) {
        unsigned w[3] = {i, log[i].term, log[i].value};
        for (int k = 0; k < 3; k++)
            for (int b = 0; b < 32; b += 8)
                h = (h ^ ((w[k] >> b) & 0xff)) * 16777619u;
    }
    return h;
}

static void become_follower(unsigned t)
{
    if (t > term) {
        term = t;
        voted = -1;
    }
    role = FOLLOWER;
}

static void become_leader(void)
{
    role = LEADER;
    leader = me;
    for (int i = 0; i < nodes; i++)
        next_idx[i] = last + 1, match_idx[i] = 0;
    heartbeat_at = now;
    printf("rlog: node %d leads term %u at %uk\n", me, term, kilo(now));
}

static int majority(unsigned mask)
{
    return 2 * __builtin_popcount(mask) > nodes;
}

static void start_election(void)
{
    term++;
    role = CANDIDATE;
    voted = me;
    votes = 1u << me;
    leader = -1;
    reset_election();
    struct msg m = {.type = VOTE_REQ, .a = last, .b = log[last].term};
    send(NET_BROADCAST, &m);
    if (majority(votes)) /* (alone on the network) */
        become_leader();
}

/* The leader: the highest entry of its own term a majority holds is
 * committed, and with it everything before. */
static void advance_commit(void)
{
    for (unsigned i = last; i > commit && log[i].term == term; i--) {
        unsigned holders = 1u << me;
        for (int f = 0; f < nodes; f++)
            if (f != me && match_idx[f] >= i)
                holders |= 1u << f;
        if (majority(holders)) {
            commit = i;
            break;
        }
    }
    if (commit / 5 > reported / 5 || (commit >= (unsigned)count && reported < (unsigned)count))
        printf("rlog: node %d (leader, term %u) at %uk: %u committed\n", me, term, kilo(now),
               commit);
    reported = commit;
}

static int everyone_has_all(void)
{
    if (commit < (unsigned)count)
        return 0;
    for (int f = 0; f < nodes; f++)
        if (f != me && match_idx[f] < (unsigned)count)
            return 0;
    return 1;
}

static void heartbeat(void)
{
    /* new entries: the workload, and one of its own term if the log is
     * full of older ones, so that they can be committed */
    if (last < (unsigned)count || (commit < (unsigned)count && log[last].term != term)) {
        last++;
        log[last] = (struct entry){term, (unsigned)me * 1000 + last};
    }
    int all = everyone_has_all();
    if (all && !lingering) {
        lingering = 1;
        linger_end = now + LINGER;
        leader_digest = digest((unsigned)count);
    }
    for (int f = 0; f < nodes; f++) {
        if (f == me)
            continue;
        unsigned prev = next_idx[f] - 1;
        struct msg m = {.type = APPEND,
                        .a = prev,
                        .b = log[prev].term,
                        .c = commit,
                        .d = all,
                        .e = all ? leader_digest : 0};
        while (m.n < BATCH && prev + 1 + m.n <= last) {
            m.entries[m.n] = log[prev + 1 + m.n];
            m.n++;
        }
        send(f, &m);
    }
    advance_commit(); /* (a one-node network commits alone) */
    heartbeat_at = now + HEARTBEAT;
}

static void on_append(int from, const struct msg *m)
{
    struct msg r = {.type = APPEND_REP};
    role = FOLLOWER;
    leader = from;
    reset_election();
    unsigned prev = m->a;
    if (prev > last || log[prev].term != m->b) {
        r.b = prev > last ? last + 1 : prev; /* try from here */
        send(from, &r);
        return;
    }
    for (unsigned k = 0; k < m->n && prev + 1 + k < MAX_LOG; k++) {
        unsigned i = prev + 1 + k;
        if (i <= last && log[i].term != m->entries[k].term)
            last = i - 1; /* a conflict: drop it and everything after it */
        if (i > last) {
            log[i] = m->entries[k];
            last = i;
        }
    }
    unsigned matched = prev + m->n;
    unsigned c = m->c < matched ? m->c : matched;
    if (c > commit)
        commit = c;
    if (m->d && commit >= (unsigned)count && !lingering) {
        lingering = 1;
        linger_end = now + LINGER;
        leader_digest = m->e;
    }
    r.a = 1;
    r.b = matched;
    send(from, &r);
}

static void on_append_reply(int from, const struct msg *m)
{
    if (role != LEADER)
        return;
    if (m->a) {
        if (m->b > match_idx[from])
            match_idx[from] = m->b;
        next_idx[from] = match_idx[from] + 1;
        advance_commit();
    } else if (m->b >= 1 && m->b > match_idx[from] && m->b < next_idx[from]) {
        next_idx[from] = m->b;
    } else if (next_idx[from] > match_idx[from] + 1) {
        next_idx[from]--;
    }
}

static void on_vote_request(int from, const struct msg *m)
{
    int up_to_date = m->b > log[last].term || (m->b == log[last].term && m->a >= last);
    struct msg r = {.type = VOTE_REP};
    if (m->term == term && (voted < 0 || voted == from) && up_to_date) {
        voted = from;
        r.a = 1;
        reset_election();
    }
    send(from, &r);
}

static void on_message(int from, const struct msg *m, int len)
{
    int header = (int)(sizeof *m - sizeof m->entries);
    if (len < header || from < 0 || from >= nodes || m->n > BATCH ||
        len < header + (int)(m->n * sizeof(struct entry)))
        return;
    if (m->term > term)
        become_follower(m->term);
    if (m->term < term) { /* from the past: tell it the term, ignore the rest */
        if (m->type == APPEND || m->type == VOTE_REQ) {
            struct msg r = {.type = m->type == APPEND ? APPEND_REP : VOTE_REP};
            send(from, &r);
        }
        return;
    }
    switch (m->type) {
    case VOTE_REQ: on_vote_request(from, m); break;
    case VOTE_REP:
        if (role == CANDIDATE && m->a) {
            votes |= 1u << from;
            if (majority(votes))
                become_leader();
        }
        break;
    case APPEND: on_append(from, m); break;
    case APPEND_REP: on_append_reply(from, m); break;
    }
}

int main(int argc, char **argv)
{
    count = argc > 1 ? atoi(argv[1]) : 20;
    rng = (unsigned)(argc > 2 ? atoi(argv[2]) : 1);
    me = net_address();
    nodes = net_nodes();
    if (count < 1 || count > MAX_LOG - 16 || nodes > MAX_NODES) {
        printf("usage: rlog [COUNT [SEED]] (COUNT 1..%d, at most %d nodes)\n", MAX_LOG - 16,
               MAX_NODES);
        return 2;
    }
    if (net_open(PORT) < 0) {
        printf("rlog: cannot open port %d\n", PORT);
        return 1;
    }
    rng = rng * 7919u + (unsigned)me * 104729u;
    now = uptime();
    unsigned long long give_up = now + GIVE_UP;
    reset_election();
    static struct msg m;
    static struct net_msg in;
    for (;;) {
        now = uptime();
        if (now >= give_up) {
            printf("rlog: node %d: gave up at %uk: %u of %d committed\n", me, kilo(now), commit,
                   count);
            return 1;
        }
        if (lingering && now >= linger_end)
            break;
        if (role == LEADER && now >= heartbeat_at)
            heartbeat();
        else if (role != LEADER && !lingering && now >= election_at)
            start_election();
        unsigned long long wake = role == LEADER ? heartbeat_at
                                  : lingering    ? linger_end
                                                 : election_at;
        if (lingering && linger_end < wake)
            wake = linger_end;
        int n = net_recv(&in, wake > now ? (unsigned)(wake - now) : 1);
        if (n >= 0) {
            memcpy(&m, in.data, (size_t)n < sizeof m ? (size_t)n : sizeof m);
            now = uptime();
            on_message(in.from, &m, n);
        }
    }
    unsigned d = digest((unsigned)count);
    if (d != leader_digest)
        printf("rlog: node %d: DISAGREES with the leader: digest %08x, the leader's %08x\n", me, d,
               leader_digest);
    else
        printf("rlog: node %d: %d entries committed, all %d nodes agree, digest %08x\n", me, count,
               nodes, d);
    return 0;
}

/* transport.h over MPI, on MPI_COMM_WORLD. */
#define _POSIX_C_SOURCE 200112L /* nanosleep, clock_gettime */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

#include "transport.h"

/* Each barrier is one MPI_Alltoall of a fixed slot per pair of ranks
 * (a header and the first bytes): what a barrier usually carries (votes,
 * a few frames, console lines) fits, and every rank waits once. What does
 * not fit follows in an MPI_Alltoallv, whose sizes the headers gave, and
 * only if some rank has more (every header says whether its rank has). */
#define SLOT 4096

struct slot_head {
    uint64_t len;  /* the bytes sent to this rank, in all */
    uint64_t more; /* does the sending rank send anyone more than a slot? */
};
#define SLOT_DATA (SLOT - sizeof(struct slot_head))

struct mpi_transport {
    struct net_transport t; /* (first: the transport is the whole) */
    int *scount, *sdispl, *rcount, *rdispl;
    struct net_buf out, in; /* every rank's slot, or rest, one after another */
};

static uint64_t now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

/* Waits for a collective: polls (MPI's way) for SPIN_US, then sleeps
 * between looks. A window's work is a few hundred microseconds, so a
 * rank usually finds the others there within the spin; when it does not,
 * the rank it waits for is probably waiting for a core, and a rank that
 * keeps polling takes cores from it (the ranks share cores with each
 * other and with other work). Measured on 2 busy cores: 150 us best. */
#define SPIN_US 150

static int wait_for(MPI_Request *req)
{
    uint64_t start = 0;
    for (unsigned i = 0;; i++) {
        int done = 0;
        if (MPI_Test(req, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            return -1;
        if (done)
            return 0;
        if (i == 0)
            start = now_us();
        else if (i % 16 == 0 && now_us() - start > SPIN_US)
            nanosleep(&(struct timespec){0, 20000}, NULL);
    }
}

static int exchange(struct net_transport *t, const struct net_buf *send, struct net_buf *recv)
{
    struct mpi_transport *m = (struct mpi_transport *)t;
    int n = (int)t->ranks;
    bool more = false;
    for (int r = 0; r < n; r++)
        more |= send[r].len > SLOT_DATA;
    m->out.len = 0;
    m->in.len = 0;
    if (net_buf_put(&m->out, NULL, (size_t)n * SLOT) != 0 ||
        net_buf_put(&m->in, NULL, (size_t)n * SLOT) != 0)
        goto oom;
    for (int r = 0; r < n; r++) {
        struct slot_head h = {send[r].len, more};
        uint8_t *slot = m->out.p + (size_t)r * SLOT;
        memcpy(slot, &h, sizeof h);
        memcpy(slot + sizeof h, send[r].p, send[r].len < SLOT_DATA ? send[r].len : SLOT_DATA);
    }
    MPI_Request req;
    if (MPI_Ialltoall(m->out.p, SLOT, MPI_BYTE, m->in.p, SLOT, MPI_BYTE, MPI_COMM_WORLD, &req) !=
            MPI_SUCCESS ||
        wait_for(&req) != 0)
        goto failed;
    bool rest = false;
    for (int r = 0; r < n; r++) {
        struct slot_head h;
        const uint8_t *slot = m->in.p + (size_t)r * SLOT;
        memcpy(&h, slot, sizeof h);
        rest |= h.more != 0;
        recv[r].len = 0;
        if (net_buf_put(&recv[r], slot + sizeof h, h.len < SLOT_DATA ? h.len : SLOT_DATA) != 0 ||
            net_buf_put(&recv[r], NULL, h.len < SLOT_DATA ? 0 : h.len - SLOT_DATA) != 0)
            goto oom;
    }
    if (!rest)
        return 0;
    /* the rests, straight into recv */
    size_t so = 0, ro = 0;
    for (int r = 0; r < n; r++) {
        size_t s_rest = send[r].len > SLOT_DATA ? send[r].len - SLOT_DATA : 0;
        size_t r_rest = recv[r].len > SLOT_DATA ? recv[r].len - SLOT_DATA : 0;
        if (s_rest > INT_MAX || r_rest > INT_MAX || so > (size_t)INT_MAX - s_rest ||
            ro > (size_t)INT_MAX - r_rest) {
            fprintf(stderr, "space: MPI: a barrier's exchange is over 2 GiB\n");
            return -1;
        }
        m->scount[r] = (int)s_rest;
        m->sdispl[r] = (int)so;
        m->rcount[r] = (int)r_rest;
        m->rdispl[r] = (int)ro;
        so += s_rest;
        ro += r_rest;
    }
    m->out.len = 0;
    m->in.len = 0;
    for (int r = 0; r < n; r++)
        if (m->scount[r] && net_buf_put(&m->out, send[r].p + SLOT_DATA, (size_t)m->scount[r]) != 0)
            goto oom;
    if (net_buf_put(&m->out, NULL, 1) != 0 || net_buf_put(&m->in, NULL, ro + 1) != 0)
        goto oom;
    if (MPI_Alltoallv(m->out.p, m->scount, m->sdispl, MPI_BYTE, m->in.p, m->rcount, m->rdispl,
                      MPI_BYTE, MPI_COMM_WORLD) != MPI_SUCCESS)
        goto failed;
    for (int r = 0; r < n; r++)
        if (m->rcount[r])
            memcpy(recv[r].p + SLOT_DATA, m->in.p + m->rdispl[r], (size_t)m->rcount[r]);
    return 0;
oom:
    fprintf(stderr, "space: out of host memory\n");
    return -1;
failed:
    fprintf(stderr, "space: MPI: a barrier's exchange failed\n");
    return -1;
}

struct net_transport *transport_open(char *err, unsigned errlen)
{
    int rank, size;
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS) {
        snprintf(err, errlen, "MPI: MPI_Init failed");
        return NULL;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    struct mpi_transport *m = calloc(1, sizeof *m);
    if (!m || !(m->scount = calloc((size_t)size * 4, sizeof *m->scount))) {
        free(m);
        MPI_Finalize();
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    m->sdispl = m->scount + size;
    m->rcount = m->sdispl + size;
    m->rdispl = m->rcount + size;
    m->t = (struct net_transport){
        .rank = (uint32_t)rank, .ranks = (uint32_t)size, .exchange = exchange};
    return &m->t;
}

void transport_close(struct net_transport *t)
{
    struct mpi_transport *m = (struct mpi_transport *)t;
    if (!m)
        return;
    net_buf_free(&m->out);
    net_buf_free(&m->in);
    free(m->scount);
    free(m);
    MPI_Finalize();
}

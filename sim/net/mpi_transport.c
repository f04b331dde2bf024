/* transport.h over MPI: each barrier is MPI_Alltoall of the buffers'
 * sizes, then MPI_Alltoallv of their bytes, on MPI_COMM_WORLD. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <mpi.h>

#include "transport.h"

struct mpi_transport {
    struct net_transport t; /* (first: the transport is the whole) */
    int *scount, *sdispl, *rcount, *rdispl;
    struct net_buf out, in; /* every rank's buffer, one after another */
};

static int exchange(struct net_transport *t, const struct net_buf *send, struct net_buf *recv)
{
    struct mpi_transport *m = (struct mpi_transport *)t;
    int n = (int)t->ranks;
    m->out.len = 0;
    for (int r = 0; r < n; r++) {
        if (send[r].len > INT_MAX || m->out.len > (size_t)INT_MAX - send[r].len) {
            fprintf(stderr, "space: MPI: a barrier's exchange is over 2 GiB\n");
            return -1;
        }
        m->scount[r] = (int)send[r].len;
        m->sdispl[r] = (int)m->out.len;
        if (net_buf_put(&m->out, send[r].p, send[r].len) != 0)
            goto oom;
    }
    if (MPI_Alltoall(m->scount, 1, MPI_INT, m->rcount, 1, MPI_INT, MPI_COMM_WORLD) != MPI_SUCCESS)
        goto failed;
    size_t total = 0;
    for (int r = 0; r < n; r++) {
        m->rdispl[r] = (int)total;
        total += (size_t)m->rcount[r];
    }
    if (total > INT_MAX) {
        fprintf(stderr, "space: MPI: a barrier's exchange is over 2 GiB\n");
        return -1;
    }
    m->in.len = 0;
    if (net_buf_put(&m->in, NULL, total) != 0)
        goto oom;
    if (MPI_Alltoallv(m->out.p, m->scount, m->sdispl, MPI_BYTE, m->in.p, m->rcount, m->rdispl,
                      MPI_BYTE, MPI_COMM_WORLD) != MPI_SUCCESS)
        goto failed;
    for (int r = 0; r < n; r++) {
        recv[r].len = 0;
        if (net_buf_put(&recv[r], m->in.p + m->rdispl[r], (size_t)m->rcount[r]) != 0)
            goto oom;
    }
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
    m->t = (struct net_transport){.rank = (uint32_t)rank, .ranks = (uint32_t)size,
                                  .exchange = exchange};
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

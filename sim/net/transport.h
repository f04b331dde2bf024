/* transport: how the processes that simulate one cluster together (the
 * MPI mode: mpirun -np K space run --nodes N) talk at its barriers. Node k
 * is simulated by process (rank) k mod K; at each window's barrier every
 * rank sends every rank one buffer (the frames bound for its nodes, its
 * vote on how the run goes on, the console lines for rank 0) and receives
 * one from each. cluster.c uses it; sim/app/nodes.c opens it when space
 * was started by an MPI launcher. Without one (no transport), a cluster
 * runs every node in this process, as it always has.
 *
 * mpi_transport.c implements it over MPI (MPI_Alltoall of the sizes, then
 * MPI_Alltoallv of the bytes); mpi_none.c, in builds without MPI, says
 * that this space cannot join such a run. docs/multicomputer.md, "The MPI
 * mode", describes it. */
#ifndef SPACE_TRANSPORT_H
#define SPACE_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growing byte buffer. */
struct net_buf {
    uint8_t *p;
    size_t len, cap;
};

/* Appends len bytes (data NULL: len bytes left as they are, to be
 * written): 0, or -1 (out of host memory). */
int net_buf_put(struct net_buf *b, const void *data, size_t len);
void net_buf_free(struct net_buf *b);

struct net_transport {
    uint32_t rank, ranks;
    /* Sends send[r] to rank r, for every r (itself included), and
     * receives into recv[r] (rewritten) what rank r sent this one. Every
     * rank calls it the same number of times. 0, or -1 after a message
     * on stderr: the run cannot go on. */
    int (*exchange)(struct net_transport *t, const struct net_buf *send, struct net_buf *recv);
};

/* Was this process started by an MPI launcher (mpirun, mpiexec, srun)?
 * Its rank and the number of processes, from the launcher's environment
 * (ranks 0 if it does not say). */
bool transport_launched(uint32_t *rank, uint32_t *ranks);

/* Joins the launcher's processes: NULL with a one-line reason (this
 * space was built without MPI, or MPI could not start). */
struct net_transport *transport_open(char *err, unsigned errlen);
/* Leaves them (every rank calls it, at the end of the run). */
void transport_close(struct net_transport *t);

#endif

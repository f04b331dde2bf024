#include "transport.h"

#include <stdlib.h>
#include <string.h>

int net_buf_put(struct net_buf *b, const void *data, size_t len)
{
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len)
            cap *= 2;
        uint8_t *more = realloc(b->p, cap);
        if (!more)
            return -1;
        b->p = more;
        b->cap = cap;
    }
    if (len && data)
        memcpy(b->p + b->len, data, len);
    b->len += len;
    return 0;
}

void net_buf_free(struct net_buf *b)
{
    free(b->p);
    *b = (struct net_buf){0};
}

/* What the launchers put in each process's environment: Open MPI's
 * mpirun, PMIx (Open MPI 4 and 5, srun --mpi=pmix), PMI (MPICH, srun
 * --mpi=pmi2). */
static const struct launcher_env {
    const char *rank, *size;
} launchers[] = {
    {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"},
    {"PMIX_RANK", "SLURM_NTASKS"},
    {"PMI_RANK", "PMI_SIZE"},
};

bool transport_launched(uint32_t *rank, uint32_t *ranks)
{
    for (size_t i = 0; i < sizeof launchers / sizeof launchers[0]; i++) {
        const char *r = getenv(launchers[i].rank), *s = getenv(launchers[i].size);
        if (!r)
            continue;
        *rank = (uint32_t)strtoul(r, NULL, 10);
        *ranks = s ? (uint32_t)strtoul(s, NULL, 10) : 0;
        return true;
    }
    return false;
}

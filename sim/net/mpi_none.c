/* transport_open in a space built without MPI (SPACE_MPI=OFF, or no MPI
 * found): transport.h. */
#include <stdio.h>

#include "transport.h"

struct net_transport *transport_open(char *err, unsigned errlen)
{
    snprintf(err, errlen,
             "this space was built without MPI (SPACE_MPI=OFF, or no MPI found when it was "
             "configured): run it without mpirun, or rebuild it with MPI");
    return NULL;
}

void transport_close(struct net_transport *t)
{
    (void)t;
}

/* travel_io: time travel's backends (placeholder copy of the agreed interface). */
#ifndef SPACE_TRAVEL_IO_H
#define SPACE_TRAVEL_IO_H

#include <stddef.h>
#include <stdint.h>

#include "devices/backend.h"

struct travel_io;
struct travel_io *travel_io_create(void);
/* Wrap the session's backends (like sim/replay/inputs.h's record_* wrappers). */
struct backend_provider travel_io_wrap(struct travel_io *io, struct backend_provider inner);
/* The machine was put back to virtual time t (call after machine_snapshot_restore). */
void travel_io_rewound(struct travel_io *io, uint64_t t);
size_t travel_io_bytes(const struct travel_io *io);
void travel_io_free(struct travel_io *io);

#endif

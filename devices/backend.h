/* backend: where a device's input comes from and its output goes - a
 * character source and sink (the console), a block store (the disk) and a
 * frame port (the network device).
 *
 * A device is handed its backends and never learns what is behind them: a
 * file, the host's terminal, the window's keyboard, an image file, or a
 * recording being replayed. The host implementations live in sim/host/;
 * recording and replay wrap or replace them in sim/replay/ (inputs.h). A
 * device only uses its backends: the machine closes them (`close`, which
 * may be NULL) after destroying the device. */
#ifndef SPACE_BACKEND_H
#define SPACE_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#define BLOCK_SECTOR_SIZE 512u

struct net_event;

/* Input a line at a time. */
struct char_source {
    void *opaque;
    /* Takes the next line (with its '\n', if it has one) if there is one
     * now: returns its length and sets *line (valid until the next call),
     * 0 if none has come yet, or -1 once the input has ended. `wait`: the
     * guest waits for input, so a blocking source (a terminal) may wait
     * for a person. */
    long (*take_line)(void *opaque, bool wait, const char **line);
    /* The host shows a person what they type (a terminal): echoing it
     * again would print every line twice. */
    bool echoes;
    /* It never blocks, even when the guest waits (the window's keyboard):
     * then a person is waited for by pausing the machine instead. */
    bool nonblocking;
    void (*close)(void *opaque);
};

/* Output, in the guest's order. */
struct char_sink {
    void *opaque;
    void (*write)(void *opaque, const char *buf, unsigned long len);
    /* A person may be looking: show what was written. May be NULL. */
    void (*flush)(void *opaque);
    void (*close)(void *opaque);
};

/* Storage in sectors of BLOCK_SECTOR_SIZE bytes. Transfers are whole and
 * in range (the device checks): 0, or -1 on a host I/O error. */
struct block_store {
    void *opaque;
    uint32_t sectors;
    bool readonly; /* write always fails */
    int (*read)(void *opaque, uint32_t sector, uint32_t count, void *buf);
    int (*write)(void *opaque, uint32_t sector, uint32_t count, const void *buf);
    /* Makes completed writes durable. */
    int (*sync)(void *opaque);
    void (*close)(void *opaque);
};

/* A node's port on a network (sim/net/cluster.c): frames leave at a
 * virtual time and arrive at one. The network decides the arrival times
 * (latency, bandwidth, faults) and hands frames over only between runs of
 * the machine, never later than their arrival time, so a device that
 * takes them at that time sees them exactly then. */
#define FRAME_PORT_NONE UINT64_MAX
/* A device listening for frames keeps an event here while none is on its
 * way (a waiting CPU may always be woken by the network): far enough ahead
 * that no run reaches it, and what a driver looks for to tell a node that
 * waits for frames from one that waits for its own events. */
#define FRAME_PORT_HORIZON (UINT64_MAX / 4)
struct frame_port {
    void *opaque;
    uint32_t node, nodes; /* this node's address, and how many there are */
    /* Sends a frame of len bytes (at most SPACE_NET_MTU) leaving at
     * virtual time `at` to node `peer` or to every other node
     * (SPACE_NET_BROADCAST). 0, or -1: no such peer. */
    int (*send)(void *opaque, uint64_t at, uint32_t peer, const void *data, uint32_t len);
    /* The arrival time of the next frame handed to this node
     * (FRAME_PORT_NONE: none yet). */
    uint64_t (*next)(void *opaque);
    /* Takes that frame if it arrives at or before `now`: its length, with
     * its source in *peer and its bytes in buf (SPACE_NET_MTU bytes), or
     * -1 when none is due. */
    long (*take)(void *opaque, uint64_t now, uint32_t *peer, void *buf);
    /* fn(arg) is called whenever frames were handed to this node (between
     * runs of the machine), so the device can schedule their arrival. */
    void (*on_arrival)(void *opaque, void (*fn)(void *arg), void *arg);
    /* fn(arg, e) for each fate the network gives a frame this node sends
     * (sent, lost, cut off, duplicated: told from send) or takes
     * (delivered: told from take), so a recording can keep them; fn NULL:
     * nobody. NULL when the port cannot tell (sim/net/netmodel.h has
     * struct net_event). */
    void (*fates)(void *opaque, void (*fn)(void *arg, const struct net_event *e), void *arg);
    void (*close)(void *opaque);
};

/* What a device may ask for at create (bound to that device by the
 * machine). Each returns NULL with a one-line reason in err. */
struct device_backends {
    void *opaque;
    struct char_source *(*char_source)(void *opaque, char *err, unsigned errlen);
    struct char_sink *(*char_sink)(void *opaque, char *err, unsigned errlen);
    /* The block store `name` (a disk image), created with create_size bytes
     * if it does not exist and create_size is not 0; attached read-only if
     * asked, or if the host refuses writing. */
    struct block_store *(*block_store)(void *opaque, const char *name, uint64_t create_size,
                                       bool readonly, char *err, unsigned errlen);
    struct frame_port *(*frame_port)(void *opaque, char *err, unsigned errlen);
};

/* The same for a whole machine: `device` is the asking device's position
 * on the bus (sim/core/bus.c binds it into a struct device_backends). A
 * NULL member: the machine has no such backend (asking fails). */
struct backend_provider {
    void *arg;
    struct char_source *(*char_source)(void *arg, unsigned device, char *err, unsigned errlen);
    struct char_sink *(*char_sink)(void *arg, unsigned device, char *err, unsigned errlen);
    struct block_store *(*block_store)(void *arg, unsigned device, const char *name,
                                       uint64_t create_size, bool readonly, char *err,
                                       unsigned errlen);
    struct frame_port *(*frame_port)(void *arg, unsigned device, char *err, unsigned errlen);
};

#endif

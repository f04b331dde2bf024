/* backend: where a device's input comes from and its output goes - a
 * character source and sink (the console) and a block store (the disk).
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
};

#endif

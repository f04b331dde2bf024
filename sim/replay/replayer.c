#include "replayer.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "inputs.h"
#include "sim/core/loader.h"
#include "sim/host/stdio_console.h"
#include "sim/util/hash.h"
#include "recfile.h"
#define SPACE_HOST
#include "basicoz/include/space.h"
#include "travel_io.h"

#define MAX_DEVICES BUS_MAX_DEVICES

static const char *state_name(uint32_t state)
{
    static const char *const names[] = {[MACHINE_RUNNING] = "running",
                                        [MACHINE_HALTED] = "halted",
                                        [MACHINE_STOPPED] = "machine stop",
                                        [MACHINE_LIMIT] = "instruction limit",
                                        [MACHINE_INTERRUPTED] = "interrupted"};
    return state < sizeof names / sizeof names[0] ? names[state] : "unknown";
}

struct recorded_input {
    uint64_t time;
    uint32_t device, kind, len;
    const uint8_t *data;
};

struct replay {
    struct recfile_reader tr;
    struct machine *m;
    struct ram_hasher hasher;
    char note[256];
    const struct frame_watch *frames; /* replay_options' */
    /* from the trace */
    char *image_name;
    const uint8_t *image;
    size_t image_size;
    uint8_t *own_image;      /* a --kernel replacement */
    const char *kernel_path; /* its file (--kernel), or NULL */
    struct recorded_input *in;
    unsigned nin;
    unsigned next_in[MAX_DEVICES]; /* each device's next input */
    struct checkpoint *cp;
    unsigned ncp, next_cp;
    bool ended; /* the END record */
    uint64_t end_time;
    uint32_t end_state, end_code;
    char *end_reason;
    struct checkpoint end_cp;
    char *cmdline;
    struct device_config *devices;
    struct {
        bool present;
        uint32_t sectors;
        bool readonly;
    } store[MAX_DEVICES]; /* each device's block store */
    FILE *console_output;
    const struct char_sink *also;
    uint32_t node, nodes; /* a node of a multicomputer (nodes 0: alone) */
    struct {
        void (*fn)(void *);
        void *arg;
        unsigned next;     /* its next INPUT_ARRIVAL */
    } listen[MAX_DEVICES]; /* frame ports' devices, told of arrivals */
    net_observer *fates;   /* replay_observe_net's */
    void *fates_arg;
    /* Another kernel against the recorded inputs (replay_cross): inputs
     * in the order it asks, no checkpoints. */
    bool cross;
    struct replay_inputs taken;
    /* what the replay found */
    bool diverged;
    char report[1024];
};

static void diverge(struct replay *rp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diverge(struct replay *rp, const char *fmt, ...)
{
    if (rp->diverged)
        return;
    rp->diverged = true;
    /* A node of a multicomputer: its report names it. */
    const struct machine_config *cfg = machine_config(rp->m);
    int at = cfg->nodes ? snprintf(rp->report, sizeof rp->report, "node %u: ", cfg->node) : 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rp->report + at, sizeof rp->report - (size_t)at, fmt, ap);
    va_end(ap);
    machine_stop(rp->m, "replay diverged: %s", rp->report);
}

/* The next recorded input of `device` at or after index i. */
static unsigned input_from(const struct replay *rp, unsigned device, unsigned i)
{
    while (i < rp->nin && rp->in[i].device != device)
        i++;
    return i;
}

static const char *device_label(const struct replay *rp, unsigned device, char *buf, unsigned len)
{
    const struct bus *bus = machine_bus(rp->m);
    if (device < bus->ndev)
        snprintf(buf, len, "%s%u", bus->dev[device].kind->name, bus->dev[device].unit);
    else
        snprintf(buf, len, "device %u", device);
    return buf;
}

static bool replay_input(void *arg, unsigned device, uint32_t *kind, const void **data,
                         uint32_t *len)
{
    struct replay *rp = arg;
    if (device >= MAX_DEVICES || !rp->m)
        return false; /* (a device asking at its creation: nothing recorded yet) */
    unsigned i = rp->next_in[device];
    if (i >= rp->nin)
        return false;
    uint64_t now = machine_now(rp->m);
    const struct recorded_input *in = &rp->in[i];
    if (in->time > now)
        return false;
    if (in->time < now) {
        char label[48];
        diverge(rp, "%s took a recorded input of virtual time %llu only at %llu",
                device_label(rp, device, label, sizeof label), (unsigned long long)in->time,
                (unsigned long long)now);
        return false;
    }
    *kind = in->kind;
    *data = in->data;
    *len = in->len;
    rp->next_in[device] = input_from(rp, device, i + 1);
    return true;
}

/* Another kernel's feed: the device's recorded inputs in their order,
 * whenever it asks (a console line as a file's would be: devices/console.c
 * takes one when the guest wants input). */
static bool cross_input(void *arg, unsigned device, uint32_t *kind, const void **data,
                        uint32_t *len)
{
    struct replay *rp = arg;
    if (device >= MAX_DEVICES || !rp->m)
        return false;
    unsigned i = rp->next_in[device];
    if (i >= rp->nin) {
        rp->taken.asked_past_end = true;
        return false;
    }
    const struct recorded_input *in = &rp->in[i];
    *kind = in->kind;
    *data = in->data;
    *len = in->len;
    rp->next_in[device] = input_from(rp, device, i + 1);
    if (in->kind == INPUT_LINE)
        rp->taken.lines_taken++;
    else if (in->kind == INPUT_END)
        rp->taken.end_taken = true;
    return true;
}

/* The next INPUT_ARRIVAL of `device` at or after index i. */
static unsigned arrival_from(const struct replay *rp, unsigned device, unsigned i)
{
    while ((i = input_from(rp, device, i)) < rp->nin && rp->in[i].kind != INPUT_ARRIVAL)
        i++;
    return i;
}

static void replay_listen(void *arg, unsigned device, void (*fn)(void *), void *fn_arg)
{
    struct replay *rp = arg;
    if (device >= MAX_DEVICES)
        return;
    rp->listen[device].fn = fn;
    rp->listen[device].arg = fn_arg;
    rp->listen[device].next = arrival_from(rp, device, 0);
}

/* Frames handed over at `now` in the recording: the device is told, as it
 * was then. Returns when the next is due. */
static uint64_t tell_arrivals(struct replay *rp, uint64_t now)
{
    uint64_t next = UINT64_MAX;
    for (unsigned d = 0; d < MAX_DEVICES; d++) {
        if (!rp->listen[d].fn)
            continue;
        unsigned i = rp->listen[d].next;
        while (!rp->diverged && i < rp->nin && rp->in[i].time == now) {
            if (rp->next_in[d] != i) {
                char label[48];
                diverge(rp, "%s was not told of frames at virtual time %llu as recorded",
                        device_label(rp, d, label, sizeof label), (unsigned long long)now);
                break;
            }
            rp->next_in[d] = input_from(rp, d, i + 1);
            rp->listen[d].fn(rp->listen[d].arg);
            i = rp->listen[d].next = arrival_from(rp, d, i + 1);
        }
        if (i < rp->nin && rp->in[i].time < next)
            next = rp->in[i].time;
    }
    return next;
}

static void replay_diverged(void *arg, unsigned device, const char *what)
{
    struct replay *rp = arg;
    char label[48];
    diverge(rp, "%s %s (virtual time %llu)", device_label(rp, device, label, sizeof label), what,
            (unsigned long long)machine_now(rp->m));
}

static void replay_fate(void *arg, const struct net_event *e)
{
    struct replay *rp = arg;
    if (rp->fates)
        rp->fates(rp->fates_arg, e);
}

void replay_observe_net(struct replay *rp, net_observer *fn, void *arg)
{
    rp->fates = fn;
    rp->fates_arg = arg;
}

/* ---- The replayed machine's backends: the recording's ---- */

static struct char_source *rep_char_source(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct replay *rp = arg;
    struct input_feed feed = {arg, rp->cross ? cross_input : replay_input, replay_diverged,
                              replay_listen, NULL};
    struct char_source *s = replay_char_source(device, &feed);
    if (!s)
        snprintf(err, errlen, "out of host memory");
    else if (rp->cross)
        s->nonblocking = true; /* out of lines: the machine pauses for input (replay_run ends) */
    return s;
}

static struct char_sink *rep_char_sink(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct replay *rp = arg;
    (void)device;
    struct char_sink *s = stdio_sink_open(rp->console_output, rp->also);
    if (!s)
        snprintf(err, errlen, "out of host memory");
    return s;
}

/* Another kernel's disk: every sector the recording read is there from the
 * start (rep_block_store), so one asked for is one it never read. */
static bool cross_no_sector(void *arg, unsigned device, uint32_t *kind, const void **data,
                            uint32_t *len)
{
    (void)arg, (void)device, (void)kind, (void)data, (void)len;
    return false;
}

static void cross_diverged(void *arg, unsigned device, const char *what)
{
    struct replay *rp = arg;
    char label[48];
    diverge(rp,
            "the new kernel's %s %s: the trace holds only the sectors the recorded run read "
            "(virtual time %llu)",
            device_label(rp, device, label, sizeof label), what,
            (unsigned long long)machine_now(rp->m));
}

static struct block_store *rep_block_store(void *arg, unsigned device, const char *name,
                                           uint64_t create_size, bool readonly, char *err,
                                           unsigned errlen)
{
    struct replay *rp = arg;
    struct input_feed feed = {arg, replay_input, replay_diverged, replay_listen, NULL};
    if (rp->cross)
        feed = (struct input_feed){arg, cross_no_sector, cross_diverged, replay_listen, NULL};
    (void)name; /* (no image: the recording has what the run read) */
    (void)create_size;
    (void)readonly;
    if (device >= MAX_DEVICES || !rp->store[device].present) {
        snprintf(err, errlen, "%s: the recording has no block store for device %u", rp->tr.path,
                 device);
        return NULL;
    }
    struct block_store *s =
        replay_block_store(device, rp->store[device].sectors, rp->store[device].readonly, &feed);
    if (!s) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    /* Another kernel may read the sectors in another order: it finds every
     * sector the recording read where it was (one it did not read departs). */
    for (unsigned i = 0; rp->cross && i < rp->nin; i++) {
        const struct recorded_input *in = &rp->in[i];
        if (in->device != device || in->kind != INPUT_SECTOR || in->len != 4 + BLOCK_SECTOR_SIZE)
            continue;
        uint32_t sector =
            in->data[0] | in->data[1] << 8 | in->data[2] << 16 | (uint32_t)in->data[3] << 24;
        if (sector < s->sectors && s->write(s->opaque, sector, 1, in->data + 4) != 0) {
            snprintf(err, errlen, "out of host memory");
            s->close(s->opaque);
            return NULL;
        }
    }
    return s;
}

static struct frame_port *rep_frame_port(void *arg, unsigned device, char *err, unsigned errlen)
{
    struct replay *rp = arg;
    struct input_feed feed = {arg, replay_input, replay_diverged, replay_listen, replay_fate};
    struct frame_port *p = replay_frame_port(device, rp->node, rp->nodes, &feed, rp->frames);
    if (!p)
        snprintf(err, errlen, "out of host memory");
    return p;
}

/* Inputs the recording took before `now` that the replay has not. */
static void check_missed_inputs(struct replay *rp, uint64_t now)
{
    for (unsigned d = 0; d < MAX_DEVICES; d++) {
        unsigned i = rp->next_in[d];
        if (i < rp->nin && rp->in[i].time < now) {
            char label[48];
            diverge(rp,
                    "the recording gave %s an input at virtual time %llu that the replay "
                    "never asked for",
                    device_label(rp, d, label, sizeof label), (unsigned long long)rp->in[i].time);
            return;
        }
    }
}

static void compare(struct replay *rp, const struct checkpoint *want, const char *which)
{
    struct checkpoint now;
    checkpoint_take(rp->m, &rp->hasher, &now);
    char diff[768];
    if (checkpoint_diff(want, &now, machine_physmem(rp->m)->ram_size, diff, sizeof diff))
        diverge(rp, "%s (virtual time %llu): %s", which, (unsigned long long)want->time, diff);
}

static void replay_alarm(struct machine *m, void *arg)
{
    struct replay *rp = arg;
    uint64_t now = machine_now(m);
    check_missed_inputs(rp, now);
    while (!rp->diverged && rp->next_cp < rp->ncp && rp->cp[rp->next_cp].time <= now) {
        char which[48];
        /* numbered as `space replay` counts them: the final one is the last */
        snprintf(which, sizeof which, "checkpoint %u of %u", rp->next_cp + 1, rp->ncp + 1);
        compare(rp, &rp->cp[rp->next_cp], which);
        rp->next_cp++;
    }
    uint64_t arrival = rp->diverged ? UINT64_MAX : tell_arrivals(rp, now);
    if (rp->diverged)
        return;
    if (now >= rp->end_time) {
        if (rp->end_state == MACHINE_INTERRUPTED) {
            machine_end(m, MACHINE_INTERRUPTED); /* where the recorded run was stopped */
        } else if (rp->end_state != MACHINE_LIMIT && now > rp->end_time) {
            diverge(rp, "the recorded run ended at virtual time %llu (%s); the replay runs on",
                    (unsigned long long)rp->end_time, state_name(rp->end_state));
        }
    }
    uint64_t at = rp->next_cp < rp->ncp ? rp->cp[rp->next_cp].time : UINT64_MAX;
    uint64_t end = rp->end_state == MACHINE_INTERRUPTED ? rp->end_time : rp->end_time + 1;
    if (end > now && end < at)
        at = end;
    if (arrival < at)
        at = arrival;
    machine_set_alarm(m, at, replay_alarm, rp);
}

/* A device of the CONFIG record: its options, and its backend. */
static int load_device(struct replay *rp, uint32_t i, struct tcur *c, char *err, unsigned errlen)
{
    uint32_t n = tcur_u32(c);
    for (uint32_t k = 0; k < n && !c->short_read; k++) {
        bool null;
        char *name = tcur_str(c, &null);
        char *value = tcur_str(c, &null);
        char why[200];
        int rc = name ? device_config_set(rp->devices, name, value, why, sizeof why) : 0;
        free(name);
        free(value);
        if (rc != 0) {
            snprintf(err, errlen, "%s: the recorded machine cannot be built here: %s", rp->tr.path,
                     why);
            return -1;
        }
    }
    rp->store[i].present = tcur_u8(c);
    if (rp->store[i].present) {
        rp->store[i].sectors = tcur_u32(c);
        rp->store[i].readonly = tcur_u8(c);
    }
    return 0;
}

/* Reads every record; fills rp's tables. */
static int load(struct replay *rp, struct machine_config *cfg, char *dev_names[MAX_DEVICES],
                uint32_t *ndev, char *err, unsigned errlen)
{
    uint32_t type, len;
    const uint8_t *p;
    int got;
    bool have_config = false, seen_config = false, seen_image = false;
    unsigned cap_in = 0, cap_cp = 0;
    while ((got = recfile_next(&rp->tr, &type, &p, &len, err, errlen)) == 1) {
        struct tcur c = {p, len, false};
        bool null;
        if (rp->ended) {
            snprintf(err, errlen, "%s: corrupt: record %u follows the end record", rp->tr.path,
                     rp->tr.record);
            return -1;
        }
        /* One configuration and one kernel image: a second would replace
         * what the first set up (and leak it). */
        if ((type == REC_CONFIG && seen_config) || (type == REC_IMAGE && seen_image)) {
            snprintf(err, errlen, "%s: corrupt: record %u is a second %s record", rp->tr.path,
                     rp->tr.record, type == REC_CONFIG ? "configuration" : "kernel image");
            return -1;
        }
        switch (type) {
        case REC_CONFIG: {
            seen_config = true;
            free(tcur_str(&c, &null)); /* the recording space's version */
            cfg->ram_size = tcur_u32(&c);
            cfg->max_insns = tcur_u64(&c);
            rp->cmdline = tcur_str(&c, &null);
            cfg->cmdline = rp->cmdline;
            cfg->ncpus = tcur_u32(&c);
            tcur_u64(&c); /* the interval: the checkpoints carry their times */
            *ndev = tcur_u32(&c);
            for (uint32_t i = 0; i < *ndev && i < MAX_DEVICES && !c.short_read; i++) {
                dev_names[i] = tcur_str(&c, &null);
                if (load_device(rp, i, &c, err, errlen) != 0)
                    return -1;
            }
            if (cfg->ncpus > 1 && c.left) {
                cfg->quantum = tcur_u64(&c);
                cfg->jitter = tcur_u8(&c) != 0;
                cfg->seed = tcur_u64(&c);
            }
            if (c.left) { /* a node of a multicomputer */
                cfg->node = rp->node = tcur_u32(&c);
                cfg->nodes = rp->nodes = tcur_u32(&c);
                if (cfg->ncpus > 1 && c.left)
                    cfg->round_grid = tcur_u64(&c);
            }
            have_config = *ndev <= MAX_DEVICES;
            break;
        }
        case REC_IMAGE:
            seen_image = true;
            rp->image_name = tcur_str(&c, &null);
            tcur_u64(&c);
            rp->image_size = c.left;
            rp->image = tcur_bytes(&c, c.left);
            break;
        case REC_DISK:    /* (the sectors the run read are among its inputs) */
            tcur_u32(&c); /* device */
            free(tcur_str(&c, &null));
            tcur_u64(&c); /* size */
            tcur_u64(&c); /* hash */
            break;
        case REC_INPUT: {
            if (rp->nin == cap_in) {
                cap_in = cap_in ? cap_in * 2 : 64;
                void *n = realloc(rp->in, cap_in * sizeof *rp->in);
                if (!n) {
                    snprintf(err, errlen, "out of host memory");
                    return -1;
                }
                rp->in = n;
            }
            struct recorded_input *in = &rp->in[rp->nin];
            in->time = tcur_u64(&c);
            in->device = tcur_u32(&c);
            in->kind = tcur_u32(&c);
            in->len = c.left;
            in->data = tcur_bytes(&c, c.left);
            if (rp->nin && in->time < rp->in[rp->nin - 1].time)
                c.short_read = true; /* inputs are in time order */
            rp->nin++;
            break;
        }
        case REC_CHECKPOINT:
            if (rp->ncp == cap_cp) {
                cap_cp = cap_cp ? cap_cp * 2 : 64;
                void *n = realloc(rp->cp, cap_cp * sizeof *rp->cp);
                if (!n) {
                    snprintf(err, errlen, "out of host memory");
                    return -1;
                }
                rp->cp = n;
            }
            if (checkpoint_decode(p, len, &rp->cp[rp->ncp]) != 0)
                c.short_read = true;
            rp->ncp++;
            break;
        case REC_END:
            rp->end_time = tcur_u64(&c);
            rp->end_state = tcur_u32(&c);
            rp->end_code = tcur_u32(&c);
            rp->end_reason = tcur_str(&c, &null);
            if (!c.short_read && checkpoint_decode(c.p, c.left, &rp->end_cp) != 0)
                c.short_read = true;
            c.left = 0;
            rp->ended = true;
            break;
        default:
            snprintf(err, errlen, "%s: corrupt: record %u has unknown type %u", rp->tr.path,
                     rp->tr.record, type);
            return -1;
        }
        if (c.short_read || (type != REC_END && type != REC_CHECKPOINT && c.left)) {
            snprintf(err, errlen, "%s: corrupt: record %u (type %u) is malformed", rp->tr.path,
                     rp->tr.record, type);
            return -1;
        }
    }
    if (got < 0)
        return -1;
    if (!have_config || !rp->image) {
        snprintf(err, errlen, "%s: corrupt: the trace has no %s record", rp->tr.path,
                 have_config ? "kernel image" : "configuration");
        return -1;
    }
    if (!rp->ended) {
        snprintf(err, errlen,
                 "%s: truncated: the trace has no end record (the recording was cut short "
                 "after %u records)",
                 rp->tr.path, rp->tr.record);
        return -1;
    }
    return 0;
}

/* The name of the kernel the replay boots, for its errors and symbols: the
 * --kernel file, or the recorded image's name. */
static const char *image_label(const struct replay *rp)
{
    if (rp->kernel_path)
        return rp->kernel_path;
    return rp->image_name && rp->image_name[0] ? rp->image_name : "the recorded kernel image";
}

struct replay *replay_open(const char *path, const struct replay_options *opt, char *err,
                           unsigned errlen)
{
    struct replay *rp = calloc(1, sizeof *rp);
    if (!rp) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    struct machine_config cfg = {0};
    char *dev_names[MAX_DEVICES] = {0};
    uint32_t ndev = 0;
    rp->console_output = opt->console_output ? opt->console_output : stdout;
    rp->frames = opt->frames;
    rp->also = cfg.debug_sink = opt->also;
    if (!(rp->devices = device_config_new())) {
        snprintf(err, errlen, "out of host memory");
        free(rp);
        return NULL;
    }
    if (recfile_open(&rp->tr, path, err, errlen) != 0) {
        device_config_free(rp->devices);
        free(rp);
        return NULL;
    }
    int ok = load(rp, &cfg, dev_names, &ndev, err, errlen) == 0;
    if (ok && opt->kernel_path) {
        size_t size;
        ok = loader_read_file(opt->kernel_path, "kernel", &rp->own_image, &size, err, errlen) == 0;
        if (ok && (size != rp->image_size || memcmp(rp->own_image, rp->image, size) != 0))
            snprintf(rp->note, sizeof rp->note,
                     "%s differs from the recorded kernel image '%s' (hash %016llx, recorded "
                     "%016llx)",
                     opt->kernel_path, rp->image_name ? rp->image_name : "",
                     (unsigned long long)hash64(rp->own_image, size, 0),
                     (unsigned long long)hash64(rp->image, rp->image_size, 0));
        if (ok) {
            /* A node's network answers hold the other nodes' timing: it
             * replays exactly, checkpoints and all, whatever the kernel. */
            rp->cross = rp->note[0] && !rp->nodes;
            rp->image = rp->own_image;
            rp->image_size = size;
            rp->kernel_path = opt->kernel_path;
        }
    }
    if (ok && rp->cross && !cfg.max_insns) /* (another kernel may never end) */
        cfg.max_insns = rp->end_time > (UINT64_MAX - REPLAY_CROSS_MIN_BUDGET) / 4
                            ? UINT64_MAX
                            : rp->end_time * 4 + REPLAY_CROSS_MIN_BUDGET;
    if (ok) {
        cfg.devices = rp->devices;
        cfg.backends = (struct backend_provider){.arg = rp,
                                                 .char_source = rep_char_source,
                                                 .char_sink = rep_char_sink,
                                                 .block_store = rep_block_store,
                                                 .frame_port = rep_frame_port};
        if (opt->travel_io)
            cfg.backends = travel_io_wrap(opt->travel_io, cfg.backends);
        rp->m = machine_create(&cfg, err, errlen);
        ok = rp->m != NULL;
        if (ok && opt->travel_io)
            travel_io_attach(opt->travel_io, rp->m);
    }
    const struct bus *bus = ok ? machine_bus(rp->m) : NULL;
    for (uint32_t i = 0; ok && i < ndev; i++)
        if (i >= bus->ndev || !dev_names[i] || strcmp(bus->dev[i].kind->name, dev_names[i])) {
            snprintf(err, errlen,
                     "%s: the recorded machine's device %u is '%s', this space has '%s'", path, i,
                     dev_names[i] ? dev_names[i] : "?",
                     i < bus->ndev ? bus->dev[i].kind->name : "none");
            ok = false;
        }
    if (ok && bus->ndev != ndev) {
        snprintf(err, errlen, "%s: the recorded machine had %u devices, this space builds %u", path,
                 ndev, bus->ndev);
        ok = false;
    }
    for (uint32_t i = 0; i < MAX_DEVICES; i++)
        free(dev_names[i]);
    if (ok && ram_hasher_init(&rp->hasher, rp->m) != 0) {
        snprintf(err, errlen, "out of host memory");
        ok = false;
    }
    if (ok)
        ok =
            machine_boot_image(rp->m, image_label(rp), rp->image, rp->image_size, err, errlen) == 0;
    if (!ok) {
        replay_close(rp);
        return NULL;
    }
    for (unsigned d = 0; d < MAX_DEVICES; d++)
        rp->next_in[d] = input_from(rp, d, 0);
    for (unsigned i = 0; i < rp->nin; i++) {
        const struct recorded_input *in = &rp->in[i];
        bool console =
            in->device < bus->ndev && bus->dev[in->device].kind->type == SPACE_DEVICE_CONSOLE;
        rp->taken.lines += console && in->kind == INPUT_LINE;
        rp->taken.end_recorded |= console && in->kind == INPUT_END;
    }
    if (!rp->cross) { /* (exact: everything taken as recorded, or the replay diverges) */
        rp->taken.lines_taken = rp->taken.lines;
        rp->taken.end_taken = rp->taken.end_recorded;
    }
    machine_set_debug_out(rp->m, rp->console_output);
    if (!rp->cross)
        machine_set_alarm(rp->m, 0, replay_alarm, rp);
    return rp;
}

struct machine *replay_machine(struct replay *rp)
{
    return rp->m;
}

const char *replay_note(const struct replay *rp)
{
    return rp->note;
}

bool replay_cross(const struct replay *rp)
{
    return rp->cross;
}

void replay_inputs_taken(const struct replay *rp, struct replay_inputs *in)
{
    *in = rp->taken;
}

void replay_image(const struct replay *rp, const char **name, const uint8_t **image, size_t *size)
{
    *name = image_label(rp);
    *image = rp->image;
    *size = rp->image_size;
}

void replay_run(struct replay *rp, bool single_step)
{
    struct machine *m = rp->m;
    while (machine_state(m) == MACHINE_RUNNING) {
        machine_run_until(m, single_step ? machine_now(m) + 1 : UINT64_MAX);
        if (machine_state(m) == MACHINE_RUNNING && machine_pause_reason(m).why == PAUSE_INPUT)
            break; /* (a replay never waits for a person) */
    }
}

bool replay_verdict(struct replay *rp, char *report, unsigned len)
{
    struct machine *m = rp->m;
    if (!rp->diverged && !rp->cross) {
        uint64_t now = machine_now(m);
        enum machine_state st = machine_state(m);
        uint32_t code = machine_exit_code(m);
        const char *reason = machine_stop_reason(m);
        char last[64];
        snprintf(last, sizeof last, "the final checkpoint, %u of %u", rp->ncp + 1, rp->ncp + 1);
        if (st != rp->end_state || now != rp->end_time ||
            (st == MACHINE_HALTED && code != rp->end_code) ||
            (st == MACHINE_STOPPED && strcmp(reason, rp->end_reason ? rp->end_reason : "")))
            diverge(rp,
                    "the recorded run ended at virtual time %llu (%s, code %u%s%s), the replay at "
                    "%llu (%s, code %u%s%s)",
                    (unsigned long long)rp->end_time, state_name(rp->end_state), rp->end_code,
                    rp->end_state == MACHINE_STOPPED ? ": " : "",
                    rp->end_state == MACHINE_STOPPED && rp->end_reason ? rp->end_reason : "",
                    (unsigned long long)now, state_name(st), code,
                    st == MACHINE_STOPPED ? ": " : "", st == MACHINE_STOPPED ? reason : "");
        else
            compare(rp, &rp->end_cp, last);
        if (!rp->diverged)
            check_missed_inputs(rp, UINT64_MAX);
    }
    snprintf(report, len, "%s", rp->diverged ? rp->report : "");
    return !rp->diverged;
}

void replay_progress(const struct replay *rp, unsigned *checked, unsigned *total)
{
    *checked = rp->next_cp;
    *total = rp->ncp;
}

void replay_close(struct replay *rp)
{
    if (!rp)
        return;
    machine_destroy(rp->m);
    ram_hasher_free(&rp->hasher);
    recfile_close(&rp->tr);
    free(rp->own_image);
    free(rp->image_name);
    free(rp->end_reason);
    free(rp->cmdline);
    device_config_free(rp->devices);
    free(rp->in);
    free(rp->cp);
    free(rp);
}

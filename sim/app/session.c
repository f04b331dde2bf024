#include "session.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "sim/core/loader.h"
#include "sim/replay/travel.h"
#include "sim/replay/travel_io.h"

enum session_failure session_start(struct session *s, const struct session_config *cfg, char *err,
                                   unsigned errlen)
{
    *s = (struct session){.host = cfg->host};
    machine_ctrl_c_target(NULL, true); /* a press from now on counts */
    struct machine_config mc = cfg->machine;
    mc.backends = host_backends_provider(&s->host);
    if (cfg->record_path) {
        if (!(s->rec = recorder_open(cfg->record_path, cfg->checkpoint_interval, &mc.backends))) {
            snprintf(err, errlen, "out of host memory");
            return SESSION_RECORD;
        }
        mc.backends = *recorder_backends(s->rec);
    } else if (cfg->reverse_budget) {
        if (!(s->io = travel_io_create())) {
            snprintf(err, errlen, "time travel: out of host memory");
            return SESSION_TRAVEL;
        }
        mc.backends = travel_io_wrap(s->io, mc.backends);
    }
    struct machine *m = machine_create(&mc, err, errlen);
    if (!m) {
        recorder_discard(s->rec);
        if (s->io)
            travel_io_free(s->io);
        return SESSION_MACHINE;
    }
    if (s->io)
        travel_io_attach(s->io, m);
    if (cfg->host.output)
        machine_set_debug_out(m, cfg->host.output);
    /* The kernel as bytes: a recording keeps them. */
    uint8_t *file_image = NULL;
    size_t file_size = 0;
    struct record_setup setup = {.image_name = SESSION_BUILTIN_NAME,
                                 .image = basicoz_image,
                                 .image_size = basicoz_image_size};
    enum session_failure failed = SESSION_OK;
    if (cfg->kernel_path) {
        if (loader_read_file(cfg->kernel_path, "kernel image", &file_image, &file_size, err,
                             errlen) != 0)
            failed = SESSION_KERNEL;
        setup.image_name = cfg->kernel_path;
        setup.image = file_image;
        setup.image_size = file_size;
    }
    if (failed == SESSION_OK &&
        machine_boot_image(m, setup.image_name, setup.image, setup.image_size, err, errlen) != 0)
        failed = SESSION_KERNEL;
    else if (failed == SESSION_OK && s->rec && recorder_start(s->rec, m, &setup, err, errlen) != 0)
        failed = SESSION_RECORD;
    else if (failed == SESSION_OK && s->io &&
             !(s->travel = travel_create(m, s->io, cfg->reverse_budget, err, errlen)))
        failed = SESSION_TRAVEL;
    free(file_image);
    if (failed != SESSION_OK) {
        machine_destroy(m);
        recorder_discard(s->rec);
        if (s->io)
            travel_io_free(s->io);
        s->rec = NULL;
        s->io = NULL;
        return failed;
    }
    s->m = m;
    return SESSION_OK;
}

enum machine_state session_run(struct session *s,
                               enum machine_state (*drive)(void *arg, struct machine *m), void *arg)
{
    machine_ctrl_c_target(s->m, true);
    enum machine_state st = drive ? drive(arg, s->m) : machine_run(s->m);
    machine_ctrl_c_target(NULL, true);
    return st;
}

int session_describe_end(struct machine *m, enum machine_state st, const char *interrupted_by,
                         char *line, unsigned len)
{
    unsigned long long t = (unsigned long long)machine_now(m);
    struct cpu_regs r;
    cpu_get_regs(machine_cpu(m, 0), &r);
    switch (st) {
    case MACHINE_HALTED:
        snprintf(line, len, "guest halted with code %u after %llu instructions",
                 machine_exit_code(m), t);
        return (int)(machine_exit_code(m) & 0xff);
    case MACHINE_LIMIT:
        snprintf(line, len,
                 "instruction limit reached: %llu instructions, CONTEXT %u MODE %u pc %#x", t,
                 cpu_context(machine_cpu(m, 0)), cpu_mode(machine_cpu(m, 0)), r.eip);
        return EXIT_LIMIT;
    case MACHINE_INTERRUPTED:
        snprintf(line, len, "%s after %llu instructions, CONTEXT %u MODE %u pc %#x",
                 interrupted_by ? interrupted_by : "interrupted", t, cpu_context(machine_cpu(m, 0)),
                 cpu_mode(machine_cpu(m, 0)), r.eip);
        return EXIT_INTERRUPTED;
    default:
        snprintf(line, len, "machine stop after %llu instructions: %s", t, machine_stop_reason(m));
        return EXIT_MACHINE_STOP;
    }
}

int session_finish(struct session *s, char *err, unsigned errlen)
{
    int rc = 0;
    if (s->rec && recorder_finish(s->rec, err, errlen) != 0)
        rc = -1;
    travel_free(s->travel);
    machine_destroy(s->m);
    if (s->io)
        travel_io_free(s->io); /* (after the devices that used it) */
    *s = (struct session){0};
    return rc;
}

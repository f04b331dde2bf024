/* fuzz_trace: any bytes as a recording (docs/trace-format.md): the record
 * frames (sim/replay/recfile.c), their payloads and checkpoints
 * (checkpoint.c), and the replayer's reading of every record (replayer.c),
 * then a short replay of what it accepted. A bad trace must be refused
 * with one line, never acted on. */
#include <stdio.h>
#include <unistd.h>

#include "sim/replay/replayer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];
static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/space-fuzz-trace-%ld.trc", (long)getpid());
        devnull = fopen("/dev/null", "w");
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size) {
        if (f)
            fclose(f);
        return 0;
    }
    fclose(f);
    struct replay_options opt = {.console_output = devnull};
    char err[512];
    struct replay *rp = replay_open(path, &opt, err, sizeof err);
    if (rp) {
        struct machine *m = replay_machine(rp);
        machine_set_debug_out(m, NULL);
        machine_run_until(m, machine_now(m) + 5000);
        char report[1024];
        replay_verdict(rp, report, sizeof report);
        replay_close(rp);
    }
    remove(path);
    return 0;
}

/* The GDB stub without a socket (gdbstub_serve_bytes, what tests/fuzz's
 * fuzz_gdb drives): framing, checksums and acknowledgements, a packet with
 * a bad checksum, a step, and the end of the bytes or a kill ending the
 * session as a closed connection or a kill does. */
#include <string.h>

#include "tests/fuzz/fuzz_machine.h"
#include "tests/unit/unit.h"
#include "ui/gdb/gdbstub.h"

static enum machine_state serve(const char *bytes, const char **why, uint64_t *now)
{
    struct machine *m = fuzz_machine(NULL, 0);
    EXPECT(m);
    enum machine_state st = gdbstub_serve_bytes(m, bytes, (unsigned)strlen(bytes), why);
    *now = machine_now(m);
    machine_destroy(m);
    return st;
}

int main(void)
{
    const char *why;
    uint64_t now;
    /* ?, g, a bad checksum (answered '-', then ignored), one step, k */
    EXPECT(serve("+$?#3f+$g#67+$m0,ffffffff#00-$s#73+$k#6b", &why, &now) == MACHINE_INTERRUPTED);
    EXPECT(why && !strcmp(why, "killed by gdb"));
    EXPECT(now == 1);
    /* bytes that stop mid-packet: gdb went away */
    EXPECT(serve("+$qSupported:swbreak+;hwbre", &why, &now) == MACHINE_INTERRUPTED);
    EXPECT(why && !strcmp(why, "gdb closed the connection"));
    /* continue: the tiny kernel halts */
    EXPECT(serve("+$c#63", &why, &now) == MACHINE_HALTED);
    return 0;
}

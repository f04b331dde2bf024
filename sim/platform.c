#include "platform.h"

#include <signal.h>

static void (*interrupt_fn)(void);

static void on_sigint(int sig)
{
    (void)sig;
    if (interrupt_fn)
        interrupt_fn();
}

void platform_on_interrupt(void (*fn)(void))
{
    interrupt_fn = fn;
    signal(SIGINT, on_sigint);
}

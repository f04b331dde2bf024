/* platform: the only place that knows which host OS SPACE runs on.
 * Everything OS-specific (signals, terminals, sockets, file locking, paths)
 * goes behind a function here. */
#ifndef SPACE_PLATFORM_H
#define SPACE_PLATFORM_H

/* Calls fn (from a signal context: it must only set flags) when the user
 * presses Ctrl-C. */
void platform_on_interrupt(void (*fn)(void));

#endif

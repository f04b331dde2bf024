/* platform: the only place that knows which host OS SPACE runs on.
 * Everything OS-specific (signals, files, terminals, sockets, paths) goes
 * behind a function here. One file per OS implements it -
 * sim/host/platform_posix.c or sim/host/platform_windows.c, CMake picks
 * by WIN32 - and sim/host/platform.c (Ctrl-C's callback, disk image
 * files, directories) and sim/host/line_reader.c (console input read on a
 * thread) hold what is the same everywhere, on the primitives of
 * platform_os.h. */
#ifndef SPACE_PLATFORM_H
#define SPACE_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Calls fn (from a signal context: it must only set flags) when the user
 * presses Ctrl-C; one fn at a time, the last given. Its one caller is
 * machine_ctrl_c_target (sim/core/machine.h), which owns Ctrl-C. */
void platform_on_interrupt(void (*fn)(void));
/* Writes msg on stderr and ends the process at once with `status`, from
 * anywhere, a signal handler included: the last resort when the machine
 * does not stop at Ctrl-C. */
void platform_quit_now(const char *msg, int status);

/* Is this stream an interactive terminal? */
bool platform_is_terminal(FILE *f);
/* Can a read from this terminal stream return without blocking? (POSIX:
 * select(), which unlike macOS's poll() works on terminals everywhere.
 * Windows cannot tell, and says true: its console is read by a
 * platform_reader instead.) */
bool platform_input_ready(FILE *f);

/* Console input read a line at a time by a thread of its own, so that
 * whether a line has been typed is known without blocking on any host.
 * Used for terminals where platform_input_ready cannot tell (Windows), and
 * anywhere when the environment has SPACE_CONSOLE_READER=1 (=0: never);
 * platform_reader_wanted says which. The thread reads only when asked for
 * a line, one line ahead at most, and blocks no signal of the program's:
 * Ctrl-C ends a waiting take. */
bool platform_reader_wanted(void);
struct platform_reader;
/* Starts the thread on f, which it closes at the end if close_f. NULL if
 * no thread can be started (then read f directly). */
struct platform_reader *platform_reader_start(FILE *f, bool close_f);
/* The next line (with its newline, if any) in *line, valid until the next
 * take: its length. 0: none yet (without wait); -1: the end of input;
 * PLATFORM_READER_INTERRUPTED: Ctrl-C was pressed while waiting. */
#define PLATFORM_READER_INTERRUPTED (-2)
long platform_reader_take(struct platform_reader *r, bool wait, const char **line);
/* Stops taking lines; the thread ends when its read returns (a read in
 * progress cannot be cancelled; the line it gets is dropped). */
void platform_reader_stop(struct platform_reader *r);

/* Standard streams and files carry bytes, not text: no CR/LF translation
 * (Windows; nothing to do elsewhere). Not for a console being typed at,
 * whose lines Windows ends with CR LF. */
void platform_stream_binary(FILE *f);

/* Puts a terminal stream into raw mode for line editing (no echo, no line
 * buffering, Ctrl-C arriving as byte 3 instead of a signal); returns false
 * if that is not possible (not a terminal, or no support on this host:
 * then read plain lines). platform_terminal_restore undoes it. */
bool platform_terminal_raw(FILE *f);
void platform_terminal_restore(FILE *f);

/* Can console input be read from this stream: a regular file, a pipe, a
 * socket or a character device (a terminal, the null device)? False for
 * a directory, whose reads fail forever. */
bool platform_is_stream_input(FILE *f);

/* Do the two paths name one existing file (the same file through other
 * names or links)? False if either does not exist. */
bool platform_same_file(const char *a, const char *b);

/* The null device opened for writing (output nobody wants), or NULL. */
FILE *platform_open_null(void);

/* A file used as a block device image. */
struct platform_file;

/* Opens path for reading and writing (or only reading if *readonly is set
 * on entry), falling back to read-only if the host refuses writing (then
 * *readonly is set). If it does not exist and create_size is not 0,
 * creates it with that size (zero-filled). Returns NULL with a one-line
 * reason in err. */
struct platform_file *platform_file_open(const char *path, uint64_t create_size, bool *readonly,
                                         char *err, unsigned errlen);
uint64_t platform_file_size(struct platform_file *f);
/* Whole transfers only: 0, or -1 on an I/O error. */
int platform_file_read_at(struct platform_file *f, uint64_t off, void *buf, uint32_t len);
int platform_file_write_at(struct platform_file *f, uint64_t off, const void *buf, uint32_t len);
/* Makes written data durable (fsync). */
int platform_file_sync(struct platform_file *f);
void platform_file_close(struct platform_file *f);

/* Creates the directory path (its parent must exist). 0, also if it is a
 * directory already, or -1 with errno set. */
int platform_make_dir(const char *path);

/* A TCP socket (the GDB remote stub). */
struct platform_socket;

/* Listens on 127.0.0.1:port (loopback only; port 0: any free port) for one
 * connection. Returns NULL with a one-line reason in err. */
struct platform_socket *platform_listen_local(uint16_t port, char *err, unsigned errlen);
/* The port a listening socket is bound to. */
uint16_t platform_socket_port(struct platform_socket *s);
/* Waits up to timeout_ms (-1: forever) until s can be read (for a listening
 * socket: accepted). 1: ready, 0: not (time out, or a signal came),
 * -1: error. */
int platform_socket_wait(struct platform_socket *s, int timeout_ms);
/* Accepts a connection (without waiting if platform_socket_wait said 1).
 * NULL with a reason in err. */
struct platform_socket *platform_socket_accept(struct platform_socket *s, char *err,
                                               unsigned errlen);
/* Reads what is there, up to len (waits if nothing is): the count, 0 when
 * the peer closed the connection, -1 on an error. */
int platform_socket_recv(struct platform_socket *s, void *buf, unsigned len);
/* Sends all of buf: 0, or -1 (the connection is gone). */
int platform_socket_send(struct platform_socket *s, const void *buf, unsigned len);
void platform_socket_close(struct platform_socket *s);

#endif

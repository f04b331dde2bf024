#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L /* pread, pwrite, fsync */
#endif
#include "platform.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <io.h>
#include <fcntl.h>
#include <direct.h>
#include <sys/stat.h>
#else
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>
#endif

#ifndef S_ISREG
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#endif

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
#ifdef _WIN32
    signal(SIGINT, on_sigint);
#else
    /* No SA_RESTART: a read of console input that blocks is interrupted. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
#endif
}

bool platform_is_terminal(FILE *f)
{
#ifdef _WIN32
    return _isatty(_fileno(f));
#else
    return isatty(fileno(f));
#endif
}

bool platform_input_ready(FILE *f)
{
#ifdef _WIN32
    (void)f;
    return true; /* (no cheap check: read, possibly waiting) */
#else
    struct pollfd p = {.fd = fileno(f), .events = POLLIN};
    return poll(&p, 1, 0) > 0;
#endif
}

#ifndef _WIN32
static struct termios saved_termios;
static int raw_fd = -1;
#endif

bool platform_terminal_raw(FILE *f)
{
#ifdef _WIN32
    (void)f;
    return false; /* (the console's own line editing is used instead) */
#else
    int fd = fileno(f);
    struct termios t;
    if (!isatty(fd) || tcgetattr(fd, &t) != 0)
        return false;
    if (raw_fd < 0) {
        saved_termios = t;
        raw_fd = fd;
    }
    t.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | IXON | ISTRIP);
    t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    return tcsetattr(fd, TCSANOW, &t) == 0;
#endif
}

void platform_terminal_restore(FILE *f)
{
#ifdef _WIN32
    (void)f;
#else
    (void)f;
    if (raw_fd >= 0) {
        tcsetattr(raw_fd, TCSANOW, &saved_termios);
        raw_fd = -1;
    }
#endif
}

struct platform_file {
    int fd;
    uint64_t size;
};

#ifdef _WIN32
#define open_file(p, fl, mode) _open(p, (fl) | _O_BINARY, mode)
#define close_file             _close
#define RDWR                   _O_RDWR
#define RDONLY                 _O_RDONLY
#define CREATE_EXCL            (_O_CREAT | _O_EXCL)
#else
#define open_file(p, fl, mode) open(p, fl, mode)
#define close_file             close
#define RDWR                   O_RDWR
#define RDONLY                 O_RDONLY
#define CREATE_EXCL            (O_CREAT | O_EXCL)
#endif

static int seek_io(int fd, uint64_t off, void *buf, uint32_t len, bool write)
{
#ifdef _WIN32
    if (_lseeki64(fd, (long long)off, SEEK_SET) < 0)
        return -1;
    int n = write ? _write(fd, buf, len) : _read(fd, buf, len);
    return n == (int)len ? 0 : -1;
#else
    uint32_t done = 0;
    while (done < len) {
        ssize_t n = write ? pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + done))
                          : pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (uint32_t)n;
    }
    return 0;
#endif
}

struct platform_file *platform_file_open(const char *path, uint64_t create_size, bool *readonly,
                                         char *err, unsigned errlen)
{
    int fd = *readonly ? open_file(path, RDONLY, 0) : open_file(path, RDWR, 0);
    if (fd < 0 && !*readonly && (errno == EACCES || errno == EROFS || errno == EPERM)) {
        fd = open_file(path, RDONLY, 0);
        *readonly = fd >= 0;
    }
    if (fd < 0 && errno == ENOENT && create_size && !*readonly) {
        fd = open_file(path, RDWR | CREATE_EXCL, 0644);
        if (fd >= 0) {
            /* Extend by writing the last byte: works everywhere. */
            char zero = 0;
            if (seek_io(fd, create_size - 1, &zero, 1, true) != 0) {
                snprintf(err, errlen, "%s: cannot create a %llu-byte image: %s", path,
                         (unsigned long long)create_size, strerror(errno));
                close_file(fd);
                remove(path);
                return NULL;
            }
        }
    }
    if (fd < 0) {
        if (errno == ENOENT)
            snprintf(err, errlen, "%s: no such disk image (give --disk-size SIZE to create it)",
                     path);
        else
            snprintf(err, errlen, "%s: cannot open disk image: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        close_file(fd);
        return NULL;
    }
    struct platform_file *f = malloc(sizeof *f);
    if (!f) {
        close_file(fd);
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    f->fd = fd;
    f->size = (uint64_t)st.st_size;
    return f;
}

uint64_t platform_file_size(struct platform_file *f)
{
    return f->size;
}

int platform_file_read_at(struct platform_file *f, uint64_t off, void *buf, uint32_t len)
{
    return seek_io(f->fd, off, buf, len, false);
}

int platform_file_write_at(struct platform_file *f, uint64_t off, const void *buf, uint32_t len)
{
    return seek_io(f->fd, off, (void *)buf, len, true);
}

int platform_file_sync(struct platform_file *f)
{
#ifdef _WIN32
    return _commit(f->fd);
#else
    return fsync(f->fd);
#endif
}

void platform_file_close(struct platform_file *f)
{
    if (!f)
        return;
    close_file(f->fd);
    free(f);
}

int platform_make_dir(const char *path)
{
#ifdef _WIN32
    int rc = _mkdir(path);
#else
    int rc = mkdir(path, 0777);
#endif
    if (rc == 0)
        return 0;
    int saved = errno;
    struct stat st;
    if (saved == EEXIST && stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR)
        return 0;
    errno = saved;
    return -1;
}

/* ---- Sockets ---- */

#ifdef _WIN32
typedef SOCKET sock_t;
#define BAD_SOCKET   INVALID_SOCKET
#define close_socket closesocket
static const char *socket_error(void)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "winsock error %d", WSAGetLastError());
    return buf;
}
#else
typedef int sock_t;
#define BAD_SOCKET   (-1)
#define close_socket close
static const char *socket_error(void)
{
    return strerror(errno);
}
#endif

struct platform_socket {
    sock_t fd;
};

static struct platform_socket *wrap_socket(sock_t fd)
{
    struct platform_socket *s = malloc(sizeof *s);
    if (!s) {
        close_socket(fd);
        return NULL;
    }
    s->fd = fd;
    return s;
}

struct platform_socket *platform_listen_local(uint16_t port, char *err, unsigned errlen)
{
#ifdef _WIN32
    static bool started;
    WSADATA wsa;
    if (!started && WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        snprintf(err, errlen, "cannot start winsock");
        return NULL;
    }
    started = true;
#endif
#if !defined(_WIN32) && !defined(MSG_NOSIGNAL) && !defined(SO_NOSIGPIPE)
    signal(SIGPIPE, SIG_IGN); /* a peer that went away is a send error, not death */
#endif
    sock_t fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == BAD_SOCKET) {
        snprintf(err, errlen, "cannot create a socket: %s", socket_error());
        return NULL;
    }
    int one = 1;
#ifdef _WIN32
    /* (Windows' SO_REUSEADDR would let another program take the port) */
    setsockopt(fd, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one, sizeof one);
#else
    /* a port whose last connection is in TIME_WAIT can be listened on again
     * (one somebody listens on still cannot) */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
#endif
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* never other interfaces */
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0) {
        snprintf(err, errlen, "cannot listen on 127.0.0.1:%u: %s", port, socket_error());
        close_socket(fd);
        return NULL;
    }
    struct platform_socket *s = wrap_socket(fd);
    if (!s)
        snprintf(err, errlen, "out of host memory");
    return s;
}

uint16_t platform_socket_port(struct platform_socket *s)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    memset(&a, 0, sizeof a);
    if (getsockname(s->fd, (struct sockaddr *)&a, &len) != 0)
        return 0;
    return ntohs(a.sin_port);
}

int platform_socket_wait(struct platform_socket *s, int timeout_ms)
{
#ifdef _WIN32
    fd_set rd, ex;
    FD_ZERO(&rd);
    FD_SET(s->fd, &rd);
    FD_ZERO(&ex);
    FD_SET(s->fd, &ex);
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    int n = select(0, &rd, NULL, &ex, timeout_ms < 0 ? NULL : &tv);
    return n > 0 ? 1 : n == 0 ? 0 : -1;
#else
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    int n = poll(&p, 1, timeout_ms);
    if (n < 0)
        return errno == EINTR ? 0 : -1;
    return n > 0; /* (hang-ups and errors too: the next read tells) */
#endif
}

struct platform_socket *platform_socket_accept(struct platform_socket *s, char *err,
                                               unsigned errlen)
{
#ifdef _WIN32
    sock_t fd = accept(s->fd, NULL, NULL);
#else
    sock_t fd;
    do
        fd = accept(s->fd, NULL, NULL);
    while (fd == BAD_SOCKET && errno == EINTR);
#endif
    if (fd == BAD_SOCKET) {
        snprintf(err, errlen, "cannot accept a connection: %s", socket_error());
        return NULL;
    }
    int one = 1;
    /* a packet is one small write: send it now */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
#ifdef SO_NOSIGPIPE
    setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    struct platform_socket *c = wrap_socket(fd);
    if (!c)
        snprintf(err, errlen, "out of host memory");
    return c;
}

int platform_socket_recv(struct platform_socket *s, void *buf, unsigned len)
{
    for (;;) {
#ifdef _WIN32
        int n = recv(s->fd, buf, (int)len, 0);
        return n < 0 ? -1 : n;
#else
        ssize_t n = recv(s->fd, buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 ? -1 : (int)n;
#endif
    }
}

int platform_socket_send(struct platform_socket *s, const void *buf, unsigned len)
{
    const char *p = buf;
    while (len) {
#ifdef _WIN32
        int n = send(s->fd, p, (int)len, 0);
#else
#ifdef MSG_NOSIGNAL
        ssize_t n = send(s->fd, p, len, MSG_NOSIGNAL); /* a closed peer is an error, not SIGPIPE */
#else
        ssize_t n = send(s->fd, p, len, 0);
#endif
        if (n < 0 && errno == EINTR)
            continue;
#endif
        if (n <= 0)
            return -1;
        p += n;
        len -= (unsigned)n;
    }
    return 0;
}

void platform_socket_close(struct platform_socket *s)
{
    if (!s)
        return;
    close_socket(s->fd);
    free(s);
}

FILE *platform_open_null(void)
{
#ifdef _WIN32
    return fopen("NUL", "w");
#else
    return fopen("/dev/null", "w");
#endif
}

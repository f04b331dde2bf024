/* platform_posix: platform.h on Linux, macOS and the BSDs (CMake compiles
 * this file unless WIN32). */
#define _POSIX_C_SOURCE 200809L /* pread, pwrite, fsync */
#ifdef _WIN32
#error "platform_posix.c is for POSIX hosts; Windows builds platform_windows.c"
#endif
#include "platform.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "platform_os.h"

/* ---- Ctrl-C and terminals ---- */

void os_catch_sigint(void (*handler)(int))
{
    /* No SA_RESTART: a read of console input that blocks is interrupted. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

void platform_quit_now(const char *msg, int status)
{
    ssize_t n = write(STDERR_FILENO, msg, strlen(msg));
    (void)n; /* (nothing more can be done about a failed write here) */
    _exit(status);
}

bool platform_is_terminal(FILE *f)
{
    return isatty(fileno(f));
}

/* select(), not poll(): macOS's poll() answers POLLNVAL for terminals,
 * which would read as "ready" and block the machine until Enter. */
bool platform_input_ready(FILE *f)
{
    int fd = fileno(f);
    if (fd < 0 || fd >= FD_SETSIZE)
        return true; /* (cannot ask: read, possibly waiting) */
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(fd, &rd);
    struct timeval now = {0, 0};
    return select(fd + 1, &rd, NULL, NULL, &now) > 0;
}

bool os_terminal_needs_reader(void)
{
    return false; /* (select answers for terminals) */
}

void platform_stream_binary(FILE *f)
{
    (void)f; /* (POSIX streams never translate line ends) */
}

/* ---- The reader thread's primitives (platform_os.h) ---- */

struct os_monitor {
    pthread_mutex_t lock;
    pthread_cond_t cond;
};

struct os_monitor *os_monitor_new(void)
{
    struct os_monitor *m = malloc(sizeof *m);
    if (!m)
        return NULL;
    if (pthread_mutex_init(&m->lock, NULL) != 0) {
        free(m);
        return NULL;
    }
    if (pthread_cond_init(&m->cond, NULL) != 0) {
        pthread_mutex_destroy(&m->lock);
        free(m);
        return NULL;
    }
    return m;
}

void os_monitor_free(struct os_monitor *m)
{
    pthread_cond_destroy(&m->cond);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void os_monitor_lock(struct os_monitor *m)
{
    pthread_mutex_lock(&m->lock);
}

void os_monitor_unlock(struct os_monitor *m)
{
    pthread_mutex_unlock(&m->lock);
}

void os_monitor_wait(struct os_monitor *m, unsigned timeout_ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += (time_t)(timeout_ms / 1000);
    t.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&m->cond, &m->lock, &t);
}

void os_monitor_notify(struct os_monitor *m)
{
    pthread_cond_broadcast(&m->cond);
}

struct thread_start {
    void (*fn)(void *);
    void *arg;
};

static void *thread_main(void *p)
{
    struct thread_start ts = *(struct thread_start *)p;
    free(p);
    ts.fn(ts.arg);
    return NULL;
}

int os_thread_start(void (*fn)(void *), void *arg)
{
    struct thread_start *ts = malloc(sizeof *ts);
    if (!ts)
        return -1;
    ts->fn = fn;
    ts->arg = arg;
    /* The new thread inherits a mask blocking every signal: SIGINT must
     * reach the program's thread, whose blocking reads it interrupts. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t t;
    int rc = pthread_create(&t, NULL, thread_main, ts);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        free(ts);
        return -1;
    }
    pthread_detach(t);
    return 0;
}

static struct termios saved_termios;
static int raw_fd = -1;

bool platform_terminal_raw(FILE *f)
{
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
}

void platform_terminal_restore(FILE *f)
{
    (void)f;
    if (raw_fd >= 0) {
        tcsetattr(raw_fd, TCSANOW, &saved_termios);
        raw_fd = -1;
    }
}

FILE *platform_open_null(void)
{
    return fopen("/dev/null", "w");
}

/* ---- Files (platform_os.h) ---- */

int os_file_open(const char *path, bool write, bool create)
{
    if (create)
        return open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
    return open(path, write ? O_RDWR : O_RDONLY);
}

void os_file_close(int fd)
{
    close(fd);
}

int os_file_io(int fd, uint64_t off, void *buf, uint32_t len, bool write)
{
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
}

int os_file_size(int fd, uint64_t *size)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    *size = (uint64_t)st.st_size;
    return 0;
}

int os_file_sync(int fd)
{
    return fsync(fd);
}

int os_make_dir(const char *path)
{
    return mkdir(path, 0777);
}

bool os_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool platform_is_stream_input(FILE *f)
{
    struct stat st;
    return fstat(fileno(f), &st) == 0 && (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) ||
                                          S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode));
}

bool platform_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* ---- Sockets ---- */

struct platform_socket {
    int fd;
};

static struct platform_socket *wrap_socket(int fd)
{
    struct platform_socket *s = malloc(sizeof *s);
    if (!s) {
        close(fd);
        return NULL;
    }
    s->fd = fd;
    return s;
}

struct platform_socket *platform_listen_local(uint16_t port, char *err, unsigned errlen)
{
#if !defined(MSG_NOSIGNAL) && !defined(SO_NOSIGPIPE)
    signal(SIGPIPE, SIG_IGN); /* a peer that went away is a send error, not death */
#endif
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a socket: %s", strerror(errno));
        return NULL;
    }
    /* a port whose last connection is in TIME_WAIT can be listened on again
     * (one somebody listens on still cannot) */
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* never other interfaces */
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0) {
        snprintf(err, errlen, "cannot listen on 127.0.0.1:%u: %s", port, strerror(errno));
        close(fd);
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
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    int n = poll(&p, 1, timeout_ms);
    if (n < 0)
        return errno == EINTR ? 0 : -1;
    return n > 0; /* (hang-ups and errors too: the next read tells) */
}

struct platform_socket *platform_socket_accept(struct platform_socket *s, char *err,
                                               unsigned errlen)
{
    int fd;
    do
        fd = accept(s->fd, NULL, NULL);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        snprintf(err, errlen, "cannot accept a connection: %s", strerror(errno));
        return NULL;
    }
    int one = 1;
    /* a packet is one small write: send it now */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
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
        ssize_t n = recv(s->fd, buf, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 ? -1 : (int)n;
    }
}

int platform_socket_send(struct platform_socket *s, const void *buf, unsigned len)
{
    const char *p = buf;
    while (len) {
#ifdef MSG_NOSIGNAL
        ssize_t n = send(s->fd, p, len, MSG_NOSIGNAL); /* a closed peer is an error, not SIGPIPE */
#else
        ssize_t n = send(s->fd, p, len, 0);
#endif
        if (n < 0 && errno == EINTR)
            continue;
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
    close(s->fd);
    free(s);
}

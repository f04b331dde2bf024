/* platform_windows: platform.h on Windows (MinGW-w64; CMake compiles this
 * file when WIN32 and links ws2_32). Compiled in the tests by
 * tests/portability/windows.sh. Console input is read by a platform_reader
 * thread; files use 64-bit offsets and sizes (_lseeki64, _fstat64). */
#ifndef _WIN32
#error "platform_windows.c is for Windows; other hosts build platform_posix.c"
#endif
#include "platform.h"

#include <winsock2.h>
#include <ws2tcpip.h>
#include <direct.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "platform_os.h"

/* ---- Ctrl-C and terminals ---- */

/* SetConsoleCtrlHandler, not signal(): the C library's SIGINT handler is
 * reset to the default after each press, so a second Ctrl-C killed space.
 * This one stays, and runs (on a thread of the system's) at every press. */
static void (*volatile ctrl_c_handler)(int);

static BOOL WINAPI on_console_ctrl(DWORD type)
{
    void (*h)(int) = ctrl_c_handler;
    if ((type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT) || !h)
        return FALSE; /* (closing the window, logging off: the default) */
    h(SIGINT);
    return TRUE;
}

void os_catch_sigint(void (*handler)(int))
{
    ctrl_c_handler = handler;
    SetConsoleCtrlHandler(on_console_ctrl, TRUE);
}

void platform_quit_now(const char *msg, int status)
{
    int n = _write(2, msg, (unsigned)strlen(msg));
    (void)n;
    _exit(status);
}

bool platform_is_terminal(FILE *f)
{
    return _isatty(_fileno(f));
}

bool platform_input_ready(FILE *f)
{
    (void)f;
    return true; /* (the console is read by a platform_reader instead) */
}

bool os_terminal_needs_reader(void)
{
    return true; /* (nothing says cheaply whether a console line was typed) */
}

void platform_stream_binary(FILE *f)
{
    _setmode(_fileno(f), _O_BINARY);
}

/* ---- The reader thread's primitives (platform_os.h) ---- */

struct os_monitor {
    SRWLOCK lock;
    CONDITION_VARIABLE cond;
};

struct os_monitor *os_monitor_new(void)
{
    struct os_monitor *m = malloc(sizeof *m);
    if (!m)
        return NULL;
    InitializeSRWLock(&m->lock);
    InitializeConditionVariable(&m->cond);
    return m;
}

void os_monitor_free(struct os_monitor *m)
{
    free(m); /* (SRW locks and condition variables hold no resources) */
}

void os_monitor_lock(struct os_monitor *m)
{
    AcquireSRWLockExclusive(&m->lock);
}

void os_monitor_unlock(struct os_monitor *m)
{
    ReleaseSRWLockExclusive(&m->lock);
}

void os_monitor_wait(struct os_monitor *m, unsigned timeout_ms)
{
    SleepConditionVariableSRW(&m->cond, &m->lock, timeout_ms, 0);
}

void os_monitor_notify(struct os_monitor *m)
{
    WakeAllConditionVariable(&m->cond);
}

struct thread_start {
    void (*fn)(void *);
    void *arg;
};

static unsigned __stdcall thread_main(void *p)
{
    struct thread_start ts = *(struct thread_start *)p;
    free(p);
    ts.fn(ts.arg);
    return 0;
}

int os_thread_start(void (*fn)(void *), void *arg)
{
    struct thread_start *ts = malloc(sizeof *ts);
    if (!ts)
        return -1;
    ts->fn = fn;
    ts->arg = arg;
    uintptr_t h = _beginthreadex(NULL, 0, thread_main, ts, 0, NULL);
    if (!h) {
        free(ts);
        return -1;
    }
    CloseHandle((HANDLE)h);
    return 0;
}

bool platform_terminal_raw(FILE *f)
{
    (void)f;
    return false; /* (the console's own line editing is used instead) */
}

void platform_terminal_restore(FILE *f)
{
    (void)f;
}

FILE *platform_open_null(void)
{
    return fopen("NUL", "w");
}

/* ---- Files (platform_os.h) ---- */

int os_file_open(const char *path, bool write, bool create)
{
    if (create)
        return _open(path, _O_RDWR | _O_CREAT | _O_EXCL | _O_BINARY, _S_IREAD | _S_IWRITE);
    return _open(path, (write ? _O_RDWR : _O_RDONLY) | _O_BINARY);
}

void os_file_close(int fd)
{
    _close(fd);
}

int os_file_io(int fd, uint64_t off, void *buf, uint32_t len, bool write)
{
    if (_lseeki64(fd, (long long)off, SEEK_SET) < 0)
        return -1;
    int n = write ? _write(fd, buf, len) : _read(fd, buf, len);
    return n == (int)len ? 0 : -1;
}

int os_file_size(int fd, uint64_t *size)
{
    struct _stat64 st;
    if (_fstat64(fd, &st) != 0 || (st.st_mode & _S_IFMT) != _S_IFREG)
        return -1;
    *size = (uint64_t)st.st_size;
    return 0;
}

int os_file_sync(int fd)
{
    return _commit(fd);
}

int os_make_dir(const char *path)
{
    return _mkdir(path);
}

bool os_is_dir(const char *path)
{
    struct _stat64 st;
    return _stat64(path, &st) == 0 && (st.st_mode & _S_IFMT) == _S_IFDIR;
}

bool platform_is_stream_input(FILE *f)
{
    struct _stat64 st;
    return _fstat64(_fileno(f), &st) == 0 && (st.st_mode & _S_IFMT) != _S_IFDIR;
}

/* One file through two names: the same volume and file index. */
bool platform_same_file(const char *a, const char *b)
{
    BY_HANDLE_FILE_INFORMATION ia, ib;
    bool same = false;
    HANDLE ha = CreateFileA(a, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                            OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    HANDLE hb = CreateFileA(b, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                            OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (ha != INVALID_HANDLE_VALUE && hb != INVALID_HANDLE_VALUE &&
        GetFileInformationByHandle(ha, &ia) && GetFileInformationByHandle(hb, &ib))
        same = ia.dwVolumeSerialNumber == ib.dwVolumeSerialNumber &&
               ia.nFileIndexHigh == ib.nFileIndexHigh && ia.nFileIndexLow == ib.nFileIndexLow;
    if (ha != INVALID_HANDLE_VALUE)
        CloseHandle(ha);
    if (hb != INVALID_HANDLE_VALUE)
        CloseHandle(hb);
    return same;
}

/* ---- Sockets ---- */

struct platform_socket {
    SOCKET fd;
};

static const char *socket_error(void)
{
    static char buf[64];
    snprintf(buf, sizeof buf, "winsock error %d", WSAGetLastError());
    return buf;
}

static struct platform_socket *wrap_socket(SOCKET fd)
{
    struct platform_socket *s = malloc(sizeof *s);
    if (!s) {
        closesocket(fd);
        return NULL;
    }
    s->fd = fd;
    return s;
}

struct platform_socket *platform_listen_local(uint16_t port, char *err, unsigned errlen)
{
    static bool started;
    WSADATA wsa;
    if (!started && WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        snprintf(err, errlen, "cannot start winsock");
        return NULL;
    }
    started = true;
    SOCKET fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == INVALID_SOCKET) {
        snprintf(err, errlen, "cannot create a socket: %s", socket_error());
        return NULL;
    }
    /* (Windows' SO_REUSEADDR would let another program take the port) */
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, (const char *)&one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* never other interfaces */
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 1) != 0) {
        snprintf(err, errlen, "cannot listen on 127.0.0.1:%u: %s", port, socket_error());
        closesocket(fd);
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
    int len = sizeof a;
    memset(&a, 0, sizeof a);
    if (getsockname(s->fd, (struct sockaddr *)&a, &len) != 0)
        return 0;
    return ntohs(a.sin_port);
}

int platform_socket_wait(struct platform_socket *s, int timeout_ms)
{
    fd_set rd, ex;
    FD_ZERO(&rd);
    FD_SET(s->fd, &rd);
    FD_ZERO(&ex);
    FD_SET(s->fd, &ex);
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    int n = select(0, &rd, NULL, &ex, timeout_ms < 0 ? NULL : &tv);
    return n > 0 ? 1 : n == 0 ? 0 : -1;
}

struct platform_socket *platform_socket_accept(struct platform_socket *s, char *err,
                                               unsigned errlen)
{
    SOCKET fd = accept(s->fd, NULL, NULL);
    if (fd == INVALID_SOCKET) {
        snprintf(err, errlen, "cannot accept a connection: %s", socket_error());
        return NULL;
    }
    /* a packet is one small write: send it now */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
    struct platform_socket *c = wrap_socket(fd);
    if (!c)
        snprintf(err, errlen, "out of host memory");
    return c;
}

int platform_socket_recv(struct platform_socket *s, void *buf, unsigned len)
{
    int n = recv(s->fd, buf, (int)len, 0);
    return n < 0 ? -1 : n;
}

int platform_socket_send(struct platform_socket *s, const void *buf, unsigned len)
{
    const char *p = buf;
    while (len) {
        int n = send(s->fd, p, (int)len, 0);
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
    closesocket(s->fd);
    free(s);
}

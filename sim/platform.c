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
#include <io.h>
#include <fcntl.h>
#include <sys/stat.h>
#else
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#ifndef S_ISREG
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
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

struct platform_file {
    int fd;
    uint64_t size;
};

#ifdef _WIN32
#define open_file(p, fl, mode) _open(p, (fl) | _O_BINARY, mode)
#define close_file _close
#define RDWR _O_RDWR
#define RDONLY _O_RDONLY
#define CREATE_EXCL (_O_CREAT | _O_EXCL)
#else
#define open_file(p, fl, mode) open(p, fl, mode)
#define close_file close
#define RDWR O_RDWR
#define RDONLY O_RDONLY
#define CREATE_EXCL (O_CREAT | O_EXCL)
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

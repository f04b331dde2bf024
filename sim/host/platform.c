/* platform: the part of platform.h that is the same on every OS, on the
 * primitives of platform_os.h: Ctrl-C's one callback, disk image files,
 * directories. */
#include "platform.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform_os.h"

static void (*volatile interrupt_fn)(void);
static volatile sig_atomic_t interrupts; /* presses, for a waiting platform_reader */

unsigned long os_interrupts(void)
{
    return (unsigned long)interrupts;
}

static void on_sigint(int sig)
{
    (void)sig;
    interrupts++;
    void (*fn)(void) = interrupt_fn;
    if (fn)
        fn();
}

void platform_on_interrupt(void (*fn)(void))
{
    interrupt_fn = fn;
    os_catch_sigint(on_sigint);
}

struct platform_file {
    int fd;
    uint64_t size;
};

struct platform_file *platform_file_open(const char *path, uint64_t create_size, bool *readonly,
                                         char *err, unsigned errlen)
{
    int fd = os_file_open(path, !*readonly, false);
    if (fd < 0 && !*readonly && (errno == EACCES || errno == EROFS || errno == EPERM)) {
        fd = os_file_open(path, false, false);
        *readonly = fd >= 0;
    }
    if (fd < 0 && errno == ENOENT && create_size && !*readonly) {
        fd = os_file_open(path, true, true);
        if (fd >= 0) {
            /* Extend by writing the last byte: works everywhere. */
            char zero = 0;
            if (os_file_io(fd, create_size - 1, &zero, 1, true) != 0) {
                snprintf(err, errlen, "%s: cannot create a %llu-byte image: %s", path,
                         (unsigned long long)create_size, strerror(errno));
                os_file_close(fd);
                remove(path);
                return NULL;
            }
        }
    }
    if (fd < 0) {
        if (errno == ENOENT && !create_size)
            snprintf(err, errlen, "%s: no such disk image (give --disk-size SIZE to create it)",
                     path);
        else if (errno == ENOENT && !*readonly) /* (its directory is missing) */
            snprintf(err, errlen, "%s: cannot create disk image: %s", path, strerror(errno));
        else
            snprintf(err, errlen, "%s: cannot open disk image: %s", path, strerror(errno));
        return NULL;
    }
    uint64_t size;
    if (os_file_size(fd, &size) != 0) {
        snprintf(err, errlen, "%s: not a regular file", path);
        os_file_close(fd);
        return NULL;
    }
    struct platform_file *f = malloc(sizeof *f);
    if (!f) {
        os_file_close(fd);
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    f->fd = fd;
    f->size = size;
    return f;
}

uint64_t platform_file_size(struct platform_file *f)
{
    return f->size;
}

int platform_file_read_at(struct platform_file *f, uint64_t off, void *buf, uint32_t len)
{
    return os_file_io(f->fd, off, buf, len, false);
}

int platform_file_write_at(struct platform_file *f, uint64_t off, const void *buf, uint32_t len)
{
    return os_file_io(f->fd, off, (void *)buf, len, true);
}

int platform_file_sync(struct platform_file *f)
{
    return os_file_sync(f->fd);
}

void platform_file_close(struct platform_file *f)
{
    if (!f)
        return;
    os_file_close(f->fd);
    free(f);
}

int platform_make_dir(const char *path)
{
    if (os_make_dir(path) == 0)
        return 0;
    int saved = errno;
    if (saved == EEXIST && os_is_dir(path))
        return 0;
    errno = saved;
    return -1;
}

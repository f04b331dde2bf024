/* ulib.c - the user-side C library of BasicOZ: strings, printf and malloc.
 * Everything here is plain C running in MODE 3; the only way out of the
 * program is through the system call stubs in usys.S. */
#include "ulib.h"

/* ------------------------------------------------------------------ */
/* Strings and memory. The compiler may also call memcpy/memset/memmove/
 * memcmp by itself (for example to copy a struct), so they must exist. */

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++)
        if (*a != *b || !*a)
            return (unsigned char)*a - (unsigned char)*b;
    return 0;
}

char *strcpy(char *dst, const char *src)
{
    char *d = dst;
    while ((*d++ = *src++))
        ;
    return dst;
}

/* memcpy, memmove, memset, memcmp and strlen come from the same small C
 * library the kernel uses (basicoz/runtime/libc.c; build-user.sh links it). */

int atoi(const char *s)
{
    int neg = 0, v = 0;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return neg ? -v : v;
}

/* ------------------------------------------------------------------ */
/* Output. printf collects its characters in a buffer and hands the whole
 * buffer to one write() system call: fewer kernel entries, and a line is
 * not split up if another process prints at the same moment. */

struct out {
    int fd, len, total;
    char buf[256];
};

static void flush(struct out *o)
{
    if (o->len > 0)
        write(o->fd, o->buf, o->len);
    o->len = 0;
}

static void out_char(struct out *o, char c)
{
    if (o->len == (int)sizeof o->buf)
        flush(o);
    o->buf[o->len++] = c;
    o->total++;
}

/* Emits the n characters of s in a field of `width`, padded on the left
 * (or on the right if left-justified) with `pad`. With zero padding a minus
 * sign goes before the zeros: -0042. */
static void out_field(struct out *o, const char *s, int n, int width, int left, char pad)
{
    if (pad == '0' && n > 0 && s[0] == '-') {
        out_char(o, '-');
        s++, n--, width--;
    }
    for (int i = n; !left && i < width; i++)
        out_char(o, pad);
    for (int i = 0; i < n; i++)
        out_char(o, s[i]);
    for (int i = n; left && i < width; i++)
        out_char(o, ' ');
}

/* Unsigned v in base 10 or 16, with a leading '-' if neg. */
static void out_num(struct out *o, unsigned v, unsigned base, int neg, int width, int left,
                    char pad)
{
    char tmp[12];
    int n = sizeof tmp;
    do { /* digits come out last-first */
        tmp[--n] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        tmp[--n] = '-';
    out_field(o, tmp + n, (int)sizeof tmp - n, width, left, pad);
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
    struct out o = {.fd = fd};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_char(&o, *fmt);
            continue;
        }
        int left = 0, width = 0;
        char pad = ' ';
        fmt++;
        if (*fmt == '-')
            left = 1, fmt++;
        if (*fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        if (left)
            pad = ' '; /* no zeros after the number */
        switch (*fmt) {
        case 'd': {
            int v = va_arg(ap, int);
            /* negate as unsigned: -INT_MIN does not fit in an int */
            out_num(&o, v < 0 ? 0u - (unsigned)v : (unsigned)v, 10, v < 0, width, left, pad);
            break;
        }
        case 'u': out_num(&o, va_arg(ap, unsigned), 10, 0, width, left, pad); break;
        case 'x': out_num(&o, va_arg(ap, unsigned), 16, 0, width, left, pad); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            out_field(&o, s, (int)strlen(s), width, left, ' ');
            break;
        }
        case 'c': out_char(&o, (char)va_arg(ap, int)); break;
        case '%': out_char(&o, '%'); break;
        case '\0': /* a lone % at the very end */ fmt--; break;
        default: /* unknown: print it as it was */ out_char(&o, '%'); out_char(&o, *fmt);
        }
    }
    flush(&o);
    return o.total;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vdprintf(1, fmt, ap);
    va_end(ap);
    return n;
}

int dprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vdprintf(fd, fmt, ap);
    va_end(ap);
    return n;
}

int putstr(int fd, const char *s)
{
    return write(fd, s, (int)strlen(s));
}

int puts(const char *s)
{
    return printf("%s\n", s);
}

int putchar(int c)
{
    char ch = (char)c;
    return write(1, &ch, 1) == 1 ? (unsigned char)ch : -1;
}

/* ------------------------------------------------------------------ */
/* malloc/free: the classic free-list allocator of Kernighan & Ritchie.
 * Free blocks form a circular list sorted by address; each block starts
 * with a header giving its size in header-sized units (8 bytes, which also
 * keeps every block 8-byte aligned). malloc takes the first block that is
 * big enough (first fit), splitting off its tail; free puts a block back and
 * merges it with free neighbours so the heap does not crumble into bits.
 * When nothing fits we ask the kernel for more with sbrk. */

struct block {
    struct block *next; /* next free block (only while free) */
    size_t units;       /* size of this block, header included */
};

static struct block base;   /* a zero-sized block that starts the list */
static struct block *freep; /* where the last search stopped */

#define MIN_GROW 512 /* grow by at least 512 units = 4 KiB */

static struct block *morecore(size_t units)
{
    if (units < MIN_GROW)
        units = MIN_GROW;
    void *p = sbrk((int)(units * sizeof(struct block)));
    if (p == (void *)-1)
        return NULL;
    struct block *b = p;
    b->units = units;
    free(b + 1); /* hand the new memory to the free list */
    return freep;
}

void *malloc(size_t n)
{
    if (n == 0 || n > 0x10000000) /* refuse silly sizes (and overflow) */
        return NULL;
    size_t units = (n + sizeof(struct block) - 1) / sizeof(struct block) + 1;
    if (!freep) { /* first call: an empty circular list */
        base.next = freep = &base;
        base.units = 0;
    }
    struct block *prev = freep;
    for (struct block *p = prev->next;; prev = p, p = p->next) {
        if (p->units >= units) {
            if (p->units == units) { /* exact fit: unlink it */
                prev->next = p->next;
            } else { /* too big: give away its tail */
                p->units -= units;
                p += p->units;
                p->units = units;
            }
            freep = prev;
            return p + 1; /* the memory after the header */
        }
        if (p == freep && !(p = morecore(units))) /* went all the way round */
            return NULL;
    }
}

void free(void *ptr)
{
    if (!ptr)
        return;
    struct block *b = (struct block *)ptr - 1, *p;
    /* find the free blocks on either side of b (the list is sorted) */
    for (p = freep; !(b > p && b < p->next); p = p->next)
        if (p >= p->next && (b > p || b < p->next))
            break;                 /* b is past either end of the list */
    if (b + b->units == p->next) { /* merge with the block above */
        b->units += p->next->units;
        b->next = p->next->next;
    } else {
        b->next = p->next;
    }
    if (p + p->units == b) { /* merge with the block below */
        p->units += b->units;
        p->next = b->next;
    } else {
        p->next = b;
    }
    freep = p;
}

/* klib.c - the kernel's printf and string helpers. One kprintf is one
 * unbroken piece of output: it holds console_lock, so lines printed by two
 * CPUs at once do not mix. */
#include "kernel.h"

struct spinlock console_lock = {.name = "console"};

void kputc(char c)
{
    console_putc(c);
}

static void kputs(const char *s)
{
    while (*s)
        kputc(*s++);
}

static void put_number(uint32_t v, unsigned base, int width, char pad, int negative)
{
    char buf[12];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (negative)
        buf[n++] = '-';
    while (width-- > n)
        kputc(pad);
    while (n)
        kputc(buf[--n]);
}

/* %d %u %x %s %c %p, with an optional width and zero padding. */
void kvprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            kputc(*fmt);
            continue;
        }
        char pad = ' ';
        int width = 0;
        if (*++fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        switch (*fmt) {
        case 'd': {
            int v = va_arg(ap, int);
            put_number(v < 0 ? -(uint32_t)v : (uint32_t)v, 10, width, pad, v < 0);
            break;
        }
        case 'u': put_number(va_arg(ap, uint32_t), 10, width, pad, 0); break;
        case 'x': put_number(va_arg(ap, uint32_t), 16, width, pad, 0); break;
        case 'p':
            kputc('0');
            kputc('x');
            put_number(va_arg(ap, uint32_t), 16, 8, '0', 0);
            break;
        case 'c': kputc((char)va_arg(ap, int)); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            kputs(s ? s : "(null)");
            break;
        }
        case '%': kputc('%'); break;
        default:
            kputc('%');
            kputc(*fmt);
            break;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    acquire(&console_lock);
    kvprintf(fmt, ap);
    release(&console_lock);
    va_end(ap);
}

/* Prints without console_lock (this CPU may hold it, or any other lock)
 * and halts the whole machine. */
void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kputs("basicoz: panic: ");
    kvprintf(fmt, ap);
    kputs("\n");
    va_end(ap);
    space_halt(255);
}

int kstrcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

void kstrlcpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i + 1 < n && src[i]; i++)
        dst[i] = src[i];
    if (n)
        dst[i] = 0;
}

/* gdb_transport: packets over the loopback socket (gdb_transport.h). */
#include "gdb_transport.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/host/platform.h"

static const char hexdigits[] = "0123456789abcdef";

/* ---- The connection ---- */

int gdb_transport_listen(struct gdb_transport *t, int port, char *err, unsigned errlen)
{
    t->listener = platform_listen_local((uint16_t)port, err, errlen);
    return t->listener ? 0 : -1;
}

uint16_t gdb_transport_port(const struct gdb_transport *t)
{
    return platform_socket_port(t->listener);
}

int gdb_transport_accept(struct gdb_transport *t, bool (*interrupted)(void *arg), void *arg)
{
    t->interrupted = interrupted;
    t->arg = arg;
    for (;;) {
        int w = platform_socket_wait(t->listener, GDB_POLL_MS);
        if (interrupted(arg))
            return 0;
        if (w < 0) {
            fprintf(stderr, "space: waiting for gdb failed\n");
            return -1;
        }
        if (w == 0)
            continue;
        char err[256];
        t->conn = platform_socket_accept(t->listener, err, sizeof err);
        if (t->conn)
            break;
        fprintf(stderr, "space: %s\n", err);
    }
    platform_socket_close(t->listener); /* nobody else */
    t->listener = NULL;
    t->ack = true;
    return 1;
}

void gdb_transport_feed(struct gdb_transport *t, const void *bytes, unsigned n,
                        bool (*interrupted)(void *arg), void *arg)
{
    t->interrupted = interrupted;
    t->arg = arg;
    t->conn = NULL;
    t->gone = false;
    t->ack = true;
    t->in_pos = 0;
    t->in_len = n < sizeof t->in ? n : (unsigned)sizeof t->in;
    memcpy(t->in, bytes, t->in_len);
}

void gdb_transport_hang_up(struct gdb_transport *t)
{
    platform_socket_close(t->conn);
    t->conn = NULL;
    t->gone = true;
}

void gdb_transport_close(struct gdb_transport *t)
{
    platform_socket_close(t->conn);
    platform_socket_close(t->listener);
    t->conn = t->listener = NULL;
}

/* ---- Bytes and packets ---- */

/* Receives what is there (waiting up to timeout_ms), after what is kept.
 * 1: bytes came (or the buffer is full), 0: none (time out, or a signal),
 * -1: the connection is gone. */
static int fill(struct gdb_transport *t, int timeout_ms)
{
    if (t->gone)
        return -1;
    if (t->in_pos) {
        memmove(t->in, t->in + t->in_pos, t->in_len - t->in_pos);
        t->in_len -= t->in_pos;
        t->in_pos = 0;
    }
    if (t->in_len == sizeof t->in)
        return 1;
    if (!t->conn) { /* fed bytes only (gdb_transport_feed) */
        if (t->in_len)
            return 1;
        t->gone = true;
        return -1;
    }
    int w = platform_socket_wait(t->conn, timeout_ms);
    if (w == 0)
        return 0;
    int n = w < 0 ? -1 : platform_socket_recv(t->conn, t->in + t->in_len, sizeof t->in - t->in_len);
    if (n <= 0) {
        t->gone = true;
        return -1;
    }
    t->in_len += (unsigned)n;
    return 1;
}

/* The next byte: 0..255, -1 if none came (the user pressed Ctrl-C on
 * space), -2 if the connection is gone. */
static int get_byte(struct gdb_transport *t)
{
    while (t->in_pos == t->in_len) {
        int r = fill(t, GDB_POLL_MS);
        if (r < 0)
            return -2;
        if (r == 0 && t->interrupted(t->arg))
            return -1;
    }
    return t->in[t->in_pos++];
}

static void send_raw(struct gdb_transport *t, const void *p, unsigned n)
{
    if (!t->gone && t->conn && platform_socket_send(t->conn, p, n) != 0)
        t->gone = true;
}

int gdb_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int gdb_read_packet(struct gdb_transport *t)
{
    for (;;) {
        int c = get_byte(t);
        if (c < 0)
            return c == -1 ? 0 : -1;
        if (c != '$')
            continue;
        unsigned n = 0;
        unsigned char sum = 0;
        bool too_long = false;
        for (;;) {
            c = get_byte(t);
            if (c < 0)
                return c == -1 ? 0 : -1;
            if (c == '#')
                break;
            sum = (unsigned char)(sum + c);
            if (n < GDB_PACKET_SIZE)
                t->pkt[n++] = (char)c;
            else
                too_long = true;
        }
        int h = get_byte(t), l = h < 0 ? h : get_byte(t);
        if (h < 0 || l < 0)
            return h == -1 || l == -1 ? 0 : -1;
        t->pkt[n] = 0;
        t->pkt_len = n;
        bool ok = !too_long && gdb_hexval(h) >= 0 && gdb_hexval(l) >= 0 &&
                  (unsigned char)(gdb_hexval(h) << 4 | gdb_hexval(l)) == sum;
        if (t->ack)
            send_raw(t, ok ? "+" : "-", 1);
        if (ok || !t->ack)
            return 1; /* (without acks a bad checksum cannot be retried) */
    }
}

void gdb_reply_begin(struct gdb_transport *t)
{
    t->out[0] = '$';
    t->out_len = 1;
}

void gdb_reply_bytes(struct gdb_transport *t, const void *p, unsigned n)
{
    if (n > sizeof t->out - 4 - t->out_len)
        n = (unsigned)(sizeof t->out - 4 - t->out_len);
    memcpy(t->out + t->out_len, p, n);
    t->out_len += n;
}

void gdb_reply_str(struct gdb_transport *t, const char *s)
{
    gdb_reply_bytes(t, s, (unsigned)strlen(s));
}

void gdb_reply_fmt(struct gdb_transport *t, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > 0)
        gdb_reply_bytes(t, buf, (unsigned)n < sizeof buf ? (unsigned)n : (unsigned)sizeof buf - 1);
}

void gdb_reply_hex(struct gdb_transport *t, const void *p, unsigned n)
{
    const unsigned char *b = p;
    for (unsigned i = 0; i < n && t->out_len + 2 <= sizeof t->out - 4; i++) {
        t->out[t->out_len++] = hexdigits[b[i] >> 4];
        t->out[t->out_len++] = hexdigits[b[i] & 15];
    }
}

/* Binary data (qXfer): '#', '$', '}' and '*' are escaped. */
void gdb_reply_binary(struct gdb_transport *t, const void *p, unsigned n)
{
    const unsigned char *b = p;
    for (unsigned i = 0; i < n && t->out_len + 2 <= sizeof t->out - 4; i++) {
        unsigned char c = b[i];
        if (c == '#' || c == '$' || c == '}' || c == '*') {
            t->out[t->out_len++] = '}';
            c ^= 0x20;
        }
        t->out[t->out_len++] = (char)c;
    }
}

/* Frames and sends the reply; with acks, resends it until gdb takes it. */
void gdb_reply_send(struct gdb_transport *t)
{
    unsigned char sum = 0;
    for (unsigned i = 1; i < t->out_len; i++)
        sum = (unsigned char)(sum + (unsigned char)t->out[i]);
    t->out[t->out_len++] = '#';
    t->out[t->out_len++] = hexdigits[sum >> 4];
    t->out[t->out_len++] = hexdigits[sum & 15];
    for (int tries = 0; tries < 10; tries++) {
        send_raw(t, t->out, t->out_len);
        if (!t->ack)
            return;
        for (;;) {
            int c = get_byte(t);
            if (c == '+' || c == -2)
                return;
            if (c == -1) /* (the user pressed Ctrl-C) */
                return;
            if (c == '-')
                break;      /* send it again */
            if (c == '$') { /* gdb went on without our ack: keep its packet */
                t->in_pos--;
                return;
            }
        }
    }
}

void gdb_reply(struct gdb_transport *t, const char *s)
{
    gdb_reply_begin(t);
    gdb_reply_str(t, s);
    gdb_reply_send(t);
}

bool gdb_ctrl_c_came(struct gdb_transport *t)
{
    if (fill(t, 0) < 0)
        return false;
    for (unsigned i = t->in_pos; i < t->in_len; i++) {
        if (t->in[i] == 0x03) {
            memmove(t->in + i, t->in + i + 1, t->in_len - i - 1);
            t->in_len--;
            return true;
        }
    }
    /* Anything else is read as packets once stopped; gdb sends nothing
     * else while the machine runs, so a full buffer is noise. */
    if (t->in_len == sizeof t->in)
        t->in_pos = t->in_len = 0;
    return false;
}

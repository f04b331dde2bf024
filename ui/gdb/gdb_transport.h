/* gdb_transport: the bytes of the GDB Remote Serial Protocol - the
 * loopback socket gdb connects to, packet framing ($data#cc), checksums,
 * the +/- acknowledgements and the Ctrl-C byte (0x03) gdb sends while the
 * machine runs. ui/gdb/gdb_commands.c says what the packets mean; this
 * module knows nothing of the machine (as System/161's gdb_fe.c beside
 * gdb_be.c).
 *
 * Guarantees: a packet handed up is NUL-terminated and had a good checksum
 * (or acknowledgements are off: then there is nothing to retry); a reply
 * is framed and checksummed here, resent while gdb answers '-'; once the
 * connection fails, nothing more is sent or received (gone is set). */
#ifndef SPACE_GDB_TRANSPORT_H
#define SPACE_GDB_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>

#define GDB_PACKET_SIZE 16384u /* the PacketSize we announce (hex 4000) */
#define GDB_POLL_MS     200    /* how often a wait looks at the Ctrl-C flag */

struct platform_socket;

struct gdb_transport {
    struct platform_socket *listener, *conn;
    /* Ctrl-C pressed on space itself (asked while waiting for bytes) */
    bool (*interrupted)(void *arg);
    void *arg;
    bool ack;  /* +/- acknowledgements (until QStartNoAckMode) */
    bool gone; /* the connection closed or failed */
    /* bytes received and not used yet */
    unsigned char in[4096];
    unsigned in_pos, in_len;
    /* the packet received (NUL-terminated; binary for X) */
    char pkt[GDB_PACKET_SIZE + 1];
    unsigned pkt_len;
    /* the reply being built, framed in place: "$" data "#cc" */
    char out[2 * GDB_PACKET_SIZE + 16];
    unsigned out_len;
};

/* Listens on 127.0.0.1:port (0: any free port). 0, or -1 with a one-line
 * reason in err. */
int gdb_transport_listen(struct gdb_transport *t, int port, char *err, unsigned errlen);
/* The port it listens on. */
uint16_t gdb_transport_port(const struct gdb_transport *t);
/* Waits for gdb's connection and stops listening (one gdb only), with
 * acknowledgements on. interrupted(arg) is asked every GDB_POLL_MS here and
 * whenever a packet is awaited. 1: connected, 0: interrupted, -1: waiting
 * failed (said on stderr). */
int gdb_transport_accept(struct gdb_transport *t, bool (*interrupted)(void *arg), void *arg);
/* A connection whose whole input is these bytes, without a socket (tests
 * and tests/fuzz drive the packet layer with it): at most sizeof t->in
 * bytes are kept, replies are framed and dropped, and once the bytes are
 * used up the connection is gone. interrupted(arg) as for accept. */
void gdb_transport_feed(struct gdb_transport *t, const void *bytes, unsigned n,
                        bool (*interrupted)(void *arg), void *arg);
/* Closes the connection: gdb is gone, or went. */
void gdb_transport_hang_up(struct gdb_transport *t);
/* Closes whatever is open. */
void gdb_transport_close(struct gdb_transport *t);

/* Reads one packet into t->pkt, acknowledging it. 1: a packet, 0: the user
 * pressed Ctrl-C on space, -1: the connection is gone. Stray bytes (acks,
 * a late Ctrl-C) are ignored. */
int gdb_read_packet(struct gdb_transport *t);
/* While the machine runs: did gdb send Ctrl-C? Takes the 0x03 out of what
 * came, keeping any other bytes for gdb_read_packet. */
bool gdb_ctrl_c_came(struct gdb_transport *t);

/* A reply: begun, filled (silently cut at the packet size), sent. */
void gdb_reply_begin(struct gdb_transport *t);
void gdb_reply_bytes(struct gdb_transport *t, const void *p, unsigned n);
void gdb_reply_str(struct gdb_transport *t, const char *s);
void gdb_reply_fmt(struct gdb_transport *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void gdb_reply_hex(struct gdb_transport *t, const void *p, unsigned n);    /* 2 hex digits a byte */
void gdb_reply_binary(struct gdb_transport *t, const void *p, unsigned n); /* '}'-escaped */
void gdb_reply_send(struct gdb_transport *t);
/* A whole reply that is one string. */
void gdb_reply(struct gdb_transport *t, const char *s);

/* A hex digit's value, or -1. */
int gdb_hexval(int c);

#endif

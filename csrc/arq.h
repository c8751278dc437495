/* HostARQ (sctrltp) endpoint over a UDP socket: the sliding-window engine of both sides of the
 * host-to-FPGA transport (reference hostarq.md). The Python layer (fisch.hostarq) owns the socket
 * and drives the engine; every frame and every datagram is handled here. */
#ifndef BSS2_ARQ_H
#define BSS2_ARQ_H

#include <stddef.h>
#include <stdint.h>

/* The Fcp parameter set (hxcomm's): sequence modulus, frames in flight, words per frame. */
#define BSS2_ARQ_NRFRAMES 256u
#define BSS2_ARQ_WINSIZ 128u
#define BSS2_ARQ_PDUWORDS 180u
#define BSS2_ARQ_HEADER_BYTES 12u
/* The host pads shorter frames to this size (a LEN 0 frame arrives as 20 bytes). */
#define BSS2_ARQ_MIN_SEND_BYTES 20u
/* Delivered frames held for the user: 4 windows (the host's ALLOC_BUF_FACTOR). Data frames that
 * arrive while fewer than a window's slots are free are dropped unacked (flow control by
 * dropping, as the real receiver does); the sender resends them. */
#define BSS2_ARQ_QUEUE 512u

/* Status codes (negative = error). */
#define BSS2_ARQ_OK 0
#define BSS2_ARQ_FULL (-1)      /* the send window is full */
#define BSS2_ARQ_TOO_LONG (-2)  /* more than BSS2_ARQ_PDUWORDS words */
#define BSS2_ARQ_MAX_TRANS (-3) /* a frame went max_trans times without an ack */
#define BSS2_ARQ_NULL (-4)      /* a required pointer is NULL */
#define BSS2_ARQ_OS_ERROR (-5)  /* the socket failed: bss2_arq_errno() says why */
#define BSS2_ARQ_NONE (-6)      /* no delivered frame waits */

typedef struct bss2_arq bss2_arq;

typedef struct bss2_arq_stats {
    uint64_t sent;       /* data frames sent (first transmissions) */
    uint64_t resent;     /* retransmissions (probes and whole-window resends) */
    uint64_t received;   /* well-formed data frames received (duplicates included) */
    uint64_t duplicates; /* data frames outside the window or already held */
    uint64_t garbage;    /* datagrams that are no well-formed frame (dropped) */
    uint64_t dropped;    /* data frames dropped for want of queue space (flow control) */
    uint64_t acks_sent;  /* stand-alone 4-byte acks */
    uint64_t lost;       /* datagrams dropped on purpose (bss2_arq_set_loss) */
} bss2_arq_stats;

/* A new endpoint on socket `fd` (not owned). A probe resends the oldest unacked frame after
 * `probe_us` without ack progress, the whole window goes again after `rto_us`; `max_trans`
 * transmissions of one frame give up. Returns NULL without memory. */
bss2_arq *bss2_arq_new(int fd, uint32_t probe_us, uint32_t rto_us, uint32_t max_trans);
void bss2_arq_free(bss2_arq *a);
/* Restart both sequence spaces at 0; forget what is in flight, held or delivered. */
void bss2_arq_reset(bss2_arq *a);
/* Send to IPv4 address `ip` (host order) and `port` with sendto, and take datagrams from there
 * only; port 0: the socket is connected (send/recv). */
void bss2_arq_set_peer(bss2_arq *a, uint32_t ip, uint16_t port);

/* For tests and benchmarks: drop each outgoing datagram with probability per_million / 1e6,
 * drawn from a generator seeded with `seed` (0 per million: none). */
void bss2_arq_set_loss(bss2_arq *a, uint32_t per_million, uint64_t seed);

uint32_t bss2_arq_room(const bss2_arq *a);     /* frames the send window still takes */
uint32_t bss2_arq_unacked(const bss2_arq *a);  /* frames in flight */
uint32_t bss2_arq_ack(const bss2_arq *a);      /* last in-order SEQ received (255 at start) */
size_t bss2_arq_delivered(const bss2_arq *a);  /* delivered frames waiting for bss2_arq_take */
int bss2_arq_errno(const bss2_arq *a);         /* errno of the last BSS2_ARQ_OS_ERROR */
void bss2_arq_get_stats(const bss2_arq *a, bss2_arq_stats *out);

/* Send one data frame of `n` words (native order; big-endian on the wire) with the current ack.
 * Returns BSS2_ARQ_OK, _FULL, _TOO_LONG, _NULL or _OS_ERROR. */
int bss2_arq_send(bss2_arq *a, uint16_t ptype, const uint64_t *words, size_t n);
/* Send words[*done..n) in frames of BSS2_ARQ_PDUWORDS while the window has room, advancing
 * *done. Returns BSS2_ARQ_OK (also when the window filled first), _NULL or _OS_ERROR. */
int bss2_arq_send_words(bss2_arq *a, uint16_t ptype, const uint64_t *words, size_t n,
                        size_t *done);
/* Take one received datagram: its ack, and its frame into the receive window (in-order frames
 * go to the delivered queue). Malformed datagrams are counted and dropped. Returns BSS2_ARQ_OK,
 * or _MAX_TRANS / _OS_ERROR from a gap resend the ack asks for. */
int bss2_arq_handle(bss2_arq *a, const uint8_t *data, size_t size);
/* Resend what the acks stalled on (the oldest unacked frame after probe_us without progress,
 * the whole window after rto_us); send an ack that is due. Returns BSS2_ARQ_OK, _MAX_TRANS or
 * _OS_ERROR. */
int bss2_arq_timers(bss2_arq *a);
/* Wait up to `timeout_us` (not past the next probe) for datagrams, take all that are there, run
 * the timers. Returns the number of datagrams taken, or _MAX_TRANS / _OS_ERROR (e.g. ECONNREFUSED:
 * the peer's port is closed). */
int64_t bss2_arq_poll(bss2_arq *a, int64_t timeout_us);
/* Pop the oldest delivered frame: its type into *ptype, its words into words[0..cap). Returns
 * its number of words, BSS2_ARQ_NONE, or BSS2_ARQ_TOO_LONG if cap is too small (not popped). */
int bss2_arq_take(bss2_arq *a, uint16_t *ptype, uint64_t *words, size_t cap);

/* Drop every delivered frame (a benchmark's sink); return how many. */
size_t bss2_arq_discard(bss2_arq *a);

#endif /* BSS2_ARQ_H */

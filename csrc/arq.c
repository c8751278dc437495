/* HostARQ endpoint (arq.h): selective repeat on receive, cumulative acks piggy-backed on data and
 * sent after every receive burst, a tail probe and a whole-window resend (reference hostarq.md
 * §1.5 and the interop lesson of §2.4).
 *
 * Decisions where the reference leaves room: an endpoint acks every burst of data frames it
 * receives at once (the real host delays acks by 500 µs and only while frames arrive, which makes
 * the FPGA resend tails); it does not shrink its window on a timeout (the real host's collapse
 * under loss); an ack that leaves a gap resends the gap's frame at once if it is older than the
 * probe time; datagrams that are no well-formed frames (wrong length, LEN over 180, SEQ beyond
 * the sequence space) are counted and dropped. Sending never blocks the engine: a datagram the
 * kernel refuses for want of buffer space counts as lost and goes again with the probe. */
#define _GNU_SOURCE
#include "arq.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define FRAME_BYTES (BSS2_ARQ_HEADER_BYTES + 8u * BSS2_ARQ_PDUWORDS)
#define RECV_BATCH 64u

typedef struct {
    uint8_t data[FRAME_BYTES]; /* the datagram; its ACK field is refreshed at each resend */
    uint16_t size;
    uint32_t tries;
    uint64_t first_us;
} tx_slot;

typedef struct {
    uint16_t ptype, len;
    uint64_t words[BSS2_ARQ_PDUWORDS];
} rx_slot;

struct bss2_arq {
    int fd, os_errno;
    int connected;
    struct sockaddr_in peer;
    uint32_t probe_us, rto_us, max_trans;
    uint32_t loss_ppm;
    uint64_t loss_state;
    uint32_t tx_next, tx_low, tx_count;
    uint32_t rx_low;
    int ack_due;
    uint64_t progress_us, probed_us;
    size_t q_head, q_count;
    bss2_arq_stats stats;
    tx_slot tx[BSS2_ARQ_WINSIZ];
    uint8_t held_flag[BSS2_ARQ_WINSIZ];
    rx_slot held[BSS2_ARQ_WINSIZ];
    rx_slot queue[BSS2_ARQ_QUEUE];
    uint8_t rbuf[RECV_BATCH][FRAME_BYTES + 8]; /* (+8: a datagram too long is seen as such) */
};

static uint64_t now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t get64(const uint8_t *p) {
    return ((uint64_t)get32(p) << 32) | get32(p + 4);
}

bss2_arq *bss2_arq_new(int fd, uint32_t probe_us, uint32_t rto_us, uint32_t max_trans) {
    bss2_arq *a = calloc(1, sizeof *a);
    if (a == NULL) {
        return NULL;
    }
    a->fd = fd;
    a->connected = 1;
    a->probe_us = probe_us;
    a->rto_us = rto_us;
    a->max_trans = max_trans;
    bss2_arq_reset(a);
    return a;
}

void bss2_arq_free(bss2_arq *a) { free(a); }

void bss2_arq_reset(bss2_arq *a) {
    if (a == NULL) {
        return;
    }
    a->tx_next = a->tx_low = a->tx_count = 0;
    a->rx_low = 0;
    memset(a->held_flag, 0, sizeof a->held_flag);
    a->q_head = a->q_count = 0;
    a->ack_due = 0;
    a->progress_us = now_us();
    a->probed_us = 0;
}

void bss2_arq_set_peer(bss2_arq *a, uint32_t ip, uint16_t port) {
    if (a == NULL) {
        return;
    }
    a->connected = port == 0;
    memset(&a->peer, 0, sizeof a->peer);
    a->peer.sin_family = AF_INET;
    a->peer.sin_addr.s_addr = htonl(ip);
    a->peer.sin_port = htons(port);
}

uint32_t bss2_arq_room(const bss2_arq *a) { return a ? BSS2_ARQ_WINSIZ - a->tx_count : 0; }
uint32_t bss2_arq_unacked(const bss2_arq *a) { return a ? a->tx_count : 0; }
uint32_t bss2_arq_ack(const bss2_arq *a) {
    return a ? (a->rx_low + BSS2_ARQ_NRFRAMES - 1u) % BSS2_ARQ_NRFRAMES : 0;
}
size_t bss2_arq_delivered(const bss2_arq *a) { return a ? a->q_count : 0; }
int bss2_arq_errno(const bss2_arq *a) { return a ? a->os_errno : 0; }

void bss2_arq_get_stats(const bss2_arq *a, bss2_arq_stats *out) {
    if (a != NULL && out != NULL) {
        *out = a->stats;
    }
}

void bss2_arq_set_loss(bss2_arq *a, uint32_t per_million, uint64_t seed) {
    if (a != NULL) {
        a->loss_ppm = per_million;
        a->loss_state = seed * 0x9E3779B97F4A7C15ull + 1u;
    }
}

/* Put a datagram on the wire. A full socket buffer loses it (the probe sends it again). */
static int transmit(bss2_arq *a, const uint8_t *data, size_t size) {
    if (a->loss_ppm) { /* (splitmix64 draws) */
        uint64_t z = (a->loss_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        if ((z ^ (z >> 31)) % 1000000u < a->loss_ppm) {
            a->stats.lost++;
            return BSS2_ARQ_OK;
        }
    }
    ssize_t r = a->connected ? send(a->fd, data, size, MSG_DONTWAIT)
                             : sendto(a->fd, data, size, MSG_DONTWAIT,
                                      (const struct sockaddr *)&a->peer, sizeof a->peer);
    if (r >= 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
        return BSS2_ARQ_OK;
    }
    a->os_errno = errno;
    return BSS2_ARQ_OS_ERROR;
}

int bss2_arq_send(bss2_arq *a, uint16_t ptype, const uint64_t *words, size_t n) {
    if (a == NULL || (words == NULL && n > 0)) {
        return BSS2_ARQ_NULL;
    }
    if (n > BSS2_ARQ_PDUWORDS) {
        return BSS2_ARQ_TOO_LONG;
    }
    if (a->tx_count >= BSS2_ARQ_WINSIZ) {
        return BSS2_ARQ_FULL;
    }
    uint32_t seq = a->tx_next;
    tx_slot *s = &a->tx[seq % BSS2_ARQ_WINSIZ];
    put32(s->data, bss2_arq_ack(a));
    put32(s->data + 4, seq);
    s->data[8] = (uint8_t)(ptype >> 8);
    s->data[9] = (uint8_t)ptype;
    s->data[10] = (uint8_t)(n >> 8);
    s->data[11] = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        put32(s->data + 12 + 8 * i, (uint32_t)(words[i] >> 32));
        put32(s->data + 16 + 8 * i, (uint32_t)words[i]);
    }
    size_t size = BSS2_ARQ_HEADER_BYTES + 8 * n;
    if (size < BSS2_ARQ_MIN_SEND_BYTES) {
        memset(s->data + size, 0, BSS2_ARQ_MIN_SEND_BYTES - size);
        size = BSS2_ARQ_MIN_SEND_BYTES;
    }
    s->size = (uint16_t)size;
    s->tries = 1;
    uint64_t now = now_us();
    s->first_us = now;
    if (a->tx_count == 0) {
        a->progress_us = now;
    }
    a->tx_count++;
    a->tx_next = (seq + 1u) % BSS2_ARQ_NRFRAMES;
    a->ack_due = 0;
    a->stats.sent++;
    return transmit(a, s->data, size);
}

int bss2_arq_send_words(bss2_arq *a, uint16_t ptype, const uint64_t *words, size_t n,
                        size_t *done) {
    if (a == NULL || done == NULL || (words == NULL && n > 0)) {
        return BSS2_ARQ_NULL;
    }
    while (*done < n && a->tx_count < BSS2_ARQ_WINSIZ) {
        size_t k = n - *done < BSS2_ARQ_PDUWORDS ? n - *done : BSS2_ARQ_PDUWORDS;
        int r = bss2_arq_send(a, ptype, words + *done, k);
        *done += k; /* (sent or lost: the window holds it) */
        if (r != BSS2_ARQ_OK) {
            return r;
        }
    }
    return BSS2_ARQ_OK;
}

static int resend(bss2_arq *a, uint32_t seq) {
    tx_slot *s = &a->tx[seq % BSS2_ARQ_WINSIZ];
    if (++s->tries > a->max_trans) {
        return BSS2_ARQ_MAX_TRANS;
    }
    put32(s->data, bss2_arq_ack(a));
    a->ack_due = 0;
    a->stats.resent++;
    return transmit(a, s->data, s->size);
}

/* A cumulative ack: free what it covers; resend a gap it leaves if the gap's frame is old. */
static int acked(bss2_arq *a, uint32_t ack) {
    uint32_t k = (ack + BSS2_ARQ_NRFRAMES - a->tx_low % BSS2_ARQ_NRFRAMES) % BSS2_ARQ_NRFRAMES;
    if (ack >= BSS2_ARQ_NRFRAMES || k >= a->tx_count) {
        return BSS2_ARQ_OK; /* (old, duplicate or beyond what was sent: ignored, as the host) */
    }
    a->tx_count -= k + 1u;
    a->tx_low = (ack + 1u) % BSS2_ARQ_NRFRAMES;
    uint64_t now = now_us();
    a->progress_us = now;
    if (a->tx_count > 0 && now - a->tx[a->tx_low % BSS2_ARQ_WINSIZ].first_us > a->probe_us) {
        return resend(a, a->tx_low);
    }
    return BSS2_ARQ_OK;
}

int bss2_arq_handle(bss2_arq *a, const uint8_t *data, size_t size) {
    if (a == NULL || (data == NULL && size > 0)) {
        return BSS2_ARQ_NULL;
    }
    if (size == 4) {
        return acked(a, get32(data));
    }
    if (size < BSS2_ARQ_HEADER_BYTES) {
        a->stats.garbage++;
        return BSS2_ARQ_OK;
    }
    uint32_t ack = get32(data), seq = get32(data + 4);
    uint16_t ptype = (uint16_t)((data[8] << 8) | data[9]);
    size_t n = (size_t)((data[10] << 8) | data[11]);
    int exact = size == BSS2_ARQ_HEADER_BYTES + 8 * n;
    int padded = n == 0 && size == BSS2_ARQ_MIN_SEND_BYTES;
    if (n > BSS2_ARQ_PDUWORDS || !(exact || padded) || seq >= BSS2_ARQ_NRFRAMES) {
        a->stats.garbage++;
        return BSS2_ARQ_OK;
    }
    int r = acked(a, ack);
    a->ack_due = 1; /* (duplicates too: their sender missed our ack) */
    a->stats.received++;
    uint32_t offset = (seq + BSS2_ARQ_NRFRAMES - a->rx_low) % BSS2_ARQ_NRFRAMES;
    uint32_t slot = seq % BSS2_ARQ_WINSIZ;
    if (offset >= BSS2_ARQ_WINSIZ || a->held_flag[slot]) {
        a->stats.duplicates++;
        return r;
    }
    if (a->q_count > BSS2_ARQ_QUEUE - BSS2_ARQ_WINSIZ) {
        a->stats.dropped++; /* (the user is behind: the sender resends it later) */
        return r;
    }
    rx_slot *h = &a->held[slot];
    h->ptype = ptype;
    h->len = (uint16_t)n;
    for (size_t i = 0; i < n; i++) {
        h->words[i] = get64(data + 12 + 8 * i);
    }
    a->held_flag[slot] = 1;
    while (a->held_flag[a->rx_low % BSS2_ARQ_WINSIZ]) {
        uint32_t low = a->rx_low % BSS2_ARQ_WINSIZ;
        rx_slot *q = &a->queue[(a->q_head + a->q_count) % BSS2_ARQ_QUEUE];
        q->ptype = a->held[low].ptype;
        q->len = a->held[low].len;
        memcpy(q->words, a->held[low].words, 8u * q->len);
        a->q_count++;
        a->held_flag[low] = 0;
        a->rx_low = (a->rx_low + 1u) % BSS2_ARQ_NRFRAMES;
    }
    return r;
}

int bss2_arq_timers(bss2_arq *a) {
    if (a == NULL) {
        return BSS2_ARQ_NULL;
    }
    uint64_t now = now_us();
    uint64_t last = a->progress_us > a->probed_us ? a->progress_us : a->probed_us;
    if (a->tx_count > 0 && now - last > a->probe_us) {
        int whole = now - a->progress_us > a->rto_us;
        uint32_t count = whole ? a->tx_count : 1u;
        for (uint32_t i = 0; i < count; i++) {
            int r = resend(a, (a->tx_low + i) % BSS2_ARQ_NRFRAMES);
            if (r != BSS2_ARQ_OK) {
                return r;
            }
        }
        a->probed_us = now;
        if (whole) {
            a->progress_us = now; /* (the next whole-window resend after another rto) */
        }
    }
    if (a->ack_due) {
        uint8_t ack[4];
        put32(ack, bss2_arq_ack(a));
        a->ack_due = 0;
        a->stats.acks_sent++;
        return transmit(a, ack, sizeof ack);
    }
    return BSS2_ARQ_OK;
}

/* Take every datagram waiting (from the peer only); return how many, or an error. */
static int64_t drain(bss2_arq *a) {
    int64_t count = 0;
    for (;;) {
        struct mmsghdr msgs[RECV_BATCH];
        struct iovec iov[RECV_BATCH];
        struct sockaddr_in from[RECV_BATCH];
        memset(msgs, 0, sizeof msgs);
        for (unsigned i = 0; i < RECV_BATCH; i++) {
            iov[i].iov_base = a->rbuf[i];
            iov[i].iov_len = sizeof a->rbuf[i];
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof from[i];
        }
        int got = recvmmsg(a->fd, msgs, RECV_BATCH, MSG_DONTWAIT, NULL);
        if (got < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return count;
            }
            if (errno == EINTR) {
                continue;
            }
            a->os_errno = errno;
            return BSS2_ARQ_OS_ERROR;
        }
        for (int i = 0; i < got; i++) {
            if (!a->connected && (from[i].sin_addr.s_addr != a->peer.sin_addr.s_addr ||
                                  from[i].sin_port != a->peer.sin_port)) {
                continue; /* (another host: not ours) */
            }
            int r = bss2_arq_handle(a, a->rbuf[i], msgs[i].msg_len);
            if (r != BSS2_ARQ_OK) {
                return r;
            }
            count++;
        }
        if ((unsigned)got < RECV_BATCH) {
            return count;
        }
    }
}

int64_t bss2_arq_poll(bss2_arq *a, int64_t timeout_us) {
    if (a == NULL) {
        return BSS2_ARQ_NULL;
    }
    if (timeout_us > 0 && a->tx_count > 0) { /* (wake for the next probe) */
        uint64_t last = a->progress_us > a->probed_us ? a->progress_us : a->probed_us;
        uint64_t due = last + a->probe_us + 1u, now = now_us();
        int64_t until = due > now ? (int64_t)(due - now) : 0;
        timeout_us = until < timeout_us ? until : timeout_us;
    }
    int64_t count = 0;
    struct pollfd p = {.fd = a->fd, .events = POLLIN};
    struct timespec t = {.tv_sec = timeout_us > 0 ? timeout_us / 1000000 : 0,
                         .tv_nsec = timeout_us > 0 ? (timeout_us % 1000000) * 1000 : 0};
    int ready = ppoll(&p, 1, &t, NULL);
    if (ready < 0 && errno != EINTR) {
        a->os_errno = errno;
        return BSS2_ARQ_OS_ERROR;
    }
    if (ready > 0) {
        count = drain(a);
        if (count < 0) {
            return count;
        }
    }
    int r = bss2_arq_timers(a);
    return r != BSS2_ARQ_OK ? r : count;
}

int bss2_arq_take(bss2_arq *a, uint16_t *ptype, uint64_t *words, size_t cap) {
    if (a == NULL || ptype == NULL || (words == NULL && cap > 0)) {
        return BSS2_ARQ_NULL;
    }
    if (a->q_count == 0) {
        return BSS2_ARQ_NONE;
    }
    const rx_slot *q = &a->queue[a->q_head];
    if (q->len > cap) {
        return BSS2_ARQ_TOO_LONG;
    }
    *ptype = q->ptype;
    if (q->len > 0) {
        memcpy(words, q->words, 8u * q->len);
    }
    a->q_head = (a->q_head + 1u) % BSS2_ARQ_QUEUE;
    a->q_count--;
    return q->len;
}

size_t bss2_arq_discard(bss2_arq *a) {
    if (a == NULL) {
        return 0;
    }
    size_t n = a->q_count;
    a->q_head = (a->q_head + n) % BSS2_ARQ_QUEUE;
    a->q_count = 0;
    return n;
}

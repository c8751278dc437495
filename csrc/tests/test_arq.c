/* The HostARQ engine (arq.c) over a datagram socket pair; built and run under ASan/UBSan by
 * `make csan`. */
#define _GNU_SOURCE
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arq.h"
#include "check.h"

static void frame(uint8_t *out, uint32_t ack, uint32_t seq, uint16_t ptype, uint16_t n) {
    uint8_t h[12] = {(uint8_t)(ack >> 24), (uint8_t)(ack >> 16), (uint8_t)(ack >> 8), (uint8_t)ack,
                     0, 0, 0, (uint8_t)seq, (uint8_t)(ptype >> 8), (uint8_t)ptype,
                     (uint8_t)(n >> 8), (uint8_t)n};
    memcpy(out, h, 12);
    memset(out + 12, 0, 8u * n);
    for (uint16_t i = 0; i < n; i++) {
        out[12 + 8 * i + 7] = (uint8_t)(seq + i); /* word i = seq + i */
    }
}

static void test_round_trip_and_window(int a_fd, int b_fd) {
    bss2_arq *a = bss2_arq_new(a_fd, 1000, 20000, 100);
    bss2_arq *b = bss2_arq_new(b_fd, 1000, 20000, 100);
    check(a && b, "arq: new");
    check(bss2_arq_ack(a) == 255 && bss2_arq_room(a) == 128, "arq: fresh ack 255, window 128");
    uint64_t words[400];
    for (unsigned i = 0; i < 400; i++) {
        words[i] = 0x0100000000000000ull + i;
    }
    size_t done = 0;
    check(bss2_arq_send_words(a, 0x10, words, 400, &done) == BSS2_ARQ_OK && done == 400,
          "arq: 400 words in 3 frames");
    check(bss2_arq_unacked(a) == 3, "arq: 3 frames in flight");
    check(bss2_arq_poll(b, 100000) == 3, "arq: 3 datagrams received");
    check(bss2_arq_delivered(b) == 3 && bss2_arq_ack(b) == 2, "arq: delivered in order, ack 2");
    uint64_t got[180];
    uint16_t ptype = 0;
    check(bss2_arq_take(b, &ptype, got, 10) == BSS2_ARQ_TOO_LONG, "arq: take needs room");
    check(bss2_arq_take(b, &ptype, got, 180) == 180 && ptype == 0x10 && got[179] == words[179],
          "arq: first frame");
    check(bss2_arq_take(b, &ptype, got, 180) == 180 && got[0] == words[180], "arq: second frame");
    check(bss2_arq_take(b, &ptype, got, 180) == 40 && got[39] == words[399], "arq: last frame");
    check(bss2_arq_take(b, &ptype, got, 180) == BSS2_ARQ_NONE, "arq: nothing more");
    check(bss2_arq_poll(a, 100000) == 1 && bss2_arq_unacked(a) == 0, "arq: the ack frees all");
    unsigned accepted = 0;
    for (unsigned i = 0; i < 128; i++) {
        accepted += bss2_arq_send(a, 0x10, words, 1) == BSS2_ARQ_OK;
    }
    check(accepted == 128, "arq: the window takes 128 frames");
    check(bss2_arq_send(a, 0x10, words, 1) == BSS2_ARQ_FULL, "arq: a full window refuses");
    check(bss2_arq_send(a, 0x10, words, 181) == BSS2_ARQ_TOO_LONG, "arq: 181 words refused");
    check(bss2_arq_discard(b) == 0, "arq: discard of nothing");
    bss2_arq_free(a);
    bss2_arq_free(b);
}

static void test_malformed_duplicates_and_gaps(int fd) {
    bss2_arq *b = bss2_arq_new(fd, 1000, 20000, 100);
    uint8_t d[12 + 8 * 181];
    bss2_arq_stats st;
    frame(d, 255, 1, 0x10, 2); /* seq 1 first: held, not delivered */
    check(bss2_arq_handle(b, d, 28) == BSS2_ARQ_OK && bss2_arq_delivered(b) == 0, "arq: gap held");
    frame(d, 255, 0, 0x10, 2);
    check(bss2_arq_handle(b, d, 28) == BSS2_ARQ_OK && bss2_arq_delivered(b) == 2,
          "arq: the gap filled delivers both");
    check(bss2_arq_handle(b, d, 28) == BSS2_ARQ_OK, "arq: a duplicate");
    check(bss2_arq_handle(b, d, 27) == BSS2_ARQ_OK && bss2_arq_handle(b, d, 36) == BSS2_ARQ_OK,
          "arq: wrong lengths");
    frame(d, 255, 2, 0x10, 181);
    check(bss2_arq_handle(b, d, 12 + 8 * 181) == BSS2_ARQ_OK, "arq: LEN 181");
    frame(d, 255, 2, 0x10, 0);
    d[4] = 1; /* SEQ 256 + 2 */
    check(bss2_arq_handle(b, d, 12) == BSS2_ARQ_OK && bss2_arq_handle(b, d, 3) == BSS2_ARQ_OK,
          "arq: SEQ beyond 255; 3 bytes");
    frame(d, 255, 2, 0x8001, 0);
    check(bss2_arq_handle(b, d, 20) == BSS2_ARQ_OK && bss2_arq_delivered(b) == 3,
          "arq: a LEN 0 frame padded to 20 bytes");
    check(bss2_arq_handle(b, NULL, 0) == BSS2_ARQ_OK, "arq: an empty datagram");
    bss2_arq_get_stats(b, &st);
    check(st.duplicates == 1 && st.garbage == 6 && st.received == 4, "arq: counted");
    check(bss2_arq_discard(b) == 3 && bss2_arq_delivered(b) == 0, "arq: discard");
    bss2_arq_free(b);
}

static void test_loss_is_recovered(int a_fd, int b_fd) {
    bss2_arq *a = bss2_arq_new(a_fd, 200, 2000, 1000);
    bss2_arq *b = bss2_arq_new(b_fd, 200, 2000, 1000);
    bss2_arq_set_loss(a, 300000, 1); /* 30 % each way */
    bss2_arq_set_loss(b, 300000, 2);
    uint64_t words[180] = {0}, got[180];
    uint16_t ptype;
    unsigned sent = 0, received = 0, in_order = 1;
    for (int round = 0; round < 20000 && received < 500; round++) {
        while (sent < 500 && bss2_arq_room(a) > 0) {
            words[0] = sent++;
            bss2_arq_send(a, 0x10, words, 180);
        }
        bss2_arq_poll(a, 0);
        bss2_arq_poll(b, 100);
        while (bss2_arq_take(b, &ptype, got, 180) == 180) {
            in_order &= got[0] == received++;
        }
    }
    bss2_arq_stats st;
    bss2_arq_get_stats(a, &st);
    check(received == 500 && in_order, "arq: 500 frames through 30 % loss, in order");
    check(st.lost > 0 && st.resent > 0, "arq: losses and resends happened");
    bss2_arq_free(a);
    bss2_arq_free(b);
}

int main(void) {
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) != 0) {
        return 2;
    }
    test_round_trip_and_window(sp[0], sp[1]);
    while (recv(sp[1], (char[2048]){0}, 2048, MSG_DONTWAIT) > 0) {
    }
    test_malformed_duplicates_and_gaps(sp[1]);
    test_loss_is_recovered(sp[0], sp[1]);
    check(bss2_arq_send(NULL, 0, NULL, 0) == BSS2_ARQ_NULL && bss2_arq_poll(NULL, 0) < 0,
          "arq: NULL endpoint");
    close(sp[0]);
    close(sp[1]);
    return check_report();
}

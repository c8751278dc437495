"""cffi (API mode) build script for ``fisch._chipmodel``, the compiled chip model.

Used by ``setup.py`` through ``cffi_modules``. Paths are found from this file and written relative
to the repository root, since setuptools rejects absolute paths and builds with the root as its
working directory; ``python csrc/build_cffi.py`` also builds in the root, from any directory.
Every ``csrc/*.c`` is compiled in (the same set that ``make csan`` tests).
"""

from pathlib import Path

from cffi import FFI

ROOT = Path(__file__).resolve().parent.parent
CSRC = Path(__file__).resolve().parent


def _rel(paths: list[Path]) -> list[str]:
    return sorted(p.relative_to(ROOT).as_posix() for p in paths)


ffibuilder = FFI()
ffibuilder.cdef(
    """
    const char *bss2_chip_version(void);
    int bss2_chip_abi(void);
    int bss2_ut_from_fpga_payload_bits(int header);
    int64_t bss2_ut_decode_timed(const uint64_t *words, size_t nwords, uint8_t *header,
                                 uint8_t *payload_high, uint64_t *payload, uint64_t *time,
                                 size_t capacity, uint64_t *t, uint64_t *counts,
                                 size_t *err_offset);
    int64_t bss2_ut_unpack_all(const uint8_t *header, const uint64_t *payload,
                               const uint8_t *payload_high, const uint64_t *fpga_time, size_t n,
                               uint8_t *spikes, size_t spike_capacity, uint8_t *samples,
                               size_t sample_capacity, int64_t *written);
    int64_t bss2_ut_encode_from_fpga(const uint8_t *header, const uint64_t *payload,
                                     const uint8_t *payload_high, size_t n, uint64_t *out,
                                     size_t capacity, size_t *err_index);
    int64_t bss2_ut_count_halts(const uint64_t *words, size_t nwords, size_t *pos,
                                uint64_t *counts);
    int bss2_ut_to_fpga_payload_bits(int header);
    int64_t bss2_ut_count_requests(const uint64_t *words, size_t n, uint64_t *out,
                                   size_t *err_index);

    typedef struct bss2_chip bss2_chip;
    typedef struct bss2_chip_diagnostics {
        uint64_t instructions;
        uint64_t responses;
        uint64_t unknown_reads;
        uint64_t unknown_writes;
        uint32_t first_unknown_address;
        uint32_t timeouts;
        uint64_t start_systime;
        uint64_t end_systime;
        uint64_t orphan_data;
        uint64_t dropped_addresses;
        uint64_t readonly_writes;
        uint64_t reset_drops;
        uint64_t events_to_chip;
        uint64_t events_to_host;
        uint64_t events_not_recorded;
        uint64_t events_lost;
        uint64_t padi_events;
        uint64_t padi_blocked;
        uint64_t padi_drops;
        uint64_t synaptic_events;
        uint64_t neuron_spikes;
        uint64_t fires_ignored;
        uint64_t output_drops;
        uint64_t i2c_nacks;
        uint64_t madc_samples;
        uint64_t madc_not_recorded;
        ...;
    } bss2_chip_diagnostics;
    bss2_chip *bss2_chip_new(uint64_t seed);
    void bss2_chip_free(bss2_chip *chip);
    int bss2_chip_execute(bss2_chip *chip, const uint64_t *words, size_t n);
    const uint64_t *bss2_chip_responses(const bss2_chip *chip, size_t *n);
    void bss2_chip_get_diagnostics(const bss2_chip *chip, bss2_chip_diagnostics *out);
    const char *bss2_chip_last_error(const bss2_chip *chip);
    uint64_t bss2_chip_systime(const bss2_chip *chip);
    uint64_t bss2_chip_chip_systime(const bss2_chip *chip);
    uint32_t bss2_chip_peek(const bss2_chip *chip, uint32_t address);
    void bss2_chip_set_mismatch(bss2_chip *chip, int on);
    void bss2_chip_set_noise(bss2_chip *chip, int on);
    double bss2_chip_membrane(const bss2_chip *chip, unsigned neuron);

    typedef struct bss2_address_range {
        uint32_t first;
        uint32_t count;
        uint32_t kind;
    } bss2_address_range;
    uint32_t bss2_address_kind(uint32_t address);
    const bss2_address_range *bss2_address_ranges(uint32_t *n);

    typedef struct bss2_arq bss2_arq;
    typedef struct bss2_arq_stats {
        uint64_t sent;
        uint64_t resent;
        uint64_t received;
        uint64_t duplicates;
        uint64_t garbage;
        uint64_t dropped;
        uint64_t acks_sent;
        uint64_t lost;
    } bss2_arq_stats;
    bss2_arq *bss2_arq_new(int fd, uint32_t probe_us, uint32_t rto_us, uint32_t max_trans);
    void bss2_arq_free(bss2_arq *a);
    void bss2_arq_reset(bss2_arq *a);
    void bss2_arq_set_peer(bss2_arq *a, uint32_t ip, uint16_t port);
    void bss2_arq_set_loss(bss2_arq *a, uint32_t per_million, uint64_t seed);
    uint32_t bss2_arq_room(const bss2_arq *a);
    uint32_t bss2_arq_unacked(const bss2_arq *a);
    uint32_t bss2_arq_ack(const bss2_arq *a);
    size_t bss2_arq_delivered(const bss2_arq *a);
    int bss2_arq_errno(const bss2_arq *a);
    void bss2_arq_get_stats(const bss2_arq *a, bss2_arq_stats *out);
    int bss2_arq_send(bss2_arq *a, uint16_t ptype, const uint64_t *words, size_t n);
    int bss2_arq_send_words(bss2_arq *a, uint16_t ptype, const uint64_t *words, size_t n,
                            size_t *done);
    int bss2_arq_handle(bss2_arq *a, const uint8_t *data, size_t size);
    int bss2_arq_timers(bss2_arq *a);
    int64_t bss2_arq_poll(bss2_arq *a, int64_t timeout_us);
    int bss2_arq_take(bss2_arq *a, uint16_t *ptype, uint64_t *words, size_t cap);
    size_t bss2_arq_discard(bss2_arq *a);
    """
)
ffibuilder.set_source(
    "fisch._chipmodel",
    '#include "chip.h"\n#include "ut.h"\n#include "chip_model.h"\n#include "address_map.h"\n'
    '#include "arq.h"',
    sources=_rel(list(CSRC.glob("*.c"))),
    depends=_rel([*CSRC.glob("*.h"), *CSRC.glob("*.inc")]),
    include_dirs=_rel([CSRC]),
    # hidden: calls between the model's files bind directly, not through the PLT; no fused
    # multiply-adds, so that every platform computes the same bits
    extra_compile_args=[
        "-O2",
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-fvisibility=hidden",
        "-ffp-contract=off",
    ],
    libraries=["m"],
)

if __name__ == "__main__":
    ffibuilder.compile(tmpdir=str(ROOT), verbose=True)  # cffi chdirs into tmpdir to build

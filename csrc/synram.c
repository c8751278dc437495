/* The synapse memory of the chip model: its views (SynapseQuad and the weight, label and 2-MSB
 * views), the column current switches it holds, and each row's weighted synapses grouped by
 * label for the event path (synapse.c). Register layouts and addresses come from field_map.inc.
 */
#include <string.h>

#include "chip_internal.h"
#include "field_map.inc"

#define QC BSS2_CM_QUAD_COLUMNS
#define SYNAPSE_ROWS 256u

/* ---- the synapse memory and its views --------------------------------------------------------
 * The full view (SynapseQuad) holds per synapse one byte in word 0 (weight, time calibration in
 * the two upper bits) and one in word 1 (label, amplitude calibration). The weight and label
 * views see the six lower bits of word 0 and word 1; the "2-MSB" views the two upper bits,
 * moved to the low bits of each byte (reference bss2-lowlevel.md §2.3). Rows 256 and 257 hold
 * the column switches (ColumnCurrentQuad, ColumnCorrelationQuad) in the same way. */

typedef struct view {
    unsigned s, row, word, col;
    uint32_t mask, shift; /* the view's bits in the memory word, and their shift */
} view;

#define LOW6 0x3F3F3F3Fu
#define HIGH2 0xC0C0C0C0u

static const struct {
    uint32_t offset;
    unsigned word;
    uint32_t mask, shift;
} VIEWS[4] = {
    {BSS2_FM_WEIGHT_VIEW, 0, LOW6, 0},
    {BSS2_FM_LABEL_VIEW, 1, LOW6, 0},
    {BSS2_FM_EVEN_2MSB_VIEW, 0, HIGH2, 6},
    {BSS2_FM_ODD_2MSB_VIEW, 1, HIGH2, 6},
};

static int view_of(uint32_t address, view *v) {
    for (unsigned s = 0; s < BSS2_CM_SYNRAMS; s++) {
        uint32_t d = address - bss2_fm_synapse_quad_base[s];
        if (d < BSS2_CM_SYNRAM_ROWS * 2u * QC) {
            *v = (view){s, d / (2u * QC), (d / QC) & 1u, d % QC, 0xFFFFFFFFu, 0};
            return 1;
        }
        for (unsigned k = 0; k < 4u; k++) {
            d = address - bss2_fm_synapse_access_base[s] - VIEWS[k].offset;
            if (d < BSS2_CM_SYNRAM_ROWS * QC) {
                *v = (view){s, d / QC, VIEWS[k].word, d % QC, VIEWS[k].mask, VIEWS[k].shift};
                return 1;
            }
        }
    }
    return 0;
}

int bss2_cm_synram_is(uint32_t address) {
    view v;
    return view_of(address, &v);
}

static uint32_t view_read(const bss2_chip *c, const view *v) {
    return (c->array.syn[v->s][v->row][v->word][v->col] & v->mask) >> v->shift;
}

int bss2_cm_synram_read(const bss2_chip *c, uint32_t address, uint32_t *value) {
    view v;
    if (!view_of(address, &v)) {
        return 0;
    }
    *value = view_read(c, &v);
    return 1;
}

/* Bit `enable_synaptic_current_<kind>` of entry e of a ColumnCurrentQuad's words w. */
#define SWITCH(w, e, KIND, kind)                                                                 \
    ((((w)[bss2_fm_column_current_quad_switches_enable_synaptic_current_##kind##_word[e]] >>      \
       bss2_fm_column_current_quad_switches_enable_synaptic_current_##kind##_lsb[e]) &             \
      1u) ^                                                                                      \
     BSS2_FM_COLUMN_CURRENT_QUAD_SWITCHES_ENABLE_SYNAPTIC_CURRENT_##KIND##_INVERT)

/* Copy the column current switches of quad column `col` of synram `s` out of the memory (after
 * a write to the switch rows). */
static void refresh_switches(bss2_chip *c, unsigned s, unsigned col) {
    for (unsigned q = 0; q < BSS2_FM_COLUMN_CURRENT_QUAD_COUNT; q++) {
        const uint32_t *address = bss2_fm_column_current_quad_address[q];
        view v[BSS2_FM_COLUMN_CURRENT_QUAD_WORDS];
        uint32_t w[BSS2_FM_COLUMN_CURRENT_QUAD_WORDS];
        int ok = 1;
        for (unsigned i = 0; i < BSS2_FM_COLUMN_CURRENT_QUAD_WORDS; i++) {
            ok &= view_of(address[i], &v[i]); /* always: the switches live in the views */
            w[i] = ok ? view_read(c, &v[i]) : 0u;
        }
        if (!ok || v[0].s != s || v[0].col != col) {
            continue;
        }
        for (unsigned e = 0; e < 4u; e++) {
            uint32_t exc = SWITCH(w, e, EXCITATORY, excitatory);
            uint32_t inh = SWITCH(w, e, INHIBITORY, inhibitory);
            unsigned j = bss2_fm_synapse_column[4u * col + e];
            c->array.column_switch[s][j] = (uint8_t)(exc | (inh << 1));
        }
    }
}

int bss2_cm_synram_write(bss2_chip *c, uint32_t address, uint32_t data, uint32_t byte_mask) {
    view v;
    if (!view_of(address, &v)) {
        return 0;
    }
    uint32_t *p = &c->array.syn[v.s][v.row][v.word][v.col];
    uint32_t m = v.mask & byte_mask; /* a view's bits stay in their byte */
    uint32_t old = *p;
    *p = (old & ~m) | ((data << v.shift) & m);
    if (*p == old) {
        return 1;
    }
    if (v.row >= SYNAPSE_ROWS) {
        refresh_switches(c, v.s, v.col);
    } else {
        c->array.stale[v.s][v.row] = 1;
    }
    return 1;
}

void bss2_cm_synram_index_row(bss2_chip *c, unsigned s, unsigned r) {
    bss2_cm_array *a = &c->array;
    const uint32_t *weights = a->syn[s][r][bss2_fm_synapse_quad_weights_word[0]];
    const uint32_t *labels = a->syn[s][r][bss2_fm_synapse_quad_labels_word[0]];
    uint8_t label_of[256], weight_of[256];
    uint16_t *first = a->first[s][r];
    memset(first, 0, sizeof a->first[s][r]);
    for (unsigned q = 0; q < QC; q++) {
        for (unsigned e = 0; e < 4u; e++) {
            unsigned j = bss2_fm_synapse_column[4u * q + e];
            uint32_t raw = (weights[q] >> bss2_fm_synapse_quad_weights_lsb[e]) & 0x3Fu;
            uint32_t weight = bss2_fm_synapse_quad_weights_unperm[raw]; /* bits are permuted */
            weight_of[j] = (uint8_t)weight;
            /* a weight of 0 drives no current (raw 0 is weight 0): label 64, left out */
            label_of[j] = (uint8_t)(weight ? (labels[q] >> bss2_fm_synapse_quad_labels_lsb[e]) &
                                                 0x3Fu
                                           : 64u);
        }
    }
    uint16_t count[65] = {0};
    for (unsigned j = 0; j < 256u; j++) {
        count[label_of[j]]++;
    }
    for (unsigned l = 0; l < 64u; l++) {
        first[l + 1] = (uint16_t)(first[l] + count[l]);
    }
    uint16_t at[64];
    memcpy(at, first, sizeof at);
    for (unsigned j = 0; j < 256u; j++) { /* columns in ascending order within a label */
        if (label_of[j] < 64u) {
            unsigned i = at[label_of[j]]++;
            a->by_label[s][r][i] = (uint8_t)j;
            a->weight_by_label[s][r][i] =
                (float)(weight_of[j] * bss2_cm_analog_synapse_gain(c, s, r, j));
        }
    }
    a->stale[s][r] = 0;
}

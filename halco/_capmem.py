"""CapMem coordinates: 4 blocks x 130 columns x 24 rows of analog parameter cells.

Columns 0-127 hold per-neuron parameters (rows named after them, e.g.
``CapMemRowOnCapMemBlock.v_leak``); columns 128 and 129 hold shared/global cells.
"""

from __future__ import annotations

from typing import Any, ClassVar

from halco._base import Grid, Mixin, Ranged
from halco._chip import HemisphereOnDLS

__all__ = [
    "CapMemBlockConfigOnDLS",
    "CapMemBlockOnDLS",
    "CapMemBlockOnHemisphere",
    "CapMemCellOnCapMemBlock",
    "CapMemCellOnDLS",
    "CapMemColumnOnCapMemBlock",
    "CapMemOnDLS",
    "CapMemRowOnCapMemBlock",
    "CapMemSRAMTimingConfigOnDLS",
    "ReferenceGeneratorConfigOnDLS",
    "UnusedCapMemCellOnDLS",
]


_ROW_NAMES = (
    "v_leak", "v_reset", "v_threshold", "e_synin_exc_rev", "e_synin_inh_rev", "v_adapt_leak",
    "v_exp", "v_adapt_ref", "i_bias_leak", "i_bias_reset", "i_bias_synin_exc_tau",
    "i_bias_synin_exc_coba", "i_bias_synin_exc_shift", "i_bias_synin_exc_gm",
    "i_bias_synin_inh_tau", "i_bias_synin_inh_coba", "i_bias_synin_inh_shift",
    "i_bias_synin_inh_gm", "i_bias_adapt_tau", "i_bias_adapt_a", "i_bias_adapt_b", "i_bias_exp",
    "i_mem_offset", "i_bias_nmda",
)  # fmt: skip

#: Shared cells per block: name -> (column, row).
_BLOCK_CELLS = {
    "stp_v_charge_0": (128, 0), "stp_v_charge_1": (128, 1), "stp_v_recover_0": (128, 2),
    "stp_v_recover_1": (128, 3), "cadc_v_ramp_offset": (128, 4), "cadc_v_bias_ramp_buf": (128, 5),
    "neuron_v_bias_casc_n": (128, 7), "syn_i_bias_dac": (128, 8), "syn_i_bias_ramp": (128, 9),
    "syn_i_bias_store": (128, 10), "syn_i_bias_corout": (128, 11),
    "stp_i_bias_comparator": (128, 12), "stp_i_ramp": (128, 13), "stp_i_calib": (128, 14),
    "cadc_i_ramp_slope": (128, 15), "cadc_i_bias_comp": (128, 16),
    "cadc_i_bias_vreset_buf": (128, 17), "neuron_i_bias_readout_amp": (128, 18),
    "neuron_i_bias_leak_source_follower": (128, 19), "neuron_i_bias_spike_comparator": (128, 20),
    "neuron_i_bias_synin_drop": (129, 23),
}  # fmt: skip

#: Chip-global cells: name -> (column, row, block).
_GLOBAL_CELLS = {
    "readout_sc_amp_v_ref": (128, 6, 0), "readout_pseudo_diff_v_ref": (128, 6, 1),
    "readout_iconv_test_voltage": (128, 6, 2), "readout_iconv_sc_amp_v_ref": (128, 6, 3),
    "readout_iconv_sc_amp_i_bias": (128, 21, 0), "readout_pseudo_diff_buffer_bias": (128, 22, 0),
    "readout_out_amp_i_bias_0": (128, 23, 0), "readout_out_amp_i_bias_1": (129, 8, 0),
    "readout_idac_i_bias": (129, 9, 0), "readout_idac_i_bias_casc": (129, 10, 0),
    "readout_iconv_i_bias_buffer": (129, 11, 0), "readout_ac_mux_i_bias": (129, 12, 0),
    "readout_madc_in_500na": (129, 13, 0), "readout_sc_amp_i_bias": (129, 14, 0),
    "stp_ibias_readout_top": (128, 21, 1), "stp_ibias_readout_bottom": (128, 21, 3),
    "hagen_ibias_dac_top": (128, 22, 1), "hagen_ibias_dac_bottom": (128, 22, 3),
}  # fmt: skip


class CapMemBlockOnHemisphere(Ranged, max=1):
    """CapMem block inside a hemisphere: ``left`` (0) or ``right`` (1)."""

    __slots__ = ()
    left: ClassVar[CapMemBlockOnHemisphere]
    right: ClassVar[CapMemBlockOnHemisphere]


CapMemBlockOnHemisphere.left = CapMemBlockOnHemisphere(0)
CapMemBlockOnHemisphere.right = CapMemBlockOnHemisphere(1)


class _PerBlock(Ranged, max=3):
    """A per-CapMem-block coordinate: 0 NW, 1 NE, 2 SW, 3 SE."""

    __slots__ = ()

    def toCapMemBlockOnHemisphere(self) -> CapMemBlockOnHemisphere:
        """Return left/right inside the hemisphere (``block % 2``)."""
        return CapMemBlockOnHemisphere._from_enum(self._e % 2)

    def toHemisphereOnDLS(self) -> HemisphereOnDLS:
        """Return the hemisphere (``block // 2``)."""
        return HemisphereOnDLS._from_enum(self._e // 2)


class CapMemBlockOnDLS(_PerBlock):
    """CapMem block (= NeuronConfig quadrant). Also built from ``(x, y)`` halves.

    >>> CapMemBlockOnDLS(3).toCapMemBlockOnHemisphere() == CapMemBlockOnHemisphere(1)
    True
    """

    __slots__ = ()

    def __new__(cls, value: object = None, y: object = None) -> Any:
        if y is None:
            return super().__new__(cls, value)
        x = CapMemBlockOnHemisphere._coerce(value, "CapMemBlockOnDLS", "x")
        h = HemisphereOnDLS._coerce(y, "CapMemBlockOnDLS", "y")
        return cls._from_enum(2 * h._e + x._e)


class CapMemBlockConfigOnDLS(_PerBlock):
    """Configuration of a CapMem block."""

    __slots__ = ()


class CapMemSRAMTimingConfigOnDLS(_PerBlock):
    """SRAM timing of a CapMem block."""

    __slots__ = ()


class ReferenceGeneratorConfigOnDLS(Ranged, max=0):
    """The CapMem reference current generator."""

    __slots__ = ()


class CapMemOnDLS(Ranged, max=0):
    """All CapMem blocks."""

    __slots__ = ()


class CapMemColumnOnCapMemBlock(Ranged, max=129):
    """CapMem column: 0-127 per neuron, 128-129 shared."""

    __slots__ = ()

    def isShared(self) -> bool:
        """Return whether the column holds shared (not per-neuron) cells."""
        return self._e >= 128


class CapMemRowOnCapMemBlock(Ranged, max=23):
    """CapMem row, named after the per-neuron parameter it holds (``v_leak`` = 0, ...)."""

    __slots__ = ()
    v_leak: ClassVar[CapMemRowOnCapMemBlock]
    v_reset: ClassVar[CapMemRowOnCapMemBlock]
    v_threshold: ClassVar[CapMemRowOnCapMemBlock]
    e_synin_exc_rev: ClassVar[CapMemRowOnCapMemBlock]
    e_synin_inh_rev: ClassVar[CapMemRowOnCapMemBlock]
    v_adapt_leak: ClassVar[CapMemRowOnCapMemBlock]
    v_exp: ClassVar[CapMemRowOnCapMemBlock]
    v_adapt_ref: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_leak: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_reset: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_synin_exc_tau: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_synin_exc_coba: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_synin_exc_shift: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_synin_exc_gm: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_synin_inh_tau: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_synin_inh_coba: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_synin_inh_shift: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_synin_inh_gm: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_adapt_tau: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_adapt_a: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_adapt_b: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_exp: ClassVar[CapMemRowOnCapMemBlock]
    i_mem_offset: ClassVar[CapMemRowOnCapMemBlock]
    i_bias_nmda: ClassVar[CapMemRowOnCapMemBlock]


for _i, _name in enumerate(_ROW_NAMES):
    setattr(CapMemRowOnCapMemBlock, _name, CapMemRowOnCapMemBlock(_i))


class CapMemCellOnCapMemBlock(Grid, x=CapMemColumnOnCapMemBlock, y=CapMemRowOnCapMemBlock):
    """A CapMem cell inside a block; shared cells are statics (``stp_v_charge_0``, ...)."""

    __slots__ = ()

    def isShared(self) -> bool:
        """Return whether the cell is in a shared column."""
        return self._e % 130 >= 128


for _name, (_c, _r) in _BLOCK_CELLS.items():
    setattr(CapMemCellOnCapMemBlock, _name, CapMemCellOnCapMemBlock(_c, _r))


class CapMemCellOnDLS(
    Mixin, local=CapMemCellOnCapMemBlock, outer=CapMemBlockOnDLS, names=("cell", "block")
):
    """One of the 12 480 CapMem cells; chip-global cells are statics (``readout_sc_amp_v_ref``)."""

    __slots__ = ()


for _name, (_c, _r, _b) in _GLOBAL_CELLS.items():
    setattr(CapMemCellOnDLS, _name, CapMemCellOnDLS(CapMemCellOnCapMemBlock(_c, _r), _b))


def _unused_cells() -> tuple[tuple[int, int, int], ...]:
    """(column, row, block) of the cells no parameter uses, in enum order."""
    cells = [(128, 23, 1), (128, 23, 3)]
    cells += [(128, r, 2) for r in range(21, 24)]
    cells += [(129, r, 0) for r in range(8)]
    cells += [(129, r, 0) for r in range(15, 23)]
    cells += [(129, r, b) for b in range(1, 4) for r in range(23)]
    return tuple(cells)


_UNUSED = _unused_cells()


class UnusedCapMemCellOnDLS(Ranged, max=len(_UNUSED) - 1):
    """A CapMem cell not connected to any parameter (90 of them)."""

    __slots__ = ()

    def toCapMemCellOnDLS(self) -> CapMemCellOnDLS:
        """Return the cell."""
        c, r, b = _UNUSED[self._e]
        return CapMemCellOnDLS(CapMemCellOnCapMemBlock(c, r), b)

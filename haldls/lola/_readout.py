"""Readout aggregates: CADC readout chains and samples, SRAM timings (``ReadoutChain``: own module).

Members, defaults and visit orders follow upstream lola v3 (``cadc.h``, ``readout_chain.tcc``,
``memory_timing.tcc``). Leaves the aggregates hold in another shape (a ``CADCConfig`` built from
``ramp``, an ``MADCConfig`` gathered from seven sub-structs) are built on demand for a write and
taken apart again after a read, field by field, so one visitor serves both directions.

>>> import halco
>>> chain = CADCReadoutChain()
>>> chain.ramp.v_offset[1] = 400
>>> len(chain.encode_array(halco.CADCOnDLS(0)))
789
>>> CADCSampleRow.address_array(halco.CADCSampleRowOnDLS(0)).shape
(128,)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, cast

import numpy as np
import numpy.typing as npt

import halco
from halco.common import Coordinate
from haldls._blocks import CapMemCell
from haldls._container import Container
from haldls._field import Field
from haldls._neuron import NeuronBackendSRAMTimingConfig, NeuronSRAMTimingConfig
from haldls._readout import (
    CADCChannelConfig,
    CADCConfig,
    CADCOffsetSRAMTimingConfig,
    CADCSampleQuad,
)
from haldls._struct import Struct, StructField
from haldls._synapse import ColumnCorrelationQuad, CommonCorrelationConfig, CommonSynramConfig
from haldls._synapse_driver import SynapseDriverSRAMTimingConfig
from haldls._system import CapMemSRAMTimingConfig
from haldls.lola._base import (
    Aggregate,
    AnalogValueVariant,
    ItemArrayField,
    MatrixField,
    Slot,
    ValueArrayField,
    array_slot,
    cell_slot,
)
from haldls.lola._table import TableArrayField

__all__ = ["CADCReadoutChain", "CADCSampleRow", "CADCSamples", "MemoryTiming"]

COLUMNS, QUAD_COLUMNS = halco.SynapseOnSynapseRow.size, halco.SynapseQuadColumnOnDLS.size
#: _COLUMN_OF_QUAD[q, e]: the synapse (and CADC channel) column of entry e of quad column q.
_COLUMN_OF_QUAD = np.array(
    [[int(halco.SynapseOnSynapseRow(e, q)) for e in range(4)] for q in range(QUAD_COLUMNS)], np.intp
)


def _enum(t: Any) -> Callable[[], list[Coordinate]]:
    return lambda: [t(e) for e in range(t.size)]


def _leaf_slot(
    container_type: type[Container],
    coord: Coordinate,
    build: Callable[[], Container],
    store: Callable[[Container], None],
) -> Slot:
    """Return a slot over one leaf built from the aggregate on demand; ``store`` takes it back."""

    def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
        store(container_type.from_columns(columns, n=1)[0])

    return Slot(
        container_type,
        1,
        lambda: [coord],
        lambda: container_type.to_columns([build()]),
        set_,
        lambda: [build()],
    )


def _gather(owner: Struct, table: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """Return leaf field -> value, read from ``owner``'s sub-structs as ``table`` maps them."""
    return {leaf: getattr(getattr(owner, sub), member) for leaf, (sub, member) in table.items()}


def _scatter(leaf: Container, owner: Struct, table: dict[str, tuple[str, str]]) -> None:
    """Set ``owner``'s sub-struct members from the leaf's fields as ``table`` maps them."""
    for name, (sub, member) in table.items():
        setattr(getattr(owner, sub), member, getattr(leaf, name))


# -- CADCReadoutChain ---------------------------------------------------------------------------
class _IdentityArrayField(ValueArrayField):
    """A typed array whose entry ``i`` defaults to ``i`` (the ramp offset assignment)."""

    def fresh_default(self) -> Any:
        return self.make_array(range(self.key.size))


def _analog_values() -> ValueArrayField:
    """Return one analog value per CapMem block of the hemisphere (upstream ``AnalogValues``)."""
    return ValueArrayField(halco.CapMemBlockOnHemisphere, AnalogValueVariant)


#: (CapMemCellOnCapMemBlock static, Ramp member), in upstream's per-block visit order.
_RAMP_CELLS = (
    ("cadc_v_ramp_offset", "v_offset"),
    ("cadc_i_ramp_slope", "i_slope"),
    ("cadc_i_bias_comp", "i_bias_comparator"),
    ("cadc_i_bias_vreset_buf", "i_bias_vreset_buffer"),
    ("cadc_v_bias_ramp_buf", "v_bias_buffer"),
)
#: (CapMemCellOnCapMemBlock static, Correlation member), visited after each block's ramp cells.
_CORRELATION_CELLS = (
    ("syn_i_bias_ramp", "i_bias_ramp"),
    ("syn_i_bias_store", "i_bias_store"),
    ("syn_i_bias_corout", "i_bias_corout"),
)
#: ColumnCorrelationSwitch member -> (channel array, Channel member).
_SWITCHES = {
    "enable_internal_causal": ("channels_causal", "enable_connect_correlation"),
    "enable_internal_acausal": ("channels_acausal", "enable_connect_correlation"),
    "enable_debug_causal": ("channels_causal", "enable_connect_debug"),
    "enable_debug_acausal": ("channels_acausal", "enable_connect_debug"),
    "enable_cadc_neuron_readout_causal": ("channels_causal", "enable_connect_neuron"),
    "enable_cadc_neuron_readout_acausal": ("channels_acausal", "enable_connect_neuron"),
}
_SWITCH_MEMBERS = ColumnCorrelationQuad.ColumnCorrelationSwitch.field_names()


class CADCReadoutChain(Aggregate):
    """One CADC: ramp (``CADCConfig`` and ramp CapMem cells), channels, correlation settings.

    Writes, as upstream: ``CADCConfig``; per CapMem block of the hemisphere the ramp cells then
    the correlation bias cells; 256 causal and 256 acausal channel offsets; 64
    ``ColumnCorrelationQuad``s (the channels' connections); ``CommonCorrelationConfig``.
    """

    coordinate_type = halco.CADCOnDLS
    AnalogValueVariant = AnalogValueVariant

    class Channel(Struct):
        """One CADC channel: digital offset and the column's connections."""

        Offset = CADCChannelConfig.Offset
        offset = Field(CADCChannelConfig.Offset, default=0)
        enable_connect_correlation = Field(bool, doc="Channel to the synapses' correlation line.")
        enable_connect_debug = Field(bool, doc="Channel to the common debug line.")
        enable_connect_neuron = Field(bool, doc="Column line to the neuron readout.")

    class Ramp(Struct):
        """Ramp generation: enable and timing (``CADCConfig``), analog values per CapMem block."""

        ResetWait = CADCConfig.ResetWait
        DeadTime = CADCConfig.DeadTime
        AnalogValue = CapMemCell.Value
        AnalogDisableRefresh = CapMemCell.DisableRefresh
        enable = Field(bool)
        # upstream's ResetWait/DeadTime construct as 100/20 (haldls' bare CADCConfig gives 0/0)
        reset_wait = Field(CADCConfig.ResetWait, default=100)
        dead_time = Field(CADCConfig.DeadTime, default=20)
        v_offset_assignment = _IdentityArrayField(
            halco.CapMemBlockOnHemisphere, halco.CapMemBlockOnHemisphere
        )
        v_offset = _analog_values()
        i_slope = _analog_values()
        i_bias_comparator = _analog_values()
        i_bias_vreset_buffer = _analog_values()
        v_bias_buffer = _analog_values()

    class Correlation(Struct):
        """Correlation timing (``CommonCorrelationConfig``) and biases per CapMem block."""

        SenseDelay = CommonCorrelationConfig.SenseDelay
        ResetDuration = CommonCorrelationConfig.ResetDuration
        ResetFallTime = CommonCorrelationConfig.ResetFallTime
        ResetMode = CommonCorrelationConfig.ResetMode
        AnalogValue = CapMemCell.Value
        AnalogDisableRefresh = CapMemCell.DisableRefresh
        sense_delay = Field(CommonCorrelationConfig.SenseDelay, default=1)
        reset_duration = Field(CommonCorrelationConfig.ResetDuration, default=200)
        reset_fall_time = Field(CommonCorrelationConfig.ResetFallTime, default=5)
        reset_mode = Field(CommonCorrelationConfig.ResetMode)
        i_bias_ramp = _analog_values()
        i_bias_store = _analog_values()
        i_bias_corout = _analog_values()

    ramp = StructField(Ramp)
    channels_causal = TableArrayField(halco.CADCChannelColumnOnSynram, Channel)
    channels_acausal = TableArrayField(halco.CADCChannelColumnOnSynram, Channel)
    correlation = StructField(Correlation)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        h, values = coord._e, self._values
        ramp, correlation = values["ramp"], values["correlation"]
        synram = halco.SynramOnDLS(h)

        def store_config(c: Any) -> None:
            ramp.enable, ramp.reset_wait, ramp.dead_time = c.enable, c.reset_wait, c.dead_time

        yield _leaf_slot(
            CADCConfig,
            halco.CADCConfigOnDLS(h),
            lambda: CADCConfig(
                enable=ramp.enable, reset_wait=ramp.reset_wait, dead_time=ramp.dead_time
            ),
            store_config,
        )
        for b in range(halco.CapMemBlockOnHemisphere.size):
            block = halco.CapMemBlockOnDLS(halco.CapMemBlockOnHemisphere.size * h + b)
            for owner, cells in ((ramp, _RAMP_CELLS), (correlation, _CORRELATION_CELLS)):
                yield cell_slot(
                    owner,
                    [
                        (
                            halco.CapMemCellOnDLS(getattr(halco.CapMemCellOnCapMemBlock, c), block),
                            m,
                            b,
                        )
                        for c, m in cells
                    ],
                )
        for name, kind in (("channels_causal", 0), ("channels_acausal", 1)):
            yield _channel_slot(values[name], synram, halco.CADCChannelType(kind))
        yield _switch_slot(values, synram)

        def store_correlation(c: Any) -> None:
            correlation.sense_delay, correlation.reset_duration = c.sense_delay, c.reset_duration
            correlation.reset_fall_time, correlation.reset_mode = c.reset_fall_time, c.reset_mode
            ramp.v_offset_assignment = c.cadc_v_offset_assignment

        yield _leaf_slot(
            CommonCorrelationConfig,
            halco.CommonCorrelationConfigOnDLS(h),
            lambda: CommonCorrelationConfig(
                sense_delay=correlation.sense_delay,
                reset_duration=correlation.reset_duration,
                reset_fall_time=correlation.reset_fall_time,
                reset_mode=correlation.reset_mode,
                cadc_v_offset_assignment=ramp.v_offset_assignment,
            ),
            store_correlation,
        )


def _channel_slot(channels: Any, synram: halco.SynramOnDLS, kind: halco.CADCChannelType) -> Slot:
    """Return the slot of one channel type's 256 ``CADCChannelConfig``s (offsets only)."""

    def coords() -> list[Coordinate]:
        return [
            halco.CADCChannelConfigOnDLS(
                halco.CADCChannelConfigOnSynram(halco.CADCChannelColumnOnSynram(c), kind), synram
            )
            for c in range(COLUMNS)
        ]

    offset = channels.cols["offset"][0]

    def get() -> dict[str, npt.NDArray[np.int64]]:
        return {"offset": channels.table[:, offset]}

    def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
        channels.table[:, offset] = columns["offset"]

    return Slot(CADCChannelConfig, COLUMNS, coords, get, set_)


def _switch_slot(values: Any, synram: halco.SynramOnDLS) -> Slot:
    """Return the slot of the 64 ``ColumnCorrelationQuad``s built from the channels."""

    def coords() -> list[Coordinate]:
        return [
            halco.ColumnCorrelationQuadOnDLS(
                halco.SynapseQuadColumnOnDLS(q).toColumnCorrelationQuadOnSynram(), synram
            )
            for q in range(QUAD_COLUMNS)
        ]

    def column(member: str) -> tuple[Any, int]:
        array, name = _SWITCHES[member]
        return values[array].table, values[array].cols[name][0]

    def get() -> dict[str, npt.NDArray[np.int64]]:
        per_member = []
        for member in _SWITCH_MEMBERS:
            table, j = column(member)
            per_member.append(table[:, j][_COLUMN_OF_QUAD])
        return {"switches": np.stack(per_member, axis=-1)}

    def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
        raw = columns["switches"]
        for k, member in enumerate(_SWITCH_MEMBERS):
            table, j = column(member)
            table[_COLUMN_OF_QUAD, j] = raw[..., k]

    return Slot(ColumnCorrelationQuad, QUAD_COLUMNS, coords, get, set_)


# -- CADC samples (read only) -------------------------------------------------------------------
def _sample_quad(synram: int, row: Any, kind: int, quad: int) -> halco.CADCSampleQuadOnDLS:
    """Return a sample quad's coordinate: the causal quad 0 triggers, all others read buffered."""
    readout = halco.CADCReadoutType(int(kind != 0 or quad != 0))
    local = halco.CADCSampleQuadOnSynram(
        halco.SynapseQuadOnSynram(halco.SynapseQuadColumnOnDLS(quad), row),
        halco.CADCChannelType(kind),
        readout,
    )
    return halco.CADCSampleQuadOnDLS(local, halco.SynramOnDLS(synram))


def _to_quads(causal: npt.NDArray[Any], acausal: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """Return (synram, channel type, quad column, entry) samples of (synram, column) arrays."""
    return np.stack([causal[:, _COLUMN_OF_QUAD], acausal[:, _COLUMN_OF_QUAD]], axis=1)


def _from_quads(quads: npt.NDArray[Any]) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    out = np.empty((2, quads.shape[0], COLUMNS), np.uint8)
    out[:, :, _COLUMN_OF_QUAD] = quads.transpose(1, 0, 2, 3)
    return out[0], out[1]


#: CADCSamples' visit order as (synram, channel type, quad column): both triggers, then buffered
#: top causal, top acausal, bottom causal, bottom acausal (upstream cadc.h).
_SAMPLES_ORDER = [(0, 0, 0), (1, 0, 0)] + [
    (s, t, q) for s in (0, 1) for t in (0, 1) for q in range(QUAD_COLUMNS) if t or q
]
_SAMPLES_INDEX = np.array([(2 * s + t) * QUAD_COLUMNS + q for s, t, q in _SAMPLES_ORDER], np.intp)


class CADCSampleRow(Aggregate):
    """The causal and acausal CADC samples of one synapse row (256 each, uint8), read only.

    A read triggers the conversion with causal quad 0 and reads every other quad buffered:
    causal quads 0..63, then acausal quads 0..63.
    """

    coordinate_type = halco.CADCSampleRowOnDLS
    is_writable = False  # read results
    Value = CADCSampleQuad.Value
    causal = MatrixField(CADCSampleQuad.Value, (COLUMNS,))
    acausal = MatrixField(CADCSampleQuad.Value, (COLUMNS,))

    def _visit(self, coord: Any) -> Iterator[Slot]:
        row, synram, values = coord.toSynapseRowOnSynram(), coord.toSynramOnDLS()._e, self._values

        def coords() -> list[Coordinate]:
            return [_sample_quad(synram, row, t, q) for t in (0, 1) for q in range(QUAD_COLUMNS)]

        def get() -> dict[str, npt.NDArray[Any]]:
            quads = _to_quads(values["causal"][None], values["acausal"][None])
            return {"samples": quads.reshape(-1, 4)}

        def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
            causal, acausal = _from_quads(columns["samples"].reshape(1, 2, QUAD_COLUMNS, 4))
            values["causal"], values["acausal"] = causal[0], acausal[0]

        yield Slot(CADCSampleQuad, 2 * QUAD_COLUMNS, coords, get, set_)


class CADCSamples(Aggregate):
    """The CADC samples of both synrams' row 0, ``causal[synram, column]`` (2 x 256), read only.

    A read triggers both CADCs (causal quad 0, top then bottom) before the buffered reads.
    """

    coordinate_type = halco.CADCSamplesOnDLS
    is_writable = False  # read results
    Value = CADCSampleQuad.Value
    causal = MatrixField(CADCSampleQuad.Value, (halco.SynramOnDLS.size, COLUMNS))
    acausal = MatrixField(CADCSampleQuad.Value, (halco.SynramOnDLS.size, COLUMNS))

    def _visit(self, coord: Any) -> Iterator[Slot]:
        row, values, n = halco.SynapseRowOnSynram(0), self._values, len(_SAMPLES_ORDER)

        def coords() -> list[Coordinate]:
            return [_sample_quad(s, row, t, q) for s, t, q in _SAMPLES_ORDER]

        def get() -> dict[str, npt.NDArray[Any]]:
            quads = _to_quads(values["causal"], values["acausal"]).reshape(-1, 4)
            return {"samples": quads[_SAMPLES_INDEX]}

        def set_(columns: dict[str, npt.NDArray[np.int64]]) -> None:
            quads = np.empty((n, 4), np.int64)
            quads[_SAMPLES_INDEX] = columns["samples"]
            values["causal"], values["acausal"] = _from_quads(quads.reshape(2, 2, QUAD_COLUMNS, 4))

        yield Slot(CADCSampleQuad, n, coords, get, set_)


# -- MemoryTiming -------------------------------------------------------------------------------
class MemoryTiming(Aggregate):
    """The SRAM timing of every full-custom memory, visited in field order (as upstream).

    ``synapse_driver`` and ``neuron_backend`` timings are write-only in haldls, so a read of the
    whole aggregate is not meaningful on hardware.
    """

    coordinate_type = halco.MemoryTimingOnDLS
    capmem = ItemArrayField(halco.CapMemSRAMTimingConfigOnDLS, CapMemSRAMTimingConfig)
    cadc_offset = ItemArrayField(halco.CADCOffsetSRAMTimingConfigOnDLS, CADCOffsetSRAMTimingConfig)
    synapse_driver = ItemArrayField(
        halco.SynapseDriverSRAMTimingConfigOnDLS, SynapseDriverSRAMTimingConfig
    )
    neuron = ItemArrayField(halco.NeuronSRAMTimingConfigOnDLS, NeuronSRAMTimingConfig)
    neuron_backend = ItemArrayField(
        halco.NeuronBackendSRAMTimingConfigOnDLS, NeuronBackendSRAMTimingConfig
    )
    synram = ItemArrayField(halco.CommonSynramConfigOnDLS, CommonSynramConfig)

    def _visit(self, coord: Any) -> Iterator[Slot]:
        values = self._values
        for f in self._fields:
            item = cast(ItemArrayField, f)  # every field is an array of leaves
            yield array_slot(item.typ, _enum(item.key), partial(values.__getitem__, item.name))

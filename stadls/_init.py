"""Playback generators and the system initialization: ``SystemInit``, ``ChipInit``, board inits.

A playback generator is an object whose ``generate()`` returns ``(builder, result)``;
``generate(generator)`` calls it. ``SystemInit().generate()`` gives the builder that brings a
setup from power-up to a usable chip (reference §5.5): the FPGA's instruction timeout, the ASIC
adapter board (supplies, DACs), then ``ChipInit``: chip reset, JTAG, PLLs, the highspeed link,
systime synchronization, event recording, the CapMem reference and the memory timings. The
fields are the configurations written; change them before ``generate()``.

Decision: ``hwdb_entry`` stands for the hardware database entry of the setup, which selects the
board init and the synram timings upstream. Our connections have no hardware database yet, so
the only entry is ``None``: a cube board (``CubeASICAdapterBoardInit``, as upstream for cube,
simulation and zero-mock setups) and default memory timings. For a jBOA setup assign
``init.asic_adapter_board = JboaASICAdapterBoardInit()``; calibrated synram timings go to
``init.chip.memory_timing.synram``.

>>> import stadls
>>> from fisch.connection import ZeroMockConnection
>>> builder, result = SystemInit().generate()
>>> result is None
True
>>> with ZeroMockConnection() as connection:
...     stadls.run(connection, builder.done())
"""

from __future__ import annotations

import abc
import copy
from typing import Any

import attrs

import halco
from halco import (
    AD5252ChannelConfigOnBoard,
    ADPLLOnDLS,
    BarrierOnFPGA,
    CommonPhyConfigChipOnDLS,
    CommonPhyConfigFPGAOnDLS,
    DACChannelBlockOnBoard,
    DACControlBlockOnBoard,
    EventRecordingConfigOnFPGA,
    InstructionTimeoutConfigOnFPGA,
    JTAGClockScalerOnDLS,
    MemoryTimingOnDLS,
    PhyConfigChipOnDLS,
    PhyConfigFPGAOnDLS,
    PLLClockOutputBlockOnDLS,
    ReferenceGeneratorConfigOnDLS,
    ResetChipOnDLS,
    ResetJTAGTapOnDLS,
    ShiftRegisterOnBoard,
    SystimeSyncBaseOnDLS,
    SystimeSyncOnFPGA,
    TCA9546OnBoard,
    TCA9554ConfigOnBoard,
    TimerOnDLS,
)
from halco.common import Coordinate, TypedArray
from haldls import (
    ADPLL,
    AD5252ChannelConfig,
    Backend,
    Barrier,
    CommonPhyConfigChip,
    CommonPhyConfigFPGA,
    EventRecordingConfig,
    InstructionTimeoutConfig,
    JTAGClockScaler,
    PhyConfigChip,
    PhyConfigFPGA,
    PLLClockOutputBlock,
    ReferenceGeneratorConfig,
    ResetChip,
    ResetJTAGTap,
    ShiftRegister,
    SystimeSync,
    SystimeSyncBase,
    TCA9546ChannelConfig,
    TCA9554Config,
    Timer,
)
from haldls.lola import DACChannelBlock, DACControlBlock, MemoryTiming
from stadls._builder import PlaybackProgramBuilder

__all__ = [
    "ASICAdapterBoardInit",
    "ChipInit",
    "CubeASICAdapterBoardInit",
    "JboaASICAdapterBoardInit",
    "PlaybackGenerator",
    "SystemInit",
    "chip_reset_high_duration",
    "chip_reset_low_duration",
    "generate",
    "jboa_dac_settling_duration",
    "jboa_powerup_settling_duration",
    "pll_and_omnibus_settling_duration",
    "reference_generator_reset_duration",
    "xboard_dac_settling_duration",
]

_JTAG_PLL = Backend["JTAGPLLRegister"]
_OMNIBUS = Backend["Omnibus"]
_OMNIBUS_OVER_JTAG = Backend["OmnibusChipOverJTAG"]

_CYCLES_PER_US = Timer.Value.fpga_clock_cycles_per_us  # 125 (FPGA clock 125 MHz)

# Waits of the init sequence, in FPGA clock cycles (upstream haldls constants, reference §5.5).
#: Until the PLLs lock and the Omnibus is up: 100 µs.
pll_and_omnibus_settling_duration = Timer.Value(_CYCLES_PER_US * 100)
#: Until the xBoard DACs settle: 1 ms.
xboard_dac_settling_duration = Timer.Value(_CYCLES_PER_US * 1000)
#: Until the jBOA supply regulators settle: 0.5 ms.
jboa_dac_settling_duration = Timer.Value(_CYCLES_PER_US * 500)
#: Until a jBOA setup is stable after power-up: 3 ms.
jboa_powerup_settling_duration = Timer.Value(_CYCLES_PER_US * 3000)
#: Chip reset held: 10 cycles.
chip_reset_high_duration = Timer.Value(10)
#: After releasing the chip reset: 100 cycles.
chip_reset_low_duration = Timer.Value(100)
#: CapMem reference generator reset held: 1000 cycles.
reference_generator_reset_duration = Timer.Value(1000)


class PlaybackGenerator(abc.ABC):
    """Base of playback generators: ``generate()`` returns ``(builder, result)``.

    Subclass it and implement ``generate``; call it as ``generate(generator)``.

    >>> class Wait(PlaybackGenerator):
    ...     def generate(self) -> tuple[PlaybackProgramBuilder, None]:
    ...         builder = PlaybackProgramBuilder()
    ...         builder.write(TimerOnDLS(), Timer())
    ...         builder.block_until(TimerOnDLS(), Timer.Value(125))
    ...         return builder, None
    >>> builder, _ = generate(Wait())
    >>> builder.size_to_fpga()
    2
    """

    __slots__ = ()

    @abc.abstractmethod
    def generate(self) -> tuple[Any, ...]:
        """Return the generated tuple, by convention ``(builder, result)``."""


def generate(generator: Any) -> tuple[Any, ...]:
    """Return ``generator.generate()``: ``(builder, result)`` for the generators here.

    Raises
    ------
    TypeError
        If ``generator`` has no ``generate`` method or it returns no tuple.
    """
    method = getattr(generator, "generate", None)
    if not callable(method):
        raise TypeError(f"generate() needs a playback generator, got {type(generator).__name__}")
    out = method()
    if not isinstance(out, tuple):
        raise TypeError(
            f"{type(generator).__name__}.generate() must return a tuple, got {type(out).__name__}"
        )
    return out


def _wait(builder: PlaybackProgramBuilder, duration: Any) -> None:
    """Reset the FPGA timer and wait until it reaches ``duration``."""
    builder.write(TimerOnDLS(), Timer())
    builder.block_until(TimerOnDLS(), duration)


def _array(key: type[Coordinate], kind: type) -> Any:
    """Return an attrs factory of a typed array of default ``kind`` containers over ``key``."""

    def check(value: Any) -> Any:
        if not isinstance(value, kind):
            raise TypeError(f"entries must be {kind.__name__}, got {type(value).__name__}")
        return value

    def make() -> TypedArray[Any]:
        return TypedArray(key, [kind() for _ in range(key.size)], value_type=check)

    return attrs.Factory(make)


def _of(kind: type | tuple[type, ...]) -> Any:
    return attrs.validators.instance_of(kind)


def _copy(value: Any) -> Any:
    return copy.deepcopy(value)


def _check_hwdb_entry(hwdb_entry: Any) -> None:
    if hwdb_entry is not None:
        raise TypeError(
            "hardware database entries are not supported yet: pass None (cube board, default "
            f"memory timing), got {type(hwdb_entry).__name__}"
        )


# -- ASIC adapter boards --------------------------------------------------------------------------
@attrs.define
class ASICAdapterBoardInit(PlaybackGenerator):
    """Base of the ASIC adapter board inits; this one writes nothing."""

    def generate(self) -> tuple[PlaybackProgramBuilder, None]:
        """Return ``(builder, None)``: an empty builder."""
        return PlaybackProgramBuilder(), None


@attrs.define
class CubeASICAdapterBoardInit(ASICAdapterBoardInit):
    """Init of a cube setup's xBoard: shift register, DAC channel values and enables.

    The DAC channels default to the supplies of LDO version 2 (``DACChannelBlock.default_ldo_2``).
    """

    shift_register: ShiftRegister = attrs.field(factory=ShiftRegister, validator=_of(ShiftRegister))
    dac_control_block: DACControlBlock = attrs.field(
        factory=DACControlBlock, validator=_of(DACControlBlock)
    )
    dac_channel_block: DACChannelBlock = attrs.field(
        factory=lambda: DACChannelBlock.default_ldo_2, validator=_of(DACChannelBlock)
    )

    def generate(self) -> tuple[PlaybackProgramBuilder, None]:
        """Return ``(builder, None)``: the three writes, then 1 ms for the DACs to settle.

        Raises
        ------
        ValueError
            If a value is out of range.
        """
        builder, _ = super().generate()
        builder.write(ShiftRegisterOnBoard(), self.shift_register)
        builder.write(DACChannelBlockOnBoard(), self.dac_channel_block)
        builder.write(DACControlBlockOnBoard(), self.dac_control_block)
        _wait(builder, xboard_dac_settling_duration)
        return builder, None


def _default_pots() -> TypedArray[Any]:
    pots = (
        AD5252ChannelConfig.default_pot_25,  # vdd_25digital
        AD5252ChannelConfig.default_pot_12_digital,  # vdd_12digital
        AD5252ChannelConfig.default_pot_12,  # vdd_12pll
        AD5252ChannelConfig.default_pot_12,  # vdd_12madc
        AD5252ChannelConfig.default_pot_12,  # vdd_12analog
        AD5252ChannelConfig.default_pot_25,  # vdd_25analog
    )
    array = _array(AD5252ChannelConfigOnBoard, AD5252ChannelConfig).factory()
    for i, wiper in enumerate(pots):
        array[i] = AD5252ChannelConfig(value=wiper)
    return array


@attrs.define
class JboaASICAdapterBoardInit(ASICAdapterBoardInit):
    """Init of a jBOA setup: I2C multiplexer, supply potentiometers, I/O expander.

    ``DigitalPotiArray`` (upstream's name) holds one ``AD5252ChannelConfig`` per
    ``AD5252ChannelConfigOnBoard``: 2.5 V wipers for the 2.5 V supplies, 1.2 V ones otherwise.
    """

    multiplexer: TCA9546ChannelConfig = attrs.field(
        factory=lambda: TCA9546ChannelConfig(channel_status=TCA9546ChannelConfig.default_mux),
        validator=_of(TCA9546ChannelConfig),
    )
    io_expander: TCA9554Config = attrs.field(factory=TCA9554Config, validator=_of(TCA9554Config))
    DigitalPotiArray: TypedArray[Any] = attrs.field(
        factory=_default_pots, validator=_of(TypedArray)
    )

    def generate(self) -> tuple[PlaybackProgramBuilder, None]:
        """Return ``(builder, None)``: the writes, an Omnibus barrier, then 3 ms + 0.5 ms.

        Raises
        ------
        ValueError
            If a value is out of range.
        """
        builder, _ = super().generate()
        builder.write(TCA9546OnBoard(), self.multiplexer)
        for coord in halco.iter_all(AD5252ChannelConfigOnBoard):
            builder.write(coord, self.DigitalPotiArray[coord])
        builder.write(TCA9554ConfigOnBoard(), self.io_expander)
        builder.block_until(BarrierOnFPGA(), Barrier.omnibus)
        _wait(builder, jboa_powerup_settling_duration)
        _wait(builder, jboa_dac_settling_duration)
        return builder, None


# -- the chip -------------------------------------------------------------------------------------
@attrs.define
class HighspeedLink:
    """Highspeed-link settings of ``ChipInit``: PHYs on both sides and systime synchronization.

    ``enable_systime`` False skips the SystimeSyncBase write and the time handshake: responses
    then carry no time annotation.
    """

    common_phy_config_fpga: CommonPhyConfigFPGA = attrs.field(
        factory=CommonPhyConfigFPGA, validator=_of(CommonPhyConfigFPGA)
    )
    common_phy_config_chip: CommonPhyConfigChip = attrs.field(
        factory=CommonPhyConfigChip, validator=_of(CommonPhyConfigChip)
    )
    phy_configs_fpga: TypedArray[Any] = attrs.field(
        default=_array(PhyConfigFPGAOnDLS, PhyConfigFPGA), validator=_of(TypedArray)
    )
    phy_configs_chip: TypedArray[Any] = attrs.field(
        default=_array(PhyConfigChipOnDLS, PhyConfigChip), validator=_of(TypedArray)
    )
    systime_sync_base: SystimeSyncBase = attrs.field(
        factory=SystimeSyncBase, validator=_of(SystimeSyncBase)
    )
    enable_systime: bool = attrs.field(default=True, validator=_of(bool))


HighspeedLink.__qualname__ = "ChipInit.HighspeedLink"  # upstream's nested name


@attrs.define(init=False)
class ChipInit(PlaybackGenerator):
    """Initialization of the chip: reset, JTAG, PLLs, highspeed link, CapMem, memory timing.

    ``enable_highspeed_link`` False leaves out the highspeed link (and systime) and writes the
    memory timing over JTAG; the CapMem then has to be disabled too (``enable_capmem``).
    ``event_recording`` defaults to recording on; ``highspeed_link`` is a
    ``ChipInit.HighspeedLink``.
    """

    jtag_clock_scaler: JTAGClockScaler = attrs.field(validator=_of(JTAGClockScaler))
    pll_clock_output_block: PLLClockOutputBlock = attrs.field(validator=_of(PLLClockOutputBlock))
    adplls: TypedArray[Any] = attrs.field(validator=_of(TypedArray))
    highspeed_link: HighspeedLink = attrs.field(validator=_of(HighspeedLink))
    enable_highspeed_link: bool = attrs.field(validator=_of(bool))
    event_recording: EventRecordingConfig = attrs.field(validator=_of(EventRecordingConfig))
    memory_timing: MemoryTiming = attrs.field(validator=_of(MemoryTiming))
    enable_capmem: bool = attrs.field(validator=_of(bool))
    reference_generator_config: ReferenceGeneratorConfig = attrs.field(
        validator=_of(ReferenceGeneratorConfig)
    )
    HighspeedLink = HighspeedLink

    def __init__(self, hwdb_entry: Any = None) -> None:
        """Build the default chip init.

        Raises
        ------
        TypeError
            If ``hwdb_entry`` is not None (module docstring).
        """
        _check_hwdb_entry(hwdb_entry)
        self.__attrs_init__(
            JTAGClockScaler(),
            PLLClockOutputBlock(),
            _array(ADPLLOnDLS, ADPLL).factory(),
            HighspeedLink(),
            True,
            EventRecordingConfig(enable_event_recording=True),
            MemoryTiming(),
            True,
            ReferenceGeneratorConfig(),
        )

    def generate(self) -> tuple[PlaybackProgramBuilder, None]:
        """Return ``(builder, None)`` with the chip's init sequence (reference §5.5).

        Raises
        ------
        ValueError
            If the CapMem is enabled without the highspeed link, or a value is out of range.
        """
        hs = self.enable_highspeed_link
        if self.enable_capmem and not hs:
            raise ValueError(
                "ChipInit: the CapMem needs the highspeed link; set enable_capmem = False or "
                "enable_highspeed_link = True"
            )
        builder = PlaybackProgramBuilder()
        builder.write(ResetChipOnDLS(), ResetChip(value=True))
        _wait(builder, chip_reset_high_duration)
        builder.write(ResetChipOnDLS(), ResetChip(value=False))
        _wait(builder, chip_reset_low_duration)

        builder.write(JTAGClockScalerOnDLS(), self.jtag_clock_scaler)
        builder.write(ResetJTAGTapOnDLS(), ResetJTAGTap())
        for coord in halco.iter_all(ADPLLOnDLS):
            builder.write(coord, self.adplls[coord], _JTAG_PLL)
        builder.write(PLLClockOutputBlockOnDLS(), self.pll_clock_output_block, _JTAG_PLL)

        if hs:
            link = self.highspeed_link
            for fpga_phy in halco.iter_all(PhyConfigFPGAOnDLS):
                builder.write(fpga_phy, link.phy_configs_fpga[fpga_phy])
            for chip_phy in halco.iter_all(PhyConfigChipOnDLS):
                builder.write(chip_phy, link.phy_configs_chip[chip_phy])
            # as upstream, no timer reset: 100 µs after the one before chip_reset_low
            builder.block_until(TimerOnDLS(), pll_and_omnibus_settling_duration)
            builder.write(CommonPhyConfigFPGAOnDLS(), link.common_phy_config_fpga)
            builder.write(CommonPhyConfigChipOnDLS(), link.common_phy_config_chip)
            if link.enable_systime:
                builder.write(SystimeSyncBaseOnDLS(), link.systime_sync_base, _OMNIBUS)
                builder.block_until(BarrierOnFPGA(), Barrier.omnibus)  # the link is up
                builder.write(SystimeSyncOnFPGA(), SystimeSync())
                builder.block_until(BarrierOnFPGA(), Barrier.systime)

        builder.write(EventRecordingConfigOnFPGA(), self.event_recording)

        if self.enable_capmem:
            with_reset = self.reference_generator_config.copy()
            with_reset.enable_reset = True
            builder.write(ReferenceGeneratorConfigOnDLS(), with_reset)
            builder.block_until(BarrierOnFPGA(), Barrier.omnibus)
            _wait(builder, reference_generator_reset_duration)
            builder.write(ReferenceGeneratorConfigOnDLS(), self.reference_generator_config)

        backend = _OMNIBUS if hs else _OMNIBUS_OVER_JTAG
        builder.write(MemoryTimingOnDLS(), self.memory_timing, backend)
        builder.block_until(BarrierOnFPGA(), Barrier.omnibus if hs else Barrier.jtag)
        return builder, None


# -- the whole system -----------------------------------------------------------------------------
@attrs.define(init=False)
class SystemInit(PlaybackGenerator):
    """Initialization of a setup: FPGA instruction timeout, ASIC adapter board, chip.

    ``asic_adapter_board`` is an ``ASICAdapterBoardInit`` (a cube board by default; assigning
    stores a copy, as upstream); ``enable_asic_adapter_board`` and ``enable_chip`` leave out
    the board or the chip.
    """

    instruction_timeout: InstructionTimeoutConfig = attrs.field(
        validator=_of(InstructionTimeoutConfig)
    )
    asic_adapter_board: ASICAdapterBoardInit = attrs.field(
        validator=_of(ASICAdapterBoardInit), converter=_copy
    )
    enable_asic_adapter_board: bool = attrs.field(validator=_of(bool))
    chip: ChipInit = attrs.field(validator=_of(ChipInit))
    enable_chip: bool = attrs.field(validator=_of(bool))

    def __init__(self, hwdb_entry: Any = None) -> None:
        """Build the default system init.

        Raises
        ------
        TypeError
            If ``hwdb_entry`` is not None (module docstring).
        """
        _check_hwdb_entry(hwdb_entry)
        self.__attrs_init__(
            InstructionTimeoutConfig(), CubeASICAdapterBoardInit(), True, ChipInit(hwdb_entry), True
        )

    def generate(self) -> tuple[PlaybackProgramBuilder, None]:
        """Return ``(builder, None)``: the timeout, then the board's and the chip's sequences.

        Raises
        ------
        ValueError
            As ``ChipInit.generate``.
        TypeError
            If the board init's ``generate`` returns no ``(builder, result)``.
        """
        builder = PlaybackProgramBuilder()
        builder.write(InstructionTimeoutConfigOnFPGA(), self.instruction_timeout)
        if self.enable_asic_adapter_board:
            board = generate(self.asic_adapter_board)
            if len(board) != 2 or not isinstance(board[0], PlaybackProgramBuilder):
                raise TypeError(
                    f"{type(self.asic_adapter_board).__name__}.generate() must return "
                    "(PlaybackProgramBuilder, result)"
                )
            builder.merge_back(board[0])
        if self.enable_chip:
            chip, _ = self.chip.generate()
            builder.merge_back(chip)
        return builder, None

"""stadls init generators: SystemInit, ChipInit, the board inits and PlaybackGenerator.

The expected sequences are assembled by hand from reference §5.5 (and the upstream
init_generator, facts only), writing the leaf containers with values from the facts files; the
generated programs must have exactly their words. A recording builder shows the steps by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import halco
import haldls
import stadls
import stadls._init as init_module
from fisch.connection import ZeroMockConnection
from halco import (
    ADPLLOnDLS,
    BarrierOnFPGA,
    DACChannelOnBoard,
    DACOnBoard,
    PhyConfigChipOnDLS,
    PhyConfigFPGAOnDLS,
    TimerOnDLS,
)
from haldls import Backend, Barrier, Timer
from haldls.lola import DACChannelBlock, DACControlBlock, MemoryTiming
from stadls._init import (
    ASICAdapterBoardInit,
    ChipInit,
    CubeASICAdapterBoardInit,
    JboaASICAdapterBoardInit,
    PlaybackGenerator,
    SystemInit,
    generate,
)

US = 125  # FPGA clock cycles per µs (reference §5.8)


# -- hand-built sequences ------------------------------------------------------------------------
def wait(builder: stadls.PlaybackProgramBuilder, cycles: int) -> None:
    builder.write(TimerOnDLS(), Timer())
    builder.block_until(TimerOnDLS(), Timer.Value(cycles))


#: DAC codes of LDO version 2 (facts §2), by channel name; the others are 0.
LDO_2 = {
    "vdd25_digital": 608,
    "vdd25_analog": 608,
    "vdd12_digital": 2090,
    "vdd12_analog": 1630,
    "vdd12_madc": 440,
    "vdd12_pll": 440,
}


def cube_board(builder: stadls.PlaybackProgramBuilder) -> None:
    builder.write(halco.ShiftRegisterOnBoard(), haldls.ShiftRegister())
    codes = {int(getattr(DACChannelOnBoard, n).toEnum()): v for n, v in LDO_2.items()}
    for e in range(16):
        builder.write(DACChannelOnBoard(e), haldls.DACChannel(value=codes.get(e, 0)))
    for d in range(2):
        builder.write(DACOnBoard(d), haldls.DACControl())
    wait(builder, 1000 * US)


def jboa_board(builder: stadls.PlaybackProgramBuilder) -> None:
    builder.write(
        halco.TCA9546OnBoard(),
        haldls.TCA9546ChannelConfig(channel_status=[True, True, True, False]),
    )
    for e, wiper in enumerate([0xA7, 0x93, 0xA8, 0xA8, 0xA8, 0xA7]):
        builder.write(halco.AD5252ChannelConfigOnBoard(e), haldls.AD5252ChannelConfig(value=wiper))
    builder.write(halco.TCA9554ConfigOnBoard(), haldls.TCA9554Config())
    builder.block_until(BarrierOnFPGA(), Barrier.omnibus)
    wait(builder, 3000 * US)
    wait(builder, 500 * US)


def chip(
    builder: stadls.PlaybackProgramBuilder,
    highspeed: bool = True,
    systime: bool = True,
    capmem: bool = True,
) -> None:
    builder.write(halco.ResetChipOnDLS(), haldls.ResetChip(value=True))
    wait(builder, 10)
    builder.write(halco.ResetChipOnDLS(), haldls.ResetChip(value=False))
    wait(builder, 100)
    builder.write(halco.JTAGClockScalerOnDLS(), haldls.JTAGClockScaler())
    builder.write(halco.ResetJTAGTapOnDLS(), haldls.ResetJTAGTap())
    for e in range(2):
        builder.write(ADPLLOnDLS(e), haldls.ADPLL(), Backend.JTAGPLLRegister)
    builder.write(
        halco.PLLClockOutputBlockOnDLS(), haldls.PLLClockOutputBlock(), Backend.JTAGPLLRegister
    )
    if highspeed:
        for e in range(8):
            builder.write(PhyConfigFPGAOnDLS(e), haldls.PhyConfigFPGA())
        for e in range(8):
            builder.write(PhyConfigChipOnDLS(e), haldls.PhyConfigChip())
        builder.block_until(TimerOnDLS(), Timer.Value(100 * US))  # no timer reset (upstream)
        builder.write(halco.CommonPhyConfigFPGAOnDLS(), haldls.CommonPhyConfigFPGA())
        builder.write(halco.CommonPhyConfigChipOnDLS(), haldls.CommonPhyConfigChip())
        if systime:
            builder.write(halco.SystimeSyncBaseOnDLS(), haldls.SystimeSyncBase(), Backend.Omnibus)
            builder.block_until(BarrierOnFPGA(), Barrier.omnibus)
            builder.write(halco.SystimeSyncOnFPGA(), haldls.SystimeSync())
            builder.block_until(BarrierOnFPGA(), Barrier.systime)
    builder.write(
        halco.EventRecordingConfigOnFPGA(), haldls.EventRecordingConfig(enable_event_recording=True)
    )
    if capmem:
        builder.write(
            halco.ReferenceGeneratorConfigOnDLS(),
            haldls.ReferenceGeneratorConfig(enable_reset=True),
        )
        builder.block_until(BarrierOnFPGA(), Barrier.omnibus)
        wait(builder, 1000)
        builder.write(halco.ReferenceGeneratorConfigOnDLS(), haldls.ReferenceGeneratorConfig())
    if highspeed:
        builder.write(halco.MemoryTimingOnDLS(), MemoryTiming(), Backend.Omnibus)
        builder.block_until(BarrierOnFPGA(), Barrier.omnibus)
    else:
        builder.write(halco.MemoryTimingOnDLS(), MemoryTiming(), Backend.OmnibusChipOverJTAG)
        builder.block_until(BarrierOnFPGA(), Barrier.jtag)


def system(
    board: Any = cube_board, with_chip: bool = True, **kwargs: bool
) -> stadls.PlaybackProgram:
    builder = stadls.PlaybackProgramBuilder()
    builder.write(halco.InstructionTimeoutConfigOnFPGA(), haldls.InstructionTimeoutConfig())
    if board is not None:
        board(builder)
    if with_chip:
        chip(builder, **kwargs)
    return builder.done()


def program(generator: Any) -> stadls.PlaybackProgram:
    builder, result = generate(generator)
    assert result is None
    return builder.done()


# -- a recording builder: the steps by name ------------------------------------------------------
class Recording(stadls.PlaybackProgramBuilder):
    """Records (kind, coordinate type, container type, backend) of every write and wait."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, str, Any]] = []

    def write(self, coord: Any, container: Any, *args: Any) -> None:
        backend = args[-1].name if args and isinstance(args[-1], Backend) else None
        self.log.append(("write", type(container).__name__, backend))
        super().write(coord, container, *args)

    def block_until(self, coord: Any, condition: Any) -> None:
        if isinstance(condition, Barrier):
            what = next(
                n for n in ("omnibus", "jtag", "systime") if condition == getattr(Barrier, n)
            )
        else:
            what = int(condition)
        self.log.append(("wait", type(coord).__name__, what))
        super().block_until(coord, condition)

    def merge_back(self, other: Any) -> None:
        self.log += other.log
        other.log = []
        super().merge_back(other)


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(init_module, "PlaybackProgramBuilder", Recording)
    yield


def steps(generator: Any) -> list[tuple[str, str, Any]]:
    builder, _ = generate(generator)
    assert isinstance(builder, Recording)
    return builder.log


def timer_wait(cycles: int) -> list[tuple[str, str, Any]]:
    return [("write", "Timer", None), ("wait", "TimerOnDLS", cycles)]


# -- 1. the default sequences --------------------------------------------------------------------
def test_system_init_equals_the_hand_built_sequence() -> None:
    assert program(SystemInit()) == system()
    assert program(SystemInit(None)) == system()


def test_chip_init_equals_the_hand_built_sequence() -> None:
    builder = stadls.PlaybackProgramBuilder()
    chip(builder)
    assert program(ChipInit()) == builder.done()


def test_cube_and_jboa_boards_equal_the_hand_built_sequences() -> None:
    for board, expected in (
        (CubeASICAdapterBoardInit(), cube_board),
        (JboaASICAdapterBoardInit(), jboa_board),
    ):
        builder = stadls.PlaybackProgramBuilder()
        expected(builder)
        assert program(board) == builder.done()
    assert program(ASICAdapterBoardInit()).empty()


@pytest.mark.usefixtures("recording")
def test_chip_init_steps_in_order() -> None:
    expected = [
        ("write", "ResetChip", None),
        *timer_wait(10),
        ("write", "ResetChip", None),
        *timer_wait(100),
        ("write", "JTAGClockScaler", None),
        ("write", "ResetJTAGTap", None),
        ("write", "ADPLL", "JTAGPLLRegister"),
        ("write", "ADPLL", "JTAGPLLRegister"),
        ("write", "PLLClockOutputBlock", "JTAGPLLRegister"),
        *[("write", "PhyConfigFPGA", None)] * 8,
        *[("write", "PhyConfigChip", None)] * 8,
        ("wait", "TimerOnDLS", 12_500),
        ("write", "CommonPhyConfigFPGA", None),
        ("write", "CommonPhyConfigChip", None),
        ("write", "SystimeSyncBase", "Omnibus"),
        ("wait", "BarrierOnFPGA", "omnibus"),
        ("write", "SystimeSync", None),
        ("wait", "BarrierOnFPGA", "systime"),
        ("write", "EventRecordingConfig", None),
        ("write", "ReferenceGeneratorConfig", None),
        ("wait", "BarrierOnFPGA", "omnibus"),
        *timer_wait(1000),
        ("write", "ReferenceGeneratorConfig", None),
        ("write", "MemoryTiming", "Omnibus"),
        ("wait", "BarrierOnFPGA", "omnibus"),
    ]
    assert steps(ChipInit()) == expected


@pytest.mark.usefixtures("recording")
def test_system_init_steps_in_order() -> None:
    log = steps(SystemInit())
    assert log[:6] == [
        ("write", "InstructionTimeoutConfig", None),
        ("write", "ShiftRegister", None),
        ("write", "DACChannelBlock", None),  # its 16 DACChannel leaves as SPI words
        ("write", "DACControlBlock", None),
        *timer_wait(125_000),
    ]
    assert log[6:] == steps(ChipInit())


@pytest.mark.usefixtures("recording")
def test_jboa_steps_in_order() -> None:
    assert steps(JboaASICAdapterBoardInit()) == [
        ("write", "TCA9546ChannelConfig", None),
        *[("write", "AD5252ChannelConfig", None)] * 6,
        ("write", "TCA9554Config", None),
        ("wait", "BarrierOnFPGA", "omnibus"),
        *timer_wait(375_000),
        *timer_wait(62_500),
    ]


def test_constants_in_fpga_cycles() -> None:
    assert {
        name: int(getattr(init_module, name))
        for name in (
            "pll_and_omnibus_settling_duration",
            "xboard_dac_settling_duration",
            "jboa_dac_settling_duration",
            "jboa_powerup_settling_duration",
            "chip_reset_high_duration",
            "chip_reset_low_duration",
            "reference_generator_reset_duration",
        )
    } == {
        "pll_and_omnibus_settling_duration": 100 * US,
        "xboard_dac_settling_duration": 1000 * US,
        "jboa_dac_settling_duration": 500 * US,
        "jboa_powerup_settling_duration": 3000 * US,
        "chip_reset_high_duration": 10,
        "chip_reset_low_duration": 100,
        "reference_generator_reset_duration": 1000,
    }
    assert all(
        isinstance(getattr(init_module, n), Timer.Value)
        for n in init_module.__all__
        if n.endswith("_duration")
    )


def test_defaults() -> None:
    init = SystemInit()
    assert isinstance(init.asic_adapter_board, CubeASICAdapterBoardInit)
    assert init.enable_asic_adapter_board and init.enable_chip
    assert init.instruction_timeout == haldls.InstructionTimeoutConfig()
    c = init.chip
    assert isinstance(c.highspeed_link, ChipInit.HighspeedLink)
    assert c.enable_highspeed_link and c.enable_capmem and c.highspeed_link.enable_systime
    assert c.event_recording.enable_event_recording is True
    assert c.memory_timing == MemoryTiming()
    assert list(c.adplls) == [haldls.ADPLL()] * 2
    assert list(c.highspeed_link.phy_configs_fpga) == [haldls.PhyConfigFPGA()] * 8
    assert list(c.highspeed_link.phy_configs_chip) == [haldls.PhyConfigChip()] * 8
    cube = CubeASICAdapterBoardInit()
    assert cube.dac_channel_block == DACChannelBlock.default_ldo_2
    assert cube.dac_control_block == DACControlBlock()
    jboa = JboaASICAdapterBoardInit()
    assert list(jboa.multiplexer.channel_status) == [True, True, True, False]
    assert [int(p.value) for p in jboa.DigitalPotiArray] == [0xA7, 0x93, 0xA8, 0xA8, 0xA8, 0xA7]


# -- 2. toggles ----------------------------------------------------------------------------------
def test_without_highspeed_link_memory_timing_goes_over_jtag() -> None:
    init = SystemInit()
    init.chip.enable_highspeed_link = False
    init.chip.enable_capmem = False
    assert program(init) == system(highspeed=False, capmem=False)


@pytest.mark.usefixtures("recording")
def test_without_highspeed_link_steps() -> None:
    init = ChipInit()
    init.enable_highspeed_link = False
    init.enable_capmem = False
    log = steps(init)
    names = {name for _, name, _ in log}
    assert not names & {"PhyConfigFPGA", "PhyConfigChip", "SystimeSyncBase", "SystimeSync"}
    assert log[-2:] == [
        ("write", "MemoryTiming", "OmnibusChipOverJTAG"),
        ("wait", "BarrierOnFPGA", "jtag"),
    ]


def test_capmem_needs_the_highspeed_link() -> None:
    init = ChipInit()
    init.enable_highspeed_link = False
    with pytest.raises(ValueError, match="highspeed link"):
        init.generate()
    system_init = SystemInit()
    system_init.chip.enable_highspeed_link = False
    with pytest.raises(ValueError, match="enable_capmem"):
        generate(system_init)


def test_without_capmem_and_without_systime() -> None:
    init = SystemInit()
    init.chip.enable_capmem = False
    assert program(init) == system(capmem=False)
    init.chip.highspeed_link.enable_systime = False
    assert program(init) == system(capmem=False, systime=False)


def test_without_board_or_chip() -> None:
    init = SystemInit()
    init.enable_asic_adapter_board = False
    assert program(init) == system(board=None)
    init.enable_chip = False
    assert program(init) == system(board=None, with_chip=False)
    init.enable_asic_adapter_board = True
    assert program(init) == system(with_chip=False)


def test_jboa_board_in_system_init() -> None:
    init = SystemInit()
    init.asic_adapter_board = JboaASICAdapterBoardInit()
    assert program(init) == system(board=jboa_board)


def test_changed_fields_are_written() -> None:
    init = SystemInit()
    init.chip.adplls[ADPLLOnDLS(1)].loop_div_n = 20
    init.chip.memory_timing.synram[0].pc_conf_west = 5
    init.chip.reference_generator_config.resistor_control = 7
    init.asic_adapter_board.dac_channel_block.set_voltage(DACChannelOnBoard.v_reset, 0.6)
    init.asic_adapter_board.dac_control_block.enable[DACChannelOnBoard(15)] = False
    expected = stadls.PlaybackProgramBuilder()
    expected.write(halco.InstructionTimeoutConfigOnFPGA(), haldls.InstructionTimeoutConfig())
    board = CubeASICAdapterBoardInit()
    board.dac_channel_block.value[DACChannelOnBoard.v_reset] = 2047
    board.dac_control_block.enable[15] = False
    expected.merge_back(board.generate()[0])
    chip_init = ChipInit()
    chip_init.adplls[1] = haldls.ADPLL(loop_div_n=20)
    chip_init.memory_timing.synram[0].pc_conf_west = 5
    chip_init.reference_generator_config = haldls.ReferenceGeneratorConfig(resistor_control=7)
    expected.merge_back(chip_init.generate()[0])
    assert program(init) == expected.done()
    assert program(init) != system()


def test_board_assignment_copies_and_checks_types() -> None:
    init = SystemInit()
    board = JboaASICAdapterBoardInit()
    init.asic_adapter_board = board
    board.io_expander.channel_output[0] = True  # as upstream: the setter stored a copy
    assert init.asic_adapter_board == JboaASICAdapterBoardInit()
    with pytest.raises(TypeError):
        init.asic_adapter_board = ChipInit()  # type: ignore[assignment]
    with pytest.raises(TypeError):
        init.enable_chip = 1  # type: ignore[assignment]
    with pytest.raises(TypeError):
        init.chip.adplls[0] = haldls.PhyConfigChip()
    with pytest.raises(AttributeError):
        init.enable_capmem = False  # type: ignore[attr-defined]  # a field of init.chip


@pytest.mark.parametrize("entry", [0, "zeromock", object()])
def test_hwdb_entries_other_than_none_are_refused(entry: Any) -> None:
    with pytest.raises(TypeError, match="hardware database"):
        SystemInit(entry)
    with pytest.raises(TypeError, match="hardware database"):
        ChipInit(entry)


# -- 3. running ----------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", ["default", "no-highspeed", "jboa", "no-systime"])
def test_generated_program_runs_on_the_zero_mock(variant: str) -> None:
    init = SystemInit()
    if variant == "no-highspeed":
        init.chip.enable_highspeed_link = False
        init.chip.enable_capmem = False
    elif variant == "jboa":
        init.asic_adapter_board = JboaASICAdapterBoardInit()
    elif variant == "no-systime":
        init.chip.highspeed_link.enable_systime = False
    builder, _ = generate(init)
    ticket = builder.read(halco.CrossbarNodeOnDLS(0))
    p = builder.done()
    with ZeroMockConnection() as connection:
        stadls.run(connection, p)
    assert ticket.valid() and p.timeout_notifications == []


# -- 4. PlaybackGenerator ------------------------------------------------------------------------
def test_playback_generator_subclass() -> None:
    class Empty(PlaybackGenerator):
        def generate(self) -> tuple[()]:
            return ()

    assert generate(Empty()) == ()

    class Blink(PlaybackGenerator):
        def __init__(self, led: int) -> None:
            self.led = led

        def generate(self) -> tuple[stadls.PlaybackProgramBuilder, int]:
            builder, _ = generate(SystemInit())
            register = haldls.ShiftRegister()
            register.set_enable_led(halco.LEDOnBoard(self.led), True)
            builder.write(halco.ShiftRegisterOnBoard(), register)
            return builder, self.led

    builder, result = generate(Blink(2))
    assert result == 2
    with ZeroMockConnection() as connection:
        stadls.run(connection, builder.done())


def test_playback_generator_is_abstract_and_generate_checks() -> None:
    with pytest.raises(TypeError):
        PlaybackGenerator()  # type: ignore[abstract]
    for g in (
        SystemInit(),
        ChipInit(),
        ASICAdapterBoardInit(),
        CubeASICAdapterBoardInit(),
        JboaASICAdapterBoardInit(),
    ):
        assert isinstance(g, PlaybackGenerator)
        assert isinstance(generate(g), tuple) and len(generate(g)) == 2
    with pytest.raises(TypeError, match="playback generator"):
        generate(object())

    class Wrong(PlaybackGenerator):
        def generate(self) -> Any:
            return [1]

    with pytest.raises(TypeError, match="tuple"):
        generate(Wrong())

    class BadBoard(ASICAdapterBoardInit):
        def generate(self) -> Any:
            return ("not a builder", None)

    init = SystemInit()
    init.asic_adapter_board = BadBoard()
    with pytest.raises(TypeError, match="PlaybackProgramBuilder"):
        init.generate()


def test_board_subclass_in_python() -> None:
    """A board init written in Python takes the place of the cube board."""

    class Leds(ASICAdapterBoardInit):
        def generate(self) -> tuple[stadls.PlaybackProgramBuilder, None]:
            builder = stadls.PlaybackProgramBuilder()
            builder.write(halco.ShiftRegisterOnBoard(), haldls.ShiftRegister())
            return builder, None

    init = SystemInit()
    init.asic_adapter_board = Leds()

    def board(builder: stadls.PlaybackProgramBuilder) -> None:
        builder.write(halco.ShiftRegisterOnBoard(), haldls.ShiftRegister())

    assert program(init) == system(board=board)

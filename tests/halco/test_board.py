"""Golden facts of the board coordinates: I2C registers, jBOA devices, INA219 naming."""

from __future__ import annotations

import pytest

import halco
from halco import (
    AD5252ChannelConfigOnBoard,
    AD5252ChannelConfigPersistentOnBoard,
    AD5252ChannelOnAD5252,
    AD5252ChannelOnBoard,
    AD5252OnBoard,
    DAC6573ChannelOnBoard,
    DAC6573ChannelOnDAC6573,
    DAC6573OnBoard,
    Enum,
    I2CAD5252RwRegisterOnAD5252Channel,
    I2CAD5252RwRegisterOnBoard,
    I2CDAC6573RwRegisterOnBoard,
    I2CINA219RoRegisterOnBoard,
    I2CINA219RoRegisterOnINA219,
    I2CINA219RwRegisterOnBoard,
    I2CINA219RwRegisterOnINA219,
    I2CTCA9554RoRegisterOnBoard,
    I2CTCA9554RoRegisterOnTCA9554,
    I2CTCA9554RwRegisterOnBoard,
    I2CTCA9554RwRegisterOnTCA9554,
    INA219ConfigOnBoard,
    INA219OnBoard,
    INA219StatusOnBoard,
    TCA9546ChannelOnBoard,
    TCA9546OnBoard,
    TCA9554ChannelOnBoard,
    TCA9554ConfigOnBoard,
    TCA9554InputsOnBoard,
    TCA9554OnBoard,
    VDDOnBoard,
)

SIZES = {
    "I2CIdRegisterOnBoard": 1, "I2CTempRegisterOnBoard": 1, "I2CTCA9546RegisterOnBoard": 1,
    "I2CINA219RoRegisterOnINA219": 4, "I2CINA219RwRegisterOnINA219": 2,
    "I2CINA219RoRegisterOnBoard": 24, "I2CINA219RwRegisterOnBoard": 12,
    "I2CTCA9554RoRegisterOnTCA9554": 1, "I2CTCA9554RwRegisterOnTCA9554": 3,
    "I2CTCA9554RoRegisterOnBoard": 1, "I2CTCA9554RwRegisterOnBoard": 3,
    "I2CAD5252RwRegisterOnAD5252Channel": 2, "I2CAD5252RwRegisterOnBoard": 12,
    "I2CDAC6573RwRegisterOnBoard": 4, "TCA9554OnBoard": 1, "TCA9554InputsOnBoard": 1,
    "TCA9554ConfigOnBoard": 1, "TCA9554ChannelOnBoard": 8, "AD5252OnBoard": 3,
    "AD5252ChannelOnAD5252": 2, "AD5252ChannelOnBoard": 6, "AD5252ChannelConfigOnBoard": 6,
    "AD5252ChannelConfigPersistentOnBoard": 6, "DAC6573OnBoard": 1, "DAC6573ChannelOnDAC6573": 4,
    "DAC6573ChannelOnBoard": 4, "TCA9546OnBoard": 1, "TCA9546ChannelOnBoard": 4,
    "INA219OnBoard": 6, "INA219ConfigOnBoard": 6, "INA219StatusOnBoard": 6,
    "SPIShiftRegisterOnBoard": 1, "SPIDACDataRegisterOnDAC": 8, "SPIDACDataRegisterOnBoard": 16,
    "SPIDACControlRegisterOnDAC": 4, "SPIDACControlRegisterOnBoard": 8, "TMP112StatusOnBoard": 1,
}  # fmt: skip


@pytest.mark.parametrize(("name", "size"), sorted(SIZES.items()))
def test_sizes_and_registration(name: str, size: int) -> None:
    t = getattr(halco, name)
    assert t.size == size and halco.coordinates[name] is t


STATICS = {
    I2CINA219RoRegisterOnINA219: ("shunt", "bus", "power", "current"),
    I2CINA219RwRegisterOnINA219: ("config", "calibration"),
    I2CTCA9554RoRegisterOnTCA9554: ("inputs",),
    I2CTCA9554RwRegisterOnTCA9554: ("outputs", "polarity", "config"),
    I2CAD5252RwRegisterOnAD5252Channel: ("rdac_volatile", "eemem_persistent"),
    TCA9554ChannelOnBoard: ("disable_vdd25_digital", "disable_vdd12_digital", "disable_vdd12_pll",
                            "disable_vdd12_madc", "disable_vdd25_analog", "disable_vdd12_analog",
                            "disable_led", "disable_power"),
    AD5252OnBoard: ("vdd_25digital_12digital", "vdd_12pll_12madc", "vdd_12analog_25analog"),
    AD5252ChannelOnAD5252: ("channel_1", "channel_3"),
    DAC6573ChannelOnBoard: ("v_reset", "i_ref_board", "v_res_meas", "v_readout"),
    # INA219 order differs from VDDOnBoard: the 1.2 V supply comes first in each pair
    INA219OnBoard: ("vdd12_digital", "vdd25_digital", "vdd12_analog", "vdd25_analog",
                    "vdd12_madc", "vdd12_pll"),
    INA219ConfigOnBoard: ("vdd12_digital", "vdd25_digital", "vdd12_analog", "vdd25_analog",
                          "vdd12_madc", "vdd12_pll"),
    INA219StatusOnBoard: ("vdd12_digital", "vdd25_digital", "vdd12_analog", "vdd25_analog",
                          "vdd12_madc", "vdd12_pll"),
}  # fmt: skip
_AD5252_CHANNELS = ("vdd_25digital", "vdd_12digital", "vdd_12pll", "vdd_12madc", "vdd_12analog",
                    "vdd_25analog")  # fmt: skip
for _t in (AD5252ChannelOnBoard, AD5252ChannelConfigOnBoard, AD5252ChannelConfigPersistentOnBoard):
    STATICS[_t] = _AD5252_CHANNELS


@pytest.mark.parametrize("t", list(STATICS), ids=[t.__name__ for t in STATICS])
def test_named_statics(t: type) -> None:
    for e, name in enumerate(STATICS[t]):
        static = getattr(t, name)
        assert type(static) is t and int(static) == e, name


def test_ina219_order_differs_from_vdd() -> None:
    assert int(INA219OnBoard.vdd12_digital) == 0 and int(VDDOnBoard.vdd12_digital) == 1
    assert int(INA219OnBoard.vdd25_digital) == 1 and int(VDDOnBoard.vdd25_digital) == 0
    assert int(INA219OnBoard.vdd12_analog) == 2 and int(VDDOnBoard.vdd12_analog) == 3
    assert int(INA219OnBoard.vdd12_madc) == int(VDDOnBoard.vdd12_madc) == 4
    assert INA219OnBoard.vdd12_analog.toINA219ConfigOnBoard() == INA219ConfigOnBoard.vdd12_analog
    assert INA219StatusOnBoard.vdd12_pll.toINA219OnBoard() == INA219OnBoard.vdd12_pll


def test_mixin_enums() -> None:
    ro = I2CINA219RoRegisterOnBoard(I2CINA219RoRegisterOnINA219.bus, INA219OnBoard.vdd12_analog)
    assert int(ro) == 2 * 4 + 1
    assert ro.toINA219OnBoard() == INA219OnBoard(2)
    assert ro.toI2CINA219RoRegisterOnINA219() == I2CINA219RoRegisterOnINA219.bus
    assert ro == I2CINA219RoRegisterOnBoard(register=1, ina219=2)
    assert I2CINA219RoRegisterOnBoard(I2CINA219RoRegisterOnINA219.current).toINA219OnBoard() == (
        INA219OnBoard(0)
    )  # the INA219 defaults to the first
    rw = I2CINA219RwRegisterOnBoard(Enum(5))
    assert rw.split() == (INA219OnBoard(2), I2CINA219RwRegisterOnINA219.calibration)
    tca = I2CTCA9554RwRegisterOnBoard(I2CTCA9554RwRegisterOnTCA9554.config)
    assert int(tca) == 2 and tca.toTCA9554OnBoard() == TCA9554OnBoard()
    assert I2CTCA9554RoRegisterOnBoard().toI2CTCA9554RoRegisterOnTCA9554() == (
        I2CTCA9554RoRegisterOnTCA9554.inputs
    )
    dac = I2CDAC6573RwRegisterOnBoard(DAC6573ChannelOnDAC6573(3), DAC6573OnBoard())
    assert int(dac) == 3 and dac.toDAC6573ChannelOnDAC6573() == DAC6573ChannelOnDAC6573(3)
    assert dac.toDAC6573OnBoard() == DAC6573OnBoard()
    assert I2CDAC6573RwRegisterOnBoard.register_base_addr == 0x10


def test_ad5252_channels_and_registers() -> None:
    pairs = [(e % 2, e // 2) for e in range(6)]  # (channel on AD5252, AD5252)
    for name, (channel, ad) in zip(_AD5252_CHANNELS, pairs, strict=True):
        c = getattr(AD5252ChannelOnBoard, name)
        assert c == AD5252ChannelOnBoard(AD5252ChannelOnAD5252(channel), AD5252OnBoard(ad))
        assert c.toAD5252OnBoard() == AD5252OnBoard(ad)
        assert c.toAD5252ChannelOnAD5252() == AD5252ChannelOnAD5252(channel)
        assert c.toAD5252ChannelConfigOnBoard() == getattr(AD5252ChannelConfigOnBoard, name)
        persistent = c.toAD5252ChannelConfigPersistentOnBoard()
        assert persistent == getattr(AD5252ChannelConfigPersistentOnBoard, name)
        assert persistent.toAD5252ChannelConfigOnBoard().toAD5252ChannelOnBoard() == c
        assert persistent.toAD5252OnBoard() == AD5252OnBoard(ad)
    assert int(AD5252ChannelOnBoard.vdd_12madc) == 3
    assert AD5252ChannelOnBoard.vdd_12madc.toAD5252ChannelOnAD5252() == (
        AD5252ChannelOnAD5252.channel_3
    )
    reg = I2CAD5252RwRegisterOnBoard(
        I2CAD5252RwRegisterOnAD5252Channel.eemem_persistent, AD5252ChannelOnBoard.vdd_12madc
    )
    assert int(reg) == 3 * 2 + 1
    assert reg.toAD5252ChannelOnBoard() == AD5252ChannelOnBoard.vdd_12madc
    assert reg.toAD5252ChannelOnAD5252() == AD5252ChannelOnAD5252.channel_3
    assert reg.toI2CAD5252RwRegisterOnAD5252Channel() == (
        I2CAD5252RwRegisterOnAD5252Channel.eemem_persistent
    )
    assert I2CAD5252RwRegisterOnAD5252Channel.rdac_volatile_prefix == 0x00
    assert I2CAD5252RwRegisterOnAD5252Channel.eemem_persistent_prefix == 0x20


def test_single_devices_and_channels() -> None:
    for t in (TCA9554OnBoard, TCA9554InputsOnBoard, TCA9554ConfigOnBoard):
        others = {TCA9554OnBoard, TCA9554InputsOnBoard, TCA9554ConfigOnBoard} - {t}
        for other in others:
            assert getattr(t(), "to" + other.__name__)() == other()
    for c in range(8):
        assert TCA9554ChannelOnBoard(c).toTCA9554OnBoard() == TCA9554OnBoard()
    for c in range(4):
        assert TCA9546ChannelOnBoard(c).toTCA9546OnBoard() == TCA9546OnBoard()
    with pytest.raises(halco.CoordinateRangeError, match=r"TCA9546ChannelOnBoard .*\[0, 3\]"):
        TCA9546ChannelOnBoard(4)
    with pytest.raises(halco.CoordinateTypeError):
        I2CAD5252RwRegisterOnBoard(0, AD5252OnBoard(0))  # the outer part is the channel

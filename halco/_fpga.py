"""FPGA-side and flow-control coordinates: timing, barriers, Omnibus, JTAG, links, clocks.

Most are singletons (range [0, 0]) so that every register and instruction has a coordinate.
"""

from __future__ import annotations

from halco._base import BaseType, Ranged

__all__ = [
    "ADPLLOnDLS",
    "BarrierOnFPGA",
    "ChipAndMultichipJboaLeafFPGAOnSystem",
    "ChipAndSinglechipFPGAOnSystem",
    "CommonPhyConfigChipOnDLS",
    "CommonPhyConfigFPGAOnDLS",
    "EventRecordingConfigOnFPGA",
    "FPGADeviceDNAOnFPGA",
    "FPGAOnChipAndMultichipJboaLeafFPGA",
    "FPGAOnChipAndSinglechipFPGA",
    "FPGASystimeSyncActiveStateOnFPGA",
    "FPGASystimeSyncLastAsicSystimeOnFPGA",
    "FPGASystimeSyncLastRTTOnFPGA",
    "FPGASystimeSyncNumRetriesOnFPGA",
    "HicannARQStatusOnFPGA",
    "InstructionTimeoutConfigOnFPGA",
    "JTAGClockScalerOnDLS",
    "JTAGIdCodeOnDLS",
    "JTAGPLLRegisterOnDLS",
    "JTAGPhyRegisterOnDLS",
    "MemoryTimingOnDLS",
    "NullPayloadReadableOnFPGA",
    "OmnibusAddress",
    "OmnibusChipOverJTAGAddress",
    "PLLClockOutputBlockOnDLS",
    "PLLClockOutputOnDLS",
    "PLLSelfTestOnDLS",
    "PLLSelfTestStatusOnDLS",
    "PerfTestOnFPGA",
    "PerfTestStatusOnFPGA",
    "PhyConfigChipOnDLS",
    "PhyConfigFPGAOnDLS",
    "PhyStatusOnFPGA",
    "PollingOmnibusBlockConfigOnFPGA",
    "PollingOmnibusBlockOnFPGA",
    "ResetChipOnDLS",
    "ResetJTAGTapOnDLS",
    "SystimeCorrectionBarrierConfigOnFPGA",
    "SystimeSyncBaseOnDLS",
    "SystimeSyncOnFPGA",
    "TimerOnDLS",
    "WaitUntilOnFPGA",
]


def _singleton(name: str, doc: str) -> type[Ranged]:
    return type(name, (Ranged,), {"__slots__": (), "__doc__": doc, "__module__": __name__}, max=0)


class OmnibusAddress(BaseType, bits=32):
    """Raw 32-bit Omnibus bus address (the fisch coordinate of an ``Omnibus`` word)."""

    __slots__ = ()


class OmnibusChipOverJTAGAddress(BaseType, bits=32):
    """Raw 32-bit Omnibus address reached over JTAG."""

    __slots__ = ()


class JTAGPLLRegisterOnDLS(Ranged, max=7):
    """PLL register reached over JTAG."""

    __slots__ = ()


class JTAGPhyRegisterOnDLS(Ranged, max=7):
    """Highspeed-link PHY register reached over JTAG."""

    __slots__ = ()


class PhyConfigFPGAOnDLS(Ranged, max=7):
    """FPGA side configuration of one of 8 highspeed links."""

    __slots__ = ()


class PhyConfigChipOnDLS(Ranged, max=7):
    """Chip side configuration of one of 8 highspeed links."""

    __slots__ = ()

    def toJTAGPhyRegisterOnDLS(self) -> JTAGPhyRegisterOnDLS:
        """Return the JTAG PHY register of the same link."""
        return JTAGPhyRegisterOnDLS._from_enum(self._e)


class PhyStatusOnFPGA(Ranged, max=7):
    """Status counters of one of 8 highspeed links."""

    __slots__ = ()


class ADPLLOnDLS(Ranged, max=1):
    """One of two all-digital PLLs."""

    __slots__ = ()


class PLLClockOutputOnDLS(Ranged, max=3):
    """PLL clock output: serdes_ser_send_clk, phy_ref_clk, ppu_clk, madc_clk."""

    __slots__ = ()
    serdes_ser_send_clk: PLLClockOutputOnDLS
    phy_ref_clk: PLLClockOutputOnDLS
    ppu_clk: PLLClockOutputOnDLS
    madc_clk: PLLClockOutputOnDLS


for _i, _n in enumerate(("serdes_ser_send_clk", "phy_ref_clk", "ppu_clk", "madc_clk")):
    setattr(PLLClockOutputOnDLS, _n, PLLClockOutputOnDLS(_i))

TimerOnDLS = _singleton("TimerOnDLS", "The FPGA timer used for ``block_until``.")
WaitUntilOnFPGA = _singleton("WaitUntilOnFPGA", "Wait-until instruction of the executor.")
BarrierOnFPGA = _singleton("BarrierOnFPGA", "Barrier instruction of the executor.")
SystimeSyncOnFPGA = _singleton("SystimeSyncOnFPGA", "FPGA-chip system time synchronisation.")
SystimeSyncBaseOnDLS = _singleton("SystimeSyncBaseOnDLS", "Initial chip system time.")
PollingOmnibusBlockOnFPGA = _singleton(
    "PollingOmnibusBlockOnFPGA", "Block until an Omnibus value matches."
)
PollingOmnibusBlockConfigOnFPGA = _singleton(
    "PollingOmnibusBlockConfigOnFPGA", "Address, mask and target of the polling block."
)
ResetChipOnDLS = _singleton("ResetChipOnDLS", "The chip reset line.")
ResetJTAGTapOnDLS = _singleton("ResetJTAGTapOnDLS", "JTAG TAP reset.")
JTAGClockScalerOnDLS = _singleton("JTAGClockScalerOnDLS", "JTAG clock scaler.")
JTAGIdCodeOnDLS = _singleton("JTAGIdCodeOnDLS", "JTAG ID code of the chip.")
CommonPhyConfigFPGAOnDLS = _singleton("CommonPhyConfigFPGAOnDLS", "Common FPGA PHY config.")
CommonPhyConfigChipOnDLS = _singleton("CommonPhyConfigChipOnDLS", "Common chip PHY config.")
HicannARQStatusOnFPGA = _singleton("HicannARQStatusOnFPGA", "Chip-link ARQ status counters.")
PerfTestOnFPGA = _singleton("PerfTestOnFPGA", "Link performance test control.")
PerfTestStatusOnFPGA = _singleton("PerfTestStatusOnFPGA", "Link performance test results.")
PLLSelfTestOnDLS = _singleton("PLLSelfTestOnDLS", "PLL self test control.")
PLLSelfTestStatusOnDLS = _singleton("PLLSelfTestStatusOnDLS", "PLL self test result.")
PLLClockOutputBlockOnDLS = _singleton("PLLClockOutputBlockOnDLS", "All PLL clock outputs.")
FPGADeviceDNAOnFPGA = _singleton("FPGADeviceDNAOnFPGA", "57-bit FPGA device identifier.")
FPGASystimeSyncNumRetriesOnFPGA = _singleton(
    "FPGASystimeSyncNumRetriesOnFPGA", "Retries of the last systime sync."
)
FPGASystimeSyncLastRTTOnFPGA = _singleton(
    "FPGASystimeSyncLastRTTOnFPGA", "Round trip time of the last systime sync."
)
FPGASystimeSyncLastAsicSystimeOnFPGA = _singleton(
    "FPGASystimeSyncLastAsicSystimeOnFPGA", "Chip systime seen at the last sync."
)
FPGASystimeSyncActiveStateOnFPGA = _singleton(
    "FPGASystimeSyncActiveStateOnFPGA", "Whether a systime sync is active."
)
NullPayloadReadableOnFPGA = _singleton(
    "NullPayloadReadableOnFPGA", "Read that yields one response without payload (a marker)."
)
EventRecordingConfigOnFPGA = _singleton(
    "EventRecordingConfigOnFPGA", "Whether spikes and MADC samples are forwarded to the host."
)
InstructionTimeoutConfigOnFPGA = _singleton(
    "InstructionTimeoutConfigOnFPGA", "Timeout of a blocking instruction."
)
SystimeCorrectionBarrierConfigOnFPGA = _singleton(
    "SystimeCorrectionBarrierConfigOnFPGA", "Systime correction barrier configuration."
)
MemoryTimingOnDLS = _singleton("MemoryTimingOnDLS", "SRAM timings of all memories.")
FPGAOnChipAndSinglechipFPGA = _singleton("FPGAOnChipAndSinglechipFPGA", "The FPGA of a setup.")
FPGAOnChipAndMultichipJboaLeafFPGA = _singleton(
    "FPGAOnChipAndMultichipJboaLeafFPGA", "The leaf FPGA of a multi-chip board."
)
ChipAndSinglechipFPGAOnSystem = _singleton("ChipAndSinglechipFPGAOnSystem", "A single-chip setup.")
ChipAndMultichipJboaLeafFPGAOnSystem = _singleton(
    "ChipAndMultichipJboaLeafFPGAOnSystem", "A chip of a multi-chip board."
)

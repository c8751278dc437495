"""Golden words of the executor containers (timer, polling config, resets, spike packs, JTAG).

Loaded by ``conftest.py``. Non-Omnibus containers have one word at address 0 of their fisch
coordinate; the word is the fisch instruction payload (reference §2.4, §6.1).
"""

from __future__ import annotations

from typing import Any

import halco
import haldls

GOLDEN: dict[str, tuple[Any, haldls.Container, list[tuple[int, int]]]] = {
    # a write may only reset (value 0); a read returns the count, so decode a non-zero one
    "Timer": (halco.TimerOnDLS(), haldls.Timer(value=0), [(0, 0)]),
    "PollingOmnibusBlockConfig": (
        halco.PollingOmnibusBlockConfigOnFPGA(),
        haldls.PollingOmnibusBlockConfig(address=0x02A0_0001, target=1, mask=0x1),
        # executor registers 6, 7, 8 hold address, target, mask
        [(0x8800_0006, 0x02A0_0001), (0x8800_0007, 1), (0x8800_0008, 1)],
    ),
    "SystimeSync": (halco.SystimeSyncOnFPGA(), haldls.SystimeSync(do_sync=True), [(0, 1)]),
    "ResetChip": (halco.ResetChipOnDLS(), haldls.ResetChip(value=True), [(0, 1)]),
    "SpikePack1ToChip": (
        halco.SpikePack1ToChipOnDLS(),
        haldls.SpikePack1ToChip(labels=[0xABCD]),
        [(0, 0xABCD)],
    ),
    "SpikePack2ToChip": (
        halco.SpikePack2ToChipOnDLS(),
        haldls.SpikePack2ToChip(labels=[1, 0xFFFF]),
        [(0, 0x0001_FFFF)],
    ),
    "SpikePack3ToChip": (
        halco.SpikePack3ToChipOnDLS(),
        haldls.SpikePack3ToChip(labels=[1, 2, 3]),
        [(0, 0x0001_0002_0003)],
    ),
    "JTAGClockScaler": (halco.JTAGClockScalerOnDLS(), haldls.JTAGClockScaler(value=3), [(0, 3)]),
    "ResetJTAGTap": (halco.ResetJTAGTapOnDLS(), haldls.ResetJTAGTap(), [(0, 0)]),
    "JTAGIdCode": (
        halco.JTAGIdCodeOnDLS(),
        # version 2, part number 0x4849, manufacturer 0x057, marker bit 0
        haldls.JTAGIdCode(version=2, part_number=0x4849, manufacturer_id=0x057),
        [(0, 0x2484_90AF)],
    ),
}

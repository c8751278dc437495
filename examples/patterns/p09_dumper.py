"""Pattern 9: record a program as (coordinate, container) pairs and replay it (§8.9)."""

from __future__ import annotations

import pickle

import halco
import haldls
import stadls


def main() -> None:
    """Record a chip reset, store the pairs, replay them into a real program."""
    d = stadls.PlaybackProgramBuilderDumper()
    d.write(halco.ResetChipOnDLS(), haldls.ResetChip(True))
    d.block_until(halco.TimerOnDLS(), haldls.Timer.Value(10))
    done = d.done()
    pairs = done.tolist()  # picklable list of tuples
    stored = pickle.dumps(done)
    real = stadls.convert_to_builder(pickle.loads(stored)).done()  # equivalent executable program
    print(f"{len(pairs)} pairs -> {real!r}")


if __name__ == "__main__":
    main()

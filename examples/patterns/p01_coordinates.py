"""Pattern 1: coordinates — construction, conversion, iteration (reference §8.1)."""

from __future__ import annotations

import halco


def main() -> None:
    """Build, convert and iterate coordinates."""
    n = halco.AtomicNeuronOnDLS(halco.NeuronColumnOnDLS(130), halco.NeuronRowOnDLS.bottom)
    assert n.toEnum() == 1 * 256 + 130
    cfg_coord = n.toNeuronConfigOnDLS()  # block 3 (bottom right), local 2
    assert halco.CapMemBlockOnDLS(3).toCapMemBlockOnHemisphere() == halco.CapMemBlockOnHemisphere(1)
    quads = sum(1 for _ in halco.iter_all(halco.SynapseQuadOnDLS))  # 32768 items
    word = halco.PPUMemoryWordOnDLS(halco.PPUMemoryWordOnPPU(10), halco.PPUOnDLS.top)
    print(f"{n!r} -> {cfg_coord!r}; {quads} synapse quads; {word!r}")


if __name__ == "__main__":
    main()

"""Pattern 8: a synapse matrix via numpy (reference §8.8)."""

from __future__ import annotations

import numpy as np

import halco
import stadls
from haldls import lola


def main() -> None:
    """Fill the top synram's weights from numpy and write the matrix."""
    m = lola.SynapseMatrix()
    m.weights.from_numpy(np.full((256, 256), 30))  # raises on values > 63
    m.labels[14][14] = 28
    b = stadls.PlaybackProgramBuilder()
    b.write(halco.SynramOnDLS.top, m)
    print(b)


if __name__ == "__main__":
    main()

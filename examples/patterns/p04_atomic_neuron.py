"""Pattern 4: a logical neuron with lola (reference §8.4).

An ``AtomicNeuron`` stands for its NeuronConfig, 24 CapMem cells and NeuronBackendConfig.
"""

from __future__ import annotations

import halco
import stadls
from haldls import lola


def main() -> None:
    """Configure one AtomicNeuron and write it."""
    an = lola.AtomicNeuron()
    an.leak.v_leak = 700
    an.leak.i_bias = 300
    an.threshold.enable = True
    an.threshold.v_threshold = 500
    an.event_routing.analog_output = lola.AtomicNeuron.EventRouting.AnalogOutputMode.normal
    an.event_routing.enable_digital = True
    an.event_routing.address = 42
    b = stadls.PlaybackProgramBuilder()
    b.write(halco.AtomicNeuronOnDLS(halco.common.Enum(0)), an)
    print(b)


if __name__ == "__main__":
    main()

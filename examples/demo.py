"""Demo (``make demo``): the BrainScaleS-2 tutorial's leak-over-threshold neuron on the chip model.

The script is the tutorial's (ts_00, part 2) with ``import pynn_frontend as pynn``: one neuron
circuit whose leak potential lies above its threshold fires regularly; its membrane, sampled by
the MADC, is a sawtooth between the reset and the threshold. It writes the membrane plot to
``leak_over_threshold.png`` and prints the spike times and the membrane's range. The other
examples: ``single_neuron.py`` (the tutorial's parts 1-3), ``chip_geometry.py`` (coordinates,
containers and the FPGA words).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # (a file, no window)
import matplotlib.pyplot as plt
import numpy as np

import pynn_frontend as pynn

pynn.setup()
neuron = pynn.Population(
    1,
    pynn.cells.HXNeuron(
        leak_v_leak=1000,
        leak_i_bias=150,
        threshold_v_threshold=300,
        threshold_enable=True,
        reset_v_reset=400,
        reset_i_bias=1022,
        reset_enable_multiplication=True,
        membrane_capacitance_capacitance=63,
        refractory_period_refractory_time=255,
    ),
)
neuron.record(["v", "spikes"])
pynn.run(0.2)  # ms of hardware time (0.2 s biological)
segment = neuron.get_data().segments[-1]
membrane = segment.irregularlysampledsignals[0]
spikes = segment.spiketrains[0]
pynn.end()

plt.figure()
plt.plot(membrane.times, membrane.magnitude[:, 0])
plt.xlabel("time (ms, hardware)")
plt.ylabel("membrane (MADC LSB)")
plt.ylim(100, 800)
plt.title("leak over threshold (BrainScaleS-2 chip model)")
plt.savefig("leak_over_threshold.png")

v = membrane.magnitude[:, 0]
print(f"{len(spikes)} spikes in 0.2 ms at {np.round(spikes.magnitude, 4).tolist()} ms")
print(
    f"membrane from {np.percentile(v, 1):.0f} to {np.percentile(v, 99):.0f} MADC LSB, "
    f"{len(v)} samples; plot written to leak_over_threshold.png"
)

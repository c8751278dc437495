"""The seed document's expert snippet: raw Omnibus words merged into a stadls program.

It enables the anncore-center biases with a raw fisch Omnibus write, connects every column's
correlation sensors to the synapse array (``ColumnCorrelationQuad``) and prepares the column
current switches. Only the import lines differ from a script for the real stack. The lines after
the snippet write the current switches too, run the program on the zero mock and print its size.
"""

from __future__ import annotations

import fisch
import halco
import haldls
import stadls
from fisch.connection import ZeroMockConnection
from halco import iter_all

#: Omnibus address of the anncore-center unit (reference §2.2).
anncore_center_ba = halco.OmnibusAddress(0x0010_0000)


def build() -> stadls.PlaybackProgramBuilder:
    """Return the builder the snippet fills."""
    config_builder = stadls.PlaybackProgramBuilder()
    # -- the snippet, unchanged ------------------------------------------------------------------
    fisch_builder = fisch.PlaybackProgramBuilder()
    fisch_builder.write(anncore_center_ba, fisch.Omnibus(0xFFFF))
    config_builder.merge_back(fisch_builder)
    correlation_switch_quad = haldls.ColumnCorrelationQuad()
    switch = correlation_switch_quad.ColumnCorrelationSwitch()
    switch.enable_internal_causal = True
    switch.enable_internal_acausal = True
    for s in range(4):
        correlation_switch_quad.set_switch(s, switch)
    for sq in iter_all(halco.ColumnCorrelationQuadOnDLS):
        config_builder.write(sq, correlation_switch_quad, haldls.Backend.Omnibus)
    current_switch_quad = haldls.ColumnCurrentQuad()
    switch = current_switch_quad.ColumnCurrentSwitch()
    switch.enable_synaptic_current_excitatory = True
    switch.enable_synaptic_current_inhibitory = True
    for s in range(4):
        current_switch_quad.set_switch(s, switch)
    # -- end of the snippet ----------------------------------------------------------------------
    for sq in iter_all(halco.ColumnCurrentQuadOnDLS):
        config_builder.write(sq, current_switch_quad)
    return config_builder


def main() -> None:
    """Build, run on the zero mock and print the program's size."""
    builder = build()
    print(builder)
    program = builder.done()
    with ZeroMockConnection() as connection:
        stadls.run(connection, program)
    print(f"{program.size_to_fpga()} to-FPGA instructions ran")


if __name__ == "__main__":
    main()

"""The seed document's snippet (examples/seed_snippet.py) runs and writes the expected words."""

from __future__ import annotations

import pathlib
import runpy

import fisch
import halco
import haldls
from fisch.connection import ZeroMockConnection
from halco import EntryOnQuad, iter_all

EXAMPLE = pathlib.Path(__file__).parents[2] / "examples" / "seed_snippet.py"


def test_seed_snippet_writes_the_expected_words() -> None:
    example = runpy.run_path(str(EXAMPLE))
    builder = example["build"]()
    program = builder.done()
    words = [int(w) for w in program.to_fpga_words()]
    # the raw anncore-center write comes first
    head = fisch.Omnibus(0xFFFF).encode_write(halco.OmnibusAddress(0x0010_0000))
    assert words[:2] == head
    # then every correlation switch quad, built here with the newer spelling
    quad = haldls.ColumnCorrelationQuad()
    switch = quad.ColumnCorrelationSwitch(enable_internal_causal=True, enable_internal_acausal=True)
    for i in range(4):
        quad.switches[EntryOnQuad(i)] = switch
    expected = []
    for sq in iter_all(halco.ColumnCorrelationQuadOnDLS):
        for c, w in haldls.encode_write(sq, quad, haldls.Backend.Omnibus):
            expected += w.encode_write(c)
    assert words[2 : 2 + len(expected)] == expected
    # the internal causal and acausal switches of a quad: bits 7 and 6 of each entry's byte
    assert fisch.Omnibus(0xC0C0_C0C0).encode_write(halco.OmnibusAddress(0x02CF_8080)) == words[2:4]
    assert len(words) == 2 + len(expected) + 128 * 2 * 2 + 1  # current quads, halt
    with ZeroMockConnection() as connection:
        example["stadls"].run(connection, program)


def test_seed_snippet_main_runs() -> None:
    runpy.run_path(str(EXAMPLE), run_name="__main__")

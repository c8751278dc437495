"""Register containers of the BrainScaleS-2 SDK (HX v3, bit-exact).

It will hold one container per chip register or memory: each with a ``halco`` coordinate type,
typed and validated fields, and pure ``addresses(coord)`` / ``encode()`` / ``decode(words)``
functions onto ``fisch`` word types, driven by one declarative field table per container.
``haldls.lola`` will hold the aggregates (``AtomicNeuron``, ``SynapseMatrix``, ``Chip`` …), defined
by one ordered visitor serving write, read and diff alike, with vectorised (numpy) encoding.
"""

__all__: list[str] = []

"""``pynn.standardmodels``: the cell and synapse types, as the real backend names them.

As in ``pynn.standardmodels.synapses.StaticSynapse``.
"""

from pynn_frontend import cells, synapses

__all__ = ["cells", "synapses"]

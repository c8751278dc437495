"""Private shim around the compiled chip model ``fisch._chipmodel`` (built from ``csrc/``).

The extension is compiled by ``pip install .``; a source checkout without it fails at import
instead of silently running without a chip model.
"""

try:
    from fisch._chipmodel import ffi, lib
except ImportError as exc:  # pragma: no cover - only without a build
    raise ImportError(
        "fisch._chipmodel (the compiled chip model) is missing; build and install the SDK "
        "with `pip install .` and import it from the installed package, not the source tree"
    ) from exc


def chip_model_version() -> str:
    """Return the version of the compiled chip model.

    Returns
    -------
    str
        Version string reported by ``bss2_chip_version()`` in ``csrc/``, e.g. ``"0.1.0"``.
    """
    version: bytes = ffi.string(lib.bss2_chip_version())
    return version.decode("ascii")

"""Write a generated file, or check that it is current (shared by the tools/gen_*.py scripts)."""

from __future__ import annotations

import sys
from pathlib import Path


def first_difference(expected: str, actual: str) -> str:
    """Describe where ``actual`` first differs from ``expected`` (line number, both lines)."""
    exp, act = expected.splitlines(), actual.splitlines()
    for i, (e, a) in enumerate(zip(exp, act, strict=False)):
        if e != a:
            return f"line {i + 1}:\n  expected: {e}\n  found:    {a}"
    i = min(len(exp), len(act))
    return f"line {i + 1}: expected {len(exp)} lines, found {len(act)}"


def write_or_check(path: Path, text: str, root: Path, check: bool) -> int:
    """Write ``text`` to ``path``; with ``check``, only compare. Return the exit status.

    With ``check``, 1 (and the first difference on stderr) if the file is missing or differs,
    else 0; the file is never written then.
    """
    name = path.relative_to(root)
    if check:
        current = path.read_text() if path.exists() else ""
        if current != text:
            where = first_difference(text, current) if current else "file missing"
            print(f"{name} is not current ({where})", file=sys.stderr)
            return 1
        print(f"{name} is current")
        return 0
    path.write_text(text, newline="\n")
    print(f"wrote {name}")
    return 0

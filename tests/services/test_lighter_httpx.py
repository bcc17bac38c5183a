"""httpx is imported without its command-line program (govpress_support/lighter_httpx.py): in a
fresh interpreter, as a command starts."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import govpress_support
import httpx
print(sorted(m for m in ("pygments", "rich.syntax", "rich.progress", "httpx._main") if m in sys.modules))
assert callable(httpx.main) and httpx.Client is not None
import pygments.lexers  # once httpx is in, pygments imports as usual
print([type(f).__name__ for f in sys.meta_path if type(f).__module__.startswith("govpress_support")])
"""


def test_httpx_comes_without_its_cli_and_pygments_still_imports_after() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "[]"]

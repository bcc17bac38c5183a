"""`--web`: open a page in the browser, as `gh ... --web` does.

`BROWSER` is honoured as the convention has it (commands separated by the path separator, each
tried in turn; `%s` stands for the URL, else the URL is added at the end). Without it, Python's
`webbrowser` picks one. When no browser opens, the URL is printed on stdout to open by hand.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Mapping

from govpress_support.cli.output import Output


def _run(command: str, url: str, out: Output) -> bool:
    try:
        words = shlex.split(command)
    except ValueError:
        return False
    if not words:
        return False
    argv = [w.replace("%s", url) for w in words] if "%s" in command else [*words, url]
    # A text browser needs the terminal; off one, nothing of the browser's reaches our stdout.
    stdout = None if out.stdout_terminal else subprocess.DEVNULL
    try:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=stdout, check=False).returncode == 0
    except OSError:
        return False


def open_in_browser(out: Output, url: str, environ: Mapping[str, str]) -> bool:
    """Open `url`; say so on stderr. False (and the URL on stdout) when no browser would open."""
    out.info(f"Opening {url} in your browser.")
    browser = environ.get("BROWSER", "").strip()
    if browser:
        opened = any(_run(command, url, out) for command in browser.split(os.pathsep) if command.strip())
    else:
        import webbrowser

        try:
            opened = webbrowser.open(url)
        except webbrowser.Error:
            opened = False
    if not opened:
        out.warn("no browser could be opened: open the address yourself")
        out.text(url)
    return opened

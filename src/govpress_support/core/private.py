"""The state dir is private to the user, as gh and ssh keep theirs: directories 0700, files 0600.

It holds internal notes (journals, drafts), subjects and emails (reports, the cache) and the
sandbox database. Everything in it is created private (`private_dir`, `create_private`,
`write_private`), never made private afterwards; `tighten` closes up what an older version left
open, once per run (cli/runtime.py). The one place the tool creates files other than the config
file, for every layer (the sandbox included), hence in core.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
_OPEN_TO_OTHERS = 0o077


def private_dir(path: Path) -> Path:
    """`path` as a directory only the user can enter; missing parents are made so too (they are
    ours: the state dir itself, or a folder in it), existing ones are left as they are."""
    missing = [path, *(p for p in path.parents if not p.exists())]
    for folder in reversed([p for p in missing if not p.exists()]):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            folder.mkdir(mode=DIR_MODE)
    _close_up(path)
    return path


def create_private(path: Path, *, exclusive: bool = False) -> int:
    """Open `path` for writing (created 0600 when new, truncated otherwise); the descriptor.
    `exclusive`: fail with `FileExistsError` when it exists."""
    private_dir(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    with contextlib.suppress(OSError):
        os.fchmod(fd, FILE_MODE)  # an existing file keeps its mode on open: close it up too
    return fd


def write_private(path: Path, text: str) -> None:
    """Replace `path` with `text`, atomically (a private temporary file renamed over it; one per
    process and thread, so two threads writing the same file never share one)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with os.fdopen(create_private(tmp), "w", encoding="utf-8") as handle:
            handle.write(text)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def touch_private(path: Path) -> None:
    """Make sure `path` exists as a private file (for files another library opens, like SQLite's)."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    _close_up(path)


def tighten(root: Path) -> None:
    """Take group and other access off `root` and everything under it (symlinks are left alone).
    Nothing happens when `root` does not exist yet."""
    if not root.is_dir():
        return
    _close_up(root)
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            _close_up(Path(folder) / name)


def _close_up(path: Path) -> None:
    with contextlib.suppress(OSError):
        mode = path.lstat().st_mode
        if not stat.S_ISLNK(mode) and mode & _OPEN_TO_OTHERS:
            path.chmod(stat.S_IMODE(mode) & ~_OPEN_TO_OTHERS)

"""Running things side by side for the handover: its batches (a few at once), and the steps
outside Zendesk in a thread of their own beside the ticket updates."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TypeVar

from govpress_support.core.errors import GovPressError
from govpress_support.workflows.handover.state import BatchState

SEND_WORKERS = 4  # batches sent, and jobs polled, at once


class Side:
    """A thread running the steps outside Zendesk; `join` raises what it raised."""

    def __init__(self, work: Callable[[], None]):
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), name="outside", daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], None]) -> None:
        try:
            work()
        except BaseException as exc:  # handed to the thread that joins
            self._error = exc

    def join(self, *, quiet: bool = False) -> None:
        self._thread.join()
        error, self._error = self._error, None
        if error is not None and not quiet:
            raise error


_T = TypeVar("_T")


def side_by_side(
    call: Callable[[BatchState], _T], batches: Sequence[BatchState]
) -> Iterator[tuple[BatchState, _T | GovPressError]]:
    """`call` on each batch, up to SEND_WORKERS at once; each (batch, answer or error) as it
    completes. Anything but a `GovPressError` (a bug, Ctrl-C) is raised."""
    if not batches:
        return
    if len(batches) == 1:
        try:
            yield batches[0], call(batches[0])
        except GovPressError as exc:
            yield batches[0], exc
        return
    with ThreadPoolExecutor(max_workers=min(SEND_WORKERS, len(batches)), thread_name_prefix="send") as pool:
        futures = {pool.submit(call, batch): batch for batch in batches}
        for future in as_completed(futures):
            try:
                yield futures[future], future.result()
            except GovPressError as exc:
                yield futures[future], exc

"""The handover's batches side by side (a few at once, through `services/parallel.py`): each
batch's answer, or the `GovPressError` it met, as it comes, so the journal has every job id as
soon as Zendesk gives it."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from govpress_support.core.errors import GovPressError
from govpress_support.services.parallel import as_they_come
from govpress_support.workflows.handover.state import BatchState

SEND_WORKERS = 4  # batches sent, and jobs polled, at once

_T = TypeVar("_T")


def side_by_side(
    call: Callable[[BatchState], _T], batches: Sequence[BatchState]
) -> Iterator[tuple[BatchState, _T | GovPressError]]:
    """`call` on each batch, up to SEND_WORKERS at once; each (batch, answer or error) as it
    completes. Anything but a `GovPressError` (a bug, Ctrl-C) is raised."""
    for batch, ended in as_they_come(call, batches, workers=SEND_WORKERS, name="send"):
        try:
            yield batch, ended.result()
        except GovPressError as exc:
            yield batch, exc

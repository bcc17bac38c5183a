"""Independent requests side by side, in a small bounded pool: the one place a command sends
more than one request at a time (the queue's reads, the handover's plan, batches and pull
requests, the briefing's handover notes all go through it).

- Bounded: at most `WORKERS` at once (a caller may ask for fewer), so at most that many
  connections per service.
- Shared: every task uses the clients it was given, so one `httpx.Client` per service, with its
  retries, its deadline per request and its rate-limit hold (`HttpClient`: a rate limit one
  request meets holds back the others of that client until it is over; it does not multiply).
- Ordered: `in_order` gives results in the order asked, whatever order the answers arrive in, so
  a side-by-side read gives what the same reads one after another would. `as_they_come` gives
  each as it ends, for a caller that records every answer as soon as it has it (the handover's
  journal).
- Errors: `in_order` raises the first task's error (in the order asked) once every task has ended.
- Ctrl-C: the workers are daemon threads, so an interrupted command exits at once rather than
  waiting for requests in flight, and tasks not begun are never sent. A write sent through a
  pool may so end unanswered: it is journaled before it is sent (the handover's batches and pull
  request steps are), and `--resume` settles it by reading back.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, as_completed, wait
from contextlib import contextmanager
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# A handful: Zendesk and Trello both limit requests per minute (or per 10 s), not connections,
# but a polite client keeps few open; six lets a 1,000-ticket queue read its nine remaining
# search pages, the board and the suspended count in two waves.
WORKERS = 6

_STOP = object()


class SideBySide:
    """A bounded pool for one piece of work: `start(fn, *args)` returns a Future at once, the
    task runs when a worker is free. Leaving the `with` block waits for every task started."""

    def __init__(self, workers: int = WORKERS, *, name: str = "side-by-side"):
        self.workers = max(1, workers)
        self.name = name
        self._tasks: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._started: list[Future[Any]] = []
        self._closed = False

    def __enter__(self) -> SideBySide:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close(cancel=kind is not None)

    def start(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> Future[R]:
        """Run `fn(*args, **kwargs)` on a worker (another one is started while fewer than
        `workers` run)."""
        if self._closed:
            raise RuntimeError("this pool is closed")
        future: Future[R] = Future()
        self._started.append(future)
        self._tasks.put((future, fn, args, kwargs))
        if len(self._threads) < min(self.workers, len(self._started)):
            thread = threading.Thread(target=self._work, name=f"{self.name}-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()
        return future

    def close(self, *, cancel: bool = False, wait: bool = True) -> None:
        """Stop taking tasks; wait for the ones started (cancel those not begun with `cancel`;
        without `wait` they run on, and the workers end after them). On Ctrl-C (or any
        BaseException while waiting) it stops waiting at once."""
        if self._closed:
            return
        self._closed = True
        if cancel:
            for future in self._started:
                future.cancel()
        for _ in self._threads:
            self._tasks.put(_STOP)
        if wait and not cancel:
            for thread in self._threads:
                thread.join()

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            if task is _STOP:
                return
            future, fn, args, kwargs = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # handed to the caller through the future
                future.set_exception(exc)
            else:
                future.set_result(result)


@contextmanager
def borrowed(pool: SideBySide | None, workers: int = WORKERS) -> Iterator[SideBySide]:
    """The caller's pool (which stays open: the caller bounds all its work with it), or a new
    one closed at the end of the block."""
    if pool is not None:
        yield pool
        return
    with SideBySide(workers) as own:
        yield own


def in_order(fn: Callable[[T], R], items: Iterable[T], *, workers: int = WORKERS) -> list[R]:
    """`[fn(item) for item in items]`, at most `workers` at a time, in the items' order. One item
    (or none) runs here, without a thread. The first error in the items' order is raised after
    every task has ended."""
    work: Sequence[T] = list(items)
    if len(work) <= 1 or workers <= 1:
        return [fn(item) for item in work]
    with SideBySide(min(workers, len(work))) as pool:
        futures = [pool.start(fn, item) for item in work]
        wait(futures)  # every task ends before an error is raised: none is left running
    return [f.result() for f in futures]


def as_they_come(
    fn: Callable[[T], R], items: Iterable[T], *, workers: int = WORKERS, name: str = "side-by-side"
) -> Iterator[tuple[T, Future[R]]]:
    """Each item with its ended task (`.result()` gives the answer or raises its error), in the
    order they end, at most `workers` at a time. One item runs here, without a thread. Leaving
    the loop early (an error, Ctrl-C) cancels the tasks not begun."""
    work: Sequence[T] = list(items)
    if len(work) == 1:
        done: Future[R] = Future()
        try:
            done.set_result(fn(work[0]))
        except Exception as exc:  # handed to the caller through the future, as a worker's is
            done.set_exception(exc)
        yield work[0], done
        return
    if not work:
        return
    with SideBySide(min(workers, len(work)), name=name) as pool:
        asked = {pool.start(fn, item): item for item in work}
        for ended in as_completed(asked):
            yield asked[ended], ended


def beside(fn: Callable[[], R], *, name: str) -> Future[R]:
    """`fn()` in a thread of its own while the caller goes on (a daemon thread, as the pool's
    workers): its Future gives what it returned or raises what it raised."""
    pool = SideBySide(1, name=name)
    started = pool.start(fn)
    pool.close(wait=False)
    return started

"""The FCM sender of this process, for work that has no request of its own to carry it: a signal's
handler moving a person's phones between topics, an erasure leaving topics at once.

The lifespan (and the worker command) makes one sender per process and serves with it; a lifespan
without FCM (no FCM_BASE_URL, no Google credentials) leaves whatever is set alone, so tests that run a
second app with the local FCM server beside the session's app keep its sender.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from backend.alerts.push.fcm import FcmSender

_current: FcmSender | None = None


def current_sender() -> FcmSender | None:
    """The sender this process serves with, or None when it has none (alerts are not sent)."""
    return _current


@contextmanager
def serving(sender: FcmSender | None) -> Iterator[None]:
    """Make `sender` this process's sender while the block runs (None changes nothing)."""
    global _current
    if sender is None:
        yield
        return
    before, _current = _current, sender
    try:
        yield
    finally:
        _current = before

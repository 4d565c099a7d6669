"""Progress of long management commands (tree import and synthesis, benefit recompute): tqdm.

The bar is drawn on the command's stderr and only when that is a terminal: logs, cron mails,
pipes and tests get nothing. Services take a plain callback (``progress(done, total)``), so they
know nothing of terminals.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import OutputWrapper
from tqdm import tqdm


class _Unstyled:
    """A command's OutputWrapper as tqdm writes to a file: no added newline, no error colour."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, style_func=str, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


class ProgressBar:
    """``progress(done, total)`` drawn as a tqdm bar; use it as a context manager.

    ``total`` may change between calls (an import counts reading and writing); without one
    (``count(n)``) the bar shows a running count and rate.
    """

    def __init__(self, stream: Any, label: str, *, unit: str = "it") -> None:
        interactive = bool(getattr(stream, "isatty", lambda: False)())
        target = _Unstyled(stream) if isinstance(stream, OutputWrapper) else stream
        self.bar = tqdm(desc=label, file=target, unit=unit, disable=not interactive, leave=True)

    def __call__(self, done: int, total: int) -> None:
        if self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)

    def count(self, done: int) -> None:
        self.bar.update(done - self.bar.n)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.bar.close()

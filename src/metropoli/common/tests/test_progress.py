"""Progress bars of long commands: drawn in place on a terminal, silent anywhere else."""

import io

from django.core.management.base import OutputWrapper

from metropoli.common.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_is_redrawn_in_place_and_ends_full():
    screen = Terminal()
    stderr = OutputWrapper(screen)
    stderr.style_func = lambda text: f"<red>{text}</red>"
    with ProgressBar(stderr, "Importing") as progress:
        for done in range(11):
            progress(done, 10)
    text = screen.getvalue()
    # One line, redrawn with carriage returns; the command's red error style is not applied.
    assert text.count("\n") == 1 and text.endswith("\n") and "\r" in text
    assert "<red>" not in text
    assert "Importing: 100%" in text.splitlines()[-1].rsplit("\r", 1)[-1]
    assert "10/10" in text


def test_the_total_may_change_as_the_work_proceeds():
    screen = Terminal()
    with ProgressBar(screen, "Importing") as progress:
        progress(5, 10)
        progress(15, 20)
        progress(20, 20)
    assert "20/20" in screen.getvalue().rsplit("\r", 1)[-1]


def test_without_a_total_it_counts():
    screen = Terminal()
    with ProgressBar(screen, "Recomputing", unit=" trees") as progress:
        progress.count(500)
        progress.count(1200)
    assert "Recomputing: 1200 trees" in screen.getvalue().rsplit("\r", 1)[-1]


def test_nothing_is_written_when_stderr_is_not_a_terminal():
    log = io.StringIO()
    with ProgressBar(OutputWrapper(log), "Importing") as progress:
        for done in range(11):
            progress(done, 10)
    assert log.getvalue() == ""

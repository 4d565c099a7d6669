"""Helpers for the test suites of several modules (imported by tests only)."""

import threading

from django.db import connections


def run_in_parallel(calls) -> list:
    """Start every call at the same moment, each in its own thread with its own database
    connection and transaction (as gunicorn workers would). Returns, in order, what each call
    returned or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - handed to the test, which judges it
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes

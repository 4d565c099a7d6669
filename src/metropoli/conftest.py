"""Hooks for every test under src/metropoli (the fixtures every test shares: ../../conftest.py)."""

import pytest

from metropoli.common.testing import fail_in_ci, shared_data_missing


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "shared_data(*paths, variable): reads files from ../shared (testing.requires_shared)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Runs before the skip marks are read: under CI=true an empty parameter set cannot hide the
    # failure, and otherwise the skip is reported at the test's own line.
    for mark in item.iter_markers("shared_data"):
        reason = shared_data_missing(*mark.args, **mark.kwargs)
        if reason:
            fail_in_ci(reason)
            item.add_marker(pytest.mark.skip(reason=reason))

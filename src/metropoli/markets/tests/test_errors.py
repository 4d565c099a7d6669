"""Markets refusals are domain errors: codes with a kind, English msgids translated to Spanish."""

import ast
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from metropoli.common.errors import HTTP_STATUS
from metropoli.markets.errors import MarketErrorCode
from metropoli.markets.pickup import SlotErrorCode
from metropoli.markets.quantities import QuantityErrorCode

SERVICES = Path(__file__).resolve().parents[1] / "services"

# The status each code was answered with when the services still raised HTTP errors.
BEFORE = {
    403: {"courier_not_approved"},
    404: {"unknown_order"},
    409: {
        "price_changed",
        "out_of_stock",
        "pickup_slot_full",
        "pickup_slot_unavailable",
        "cannot_cancel",
        "not_pending",
        "not_accepted",
        "not_ready",
        "already_registered",
        "already_taken",
        "not_offered",
        "not_on_the_way",
    },
}


@pytest.mark.parametrize("code", list(MarketErrorCode) + list(QuantityErrorCode))
def test_each_code_keeps_the_status_it_had(code):
    expected = next((status for status, codes in BEFORE.items() if code in codes), 400)
    assert HTTP_STATUS[code.kind] == expected


@pytest.mark.parametrize("code", list(MarketErrorCode) + list(SlotErrorCode))
def test_each_message_is_english_with_a_spanish_translation(code):
    assert code.message
    with translation.override("es-mx"):
        assert gettext(code.message) != code.message


def test_the_services_know_nothing_of_http():
    for path in sorted(SERVICES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = {alias.name for alias in node.names}
                assert "ApiError" not in names, path.name
                assert not (node.module or "").startswith(("ninja", "django.http")), path.name
            if isinstance(node, ast.Name):
                assert node.id != "ApiError", path.name

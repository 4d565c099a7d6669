"""DomainError: a code with its kind and message, no HTTP; the edge gives status and language."""

import json
import subprocess
import sys

import pytest
from django.test import RequestFactory

from metropoli.common.domain_errors import DomainErrorsMiddleware
from metropoli.common.errors import HTTP_STATUS, DomainError, ErrorCode, Kind


class SampleCode(ErrorCode):
    MISSING = "missing", Kind.NOT_FOUND, "Not found."
    TOO_MANY = (
        "too_many",
        Kind.RATE_LIMITED,
        "Too many attempts. Please wait a few minutes and try again.",
    )
    TOO_BIG = "too_big", Kind.INVALID, "At most %(maximum)s cm."


def test_a_code_carries_its_wire_value_kind_and_message():
    assert SampleCode.MISSING == "missing"
    assert SampleCode("too_big") is SampleCode.TOO_BIG
    assert SampleCode.MISSING.kind is Kind.NOT_FOUND
    assert HTTP_STATUS[SampleCode.TOO_MANY.kind] == 429


def test_the_message_is_the_codes_or_a_more_precise_one_with_its_parameters():
    assert DomainError(SampleCode.TOO_BIG, maximum=500).message == "At most 500 cm."
    error = DomainError(SampleCode.TOO_BIG, "Between %(low)s and %(high)s.", low=1, high=2)
    assert error.message == "Between 1 and 2."
    assert error.code is SampleCode.TOO_BIG and error.kind is Kind.INVALID
    spanish = {"Between %(low)s and %(high)s.": "Entre %(low)s y %(high)s."}
    assert error.render(spanish.get) == "Entre 1 y 2."  # translated, then formatted
    assert str(error) == "too_big: Between 1 and 2."


def test_errors_import_no_django():
    # Pure sub-packages (sensors/payloads, markets/quantities) subclass DomainError.
    code = "import sys, metropoli.common.errors; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("language", "message"), [("es-MX", "No encontrado."), ("en", "Not found.")]
)
def test_an_uncaught_domain_error_in_a_view_is_its_status_page(language, message):
    request = RequestFactory().get("/trees/7/", headers={"Accept-Language": language})
    middleware = DomainErrorsMiddleware(lambda request: None)
    response = middleware.process_exception(request, DomainError(SampleCode.MISSING))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


def test_a_json_client_gets_code_message_and_retry_after():
    request = RequestFactory().get(
        "/anything/", headers={"Accept": "application/json", "Accept-Language": "es-MX"}
    )
    error = DomainError(SampleCode.TOO_MANY, retry_after=30)
    response = DomainErrorsMiddleware(lambda request: None).process_exception(request, error)
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert json.loads(response.content) == {
        "code": "too_many",
        "message": "Demasiados intentos. Espera unos minutos y vuelve a intentarlo.",
    }


def test_other_exceptions_pass():
    request = RequestFactory().get("/")
    assert DomainErrorsMiddleware(lambda r: None).process_exception(request, KeyError()) is None

"""DomainError: a code with its kind and message, no HTTP; the edge gives status and language."""

import json
import subprocess
import sys

import pytest
from django import forms
from django.test import RequestFactory
from django.urls import path

from metropoli.common.domain_errors import DomainErrorsMiddleware, add_to_form
from metropoli.common.errors import HTTP_STATUS, DomainError, ErrorCode, Kind
from metropoli.config.urls import urlpatterns as site_urlpatterns


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


def test_any_message_parameter_name_is_a_parameter():
    error = DomainError(
        SampleCode.TOO_BIG, "%(field)s: at most %(maximum)s.", field="DBH", maximum=5
    )
    assert error.message == "DBH: at most 5." and error.on_field is None


class SampleForm(forms.Form):
    title = forms.CharField(required=False)


def test_a_form_shows_each_problem_on_its_field():
    form = SampleForm({"title": ""})
    form.is_valid()
    details = [
        {"field": "title", "problem": "Give a title."},
        {"field": "budget", "problem": "Not an amount."},
    ]
    add_to_form(form, DomainError(SampleCode.TOO_BIG, details=details, maximum=1))
    add_to_form(form, DomainError(SampleCode.MISSING, on_field="title"))
    assert form.errors == {
        "title": ["Give a title.", "No encontrado."],  # Spanish: the default language
        "__all__": ["budget: Not an amount."],
    }


def test_errors_import_no_django():
    # Pure sub-packages (sensors/payloads, markets/quantities) subclass DomainError.
    code = "import sys, metropoli.common.errors; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def refusing_view(request):
    raise DomainError(SampleCode.MISSING)


def limited_view(request):
    raise DomainError(SampleCode.TOO_MANY, retry_after=30)


def saving_twice_view(request):
    from django.db import transaction

    from metropoli.accounts.models import User

    with transaction.atomic():  # as every write of ours
        User.objects.create(email="misma@example.mx")
        User.objects.create(email="misma@example.mx")  # as if another request had saved it


def broken_view(request):
    from django.db import transaction

    from metropoli.accounts.models import User

    with transaction.atomic():
        User.objects.create(email=None)  # a mistake of ours: NOT NULL, not a race


# The site's URLs plus views that refuse (the error page links to the home page).
urlpatterns = [
    path("refused/", refusing_view),
    path("limited/", limited_view),
    path("saved-twice/", saving_twice_view),
    path("broken/", broken_view),
    *site_urlpatterns,
]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("language", "message"), [("es-MX", "No encontrado."), ("en", "Not found.")]
)
def test_an_uncaught_domain_error_in_a_view_is_its_status_page(client, language, message):
    response = client.get("/refused/", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert f'<p role="alert">{message}</p>' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_json_client_gets_code_message_and_retry_after(client):
    response = client.get(
        "/limited/", headers={"Accept": "application/json", "Accept-Language": "es-MX"}
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    assert json.loads(response.content) == {
        "code": "too_many",
        "message": "Demasiados intentos. Espera unos minutos y vuelve a intentarlo.",
    }


def test_other_exceptions_pass():
    request = RequestFactory().get("/")
    assert DomainErrorsMiddleware(lambda r: None).process_exception(request, KeyError()) is None


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_row_saved_meanwhile_is_a_409_with_a_message_not_a_500(client):
    page = client.get("/saved-twice/", headers={"Accept-Language": "es-MX"})
    assert page.status_code == 409
    assert "Otra solicitud guardó lo mismo hace un momento." in page.content.decode()
    answer = client.get("/saved-twice/", headers={"Accept": "application/json"})
    assert answer.status_code == 409
    assert json.loads(answer.content)["code"] == "saved_meanwhile"


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_other_integrity_errors_stay_server_errors(client):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        client.get("/broken/")


@pytest.mark.django_db
def test_the_api_answers_a_row_saved_meanwhile_with_409_json():
    from django.db import IntegrityError, transaction

    from metropoli.accounts.models import User
    from metropoli.config.api import api

    User.objects.create(email="misma@example.mx")
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        User.objects.create(email="misma@example.mx")
    request = RequestFactory().post("/api/trees/", HTTP_ACCEPT_LANGUAGE="en")
    answer = api.on_exception(request, raised.value)
    assert answer.status_code == 409
    assert json.loads(answer.content)["code"] == "saved_meanwhile"

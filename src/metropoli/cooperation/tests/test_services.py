"""Writes: validation refuses bad data entirely, history is written, permissions hold."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.domain_errors import problems_by_field
from metropoli.common.errors import DomainError
from metropoli.common.history import ChangeRecord, history_of, lines
from metropoli.cooperation import services
from metropoli.cooperation.errors import CooperationErrorCode
from metropoli.cooperation.models import (
    Amount,
    LegalInstrument,
    Project,
    ProjectTheme,
)

from .conftest import needs_iati, project_input

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Project.objects.count(),
        ProjectTheme.objects.count(),
        Amount.objects.count(),
        ChangeRecord.objects.count(),
    )


def test_save_project_creates_with_themes_and_municipalities(municipalities):
    project = services.save_project(data=project_input(), by=None)
    assert project.code == "PIMUS"
    assert {(t.theme, str(t.percentage)) for t in project.themes.all()} == {
        ("mobility", "70.00"),
        ("gender", "30.00"),
    }
    assert [m.inegi_code for m in project.municipalities.all()] == ["14039"]
    assert project.modality_list == ["technical"]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"planned_end": date(2018, 1, 1)}, "planned_end", "is before its start"),
        ({"sdg_targets": ["11.2", "11.99"]}, "sdg_targets", "“11.99” is not an SDG target"),
        ({"themes": {"mobility": "120"}}, "themes", "must be between 0 and 100"),
        ({"themes": {"mobility": "70", "gender": "20"}}, "themes", "add up to 90"),
        ({"sdg_goals": ["18"]}, "sdg_goals", "“18” is not an SDG goal"),
        ({"code": "pimus 2"}, "code", "capital letters"),
        ({"municipality_codes": ["99999"]}, "municipalities", "99999"),
        ({"stage": "closed"}, "actual_end", "closed project needs"),
    ],
)
def test_invalid_project_is_refused_and_nothing_saved(municipalities, overrides, field, fragment):
    before = _counts()
    with translation.override("en"), pytest.raises(DomainError) as error:
        services.save_project(data=project_input(**overrides), by=None)
    assert error.value.code == CooperationErrorCode.INVALID_FIELDS
    assert fragment in " ".join(problems_by_field(error.value)[field])
    assert _counts() == before


def test_error_messages_in_spanish(municipalities):
    with translation.override("es-mx"), pytest.raises(DomainError) as error:
        services.save_project(
            data=project_input(themes={"mobility": "150"}, planned_end=date(2018, 1, 1)), by=None
        )
    messages = problems_by_field(error.value)
    assert messages["themes"] == ["El porcentaje de Movilidad es 150; debe estar entre 0 y 100."]
    assert messages["planned_end"] == [
        "El fin planeado (2018-01-01) es anterior a su inicio (2019-01-01)."
    ]


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"value": "12,952,444.43.1"}, "value", "is not an amount"),
        ({"value": "doce millones"}, "value", "is not an amount"),
        ({"value": "-5"}, "value", "cannot be negative"),
        ({"value": "1.001"}, "value", "more than two decimals"),
        pytest.param({"currency": "XXY"}, "currency", "ISO 4217", marks=needs_iati),
        ({"currency": "mxn"}, "currency", "ISO 4217"),
        ({"value_date": None}, "value_date", "value date"),
    ],
)
def test_malformed_amount_is_refused(pimus, kwargs, field, fragment):
    before = _counts()
    arguments = {
        "project": pimus,
        "kind": "committed",
        "currency": "MXN",
        "value": "100.00",
        "value_date": date(2019, 1, 1),
        "by": None,
        **kwargs,
    }
    with translation.override("en"), pytest.raises(DomainError) as error:
        services.add_amount(**arguments)
    assert error.value.code == CooperationErrorCode.INVALID_FIELDS
    assert fragment in " ".join(problems_by_field(error.value)[field])
    assert _counts() == before


def test_amount_value_date_in_future_is_refused(pimus):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError):
        services.add_amount(
            project=pimus,
            kind="disbursed",
            currency="EUR",
            value="10",
            value_date=tomorrow,
            by=None,
        )
    assert pimus.amounts.count() == 1


def test_update_writes_history_with_who_and_old_and_new(pimus, office):
    services.save_project(
        data=project_input(stage="negotiation", themes={"mobility": "100"}),
        by=office,
        project=pimus,
    )
    changes = {
        c.field: (c.old_value, c.new_value, c.changed_by)
        for c in lines(history_of(Project, pimus.pk))
    }
    assert changes["stage"] == ("implementation", "negotiation", office)
    assert changes["themes"] == ("mobility:70, gender:30", "mobility:100", office)
    assert "title" not in changes


def test_people_outside_the_office_cannot_write(pimus, municipalities):
    citizen = UserFactory()
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.save_project(data=project_input(title="Otro"), by=citizen, project=pimus)
    with pytest.raises(PermissionDenied):
        services.change_stage(project=pimus, stage="closed", by=citizen)
    assert _counts() == before
    pimus.refresh_from_db()
    assert pimus.title.startswith("Plan Integral")


def test_duplicate_code_is_refused(pimus):
    with pytest.raises(DomainError) as error:
        services.save_project(data=project_input(title="Copia"), by=None)
    assert "code" in problems_by_field(error.value)
    assert Project.objects.count() == 1


def test_milestone_dates_and_dependency_cycles(pimus):
    a = services.add_milestone(
        project=pimus,
        title="Misión",
        planned_start=date(2018, 5, 1),
        planned_end=date(2018, 5, 2),
        by=None,
    )
    b = services.add_milestone(
        project=pimus,
        title="Firma",
        planned_start=date(2018, 8, 1),
        planned_end=date(2018, 8, 2),
        depends_on=[a],
        by=None,
    )
    with pytest.raises(DomainError):
        services.add_milestone(
            project=pimus,
            title="Mal",
            planned_start=date(2019, 1, 2),
            planned_end=date(2019, 1, 1),
            by=None,
        )
    with pytest.raises(DomainError) as cycle:
        services.set_milestone_dependencies(milestone=a, depends_on=[b], by=None)
    assert cycle.value.code == CooperationErrorCode.DEPENDENCY_CYCLE
    assert problems_by_field(cycle.value) == {
        "depends_on": ["Con estas dependencias un hito se esperaría a sí mismo."]
    }
    assert list(a.depends_on.all()) == []
    assert pimus.milestones.count() == 2


def test_legal_instrument_file_must_be_a_real_pdf(client, pimus, settings, tmp_path, people):
    settings.COOPERATION_PRIVATE_ROOT = tmp_path
    fake = SimpleUploadedFile(
        "convenio.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    with pytest.raises(DomainError) as error:
        services.add_legal_instrument(
            project=pimus, kind="convenio", title="Convenio", file=fake, by=None
        )
    assert "file" in problems_by_field(error.value)
    assert LegalInstrument.objects.count() == 0
    real = SimpleUploadedFile(
        "convenio.pdf", b"%PDF-1.7\n%\xe2\xe3\n", content_type="application/pdf"
    )
    instrument = services.add_legal_instrument(
        project=pimus,
        kind="convenio",
        title="Convenio",
        signed_on=date(2018, 8, 1),
        file=real,
        by=None,
    )
    assert instrument.file.name == "instruments/PIMUS/convenio.pdf"
    assert (tmp_path / "instruments" / "PIMUS" / "convenio.pdf").read_bytes().startswith(b"%PDF-")
    # The file is confidential: only the office downloads it.
    url = f"/cooperacion/instrumentos/{instrument.pk}/archivo/"
    client.force_login(people["staff_here"])
    assert client.get(url).status_code == 403
    client.force_login(people["office"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_closing_needs_an_actual_end(pimus):
    with pytest.raises(DomainError) as error:
        services.change_stage(project=pimus, stage="closed", by=None)
    assert (error.value.code, error.value.on_field) == (
        CooperationErrorCode.CLOSED_WITHOUT_END,
        "stage",
    )
    pimus.refresh_from_db()
    assert pimus.stage == "implementation"


def test_an_instrument_whose_file_cannot_be_stored_is_a_503_page(
    client, pimus, settings, tmp_path, people
):
    (tmp_path / "a-file").write_text("not a folder")
    settings.COOPERATION_PRIVATE_ROOT = tmp_path / "a-file" / "private"
    client.force_login(people["office"])
    response = client.post(
        f"/cooperacion/proyecto/{pimus.code}/instrumentos/nuevo/",
        {
            "kind": "convenio",
            "title": "Convenio",
            "file": SimpleUploadedFile("convenio.pdf", b"%PDF-1.7\n%\xe2\xe3\n"),
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 503
    assert "Files cannot be stored right now. Please try again later." in response.content.decode()
    assert LegalInstrument.objects.count() == 0

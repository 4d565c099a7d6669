import pytest
from django.contrib.gis.geos import Polygon

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.errors import CommonErrorCode, DomainError
from metropoli.common.idempotency import Idempotency
from metropoli.participation import services
from metropoli.participation.errors import ParticipationErrorCode
from metropoli.participation.models import (
    Comment,
    Contribution,
    FeedbackStatus,
    ModerationAction,
    PhaseKind,
    ProceedingTemplate,
    Rating,
    Report,
    Visibility,
)
from metropoli.territory.models import Role

from .conftest import INSIDE, OUTSIDE, make_proceeding

pytestmark = pytest.mark.django_db


def submit(proceeding, actor, category, **extra):
    fields = {"text": "Faltan árboles en esta esquina", "geometry": INSIDE}
    fields.update(extra)
    return services.submit_contribution(
        proceeding=proceeding, actor=actor, category_id=category.pk, **fields
    )


def test_template_creates_phases_in_sequence_and_categories(guadalajara):
    template = ProceedingTemplate.objects.create(
        name="Estándar",
        phases=[
            {"kind": "information", "days": 7},
            {"kind": "contributions", "days": 21, "allows_anonymous": True},
            {"kind": "evaluation", "days": 14},
        ],
        categories=[{"name": "Sombra", "icon": "shade", "colour": "#2e7d32"}],
    )
    area = Polygon.from_bbox((-103.36, 20.66, -103.34, 20.68))
    proceeding = services.create_proceeding(
        title="Con plantilla",
        description="x",
        area=area,
        municipality=guadalajara,
        template=template,
    )
    phases = list(proceeding.phases.all())
    assert [p.kind for p in phases] == ["information", "contributions", "evaluation"]
    assert phases[0].end == phases[1].start and phases[1].end == phases[2].start
    assert phases[1].allows_anonymous and not phases[0].allows_anonymous
    assert proceeding.active_phase().kind == "information"
    assert list(proceeding.categories.values_list("name", flat=True)) == ["Sombra"]
    assert proceeding.area.geom_type == "MultiPolygon"


def test_reserved_slug_is_refused(guadalajara):
    with pytest.raises(DomainError) as error:
        make_proceeding(guadalajara, slug="mesa")
    assert error.value.code == ParticipationErrorCode.INVALID_SLUG


def test_anonymous_contribution_is_stored_as_real_geometry(proceeding, shade, anonymous):
    contribution, created = submit(proceeding, anonymous, shade, device_token="d" * 32)
    assert created
    contribution.refresh_from_db()
    assert contribution.geometry.geom_type == "Point"
    assert contribution.author is None
    assert contribution.device_hash == services.device_hash("d" * 32)
    assert contribution.device_hash != "d" * 32
    assert contribution.phase.kind == "contributions"
    assert contribution.feedback_status == FeedbackStatus.RECEIVED


def test_line_and_area_inside_are_accepted(proceeding, shade, anonymous):
    line = {"type": "LineString", "coordinates": [[-103.355, 20.665], [-103.345, 20.675]]}
    area = {
        "type": "Polygon",
        "coordinates": [
            [[-103.355, 20.665], [-103.345, 20.665], [-103.345, 20.675], [-103.355, 20.665]]
        ],
    }
    first, _ = submit(proceeding, anonymous, shade, geometry=line, text="línea")
    second, _ = submit(proceeding, anonymous, shade, geometry=area, text="área")
    assert (first.geometry_kind, second.geometry_kind) == ("line", "area")


@pytest.mark.parametrize(
    ("geometry", "code"),
    [
        (OUTSIDE, "outside_area"),
        (
            {"type": "LineString", "coordinates": [[-103.35, 20.67], [-103.2, 20.67]]},
            "outside_area",
        ),
        ({"type": "MultiPoint", "coordinates": [[-103.35, 20.67]]}, "invalid_geometry"),
        ({"type": "Point", "coordinates": "nonsense"}, "invalid_geometry"),
        (
            {
                "type": "Polygon",
                "coordinates": [
                    [
                        [-103.355, 20.665],
                        [-103.345, 20.675],
                        [-103.345, 20.665],
                        [-103.355, 20.675],
                        [-103.355, 20.665],
                    ]
                ],
            },
            "invalid_geometry",
        ),
    ],
)
def test_bad_or_outside_geometry_is_refused_and_nothing_saved(
    proceeding, shade, anonymous, geometry, code
):
    with pytest.raises(DomainError) as error:
        submit(proceeding, anonymous, shade, geometry=geometry)
    assert error.value.code == code
    assert Contribution.objects.count() == 0


DEVICE_KEY = Idempotency("token:device-1", "key-00001")


def test_same_idempotency_key_saves_once(proceeding, shade, anonymous):
    first, created_first = submit(proceeding, anonymous, shade, idempotency=DEVICE_KEY)
    again, created_again = submit(proceeding, anonymous, shade, idempotency=DEVICE_KEY)
    assert created_first and not created_again and first.pk == again.pk
    assert Contribution.objects.count() == 1


def test_reused_key_with_other_content_is_refused(proceeding, shade, anonymous):
    submit(proceeding, anonymous, shade, idempotency=DEVICE_KEY)
    with pytest.raises(DomainError) as error:
        submit(proceeding, anonymous, shade, idempotency=DEVICE_KEY, text="otra cosa")
    assert error.value.code == CommonErrorCode.IDEMPOTENCY_KEY_REUSED
    assert Contribution.objects.count() == 1


def test_a_replay_of_a_deleted_contribution_says_gone(proceeding, shade, anonymous):
    first, _created = submit(proceeding, anonymous, shade, idempotency=DEVICE_KEY)
    first.delete()
    with pytest.raises(DomainError) as error:
        submit(proceeding, anonymous, shade, idempotency=DEVICE_KEY)
    assert error.value.code == ParticipationErrorCode.CONTRIBUTION_DELETED


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"website": "http://spam.example"}, "spam_detected"),
        ({"text": "ver http://a.example http://b.example www.c.example"}, "too_many_links"),
        ({"text": "   "}, "text_required"),
    ],
)
def test_spam_guard(proceeding, shade, anonymous, extra, code):
    with pytest.raises(DomainError) as error:
        submit(proceeding, anonymous, shade, **extra)
    assert error.value.code == code
    assert Contribution.objects.count() == 0


def test_duplicate_text_is_refused(proceeding, shade, anonymous):
    submit(proceeding, anonymous, shade)
    with pytest.raises(DomainError) as error:
        submit(proceeding, anonymous, shade, text="  FALTAN árboles en esta   esquina ")
    assert error.value.code == ParticipationErrorCode.DUPLICATE
    assert Contribution.objects.count() == 1


def test_phase_decides_what_people_can_do(guadalajara, anonymous):
    information = make_proceeding(guadalajara, kind=PhaseKind.INFORMATION, slug="info")
    category = information.categories.first()
    with pytest.raises(DomainError) as error:
        submit(information, anonymous, category)
    assert error.value.code == ParticipationErrorCode.PHASE_CLOSED

    registered_only = make_proceeding(guadalajara, anonymous=False, slug="registro")
    category = registered_only.categories.first()
    with pytest.raises(DomainError) as error:
        submit(registered_only, anonymous, category)
    assert error.value.code == ParticipationErrorCode.LOGIN_REQUIRED
    person = UserFactory()
    contribution, _ = submit(registered_only, person, category)
    assert contribution.author == person
    assert Contribution.objects.count() == 1


def test_evaluation_phase_allows_comments_but_not_contributions(guadalajara, anonymous):
    proceeding = make_proceeding(guadalajara, kind=PhaseKind.EVALUATION, slug="evaluacion")
    category = proceeding.categories.first()
    with pytest.raises(DomainError):
        submit(proceeding, anonymous, category)
    # Seed one contribution directly in a contributions phase to react to.
    phase = proceeding.phases.first()
    contribution = Contribution.objects.create(
        proceeding=proceeding,
        phase=phase,
        category=category,
        text="x",
        geometry="POINT(-103.35 20.67)",
    )
    services.add_comment(contribution=contribution, actor=anonymous, text="Estoy de acuerdo")
    assert contribution.comments.count() == 1


def test_category_of_another_proceeding_is_refused(proceeding, guadalajara, anonymous):
    other = make_proceeding(guadalajara, slug="otra")
    with pytest.raises(DomainError) as error:
        submit(proceeding, anonymous, other.categories.first())
    assert error.value.code == ParticipationErrorCode.INVALID_CATEGORY


def test_threaded_comments_ratings_and_reports(proceeding, shade, anonymous):
    contribution, _ = submit(proceeding, anonymous, shade)
    person = UserFactory()
    top = services.add_comment(contribution=contribution, actor=person, text="¿Dónde exactamente?")
    reply = services.add_comment(
        contribution=contribution, actor=anonymous, text="Frente al mercado", parent_id=top.pk
    )
    assert reply.parent == top
    with pytest.raises(DomainError):
        services.add_comment(contribution=contribution, actor=person, text="x", parent_id=999999)
    assert Comment.objects.count() == 2

    services.rate(contribution=contribution, actor=person, value=1)
    services.rate(contribution=contribution, actor=person, value=-1)  # changes, not adds
    services.rate(contribution=contribution, actor=anonymous, value=1, device_token="t" * 20)
    services.rate(contribution=contribution, actor=anonymous, value=1, device_token="t" * 20)
    assert sorted(Rating.objects.values_list("value", flat=True)) == [-1, 1]
    with pytest.raises(DomainError) as error:
        services.rate(contribution=contribution, actor=anonymous, value=1)
    assert error.value.code == ParticipationErrorCode.DEVICE_TOKEN_REQUIRED

    services.report(
        contribution=contribution, actor=anonymous, reason="Ofensivo", comment_id=reply.pk
    )
    assert Report.objects.get().comment == reply


def test_moderation_hide_with_reason_and_feedback(proceeding, shade, anonymous, guadalajara):
    contribution, _ = submit(proceeding, anonymous, shade)
    services.report(contribution=contribution, actor=anonymous, reason="spam")
    citizen = UserFactory()
    with pytest.raises(DomainError) as error:
        services.set_visibility(
            contribution=contribution, moderator=citizen, visible=False, reason="x"
        )
    assert error.value.code == ParticipationErrorCode.PERMISSION_DENIED

    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    with pytest.raises(DomainError) as error:
        services.set_visibility(
            contribution=contribution, moderator=staff, visible=False, reason=""
        )
    assert error.value.code == ParticipationErrorCode.REASON_REQUIRED
    contribution.refresh_from_db()
    assert contribution.status == Visibility.VISIBLE

    services.set_visibility(
        contribution=contribution, moderator=staff, visible=False, reason="Publicidad"
    )
    contribution.refresh_from_db()
    assert (contribution.status, contribution.hidden_reason) == ("hidden", "Publicidad")
    assert Report.objects.get().resolved_at is not None

    with pytest.raises(DomainError) as error:
        services.give_feedback(
            contribution=contribution, moderator=staff, status=FeedbackStatus.TAKEN_INTO_ACCOUNT
        )
    assert error.value.code == ParticipationErrorCode.ANSWER_REQUIRED
    services.give_feedback(
        contribution=contribution, moderator=staff, status=FeedbackStatus.UNDER_REVIEW
    )
    services.give_feedback(
        contribution=contribution,
        moderator=staff,
        status=FeedbackStatus.TAKEN_INTO_ACCOUNT,
        answer="Se plantarán 12 árboles en 2027.",
    )
    contribution.refresh_from_db()
    assert contribution.feedback_answer == "Se plantarán 12 árboles en 2027."
    assert list(ModerationAction.objects.values_list("kind", flat=True)) == [
        "feedback",
        "feedback",
        "hide",
    ]


def test_people_delete_their_own_contributions_only(proceeding, shade, anonymous):
    author = UserFactory()
    mine, _ = submit(proceeding, author, shade)
    anonymous_one, _ = submit(proceeding, anonymous, shade, text="otra", device_token="x" * 20)
    with pytest.raises(DomainError):
        services.delete_contribution(contribution=mine, actor=UserFactory())
    with pytest.raises(DomainError):
        services.delete_contribution(
            contribution=anonymous_one, actor=anonymous, device_token="y" * 20
        )
    assert Contribution.objects.count() == 2
    services.delete_contribution(contribution=mine, actor=author)
    services.delete_contribution(contribution=anonymous_one, actor=anonymous, device_token="x" * 20)
    assert Contribution.objects.count() == 0


def test_table_pin_is_hashed(proceeding):
    with pytest.raises(DomainError):
        services.set_table_pin(proceeding=proceeding, pin="12", actor=None)
    services.set_table_pin(proceeding=proceeding, pin="482916", actor=None)
    proceeding.refresh_from_db()
    assert "482916" not in proceeding.table_pin_hash
    assert services.pin_matches(proceeding, "482916")
    assert not services.pin_matches(proceeding, "000000")


def test_only_who_may_change_the_consultation_sets_its_table_pin(proceeding):
    from metropoli.accounts.tests.factories import UserFactory

    with pytest.raises(DomainError) as refused:
        services.set_table_pin(proceeding=proceeding, pin="482916", actor=UserFactory())
    assert refused.value.code == "permission_denied"
    proceeding.refresh_from_db()
    assert not proceeding.table_pin_hash

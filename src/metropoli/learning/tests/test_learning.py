import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings

from metropoli.accounts.tests.factories import PASSWORD, UserFactory, person_with
from metropoli.common.errors import DomainError
from metropoli.learning import selectors, services
from metropoli.learning.errors import LearningErrorCode
from metropoli.learning.html import clean_html
from metropoli.learning.models import (
    CertificationEvent,
    CertificationRule,
    Lesson,
    Level,
    Quiz,
    QuizAttempt,
)
from metropoli.territory.models import Role, RoleAssignment

SEEDED = {
    "buen-registro",
    "medir-dap",
    "arboles-comunes-guadalajara",
    "enfermedades-y-plagas",
    "senales-de-riesgo",
    "validar-en-treender",
}


def right_answers(quiz: Quiz) -> dict[int, int]:
    return {q.pk: q.choices.get(is_correct=True).pk for q in quiz.questions.all()}


def wrong_answers(quiz: Quiz) -> dict[int, int]:
    return {q.pk: q.choices.filter(is_correct=False).first().pk for q in quiz.questions.all()}


def test_the_migration_seeds_six_spanish_lessons_with_quizzes(db):
    assert set(Lesson.objects.values_list("slug", flat=True)) >= SEEDED
    for lesson in Lesson.objects.filter(slug__in=SEEDED):
        assert lesson.quiz.questions.count() >= 3
        assert all(
            q.choices.filter(is_correct=True).count() == 1 for q in lesson.quiz.questions.all()
        )
    assert "1.30 m" in Lesson.objects.get(slug="medir-dap").body
    body = Lesson.objects.get(slug="arboles-comunes-guadalajara").body
    for name in (
        "Jacaranda",
        "Fresno",
        "Pirul",
        "Tabachín",
        "Primavera",
        "Rosa morada",
        "Ficus",
        "palma",
        "Eucalipto",
        "Guamúchil",
        "Huizache",
    ):
        assert name in body
    assert "Muérdago" in Lesson.objects.get(slug="enfermedades-y-plagas").body
    assert Quiz.objects.filter(is_certification=True).count() == 1


def test_demo_load_is_idempotent(db):
    from metropoli.learning import demo

    before = Lesson.objects.count()
    demo.load()
    assert Lesson.objects.count() == before


def test_lesson_html_is_sanitised():
    dirty = '<p onclick="x()">Hola<script>alert(1)</script></p><img src="javascript:x" alt="a">'
    clean = clean_html(dirty)
    assert "script" not in clean and "onclick" not in clean and "javascript" not in clean
    assert clean.startswith("<p>Hola</p>")


def test_lesson_page_renders_clean_html(client, db):
    Lesson.objects.create(slug="prueba", title="Prueba", body="<p>Ok</p><script>bad()</script>")
    page = client.get("/arbol/aprende/prueba/").content.decode()
    assert "<p>Ok</p>" in page and "bad()" not in page


def test_index_lists_lessons_and_progress(client, db):
    user = UserFactory()
    client.login(email=user.email, password=PASSWORD)
    client.post("/arbol/aprende/medir-dap/terminar/")
    page = client.get("/arbol/aprende/").content.decode()
    assert "Cómo medir el diámetro del tronco" in page
    assert 'value="17"' in page  # 1 of 6 lessons


def test_quiz_feedback_and_levels(client, db):
    user = UserFactory()
    assert selectors.level_of(user) == Level.OBSERVER
    for quiz in Quiz.objects.filter(lesson__level=Level.OBSERVER):
        result = services.submit_quiz(user=user, quiz=quiz, answers=right_answers(quiz))
        assert result.attempt.passed
    assert selectors.level_of(user) == Level.RECORDER


def test_quiz_page_shows_explanations(client, db):
    user = UserFactory()
    client.login(email=user.email, password=PASSWORD)
    quiz = Quiz.objects.get(slug="quiz-medir-dap")
    data = {f"q{k}": v for k, v in wrong_answers(quiz).items()}
    page = client.post(f"/arbol/aprende/examen/{quiz.slug}/", data).content.decode()
    assert "157 ÷ 3.1416" in page and "Not quite" not in page
    assert QuizAttempt.objects.get().passed is False


def test_quiz_answers_never_reach_the_browser_before_submission(client, db):
    user = UserFactory()
    client.login(email=user.email, password=PASSWORD)
    for quiz in Quiz.objects.all():
        page = client.get(f"/arbol/aprende/examen/{quiz.slug}/")
        html = page.content.decode()
        assert page.status_code == 200
        assert "is_correct" not in html and "right_choice" not in html
        assert "/api/learning/" not in html
        for question in quiz.questions.all():
            assert question.text in html
            assert question.explanation not in html
    # Nor is there an address that marks one answer at a time.
    question = Quiz.objects.get(is_certification=True).questions.first()
    response = client.post(
        f"/api/learning/questions/{question.pk}/answer",
        {"choice_id": question.choices.get(is_correct=True).pk},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert finders.find("learning/quiz.js") is None


def test_the_certification_exam_shows_only_the_score(client, db):
    user = UserFactory()
    client.login(email=user.email, password=PASSWORD)
    exam = Quiz.objects.get(is_certification=True)
    answers = wrong_answers(exam)
    first = exam.questions.first()
    answers[first.pk] = first.choices.get(is_correct=True).pk
    data = {f"q{k}": v for k, v in answers.items()}
    html = client.post(
        f"/arbol/aprende/examen/{exam.slug}/", data, headers={"Accept-Language": "en"}
    ).content.decode()
    assert f"You got 1 of {exam.questions.count()} right." in html
    assert "✓" not in html and "✗" not in html
    assert not any(q.explanation in html for q in exam.questions.all())


@override_settings(LEARNING_CERTIFICATION_ATTEMPTS_PER_DAY=2)
def test_the_certification_exam_allows_a_few_attempts_a_day(client, db):
    user = UserFactory()
    client.login(email=user.email, password=PASSWORD)
    exam = Quiz.objects.get(is_certification=True)
    data = {f"q{k}": v for k, v in wrong_answers(exam).items()}
    url = f"/arbol/aprende/examen/{exam.slug}/"
    for _attempt in range(2):
        assert client.post(url, data).status_code == 200
    refused = client.post(url, data, headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert "You have used your 2 attempts at the certification exam for today." in (
        refused.content.decode()
    )
    assert QuizAttempt.objects.filter(user=user).count() == 2
    # Practice quizzes have no such limit.
    practice = Quiz.objects.get(slug="quiz-medir-dap")
    for _attempt in range(3):
        services.submit_quiz(user=user, quiz=practice, answers=wrong_answers(practice))


@pytest.fixture
def citizen(guadalajara):
    return UserFactory(home_municipality=guadalajara)


def decide_records(citizen, arborist, outcomes):
    from metropoli.trees.services import register_tree
    from metropoli.validation.services import cast_vote

    for i, kind in enumerate(outcomes):
        tree = register_tree(lon=-103.35 + i * 0.0005, lat=20.6767, recorded_by=citizen).tree
        cast_vote(tree=tree, voter=arborist, kind=kind, reason="r" if kind != "confirm" else "")


@override_settings(LEARNING_CERTIFICATION_LAST_N=4, LEARNING_CERTIFICATION_ACCURACY=0.75)
def test_certification_needs_quiz_and_accuracy(citizen, guadalajara):
    arborist = person_with(Role.ARBORIST, guadalajara)
    quiz = Quiz.objects.get(is_certification=True)
    result = services.submit_quiz(user=citizen, quiz=quiz, answers=right_answers(quiz))
    assert result.attempt.passed and not result.certified_now  # no records yet
    decide_records(citizen, arborist, ["confirm", "confirm", "reject"])
    with pytest.raises(DomainError) as error:
        services.request_certification(user=citizen)
    assert error.value.code == LearningErrorCode.NOT_ELIGIBLE  # only 3 of the 4 records needed
    decide_records(citizen, arborist, ["confirm"])  # 3 of 4 = 0.75
    role = services.request_certification(user=citizen)
    assert (role.role, role.municipality) == (Role.CERTIFIED_EXPERT, guadalajara)
    assert selectors.level_of(citizen) == Level.EXPERT
    assert CertificationEvent.objects.get().by is None


def test_municipal_rule_overrides_the_default(citizen, guadalajara):
    CertificationRule.objects.create(municipality=guadalajara, min_accuracy=1.0, last_n=1)
    arborist = person_with(Role.ARBORIST, guadalajara)
    decide_records(citizen, arborist, ["confirm"])
    quiz = Quiz.objects.get(is_certification=True)
    result = services.submit_quiz(user=citizen, quiz=quiz, answers=right_answers(quiz))
    assert result.certified_now
    assert RoleAssignment.objects.filter(user=citizen, role=Role.CERTIFIED_EXPERT).exists()


def test_staff_grant_and_revoke(citizen, guadalajara, zapopan):
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    services.grant_certification(user=citizen, municipality=guadalajara, by=staff, reason="Bióloga")
    assert selectors.is_certified(citizen, guadalajara)
    with pytest.raises(DomainError) as error:
        services.grant_certification(user=citizen, municipality=zapopan, by=staff)
    assert error.value.code == LearningErrorCode.PERMISSION_DENIED
    assert not selectors.is_certified(citizen, zapopan)
    services.revoke_certification(user=citizen, municipality=guadalajara, by=staff)
    assert not selectors.is_certified(citizen, guadalajara)
    assert list(
        CertificationEvent.objects.order_by("at", "pk").values_list("action", flat=True)
    ) == ["granted", "revoked"]


def test_certifications_page(client, citizen, guadalajara):
    staff = person_with(Role.MUNICIPAL_STAFF, guadalajara)
    client.login(email=staff.email, password=PASSWORD)
    client.post(
        "/arbol/aprende/certificaciones/",
        {"municipality": "14039", "email": citizen.email, "action": "grant"},
    )
    assert selectors.is_certified(citizen, guadalajara)
    page = client.get("/arbol/aprende/certificaciones/").content.decode()
    assert citizen.email in page
    client.login(email=citizen.email, password=PASSWORD)
    assert client.get("/arbol/aprende/certificaciones/").status_code == 403


@pytest.mark.parametrize("who", ["anonymous", "citizen", "expert", "staff"])
def test_rule_grant_certification(who, guadalajara):
    from django.contrib.auth.models import AnonymousUser

    user = {
        "anonymous": AnonymousUser,
        "citizen": UserFactory,
        "expert": lambda: person_with(Role.CERTIFIED_EXPERT, guadalajara),
        "staff": lambda: person_with(Role.MUNICIPAL_STAFF, guadalajara),
    }[who]()
    assert user.has_perm("learning.grant_certification", guadalajara) is (who == "staff")


@pytest.mark.django_db(transaction=True)
def test_exam_submissions_sent_at_once_still_get_the_days_attempts_only(settings):
    """Twelve submissions at the same moment (twelve server threads): three are marked, the rest
    refused. Without the lock every one read the same count and was marked."""
    import threading

    from django.db import connection

    settings.LEARNING_CERTIFICATION_ATTEMPTS_PER_DAY = 3
    user = UserFactory()
    exam = Quiz.objects.create(slug="examen-concurrente", title="Examen", is_certification=True)
    for order in range(3):
        question = exam.questions.create(order=order, text=f"Pregunta {order}")
        question.choices.create(text="Sí", is_correct=True)
        question.choices.create(text="No", is_correct=False)
    answers = wrong_answers(exam)
    start = threading.Barrier(12)
    outcomes: list[str] = []

    def submit():
        try:
            start.wait()
            services.submit_quiz(user=user, quiz=exam, answers=answers)
            outcomes.append("marked")
        except DomainError as error:
            outcomes.append(str(error.code))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["marked"] * 3 + [str(LearningErrorCode.TOO_MANY_ATTEMPTS)] * 9
    assert QuizAttempt.objects.filter(user=user, quiz=exam).count() == 3

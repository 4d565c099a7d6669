"""Lessons and quizzes written in the product by municipal staff and platform administrators,
not in the Django admin (decision 0108): who may, what is refused (in Spanish, with nothing
stored), what citizens see of unpublished lessons, the image checks of common.photos, and a
round trip from the editor's pages to a citizen's lesson and quiz."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.errors import DomainError
from metropoli.common.testing import signed_in
from metropoli.learning import editing, services
from metropoli.learning.errors import LearningErrorCode
from metropoli.learning.models import Choice, Lesson, LessonCompletion, Question, Quiz, QuizAttempt
from metropoli.territory.models import Role

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}
CONTENT = "/arbol/aprende/contenido/"
NEW = "/arbol/aprende/contenido/nueva/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff(guadalajara):
    return person_with(Role.MUNICIPAL_STAFF, guadalajara)


@pytest.fixture
def editor(staff):
    return signed_in(staff)


def lesson_data(**changes) -> dict:
    data = {
        "title": "Cómo regar un árbol joven",
        "summary": "Agua al pie, despacio y sin encharcar.",
        "body": "<h2>Cuándo</h2><p>Temprano.</p>",
        "level": "observer",
        "order": "7",
        "image_alt": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def question_data(text="¿Cuándo se riega?", right="2", **answers) -> dict:
    data = {"text": text, "explanation": "Temprano evapora menos.", "right": right}
    data.update(answers or {"answer_1": "Al mediodía", "answer_2": "Temprano", "answer_3": ""})
    return data


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (20.0, 40.0, 36.0), 3: "W", 4: (103.0, 20.0, 51.0)})
    exif[0x0110] = "Secret Phone 3000"
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 40)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Lesson, Quiz, Question, Choice, QuizAttempt))


# --- who may ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_stored(client):
    before = counts()
    for path in (CONTENT, NEW, "/arbol/aprende/contenido/medir-dap/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"].startswith("/cuentas/entrar")
    assert client.post(NEW, lesson_data(published="on")).status_code == 302
    assert counts() == before


def test_citizens_and_arborists_are_refused_in_spanish(guadalajara):
    before = counts()
    lesson = Lesson.objects.get(slug="medir-dap")
    for person in (UserFactory(), person_with(Role.ARBORIST, guadalajara)):
        client = signed_in(person)
        for path in (CONTENT, NEW, "/arbol/aprende/contenido/medir-dap/examen/"):
            refused = client.get(path, headers=ES)
            assert refused.status_code == 403
            assert (
                "Solo el personal municipal y quienes administran la plataforma escriben "
                "lecciones y cuestionarios." in refused.content.decode()
            )
        assert client.post(NEW, lesson_data(published="on")).status_code == 403
        edit = client.post("/arbol/aprende/contenido/medir-dap/", lesson_data(title="Otro"))
        assert edit.status_code == 403
        # The index offers them no way in.
        assert CONTENT not in client.get("/arbol/aprende/").content.decode()
    assert counts() == before
    assert Lesson.objects.get(pk=lesson.pk).title == lesson.title
    with pytest.raises(DomainError) as error:
        editing.delete_question(by=UserFactory(), question=lesson.quiz.questions.first())
    assert error.value.code == LearningErrorCode.CONTENT_PERMISSION_DENIED


def test_municipal_staff_and_platform_administrators_may_edit(editor):
    admin = signed_in(person_with(Role.PLATFORM_ADMIN))
    for client in (editor, admin):
        index = client.get("/arbol/aprende/", headers=ES).content.decode()
        assert CONTENT in index and NEW in index
        page = client.get(CONTENT, headers=ES)
        assert page.status_code == 200
        assert "Cómo medir el diámetro del tronco" in page.content.decode()
        for path in (NEW, "/arbol/aprende/contenido/medir-dap/examen/"):
            assert client.get(path).status_code == 200


# --- refusals: in Spanish, nothing stored ------------------------------------------------------


def test_a_question_without_a_right_answer_is_refused(editor):
    before = counts()
    answer = editor.post(
        "/arbol/aprende/contenido/medir-dap/examen/pregunta/", question_data(right=""), headers=ES
    )
    assert answer.status_code == 400
    assert "Marca exactamente una respuesta como la correcta." in answer.content.decode()
    # The right answer pointing at an empty box is no right answer either.
    answer = editor.post(
        "/arbol/aprende/contenido/medir-dap/examen/pregunta/", question_data(right="3"), headers=ES
    )
    assert answer.status_code == 400
    assert counts() == before


def test_a_question_with_one_answer_only_is_refused(editor):
    before = counts()
    answer = editor.post(
        "/arbol/aprende/contenido/medir-dap/examen/pregunta/",
        question_data(right="1", answer_1="Temprano", answer_2="  "),
        headers=ES,
    )
    assert answer.status_code == 400
    assert "Una pregunta necesita entre 2 y 6 respuestas; esta tiene 1." in answer.content.decode()
    assert counts() == before


def test_correcting_a_question_into_an_invalid_one_leaves_it_as_it_was(editor):
    question = Quiz.objects.get(slug="quiz-medir-dap").questions.first()
    choices = list(question.choices.values_list("text", "is_correct"))
    answer = editor.post(
        f"/arbol/aprende/contenido/medir-dap/examen/pregunta/{question.pk}/",
        question_data(text="Cambiada", right="", answer_1="A", answer_2="B"),
        headers=ES,
    )
    assert answer.status_code == 400
    question.refresh_from_db()
    assert question.text != "Cambiada"
    assert list(question.choices.values_list("text", "is_correct")) == choices


@pytest.mark.parametrize("percent", ["49", "101", "0", "-80"])
def test_a_pass_mark_out_of_range_is_refused(editor, percent):
    quiz = Quiz.objects.get(slug="quiz-medir-dap")
    answer = editor.post(
        "/arbol/aprende/contenido/medir-dap/examen/",
        {"title": "Otro título", "pass_percent": percent},
        headers=ES,
    )
    assert answer.status_code == 400
    assert (
        "La proporción de respuestas correctas para aprobar debe estar entre 50 % y 100 %."
        in answer.content.decode()
    )
    fresh = Quiz.objects.get(pk=quiz.pk)
    assert (fresh.title, fresh.pass_mark) == (quiz.title, quiz.pass_mark)


def test_the_service_refuses_a_pass_mark_out_of_range_too(staff):
    lesson = Lesson.objects.get(slug="medir-dap")
    for mark in (0.49, 1.01, float("nan")):
        with pytest.raises(DomainError) as error:
            editing.save_quiz(
                by=staff, lesson=lesson, title="x", pass_mark=mark, is_certification=False
            )
        assert error.value.code == LearningErrorCode.PASS_MARK_RANGE
    assert Quiz.objects.get(lesson=lesson).pass_mark == 0.8


def test_an_image_without_alt_text_is_refused(editor):
    before = counts()
    image = SimpleUploadedFile("riego.jpg", jpeg_with_gps(), content_type="image/jpeg")
    answer = editor.post(NEW, lesson_data(image=image), headers=ES)
    assert answer.status_code == 400
    assert (
        "Describe la imagen en pocas palabras para quienes no pueden verla."
        in answer.content.decode()
    )
    assert counts() == before


def test_a_file_that_is_not_an_image_is_refused_in_spanish(editor, tmp_path):
    lesson = Lesson.objects.get(slug="medir-dap")
    fake = SimpleUploadedFile("foto.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    answer = editor.post(
        "/arbol/aprende/contenido/medir-dap/",
        lesson_data(title="Cambiado", image=fake, image_alt="Una cinta"),
        headers=ES,
    )
    assert answer.status_code == 415
    assert "El archivo no es una foto. Envía una imagen JPEG, PNG o HEIC." in (
        answer.content.decode()
    )
    lesson.refresh_from_db()
    assert lesson.title != "Cambiado" and not lesson.image
    assert list(tmp_path.rglob("*.jpg")) == []


def test_the_image_is_stored_without_its_metadata_and_replaced(
    editor, tmp_path, django_capture_on_commit_callbacks
):
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the original has GPS
    image = SimpleUploadedFile("riego.jpg", data, content_type="image/jpeg")
    answer = editor.post(NEW, lesson_data(image=image, image_alt="Una cubeta al pie del árbol"))
    assert answer.status_code == 302
    lesson = Lesson.objects.get(title="Cómo regar un árbol joven")
    stored = Image.open(lesson.image.path)
    assert stored.format == "JPEG" and dict(stored.getexif()) == {}
    with open(lesson.image.path, "rb") as raw:
        assert b"Secret Phone" not in raw.read()
    first = lesson.image.path
    # A new upload replaces it (the old file goes), and taking it away clears the alt text.
    other = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 200, 40)).save(other, format="PNG")
    png = SimpleUploadedFile("b.png", other.getvalue(), content_type="image/png")
    path = f"/arbol/aprende/contenido/{lesson.slug}/"
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(path, lesson_data(image=png, image_alt="Otra"))
    lesson.refresh_from_db()
    assert lesson.image.path != first and [p.name for p in tmp_path.rglob("*.jpg")] == [
        lesson.image.name.split("/")[-1]
    ]
    with django_capture_on_commit_callbacks(execute=True):
        editor.post(path, lesson_data(remove_image="on", image_alt="Otra"))
    lesson.refresh_from_db()
    assert (lesson.image.name, lesson.image_alt) == ("", "")
    assert list(tmp_path.rglob("*.jpg")) == []


def test_the_body_keeps_the_lesson_format_and_is_sanitised_and_previewed(editor):
    before = counts()
    body = '<h2>Riego</h2><p onclick="x()">Poco<script>alert(1)</script></p>'
    preview = editor.post(NEW, lesson_data(body=body, preview="1"), headers=ES)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Vista previa (todavía sin guardar)" in page
    assert "<h2>Riego</h2><p>Poco</p>" in page and "alert(1)" not in page.split("<textarea")[0]
    assert counts() == before  # a preview stores nothing
    editor.post(NEW, lesson_data(body=body))
    assert Lesson.objects.get(title="Cómo regar un árbol joven").body == "<h2>Riego</h2><p>Poco</p>"


def test_a_body_longer_than_a_phone_can_read_is_refused(editor):
    before = counts()
    long_body = "<p>" + "Riego. " * 8_000 + "</p>"  # 56,000 characters
    answer = editor.post(NEW, lesson_data(body=long_body), headers=ES)
    assert answer.status_code == 400
    assert "a lo más 50,000 caracteres" in answer.content.decode()
    assert counts() == before


# --- unpublished lessons ------------------------------------------------------------------------


def test_an_unpublished_lesson_and_its_quiz_are_hidden_from_citizens(editor, guadalajara):
    lesson = Lesson.objects.get(slug="medir-dap")
    answer = editor.post("/arbol/aprende/contenido/medir-dap/", lesson_data(title=lesson.title))
    assert answer.status_code == 302  # no "published" box ticked: unpublished
    assert not Lesson.objects.get(pk=lesson.pk).published
    citizen = signed_in(UserFactory())
    for client in (citizen, signed_in(person_with(Role.ARBORIST, guadalajara))):
        assert client.get("/arbol/aprende/medir-dap/").status_code == 404
        assert client.get("/arbol/aprende/examen/quiz-medir-dap/").status_code == 404
        assert "medir-dap" not in client.get("/arbol/aprende/").content.decode()
    page = editor.get("/arbol/aprende/medir-dap/", headers=ES)
    assert page.status_code == 200
    assert "No publicada: solo la ven quienes escriben lecciones." in page.content.decode()
    assert editor.get("/arbol/aprende/examen/quiz-medir-dap/").status_code == 200
    assert "No publicada" in editor.get(CONTENT, headers=ES).content.decode()


def test_the_certification_exam_stays_published_and_is_one(staff):
    exam = Quiz.objects.get(is_certification=True)
    text = editing.LessonText(
        title=exam.lesson.title, summary="", body="<p>x</p>", level="expert", order=1,
        published=False, image_alt="",
    )  # fmt: skip
    with pytest.raises(DomainError) as error:
        editing.update_lesson(by=staff, lesson=exam.lesson, text=text)
    assert error.value.code == LearningErrorCode.EXAM_HIDDEN
    assert Lesson.objects.get(pk=exam.lesson_id).published
    # Marking another quiz as the exam unmarks the old one.
    other = Quiz.objects.get(slug="quiz-medir-dap")
    editing.save_quiz(
        by=staff, lesson=other.lesson, title=other.title, pass_mark=0.9, is_certification=True
    )
    assert list(Quiz.objects.filter(is_certification=True)) == [other]


# --- past attempts and deleting -----------------------------------------------------------------


def test_past_attempts_keep_their_score_and_used_content_is_not_deleted(editor, staff):
    citizen = UserFactory()
    quiz = Quiz.objects.get(slug="quiz-medir-dap")
    right = {q.pk: q.choices.get(is_correct=True).pk for q in quiz.questions.all()}
    attempt = services.submit_quiz(user=citizen, quiz=quiz, answers=right).attempt
    services.complete_lesson(user=citizen, lesson=quiz.lesson)
    total = quiz.questions.count()
    first = quiz.questions.first()
    assert (
        editor.post(
            f"/arbol/aprende/contenido/medir-dap/examen/pregunta/{first.pk}/quitar/"
        ).status_code
        == 302
    )
    attempt.refresh_from_db()
    assert (attempt.correct, attempt.total, attempt.passed) == (total, total, True)
    refused = editor.post("/arbol/aprende/contenido/medir-dap/examen/borrar/", headers=ES)
    assert refused.status_code == 409
    assert "Ya hay personas que contestaron este cuestionario" in refused.content.decode()
    refused = editor.post(
        "/arbol/aprende/contenido/medir-dap/borrar/", {"confirm": "on"}, headers=ES
    )
    assert refused.status_code == 409
    assert "deja de publicarla en su lugar" in refused.content.decode()
    assert Quiz.objects.filter(pk=quiz.pk).exists()
    assert QuizAttempt.objects.filter(pk=attempt.pk).exists()
    assert LessonCompletion.objects.filter(user=citizen).exists()


def test_an_unused_lesson_is_deleted_only_when_confirmed(editor):
    editor.post(NEW, lesson_data(published="on"))
    lesson = Lesson.objects.get(title="Cómo regar un árbol joven")
    path = f"/arbol/aprende/contenido/{lesson.slug}/borrar/"
    assert editor.post(path, {}, headers=ES).status_code == 400
    assert Lesson.objects.filter(pk=lesson.pk).exists()
    assert editor.post(path, {"confirm": "on"}).status_code == 302
    assert not Lesson.objects.filter(pk=lesson.pk).exists()


# --- the round trip -----------------------------------------------------------------------------


def test_what_staff_write_is_what_a_citizen_reads_and_answers(editor):
    created = editor.post(NEW, lesson_data(published="on"), follow=True, headers=ES)
    assert "Lección creada." in created.content.decode()
    lesson = Lesson.objects.get(title="Cómo regar un árbol joven")
    assert lesson.slug == "como-regar-un-arbol-joven"
    base = f"/arbol/aprende/contenido/{lesson.slug}"
    assert editor.post(f"{base}/examen/", {"title": "¿Sabes regar?", "pass_percent": "100",
                                           "is_certification": ""}).status_code == 302  # fmt: skip
    editor.post(f"{base}/examen/pregunta/", question_data())
    editor.post(
        f"{base}/examen/pregunta/",
        question_data(text="¿Cuánta agua?", right="1", answer_1="Diez litros",
                      answer_2="Un vaso", answer_3="Ninguna"),
    )  # fmt: skip
    quiz = Quiz.objects.get(lesson=lesson)
    first, second = quiz.questions.all()
    # Corrected: a fourth answer, the right one moved; then the second question goes first.
    editor.post(
        f"{base}/examen/pregunta/{first.pk}/",
        question_data(text="¿A qué hora se riega?", right="3", answer_1="Al mediodía",
                      answer_2="De noche", answer_3="Temprano", answer_4="Nunca"),
    )  # fmt: skip
    editor.post(f"{base}/examen/pregunta/{second.pk}/mover/", {"direction": "up"})
    editor.post(f"{base}/", lesson_data(body="<p>Temprano y al pie.</p>", published="on"))
    assert [q.text for q in quiz.questions.all()] == ["¿Cuánta agua?", "¿A qué hora se riega?"]

    citizen = signed_in(UserFactory())
    index = citizen.get("/arbol/aprende/").content.decode()
    assert "Cómo regar un árbol joven" in index
    page = citizen.get(f"/arbol/aprende/{lesson.slug}/").content.decode()
    assert "<p>Temprano y al pie.</p>" in page
    exam = citizen.get(f"/arbol/aprende/examen/{quiz.slug}/").content.decode()
    assert exam.index("¿Cuánta agua?") < exam.index("¿A qué hora se riega?")
    assert "Nunca" in exam and "Ninguna" in exam
    answers = {f"q{q.pk}": q.choices.get(is_correct=True).pk for q in quiz.questions.all()}
    assert Choice.objects.get(pk=answers[f"q{first.pk}"]).text == "Temprano"
    result = citizen.post(f"/arbol/aprende/examen/{quiz.slug}/", answers, headers=ES)
    assert "Acertaste 2 de 2." in result.content.decode()
    assert QuizAttempt.objects.get().passed
    # The lesson's page shows its editors who changed what.
    history = editor.get(f"{base}/", headers=ES).content.decode()
    assert "Últimos cambios" in history

"""The learning path: lessons, quizzes, each person's progress, and certification."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from metropoli.territory.models import Municipality


class Level(models.TextChoices):
    OBSERVER = "observer", _("Observer")
    RECORDER = "recorder", _("Recorder")
    EXPERT = "expert", _("Certified expert")


class Lesson(models.Model):
    """A lesson written by staff (/arbol/aprende/contenido/). The body is HTML, sanitised when
    saved and when shown."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=160)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(
        _("body"),
        help_text=_(
            "HTML: headings, paragraphs, lists, links, images and tables are kept; "
            "scripts and styles are removed."
        ),
    )
    image = models.ImageField(_("image"), upload_to="learning/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    level = models.CharField(
        _("level"), max_length=10, choices=Level.choices, default=Level.OBSERVER
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.title


class Quiz(models.Model):
    lesson = models.OneToOneField(
        Lesson,
        verbose_name=_("lesson"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quiz",
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=160)
    is_certification = models.BooleanField(
        _("certification quiz"),
        default=False,
        help_text=_("Passing it is one of the two conditions to become a certified expert."),
    )
    pass_mark = models.FloatField(_("share of right answers to pass"), default=0.8)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="questions", verbose_name=_("quiz")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=400)
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown after answering, right or wrong.")
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("right answer"), default=False)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.text


class LessonCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_completion_per_lesson")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"


class QuizAttempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    correct = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} · {self.correct}/{self.total}"


class CertificationRule(models.Model):
    """A municipality's own rule for certification (otherwise the platform's settings)."""

    municipality = models.OneToOneField(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    min_accuracy = models.FloatField(
        _("minimum accuracy"), help_text=_("Between 0 and 1, e.g. 0.8 for 80 %.")
    )
    last_n = models.PositiveSmallIntegerField(_("over the last N decided records"))

    class Meta:
        verbose_name = _("certification rule")
        verbose_name_plural = _("certification rules")

    def __str__(self) -> str:
        return str(self.municipality)


class CertificationAction(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REVOKED = "revoked", _("Revoked")


class CertificationEvent(models.Model):
    """Who became (or stopped being) a certified expert, where, when, by whom and why."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="certification_events",
        verbose_name=_("person"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    action = models.CharField(
        max_length=8, choices=CertificationAction.choices, verbose_name=_("action")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the person earned it."),
        verbose_name=_("done by"),
    )
    reason = models.TextField(blank=True, verbose_name=_("reason"))
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("when"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("certification event")
        verbose_name_plural = _("certification events")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_action_display()} · {self.municipality}"

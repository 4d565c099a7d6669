"""Pages: the learning path, a lesson, a quiz with its feedback, and certifications."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from metropoli.common.domain_errors import message_of, status_of
from metropoli.common.errors import DomainError
from metropoli.common.params import whole_number
from metropoli.territory.models import Role
from metropoli.territory.selectors import municipalities_where

from . import selectors, services
from .errors import LearningErrorCode
from .html import clean_html
from .models import Level, Quiz


def index(request: HttpRequest) -> HttpResponse:
    lessons = list(selectors.published_lessons())
    done = selectors.completed_lesson_ids(request.user)
    passed = selectors.passed_quiz_ids(request.user)
    rows = [
        {
            "lesson": lesson,
            "done": lesson.pk in done,
            "quiz": getattr(lesson, "quiz", None),
            "passed": hasattr(lesson, "quiz") and lesson.quiz.pk in passed,
        }
        for lesson in lessons
    ]
    authenticated = request.user.is_authenticated
    context = {
        "rows": rows,
        "levels": Level.choices,
        "level": selectors.level_of(request.user) if authenticated else None,
        "status": selectors.certification_status(request.user) if authenticated else None,
        "progress": round(100 * len(done) / len(lessons)) if lessons else 0,
        "can_edit": selectors.can_edit_content(request.user),
    }
    return render(request, "learning/index.html", context)


def lesson(request: HttpRequest, slug: str) -> HttpResponse:
    """A published lesson; editors also open unpublished ones (marked as such)."""
    can_edit = selectors.can_edit_content(request.user)
    found = selectors.lesson_by_slug(slug, unpublished=can_edit)
    if found is None:
        raise Http404
    return render(
        request,
        "learning/lesson.html",
        {
            "lesson": found,
            # Sanitised again when shown, whatever path the HTML came in by.
            "body": mark_safe(clean_html(found.body)),  # noqa: S308 - cleaned by nh3
            "quiz": getattr(found, "quiz", None),
            "done": found.pk in selectors.completed_lesson_ids(request.user),
            "can_edit": can_edit,
        },
    )


@login_required
@require_POST
def complete(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.lesson_by_slug(slug)
    if found is None:
        raise Http404
    services.complete_lesson(user=request.user, lesson=found)
    quiz = getattr(found, "quiz", None)
    return redirect("learning:quiz", slug=quiz.slug) if quiz else redirect("learning:index")


@login_required
def quiz(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Quiz.objects.select_related("lesson"), slug=slug)
    if not selectors.quiz_is_open_to(found, request.user):
        raise Http404
    questions = list(found.questions.prefetch_related("choices"))
    result = None
    status = 200
    answers: dict[int, int | None] = {}
    if request.method == "POST":
        for question in questions:
            raw = request.POST.get(f"q{question.pk}")
            answers[question.pk] = whole_number(raw)
        try:
            result = services.submit_quiz(user=request.user, quiz=found, answers=answers)
        except DomainError as error:
            messages.error(request, message_of(error))
            status = status_of(error)
    # The exam says only the score: marking each answer would give its key away to whoever
    # submits a few times. Practice quizzes explain every answer once submitted.
    feedback = (
        {item.question.pk: item for item in result.feedback}
        if result and not found.is_certification
        else {}
    )
    return render(
        request,
        "learning/quiz.html",
        {
            "quiz": found,
            "items": [
                {"question": q, "feedback": feedback.get(q.pk), "chosen": answers.get(q.pk)}
                for q in questions
            ],
            "result": result,
        },
        status=status,
    )


@login_required
@require_POST
def request_certification(request: HttpRequest) -> HttpResponse:
    try:
        services.request_certification(user=request.user)
    except DomainError as error:
        messages.error(request, message_of(error))
    else:
        messages.success(request, _("Congratulations: you are now a certified expert."))
    return redirect("learning:index")


@login_required
def certifications(request: HttpRequest) -> HttpResponse:
    allowed = municipalities_where(request.user, Role.MUNICIPAL_STAFF)
    code = request.GET.get("municipality") or request.POST.get("municipality")
    municipality = allowed.filter(inegi_code=code).first() if code else allowed.first()
    if municipality is None or not request.user.has_perm(
        "learning.grant_certification", municipality
    ):
        raise PermissionDenied(_("Only municipal staff grant or revoke certifications."))
    if request.method == "POST":
        person = (
            get_user_model()
            .objects.filter(email__iexact=(request.POST.get("email") or "").strip())
            .first()
        )
        try:
            if person is None:
                raise DomainError(LearningErrorCode.UNKNOWN_PERSON)
            action = (
                services.revoke_certification
                if request.POST.get("action") == "revoke"
                else services.grant_certification
            )
            action(
                user=person,
                municipality=municipality,
                by=request.user,
                reason=request.POST.get("reason", ""),
            )
        except DomainError as error:
            messages.error(request, message_of(error))
        else:
            messages.success(request, _("Saved."))
        return redirect(f"{request.path}?municipality={municipality.inegi_code}")
    rule = selectors.certification_rule(municipality)
    own = selectors.has_own_certification_rule(municipality)
    return render(
        request,
        "learning/certifications.html",
        {
            "municipality": municipality,
            "municipalities": allowed,
            "experts": selectors.certified_experts(municipality),
            "rule_form": RuleForm(
                initial={"accuracy_percent": round(rule.min_accuracy * 100), "last_n": rule.last_n}
            ),
            "own_rule": own,
        },
    )


class RuleForm(forms.Form):
    """A municipality's rule for earning the certification (learning.models.CertificationRule)."""

    accuracy_percent = forms.IntegerField(
        label=gettext_lazy("Agreement with the final decision needed (%)"),
        min_value=50,
        max_value=100,
    )
    last_n = forms.IntegerField(
        label=gettext_lazy("Over the last decided records"), min_value=5, max_value=500
    )


@login_required
@require_POST
def certification_rule(request: HttpRequest) -> HttpResponse:
    """The certification page's rule form: the municipality's own rule, or (its second button,
    `use_platform_rule`) the platform's again."""
    allowed = municipalities_where(request.user, Role.MUNICIPAL_STAFF)
    municipality = allowed.filter(inegi_code=request.POST.get("municipality", "")).first()
    if municipality is None or not request.user.has_perm(
        "learning.grant_certification", municipality
    ):
        raise PermissionDenied(_("Only municipal staff grant or revoke certifications."))
    form = RuleForm(request.POST)
    if "use_platform_rule" in request.POST:
        services.set_certification_rule(
            by=request.user, municipality=municipality, min_accuracy=None, last_n=None
        )
        messages.success(request, _("Saved. The rule applies to the next decided records."))
    elif form.is_valid():
        services.set_certification_rule(
            by=request.user,
            municipality=municipality,
            min_accuracy=form.cleaned_data["accuracy_percent"] / 100,
            last_n=form.cleaned_data["last_n"],
        )
        messages.success(request, _("Saved. The rule applies to the next decided records."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{reverse('learning:certifications')}?municipality={municipality.inegi_code}")

"""What a recorder is told about their record, as notifications of the notifications app: in the
app (the pages render the decision in the reader's language) and, when they asked for e-mails,
by its one e-mail task, in their own language (docs/decisions/0091-one-notification-model.md)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from metropoli.notifications import services as notifications
from metropoli.trees.models import Tree

from . import selectors
from .models import Decision
from .selectors import NOTIFICATION_SOURCE


def notify_recorder(*, tree: Tree, decision: Decision, lesson: str) -> None:
    recorder = tree.recorded_by
    if recorder is None or not recorder.is_active:
        return
    with translation.override(recorder.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "decision": decision,
            "summary": selectors.feedback_summary(decision),
            "lesson_url": selectors.lesson_url(lesson, full=True),
            "feedback_url": selectors.absolute("validation:my_records"),
            "platform_name": settings.METROPOLI["PLATFORM_NAME"],
        }
        subject = _("Your tree #%(tree)s: %(outcome)s") % {
            "tree": decision.tree_id,
            "outcome": decision.get_outcome_display(),
        }
        body = render_to_string("validation/feedback_email.txt", context)
    notifications.notify(
        recorder,
        source=NOTIFICATION_SOURCE,
        kind="decision",
        subject=subject,
        body=body,
        link=reverse("validation:my_records"),
        about=decision,
        params={"lesson": lesson} if lesson else {},
    )


def mark_read(user) -> int:
    return notifications.mark_read(user, NOTIFICATION_SOURCE)

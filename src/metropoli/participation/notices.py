"""Telling participants that their contribution was answered or commented on: an in-app notice
and, through the task worker, the same text by e-mail; only to people who asked for it
(docs/decisions/0077-participant-notices-opt-in.md); they are notifications of the
notifications app, sent by its one e-mail task (0091)."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from metropoli.notifications import services as notifications
from metropoli.notifications.models import Notification

from .models import Comment, Contribution, NotificationPreference

SOURCE = "participation"
ANSWER = "answer"
COMMENT = "comment"


def wants_notices(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return NotificationPreference.objects.filter(user=user, notify_replies=True).exists()


@transaction.atomic
def set_preference(*, user, notify_replies: bool) -> NotificationPreference:
    """The participant's own choice (only they set it: the caller passes request.user)."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"notify_replies": bool(notify_replies)}
    )
    return preference


def _link(contribution: Contribution) -> str:
    return reverse(
        "participation:contribution",
        kwargs={"slug": contribution.proceeding.slug, "pk": contribution.pk},
    )


def _notify(contribution: Contribution, kind: str, subject: str, body: str) -> Notification | None:
    author = contribution.author
    if not wants_notices(author):
        return None
    link = _link(contribution)
    # This choice is the consent (asked where people contribute); the account-wide e-mail
    # setting covers the platform's other notices.
    return notifications.notify(
        author,
        source=SOURCE,
        kind=kind,
        subject=subject,
        body=f"{body}\n\n{settings.METROPOLI_SITE_URL.rstrip('/')}{link}",
        link=link,
        about=contribution,
        email=author.email,
    )


def answered(contribution: Contribution) -> Notification | None:
    """The moderators gave (or changed) the public answer of the contribution."""
    with translation.override(_language_of(contribution.author)):
        subject = _("Your contribution to “%(title)s” was answered") % {
            "title": contribution.proceeding.title
        }
        body = _("Status: %(status)s.") % {"status": contribution.get_feedback_status_display()}
        if contribution.feedback_answer:
            body += "\n\n" + contribution.feedback_answer
        return _notify(contribution, ANSWER, subject, body)


def commented(comment: Comment) -> Notification | None:
    """Someone else commented on the contribution (one's own comments are no news)."""
    contribution = comment.contribution
    if comment.author_id is not None and comment.author_id == contribution.author_id:
        return None
    with translation.override(_language_of(contribution.author)):
        subject = _("New comment on your contribution to “%(title)s”") % {
            "title": contribution.proceeding.title
        }
        return _notify(contribution, COMMENT, subject, comment.text)


def _language_of(user) -> str:
    return getattr(user, "preferred_language", "") or translation.get_language() or "es-mx"


def unread_count(user) -> int:
    return notifications.unread_count(user, SOURCE)


def of(user):
    """The participant's notices, newest first."""
    return notifications.of(user, SOURCE)


def mark_read(user) -> None:
    notifications.mark_read(user, SOURCE)

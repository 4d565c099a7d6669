"""Telling participants that their contribution was answered or commented on: an in-app notice
and, through the task worker, the same text by e-mail; only to people who asked for it
(docs/decisions/0077-participant-notices-opt-in.md)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Comment, Contribution, Notice, NotificationPreference


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


def _notify(contribution: Contribution, kind: str, subject: str, body: str) -> Notice | None:
    author = contribution.author
    if not wants_notices(author):
        return None
    notice = Notice.objects.create(
        user=author,
        contribution=contribution,
        kind=kind,
        subject=subject[:200],
        body=f"{body}\n\n{settings.METROPOLI_SITE_URL.rstrip('/')}{_link(contribution)}",
    )
    # This choice is the consent (asked where people contribute); the account-wide e-mail
    # setting covers the platform's other notices.
    if author.email:
        transaction.on_commit(lambda: send_notice_email.enqueue(notice.pk))
    return notice


def answered(contribution: Contribution) -> Notice | None:
    """The moderators gave (or changed) the public answer of the contribution."""
    with translation.override(_language_of(contribution.author)):
        subject = _("Your contribution to “%(title)s” was answered") % {
            "title": contribution.proceeding.title
        }
        body = _("Status: %(status)s.") % {"status": contribution.get_feedback_status_display()}
        if contribution.feedback_answer:
            body += "\n\n" + contribution.feedback_answer
        return _notify(contribution, Notice.Kind.ANSWER, subject, body)


def commented(comment: Comment) -> Notice | None:
    """Someone else commented on the contribution (one's own comments are no news)."""
    contribution = comment.contribution
    if comment.author_id is not None and comment.author_id == contribution.author_id:
        return None
    with translation.override(_language_of(contribution.author)):
        subject = _("New comment on your contribution to “%(title)s”") % {
            "title": contribution.proceeding.title
        }
        return _notify(contribution, Notice.Kind.COMMENT, subject, comment.text)


def _language_of(user) -> str:
    return getattr(user, "preferred_language", "") or translation.get_language() or "es-mx"


@task()
def send_notice_email(notice_id: int) -> None:
    # The row stays locked while the message goes out: a doubled run waits, then finds it sent.
    with transaction.atomic():
        notice = (
            Notice.objects.select_for_update()
            .select_related("user")
            .filter(pk=notice_id, emailed_at__isnull=True)
            .first()
        )
        if notice is None or not notice.user.email:
            return
        send_mail(notice.subject, notice.body, None, [notice.user.email])
        Notice.objects.filter(pk=notice.pk).update(emailed_at=timezone.now())


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user) -> None:
    Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())

"""Deadline reminders for cooperation opportunities (`metropoli cooperation send-reminders`, the
daily job `cooperation-reminders`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from metropoli.common.outbox import queue_email

from .models import OPEN_OPPORTUNITY_STATUSES, Opportunity, ReminderSent


@dataclass(frozen=True)
class ReminderOutcome:
    sent: int
    skipped_no_recipient: int


def _recipient(opportunity: Opportunity) -> str:
    if opportunity.owner_id and opportunity.owner.email:
        return opportunity.owner.email
    return settings.COOPERATION_OFFICE_EMAIL


def send_deadline_reminders(*, today: date | None = None) -> ReminderOutcome:
    """Email the owner of every open opportunity whose deadline crossed a reminder threshold.

    With thresholds 14/7/1, an opportunity due in 5 days gets the 7-day reminder once; if the
    command did not run for a while, only the nearest threshold is sent (never a burst of
    stale reminders). Each (opportunity, threshold, recipient) is sent at most once: the row
    is written first in its own transaction, so a crash after sending cannot repeat it and a
    failed send rolls the row back.
    """
    today = today or timezone.localdate()
    thresholds = sorted(set(settings.COOPERATION_REMINDER_DAYS))
    if not thresholds:
        return ReminderOutcome(0, 0)
    horizon = today + timedelta(days=max(thresholds))
    sent = skipped = 0
    candidates = Opportunity.objects.filter(
        status__in=OPEN_OPPORTUNITY_STATUSES, deadline__gte=today, deadline__lte=horizon
    ).select_related("owner")
    for opportunity in candidates:
        days_left = (opportunity.deadline - today).days
        threshold = next(t for t in thresholds if t >= days_left)
        recipient = _recipient(opportunity)
        if not recipient:
            skipped += 1
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    opportunity=opportunity, days_before=threshold, recipient=recipient
                )
                _send_reminder(opportunity, recipient, days_left)
        except IntegrityError:
            continue  # already reminded at this threshold
        sent += 1
    return ReminderOutcome(sent, skipped)


def _send_reminder(opportunity: Opportunity, recipient: str, days_left: int) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Deadline in %(days)d days: %(title)s") % {
            "days": days_left,
            "title": opportunity.title,
        }
        body = _(
            "%(kind)s: %(title)s\nOrganiser: %(organiser)s\nDeadline: %(deadline)s\n"
            "Status: %(status)s\n%(url)s\n\nFit to the agendas:\n%(fit)s\n"
        ) % {
            "kind": opportunity.get_kind_display(),
            "title": opportunity.title,
            "organiser": opportunity.organiser or "—",
            "deadline": opportunity.deadline.isoformat(),
            "status": opportunity.get_status_display(),
            "url": opportunity.url,
            "fit": opportunity.agenda_fit or "—",
        }
    queue_email(to=recipient, subject=subject, body=body)  # the outbox retries (decision 0111)

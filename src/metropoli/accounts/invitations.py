"""Inviting people (decision 0113, after 0075 for markets).

Whoever gives someone a place on the platform (a role in a municipality, the cooperation office,
a stall, a market's staff) names the person by e-mail address. An active account gets the place
at once. An address without one gets an account waiting for activation, with no password,
which the person opens by choosing one: from an invitation e-mailed to the address, or from a
one-time link shown once to whoever invited, to hand over in person. The place is theirs from
the start and works once the account is active.

`add_person` checks that the person inviting may give the place, calls `person_for` and gives
the place, all in one transaction, once per form; each caller describes its place with an
`Invitation` (`give_role` here, the cooperation office, a market's stalls and staff).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.common.idempotency import Idempotency, run_once
from metropoli.common.outbox import queue_email
from metropoli.common.ratelimit import enforce
from metropoli.territory.models import Municipality, Role
from metropoli.territory.services import check_grant, grant_role

from .errors import AccountErrorCode
from .models import User
from .services import activation_link

NAME_LIMIT = 80  # User.display_name's max_length


@dataclass(frozen=True)
class PersonAdded:
    person: User
    created: bool  # a new account was opened
    invited: bool = False  # an invitation goes out by e-mail once the transaction commits
    link: str = ""  # the one-time activation link to hand over
    already: bool = False  # the person had the place already (the caller says)


def person_for(
    email: str,
    display_name: str,
    *,
    invite: bool,
    place: str,
    invited_by: User,
    place_params: Mapping[str, str] | None = None,
) -> PersonAdded:
    """The active account of `email`, or an account waiting for activation under
    `display_name`, opened now or invited again: by e-mail (`invite`) or by the returned link.

    `place` is what the person is invited to: an English msgid marked with gettext_noop and its
    `place_params` (or a proper name), put in the invitee's language when the e-mail is written.
    An address whose account still waits for activation is invited again: its password (chosen
    by whoever signed up with the address, if anyone did) is dropped and earlier links stop
    working, so only the owner of the address opens it, with the newest link. A closed account
    (inactive, not waiting) is refused. Invitations are counted per person inviting.
    """
    email = checked_email(email)
    person = User.objects.select_for_update().filter(email__iexact=email).first()
    if person is not None and person.is_active:
        return PersonAdded(person, created=False)
    # The name first: without one, a closed account gets the same answer as no account.
    name = _checked_name(display_name)
    if person is not None and not person.activation_pending:
        raise DomainError(AccountErrorCode.CLOSED_ACCOUNT, on_field="email")
    count_invitation(invited_by)
    created = person is None
    if person is None:
        # A concurrent invitation or sign-up of the same address makes this INSERT fail on the
        # unique index: the edge answers 409 («saved a moment ago»), nothing is kept.
        person = User(email=email, display_name=name, is_active=False, activation_pending=True)
        person.set_unusable_password()
        person.save()
    else:
        person.display_name = name
        person.set_unusable_password()  # a new random mark: earlier links no longer match
        person.save(update_fields=["display_name", "password"])
    if invite:
        params = dict(place_params or {})
        transaction.on_commit(
            lambda: email_invitation.enqueue(person.pk, place, params, invited_by.pk)
        )
        return PersonAdded(person, created=created, invited=True)
    return PersonAdded(person, created=created, link=activation_link(person))


def count_invitation(invited_by: User) -> None:
    """One more e-mail with a way in sent by `invited_by` today (an invitation, a reopened
    account): 429 past METROPOLI_INVITATIONS_PER_DAY."""
    enforce(
        "invitations",
        f"user:{invited_by.pk}",
        limit=settings.INVITATIONS_PER_DAY,
        window=24 * 3600,
        message=gettext_noop("You have invited many people today. Please try again tomorrow."),
    )


def checked_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(AccountErrorCode.INVALID_EMAIL, on_field="email") from None
    return email


def _checked_name(display_name: str) -> str:
    name = (display_name or "").strip()
    if not name:
        raise DomainError(AccountErrorCode.NAME_REQUIRED, on_field="display_name")
    if len(name) > NAME_LIMIT:
        raise DomainError(AccountErrorCode.NAME_TOO_LONG, on_field="display_name", limit=NAME_LIMIT)
    return name


@dataclass(frozen=True)
class Invitation:
    """What a caller of `add_person` invites to, and how it gives it."""

    action: str  # names the write, for the form's idempotency key
    scope: Mapping[str, Any]  # what it is given in (ids), part of the request a key stands for
    check: Callable[[], None]  # raises unless the person inviting may give it
    give: Callable[[User], bool]  # gives it to an account: False when the account had it
    place: str  # what the e-mail says it is (see `person_for`)
    place_params: Mapping[str, str] = field(default_factory=dict)


def add_person(
    invitation: Invitation,
    *,
    email: str,
    display_name: str,
    invite: bool,
    invited_by: User,
    idempotency: Idempotency | None = None,
) -> PersonAdded:
    """Check, then `person_for`, then give the place: one transaction, carried out once per
    form (its idempotency key). The same form sent again (a double tap, a retry) gets the
    first answer without a second account, place or e-mail; in link mode that answer carries
    the link again, since the browser shows only the last one, and only to who sent the form."""

    def create() -> PersonAdded:
        invitation.check()
        added = person_for(
            email,
            display_name,
            invite=invite,
            place=invitation.place,
            place_params=invitation.place_params,
            invited_by=invited_by,
        )
        return added if invitation.give(added.person) else replace(added, already=True)

    added, _first = run_once(
        action=invitation.action,
        idempotency=idempotency,
        request={**invitation.scope, "email": email, "name": display_name, "invite": invite},
        create=create,
        result_id=lambda added: added.person.pk,
        replay=lambda person_id: _replayed(person_id, invite=invite),
    )
    return added


def _replayed(person_id: int, *, invite: bool) -> PersonAdded:
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise DomainError(AccountErrorCode.GONE_MEANWHILE)
    if person.is_active or not person.activation_pending:
        return PersonAdded(person, created=False)
    if invite:
        return PersonAdded(person, created=False, invited=True)
    return PersonAdded(person, created=False, link=activation_link(person))


# What the person is invited to, when given a role (the e-mail completes «You are invited to …»).
ROLE_PLACES = {
    Role.ARBORIST: gettext_noop("join the arborists of %(municipality)s"),
    Role.MUNICIPAL_STAFF: gettext_noop("join the municipal staff of %(municipality)s"),
    Role.PLATFORM_ADMIN: gettext_noop("administer the platform"),
}


def give_role(
    *,
    granted_by: User,
    email: str,
    display_name: str,
    invite: bool,
    role: str,
    municipality: Municipality | None,
    idempotency: Idempotency | None = None,
) -> PersonAdded:
    """Give `role` in `municipality` (none for a platform administrator) to the person of
    `email`, inviting them when the address has no active account; territory checks who may
    before anything is written."""

    def give(person: User) -> bool:
        grant_role(granted_by=granted_by, user=person, role=role, municipality=municipality)
        return True  # given, or held already: the page says the same

    invitation = Invitation(
        action="accounts.give_role",
        scope={"role": role, "municipality": municipality.pk if municipality else None},
        check=lambda: check_grant(granted_by=granted_by, role=role, municipality=municipality),
        give=give,
        place=ROLE_PLACES.get(role, gettext_noop("take a role in %(municipality)s")),
        place_params={"municipality": municipality.name} if municipality else {},
    )
    return add_person(
        invitation,
        email=email,
        display_name=display_name,
        invite=invite,
        invited_by=granted_by,
        idempotency=idempotency,
    )


@task()
def email_invitation(
    user_id: int, place: str, place_params: dict[str, str], inviter_id: int | None
) -> None:
    """The invitation, with the activation link, in the invitee's language (into the outbox)."""
    person = User.objects.filter(pk=user_id, is_active=False, activation_pending=True).first()
    if person is None:
        return  # opened meanwhile (with a link handed over), or deleted
    inviter = User.objects.filter(pk=inviter_id).first() if inviter_id else None
    site = settings.METROPOLI["PLATFORM_NAME"]
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600))
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        what = _(place) % place_params if place_params else _(place)
        who = inviter.display_name if inviter is not None else site
        words = {"place": what, "site": site, "inviter": who, "days": days}
        subject = _("You are invited to %(place)s on %(site)s") % words
        body = [
            _("Hello %(name)s,") % {"name": person.display_name},
            _(
                "%(inviter)s invites you to %(place)s on %(site)s and opened an account for you "
                "with this e-mail address. Open this link, choose your password and you are in:"
            )
            % words,
            activation_link(person),
            ngettext(
                "The link works for %(days)s day; after that, ask %(inviter)s to invite you again.",
                "The link works for %(days)s days; after that, ask %(inviter)s to invite you "
                "again.",
                days,
            )
            % words,
            _("If you do not expect this, ignore this message: the account stays inactive."),
        ]
        queue_email(to=person.email, subject=subject, body="\n\n".join(body) + "\n")

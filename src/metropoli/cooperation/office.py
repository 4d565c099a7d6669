"""Writes of the office's own records: the city networks it belongs to, the awards it applied
for or won, and who belongs to the office. Keyword-only, one transaction each, the permission
checked here (``by`` None: the system itself, e.g. the demo loader; only a person adds someone
to the office, whom they may invite)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metropoli.accounts.invitations import Invitation, PersonAdded, add_person
from metropoli.common.api import require
from metropoli.common.i18n import gettext_noop
from metropoli.common.idempotency import Idempotency

from .checks import Errors, check_currency, check_plausible_years, check_value
from .recognition_models import Award, NetworkMembership
from .rules import cooperation_office_group

# --- networks and awards (the "Networks and awards" page) ---

_RECOGNITION_REFUSED = gettext_noop("Only the cooperation office can change networks and awards.")


def _save_checked(instance, fields: dict, errors: Errors):
    """Set `fields` on `instance`, add the model's own rules (lengths, uniqueness) to `errors`,
    and save it when nothing is wrong."""
    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as error:
        for name, messages in Errors.of(error).items():
            for message in messages:
                errors.add(name, message)
    errors.raise_if_any()
    instance.save()
    return instance


@transaction.atomic
def save_network(*, by, item: NetworkMembership | None = None, **fields) -> NetworkMembership:
    """Create or correct one of the institute's (or a municipality's) city-network memberships."""
    if by is not None:
        require(by, "cooperation.edit_recognition", message=_RECOGNITION_REFUSED)
    errors = Errors()
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    check_plausible_years(errors, since=fields.get("since"))
    if fields.get("since") and fields["since"] > timezone.localdate().year:
        errors.add("since", _("A membership cannot start after this year."))
    return _save_checked(item or NetworkMembership(), fields, errors)


@transaction.atomic
def save_award(*, by, item: Award | None = None, **fields) -> Award:
    """Create or correct an award the institute applied for or won; a value needs its currency."""
    if by is not None:
        require(by, "cooperation.edit_recognition", message=_RECOGNITION_REFUSED)
    errors = Errors()
    fields = {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}
    check_plausible_years(errors, year=fields.get("year"))
    if fields.get("value") is not None:
        fields["value"] = check_value(errors, fields["value"], field="value")
        fields["currency"] = (fields.get("currency") or "").upper()
        check_currency(errors, fields["currency"], field="currency")
    elif fields.get("currency"):
        errors.add("value", _("Give the value, or leave the currency empty."))
    return _save_checked(item or Award(), fields, errors)


@transaction.atomic
def delete_recognition(*, by, item: NetworkMembership | Award) -> None:
    """Remove a membership or an award recorded by mistake."""
    if by is not None:
        require(by, "cooperation.edit_recognition", message=_RECOGNITION_REFUSED)
    item.delete()


# --- who belongs to the office (/cooperacion/oficina/) ---

_OFFICE_REFUSED = gettext_noop("Only the cooperation office can change who belongs to it.")


# What an invitation to the office says the person is invited to («You are invited to …»).
OFFICE_PLACE = gettext_noop("join the cooperation office")


def add_to_office(
    *,
    by,
    email: str,
    display_name: str = "",
    invite: bool = True,
    idempotency: Idempotency | None = None,
) -> PersonAdded:
    """Make the person of `email` a member of the office, inviting them when the address has no
    active account (accounts.invitations, decision 0113); `already` when they were one."""

    def join(person) -> bool:
        group = cooperation_office_group()
        if person.groups.filter(pk=group.pk).exists():
            return False
        person.groups.add(group)
        return True

    invitation = Invitation(
        action="cooperation.add_to_office",
        scope={},
        check=lambda: require(by, "cooperation.manage_office", message=_OFFICE_REFUSED),
        give=join,
        place=OFFICE_PLACE,
    )
    return add_person(
        invitation,
        email=email,
        display_name=display_name,
        invite=invite,
        invited_by=by,
        idempotency=idempotency,
    )


@transaction.atomic
def remove_from_office(*, by, person) -> bool:
    """Take a person out of the office; False when they were not in it."""
    if by is not None:
        require(by, "cooperation.manage_office", message=_OFFICE_REFUSED)
    group = cooperation_office_group()
    if not person.groups.filter(pk=group.pk).exists():
        return False
    person.groups.remove(group)
    return True

"""Writes about people: sign-up, profile changes, account deletion."""

from django.db import transaction

from metropoli.territory.models import Role, RoleAssignment

from .models import User


@transaction.atomic
def sign_up(*, form) -> User:
    """Create the account from a valid SignUpForm; the person is a citizen of their municipality."""
    user = form.save()
    if user.home_municipality_id:
        RoleAssignment.objects.get_or_create(
            user=user, role=Role.CITIZEN, municipality_id=user.home_municipality_id
        )
    return user


@transaction.atomic
def update_profile(*, user: User, form) -> User:
    user = form.save()
    if user.home_municipality_id:
        RoleAssignment.objects.get_or_create(
            user=user, role=Role.CITIZEN, municipality_id=user.home_municipality_id
        )
    return user


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Remove the person. Modules keep what people contributed, without the author."""
    user.delete()

"""Named permissions of the cooperation registry.

The cooperation office is a Django group (``COOPERATION_OFFICE_GROUP``), not a territory role:
the office works for the whole metropolitan area, not for one municipality, and the territory
roles are held per municipality. Platform administrators pass every check.
"""

import rules
from django.contrib.auth.models import Group

from metropoli.territory.models import Role
from metropoli.territory.rules import is_platform_administrator
from metropoli.territory.selectors import roles_of

COOPERATION_OFFICE_GROUP = "Cooperation office"


def cooperation_office_group() -> Group:
    group, _created = Group.objects.get_or_create(name=COOPERATION_OFFICE_GROUP)
    return group


@rules.predicate
def is_cooperation_office(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_metropoli_coop_office", None)
    if cached is None:
        cached = user.groups.filter(name=COOPERATION_OFFICE_GROUP).exists()
        user._metropoli_coop_office = cached
    return cached


@rules.predicate
def is_public_project(user, project) -> bool:
    return project is not None and project.is_public


@rules.predicate
def is_staff_of_a_beneficiary(user, project) -> bool:
    """Municipal staff of any municipality the project benefits."""
    if project is None or not getattr(user, "is_authenticated", False):
        return False
    return any(
        Role.MUNICIPAL_STAFF in roles_of(user, municipality)
        for municipality in project.municipalities.all()
    )


can_edit = is_cooperation_office | is_platform_administrator

rules.add_perm("cooperation.view_project", is_public_project | can_edit | is_staff_of_a_beneficiary)
rules.add_perm("cooperation.edit_project", can_edit)
rules.add_perm("cooperation.import_projects", can_edit)
rules.add_perm("cooperation.view_pipeline", can_edit)
rules.add_perm("cooperation.edit_pipeline", can_edit)
rules.add_perm("cooperation.edit_recognition", can_edit)  # networks and awards
rules.add_perm("cooperation.manage_office", can_edit)  # who belongs to the office


rules.add_perm("cooperation.change_publisher", can_edit)

"""Named permissions of the territory module and the predicates every module builds on.

Predicates take (user, obj) where obj is a Municipality or anything with a `municipality`
attribute; a platform administrator passes every municipal role check.
"""

import rules

from .models import Municipality, Role
from .selectors import is_platform_admin, roles_of


def municipality_of(obj) -> Municipality | None:
    if obj is None or isinstance(obj, Municipality):
        return obj
    return getattr(obj, "municipality", None)


def _holds(*wanted: str):
    def predicate(user, obj=None) -> bool:
        if is_platform_admin(user):
            return True
        municipality = municipality_of(obj)
        if municipality is None:
            return False
        return bool(roles_of(user, municipality) & set(wanted))

    predicate.__name__ = "holds_" + "_or_".join(wanted)
    return rules.predicate(predicate)


@rules.predicate
def is_platform_administrator(user) -> bool:
    return is_platform_admin(user)


is_municipal_staff = _holds(Role.MUNICIPAL_STAFF)
is_arborist = _holds(Role.ARBORIST)
is_certified_expert = _holds(Role.CERTIFIED_EXPERT)
is_citizen_of = _holds(Role.CITIZEN)


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and user.is_authenticated and user.pk == person.pk


rules.add_perm("territory.view_municipality", rules.always_allow)
rules.add_perm("territory.import_boundaries", is_platform_administrator)
rules.add_perm("territory.change_municipality", is_platform_administrator)
# Municipal staff grant and revoke the roles of their own municipality.
rules.add_perm("territory.manage_roles", is_municipal_staff)
# Platform administrators name and take out one another (/cuentas/roles/plataforma, decision
# 0117); nobody else, in no municipality.
rules.add_perm("territory.manage_platform_administrators", is_platform_administrator)
rules.add_perm("accounts.change_profile", rules.is_authenticated & is_self)

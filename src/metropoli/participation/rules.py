"""Named permissions of Participa.

Objects are proceedings or contributions; both expose `municipality` (None for a metropolitan
proceeding). A municipal proceeding is set up and moderated by its municipality's staff; a
metropolitan one by the moderators a platform administrator names on it (and by platform
administrators, who pass every check). What people may do depends on the
phase active now: contributions in the contributions phase; comments and ratings also while
contributions are evaluated; without an account only where the phase allows it.
"""

import rules

from metropoli.territory.models import Role
from metropoli.territory.rules import is_municipal_staff, is_platform_administrator
from metropoli.territory.selectors import is_platform_admin


def _proceeding_of(obj):
    return getattr(obj, "proceeding", obj)


def _phase_allows(check):
    def predicate(user, obj=None) -> bool:
        if obj is None:
            return False
        phase = _proceeding_of(obj).active_phase()
        if phase is None or not check(phase):
            return False
        return user.is_authenticated or phase.allows_anonymous

    predicate.__name__ = check.__name__
    return rules.predicate(predicate)


def phase_accepts_contributions(phase) -> bool:
    return phase.accepts_contributions


def phase_accepts_reactions(phase) -> bool:
    return phase.accepts_reactions


can_contribute_now = _phase_allows(phase_accepts_contributions)
can_react_now = _phase_allows(phase_accepts_reactions)


@rules.predicate
def is_author(user, contribution) -> bool:
    return (
        contribution is not None
        and user.is_authenticated
        and contribution.author_id is not None
        and contribution.author_id == user.pk
    )


@rules.predicate
def is_named_moderator(user, obj) -> bool:
    """Named on a metropolitan proceeding (names on a municipal one give no rights)."""
    if obj is None or not user.is_authenticated:
        return False
    proceeding = _proceeding_of(obj)
    if proceeding.municipality_id is not None or proceeding.pk is None:
        return False
    return proceeding.moderators.filter(pk=user.pk).exists()


@rules.predicate
def sets_up_somewhere(user) -> bool:
    """Municipal staff anywhere, a named moderator of some proceeding, or an administrator."""
    if not user.is_authenticated:
        return False
    if is_platform_admin(user):
        return True
    staff = user.role_assignments.filter(role=Role.MUNICIPAL_STAFF).exists()
    return staff or user.moderated_proceedings.exists()


rules.add_perm("participation.view_proceeding", rules.always_allow)
rules.add_perm("participation.add_contribution", can_contribute_now)
rules.add_perm("participation.react_to_contribution", can_react_now)
rules.add_perm("participation.report_contribution", rules.always_allow)
rules.add_perm("participation.delete_contribution", is_author)
# Staff of the owner municipality; named moderators of a metropolitan proceeding.
rules.add_perm("participation.moderate_proceeding", is_municipal_staff | is_named_moderator)
rules.add_perm("participation.change_proceeding", is_municipal_staff | is_named_moderator)
rules.add_perm("participation.export_contributions", is_municipal_staff | is_named_moderator)
# Creating: the object is the owner municipality (None: metropolitan, administrators only).
rules.add_perm("participation.add_proceeding", is_municipal_staff)
# Who may open the setup pages at all (the list of consultations one may set up).
rules.add_perm("participation.set_up_proceedings", sets_up_somewhere)
# Naming the moderators of a metropolitan proceeding.
rules.add_perm("participation.name_moderators", is_platform_administrator)
# Templates are shared by every municipality; the object is the template, whose `municipality`
# saved it: its staff correct and delete it; the platform's own (none), administrators only.
rules.add_perm("participation.change_template", is_municipal_staff)

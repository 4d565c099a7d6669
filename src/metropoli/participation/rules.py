"""Named permissions of Participa.

Objects are proceedings or contributions; both expose `municipality` (None for a metropolitan
proceeding, which only platform administrators manage). What people may do depends on the
phase active now: contributions in the contributions phase; comments and ratings also while
contributions are evaluated; without an account only where the phase allows it.
"""

import rules

from metropoli.territory.rules import is_municipal_staff


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


rules.add_perm("participation.view_proceeding", rules.always_allow)
rules.add_perm("participation.add_contribution", can_contribute_now)
rules.add_perm("participation.react_to_contribution", can_react_now)
rules.add_perm("participation.report_contribution", rules.always_allow)
rules.add_perm("participation.delete_contribution", is_author)
# Staff of the owner municipality (platform administrators for metropolitan proceedings).
rules.add_perm("participation.moderate_proceeding", is_municipal_staff)
rules.add_perm("participation.change_proceeding", is_municipal_staff)
rules.add_perm("participation.export_contributions", is_municipal_staff)

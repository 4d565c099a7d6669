"""Named permissions of the learning module.

`grant_certification`: obj is the municipality of the certification. `edit_content`: lessons
and quizzes are shared by every municipality, so the staff of any municipality (and platform
administrators) write them (decision 0108); no obj.
"""

import rules

from metropoli.territory.models import Role
from metropoli.territory.rules import is_municipal_staff, is_platform_administrator
from metropoli.territory.selectors import municipalities_where


@rules.predicate
def is_municipal_staff_somewhere(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        municipalities_where(user, Role.MUNICIPAL_STAFF).exists()
    )


rules.add_perm("learning.grant_certification", is_municipal_staff | is_platform_administrator)
rules.add_perm("learning.edit_content", is_platform_administrator | is_municipal_staff_somewhere)

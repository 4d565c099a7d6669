"""Named permissions of the learning module (obj: the municipality of the certification)."""

import rules

from metropoli.territory.rules import is_municipal_staff, is_platform_administrator

rules.add_perm("learning.grant_certification", is_municipal_staff | is_platform_administrator)

"""Named permissions of the eco-benefits app (obj: a Municipality)."""

import rules

from metropoli.territory.rules import is_municipal_staff, is_platform_administrator

rules.add_perm("benefits.view_benefits", rules.always_allow)
# Region, money rates and species overrides of one municipality.
rules.add_perm("benefits.change_settings", is_municipal_staff | is_platform_administrator)

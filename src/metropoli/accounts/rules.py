"""Named permissions of the accounts app (a person's own profile: territory/rules.py)."""

import rules

from metropoli.territory.rules import is_platform_administrator

# A closed account is reopened by a platform administrator only (/cuentas/reabrir, decision
# 0117): nobody else learns which addresses have a closed account.
rules.add_perm("accounts.reopen_account", is_platform_administrator)

"""Named permissions of Treender and the work queue (obj: a municipality or a tree)."""

import rules

from metropoli.territory.rules import (
    is_arborist,
    is_certified_expert,
    is_municipal_staff,
    is_platform_administrator,
)

# Certified experts and arborists review the records of the municipalities where they hold
# the role; the rules about whose record it is live in the services.
rules.add_perm("validation.vote", is_certified_expert | is_arborist | is_platform_administrator)
rules.add_perm("validation.decide", is_arborist | is_platform_administrator)
rules.add_perm("validation.manage_queue", is_arborist | is_municipal_staff)
rules.add_perm("validation.view_dashboard", is_municipal_staff | is_arborist)
# How a municipality's records are decided (its consensus policy), set by its staff.
rules.add_perm("validation.change_policy", is_municipal_staff | is_platform_administrator)
# Work orders (decision 0071): staff plan them (assignee, due date, cost), arborists assess the
# tree's risk; both see, export and move them along the queue (validation.manage_queue).
rules.add_perm("validation.plan_work", is_municipal_staff)
rules.add_perm("validation.assess_risk", is_arborist)
rules.add_perm("validation.export_work_orders", is_arborist | is_municipal_staff)

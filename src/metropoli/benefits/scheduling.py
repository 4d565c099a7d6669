"""When recomputes run: the background tasks are enqueued once the writer's transaction commits.

The one place that knows the tasks (tasks.py); the services call it, the tasks call the
computation (results.py), so no module of the app imports one that imports it back.
"""

from django.db import transaction

from .tasks import recompute_municipality_task, recompute_trees_task


def recompute_trees_later(tree_ids: list[int]) -> None:
    ids = list(tree_ids)
    transaction.on_commit(lambda: recompute_trees_task.enqueue(tree_ids=ids))


def recompute_municipality_later(municipality_id: int) -> None:
    transaction.on_commit(
        lambda: recompute_municipality_task.enqueue(municipality_id=municipality_id)
    )

"""Background recomputation (django-tasks; the database worker runs it; scheduling.py enqueues)."""

from django_tasks import task

from metropoli.territory.models import Municipality

from . import data, results


@task()
def recompute_trees_task(tree_ids: list[int]) -> dict:
    if not data.data_installed():
        return {"skipped": "itree_data_missing"}
    result = results.recompute_trees(tree_ids=tree_ids)
    return {"trees": result.trees, "computed": result.computed}


@task()
def recompute_municipality_task(municipality_id: int) -> dict:
    municipality = Municipality.objects.filter(pk=municipality_id).first()
    if municipality is None or not data.data_installed():
        return {"skipped": "nothing_to_do"}
    result = results.recompute_all(municipality=municipality)
    return {"trees": result.trees, "computed": result.computed}

import csv
import io

import pytest

from metropoli.accounts.tests.factories import PASSWORD, UserFactory
from metropoli.notifications.models import Notification
from metropoli.validation import services
from metropoli.validation.models import Vote, WorkItem


def login(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


def test_treender_page_shows_the_card(client, expert, tree):
    page = login(client, expert).get("/arbol/treender/").content.decode()
    assert f'data-tree-id="{tree.pk}"' in page
    assert "Jacaranda" in page and "Lupita" in page
    assert 'aria-keyshortcuts="ArrowRight"' in page


def test_treender_invites_citizens_to_learn(client):
    page = login(client, UserFactory()).get("/arbol/treender/").content.decode()
    assert "/arbol/aprende/" in page and "vote-form" not in page


def test_treender_needs_login(client):
    response = client.get("/arbol/treender/")
    assert response.status_code == 302


def test_vote_without_javascript(client, expert, tree):
    response = login(client, expert).post(
        f"/arbol/treender/arboles/{tree.pk}/voto/", {"kind": "flag", "flags": ["pest"]}
    )
    assert response.status_code == 302
    vote = Vote.objects.get()
    assert vote.kind == "flag" and vote.flag_pest


def test_refused_vote_without_javascript_shows_the_message(client, expert, tree):
    response = login(client, expert).post(
        f"/arbol/treender/arboles/{tree.pk}/voto/", {"kind": "reject"}, follow=True
    )
    assert "motivo" in response.content.decode()
    assert Vote.objects.count() == 0


def test_my_records_shows_feedback_and_lesson(client, tree, arborist, recorder, species):
    services.cast_vote(
        tree=tree,
        voter=arborist,
        kind="needs_correction",
        reason="Tiene vainas largas",
        corrected_species_code="DERE",
    )
    page = login(client, recorder).get("/arbol/treender/mis-registros/").content.decode()
    assert "Tiene vainas largas" in page
    assert "Tabachín (Delonix regia)" in page
    assert "/arbol/aprende/arboles-comunes-guadalajara/" in page


def test_my_records_are_read_when_the_person_says_so(client, tree, arborist, recorder):
    services.cast_vote(tree=tree, voter=arborist, kind="needs_correction", reason="Revisa")
    login(client, recorder)
    unread = Notification.objects.filter(recipient=recorder, read_at__isnull=True)
    assert unread.count() == 1
    # Opening the page (or a link preview fetching it) changes nothing.
    page = client.get("/arbol/treender/mis-registros/").content.decode()
    assert "Marcar todos como leídos" in page and unread.count() == 1
    response = client.post("/arbol/treender/mis-registros/")
    assert response.status_code == 302 and unread.count() == 0
    page = client.get("/arbol/treender/mis-registros/").content.decode()
    assert "Revisa" in page and "Marcar todos como leídos" not in page


@pytest.fixture
def flagged(make_tree, expert):
    risky, sick = make_tree(lon=-103.351), make_tree(lon=-103.352)
    services.cast_vote(tree=risky, voter=expert, kind="flag", flags=["risk"])
    services.cast_vote(tree=sick, voter=expert, kind="flag", flags=["disease", "pest"])
    return risky, sick


def test_work_queue_list_filter_and_status(client, arborist, flagged):
    risky, sick = flagged
    login(client, arborist)
    page = client.get("/arbol/treender/cola/?municipality=14039&flag=risk").content.decode()
    assert f"#{risky.pk} " in page and f"#{sick.pk} " not in page
    item = WorkItem.objects.get(tree=risky)
    client.post(f"/arbol/treender/cola/{item.pk}/estado/", {"status": "inspected", "note": "ok"})
    assert WorkItem.objects.get(pk=item.pk).status == "inspected"


def test_work_queue_csv(client, arborist, flagged):
    risky, sick = flagged
    response = login(client, arborist).get("/arbol/treender/cola.csv?municipality=14039")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [int(r["tree_id"]) for r in rows] == [risky.pk, sick.pk]
    assert (rows[1]["disease"], rows[1]["pest"], rows[1]["risk"]) == ("1", "1", "0")


def test_work_queue_csv_defuses_formulas_in_addresses(client, arborist, flagged):
    risky, _sick = flagged
    risky.site.address = "@SUM(1+1)\x0b Av. Juárez"
    risky.site.save(update_fields=["address"])
    response = login(client, arborist).get("/arbol/treender/cola.csv?municipality=14039")
    rows = {int(r["tree_id"]): r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows[risky.pk]["address"] == "'@SUM(1+1) Av. Juárez"
    assert rows[risky.pk]["lon"].startswith("-")  # a plain negative number stays a number


def test_work_queue_is_for_arborists_and_staff(client, expert, flagged):
    assert login(client, expert).get("/arbol/treender/cola/").status_code == 403
    assert client.get("/arbol/treender/cola.csv").status_code == 403


def test_dashboard(client, staff, flagged):
    page = login(client, staff).get("/arbol/treender/tablero/").content.decode()
    assert 'id="stat-submitted">2<' in page and 'id="stat-pending">2<' in page


def test_dashboard_refuses_citizens(client):
    assert login(client, UserFactory()).get("/arbol/treender/tablero/").status_code == 403


def test_flagged_trees_tile(client, flagged):
    response = client.get("/tiles/flagged_trees/14/3394/7238.pbf?flag=risk")
    assert response.status_code == 200
    assert client.get("/tiles/flagged_trees/14/3394/7238.pbf?flag=aliens").status_code == 400


def test_admin_pages(client, tree, arborist):
    from metropoli.accounts.models import User

    services.cast_vote(tree=tree, voter=arborist, kind="flag", flags=["dead"])
    admin = User.objects.create_superuser("root@example.mx", PASSWORD)
    client.login(email=admin.email, password=PASSWORD)
    for url in (
        "/admin/validation/vote/",
        "/admin/validation/decision/",
        "/admin/validation/workitem/",
        "/admin/learning/lesson/",
        "/admin/learning/quiz/",
        f"/admin/validation/workitem/{WorkItem.objects.get().pk}/change/",
    ):
        assert client.get(url).status_code == 200, url

"""What the hostile-input tests share (test_forms_hostile.py for the pages' forms,
test_queries_hostile.py for every GET address): the demo loaded once per module, the demo's
objects that fill paths, how to tell which tables a request wrote to, and how to spot Django's
English messages on a page that must be Spanish."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from lxml import html as lxml_html

# Django's own English messages and error pages, which must never reach a Spanish page.
ENGLISH = re.compile(
    r"This field is required|Enter a (valid|whole|number)|Ensure this value|Select a valid choice"
    r"|is not one of the available|Bad Request|Forbidden|Server Error|Not Found|Ensure that there"
    r"|The submitted|Upload a valid|No file was submitted|has already been"
)
# Words of an English sentence that a Spanish one does not have: a message the catalogue lacks.
ENGLISH_WORDS = re.compile(
    r"\b(the|this|that|these|must|please|enter|could|cannot|should|field|required|invalid"
    r"|is|are|not|of|and|or|to|your|you|was|were|be)\b",
    re.IGNORECASE,
)


def is_english(text: str) -> bool:
    """Whether a message reads as an English sentence (two or more of its words)."""
    return len(ENGLISH_WORDS.findall(text)) >= 2


def error_texts(page: str) -> list[str]:
    """The error messages a page shows: Django's error lists, alerts and the edge's message."""
    tree = lxml_html.fromstring(page)
    found = tree.xpath(
        "//*[contains(@class, 'errorlist') or contains(@class, 'error') or @role='alert']"
    )
    return [" ".join(element.text_content().split()) for element in found]


def spanish_page_problems(where: str, status: int, page: str) -> list[str]:
    """What is wrong with a refusal page: not our Spanish page, or an English message on it."""
    problems = []
    if not re.search(r'<html lang="es', page):
        problems.append(f"{where}: {status} not a Spanish page")
    english = ENGLISH.search(page)
    if english:
        problems.append(f"{where}: {status} English message «{english[0]}»")
    for text in error_texts(page):
        if is_english(text):
            problems.append(f"{where}: {status} English message «{text[:120]}»")
    return problems


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once per test module; each test's own transaction is a savepoint inside
    this one. Gives the demo objects that fill paths (demo_ids)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        # The demo's deferred foreign-key checks, once: each test's end checks the pending ones
        # (TestCase's SET CONSTRAINTS ALL IMMEDIATE), which took 40 ms a test with these queued.
        connection.check_constraints()
        yield demo_ids()
        transaction.set_rollback(True)


def demo_ids() -> dict[str, object]:
    from metropoli.cooperation.models import Award, Opportunity, Project
    from metropoli.learning.models import Lesson, Question, Quiz
    from metropoli.markets.models import Product
    from metropoli.participation.models import Contribution, ProceedingTemplate
    from metropoli.sensors.models import Sensor
    from metropoli.trees.models import Species, Tree
    from metropoli.validation.models import WorkItem

    product = Product.objects.filter(stall__market__slug="libertad").order_by("pk").first()
    contribution = Contribution.objects.filter(proceeding__isnull=False).order_by("pk").first()
    tree = Tree.objects.filter(site__municipality__inegi_code="14039").order_by("pk").first()
    return {
        "market": "libertad",
        "stall": product.stall_id,
        "product": product.pk,
        "proceeding": contribution.proceeding.slug,
        "contribution": contribution.pk,
        "template": ProceedingTemplate.objects.order_by("pk").first().pk,
        "tree": tree.pk,
        "site": tree.site_id,
        "species": tree.species.code if tree.species_id else Species.objects.first().code,
        "sensor": Sensor.objects.order_by("pk").first().sensor_id,
        "work_item": WorkItem.objects.order_by("pk").first().pk,
        "project": Project.objects.order_by("pk").first().code,
        "opportunity": Opportunity.objects.order_by("pk").first().pk,
        "award": Award.objects.order_by("pk").first().pk,
        "quiz": Quiz.objects.order_by("pk").first().slug,
        "lesson": (lesson := Lesson.objects.order_by("pk").first()).slug,
        "question": Question.objects.filter(quiz__lesson=lesson).order_by("pk").first().pk,
    }


# Tables written on a refused request for reasons of their own: the session, the cache that
# holds the rate-limit counters, the task queue.
BOOKKEEPING = re.compile(
    r"^(django_session|.*cache.*|django_tasks.*|.*ratelimit.*|hostile_marker)$"
)


def written_rows() -> tuple[int, dict[str, int]]:
    """A transaction id no row written before has (that of the current savepoint, given here by
    a write to a scratch table), and the rows inserted or updated so far in this transaction per
    table (counting those of rolled-back savepoints too)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS hostile_marker (n int)")
        cursor.execute("INSERT INTO hostile_marker VALUES (1) RETURNING xmin::text::bigint")
        (marker_xid,) = cursor.fetchone()
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables")
        counts = {name: n for name, n in cursor.fetchall() if not BOOKKEEPING.match(name)}
    return marker_xid, counts


def tables_written_since(before: tuple[int, dict[str, int]]) -> list[str]:
    """Tables holding a row written (and kept) since `before`: of the tables whose counters
    moved, those with a row whose xmin is the marker's transaction id or a later one (rows of a
    savepoint that was rolled back are gone)."""
    marker_xid, counts = before
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_tup_ins + n_tup_upd FROM pg_stat_xact_user_tables")
        now = {name: n for name, n in cursor.fetchall() if not BOOKKEEPING.match(name)}
        kept = []
        for table in sorted(t for t, n in now.items() if n != counts.get(t, 0)):
            cursor.execute(
                f"SELECT 1 FROM {connection.ops.quote_name(table)}"  # noqa: S608 - a table name
                " WHERE xmin::text::bigint >= %s LIMIT 1",
                [marker_xid],
            )
            if cursor.fetchone():
                kept.append(table)
    return kept

"""run_atomic: a deadlock victim runs once more; a second conflict is a 503, never a 500.

The conflicts are PostgreSQL's own: a real deadlock between two connections, and errors raised
by the server with the SQLSTATE of a deadlock (40P01) or a serialization failure (40001).
"""

import threading

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import translation

from metropoli.common.domain_errors import message_of
from metropoli.common.errors import HTTP_STATUS, CommonErrorCode
from metropoli.common.testing import run_in_parallel
from metropoli.common.transactions import TransactionConflict, run_atomic


def _raise_sqlstate(code: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '{code}'; END $$")


@pytest.fixture
def two_rows(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE lock_test (id int PRIMARY KEY, n int NOT NULL)")
        cursor.execute("INSERT INTO lock_test VALUES (1, 0), (2, 0)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE lock_test")


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_victim_runs_again_and_both_writes_land(two_rows):
    both_hold_one = threading.Barrier(2)
    finished = {1: threading.Event(), 2: threading.Event()}
    runs = []

    def crossing(first: int, second: int):
        def write():
            runs.append(first)
            if runs.count(first) == 1:  # first run: each holds one row, then wants the other's
                with connection.cursor() as cursor:
                    cursor.execute("UPDATE lock_test SET n = n + 1 WHERE id = %s", [first])
                    both_hold_one.wait()
                    cursor.execute("UPDATE lock_test SET n = n + 1 WHERE id = %s", [second])
            else:  # the victim's second run: after the survivor's commit, so it cannot cross
                assert finished[second].wait(timeout=60)
                with connection.cursor() as cursor:
                    cursor.execute("UPDATE lock_test SET n = n + 1 WHERE id = %s", [first])
                    cursor.execute("UPDATE lock_test SET n = n + 1 WHERE id = %s", [second])
            return "done"

        def call():
            result = run_atomic(write)
            finished[first].set()
            return result

        return call

    outcomes = run_in_parallel([crossing(1, 2), crossing(2, 1)])

    assert outcomes == ["done", "done"]
    assert len(runs) == 3  # PostgreSQL aborted one of them once; its second run went through
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, n FROM lock_test ORDER BY id")
        assert cursor.fetchall() == [(1, 2), (2, 2)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_second_conflict_is_busy_with_retry_after_in_the_users_language(sqlstate):
    runs = []

    def write():
        runs.append(1)
        _raise_sqlstate(sqlstate)

    with pytest.raises(TransactionConflict) as refused:
        run_atomic(write)

    assert len(runs) == 2
    error = refused.value
    assert (error.code, error.retry_after) == (CommonErrorCode.BUSY, 2)
    assert HTTP_STATUS[error.kind] == 503
    with translation.override("en"):
        assert message_of(error) == (
            "Many people are doing the same right now. Please try again in a moment."
        )
    with translation.override("es-mx"):
        assert message_of(error) == (
            "Mucha gente está haciendo lo mismo ahora. Vuelve a intentarlo en un momento."
        )
    assert isinstance(error.__cause__, OperationalError)
    assert not connection.in_atomic_block  # the connection is usable again
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@pytest.mark.django_db(transaction=True)
def test_inside_an_outer_transaction_nothing_is_retried():
    runs = []

    def write():
        runs.append(1)
        _raise_sqlstate("40P01")

    with pytest.raises(TransactionConflict), transaction.atomic():
        run_atomic(write)
    assert runs == [1]


@pytest.mark.django_db(transaction=True)
def test_other_database_errors_are_not_retried():
    runs = []

    def write():
        runs.append(1)
        _raise_sqlstate("57014")  # query_canceled: also an OperationalError, not a conflict

    with pytest.raises(OperationalError) as info:
        run_atomic(write)
    assert not isinstance(info.value, TransactionConflict)
    assert runs == [1]

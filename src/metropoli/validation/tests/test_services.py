from decimal import Decimal

import pytest
from django.test import override_settings

from metropoli.accounts.tests.factories import person_with
from metropoli.common.errors import DomainError
from metropoli.common.history import history_of, lines
from metropoli.notifications.models import Notification
from metropoli.territory.models import Role
from metropoli.trees.models import Tree, ValidationState
from metropoli.validation import selectors, services
from metropoli.validation.errors import ValidationErrorCode
from metropoli.validation.models import (
    ConsensusPolicy,
    Decision,
    DecisionRule,
    Escalation,
    Outcome,
    Vote,
    WorkItem,
    WorkStatus,
)


def state(tree) -> str:
    return Tree.objects.get(pk=tree.pk).validation_state


def test_an_arborist_decides_alone(tree, arborist):
    result = services.cast_vote(tree=tree, voter=arborist, kind="confirm")
    assert result.decision.outcome == Outcome.VALIDATED
    assert result.decision.rule == DecisionRule.ARBORIST
    assert result.decision.decided_by == arborist
    assert result.vote.weight == 1.0 and result.vote.as_arborist
    assert state(tree) == ValidationState.VALIDATED
    (history,) = [
        line
        for line in lines(history_of(Tree, tree.pk).filter(action="update"))
        if line.field == "validation_state"
    ]
    assert (history.old_value, history.new_value, history.changed_by) == (
        "submitted",
        "validated",
        arborist,
    )


def test_one_expert_vote_does_not_decide(tree, expert):
    result = services.cast_vote(tree=tree, voter=expert, kind="confirm")
    assert result.decision is None and not result.escalated
    assert result.vote.weight == 0.75  # the prior: 3 of 4
    assert state(tree) == ValidationState.SUBMITTED


def test_two_agreeing_experts_decide(tree, expert, expert2):
    services.cast_vote(tree=tree, voter=expert, kind="confirm")
    result = services.cast_vote(tree=tree, voter=expert2, kind="flag", flags=["pest"])
    assert result.decision.outcome == Outcome.VALIDATED
    assert result.decision.rule == DecisionRule.CONSENSUS
    assert result.decision.decided_by is None
    assert state(tree) == ValidationState.VALIDATED


def test_agreed_correction_updates_the_tree_with_history(tree, expert, expert2, species):
    services.cast_vote(
        tree=tree,
        voter=expert,
        kind="needs_correction",
        reason="Vainas largas",
        corrected_species_code="DERE",
        corrected_dbh_cm="40",
    )
    result = services.cast_vote(
        tree=tree,
        voter=expert2,
        kind="needs_correction",
        reason="Es tabachín",
        corrected_species_code="DERE",
        corrected_dbh_cm="42",
    )
    decision = result.decision
    assert decision.outcome == Outcome.NEEDS_CORRECTION
    assert decision.corrected_species == species["tabachin"]
    assert decision.corrected_dbh_cm == Decimal("41.0")
    assert decision.previous_species == species["jacaranda"]
    fresh = Tree.objects.get(pk=tree.pk)
    assert fresh.species == species["tabachin"] and fresh.dbh_cm == Decimal("41.0")
    assert fresh.validation_state == ValidationState.VALIDATED
    fields = {line.field for line in lines(history_of(Tree, tree.pk).filter(action="update"))}
    assert {"species", "dbh_cm", "validation_state"} <= fields


def test_disagreeing_experts_go_to_an_arborist(tree, expert, expert2, arborist):
    services.cast_vote(tree=tree, voter=expert, kind="confirm")
    result = services.cast_vote(tree=tree, voter=expert2, kind="reject", reason="No es árbol")
    assert result.escalated and result.decision is None
    assert Escalation.objects.filter(tree=tree).exists()
    assert selectors.next_card(arborist) == tree
    result = services.cast_vote(tree=tree, voter=arborist, kind="reject", reason="Es un poste")
    assert result.decision.outcome == Outcome.REJECTED
    assert state(tree) == ValidationState.REJECTED
    assert not Escalation.objects.filter(tree=tree).exists()


def test_escalated_records_leave_the_experts_queue(tree, expert, expert2, expert3):
    services.cast_vote(tree=tree, voter=expert, kind="confirm")
    services.cast_vote(tree=tree, voter=expert2, kind="reject", reason="No")
    assert selectors.next_card(expert3) is None


def test_different_corrections_are_a_disagreement(tree, expert, expert2, species):
    services.cast_vote(
        tree=tree, voter=expert, kind="needs_correction", reason="a", corrected_dbh_cm="20"
    )
    result = services.cast_vote(
        tree=tree, voter=expert2, kind="needs_correction", reason="b", corrected_dbh_cm="60"
    )
    assert result.escalated and result.decision is None


def test_track_record_weights_votes(make_tree, expert, expert2, expert3, arborist):
    # expert3 disagreed with the arborist's final word three times: weight (0+3)/(3+4).
    for _ in range(3):
        tree = make_tree(lon=-103.35 + _ * 0.001)
        services.cast_vote(tree=tree, voter=expert3, kind="reject", reason="no")
        services.cast_vote(tree=tree, voter=arborist, kind="confirm")
    record = selectors.track_record(expert3)
    assert (record.agreeing, record.decided) == (0, 3)
    assert record.weight == round(3 / 7, 4)
    # Two weak voters no longer reach the default minimum weight of 1.0.
    ConsensusPolicy.objects.create(
        municipality=arborist.role_assignments.get().municipality, minimum_weight=1.2
    )
    tree = make_tree(lon=-103.34)
    services.cast_vote(tree=tree, voter=expert3, kind="confirm")
    result = services.cast_vote(tree=tree, voter=expert, kind="confirm")
    assert result.decision is None  # 0.4286 + 0.75 < 1.2
    result = services.cast_vote(tree=tree, voter=expert2, kind="confirm")
    assert result.decision.rule == DecisionRule.CONSENSUS


def test_policy_without_arborist_alone_counts_the_arborist_as_a_vote(
    tree, arborist, expert, guadalajara
):
    ConsensusPolicy.objects.create(municipality=guadalajara, arborist_decides_alone=False)
    assert services.cast_vote(tree=tree, voter=arborist, kind="confirm").decision is None
    result = services.cast_vote(tree=tree, voter=expert, kind="confirm")
    assert result.decision.rule == DecisionRule.CONSENSUS


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("recorder_expert", ValidationErrorCode.OWN_RECORD),
        ("citizen", ValidationErrorCode.PERMISSION_DENIED),
        ("zapopan_expert", ValidationErrorCode.PERMISSION_DENIED),
    ],
)
def test_refusals_change_nothing(tree, recorder, guadalajara, zapopan, who, code):
    from metropoli.accounts.tests.factories import UserFactory
    from metropoli.territory.models import RoleAssignment

    if who == "recorder_expert":
        RoleAssignment.objects.create(
            user=recorder, role=Role.CERTIFIED_EXPERT, municipality=guadalajara
        )
        voter = recorder
    elif who == "citizen":
        voter = UserFactory()
    else:
        voter = person_with(Role.CERTIFIED_EXPERT, zapopan)
    with pytest.raises(DomainError) as error:
        services.cast_vote(tree=tree, voter=voter, kind="confirm")
    assert error.value.code == code
    assert Vote.objects.count() == 0 and state(tree) == ValidationState.SUBMITTED


def test_voting_twice_is_refused(tree, expert):
    services.cast_vote(tree=tree, voter=expert, kind="confirm")
    with pytest.raises(DomainError) as error:
        services.cast_vote(tree=tree, voter=expert, kind="reject", reason="cambié de idea")
    assert error.value.code == ValidationErrorCode.ALREADY_VOTED
    assert list(Vote.objects.values_list("kind", flat=True)) == ["confirm"]


def test_voting_on_a_decided_record_is_refused(tree, arborist, expert):
    services.cast_vote(tree=tree, voter=arborist, kind="confirm")
    with pytest.raises(DomainError) as error:
        services.cast_vote(tree=tree, voter=expert, kind="reject", reason="no")
    assert error.value.code == ValidationErrorCode.ALREADY_DECIDED
    assert Vote.objects.count() == 1 and Decision.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "maybe"}, "invalid_vote"),
        ({"kind": "reject"}, "reason_required"),
        ({"kind": "needs_correction", "reason": " "}, "reason_required"),
        ({"kind": "flag"}, "flag_required"),
        ({"kind": "flag", "flags": ["aliens"]}, "invalid_flag"),
        ({"kind": "confirm", "flags": ["pest"]}, "invalid_flag"),
        ({"kind": "confirm", "corrected_dbh_cm": "12"}, "correction_without_vote"),
        ({"kind": "needs_correction", "reason": "x", "corrected_dbh_cm": "-3"}, "invalid_dbh"),
        (
            {"kind": "needs_correction", "reason": "x", "corrected_species_code": "NOPE"},
            "unknown_species",
        ),
    ],
)
def test_bad_votes_are_refused(tree, expert, kwargs, code):
    with pytest.raises(DomainError) as error:
        services.cast_vote(tree=tree, voter=expert, **kwargs)
    assert error.value.code == code
    assert Vote.objects.count() == 0


@override_settings(VALIDATION_VOTES_PER_MINUTE=2)
def test_votes_are_rate_limited(make_tree, expert):
    trees = [make_tree(lon=-103.35 + i * 0.001) for i in range(3)]
    services.cast_vote(tree=trees[0], voter=expert, kind="confirm")
    services.cast_vote(tree=trees[1], voter=expert, kind="confirm")
    with pytest.raises(DomainError) as error:
        services.cast_vote(tree=trees[2], voter=expert, kind="confirm")
    assert error.value.code == ValidationErrorCode.RATE_LIMITED
    assert Vote.objects.count() == 2


def test_queue_order_oldest_first_never_own_never_voted(make_tree, expert, expert2, zapopan):
    first, second = make_tree(lon=-103.351), make_tree(lon=-103.352)
    make_tree(by=expert, lon=-103.353)  # the expert's own record
    make_tree(lon=-103.45, lat=20.72)  # in Zapopan
    assert list(selectors.review_queue(expert)) == [first, second]
    services.cast_vote(tree=first, voter=expert, kind="confirm")
    assert list(selectors.review_queue(expert)) == [second]
    assert selectors.next_card(expert2) == first


def test_flags_reach_the_work_queue(tree, expert, arborist, guadalajara):
    services.cast_vote(tree=tree, voter=expert, kind="flag", flags=["disease", "risk"])
    item = WorkItem.objects.get(tree=tree)
    assert (item.disease, item.risk, item.pest, item.status) == (True, True, False, "reported")
    assert item.municipality == guadalajara
    services.set_work_status(item=item, status="inspected", changed_by=arborist, note="Muérdago")
    services.set_work_status(item=item, status="treated", changed_by=arborist)
    assert list(item.changes.values_list("new_status", flat=True)) == [
        "reported",
        "inspected",
        "treated",
    ]


def test_work_status_refusals(tree, expert, arborist, recorder):
    services.cast_vote(tree=tree, voter=expert, kind="flag", flags=["dead"])
    item = WorkItem.objects.get(tree=tree)
    with pytest.raises(DomainError) as error:
        services.set_work_status(item=item, status="inspected", changed_by=expert)
    assert error.value.code == ValidationErrorCode.PERMISSION_DENIED
    services.set_work_status(item=item, status="removed", changed_by=arborist)
    with pytest.raises(DomainError) as error:
        services.set_work_status(item=item, status="reported", changed_by=arborist)
    assert error.value.code == ValidationErrorCode.INVALID_TRANSITION
    assert WorkItem.objects.get(pk=item.pk).status == WorkStatus.REMOVED


def test_decision_notifies_the_recorder_with_a_lesson(tree, arborist, recorder, species):
    services.cast_vote(
        tree=tree,
        voter=arborist,
        kind="needs_correction",
        reason="Las vainas son de tabachín",
        corrected_species_code="DERE",
    )
    note = Notification.objects.get(recipient=recorder)
    assert selectors.lesson_of(note) == "arboles-comunes-guadalajara"
    lines = selectors.feedback_summary(note.about)
    assert "Jacaranda (Jacaranda mimosifolia) → Tabachín (Delonix regia)" in lines[1]
    assert selectors.unread_count(recorder) == 1
    services.mark_notifications_read(user=recorder)
    assert selectors.unread_count(recorder) == 0


def test_feedback_email_when_opted_in(
    tree, arborist, recorder, smtp_server, django_capture_on_commit_callbacks
):
    recorder.email_notifications = True
    recorder.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.cast_vote(
            tree=tree,
            voter=arborist,
            kind="needs_correction",
            reason="Mide a 1.30 m",
            corrected_dbh_cm="25",
        )
    (message,) = smtp_server.messages
    assert message["To"] == recorder.email
    body = message.get_content()
    assert "30.0 cm → 25.0 cm" in body
    assert "http://localhost:8000/arbol/aprende/medir-dap/" in body
    assert Notification.objects.get().emailed_at is not None


def test_no_email_without_opt_in(tree, arborist, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.cast_vote(tree=tree, voter=arborist, kind="confirm")
    assert smtp_server.messages == []


def test_dashboard(make_tree, expert, expert2, arborist, guadalajara):
    decided, pending = make_tree(lon=-103.351), make_tree(lon=-103.352)
    services.cast_vote(tree=decided, voter=expert, kind="confirm")
    services.cast_vote(tree=decided, voter=expert2, kind="confirm")
    board = selectors.dashboard(guadalajara)
    assert (board.submitted, board.validated, board.pending) == (2, 1, 1)
    assert board.active_7 == 3 and board.active_30 == 3  # the recorder and two experts
    assert board.reviewer_agreement == 1.0
    assert board.median_hours_to_validation is not None
    assert pending.pk != decided.pk


def test_imported_trees_are_not_in_the_queue(expert, species):
    from metropoli.trees.models import Source
    from metropoli.trees.services import register_tree

    register_tree(lon=-103.35, lat=20.6767, recorded_by=None, source=Source.IMPORT)
    assert selectors.next_card(expert) is None


def test_correction_without_values_marks_the_tree_for_its_recorder(tree, expert, expert2):
    for voter in (expert, expert2):
        services.cast_vote(
            tree=tree, voter=voter, kind="needs_correction", reason="La foto no muestra el tronco"
        )
    decision = Decision.objects.get(tree=tree)
    assert decision.outcome == Outcome.NEEDS_CORRECTION
    assert state(tree) == ValidationState.NEEDS_CORRECTION

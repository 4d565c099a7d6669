"""Classifications: status, SDG goals and targets, collaboration and aid types."""

from __future__ import annotations

from collections.abc import Mapping

from metropoli.common.i18n import gettext_noop

from ..mappings import (
    MODALITY_TO_DEFAULT_AID_TYPE,
    REPORTING_ORG_VOCABULARY,
    SCHEME_TO_COLLABORATION_TYPE,
    STAGE_TO_ACTIVITY_STATUS,
    TAG_VOCABULARY_SDG_GOAL,
    TAG_VOCABULARY_SDG_TARGET,
)
from ..model import Activity
from .base import Collector, Rule, RuleCode, Severity

_E = Severity.ERROR

MESSAGES: Mapping[RuleCode, Rule] = {
    RuleCode.SDG_GOAL_UNKNOWN: (
        gettext_noop("«%(code)s» no es un Objetivo de Desarrollo Sostenible (1 a 17)."),
        _E,
        None,
    ),
    RuleCode.SDG_TARGET_UNKNOWN: (
        gettext_noop(
            "«%(code)s» no es una meta válida de los Objetivos de Desarrollo Sostenible "
            "(p. ej. 11.2)."
        ),
        _E,
        None,
    ),
}


def check_classifications(c: Collector, activity: Activity) -> None:
    c.codelist("ActivityStatus", STAGE_TO_ACTIVITY_STATUS[activity.stage], "stage")
    c.codelist("TagVocabulary", TAG_VOCABULARY_SDG_GOAL, "sdg_goals")
    c.codelist("TagVocabulary", TAG_VOCABULARY_SDG_TARGET, "sdg_targets")
    c.codelist("TagVocabulary", REPORTING_ORG_VOCABULARY, "scheme")
    goals = c.codelists["UNSDG-Goals"]
    targets = c.codelists["UNSDG-Targets"]
    for i, goal in enumerate(activity.sdg_goals):
        if goal not in goals:
            c.add(RuleCode.SDG_GOAL_UNKNOWN, f"sdg_goals[{i}]", code=goal)
    for i, target in enumerate(activity.sdg_targets):
        if target not in targets:
            c.add(RuleCode.SDG_TARGET_UNKNOWN, f"sdg_targets[{i}]", code=target)
    collaboration = SCHEME_TO_COLLABORATION_TYPE.get(activity.scheme)
    c.codelist("CollaborationType", collaboration, "scheme")
    for modality in activity.modalities:
        c.codelist("AidType", MODALITY_TO_DEFAULT_AID_TYPE.get(modality), "modalities")

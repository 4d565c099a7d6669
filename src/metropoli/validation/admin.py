from django.contrib import admin

from .models import (
    ConsensusPolicy,
    Decision,
    Escalation,
    RiskAssessment,
    Vote,
    WorkItem,
    WorkItemChange,
)


@admin.register(ConsensusPolicy)
class ConsensusPolicyAdmin(admin.ModelAdmin):
    list_display = ("municipality", "arborist_decides_alone", "agreeing_votes", "minimum_weight")


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    list_display = ("tree", "voter", "kind", "weight", "as_arborist", "cast_at")
    list_filter = ("kind", "as_arborist")
    raw_id_fields = ("tree", "voter")
    readonly_fields = [f.name for f in Vote._meta.fields]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("tree", "outcome", "rule", "decided_by", "decided_at")
    list_filter = ("outcome", "rule")
    raw_id_fields = ("tree",)
    readonly_fields = [f.name for f in Decision._meta.fields]


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("tree", "created_at")
    raw_id_fields = ("tree",)


class WorkItemChangeInline(admin.TabularInline):
    model = WorkItemChange
    extra = 0
    readonly_fields = ("old_status", "new_status", "note", "changed_by", "changed_at")


class RiskAssessmentInline(admin.TabularInline):
    model = RiskAssessment
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in RiskAssessment._meta.fields if f.name != "id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkItem)
class WorkItemAdmin(admin.ModelAdmin):
    list_display = ("tree", "municipality", "status", "risk_rating", "assignee", "due_date")
    list_filter = ("status", "risk_rating", "municipality")
    raw_id_fields = ("tree",)
    # The work order changes through its page, where the assignee and the rating are checked.
    readonly_fields = ("status", "assignee", "risk_rating", "risk_priority")
    inlines = [WorkItemChangeInline, RiskAssessmentInline]

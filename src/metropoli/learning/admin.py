from django import forms
from django.contrib import admin

from .html import clean_html
from .models import (
    CertificationEvent,
    CertificationRule,
    Choice,
    Lesson,
    Question,
    Quiz,
)


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = [
            "slug",
            "title",
            "summary",
            "body",
            "image",
            "image_alt",
            "level",
            "order",
            "published",
        ]

    def clean_body(self) -> str:
        return clean_html(self.cleaned_data["body"])


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonForm
    list_display = ("title", "level", "order", "published")
    list_editable = ("order", "published")
    list_filter = ("level", "published")
    prepopulated_fields = {"slug": ("title",)}


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 1


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "quiz", "order")
    list_filter = ("quiz",)
    inlines = [ChoiceInline]


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ("title", "lesson", "is_certification", "pass_mark")
    inlines = [QuestionInline]


@admin.register(CertificationRule)
class CertificationRuleAdmin(admin.ModelAdmin):
    list_display = ("municipality", "min_accuracy", "last_n")


@admin.register(CertificationEvent)
class CertificationEventAdmin(admin.ModelAdmin):
    list_display = ("user", "municipality", "action", "by", "at")
    list_filter = ("action", "municipality")
    readonly_fields = ("user", "municipality", "action", "by", "reason", "at")

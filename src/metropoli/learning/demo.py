"""Demo data of the learning path: the starting lessons (also created by a data migration)."""

from .content import seed
from .models import Choice, Lesson, Question, Quiz


def load(stdout=None) -> None:
    created = seed(Lesson, Quiz, Question, Choice)
    if stdout is not None:
        stdout.write(f"learning: {created} lessons created, {Lesson.objects.count()} in total")

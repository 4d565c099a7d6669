"""Critical path of a project's milestones (pure Python, no Django).

A milestone is a task with a planned start, a planned end and the tasks it depends on. The
critical path is the chain of dependencies, ending at the latest-finishing task, whose
durations plus waiting times make up the longest route: any delay on it delays the end.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Task:
    start: date
    end: date
    depends_on: Sequence[Hashable] = ()


def find_cycle(tasks: Mapping[Hashable, Task]) -> list[Hashable] | None:
    """A dependency cycle as a list of keys, or None when the graph is acyclic."""
    state: dict[Hashable, int] = {}  # 1 visiting, 2 done
    stack: list[Hashable] = []

    def visit(key: Hashable) -> list[Hashable] | None:
        state[key] = 1
        stack.append(key)
        for dep in tasks[key].depends_on:
            if dep not in tasks:
                continue
            if state.get(dep) == 1:
                return stack[stack.index(dep) :] + [dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        stack.pop()
        state[key] = 2
        return None

    for key in tasks:
        if key not in state and (cycle := visit(key)):
            return cycle
    return None


def critical_path(tasks: Mapping[Hashable, Task]) -> list[Hashable]:
    """Keys on the critical path, first to last (empty for no tasks). Requires no cycles."""
    if not tasks:
        return []
    # Follow, from the task that finishes last, the predecessor that finishes last each time:
    # it is the one that holds the successor back.
    last = max(tasks, key=lambda k: (tasks[k].end, tasks[k].start))
    path = [last]
    seen = {last}
    current = last
    while True:
        deps = [d for d in tasks[current].depends_on if d in tasks and d not in seen]
        if not deps:
            break
        current = max(deps, key=lambda k: (tasks[k].end, tasks[k].start))
        path.append(current)
        seen.add(current)
    return list(reversed(path))

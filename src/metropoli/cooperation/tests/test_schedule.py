from datetime import date

from metropoli.cooperation.schedule import Task, critical_path, find_cycle


def test_critical_path_follows_the_predecessor_that_finishes_last():
    tasks = {
        "mission": Task(date(2018, 5, 28), date(2018, 5, 28)),
        "study": Task(date(2018, 6, 1), date(2018, 9, 30)),
        "agreement": Task(date(2018, 8, 1), date(2018, 8, 31), ["mission"]),
        "launch": Task(date(2019, 1, 1), date(2019, 1, 31), ["agreement", "study"]),
        "side": Task(date(2018, 1, 1), date(2018, 2, 1)),
    }
    assert critical_path(tasks) == ["study", "launch"]
    assert critical_path({}) == []


def test_find_cycle_names_the_loop_and_accepts_a_dag():
    dag = {
        "a": Task(date(2020, 1, 1), date(2020, 1, 2)),
        "b": Task(date(2020, 1, 3), date(2020, 1, 4), ["a"]),
    }
    assert find_cycle(dag) is None
    loop = {**dag, "a": Task(date(2020, 1, 1), date(2020, 1, 2), ["b"])}
    assert find_cycle(loop) == ["a", "b", "a"]

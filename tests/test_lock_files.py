"""The lock files hold every dependency pyproject.toml names, at a version it allows, with hashes.

`make` installs only from requirements/*.txt (`pip --require-hashes`); a dependency added to
pyproject.toml without `make lock` would be missing from the installed environment.
"""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)", re.MULTILINE)


def pins(path: Path) -> dict[str, str]:
    return {canonicalize_name(name.split("[")[0]): v for name, v in PIN.findall(path.read_text())}


def check(requirements: list[str], lock: Path) -> list[str]:
    pinned = pins(lock)
    problems = []
    for line in requirements:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name not in pinned:
            problems.append(f"{requirement.name} is not in {lock.name}")
        elif not requirement.specifier.contains(pinned[name], prereleases=True):
            problems.append(f"{requirement.name}=={pinned[name]} does not satisfy {line}")
    return problems


def test_every_dependency_is_locked_at_an_allowed_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = project["dependencies"]
    dev = project["optional-dependencies"]["dev"]
    problems = check(runtime, ROOT / "requirements" / "prod.txt")
    problems += check(runtime + dev, ROOT / "requirements" / "dev.txt")
    assert problems == [], "run `make lock`: " + "; ".join(problems)


def test_every_pin_has_a_hash_and_production_has_no_test_tools():
    for name in ("prod.txt", "dev.txt", "build.txt"):
        text = (ROOT / "requirements" / name).read_text()
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
        for entry in entries:
            if "==" in entry:
                assert "--hash=sha256:" in entry, f"{name}: {entry.splitlines()[0]}"
    production = pins(ROOT / "requirements" / "prod.txt")
    assert not {"pytest", "playwright", "schemathesis", "hypothesis"} & set(production)


def test_the_check_notices_a_missing_or_wrong_pin(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text("django==5.2.19 \\\n    --hash=sha256:00\n")
    assert check(["Django>=5.2,<5.3"], lock) == []
    assert check(["Django>=6"], lock) == ["Django==5.2.19 does not satisfy Django>=6"]
    assert check(["rules>=3.5"], lock) == ["rules is not in lock.txt"]

"""The small budget of `make fuzz`: schemathesis over the whole OpenAPI document, anonymous and
signed in, against the app under gunicorn on a throw-away PostGIS cluster with the demo loaded
(scripts/fuzz.py; docs/decisions/0047-fuzz.md). A fixed seed and 5 examples per operation."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SMALL_BUDGET = ["--examples", "5", "--seed", "1", "--phases", "examples,fuzzing"]


def test_fuzz_small_budget_finds_no_server_error_and_no_schema_violation(tmp_path):
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fuzz.py"), *SMALL_BUDGET, "--reports", tmp_path],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = completed.stdout + completed.stderr
    print(output)  # the figures, in pytest's report of this test
    runs = dict(re.findall(r"^fuzz (anonymous|signed-in) +cases=(\d+)", output, re.MULTILINE))
    assert set(runs) == {"anonymous", "signed-in"}, output[-3000:]
    assert all(int(cases) > 0 for cases in runs.values()), output[-3000:]
    total = re.search(
        r"^fuzz total .*5xx=(\d+) +schema violations=(\d+) +errors=(\d+)", output, re.M
    )
    assert total and total.groups() == ("0", "0", "0"), output[-3000:]
    assert completed.returncode == 0, output[-3000:]

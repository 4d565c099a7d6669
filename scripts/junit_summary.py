"""Add up pytest's JUnit XML reports: prints 'summary: N passed, N failed, N skipped'.

    python scripts/junit_summary.py [--no-skips] REPORT.xml ...
--no-skips: a skipped test fails the run (every test must run on the one database); each skipped
test is named with its reason.
"""

import sys
import xml.etree.ElementTree as ET  # noqa: S405 - our own pytest output, not untrusted input
from pathlib import Path

args = sys.argv[1:]
no_skips = "--no-skips" in args
names = [a for a in args if a != "--no-skips"]
passed = failed = skipped = 0
missing, skips = [], []
for name in names:
    path = Path(name)
    if not path.exists():
        missing.append(name)
        continue
    root = ET.parse(path).getroot()  # noqa: S314
    for suite in root.iter("testsuite"):
        tests, errors = int(suite.get("tests", 0)), int(suite.get("errors", 0))
        fails, skip_count = int(suite.get("failures", 0)), int(suite.get("skipped", 0))
        failed += errors + fails
        skipped += skip_count
        passed += tests - errors - fails - skip_count
    for case in root.iter("testcase"):
        skip = case.find("skipped")
        if skip is not None:
            skips.append(f"{case.get('classname')}::{case.get('name')}: {skip.get('message', '')}")
for name in missing:
    print(f"missing test report: {name}", file=sys.stderr)
if no_skips and skips:
    print("tests that did not run (skips are not allowed):", file=sys.stderr)
    for line in skips:
        print(f"  {line}", file=sys.stderr)
print(f"summary: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or missing or passed == 0 or (no_skips and skipped) else 0)

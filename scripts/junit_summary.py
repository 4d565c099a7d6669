"""Add up pytest's JUnit XML reports: prints 'summary: N passed, N failed, N skipped'."""

import sys
import xml.etree.ElementTree as ET  # noqa: S405 - our own pytest output, not untrusted input
from pathlib import Path

passed = failed = skipped = 0
missing = []
for name in sys.argv[1:]:
    path = Path(name)
    if not path.exists():
        missing.append(name)
        continue
    for suite in ET.parse(path).getroot().iter("testsuite"):  # noqa: S314
        tests, errors = int(suite.get("tests", 0)), int(suite.get("errors", 0))
        fails, skips = int(suite.get("failures", 0)), int(suite.get("skipped", 0))
        failed += errors + fails
        skipped += skips
        passed += tests - errors - fails - skips
for name in missing:
    print(f"missing test report: {name}", file=sys.stderr)
print(f"summary: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or missing or passed == 0 else 0)

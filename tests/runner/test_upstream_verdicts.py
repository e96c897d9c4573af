# SPDX-License-Identifier: GPL-2.0-only
"""Upstream's own x86 selftests, as captured from run_kselftest.sh on
linux-source-6.12 (fixtures/upstream/x86-6.12-run_kselftest.txt): each
program's output and exit code, judged by desctest's runner, gets the
verdict run_kselftest.sh gave it under the kselftest rule, and the strict
rule (desctest's own programs) would have failed the narrative ones."""

import os
import re

from desctest_runner import ktap, verdict
from desctest_runner.config import Program
from desctest_runner.execute import ProgramRun

from conftest import UPSTREAM

RESULT = re.compile(r"^(not ok|ok) \d+ selftests: (\S+): (\S+)(?: # (.*))?$")


def programs():
    """(collection, test, upstream outcome, status, exit code, stdout) of
    each program in run_kselftest.sh's stream."""
    path = os.path.join(UPSTREAM, "x86-6.12-run_kselftest.txt")
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    up = {r.description.split(": ")[-1]: r.outcome
          for r in ktap.parse(lines).results}
    out, cur = [], []
    for line in lines[2:]:
        m = RESULT.match(line)
        if not m:
            text = line[2:] if line.startswith("# ") else line.lstrip("#")
            if not text.startswith(("timeout set to ", "selftests: ")):
                cur.append(text)
            continue
        directive = m.group(4) or ""
        status, rc = "exited", 0
        if directive.startswith("SKIP"):
            rc = 4
        elif directive.startswith("TIMEOUT"):
            status, rc = "timeout", None
        elif directive.startswith("exit="):
            rc = int(directive[len("exit="):])
        out.append((m.group(2), m.group(3), up[m.group(3)], status, rc, cur))
        cur = []
    return out


def judged(strict):
    got = {}
    for coll, test, up, status, rc, stdout in programs():
        run = ProgramRun(Program(coll, test, 45, strict), status=status,
                         returncode=rc)
        run.stdout_lines = stdout
        run.line_count = len(stdout)
        if status == "timeout":
            run.error = "timed out"
        case = verdict.program_cases(run, ktap.parse(stdout))[-1]
        got[test] = (up, case.outcome, case.warnings)
    return got


def test_kselftest_rule_gives_upstreams_verdicts():
    got = judged(strict=False)
    assert len(got) == 48
    assert {t: (u, o) for t, (u, o, _) in got.items() if u != o} == {}
    # The narrative programs pass, each with its warning.
    up, outcome, warnings = got["iopl_64"]
    assert (up, outcome) == ("pass", "pass")
    assert warnings == ["the strict KTAP rule would say fail: no KTAP output "
                        "(1 line(s) of stdout, none of them KTAP), exit 0"]


def test_strict_rule_would_fail_upstreams_passes():
    got = judged(strict=True)
    differ = sorted(t for t, (u, o, _) in got.items() if u != o)
    # Every program that prints only the [RUN]/[OK] narrative and exits 0.
    assert len(differ) == 39
    assert "iopl_64" in differ and "nx_stack_64" in differ
    assert all(got[t][0] == "pass" and got[t][1] == "fail" for t in differ)

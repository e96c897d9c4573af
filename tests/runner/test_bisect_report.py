# SPDX-License-Identifier: GPL-2.0-only
"""bisect-report: the runs bisect-run.sh filed, one row a step, in order,
with bisect-run.sh's own verdict where it wrote one."""

import json


def step(root, run_id, label, started, tests, exit_status, verdict=None):
    d = root / run_id
    d.mkdir(parents=True)
    data = {"label": label, "started": started, "exit_status": exit_status,
            "tests": [{"id": i, "program": i.split("::")[0], "name": i,
                       "outcome": o} for i, o in tests]}
    (d / "results.json").write_text(json.dumps(data))
    if verdict is not None:
        (d / "bisect-verdict").write_text(verdict)


def test_table_of_the_newest_session(cli, tmp_path):
    r = tmp_path / "results"
    step(r, "a", "bisect:100 1111111 old session", "2026-01-01T00:00:00Z",
         [("host:umip::sgdt", "fail")], 1)
    step(r, "b", "bisect:200 3333333 x86/umip: move the dummy GDT base",
         "2026-01-02T00:00:00Z",
         [("host:umip::sgdt", "fail"), ("host:umip::sidt", "pass")], 0,
         "1 bad\n")
    step(r, "c", "bisect:200 2222222 Documentation: unrelated",
         "2026-01-02T00:01:00Z", [("host:umip::sgdt", "pass")], 0)
    step(r, "d", "bisect:200 4444444 does not build", "2026-01-02T00:02:00Z",
         [], 125, "125 the kernel did not build\n")
    step(r, "e", "local", "2026-01-02T00:03:00Z",
         [("host:umip::sgdt", "fail")], 1)
    p = cli("bisect-report", "--results", r)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0] == "bisect session 200: 3 steps"
    rows = [line.split() for line in lines[2:5]]
    # bisect-run.sh's verdict wins over the runner's exit status.
    assert rows[0][:2] == ["3333333", "bad"] and "host:umip::sgdt" in lines[2]
    assert "sidt" not in lines[2]
    assert rows[1][:2] == ["2222222", "good"]
    assert rows[2][:2] == ["4444444", "skip"]
    assert "the kernel did not build" in lines[4]
    assert "1111111" not in p.stdout
    assert lines[-1] == ("last commit found bad: 3333333 x86/umip: move the "
                         "dummy GDT base")
    p = cli("bisect-report", "--results", r, "--session", "all")
    assert "1111111" in p.stdout and p.stdout.startswith(
        "bisect session all: 4 steps")


def test_no_steps_is_one_line(cli, tmp_path):
    p = cli("bisect-report", "--results", tmp_path)
    assert p.returncode == 2
    assert "no bisect steps under" in p.stderr
    assert p.stderr.count("\n") == 1

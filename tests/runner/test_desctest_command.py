# SPDX-License-Identifier: GPL-2.0-only
"""./desctest, the project's one command: it finds an interpreter with
pytest whatever python3 on PATH is, and says what is missing when none
has it."""

import os
import subprocess

from conftest import TOP

DESCTEST = os.path.join(TOP, "desctest")


def desctest(*args, env=None, **kw):
    e = dict(os.environ, NO_COLOR="1")
    e.pop("PYTHON", None)
    e.update(env or {})
    return subprocess.run([DESCTEST] + [str(a) for a in args], env=e,
                          capture_output=True, text=True, timeout=120, **kw)


def no_pytest_python(tmp_path):
    """A python3 that cannot import pytest, as pyenv's is on some
    machines."""
    fake = tmp_path / "bin" / "python3"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text("#!/bin/sh\nexec /usr/bin/python3 -S -I \"$@\"\n")
    fake.chmod(0o755)
    return fake


def test_help_names_the_command(tmp_path):
    p = desctest("--help")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("usage: desctest ")
    for cmd in ("run", "import-console", "compare"):
        assert cmd in p.stdout
    p = desctest("compare", "--help")
    assert p.returncode == 0 and "--allow-removed" in p.stdout


def test_python3_on_path_without_pytest_is_passed_over(tmp_path):
    fake = no_pytest_python(tmp_path)
    path = "%s:%s" % (fake.parent, os.environ.get("PATH", ""))
    p = desctest("--help", env={"PATH": path}, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("usage: desctest ")


def test_interpreter_without_pytest_is_one_clear_line(tmp_path):
    fake = no_pytest_python(tmp_path)
    for extra, want in (((), 2), (("--bisect",), 125)):
        p = desctest("run", "--output", tmp_path, *extra,
                     env={"PYTHON": str(fake)})
        assert p.returncode == want, p.stderr
        assert p.stderr.count("\n") == 1, p.stderr
        assert "%s: no pytest module" % fake in p.stderr
        assert "PYTHON" in p.stderr
    p = desctest("--help", env={"PYTHON": str(tmp_path / "nowhere")})
    assert p.returncode == 2
    assert "nowhere: not found" in p.stderr


def test_usage_error_points_at_the_subcommand_help(tmp_path):
    p = desctest("run", "--output", tmp_path)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1, p.stderr
    assert "--settings" in p.stderr and "'desctest run --help'" in p.stderr
    p = desctest("frobnicate")
    assert p.returncode == 2
    assert "invalid choice: 'frobnicate'" in p.stderr
    assert "'desctest --help'" in p.stderr


def test_a_reader_that_goes_away_is_no_crash(tmp_path):
    """`./desctest compare A B | head -1`: when stdout's reader goes away
    the command stops quietly, with the shell's status for SIGPIPE (141),
    not a Python traceback.  (The reader here closes its end at once, so
    the first line compare writes meets a closed pipe.)"""
    import json
    for name, outcome in (("a", "pass"), ("b", "fail")):
        d = tmp_path / name
        d.mkdir()
        tests = [{"id": "p:x::t%d" % i, "program": "p:x", "name": "t%d" % i,
                  "number": i, "outcome": outcome} for i in range(2000)]
        (d / "results.json").write_text(json.dumps({"run_id": name,
                                                    "tests": tests}))
    p = subprocess.run(
        ["bash", "-c", 'set -o pipefail; "$1" compare "$2" "$3" | '
         '{ exec 0<&-; sleep 1; }; echo "rc=$?"', "sh", DESCTEST,
         str(tmp_path / "a"), str(tmp_path / "b")],
        capture_output=True, text=True, timeout=120)
    assert p.stdout == "rc=141\n", (p.stdout, p.stderr)
    assert p.stderr == "", p.stderr

# SPDX-License-Identifier: GPL-2.0-only
"""The verdict rule of a collection that does not declare
"COLLECTION.ktap=strict" (upstream's own selftests): the exit code, as
upstream's run_kselftest.sh reads it (0 ok, 4 skip, anything else
not ok); every contradiction in its KTAP is a warning, never a failure."""

import json
import os

import pytest

from desctest_runner import compare, results
from desctest_runner.config import InputError, read_all_settings

from conftest import PROGS

# Program -> (outcome of the program, the exit status of the run).
KSELFTEST = {
    "narrative.sh": "pass",         # x86 [RUN]/[OK] narrative, exit 0
    "plan_no_results.sh": "pass",   # kcmp_test: 1..3, Totals, no results
    "zero_after_fail.sh": "pass",   # "not ok" then exit 0
    "midstream.sh": "pass",         # plan 1..4, two results, exit 0
    "totals_wrong.sh": "pass",      # Totals disagree, exit 0
    "garbage.sh": "pass",           # no KTAP, exit 0
    "xfail.sh": "pass",
    "pass.sh": "pass",
    "skip.sh": "skip",              # exit 4
    "fail.sh": "fail",              # exit 1
    "bail.sh": "fail",              # exit 1
    "exit2.sh": "fail",             # exit 2: run_kselftest.sh "exit=2"
    "crash.sh": "fail",             # SIGSEGV
    "hang.sh": "timeout",
    "missing": "error",
}
# The strict rule's verdict where it differs (desctest's own programs).
STRICT = {"narrative.sh": "fail", "plan_no_results.sh": "fail",
          "zero_after_fail.sh": "fail", "midstream.sh": "fail",
          "totals_wrong.sh": "fail", "garbage.sh": "fail"}


def run(cli, tmp_path, output, settings, *extra):
    return cli("run", "--output", output, "--settings", settings,
               "--results", tmp_path / "results", "--ksrc", "", *extra)


def latest(tmp_path):
    with open(tmp_path / "results" / "latest" / "results.json") as f:
        return json.load(f)


def programs(data):
    return {p["id"].split(":", 1)[1]: p for p in data["programs"]}


@pytest.fixture(scope="module")
def kselftest_run(tmp_path_factory, c_fixtures):
    """One run of every fixture under the kselftest rule (collection
    "up", no ktap=strict)."""
    import shutil
    from conftest import run_cli
    tmp = tmp_path_factory.mktemp("ks")
    out = tmp / "out"
    (out / "up").mkdir(parents=True)
    for n in KSELFTEST:
        src = os.path.join(PROGS, n)
        if os.path.exists(src):
            shutil.copy2(src, out / "up" / n)
    (out / "kselftest-list.txt").write_text(
        "".join("up:%s\n" % n for n in KSELFTEST))
    settings = tmp / "settings"
    settings.write_text("timeout=3\n")
    p = run(run_cli, tmp, str(out), str(settings))
    return p, latest(tmp)


def test_program_verdict_is_exit_code(kselftest_run):
    p, data = kselftest_run
    got = {n: r["outcome"] for n, r in programs(data).items()}
    assert got == KSELFTEST
    assert all(r["rule"] == "kselftest" for r in data["programs"])


def test_run_status_counts_programs_only(kselftest_run):
    p, data = kselftest_run
    # fail.sh, bail.sh, exit2.sh, crash.sh, hang.sh, missing fail the run.
    assert p.returncode == 1
    assert data["exit_status"] == 1


@pytest.mark.parametrize("name,warning", [
    ("narrative.sh", "the strict KTAP rule would say fail: no KTAP output "
     "(2 line(s) of stdout, none of them KTAP), exit 0"),
    ("zero_after_fail.sh", "the strict KTAP rule would say fail: exit 0 "
     "after not ok lies (fail)"),
])
def test_contradiction_is_a_warning(kselftest_run, name, warning):
    p, data = kselftest_run
    prog = programs(data)[name]
    assert warning in prog["warnings"]
    assert "  warning up:%s: %s" % (name, warning) in p.stderr.splitlines()


def test_same_verdict_keeps_the_strict_reason(kselftest_run):
    _, data = kselftest_run
    prog = programs(data)["exit2.sh"]
    assert prog["warnings"] == []
    assert prog["reason"] == ("no KTAP output (1 line(s) of stdout, none of "
                              "them KTAP), exit 2")
    assert programs(data)["fail.sh"]["reason"] == "exit 1: 1 test(s) " \
        "failed: base"


def test_plan_and_totals_contradictions_are_warnings(kselftest_run):
    _, data = kselftest_run
    progs = programs(data)
    w = progs["plan_no_results.sh"]["warnings"]
    assert w[0].startswith("the strict KTAP rule would say fail: bad KTAP "
                           "stream: ")
    assert "stopped mid-stream" in w[0]
    assert progs["plan_no_results.sh"]["reason"] == "exit 0"
    w = progs["totals_wrong.sh"]["warnings"]
    assert any("Totals" in x for x in w), w
    assert progs["pass.sh"]["warnings"] == []
    assert progs["fail.sh"]["warnings"] == []


def test_results_are_filed_as_detail(kselftest_run):
    _, data = kselftest_run
    tests = {t["id"]: t for t in data["tests"]}
    # The "not ok" stays a failing test case, as KernelCI reads it.
    assert tests["up:zero_after_fail.sh::lies"]["outcome"] == "fail"
    assert tests["up:zero_after_fail.sh"]["outcome"] == "pass"
    assert tests["up:fail.sh::base"]["outcome"] == "fail"


def test_summary_lists_warnings(kselftest_run, tmp_path):
    _, data = kselftest_run
    md = results.summary_md(data)
    assert "## Warnings" in md
    assert "- `up:narrative.sh`: the strict KTAP rule would say fail: no " \
        "KTAP output (2 line(s) of stdout, none of them KTAP), exit 0" in md
    assert "- **fail** `up:zero_after_fail.sh::lies`: " in md
    assert results.DETAIL_NOTE in md


def test_only_not_ok_then_exit_0_passes_the_run(cli, make_output, tmp_path):
    output, settings = make_output(["zero_after_fail.sh", "narrative.sh",
                                    "plan_no_results.sh"], strict=False)
    p = run(cli, tmp_path, output, settings)
    assert p.returncode == 0, p.stderr
    assert "desctest: 3 warning(s) on 3 program(s) judged by their exit " \
        "code (kselftest rule):" in p.stderr
    assert "  warning progs:narrative.sh: the strict KTAP rule would say " \
        "fail: no KTAP output (2 line(s) of stdout, none of them KTAP), " \
        "exit 0" in p.stderr
    p = run(cli, tmp_path, output, settings, "--bisect")
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("name", sorted(STRICT))
def test_strict_collection_keeps_strict_rule(cli, make_output, tmp_path,
                                             name):
    output, settings = make_output([name])      # progs.ktap=strict
    p = run(cli, tmp_path, output, settings)
    data = latest(tmp_path)
    prog = data["programs"][0]
    assert prog["rule"] == "strict"
    assert prog["outcome"] == STRICT[name]
    assert prog["warnings"] == []
    assert p.returncode == (1 if STRICT[name] == "fail" else 0)


def test_settings_ktap_key(tmp_path):
    s = tmp_path / "settings"
    s.write_text("timeout=9\nkvm.ktap=strict\nhost.ktap=strict\n"
                 "host.ktap=kselftest\nkvm/x.timeout=3\n")
    assert read_all_settings(str(s)) == (9, {"kvm/x": 3}, {"kvm"})
    for bad in ("kvm.ktap=lenient", "a/b.ktap=strict", "..ktap=strict"):
        s.write_text("timeout=9\n%s\n" % bad)
        with pytest.raises(InputError) as e:
            read_all_settings(str(s))
        assert str(e.value) == (
            "%s:2: cannot read %r; want COLLECTION.ktap=strict or "
            "COLLECTION.ktap=kselftest" % (s, bad))


def _doc(progs, tests):
    return {"programs": progs, "tests": tests}


def test_compare_detail_changes_are_not_regressions(tmp_path):
    prog = {"id": "x86:p", "rule": "kselftest", "warnings": []}
    a = _doc([prog], [
        {"id": "x86:p::one", "program": "x86:p", "name": "one",
         "outcome": "pass", "number": 1},
        {"id": "x86:p::two", "program": "x86:p", "name": "two",
         "outcome": "pass", "number": 2},
        {"id": "x86:p", "program": "x86:p", "name": "", "outcome": "pass"}])
    b = _doc([dict(prog, warnings=["the strict KTAP rule would say fail: "
                                   "exit 0 after not ok one (fail)"])], [
        {"id": "x86:p::one", "program": "x86:p", "name": "one",
         "outcome": "fail", "number": 1},
        {"id": "x86:p::three", "program": "x86:p", "name": "three",
         "outcome": "fail", "number": 3},
        {"id": "x86:p", "program": "x86:p", "name": "", "outcome": "pass"}])
    c = compare.compare_runs(a, b)
    assert c.rows == [
        ("changed", "x86:p::one", "pass", "fail", ""),
        ("changed", "x86:p::three", "-", "fail", ""),
        ("changed", "x86:p::two", "pass", "-", ""),
    ]
    assert c.exit_status == 0
    # The same under the strict rule is a regression and a disappearance.
    for d in (a, b):
        d["programs"][0]["rule"] = "strict"
    c = compare.compare_runs(a, b)
    assert [r[0] for r in c.rows] == ["regression", "regression",
                                      "disappeared"]
    assert c.exit_status == 1


def test_compare_shows_warnings(tmp_path, kselftest_run):
    _, data = kselftest_run
    a = dict(data, programs=[dict(p, warnings=[]) for p in data["programs"]])
    pa, pb = tmp_path / "a.json", tmp_path / "b.json"
    pa.write_text(json.dumps(a))
    pb.write_text(json.dumps(data))
    import io
    out = io.StringIO()
    assert compare.main(str(pa), str(pb), out, warn=io.StringIO()) == 0
    assert "warning (B, new): up:narrative.sh: the strict KTAP rule would " \
        "say fail: no KTAP output (2 line(s) of stdout, none of them " \
        "KTAP), exit 0" in out.getvalue().splitlines()
    out = io.StringIO()
    compare.main(str(pb), str(pb), out, warn=io.StringIO())
    assert "warning (B): up:narrative.sh: the strict KTAP rule would " \
        "say fail: no KTAP output (2 line(s) of stdout, none of them " \
        "KTAP), exit 0" in out.getvalue().splitlines()


CONSOLE = """DESCTEST-MACHINE kernel=6.12 cpu=test
DESCTEST-BEGIN x86:iopl_64
[RUN]\tiopl(3)
[OK]\tworked
DESCTEST-END x86:iopl_64 rc=0 ms=12
DESCTEST-BEGIN kvm:quiet
[OK]\tno KTAP
DESCTEST-END kvm:quiet rc=0 ms=5
DESCTEST-DONE
"""


def test_console_import_reads_the_rule_from_settings(cli, tmp_path):
    log = tmp_path / "console.log"
    log.write_text(CONSOLE)
    s = tmp_path / "settings"
    s.write_text("timeout=5\nkvm.ktap=strict\n")
    p = cli("import-console", "--results", tmp_path / "results", "--label",
            "vm", "--settings", s, log)
    data = latest(tmp_path)
    got = {p_["id"]: (p_["rule"], p_["outcome"]) for p_ in data["programs"]}
    assert got == {"x86:iopl_64": ("kselftest", "pass"),
                   "kvm:quiet": ("strict", "fail")}
    assert p.returncode == 1
    bad = tmp_path / "bad"
    bad.write_text("kvm.ktap=maybe\n")
    before = sorted(os.listdir(tmp_path / "results"))
    p = cli("import-console", "--results", tmp_path / "results", "--label",
            "vm", "--settings", bad, log)
    assert p.returncode == 2
    assert p.stderr == ("desctest: %s:1: cannot read 'kvm.ktap=maybe'; want "
                        "COLLECTION.ktap=strict or COLLECTION.ktap=kselftest\n"
                        % bad)
    assert sorted(os.listdir(tmp_path / "results")) == before


def test_upstream_needs_ksrc(cli, make_output, tmp_path):
    output, settings = make_output(["pass.sh"])
    p = cli("run", "--output", output, "--settings", settings, "--results",
            tmp_path / "results", "--upstream", "x86")
    assert p.returncode == 2
    assert p.stderr == ("desctest: --upstream x86 needs --ksrc, the kernel "
                        "tree whose tools/testing/selftests/x86 to build "
                        "(make run_tests UPSTREAM=x86 passes it)\n")
    assert not os.path.exists(tmp_path / "results")
    p = cli("run", "--output", output, "--settings", settings, "--results",
            tmp_path / "results", "--ksrc", tmp_path, "--upstream", "x86")
    assert p.returncode == 2
    assert p.stderr == ("desctest: %s/tools/testing/selftests/x86/Makefile "
                        "not found: --ksrc %s is not a kernel tree with x86 "
                        "selftests\n" % (tmp_path, tmp_path))


FAKE_X86_MAKEFILE = """\
# A stand-in for upstream's x86 selftests Makefile: NAME_64 for each
# NAME asked for, a [RUN]/[OK] narrative and exit 0 (ldt_gdt: exit 1).
%:
\tprintf '#!/bin/sh\\necho "[RUN]\\t$@"\\necho "[OK]\\t$@"\\nexit %s\\n' \\
\t\t$(if $(filter ldt_gdt,$@),1,0) > $(OUTPUT)/$@_64
\tchmod +x $(OUTPUT)/$@_64
"""


def test_upstream_x86_built_and_run(cli, make_output, tmp_path):
    ksrc = tmp_path / "linux"
    x86 = ksrc / "tools" / "testing" / "selftests" / "x86"
    x86.mkdir(parents=True)
    (x86 / "Makefile").write_text(FAKE_X86_MAKEFILE)
    output, settings = make_output(["pass.sh"])
    with open(os.path.join(output, "kselftest-list.txt"), "a") as f:
        f.write("x86:sigreturn_64\n")      # as make UPSTREAM=x86 lists it
    p = cli("run", "--output", output, "--settings", settings, "--results",
            tmp_path / "results", "--ksrc", ksrc, "--upstream", "x86")
    data = latest(tmp_path)
    ids = [q["id"] for q in data["programs"]]
    assert ids[:3] == ["progs:pass.sh", "x86:sigreturn_64", "x86:ldt_gdt_64"]
    assert sorted(ids) == sorted(set(ids))
    assert len(ids) == 15          # pass.sh and the 14 of x86-programs
    progs = {q["id"]: q for q in data["programs"]}
    assert progs["x86:ldt_gdt_64"]["outcome"] == "fail"
    assert progs["x86:ldt_gdt_64"]["rule"] == "kselftest"
    assert progs["x86:iopl_64"]["outcome"] == "pass"
    assert progs["x86:iopl_64"]["warnings"] == [
        "the strict KTAP rule would say fail: no KTAP output (2 line(s) of "
        "stdout, none of them KTAP), exit 0"]
    assert "desctest: x86: no 32-bit programs built (gcc -m32 cannot link " \
        "here: install gcc-multilib); the 64-bit ones run" in p.stderr
    assert p.returncode == 1
    # A bisect on upstream's tests alone.
    p = cli("run", "--output", output, "--settings", settings, "--results",
            tmp_path / "results", "--ksrc", ksrc, "--upstream", "x86",
            "--filter", "x86:ldt_gdt*", "--bisect")
    assert [q["id"] for q in latest(tmp_path)["programs"]] == \
        ["x86:ldt_gdt_64"]
    assert p.returncode == 1
    p = cli("run", "--output", output, "--settings", settings, "--results",
            tmp_path / "results", "--ksrc", ksrc, "--upstream", "x86",
            "--filter", "x86:iopl*", "--bisect")
    assert p.returncode == 0


def test_upstream_build_failure(cli, make_output, tmp_path):
    ksrc = tmp_path / "linux"
    x86 = ksrc / "tools" / "testing" / "selftests" / "x86"
    x86.mkdir(parents=True)
    (x86 / "Makefile").write_text("%:\n\t@echo broken; exit 3\n")
    output, settings = make_output(["pass.sh"])
    p = cli("run", "--output", output, "--settings", settings, "--results",
            tmp_path / "results", "--ksrc", ksrc, "--upstream", "x86",
            "--bisect")
    assert p.returncode == 125
    log = os.path.join(output, "x86", "build.log")
    assert p.stderr == ("desctest: building %s's x86 selftests failed (make "
                        "exit 2); see %s\n" % (ksrc, log))
    assert "broken" in open(log).read()
    assert not os.path.exists(tmp_path / "results")

# SPDX-License-Identifier: GPL-2.0-only
"""Exit statuses of the command itself: usage errors, bad inputs and
runner crashes give one line on stderr and 2, or 125 under --bisect
(git bisect run reads 2 as "bad" and stops at anything above 127)."""

import signal

import pytest

from desctest_runner import cli as cli_mod


@pytest.fixture(autouse=True)
def keep_signal_handlers():
    # main() routes SIGTERM and SIGHUP to KeyboardInterrupt; not in here.
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM,
                                              signal.SIGHUP)}
    yield
    for s, h in saved.items():
        signal.signal(s, h)


def one_line(p):
    assert "Traceback" not in p.stderr, p.stderr
    assert p.stderr.count("\n") == 1, p.stderr


def test_usage_error_is_one_line_2(cli):
    p = cli("run", "--output")
    assert p.returncode == 2
    one_line(p)


def test_usage_error_under_bisect_is_125(cli, tmp_path):
    p = cli("run", "--bisect", "--jobs", "many", "--output", tmp_path,
            "--settings", tmp_path / "s", "--results", tmp_path / "r")
    assert p.returncode == 125
    one_line(p)
    p = cli("run", "--bisect")          # required options missing
    assert p.returncode == 125
    one_line(p)


def test_crash_under_bisect_is_125(monkeypatch, capsys, tmp_path):
    def boom(a):
        raise RuntimeError("disk on fire\nsecond line")
    monkeypatch.setattr(cli_mod, "cmd_run", boom)
    argv = ["run", "--output", str(tmp_path), "--settings", "s",
            "--results", str(tmp_path / "r")]
    assert cli_mod.main(argv + ["--bisect"]) == 125
    err = capsys.readouterr().err
    assert "RuntimeError: disk on fire second line" in err
    assert err.count("\n") == 1
    # Without --bisect a runner bug keeps its traceback.
    with pytest.raises(RuntimeError):
        cli_mod.main(argv)


def test_status_out_of_range_under_bisect_is_125(monkeypatch, tmp_path):
    monkeypatch.setattr(cli_mod, "cmd_run", lambda a: 2)
    assert cli_mod.main(["run", "--bisect", "--output", "o", "--settings",
                         "s", "--results", str(tmp_path)]) == 125


@pytest.mark.parametrize("bisect,want", [((), 2), (("--bisect",), 125)])
def test_results_not_a_directory(cli, make_output, tmp_path, bisect, want):
    output, settings = make_output(["pass.sh"])
    plain = tmp_path / "plain"
    plain.write_text("not a directory\n")
    p = cli("run", "--output", output, "--settings", settings,
            "--results", plain, *bisect)
    assert p.returncode == want
    one_line(p)
    assert "--results" in p.stderr and str(plain) in p.stderr


def test_results_unwritable(cli, make_output):
    # /proc takes no new directories, not even from root.
    output, settings = make_output(["pass.sh"])
    p = cli("run", "--output", output, "--settings", settings,
            "--results", "/proc/desctest-results")
    assert p.returncode == 2
    one_line(p)
    assert "/proc/desctest-results" in p.stderr


def test_settings_not_utf8(cli, make_output, tmp_path):
    output, settings = make_output(["pass.sh"])
    with open(settings, "wb") as f:
        f.write(b"timeout=5\n# caf\xe9\n")
    p = cli("run", "--output", output, "--settings", settings,
            "--results", tmp_path / "r")
    assert p.returncode == 2
    one_line(p)
    assert "not UTF-8" in p.stderr


def test_list_not_utf8(cli, make_output, tmp_path):
    output, settings = make_output(["pass.sh"])
    with open(tmp_path / "out" / "kselftest-list.txt", "ab") as f:
        f.write(b"progs:\xff\n")
    p = cli("run", "--bisect", "--output", output, "--settings", settings,
            "--results", tmp_path / "r")
    assert p.returncode == 125
    one_line(p)
    assert "kselftest-list.txt" in p.stderr


@pytest.mark.parametrize("bisect,want", [((), 1), (("--bisect",), 125)])
def test_ctrl_c_while_pytest_replays_is_interrupted(
        monkeypatch, make_output, tmp_path, capsys, bisect, want):
    # The programs have finished; Ctrl-C lands in pytest's run phase,
    # which pytest turns into ExitCode.INTERRUPTED.
    import json
    from desctest_runner import plugin

    def ctrl_c(self):
        raise KeyboardInterrupt
    monkeypatch.setattr(plugin.CaseItem, "runtest", ctrl_c)
    output, settings = make_output(["pass.sh"])
    res = tmp_path / "results"
    status = cli_mod.main(["run", "--output", output, "--settings",
                           settings, "--results", str(res), *bisect])
    capsys.readouterr()
    assert status == want
    with open(res / "latest" / "results.json") as f:
        data = json.load(f)
    assert data["interrupted"] is True
    assert data["complete"] is False
    assert "engine_error" not in data
    assert [p["outcome"] for p in data["programs"]] == ["pass"]


@pytest.mark.parametrize("bisect,want", [((), 1), (("--bisect",), 125)])
def test_collection_error_is_not_an_interrupt(
        monkeypatch, make_output, tmp_path, capsys, bisect, want):
    # pytest reports a collection error as "interrupted" too; the run is
    # an engine failure then, not a Ctrl-C, and what ran is filed.
    import json
    from desctest_runner import plugin

    def broken(self):
        raise RuntimeError("collector bug")
        yield
    monkeypatch.setattr(plugin.ProgramNode, "collect", broken)
    output, settings = make_output(["pass.sh"])
    res = tmp_path / "results"
    status = cli_mod.main(["run", "--output", output, "--settings",
                           settings, "--results", str(res), *bisect])
    err = capsys.readouterr().err
    assert status == want
    assert "collector bug" in err
    with open(res / "latest" / "results.json") as f:
        data = json.load(f)
    assert data["interrupted"] is False
    assert data["complete"] is False
    assert "while collecting" in data["engine_error"]
    assert [p["outcome"] for p in data["programs"]] == ["pass"]

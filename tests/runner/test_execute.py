# SPDX-License-Identifier: GPL-2.0-only
"""execute.Runner: process groups, Ctrl-C, output capture."""

import errno
import os
import signal
import subprocess

import pytest

from desctest_runner import verdict

from desctest_runner import execute
from desctest_runner.config import Program


def runner_for(tmp_path, make_output, names, timeout):
    output, _ = make_output(names, timeout=timeout)
    res = tmp_path / "res"
    return execute.Runner(output, str(res / "raw"), str(res))


def test_program_started_during_kill_all_is_killed(tmp_path, make_output,
                                                   monkeypatch):
    # Ctrl-C lands between Popen and the registration of the new group:
    # kill_all()'s snapshot misses it, so the runner must kill it itself.
    runner = runner_for(tmp_path, make_output, ["hang.sh"], timeout=3)
    real = subprocess.Popen

    def popen_then_ctrl_c(*a, **kw):
        proc = real(*a, **kw)
        runner.kill_all()
        return proc
    monkeypatch.setattr(execute.subprocess, "Popen", popen_then_ctrl_c)
    run = runner.run(Program("progs", "hang.sh", 3, True))
    assert run.status == "interrupted"
    # SIGKILL at once, not the timeout's SIGTERM.
    assert run.returncode == -signal.SIGKILL
    child = tmp_path / "out" / "progs" / "hang.child-pid"
    if child.exists():
        text = child.read_text().strip()
    if child.exists() and text:
        pid = int(text)
        try:
            os.kill(pid, 0)
            alive = open("/proc/%d/stat" % pid).read().split()[2] != "Z"
        except (ProcessLookupError, FileNotFoundError):
            alive = False
        assert not alive, "hang.sh's child survived"


def test_kill_all_while_reading_kills_the_group(tmp_path, make_output,
                                                monkeypatch):
    # stopping set while the program runs (its group not yet in the
    # snapshot): the read loop sees it and kills the group.
    runner = runner_for(tmp_path, make_output, ["hang.sh"], timeout=3)
    real = execute._killpg
    calls = []

    def killpg(pgid, sig):
        calls.append(sig)
        real(pgid, sig)
    monkeypatch.setattr(execute, "_killpg", killpg)
    real_add = execute.ProgramRun.add_line

    def add_line(self, text, stamp):
        real_add(self, text, stamp)
        if text.startswith("ok 1"):
            runner.stopping.set()
    monkeypatch.setattr(execute.ProgramRun, "add_line", add_line)
    run = runner.run(Program("progs", "hang.sh", 3, True))
    assert run.status == "interrupted"
    assert calls[0] == signal.SIGKILL, calls
    assert run.returncode == -signal.SIGKILL


def test_line_splitter_across_chunks():
    sp = execute.LineSplitter(max_line=100)
    assert sp.feed(b"TAP vers") == []
    assert sp.feed(b"ion 13\r\n1..1\nok 1 a") == ["TAP version 13", "1..1"]
    assert sp.feed(b"\n\nlast") == ["ok 1 a", ""]
    assert sp.finish() == "last"
    assert sp.finish() is None


def test_long_line_is_capped_in_memory():
    sp = execute.LineSplitter(max_line=10)
    for _ in range(1000):
        assert sp.feed(b"x" * 7) == []
        assert len(sp.partial) <= 10
    [line] = sp.feed(b"yy\nok 1 next\n")[:1]
    assert line.startswith("x" * 10)
    assert line == "x" * 10 + " [desctest: 6992 more byte(s) of this line " \
        "not kept]"
    assert sp.counts() == {"long_lines": 1, "long_line_bytes": 6992}
    assert sp.feed(b"") == [] and sp.finish() is None
    sp.feed(b"ok 2 short\n")
    assert sp.finish() is None


def test_stderr_keeps_the_tail():
    tb = execute.TailBuffer(keep=8)
    for i in range(100):
        tb.add(b"%02d\n" % i)
        assert len(tb.buf) <= 8
    text = tb.text()
    assert text.endswith("98\n99\n")
    assert text.startswith("[desctest: 292 earlier byte(s) of stderr not "
                           "kept here; see the raw stderr file]\n")


def test_long_line_program(tmp_path, make_output, monkeypatch):
    monkeypatch.setattr(execute, "MAX_LINE", 1000)
    monkeypatch.setattr(execute, "STDERR_KEEP", 5000)
    output, _ = make_output(["pass.sh"])
    prog = tmp_path / "out" / "progs" / "long.sh"
    prog.write_text("#!/bin/sh\necho 'TAP version 13'\necho 1..1\n"
                    "yes x | tr -d '\\n' | head -c 300000\necho\n"
                    "echo 'ok 1 after the long line'\n"
                    "yes e | head -c 200000 >&2\n")
    prog.chmod(0o755)
    runner = execute.Runner(output, str(tmp_path / "res" / "raw"),
                            str(tmp_path / "res"))
    run = runner.run(Program("progs", "long.sh", 20, True))
    assert run.status == "exited" and run.returncode == 0
    assert run.stdout_lines[2].startswith("x" * 1000)
    assert "299000 more byte(s)" in run.stdout_lines[2]
    assert run.stdout_lines[3] == "ok 1 after the long line"
    assert len(run.stderr_text) < 5100
    assert run.stderr_text.endswith("e\ne\n")
    raw = (tmp_path / "res" / run.stdout_file).read_bytes()
    assert raw.count(b"x") == 300000


def test_raw_files_are_capped_and_say_so(tmp_path, make_output,
                                         monkeypatch):
    # The raw files keep the first RAW_MAX bytes of each stream and end
    # with a line saying how much more was read; the parse still sees all
    # of stdout.
    monkeypatch.setattr(execute, "RAW_MAX", 100000)
    output, _ = make_output(["pass.sh"])
    prog = tmp_path / "out" / "progs" / "loud.sh"
    prog.write_text("#!/bin/sh\necho 'TAP version 13'\necho 1..1\n"
                    "yes abcdefghi | head -n 30000\n"
                    "echo 'ok 1 after the noise'\n"
                    "yes e | head -c 250000 >&2\n")
    prog.chmod(0o755)
    runner = execute.Runner(output, str(tmp_path / "res" / "raw"),
                            str(tmp_path / "res"))
    run = runner.run(Program("progs", "loud.sh", 20, True))
    assert run.status == "exited" and run.returncode == 0
    printed = b"TAP version 13\n1..1\n" + b"abcdefghi\n" * 30000 + \
        b"ok 1 after the noise\n"
    rest = printed[100000:]
    assert run.cut == {"stdout_raw_bytes": len(rest),
                       "stdout_raw_newlines": rest.count(b"\n"),
                       "stderr_raw_bytes": 150000,
                       "stderr_raw_newlines": 75000}
    raw = (tmp_path / "res" / run.stdout_file).read_bytes()
    assert printed[:100000].endswith(b"\n")
    assert raw == printed[:100000] + (
        b"# desctest: cut here: %d more byte(s) (%d newline(s)) of the "
        b"program's stdout were read but not kept; this file keeps the "
        b"first 100000\n" % (len(rest), rest.count(b"\n")))
    err = (tmp_path / "res" / run.stderr_file).read_bytes()
    assert err == b"e\n" * 50000 + (
        b"# desctest: cut here: 150000 more byte(s) (75000 newline(s)) of "
        b"the program's stderr were read but not kept; this file keeps the "
        b"first 100000\n")
    doc = run.document()
    assert [r.description for r in doc.results] == ["after the noise"]
    assert doc.problems[-2:] == [
        "raw stdout file cut at 100000 bytes: %d more byte(s) (%d "
        "newline(s)) read and parsed but not kept" % (
            len(rest), rest.count(b"\n")),
        "raw stderr file cut at 100000 bytes: 150000 more byte(s) (75000 "
        "newline(s)) read but not kept"]
    assert [p.kind for p in doc.problems[-2:]] == ["note", "note"]


# An ELF header as an i386 static executable has it (ELFCLASS32, ELFDATA2LSB,
# ET_EXEC, EM_386); the rest of the file does not matter to the runner.
I386_ELF = (b"\x7fELF\x01\x01\x01" + b"\0" * 9 + (2).to_bytes(2, "little") +
            (3).to_bytes(2, "little") + b"\0" * 32)


def run_refused(tmp_path, make_output, monkeypatch, content):
    """Run a program whose execve fails with ENOEXEC; its file holds
    CONTENT."""
    runner = runner_for(tmp_path, make_output, [], timeout=3)
    exe = tmp_path / "out" / "progs" / "prog"
    exe.write_bytes(content)
    exe.chmod(0o755)

    def enoexec(*a, **kw):
        raise OSError(errno.ENOEXEC, "Exec format error")
    monkeypatch.setattr(execute.subprocess, "Popen", enoexec)
    run = runner.run(Program("progs", "prog", 3, True))
    return run, verdict.program_cases(run)[-1]


def test_i386_program_the_kernel_refuses_is_a_skip(tmp_path, make_output,
                                                  monkeypatch):
    # A kernel without IA-32 emulation answers execve of an i386 ELF with
    # ENOEXEC: not a broken program, a kernel that cannot run it.
    run, case = run_refused(tmp_path, make_output, monkeypatch, I386_ELF)
    assert run.status == "unsupported"
    assert case.outcome == "skip"
    assert "does not run 32-bit programs" in case.reason


@pytest.mark.parametrize("head", [b"#!/bin/nowhere-at-all\n", b"\x7fELF\x02",
                                  I386_ELF[:18] + b"\x3e\0" + I386_ELF[20:]])
def test_enoexec_on_anything_else_is_an_error(tmp_path, make_output,
                                              monkeypatch, head):
    # Garbage, a 64-bit ELF, an ELFCLASS32 file for another machine
    # (EM_X86_64): broken, never skipped.
    run, case = run_refused(tmp_path, make_output, monkeypatch,
                            head + b"\0" * 64)
    assert run.status == "spawn-error"
    assert case.outcome == "error"
    assert "Exec format error" in case.reason

# SPDX-License-Identifier: GPL-2.0-only
"""Where the programs' output comes from: run here (LocalSource) or read
from a VM's console log (ConsoleSource). Both hand pytest (plugin.py) the
cases of each program and keep results.json up to date as they go."""

import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed, wait

from . import execute, kernlog, ktap, results, verdict
from .config import Program


def program_record(run, doc, prog_case):
    p = run.program
    return {
        "id": p.id, "collection": p.collection, "test": p.test,
        "path": p.path,
        "status": run.status, "returncode": run.returncode,
        "signal": run.signal, "duration_s": run.duration_s,
        "timeout_s": p.timeout, "outcome": prog_case.outcome,
        "reason": prog_case.reason,
        "rule": "strict" if p.strict else "kselftest",
        "warnings": prog_case.warnings,
        "ktap_problems": doc.problems if doc else [],
        "totals": doc.totals if doc else None,
        "stdout": run.stdout_file, "stderr": run.stderr_file,
        "output_cut": output_cut(run, doc),
    }


def output_cut(run, doc):
    """What the runner did not keep of a program's output, by what: the
    raw files' caps (stdout_raw_bytes, stdout_raw_newlines, likewise
    stderr_), stdout lines cut in memory (long_lines, long_line_bytes),
    and the parse's own caps (diagnostic_lines, diagnostic_chars,
    names_cut); only the counts that are not 0."""
    cut = dict(run.cut)
    if doc is not None:
        cut.update(doc.cut)
    return cut


def test_record(case, outcome=None):
    return {
        "id": case.id, "program": case.program, "name": case.name,
        "number": case.number, "outcome": outcome or case.outcome,
        "reason": case.reason, "duration_s": case.duration_s,
        "details": case.details,
    }


class _Record:
    """What results.json keeps of a parsed stream besides its cases."""
    __slots__ = ("problems", "totals", "cut")

    def __init__(self, problems, totals, cut):
        self.problems = problems
        self.totals = totals
        self.cut = cut


class TestRecords:
    """The "tests" of results.json, made as they are read: a run can hold
    hundreds of thousands, and a dict each would not fit the memory a run
    may take. Iterable any number of times; len() works."""

    def __init__(self, groups, outcomes):
        self.groups = groups
        self.outcomes = outcomes

    def __len__(self):
        return sum(len(g) for g in self.groups)

    def __iter__(self):
        return self.select()

    def select(self, outcomes=None):
        """The records, only those whose outcome is in outcomes if given
        (no record is made for the others)."""
        get = self.outcomes.get
        for cases in self.groups:
            for c in cases:
                o = get(c.id) or c.outcome
                if outcomes is None or o in outcomes:
                    yield test_record(c, o)

    def counts(self):
        c = dict.fromkeys(ktap.OUTCOMES, 0)
        get = self.outcomes.get
        for cases in self.groups:
            for case in cases:
                c[get(case.id) or case.outcome] += 1
        return c


def _crash_cases(run, exc):
    """The runner failed on this program's output (a bug in the runner):
    the program is an error with the exception in its reason."""
    p = run.program.id
    return [verdict.Case(id=p, program=p, name="", outcome="error",
                         reason="desctest could not judge its output (%s: "
                         "%s); the raw output is kept" % (
                             type(exc).__name__, " ".join(str(exc).split())),
                         duration_s=run.duration_s)]


# The combined KTAP stream carries this many lines of a program's stdout;
# past them only KTAP structure (results, plans...), and past
# ktap.MAX_RESULTS more nothing. It is read back from the raw stdout file
# (at most execute.RAW_MAX bytes), in chunks, each line cut at
# execute.MAX_LINE bytes.
STREAM_LINES = 100000


def _raw_lines(path, max_line=None):
    """A raw stdout file line by line, as the runner read it, for the
    combined stream (bounded: see STREAM_LINES)."""
    n = dropped = shown = 0
    cut = None
    try:
        with open(path, "rb") as f:
            for text in execute.read_lines(f, max_line):
                n += 1
                if n > STREAM_LINES:
                    if not ktap.structural(text):
                        dropped += 1
                        continue
                    shown += 1
                    if shown > ktap.MAX_RESULTS:
                        cut = n
                        break
                yield text
    except OSError:
        pass
    if dropped:
        yield "# desctest: %d more diagnostic line(s) in the raw stdout " \
            "file, not shown here" % dropped
    if cut:
        yield "# desctest: its stdout from line %d on is in the raw stdout " \
            "file only" % cut


class _Source:
    def __init__(self, anchor, run_dir, meta, reporter):
        self.anchor = os.path.abspath(anchor)
        self.run_dir = run_dir
        self.meta = meta
        self.reporter = reporter
        self.lock = threading.Lock()
        self.done = {}          # program id -> (ProgramRun, doc, [Case])
        self.order = []         # program ids in list order
        self.interrupted = False
        self.closed = False     # nothing more is filed

    def _finished(self, run, doc, lines=None):
        try:
            cases = verdict.program_cases(run, doc)
        except Exception as e:          # a runner bug: this program's
            cases = _crash_cases(run, e)  # error, not the whole run's
        # Only what the record needs stays: the results are in the cases.
        run.parser = None
        doc = _Record(doc.problems, doc.totals, doc.cut) if doc else None
        with self.lock:
            if self.closed or run.program.id in self.done:
                return cases
            self.done[run.program.id] = (run, doc, cases)
            # Results first: whatever happens to the reporter's streams,
            # the program is on disk.
            results.write_json(self.run_dir, self.snapshot(complete=False))
            self.reporter.program_done(
                run.program.id, run.stdout_lines if lines is None else lines,
                cases)
        return cases

    def snapshot(self, complete, outcomes=None):
        outcomes = outcomes or {}
        progs, groups = [], []
        for pid in self.order:
            if pid not in self.done:
                continue
            run, doc, cases = self.done[pid]
            rec = program_record(run, doc, cases[-1])
            rec["outcome"] = outcomes.get(cases[-1].id) or cases[-1].outcome
            progs.append(rec)
            groups.append(cases)
        data = results.record(self.meta, progs, TestRecords(groups, outcomes),
                              complete)
        data["interrupted"] = self.interrupted
        return data

    def all_cases(self):
        return [c for pid in self.order if pid in self.done
                for c in self.done[pid][2]]

    def collect(self):
        self.produce()
        for pid in self.order:
            if pid in self.done:
                yield pid, self.done[pid][2]


class LocalSource(_Source):
    """Runs the programs listed in OUTPUT/kselftest-list.txt, -j at once."""

    def __init__(self, programs, output, run_dir, meta, reporter, jobs=1):
        super().__init__(os.path.join(output, "kselftest-list.txt"),
                         run_dir, meta, reporter)
        self.programs = programs
        self.order = [p.id for p in programs]
        self.jobs = max(1, jobs)
        self.runner = execute.Runner(output, os.path.join(run_dir, "raw"),
                                     run_dir)

    def _one(self, prog):
        self.reporter.started(prog.id)
        try:
            run = self.runner.run(prog)
        except OSError as e:
            # Results disk full, fd limits...: this program is lost, the
            # run goes on.
            run = execute.ProgramRun(prog, status="spawn-error",
                                     error="runner could not run it: %s" % e)
        try:
            doc = run.document()
        except Exception as e:          # the parser promises never to
            doc = None                  # raise; if it does, one program
            run.status = "spawn-error"  # is lost, not the run
            run.error = "desctest could not parse its output (%s: %s)" % (
                type(e).__name__, " ".join(str(e).split()))
        lines = None
        if run.stdout_file and run.line_count > len(run.stdout_lines):
            lines = _raw_lines(os.path.join(self.run_dir, run.stdout_file))
        self._finished(run, doc, lines)

    def produce(self):
        self.reporter.start(len(self.programs))
        ex = ThreadPoolExecutor(max_workers=self.jobs)
        futs = [ex.submit(self._one, p) for p in self.programs]
        try:
            for f in as_completed(futs):
                f.result()
        except KeyboardInterrupt:
            # Ctrl-C: stop every program now and file what finished; a
            # second Ctrl-C stops waiting for the ones still winding down.
            self.interrupted = True
            self.runner.kill_all()
            for f in futs:
                f.cancel()
            deadline = time.monotonic() + WIND_DOWN_S
            try:
                while time.monotonic() < deadline and \
                        not all(f.done() for f in futs):
                    wait(futs, timeout=0.2)
            except KeyboardInterrupt:
                pass
        finally:
            ex.shutdown(wait=not self.interrupted, cancel_futures=True)
        for prog in self.programs:
            if prog.id not in self.done:
                run = execute.ProgramRun(prog, status="interrupted",
                                         error="not run: the run was "
                                         "interrupted (Ctrl-C)")
                self._finished(run, ktap.parse([]))
        with self.lock:
            # A program still winding down files nothing from now on.
            self.closed = True
        self.reporter.finish_stream(self.all_cases())


# The framing is whole lines that tests/vm/init.sh writes; the same words
# inside a line (a program's diagnostic) are that program's output.
_FRAME = re.compile(r"DESCTEST-(MACHINE|INFO|BEGIN|END|DONE)(?: (.*))?")
_END = re.compile(r"(\S+) rc=(-?\d+)(?: ms=(\d+))?")


def _frame(line):
    """(kind, argument) when line is a framing line, else None."""
    m = _FRAME.fullmatch(line.rstrip())
    if not m:
        return None
    kind, arg = m.group(1), (m.group(2) or "").strip()
    if kind == "DONE" and arg:
        return None
    if kind == "BEGIN" and (not arg or len(arg.split()) != 1):
        return None
    if kind == "END" and not _END.fullmatch(arg):
        return None
    if kind in ("MACHINE", "INFO") and not arg:
        return None
    return kind, arg
# Linux signal numbers end at SIGRTMAX, 64.
SIGNAL_MAX = 64
CONSOLE_TAIL = 40
# After Ctrl-C, how long the programs killed get to wind down (their read
# loops notice within half a second).
WIND_DOWN_S = 10.0


class ConsoleSource(_Source):
    """Files a VM's framed console log (see README) like a local run."""

    def __init__(self, console, run_dir, meta, reporter, strict=()):
        super().__init__(console, run_dir, meta, reporter)
        self.console = console
        self.strict = frozenset(strict)  # collections under the strict rule
        self.machine = {}
        self.info = {}
        self.done_seen = False
        self.started = False    # DESCTEST-MACHINE seen: the suite ran

    def produce(self):
        with open(self.console, encoding="utf-8", errors="replace") as f:
            text = f.read()
        lines = [l.replace("\r", "") for l in text.splitlines()]
        # The results stay whole without the VM's log next to them.
        os.makedirs(os.path.join(self.run_dir, "raw"), exist_ok=True)
        self.console_copy = os.path.join("raw", "console.log")
        results.write_atomic(os.path.join(self.run_dir, self.console_copy),
                             text)
        blocks, cur = [], None
        for n, line in enumerate(lines, 1):
            frame = _frame(line)
            kind, arg = frame if frame else (None, "")
            if kind == "MACHINE":
                self.started = True
                kv = arg
                km = re.search(r"kernel=(\S+)", kv)
                cm = re.search(r"cpu=(.*)$", kv)
                if km:
                    self.machine["kernel"] = km.group(1)
                if cm:
                    self.machine["cpu"] = cm.group(1).strip()
            elif kind == "INFO" and cur is None:
                key, _, value = arg.partition("=")
                self.info[key.strip()] = value.strip()
            elif kind == "BEGIN":
                if cur is not None:
                    blocks.append(cur)
                cur = {"id": arg, "lines": [], "end": None, "at": n}
            elif kind == "END" and cur is not None:
                em = _END.fullmatch(arg)
                if em and em.group(1) == cur["id"]:
                    cur["end"] = (int(em.group(2)), int(em.group(3) or 0))
                    blocks.append(cur)
                    cur = None
                else:
                    cur["lines"].append(line)
            elif kind == "DONE":
                self.done_seen = True
            elif cur is not None:
                cur["lines"].append(line)
        if cur is not None:
            blocks.append(cur)
        mach = self.meta.setdefault("machine", {})
        mach.update(self.machine)
        if self.info:
            mach["info"] = dict(self.info)
            mach["kvm"] = self.info.get("kvm", mach.get("kvm"))
        self.reporter.start(len(blocks) + (0 if self.done_seen else 1))
        rawdir = os.path.join(self.run_dir, "raw")
        self.started = self.started or bool(blocks)
        for b in blocks:
            self._file_block(b, rawdir)
        if not self.done_seen:
            self._no_done(lines)
        self.reporter.finish_stream(self.all_cases())

    def _file_block(self, b, rawdir):
        coll, _, test = b["id"].partition(":")
        prog = Program(coll or "console", test or b["id"], None,
                       coll in self.strict)
        while prog.id in self.done:
            prog.test += "+"
        self.order.append(prog.id)
        run = execute.ProgramRun(prog)
        run.stdout_lines = b["lines"]
        run.kernel_splats = kernlog.splats(b["lines"], b["at"] + 1)
        try:
            base = results.raw_base(rawdir, prog.collection, prog.test)
        except (ValueError, OSError):
            # The guest printed a name that cannot be a file name here.
            base = results.raw_base(rawdir, "console", "block-%d" % b["at"])
        results.write_new(base + ".stdout", "\n".join(b["lines"]) + "\n")
        results.write_new(base + ".stderr", "")
        run.stdout_file = os.path.relpath(base + ".stdout", self.run_dir)
        run.stderr_file = os.path.relpath(base + ".stderr", self.run_dir)
        if b["end"] is None:
            # The guest died under this program: a kernel panic or hang
            # is the regression a bisect is looking for, so "died" is a
            # failure, not an untestable run.
            run.status = "died"
            run.error = ("no DESCTEST-END for %s (console line %d): the "
                         "guest stopped while it ran" % (prog.id, b["at"]))
        else:
            rc, ms = b["end"]
            run.returncode, run.duration_s = rc, ms / 1000.0
            if rc == 124:
                run.status = "timeout"
                run.error = "the guest's timeout killed it (exit 124)"
            elif 128 < rc <= 128 + SIGNAL_MAX:
                # The shell's 128 + signal; above the highest signal
                # number it is a plain exit status (the KVM framework's
                # TEST_ASSERT exits 254).
                run.status = "signaled"
                run.signal = execute._signame(rc - 128)
                run.error = "crashed: killed by %s" % run.signal
            else:
                run.status = "exited"
        self._finished(run, ktap.parse(run.stdout_lines))

    def _no_done(self, lines):
        prog = Program("console", os.path.basename(self.console), None)
        self.order.append(prog.id)
        run = execute.ProgramRun(prog)
        run.stdout_lines = lines[-CONSOLE_TAIL:]
        run.stdout_file = self.console_copy
        if self.started:
            # The suite started, so the kernel booted: whatever stopped it
            # (panic, hang, oops) happened under test. That is bad.
            run.status = "died"
            run.error = ("no DESCTEST-DONE in %s: the guest kernel panicked, "
                         "hung or was killed while the suite ran; console "
                         "tail in details" % self.console)
        else:
            # Never got as far as the suite: nothing was tested.
            run.status = "lost"
            run.error = ("no DESCTEST-MACHINE line in %s: the guest never "
                         "started the suite (boot failure, wrong log?); "
                         "console tail in details" % self.console)
        self._finished(run, ktap.parse([]))

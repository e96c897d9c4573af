# SPDX-License-Identifier: GPL-2.0-only
"""Where the programs' output comes from: run here (LocalSource) or read
from a VM's console log (ConsoleSource). Both hand pytest (plugin.py) the
cases of each program and keep results.json up to date as they go."""

import collections
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed, wait

from . import execute, framing, kernlog, ktap, results, verdict
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


# The framing is whole lines that tests/vm/init.sh writes, read by the one
# rule of framing.py (tests/vm/framing.sh, which the shell readers share);
# the same words inside a line (a program's diagnostic) are that program's
# output.
_END = framing.END_FIELDS
_frame = framing.frame
# Linux signal numbers end at SIGRTMAX, 64.
SIGNAL_MAX = 64
CONSOLE_TAIL = 40
# After Ctrl-C, how long the programs killed get to wind down (their read
# loops notice within half a second).
WIND_DOWN_S = 10.0


# The end execute.LineSplitter puts on a line it cut.
_LINE_CUT = re.compile(r" \[desctest: (\d+) more byte\(s\) of this line "
                       r"not kept\]$")
# Kernel reports kept per program (the first ones; the rest counted).
SPLATS_KEEP = 64


def _copy_capped(src, dst):
    """dst: the first execute.RAW_MAX bytes of src, and a last line saying
    how much more there was; the counts of what was not kept."""
    tmp = "%s.tmp-%d" % (dst, os.getpid())
    with open(src, "rb") as fi, open(tmp, "wb") as fo:
        raw = execute.RawFile(fo, "stdout")
        for chunk in iter(lambda: fi.read(1 << 16), b""):
            raw.write(chunk)
        raw.close()
    os.replace(tmp, dst)
    return raw.counts()


class _Block:
    """One program's frame of a console log, filed as it is read: its
    lines go to the parser (ProgramRun.add_line, bounded as a local run's
    output), to its raw file (the first RAW_MAX bytes) and to the kernel
    report scan."""

    def __init__(self, prog_id, prog, at, base):
        self.prog_id, self.at, self.base = prog_id, at, base
        self.run = execute.ProgramRun(prog)
        self.tmp = "%s.stdout.tmp-%d" % (base, os.getpid())
        self.f = open(self.tmp, "wb")
        self.raw = execute.RawFile(self.f, "stdout")
        self.splats_dropped = 0

    def add(self, n, line, cut=0):
        """Line n of the console, of which cut bytes were not kept."""
        if cut:
            self.run.cut["long_lines"] = self.run.cut.get("long_lines", 0) + 1
            self.run.cut["long_line_bytes"] = \
                self.run.cut.get("long_line_bytes", 0) + cut
        self.run.add_line(line, None)
        self.raw.write(line.encode("utf-8", "surrogateescape") + b"\n")
        for hit in kernlog.splats((line,), n):
            if len(self.run.kernel_splats) < SPLATS_KEEP:
                self.run.kernel_splats.append(hit)
            else:
                self.splats_dropped += 1

    def close(self, run_dir):
        """The ProgramRun, its raw files in place (never replacing one)."""
        self.raw.close()
        self.f.close()
        try:
            os.link(self.tmp, self.base + ".stdout")
        finally:
            os.unlink(self.tmp)
        results.write_new(self.base + ".stderr", "")
        run = self.run
        run.stdout_file = os.path.relpath(self.base + ".stdout", run_dir)
        run.stderr_file = os.path.relpath(self.base + ".stderr", run_dir)
        run.cut.update(self.raw.counts())
        if self.splats_dropped:
            run.cut["kernel_reports_not_kept"] = self.splats_dropped
        return run


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

    def _lines(self):
        """(line number, line, bytes of it not kept) of the console log as
        framing reads it, read in chunks: a line longer than
        execute.MAX_LINE is cut (its end says so), so a guest that floods
        the console costs bounded memory; lines end at LF, CR LF or a lone
        CR, kernel messages inside a line spliced out (framing.split_lines,
        framing.unsplice)."""
        def raw():
            n = 0
            with open(self.console, "rb") as f:
                for text in execute.read_lines(f):
                    m = _LINE_CUT.search(text)
                    cut = int(m.group(1)) if m else 0
                    parts = text.split("\r") if "\r" in text else (text,)
                    for i, part in enumerate(parts):
                        n += 1
                        yield n, part, cut if i == len(parts) - 1 else 0
        return framing.unsplice(raw())

    def produce(self):
        # Pass 1: how many programs ran (the reporter's plan), and the log
        # kept with the results (its first RAW_MAX bytes) so that they stay
        # whole without the VM's own copy.
        rawdir = os.path.join(self.run_dir, "raw")
        os.makedirs(rawdir, exist_ok=True)
        self.console_copy = os.path.join("raw", "console.log")
        self.console_cut = _copy_capped(
            self.console, os.path.join(self.run_dir, self.console_copy))
        begins, open_ = 0, None
        for _, line, _ in self._lines():
            frame = _frame(line)
            if frame and frame[0] == "BEGIN":
                begins += 1
                open_ = frame[1]
            elif frame and frame[0] == "END":
                # As pass 2 reads it: an END with no program open is
                # filed as one; an END of another program is output.
                em = _END.fullmatch(frame[1])
                if em and open_ is None:
                    begins += 1
                elif em and em.group(1) == open_:
                    open_ = None
            elif frame and frame[0] == "DONE":
                self.done_seen = True
        self.reporter.start(begins + (0 if self.done_seen else 1))
        # Pass 2: each program's block filed as it ends, its lines fed to
        # the parser as a local run's are (bounded the same way).
        tail = collections.deque(maxlen=CONSOLE_TAIL)
        cur = None
        for n, line, cut in self._lines():
            tail.append(line)
            frame = _frame(line)
            kind, arg = frame if frame else (None, "")
            if kind == "MACHINE":
                self.started = True
                km = re.search(r"kernel=(\S+)", arg)
                cm = re.search(r"cpu=(.*)$", arg)
                if km:
                    self.machine["kernel"] = km.group(1)
                if cm:
                    self.machine["cpu"] = cm.group(1).strip()
            elif kind == "INFO" and cur is None:
                key, _, value = arg.partition("=")
                self.info[key.strip()] = value.strip()
                self._machine_record()
            elif kind == "BEGIN":
                if cur is not None:
                    self._file_block(cur, None)
                cur = self._open_block(arg, n, rawdir)
            elif kind == "END" and cur is None:
                em = _END.fullmatch(arg)
                if em:
                    self._orphan_end(em.group(1), n, rawdir)
            elif kind == "END" and cur is not None:
                em = _END.fullmatch(arg)
                if em and em.group(1) == cur.prog_id:
                    self._file_block(cur, (int(em.group(2)),
                                           int(em.group(3) or 0)))
                    cur = None
                else:
                    cur.add(n, line, cut)
            elif kind == "DONE":
                pass
            elif cur is not None:
                cur.add(n, line, cut)
        if cur is not None:
            self._file_block(cur, None)
        self._machine_record()
        self.started = self.started or bool(begins)
        if not self.done_seen:
            self._no_done(list(tail))
        self.reporter.finish_stream(self.all_cases())

    def _machine_record(self):
        mach = self.meta.setdefault("machine", {})
        mach.update(self.machine)
        if self.info:
            mach["info"] = dict(self.info)
            mach["kvm"] = self.info.get("kvm", mach.get("kvm"))

    def _open_block(self, prog_id, at, rawdir):
        coll, _, test = prog_id.partition(":")
        prog = Program(coll or "console", test or prog_id, None,
                       coll in self.strict)
        while prog.id in self.done or prog.id in self.order:
            prog.test += "+"
        self.order.append(prog.id)
        try:
            base = results.raw_base(rawdir, prog.collection, prog.test)
        except (ValueError, OSError):
            # The guest printed a name that cannot be a file name here.
            base = results.raw_base(rawdir, "console", "block-%d" % at)
        return _Block(prog_id, prog, at, base)

    def _file_block(self, b, end):
        run = b.close(self.run_dir)
        prog = run.program
        if end is None:
            # The guest died under this program: a kernel panic or hang
            # is the regression a bisect is looking for, so "died" is a
            # failure, not an untestable run.
            run.status = "died"
            run.error = ("no DESCTEST-END for %s (console line %d): the "
                         "guest stopped while it ran" % (prog.id, b.at))
        else:
            rc, ms = end
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
        lines = None
        if run.line_count > len(run.stdout_lines):
            lines = _raw_lines(os.path.join(self.run_dir, run.stdout_file))
        self._finished(run, run.document(), lines)

    def _orphan_end(self, prog_id, at, rawdir):
        """An END frame with no program open: its BEGIN line never arrived
        whole, so what the program printed went into no block.  A
        failure, named, rather than a program missing from a green run."""
        b = self._open_block(prog_id, at, rawdir)
        run = b.close(self.run_dir)
        run.status = "died"
        run.error = ("DESCTEST-END for %s (console line %d) without its "
                     "DESCTEST-BEGIN: the console garbled that line, so the "
                     "program's output cannot be told from the lines before "
                     "it" % (prog_id, at))
        self._finished(run, run.document(), None)

    def _no_done(self, lines):
        prog = Program("console", os.path.basename(self.console), None)
        self.order.append(prog.id)
        run = execute.ProgramRun(prog)
        run.stdout_lines = lines[-CONSOLE_TAIL:]
        run.stdout_file = self.console_copy
        run.cut = dict(self.console_cut)
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

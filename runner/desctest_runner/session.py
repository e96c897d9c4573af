# SPDX-License-Identifier: GPL-2.0-only
"""Where the programs' output comes from: run here (LocalSource) or read
from a VM's console log (ConsoleSource). Both hand pytest (plugin.py) the
cases of each program and keep results.json up to date as they go."""

import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

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
        "ktap_problems": doc.problems if doc else [],
        "totals": doc.totals if doc else None,
        "stdout": run.stdout_file, "stderr": run.stderr_file,
    }


def test_record(case, outcome=None):
    return {
        "id": case.id, "program": case.program, "name": case.name,
        "number": case.number, "outcome": outcome or case.outcome,
        "reason": case.reason, "duration_s": case.duration_s,
        "details": case.details,
    }


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

    def _finished(self, run, doc):
        cases = verdict.program_cases(run, doc)
        with self.lock:
            self.done[run.program.id] = (run, doc, cases)
            # Results first: whatever happens to the reporter's streams,
            # the program is on disk.
            results.write_json(self.run_dir, self.snapshot(complete=False))
            self.reporter.program_done(run.program.id, run.stdout_lines,
                                       cases)
        return cases

    def snapshot(self, complete, outcomes=None):
        outcomes = outcomes or {}
        progs, tests = [], []
        for pid in self.order:
            if pid not in self.done:
                continue
            run, doc, cases = self.done[pid]
            final = [outcomes.get(c.id) or c.outcome for c in cases]
            rec = program_record(run, doc, cases[-1])
            rec["outcome"] = final[-1]
            progs.append(rec)
            tests += [test_record(c, o) for c, o in zip(cases, final)]
        data = results.record(self.meta, progs, tests, complete)
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
        doc = ktap.parse(run.stdout_lines, run.stdout_times)
        self._finished(run, doc)

    def produce(self):
        self.reporter.start(len(self.programs))
        ex = ThreadPoolExecutor(max_workers=self.jobs)
        try:
            futs = [ex.submit(self._one, p) for p in self.programs]
            for f in as_completed(futs):
                f.result()
        except KeyboardInterrupt:
            self.interrupted = True
            self.runner.kill_all()
            ex.shutdown(wait=True, cancel_futures=True)
        finally:
            ex.shutdown(wait=True)
        for prog in self.programs:
            if prog.id not in self.done:
                run = execute.ProgramRun(prog, status="interrupted",
                                         error="not run: the run was "
                                         "interrupted (Ctrl-C)")
                self._finished(run, ktap.parse([]))
        self.reporter.finish_stream(self.all_cases())


_FRAME = re.compile(r"DESCTEST-(MACHINE|INFO|BEGIN|END|DONE)\b\s*(.*?)\s*$")
_END = re.compile(r"^(\S+)\s+rc=(-?\d+)(?:\s+ms=(\d+))?")
CONSOLE_TAIL = 40


class ConsoleSource(_Source):
    """Files a VM's framed console log (see README) like a local run."""

    def __init__(self, console, run_dir, meta, reporter):
        super().__init__(console, run_dir, meta, reporter)
        self.console = console
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
            m = _FRAME.search(line)
            kind = m.group(1) if m else None
            if kind == "MACHINE":
                self.started = True
                kv = m.group(2)
                km = re.search(r"kernel=(\S+)", kv)
                cm = re.search(r"cpu=(.*)$", kv)
                if km:
                    self.machine["kernel"] = km.group(1)
                if cm:
                    self.machine["cpu"] = cm.group(1).strip()
            elif kind == "INFO" and cur is None:
                key, _, value = m.group(2).partition("=")
                self.info[key.strip()] = value.strip()
            elif kind == "BEGIN":
                if cur is not None:
                    blocks.append(cur)
                cur = {"id": m.group(2), "lines": [], "end": None, "at": n}
            elif kind == "END" and cur is not None:
                em = _END.match(m.group(2))
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
        prog = Program(coll or "console", test or b["id"], None)
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
            elif rc > 128:
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

# SPDX-License-Identifier: GPL-2.0-only
"""What a person and other tools see while a run goes: the combined KTAP
stream on stdout, a live progress line on a terminal (stderr), colour when
that is a terminal and NO_COLOR is unset, and a one-screen summary."""

import itertools
import os
import sys
import threading

from . import ktap, results, verdict

COLOURS = {"pass": "32", "fail": "31", "timeout": "31", "error": "35",
           "xpass": "31", "skip": "33", "xfail": "36"}
DIRECTIVE = {"skip": "SKIP", "xfail": "XFAIL", "xpass": "XPASS",
             "timeout": "TIMEOUT", "error": "ERROR"}
# The combined stream is written this many characters at a time.
STREAM_BATCH = 1 << 20


def _clean(text):
    return " ".join(str(text).split()).replace("#", "\\#")


class Reporter:
    def __init__(self, out=None, err=None):
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.tty = self.err.isatty()
        self.colour = self.tty and "NO_COLOR" not in os.environ and \
            os.environ.get("TERM") != "dumb"
        self.lock = threading.Lock()
        self.total = 0
        self.done = 0
        self.number = 0
        self.running = []
        self.status = {}
        self.line_shown = False
        self.out_closed = False     # the reader of stdout went away

    def paint(self, outcome, text=None):
        text = outcome if text is None else text
        if not self.colour or outcome not in COLOURS:
            return text
        return "\033[%sm%s\033[0m" % (COLOURS[outcome], text)

    # --- the KTAP stream -------------------------------------------------
    def start(self, total):
        self.total = total
        self._stream(["KTAP version 1", "1..%d" % total])

    def started(self, prog_id):
        with self.lock:
            self.running.append(prog_id)
            self._progress()

    def program_done(self, prog_id, stdout_lines, cases):
        prog_case = cases[-1]
        with self.lock:
            if prog_id in self.running:
                self.running.remove(prog_id)
            self.done += 1
            self.number += 1
            self.status[prog_case.outcome] = \
                self.status.get(prog_case.outcome, 0) + 1
            o = prog_case.outcome
            line = "%s %d %s" % ("ok" if o in ("pass", "skip", "xfail")
                                 else "not ok", self.number, prog_id)
            if o in DIRECTIVE:
                line += " # %s %s" % (DIRECTIVE[o], _clean(prog_case.reason))
            elif o == "fail" and prog_case.reason:
                line += " # %s" % _clean(prog_case.reason)
            self._stream(itertools.chain(
                ("    # Subtest: %s" % prog_id,),
                ("    " + l if l.strip() else "" for l in stdout_lines),
                (line.rstrip(),)))
            if not self.tty and self.err is not self.out and \
                    not self.out.isatty():
                print("desctest: [%d/%d] %s %s" % (self.done, self.total, o,
                                                   prog_id), file=self.err)
            self._progress()

    def finish_stream(self, cases):
        c = ktap.totals_counts(c.outcome for c in cases if not c.name)
        self._stream(["# Totals: " + " ".join("%s:%d" % kv
                                              for kv in c.items())])

    def _stream(self, lines):
        """Write lines to the stream, STREAM_BATCH characters at a time at
        most: a program's output is never one string in memory."""
        self._clear()
        if self.out_closed:
            return
        try:
            batch, size = [], 0
            for line in lines:
                batch.append(line)
                size += len(line) + 1
                if size >= STREAM_BATCH:
                    batch.append("")
                    self.out.write("\n".join(batch))
                    batch, size = [], 0
            if batch:
                batch.append("")
                self.out.write("\n".join(batch))
            self.out.flush()
        except BrokenPipeError:
            # "run ... | head -1": the stream's reader is gone, the run is
            # not. Point the descriptor at /dev/null so that nothing else
            # (the interpreter's flush at exit included) trips on it.
            self.out_closed = True
            try:
                fd = os.open(os.devnull, os.O_WRONLY)
                os.dup2(fd, self.out.fileno())
                os.close(fd)
            except (OSError, ValueError, AttributeError):
                pass

    # --- the terminal progress line ---------------------------------------
    def _clear(self):
        if self.line_shown:
            self.err.write("\r\033[K")
            self.err.flush()
            self.line_shown = False

    def _progress(self):
        if not self.tty:
            return
        self._clear()
        parts = ["[%d/%d]" % (self.done, self.total)]
        for o in ("pass", "fail", "timeout", "error", "skip", "xfail",
                  "xpass"):
            if self.status.get(o):
                parts.append(self.paint(o, "%s:%d" % (o, self.status[o])))
        if self.running:
            parts.append("running: " + ", ".join(self.running[:3]) +
                         (" ..." if len(self.running) > 3 else ""))
        text = " ".join(parts)
        try:
            width = os.get_terminal_size(self.err.fileno()).columns
        except OSError:
            width = 100
        # Colour codes do not take columns; cut only plain text.
        if not self.colour and len(text) >= width:
            text = text[:width - 1]
        self.err.write(text)
        self.err.flush()
        self.line_shown = True

    # --- the one-screen summary -------------------------------------------
    def summary(self, data, run_dir, max_lines=15):
        self._clear()
        w = self.err
        c = data["counts"]
        m = data.get("machine", {})
        print("", file=w)
        print("desctest: %s on %s, %s, KVM %s" % (
            data.get("label") or "run", m.get("kernel"), m.get("cpu"),
            m.get("kvm")), file=w)
        if m.get("ksrc"):
            print("desctest: KSRC %s (%s)" % (m.get("ksrc"),
                                              m.get("ksrc_version")), file=w)
        print("desctest: " + ("  ".join(self.paint(o, "%s %d" % (o, c[o]))
                                        for o in c if c[o]) or "no tests"),
              file=w)
        bad = list(itertools.islice(
            results.select(data["tests"], verdict.FAILING), max_lines))
        ks = results.kselftest_programs(data)
        for t in bad:
            print("  %s %s: %s%s" % (self.paint(t["outcome"], "%-7s" % t[
                "outcome"]), t["id"], t.get("reason") or "",
                results.DETAIL_NOTE if results.is_detail(t, ks) else ""),
                file=w)
        more = sum(c[o] for o in verdict.FAILING) - len(bad)
        if more > 0:
            print("  ... %d more in summary.md" % more, file=w)
        warns = results.warnings_of(data)
        if warns:
            print("desctest: %d warning(s) on %d program(s) judged by their "
                  "exit code (kselftest rule):" % (
                      len(warns), len({p for p, _ in warns})), file=w)
            for pid, text in warns[:max_lines]:
                print("  warning %s: %s" % (pid, " ".join(text.split())),
                      file=w)
            if len(warns) > max_lines:
                print("  ... %d more in summary.md" % (
                    len(warns) - max_lines), file=w)
        if data.get("interrupted"):
            print("desctest: interrupted; results hold what was collected",
                  file=w)
        print("desctest: results in %s (summary.md first)" % run_dir, file=w)
        w.flush()

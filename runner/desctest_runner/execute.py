# SPDX-License-Identifier: GPL-2.0-only
"""Run one program: own process group, its directory as cwd, a timeout that
kills the whole group, stdout and stderr captured separately to files as
they arrive (so a killed run keeps them), each stdout line time-stamped."""

import errno
import os
import selectors
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

from . import ktap, results

# Of stdout only the parse (ktap.Parser, itself capped) and the last
# TAIL_LINES lines stay in memory, so a program printing without end
# cannot take the runner down with it.
TAIL_LINES = 100
KILL_GRACE_S = 2.0
# One stdout line longer than MAX_LINE bytes is cut to it in memory (the
# pipe is read in chunks: a line without end is never held whole); of
# stderr only the last STDERR_KEEP bytes stay in memory.
MAX_LINE = 64 * 1024
STDERR_KEEP = 64 * 1024
# Each raw file (raw/<collection>/<test>.stdout and .stderr) keeps the
# first RAW_MAX bytes of its stream; the rest is read (stdout parsed
# whole), counted and named on a last line of the file.
RAW_MAX = 16 * 1024 * 1024


class RawFile:
    """A program's stream to its raw file as it arrives: the first
    RAW_MAX bytes, flushed as they come (a killed run keeps them); close()
    appends one line saying how much more was read."""

    def __init__(self, f, stream, cap=None):
        self.f = f
        self.stream = stream            # "stdout" or "stderr"
        self.cap = RAW_MAX if cap is None else cap
        self.room = self.cap
        self.last = b"\n"               # last byte kept
        self.dropped = 0
        self.newlines = 0               # in the bytes dropped

    def write(self, data):
        if self.room > 0:
            keep = data[:self.room]
            self.f.write(keep)
            self.f.flush()
            self.room -= len(keep)
            if keep:
                self.last = keep[-1:]
            if len(keep) == len(data):
                return
            data = data[len(keep):]
        self.dropped += len(data)
        self.newlines += data.count(b"\n")

    def close(self):
        """Name what was not kept at the end of the file."""
        if self.dropped:
            self.f.write(b"%s# desctest: cut here: %d more byte(s) (%d "
                         b"newline(s)) of the program's %s were read but "
                         b"not kept; this file keeps the first %d\n" % (
                             b"" if self.last == b"\n" else b"\n",
                             self.dropped, self.newlines,
                             self.stream.encode(), self.cap))
            self.f.flush()

    def counts(self):
        """What was cut, for ProgramRun.cut."""
        if not self.dropped:
            return {}
        return {self.stream + "_raw_bytes": self.dropped,
                self.stream + "_raw_newlines": self.newlines}


class LineSplitter:
    """Bytes as they arrive to whole lines. Only the new chunk is searched
    for newlines, so a long line without one costs linear time, and a line
    keeps at most MAX_LINE bytes in memory; long_lines and long_bytes
    count the lines cut and the bytes cut from them."""

    def __init__(self, max_line=None):
        self.max_line = MAX_LINE if max_line is None else max_line
        self.partial = bytearray()
        self.cut = 0              # bytes of the current line not kept
        self.long_lines = 0
        self.long_bytes = 0

    def _add(self, data):
        room = self.max_line - len(self.partial)
        if room > 0:
            self.partial += data[:room]
        self.cut += max(0, len(data) - max(room, 0))

    def _take(self):
        text = _text(bytes(self.partial))
        if self.cut:
            text += " [desctest: %d more byte(s) of this line not kept]" \
                % self.cut
            self.long_lines += 1
            self.long_bytes += self.cut
        self.partial.clear()
        self.cut = 0
        return text

    def feed(self, data):
        parts = data.split(b"\n")
        if len(parts) == 1:
            self._add(data)
            return []
        self._add(parts[0])
        lines = [self._take()]
        last = parts.pop()
        limit = self.max_line
        for part in parts[1:]:
            if len(part) > limit:
                self._add(part)
                lines.append(self._take())
            else:
                lines.append(part.decode("utf-8", "replace").rstrip("\r"))
        if last:
            self._add(last)
        return lines

    def finish(self):
        """The last line when it had no newline, else None."""
        if self.partial or self.cut:
            return self._take()
        return None

    def counts(self):
        if not self.long_lines:
            return {}
        return {"long_lines": self.long_lines,
                "long_line_bytes": self.long_bytes}


def read_lines(f, max_line=None, chunk=65536):
    """The lines of a binary file as LineSplitter cuts them, read in
    chunks: a line without end is never read whole."""
    sp = LineSplitter(max_line)
    while True:
        data = f.read(chunk)
        if not data:
            break
        yield from sp.feed(data)
    last = sp.finish()
    if last is not None:
        yield last


class TailBuffer:
    """The last `keep` bytes written, for stderr."""

    def __init__(self, keep=None):
        self.keep = STDERR_KEEP if keep is None else keep
        self.buf = bytearray()
        self.dropped = 0

    def add(self, data):
        self.buf += data
        over = len(self.buf) - self.keep
        if over > 0:
            del self.buf[:over]
            self.dropped += over

    def text(self):
        text = _text(bytes(self.buf))
        if self.dropped:
            text = ("[desctest: %d earlier byte(s) of stderr not kept "
                    "here; see the raw stderr file]\n" % self.dropped) + text
        return text


@dataclass
class ProgramRun:
    program: object
    status: str = "pending"   # exited signaled timeout missing
                              # not-executable interrupted spawn-error
                              # unsupported (an i386 program this
                              # kernel refuses to execute)
                              # lost (console: never ran) died (console:
                              # the guest stopped under it)
    returncode: int | None = None
    signal: str | None = None
    started: float = 0.0
    duration_s: float = 0.0
    stdout_lines: list = field(default_factory=list)
                              # local runs: the last TAIL_LINES lines
    line_count: int = 0       # stdout lines seen (local runs)
    stderr_text: str = ""
    stdout_file: str = ""     # relative to the results directory
    stderr_file: str = ""
    error: str = ""
    leftover: bool = False    # a process outside its group kept its pipes
    kernel_splats: list = field(default_factory=list)
                              # console: [(line, text)] of kernel reports
                              # (WARN, BUG, oops, lockup) while it ran
    cut: dict = field(default_factory=dict)
                              # what of its output the runner did not
                              # keep (RawFile.counts, LineSplitter.counts)

    parser: object = None     # ktap.Parser fed as lines arrive

    def add_line(self, text, stamp):
        self.line_count += 1
        tail = self.stdout_lines
        tail.append(text)
        if len(tail) >= 2 * TAIL_LINES:
            del tail[:-TAIL_LINES]
        if self.parser is None:
            self.parser = ktap.Parser()
        self.parser.feed(text, stamp)

    def document(self):
        """The parsed stdout: the incremental parse of a local run, else
        a parse of stdout_lines (a console block), with a note for each
        thing the runner cut of the output (see cut_notes). Never
        raises."""
        if self.parser is not None:
            if len(self.stdout_lines) > TAIL_LINES:
                del self.stdout_lines[:-TAIL_LINES]
            fresh = self.parser.doc is None
            doc = self.parser.finish()
        else:
            fresh = True
            doc = ktap.parse(self.stdout_lines)
        if fresh:
            doc.problems.extend(cut_notes(self.cut))
        return doc

    def lines_seen(self):
        return self.line_count or len(self.stdout_lines)


def cut_notes(cut):
    """The notes (ktap.Problem, kind "note": they fail nothing) that name
    what the runner did not keep of a program's output."""
    notes = []
    for stream, what in (("stdout", "read and parsed"), ("stderr", "read")):
        if cut.get(stream + "_raw_bytes"):
            notes.append(ktap.Problem(
                "raw %s file cut at %d bytes: %d more byte(s) (%d "
                "newline(s)) %s but not kept" % (
                    stream, RAW_MAX, cut[stream + "_raw_bytes"],
                    cut[stream + "_raw_newlines"], what), "note"))
    if cut.get("long_lines"):
        notes.append(ktap.Problem(
            "%d stdout line(s) longer than %d bytes cut to it: %d byte(s) "
            "of them not kept" % (cut["long_lines"], MAX_LINE,
                                  cut["long_line_bytes"]), "note"))
    return notes


def _is_i386_elf(path):
    """A well-formed i386 executable: ELFCLASS32, little-endian, EM_386,
    ET_EXEC or ET_DYN (ELF gABI, e_ident and the ELF header).  ENOEXEC for
    one is the kernel refusing 32-bit code, not a broken file."""
    try:
        with open(path, "rb") as f:
            head = f.read(20)
    except OSError:
        return False
    return (len(head) == 20 and head[:4] == b"\x7fELF" and head[4] == 1
            and head[5] == 1 and int.from_bytes(head[16:18], "little")
            in (2, 3) and int.from_bytes(head[18:20], "little") == 3)


class Runner:
    """Starts programs and can kill every group still running (Ctrl-C)."""

    def __init__(self, output, rawdir, resdir):
        self.output = output
        self.rawdir = rawdir
        self.resdir = resdir
        self.lock = threading.Lock()
        self.groups = {}
        self.stopping = threading.Event()

    def kill_all(self):
        self.stopping.set()
        with self.lock:
            pgids = list(self.groups.values())
        for pgid in pgids:
            _killpg(pgid, signal.SIGKILL)

    def run(self, prog):
        run = ProgramRun(prog)
        try:
            base = results.raw_base(self.rawdir, prog.collection, prog.test)
        except ValueError as e:
            run.status = "spawn-error"
            run.error = "not run: %s" % e
            return run
        run.stdout_file = os.path.relpath(base + ".stdout", self.resdir)
        run.stderr_file = os.path.relpath(base + ".stderr", self.resdir)
        exe = os.path.join(self.output, prog.path)
        run.started = time.time()
        # "x": two programs never share (and overwrite) a raw file.
        with open(base + ".stdout", "xb") as out, \
                open(base + ".stderr", "xb") as err:
            if self.stopping.is_set():
                run.status = "interrupted"
                run.error = "not started: the run was interrupted"
                return run
            if not os.path.isfile(exe):
                run.status = "missing"
                run.error = ("binary %s missing; build it (make all) or fix "
                             "kselftest-list.txt" % exe)
                return run
            if not os.access(exe, os.X_OK):
                run.status = "not-executable"
                run.error = "%s is not executable (chmod +x, or rebuild)" % exe
                return run
            raw_out, raw_err = RawFile(out, "stdout"), RawFile(err, "stderr")
            try:
                self._spawn(run, exe, raw_out, raw_err)
            finally:
                raw_out.close()
                raw_err.close()
                run.cut.update(raw_out.counts())
                run.cut.update(raw_err.counts())
        return run

    def _spawn(self, run, exe, out, err):
        prog = run.program
        t0 = time.monotonic()
        try:
            proc = subprocess.Popen(
                [os.path.abspath(exe)], cwd=os.path.dirname(os.path.abspath(exe)),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True)
        except OSError as e:
            if e.errno == errno.ENOEXEC and _is_i386_elf(exe):
                run.status = "unsupported"
                run.error = ("this kernel does not run 32-bit programs: "
                             "execve of the i386 ELF %s gave ENOEXEC "
                             "(IA-32 emulation off: CONFIG_IA32_EMULATION="
                             "n, ia32_emulation=off, or a hypervisor that "
                             "runs 64-bit user code only)" % exe)
                return
            run.status = "spawn-error"
            run.error = "cannot start %s: %s" % (exe, e.strerror)
            return
        with self.lock:
            self.groups[id(run)] = proc.pid
        # kill_all() may have taken its snapshot of the groups between
        # Popen and the registration above: then this group is ours to kill.
        stopped = self.stopping.is_set()
        if stopped:
            _killpg(proc.pid, signal.SIGKILL)
        deadline = t0 + prog.timeout
        timed_out = False
        lines = LineSplitter()
        errbuf = TailBuffer()
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ, "out")
        sel.register(proc.stderr, selectors.EVENT_READ, "err")
        open_pipes = 2
        kill_at = None
        exited_at = None
        try:
            while open_pipes:
                now = time.monotonic()
                if not stopped and self.stopping.is_set():
                    stopped = True
                    _killpg(proc.pid, signal.SIGKILL)
                if exited_at is None and proc.poll() is not None:
                    exited_at = now
                    # Its group goes with it; only a process that left the
                    # group (setsid) can still hold the pipes after this.
                    _killpg(proc.pid, signal.SIGKILL)
                if exited_at is not None and not timed_out and \
                        now >= exited_at + KILL_GRACE_S:
                    run.leftover = True
                    break
                if not timed_out and now >= deadline:
                    timed_out = True
                    _killpg(proc.pid, signal.SIGTERM)
                    kill_at = now + KILL_GRACE_S
                if kill_at is not None and now >= kill_at:
                    _killpg(proc.pid, signal.SIGKILL)
                    if now >= kill_at + KILL_GRACE_S:
                        # A process that left the group still holds the
                        # pipes: stop reading rather than hang.
                        break
                wait = (kill_at if kill_at is not None else deadline) - now
                if exited_at is not None:
                    wait = min(wait, exited_at + KILL_GRACE_S - now)
                for key, _ in sel.select(max(0.05, min(wait, 0.5))):
                    data = os.read(key.fileobj.fileno(), 65536)
                    if not data:
                        sel.unregister(key.fileobj)
                        open_pipes -= 1
                        continue
                    if key.data == "err":
                        err.write(data)
                        errbuf.add(data)
                        continue
                    out.write(data)
                    stamp = time.monotonic() - t0
                    for line in lines.feed(data):
                        run.add_line(line, stamp)
            last = lines.finish()
            if last is not None:
                run.add_line(last, time.monotonic() - t0)
            run.cut.update(lines.counts())
            try:
                rc = proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                timed_out = True
                _killpg(proc.pid, signal.SIGKILL)
                rc = proc.wait()
        finally:
            sel.close()
            proc.stdout.close()
            proc.stderr.close()
            # Whatever the program left behind in its group goes too.
            _killpg(proc.pid, signal.SIGKILL)
            with self.lock:
                self.groups.pop(id(run), None)
        run.duration_s = round(time.monotonic() - t0, 3)
        run.stderr_text = errbuf.text()
        run.returncode = rc
        if self.stopping.is_set():
            run.status = "interrupted"
            run.error = "interrupted (Ctrl-C) after %.1f s" % run.duration_s
        elif timed_out:
            run.status = "timeout"
            run.error = ("no exit within %d s; killed its process group "
                         "(raise %s.timeout in configs/settings if it needs "
                         "longer)" % (prog.timeout, prog.path))
        elif rc < 0:
            run.status = "signaled"
            run.signal = _signame(-rc)
            run.error = "crashed: killed by %s" % run.signal
        else:
            run.status = "exited"


def _killpg(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _signame(num):
    try:
        return signal.Signals(num).name
    except ValueError:
        return "signal %d" % num


def _text(data):
    return data.decode("utf-8", "replace").rstrip("\r")

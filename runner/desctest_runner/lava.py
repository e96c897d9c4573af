# SPDX-License-Identifier: GPL-2.0-only
"""import-lava: a LAVA job's log (lava-run's stderr, or a LAVA server's
job log, output.yaml) filed as a desctest run.

Every line of such a log is one record, a YAML flow mapping with double-
quoted strings ({"dt": ..., "lvl": ..., "msg": ...}), the server's with
"- " before it. The lines the machine under test printed ("lvl": "target")
are its console: lava/desctest-lava.sh framed each program's output there
as tests/vm/init.sh frames a guest's (DESCTEST-MACHINE, BEGIN, END, DONE),
so the console is filed by session.ConsoleSource exactly as make vm_tests
files a guest's, with the same program and test names as a local run.

Several logs (the shards of one job) make one run: their consoles one
after the other, one DESCTEST-DONE at the end only when every log has
one (a shard that stopped early is a program that "died", or the run's
"console" entry). A program in two logs is filed twice, the second with
"+" after its test name (ConsoleSource's rule for a repeated program)."""

import os
import re

from . import results
from .config import InputError

_ESC = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n",
        "v": "\v", "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"',
        "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
        "P": "\u2029"}
_HEX = {"x": 2, "u": 4, "U": 8}


class _Bad(ValueError):
    pass


class _Flow:
    """The YAML flow subset LAVA's logger writes (yaml.dump with
    default_flow_style=True, default_style='"'): mappings, sequences,
    double-quoted scalars with an optional tag before them (! "3"),
    plain scalars."""

    def __init__(self, text):
        self.s = text
        self.i = 0

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def value(self):
        self.ws()
        if self.i >= len(self.s):
            raise _Bad("the line ends where a value should be")
        c = self.s[self.i]
        if c == "!":
            while self.i < len(self.s) and self.s[self.i] not in " \t":
                self.i += 1
            return self.value()
        if c == "{":
            return self.mapping()
        if c == "[":
            return self.sequence()
        if c == '"':
            return self.quoted()
        if c == "'":
            return self.single()
        start = self.i
        while self.i < len(self.s) and self.s[self.i] not in ",}]":
            if self.s.startswith(": ", self.i):
                break
            self.i += 1
        return self.s[start:self.i].strip()

    def expect(self, c):
        self.ws()
        if not self.s.startswith(c, self.i):
            raise _Bad("'%s' expected at column %d" % (c, self.i + 1))
        self.i += len(c)

    def mapping(self):
        self.expect("{")
        out = {}
        self.ws()
        if self.s.startswith("}", self.i):
            self.i += 1
            return out
        while True:
            key = self.value()
            self.expect(":")
            out[key] = self.value()
            self.ws()
            if self.s.startswith(",", self.i):
                self.i += 1
                continue
            self.expect("}")
            return out

    def sequence(self):
        self.expect("[")
        out = []
        self.ws()
        if self.s.startswith("]", self.i):
            self.i += 1
            return out
        while True:
            out.append(self.value())
            self.ws()
            if self.s.startswith(",", self.i):
                self.i += 1
                continue
            self.expect("]")
            return out

    def single(self):
        self.i += 1
        out = []
        while True:
            j = self.s.find("'", self.i)
            if j < 0:
                raise _Bad("unterminated '...' string")
            out.append(self.s[self.i:j])
            self.i = j + 1
            if self.s.startswith("'", self.i):
                out.append("'")
                self.i += 1
                continue
            return "".join(out)

    def quoted(self):
        self.i += 1
        out = []
        s = self.s
        while True:
            if self.i >= len(s):
                raise _Bad('unterminated "..." string')
            c = s[self.i]
            if c == '"':
                self.i += 1
                return "".join(out)
            if c != "\\":
                j = self.i
                while j < len(s) and s[j] not in '"\\':
                    j += 1
                out.append(s[self.i:j])
                self.i = j
                continue
            e = s[self.i + 1:self.i + 2]
            if e in _ESC:
                out.append(_ESC[e])
                self.i += 2
            elif e in _HEX:
                digits = s[self.i + 2:self.i + 2 + _HEX[e]]
                if not re.fullmatch(r"[0-9A-Fa-f]{%d}" % _HEX[e], digits):
                    raise _Bad("bad \\%s escape at column %d" % (e, self.i + 1))
                out.append(chr(int(digits, 16)))
                self.i += 2 + _HEX[e]
            else:
                raise _Bad("unknown escape \\%s at column %d" % (e, self.i + 1))


def parse_record(line):
    """One log line as a dict; _Bad when it is not a LAVA log record."""
    text = line.strip()
    if text.startswith("- "):
        text = text[2:].lstrip()
    p = _Flow(text)
    rec = p.mapping()
    p.ws()
    if p.i != len(text):
        raise _Bad("text after the record at column %d" % (p.i + 1))
    if "lvl" not in rec or "msg" not in rec:
        raise _Bad("a mapping without lvl and msg")
    return rec


def read_log(path):
    """The records of one log: InputError naming the file and line when a
    line is not one."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise InputError("LAVA log %s: %s; pass lava-run's log (its stderr) "
                         "or the job's log from the LAVA server"
                         % (path, e.strerror or e)) from None
    recs = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            recs.append(parse_record(line))
        except _Bad as e:
            raise InputError("%s line %d is not a LAVA log record (%s); pass "
                             "lava-run's log (its stderr) or the job's log "
                             "from the LAVA server, unchanged"
                             % (path, n, e)) from None
    if not recs:
        raise InputError("%s holds no LAVA log records; pass lava-run's log "
                         "(its stderr) or the job's log from the LAVA server"
                         % path)
    return recs


_DONE = re.compile(r"DESCTEST-DONE\s*")


def console_of(recs):
    """The machine's console lines: every "target" record's text."""
    out = []
    for r in recs:
        if r.get("lvl") == "target" and isinstance(r.get("msg"), str):
            out.extend(r["msg"].replace("\r", "").split("\n"))
    return out


def lava_results(recs):
    """(cases reported by test definitions, LAVA's own job result)."""
    cases, job = [], None
    for r in recs:
        m = r.get("msg")
        if r.get("lvl") != "results" or not isinstance(m, dict):
            continue
        if m.get("definition") == "lava":
            if m.get("case") == "job":
                job = m.get("result")
            continue
        cases.append(m)
    return cases, job


def merge(paths):
    """(console text of every log, one after the other; per-log facts)."""
    lines, info, all_done = [], [], True
    for path in paths:
        recs = read_log(path)
        con = console_of(recs)
        done = any(_DONE.fullmatch(l) for l in con)
        all_done = all_done and done
        lines.extend(l for l in con if not _DONE.fullmatch(l))
        cases, job = lava_results(recs)
        counts = {}
        for c in cases:
            counts[c.get("result")] = counts.get(c.get("result"), 0) + 1
        info.append({"log": os.path.abspath(path), "job_result": job,
                     "lava_cases": counts, "desctest_done": done})
    if all_done:
        lines.append("DESCTEST-DONE")
    return "\n".join(lines) + "\n", info


def prepare(paths, text, run_dir):
    """Copies of the logs under raw/lava/ and the merged console (text,
    from merge) written to the run folder; returns the console's path."""
    lavadir = os.path.join(run_dir, "raw", "lava")
    os.makedirs(lavadir, exist_ok=True)
    for n, path in enumerate(paths, 1):
        with open(path, encoding="utf-8", errors="replace") as f:
            results.write_new(os.path.join(lavadir, "%d-%s" % (
                n, os.path.basename(path))), f.read())
    console = os.path.join(run_dir, "lava-console.log")
    results.write_atomic(console, text)
    return console


# lava-job: a job from a template of lava/jobs (str.format fields, each
# value a JSON string, which YAML reads as a double-quoted scalar).
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
LAVA_DIR = os.path.join(TOP, "lava")
DEFAULT_TEMPLATE = os.path.join(LAVA_DIR, "jobs", "qemu-x86_64.yaml.in")
DEFINITION = os.path.join(LAVA_DIR, "desctest.yaml")
_URL = re.compile(r"(https?|file|ftp)://\S+")


def _url(what, value):
    """A URL as given, or a local file as a file:// URL (it must exist)."""
    if _URL.fullmatch(value):
        return value
    if not os.path.isfile(value):
        raise InputError("--%s %s: no such file; give a file here or an "
                         "http(s):// URL the LAVA worker can fetch"
                         % (what, value))
    return "file://" + os.path.abspath(value)


def render_job(template, kernel, ramdisk, tarball, collections="",
               skiplist="", shard_number=1, shard_index=1, job_name=None,
               test_minutes=30):
    """The job's YAML text; InputError on bad options."""
    import json
    if shard_number < 1 or not 1 <= shard_index <= shard_number:
        raise InputError("--shard-index %d of --shard-number %d: want 1 to "
                         "the number of shards" % (shard_index, shard_number))
    if test_minutes < 1:
        raise InputError("--test-minutes %d: want 1 or more" % test_minutes)
    try:
        with open(template, encoding="utf-8") as f:
            text = f.read()
        with open(DEFINITION, encoding="utf-8") as f:
            definition = f.read()
    except OSError as e:
        raise InputError("%s: %s" % (e.filename, e.strerror)) from None
    q = json.dumps
    name = job_name or "desctest %s%s" % (
        os.path.basename(kernel),
        " shard %d/%d" % (shard_index, shard_number) if shard_number > 1
        else "")
    fields = {
        "job_name": q(name), "kernel_url": q(_url("kernel", kernel)),
        "ramdisk_url": q(_url("ramdisk", ramdisk)),
        "tarball_url": q(_url("tarball", tarball)),
        "test_minutes": str(test_minutes),
        # The deploy and boot take 5 or 10 minutes each at most.
        "job_minutes": str(test_minutes + 30),
    }
    params = {"KSELFTEST_PATH": "/opt/desctest", "TESTPROG_URL": "",
              "COLLECTIONS": " ".join(collections.split()),
              "SKIPLIST": " ".join(skiplist.split()),
              "SHARD_NUMBER": str(shard_number),
              "SHARD_INDEX": str(shard_index)}
    for key, value in params.items():
        definition, n = re.subn(r"(?m)^  %s: .*$" % key,
                                "  %s: %s" % (key, q(value)), definition)
        if n != 1:
            raise InputError("%s: no one line '  %s: ...' under params"
                             % (DEFINITION, key))
    fields["definition"] = "".join("        " + l if l.strip() else "\n"
                                   for l in definition.splitlines(True))
    try:
        return text.format(**fields)
    except (KeyError, IndexError, ValueError) as e:
        raise InputError("template %s: bad field %s; the fields are %s"
                         % (template, e, ", ".join(sorted(fields)))) from None


def add_job_parser(sub):
    j = sub.add_parser("lava-job", help="a LAVA job that runs desctest",
                       description="Render a LAVA job (default: QEMU "
                       "x86_64, lava/jobs/qemu-x86_64.yaml.in) that runs "
                       "lava/desctest.yaml on KERNEL with desctest.tar.xz "
                       "laid over RAMDISK. Local files become file:// URLs.")
    j.add_argument("--kernel", required=True, help="bzImage: a file or URL")
    j.add_argument("--ramdisk", required=True,
                   help="cpio.newc.gz from make lava_ramdisk: a file or URL")
    j.add_argument("--tarball", required=True,
                   help="desctest.tar.xz from make gen_tar: a file or URL")
    j.add_argument("--collections", default="",
                   help="collections to run, space-separated (default all)")
    j.add_argument("--skiplist", default="",
                   help="collection:test globs not to run, space-separated")
    j.add_argument("--shard-number", type=int, default=1,
                   help="shards the list is split into (default 1)")
    j.add_argument("--shard-index", type=int, default=1,
                   help="this job's shard, 1 to --shard-number (default 1)")
    j.add_argument("--test-minutes", type=int, default=30,
                   help="the test action's timeout (default 30)")
    j.add_argument("--job-name", default=None, help="the job's name")
    j.add_argument("--template", default=DEFAULT_TEMPLATE,
                   help="job template (default %s; lava/jobs/x86-board."
                   "yaml.in is a real board's)" % os.path.relpath(
                       DEFAULT_TEMPLATE, TOP))
    j.add_argument("-o", "--out", default="-",
                   help="file to write (default: standard output)")
    return j


def cmd_job(a, stdout):
    text = render_job(a.template, a.kernel, a.ramdisk, a.tarball,
                      a.collections, a.skiplist, a.shard_number,
                      a.shard_index, a.job_name, a.test_minutes)
    if a.out == "-":
        stdout.write(text)
    else:
        try:
            results.write_atomic(a.out, text)
        except OSError as e:
            raise InputError("-o %s: %s" % (a.out, e.strerror)) from None
    return 0

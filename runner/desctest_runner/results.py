# SPDX-License-Identifier: GPL-2.0-only
"""The results directory: results/<timestamp>-<short-id>/ with raw output,
results.json, junit.xml and summary.md, and results/latest pointing at the
newest. Every file is written to a temporary name and renamed into place,
so a killed run leaves only complete files; results.json is rewritten after
each program, marked "complete": false until the end."""

import itertools
import json
import os
import re
import secrets
import threading
import time
from xml.sax.saxutils import escape, quoteattr

from . import ktap
from .verdict import FAILING
from .config import InputError, relative_name

FORMAT = 1
# summary.md lists this many failures (and skips) at most.
SUMMARY_MAX = 1000


def new_run_dir(root):
    """A fresh results/<timestamp>-<short-id>/ under root; InputError when
    root cannot hold one (a plain file, no write permission...)."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    try:
        os.makedirs(root, exist_ok=True)
        while True:
            run_id = "%s-%s" % (stamp, secrets.token_hex(3))
            path = os.path.join(root, run_id)
            try:
                os.mkdir(path)
            except FileExistsError:
                continue
            return run_id, path
    except OSError as e:
        raise InputError("cannot create a run folder under --results %s: "
                         "%s; pass a writable directory"
                         % (root, e.strerror or e)) from None


def write_atomic(path, text):
    write_atomic_chunks(path, (text,))


def write_atomic_chunks(path, chunks):
    """write_atomic for text made piece by piece (a large results.json or
    junit.xml is never one string in memory)."""
    tmp = "%s.tmp-%d-%d" % (path, os.getpid(), threading.get_ident())
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_new(path, text):
    """Like write_atomic, but never replaces a file already there
    (FileExistsError): raw output is never overwritten."""
    tmp = "%s.tmp-%d" % (path, os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    try:
        os.link(tmp, path)
    finally:
        os.unlink(tmp)


def raw_base(rawdir, collection, test):
    """rawdir/<collection>/<test>, the program's raw output without its
    .stdout/.stderr suffix; its directory is created. Names the list or a
    console log gave must stay under rawdir: ValueError otherwise."""
    if not relative_name(collection) or not relative_name(test):
        raise ValueError("%s:%s cannot name a file under %s (empty, absolute "
                         "or .. part)" % (collection, test, rawdir))
    base = os.path.join(rawdir, collection, test)
    os.makedirs(os.path.dirname(base), exist_ok=True)
    return base


def point_latest(root, run_id):
    link = os.path.join(root, "latest")
    tmp = "%s.tmp-%d" % (link, os.getpid())
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    os.symlink(run_id, tmp)
    os.replace(tmp, link)


def select(tests, outcomes):
    """The tests whose outcome is in outcomes."""
    if hasattr(tests, "select"):
        return tests.select(outcomes)
    return (t for t in tests if t["outcome"] in outcomes)


def counts(tests):
    if hasattr(tests, "counts"):
        return tests.counts()
    c = dict.fromkeys(ktap.OUTCOMES, 0)
    for t in tests:
        c[t["outcome"]] += 1
    return c


def record(meta, programs, tests, complete):
    """The results.json document."""
    data = dict(meta)
    data.update(format=FORMAT, complete=complete, counts=counts(tests),
                programs=programs, tests=tests)
    return data


def json_chunks(data):
    """results.json as text: the run's fields indented, then "tests" one
    compact object a line (fast to write and to read for any number of
    tests)."""
    head = {k: v for k, v in data.items() if k != "tests"}
    text = json.dumps(head, indent=1, sort_keys=False)
    yield text[:-2] if head else "{"
    yield ',\n "tests": [' if head else '\n "tests": ['
    dumps = json.dumps
    sep = "\n  "
    for t in data["tests"]:
        yield sep + dumps(t)
        sep = ",\n  "
    yield "\n ]\n}\n"


def write_json(run_dir, data):
    write_atomic_chunks(os.path.join(run_dir, "results.json"),
                        json_chunks(data))


def load(path):
    """results.json from a results directory or the file itself."""
    if os.path.isdir(path):
        path = os.path.join(path, "results.json")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise ValueError("%s not found; give a results directory (results/"
                         "<run>) or its results.json" % path) from None
    except UnicodeDecodeError as e:
        raise ValueError("%s: not UTF-8 text (byte %d); not a desctest "
                         "results.json" % (path, e.start)) from None
    except (OSError, json.JSONDecodeError) as e:
        raise ValueError("%s: not a readable results.json (%s)"
                         % (path, e)) from None
    if not isinstance(data, dict) or not isinstance(data.get("tests"), list):
        raise ValueError("%s: no \"tests\" list; not a desctest results.json"
                         % path)
    for n, t in enumerate(data["tests"]):
        problem = _bad_test(t)
        if problem:
            raise ValueError("%s: tests[%d] %s; not a desctest results.json "
                             "(rerun to write a fresh one)" % (path, n, problem))
    return data


def _bad_test(t):
    """What is wrong with one entry of "tests", or None."""
    if not isinstance(t, dict):
        return "is not an object"
    for key in ("id", "program", "name", "outcome"):
        if not isinstance(t.get(key), str):
            return "has no %s string" % key
    if t["outcome"] not in ktap.OUTCOMES:
        return "has unknown outcome %r (want one of %s)" % (
            t["outcome"], ", ".join(ktap.OUTCOMES))
    if t.get("number") is not None and not isinstance(t["number"], int):
        return "has a number that is not an integer"
    return None


# Characters XML 1.0 cannot carry (a program may print any byte).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(text):
    return _NOT_XML.sub(lambda m: "\\x%02x" % ord(m.group()), str(text))


# What needs escaping in an attribute or text: XML's specials, and what
# XML 1.0 cannot carry at all.
_XML_SPECIAL = re.compile("[&<>\"\t\n\r]|" + _NOT_XML.pattern)


def _attr(text):
    text = str(text)
    if not _XML_SPECIAL.search(text):
        return '"%s"' % text
    return quoteattr(_x(text))


def _text_node(text):
    if not text or not _XML_SPECIAL.search(text):
        return text
    return escape(_x(text))


def junit_chunks(data):
    """junit.xml, one testsuite per program, written as it goes."""
    tests = data["tests"]
    order, per = [], {}
    contiguous, last = True, None
    for t in tests:
        prog = t["program"]
        if prog != last:
            if prog in per:
                contiguous = False
            else:
                per[prog] = []
                order.append(prog)
            last = prog
        per[prog].append(t["outcome"])
    yield "<?xml version='1.0' encoding='utf-8'?>\n"
    yield '<testsuites name="desctest" tests="%d">\n' % sum(
        len(v) for v in per.values())

    def suites():
        if contiguous:
            group, last = [], None
            for t in tests:
                if t["program"] != last and group:
                    yield last, group
                    group = []
                last = t["program"]
                group.append(t)
            if group:
                yield last, group
        else:
            groups = {}
            for t in tests:
                groups.setdefault(t["program"], []).append(t)
            yield from groups.items()

    for prog, group in suites():
        c = counts(group)
        prog_attr = _attr(prog)
        yield ('  <testsuite name=%s tests="%d" failures="%d" errors="%d" '
               'skipped="%d">\n' % (
                   prog_attr, len(group),
                   c["fail"] + c["timeout"] + c["xpass"], c["error"],
                   c["skip"] + c["xfail"]))
        for t in group:
            head = '    <testcase classname=%s name=%s' % (
                prog_attr, _attr(t["name"] or "[program]"))
            if t.get("duration_s") is not None:
                head += ' time="%.3f"' % t["duration_s"]
            o = t["outcome"]
            msg = _attr(t.get("reason") or o)
            text = _text_node("\n".join(t.get("details") or ()))
            if o in FAILING:
                tag = "error" if o == "error" else "failure"
                yield '%s>\n      <%s message=%s type="%s">%s</%s>\n' \
                    '    </testcase>\n' % (head, tag, msg, o, text, tag)
            elif o in ("skip", "xfail"):
                yield '%s>\n      <skipped message=%s type="%s" />\n' \
                    '    </testcase>\n' % (head, msg, o)
            else:
                yield head + " />\n"
        yield "  </testsuite>\n"
    yield "</testsuites>\n"


def junit(data):
    return "".join(junit_chunks(data))


def kselftest_programs(data):
    """Ids of the programs the kselftest rule judged (verdict.py): their
    own results are detail, their exit code their verdict."""
    return {p["id"] for p in data.get("programs", ())
            if p.get("rule") == "kselftest"}


def is_detail(test, ks_programs):
    """True for a result of a kselftest-rule program (not the program's
    own case): filed and shown, deciding nothing."""
    return bool(test.get("name")) and test.get("program") in ks_programs


def warnings_of(data):
    """[(program id, warning)] of every program, in run order."""
    return [(p["id"], w) for p in data.get("programs", ())
            for w in p.get("warnings") or ()]


DETAIL_NOTE = " (a result of a kselftest-rule program; its exit code decides)"


def summary_md(data):
    m = data.get("machine", {})
    c = data["counts"]
    out = ["# desctest run %s" % data.get("run_id", "?"), ""]
    status = data.get("exit_status")
    # 125: a --bisect run that could not test (git bisect's "skip").
    verdict = {0: "PASSED", 125: "UNTESTED"}.get(status, "FAILED")
    if not data.get("complete"):
        verdict = "INCOMPLETE"
    out.append("**%s** (exit %s)%s" % (
        verdict, data.get("exit_status"),
        ", interrupted" if data.get("interrupted") else ""))
    out += ["", "| | |", "|---|---|"]
    for key, label in (("kernel", "kernel"), ("cpu", "CPU"), ("kvm", "KVM"),
                       ("ksrc", "KSRC"), ("ksrc_version", "KSRC version")):
        out.append("| %s | %s |" % (label, m.get(key) if m.get(key) else "-"))
    if data.get("label"):
        out.append("| label | %s |" % data["label"])
    out.append("| started | %s |" % data.get("started", "-"))
    out += ["", "| " + " | ".join(ktap.OUTCOMES) + " |",
            "|" + "---|" * len(ktap.OUTCOMES),
            "| " + " | ".join(str(c[o]) for o in ktap.OUTCOMES) + " |", ""]
    ks = kselftest_programs(data)
    bad = list(itertools.islice(select(data["tests"], FAILING), SUMMARY_MAX))
    if bad:
        out += ["## Failures", ""]
        for t in bad:
            out.append("- **%s** `%s`: %s%s" % (
                t["outcome"], t["id"], t.get("reason") or "",
                DETAIL_NOTE if is_detail(t, ks) else ""))
        more = sum(c[o] for o in FAILING) - len(bad)
        if more > 0:
            out.append("- ... and %d more in results.json" % more)
        out.append("")
    skips = list(itertools.islice(select(data["tests"], ("skip", "xfail")),
                                  SUMMARY_MAX))
    if skips:
        out += ["## Skipped and expected failures", ""]
        for t in skips:
            out.append("- %s `%s`: %s" % (t["outcome"], t["id"],
                                          t.get("reason") or ""))
        more = c["skip"] + c["xfail"] - len(skips)
        if more > 0:
            out.append("- ... and %d more in results.json" % more)
        out.append("")
    warns = warnings_of(data)
    if warns:
        out += ["## Warnings", "",
                "What a program judged by its exit code (the kselftest "
                "rule) printed that contradicts it; never a failure by "
                "itself.", ""]
        for pid, w in warns[:SUMMARY_MAX]:
            out.append("- `%s`: %s" % (pid, w))
        if len(warns) > SUMMARY_MAX:
            out.append("- ... and %d more in results.json (programs' "
                       "\"warnings\")" % (len(warns) - SUMMARY_MAX))
        out.append("")
    out += ["## Programs", "", "| program | outcome | exit | seconds | output |",
            "|---|---|---|---|---|"]
    for p in data["programs"]:
        rc = p.get("signal") or p.get("returncode")
        links = " ".join("[%s](%s)" % (k, p[k]) for k in ("stdout", "stderr")
                         if p.get(k))
        out.append("| `%s` | %s | %s | %s | %s |" % (
            p["id"], p["outcome"], "-" if rc is None else rc,
            p.get("duration_s") if p.get("status") not in ("lost", "died")
            else "-",
            links or "-"))
    return "\n".join(out) + "\n"


def write_all(run_dir, data):
    write_json(run_dir, data)
    write_atomic_chunks(os.path.join(run_dir, "junit.xml"),
                        junit_chunks(data))
    write_atomic(os.path.join(run_dir, "summary.md"), summary_md(data))

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""agree.py: upstream's x86 selftests under both runners, the same verdicts.

  agree.py --top TOP --ksrc KSRC --work DIR [--timeout S]
           [--vm-kernel IMAGE [--vm-modroot DIR]]

Builds KSRC's tools/testing/selftests/x86 as upstream installs it
(make -C tools/testing/selftests O=DIR/build TARGETS=x86 install
INSTALL_PATH=DIR/install), runs the installed tree with upstream's
DIR/install/run_kselftest.sh and with `desctest run --output DIR/install`,
and checks that every program of its kselftest-list.txt gets the same
verdict from both, except the differences LISTED names (README.md).  With
--vm-kernel the same again inside a guest booted as make vm_tests boots
one (tests/vm/vm-run.sh, with desctest's framing and import-console), whose
/init runs run_kselftest.sh first (boot-upstream.sh).  Exit 0 when they
agree, 1 when a program's verdicts differ (a table says which), 2 when
something could not run (one line says what)."""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ME = "upstream_agree"
GUEST_TIMEOUT = 45


class Trouble(Exception):
    """Something the check needs did not work: exit 2."""


def _listed(name, up, ds, prog):
    """Why a difference between upstream's verdict up and desctest's ds is
    expected, or None.  README.md lists each."""
    if (up, ds) == ("fail", "skip") and prog.get("status") == "unsupported":
        # The kernel refuses i386 ELF (no IA-32 emulation): execve gives
        # ENOEXEC; run_kselftest.sh reports the shell's failure to run it
        # ("not ok # exit=N"), desctest a skip that says why.
        return "i386 ELF refused by the kernel (ENOEXEC): desctest skips"
    if ds == "fail" and up in ("pass", "skip") and \
            (prog.get("reason") or "").startswith("the kernel reported "):
        # A guest's console: a kernel WARNING/BUG/Oops inside the
        # program's frame fails it whatever it exited with; upstream's
        # runner does not read the kernel's log.
        return "a kernel report while it ran: desctest fails it"
    return None


def _env():
    return {k: v for k, v in os.environ.items()
            if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}


def build(ksrc, work):
    inst = os.path.join(work, "install")
    log = os.path.join(work, "build.log")
    with open(log, "w") as f:
        p = subprocess.run(
            ["make", "-C", os.path.join(ksrc, "tools", "testing",
                                        "selftests"),
             "O=" + os.path.join(work, "build"), "TARGETS=x86",
             "INSTALL_PATH=" + inst, "install"], stdout=f,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=_env())
    if p.returncode != 0:
        raise Trouble("building %s's x86 selftests failed (make exit %d; "
                      "log: %s)" % (ksrc, p.returncode, log))
    listing = os.path.join(inst, "kselftest-list.txt")
    with open(listing) as f:
        progs = [l.strip() for l in f if l.strip()]
    if not progs:
        raise Trouble("%s lists no program" % listing)
    return inst, progs


def upstream_verdicts(lines, ktap):
    """{collection:test: outcome} from run_kselftest.sh's own stream."""
    doc = ktap.parse(lines)
    out = {}
    for r in doc.results:
        parts = r.description.split(": ")
        if len(parts) != 3 or parts[0] != "selftests":
            raise Trouble("run_kselftest.sh printed a result %r that is not "
                          "'selftests: COLLECTION: TEST'" % r.description)
        out["%s:%s" % (parts[1], parts[2])] = r.outcome
    if doc.plan is None or doc.plan != len(doc.results):
        raise Trouble("run_kselftest.sh's stream is incomplete: plan %s, %d "
                      "result(s)" % (doc.plan, len(doc.results)))
    return out


def desctest_verdicts(results_json):
    with open(results_json) as f:
        data = json.load(f)
    return {p["id"]: (p["outcome"], p) for p in data["programs"]}


def compare(where, progs, up, ds):
    """Print the table; the number of unlisted differences."""
    bad, listed = 0, 0
    rows = []
    for pid in progs:
        u = up.get(pid, "-")
        d, prog = ds.get(pid, ("-", {}))
        if u == d:
            continue
        why = _listed(pid, u, d, prog) if "-" not in (u, d) else None
        if why:
            listed += 1
        else:
            bad += 1
        rows.append((pid, u, d, why or "NOT LISTED: %s" % (
            prog.get("reason") or "missing from a run")))
    for pid, u, d, why in rows:
        print("%s: %s: %-28s upstream %-7s desctest %-7s %s" % (
            ME, where, pid, u, d, why))
    extra = sorted(set(up) - set(progs)) + sorted(set(ds) - set(progs))
    for pid in extra:
        print("%s: %s: %s ran but is not in kselftest-list.txt" % (
            ME, where, pid))
    bad += len(extra)
    if bad:
        print("%s: FAIL: %s: %d of %d program(s) got different verdicts "
              "from run_kselftest.sh and desctest" % (ME, where, bad,
                                                       len(progs)))
    else:
        counts = {}
        for pid in progs:
            counts[up[pid]] = counts.get(up[pid], 0) + 1
        print("%s: ok: %s: all %d programs agree (%s)%s" % (
            ME, where, len(progs), ", ".join(
                "%s %d" % kv for kv in sorted(counts.items())),
            "; %d listed difference(s)" % listed if listed else ""))
    return bad


def host(top, inst, progs, work, timeout, ktap):
    p = subprocess.run(["./run_kselftest.sh", "-o", str(timeout)], cwd=inst,
                       capture_output=True, text=True, errors="replace",
                       stdin=subprocess.DEVNULL)
    with open(os.path.join(work, "host-run_kselftest.txt"), "w") as f:
        f.write(p.stdout)
    up = upstream_verdicts(p.stdout.splitlines(), ktap)
    settings = os.path.join(work, "settings")
    with open(settings, "w") as f:
        f.write("timeout=%d\n" % timeout)
    res = os.path.join(work, "host-results")
    d = subprocess.run([os.path.join(top, "desctest"), "run", "--output",
                        inst, "--settings", settings, "--results", res,
                        "--label", "upstream-agree"], capture_output=True,
                       text=True, stdin=subprocess.DEVNULL)
    rj = os.path.join(res, "latest", "results.json")
    if not os.path.isfile(rj):
        raise Trouble("desctest run filed no results (exit %d): %s" % (
            d.returncode, d.stderr.strip().splitlines()[-1:]))
    return compare("here", progs, up, desctest_verdicts(rj))


def vm(top, inst, progs, work, kernel, modroot, ktap):
    vwork = os.path.join(work, "vm")
    res = os.path.join(work, "vm-results")
    # The guest's /init takes each program's timeout from configs/settings
    # (45 s); VM_TIMEOUT_SCALE=1 keeps it so, and run_kselftest.sh gets
    # the same.
    env = dict(os.environ, UPSTREAM_TIMEOUT=str(GUEST_TIMEOUT),
               VM_EXCLUDE="", VM_TIMEOUT_SCALE="1", UPSTREAM_INSTALL=inst)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VM_ONLY"):
        env.pop(k, None)
    cmd = [os.path.join(top, "tests", "vm", "vm-run.sh"), "--kernel", kernel,
           "--output", inst, "--work", vwork, "--label", "upstream-agree-vm",
           "--results", res, "--top", top, "--python", sys.executable,
           "--boot", os.path.join(HERE, "boot-upstream.sh")]
    if modroot:
        cmd += ["--modroot", modroot]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                       stdin=subprocess.DEVNULL)
    with open(os.path.join(work, "vm-run.log"), "w") as f:
        f.write(p.stdout + p.stderr)
    console = os.path.join(vwork, "console.log")
    try:
        with open(console, encoding="utf-8", errors="replace") as f:
            lines = [l.rstrip("\r\n").replace("\r", "") for l in f]
    except OSError:
        raise Trouble("the guest left no console log (%s); see %s" % (
            console, os.path.join(work, "vm-run.log"))) from None
    if "DESCTEST-DONE" not in lines:
        raise Trouble("the guest did not run to its end (no DESCTEST-DONE "
                      "in %s)" % console)
    tag = "UPSTREAM-RUN "
    up_lines = [l[len(tag):] for l in lines if l.startswith(tag)]
    if not up_lines:
        raise Trouble("the guest printed no run_kselftest.sh output (%s)"
                      % console)
    up = upstream_verdicts(up_lines, ktap)
    rj = os.path.join(res, "latest", "results.json")
    if not os.path.isfile(rj):
        raise Trouble("import-console filed no results (vm-run.sh exit "
                      "%d); see %s" % (p.returncode, os.path.join(
                          work, "vm-run.log")))
    kernel_line = next((l for l in lines if l.startswith(
        "DESCTEST-MACHINE ")), "")
    return compare("guest %s" % kernel_line[len("DESCTEST-MACHINE "):]
                   .split(" ")[0], progs, up, desctest_verdicts(rj))


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--top", required=True)
    a.add_argument("--ksrc", required=True)
    a.add_argument("--work", required=True)
    a.add_argument("--timeout", type=int, default=60)
    a.add_argument("--vm-kernel", default="")
    a.add_argument("--vm-modroot", default="")
    a = a.parse_args(argv)
    sys.path.insert(0, os.path.join(a.top, "runner"))
    from desctest_runner import ktap
    try:
        if not os.path.isfile(os.path.join(
                a.ksrc, "tools", "testing", "selftests", "x86", "Makefile")):
            raise Trouble("%s has no tools/testing/selftests/x86: pass the "
                          "kernel tree as --ksrc" % a.ksrc)
        work = os.path.abspath(a.work)
        subprocess.run(["rm", "-rf", work], check=True)
        os.makedirs(work)
        inst, progs = build(os.path.abspath(a.ksrc), work)
        print("%s: %d programs of %s/tools/testing/selftests/x86" % (
            ME, len(progs), a.ksrc))
        bad = host(a.top, inst, progs, work, a.timeout, ktap)
        if a.vm_kernel:
            bad += vm(a.top, inst, progs, work, a.vm_kernel, a.vm_modroot,
                      ktap)
    except Trouble as e:
        print("%s: cannot check: %s" % (ME, e), file=sys.stderr)
        return 2
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

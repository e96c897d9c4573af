# SPDX-License-Identifier: GPL-2.0-only
"""desctest runner command line:

  run            run the programs in OUTPUT/kselftest-list.txt
  import-console file a VM's framed console log like a local run
  compare        regressions and other changes between two runs
  validate       a patch before it is sent: the suite before and after
"""

import argparse
import os
import signal
import sys
import time

from . import compare, machine, plugin, report, results, session, verdict
from . import validate
from .config import InputError, read_list

EXIT_USAGE = 2
EXIT_UNTESTED = 125


class UsageError(Exception):
    """A command line argparse refused; the message is one line."""


class _Parser(argparse.ArgumentParser):
    # argparse prints the usage and exits 2, which git bisect run reads as
    # "bad": raise instead, so main() chooses the exit status.
    def error(self, message):
        raise UsageError(message)


def _parser():
    p = _Parser(prog="desctest_runner", description="desctest KTAP runner")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run the built programs")
    r.add_argument("--output", required=True,
                   help="build directory holding kselftest-list.txt")
    r.add_argument("--settings", required=True,
                   help="timeouts file (configs/settings)")
    r.add_argument("--results", required=True, help="results root")
    r.add_argument("--ksrc", default="", help="kernel tree tested")
    r.add_argument("-j", "--jobs", type=int, default=1,
                   help="programs run at once (default 1)")
    r.add_argument("--bisect", action="store_true",
                   help="exit 0 good, 1 bad, 125 untestable (git bisect run)")
    r.add_argument("--filter", action="append", default=[], metavar="GLOB",
                   help="only programs whose collection:test (kvm:dt_regs) or path "
                   "under OUTPUT (kvm/dt_regs) "
                   "matches (repeatable)")
    r.add_argument("--label", default="", help="name for this run")
    c = sub.add_parser("import-console", help="file a VM console log")
    c.add_argument("--results", required=True, help="results root")
    c.add_argument("--label", required=True, help="name for this run")
    c.add_argument("--ksrc", default="", help="kernel tree tested")
    c.add_argument("--bisect", action="store_true")
    c.add_argument("console", help="console log with DESCTEST- framing")
    m = sub.add_parser("compare", help="compare two runs")
    m.add_argument("a", help="older results dir or results.json")
    m.add_argument("b", help="newer results dir or results.json")
    validate.add_parser(sub)
    return p


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def _meta(run_id, label, argv, mach):
    return {"run_id": run_id, "label": label, "command": argv,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "engine": "pytest", "machine": mach}


def _execute(source, run_dir, root, run_id, bisect, reporter):
    """pytest over the source, then the final files and the exit status."""
    try:
        plug = plugin.run_pytest(source)
        outcomes = plug.outcomes
        if plug.pytest_exit == plugin.pytest.ExitCode.INTERRUPTED:
            # Ctrl-C after the programs ran, while pytest replayed their
            # results: pytest swallowed it and said so in its exit code.
            source.interrupted = True
        engine_ok = plug.pytest_exit in (0, 1)
    except KeyboardInterrupt:
        source.interrupted = True
        outcomes, engine_ok = {}, False
    cases = source.all_cases()
    for c in cases:
        c.outcome = outcomes.get(c.id, c.outcome)
    status = verdict.exit_status(cases, bisect=bisect,
                                 interrupted=source.interrupted)
    if not cases or (not engine_ok and not source.interrupted):
        status = EXIT_UNTESTED if bisect else 1
    data = source.snapshot(complete=engine_ok and not source.interrupted,
                           outcomes=outcomes)
    data["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    data["exit_status"] = status
    if not engine_ok and not source.interrupted:
        data["engine_error"] = "pytest exited %s" % getattr(
            plug, "pytest_exit", "?")
    results.write_all(run_dir, data)
    results.point_latest(root, run_id)
    reporter.summary(data, run_dir)
    return status


def cmd_run(a):
    untested = EXIT_UNTESTED if a.bisect else EXIT_USAGE
    if a.jobs < 1:
        print("desctest: -j %d: want 1 or more programs at once" % a.jobs,
              file=sys.stderr)
        return untested
    try:
        programs = read_list(a.output, a.settings, a.filter)
    except InputError as e:
        print("desctest: %s" % e, file=sys.stderr)
        return untested
    if not programs:
        print("desctest: no programs to run (%s/kselftest-list.txt is empty%s)"
              % (a.output, " or --filter matched none" if a.filter else ""),
              file=sys.stderr)
        return untested
    mach = machine.local_machine(a.ksrc or None)
    run_id, run_dir = results.new_run_dir(a.results)
    meta = _meta(run_id, a.label or "local", sys.argv, mach)
    meta["output"] = os.path.abspath(a.output)
    reporter = report.Reporter()
    source = session.LocalSource(programs, a.output, run_dir, meta,
                                 reporter, jobs=a.jobs)
    return _execute(source, run_dir, a.results, run_id, a.bisect, reporter)


def cmd_import(a):
    if not os.path.isfile(a.console):
        print("desctest: console log %s not found; pass the file the VM's "
              "serial console was written to" % a.console, file=sys.stderr)
        return EXIT_UNTESTED if a.bisect else EXIT_USAGE
    try:
        with open(a.console, "rb"):
            pass
    except OSError as e:
        raise InputError("console log %s: %s" % (a.console, e.strerror)) \
            from None
    run_id, run_dir = results.new_run_dir(a.results)
    mach = {"kernel": None, "cpu": None, "kvm": None,
            "ksrc": os.path.abspath(a.ksrc) if a.ksrc else None,
            "ksrc_version": machine.ksrc_version(a.ksrc or None),
            "console": os.path.abspath(a.console)}
    meta = _meta(run_id, a.label, sys.argv, mach)
    reporter = report.Reporter()
    source = session.ConsoleSource(a.console, run_dir, meta, reporter)
    return _execute(source, run_dir, a.results, run_id, a.bisect, reporter)


def _dispatch(argv):
    a = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _sigterm)
    signal.signal(signal.SIGHUP, _sigterm)
    if a.cmd == "run":
        return cmd_run(a)
    if a.cmd == "import-console":
        return cmd_import(a)
    if a.cmd == "validate":
        return validate.main(a)
    try:
        return compare.main(a.a, a.b, sys.stdout)
    except ValueError as e:
        raise InputError(str(e)) from None


def _one_line(text):
    return " ".join(str(text).split())


def main(argv=None):
    """Exit status of the whole command. Under --bisect nothing but 0, 1
    or 125 comes out, whatever goes wrong: git bisect run stops at any
    status above 127 and reads 2 as "bad"."""
    args = sys.argv[1:] if argv is None else list(argv)
    bisect = "--bisect" in args
    fail = EXIT_UNTESTED if bisect else EXIT_USAGE
    try:
        status = _dispatch(args)
    except UsageError as e:
        print("desctest: %s; see --help" % _one_line(e), file=sys.stderr)
        return fail
    except InputError as e:
        print("desctest: %s" % _one_line(e), file=sys.stderr)
        return fail
    except SystemExit as e:
        # --help and --version exit 0 through argparse.
        if not e.code:
            return EXIT_UNTESTED if bisect else 0
        return fail
    except KeyboardInterrupt:
        print("desctest: interrupted", file=sys.stderr)
        return EXIT_UNTESTED if bisect else 130
    except Exception as e:
        if not bisect:
            raise
        print("desctest: runner crashed (%s: %s); this commit counts as "
              "untestable" % (type(e).__name__, _one_line(e)),
              file=sys.stderr)
        return EXIT_UNTESTED
    if bisect and status not in (0, 1, EXIT_UNTESTED):
        return EXIT_UNTESTED
    return status

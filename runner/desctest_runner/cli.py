# SPDX-License-Identifier: GPL-2.0-only
"""desctest runner command line:

  run            run the programs in OUTPUT/kselftest-list.txt
  import-console file a VM's framed console log like a local run
  import-lava    file LAVA job logs (lava/desctest.yaml's runs) as one run
  lava-job       a LAVA job (QEMU x86_64 or a lab board) that runs desctest
  compare        regressions and other changes between two runs
  bisect-report  the steps of a bisect-run.sh bisect as one table
  validate       a patch before it is sent: the suite before and after
  scan           the promotion sign-extension bug class in a C/C++ tree
  sweep          a decoder proved right or wrong by exhaustive sweep
"""

import argparse
import os
import signal
import sys
import time

from . import bisect_report, compare, machine, plugin, report, results, session, verdict
from . import lava, scan, sweep, upstream, validate
from .config import InputError, read_list, strict_collections

EXIT_USAGE = 2
EXIT_UNTESTED = 125
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
DEFAULT_SETTINGS = os.path.join(TOP, "configs", "settings")


class UsageError(Exception):
    """A command line argparse refused; the message is one line."""


class _Parser(argparse.ArgumentParser):
    # argparse prints the usage and exits 2, which git bisect run reads as
    # "bad": raise instead, so main() chooses the exit status.
    def error(self, message):
        raise UsageError(message)


def add_run(sub):
    r = sub.add_parser("run", help="run the built programs",
                       description="Run every program in OUTPUT/"
                       "kselftest-list.txt; results under --results.")
    r.add_argument("--output", required=True,
                   help="build directory holding kselftest-list.txt")
    r.add_argument("--settings", required=True,
                   help="timeouts and verdict rules (configs/settings)")
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
    r.add_argument("--upstream", action="append", default=[],
                   choices=upstream.SUITES, metavar="SUITE",
                   help="also build the kernel tree's own selftests of "
                   "SUITE (x86) from --ksrc (default: Debian's tree) into "
                   "OUTPUT/SUITE and run them beside the suite, judged by "
                   "their exit code as run_kselftest.sh judges them")
    r.set_defaults(func=cmd_run)


def add_import_console(sub):
    c = sub.add_parser("import-console", help="file a VM console log",
                       description="File a VM's console log (DESCTEST- "
                       "framing) like a local run.")
    c.add_argument("--results", required=True, help="results root")
    c.add_argument("--label", required=True, help="name for this run")
    c.add_argument("--ksrc", default="", help="kernel tree tested")
    c.add_argument("--bisect", action="store_true",
                   help="exit 0 good, 1 bad, 125 untestable (git bisect run)")
    c.add_argument("--settings", default=DEFAULT_SETTINGS,
                   help="the settings whose COLLECTION.ktap=strict lines "
                   "say which collections the strict KTAP rule judges "
                   "(default: configs/settings of this tree)")
    c.add_argument("console", help="console log with DESCTEST- framing")
    c.set_defaults(func=cmd_import)


def add_import_lava(sub):
    c = sub.add_parser("import-lava", help="file LAVA job logs as one run",
                       description="File the logs of LAVA jobs that ran "
                       "lava/desctest.yaml (lava-run's stderr or a LAVA "
                       "server's job log; several shards make one run) "
                       "like a local run.")
    c.add_argument("--results", required=True, help="results root")
    c.add_argument("--label", default="lava", help="name for this run "
                   "(default lava)")
    c.add_argument("--ksrc", default="", help="kernel tree tested")
    c.add_argument("--bisect", action="store_true",
                   help="exit 0 good, 1 bad, 125 untestable (git bisect run)")
    c.add_argument("logs", nargs="+", metavar="LOG.yaml",
                   help="a LAVA job log")
    c.set_defaults(func=cmd_import_lava)


def add_lava_job(sub):
    lava.add_job_parser(sub).set_defaults(
        func=lambda a: lava.cmd_job(a, sys.stdout))


def add_compare(sub):
    m = sub.add_parser("compare", help="compare two runs",
                       description="What changed from run A to run B; "
                       "exit 1 when a test regressed or vanished.")
    m.add_argument("a", help="older results dir or results.json")
    m.add_argument("b", help="newer results dir or results.json")
    m.add_argument("--allow-removed", action="store_true",
                   help="tests or programs missing from B are not a "
                   "regression")
    m.set_defaults(func=cmd_compare)


def add_bisect_report(sub):
    b = sub.add_parser("bisect-report", help="bisect steps as one table")
    b.add_argument("--results", required=True, help="results root")
    b.add_argument("--session", default="", help="session id, or all")
    b.set_defaults(func=cmd_bisect_report)


def add_validate(sub):
    validate.add_parser(sub).set_defaults(func=validate.main)


def add_scan(sub):
    scan.add_parser(sub).set_defaults(func=scan.main)


def add_sweep(sub):
    sweep.add_parser(sub).set_defaults(func=sweep.main)


# One function per subcommand adds its parser: a new command is one more
# module and one more line here.
SUBCOMMANDS = [add_run, add_import_console, add_compare, add_bisect_report,
               add_validate, add_import_lava, add_lava_job, add_scan,
               add_sweep]


def _parser():
    p = _Parser(prog="desctest",
                description="desctest: run the suite's KTAP programs "
                "under pytest and file their results")
    sub = p.add_subparsers(dest="cmd", required=True, metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(sub)
    return p


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def _meta(run_id, label, argv, mach):
    return {"run_id": run_id, "label": label, "command": argv,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "engine": "pytest", "machine": mach}


def _execute(source, run_dir, root, run_id, bisect, reporter):
    """pytest over the source, then the final files and the exit status."""
    plug = None
    try:
        plug = plugin.run_pytest(source)
        outcomes = plug.outcomes
        if plug.ctrl_c:
            # Ctrl-C after the programs ran, while pytest replayed their
            # results: pytest swallowed it and said so in its exit code.
            source.interrupted = True
        engine_ok = plug.pytest_exit in (0, 1)
    except KeyboardInterrupt:
        source.interrupted = True
        outcomes, engine_ok = {}, False
    # From here on Ctrl-C waits for the files: they take moments.
    with _deferred_sigint():
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
            data["engine_error"] = _engine_error(plug)
        results.write_all(run_dir, data)
        results.point_latest(root, run_id)
        reporter.summary(data, run_dir)
    return status


def _engine_error(plug):
    if plug is None:
        return "pytest did not run"
    if plug.collect_errors:
        return "pytest exited %s: %d error(s) while collecting the " \
            "programs' results (see stderr)" % (plug.pytest_exit,
                                                plug.collect_errors)
    return "pytest exited %s" % plug.pytest_exit


class _deferred_sigint:
    """Ctrl-C is noted, not raised, for a block (writing the final
    files): the run is filed either way."""

    def __enter__(self):
        self.hit = False
        try:
            self.old = signal.signal(signal.SIGINT, self._hit)
        except ValueError:          # not the main thread
            self.old = None
        return self

    def _hit(self, signum, frame):
        self.hit = True

    def __exit__(self, *exc):
        if self.old is not None:
            signal.signal(signal.SIGINT, self.old)
        return False


def cmd_run(a):
    untested = EXIT_UNTESTED if a.bisect else EXIT_USAGE
    if a.jobs < 1:
        print("desctest: -j %d: want 1 or more programs at once" % a.jobs,
              file=sys.stderr)
        return untested
    try:
        programs = read_list(a.output, a.settings, a.filter)
        listed = {p.id for p in programs}
        for suite in a.upstream:
            # make UPSTREAM=x86 lists them already: once each.
            programs += [p for p in upstream.build(
                suite, TOP, a.output, a.ksrc, a.settings, a.filter)
                if p.id not in listed]
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
    strict = strict_collections(a.settings)
    run_id, run_dir = results.new_run_dir(a.results)
    mach = {"kernel": None, "cpu": None, "kvm": None,
            "ksrc": os.path.abspath(a.ksrc) if a.ksrc else None,
            "ksrc_version": machine.ksrc_version(a.ksrc or None),
            "console": os.path.abspath(a.console)}
    meta = _meta(run_id, a.label, sys.argv, mach)
    reporter = report.Reporter()
    source = session.ConsoleSource(a.console, run_dir, meta, reporter,
                                   strict=strict)
    return _execute(source, run_dir, a.results, run_id, a.bisect, reporter)


def cmd_import_lava(a):
    for path in a.logs:
        if not os.path.isfile(path):
            print("desctest: LAVA log %s not found; pass lava-run's log (its "
                  "stderr) or the job's log from the LAVA server" % path,
                  file=sys.stderr)
            return EXIT_UNTESTED if a.bisect else EXIT_USAGE
    # Every log is read before anything is written: a bad one files
    # nothing.
    text, info = lava.merge(a.logs)
    run_id, run_dir = results.new_run_dir(a.results)
    console = lava.prepare(a.logs, text, run_dir)
    mach = {"kernel": None, "cpu": None, "kvm": None,
            "ksrc": os.path.abspath(a.ksrc) if a.ksrc else None,
            "ksrc_version": machine.ksrc_version(a.ksrc or None),
            "console": console}
    meta = _meta(run_id, a.label, sys.argv, mach)
    meta["lava"] = info
    reporter = report.Reporter()
    source = session.ConsoleSource(console, run_dir, meta, reporter)
    return _execute(source, run_dir, a.results, run_id, a.bisect, reporter)


def cmd_compare(a):
    try:
        return compare.main(a.a, a.b, sys.stdout,
                            allow_removed=a.allow_removed)
    except ValueError as e:
        raise InputError(str(e)) from None


def cmd_bisect_report(a):
    try:
        return bisect_report.main(a.results, a.session, sys.stdout)
    except ValueError as e:
        raise InputError(str(e)) from None


def _dispatch(argv):
    a = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _sigterm)
    # nohup (SIGHUP ignored) is kept, as an ignored SIGINT is (a
    # background job of a script): the caller asked not to be stopped so.
    if signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:
        signal.signal(signal.SIGHUP, _sigterm)
    return a.func(a)


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
        cmd = next((a for a in args if not a.startswith("-")), None)
        known = cmd in _parser()._subparsers._group_actions[0].choices
        print("desctest: %s; see 'desctest %s--help'" % (
            _one_line(e), cmd + " " if known else ""), file=sys.stderr)
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
    except BrokenPipeError:
        # stdout's reader went away (`desctest scan ... | head`): stop as
        # a program killed by SIGPIPE would, quietly; what Python would
        # still flush at exit goes nowhere.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_UNTESTED if bisect else 128 + signal.SIGPIPE
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

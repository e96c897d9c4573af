# SPDX-License-Identifier: GPL-2.0-only
"""pytest as the engine: every program becomes a pytest collector and every
KTAP result (plus one whole-program check) a pytest item whose outcome is
the pytest outcome: passed, failed, skipped, xfailed, xpassed (strict, so a
failure, as in kselftest), error (setup failure).

The programs run while pytest collects (that is when their subtests become
known), in parallel; the items then replay each result. The outcome written
to results.json is read back from pytest's own reports."""

import os
import sys

import pytest

from .verdict import FAILING

PROGRAM_ITEM = "[program]"
BULK_ITEM = "[results]"
# Past this many results a program's results are one pytest item.
BULK_ITEMS = 1000
PLUGIN_KEY = pytest.StashKey()


class CaseFailure(Exception):
    """A failing case; str() is the text pytest shows."""


class CaseError(Exception):
    """A case that could not be tested at all (pytest "error")."""


class CaseItem(pytest.Item):
    def __init__(self, *, case, **kw):
        super().__init__(**kw)
        self.case = case
        self.user_properties.append(("desctest_id", case.id))
        self.user_properties.append(("desctest_outcome", case.outcome))
        if case.outcome == "xpass":
            self.add_marker(pytest.mark.xfail(reason=case.reason or "XPASS",
                                              strict=True))

    def _text(self):
        c = self.case
        return "\n".join(["%s: %s" % (c.outcome.upper(), c.reason or c.id)]
                         + list(c.details))

    def setup(self):
        if self.case.outcome == "error":
            raise CaseError(self._text())

    def runtest(self):
        o = self.case.outcome
        if o in ("pass", "xpass"):
            return
        if o == "skip":
            pytest.skip(self.case.reason or "skipped")
        if o == "xfail":
            pytest.xfail(self.case.reason or "expected failure")
        raise CaseFailure(self._text())

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (CaseFailure, CaseError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, self.case.id


class BulkItem(pytest.Item):
    """All the results of a program that printed more than BULK_ITEMS: one
    pytest item for them (an item each would cost a few kB of memory and
    about a millisecond apiece); it fails when any of them fails, and every
    result still has its own entry in results.json and junit.xml."""

    def __init__(self, *, cases, **kw):
        super().__init__(**kw)
        self.cases = cases

    def runtest(self):
        bad = [c for c in self.cases if c.outcome in FAILING]
        if bad:
            raise CaseFailure("%d of %d results failed: %s%s" % (
                len(bad), len(self.cases),
                ", ".join("%s (%s)" % (c.name, c.outcome) for c in bad[:10]),
                " ..." if len(bad) > 10 else ""))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, "%s (%d results)" % (self.name,
                                                     len(self.cases))


class ProgramNode(pytest.Collector):
    def __init__(self, *, cases, **kw):
        super().__init__(**kw)
        self.cases = cases

    def collect(self):
        cases = self.cases
        if len(cases) > BULK_ITEMS + 1:
            yield BulkItem.from_parent(self, name=BULK_ITEM, cases=cases[:-1])
            cases = cases[-1:]
        for c in cases:
            yield CaseItem.from_parent(self, name=c.name or PROGRAM_ITEM,
                                       case=c)


class Anchor(pytest.File):
    """The file pytest is pointed at (kselftest-list.txt or a console
    log); collecting it runs (or imports) the programs."""

    def collect(self):
        plugin = self.config.stash[PLUGIN_KEY]
        for prog_id, cases in plugin.source.collect():
            yield ProgramNode.from_parent(self, name=prog_id, cases=cases)


def outcome_of(report):
    """Our outcome word from a pytest report."""
    if report.when == "setup" and report.failed:
        return "error"
    if report.when != "call":
        return None
    if hasattr(report, "wasxfail"):
        return "xfail" if report.skipped else "xpass"
    if report.skipped:
        return "skip"
    if report.passed:
        return "pass"
    longrepr = str(report.longrepr or "")
    if longrepr.startswith("[XPASS(strict)]"):
        return "xpass"
    props = dict(report.user_properties)
    if props.get("desctest_outcome") == "timeout":
        return "timeout"
    return "fail"


class DesctestPlugin:
    """Handed to pytest.main; source.collect() yields
    (program id, [Case]) and source.anchor is the file to collect."""

    def __init__(self, source):
        self.source = source
        self.outcomes = {}     # case id -> outcome from pytest's report
        self.ctrl_c = False    # pytest stopped for Ctrl-C (not for a
                               # collection error, which it also calls
                               # "interrupted")
        self.collect_errors = 0

    def pytest_keyboard_interrupt(self, excinfo):
        if not isinstance(excinfo.value, pytest.Session.Interrupted):
            self.ctrl_c = True

    def pytest_configure(self, config):
        config.stash[PLUGIN_KEY] = self

    def pytest_collect_file(self, file_path, parent):
        if str(file_path) == str(self.source.anchor):
            return Anchor.from_parent(parent, path=file_path)
        return None

    # With pytest's terminal reporter off, say engine trouble ourselves.
    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors += 1
            print("desctest: collecting %s failed:\n%s" % (
                report.nodeid, report.longrepr), file=sys.stderr)

    def pytest_internalerror(self, excrepr, excinfo):
        print("desctest: internal error in the runner:\n%s" % excrepr,
              file=sys.stderr)

    def pytest_runtest_logreport(self, report):
        props = dict(report.user_properties)
        cid = props.get("desctest_id")
        out = outcome_of(report)
        if cid is None or out is None:
            return
        if self.outcomes.get(cid) != "error":
            self.outcomes[cid] = out


def run_pytest(source):
    """Collect and run source's cases under pytest; return the plugin."""
    plugin = DesctestPlugin(source)
    anchor = str(source.anchor)
    args = [anchor, "-s", "-p", "no:terminal", "-p", "no:cacheprovider",
            "-p", "no:stepwise", "--noconftest", "-c", os.devnull,
            "--rootdir", os.path.dirname(os.path.abspath(anchor)) or "/"]
    # The user's pytest settings and installed plugins are not ours to run.
    saved = {k: os.environ.pop(k, None) for k in (
        "PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")}
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        plugin.pytest_exit = pytest.main(args, plugins=[plugin])
    finally:
        os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        os.environ.update({k: v for k, v in saved.items() if v is not None})
    return plugin

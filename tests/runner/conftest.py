# SPDX-License-Identifier: GPL-2.0-only
"""Shared helpers for the runner's own tests."""

import os
import shutil
import signal
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
RUNNER = os.path.join(TOP, "runner")
PROGS = os.path.join(HERE, "fixtures", "progs")
UPSTREAM = os.path.join(HERE, "fixtures", "upstream")

if RUNNER not in sys.path:
    sys.path.insert(0, RUNNER)


@pytest.fixture(scope="session")
def c_fixtures(tmp_path_factory):
    """Directory holding the compiled C fixtures: the one make built
    (DESCTEST_RUNNER_FIXTURES), else built here."""
    built = os.environ.get("DESCTEST_RUNNER_FIXTURES")
    if built:
        return built
    cc = shutil.which(os.environ.get("CC", "cc"))
    if not cc:
        pytest.skip("no C compiler to build the C fixtures; install gcc "
                    "or run through make runner_selftest")
    out = tmp_path_factory.mktemp("cfix")
    for src in os.listdir(PROGS):
        if src.endswith(".c"):
            subprocess.run([cc, "-O2", "-o", str(out / src[:-2]),
                            os.path.join(PROGS, src)], check=True)
    return str(out)


@pytest.fixture
def make_output(tmp_path, c_fixtures):
    """make_output(["pass.sh", "segv", ...], timeout=5, extra="") builds a
    throwaway OUTPUT with kselftest-list.txt ("progs:NAME", the program at
    OUTPUT/progs/NAME) and a settings file; returns (output, settings).
    The collection is strict (desctest's own rule, "COLLECTION.ktap=strict")
    unless strict=False (upstream's kselftest rule)."""
    def make(names, timeout=5, extra="", collection="progs", strict=True):
        out = tmp_path / "out"
        (out / "progs").mkdir(parents=True, exist_ok=True)
        for n in names:
            src = os.path.join(PROGS, n)
            if not os.path.exists(src):
                src = os.path.join(c_fixtures, n)
            if os.path.exists(src):
                shutil.copy2(src, out / "progs" / n)
        (out / "kselftest-list.txt").write_text(
            "".join("%s:%s\n" % (collection, n) for n in names))
        settings = tmp_path / "settings"
        settings.write_text("# test settings\ntimeout=%d\n%s%s" % (
            timeout, "%s.ktap=strict\n" % collection if strict else "",
            extra))
        return str(out), str(settings)
    return make


def sigint_default():
    """preexec_fn for a runner a test sends SIGINT: SIGINT at its default
    disposition in the child whatever this process inherited. A job put in
    the background by a non-interactive shell (make check > log &) starts
    with SIGINT ignored, Python leaves an ignored SIGINT ignored, and the
    runner under test would inherit it and never see the Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def sigint_ignored():
    """preexec_fn: the child starts with SIGINT ignored, as a background
    job of a non-interactive shell does."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_cli(*args, timeout=120, **kw):
    env = dict(os.environ, PYTHONPATH=RUNNER, NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "desctest_runner"] +
                          [str(a) for a in args], capture_output=True,
                          text=True, env=env, timeout=timeout, **kw)


@pytest.fixture
def cli():
    return run_cli

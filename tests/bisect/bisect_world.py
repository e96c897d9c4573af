# SPDX-License-Identifier: GPL-2.0-only
"""Helpers of the fast tests of runner/bisect-run.sh and the VM boot
scripts (tests/bisect/test_*.py; conftest.py makes the fixtures): a tiny fake
kernel repository, stand-ins for make, QEMU, Bochs and build-kernel.sh
(tests/bisect/stubs), desctest's real runner, vm-run.sh, mkinitramfs.sh and
boot.sh.  Each case runs in seconds.

lib/kbuild/build-kernel.sh and tests/vm/fetch-kernel.sh of the desctest
top bisect-run.sh runs from are stand-ins too.

A fake tree is a git repository whose top-level Makefile says VERSION = 6,
PATCHLEVEL = 12, with tools/testing/selftests/kvm/ and a file desctest-fake
whose first line tells the stand-ins how the commit behaves: "good",
"bad" (programs fail), "panic", "hang", "doneish" (guest side), "noheaders"
(make headers fails), "norelease" (the built kernel has no modules tree)."""

import os
import pathlib
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
STUBS = os.path.join(HERE, "stubs")
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"

sys.path.insert(0, os.path.join(TOP, "runner"))

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo, *args, check=True, env=None):
    e = dict(os.environ, **GIT_ENV)
    e.update(env or {})
    p = subprocess.run(["git", "-C", str(repo)] + list(args), env=e,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if check and p.returncode != 0:
        raise AssertionError("git %s: %s" % (" ".join(args), p.stderr))
    return p.stdout.strip()


def commit(repo, how, subject, when):
    (repo / "desctest-fake").write_text("%s\n# %s\n" % (how, subject))
    git(repo, "add", "-A")
    d = "2026-01-02T00:%02d:00Z" % when
    git(repo, "commit", "-q", "-m", subject,
        env={"GIT_AUTHOR_DATE": d, "GIT_COMMITTER_DATE": d})
    return git(repo, "rev-parse", "HEAD")


class FakeRepo(type(pathlib.Path())):
    """A path with the commits made in it (.commits)."""


def make_repo(tmp_path):
    """A fake kernel repository; .commits lists (hash, how) oldest first:
    good, good, bad, bad, checked out at the last."""
    r = FakeRepo(tmp_path / "linux")
    (r / "tools/testing/selftests/kvm").mkdir(parents=True)
    (r / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 12\n"
                                "SUBLEVEL = 0\nEXTRAVERSION =\n")
    (r / "tools/testing/selftests/kvm/README").write_text("fake\n")
    (r / ".gitignore").write_text("/usr/include/\n")
    git(r, "init", "-q", "-b", "main")
    hows = ["good", "good", "bad", "bad"]
    r.commits = [(commit(r, h, "step %d: %s" % (i, h), i), h)
                 for i, h in enumerate(hows)]
    return r


# Never shared with the fake top: what a test builds or files stays in
# its own directory.
PRIVATE = {".build", "results", ".git"}


def _link_tree(src, dst, replace):
    """dst: a directory of symlinks to src's entries (not PRIVATE ones);
    replace maps a relative path to a file put there instead (its parents
    real dirs)."""
    dst.mkdir(parents=True, exist_ok=True)
    tops = {p.split("/", 1)[0] for p in replace}
    for name in os.listdir(src):
        if name in tops or name in PRIVATE:
            continue
        os.symlink(os.path.join(src, name), dst / name)
    for t in tops:
        inner = {p.split("/", 1)[1]: f for p, f in replace.items()
                 if p.startswith(t + "/")}
        if inner:
            _link_tree(os.path.join(src, t), dst / t, inner)
        else:
            os.symlink(replace[t], dst / t)


class World:
    def __init__(self, tmp, repo, replace=None):
        self.tmp, self.repo = tmp, repo
        self.top = tmp / "desctest"
        rep = {"lib/kbuild/build-kernel.sh":
               os.path.join(STUBS, "build-kernel.sh"),
               "tests/vm/fetch-kernel.sh":
               os.path.join(STUBS, "fetch-kernel.sh")}
        rep.update(replace or {})
        _link_tree(TOP, self.top, rep)
        self.bin = tmp / "bin"
        self.bin.mkdir(exist_ok=True)
        for s in ("make", "qemu-system-x86_64"):
            if not (self.bin / s).exists():
                os.symlink(os.path.join(STUBS, s), self.bin / s)
        self.log = tmp / "stub.log"
        self.results = tmp / "results"
        self.qemu_pid = tmp / "qemu.pid"
        self.env = dict(os.environ, **GIT_ENV)
        for k in ("KSRC", "PYTHON", "OUTPUT", "VM_ONLY", "VM_EXCLUDE",
                  "RUN_ARGS", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
            self.env.pop(k, None)
        self.env.update({
            "PATH": "%s:%s" % (self.bin, SYSTEM_PATH),
            "RESULTS": str(self.results), "BISECT_DIR": str(tmp / "bisect"),
            "OUTPUT": str(tmp / "out"), "JOBS": "1", "VM_TIMEOUT": "20",
            "STUB_LOG": str(self.log), "STUB_QEMU_PID": str(self.qemu_pid),
            "PYTHONDONTWRITEBYTECODE": "1"})

    def script(self):
        return str(self.top / "runner" / "bisect-run.sh")

    def run(self, *args, env=None, cwd=None, timeout=120):
        e = dict(self.env)
        e.update(env or {})
        return subprocess.run([self.script()] + list(args),
                              cwd=str(cwd or self.repo), env=e,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=timeout)

    def replace_desctest(self, text, where):
        """The world's ./desctest replaced by a script with TEXT (written
        under WHERE): a runner that misbehaves on purpose."""
        fake = where / "fake-desctest"
        fake.write_text(text)
        fake.chmod(0o755)
        os.unlink(self.top / "desctest")
        os.symlink(fake, self.top / "desctest")

    def checkout(self, n):
        git(self.repo, "checkout", "-q", "--detach", self.repo.commits[n][0])

    def stub_log(self):
        return self.log.read_text().splitlines() if self.log.exists() else []

    def latest(self):
        import json
        with open(self.results / "latest" / "results.json") as f:
            return json.load(f)

    def verdict_file(self):
        """The newest step's bisect-verdict (in the run its runner filed,
        or in the run bisect-run.sh filed for it)."""
        runs = sorted(d for d in os.listdir(self.results)
                      if (self.results / d / "bisect-verdict").exists())
        assert runs, "no bisect-verdict under %s" % self.results
        return (self.results / runs[-1] / "bisect-verdict").read_text()

    def path_without(self, *names):
        """PATH with the stand-ins and every system tool but names."""
        d = self.tmp / ("path-without-" + "-".join(names))
        if not d.exists():
            d.mkdir()
            for sysdir in ("/usr/local/bin", "/usr/bin", "/usr/sbin"):
                if not os.path.isdir(sysdir):
                    continue
                for n in os.listdir(sysdir):
                    if n in names or (d / n).exists():
                        continue
                    os.symlink(os.path.join(sysdir, n), d / n)
        return "%s:%s" % (self.bin, d)


def alive(pid):
    """True while pid is a live process (a zombie counts as gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def default_sigint():
    # A test run in the background of a script inherits SIGINT ignored;
    # the scripts under test must see it as a terminal's Ctrl-C sends it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for(pred, limit):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()

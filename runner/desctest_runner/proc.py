# SPDX-License-Identifier: GPL-2.0-only
"""Running other programs, one way for every command that needs it.

run()     a command's exit status and what it printed; a command that
          cannot be started (not installed) or outlives its timeout is a
          result with returncode None and the reason, never an exception
logged()  a command with its output appended to a log file
git()     git on a tree the user owns, without the user's hooks, commit
          signing or pager: desctest's worktrees and commits are its own

Every child runs in a process group of its own.  When the caller is
interrupted (Ctrl-C; the command line turns SIGTERM and SIGHUP into the
same KeyboardInterrupt), the whole group gets SIGTERM, so that a boot
script can stop its emulator, then SIGKILL after GRACE_S; the call
returns only once the group is gone, and the interruption goes on up."""

import os
import signal
import subprocess
import time
from dataclasses import dataclass

GRACE_S = 10.0


@dataclass
class Done:
    returncode: int | None  # None: it could not run, or timed out (why)
    out: str
    err: str
    why: str = ""

    def words(self, n=30):
        """The last n words of what it printed (errors first): for one-line
        messages."""
        text = self.why or self.err.strip() or self.out
        return " ".join(text.split()[-n:])


def _group_gone(pgid, timeout):
    """Wait until no process of group pgid is left (True), at most
    timeout seconds."""
    end = time.monotonic() + timeout
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass
        if time.monotonic() >= end:
            return False
        time.sleep(0.05)


def _stop(p):
    """SIGTERM to p's process group, SIGKILL after GRACE_S; return once p
    and every other process of its group are gone."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(p.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            p.wait(timeout=GRACE_S)
        except subprocess.TimeoutExpired:
            continue
        if _group_gone(p.pid, GRACE_S):
            return


def _wait(p, timeout):
    try:
        return p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(p)
        raise
    except BaseException:
        _stop(p)
        raise


def run(cmd, cwd=None, env=None, timeout=None, merge=False, stdin=None):
    """Run cmd; a Done.  merge: stderr into out."""
    try:
        p = subprocess.Popen(
            cmd, cwd=cwd, env=env, text=True, errors="replace",
            stdin=subprocess.DEVNULL if stdin is None else stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge else subprocess.PIPE,
            start_new_session=True)
    except OSError as e:
        return Done(None, "", "", "cannot run %s: %s" % (
            cmd[0], e.strerror or e))
    try:
        out, err = _wait(p, timeout)
    except subprocess.TimeoutExpired:
        return Done(None, "", "", "%s did not finish within %d s" % (
            cmd[0], timeout))
    return Done(p.returncode, out or "", err or "")


def logged(cmd, log, cwd=None, env=None):
    """Run cmd with stdout and stderr appended to log; its exit status
    (127 when it cannot be started, the reason in the log)."""
    with open(log, "a") as f:
        f.write("$ %s\n" % " ".join(cmd))
        f.flush()
        try:
            p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=f,
                                 stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL,
                                 start_new_session=True)
        except OSError as e:
            f.write("cannot run %s: %s\n" % (cmd[0], e.strerror or e))
            return 127
        _wait(p, None)
        return p.returncode


# git for desctest's own operations in a user's repository: the user's
# hooks (post-checkout, applypatch-msg, pre-applypatch, post-applypatch)
# and signing must not run for worktrees and commits the user never asked
# for.
GIT_SAFE = ["-c", "core.hooksPath=/dev/null", "-c", "commit.gpgSign=false",
            "-c", "core.pager=cat"]
GIT_IDENTITY = {"GIT_COMMITTER_NAME": "desctest validate",
                "GIT_COMMITTER_EMAIL": "desctest@localhost",
                "GIT_AUTHOR_NAME": "desctest validate",
                "GIT_AUTHOR_EMAIL": "desctest@localhost"}


def git_cmd(tree, *args):
    return ["git", "-C", tree] + GIT_SAFE + list(args)


def git(tree, *args, check=False):
    """git -C tree args...: its stdout, "" when it failed (check=False);
    RuntimeError with git's words when it failed and check is set."""
    d = run(git_cmd(tree, *args))
    if d.returncode != 0:
        if check:
            raise RuntimeError("git %s failed: %s" % (
                " ".join(args), d.words()))
        return ""
    return d.out

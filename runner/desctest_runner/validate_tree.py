# SPDX-License-Identifier: GPL-2.0-only
"""validate: the two trees, never the user's own.

- KSRC a git tree: a detached `git worktree` per side under the work
  directory (before: HEAD or the base of COMMITS; after: HEAD with the
  patches applied by git am, or the tip of COMMITS); removed at the end.
- KSRC any other tree: a copy under the work directory, hard links where
  the file system allows, the files a patch touches and the generated
  parts (usr/, scripts/) copied for real so that nothing written in the
  copy can reach the user's files through a shared inode.
- No KSRC: Debian's linux-source-KVER as shipped, unpacked once under
  .build/validate/ with its UAPI headers installed, used as "before" as
  it is; "after" is a copy of it."""

import os
import re
import shutil
import subprocess

from .config import InputError


class ApplyError(Exception):
    """A patch that does not apply; the message is one line naming the
    patch and the file."""


def run(cmd, cwd=None, env=None, check=True):
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True,
                       errors="replace")
    if check and p.returncode != 0:
        raise RuntimeError("%s failed (exit %d): %s" % (
            " ".join(cmd), p.returncode, " ".join(p.stdout.split()[-40:])))
    return p


def is_git(tree):
    p = subprocess.run(["git", "-C", tree, "rev-parse", "--show-toplevel"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       text=True)
    return p.returncode == 0 and \
        os.path.realpath(p.stdout.strip()) == os.path.realpath(tree)


def check_ksrc(ksrc):
    """A user tree must look like a kernel tree; nothing is run in it."""
    if not os.path.isdir(ksrc):
        raise InputError("KSRC=%s: no such directory; point KSRC at the top "
                         "of a Linux source tree" % ksrc)
    try:
        with open(os.path.join(ksrc, "Makefile"), errors="replace") as f:
            ok = any(ln.startswith("PATCHLEVEL = ") for ln in f)
    except OSError:
        ok = False
    if not ok:
        raise InputError("KSRC=%s: not a kernel tree (no top-level Makefile "
                         "with VERSION/PATCHLEVEL); point KSRC at the top of "
                         "a Linux source tree" % ksrc)


def debian_tree(kver, cache, progress):
    """Debian's linux-source-KVER as shipped, unpacked once under cache
    (UAPI headers installed); its path."""
    tree = os.path.join(cache, "linux-source-%s" % kver)
    stamp = os.path.join(tree, ".desctest-pristine")
    if os.path.isfile(stamp):
        return tree
    tarball = "/usr/src/linux-source-%s.tar.xz" % kver
    if not os.path.isfile(tarball):
        raise InputError("%s missing; run 'make deps' (or: apt-get install "
                         "linux-source-%s), or pass KSRC=" % (tarball, kver))
    os.makedirs(cache, exist_ok=True)
    tmp = tree + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tmp)
    progress("unpacking %s (once, into %s)" % (tarball, tree))
    run(["tar", "-xf", tarball, "-C", tmp, "--strip-components=1"])
    progress("make headers in linux-source-%s" % kver)
    run(["make", "-s", "-C", tmp, "headers"])
    # The kernel's own build leaves objects in scripts/: they are not part
    # of the tree as shipped, and checkpatch/get_maintainer do not need them.
    os.rename(tmp, tree)
    with open(stamp, "w") as f:
        f.write("linux-source-%s as shipped, with make headers\n" % kver)
    return tree


# Parts of a tree a build writes into (make headers, host tools): a copy
# gets its own files there, never links to the user's.
_OWN_COPY = ("usr", "scripts", "include/generated",
             "arch/x86/include/generated", "tools/objtool")


def copy_tree(src, dst, progress):
    """dst: a copy of src, hard-linked where possible."""
    progress("copying %s to %s (hard links)" % (src, dst))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if run(["cp", "-al", src, dst], check=False).returncode != 0:
        shutil.rmtree(dst, ignore_errors=True)
        run(["cp", "-a", src, dst])
        return
    for rel in _OWN_COPY:
        d = os.path.join(dst, rel)
        if os.path.isdir(d):
            shutil.rmtree(d)
            run(["cp", "-a", os.path.join(src, rel), d])


def unshare(tree, files):
    """Give each file a patch touches its own inode in a hard-linked copy,
    so that applying the patch cannot write through a link."""
    for rel in files:
        path = os.path.join(tree, rel)
        if os.path.isfile(path) and not os.path.islink(path) and \
                os.stat(path).st_nlink > 1:
            tmp = path + ".desctest-unshare"
            shutil.copy2(path, tmp)
            os.replace(tmp, path)


def worktree_add(repo, path, rev):
    p = run(["git", "-C", repo, "worktree", "add", "--detach", path, rev],
            check=False)
    if p.returncode != 0:
        raise InputError("KSRC=%s: git worktree add %s failed: %s" % (
            repo, rev, " ".join(p.stdout.split()[-20:])))


def worktree_remove(repo, path):
    run(["git", "-C", repo, "worktree", "remove", "--force", path],
        check=False)
    shutil.rmtree(path, ignore_errors=True)
    run(["git", "-C", repo, "worktree", "prune"], check=False)


_GIT_ENV = {"GIT_COMMITTER_NAME": "desctest validate",
            "GIT_COMMITTER_EMAIL": "desctest@localhost",
            "GIT_AUTHOR_NAME": "desctest validate",
            "GIT_AUTHOR_EMAIL": "desctest@localhost"}


def _first_failed_file(out, patch):
    """The file a failed apply stopped at, from git's or patch's words."""
    for pat in (r"^error: patch failed: ([^:\s]+):",
                r"^error: ([^:\s]+): (?:does not exist|No such file)",
                r"^error: ([^:\s]+): already exists"):
        m = re.search(pat, out, re.M)
        if m:
            return m.group(1)
    cur = None
    for ln in out.splitlines():
        m = re.match(r"^(?:patching|checking) file '?([^']+?)'?$", ln)
        if m:
            cur = m.group(1)
        elif cur and re.search(r"FAILED|Reversed \(or previously applied\)"
                               r"|malformed", ln):
            return cur
    return cur or (patch.files[0] if patch.files else "?")


def _why(out):
    for pat, why in ((r"Reversed \(or previously applied\)",
                      "already applied, or reversed"),
                     (r"already exists", "a file it creates already exists"),
                     (r"does not exist|can't find file|No such file",
                      "a file it changes does not exist"),
                     (r"FAILED|patch failed|does not apply",
                      "its context does not match")):
        if re.search(pat, out):
            return why
    return "the patch tool refused it"


def apply(tree, patch, git_tree, desc):
    """Apply one patch to tree: git am for a mail in a git worktree, git
    apply for a mail elsewhere, patch -p1 for a plain diff.  Dry run first,
    so a refused patch leaves the tree as it was.  ApplyError: one line."""
    unshare(tree, patch.files)
    if patch.mail:
        check = ["git", "apply", "--check", "-p1", patch.path]
        env = dict(os.environ, **_GIT_ENV)
        if not git_tree:
            # A copy may sit inside some other git repository (this one's
            # .build/): git apply would then apply relative to that
            # repository's top and skip every path outside the copy.
            env["GIT_CEILING_DIRECTORIES"] = os.path.dirname(
                os.path.abspath(tree))
        p = run(check, cwd=tree, env=env, check=False)
        if p.returncode == 0:
            if git_tree:
                p = run(["git", "am", "--keep-cr", "-q", patch.path],
                        cwd=tree, env=env, check=False)
                if p.returncode != 0:
                    run(["git", "am", "--abort"], cwd=tree, check=False)
            else:
                p = run(["git", "apply", "-p1", patch.path], cwd=tree,
                        env=env, check=False)
        tool = "git am" if git_tree else "git apply"
    else:
        base = ["patch", "-p1", "-s", "-f", "-N", "--no-backup-if-mismatch",
                "-r", "-", "-i", patch.path]
        p = run(base + ["--dry-run"], cwd=tree, check=False)
        if p.returncode == 0:
            p = run(base, cwd=tree, check=False)
        tool = "patch -p1"
    if p.returncode != 0:
        if not patch.mail:
            # -s hides the file names; ask again to name the file.
            q = run(["patch", "-p1", "-f", "-N", "--dry-run",
                     "--no-backup-if-mismatch", "-r", "-", "-i", patch.path],
                    cwd=tree, check=False)
            out = q.stdout
        else:
            out = p.stdout
        raise ApplyError("PATCH %s does not apply to %s: %s (%s, %s)" % (
            patch.name, desc, _first_failed_file(out, patch), _why(out),
            tool))

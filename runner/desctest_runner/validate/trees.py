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

from .. import proc
from ..config import InputError


class ApplyError(Exception):
    """A patch that does not apply; the message is one line naming the
    patch and the file."""


def run(cmd, cwd=None, env=None, check=True):
    """cmd with stderr merged into .out; RuntimeError when check is set
    and it failed."""
    d = proc.run(cmd, cwd=cwd, env=env, merge=True)
    if check and d.returncode != 0:
        raise RuntimeError("%s failed (%s): %s" % (
            " ".join(cmd), "exit %d" % d.returncode
            if d.returncode is not None else d.why, d.words(40)))
    return d


def is_git(tree):
    top = proc.git(tree, "rev-parse", "--show-toplevel").strip()
    return bool(top) and os.path.realpath(top) == os.path.realpath(tree)


def uncommitted(tree):
    """The paths git status shows as changed or new in a git tree."""
    return [ln[3:] for ln in proc.git(tree, "status", "--porcelain",
                                      "--untracked-files=no").splitlines()
            if ln.strip()]


def merge_base(repo, a, b):
    """COMMITS=A..B: the commit both sides start from, and B's id."""
    ids = []
    for rev in (a, b):
        sha = proc.git(repo, "rev-parse", "--verify", "-q",
                       rev + "^{commit}").strip()
        if not sha:
            raise InputError("COMMITS=%s..%s: %s is not a commit of %s; "
                             "give a range of this tree's history" % (
                                 a, b, rev, repo))
        ids.append(sha)
    base = proc.git(repo, "merge-base", ids[0], ids[1]).strip()
    if not base:
        raise InputError("COMMITS=%s..%s: the two have no common ancestor "
                         "in %s; give a range of one history" % (a, b, repo))
    return base, ids[1]


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
    """A detached worktree of repo at rev, without the user's hooks."""
    d = run(proc.git_cmd(repo, "worktree", "add", "--detach", path, rev),
            check=False)
    if d.returncode != 0:
        raise InputError("KSRC=%s: git worktree add %s failed: %s" % (
            repo, rev, d.words(20)))


def _admin_dir(repo, path):
    """The $GIT_COMMON_DIR/worktrees/<name> entry of the worktree at path,
    or None."""
    common = proc.git(repo, "rev-parse", "--git-common-dir").strip()
    if not common:
        return None
    base = os.path.join(repo, common, "worktrees")
    want = os.path.realpath(os.path.join(path, ".git"))
    try:
        names = os.listdir(base)
    except OSError:
        return None
    for name in names:
        try:
            with open(os.path.join(base, name, "gitdir")) as f:
                if os.path.realpath(f.read().strip()) == want:
                    return os.path.join(base, name)
        except OSError:
            continue
    return None


def worktree_remove(repo, path):
    """Remove the worktree desctest added at path, and only it: never
    `git worktree prune`, which would also drop the user's own worktrees
    whose directories are missing (an unmounted disk)."""
    run(proc.git_cmd(repo, "worktree", "remove", "--force", path),
        check=False)
    shutil.rmtree(path, ignore_errors=True)
    admin = _admin_dir(repo, path)
    if admin:
        shutil.rmtree(admin, ignore_errors=True)


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
        check = ["git"] + proc.GIT_SAFE + ["apply", "--check", "-p1",
                                           patch.path]
        env = dict(os.environ, **proc.GIT_IDENTITY)
        if not git_tree:
            # A copy may sit inside some other git repository (this one's
            # .build/): git apply would then apply relative to that
            # repository's top and skip every path outside the copy.
            env["GIT_CEILING_DIRECTORIES"] = os.path.dirname(
                os.path.abspath(tree))
        p = run(check, cwd=tree, env=env, check=False)
        if p.returncode == 0:
            if git_tree:
                p = run(["git"] + proc.GIT_SAFE + ["am", "--keep-cr", "-q",
                                                   patch.path],
                        cwd=tree, env=env, check=False)
                if p.returncode != 0:
                    run(["git"] + proc.GIT_SAFE + ["am", "--abort"],
                        cwd=tree, check=False)
            else:
                p = run(["git"] + proc.GIT_SAFE + ["apply", "-p1",
                                                   patch.path], cwd=tree,
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
            out = q.out
        else:
            out = p.out
        raise ApplyError("PATCH %s does not apply to %s: %s (%s, %s)" % (
            patch.name, desc, _first_failed_file(out, patch), _why(out),
            tool))

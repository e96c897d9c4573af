# SPDX-License-Identifier: GPL-2.0-only
"""runner/bisect-run.sh on a fake kernel repository: its exit statuses,
what it builds, what it files, what it leaves of the user's repository."""

import os
import subprocess

from bisect_world import TOP, git


# ---- verdicts ---------------------------------------------------------------

def test_tree_mode_good_and_bad(world):
    world.checkout(1)
    p = world.run()
    assert p.returncode == 0, p.stderr
    data = world.latest()
    short = git(world.repo, "rev-parse", "--short", "HEAD")
    assert data["label"] == "bisect:manual %s step 1: good" % short
    assert {t["id"] for t in data["tests"] if t["outcome"] == "pass"} >= \
        {"host:umip", "kvm:dt_regs"}
    assert world.verdict_file() == "0 good\n"
    world.checkout(2)
    p = world.run()
    assert p.returncode == 1, p.stderr
    assert world.verdict_file() == "1 bad\n"


def test_git_bisect_run_tree_mode_names_the_first_bad_commit(world):
    r = world.repo
    git(r, "bisect", "start", r.commits[3][0], r.commits[0][0])
    p = subprocess.run(["git", "-C", str(r), "bisect", "run", world.script(),
                        "--filter", "host:*"], env=world.env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stdout
    assert git(r, "rev-parse", "refs/bisect/bad") == r.commits[2][0]


def test_git_bisect_run_kernel_mode_names_the_first_bad_commit(world):
    r = world.repo
    git(r, "bisect", "start", r.commits[3][0], r.commits[0][0])
    p = subprocess.run(["git", "-C", str(r), "bisect", "run", world.script(),
                        "--kernel", "--filter", "host:umip"], env=world.env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stdout
    assert git(r, "rev-parse", "refs/bisect/bad") == r.commits[2][0]


def test_tree_mode_vm_adds_the_guests_verdict(world):
    world.checkout(1)
    p = world.run("--vm", "--filter", "host:*")
    assert p.returncode == 0, p.stderr
    assert [l for l in world.stub_log() if l.startswith("qemu ran")] == \
        ["qemu ran host:umip host:percpu_gdt"]
    assert world.latest()["machine"]["kernel"] == "6.12.0-fake"
    assert world.verdict_file() == "0 good\n"
    # The host passes, the guest kernel panics under the suite: bad.
    p = world.run("--vm", "--filter", "host:*",
                  env={"STUB_VM_KERNEL": "panic"})
    assert p.returncode == 1, p.stderr
    assert world.latest()["machine"]["kernel"] == "6.12.0-fake"
    assert (world.results / "latest" / "bisect-verdict").read_text() == (
        "1 the kernel panicked or warned: [    1.000000] Kernel panic - not "
        "syncing: stub\n")
    # Only the differential, which stays out of the guest: the host decides.
    p = world.run("--vm", "--filter", "differential:*")
    assert p.returncode == 0, p.stderr
    assert "desctest-bisect: --vm: no program of this run goes into the " \
        "guest (VM_EXCLUDE=differential:*): the host's verdict stands" in \
        p.stderr.splitlines()


# ---- infrastructure failures are 125, never bad ----------------------------

def test_a_step_failing_before_its_boot_does_not_reuse_the_last_console(world):
    world.checkout(2)                       # bad: its console says not ok
    p = world.run("--kernel")
    assert p.returncode == 1, p.stderr
    (world.repo / "desctest-fake").write_text("norelease\n")
    git(world.repo, "commit", "-q", "-am", "no modules tree")
    p = world.run("--kernel")
    assert p.returncode == 125, p.stderr
    assert "desctest-bisect: the guest never booted (vm-run.sh exit 1 " \
        "before any console; see above)" in p.stderr.splitlines()
    assert not (world.tmp / "bisect/kernel/run/console.txt").exists()


def test_runner_that_files_nothing_is_untestable(world, tmp_path):
    world.replace_desctest("#!/bin/sh\n# SPDX-License-Identifier: "
                           "GPL-2.0-only\nexit 0\n", tmp_path)
    world.checkout(1)
    p = world.run()
    assert p.returncode == 125, p.stderr
    assert "desctest-bisect: the runner exited 0 but filed no new run " \
        "under %s" % world.results in p.stderr.splitlines()
    assert world.verdict_file().startswith("125 ")


def test_runner_filing_another_label_is_untestable(world, tmp_path):
    real = os.path.join(TOP, "desctest")
    world.replace_desctest(
        "#!/bin/bash\n# SPDX-License-Identifier: GPL-2.0-only\n"
        "[ \"$1\" = run ] || exec %s \"$@\"\n"
        "a=(); for x; do [ \"$prev\" = --label ] && x=other; "
        "a+=(\"$x\"); prev=$x; done\n"
        "exec %s \"${a[@]}\"\n" % (real, real), tmp_path)
    world.checkout(2)
    p = world.run()
    assert p.returncode == 125, p.stderr
    assert "its label is 'other', not 'bisect:" in p.stderr
    assert world.latest()["label"] == "other"


def test_runner_without_pytest_stops_the_bisect(world, tmp_path):
    nopytest = tmp_path / "python-without-pytest"
    nopytest.write_text("#!/bin/sh\n# SPDX-License-Identifier: GPL-2.0-only\n"
                        "exec /usr/bin/python3 -S \"$@\"\n")
    nopytest.chmod(0o755)
    world.checkout(2)
    p = world.run(env={"PYTHON": str(nopytest)})
    assert p.returncode == 255, p.stderr
    assert p.stderr.splitlines()[-1] == (
        "desctest-bisect: the runner cannot start: desctest: no usable "
        "Python 3 with pytest (%s: no pytest module): unset PYTHON, or point "
        "it at a Python 3 with pytest; set-up error, the same at every "
        "commit: stopping the bisect (255)" % nopytest)
    assert not world.results.exists() or not os.listdir(world.results)


# ---- set-up errors stop the bisect (255) -------------------------------------

SETUP = "; set-up error, the same at every commit: stopping the bisect (255)"


def test_unknown_option_is_255(world):
    p = world.run("--kernal")
    assert p.returncode == 255
    assert p.stderr == ("desctest-bisect: unknown option --kernal (want "
                        "--kernel, --vm, --filter GLOB, --clean)" + SETUP + "\n")


def test_filter_without_glob_is_255(world):
    for args in (["--filter"], ["--filter="], ["--filter", ""]):
        p = world.run(*args)
        assert p.returncode == 255, args
        assert p.stderr == ("desctest-bisect: --filter needs a GLOB "
                            "(collection:test, e.g. 'host:umip*')" + SETUP
                            + "\n")


def test_filter_naming_no_program_is_255(world):
    p = world.run("--filter", "host:nosuch*")
    assert p.returncode == 255, p.stderr
    assert p.stderr.splitlines()[-1] == (
        "desctest-bisect: --filter host:nosuch* names no program of the "
        "suite" + SETUP)
    # Kernel mode: the differential stays out of the guest.
    p = world.run("--kernel", "--filter", "differential:*")
    assert p.returncode == 255, p.stderr
    assert p.stderr.splitlines()[-1] == (
        "desctest-bisect: --filter differential:* (VM_EXCLUDE=differential:*)"
        " names no program of the suite" + SETUP)


def test_qemu_missing_is_255(world):
    os.unlink(world.bin / "qemu-system-x86_64")
    p = world.run("--kernel", env={
        "PATH": world.path_without("qemu-system-x86_64")})
    assert p.returncode == 255, p.stderr
    assert p.stderr == ("desctest-bisect: qemu-system-x86_64 not found: "
                        "apt-get install qemu-system-x86 (or make deps)"
                        + SETUP + "\n")


def test_flex_missing_is_255(world):
    p = world.run(env={"PATH": world.path_without("flex")})
    assert p.returncode == 255, p.stderr
    assert p.stderr == ("desctest-bisect: flex not found: 'make headers' in "
                        "the tree and the programs' build need it (apt-get "
                        "install flex, or make deps)" + SETUP + "\n")


def test_build_kernel_bad_environment_is_255_and_a_failed_build_125(world):
    p = world.run("--kernel", env={"STUB_BUILD_KERNEL_EXIT": "2"})
    assert p.returncode == 255, p.stderr
    assert p.stderr.splitlines()[-1] == (
        "desctest-bisect: lib/kbuild/build-kernel.sh cannot build here (bad "
        "environment or arguments: the line above)" + SETUP)
    assert "build-kernel.sh: stub failure 2" in p.stderr
    p = world.run("--kernel", env={"STUB_BUILD_KERNEL_EXIT": "1"})
    assert p.returncode == 125, p.stderr
    assert world.verdict_file().startswith("125 the kernel did not build")


def test_ksrc_naming_another_tree_is_255(world, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    world.checkout(1)
    p = world.run(env={"KSRC": str(other)})
    assert p.returncode == 255, p.stderr
    assert p.stderr == (
        "desctest-bisect: KSRC=%s is set, but git bisect runs in %s: the "
        "tree tested is the one being bisected; unset KSRC (or run the "
        "bisect in %s)" % (other, world.repo, other) + SETUP + "\n")
    # The tree being bisected itself is fine.
    p = world.run(env={"KSRC": str(world.repo)})
    assert p.returncode == 0, p.stderr


# ---- --filter narrows the build, one rule on host and guest -------------------

def test_filter_builds_only_the_matching_programs(world):
    world.checkout(1)
    p = world.run("--filter", "host/umip")
    assert p.returncode == 0, p.stderr
    out = world.tmp / "out"
    builds = [l for l in world.stub_log() if l.startswith("make ")
              and "validate_list" not in l and " headers" not in l]
    assert len(builds) == 1, builds
    assert builds[0].split()[-2:] == ["%s/host/umip" % out, "all_extra"]
    assert "all" not in builds[0].split()
    assert (out / "kselftest-list.txt").read_text() == "host:umip\n"
    assert [pr["id"] for pr in world.latest()["programs"]] == ["host:umip"]


def test_filter_in_either_form_picks_the_same_programs_in_the_guest(world):
    world.checkout(1)
    for glob in ("host/umip", "host:umip"):
        world.log.unlink() if world.log.exists() else None
        p = world.run("--kernel", "--filter", glob)
        assert p.returncode == 0, p.stderr
        assert [l for l in world.stub_log() if l.startswith("qemu ran")] == \
            ["qemu ran host:umip"]
        assert [pr["id"] for pr in world.latest()["programs"]] == \
            ["host:umip"]


# ---- the user's repository ----------------------------------------------------

def worktrees(repo):
    return [l.split(" ", 1)[1] for l in
            git(repo, "worktree", "list", "--porcelain").splitlines()
            if l.startswith("worktree ")]


def test_kernel_mode_keeps_the_users_other_worktrees_and_skips_hooks(
        world, tmp_path):
    r = world.repo
    world.checkout(1)
    away = tmp_path / "on-another-disk"
    git(r, "worktree", "add", "-q", "--detach", str(away), r.commits[0][0])
    os.rename(away, tmp_path / "unmounted")        # the disk went away
    hooks = r / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "post-checkout").write_text(
        "#!/bin/sh\n# SPDX-License-Identifier: GPL-2.0-only\n"
        "echo ran >>%s\nexit 1\n" % (tmp_path / "hook-ran"))
    (hooks / "post-checkout").chmod(0o755)
    git(r, "config", "commit.gpgSign", "true")
    for step in range(2):                 # worktree add, then checkout
        p = world.run("--kernel")
        assert p.returncode == 0, p.stderr
    src = os.path.realpath(world.tmp / "bisect/kernel/src")
    assert sorted(worktrees(r)) == sorted([str(r), str(away), src])
    assert not (tmp_path / "hook-ran").exists()

    # --clean: refused while a bisect is in progress, then only ours goes.
    git(r, "-c", "core.hooksPath=/dev/null", "bisect", "start",
        r.commits[3][0], r.commits[0][0])
    p = world.run("--clean")
    assert p.returncode == 255
    assert p.stderr == ("desctest-bisect: a bisect is in progress in %s: "
                        "run 'git bisect reset' first, then --clean" % r
                        + SETUP + "\n")
    git(r, "-c", "core.hooksPath=/dev/null", "bisect", "reset")
    p = world.run("--clean")
    assert p.returncode == 0, p.stderr
    assert worktrees(r) == [str(r), str(away)]
    assert not os.path.exists(src)
    p = world.run("--clean")
    assert p.returncode == 0
    assert "nothing to remove" in p.stderr


def test_uncommitted_changes_are_named_once_per_bisect(world):
    r = world.repo
    with open(r / "Makefile", "a") as f:
        f.write("# a local change\n")
    line = ("desctest-bisect: %s has uncommitted changes: tree mode builds "
            "and tests them with every commit; commit or stash them to "
            "bisect the commits alone" % r)
    git(r, "bisect", "start", r.commits[3][0], r.commits[0][0])
    p = world.run()
    assert p.stderr.splitlines().count(line) == 1, p.stderr
    git(r, "bisect", "good")
    p = world.run()
    assert line not in p.stderr.splitlines()
    git(r, "bisect", "reset")
    p = world.run("--kernel")
    assert ("desctest-bisect: %s has uncommitted changes: kernel mode does "
            "not test them (each commit is built from a clean worktree); "
            "commit them to have them bisected" % r) in p.stderr.splitlines()


def test_not_a_kernel_tree_is_255(world, tmp_path):
    other = tmp_path / "project"
    other.mkdir()
    git(other, "init", "-q")
    (other / "README").write_text("not a kernel\n")
    git(other, "add", "-A")
    git(other, "commit", "-q", "-m", "x")
    p = world.run(cwd=other)
    assert p.returncode == 255, p.stderr
    assert p.stderr == (
        "desctest-bisect: %s is not a kernel tree (no top-level Makefile "
        "with PATCHLEVEL): run git bisect in the top of a Linux tree"
        % other + SETUP + "\n")


def test_bisecting_desctest_itself_tests_each_commit_against_ksrc(world):
    # git bisect in desctest's own repository: KSRC is the kernel tree
    # every desctest commit is tested against, and the label names the
    # desctest commit.
    git(world.top, "init", "-q")
    git(world.top, "add", "-A")
    git(world.top, "commit", "-q", "-m", "desctest: a change")
    short = git(world.top, "rev-parse", "--short", "HEAD")
    world.checkout(2)
    p = world.run(cwd=world.top, env={"KSRC": str(world.repo)})
    assert p.returncode == 1, p.stderr
    assert world.latest()["label"] == "bisect:manual %s desctest: a change" \
        % short
    p = world.run(cwd=world.top)
    assert p.returncode == 255
    assert p.stderr == (
        "desctest-bisect: git bisect runs in desctest itself: set "
        "KSRC=/path/to/linux, the kernel tree each desctest commit is tested "
        "against" + SETUP + "\n")
    p = world.run("--kernel", cwd=world.top, env={"KSRC": str(world.repo)})
    assert p.returncode == 255
    assert p.stderr == (
        "desctest-bisect: kernel mode bisects a kernel tree: run git bisect "
        "in the kernel tree, not in desctest" + SETUP + "\n")

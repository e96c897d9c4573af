# SPDX-License-Identifier: GPL-2.0-only
"""./desctest import-lava on the recorded LAVA logs of tests/lava/data
(make-logs.py says how they were made): two shards merged into one run,
a duplicate KTAP name, a SKIP with its reason, the same log twice, a
shard whose machine stopped, and bad input."""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(HERE, "data")
sys.path.insert(0, os.path.join(TOP, "runner"))

from desctest_runner import lava  # noqa: E402


def run(results, *logs):
    p = subprocess.run([os.path.join(TOP, "desctest"), "import-lava",
                        "--results", str(results)] +
                       [l if os.path.isabs(l) else os.path.join(DATA, l)
                        for l in logs],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, stdin=subprocess.DEVNULL)
    return p


def load(results):
    with open(os.path.join(results, "latest", "results.json")) as f:
        return json.load(f)


KVM_SKIP = ("- Cannot open /sys/module/kvm/parameters/"
            "force_emulation_prefix: No such file or directory")


def test_two_shards_make_one_run(tmp_path):
    p = run(tmp_path, "shard-1.yaml", "shard-2.yaml")
    assert p.returncode == 1, p.stderr
    d = load(tmp_path)
    assert d["complete"] is True
    assert d["label"] == "lava"
    assert [(x["id"], x["outcome"], x["returncode"]) for x in d["programs"]] == [
        ("demo:ktap", "fail", 1), ("demo:pass", "pass", 0),
        ("kvm:dt_regs", "skip", 4), ("kvm:tss_decode", "skip", 4),
        ("kvm:ist", "skip", 4), ("kvm:vmx_host_tr", "skip", 4),
        ("module:tss_module_test", "skip", 4)]
    tests = [(t["id"], t["outcome"], t["reason"]) for t in d["tests"]
             if t["program"] == "demo:ktap"]
    assert tests == [
        ("demo:ktap::first", "pass", ""),
        ("demo:ktap::second thing", "fail",
         "second: value seen 0x10 wanted 0x20"),
        ("demo:ktap::third", "skip", "no such device"),
        ("demo:ktap::first [2]", "pass", ""),
        ("demo:ktap::known", "xfail", "the old kernel's bug"),
        ("demo:ktap", "fail", "exit 1: 1 test(s) failed: second thing")]
    kvm = [t for t in d["tests"] if t["id"] == "kvm:dt_regs"]
    assert [(t["outcome"], t["reason"]) for t in kvm] == [("skip", KVM_SKIP)]
    assert d["machine"]["kernel"] == "6.12.118+deb12-amd64"
    assert d["machine"]["cpu"] == "QEMU TCG CPU version 2.5+"
    assert [(l["log"], l["job_result"], l["lava_cases"], l["desctest_done"])
            for l in d["lava"]] == [
        (os.path.join(DATA, "shard-1.yaml"), "pass",
         {"pass": 3, "fail": 2, "skip": 1}, True),
        (os.path.join(DATA, "shard-2.yaml"), "pass",
         {"pass": 2, "skip": 6}, True)]
    run_dir = os.path.join(tmp_path, "latest")
    for f in ("junit.xml", "summary.md", "raw/lava/1-shard-1.yaml",
              "raw/lava/2-shard-2.yaml"):
        assert os.path.isfile(os.path.join(run_dir, f)), f
    with open(os.path.join(run_dir, "junit.xml")) as f:
        junit = f.read()
    assert 'name="second thing"' in junit


def test_compare_reads_a_lava_run(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run(a, "shard-1.yaml", "shard-2.yaml").returncode == 1
    assert run(b, "shard-1.yaml").returncode == 1
    p = subprocess.run([os.path.join(TOP, "desctest"), "compare",
                        str(a / "latest"), str(b / "latest")],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    # The kvm and module programs are missing from B.
    assert p.returncode == 1, p.stdout + p.stderr
    assert "kvm:dt_regs" in p.stdout


def test_the_same_log_twice_files_the_second_with_plus(tmp_path):
    p = run(tmp_path, "shard-1.yaml", "shard-1.yaml")
    assert p.returncode == 1, p.stderr
    assert [x["id"] for x in load(tmp_path)["programs"]] == [
        "demo:ktap", "demo:pass", "demo:ktap+", "demo:pass+"]


def test_a_shard_that_stopped_is_a_program_that_died(tmp_path):
    p = run(tmp_path, "shard-1.yaml", "stopped.yaml")
    assert p.returncode == 1, p.stderr
    d = load(tmp_path)
    died = [x for x in d["programs"] if x["id"] == "kvm:dt_regs"]
    assert [(x["status"], x["outcome"]) for x in died] == [("died", "fail")]
    assert [l["desctest_done"] for l in d["lava"]] == [True, False]
    assert [l["job_result"] for l in d["lava"]] == ["pass", "fail"]


def test_a_line_that_is_no_record_files_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    with open(os.path.join(DATA, "shard-1.yaml")) as f:
        lines = f.read().splitlines()
    lines[3] = lines[3][:-1]            # the closing brace cut off
    bad.write_text("\n".join(lines) + "\n")
    res = tmp_path / "res"
    p = run(res, "shard-1.yaml", str(bad))
    assert p.returncode == 2
    assert p.stderr == (
        "desctest: %s line 4 is not a LAVA log record ('}' expected at "
        "column %d); pass lava-run's log (its stderr) or the job's log "
        "from the LAVA server, unchanged\n" % (bad, len(lines[3]) - 1))
    assert not res.exists()


def test_a_missing_log(tmp_path):
    p = run(tmp_path / "res", str(tmp_path / "none.yaml"))
    assert p.returncode == 2
    assert p.stderr == ("desctest: LAVA log %s not found; pass lava-run's "
                        "log (its stderr) or the job's log from the LAVA "
                        "server\n" % (tmp_path / "none.yaml"))
    assert not (tmp_path / "res").exists()


def test_an_empty_log(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("\n")
    p = run(tmp_path / "res", str(empty))
    assert p.returncode == 2
    assert "holds no LAVA log records" in p.stderr
    assert not (tmp_path / "res").exists()


@pytest.mark.parametrize("line,msg", [
    # As LAVA's logger (lava_common.log.dump) wrote them.
    (r'{"dt": "x", "lvl": "target", "msg": "a \"q\" \\ \xE9 \e[0m\ttab  # x: y"}',
     'a "q" \\ \xe9 \x1b[0m\ttab  # x: y'),
    (r'- {"dt": "x", "lvl": "results", "msg": {"case": "kvm_dt", "extra": '
     r'{"a": [! "1", ! "null"]}, "measurement": ! "1.5", "result": "pass"}}',
     {"case": "kvm_dt", "extra": {"a": ["1", "null"]}, "measurement": "1.5",
      "result": "pass"}),
    (r'{"dt": "x", "lvl": "target", "msg": "\u2019\U0001F600"}',
     "\u2019\U0001F600"),
])
def test_record_parser(line, msg):
    assert lava.parse_record(line)["msg"] == msg


@pytest.mark.parametrize("line", [
    '{"dt": "x", "lvl": "target", "msg": "open',
    '{"dt": "x", "lvl": "target", "msg": "\\q"}',
    '{"dt": "x", "msg": "no level"}',
    '{"lvl": "target", "msg": "x"} trailing',
])
def test_record_parser_refuses(line):
    with pytest.raises(ValueError):
        lava.parse_record(line)


def test_a_real_lava_run_log(tmp_path):
    """lava-run's stderr from make lava_tests (lava-dispatcher 2023.01):
    Debian's 6.12 kernel under QEMU TCG, collections kvm and module."""
    p = run(tmp_path, "lava-run.yaml")
    assert p.returncode == 0, p.stderr
    d = load(tmp_path)
    assert [(x["id"], x["outcome"], x["returncode"]) for x in d["programs"]] == [
        ("kvm:dt_regs", "skip", 4), ("kvm:tss_decode", "skip", 4),
        ("kvm:tss_decode_unpatched", "skip", 4), ("kvm:migrate", "skip", 4),
        ("kvm:ist", "skip", 4), ("kvm:vmx_host_tr", "skip", 4),
        ("kvm:vmx_host_tr_unpatched", "skip", 4),
        ("module:tss_module_test", "skip", 4)]
    assert [(l["job_result"], l["lava_cases"], l["desctest_done"])
            for l in d["lava"]] == [("pass", {"skip": 9}, True)]
    assert d["machine"]["kernel"] == "6.12.118+deb12-amd64"


def lava_job(*args):
    return subprocess.run([os.path.join(TOP, "desctest"), "lava-job"] +
                          list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True,
                          stdin=subprocess.DEVNULL)


def test_lava_job_renders_urls_and_params(tmp_path):
    k = tmp_path / "bzImage"
    k.write_text("k")
    p = lava_job("--kernel", str(k), "--ramdisk", "http://lab.example/r.cpio.gz",
                 "--tarball", "https://lab.example/desctest.tar.xz",
                 "--collections", " kvm   host ", "--skiplist", "kvm:ist",
                 "--shard-number", "4", "--shard-index", "3")
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""
    assert '        url: "file://%s"\n' % k in p.stdout
    assert '        url: "http://lab.example/r.cpio.gz"\n' in p.stdout
    assert 'job_name: "desctest bzImage shard 3/4"\n' in p.stdout
    for line in ('  COLLECTIONS: "kvm host"', '  SKIPLIST: "kvm:ist"',
                 '  SHARD_NUMBER: "4"', '  SHARD_INDEX: "3"'):
        assert "\n        " + line + "\n" in p.stdout, line


def test_lava_job_writes_a_file(tmp_path):
    out = tmp_path / "job.yaml"
    p = lava_job("--kernel", "http://k", "--ramdisk", "http://r",
                 "--tarball", "http://t", "-o", str(out))
    assert (p.returncode, p.stdout, p.stderr) == (0, "", "")
    assert out.read_text().startswith("# SPDX-License-Identifier")


@pytest.mark.parametrize("args,err", [
    (["--kernel", "/nonexistent/bzImage"],
     "desctest: --kernel /nonexistent/bzImage: no such file; give a file "
     "here or an http(s):// URL the LAVA worker can fetch\n"),
    (["--kernel", "http://k", "--shard-number", "2", "--shard-index", "3"],
     "desctest: --shard-index 3 of --shard-number 2: want 1 to the number "
     "of shards\n"),
    (["--kernel", "http://k", "--test-minutes", "0"],
     "desctest: --test-minutes 0: want 1 or more\n"),
])
def test_lava_job_bad_options(tmp_path, args, err):
    out = tmp_path / "job.yaml"
    p = lava_job(*(args + ["--ramdisk", "http://r", "--tarball", "http://t",
                           "-o", str(out)]))
    assert (p.returncode, p.stdout, p.stderr) == (2, "", err)
    assert not out.exists()

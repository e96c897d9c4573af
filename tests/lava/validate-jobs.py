#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""validate-jobs.py TOP KERNEL RAMDISK TARBALL

Every job `./desctest lava-job` renders here, from each template of
lava/jobs and with the options that change it (collections, skip list,
shards), validated against LAVA's own job schema (Debian's lava-common,
lava_common.schemas.validate, strict), and lava/devices/*.yaml against
its device schema. A job that breaks the schema must fail it (the
validator is not a no-op). Prints one line per job; exit 1 on the first
failure."""

import copy
import os
import subprocess
import sys

try:
    import yaml
    from lava_common.schemas import validate
    from lava_common.schemas import device as device_schema
except ImportError as e:
    print("lava_check: FAIL: %s: LAVA's schema needs Debian's lava-common "
          "and python3-yaml (make deps)" % e)
    sys.exit(1)

top, kernel, ramdisk, tarball = sys.argv[1:5]
CASES = [
    [],
    ["--collections", "kvm host", "--skiplist", "kvm:migrate kvm:*_unpatched"],
    ["--shard-number", "3", "--shard-index", "2", "--test-minutes", "90"],
]


def fail(msg):
    print("lava_check: FAIL: %s" % msg)
    sys.exit(1)


def render(template, opts, urls):
    k, r, t = urls
    p = subprocess.run([os.path.join(top, "desctest"), "lava-job",
                        "--template", template, "--kernel", k,
                        "--ramdisk", r, "--tarball", t] + opts,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if p.returncode != 0:
        fail("desctest lava-job %s exited %d: %s"
             % (" ".join(opts), p.returncode, p.stderr.strip()))
    return yaml.safe_load(p.stdout)


n = 0
jobs = os.path.join(top, "lava", "jobs")
for name in sorted(os.listdir(jobs)):
    if not name.endswith(".yaml.in"):
        continue
    template = os.path.join(jobs, name)
    urls = (kernel, ramdisk, tarball) if name.startswith("qemu") else (
        "http://lab.example/bzImage", "http://lab.example/ramdisk.cpio.gz",
        "http://lab.example/desctest.tar.xz")
    for opts in CASES:
        job = render(template, opts, urls)
        try:
            validate(job, strict=True)
        except Exception as e:
            fail("%s %s: LAVA's schema refuses the job: %s"
                 % (name, " ".join(opts), e))
        params = job["actions"][-1]["test"]["definitions"][0][
            "repository"]["params"]
        want = dict(zip(opts[::2], opts[1::2]))
        for opt, key in (("--collections", "COLLECTIONS"),
                         ("--skiplist", "SKIPLIST"),
                         ("--shard-number", "SHARD_NUMBER"),
                         ("--shard-index", "SHARD_INDEX")):
            if params[key] != want.get(opt, {"--shard-number": "1",
                                             "--shard-index": "1"}.get(opt, "")):
                fail("%s %s: params %s is %r" % (name, " ".join(opts), key,
                                                  params[key]))
        n += 1
        print("lava_check: ok: %s %s: valid (LAVA's job schema)"
              % (name, " ".join(opts) or "(defaults)"))
        broken = copy.deepcopy(job)
        del broken["actions"][0]["deploy"]["to"]
        try:
            validate(broken, strict=True)
        except Exception:
            pass
        else:
            fail("%s: the schema took a deploy without 'to'" % name)

devices = os.path.join(top, "lava", "devices")
for name in sorted(os.listdir(devices)):
    with open(os.path.join(devices, name)) as f:
        dev = yaml.safe_load(f)
    try:
        device_schema.validate(dev)
    except Exception as e:
        fail("lava/devices/%s: LAVA's device schema refuses it: %s" % (name, e))
    print("lava_check: ok: lava/devices/%s: valid (LAVA's device schema)" % name)
if n == 0:
    fail("no job template in %s" % jobs)

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes the recorded LAVA logs of tests/lava/data from console.txt (the
console of tests/lava/guest-steps.sh's run A, lava-test-case's calls as
the recorder printed them), each record encoded by LAVA's own logger
(lava_common.log.dump, Debian's lava-common 2023.01):

  shard-1.yaml   demo's programs as shard 1 of 2, a LAVA server's job log
                 ("- " before each record)
  shard-2.yaml   kvm's and module's as shard 2 of 2, lava-run's stderr
  stopped.yaml   a shard whose machine stopped inside kvm:dt_regs

A lava-test-case call becomes what LAVA makes of it: the signal line on
the console and a "results" record."""

import os
import re
import sys

from lava_common.log import dump

here = os.path.dirname(os.path.abspath(__file__))
DT = "2026-12-06T22:40:%02d.%06d"


class Log:
    def __init__(self, prefix):
        self.prefix = prefix
        self.lines = []

    def rec(self, lvl, msg):
        n = len(self.lines)
        self.lines.append(self.prefix + dump(
            {"dt": DT % (n // 1000 % 60, n % 1000 * 997), "lvl": lvl,
             "msg": msg}))

    def write(self, name):
        with open(os.path.join(here, name), "w") as f:
            f.write("\n".join(self.lines) + "\n")


def job(prefix, machine, shard, body, done=True):
    log = Log(prefix)
    log.rec("info", "start: 3.1 lava-test-shell (timeout 00:20:00) [common]")
    log.rec("target", "+ cd /lava-1/0/tests/0_desctest")
    for line in [machine, "DESCTEST-INFO cpus=1",
                 "DESCTEST-INFO lava_shard=%s" % shard] + body:
        m = re.fullmatch(r"LTC (\S+) --result (\S+)", line)
        if not m:
            log.rec("target", line)
            continue
        log.rec("target", "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=%s RESULT=%s>"
                % m.groups())
        log.rec("results", {"definition": "0_desctest", "case": m.group(1),
                            "result": m.group(2), "namespace": "common",
                            "level": "3.1.5"})
    if done:
        log.rec("target", "DESCTEST-DONE")
        log.rec("results", {"definition": "lava", "case": "job",
                            "result": "pass"})
    else:
        log.rec("error", "lava-test-shell timed out after 1200 seconds")
        log.rec("results", {"definition": "lava", "case": "job",
                            "result": "fail", "error_type": "Test"})
    return log


con = open(os.path.join(here, "console.txt")).read().splitlines()
machine = con[0]
assert machine.startswith("DESCTEST-MACHINE "), machine
body = [l for l in con[1:] if not l.startswith(("DESCTEST-INFO", "DESCTEST-DONE"))]
cut = body.index("DESCTEST-BEGIN kvm:dt_regs")
# run_kselftest.sh's own header for kvm comes just before.
while not body[cut - 1].startswith("DESCTEST-END"):
    cut -= 1
job("- ", machine, "1/2", body[:cut]).write("shard-1.yaml")
job("", machine, "2/2", body[cut:]).write("shard-2.yaml")
end = next(i for i, l in enumerate(body) if l.startswith("DESCTEST-END kvm:dt_regs"))
job("- ", machine, "2/2", body[cut:end] + ["BUG: kernel NULL pointer dereference, address: 0000000000000008"],
    done=False).write("stopped.yaml")
print("wrote shard-1.yaml shard-2.yaml stopped.yaml", file=sys.stderr)

# SPDX-License-Identifier: GPL-2.0-only
"""import-console under a flood: a guest whose program floods the
console costs the runner bounded memory and disk, as a local run does;
what is not kept is counted and named, and the verdict still comes from
every result."""

import json

from desctest_runner import execute

MIB = 1024 * 1024


def test_flooded_console_is_filed_within_the_caps(cli, tmp_path):
    log = tmp_path / "console.log"
    diag = b"# " + b"x" * 60000 + b"\n"
    with open(log, "wb") as f:
        f.write(b"DESCTEST-MACHINE kernel=6.12.0 cpu=guest\n"
                b"DESCTEST-BEGIN k:flood\nTAP version 13\n1..600\n")
        for i in range(1, 601):
            f.write(diag + b"ok %d r%d\n" % (i, i))
        f.write(b"DESCTEST-END k:flood rc=0 ms=5\n"
                b"DESCTEST-BEGIN k:endless\nTAP version 13\n1..1\nok 1 a\n")
        chunk = b"y" * MIB
        for _ in range(20):
            f.write(chunk)
        f.write(b"\nDESCTEST-END k:endless rc=0 ms=5\nDESCTEST-DONE\n")
    size = log.stat().st_size
    assert size > 54 * MIB
    p = cli("import-console", "--results", tmp_path / "results", "--label",
            "vm-flood", log)
    assert p.returncode == 0, p.stderr
    run = tmp_path / "results" / "latest"
    data = json.loads((run / "results.json").read_text())
    progs = {x["id"]: x for x in data["programs"]}
    assert progs["k:flood"]["outcome"] == "pass", progs["k:flood"]
    assert progs["k:endless"]["outcome"] == "pass", progs["k:endless"]
    tests = [t for t in data["tests"] if t["program"] == "k:flood"]
    assert len(tests) == 601 and all(t["outcome"] == "pass" for t in tests)
    # Every file the run keeps is bounded, and says where it was cut.
    cap = execute.RAW_MAX
    copy = run / "raw" / "console.log"
    assert copy.stat().st_size < cap + 1024
    assert copy.read_bytes().rstrip().endswith(
        b"were read but not kept; this file keeps the first %d" % cap)
    flood = run / progs["k:flood"]["stdout"]
    assert flood.stat().st_size < cap + 1024
    assert progs["k:flood"]["output_cut"]["stdout_raw_bytes"] > 0
    endless = run / progs["k:endless"]["stdout"]
    assert endless.stat().st_size < cap + 1024
    assert progs["k:endless"]["output_cut"]["long_lines"] == 1
    assert (run / "results.json").stat().st_size < 20 * MIB
    notes = " ".join(progs["k:endless"]["ktap_problems"])
    assert "longer than %d bytes cut" % execute.MAX_LINE in notes

# SPDX-License-Identifier: GPL-2.0-only
"""The KTAP parser on the formats kselftest programs and runners print."""

import os

from desctest_runner import ktap


def parse(text):
    return ktap.parse_text(text)


def outcomes(doc):
    return [(r.name, r.outcome) for r in doc.results]


def test_headers_all_accepted():
    for head in ("TAP version 13", "TAP version 14", "KTAP version 1"):
        d = parse(head + "\n1..1\nok 1 a\n")
        assert d.version == head.replace(" version", "")
        assert d.problems == []
        assert outcomes(d) == [("a", "pass")]


def test_plan_zero_skip():
    d = parse("TAP version 13\n1..0 # SKIP /dev/kvm missing\n")
    assert d.plan == 0 and d.skipped_whole
    assert d.plan_reason == "/dev/kvm missing"
    assert d.problems == []


def test_directives():
    d = parse("""KTAP version 1
1..9
ok 1 a # SKIP no vmx
ok 2 # XFAIL helper sign-extends
ok 3 c # XPASS
not ok 4 d # TIMEOUT 45 seconds
not ok 5 # error could not map memory
not ok 6 f # TODO not written yet
ok 7 g # TODO not written yet
not ok 8 h # exit=1
ok 9 i #  plain message
""")
    assert outcomes(d) == [
        ("a", "skip"), ("helper sign-extends", "xfail"), ("c", "xpass"),
        ("d", "timeout"), ("could not map memory", "error"),
        ("f", "xfail"), ("g", "xpass"), ("h", "fail"), ("i", "pass")]
    assert d.results[0].reason == "no vmx"
    assert d.results[3].reason == "45 seconds"
    assert d.results[7].note == "exit=1"
    assert d.results[8].note == "plain message"
    assert d.problems == []


def test_hash_inside_description_is_not_a_directive():
    d = parse("1..1\nok 1 check #GP(0) delivery\n")
    r = d.results[0]
    assert (r.description, r.directive) == ("check #GP(0) delivery", None)


def test_totals_agree_and_disagree():
    good = parse("""TAP version 13
1..4
ok 1 a
not ok 2 b
ok 3 # SKIP c
ok 4 # XFAIL d
# Totals: pass:1 fail:1 xfail:1 xpass:0 skip:1 error:0
""")
    assert good.totals == {"pass": 1, "fail": 1, "xfail": 1, "xpass": 0,
                           "skip": 1, "error": 0}
    assert good.problems == []
    bad = parse("1..1\nok 1 a\n# Totals: pass:0 fail:1 xfail:0 xpass:0 "
                "skip:0 error:0\n")
    assert "# Totals says pass:0 but 1 counted" in bad.problems
    assert "# Totals says fail:1 but 0 counted" in bad.problems


def test_stopped_mid_stream_and_extra_results():
    assert parse("1..3\nok 1 a\n").problems == [
        "stopped mid-stream: plan 1..3 but 1 result(s)"]
    assert parse("1..1\nok 1 a\nok 2 b\n").problems == [
        "plan 1..1 but 2 result(s)"]


def test_bail_out_stops_parsing():
    d = parse("1..3\nok 1 a\nBail out! no /dev/kvm\nok 2 b\n")
    assert d.bail_out == "no /dev/kvm"
    assert len(d.results) == 1
    assert d.problems[0] == "Bail out! no /dev/kvm"


def test_numbering_problem_reported():
    d = parse("1..2\nok 1 a\nok 3 b\n")
    assert d.problems == ["line 3: result numbered 3, expected 2"]


def test_diagnostics_attach_to_the_next_result():
    d = parse("1..1\n# base SEEN 0x1 WANTED 0x2\nnot ok 1 base\n")
    assert d.results[0].diagnostics == ["base SEEN 0x1 WANTED 0x2"]
    assert d.results[0].children is None


def test_indented_subtests():
    d = parse("""KTAP version 1
1..2
    KTAP version 1
    # Subtest: gdt
    1..2
    ok 1 base
    not ok 2 limit
not ok 1 gdt
    KTAP version 1
    1..1
    ok 1 only
ok 2 idt
""")
    assert outcomes(d) == [("gdt", "fail"), ("idt", "pass")]
    assert outcomes(d.results[0].children) == [("base", "pass"),
                                               ("limit", "fail")]
    assert d.results[0].children.subtest_name == "gdt"
    assert [("/".join(p), r.outcome) for p, r in d.walk()] == [
        ("gdt/base", "pass"), ("gdt/limit", "fail"), ("gdt", "fail"),
        ("idt/only", "pass"), ("idt", "pass")]
    assert d.problems == []


def test_prefixed_nesting_like_the_kselftest_runner():
    d = parse("""TAP version 13
1..2
# timeout set to 45
# selftests: kvm: one
# TAP version 13
# 1..2
# # checking
# ok 1 a
# not ok 2 b
# # Totals: pass:1 fail:1 xfail:0 xpass:0 skip:0 error:0
not ok 1 selftests: kvm: one # exit=1
# timeout set to 45
# selftests: kvm: two
# plain text, no KTAP
ok 2 selftests: kvm: two
""")
    one, two = d.results
    assert one.outcome == "fail" and one.note == "exit=1"
    assert outcomes(one.children) == [("a", "pass"), ("b", "fail")]
    assert one.children.totals["fail"] == 1
    assert one.children.problems == []
    assert two.children is None
    assert "plain text, no KTAP" in two.diagnostics


def test_prefixer_late_lines_after_the_parent_result():
    # The prefixer runs in its own pipe stage: a child's last lines can
    # arrive after the runner already printed the parent's result.
    d = parse("""TAP version 13
1..2
# timeout set to 45
# selftests: kvm: one
# TAP version 13
# 1..2
# ok 1 a
ok 1 selftests: kvm: one
# ok 2 b
# # Totals: pass:2 fail:0 xfail:0 xpass:0 skip:0 error:0
# timeout set to 45
# selftests: kvm: two
# TAP version 13
# 1..1
# ok 1 c
ok 2 selftests: kvm: two
# # Totals: pass:1 fail:0 xfail:0 xpass:0 skip:0 error:0
""")
    one, two = d.results
    assert outcomes(one.children) == [("a", "pass"), ("b", "pass")]
    assert one.children.totals["pass"] == 2
    assert one.children.problems == []
    assert outcomes(two.children) == [("c", "pass")]
    assert two.children.totals["pass"] == 1
    assert two.children.problems == []
    assert d.problems == []


def test_garbage_has_no_structure():
    d = ktap.parse(["Segmentation fault", "\x01\x02 junk", ""])
    assert not d.structured
    assert d.other_lines == ["Segmentation fault", "\x01\x02 junk"]


def test_times_are_kept():
    d = ktap.parse(["1..2", "ok 1 a", "ok 2 b"], times=[0.0, 0.5, 1.25])
    assert [r.when for r in d.results] == [0.5, 1.25]


def test_structural_lines():
    for line in ("ok 1 a", "not ok 2", "1..3", "KTAP version 1",
                 "# ok 1 nested", "# # Totals: pass:1", "    ok 1 x",
                 "Bail out!", "# Subtest: gdt", "# 1..0 # SKIP why"):
        assert ktap.structural(line), line
    for line in ("# base SEEN 0x1", "[RUN] thing", "okay", "# [OK] fine"):
        assert not ktap.structural(line), line


def test_indented_text_that_is_not_ktap_stays_a_diagnostic():
    d = parse("1..1\n# assertion failed\n    at gdt.c:42\nnot ok 1 gdt\n")
    assert d.results[0].children is None
    assert d.results[0].diagnostics == ["assertion failed", "at gdt.c:42"]


def test_plan_skip_with_colon():
    d = parse("TAP version 13\n1..0 # SKIP: /dev/kvm missing\n")
    assert d.skipped_whole and d.plan_reason == "/dev/kvm missing"
    d = parse("TAP version 13\n1..0 # skip:no vmx\n")
    assert d.skipped_whole and d.plan_reason == "no vmx"
    d = parse("TAP version 13\n1..0 # SKIPPING is not a word we know\n")
    assert not d.skipped_whole
    assert d.plan_reason == "SKIPPING is not a word we know"


def test_result_directive_with_colon():
    d = parse("1..2\nok 1 a # SKIP: no vmx\nok 2 b # XFAIL: sign bug\n")
    assert outcomes(d) == [("a", "skip"), ("b", "xfail")]
    assert d.results[0].reason == "no vmx"


def test_hash_in_description_does_not_hide_the_directive():
    d = parse("1..2\nok 1 lgdt # then sgdt # SKIP UMIP on\n"
              "not ok 2 base # 2 of 3 # not a directive\n")
    a, b = d.results
    assert (a.description, a.directive, a.reason) == \
        ("lgdt # then sgdt", "SKIP", "UMIP on")
    assert (b.description, b.directive, b.note) == \
        ("base", None, "2 of 3 # not a directive")
    assert outcomes(d) == [("lgdt # then sgdt", "skip"), ("base", "fail")]


def test_empty_or_second_totals_is_a_problem():
    d = parse("1..1\nok 1 a\n# Totals: all good\n")
    assert d.totals is None
    assert any("holds no counts" in p for p in d.problems)
    d = parse("1..1\nok 1 a\n# Totals: pass:1 fail:0\n"
              "# Totals: pass:1 fail:0\n")
    assert d.totals == {"pass": 1, "fail": 0}
    assert any("second # Totals" in p for p in d.problems)


def test_overriding_timeout_is_a_runner_line():
    # run_kselftest.sh -o 90 prints "overriding timeout to 90" where it
    # would print "timeout set to 45": the same announcement.
    for line in ("# timeout set to 45", "# overriding timeout to 90"):
        d = parse("TAP version 13\n1..2\n# selftests: x86: a\n%s\n"
                  "# TAP version 13\n# 1..1\n# ok 1 inner\n"
                  "ok 1 selftests: x86: a\n"
                  "# selftests: x86: b\n%s\n# late line of b\n"
                  "ok 2 selftests: x86: b\n" % (line, line))
        assert d.problems == [], (line, d.problems)
        a = d.results[0]
        assert a.children is not None
        assert [r.description for r in a.children.results] == ["inner"]
        assert a.children.problems == []
        # Not the child's stray text: the runner's own line.
        assert a.children.other_lines == [], line
        assert line[2:] in a.diagnostics


def test_problems_carry_their_kind():
    d = parse("1..3\nok 1 a\nok 3 b\n")
    kinds = {p: p.kind for p in d.problems}
    assert kinds == {"line 3: result numbered 3, expected 2": "note",
                     "stopped mid-stream: plan 1..3 but 2 result(s)":
                     "fatal"}
    assert d.fatal() == ["stopped mid-stream: plan 1..3 but 2 result(s)"]
    assert d.notes() == ["line 3: result numbered 3, expected 2"]


def test_totals_counts_a_timeout_as_fail():
    d = parse("1..2\nnot ok 1 a # TIMEOUT 45 s\nok 2 b\n"
              "# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:0 error:0\n")
    assert d.problems == []
    assert d.kselftest_counts() == {"pass": 1, "fail": 1, "xfail": 0,
                                    "xpass": 0, "skip": 0, "error": 0}


def test_hostile_lines_parse_in_one_pass():
    # Padding and "#" groups that made backtracking patterns quadratic:
    # the outcome is right, and only what is longer than a name keeps
    # (NAME_CHARS) is cut.
    pad = " " * 65536
    d = ktap.parse(["1..4", "ok 1 padded" + pad + "end",
                    "ok 2 hashes" + " # x" * 16000,
                    "not ok 3 trailing" + pad + "# SKIP" + pad,
                    "ok 4 many" + " #SKIP" * 10000 + " # TODO later"])
    assert d.fatal() == []
    assert d.problems == ["3 result name(s), reason(s) or note(s) cut at "
                          "%d characters (%d once this program's output "
                          "used up the %d characters of text a program "
                          "keeps)" % (ktap.NAME_CHARS, ktap.NAME_FREE,
                                      ktap.TEXT_CHARS)]
    a, b, c, e = d.results

    def cut(text):
        return "%s [desctest: %d more character(s) not kept]" % (
            text[:ktap.NAME_CHARS], len(text) - ktap.NAME_CHARS)
    assert a.description == cut("padded" + pad + "end")
    assert a.outcome == "pass"
    assert b.description == "hashes"
    assert b.note == cut(" # ".join(["x"] * 16000))
    assert c.outcome == "skip" and c.description == "trailing"
    assert e.outcome == "xpass" and e.reason == "later"
    assert e.description == cut("many" + " #SKIP" * 10000)
    # A long word in "# Totals:" (each start in it cost a pass over the
    # rest of it: minutes for one such line).
    d = ktap.parse(["1..1", "ok 1 a", "# Totals: pass:1 " + "w" * 65536])
    assert d.totals == {"pass": 1} and d.problems == []


def test_deep_nesting_is_capped_never_raised():
    lines = ["TAP version 13", "1..2"]
    for depth in range(1, 500):
        lines += ["# " * depth + "TAP version 13", "# " * depth + "1..1"]
    lines += ["# " * 499 + "ok 1 innermost", "ok 1 prefixed"]
    for depth in range(1, 500):
        lines += ["    " * depth + "KTAP version 1", "    " * depth + "1..1"]
    lines += ["    " * 499 + "ok 1 innermost", "ok 2 indented"]
    d = ktap.parse(lines)
    assert [r.description for r in d.results] == ["prefixed", "indented"]
    deep = [p for p in d.fatal() if "nested deeper than" in p]
    assert deep == ["KTAP nested deeper than %d levels (line %d); the "
                    "deeper lines are kept as diagnostics only"
                    % (ktap.MAX_DEPTH, 2 + 2 * (ktap.MAX_DEPTH - 1) + 1)]
    # The levels under it have plans but no results: each is a nested
    # stream that stopped mid-stream.
    kid = d.results[0].children
    assert kid is not None and kid.plan == 1 and kid.results == []


def test_results_past_the_cap_are_counted_not_kept(monkeypatch):
    monkeypatch.setattr(ktap, "MAX_RESULTS", 10)
    d = ktap.parse(["1..25"] + ["ok %d t" % i for i in range(1, 21)] +
                   ["not ok %d t" % i for i in range(21, 26)])
    assert len(d.results) == 10
    assert d.dropped == {"pass": 10, "fail": 5}
    assert d.counts()["fail"] == 5 and d.result_count() == 25
    assert d.fatal() == ["more than 10 results: 15 more counted but not "
                         "kept (fail:5, pass:10); the raw stdout file has "
                         "them all"]


def test_diagnostics_that_read_like_results_stay_diagnostics():
    d = parse("TAP version 13\n1..1\n# ok, probing\n"
              "# not ok: slow path taken\nok 1 probe\n")
    assert d.problems == []
    [r] = d.results
    assert r.children is None
    assert r.diagnostics == ["ok, probing", "not ok: slow path taken"]
    # The prefixer's nested stream still starts at its version line.
    d = parse("TAP version 13\n1..1\n# selftests: x: y\n# TAP version 13\n"
              "# 1..1\n# not ok 1 inner\nnot ok 1 selftests: x: y\n")
    assert [c.description for c in d.results[0].children.results] == \
        ["inner"]


def test_indentation_is_learned_from_the_version_line():
    d = parse("    banner, indented\nTAP version 13\n1..1\n"
              "    KTAP version 1\n    1..2\n    ok 1 a\n    ok 2 b\n"
              "ok 1 parent\n")
    assert d.problems == []
    assert [c.description for c in d.results[0].children.results] == \
        ["a", "b"]


def test_skip_directive_without_blank():
    d = parse("1..2\nok 1 needs two CPUs #SKIP only one CPU online\n"
              "ok 2 issue #42 is fixed\n")
    a, b = d.results
    assert a.outcome == "skip" and a.reason == "only one CPU online"
    assert a.description == "needs two CPUs"
    assert b.outcome == "pass" and b.description == "issue #42 is fixed"


def test_incremental_parser_equals_parse():
    text = open(__file__.replace("test_ktap.py", os.path.join(
        "fixtures", "upstream", "x86-6.12-run_kselftest.txt"))).read()
    p = ktap.Parser()
    for line in text.splitlines():
        p.feed(line)
    a, b = p.finish(), ktap.parse_text(text)
    assert [(x, r.outcome) for x, r in a.walk()] == \
        [(x, r.outcome) for x, r in b.walk()]
    assert a.problems == b.problems


def test_late_lines_end_at_the_next_programs_version_line():
    # An announcement once, then streams back to back: each prefixed
    # stream belongs to the result after it, as without announcements.
    d = parse("TAP version 13\n1..2\n# selftests: kvm: a\n"
              "# TAP version 13\n# 1..1\n# ok 1 x\nok 1 a\n"
              "# TAP version 13\n# 1..1\n# ok 1 y\nok 2 b\n")
    a, b = d.results
    assert [r.description for r in a.children.results] == ["x"]
    assert [r.description for r in b.children.results] == ["y"]
    assert a.children.problems == [] and b.children.problems == []


def test_notes_are_capped_fatal_problems_kept():
    # One misnumbered result a line (a flood of "ok 1 x") made one note a
    # line: hundreds of MB for a long stream. The first NOTE_KEEP stay, the
    # rest are counted; a fatal problem and the end-of-stream notes stay.
    n = ktap.NOTE_KEEP * 3
    lines = ["TAP version 13"] + ["ok 1 x"] * n
    doc = ktap.parse(lines)
    assert len(doc.results) == n
    numbering = [p for p in doc.problems if "result numbered" in p]
    assert len(numbering) == ktap.NOTE_KEEP
    assert numbering[0] == "line 3: result numbered 1, expected 2"
    more = n - 1 - ktap.NOTE_KEEP
    assert "%d more note(s) of this stream not kept" % more in doc.problems[-2]
    assert doc.problems[-1] == "no plan line (1..N) for %d result(s)" % n
    doc = ktap.parse(lines + ["Bail out! stop"])
    assert doc.fatal() == ["Bail out! stop"]


def test_diagnostics_of_a_result_are_capped_in_characters():
    # 40 lines of 1,000 characters before one result: it keeps the last
    # ones that fit in DIAG_CHARS and says what it dropped.
    lines = ["1..1"] + ["# %s" % ("%02d" % i * 500) for i in range(40)] + \
        ["not ok 1 a"]
    doc = ktap.parse(lines)
    r = doc.results[0]
    keep = ktap.DIAG_CHARS // 1000
    assert r.diagnostics == [
        "[desctest: %d earlier diagnostic line(s), %d character(s), not "
        "kept (a result keeps its last %d lines and %d characters of "
        "them); see the raw stdout file]" % (
            40 - keep, (40 - keep) * 1000, ktap.DIAG_KEEP,
            ktap.DIAG_CHARS)] + ["%02d" % i * 500
                                 for i in range(40 - keep, 40)]
    assert doc.cut == {"diagnostic_lines": 40 - keep,
                       "diagnostic_chars": (40 - keep) * 1000}
    # Within a result's budget nothing is noted: the marker says it.
    assert doc.problems == []


def test_one_long_diagnostic_is_cut_to_the_cap():
    doc = ktap.parse(["1..1", "# " + "z" * 50000, "not ok 1 a"])
    assert doc.results[0].diagnostics == [
        "z" * ktap.DIAG_CHARS + " [desctest: %d more character(s) of this "
        "line not kept]" % (50000 - ktap.DIAG_CHARS)]
    assert doc.results[0].reason == ""
    assert doc.cut == {"diagnostic_chars": 50000 - ktap.DIAG_CHARS}


def test_text_kept_per_parse_is_capped_and_results_still_counted():
    # Each result after a 10,000-character diagnostic: past TEXT_CHARS the
    # diagnostics are counted, not kept; a failure past it says why it has
    # none; every result is still counted and the stream is not fatal.
    n = ktap.TEXT_CHARS // 10000 + 50
    diag = "# " + "d" * 9998

    def lines():
        yield "1..%d" % (n + 1)
        for i in range(1, n + 1):
            yield diag
            yield "ok %d t%d" % (i, i)
        yield diag
        yield "not ok %d late failure" % (n + 1)
    doc = ktap.parse(lines())
    assert doc.counts()["pass"] == n and doc.counts()["fail"] == 1
    assert doc.fatal() == []
    kept = sum(len(d) for r in doc.results for d in r.diagnostics
               if d is not ktap.DIAG_SPENT)
    assert kept <= ktap.TEXT_CHARS
    fits = ktap.TEXT_CHARS // 9998
    assert doc.results[fits - 1].diagnostics == ["d" * 9998]
    assert list(doc.results[fits].diagnostics) == []
    assert doc.results[-1].diagnostics == [ktap.DIAG_SPENT]
    dropped = n + 1 - fits
    assert doc.cut == {"diagnostic_lines": dropped,
                       "diagnostic_chars": dropped * 9998}
    assert doc.problems == [
        "diagnostics not kept: %d line(s), %d character(s) (a result "
        "keeps its last %d lines and %d characters of them; this "
        "program's output used up the %d characters of text a program "
        "keeps)" % (dropped, dropped * 9998, ktap.DIAG_KEEP,
                    ktap.DIAG_CHARS, ktap.TEXT_CHARS)]
    assert [p.kind for p in doc.problems] == ["note"]


def test_long_result_names_are_cut():
    # A name, directive reason or note keeps NAME_CHARS characters, and
    # NAME_FREE once the parse's text is spent.
    long = "n" * 5000
    doc = ktap.parse(["1..2", "ok 1 " + long, "ok 2 b # SKIP " + long])
    cut = " [desctest: %d more character(s) not kept]" % (
        5000 - ktap.NAME_CHARS)
    assert doc.results[0].description == "n" * ktap.NAME_CHARS + cut
    assert doc.results[1].reason == "n" * ktap.NAME_CHARS + cut
    assert doc.cut == {"names_cut": 2}
    spent = ["1..%d" % (ktap.TEXT_CHARS // 900 + 2)] + [
        "ok %d %s" % (i, "m" * 1000) for i in range(
            1, ktap.TEXT_CHARS // 900 + 3)]
    doc = ktap.parse(spent)
    assert doc.results[0].description == "m" * 1000
    assert doc.results[-1].description == "m" * ktap.NAME_FREE + \
        " [desctest: %d more character(s) not kept]" % (
            1000 - ktap.NAME_FREE)
    assert doc.counts()["pass"] == len(spent) - 1 and doc.fatal() == []


def test_fatal_problems_are_capped_and_quote_lines_short():
    # A flood of second "# Totals:" lines made one fatal problem a line,
    # each quoting the whole line.
    n = ktap.FATAL_KEEP * 3
    tail = "x" * 5000
    lines = ["1..1", "ok 1 a", "# Totals: pass:1"] + \
        ["# Totals: pass:1 %s" % tail] * n
    doc = ktap.parse(lines)
    fatal = doc.fatal()
    assert len(fatal) == ktap.FATAL_KEEP + 1
    assert fatal[-1] == "%d more fatal problem(s) of this stream not " \
        "kept (the first %d are above)" % (n - ktap.FATAL_KEEP,
                                          ktap.FATAL_KEEP)
    assert all(len(p) < 400 for p in fatal), max(map(len, fatal))

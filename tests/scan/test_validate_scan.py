# SPDX-License-Identifier: GPL-2.0-only
"""validate's maintainer checks run the scan on the lines each patch adds;
a finding is listed like a checkpatch warning and does not by itself fail
the validation."""

import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "runner"))

from desctest_runner.validate import checks, report  # noqa: E402

OLD = """// SPDX-License-Identifier: GPL-2.0-only
#include <stdint.h>

struct d { uint8_t hi; uint8_t old; };

uint64_t old_base(const struct d *p)
{
	return (uint64_t)1 << 32 | p->old << 24;
}
"""
NEW_LINE = "\treturn (uint64_t)2 << 32 | p->hi << 24;"
NEW = OLD + """
uint64_t new_base(const struct d *p)
{
%s
}
""" % NEW_LINE
PATCH = """From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
Subject: [PATCH] lib: add new_base()

---
diff --git a/lib/dec.c b/lib/dec.c
--- a/lib/dec.c
+++ b/lib/dec.c
@@ -8,3 +8,8 @@ uint64_t old_base(const struct d *p)
 \treturn (uint64_t)1 << 32 | p->old << 24;
 }
+
+uint64_t new_base(const struct d *p)
+{
+%s
+}
""" % NEW_LINE


def _tree(tmp_path):
    after = tmp_path / "after"
    (after / "lib").mkdir(parents=True)
    (after / "lib" / "dec.c").write_text(NEW)
    return str(after)


def test_added_lines():
    assert checks.added_lines(PATCH) == {
        "lib/dec.c": {"", "uint64_t new_base(const struct d *p)", "{",
                      NEW_LINE, "}"}}


def test_only_the_added_line_is_listed(tmp_path):
    after = _tree(tmp_path)
    res = checks.PatchChecks()
    patch = types.SimpleNamespace(text=PATCH)
    checks.scan_added(after, patch, res)
    assert (res.scan_ran, res.scan_files, res.scan_note) == (True, 1, "")
    # old_base()'s line 8 has the same bug, but the patch did not add it
    assert [(f.level, f.kind, f.where, f.quote) for f in res.scan_findings] == [
        ("WARNING", "PROMOTION_SIGN_EXTENSION", "FILE: lib/dec.c:13:29",
         "+" + NEW_LINE)]
    assert res.scan_findings[0].text.startswith(
        "'p->hi << 24': operand 'p->hi' (const uint8_t (aka const unsigned "
        "char)) is promoted to int; ")
    # not a checkpatch finding: errors and warnings stay checkpatch's own
    assert (res.errors, res.warnings) == ([], [])


def test_no_c_line_added(tmp_path):
    res = checks.PatchChecks()
    patch = types.SimpleNamespace(text="--- a/README\n+++ b/README\n@@ -1 +1 @@\n-a\n+b\n")
    checks.scan_added(str(tmp_path), patch, res)
    assert (res.scan_ran, res.scan_note) == (False, "no C or C++ line added")


def test_a_scan_warning_does_not_fail_the_validation(tmp_path):
    res = checks.PatchChecks(checkpatch_ran=True, checkpatch_summary="total: 0 errors")
    checks.scan_added(_tree(tmp_path), types.SimpleNamespace(text=PATCH), res)
    assert len(res.scan_findings) == 1
    v = types.SimpleNamespace(rows={}, checks={"p": res}, gaps=[], side_error={})
    assert report.decide(v) == ("PASS", 0, [])

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shapes of desctest's KTAP lines and its exit-code rule, in one
 * place, freestanding: the C programs on kselftest.h (desctest/ksft.h),
 * the C++ programs (desctest/ktap.hpp) and the kernel module (seq_buf)
 * all print through these formats and decide through this rule.
 *
 *   seen vs wanted   "# <what>: <field> seen 0x.. wanted 0x..", with
 *                    "  <-- MISMATCH" appended when they differ (the
 *                    runner takes a failure's reason from that line)
 *   directive        "ok N <name> # SKIP|XFAIL|XPASS <reason>": the name
 *                    before the directive (kselftest.h's own skip and
 *                    xfail lines have none, which keys a result by its
 *                    reason)
 *   exit code        kselftest's ksft_finished(): 0 (KSFT_PASS) only when
 *                    every planned result was printed and each is a pass,
 *                    an XFAIL or a SKIP; else 1 (KSFT_FAIL).  A program
 *                    whose results are all SKIP exits 0, as upstream's;
 *                    4 (KSFT_SKIP) is for a program that skips as a
 *                    whole before any result (ksft_exit_skip()).
 */
#ifndef DESCTEST_KTAP_H
#define DESCTEST_KTAP_H

#include "desc.h"

/* Arguments: what, field, seen, wanted (unsigned long long), mark. */
#define DT_SEEN_WANTED_FMT "%s: %s seen 0x%llx wanted 0x%llx%s"
#define DT_MISMATCH_MARK "  <-- MISMATCH"

DT_FN const char *dt_mismatch_mark(uint64_t seen, uint64_t wanted)
{
	return seen == wanted ? "" : DT_MISMATCH_MARK;
}

/* Arguments: number, name, directive, reason. */
#define DT_KTAP_DIRECTIVE_FMT "ok %u %s # %s %s"

/* kselftest's exit codes (kselftest.h KSFT_*), for code without it. */
enum {
	DT_EXIT_PASS = 0,
	DT_EXIT_FAIL = 1,
	DT_EXIT_SKIP = 4,
};

struct dt_ktap_counts {
	unsigned planned;	/* the N of "1..N" */
	unsigned pass, fail, xfail, xpass, skip, error;
};

DT_FN unsigned dt_ktap_results(const struct dt_ktap_counts *c)
{
	return c->pass + c->fail + c->xfail + c->xpass + c->skip + c->error;
}

/* The exit code for the results printed: DT_EXIT_PASS only when their
 * number is the plan and none is a fail, an XPASS or an error. */
DT_FN int dt_ktap_exit_code(const struct dt_ktap_counts *c)
{
	if (c->fail || c->xpass || c->error)
		return DT_EXIT_FAIL;
	if (dt_ktap_results(c) != c->planned)
		return DT_EXIT_FAIL;
	return DT_EXIT_PASS;
}

#endif /* DESCTEST_KTAP_H */

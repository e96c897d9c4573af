/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * desctest's result writers for C programs on the tree's kselftest.h:
 * the seen-vs-wanted check, the SKIP/XFAIL lines with the test's name and
 * the end of the stream with its exit code (formats and rule:
 * desctest/ktap.h).  Static inline on purpose: kselftest.h keeps its
 * counters static, one set per file, so these must be compiled into the
 * file that prints the results.  Needs the include path of
 * tools/testing/selftests.
 */
#ifndef DESCTEST_KSFT_H
#define DESCTEST_KSFT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest.h"
#include "ktap.h"

/*
 * One comparison: prints "# <what>: <field> seen 0x.. wanted 0x.." (with
 * the MISMATCH mark when they differ) and returns 1 when equal.  Callers
 * AND the results of a test's checks.
 */
static inline int dt_check_eq(const char *what, const char *field,
			      uint64_t seen, uint64_t wanted)
{
	ksft_print_msg(DT_SEEN_WANTED_FMT "\n", what, field,
		       (unsigned long long)seen, (unsigned long long)wanted,
		       dt_mismatch_mark(seen, wanted));
	fflush(stdout);
	return seen == wanted;
}

/* "ok N NAME # DIRECTIVE REASON" for SKIP or XFAIL, counted in
 * kselftest.h's counters; the reason is one line. */
static inline __attribute__((format(printf, 3, 0))) void
dt_result_vdirective(const char *directive, const char *name,
		     const char *fmt, va_list ap)
{
	char reason[1024];

	vsnprintf(reason, sizeof(reason), fmt, ap);
	reason[strcspn(reason, "\n")] = 0;
	if (!strcmp(directive, "XFAIL"))
		ksft_inc_xfail_cnt();
	else
		ksft_inc_xskip_cnt();
	printf(DT_KTAP_DIRECTIVE_FMT "\n", ksft_test_num(), name, directive,
	       reason);
	fflush(stdout);
}

/* dt_result_skip(name, fmt, ...) and dt_result_xfail(name, fmt, ...). */
#define DT_RESULT_WRITER(fn, directive)                                       \
	static inline __attribute__((format(printf, 2, 3))) void              \
	fn(const char *name, const char *fmt, ...)                            \
	{                                                                     \
		va_list ap;                                                   \
                                                                              \
		va_start(ap, fmt);                                            \
		dt_result_vdirective(directive, name, fmt, ap);               \
		va_end(ap);                                                   \
	}
DT_RESULT_WRITER(dt_result_skip, "SKIP")
DT_RESULT_WRITER(dt_result_xfail, "XFAIL")
#undef DT_RESULT_WRITER

/* kselftest.h's counters and plan as desctest counts them. */
static inline struct dt_ktap_counts dt_ksft_counts(void)
{
	struct dt_ktap_counts c = {
		.planned = ksft_plan,
		.pass = ksft_get_pass_cnt(),
		.fail = ksft_get_fail_cnt(),
		.xfail = ksft_get_xfail_cnt(),
		.xpass = ksft_get_xpass_cnt(),
		.skip = ksft_get_xskip_cnt(),
		.error = ksft_get_error_cnt(),
	};

	return c;
}

/*
 * End the stream: the totals line, then exit with dt_ktap_exit_code().
 * A stream with fewer (or more) results than its plan says so and fails.
 */
static inline __attribute__((noreturn)) void dt_ksft_finish(void)
{
	struct dt_ktap_counts c = dt_ksft_counts();

	if (dt_ktap_results(&c) != c.planned)
		ksft_print_msg("plan 1..%u but %u results printed: the program lost some of its tests\n",
			       c.planned, dt_ktap_results(&c));
	ksft_print_cnts();
	fflush(stdout);
	exit(dt_ktap_exit_code(&c));
}

#endif /* DESCTEST_KSFT_H */

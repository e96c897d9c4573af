/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * desctest on the tree's kselftest_harness.h: the one place that knows
 * how the harness of the kernel under test differs from another.
 *
 * Programs use the harness as upstream documents it (TEST, TEST_SIGNAL,
 * FIXTURE, FIXTURE_SETUP, TEST_F, SKIP) plus:
 *
 *   DT_CHECK(what, field, seen, wanted)  one seen-vs-wanted line
 *                                (desctest/ksft.h's dt_check_eq); a
 *                                mismatch fails the test; true when equal
 *   DT_XFAIL(statement, fmt, ...)  the test ends as an expected failure
 *                                with the reason given: "ok N name # XFAIL
 *                                reason".  For a failure of one known
 *                                shape, decided by the test at run time
 *   DT_FIXTURE_CPUS(fixture)     one variant "cpuN" of FIXTURE_VARIANT
 *                                (fixture) { int cpu; } per online CPU
 *   DT_HARNESS_MAIN              main(): the harness's runner, with -l
 *                                (list), -t NAME (run only that test),
 *                                -T NAME (all but it)
 *
 * Two harness generations exist among the trees desctest builds against:
 *
 *   exit-code harness (6.12's; XFAIL_ADD defined): a test
 *     ends with an exit code (KSFT_PASS, _FAIL, _SKIP, _XFAIL) and the
 *     runner prints "ok N fixture.variant.test # SKIP|XFAIL reason".  Used
 *     as it is: DT_XFAIL sets KSFT_XFAIL with its reason.
 *   passed/skip harness (Debian 6.1): no XFAIL, no -l/-t/-T, and a SKIP
 *     line without the test's name ("ok N # SKIP reason"), which would
 *     key a result by its reason.  Here DT_HARNESS_MAIN runs the harness's
 *     registered tests with its own __wait_for_test(), one fork per test
 *     as upstream, and prints every result with its name; DT_XFAIL marks
 *     the test in a word shared with the child.  A SKIP in FIXTURE_SETUP
 *     does not stop that harness from running the test: per-CPU tests
 *     check their setup's outcome themselves.
 *
 * Either way the program exits 0 when every test passed, skipped or
 * failed as expected, else 1 (the 6.12 harness's own exit; here
 * dt_ksft_finish(), desctest/ktap.h's rule, which also fails a stream
 * shorter than its plan).  A program whose tests all skip exits 0, as
 * upstream's harness does.  (No desctest host test reports XPASS.)
 */
#ifndef DESCTEST_HARNESS_H
#define DESCTEST_HARNESS_H

#include <ctype.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "affinity.h"
#include "ksft.h"

/* ---- the CPU sweep as fixture variants --------------------------------- */

/*
 * FIXTURE_VARIANT(fixture) must be { int cpu; }.  DT_HARNESS_MAIN makes
 * the variants before it runs anything, from
 * /sys/devices/system/cpu/online, so a test's name is fixture.cpuN.test
 * for each online CPU N, in order.  (At that point every constructor has
 * run and the harness knows in which direction its lists grow.)
 */
struct dt_cpu_fixture {
	struct __fixture_metadata *fixture;
	size_t variant_size;
};
static struct dt_cpu_fixture dt_cpu_fixtures[4];
static unsigned int dt_nr_cpu_fixtures;

#define DT_FIXTURE_CPUS(fixture_name)                                          \
	static void __attribute__((constructor))                               \
	dt_cpu_fixture_##fixture_name(void)                                    \
	{                                                                      \
		struct dt_cpu_fixture c = {                                    \
			&_##fixture_name##_fixture_object,                     \
			sizeof(FIXTURE_VARIANT(fixture_name)),                 \
		};                                                             \
		dt_cpu_fixtures[dt_nr_cpu_fixtures++] = c;                     \
	}

static inline void dt_add_cpu_variant(struct __fixture_metadata *f,
				      size_t size, int cpu)
{
	struct __fixture_variant_metadata *v = calloc(1, sizeof(*v));
	int *data = calloc(1, size);
	char *name = malloc(16);

	if (!v || !data || !name)
		ksft_exit_fail_msg("out of memory for the per-CPU variants\n");
	snprintf(name, 16, "cpu%d", cpu);
	*data = cpu;		/* the variant's first (only) member */
	v->name = name;
	v->data = data;
	__register_fixture_variant(f, v);
}

/* FORWARD: the harness appends to its lists (else it prepends). */
static inline void dt_make_cpu_variants(int forward)
{
	cpu_set_t online;
	int ncpus, err;

	if (!dt_nr_cpu_fixtures)
		return;
	err = dt_online_cpus(&online, &ncpus);
	if (err)
		ksft_exit_fail_msg("cannot read /sys/devices/system/cpu/online (%s): mount sysfs\n",
				   strerror(-err));
	for (unsigned int i = 0; i < dt_nr_cpu_fixtures; i++)
		for (int k = 0; k < ncpus; k++) {
			int c = forward ? k : ncpus - 1 - k;

			if (CPU_ISSET(c, &online))
				dt_add_cpu_variant(dt_cpu_fixtures[i].fixture,
						   dt_cpu_fixtures[i].variant_size, c);
		}
}

#ifdef XFAIL_ADD
/* ---- exit-code harness --------------------------------------------------- */

#define DT_HARNESS_EXIT_CODE 1

#define DT_FAIL_TEST(m) ((m)->exit_code = KSFT_FAIL)

#define DT_XFAIL(statement, fmt, ...)                                          \
	do {                                                                   \
		snprintf(_metadata->results->reason,                           \
			 sizeof(_metadata->results->reason), fmt,              \
			 ##__VA_ARGS__);                                       \
		_metadata->exit_code = KSFT_XFAIL;                             \
		statement;                                                     \
	} while (0)

#define DT_HARNESS_MAIN                                                        \
	int main(int argc, char **argv)                                        \
	{                                                                      \
		dt_make_cpu_variants(__constructor_order_forward);             \
		return test_harness_run(argc, argv);                           \
	}

#else
/* ---- passed/skip harness --------------------------------------------------- */

#define DT_HARNESS_EXIT_CODE 0

/* Shared with the test's child: set by DT_XFAIL. */
static int *dt_harness_xfail;

#define DT_FAIL_TEST(m) ((m)->passed = 0)

#define DT_XFAIL(statement, fmt, ...)                                          \
	do {                                                                   \
		snprintf(_metadata->results->reason,                           \
			 sizeof(_metadata->results->reason), fmt,              \
			 ##__VA_ARGS__);                                       \
		*dt_harness_xfail = 1;                                         \
		_metadata->passed = 1;                                         \
		statement;                                                     \
	} while (0)

static inline void dt_harness_list(void)
{
	for (struct __fixture_metadata *f = __fixture_list; f; f = f->next) {
		struct __fixture_variant_metadata none = { .name = "" };

		for (struct __fixture_variant_metadata *v = f->variant ?: &none;
		     v; v = v->next)
			for (struct __test_metadata *t = f->tests; t; t = t->next)
				printf("%s%s%s.%s\n", f->name,
				       v->name[0] ? "." : "", v->name, t->name);
	}
}

/* -t NAME runs only the tests called NAME, -T NAME all but those; the
 * first option that names the test decides. */
static inline int dt_harness_enabled(int argc, char **argv,
				     const struct __test_metadata *t)
{
	int positive = 0;

	for (int i = 1; i + 1 < argc; i += 2) {
		int include = !strcmp(argv[i], "-t");

		positive |= include;
		if (!strcmp(t->name, argv[i + 1]))
			return include;
	}
	return !positive;
}

static inline int dt_harness_run(int argc, char **argv)
{
	struct __fixture_variant_metadata none = { .name = "" };
	struct __test_results *results;
	unsigned int count = 0;

	dt_make_cpu_variants(__constructor_order == _CONSTRUCTOR_ORDER_FORWARD);

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-l")) {
			dt_harness_list();
			return KSFT_SKIP;
		}
		if ((!strcmp(argv[i], "-t") || !strcmp(argv[i], "-T")) &&
		    i + 1 < argc) {
			i++;
			continue;
		}
		fprintf(stderr, "usage: %s [-l] [-t TEST | -T TEST]...\n"
				"  -l       list the tests\n"
				"  -t TEST  run the tests called TEST\n"
				"  -T TEST  run all but the tests called TEST\n",
			argv[0]);
		return strcmp(argv[i], "-h") ? KSFT_FAIL : KSFT_PASS;
	}
	for (struct __fixture_metadata *f = __fixture_list; f; f = f->next)
		for (struct __fixture_variant_metadata *v = f->variant ?: &none;
		     v; v = v->next)
			for (struct __test_metadata *t = f->tests; t; t = t->next)
				count += dt_harness_enabled(argc, argv, t);

	results = mmap(NULL, sizeof(*results), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	dt_harness_xfail = mmap(NULL, sizeof(*dt_harness_xfail),
				PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (results == MAP_FAILED || dt_harness_xfail == MAP_FAILED)
		ksft_exit_fail_msg("mmap of the shared result: %s\n",
				   strerror(errno));
	ksft_print_header();
	ksft_set_plan(count);
	for (struct __fixture_metadata *f = __fixture_list; f; f = f->next) {
		for (struct __fixture_variant_metadata *v = f->variant ?: &none;
		     v; v = v->next) {
			for (struct __test_metadata *t = f->tests; t; t = t->next) {
				char name[512];

				if (!dt_harness_enabled(argc, argv, t))
					continue;
				snprintf(name, sizeof(name), "%s%s%s.%s",
					 f->name, v->name[0] ? "." : "",
					 v->name, t->name);
				t->results = results;
				t->passed = 1;
				t->skip = 0;
				t->trigger = 0;
				t->step = 1;
				t->no_print = 0;
				t->aborted = false;
				t->setup_completed = false;
				memset(results->reason, 0, sizeof(results->reason));
				*dt_harness_xfail = 0;
				ksft_print_msg(" RUN           %s ...\n", name);
				fflush(stdout);
				fflush(stderr);
				t->pid = fork();
				if (t->pid < 0) {
					ksft_print_msg("%s: fork: %s\n", name,
						       strerror(errno));
					t->passed = 0;
				} else if (t->pid == 0) {
					setpgrp();
					t->fn(t, v);
					fflush(stdout);
					fflush(stderr);
					if (t->skip)
						_exit(255);
					_exit(t->passed ? 0 : t->step);
				} else {
					__wait_for_test(t);
				}
				if (t->skip)
					dt_result_skip(name, "%s", results->reason[0] ?
						       results->reason : "unknown");
				else if (t->passed && *dt_harness_xfail)
					dt_result_xfail(name, "%s", results->reason);
				else
					ksft_test_result(t->passed, "%s\n", name);
				t->results = NULL;
			}
		}
	}
	munmap(results, sizeof(*results));
	dt_ksft_finish();
}

#define DT_HARNESS_MAIN                                                        \
	static void __attribute__((constructor))                               \
	__constructor_order_last(void)                                         \
	{                                                                      \
		if (!__constructor_order)                                      \
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD;     \
	}                                                                      \
	int main(int argc, char **argv)                                        \
	{                                                                      \
		return dt_harness_run(argc, argv);                             \
	}

#endif /* XFAIL_ADD */

/* One seen-vs-wanted line; a mismatch fails the running test. */
#define DT_CHECK(what, field, seen, wanted)                                    \
	({                                                                     \
		int dt_ok_ = dt_check_eq(what, field, (uint64_t)(seen),        \
					 (uint64_t)(wanted));                  \
		if (!dt_ok_)                                                   \
			DT_FAIL_TEST(_metadata);                               \
		dt_ok_;                                                        \
	})

#endif /* DESCTEST_HARNESS_H */

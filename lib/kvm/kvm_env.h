/* SPDX-License-Identifier: GPL-2.0-only */
/* What every desctest KVM program does before and after its checks. */
#ifndef DESCTEST_KVM_ENV_H
#define DESCTEST_KVM_ENV_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "kselftest.h"

/*
 * Open /dev/kvm read-write once; if that is impossible print the KTAP
 * skip line with the reason (missing device, no permission, ...) and exit
 * with the kselftest skip code (4).  Call before printing the plan.
 */
void dt_kvm_require(void);

/*
 * End the KTAP stream: totals, then the kselftest exit code for them:
 * 1 on any fail or XPASS, 4 when everything was skipped, else 0.  An
 * XFAIL alone exits 0, as with kselftest.h's ksft_finished(): the
 * upstream runner (run_kselftest.sh) calls any other code "not ok".  Inline
 * on purpose: kselftest.h keeps its counters static, one set per file, so
 * this must be compiled into the file that printed the results.
 */
static inline __attribute__((noreturn)) void dt_ksft_finish(void)
{
	ksft_print_cnts();
	if (ksft_get_fail_cnt() || ksft_get_error_cnt() || ksft_get_xpass_cnt())
		exit(KSFT_FAIL);
	if (!ksft_get_pass_cnt() && !ksft_get_xfail_cnt() && ksft_get_xskip_cnt())
		exit(KSFT_SKIP);
	exit(KSFT_PASS);
}

#include <stdint.h>

/* One field of one check: 1 when SEEN == WANTED, else 0 after printing
 * "# <what>: seen 0x..., wanted 0x..." (KTAP diagnostic). */
int dt_expect_eq(const char *what, uint64_t seen, uint64_t wanted);

/*
 * "ok N NAME # XFAIL REASON": the KTAP form with the test's name before the
 * directive (kselftest.h's own xfail line carries no name).  Counted in
 * the same static counters as the ksft_test_result_*() lines, hence inline.
 */
static inline __attribute__((format(printf, 2, 3)))
void dt_test_result_xfail(const char *name, const char *reason, ...)
{
	va_list ap;

	ksft_inc_xfail_cnt();
	printf("ok %u %s # XFAIL ", ksft_test_num(), name);
	va_start(ap, reason);
	vprintf(reason, ap);
	va_end(ap);
	fflush(stdout);
}

struct kvm_vcpu;
struct ucall;

/*
 * Run a vCPU until its next ucall and return the ucall's command; a guest
 * assert is reported (file, line, values) and ends the program, an exit
 * that is no ucall ends it naming the exit reason.
 */
uint64_t dt_vcpu_run_ucall(struct kvm_vcpu *vcpu, struct ucall *uc);

/* Same, and the command must be WANT (UCALL_SYNC, UCALL_DONE). */
void dt_vcpu_run_expect(struct kvm_vcpu *vcpu, struct ucall *uc, uint64_t want);

#endif /* DESCTEST_KVM_ENV_H */

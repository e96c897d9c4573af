/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every desctest KVM program does before and after its checks.  The
 * result writers (dt_check_eq(), dt_result_skip(), dt_result_xfail()) and
 * the end of the stream (dt_ksft_finish(): plan checked, exit code) are
 * desctest/ksft.h's, shared with the host programs.
 */
#ifndef DESCTEST_KVM_ENV_H
#define DESCTEST_KVM_ENV_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "kselftest.h"
#include "desctest/ksft.h"

/*
 * Open /dev/kvm read-write once; if that is impossible print the KTAP
 * skip line with the reason (missing device, no permission, ...) and exit
 * with the kselftest skip code (4).  Call before printing the plan.
 */
void dt_kvm_require(void);

#include <stdint.h>

/* One field of vCPU i, through desctest/ksft.h's dt_check_eq():
 * "# vcpu<i>: <field> seen 0x.. wanted 0x..[  <-- MISMATCH]"; 1 when equal. */
int dt_vcpu_expect_eq(unsigned int i, const char *field, uint64_t seen,
		      uint64_t wanted);

/* Which KVM serves /dev/kvm (dt_kvm_flavour(), decided once by the rule
 * of kvm_flavour.h). */
#include "kvm_flavour.h"

/*
 * The top of every KVM program's main(): /dev/kvm or the KTAP skip
 * (dt_kvm_require()), the KTAP header and the plan.  dt_kvm_begin() plans
 * per_vcpu results for each of the vCPUs dt_pcpu_nr_vcpus() asks for and
 * returns that count; dt_kvm_start() plans a fixed number.  Inline for
 * the same reason as desctest/ksft.h's helpers: kselftest.h's plan and
 * counters are static, one set per file.
 */
static inline void dt_kvm_start(unsigned int plan)
{
	dt_kvm_require();
	ksft_print_header();
	ksft_set_plan(plan);
}

unsigned int dt_pcpu_nr_vcpus(void);
static inline unsigned int dt_kvm_begin(unsigned int per_vcpu)
{
	unsigned int n;

	dt_kvm_require();
	n = dt_pcpu_nr_vcpus();
	dt_kvm_start(n * per_vcpu);
	return n;
}

struct kvm_vcpu;
struct ucall;

/*
 * Run a vCPU until its next ucall and return the ucall's command; a guest
 * assert is reported (file, line, values) and ends the program, an exit
 * that is no ucall ends it naming the exit reason.
 */
uint64_t dt_vcpu_run_ucall(struct kvm_vcpu *vcpu, struct ucall *uc);

/* Same, except that an exit with reason `allowed` (e.g. KVM_EXIT_SHUTDOWN,
 * which a test expects) is handed back as UCALL_NONE: the caller reads
 * vcpu->run->exit_reason. */
uint64_t dt_vcpu_run_ucall_allow(struct kvm_vcpu *vcpu, struct ucall *uc,
				 uint32_t allowed);

/* Same, and the command must be WANT (UCALL_SYNC, UCALL_DONE). */
void dt_vcpu_run_expect(struct kvm_vcpu *vcpu, struct ucall *uc, uint64_t want);

#endif /* DESCTEST_KVM_ENV_H */

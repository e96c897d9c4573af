// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "kvm_env.h"

void dt_kvm_require(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), err = errno;

	if (fd >= 0) {
		close(fd);
		return;
	}
	ksft_print_header();
	if (err == ENOENT)
		ksft_exit_skip("/dev/kvm does not exist: load kvm_intel or kvm_amd "
			       "(or run inside a VM with nested virtualization)\n");
	if (err == EACCES || err == EPERM)
		ksft_exit_skip("/dev/kvm: permission denied: run as root or add "
			       "this user to the kvm group\n");
	ksft_exit_skip("/dev/kvm cannot be opened: %s\n", strerror(err));
}

int dt_vcpu_expect_eq(unsigned int i, const char *field, uint64_t seen,
		      uint64_t wanted)
{
	char who[16];

	snprintf(who, sizeof(who), "vcpu%u", i);
	return dt_check_eq(who, field, seen, wanted);
}

/* No exit reason is UINT32_MAX: every non-ucall exit ends the program. */
uint64_t dt_vcpu_run_ucall(struct kvm_vcpu *vcpu, struct ucall *uc)
{
	return dt_vcpu_run_ucall_allow(vcpu, uc, UINT32_MAX);
}

uint64_t dt_vcpu_run_ucall_allow(struct kvm_vcpu *vcpu, struct ucall *uc,
				 uint32_t allowed)
{
	struct kvm_run *run = vcpu->run;
	struct kvm_regs regs;
	uint64_t cmd;

	vcpu_run(vcpu);
	cmd = get_ucall(vcpu, uc);
	/*
	 * The framework's assert handler turns a failure into a SKIP when
	 * errno happens to be EACCES; a stale errno must not hide one.
	 */
	errno = 0;
	if (cmd == UCALL_ABORT)
		DT_REPORT_GUEST_ASSERT(*uc);
	if (cmd != UCALL_NONE || run->exit_reason == allowed)
		return cmd;
	vcpu_regs_get(vcpu, &regs);
	if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
		TEST_FAIL("vCPU %u: exit reason KVM_EXIT_INTERNAL_ERROR, suberror %u, "
			  "data %#llx %#llx %#llx, guest RIP %#llx; wanted a ucall "
			  "(KVM_EXIT_IO)", vcpu->id, run->internal.suberror,
			  run->internal.ndata > 0 ? run->internal.data[0] : 0ull,
			  run->internal.ndata > 1 ? run->internal.data[1] : 0ull,
			  run->internal.ndata > 2 ? run->internal.data[2] : 0ull,
			  regs.rip);
	TEST_FAIL("vCPU %u: exit reason %u (%s), guest RIP %#llx; wanted a "
		  "ucall (KVM_EXIT_IO)", vcpu->id, run->exit_reason,
		  exit_reason_str(run->exit_reason), regs.rip);
	return UCALL_NONE;
}

void dt_vcpu_run_expect(struct kvm_vcpu *vcpu, struct ucall *uc, uint64_t want)
{
	uint64_t cmd = dt_vcpu_run_ucall(vcpu, uc);

	errno = 0;
	TEST_ASSERT(cmd == want, "vCPU %u: ucall %lu, wanted %lu", vcpu->id,
		    (unsigned long)cmd, (unsigned long)want);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which KVM serves /dev/kvm, decided once per program by one rule (the
 * cases: lib/kvm/kvm-flavour-cases.txt; the runner's machine record,
 * runner/desctest_runner/machine.py, follows the same rule):
 *
 *   - a loaded vendor module (kvm_intel, kvm_amd, kvm_pvm: a
 *     /sys/module/NAME/initstate reading "live") is the one: a loadable
 *     vendor module stays in memory only after its init registered with
 *     kvm;
 *   - with none loaded, the built-in ones (a /sys/module/NAME directory
 *     without initstate) count: kvm_intel only where /proc/cpuinfo has
 *     vmx, kvm_amd only where it has svm (a built-in module keeps its
 *     directory even when its init failed), kvm_pvm always;
 *   - exactly one counts: that one; none or several: DT_KVM_OTHER, which
 *     excuses nothing (only DT_KVM_PVM turns a failure into a SKIP).
 *
 * So a kernel with kvm_pvm built in and kvm_intel or kvm_amd loaded is
 * that vendor's KVM, not kvm_pvm.  Plain C, no KVM framework: the unit
 * test (lib/kvm/kvm_flavour_test.cpp) builds it alone.
 */
#ifndef DESCTEST_KVM_FLAVOUR_H
#define DESCTEST_KVM_FLAVOUR_H

#ifdef __cplusplus
extern "C" {
#endif

enum dt_kvm_flavour {
	DT_KVM_OTHER,	/* no single one of those below */
	DT_KVM_INTEL,	/* kvm_intel: VMX */
	DT_KVM_AMD,	/* kvm_amd: SVM */
	DT_KVM_PVM,	/* kvm_pvm: the paravirtual KVM, no VMX/SVM */
};

/* The rule over a /sys/module tree at SYSMOD and the CPU's vmx and svm
 * flags (non-zero when present). */
enum dt_kvm_flavour dt_kvm_flavour_at(const char *sysmod, int vmx, int svm);

/* Whether the "flags" line of the cpuinfo file at PATH lists FLAG. */
int dt_cpuinfo_has_flag(const char *path, const char *flag);

/* This machine's: /sys/module and /proc/cpuinfo, read on the first call
 * and kept. */
enum dt_kvm_flavour dt_kvm_flavour(void);

/* "kvm_intel", "kvm_amd", "kvm_pvm", or a phrase for DT_KVM_OTHER. */
const char *dt_kvm_flavour_name(enum dt_kvm_flavour f);

#ifdef __cplusplus
}
#endif

#endif /* DESCTEST_KVM_FLAVOUR_H */

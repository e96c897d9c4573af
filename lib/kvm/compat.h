/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one place that knows how the KVM selftests framework differs between
 * the trees desctest builds against (Debian linux-source-6.1, -6.12, and
 * later trees given with KSRC=).  Everything else includes this instead of
 * the framework's headers.
 *
 *   6.1 .. 6.9   kvm_util.h is a wrapper around kvm_util_base.h; guest
 *                asserts carry numbers only (GUEST_ASSERT_1..4), the host
 *                prints them with REPORT_GUEST_ASSERT_N and a format.
 *   6.10         kvm_util_base.h folded into kvm_util.h; guest asserts
 *                carry a formatted message (guest_sprintf).
 *   6.14         include/x86_64 and lib/x86_64 renamed to x86: handled by
 *                the include path (lib/mk/ksrc.mk picks KVM_ARCH_DIR).
 *   6.1          __vm_create_with_vcpus() takes a vm_guest_mode; 6.4 and
 *                later take a vm_shape.
 */
#ifndef DESCTEST_KVM_COMPAT_H
#define DESCTEST_KVM_COMPAT_H

#include "kvm_util.h"
#include "processor.h"
#include "ucall_common.h"
#include "kselftest.h"

/* Which flavour of guest assert the framework has. */
#ifdef GUEST_ASSERT_1
#define DT_KVM_NUMERIC_ASSERTS 1
#else
#define DT_KVM_NUMERIC_ASSERTS 0
#endif

/*
 * Guest side: assert that SEEN equals WANTED, both 64-bit; the host report
 * shows both in hex, with the file and line of the assert.
 */
#if DT_KVM_NUMERIC_ASSERTS
#define DT_GUEST_ASSERT_EQ(seen, wanted)                                      \
	__GUEST_ASSERT((uint64_t)(seen) == (uint64_t)(wanted),                \
		       #seen " == " #wanted, 2, (uint64_t)(seen),             \
		       (uint64_t)(wanted))
#else
#define DT_GUEST_ASSERT_EQ(seen, wanted)                                      \
	__GUEST_ASSERT((uint64_t)(seen) == (uint64_t)(wanted),                \
		       "%s: seen %#lx, wanted %#lx", #seen,                   \
		       (unsigned long)(seen), (unsigned long)(wanted))
#endif

/* Host side: report a UCALL_ABORT from the guest and end the test (the
 * framework's TEST_FAIL exits; the kernel frees the VM, and the exiting
 * process takes its threads and affinity with it). */
#if DT_KVM_NUMERIC_ASSERTS
#define DT_REPORT_GUEST_ASSERT(uc)                                            \
	REPORT_GUEST_ASSERT_2(uc, "  seen %#lx, wanted %#lx")
#else
#define DT_REPORT_GUEST_ASSERT(uc) REPORT_GUEST_ASSERT(uc)
#endif

/* vm_shape (6.4+) or vm_guest_mode (6.1) for the default x86-64 VM. */
#ifdef VM_SHAPE_DEFAULT
#define DT_VM_DEFAULT VM_SHAPE_DEFAULT
#else
#define DT_VM_DEFAULT VM_MODE_DEFAULT
#endif

/* The memslot desctest's per-vCPU tables live in (lib/kvm/pcpu_tables.h):
 * far above memslot 0, whose size the framework computes. */
#define DT_TABLES_MEMSLOT 10
#define DT_TABLES_GPA 0x100000000ull

/*
 * A VM with nr vCPUs all starting at guest_code, and a memslot of its own
 * (DT_TABLES_MEMSLOT at DT_TABLES_GPA) of table_pages pages for
 * desctest's per-vCPU tables and the page tables that map them.  Memslot 0
 * is the framework's default: code, data, stacks, page tables of its own
 * mappings and its ~512 spare pages (an extra IDT page comes from there).
 *
 * The framework is told about the tables' pages (its "extra_mem_pages"
 * are pages the test adds in a memslot of its own, as here); it only grows
 * memslot 0 by a little slack for them, which desctest does not use.
 */
static inline struct kvm_vm *dt_vm_create(uint32_t nr, void *guest_code,
					  struct kvm_vcpu *vcpus[],
					  uint64_t table_pages)
{
	struct kvm_vm *vm = __vm_create_with_vcpus(DT_VM_DEFAULT, nr, table_pages,
						   guest_code, vcpus);

	if (table_pages)
		vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, DT_TABLES_GPA,
					    DT_TABLES_MEMSLOT, table_pages, 0);
	return vm;
}

#endif /* DESCTEST_KVM_COMPAT_H */

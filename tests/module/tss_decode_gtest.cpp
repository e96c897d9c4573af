// SPDX-License-Identifier: GPL-2.0-only
/*
 * The desctest_tss module's decode object, the very tss_decode.o kbuild
 * built for a kernel, run in user space against the reference decoder.
 *
 * That object is kernel code: built with -mcmodel=kernel (absolute 32-bit
 * sign-extended addresses, so this program links with -no-pie), calls
 * __fentry__ on entry and returns through __x86_return_thunk (both given
 * below as a plain ret), and with -fstack-protector-strong reads its
 * canary through %gs:0x28, where the kernel keeps the per-CPU canary.  In
 * user space GS base is 0 and %gs:0x28 would fault; glibc keeps its own
 * canary at %fs:0x28, so main() sets GS base = FS base (arch_prctl
 * ARCH_SET_GS) before the first call and the object's canary check then
 * runs against glibc's canary.  Kernels that name the canary by a per-CPU
 * symbol (%gs:__stack_chk_guard) get that symbol defined as 0x28 at link
 * time (build.mk), which lands on the same place.
 */
#include <asm/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>

#include <gtest/gtest.h>

#include <desctest/desc.hpp>
#include <desctest/splitmix64.h>

extern "C" {
#include "tss_decode.h"
}

// A plain return for the kernel's entry hook and return thunk.
asm(".text\n"
    ".globl __fentry__\n.type __fentry__, @function\n__fentry__:\n\tret\n"
    ".globl __x86_return_thunk\n.type __x86_return_thunk, @function\n"
    "__x86_return_thunk:\n\tret\n");

namespace {

// A fixed, reproducible stream of descriptor words (desctest/splitmix64.h).
struct Stream {
	uint64_t s;
	uint64_t next() { return dt_splitmix64(&s); }
};

// What the pre-fix expression must give: bits 31:0 of the base as an int,
// sign-extended, OR base 63:32 (swallowed when bit 31 is set).  Written
// out here on purpose rather than taken from desctest/prefix_model.h: an
// oracle that shares no code with what the object is built from.
uint64_t prefix_model(uint64_t base)
{
	uint64_t low = base & 0xffffffffULL;

	if (low & 0x80000000ULL)
		return 0xffffffff00000000ULL | low;
	return base;
}

void expect_decode(uint64_t lo, uint64_t hi)
{
	dt_sys ref = { { lo, hi } };
	dtm_tss_view v = {};

	v.desc_lo = lo;
	v.desc_hi = hi;
	dtm_tss_decode(&v);
	const uint64_t base = dt_sys_base(&ref);
	EXPECT_EQ(v.base, base) << std::hex << "base: desc " << hi << ":" << lo;
	EXPECT_EQ(v.limit, dt_sys_limit(&ref)) << std::hex << "limit: desc " << hi << ":" << lo;
	EXPECT_EQ(v.type, dt_sys_type(&ref)) << std::hex << "type: desc " << hi << ":" << lo;
	EXPECT_EQ(v.s, dt_sys_s(&ref)) << std::hex << "S: desc " << hi << ":" << lo;
	EXPECT_EQ(v.dpl, dt_sys_dpl(&ref)) << std::hex << "DPL: desc " << hi << ":" << lo;
	EXPECT_EQ(v.p, dt_sys_p(&ref)) << std::hex << "P: desc " << hi << ":" << lo;
	EXPECT_EQ(v.zero_type_hi, dt_sys_zero_type_hi(&ref))
		<< std::hex << "upper type: desc " << hi << ":" << lo;
	EXPECT_EQ(v.prefix_base, prefix_model(base))
		<< std::hex << "pre-fix base: desc " << hi << ":" << lo;
	EXPECT_EQ(dtm_prefix_base(lo, hi), prefix_model(base))
		<< std::hex << "dtm_prefix_base: desc " << hi << ":" << lo;
}

// A busy 64-bit TSS descriptor with the given base, as the kernel builds it.
dt_sys tss_desc(uint64_t base)
{
	dt_sys d = {};

	dt_sys_set_base(&d, base);
	dt_sys_set_limit_raw(&d, 0x4087);
	dt_sys_set_type(&d, DT_SYS_TSS64_BUSY);
	dt_sys_set_p(&d, 1);
	return d;
}

} // namespace

// The address from the report that started it all.
TEST(ProductionObject, IssueAddress)
{
	dt_sys d = tss_desc(0xfffffe7cf8d65000ULL);
	dtm_tss_view v = {};

	v.desc_lo = d.w[0];
	v.desc_hi = d.w[1];
	dtm_tss_decode(&v);
	EXPECT_EQ(v.base, 0xfffffe7cf8d65000ULL);
	EXPECT_EQ(v.prefix_base, 0xfffffffff8d65000ULL);
	EXPECT_EQ(v.type, DT_SYS_TSS64_BUSY);
	EXPECT_EQ(v.limit, 0x4087U);
}

// Each base byte 31:24 on a cpu_entry_area-like address: the pre-fix
// expression is right below 0x80 and wrong from 0x80 on.
TEST(ProductionObject, Base2Boundary)
{
	for (uint64_t b2 = 0; b2 < 0x100; b2++) {
		uint64_t base = 0xfffffe1200a5d000ULL | b2 << 24;
		dt_sys d = tss_desc(base);

		EXPECT_EQ(dtm_prefix_base(d.w[0], d.w[1]) == base, b2 < 0x80)
			<< std::hex << "base2 0x" << b2 << " base 0x" << base
			<< " pre-fix 0x" << dtm_prefix_base(d.w[0], d.w[1]);
		expect_decode(d.w[0], d.w[1]);
	}
}

// The differential: raw words through the object and through desc.h.
TEST(ProductionObject, RandomDescriptors)
{
	Stream st{ 0x5eed0fd7 };

	for (int i = 0; i < 200000; i++) {
		uint64_t lo = st.next(), hi = st.next();

		expect_decode(lo, hi);
		if (HasFailure())
			break;
	}
}

TEST(ProductionObject, Locate)
{
	uint64_t off = 0;

	EXPECT_EQ(dtm_tss_locate(0x7f, 0x40, &off), DTM_LOCATE_OK);
	EXPECT_EQ(off, 0x40U);
	EXPECT_EQ(dtm_tss_locate(0x7f, 0x43, &off), DTM_LOCATE_OK) << "RPL is ignored";
	EXPECT_EQ(off, 0x40U);
	EXPECT_EQ(dtm_tss_locate(0x7f, 0x0, &off), DTM_LOCATE_NULL_SELECTOR);
	EXPECT_EQ(dtm_tss_locate(0x7f, 0x3, &off), DTM_LOCATE_NULL_SELECTOR);
	EXPECT_EQ(dtm_tss_locate(0x7f, 0x44, &off), DTM_LOCATE_LDT_SELECTOR);
	// 16 bytes at 0x70 end at 0x7f: inside; at 0x78 they cross the limit.
	EXPECT_EQ(dtm_tss_locate(0x7f, 0x70, &off), DTM_LOCATE_OK);
	EXPECT_EQ(dtm_tss_locate(0x7f, 0x78, &off), DTM_LOCATE_BEYOND_LIMIT);
	EXPECT_EQ(dtm_tss_locate(0xffff, 0xfff8, &off), DTM_LOCATE_BEYOND_LIMIT);
}

// 0xffff is the limit a VMX VM exit leaves: accepted only on an Intel CPU
// in VMX operation with kvm_intel loaded; the kernel's limit always.
TEST(ProductionObject, GdtrLimit)
{
	const uint16_t kernel = 0x7f, vmx = DTM_VMX_EXIT_GDTR_LIMIT;

	for (int intel = 0; intel < 2; intel++)
		for (int vmxe = 0; vmxe < 2; vmxe++)
			for (int kvm_intel = 0; kvm_intel < 2; kvm_intel++) {
				EXPECT_EQ(dtm_gdtr_limit_check(kernel, kernel, intel, vmxe, kvm_intel),
					  DTM_GDTR_LIMIT_KERNEL);
				EXPECT_EQ(dtm_gdtr_limit_check(vmx, kernel, intel, vmxe, kvm_intel),
					  intel && vmxe && kvm_intel ? DTM_GDTR_LIMIT_VMX_EXIT
								    : DTM_GDTR_LIMIT_WRONG)
					<< "intel " << intel << " vmxe " << vmxe
					<< " kvm_intel " << kvm_intel;
				EXPECT_EQ(dtm_gdtr_limit_check(0xfff, kernel, intel, vmxe, kvm_intel),
					  DTM_GDTR_LIMIT_WRONG);
			}
}

int main(int argc, char **argv)
{
	unsigned long fs = 0;

	// The object's stack protector reads %gs:0x28: point GS at glibc's
	// thread block so that it finds glibc's canary there.
	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) != 0 ||
	    syscall(SYS_arch_prctl, ARCH_SET_GS, fs) != 0) {
		std::perror("tss_decode_gtest: arch_prctl(ARCH_SET_GS)");
		return 1;
	}
	testing::InitGoogleTest(&argc, argv);
	return RUN_ALL_TESTS();
}

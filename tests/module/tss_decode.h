/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The decode half of the desctest_tss module: given one CPU's GDTR and TR
 * selector and the 16 bytes of its TSS descriptor, decode the descriptor
 * with the reference decoder (include/desctest/desc.h) and with a
 * re-creation of the pre-fix KVM selftests get_desc64_base() expression.
 *
 * The object built from tss_decode.c is linked into the kernel module and,
 * the very same file, into a user-space GoogleTest program: keep it free of
 * kernel calls so that both can run it.
 */
#ifndef DESCTEST_TSS_DECODE_H
#define DESCTEST_TSS_DECODE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

/* What one CPU showed: raw inputs, then the two decodes. */
struct dtm_tss_view {
	/* inputs, as sgdt / str / the GDT gave them */
	uint64_t gdtr_base;
	uint16_t gdtr_limit;
	uint16_t tr;
	uint64_t desc_lo;	/* bytes 0..7 of the TSS descriptor */
	uint64_t desc_hi;	/* bytes 8..15 */
	/* reference decode (desc.h) */
	uint64_t base;
	uint64_t limit;		/* scaled byte limit */
	uint8_t type;
	uint8_t s;
	uint8_t dpl;
	uint8_t p;
	uint8_t zero_type_hi;	/* type field of the upper half, must be 0 */
	/* the pre-fix expression on the same bytes */
	uint64_t prefix_base;
};

/* Status of dtm_tss_locate(). */
enum dtm_locate {
	DTM_LOCATE_OK = 0,
	DTM_LOCATE_NULL_SELECTOR,	/* TR index 0: no task register loaded */
	DTM_LOCATE_LDT_SELECTOR,	/* TI=1: TR cannot point into an LDT */
	DTM_LOCATE_BEYOND_LIMIT,	/* 16 bytes at the selector cross the GDT limit */
};

/* Byte offset of the TSS descriptor for TR within a GDT of gdtr_limit,
 * or a DTM_LOCATE_* reason it cannot be read. */
int dtm_tss_locate(uint16_t gdtr_limit, uint16_t tr, uint64_t *offset);

/* Fill the decode fields of v from v->desc_lo / v->desc_hi. */
void dtm_tss_decode(struct dtm_tss_view *v);

/* The pre-fix get_desc64_base() expression over a raw 16-byte descriptor. */
uint64_t dtm_prefix_base(uint64_t desc_lo, uint64_t desc_hi);

/*
 * The GDTR limit a CPU may show when the module reads it.  The kernel's
 * own, GDT_SIZE - 1; or 0xffff, which a VMX VM exit leaves (SDM Vol. 3C,
 * "Loading Host Segment and Descriptor-Table Registers": the host GDTR
 * limit is set to 0xffff) until KVM reloads the host GDT as the vCPU
 * thread leaves its run loop.  0xffff is accepted only where that can be
 * the cause: an Intel CPU (intel), in VMX operation when read (vmxe:
 * CR4.VMXE), with kvm_intel loaded (kvm_intel).  Anywhere else it would be
 * a host GDT limit never restored.
 */
#define DTM_VMX_EXIT_GDTR_LIMIT 0xffff
enum dtm_gdtr_limit {
	DTM_GDTR_LIMIT_KERNEL = 0,	/* the kernel's limit */
	DTM_GDTR_LIMIT_VMX_EXIT,	/* 0xffff, and a VMX VM exit explains it */
	DTM_GDTR_LIMIT_WRONG,		/* anything else */
};
int dtm_gdtr_limit_check(uint16_t limit, uint16_t kernel_limit, int intel,
			 int vmxe, int kvm_intel);

#endif /* DESCTEST_TSS_DECODE_H */

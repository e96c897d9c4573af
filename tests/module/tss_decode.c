// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference and pre-fix decode of a 64-bit TSS descriptor.  No kernel
 * calls, so the object kbuild builds runs in user space too (see
 * tss_decode_gtest.cpp).
 */
#include "tss_decode.h"
#include <desctest/desc.h>
#include <desctest/prefix_desc64.h>

int dtm_tss_locate(uint16_t gdtr_limit, uint16_t tr, uint64_t *offset)
{
	struct dt_sel sel = { { tr } };
	uint64_t off = dt_sel_offset(&sel);

	if (dt_sel_index(&sel) == 0)
		return DTM_LOCATE_NULL_SELECTOR;
	if (dt_sel_ti(&sel))
		return DTM_LOCATE_LDT_SELECTOR;
	/* A system descriptor is 16 bytes in IA-32e mode; the limit is the
	 * offset of the last valid byte (SDM 3.5.1). */
	if (off + 15 > gdtr_limit)
		return DTM_LOCATE_BEYOND_LIMIT;
	*offset = off;
	return DTM_LOCATE_OK;
}

int dtm_gdtr_limit_check(uint16_t limit, uint16_t kernel_limit, int intel,
			 int vmxe, int kvm_intel)
{
	if (limit == kernel_limit)
		return DTM_GDTR_LIMIT_KERNEL;
	if (limit == DTM_VMX_EXIT_GDTR_LIMIT && intel && vmxe && kvm_intel)
		return DTM_GDTR_LIMIT_VMX_EXIT;
	return DTM_GDTR_LIMIT_WRONG;
}

void dtm_tss_decode(struct dtm_tss_view *v)
{
	struct dt_sys d = { { v->desc_lo, v->desc_hi } };

	v->base = dt_sys_base(&d);
	v->limit = dt_sys_limit(&d);
	v->type = (uint8_t)dt_sys_type(&d);
	v->s = (uint8_t)dt_sys_s(&d);
	v->dpl = (uint8_t)dt_sys_dpl(&d);
	v->p = (uint8_t)dt_sys_p(&d);
	v->zero_type_hi = (uint8_t)dt_sys_zero_type_hi(&d);
	v->prefix_base = dtm_prefix_base(v->desc_lo, v->desc_hi);
}

/*
 * Kept out of line and over a struct pointer, the shape of the selftests
 * helper, so that the object holds the expression as that code compiles.
 */
__attribute__((__noinline__)) static uint64_t
dtm_prefix_expr(const struct dt_prefix_desc64 *desc)
{
	return dt_prefix_get_desc64_base(desc);
}

uint64_t dtm_prefix_base(uint64_t desc_lo, uint64_t desc_hi)
{
	union {
		uint64_t w[2];
		struct dt_prefix_desc64 d;
	} u = { { desc_lo, desc_hi } };

	return dtm_prefix_expr(&u.d);
}

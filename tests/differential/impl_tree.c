// SPDX-License-Identifier: GPL-2.0-only
/*
 * get_desc64_base() compiled straight from a kernel tree's KVM selftests
 * processor.h.  Built once per tree copy under test; the build passes
 *   DT_TREE_IDENT  C identifier of this copy (tree, tree_patched, ...)
 *   DT_TREE_NAME   KTAP test name
 *   DT_TREE_WHAT   where processor.h came from
 *   DT_TREE_RANK   report order
 *   DT_TREE_BUG    1 when this copy is the pristine, known-buggy helper
 * and an include path that finds the wanted processor.h first.
 */
#include "processor.h"

#include "impl.h"

static inline uint64_t tree_decode(uint64_t w0, uint64_t w1)
{
	struct desc64 d;

	DT_FILL_DESC64(d, w0, w1);
	return get_desc64_base(&d);
}

static inline uint64_t tree_decode_image(uint64_t w0, uint64_t w1)
{
	/* GNU C type punning through a union: the 16 bytes as they sit in
	 * memory, read through the struct's own layout. */
	union {
		uint64_t w[2];
		struct desc64 d;
	} u = { { w0, w1 } };

	return get_desc64_base(&u.d);
}

#define DT_DECODE(w0, w1) tree_decode(w0, w1)
#define DT_DECODE_IMAGE(w0, w1) tree_decode_image(w0, w1)
DT_DEFINE_IMPL(DT_TREE_IDENT, DT_TREE_NAME, DT_TREE_WHAT, DT_TREE_RANK,
	       DT_TREE_BUG)

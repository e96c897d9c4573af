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

DT_DESC64_DECODERS(struct desc64, get_desc64_base)
#define DT_DECODE(w0, w1) dt_desc64_decode(w0, w1)
#define DT_DECODE_IMAGE(w0, w1) dt_desc64_decode_image(w0, w1)
DT_DEFINE_IMPL(DT_TREE_IDENT, DT_TREE_NAME, DT_TREE_WHAT, DT_TREE_RANK,
	       DT_TREE_BUG)

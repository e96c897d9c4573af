// SPDX-License-Identifier: GPL-2.0-only
/* The re-created pre-fix expression (include/desctest/prefix_desc64.h). */
#include "desctest/prefix_desc64.h"
#include "impl.h"

static inline uint64_t prefix_decode(uint64_t w0, uint64_t w1)
{
	struct dt_prefix_desc64 d;

	DT_FILL_DESC64(d, w0, w1);
	return dt_prefix_get_desc64_base(&d);
}

static inline uint64_t prefix_decode_image(uint64_t w0, uint64_t w1)
{
	/* GNU C type punning through a union: the 16 bytes as they sit in
	 * memory, read through the struct's own layout. */
	union {
		uint64_t w[2];
		struct dt_prefix_desc64 d;
	} u = { { w0, w1 } };

	return dt_prefix_get_desc64_base(&u.d);
}

#define DT_DECODE(w0, w1) prefix_decode(w0, w1)
#define DT_DECODE_IMAGE(w0, w1) prefix_decode_image(w0, w1)
DT_DEFINE_IMPL(prefix, "prefix-recreation",
	       "re-creation of the pre-fix KVM selftests expression (include/desctest/prefix_desc64.h)",
	       1, 1)

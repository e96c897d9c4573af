// SPDX-License-Identifier: GPL-2.0-only
/* The project's reference decoder, include/desctest/desc.h. */
#include "desctest/desc.h"
#include "impl.h"

static inline uint64_t reference_decode(uint64_t w0, uint64_t w1)
{
	struct dt_sys d = { { w0, w1 } };

	return dt_sys_base(&d);
}

#define DT_DECODE(w0, w1) reference_decode(w0, w1)
#define DT_DECODE_IMAGE(w0, w1) reference_decode(w0, w1)
DT_DEFINE_IMPL(reference, "reference",
	       "desctest reference decoder (include/desctest/desc.h)", 0, 0)

// SPDX-License-Identifier: GPL-2.0-only
/* The re-created pre-fix expression (include/desctest/prefix_desc64.h). */
#include "desctest/prefix_desc64.h"
#include "impl.h"

DT_DESC64_DECODERS(struct dt_prefix_desc64, dt_prefix_get_desc64_base)
#define DT_DECODE(w0, w1) dt_desc64_decode(w0, w1)
#define DT_DECODE_IMAGE(w0, w1) dt_desc64_decode_image(w0, w1)
DT_DEFINE_IMPL(prefix, "prefix-recreation",
	       "re-creation of the pre-fix KVM selftests expression (include/desctest/prefix_desc64.h)",
	       1, 1)

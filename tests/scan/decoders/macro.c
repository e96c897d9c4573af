// SPDX-License-Identifier: GPL-2.0-only
// The macro form of fixtures/macro.c as a sweep adapter: the promotion
// sits in a macro's body, the decoder only names it; and its safe twin,
// whose macro widens each part before the shift.
#include <stdint.h>
#include <string.h>

struct sys_desc16 {
	uint16_t limit0, base0;
	uint8_t base1, type_attr, limit1_flags, hi;
	uint32_t base3, zero;
};

#define GETBASE(sd) ((uint64_t)(sd)->base3 << 32 | (sd)->hi << 24 | \
		     (sd)->base1 << 16 | (sd)->base0)
#define GETBASE_SAFE(sd) ((uint64_t)(sd)->base3 << 32 | \
			  (uint64_t)(sd)->hi << 24 | \
			  (uint64_t)(sd)->base1 << 16 | (sd)->base0)

uint64_t macro_base(const void *p)
{
	struct sys_desc16 d;

	memcpy(&d, p, sizeof(d));
	return GETBASE(&d);
}

uint64_t macro_base_safe(const void *p)
{
	struct sys_desc16 d;

	memcpy(&d, p, sizeof(d));
	return GETBASE_SAFE(&d);
}

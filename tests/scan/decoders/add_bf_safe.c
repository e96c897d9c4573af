// SPDX-License-Identifier: GPL-2.0-only
// Its safe twin: the low half summed in 32 unsigned bits first.
#include <stdint.h>
#include <string.h>

struct add_desc_safe {
	unsigned limit0:16, base0:16;
	unsigned base1:8, attrs:16, base2:8;
	uint32_t base3;
	uint32_t zero;
};

uint64_t add_bf_safe(const void *p)
{
	struct add_desc_safe d;

	memcpy(&d, p, sizeof(d));
	uint32_t low = d.base0 + (d.base1 << 16) + ((uint32_t)d.base2 << 24);
	return ((uint64_t)d.base3 << 32) + low;
}

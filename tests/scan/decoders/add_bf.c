// SPDX-License-Identifier: GPL-2.0-only
// Add-style decoder over a bit-field struct: bits 63:32 come out upper - 1.
#include <stdint.h>
#include <string.h>

struct add_desc {
	unsigned limit0:16, base0:16;
	unsigned base1:8, attrs:16, base2:8;
	uint32_t base3;
	uint32_t zero;
};

uint64_t add_bf(const void *p)
{
	struct add_desc d;

	memcpy(&d, p, sizeof(d));
	return ((uint64_t)d.base3 << 32) + d.base0 + (d.base1 << 16) + (d.base2 << 24);
}

// SPDX-License-Identifier: GPL-2.0-only
// More forms on an 8-byte segment descriptor's base: a uint64_t:8
// bit-field (promoted to int like any field narrower than int); the safe
// twins of the fixtures (masked to 32 bits, a 32-bit field, a 32-bit
// result); and a scan finding whose sweep is clean (the sign-extended
// bits masked off after the widening, through a variable).
#include <stdint.h>
#include <string.h>

struct seg_bf64 {
	uint64_t limit0 : 16, base0 : 24, attrs : 16, base2 : 8;
};

uint64_t bf64_base(const void *p)
{
	struct seg_bf64 d;

	memcpy(&d, p, sizeof(d));
	return d.base0 | d.base2 << 24;
}

uint64_t masked_base(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;

	return (b[2] | b[3] << 8 | b[4] << 16 | b[7] << 24) & 0xffffffffu;
}

struct seg_words {
	uint16_t limit0, base0;
	uint32_t w1;	/* base 23:16 in bits 7:0, base 31:24 in bits 31:24 */
};

uint64_t field32_base(const void *p)
{
	struct seg_words d;

	memcpy(&d, p, sizeof(d));
	return d.base0 | (d.w1 & 0xff) << 16 | (d.w1 >> 24) << 24;
}

static uint32_t seg_base32(const uint8_t *b)
{
	return b[2] | b[3] << 8 | b[4] << 16 | b[7] << 24;
}

uint64_t result32_base(const void *p)
{
	return seg_base32((const uint8_t *)p);
}

uint64_t masked_later(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;
	uint64_t v = b[2] | b[3] << 8 | b[4] << 16 | b[7] << 24;

	return v & 0xffffffff;
}

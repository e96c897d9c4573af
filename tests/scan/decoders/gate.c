// SPDX-License-Identifier: GPL-2.0-only
// IDT gate offset with offset_mid << 16 of a 16-bit field, and its twin.
#include <stdint.h>
#include <string.h>

struct gate_image {
	uint16_t offset_low, segment, bits, offset_mid;
	uint32_t offset_high, reserved;
};

uint64_t gate_offset(const void *p)
{
	struct gate_image g;

	memcpy(&g, p, sizeof(g));
	return g.offset_low | (g.offset_mid << 16) | ((uint64_t)g.offset_high << 32);
}

uint64_t gate_offset_safe(const void *p)
{
	struct gate_image g;

	memcpy(&g, p, sizeof(g));
	return g.offset_low | ((uint64_t)g.offset_mid << 16) | ((uint64_t)g.offset_high << 32);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * A user's decoder under the differential's exhaustive sweep
 * (tests/differential/impl.h).  ./desctest sweep compiles this unit once
 * per compiler (a C decoder: gcc and clang as C, g++ as C++; a C++
 * decoder: g++ and clang++ as C++) with
 *   DT_USER_FILE    the decoder's source, as a string ("dec.c")
 *   DT_USER_FUNC    its function: uint64_t NAME(const void *bytes) (or a
 *                   pointer to unsigned char / uint8_t)
 *   DT_LAYOUT       1 seg8, 2 sys16, 3 gate16
 * and links it with sweep.cpp.  The decoder is included into this unit so
 * that the compiler inlines it into the sweep loop, as it would inline it
 * into its callers.
 *
 * The sweep varies the base bits of a 16-byte system descriptor's two
 * words; the unit turns them into the image of the layout under test
 * (the same 64-bit value as a segment base, a system base or a gate
 * offset) and calls the decoder on its bytes.
 */
#include <string.h>

#include "impl.h"

#include DT_USER_FILE

#define DT_SEG8 1
#define DT_SYS16 2
#define DT_GATE16 3

/* The value the sweep put in the system descriptor words. */
static inline uint64_t dt_user_value(uint64_t w0, uint64_t w1)
{
	return (w0 >> 16 & 0xffff) | (w0 >> 32 & 0xff) << 16 | (w0 >> 56 & 0xff) << 24 |
	       (w1 & 0xffffffffull) << 32;
}

static inline uint64_t dt_user_call(uint64_t w0, uint64_t w1)
{
	unsigned char bytes[16] __attribute__((aligned(16)));
#if DT_LAYOUT == DT_SYS16
	memcpy(bytes, &w0, 8);
	memcpy(bytes + 8, &w1, 8);
#elif DT_LAYOUT == DT_SEG8
	/* An 8-byte code/data descriptor: the sweep's word 0 carries the
	 * same base bits 31:0 at the same places; base 63:32 is not part
	 * of it (the sweep runs with base3 = 0). */
	memcpy(bytes, &w0, 8);
	memset(bytes + 8, 0, 8);
#elif DT_LAYOUT == DT_GATE16
	/* A 64-bit interrupt gate, P=1, type 0xe, selector 0x10: offset
	 * 15:0 in bytes 0-1, 31:16 in bytes 6-7, 63:32 in bytes 8-11. */
	uint64_t v = dt_user_value(w0, w1);
	uint64_t g0 = (v & 0xffff) | 0x10ull << 16 | 0x8e00ull << 32 | (v >> 16 & 0xffff) << 48;
	uint64_t g1 = v >> 32;
	memcpy(bytes, &g0, 8);
	memcpy(bytes + 8, &g1, 8);
#else
#error "DT_LAYOUT must be 1 (seg8), 2 (sys16) or 3 (gate16)"
#endif
	return DT_USER_FUNC(bytes);
}

#define DT_DECODE(w0, w1) dt_user_call(w0, w1)
#define DT_DECODE_IMAGE(w0, w1) dt_user_call(w0, w1)
DT_DEFINE_IMPL(user, "user", "the decoder under test", 0, 0)

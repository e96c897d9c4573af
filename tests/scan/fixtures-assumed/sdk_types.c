// SPDX-License-Identifier: GPL-2.0-only
// Code written against an SDK whose headers are not in the tree: UCHAR
// and USHORT are nowhere defined here; the scan assumes their usual widths
// and says so.
#include "sdk/ntdef_missing.h"

struct KGDT_BYTES {
	UCHAR BaseHi;
	UCHAR BaseMid;
	USHORT BaseLow;
};

unsigned long long gdt_base64(const struct KGDT_BYTES *e)
{
	return e->BaseHi << 24 | e->BaseMid << 16 | e->BaseLow;
}

unsigned long long gdt_base64_safe(const struct KGDT_BYTES *e)
{
	return (unsigned long long)e->BaseHi << 24 | e->BaseMid << 16 | e->BaseLow;
}

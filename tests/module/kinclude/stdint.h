/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel builds have no <stdint.h> (kbuild passes -nostdinc); desc.h
 * includes it for the fixed-width types, which <linux/types.h> provides.
 * Only the module's kbuild include path has this directory.
 */
#ifndef DESCTEST_KINCLUDE_STDINT_H
#define DESCTEST_KINCLUDE_STDINT_H
#include <linux/types.h>
#endif

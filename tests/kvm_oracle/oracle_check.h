/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The oracle's comparison: what KVM_GET_SREGS must report in the hidden
 * part of TR, LDTR, FS or GS after the guest loaded a generated
 * descriptor, derived from the descriptor by the reference decoder only,
 * and what the CPU must have written back into the GDT slot.
 */
#ifndef DESCTEST_ORACLE_CHECK_H
#define DESCTEST_ORACLE_CHECK_H

#include <stddef.h>
#include <linux/kvm.h>
#include "oracle_gen.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The register image a correct CPU/KVM holds after the load. */
void oracle_want_sreg(enum oracle_kind k, const struct oracle_desc *d,
		      struct kvm_segment *want);

/*
 * KVM on AMD SVM does not report the G bit the guest loaded: the VMCB
 * keeps no reliable G (the APM says the CPU does not observe it, and some
 * virtual CPUs drop it), so KVM synthesizes g = (limit > 0xfffff) when it
 * reads a segment back (svm_get_segment()).  Rewrite want->g that way;
 * returns 1 when that changed it.  The scaled limit, compared exactly,
 * still carries the effect of G.
 */
int oracle_want_svm_g(struct kvm_segment *want);

/* The GDT slot image after the load: the CPU marks a TSS busy and a code
 * or data segment accessed; an LDT descriptor stays as it was. */
void oracle_want_slot(enum oracle_kind k, const struct oracle_desc *d,
		      struct dt_sys *want);

/*
 * Compare field by field.  Returns the number of fields that differ and
 * writes one line for each into buf, in the shared format of
 * desctest/ktap.h: "<what>: <field> seen 0x.. wanted 0x..  <-- MISMATCH"
 * and a newline (truncated to len, always terminated).
 */
int oracle_diff_sreg(const struct kvm_segment *seen,
		     const struct kvm_segment *want, const char *what, char *buf,
		     size_t len);
int oracle_diff_slot(enum oracle_kind k, const struct dt_sys *seen,
		     const struct dt_sys *want, const char *what, char *buf,
		     size_t len);

#ifdef __cplusplus
}
#endif

#endif /* DESCTEST_ORACLE_CHECK_H */

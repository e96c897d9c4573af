/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Descriptors for the CPU/KVM oracle: the stream the guest loads into the
 * TR (ltr), the LDTR (lldt), FS and GS (mov), every one valid for that
 * load in IA-32e mode at CPL 0, so the CPU must accept it and the only
 * question left is what it puts in the hidden part of the register.
 *
 * Each kind's stream starts with its edge values (base bits 31:24 from
 * 0x7e to 0x81 and 0xff, base bits 63:32 zero and kernel-style high, G on
 * and off, 0xfffffe7cf8d65000 exactly), then continues with seeded random
 * descriptors.  The n-th descriptor of a kind depends only on the seed,
 * the kind and n.
 */
#ifndef DESCTEST_ORACLE_GEN_H
#define DESCTEST_ORACLE_GEN_H

#include <stdint.h>
#include "desctest/desc.h"

#ifdef __cplusplus
extern "C" {
#endif

enum oracle_kind {
	ORACLE_TR,
	ORACLE_LDTR,
	ORACLE_FS,
	ORACLE_GS,
	ORACLE_NR_KINDS,
};

/* Short name ("tr", "ldtr", "fs", "gs") and the loading instruction. */
const char *oracle_kind_name(enum oracle_kind k);
const char *oracle_kind_insn(enum oracle_kind k);

/* 1 for the 16-byte system descriptors (TR, LDTR), 0 for FS and GS. */
int oracle_kind_is_system(enum oracle_kind k);

/*
 * One generated load: the 16-byte GDT slot image and the selector.  For
 * FS and GS only w[0] is the (8-byte) descriptor; w[1] is written as 0.
 */
struct oracle_desc {
	struct dt_sys slot;
	uint16_t sel;
	int edge; /* 1 when it came from the edge list */
};

struct oracle_gen {
	uint64_t seed;
	uint64_t rng[ORACLE_NR_KINDS];
	uint64_t next[ORACLE_NR_KINDS];
};

void oracle_gen_init(struct oracle_gen *g, uint64_t seed);

/* Number of edge descriptors at the head of a kind's stream. */
unsigned int oracle_nr_edges(enum oracle_kind k);

/*
 * The next descriptor of kind k, to be placed at GDT index `index` (even,
 * a 16-byte slot); the selector's RPL is part of what is generated.
 */
void oracle_gen_next(struct oracle_gen *g, enum oracle_kind k,
		     unsigned int index, struct oracle_desc *out);

#ifdef __cplusplus
}
#endif

#endif /* DESCTEST_ORACLE_GEN_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The oracle's descriptor stream (see oracle_gen.h).
 *
 * What makes a descriptor loadable here (SDM Vol. 2A/2B, LTR, LLDT, MOV to
 * a segment register; IA-32e mode, CPL 0, selector with TI = 0):
 *   TR    S = 0, type 9 (available 64-bit TSS), P = 1, base canonical,
 *         type field of the upper 8 bytes zero; DPL, limit, G, AVL free.
 *   LDTR  S = 0, type 2 (LDT), P = 1, base canonical, upper type zero.
 *   FS/GS S = 1, a data type or a readable code type, P = 1; for data and
 *         non-conforming code DPL >= RPL (CPL is 0); conforming readable
 *         code takes any RPL.  Only base bits 31:0 exist.
 * Bit 53 (L) and bit 54 (D/B) of a system descriptor and bit 53 of a data
 * descriptor are reserved and generated as 0.
 */
#include "oracle_gen.h"
#include "desctest/splitmix64.h"

static const char *const kind_names[ORACLE_NR_KINDS] = {
	[ORACLE_TR] = "tr",
	[ORACLE_LDTR] = "ldtr",
	[ORACLE_FS] = "fs",
	[ORACLE_GS] = "gs",
};

static const char *const kind_insns[ORACLE_NR_KINDS] = {
	[ORACLE_TR] = "ltr",
	[ORACLE_LDTR] = "lldt",
	[ORACLE_FS] = "mov to FS",
	[ORACLE_GS] = "mov to GS",
};

const char *oracle_kind_name(enum oracle_kind k)
{
	return kind_names[k];
}

const char *oracle_kind_insn(enum oracle_kind k)
{
	return kind_insns[k];
}

int oracle_kind_is_system(enum oracle_kind k)
{
	return k == ORACLE_TR || k == ORACLE_LDTR;
}

void oracle_gen_init(struct oracle_gen *g, uint64_t seed)
{
	unsigned int k;

	g->seed = seed;
	for (k = 0; k < ORACLE_NR_KINDS; k++) {
		/* One independent stream per kind. */
		g->rng[k] = seed ^ (0x5bd1e995ull * (k + 1) << 17);
		g->next[k] = 0;
	}
}

/* ---- edge values ------------------------------------------------------- */

/* Base bits 31:24: both sides of the sign bit of a promoted int, and all
 * ones. */
static const uint8_t edge_base2[] = { 0x7e, 0x7f, 0x80, 0x81, 0xff };
/* Base bits 63:32 (system descriptors only): zero, just below the
 * canonical hole, kernel direct map, the motivating cpu_entry_area-style
 * value, all ones.  All canonical with 4-level paging. */
static const uint32_t edge_base3[] = { 0x00000000, 0x00007fff, 0xffff8000,
				       0xfffffe7c, 0xffffffff };
/* Raw 20-bit limits: TSS minimum, zero, all ones, one above 16 bits. */
static const uint32_t edge_limit[] = { 0x67, 0x0, 0xfffff, 0x1ffff };
/* FS/GS types: read-only data, read/write accessed, expand-down
 * read/write, execute/read code, conforming execute/read accessed. */
static const uint8_t edge_seg_type[] = { 0x0, 0x3, 0x6, 0xa, 0xf };

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define NR_SYS_EDGES (1 + ARRAY_LEN(edge_base2) * ARRAY_LEN(edge_base3) * 2)
#define NR_SEG_EDGES (ARRAY_LEN(edge_base2) * 2 * ARRAY_LEN(edge_seg_type))

/* The TSS base of the motivating report, checked first. */
#define ORACLE_MOTIVATING_BASE 0xfffffe7cf8d65000ull

unsigned int oracle_nr_edges(enum oracle_kind k)
{
	return oracle_kind_is_system(k) ? NR_SYS_EDGES : NR_SEG_EDGES;
}

/* A data or non-conforming code segment needs RPL <= DPL at CPL 0; a
 * conforming code segment takes any RPL. */
static uint64_t seg_rpl(uint64_t type, uint64_t dpl, uint64_t pick)
{
	int conforming = (type & (DT_TYPE_CODE | DT_TYPE_CODE_CONFORMING)) ==
			 (DT_TYPE_CODE | DT_TYPE_CODE_CONFORMING);

	return conforming ? pick % 4 : pick % (dpl + 1);
}

static void sys_fill(struct dt_sys *d, enum oracle_kind k, uint64_t base,
		     uint64_t limit_raw, uint64_t g, uint64_t dpl, uint64_t avl)
{
	d->w[0] = 0;
	d->w[1] = 0;
	dt_sys_set_base(d, base);
	dt_sys_set_limit_raw(d, limit_raw);
	dt_sys_set_type(d, k == ORACLE_TR ? DT_SYS_TSS64_AVAIL : DT_SYS_LDT);
	dt_sys_set_s(d, 0);
	dt_sys_set_dpl(d, dpl);
	dt_sys_set_p(d, 1);
	dt_sys_set_avl(d, avl);
	dt_sys_set_g(d, g);
}

static void seg_fill(struct dt_sys *slot, uint64_t base, uint64_t limit_raw,
		     uint64_t type, uint64_t g, uint64_t db, uint64_t dpl,
		     uint64_t avl)
{
	struct dt_seg d = { { 0 } };

	dt_seg_set_base(&d, base);
	dt_seg_set_limit_raw(&d, limit_raw);
	dt_seg_set_type(&d, type);
	dt_seg_set_s(&d, 1);
	dt_seg_set_dpl(&d, dpl);
	dt_seg_set_p(&d, 1);
	dt_seg_set_avl(&d, avl);
	dt_seg_set_db(&d, db);
	dt_seg_set_g(&d, g);
	slot->w[0] = d.w[0];
	slot->w[1] = 0;
}

static void sys_edge(enum oracle_kind k, unsigned int e, unsigned int index,
		     struct oracle_desc *out)
{
	unsigned int j;
	uint64_t base;

	if (e == 0) {
		sys_fill(&out->slot, k, ORACLE_MOTIVATING_BASE, 0x67, 0, 0, 0);
		out->sel = (uint16_t)dt_sel_make(index, 0, 0).w[0];
		return;
	}
	j = e - 1;
	base = (uint64_t)edge_base3[(j / 5) % 5] << 32 |
	       (uint64_t)edge_base2[j % 5] << 24 |
	       ((0xd65000u + j * 0x1010u) & 0xffffffu);
	sys_fill(&out->slot, k, base, edge_limit[j % 4], (j / 25) % 2,
		 (j / 2) % 4, (j / 3) % 2);
	out->sel = (uint16_t)dt_sel_make(index, 0, (j / 7) % 4).w[0];
}

static void seg_edge(unsigned int j, unsigned int index,
		     struct oracle_desc *out)
{
	uint64_t type = edge_seg_type[(j / 10) % 5];
	uint64_t dpl = (j / 2) % 4;
	uint64_t base = (uint64_t)edge_base2[j % 5] << 24 |
			((0x123456u + j * 0x10203u) & 0xffffffu);

	seg_fill(&out->slot, base, edge_limit[j % 4], type, (j / 5) % 2,
		 (j / 3) % 2, dpl, (j / 7) % 2);
	out->sel = (uint16_t)dt_sel_make(index, 0, seg_rpl(type, dpl, j / 11)).w[0];
}

/* Every type MOV to FS/GS accepts: data 0..7, readable code 0xa, 0xb,
 * 0xe, 0xf (SDM Table 3-1). */
static const uint8_t loadable_seg_types[] = { 0x0, 0x1, 0x2, 0x3, 0x4, 0x5,
					      0x6, 0x7, 0xa, 0xb, 0xe, 0xf };

static void sys_random(enum oracle_kind k, uint64_t *rng, unsigned int index,
		       struct oracle_desc *out)
{
	uint64_t r = dt_splitmix64(rng), f = dt_splitmix64(rng);
	/* Canonical with 4-level paging: bits 63:48 copy bit 47. */
	uint64_t base = (uint64_t)((int64_t)(r << 16) >> 16);

	sys_fill(&out->slot, k, base, dt_bits(f, 19, 0), dt_bits(f, 20, 20),
		 dt_bits(f, 22, 21), dt_bits(f, 23, 23));
	out->sel = (uint16_t)dt_sel_make(index, 0, dt_bits(f, 25, 24)).w[0];
}

static void seg_random(uint64_t *rng, unsigned int index,
		       struct oracle_desc *out)
{
	uint64_t r = dt_splitmix64(rng), f = dt_splitmix64(rng);
	uint64_t type = loadable_seg_types[dt_bits(f, 47, 32) %
					   ARRAY_LEN(loadable_seg_types)];
	uint64_t dpl = dt_bits(f, 22, 21);

	seg_fill(&out->slot, dt_bits(r, 31, 0), dt_bits(f, 19, 0), type,
		 dt_bits(f, 20, 20), dt_bits(f, 23, 23), dpl,
		 dt_bits(f, 24, 24));
	out->sel = (uint16_t)dt_sel_make(index, 0,
					 seg_rpl(type, dpl, dt_bits(f, 27, 25))).w[0];
}

void oracle_gen_next(struct oracle_gen *g, enum oracle_kind k,
		     unsigned int index, struct oracle_desc *out)
{
	uint64_t n = g->next[k]++;

	out->edge = n < oracle_nr_edges(k);
	if (oracle_kind_is_system(k)) {
		if (out->edge)
			sys_edge(k, (unsigned int)n, index, out);
		else
			sys_random(k, &g->rng[k], index, out);
	} else {
		if (out->edge)
			seg_edge((unsigned int)n, index, out);
		else
			seg_random(&g->rng[k], index, out);
	}
}

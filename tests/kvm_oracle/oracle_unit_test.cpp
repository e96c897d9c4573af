// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the oracle's host side, no KVM needed: every generated
 * descriptor is one the CPU must accept for its load (so the guest never
 * faults), the edge values the suite promises are all in the stream, the
 * stream is reproducible from its seed, and the expected register image
 * and its diff catch a sign-extended base.
 */
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

#include "oracle_check.h"
#include "oracle_gen.h"

namespace {

constexpr unsigned int kIndex = 0x20; // any even GDT index
constexpr uint64_t kCount = 20000;

const enum oracle_kind kKinds[] = { ORACLE_TR, ORACLE_LDTR, ORACLE_FS,
				    ORACLE_GS };

bool canonical48(uint64_t v)
{
	uint64_t top = v >> 47; // bits 63:47 must be all equal
	return top == 0 || top == 0x1ffff;
}

struct dt_seg low_word(const struct oracle_desc &d)
{
	return dt_seg{ { d.slot.w[0] } };
}

// What SDM Vol. 2 (LTR, LLDT, MOV) requires of the descriptor at CPL 0 in
// IA-32e mode; returns "" when loadable, else what is wrong.
std::string not_loadable(enum oracle_kind k, const struct oracle_desc &d,
			 unsigned int index)
{
	struct dt_sel sel = { { d.sel } };
	struct dt_seg lo = low_word(d);

	if (dt_sel_index(&sel) != index)
		return "selector index";
	if (dt_sel_ti(&sel) != 0)
		return "selector TI";
	if (dt_seg_p(&lo) != 1)
		return "P";
	if (oracle_kind_is_system(k)) {
		uint64_t want_type = k == ORACLE_TR ? DT_SYS_TSS64_AVAIL : DT_SYS_LDT;

		if (dt_sys_s(&d.slot) != 0 || dt_sys_type(&d.slot) != want_type)
			return "S/type";
		if (!canonical48(dt_sys_base(&d.slot)))
			return "base not canonical";
		if (dt_sys_reserved_hi(&d.slot) != 0)
			return "upper dword not zero";
		if (dt_seg_l(&lo) || dt_seg_db(&lo))
			return "reserved L or D/B set";
		return "";
	}
	uint64_t type = dt_seg_type(&lo), dpl = dt_seg_dpl(&lo);
	bool code = type & DT_TYPE_CODE;
	bool conforming = code && (type & DT_TYPE_CODE_CONFORMING);

	if (dt_seg_s(&lo) != 1)
		return "S";
	if (code && !(type & DT_TYPE_CODE_READ))
		return "execute-only code";
	if (!conforming && dt_sel_rpl(&sel) > dpl)
		return "RPL above DPL";
	if (dt_seg_l(&lo))
		return "reserved L set";
	if (d.slot.w[1] != 0)
		return "second word not zero";
	return "";
}

TEST(OracleGen, EveryDescriptorIsLoadable)
{
	for (uint64_t seed : { 0ull, 1ull, 0xfffffe7cf8d65000ull }) {
		struct oracle_gen g;

		oracle_gen_init(&g, seed);
		for (enum oracle_kind k : kKinds)
			for (uint64_t n = 0; n < kCount; n++) {
				struct oracle_desc d;

				oracle_gen_next(&g, k, kIndex, &d);
				ASSERT_EQ(not_loadable(k, d, kIndex), "")
					<< oracle_kind_name(k) << " #" << n
					<< " seed " << seed << std::hex
					<< " descriptor " << d.slot.w[1] << ":"
					<< d.slot.w[0] << " sel " << d.sel;
			}
	}
}

TEST(OracleGen, EdgesComeFirstAndCoverThePromisedValues)
{
	struct oracle_gen g;

	oracle_gen_init(&g, 42);
	for (enum oracle_kind k : kKinds) {
		std::set<uint64_t> base2_g0, base2_g1, base3;
		bool motivating = false;
		unsigned int edges = oracle_nr_edges(k);

		for (unsigned int n = 0; n < edges + 10; n++) {
			struct oracle_desc d;
			struct dt_seg lo;

			oracle_gen_next(&g, k, kIndex, &d);
			ASSERT_EQ(d.edge, n < edges ? 1 : 0) << n;
			if (!d.edge)
				continue;
			lo = low_word(d);
			(dt_seg_g(&lo) ? base2_g1 : base2_g0)
				.insert(dt_seg_base_31_24(&lo));
			if (oracle_kind_is_system(k)) {
				base3.insert(dt_sys_base_63_32(&d.slot));
				motivating |= dt_sys_base(&d.slot) ==
					      0xfffffe7cf8d65000ull;
			}
		}
		for (uint64_t b2 : { 0x7eull, 0x7full, 0x80ull, 0x81ull, 0xffull }) {
			EXPECT_TRUE(base2_g0.count(b2)) << oracle_kind_name(k) << " G=0 base2 " << b2;
			EXPECT_TRUE(base2_g1.count(b2)) << oracle_kind_name(k) << " G=1 base2 " << b2;
		}
		if (oracle_kind_is_system(k)) {
			EXPECT_TRUE(motivating) << oracle_kind_name(k);
			for (uint64_t b3 : { 0x0ull, 0xffff8000ull, 0xfffffe7cull, 0xffffffffull })
				EXPECT_TRUE(base3.count(b3)) << oracle_kind_name(k) << " base3 " << b3;
		}
	}
}

TEST(OracleGen, RandomPartDependsOnlyOnTheSeed)
{
	struct oracle_gen a, b, c;
	unsigned int differ = 0;

	oracle_gen_init(&a, 7);
	oracle_gen_init(&b, 7);
	oracle_gen_init(&c, 8);
	for (uint64_t n = 0; n < 1000; n++)
		for (enum oracle_kind k : kKinds) {
			struct oracle_desc da, db, dc;

			oracle_gen_next(&a, k, kIndex, &da);
			oracle_gen_next(&b, k, kIndex, &db);
			oracle_gen_next(&c, k, kIndex, &dc);
			ASSERT_EQ(da.slot.w[0], db.slot.w[0]);
			ASSERT_EQ(da.slot.w[1], db.slot.w[1]);
			ASSERT_EQ(da.sel, db.sel);
			differ += !da.edge && da.slot.w[0] != dc.slot.w[0];
		}
	EXPECT_GT(differ, 3500u); // seeds 7 and 8 share no random stream
}

TEST(OracleGen, RandomPartReachesBothSidesOfBase2Sign)
{
	struct oracle_gen g;

	oracle_gen_init(&g, 3);
	for (enum oracle_kind k : kKinds) {
		unsigned int high = 0, low = 0, kernel_half = 0;

		for (uint64_t n = 0; n < 4000; n++) {
			struct oracle_desc d;
			struct dt_seg lo;

			oracle_gen_next(&g, k, kIndex, &d);
			lo = low_word(d);
			(dt_seg_base_31_24(&lo) >= 0x80 ? high : low)++;
			kernel_half += oracle_kind_is_system(k) &&
				       dt_sys_base(&d.slot) >> 63;
		}
		EXPECT_GT(high, 1000u) << oracle_kind_name(k);
		EXPECT_GT(low, 1000u) << oracle_kind_name(k);
		if (oracle_kind_is_system(k)) {
			EXPECT_GT(kernel_half, 1000u) << oracle_kind_name(k);
		}
	}
}

struct oracle_desc first_of(enum oracle_kind k, unsigned int skip)
{
	struct oracle_gen g;
	struct oracle_desc d;

	oracle_gen_init(&g, 0);
	for (unsigned int i = 0; i <= skip; i++)
		oracle_gen_next(&g, k, kIndex, &d);
	return d;
}

TEST(OracleCheck, TssWantsTheFullBaseAndTheBusyType)
{
	struct oracle_desc d = first_of(ORACLE_TR, 0);
	struct kvm_segment want;
	struct dt_sys slot;

	oracle_want_sreg(ORACLE_TR, &d, &want);
	EXPECT_EQ(want.base, 0xfffffe7cf8d65000ull);
	EXPECT_EQ(want.limit, 0x67u);
	EXPECT_EQ(want.type, DT_SYS_TSS64_BUSY);
	EXPECT_EQ(want.selector, d.sel);
	EXPECT_EQ(want.present, 1);
	EXPECT_EQ(want.s, 0);
	oracle_want_slot(ORACLE_TR, &d, &slot);
	EXPECT_EQ(dt_sys_type(&slot), DT_SYS_TSS64_BUSY);
	EXPECT_EQ(dt_sys_base(&slot), 0xfffffe7cf8d65000ull);
}

TEST(OracleCheck, DataSegmentBaseIsZeroExtendedAndAccessed)
{
	// Edge #2 of FS has base bits 31:24 = 0x80 and G = 0.
	struct oracle_desc d = first_of(ORACLE_FS, 2);
	struct dt_seg lo = low_word(d);
	struct kvm_segment want;

	ASSERT_EQ(dt_seg_base_31_24(&lo), 0x80u);
	oracle_want_sreg(ORACLE_FS, &d, &want);
	EXPECT_EQ(want.base >> 32, 0u);
	EXPECT_EQ(want.base, dt_seg_base(&lo));
	EXPECT_EQ(want.type, dt_seg_type(&lo) | DT_TYPE_ACCESSED);
	EXPECT_EQ(want.limit, dt_seg_limit(&lo));
}

TEST(OracleCheck, GranularLimitIsScaled)
{
	struct oracle_gen g;
	struct oracle_desc d;
	struct kvm_segment want;
	bool seen_g1 = false;

	oracle_gen_init(&g, 0);
	for (unsigned int n = 0; n < oracle_nr_edges(ORACLE_LDTR); n++) {
		oracle_gen_next(&g, ORACLE_LDTR, kIndex, &d);
		if (!dt_sys_g(&d.slot))
			continue;
		seen_g1 = true;
		oracle_want_sreg(ORACLE_LDTR, &d, &want);
		EXPECT_EQ(want.limit, dt_sys_limit_raw(&d.slot) << 12 | 0xfff);
	}
	EXPECT_TRUE(seen_g1);
}

TEST(OracleCheck, SvmGIsSynthesizedFromTheScaledLimit)
{
	struct kvm_segment want = {};

	want.g = 1;
	want.limit = 0xfff; // G=1 with a limit field of 0
	EXPECT_EQ(oracle_want_svm_g(&want), 1);
	EXPECT_EQ(want.g, 0);
	want.limit = 0x67; // G=0, small limit: unchanged
	EXPECT_EQ(oracle_want_svm_g(&want), 0);
	EXPECT_EQ(want.g, 0);
	want.g = 1;
	want.limit = 0xffffffff;
	EXPECT_EQ(oracle_want_svm_g(&want), 0);
	EXPECT_EQ(want.g, 1);
}

// Each differing field is one line in the shared format of
// desctest/ktap.h: zero printed as 0x0, the MISMATCH mark at the end.
TEST(OracleCheck, DiffPrintsEachDifferingFieldSeenBesideWanted)
{
	struct oracle_desc d = first_of(ORACLE_GS, 2);
	struct kvm_segment want, seen;
	char buf[512], line[256];
	std::string lines;

	oracle_want_sreg(ORACLE_GS, &d, &want);
	ASSERT_EQ(want.present, 1);
	seen = want;
	EXPECT_EQ(oracle_diff_sreg(&seen, &want, "gs #7 KVM_GET_SREGS", buf, sizeof(buf)), 0);
	EXPECT_STREQ(buf, "");
	// The get_desc64_base() class of bug: base bit 31 (set here)
	// sign-extended into bits 63:32.
	ASSERT_NE(want.base & 0x80000000u, 0u);
	seen.base = want.base | 0xffffffff00000000ull;
	seen.present = 0;
	EXPECT_EQ(oracle_diff_sreg(&seen, &want, "gs #7 KVM_GET_SREGS", buf, sizeof(buf)), 2);
	snprintf(line, sizeof(line),
		 "gs #7 KVM_GET_SREGS: base seen 0x%llx wanted 0x%llx  <-- MISMATCH\n",
		 (unsigned long long)seen.base, (unsigned long long)want.base);
	lines = line;
	lines += "gs #7 KVM_GET_SREGS: present seen 0x0 wanted 0x1  <-- MISMATCH\n";
	EXPECT_EQ(std::string(buf), lines);
	EXPECT_EQ(oracle_diff_sreg(&seen, &want, "gs", buf, 8), 2); // truncated, still counted
	EXPECT_EQ(std::string(buf).size(), 7u);
}

TEST(OracleCheck, SlotDiffCatchesAMissingBusyBit)
{
	struct oracle_desc d = first_of(ORACLE_TR, 5);
	struct dt_sys want;
	char buf[256];

	oracle_want_slot(ORACLE_TR, &d, &want);
	EXPECT_EQ(oracle_diff_slot(ORACLE_TR, &want, &want, "tr #5 GDT", buf, sizeof(buf)), 0);
	// The slot as generated (type 9) is what a CPU that forgot to mark
	// the TSS busy would leave behind.
	EXPECT_EQ(oracle_diff_slot(ORACLE_TR, &d.slot, &want, "tr #5 GDT", buf, sizeof(buf)), 1);
	EXPECT_STREQ(buf, "tr #5 GDT: gdt.type seen 0x9 wanted 0xb  <-- MISMATCH\n");
}

} // namespace

// SPDX-License-Identifier: GPL-2.0-only
//
// The implementations the differential links, on the values from the
// get_desc64_base() fix's commit message, the model of the pre-fix bug
// (desctest/prefix_model.h) against the re-created expression, and the
// classifier on hand-made sweep results.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "classify.hpp"
#include "desctest/desc.hpp"
#include "desctest/prefix_model.h"
#include "desctest/splitmix64.h"

extern "C" const dt_impl *const __start_dt_impls[];
extern "C" const dt_impl *const __stop_dt_impls[];

using namespace desctest;
using namespace desctest::differential;

namespace {

const dt_impl *find(const std::string &name)
{
	for (auto *p = __start_dt_impls; p != __stop_dt_impls; p++)
		if (name == (*p)->name)
			return *p;
	return nullptr;
}

// base0=0x5000 base1=0xd6 base2=0xf8 base3=0xfffffe7c
const SystemDescriptor kCommitExample = SystemDescriptor::tss64(0xfffffe7cf8d65000u);

TEST(CommitExample, FieldsAreThoseOfTheCommitMessage)
{
	EXPECT_EQ(kCommitExample.base_15_0(), 0x5000u);
	EXPECT_EQ(kCommitExample.base_23_16(), 0xd6u);
	EXPECT_EQ(kCommitExample.base_31_24(), 0xf8u);
	EXPECT_EQ(kCommitExample.base_63_32(), 0xfffffe7cu);
}

TEST(CommitExample, ReferenceAndPatchedGiveTheTssBase)
{
	for (const char *name : {"reference", "tree-patched"}) {
		const dt_impl *impl = find(name);
		ASSERT_NE(impl, nullptr) << name << " is not linked in";
		EXPECT_EQ(impl->decode(kCommitExample.word(0), kCommitExample.word(1)), 0xfffffe7cf8d65000u)
			<< name;
		EXPECT_EQ(impl->known_bug, 0) << name;
	}
}

TEST(CommitExample, PreFixExpressionGivesTheSignExtendedValue)
{
	for (const char *name : {"prefix-recreation", "tree-unpatched"}) {
		const dt_impl *impl = find(name);
		ASSERT_NE(impl, nullptr) << name << " is not linked in";
		EXPECT_EQ(impl->decode(kCommitExample.word(0), kCommitExample.word(1)), 0xfffffffff8d65000u)
			<< name;
		EXPECT_EQ(impl->known_bug, 1) << name;
	}
	EXPECT_EQ(dt_prefix_model(0xfffffe7cf8d65000u), 0xfffffffff8d65000u);
	EXPECT_EQ(dt_prefix_model(0xfffffe7c78d65000u), 0xfffffe7c78d65000u);
}

// The model against the re-created expression (compiled without UBSan in
// the differential's object): every base2 value, three base3 values and
// random bases.
TEST(PrefixModel, AgreesWithThePreFixExpression)
{
	const dt_impl *prefix = find("prefix-recreation");
	ASSERT_NE(prefix, nullptr);
	for (std::uint64_t base3 : {0xfffffe7cu, 0x0u, 0xffffffffu}) {
		for (std::uint64_t b2 = 0; b2 < 0x100; b2++) {
			std::uint64_t base = base3 << 32 | b2 << 24 | 0xd65000u;
			auto d = SystemDescriptor::tss64(base);
			EXPECT_EQ(prefix->decode(d.word(0), d.word(1)), dt_prefix_model(base)) << hex(base);
			EXPECT_EQ(dt_prefix_bug_shows(base), b2 >= 0x80 && base3 != 0xffffffffu) << hex(base);
			EXPECT_EQ(dt_prefix_bug_range(base), b2 >= 0x80) << hex(base);
		}
	}
	std::uint64_t s = 42;
	for (int i = 0; i < 100000; i++) {
		std::uint64_t base = dt_splitmix64(&s);
		auto d = SystemDescriptor::tss64(base);
		ASSERT_EQ(prefix->decode(d.word(0), d.word(1)), dt_prefix_model(base)) << hex(base);
	}
}

TEST(PrefixModel, TheCommitMessageValueAndTheBugShape)
{
	EXPECT_EQ(dt_prefix_model(0xfffffe7cf8d65000u), 0xfffffffff8d65000u);
	EXPECT_EQ(dt_prefix_model(0xfffffe7c78d65000u), 0xfffffe7c78d65000u);
	EXPECT_EQ(dt_prefix_bug_xor(0xfffffe7cu), 0x0000018300000000u);
	EXPECT_EQ(dt_prefix_bug_xor(0xffffffffu), 0u);
	EXPECT_EQ(dt_prefix_bug_xor(0u), DT_PREFIX_UPPER_ONES);
}

TEST(Implementations, AgreeWithTheByteOracleBelow0x80AndOnBase3AllOnes)
{
	for (auto *p = __start_dt_impls; p != __stop_dt_impls; p++) {
		for (std::uint64_t base : {std::uint64_t{0}, std::uint64_t{0x7fffffff}, 0x123456787f000000u, 0xffffffff80000000u,
					   0xfffffffffffff000u}) {
			auto d = SystemDescriptor::tss64(base);
			EXPECT_EQ((*p)->decode(d.word(0), d.word(1)), base) << (*p)->name << " " << hex(base);
			EXPECT_EQ(base_from_bytes(d.word(0), d.word(1)), base);
		}
	}
}

TEST(Implementations, SweepOneSliceFindsTheBugExactlyAbove0x7f)
{
	// base2 0x7f and 0x80: one clean slice and one where every value of
	// the buggy copies goes wrong.
	for (auto *p = __start_dt_impls; p != __stop_dt_impls; p++) {
		dt_sweep_stats st{};
		(*p)->sweep(0xfffffe7cu, 0x7f, 0x81, &st);
		EXPECT_EQ(st.checked, 2u << 24) << (*p)->name;
		EXPECT_EQ(st.per_base2[0x7f], 0u) << (*p)->name;
		EXPECT_EQ(st.per_base2[0x80], (*p)->known_bug ? 1u << 24 : 0u) << (*p)->name;
		EXPECT_EQ(st.not_upper_ones, 0u) << (*p)->name;
		if ((*p)->known_bug) {
			ASSERT_EQ(st.nhits, unsigned{DT_MAX_HITS});
			EXPECT_EQ(st.hits[0].wanted, 0xfffffe7c80000000u);
			EXPECT_EQ(st.hits[0].seen, 0xffffffff80000000u);
			EXPECT_EQ(st.diff_or, 0x0000018300000000u);
		}
	}
}

SweepResult make_sweep(std::uint32_t base3, unsigned lo, unsigned hi, std::uint64_t per)
{
	SweepResult r{base3, {}};
	for (unsigned b = lo; b <= hi; b++) {
		r.stats.per_base2[b] = per;
		r.stats.mismatches += per;
	}
	r.stats.checked = 1ull << 32;
	return r;
}

TEST(Classify, CleanIsNone)
{
	EXPECT_EQ(classify({make_sweep(0xfffffe7c, 0, 255, 0)}, {}), ErrorClass::None);
}

TEST(Classify, ExactlyTheUpperHalfOfBase2IsSignExtension)
{
	std::vector<SweepResult> s = {make_sweep(0xfffffe7c, 0x80, 0xff, 1u << 24),
				      make_sweep(0xffffffff, 0, 255, 0)};
	EXPECT_EQ(classify(s, {}), ErrorClass::SignExtension);
	EXPECT_EQ(base2_ranges(s[0].stats), "0x80-0xff");
	EXPECT_NE(describe(ErrorClass::SignExtension, s, {}).find("base2 >= 0x80"), std::string::npos);
}

TEST(Classify, AnyOtherShapeIsOther)
{
	// Mismatches on base2 < 0x80 too.
	EXPECT_EQ(classify({make_sweep(0xfffffe7c, 0x40, 0xff, 1u << 24)}, {}), ErrorClass::Other);
	// Only part of a base2 value wrong.
	EXPECT_EQ(classify({make_sweep(0xfffffe7c, 0x80, 0xff, 1u << 23)}, {}), ErrorClass::Other);
	// Right counts but not "upper bits forced to one".
	auto s = make_sweep(0xfffffe7c, 0x80, 0xff, 1u << 24);
	s.stats.not_upper_ones = 1;
	s.stats.diff_or = 0xff000000;
	EXPECT_EQ(classify({s}, {}), ErrorClass::Other);
	EXPECT_EQ(describe(ErrorClass::Other, {s}, {}), "wrong bits 0xff000000 (base3=0xfffffe7c: base2 0x80-0xff)");
	// Mismatches where base3 is all ones cannot come from the known bug.
	EXPECT_EQ(classify({make_sweep(0xffffffff, 0x80, 0xff, 1u << 24)}, {}), ErrorClass::Other);
	// A random descriptor wrong in another way.
	RandomResult r;
	r.mismatches = r.not_sign_extension = 1;
	EXPECT_EQ(classify({make_sweep(0xfffffe7c, 0x80, 0xff, 1u << 24)}, r), ErrorClass::Other);
}

TEST(Classify, Base2Ranges)
{
	dt_sweep_stats s{};
	s.per_base2[0x01] = s.per_base2[0x7e] = s.per_base2[0x7f] = s.per_base2[0xff] = 1;
	EXPECT_EQ(base2_ranges(s), "0x1,0x7e-0x7f,0xff");
	EXPECT_EQ(base2_ranges(dt_sweep_stats{}), "none");
}

} // namespace

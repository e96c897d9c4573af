// SPDX-License-Identifier: GPL-2.0-only
//
// The pieces every program shares (include/desctest): the splitmix64
// stream, the KTAP line formats and the exit-code rule with its plan check, and
// the low word the segment and system layouts both compose.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "desctest/desc.hpp"
#include "desctest/ktap.hpp"
#include "desctest/splitmix64.h"

using namespace desctest;

namespace {

TEST(Splitmix64, ThePublishedStreamForSeedZero)
{
	// The reference implementation's first outputs from state 0.
	std::uint64_t s = 0;
	EXPECT_EQ(dt_splitmix64(&s), 0xe220a8397b1dcdafu);
	EXPECT_EQ(dt_splitmix64(&s), 0x6e789e6aa1b965f4u);
	EXPECT_EQ(dt_splitmix64(&s), 0x06c45d188009454fu);
	EXPECT_EQ(s, 3 * 0x9e3779b97f4a7c15u);
}

TEST(Ktap, SeenWantedLine)
{
	EXPECT_EQ(seen_wanted("cpu0 GDT", "base_63_32", 0xffffffff, 0xfffffe7c),
		  "cpu0 GDT: base_63_32 seen 0xffffffff wanted 0xfffffe7c  <-- MISMATCH");
	EXPECT_EQ(seen_wanted("cpu0 GDT", "type", 9, 9), "cpu0 GDT: type seen 0x9 wanted 0x9");
}

TEST(Ktap, ExitCodeFollowsKsftFinished)
{
	dt_ktap_counts c{};
	c.planned = 3;
	c.pass = 1;
	c.xfail = 1;
	c.skip = 1;
	EXPECT_EQ(dt_ktap_exit_code(&c), DT_EXIT_PASS);
	// All skipped: 0, as upstream's ksft_finished() and the harness.
	dt_ktap_counts skipped{};
	skipped.planned = skipped.skip = 2;
	EXPECT_EQ(dt_ktap_exit_code(&skipped), DT_EXIT_PASS);
	// Fewer results than planned.
	dt_ktap_counts short_run = c;
	short_run.skip = 0;
	EXPECT_EQ(dt_ktap_exit_code(&short_run), DT_EXIT_FAIL);
	// More than planned.
	dt_ktap_counts long_run = c;
	long_run.pass = 2;
	EXPECT_EQ(dt_ktap_exit_code(&long_run), DT_EXIT_FAIL);
	for (unsigned dt_ktap_counts::*bad : {&dt_ktap_counts::fail, &dt_ktap_counts::xpass, &dt_ktap_counts::error}) {
		dt_ktap_counts b = c;
		b.pass = 0;
		b.*bad = 1;
		EXPECT_EQ(dt_ktap_results(&b), 3u);
		EXPECT_EQ(dt_ktap_exit_code(&b), DT_EXIT_FAIL);
	}
}

TEST(Ktap, WriterCountsAndNamesDirectives)
{
	testing::internal::CaptureStdout();
	Ktap k;
	k.header(3);
	k.pass("a");
	k.skip("b", "no UMIP\nsecond line dropped");
	EXPECT_EQ(k.finish(), DT_EXIT_FAIL);
	std::string out = testing::internal::GetCapturedStdout();
	EXPECT_NE(out.find("ok 1 a\n"), std::string::npos) << out;
	EXPECT_NE(out.find("ok 2 b # SKIP no UMIP\n"), std::string::npos) << out;
	EXPECT_NE(out.find("# plan 1..3 but 2 results printed"), std::string::npos) << out;
}

// The segment and system layouts share word 0 but for bits 54:53.
TEST(Layouts, SystemWordZeroIsTheSegmentLowWord)
{
	for (const FieldInfo &f : kSysFields) {
		if (f.word != 0)
			continue;
		bool found = false;
		for (const FieldInfo &g : kSegFields)
			if (g.name == f.name) {
				found = true;
				EXPECT_EQ(g.hi, f.hi) << f.name;
				EXPECT_EQ(g.lo, f.lo) << f.name;
			}
		EXPECT_TRUE(found) << f.name;
	}
	std::uint64_t sys0 = 0;
	for (const FieldInfo &f : kSysFields)
		if (f.word == 0)
			sys0 |= dt_mask(f.hi, f.lo);
	EXPECT_EQ(sys0, ~dt_mask(54, 53));
}

} // namespace

// SPDX-License-Identifier: GPL-2.0-only
//
// The formatter and the field diff: what a person reads in a failure.

#include <gtest/gtest.h>

#include "desctest/desc.hpp"

using namespace desctest;

namespace {

TEST(Format, TssAsAPersonReadsIt)
{
	EXPECT_EQ(format(SystemDescriptor::tss64(0xfffffe7cf8d65000u)),
		  "TSS64(avail) base=0xfffffe7cf8d65000 limit=0x67 dpl=0 p=1");
	auto busy = SystemDescriptor::tss64(0x1000).set_type(DT_SYS_TSS64_BUSY);
	EXPECT_EQ(format(busy), "TSS64(busy) base=0x1000 limit=0x67 dpl=0 p=1");
}

TEST(Format, LdtWithPageGranularity)
{
	auto ldt = SystemDescriptor::ldt(0xffff888000000000u, 0xf).set_g(1);
	EXPECT_EQ(format(ldt), "LDT base=0xffff888000000000 limit=0xf g=1 (0xffff) dpl=0 p=1");
}

TEST(Format, CodeAndDataSegments)
{
	EXPECT_EQ(format(SegmentDescriptor(0x00affb000000ffffu)),
		  "CODE(read,accessed) base=0x0 limit=0xfffff g=1 (0xffffffff) dpl=3 p=1 l=1 db=0");
	EXPECT_EQ(format(SegmentDescriptor(0x00cff3000000ffffu)),
		  "DATA(write,accessed) base=0x0 limit=0xfffff g=1 (0xffffffff) dpl=3 p=1 l=0 db=1");
	SegmentDescriptor plain;
	plain.set_s(1).set_p(1);
	EXPECT_EQ(format(plain), "DATA base=0x0 limit=0x0 dpl=0 p=1 l=0 db=0");
	EXPECT_EQ(code_data_type_name(0x8), "CODE");
	EXPECT_EQ(code_data_type_name(0xe), "CODE(read,conforming)");
	EXPECT_EQ(code_data_type_name(0x7), "DATA(write,expand-down,accessed)");
}

TEST(Format, GateSelectorAndPseudoDescriptor)
{
	GateDescriptor g;
	g.set_offset(0x401000).set_selector(0x8).set_ist(1).set_type(DT_SYS_INTR_GATE64).set_p(1);
	EXPECT_EQ(format(g), "INTR64 selector=0x8 offset=0x401000 ist=1 dpl=0 p=1");
	EXPECT_EQ(format(Selector(std::uint16_t{0x43})), "selector=0x43 (index=8 ti=0 rpl=3)");
	EXPECT_EQ(format(PseudoDescriptor{0x7f, 0xfffffe0000001000u}),
		  "base=0xfffffe0000001000 limit=0x7f");
	EXPECT_EQ(system_type_name(0x1), "SYS(reserved)");
}

TEST(Format, Tss64ListsOnlyTheStacksSet)
{
	dt_tss64 t{};
	t.rsp0 = 0x5000;
	t.ist2 = 0x9000;
	t.iomap_base = 0x68;
	EXPECT_EQ(format(t), "TSS64 rsp0=0x5000 rsp1=0x0 rsp2=0x0 ist2=0x9000 iomap_base=0x68");
}

TEST(Diff, NamesEachFieldThatDiffersWithSeenAndWanted)
{
	auto wanted = SystemDescriptor::tss64(0xfffffe7cf8d65000u);
	auto seen = SystemDescriptor::tss64(0xfffffffff8d65000u);
	auto d = diff(seen, wanted);
	ASSERT_EQ(d.size(), 1u);
	EXPECT_EQ(d[0], (FieldDiff{"base_63_32", 0xffffffffu, 0xfffffe7cu}));
	EXPECT_EQ(format(d), "base_63_32: seen 0xffffffff wanted 0xfffffe7c");

	seen.set_type(DT_SYS_TSS64_BUSY).set_dpl(3);
	EXPECT_EQ(format(diff(seen, wanted)),
		  "type: seen 0xb wanted 0x9; dpl: seen 0x3 wanted 0x0; base_63_32: seen 0xffffffff wanted "
		  "0xfffffe7c");
	EXPECT_EQ(format(diff(wanted, wanted)), "no difference");
}

} // namespace

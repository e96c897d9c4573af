// SPDX-License-Identifier: GPL-2.0-only
//
// Every field of every layout against descriptor images written out by
// hand from the SDM figures (byte by byte, not through our encoder).

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "desctest/desc.hpp"

using namespace desctest;

namespace {

// The 64-bit TSS descriptor Linux writes for a CPU whose TSS is at
// 0xfffffe7cf8d65000 (the value from the get_desc64_base() fix), limit
// 0x67, available, DPL 0, present.  SDM Vol. 3A Figure 7-4, by byte:
//   0-1 limit 15:0   2-3 base 15:0   4 base 23:16   5 P|DPL|0|type
//   6 G|0|0|AVL|limit 19:16   7 base 31:24   8-11 base 63:32  12-15 zero
constexpr std::array<std::uint8_t, 16> kTssImage = {
	0x67, 0x00, 0x00, 0x50, 0xd6, 0x89, 0x00, 0xf8,
	0x7c, 0xfe, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
};

TEST(SystemDescriptor, DecodesEveryFieldOfTheCommitMessageTss)
{
	auto d = SystemDescriptor::from_bytes(kTssImage);
	EXPECT_EQ(d.limit_15_0(), 0x67u);
	EXPECT_EQ(d.base_15_0(), 0x5000u);
	EXPECT_EQ(d.base_23_16(), 0xd6u);
	EXPECT_EQ(d.type(), std::uint64_t{DT_SYS_TSS64_AVAIL});
	EXPECT_EQ(d.s(), 0u);
	EXPECT_EQ(d.dpl(), 0u);
	EXPECT_EQ(d.p(), 1u);
	EXPECT_EQ(d.limit_19_16(), 0u);
	EXPECT_EQ(d.avl(), 0u);
	EXPECT_EQ(d.g(), 0u);
	EXPECT_EQ(d.base_31_24(), 0xf8u);
	EXPECT_EQ(d.base_63_32(), 0xfffffe7cu);
	EXPECT_EQ(d.reserved_hi(), 0u);
	EXPECT_EQ(d.base(), 0xfffffe7cf8d65000u);
	EXPECT_EQ(d.limit(), 0x67u);
	EXPECT_TRUE(d.is_tss());
	EXPECT_FALSE(d.is_ldt());
}

TEST(SystemDescriptor, EncoderWritesTheSameImage)
{
	constexpr auto d = SystemDescriptor::tss64(0xfffffe7cf8d65000u);
	EXPECT_EQ(d.bytes(), kTssImage);
	static_assert(d.base() == 0xfffffe7cf8d65000u, "constexpr decode");
}

TEST(SystemDescriptor, Base2EdgesNeverSignExtend)
{
	for (std::uint64_t base2 : {0x00u, 0x7fu, 0x80u, 0x81u, 0xffu}) {
		for (std::uint64_t base3 : {0x0u, 0x1u, 0x7fffffffu, 0x80000000u, 0xfffffe7cu, 0xffffffffu}) {
			std::uint64_t base = base3 << 32 | base2 << 24 | 0x00d65000u;
			SystemDescriptor d;
			d.set_base(base);
			EXPECT_EQ(d.base(), base) << "base2=" << hex(base2) << " base3=" << hex(base3);
			EXPECT_EQ(d.base_31_24(), base2);
			EXPECT_EQ(d.base_63_32(), base3);
		}
	}
}

TEST(SystemDescriptor, NonCanonicalBasesRoundTrip)
{
	// The descriptor holds any 64 bits; canonicality is checked by the CPU
	// on use (LTR raises #GP), not by the encoding.
	for (std::uint64_t base : {0x0000800000000000u, 0x7fffffffffffffffu, 0x8000000000000000u,
				   0xffff7fffffffffffu, 0xfffffffffffffffu}) {
		SystemDescriptor d;
		d.set_base(base);
		EXPECT_EQ(d.base(), base);
		EXPECT_EQ(SystemDescriptor::from_bytes(d.bytes()), d);
	}
}

TEST(SystemDescriptor, LdtAndBusyTss)
{
	auto ldt = SystemDescriptor::ldt(0xffff888012345000u, 0xfff);
	EXPECT_TRUE(ldt.is_ldt());
	EXPECT_EQ(ldt.type(), std::uint64_t{DT_SYS_LDT});
	auto busy = SystemDescriptor::tss64(0x1000).set_type(DT_SYS_TSS64_BUSY);
	EXPECT_TRUE(busy.is_tss());
	EXPECT_EQ(busy.word(0) >> 40 & 0xf, 0xbu);
}

TEST(SystemDescriptor, AtFindsTheDescriptorASelectorNames)
{
	std::array<std::uint64_t, 10> gdt{};
	auto tss = SystemDescriptor::tss64(0xfffffe7cf8d65000u);
	gdt[8] = tss.word(0); // selector 0x40, as Linux's GDT_ENTRY_TSS
	gdt[9] = tss.word(1);
	EXPECT_EQ(SystemDescriptor::at(gdt, 0x40), tss);
	EXPECT_EQ(dt_sys_base(&tss.c()), 0xfffffe7cf8d65000u);
	// RPL and TI do not move the descriptor.
	EXPECT_EQ(SystemDescriptor::at(gdt, 0x43), tss);
	EXPECT_THROW(SystemDescriptor::at(gdt, 0x48), std::out_of_range);
}

TEST(SegmentDescriptor, FlatUserCode64)
{
	// Linux __USER_CS on x86-64: 0x00affb000000ffff.
	SegmentDescriptor d(0x00affb000000ffffu);
	EXPECT_EQ(d.base(), 0u);
	EXPECT_EQ(d.limit_raw(), 0xfffffu);
	EXPECT_EQ(d.g(), 1u);
	EXPECT_EQ(d.limit(), 0xffffffffu);
	EXPECT_EQ(d.type(), 0xbu);
	EXPECT_TRUE(d.is_code());
	EXPECT_EQ(d.s(), 1u);
	EXPECT_EQ(d.dpl(), 3u);
	EXPECT_EQ(d.p(), 1u);
	EXPECT_EQ(d.l(), 1u);
	EXPECT_EQ(d.db(), 0u);
	EXPECT_EQ(d.avl(), 0u);
}

TEST(SegmentDescriptor, LimitGranularityScaling)
{
	SegmentDescriptor d;
	d.set_limit_raw(0xfffff).set_g(1);
	EXPECT_EQ(d.limit(), 0xffffffffu);
	d.set_g(0);
	EXPECT_EQ(d.limit(), 0xfffffu);
	d.set_limit_raw(0).set_g(1);
	EXPECT_EQ(d.limit(), 0xfffu) << "G=1 fills the low 12 bits with ones";
	d.set_limit_raw(0x12345).set_g(0);
	EXPECT_EQ(d.limit_15_0(), 0x2345u);
	EXPECT_EQ(d.limit_19_16(), 0x1u);
}

TEST(SegmentDescriptor, Base31_24AtAndAbove0x80StaysZeroExtended)
{
	for (std::uint64_t base : {0x7f000000u, 0x80000000u, 0xf8d65000u, 0xffffffffu}) {
		SegmentDescriptor d;
		d.set_base(base);
		EXPECT_EQ(d.base(), base);
	}
}

TEST(SegmentDescriptor, SettersRejectValuesWiderThanTheField)
{
	SegmentDescriptor d;
	EXPECT_THROW(d.set_type(0x10), EncodeError);
	EXPECT_THROW(d.set_dpl(4), EncodeError);
	EXPECT_THROW(d.set_limit_raw(0x100000), EncodeError);
	EXPECT_THROW(d.set_base(0x100000000u), EncodeError);
	try {
		d.set_dpl(7);
		FAIL() << "no exception";
	} catch (const EncodeError &e) {
		EXPECT_STREQ(e.what(), "dpl: value 0x7 does not fit in 2 bits (max 0x3)");
	}
	EXPECT_EQ(d.raw(), 0u) << "a rejected value leaves the descriptor unchanged";
}

TEST(GateDescriptor, InterruptGateWithIst)
{
	GateDescriptor g;
	g.set_offset(0xffffffff81a00b40u).set_selector(0x10).set_ist(3).set_type(DT_SYS_INTR_GATE64).set_p(1);
	EXPECT_EQ(g.offset(), 0xffffffff81a00b40u);
	EXPECT_EQ(g.offset_15_0(), 0x0b40u);
	EXPECT_EQ(g.offset_31_16(), 0x81a0u);
	EXPECT_EQ(g.offset_63_32(), 0xffffffffu);
	EXPECT_EQ(g.word(0), 0x81a08e0300100b40u);
	EXPECT_EQ(g.word(1), 0x00000000ffffffffu);
	EXPECT_THROW(g.set_ist(8), EncodeError);
}

TEST(Selector, Fields)
{
	Selector s(std::uint16_t{0x7b});
	EXPECT_EQ(s.index(), 15u);
	EXPECT_EQ(s.ti(), 0u);
	EXPECT_EQ(s.rpl(), 3u);
	EXPECT_EQ(s.offset(), 0x78u);
	Selector l(1, 1, 3);
	EXPECT_EQ(l.value(), 0xfu);
	EXPECT_EQ(dt_sel_make(1, 1, 3).w[0], 0xfu);
}

TEST(PseudoDescriptor, TenByteImage)
{
	PseudoDescriptor p{0x7f, 0xfffffe0000001000u};
	auto b = p.bytes();
	EXPECT_EQ(b[0], 0x7f);
	EXPECT_EQ(b[2], 0x00);
	EXPECT_EQ(b[3], 0x10);
	EXPECT_EQ(b[9], 0xff);
	EXPECT_EQ(PseudoDescriptor::from_bytes(b), p);
	EXPECT_EQ(p.slots(), 16u);
	std::array<std::uint8_t, 9> short_image{};
	EXPECT_THROW(PseudoDescriptor::from_bytes(short_image), EncodeError);
}

TEST(Tss64, SdmOffsets)
{
	dt_tss64 t{};
	t.rsp0 = 0x1111;
	t.ist1 = 0x2222;
	t.ist7 = 0x7777;
	t.iomap_base = 0x68;
	auto *b = reinterpret_cast<const std::uint8_t *>(&t);
	EXPECT_EQ(b[0x04], 0x11);
	EXPECT_EQ(b[0x24], 0x22);
	EXPECT_EQ(b[0x54], 0x77);
	EXPECT_EQ(b[0x66], 0x68);
	EXPECT_EQ(dt_tss64_ist(&t, 1), 0x2222u);
	EXPECT_EQ(dt_tss64_ist(&t, 7), 0x7777u);
	EXPECT_EQ(dt_tss64_ist(&t, 0), 0u);
}

TEST(Layouts, EveryFieldRoundTripsAlone)
{
	// Set each field to all ones on a zero descriptor: exactly its bits
	// appear, and every other field reads zero.
	auto check = [](auto d, std::span<const FieldInfo> fields) {
		for (const FieldInfo &f : fields) {
			if (f.name == "zero_type_hi" || f.name == "reserved_hi")
				continue; // overlap by design
			auto one = d;
			one.c().w[f.word] = dt_set_bits(0, f.hi, f.lo, f.max());
			for (const FieldInfo &g : fields) {
				if (g.name == "zero_type_hi" || g.name == "reserved_hi")
					continue;
				EXPECT_EQ(one.get(g), &g == &f ? f.max() : 0u)
					<< "set " << f.name << ", read " << g.name;
			}
		}
	};
	check(SegmentDescriptor{}, kSegFields);
	check(SystemDescriptor{}, kSysFields);
	check(GateDescriptor{}, kGateFields);
	check(Selector{}, kSelFields);
}

TEST(Layouts, FieldsTileTheirWordsWithoutOverlap)
{
	auto coverage = [](std::span<const FieldInfo> fields, unsigned word) {
		std::uint64_t seen = 0;
		for (const FieldInfo &f : fields) {
			if (f.word != word || f.name == "zero_type_hi")
				continue;
			EXPECT_EQ(seen & dt_mask(f.hi, f.lo), 0u) << f.name << " overlaps";
			seen |= dt_mask(f.hi, f.lo);
		}
		return seen;
	};
	EXPECT_EQ(coverage(kSegFields, 0), ~0ull);
	// 16-byte system descriptor: bits 54:53 (L, D/B) are 0 for system types.
	EXPECT_EQ(coverage(kSysFields, 0), ~0ull & ~(3ull << 53));
	EXPECT_EQ(coverage(kSysFields, 1), ~0ull);
	// Gate: bits 39:35 (zero) of word 0.
	EXPECT_EQ(coverage(kGateFields, 0), ~0ull & ~(0x1full << 35));
	EXPECT_EQ(coverage(kGateFields, 1), ~0ull);
}

} // namespace

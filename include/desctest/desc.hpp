// SPDX-License-Identifier: GPL-2.0-only
//
// desctest descriptor model, C++20.
//
// The layouts themselves live in desc.h (one X-macro table per layout, bit
// ranges over full-width raw words); this header generates a constexpr
// class around each of them and adds what C cannot: checked setters,
// byte images, field tables for diffs and a formatter.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "desctest/desc.h"

namespace desctest {

// One bit range of a layout, as the SDM figure names it.
struct FieldInfo {
	std::string_view name;
	unsigned word;
	unsigned hi;
	unsigned lo;

	constexpr unsigned width() const { return hi - lo + 1; }
	constexpr std::uint64_t max() const { return dt_mask(hi - lo, 0); }
};

#define DESCTEST_FIELD_INFO(name, word, hi, lo) FieldInfo{#name, word, hi, lo},
inline constexpr FieldInfo kSegFields[] = {DT_SEG_FIELDS(DESCTEST_FIELD_INFO)};
inline constexpr FieldInfo kSysFields[] = {DT_SYS_FIELDS(DESCTEST_FIELD_INFO)};
inline constexpr FieldInfo kGateFields[] = {DT_GATE_FIELDS(DESCTEST_FIELD_INFO)};
inline constexpr FieldInfo kSelFields[] = {DT_SEL_FIELDS(DESCTEST_FIELD_INFO)};
#undef DESCTEST_FIELD_INFO

// Raised by a setter given a value wider than its field, and by the
// byte-image readers given the wrong number of bytes.
class EncodeError : public std::invalid_argument {
	using std::invalid_argument::invalid_argument;
};

// A value of `field` that does not fit; constexpr-friendly thrower.
[[noreturn]] void throw_field_overflow(const FieldInfo &field, std::uint64_t value);

// Common part of every layout: the raw words and generic field access.
template <typename Raw, const auto &Fields>
class Layout {
public:
	static constexpr std::size_t kWords = sizeof(Raw::w) / sizeof(std::uint64_t);
	static constexpr std::size_t kBytes = kWords * 8;
	static constexpr std::span<const FieldInfo> fields() { return Fields; }

	constexpr Layout() = default;
	constexpr explicit Layout(const Raw &raw) : raw_(raw) {}

	constexpr const Raw &c() const { return raw_; }
	constexpr Raw &c() { return raw_; }
	constexpr std::uint64_t word(std::size_t i) const { return raw_.w[i]; }
	constexpr std::uint64_t get(const FieldInfo &f) const
	{
		return dt_bits(raw_.w[f.word], f.hi, f.lo);
	}

	// Little-endian byte image, as the descriptor sits in memory.
	constexpr std::array<std::uint8_t, kBytes> bytes() const
	{
		std::array<std::uint8_t, kBytes> out{};
		for (std::size_t i = 0; i < kBytes; i++)
			out[i] = static_cast<std::uint8_t>(dt_bits(raw_.w[i / 8], unsigned(i % 8 * 8 + 7),
								   unsigned(i % 8 * 8)));
		return out;
	}

	friend constexpr bool operator==(const Layout &a, const Layout &b)
	{
		for (std::size_t i = 0; i < kWords; i++)
			if (a.raw_.w[i] != b.raw_.w[i])
				return false;
		return true;
	}

protected:
	constexpr void put(const FieldInfo &f, std::uint64_t v)
	{
		if (v > f.max())
			throw_field_overflow(f, v);
		raw_.w[f.word] = dt_set_bits(raw_.w[f.word], f.hi, f.lo, v);
	}

	static constexpr Raw raw_from_bytes(std::span<const std::uint8_t> b)
	{
		if (b.size() != kBytes)
			throw EncodeError("descriptor image has " + std::to_string(b.size()) +
					  " bytes, wanted " + std::to_string(kBytes));
		Raw r{};
		for (std::size_t i = 0; i < kBytes; i++)
			r.w[i / 8] |= std::uint64_t{b[i]} << (i % 8 * 8);
		return r;
	}

	Raw raw_{};
};

// Named accessors, generated from the same tables as the C ones; each class
// names itself Self so that setters chain.
#define DESCTEST_ACCESSOR(name, word, hi, lo)                                  \
	constexpr std::uint64_t name() const { return dt_bits(raw_.w[word], hi, lo); } \
	constexpr Self &set_##name(std::uint64_t v)                            \
	{                                                                      \
		put(FieldInfo{#name, word, hi, lo}, v);                        \
		return *this;                                                  \
	}

// 8-byte code, data or legacy system segment descriptor.
class SegmentDescriptor : public Layout<dt_seg, kSegFields> {
public:
	using Self = SegmentDescriptor;
	using Layout::Layout;
	constexpr SegmentDescriptor() = default;
	constexpr explicit SegmentDescriptor(std::uint64_t raw) : Layout(dt_seg{{raw}}) {}
	static constexpr SegmentDescriptor from_bytes(std::span<const std::uint8_t> b)
	{
		return SegmentDescriptor(raw_from_bytes(b));
	}

	DT_SEG_FIELDS(DESCTEST_ACCESSOR)

	constexpr std::uint64_t raw() const { return raw_.w[0]; }
	constexpr std::uint64_t base() const { return dt_seg_base(&raw_); }
	constexpr std::uint64_t limit_raw() const { return dt_seg_limit_raw(&raw_); }
	constexpr std::uint64_t limit() const { return dt_seg_limit(&raw_); }
	constexpr bool is_code() const { return s() && (type() & DT_TYPE_CODE); }
	constexpr bool is_data() const { return s() && !(type() & DT_TYPE_CODE); }

	constexpr SegmentDescriptor &set_base(std::uint64_t base)
	{
		if (base > 0xffffffffu)
			throw_field_overflow(FieldInfo{"base", 0, 31, 0}, base);
		dt_seg_set_base(&raw_, base);
		return *this;
	}
	constexpr SegmentDescriptor &set_limit_raw(std::uint64_t limit)
	{
		if (limit > 0xfffffu)
			throw_field_overflow(FieldInfo{"limit", 0, 19, 0}, limit);
		dt_seg_set_limit_raw(&raw_, limit);
		return *this;
	}
};

// 16-byte 64-bit TSS or LDT descriptor.
class SystemDescriptor : public Layout<dt_sys, kSysFields> {
public:
	using Self = SystemDescriptor;
	using Layout::Layout;
	constexpr SystemDescriptor() = default;
	constexpr SystemDescriptor(std::uint64_t lo, std::uint64_t hi) : Layout(dt_sys{{lo, hi}}) {}
	static constexpr SystemDescriptor from_bytes(std::span<const std::uint8_t> b)
	{
		return SystemDescriptor(raw_from_bytes(b));
	}
	// The descriptor a selector names in a table of 64-bit words; throws
	// when the 16 bytes do not lie inside the table.
	static SystemDescriptor at(std::span<const std::uint64_t> table, std::uint16_t selector);

	DT_SYS_FIELDS(DESCTEST_ACCESSOR)

	constexpr std::uint64_t base() const { return dt_sys_base(&raw_); }
	constexpr std::uint64_t limit_raw() const { return dt_sys_limit_raw(&raw_); }
	constexpr std::uint64_t limit() const { return dt_sys_limit(&raw_); }
	constexpr bool is_tss() const
	{
		return s() == 0 && (type() == DT_SYS_TSS64_AVAIL || type() == DT_SYS_TSS64_BUSY);
	}
	constexpr bool is_ldt() const { return s() == 0 && type() == DT_SYS_LDT; }

	constexpr SystemDescriptor &set_base(std::uint64_t base)
	{
		dt_sys_set_base(&raw_, base);
		return *this;
	}
	constexpr SystemDescriptor &set_limit_raw(std::uint64_t limit)
	{
		if (limit > 0xfffffu)
			throw_field_overflow(FieldInfo{"limit", 0, 19, 0}, limit);
		dt_sys_set_limit_raw(&raw_, limit);
		return *this;
	}

	// An available 64-bit TSS descriptor as an OS writes one.
	static constexpr SystemDescriptor tss64(std::uint64_t base, std::uint64_t limit = 0x67,
						std::uint64_t dpl = 0)
	{
		SystemDescriptor d;
		d.set_type(DT_SYS_TSS64_AVAIL).set_dpl(dpl).set_p(1).set_base(base).set_limit_raw(limit);
		return d;
	}
	static constexpr SystemDescriptor ldt(std::uint64_t base, std::uint64_t limit)
	{
		SystemDescriptor d;
		d.set_type(DT_SYS_LDT).set_p(1).set_base(base).set_limit_raw(limit);
		return d;
	}
};

// 16-byte 64-bit interrupt, trap or call gate.
class GateDescriptor : public Layout<dt_gate, kGateFields> {
public:
	using Self = GateDescriptor;
	using Layout::Layout;
	constexpr GateDescriptor() = default;
	constexpr GateDescriptor(std::uint64_t lo, std::uint64_t hi) : Layout(dt_gate{{lo, hi}}) {}
	static constexpr GateDescriptor from_bytes(std::span<const std::uint8_t> b)
	{
		return GateDescriptor(raw_from_bytes(b));
	}

	DT_GATE_FIELDS(DESCTEST_ACCESSOR)

	constexpr std::uint64_t offset() const { return dt_gate_offset(&raw_); }
	constexpr GateDescriptor &set_offset(std::uint64_t off)
	{
		dt_gate_set_offset(&raw_, off);
		return *this;
	}
};

// Segment selector: index, table indicator, requested privilege level.
class Selector : public Layout<dt_sel, kSelFields> {
public:
	using Self = Selector;
	using Layout::Layout;
	constexpr Selector() = default;
	constexpr Selector(std::uint16_t raw) : Layout(dt_sel{{raw}}) {}
	constexpr Selector(std::uint64_t index, std::uint64_t ti, std::uint64_t rpl)
	{
		set_index(index).set_ti(ti).set_rpl(rpl);
	}

	DT_SEL_FIELDS(DESCTEST_ACCESSOR)

	constexpr std::uint16_t value() const { return static_cast<std::uint16_t>(raw_.w[0]); }
	constexpr std::uint64_t offset() const { return dt_sel_offset(&raw_); }
};

#undef DESCTEST_ACCESSOR

// The 10-byte GDTR/IDTR image of sgdt/sidt/lgdt/lidt.
struct PseudoDescriptor {
	std::uint16_t limit = 0;
	std::uint64_t base = 0;

	static constexpr std::size_t kBytes = sizeof(dt_pseudo_desc);
	static PseudoDescriptor from_bytes(std::span<const std::uint8_t> b);
	std::array<std::uint8_t, kBytes> bytes() const;
	// Number of 8-byte slots the limit covers: (limit + 1) / 8.
	constexpr std::size_t slots() const { return (std::size_t{limit} + 1) / 8; }
	friend constexpr bool operator==(const PseudoDescriptor &, const PseudoDescriptor &) = default;
};

// Names of the SDM type codes.
std::string_view system_type_name(std::uint64_t type);
std::string code_data_type_name(std::uint64_t type);

// How a person reads a descriptor, e.g.
// "TSS64(avail) base=0xfffffe7cf8d65000 limit=0x67 dpl=0 p=1".
std::string format(const SegmentDescriptor &d);
std::string format(const SystemDescriptor &d);
std::string format(const GateDescriptor &d);
std::string format(const Selector &s);
std::string format(const PseudoDescriptor &p);
std::string format(const dt_tss64 &t);

// One field that differs between what was seen and what was wanted.
struct FieldDiff {
	std::string_view field;
	std::uint64_t seen;
	std::uint64_t wanted;
	friend bool operator==(const FieldDiff &, const FieldDiff &) = default;
};

std::vector<FieldDiff> diff_fields(std::span<const FieldInfo> fields,
				   std::span<const std::uint64_t> seen,
				   std::span<const std::uint64_t> wanted);

template <typename Raw, const auto &Fields>
std::vector<FieldDiff> diff(const Layout<Raw, Fields> &seen, const Layout<Raw, Fields> &wanted)
{
	return diff_fields(Fields, seen.c().w, wanted.c().w);
}

// "base_31_24: seen 0xff wanted 0xf8; base_63_32: seen ... wanted ..."
// or "no difference".
std::string format(const std::vector<FieldDiff> &diffs);

// "0x1234", the one hex style every message uses.
std::string hex(std::uint64_t v);

} // namespace desctest

// SPDX-License-Identifier: GPL-2.0-only
//
// Formatting and diffing of descriptors: what a person reads in a failure
// message.

#include <cstdio>
#include <string>

#include "desctest/desc.hpp"

namespace desctest {

std::string hex(std::uint64_t v)
{
	char buf[24];
	std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(v));
	return buf;
}

void throw_field_overflow(const FieldInfo &field, std::uint64_t value)
{
	throw EncodeError(std::string(field.name) + ": value " + hex(value) + " does not fit in " +
			  std::to_string(field.width()) + " bits (max " + hex(field.max()) + ")");
}

std::string_view system_type_name(std::uint64_t type)
{
	switch (type) {
	case DT_SYS_LDT: return "LDT";
	case DT_SYS_TSS64_AVAIL: return "TSS64(avail)";
	case DT_SYS_TSS64_BUSY: return "TSS64(busy)";
	case DT_SYS_CALL_GATE64: return "CALL64";
	case DT_SYS_INTR_GATE64: return "INTR64";
	case DT_SYS_TRAP_GATE64: return "TRAP64";
	default: return "SYS(reserved)";
	}
}

std::string code_data_type_name(std::uint64_t type)
{
	std::string flags;
	auto flag = [&flags](std::uint64_t bit, const char *name) {
		if (!bit)
			return;
		flags += flags.empty() ? "(" : ",";
		flags += name;
	};
	bool code = type & DT_TYPE_CODE;
	if (code) {
		flag(type & DT_TYPE_CODE_READ, "read");
		flag(type & DT_TYPE_CODE_CONFORMING, "conforming");
	} else {
		flag(type & DT_TYPE_DATA_WRITE, "write");
		flag(type & DT_TYPE_DATA_EXPAND_DOWN, "expand-down");
	}
	flag(type & DT_TYPE_ACCESSED, "accessed");
	return (code ? "CODE" : "DATA") + flags + (flags.empty() ? "" : ")");
}

static std::string limit_text(std::uint64_t raw, std::uint64_t g, std::uint64_t scaled)
{
	std::string s = "limit=" + hex(raw);
	if (g)
		s += " g=1 (" + hex(scaled) + ")";
	return s;
}

std::string format(const SegmentDescriptor &d)
{
	std::string s = d.s() ? code_data_type_name(d.type())
			      : std::string(system_type_name(d.type())) + "/legacy";
	s += " base=" + hex(d.base()) + " " + limit_text(d.limit_raw(), d.g(), d.limit());
	s += " dpl=" + std::to_string(d.dpl()) + " p=" + std::to_string(d.p());
	if (d.s())
		s += " l=" + std::to_string(d.l()) + " db=" + std::to_string(d.db());
	if (d.avl())
		s += " avl=1";
	return s;
}

std::string format(const SystemDescriptor &d)
{
	std::string s = d.s() ? "S=1(not a system descriptor)" : std::string(system_type_name(d.type()));
	s += " base=" + hex(d.base()) + " " + limit_text(d.limit_raw(), d.g(), d.limit());
	s += " dpl=" + std::to_string(d.dpl()) + " p=" + std::to_string(d.p());
	if (d.avl())
		s += " avl=1";
	if (d.reserved_hi())
		s += " reserved_hi=" + hex(d.reserved_hi());
	return s;
}

std::string format(const GateDescriptor &d)
{
	std::string s(system_type_name(d.type()));
	s += " selector=" + hex(d.selector()) + " offset=" + hex(d.offset());
	s += " ist=" + std::to_string(d.ist()) + " dpl=" + std::to_string(d.dpl()) +
	     " p=" + std::to_string(d.p());
	return s;
}

std::string format(const Selector &sel)
{
	return "selector=" + hex(sel.value()) + " (index=" + std::to_string(sel.index()) +
	       " ti=" + std::to_string(sel.ti()) + " rpl=" + std::to_string(sel.rpl()) + ")";
}

std::string format(const PseudoDescriptor &p)
{
	return "base=" + hex(p.base) + " limit=" + hex(p.limit);
}

std::string format(const dt_tss64 &t)
{
	std::string s = "TSS64 rsp0=" + hex(t.rsp0) + " rsp1=" + hex(t.rsp1) + " rsp2=" + hex(t.rsp2);
	for (unsigned n = 1; n <= 7; n++) {
		std::uint64_t ist = dt_tss64_ist(&t, n);
		if (ist)
			s += " ist" + std::to_string(n) + "=" + hex(ist);
	}
	return s + " iomap_base=" + hex(t.iomap_base);
}

PseudoDescriptor PseudoDescriptor::from_bytes(std::span<const std::uint8_t> b)
{
	if (b.size() != kBytes)
		throw EncodeError("GDTR/IDTR image has " + std::to_string(b.size()) +
				  " bytes, wanted " + std::to_string(kBytes));
	PseudoDescriptor p;
	p.limit = static_cast<std::uint16_t>(b[0] | b[1] << 8);
	for (std::size_t i = 0; i < 8; i++)
		p.base |= std::uint64_t{b[2 + i]} << (8 * i);
	return p;
}

std::array<std::uint8_t, PseudoDescriptor::kBytes> PseudoDescriptor::bytes() const
{
	std::array<std::uint8_t, kBytes> out{};
	out[0] = static_cast<std::uint8_t>(limit);
	out[1] = static_cast<std::uint8_t>(limit >> 8);
	for (std::size_t i = 0; i < 8; i++)
		out[2 + i] = static_cast<std::uint8_t>(base >> (8 * i));
	return out;
}

SystemDescriptor SystemDescriptor::at(std::span<const std::uint64_t> table, std::uint16_t selector)
{
	Selector sel(selector);
	if (sel.index() + 1 >= table.size())
		throw std::out_of_range(format(sel) + ": 16-byte descriptor at byte " +
					hex(sel.offset()) + " runs past a table of " +
					std::to_string(table.size() * 8) + " bytes");
	return SystemDescriptor(dt_sys_at(table.data(), selector));
}

std::vector<FieldDiff> diff_fields(std::span<const FieldInfo> fields,
				   std::span<const std::uint64_t> seen,
				   std::span<const std::uint64_t> wanted)
{
	std::vector<FieldDiff> out;
	for (const FieldInfo &f : fields) {
		std::uint64_t a = dt_bits(seen[f.word], f.hi, f.lo);
		std::uint64_t b = dt_bits(wanted[f.word], f.hi, f.lo);
		if (a != b)
			out.push_back({f.name, a, b});
	}
	return out;
}

std::string format(const std::vector<FieldDiff> &diffs)
{
	if (diffs.empty())
		return "no difference";
	std::string s;
	for (const FieldDiff &d : diffs) {
		if (!s.empty())
			s += "; ";
		s += std::string(d.field) + ": seen " + hex(d.seen) + " wanted " + hex(d.wanted);
	}
	return s;
}

} // namespace desctest

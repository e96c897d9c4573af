// SPDX-License-Identifier: GPL-2.0-only
// The C++ form of fixtures/member.cpp as a sweep adapter: a constexpr
// member function of a class whose base fields are uint64_t bit-fields
// of an 8-byte segment descriptor (base2 is 8 bits wide, so it promotes
// to int in C++ as in C), and its safe twin, which widens base2 first.
#include <cstdint>
#include <cstring>

class SegDesc {
public:
	std::uint64_t limit0 : 16, base0 : 24, attrs : 16, base2 : 8;

	constexpr std::uint64_t base() const
	{
		return base0 | base2 << 24;
	}

	constexpr std::uint64_t base_safe() const
	{
		return base0 | std::uint64_t{base2} << 24;
	}
};

std::uint64_t member_base(const void *p)
{
	SegDesc d;

	std::memcpy(&d, p, sizeof(d));
	return d.base();
}

std::uint64_t member_base_safe(const void *p)
{
	SegDesc d;

	std::memcpy(&d, p, sizeof(d));
	return d.base_safe();
}

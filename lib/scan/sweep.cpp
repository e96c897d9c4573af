// SPDX-License-Identifier: GPL-2.0-only
//
// desc_sweep: the differential's exhaustive engine (tests/differential)
// on one user decoder, linked in from sweep_unit.c.  For each upper half
// (base3) every value of bits 31:0 is decoded, then the mismatches are
// named by their shape:
//   clean                no mismatch
//   or-sign-extension    bits 63:32 forced to one for every value with bit
//                        31 set (a narrow operand promoted to int, shifted
//                        into bit 31 and OR'ed into the 64-bit result)
//   add-borrow           bits 63:32 read upper - 1 for every value with bit
//                        31 set (the same negative int added)
//   truncation           bits 63:32 read zero (the result went through 32
//                        bits)
//   other                anything else: the bits that differ and the first
//                        values, seen against wanted
//
//   desc_sweep --layout seg8|sys16|gate16 [--threads N]
//
// One JSON object on stdout; exit 0 when it ran, 2 on bad arguments.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "classify.hpp"
#include "desctest/desc.hpp"
#include "impl.h"

extern "C" const dt_impl *const __start_dt_impls[];
extern "C" const dt_impl *const __stop_dt_impls[];

namespace {

using desctest::hex;
using namespace desctest::differential;

constexpr std::uint64_t kFull = 0x10000ull * 0x100ull;	// values per base2

// Every value with bit 31 set wrong, no other, each by exactly XOR.
bool bit31_shape(const SweepResult &r, std::uint64_t xor_want)
{
	for (unsigned b2 = 0; b2 < 256; b2++)
		if (r.stats.per_base2[b2] != (b2 >= 0x80 && xor_want ? kFull : 0))
			return false;
	if (!xor_want)
		return true;
	for (unsigned h = 0; h < r.stats.nhits; h++)
		if ((r.stats.hits[h].seen ^ r.stats.hits[h].wanted) != xor_want)
			return false;
	return r.stats.diff_or == xor_want;
}

bool borrow_shape(const SweepResult &r)
{
	std::uint64_t up = r.base3;
	return bit31_shape(r, (((up - 1) ^ up) & 0xffffffffull) << 32);
}

bool truncation_shape(const SweepResult &r)
{
	std::uint64_t x = std::uint64_t{r.base3} << 32;
	for (unsigned b2 = 0; b2 < 256; b2++)
		if (r.stats.per_base2[b2] != (x ? kFull : 0))
			return false;
	for (unsigned h = 0; h < r.stats.nhits; h++)
		if ((r.stats.hits[h].seen ^ r.stats.hits[h].wanted) != x)
			return false;
	return r.stats.diff_or == x;
}

template <typename Pred>
bool all_of(const std::vector<SweepResult> &v, Pred p)
{
	return std::all_of(v.begin(), v.end(), p);
}

std::string json_hits(const std::vector<SweepResult> &sweeps)
{
	std::string o = "[";
	unsigned n = 0;
	for (const SweepResult &r : sweeps)
		for (unsigned h = 0; h < r.stats.nhits && n < 3; h++, n++)
			o += std::string(n ? "," : "") + "{\"value\":\"" + hex(r.stats.hits[h].wanted) +
			     "\",\"seen\":\"" + hex(r.stats.hits[h].seen) + "\",\"wanted\":\"" +
			     hex(r.stats.hits[h].wanted) + "\"}";
	return o + "]";
}

int usage(const std::string &why)
{
	std::fprintf(stderr, "desc_sweep: %s\nusage: desc_sweep --layout seg8|sys16|gate16 "
			     "[--threads N]\n", why.c_str());
	return 2;
}

} // namespace

int main(int argc, char **argv)
{
	std::string layout;
	unsigned threads = 0;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		if (a == "--layout" && i + 1 < argc)
			layout = argv[++i];
		else if (a == "--threads" && i + 1 < argc)
			threads = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
		else
			return usage("unknown argument '" + a + "'");
	}
	std::vector<std::uint32_t> uppers;
	if (layout == "seg8")
		uppers = {0};	// an 8-byte descriptor has no bits 63:32
	else if (layout == "sys16" || layout == "gate16")
		uppers = {0xfffffe7cu, 0x00000000u, 0xffffffffu};
	else
		return usage("--layout must be seg8, sys16 or gate16");
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? static_cast<unsigned>(n) : 1;
	}
	if (__stop_dt_impls - __start_dt_impls != 1)
		return usage("exactly one decoder must be linked in");
	const dt_impl &impl = **__start_dt_impls;

	std::vector<SweepResult> sweeps;
	for (std::uint32_t up : uppers)
		sweeps.push_back({up, sweep_all(impl, up, threads)});

	std::string shape, text;
	std::uint64_t wrong = 0, checked = 0, diff = 0;
	for (const SweepResult &r : sweeps) {
		wrong += r.stats.mismatches;
		checked += r.stats.checked;
		diff |= r.stats.diff_or;
	}
	if (wrong == 0) {
		shape = "clean";
		text = "clean: all " + std::to_string(checked) + " values decoded right";
	} else if (all_of(sweeps, [](const SweepResult &r) { return sweep_is_sign_extension(r); })) {
		shape = "or-sign-extension";
		text = "OR sign-extension: bits 63:32 forced to one for every value with bit 31 set";
	} else if (all_of(sweeps, borrow_shape)) {
		shape = "add-borrow";
		text = "add borrow: bits 63:32 read upper - 1 for every value with bit 31 set";
	} else if (all_of(sweeps, truncation_shape)) {
		shape = "truncation";
		text = "truncation to 32 bits: bits 63:32 read zero";
	} else {
		shape = "other";
		text = "other: wrong bits " + hex(diff);
		for (const SweepResult &r : sweeps)
			if (r.stats.nhits) {
				text += "; first: seen " + hex(r.stats.hits[0].seen) + " wanted " +
					hex(r.stats.hits[0].wanted);
				break;
			}
	}
	std::string per = "[";
	for (const SweepResult &r : sweeps)
		per += std::string(per.size() > 1 ? "," : "") + "{\"upper\":\"" + hex(r.base3) +
		       "\",\"checked\":" + std::to_string(r.stats.checked) +
		       ",\"wrong\":" + std::to_string(r.stats.mismatches) + ",\"bits31_24\":\"" +
		       base2_ranges(r.stats) + "\"}";
	per += "]";
	std::printf("{\"shape\":\"%s\",\"text\":\"%s\",\"checked\":%llu,\"wrong\":%llu,"
		    "\"sweeps\":%s,\"hits\":%s}\n",
		    shape.c_str(), text.c_str(), static_cast<unsigned long long>(checked),
		    static_cast<unsigned long long>(wrong), per.c_str(), json_hits(sweeps).c_str());
	return 0;
}

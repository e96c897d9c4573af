// SPDX-License-Identifier: GPL-2.0-only
//
// What kind of wrong is a get_desc64_base() implementation?  Turns the raw
// counts of a sweep into a verdict and one line a person can act on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "impl.h"

namespace desctest::differential {

// One exhaustive sweep of one implementation for one base3 value.
struct SweepResult {
	std::uint32_t base3;
	dt_sweep_stats stats;
};

// Seeded random full descriptors checked against the byte-offset oracle.
struct RandomResult {
	std::uint64_t seed = 0;
	std::uint64_t checked = 0;
	std::uint64_t mismatches = 0;
	std::uint64_t not_sign_extension = 0;	// mismatches of any other shape
	std::vector<dt_hit> hits;
};

enum class ErrorClass {
	None,		// no mismatch anywhere
	SignExtension,	// exactly the pre-fix bug: bits 63:32 forced to one
			// for every base2 >= 0x80 and for no other value
	Other,		// anything else
};

// One exhaustive sweep of impl for one base3 (every value of bits 31:0),
// sliced by base2 over `threads` threads; the slices are merged in base2
// order, so the first hits are the same whatever the thread count.
dt_sweep_stats sweep_all(const dt_impl &impl, std::uint32_t base3, unsigned threads);

// Does one sweep show exactly the sign-extension bug (or, when base3 is
// already all ones and the bug cannot show, nothing)?
bool sweep_is_sign_extension(const SweepResult &r);

ErrorClass classify(const std::vector<SweepResult> &sweeps, const RandomResult &random);

// "upper 32 bits forced to 1 when base2 >= 0x80 (...)" or, for Other, the
// bits that differ and the base2 values affected.
std::string describe(ErrorClass c, const std::vector<SweepResult> &sweeps,
		     const RandomResult &random);

// "0x80-0xff" style list of the base2 values that had mismatches.
std::string base2_ranges(const dt_sweep_stats &s);

// The base of a 16-byte descriptor read straight from its memory image by
// the byte offsets of SDM Vol. 3A Figure 7-4 (bytes 2-4, 7 and 8-11): the
// oracle for the random descriptors, independent of every decoder.
std::uint64_t base_from_bytes(std::uint64_t w0, std::uint64_t w1);

} // namespace desctest::differential

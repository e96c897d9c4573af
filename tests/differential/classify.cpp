// SPDX-License-Identifier: GPL-2.0-only
#include "classify.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "desctest/desc.hpp"
#include "desctest/prefix_model.h"

namespace desctest::differential {

namespace {

constexpr std::uint64_t kPerBase2 = 0x10000ull * 0x100ull;

} // namespace

bool sweep_is_sign_extension(const SweepResult &r)
{
	const dt_sweep_stats &s = r.stats;
	if (s.not_upper_ones != 0)
		return false;
	// With base3 already all ones, forcing bits 63:32 to one changes
	// nothing: the bug is invisible and no mismatch is the right answer.
	for (unsigned b2 = 0; b2 < 256; b2++) {
		std::uint64_t base = std::uint64_t{r.base3} << 32 | std::uint64_t{b2} << 24;
		std::uint64_t want = dt_prefix_bug_shows(base) ? kPerBase2 : 0;
		if (s.per_base2[b2] != want)
			return false;
	}
	return true;
}

ErrorClass classify(const std::vector<SweepResult> &sweeps, const RandomResult &random)
{
	std::uint64_t total = random.mismatches;
	for (const SweepResult &r : sweeps)
		total += r.stats.mismatches;
	if (total == 0)
		return ErrorClass::None;
	if (random.not_sign_extension != 0)
		return ErrorClass::Other;
	for (const SweepResult &r : sweeps)
		if (!sweep_is_sign_extension(r))
			return ErrorClass::Other;
	return ErrorClass::SignExtension;
}

std::string base2_ranges(const dt_sweep_stats &s)
{
	std::string out;
	unsigned b = 0;
	while (b < 256) {
		if (!s.per_base2[b]) {
			b++;
			continue;
		}
		unsigned e = b;
		while (e + 1 < 256 && s.per_base2[e + 1])
			e++;
		if (!out.empty())
			out += ",";
		out += hex(b);
		if (e != b)
			out += "-" + hex(e);
		b = e + 1;
	}
	return out.empty() ? "none" : out;
}

std::string describe(ErrorClass c, const std::vector<SweepResult> &sweeps,
		     const RandomResult &random)
{
	switch (c) {
	case ErrorClass::None:
		return "no mismatch";
	case ErrorClass::SignExtension:
		return "upper 32 bits forced to 1 when base2 >= 0x80 "
		       "(base2 << 24 promoted to signed int sign-extends over base3)";
	case ErrorClass::Other:
		break;
	}
	std::uint64_t diff = 0;
	std::string where;
	for (const SweepResult &r : sweeps) {
		diff |= r.stats.diff_or;
		if (r.stats.mismatches)
			where += (where.empty() ? "" : "; ") + std::string("base3=") + hex(r.base3) +
				 ": base2 " + base2_ranges(r.stats);
	}
	for (const dt_hit &h : random.hits)
		diff |= h.seen ^ h.wanted;
	std::string s = "wrong bits " + hex(diff);
	if (!where.empty())
		s += " (" + where + ")";
	if (random.mismatches)
		s += "; " + std::to_string(random.mismatches) + " random descriptors wrong";
	return s;
}

std::uint64_t base_from_bytes(std::uint64_t w0, std::uint64_t w1)
{
	std::array<std::uint8_t, 16> b{};
	std::memcpy(b.data(), &w0, 8);
	std::memcpy(b.data() + 8, &w1, 8);
	return std::uint64_t{b[2]} | std::uint64_t{b[3]} << 8 | std::uint64_t{b[4]} << 16 |
	       std::uint64_t{b[7]} << 24 | std::uint64_t{b[8]} << 32 | std::uint64_t{b[9]} << 40 |
	       std::uint64_t{b[10]} << 48 | std::uint64_t{b[11]} << 56;
}

dt_sweep_stats sweep_all(const dt_impl &impl, std::uint32_t base3, unsigned threads)
{
	constexpr unsigned kChunk = 8;
	std::atomic<unsigned> next{0};
	std::vector<std::vector<std::pair<unsigned, dt_sweep_stats>>> per(threads);
	std::vector<std::thread> pool;
	for (unsigned t = 0; t < threads; t++)
		pool.emplace_back([&, t] {
			for (;;) {
				unsigned lo = next.fetch_add(kChunk);
				if (lo >= 256)
					return;
				dt_sweep_stats st{};
				impl.sweep(base3, lo, lo + kChunk, &st);
				per[t].emplace_back(lo, st);
			}
		});
	for (auto &th : pool)
		th.join();

	std::vector<std::pair<unsigned, dt_sweep_stats>> chunks;
	for (auto &v : per)
		chunks.insert(chunks.end(), v.begin(), v.end());
	std::sort(chunks.begin(), chunks.end(),
		  [](const auto &a, const auto &b) { return a.first < b.first; });
	dt_sweep_stats all{};
	for (const auto &[lo, st] : chunks) {
		all.checked += st.checked;
		all.mismatches += st.mismatches;
		all.not_upper_ones += st.not_upper_ones;
		all.diff_or |= st.diff_or;
		for (unsigned b = 0; b < 256; b++)
			all.per_base2[b] += st.per_base2[b];
		for (unsigned h = 0; h < st.nhits && all.nhits < DT_MAX_HITS; h++)
			all.hits[all.nhits++] = st.hits[h];
	}
	return all;
}

} // namespace desctest::differential

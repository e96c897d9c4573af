// SPDX-License-Identifier: GPL-2.0-only
//
// desc64_base_diff: every implementation of "base of a 16-byte system
// descriptor" linked into this program, checked exhaustively against the
// values put into the descriptor.
//
// For each base3 value (default 0xfffffe7c, 0, 0xffffffff) all 2^32
// combinations of base 15:0, 23:16 and 31:24 are decoded; then seeded
// random full 16-byte descriptors are checked against the byte-offset
// oracle.  KTAP on stdout, one result per implementation:
//   reference, tree-patched (or tree)  PASS when nothing mismatches
//   prefix-recreation, tree-unpatched  XFAIL when they show exactly the
//                                      pre-fix sign-extension bug
//   anything else                      FAIL
//
// --bench prints the sweep rate of every implementation instead.

#include <getopt.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "classify.hpp"
#include "desctest/desc.hpp"
#include "desctest/ktap.hpp"
#include "desctest/prefix_model.h"
#include "desctest/splitmix64.h"

extern "C" const dt_impl *const __start_dt_impls[];
extern "C" const dt_impl *const __stop_dt_impls[];

namespace desctest::differential {
namespace {

struct Options {
	std::vector<std::uint32_t> base3 = {0xfffffe7cu, 0x00000000u, 0xffffffffu};
	std::uint64_t random = 1000000;
	std::uint64_t seed = 0x6465736374657374ull; // "desctest"
	unsigned threads = 0;
	std::string only;
	bool bench = false;
	bool list = false;
};

[[noreturn]] void usage(const char *prog, const std::string &why)
{
	if (!why.empty())
		std::fprintf(stderr, "%s: %s\n", prog, why.c_str());
	std::fprintf(stderr,
		     "usage: %s [--base3 HEX[,HEX...]] [--random N] [--seed N] [--threads N]\n"
		     "          [--impl NAME] [--list] [--bench]\n",
		     prog);
	std::exit(why.empty() ? 0 : 2);
}

std::uint64_t parse_u64(const char *prog, const char *opt, const char *s, std::uint64_t max)
{
	char *end = nullptr;
	errno = 0;
	unsigned long long v = std::strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		usage(prog, std::string(opt) + ": '" + s + "' is not a number in 0.." + hex(max));
	return v;
}

Options parse(int argc, char **argv)
{
	static const option longopts[] = {
		{"base3", required_argument, nullptr, 'b'}, {"random", required_argument, nullptr, 'r'},
		{"seed", required_argument, nullptr, 's'},  {"threads", required_argument, nullptr, 't'},
		{"impl", required_argument, nullptr, 'i'},  {"bench", no_argument, nullptr, 'B'},
		{"list", no_argument, nullptr, 'l'},	    {"help", no_argument, nullptr, 'h'},
		{nullptr, 0, nullptr, 0},
	};
	Options o;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, nullptr)) != -1) {
		switch (c) {
		case 'b': {
			o.base3.clear();
			std::string list = optarg;
			std::size_t pos = 0;
			while (pos <= list.size()) {
				std::size_t comma = list.find(',', pos);
				std::string item = list.substr(pos, comma - pos);
				o.base3.push_back(static_cast<std::uint32_t>(
					parse_u64(argv[0], "--base3", item.c_str(), 0xffffffffu)));
				if (comma == std::string::npos)
					break;
				pos = comma + 1;
			}
			break;
		}
		case 'r': o.random = parse_u64(argv[0], "--random", optarg, 1ull << 40); break;
		case 's': o.seed = parse_u64(argv[0], "--seed", optarg, ~0ull); break;
		case 't': o.threads = static_cast<unsigned>(parse_u64(argv[0], "--threads", optarg, 1024)); break;
		case 'i': o.only = optarg; break;
		case 'B': o.bench = true; break;
		case 'l': o.list = true; break;
		case 'h': usage(argv[0], "");
		default: usage(argv[0], "unknown option");
		}
	}
	if (optind != argc)
		usage(argv[0], std::string("unexpected argument '") + argv[optind] + "'");
	if (o.threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		o.threads = n > 0 ? static_cast<unsigned>(n) : 1;
	}
	return o;
}

std::vector<const dt_impl *> implementations(const std::string &only)
{
	std::vector<const dt_impl *> v(__start_dt_impls, __stop_dt_impls);
	std::sort(v.begin(), v.end(), [](auto *a, auto *b) { return a->rank < b->rank; });
	if (!only.empty())
		std::erase_if(v, [&](auto *i) { return only != i->name; });
	return v;
}

RandomResult random_check(const dt_impl &impl, std::uint64_t n, std::uint64_t seed)
{
	RandomResult r;
	r.seed = seed;
	std::uint64_t state = seed;
	for (std::uint64_t i = 0; i < n; i++) {
		std::uint64_t w0 = dt_splitmix64(&state), w1 = dt_splitmix64(&state);
		std::uint64_t want = base_from_bytes(w0, w1);
		std::uint64_t got = impl.decode(w0, w1);
		r.checked++;
		if (got == want)
			continue;
		r.mismatches++;
		if (got != dt_prefix_model(want))
			r.not_sign_extension++;
		if (r.hits.size() < DT_MAX_HITS)
			r.hits.push_back({w0, w1, got, want});
	}
	return r;
}

// "base0=0x5000 base1=0xd6 base2=0xf8 base3=0xfffffe7c: seen ... wanted ...
// (base_63_32: seen 0xffffffff wanted 0xfffffe7c)"
std::string describe_hit(const dt_hit &h)
{
	SystemDescriptor d(h.w0, h.w1);
	SystemDescriptor seen = d, wanted = d;
	seen.set_base(h.seen);
	wanted.set_base(h.wanted);
	return "base0=" + hex(d.base_15_0()) + " base1=" + hex(d.base_23_16()) +
	       " base2=" + hex(d.base_31_24()) + " base3=" + hex(d.base_63_32()) + ": seen " +
	       hex(h.seen) + " wanted " + hex(h.wanted) + " (" + format(diff(seen, wanted)) + ")";
}

void report_hits(Ktap &k, const dt_hit *hits, std::size_t n)
{
	for (std::size_t i = 0; i < n; i++)
		k.diag("    " + describe_hit(hits[i]));
}

int run_bench(const Options &o, const std::vector<const dt_impl *> &impls)
{
	std::printf("# desc64_base_diff --bench: one exhaustive sweep (2^32 descriptors, base3=%#" PRIx32
		    ") per implementation\n",
		    o.base3.front());
	std::printf("%-20s %8s %12s %16s\n", "implementation", "threads", "seconds", "evaluations/s");
	for (const dt_impl *impl : impls) {
		for (unsigned t : {1u, o.threads}) {
			auto t0 = std::chrono::steady_clock::now();
			dt_sweep_stats st = sweep_all(*impl, o.base3.front(), t);
			std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
			std::printf("%-20s %8u %12.3f %16.3e\n", impl->name, t, dt.count(),
				    static_cast<double>(st.checked) / dt.count());
			if (t == o.threads)
				break;
		}
	}
	return 0;
}

int run(const Options &o, const std::vector<const dt_impl *> &impls)
{
	Ktap k;
	k.header(impls.size());
	k.diag("desc64_base_diff: base of 16-byte system descriptors, every implementation "
	       "against the values put into the descriptor");
	for (const dt_impl *impl : impls) {
		k.diag(std::string(impl->name) + ": " + impl->what);
		std::vector<SweepResult> sweeps;
		for (std::uint32_t base3 : o.base3) {
			SweepResult r{base3, sweep_all(*impl, base3, o.threads)};
			std::string line = "  base3=" + hex(base3) + ": " + std::to_string(r.stats.mismatches) +
					   " of " + std::to_string(r.stats.checked) + " mismatch";
			if (r.stats.mismatches)
				line += " (base2 " + base2_ranges(r.stats) + ")";
			k.diag(line);
			report_hits(k, r.stats.hits, std::min<std::size_t>(r.stats.nhits, 3));
			sweeps.push_back(r);
		}
		RandomResult rnd = random_check(*impl, o.random, o.seed);
		k.diag("  random: " + std::to_string(rnd.mismatches) + " of " + std::to_string(rnd.checked) +
		       " mismatch (seed " + hex(rnd.seed) + ")");
		report_hits(k, rnd.hits.data(), std::min<std::size_t>(rnd.hits.size(), 3));

		ErrorClass c = classify(sweeps, rnd);
		std::string why = describe(c, sweeps, rnd);
		if (!impl->known_bug) {
			if (c == ErrorClass::None)
				k.pass(impl->name);
			else
				k.fail(impl->name, why);
		} else if (c == ErrorClass::SignExtension) {
			k.xfail(impl->name, why);
		} else if (c == ErrorClass::None) {
			k.xpass(impl->name, "the known sign-extension bug did not show: is this copy already fixed?");
		} else {
			k.fail(impl->name, "not the known bug: " + why);
		}
	}
	return k.finish();
}

} // namespace
} // namespace desctest::differential

int main(int argc, char **argv)
{
	using namespace desctest::differential;
	Options o = parse(argc, argv);
	auto impls = implementations(o.only);
	if (impls.empty()) {
		std::fprintf(stderr, "%s: no implementation named '%s'; --list shows them\n", argv[0],
			     o.only.c_str());
		return 2;
	}
	if (o.list) {
		for (const dt_impl *i : impls)
			std::printf("%-20s %s%s\n", i->name, i->what, i->known_bug ? " [known bug]" : "");
		return 0;
	}
	return o.bench ? run_bench(o, impls) : run(o, impls);
}

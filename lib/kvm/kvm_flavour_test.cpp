// SPDX-License-Identifier: GPL-2.0-only
//
// The rule that decides which KVM serves /dev/kvm (lib/kvm/kvm_flavour.h),
// over every case of lib/kvm/kvm-flavour-cases.txt, each built as a fake
// /sys/module tree; tests/runner/test_machine.py runs the runner's copy
// of the rule over the same file.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kvm_flavour.h"

#ifndef DT_FLAVOUR_CASES
#error "build with -DDT_FLAVOUR_CASES=\"path of kvm-flavour-cases.txt\""
#endif

namespace fs = std::filesystem;

namespace {

struct Case {
	int line;
	std::string want, flags;
	std::vector<std::string> entries;
};

std::vector<Case> read_cases()
{
	std::ifstream in(DT_FLAVOUR_CASES);
	std::vector<Case> cases;
	std::string text;

	for (int n = 1; std::getline(in, text); n++) {
		std::istringstream words(text);
		Case c{ n, {}, {}, {} };

		if (!(words >> c.want) || c.want[0] == '#')
			continue;
		words >> c.flags;
		for (std::string e; words >> e;)
			c.entries.push_back(e);
		cases.push_back(c);
	}
	return cases;
}

const char *want_name(const std::string &want)
{
	return want == "other" ? dt_kvm_flavour_name(DT_KVM_OTHER) : want.c_str();
}

class TempDir {
public:
	TempDir()
	{
		char tmpl[] = "/tmp/desctest-flavour-XXXXXX";

		if (!mkdtemp(tmpl))
			throw std::runtime_error("mkdtemp failed");
		path = tmpl;
	}
	~TempDir() { fs::remove_all(path); }
	fs::path path;
};

TEST(KvmFlavour, EveryCaseOfTheTable)
{
	std::vector<Case> cases = read_cases();

	ASSERT_GE(cases.size(), 10u) << "cannot read the cases in " DT_FLAVOUR_CASES;
	for (const Case &c : cases) {
		TempDir sysmod;
		std::string desc = "line " + std::to_string(c.line) + ": " + c.flags;

		for (const std::string &e : c.entries) {
			std::string name = e.substr(0, e.find(':'));

			fs::create_directories(sysmod.path / name / "parameters");
			if (e.find(':') != std::string::npos)
				std::ofstream(sysmod.path / name / "initstate")
					<< e.substr(e.find(':') + 1) << "\n";
			desc += " " + e;
		}
		enum dt_kvm_flavour f = dt_kvm_flavour_at(
			sysmod.path.c_str(), c.flags.find("vmx") != std::string::npos,
			c.flags.find("svm") != std::string::npos);
		EXPECT_STREQ(dt_kvm_flavour_name(f), want_name(c.want)) << desc;
	}
}

TEST(KvmFlavour, CpuinfoFlagsOfTheFirstCpu)
{
	TempDir d;
	fs::path p = d.path / "cpuinfo";

	std::ofstream(p) << "processor\t: 0\nvmx flags\t: svm\n"
			    "flags\t\t: fpu vmx lm\nprocessor\t: 1\nflags\t\t: svm\n";
	EXPECT_EQ(dt_cpuinfo_has_flag(p.c_str(), "vmx"), 1);
	EXPECT_EQ(dt_cpuinfo_has_flag(p.c_str(), "lm"), 1);
	EXPECT_EQ(dt_cpuinfo_has_flag(p.c_str(), "svm"), 0);
	EXPECT_EQ(dt_cpuinfo_has_flag(p.c_str(), "vm"), 0);
	EXPECT_EQ(dt_cpuinfo_has_flag((d.path / "none").c_str(), "vmx"), 0);
}

} // namespace

// SPDX-License-Identifier: GPL-2.0-only
//
// Minimal KTAP writer with kselftest's result lines, counters and exit
// codes, for the C++ programs (kselftest.h itself is C-only).
#pragma once

#include <cstdio>
#include <string>

namespace desctest {

class Ktap {
public:
	void header(std::size_t planned)
	{
		std::printf("KTAP version 1\n1..%zu\n", planned);
		std::fflush(stdout);
	}
	void diag(const std::string &line) { emit("# " + line); }
	void pass(const std::string &name) { result(pass_, "ok", name, ""); }
	void fail(const std::string &name, const std::string &why)
	{
		diag(name + ": " + why);
		result(fail_, "not ok", name, "");
	}
	void xfail(const std::string &name, const std::string &why) { result(xfail_, "ok", name, " # XFAIL " + why); }
	void xpass(const std::string &name, const std::string &why) { result(xpass_, "ok", name, " # XPASS " + why); }
	void skip(const std::string &name, const std::string &why) { result(skip_, "ok", name, " # SKIP " + why); }

	// Totals line; kselftest exit code: 1 when anything failed or passed
	// unexpectedly, else 0.
	int finish()
	{
		std::printf("# Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:0\n", pass_, fail_,
			    xfail_, xpass_, skip_);
		std::fflush(stdout);
		return (fail_ || xpass_) ? 1 : 0;
	}

private:
	void emit(const std::string &line)
	{
		std::printf("%s\n", line.c_str());
		std::fflush(stdout);
	}
	void result(unsigned &counter, const char *status, const std::string &name, const std::string &directive)
	{
		counter++;
		emit(std::string(status) + " " + std::to_string(++number_) + " " + name + directive);
	}

	unsigned number_ = 0, pass_ = 0, fail_ = 0, xfail_ = 0, xpass_ = 0, skip_ = 0;
};

} // namespace desctest

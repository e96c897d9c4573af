// SPDX-License-Identifier: GPL-2.0-only
//
// KTAP writer for the C++ programs (kselftest.h is C only): the same
// lines, counters and exit-code rule as the C programs, from
// desctest/ktap.h.
#pragma once

#include <cstdio>
#include <string>

#include "desctest/ktap.h"

namespace desctest {

// "# <what>: <field> seen 0x.. wanted 0x..[  <-- MISMATCH]", no "# ".
inline std::string seen_wanted(const std::string &what, const std::string &field,
			       std::uint64_t seen, std::uint64_t wanted)
{
	int n = std::snprintf(nullptr, 0, DT_SEEN_WANTED_FMT, what.c_str(), field.c_str(),
			      static_cast<unsigned long long>(seen),
			      static_cast<unsigned long long>(wanted), dt_mismatch_mark(seen, wanted));
	std::string s(static_cast<std::size_t>(n) + 1, '\0');
	std::snprintf(s.data(), s.size(), DT_SEEN_WANTED_FMT, what.c_str(), field.c_str(),
		      static_cast<unsigned long long>(seen), static_cast<unsigned long long>(wanted),
		      dt_mismatch_mark(seen, wanted));
	s.resize(static_cast<std::size_t>(n));
	return s;
}

class Ktap {
public:
	void header(std::size_t planned)
	{
		c_.planned = static_cast<unsigned>(planned);
		std::printf("KTAP version 1\n1..%zu\n", planned);
		std::fflush(stdout);
	}
	void diag(const std::string &line) { emit("# " + line); }
	// A seen-vs-wanted diagnostic; true when equal.
	bool check(const std::string &what, const std::string &field, std::uint64_t seen,
		   std::uint64_t wanted)
	{
		diag(seen_wanted(what, field, seen, wanted));
		return seen == wanted;
	}
	void pass(const std::string &name) { result(c_.pass, "ok " + num() + " " + name); }
	void fail(const std::string &name, const std::string &why)
	{
		diag(name + ": " + why);
		result(c_.fail, "not ok " + num() + " " + name);
	}
	void xfail(const std::string &name, const std::string &why) { directive(c_.xfail, name, "XFAIL", why); }
	void xpass(const std::string &name, const std::string &why) { directive(c_.xpass, name, "XPASS", why); }
	void skip(const std::string &name, const std::string &why) { directive(c_.skip, name, "SKIP", why); }

	const dt_ktap_counts &counts() const { return c_; }

	// Totals line; the exit code of dt_ktap_exit_code(): 1 when anything
	// failed or passed unexpectedly or the plan was not met, else 0.
	int finish()
	{
		if (dt_ktap_results(&c_) != c_.planned)
			diag("plan 1.." + std::to_string(c_.planned) + " but " +
			     std::to_string(dt_ktap_results(&c_)) +
			     " results printed: the program lost some of its tests");
		std::printf("# Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u\n", c_.pass,
			    c_.fail, c_.xfail, c_.xpass, c_.skip, c_.error);
		std::fflush(stdout);
		return dt_ktap_exit_code(&c_);
	}

private:
	std::string num() const { return std::to_string(dt_ktap_results(&c_) + 1); }
	void emit(const std::string &line)
	{
		std::printf("%s\n", line.c_str());
		std::fflush(stdout);
	}
	void result(unsigned &counter, const std::string &line)
	{
		emit(line);
		counter++;
	}
	void directive(unsigned &counter, const std::string &name, const char *what, const std::string &why)
	{
		std::string reason = why.substr(0, why.find('\n'));
		std::printf(DT_KTAP_DIRECTIVE_FMT "\n", dt_ktap_results(&c_) + 1, name.c_str(), what,
			    reason.c_str());
		std::fflush(stdout);
		counter++;
	}

	dt_ktap_counts c_{};
};

} // namespace desctest

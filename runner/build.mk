# SPDX-License-Identifier: GPL-2.0-only
# The runner (runner/desctest_runner, Python) and its own tests.
#
#   make runner_selftest   pytest over tests/runner; the C fixture programs
#                          it needs are built under $(OUTPUT)/runner-fixtures

RUNNER_FIXTURES := $(OUTPUT)/runner-fixtures
RUNNER_FIXTURE_BINS := $(RUNNER_FIXTURES)/segv

CHECK_TARGETS += runner_selftest
DEPS_PKGS += python3-pytest

$(RUNNER_FIXTURES)/%: $(TOP)/tests/runner/fixtures/progs/%.c
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_BASE) $(DEPFLAGS) -o $@ $<

.PHONY: runner_selftest
#> runner_selftest  the runner's own pytest tests (make check)
runner_selftest: $(RUNNER_FIXTURE_BINS)
	$(Q)DESCTEST_RUNNER_FIXTURES=$(RUNNER_FIXTURES) PYTHONDONTWRITEBYTECODE=1 \
		$(PYTHON) -m pytest -q -p no:cacheprovider $(TOP)/tests/runner

# make bench: the parser on 100,000-result streams (flat, "# "-nested,
# late lines), a whole run of one program printing 200,000 results, and
# the runner's peak RSS while a program floods it for 5 s (a 60,000-byte
# diagnostic line before each result; one line that never ends).
BENCH_CMDS += PYTHONPATH=$(TOP)/runner PYTHONDONTWRITEBYTECODE=1 \
	$(PYTHON) -m desctest_runner.bench;

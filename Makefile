# SPDX-License-Identifier: GPL-2.0-only
#
# desctest: regression suite for x86-64 descriptor and TSS handling.
#
#   make               build everything (programs, unit tests, module glue)
#   make run_tests     set up, build and run the suite; results in results/
#   make check         set up, build, run the unit tests and the suite
#   make bench         print the speed figures
#   make install       a kselftest tree under INSTALL_PATH (run_kselftest.sh)
#   make deps          install the Debian packages the suite needs (root)
#   make clean         remove the build output (not results/)
#   make help          every target, one line each
#
# Variables:
#   KSRC=/path/linux   kernel tree to test; default: Debian's
#                      linux-source-$(KVER), unpacked under .build/ and
#                      patched with configs/get_desc64_base-fix.patch
#   KVER=6.12|6.1      Debian source used when KSRC is unset
#   OUTPUT=dir         build directory
#   INSTALL_PATH=dir   install destination
#   UPSTREAM=x86       also build and run the tree's own descriptor-related
#                      x86 selftests, as collection x86 (tests/upstream)
#   V=1                show the commands

.DEFAULT_GOAL := all
SHELL := /bin/bash
TOP := $(CURDIR)

KVER ?= 6.12
BUILD_ROOT ?= $(TOP)/.build
ifeq ($(origin KSRC),undefined)
OUTPUT ?= $(BUILD_ROOT)/out-$(KVER)
else
OUTPUT ?= $(BUILD_ROOT)/out-ksrc
endif
INSTALL_PATH ?= $(OUTPUT)/install
RESULTS ?= $(TOP)/results
PYTHON ?= /usr/bin/python3

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Every fragment adds to these:
#   TEST_PROGS   collection:test of each KTAP program to run, upstream
#                kselftest's convention: the collection is the directory
#                under OUTPUT, the test the file name relative to it
#                (kvm:dt_regs is $(OUTPUT)/kvm/dt_regs)
#   UNIT_TESTS   unit-test binaries that make check runs
#   BENCH_CMDS   shell commands that make bench runs, each ending in ';'
#   CHECK_TARGETS  further targets make check runs, in order
#   INSTALL_DATA   data files (paths under OUTPUT) make install copies
#   INSTALL_PROGS  executables that are not tests themselves (paths under
#                  OUTPUT; a test program runs them), installed 0755
#   EXTRA_LISTS    files of further collection:test lines, made by a rule
#                  (programs another build makes: make UPSTREAM=x86),
#                  appended to kselftest-list.txt
#   ALL_EXTRA    further files make all builds (helpers of the VM boots)
TEST_PROGS :=
UNIT_TESTS :=
BENCH_CMDS :=
CHECK_TARGETS :=
INSTALL_DATA :=
INSTALL_PROGS :=
EXTRA_LISTS :=
ALL_EXTRA :=

include lib/mk/toolchain.mk
include lib/mk/ksrc.mk
# One build.mk per part of the tree; each says what it builds.
include $(sort $(wildcard lib/*/build.mk) $(wildcard tests/*/build.mk) \
		$(wildcard runner/build.mk))

# What every object and program was built from (DEPFLAGS); the framework's
# own sub-make reads its objects' files itself.
-include $(filter-out $(OUTPUT)/kvm-framework/% $(OUTPUT)/kvm-framework-pristine/%,$(wildcard \
	$(OUTPUT)/*/*.d $(OUTPUT)/*/*/*.d))

# Debian packages the default build and run need.
DEPS_PKGS += g++ make patch xz-utils libgtest-dev python3-pytest \
	linux-source-6.12 linux-source-6.1 rsync

TEST_BINS := $(addprefix $(OUTPUT)/,$(subst :,/,$(TEST_PROGS)))

.PHONY: all deps run_tests check unit_tests bench install clean help

#> all              build every program, unit test and helper (the default)
all: $(OUTPUT)/kselftest-list.txt $(UNIT_TESTS) \
	$(addprefix $(OUTPUT)/,$(INSTALL_PROGS)) $(ALL_EXTRA)

# The helpers of the VM boots alone (runner/build-programs.sh builds them
# beside the programs it chose).
.PHONY: all_extra
#> all_extra        the helpers the VM boots need besides the programs (kvm-flavour)
all_extra: $(ALL_EXTRA)

#> deps             install the Debian packages the suite needs (as root)
deps:
	$(Q)lib/mk/deps.sh $(sort $(DEPS_PKGS))

# The main job: every program through the runner, results under results/.
# RUN_ARGS passes options to the runner (e.g. RUN_ARGS="-j 2 --bisect").
#> run_tests        set up, build and run every program; results in results/
run_tests: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)PYTHONPATH=$(TOP)/runner $(PYTHON) -m desctest_runner run \
		--output $(OUTPUT) --settings $(TOP)/configs/settings \
		--results $(RESULTS) --ksrc $(KSRC) $(RUN_ARGS)

# Everything that must pass before a change lands.
#> check            everything that must pass before a change lands (.ci/run)
check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory unit_tests
	$(Q)set -e; for t in $(CHECK_TARGETS) run_tests; do \
		t0=$$(date +%s); $(MAKE) --no-print-directory $$t; \
		echo "check: $$t passed in $$(($$(date +%s) - t0)) s"; done

# The list of programs the runner discovers, in upstream's
# kselftest-list.txt format: one "collection:test" a line, the program
# being <dir>/<collection>/<test> under OUTPUT or an install.
$(OUTPUT)/kselftest-list.txt: $(TEST_BINS) $(EXTRA_LISTS) FORCE
	$(Q)mkdir -p $(@D)
	$(Q){ printf '%s\n' $(TEST_PROGS); cat /dev/null $(EXTRA_LISTS); } > $@.tmp && \
		mv -f $@.tmp $@

#> unit_tests       the GoogleTest unit tests
unit_tests: $(UNIT_TESTS)
	$(Q)set -e; for t in $(UNIT_TESTS); do echo "# unit: $$t"; $$t --gtest_brief=1; done

# A drop-in kselftest tree: run_kselftest.sh (and its kselftest/ helpers)
# from the tree's tools/testing/selftests, as upstream's install copies
# them, runs it unchanged; desctest_runner reads it as an OUTPUT too
# (--output INSTALL_PATH --settings INSTALL_PATH/settings).
KSFT_DIR := $(KSRC)/tools/testing/selftests
#> install          a kselftest tree under INSTALL_PATH (run_kselftest.sh runs it)
install: all $(KSRC_STAMP)
	$(Q)mkdir -p $(INSTALL_PATH)
	$(Q)cd $(OUTPUT) && for p in $(TEST_PROGS); do f=$${p/://}; \
		install -D -m 0755 $$f $(INSTALL_PATH)/$$f; done
	$(Q)cd $(OUTPUT) && for f in $(INSTALL_DATA); do \
		install -D -m 0644 $$f $(INSTALL_PATH)/$$f; done
	$(Q)cd $(OUTPUT) && for f in $(INSTALL_PROGS); do \
		install -D -m 0755 $$f $(INSTALL_PATH)/$$f; done
	$(Q)install -m 0644 $(OUTPUT)/kselftest-list.txt configs/settings $(INSTALL_PATH)/
	$(Q)lib/mk/collection-settings.sh configs/settings $(INSTALL_PATH) $(TEST_PROGS)
	$(Q)install -m 0755 $(KSFT_DIR)/run_kselftest.sh $(INSTALL_PATH)/
	$(Q)mkdir -p $(INSTALL_PATH)/kselftest && \
		cp -f $(KSFT_DIR)/kselftest/* $(INSTALL_PATH)/kselftest/
	@echo "desctest: installed under $(INSTALL_PATH) (run ./run_kselftest.sh there)"

#> bench            print the speed and memory figures
bench: deps all
	$(Q)set -e; $(BENCH_CMDS) :

#> clean            remove the build output of this KVER/KSRC (not results/)
clean:
	rm -rf $(OUTPUT)

# Every target, one line each: the "#> target  text" lines beside the
# rules, in every makefile of the tree.
HELP_FILES := Makefile $(sort $(wildcard lib/*/*.mk) $(wildcard tests/*/build.mk) \
	$(wildcard runner/build.mk))
#> help             this list
help:
	@echo "desctest targets (make TARGET [VARIABLE=value ...]):"
	@sed -n 's/^#> /  /p' $(HELP_FILES)
	@echo
	@echo "Variables: KSRC=tree KVER=6.12|6.1 OUTPUT=dir INSTALL_PATH=dir RESULTS=dir V=1;"
	@echo "see README.md and the comments at the top of each makefile."

FORCE:

# SPDX-License-Identifier: GPL-2.0-only
#
# The checker's tests:
#   make scan_check        fixtures (exact findings), data model, bad input,
#                          validate's use of the scan, the Coccinelle
#                          semantic patch, get_desc64_base() of Debian's
#                          linux-source-$(KVER) as shipped (found) and
#                          patched (clean)
#   make sweep_check       ./desctest sweep on the decoders of
#                          tests/scan/decoders: each shape named exactly on
#                          gcc, g++ and clang (several minutes: 2^32 values
#                          per upper half, per compiler)
#   make scan_trees_check  whole arch/x86, virt/kvm and tools/testing/selftests
#                          of Debian's linux-source-6.12 and -6.1: exactly the
#                          findings of tests/scan/real-trees.txt
#   SCAN_KVERS="6.12 6.1"      the Debian trees scan_trees_check scans
#   SCAN_KSRC_CACHE=dir        where they are unpacked (default: KSRC_CACHE)

.PHONY: scan_check sweep_check scan_trees_check
CHECK_TARGETS += scan_check sweep_check scan_trees_check
DEPS_PKGS += coccinelle clang-14
SCAN_KVERS ?= 6.12 6.1
SCAN_KSRC_CACHE ?= $(KSRC_CACHE)
SCAN_TREE_DIRS := arch/x86 virt/kvm tools/testing/selftests
SCAN_ENV = DESCTEST_SCANNER=$(SCAN_BIN)

#> scan_check       the checker's fixtures and get_desc64_base() of the Debian tree
scan_check: scan_bin $(KSRC_STAMP) $(if $(KSRC_DEFAULT),$(KSRC_UNPATCHED_DIR)/processor.h)
	$(Q)$(SCAN_ENV) $(if $(KSRC_DEFAULT),DESCTEST_KSRC=$(KSRC) \
		DESCTEST_UNPATCHED_PROCESSOR_H=$(KSRC_UNPATCHED_DIR)/processor.h) \
		$(PYTHON) -m pytest -q -p no:cacheprovider $(TOP)/tests/scan \
		--ignore=$(TOP)/tests/scan/test_sweep.py \
		--ignore=$(TOP)/tests/scan/test_real_trees.py

#> sweep_check      ./desctest sweep: each decoder's shape on gcc, g++ and clang
sweep_check: scan_bin
	$(Q)$(SCAN_ENV) $(PYTHON) -m pytest -q -p no:cacheprovider \
		$(TOP)/tests/scan/test_sweep.py

#> scan_trees_check the checker on Debian's linux-source-6.12 and -6.1 (arch/x86, virt/kvm, selftests)
scan_trees_check: scan_bin
	$(Q)set -e; for v in $(SCAN_KVERS); do \
		$(TOP)/lib/mk/ksrc.sh prepare $$v $(SCAN_KSRC_CACHE); \
		echo "# scan_trees_check: linux-source-$$v"; \
		$(SCAN_ENV) DESCTEST_TREE=$(SCAN_KSRC_CACHE)/linux-source-$$v \
		DESCTEST_TREE_UNPATCHED=$(SCAN_KSRC_CACHE)/unpatched-$$v/processor.h \
		DESCTEST_TREE_KVER=$$v $(PYTHON) -m pytest -q -p no:cacheprovider \
			$(TOP)/tests/scan/test_real_trees.py; done

# Scan time of the real-tree directories, on the tree of this KVER/KSRC.
BENCH_CMDS += $(TOP)/lib/scan/bench.sh $(SCAN_BIN) $(KSRC) $(SCAN_TREE_DIRS);
bench: scan_bin $(KSRC_STAMP)

# make validate's maintainer checks run the checker on the added lines.
validate validate_check: scan_bin
validate validate_check: export DESCTEST_SCANNER := $(SCAN_BIN)

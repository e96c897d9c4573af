# SPDX-License-Identifier: GPL-2.0-only
#
# make scan_check: the checker's tests (tests/scan/test_scan.py): exact
# findings on the fixtures, the data model, bad input, and
# get_desc64_base() of Debian's linux-source-$(KVER) as shipped (found)
# and patched (clean).

.PHONY: scan_check
CHECK_TARGETS += scan_check

#> scan_check       the checker's fixtures and get_desc64_base() of the Debian tree
scan_check: $(SCAN_BIN) $(KSRC_STAMP) $(if $(KSRC_DEFAULT),$(KSRC_UNPATCHED_DIR)/processor.h)
	$(Q)DESCTEST_SCANNER=$(SCAN_BIN) \
		$(if $(KSRC_DEFAULT),DESCTEST_KSRC=$(KSRC) \
		DESCTEST_UNPATCHED_PROCESSOR_H=$(KSRC_UNPATCHED_DIR)/processor.h) \
		$(PYTHON) -m pytest -q -p no:cacheprovider $(TOP)/tests/scan

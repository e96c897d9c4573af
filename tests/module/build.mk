# SPDX-License-Identifier: GPL-2.0-only
#
# tests/module: the desctest_tss kernel module (per-CPU TSS descriptor
# check from inside the kernel) and its kselftest loader.
#
#   KDIR=/path   kernel build tree the module is built against; default
#                the running kernel's /lib/modules/$(uname -r)/build.  When
#                it is missing the module is not built and the loader SKIPs.

KDIR ?= /lib/modules/$(shell uname -r)/build

MODULE_DIR := $(TOP)/tests/module
MODULE_SRCS := $(MODULE_DIR)/Kbuild $(MODULE_DIR)/tss_main.c \
	$(MODULE_DIR)/tss_decode.c $(MODULE_DIR)/tss_decode.h \
	$(MODULE_DIR)/kinclude/stdint.h $(MODULE_DIR)/build-ko.sh \
	$(TOP)/include/desctest/desc.h
MODULE_LOADER := $(OUTPUT)/module/tss_module_test

TEST_PROGS += module:module/tss_module_test

$(MODULE_LOADER): $(MODULE_DIR)/tss_module_test.c $(KSRC_STAMP)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_BASE) -I$(KSRC)/tools/testing/selftests $< -o $@

# The module itself, only where there are headers to build it against.
ifneq ($(wildcard $(KDIR)/Makefile),)
MODULE_KO := $(OUTPUT)/module/desctest_tss.ko
all: $(MODULE_KO)
$(MODULE_KO): $(MODULE_SRCS)
	$(Q)$(MODULE_DIR)/build-ko.sh $(KDIR) $(@D)/kbuild $(TOP)/include
	$(Q)cp -f $(@D)/kbuild/desctest_tss.ko $@
endif

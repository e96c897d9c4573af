# SPDX-License-Identifier: GPL-2.0-only
#
# tests/module: the desctest_tss kernel module (per-CPU TSS descriptor
# check from inside the kernel), its kselftest loader and
# module:gdtr_vmx_exit (the loader under vCPUs spinning in KVM_RUN);
# tests/module/README.md says what they prove.
#
#   KDIR=/path   kernel build tree the module is built against; default
#                the running kernel's /lib/modules/$(uname -r)/build.  When
#                it is missing the module is not built and the loader SKIPs.
#
#   make module_object_test MODULE_OBJ=dir/tss_decode.o
#                link a kbuild-built tss_decode.o into the GoogleTest
#                differential and run it (vm_tests does this for each
#                Debian kernel it builds the module for).

KDIR ?= /lib/modules/$(shell uname -r)/build

MODULE_DIR := $(TOP)/tests/module
MODULE_SRCS := $(MODULE_DIR)/Kbuild $(MODULE_DIR)/tss_main.c \
	$(MODULE_DIR)/tss_decode.c $(MODULE_DIR)/tss_decode.h \
	$(MODULE_DIR)/build-ko.sh \
	$(wildcard $(TOP)/include/desctest/*.h)
MODULE_LOADER := $(OUTPUT)/module/tss_module_test

TEST_PROGS += module:tss_module_test module:gdtr_vmx_exit

$(MODULE_LOADER): $(MODULE_DIR)/tss_module_test.c $(KSRC_STAMP)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_BASE) $(DEPFLAGS) -I$(KSRC)/tools/testing/selftests $< -o $@

# The loader under vCPUs spinning in KVM_RUN on every CPU, then after
# (the module's VMX VM exit allowance taken, then gone).
$(OUTPUT)/module/gdtr_vmx_exit: $(MODULE_DIR)/gdtr_vmx_exit.c $(KSRC_STAMP)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_BASE) $(DEPFLAGS) -I$(KSRC)/tools/testing/selftests $< -o $@ -lpthread

# The decode object kbuild built, linked as it is into a gtest: -no-pie
# for -mcmodel=kernel; a kernel that names its canary by per-CPU symbol
# gets it placed at 0x28, where GS (= FS) finds glibc's canary.
DTM_GTEST_MAIN := $(OUTPUT)/module/tss_decode_gtest_main.o
$(DTM_GTEST_MAIN): $(MODULE_DIR)/tss_decode_gtest.cpp $(MODULE_DIR)/tss_decode.h $(LIBDESC_HDRS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(UBSAN) $(DEPFLAGS) -I$(MODULE_DIR) -c $< -o $@

# $(call dtm_gtest_link,OBJECT,BINARY)
define dtm_gtest_link
	$(Q)$(CXX) $(UBSAN) -no-pie $(DTM_GTEST_MAIN) $(1) \
		$$(nm $(1) | grep -qw __stack_chk_guard && echo -Wl,--defsym=__stack_chk_guard=0x28) \
		-o $(2) $(GTEST_LIBS)
endef

%/tss_decode_gtest: %/tss_decode.o $(DTM_GTEST_MAIN)
	$(call dtm_gtest_link,$<,$@)

# The loader's verdict rule on saved reports (--report) and the two
# programs' whole-program SKIPs, in pytest (tests/module/test_*.py).
.PHONY: module_units
CHECK_TARGETS += module_units
#> module_units     the module loader's exit rule and SKIP lines (make check)
module_units: $(MODULE_LOADER) $(OUTPUT)/module/gdtr_vmx_exit
	$(Q)DESCTEST_MODULE_OUT=$(OUTPUT)/module PYTHONDONTWRITEBYTECODE=1 \
		$(PYTHON) -m pytest -q -p no:cacheprovider $(MODULE_DIR)

.PHONY: module_object_test
#> module_object_test  the module's decoder object under GoogleTest (MODULE_OBJ=)
module_object_test: $(if $(MODULE_OBJ),$(dir $(MODULE_OBJ))tss_decode_gtest)
	$(if $(MODULE_OBJ),,$(error MODULE_OBJ= must name a tss_decode.o built by kbuild (tests/module/build-ko.sh)))
	$(Q)echo "# unit: $< (object built for $$(strings $(dir $<)desctest_tss.ko 2>/dev/null | sed -n 's/^vermagic=\([^ ]*\).*/\1/p'))"
	$(Q)$< --gtest_brief=1

# The module itself, only where there are headers to build it against.
ifneq ($(wildcard $(KDIR)/Makefile),)
MODULE_KO := $(OUTPUT)/module/desctest_tss.ko
all: $(MODULE_KO)
$(MODULE_KO): $(MODULE_SRCS)
	$(Q)$(MODULE_DIR)/build-ko.sh $(KDIR) $(@D)/kbuild $(TOP)/include
	$(Q)cp -f $(@D)/kbuild/desctest_tss.ko $@
$(OUTPUT)/module/kbuild/tss_decode.o: $(MODULE_KO) ;
# make install puts the module beside its loader, where the loader looks.
.PHONY: install_module
install: install_module
#> install_module   the desctest_tss module into INSTALL_PATH (part of install)
install_module: $(MODULE_KO)
	$(Q)install -D -m 0644 $< $(INSTALL_PATH)/module/desctest_tss.ko
UNIT_TESTS += $(OUTPUT)/module/tss_decode_gtest
$(OUTPUT)/module/tss_decode_gtest: $(OUTPUT)/module/kbuild/tss_decode.o $(DTM_GTEST_MAIN)
	$(call dtm_gtest_link,$<,$@)
endif

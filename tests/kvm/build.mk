# SPDX-License-Identifier: GPL-2.0-only
# KVM guest programs (rules in lib/kvm/build.mk).

TEST_PROGS += kvm:dt_regs

# TSS decode through the tree's get_desc64_base(); against the default
# (Debian) tree also a build on its pristine, unpatched helper.
TEST_PROGS += kvm:tss_decode
ifeq ($(KSRC_DEFAULT),1)
TEST_PROGS += kvm:tss_decode_unpatched
$(eval $(call kvm_prog,tss_decode_unpatched,$(TOP)/tests/kvm/tss_decode.c $(KSRC_UNPATCHED_DIR)/processor.h,-I$(KSRC_UNPATCHED_DIR) -DDT_UNPATCHED_HELPER=1))
endif
TEST_PROGS += kvm:migrate
TEST_PROGS += kvm:ist

# HOST_TR_BASE through the framework's own vmx.c (needs kvm_intel with
# nested=1: make bochs_tests); against the default tree also linked with
# the framework built from the pristine tree (KVM_PRISTINE_LIBS), so its
# vmx.c calls the unpatched helper.
TEST_PROGS += kvm:vmx_host_tr
ifeq ($(KSRC_DEFAULT),1)
TEST_PROGS += kvm:vmx_host_tr_unpatched
$(eval $(call kvm_prog,vmx_host_tr_unpatched,$(TOP)/tests/kvm/vmx_host_tr.c $(KVM_PRISTINE_STAMP),$(KVM_PRISTINE_CFLAGS) -DDT_UNPATCHED_HELPER=1,$(KVM_PRISTINE_LIBS)))
endif

# vcpuI_vmexit_ist's verdict (vmx_ist_verdict.h, pure) against each case,
# the wrong ones above all, on the host: no VMX needed (make unit_tests).
VMX_IST_UNIT := $(OUTPUT)/kvm-unit/vmx_ist_verdict_test
$(VMX_IST_UNIT): $(TOP)/tests/kvm/vmx_ist_verdict_test.cpp \
		$(TOP)/tests/kvm/vmx_ist_verdict.h
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(UBSAN) $(DEPFLAGS) -I$(TOP)/tests/kvm $< \
		$(GTEST_LIBS) -o $@
UNIT_TESTS += $(VMX_IST_UNIT)

# ---- the same programs against the other framework ----------------------
# kvm_programs: just the KVM programs of this build (every entry of the
# KVM collections, whoever added it: read when the recipe runs, after
# every fragment), as paths under OUTPUT (kvm/dt_regs).
KVM_COLLECTIONS := kvm kvm_oracle
KVM_PROG_PATHS = $(subst :,/,$(filter $(addsuffix :%,$(KVM_COLLECTIONS)),$(TEST_PROGS)))
.PHONY: kvm_programs kvm_build_6.1
#> kvm_programs     build just the KVM programs
kvm_programs: FORCE
	$(Q)$(MAKE) --no-print-directory $(addprefix $(OUTPUT)/,$(KVM_PROG_PATHS))

# Build the KVM programs on Debian's linux-source-6.1 framework in an
# output directory of their own, then run them: each must pass, or XFAIL
# (the *_unpatched builds), or SKIP with its reason (no /dev/kvm here,
# no VMX for vmx_host_tr*;
# on kvm_pvm, ist and the oracle kinds it cannot run).
KVM_61_OUTPUT ?= $(BUILD_ROOT)/out-kvm-6.1
CHECK_TARGETS += kvm_build_6.1
#> kvm_build_6.1    the KVM programs built and run on Debian 6.1's framework
kvm_build_6.1:
ifeq ($(KSRC_DEFAULT),1)
	$(Q)$(MAKE) --no-print-directory KVER=6.1 OUTPUT=$(KVM_61_OUTPUT) kvm_programs
	$(Q)$(TOP)/tests/kvm/run-set.sh $(KVM_61_OUTPUT) $(KVM_PROG_PATHS)
else
	@echo "kvm_build_6.1: skipped: KSRC=$(KSRC) was given; the 6.1 build uses Debian's linux-source-6.1 (run make check without KSRC)"
endif

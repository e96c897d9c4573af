# SPDX-License-Identifier: GPL-2.0-only
# KVM guest programs (rules in lib/kvm/build.mk).

TEST_PROGS += kvm:kvm/dt_regs

# TSS decode through the tree's get_desc64_base(); against the default
# (Debian) tree also a build on its pristine, unpatched helper.
TEST_PROGS += kvm:kvm/tss_decode
ifeq ($(KSRC_DEFAULT),1)
TEST_PROGS += kvm:kvm/tss_decode_unpatched
$(eval $(call kvm_prog,tss_decode_unpatched,$(TOP)/tests/kvm/tss_decode.c $(KSRC_UNPATCHED_DIR)/processor.h,-I$(KSRC_UNPATCHED_DIR) -DDT_UNPATCHED_HELPER=1))
endif
TEST_PROGS += kvm:kvm/migrate

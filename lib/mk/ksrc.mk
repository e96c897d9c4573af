# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel tree every KVM-framework build uses.
#
# Unset KSRC: Debian's linux-source-$(KVER), unpacked once under
# $(BUILD_ROOT)/ksrc, its pristine processor.h kept in unpatched-$(KVER)/,
# then patched with configs/get_desc64_base-fix.patch.  Set KSRC: the
# user's tree, used as it is (only `make headers` is run when usr/include
# is missing).
#
# Provides: KSRC, KSRC_STAMP (prerequisite of anything that reads the
# tree), KSRC_DEFAULT (1 for the Debian tree), KSRC_UNPATCHED_DIR (the
# directory holding the pristine processor.h; default tree only),
# KVM_ARCH_DIR, KVM_SELFTESTS, KVM_INCLUDES (the framework's include
# path, for C code that includes processor.h / kvm_util.h).

KSRC_CACHE ?= $(BUILD_ROOT)/ksrc

ifeq ($(origin KSRC),undefined)
KSRC_DEFAULT := 1
KSRC := $(KSRC_CACHE)/linux-source-$(KVER)
KSRC_UNPATCHED_DIR := $(KSRC_CACHE)/unpatched-$(KVER)
KSRC_STAMP := $(KSRC)/.desctest-prepared
KVM_ARCH_DIR := x86_64
$(KSRC_STAMP): $(TOP)/configs/get_desc64_base-fix.patch $(TOP)/lib/mk/ksrc.sh | deps
	$(Q)$(TOP)/lib/mk/ksrc.sh prepare $(KVER) $(KSRC_CACHE)
# Written by the preparation; the rule lets make -j wait for it.
$(KSRC_UNPATCHED_DIR)/processor.h: $(KSRC_STAMP)
	@test -f $@ || { echo "desctest: $@ missing after preparing $(KSRC); rm -rf $(KSRC_CACHE) and rebuild" >&2; exit 1; }
else
KSRC_DEFAULT :=
override KSRC := $(abspath $(KSRC))
KSRC_UNPATCHED_DIR :=
KSRC_STAMP := $(OUTPUT)/.ksrc-checked
KVM_ARCH_DIR := $(shell $(TOP)/lib/mk/ksrc.sh kvm-arch $(KSRC))
$(KSRC_STAMP): FORCE
	$(Q)$(TOP)/lib/mk/ksrc.sh check $(KSRC)
	$(Q)mkdir -p $(@D) && echo $(KSRC) > $@.tmp && \
		{ cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@; }
endif

KVM_SELFTESTS := $(KSRC)/tools/testing/selftests/kvm
KVM_INCLUDES := -I$(KSRC)/tools/include -I$(KSRC)/tools/arch/x86/include \
	-isystem $(KSRC)/usr/include -I$(KVM_SELFTESTS)/include \
	-I$(KVM_SELFTESTS)/include/$(KVM_ARCH_DIR) -I$(KSRC)/tools/testing/selftests

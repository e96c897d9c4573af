# SPDX-License-Identifier: GPL-2.0-only
#
# desc64_base_diff: the exhaustive get_desc64_base() differential.
# Implementations linked in: the reference decoder, the re-created pre-fix
# expression, and the tree's own helper -- for the default (Debian) tree
# both its pristine copy (tree-unpatched) and the patched one
# (tree-patched), for a user KSRC that tree's copy as it is (tree).

DIFF_DIR := $(OUTPUT)/differential
DIFF_BIN := $(DIFF_DIR)/desc64_base_diff
# The sweep is the hot loop: optimise for this CPU family's vector units.
DIFF_CFLAGS := -std=gnu11 -O3 -g -Wall -Wextra -I$(TOP)/include -I$(TOP)/tests/differential
DIFF_HDRS := $(TOP)/tests/differential/impl.h $(LIBDESC_HDRS)

DIFF_IMPL_OBJS := $(DIFF_DIR)/impl_reference.o $(DIFF_DIR)/impl_prefix.o

$(DIFF_DIR)/impl_%.o: $(TOP)/tests/differential/impl_%.c $(DIFF_HDRS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(DIFF_CFLAGS) $(DEPFLAGS) -c $< -o $@

# tree_impl_rule(ident, name, include-dir-first, rank, known-bug, what)
define tree_impl_rule
DIFF_IMPL_OBJS += $(DIFF_DIR)/impl_$(1).o
$(DIFF_DIR)/impl_$(1).o: $(TOP)/tests/differential/impl_tree.c $(DIFF_HDRS) $(KSRC_STAMP)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(DIFF_CFLAGS) $(if $(3),-isystem $(3)) $$(KVM_ISYSTEM) \
		-DDT_TREE_IDENT=$(1) -DDT_TREE_NAME='"$(2)"' -DDT_TREE_RANK=$(4) \
		-DDT_TREE_BUG=$(5) -DDT_TREE_WHAT='"$(6)"' $$(DEPFLAGS) -c $$< -o $$@
endef

# The tree's headers are not ours to keep warning free.
KVM_ISYSTEM := $(patsubst -I%,-isystem %,$(KVM_INCLUDES))
KVM_PROCESSOR_H := tools/testing/selftests/kvm/include/$(KVM_ARCH_DIR)/processor.h
ifeq ($(KSRC_DEFAULT),1)
$(eval $(call tree_impl_rule,tree_unpatched,tree-unpatched,$(KSRC_UNPATCHED_DIR),2,1,get_desc64_base() of Debian linux-source-$(KVER) as shipped ($(KVM_PROCESSOR_H))))
$(eval $(call tree_impl_rule,tree_patched,tree-patched,,3,0,get_desc64_base() of Debian linux-source-$(KVER) with configs/get_desc64_base-fix.patch))
else
$(eval $(call tree_impl_rule,tree,tree,,2,0,get_desc64_base() of $(KSRC) ($(KVM_PROCESSOR_H))))
endif

DIFF_CXX_OBJS := $(DIFF_DIR)/desc64_base_diff.o $(DIFF_DIR)/classify.o

$(DIFF_DIR)/%.o: $(TOP)/tests/differential/%.cpp $(wildcard $(TOP)/tests/differential/*.hpp) $(DIFF_HDRS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(DEPFLAGS) -I$(TOP)/tests/differential -c $< -o $@

$(DIFF_BIN): $(DIFF_CXX_OBJS) $(DIFF_IMPL_OBJS) $(LIBDESC)
	$(Q)$(CXX) -o $@ $^ -pthread

TEST_PROGS += differential:desc64_base_diff
BENCH_CMDS += $(DIFF_BIN) --bench;

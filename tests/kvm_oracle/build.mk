# SPDX-License-Identifier: GPL-2.0-only
#
# The CPU/KVM as oracle (issue 4, test 3): sregs_oracle loads generated
# descriptors into TR, LDTR, FS and GS in a KVM guest and compares
# KVM_GET_SREGS with the reference decode.  Built like every KVM program
# (flags and libraries from lib/kvm/build.mk), from three sources.

ORACLE_DIR := $(TOP)/tests/kvm_oracle
ORACLE_BIN := $(OUTPUT)/kvm_oracle/sregs_oracle
ORACLE_SRCS := $(addprefix $(ORACLE_DIR)/,sregs_oracle.c oracle_gen.c oracle_check.c)
ORACLE_HDRS := $(wildcard $(ORACLE_DIR)/*.h)

$(ORACLE_BIN): $(ORACLE_SRCS) $(ORACLE_HDRS) $(ORACLE_DIR)/build.mk \
		$(KVM_LIBS) $(KVM_GLUE_HDRS) $(KSRC_STAMP)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(KVM_PROG_CFLAGS) -I$(ORACLE_DIR) -M -MP -MT $@ $(ORACLE_SRCS) \
		>$@.d.tmp && mv -f $@.d.tmp $@.d
	$(Q)$(CC) $(KVM_PROG_CFLAGS) -I$(ORACLE_DIR) $(ORACLE_SRCS) $(KVM_LIBS) \
		$(KVM_PROG_LDLIBS) -o $@

TEST_PROGS += kvm_oracle:sregs_oracle
# Exit 4 (no usable KVM: its SKIP line says why) leaves the figure out;
# any other failure fails make bench.
BENCH_CMDS += $(ORACLE_BIN) --bench || { rc=$$?; [ $$rc -eq 4 ] || exit $$rc; \
	echo "sregs_oracle: no figures on this machine: it skipped (the line above says why)"; };

# Unit tests of the generator and the comparison (no KVM), under UBSan.
ORACLE_UNIT := $(OUTPUT)/kvm_oracle/oracle_unit_test
ORACLE_UNIT_OBJS := $(OUTPUT)/kvm_oracle/unit/oracle_gen.o \
	$(OUTPUT)/kvm_oracle/unit/oracle_check.o

$(OUTPUT)/kvm_oracle/unit/%.o: $(ORACLE_DIR)/%.c $(ORACLE_HDRS) \
		$(TOP)/include/desctest/desc.h
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_BASE) $(UBSAN) $(DEPFLAGS) -c $< -o $@

$(ORACLE_UNIT): $(ORACLE_DIR)/oracle_unit_test.cpp $(ORACLE_UNIT_OBJS) \
		$(ORACLE_HDRS) $(TOP)/include/desctest/desc.h
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(UBSAN) $(DEPFLAGS) -I$(ORACLE_DIR) $< \
		$(ORACLE_UNIT_OBJS) $(GTEST_LIBS) -o $@

UNIT_TESTS += $(ORACLE_UNIT)

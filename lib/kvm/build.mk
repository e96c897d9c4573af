# SPDX-License-Identifier: GPL-2.0-only
#
# KVM guest programs: the selftests framework out of $(KSRC), our glue
# (per-vCPU descriptor tables, compatibility) and the rule that links a
# tests/kvm/<name>.c into $(OUTPUT)/kvm/<name>.
#
# Provides:
#   KVM_FW_CFLAGS     flags the framework is built with (as its Makefile)
#   KVM_PROG_CFLAGS   flags for a KVM test program (host and guest code)
#   KVM_PROG_LDLIBS   what a KVM test program links with, after its objects
#   KVM_LIBS          prerequisites: libkvmglue.a and libkvm.a
#   $(call kvm_prog,NAME,SOURCE,EXTRA_CFLAGS[,LIBS])  a rule for
#                     $(OUTPUT)/kvm/NAME (use with $(eval ...)); LIBS
#                     default $(KVM_LIBS)
#   KVM_PRISTINE_CFLAGS, KVM_PRISTINE_LIBS  (default tree only) the same
#                     framework built from the tree as Debian ships it,
#                     unpatched helper and all: flags that put its headers
#                     first, and the libraries to link instead of KVM_LIBS
#   pattern rule      $(OUTPUT)/kvm/%: tests/kvm/%.c

KVM_FW_LIB := $(OUTPUT)/kvm-framework/libkvm.a
KVM_GLUE_LIB := $(OUTPUT)/kvm-glue/libkvmglue.a
KVM_LIBS := $(KVM_GLUE_LIB) $(KVM_FW_LIB)

# As the tree's selftests Makefile (6.1 .. 6.12) compiles: guest code lives
# in the same binary, so no stack protector, no PIE, no builtin string
# calls that could become libc ifuncs.  _GNU_SOURCE is defined empty, as
# its lib.mk does, so the 6.1 sources' own "#define _GNU_SOURCE" agrees.
#
# One addition, -mgeneral-regs-only, for the framework and our programs
# alike: guest code must not use SSE.  On the paravirtual KVM (kvm_pvm)
# guest SSE instructions end the run with KVM_EXIT_INTERNAL_ERROR
# (KVM_INTERNAL_ERROR_EMULATION): seen with the 6.1 framework's ucall()
# (pxor %xmm0,%xmm0 to clear its struct) and with GCC vectorising two
# adjacent "&= 0xffff" into movdqu + pand.  So host code in these programs
# uses integer arithmetic only (no float or double).
KVM_FW_CFLAGS := -std=gnu99 -O2 -g -Wall -Wstrict-prototypes -Wuninitialized \
	-DCONFIG_64BIT -U_FORTIFY_SOURCE -D_GNU_SOURCE= -fno-builtin-memcmp \
	-fno-builtin-memcpy -fno-builtin-memset -fno-builtin-strnlen \
	-fno-stack-protector -fno-PIE -fno-strict-aliasing -march=x86-64-v2 \
	-mgeneral-regs-only $(KVM_INCLUDES) -I$(KSRC)/tools/testing/selftests/rseq

KVM_PROG_CFLAGS := $(filter-out -std=gnu99,$(KVM_FW_CFLAGS)) -std=gnu11 \
	-Wextra -Wno-unused-parameter -Wno-sign-compare \
	-Wno-missing-field-initializers -I$(TOP)/include -I$(TOP)/lib/kvm
KVM_PROG_LDLIBS := -pthread -no-pie

# The framework's source list is read from the tree once it is prepared,
# hence a sub-make (it is incremental: a rebuild only when something moved).
$(KVM_FW_LIB): $(KSRC_STAMP) $(TOP)/lib/kvm/framework.mk FORCE
	$(Q)mkdir -p $(@D)
	$(Q)$(MAKE) --no-print-directory -f $(TOP)/lib/kvm/framework.mk \
		KVM_SELFTESTS=$(KVM_SELFTESTS) KVM_ARCH_DIR=$(KVM_ARCH_DIR) \
		KVM_FW_CFLAGS="$(KVM_FW_CFLAGS)" LIB=$@ CC="$(CC)" Q=$(Q) \
		FLAGS_FROM="$(TOP)/lib/kvm/build.mk $(TOP)/lib/kvm/framework.mk"

KVM_GLUE_SRCS := $(wildcard $(TOP)/lib/kvm/*.c)
KVM_GLUE_HDRS := $(wildcard $(TOP)/lib/kvm/*.h) $(wildcard $(TOP)/include/desctest/*.h) \
	$(TOP)/lib/kvm/build.mk
KVM_GLUE_OBJS := $(patsubst $(TOP)/lib/kvm/%.c,$(OUTPUT)/kvm-glue/%.o,$(KVM_GLUE_SRCS))

$(OUTPUT)/kvm-glue/%.o: $(TOP)/lib/kvm/%.c $(KVM_GLUE_HDRS) $(KSRC_STAMP)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(KVM_PROG_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(KVM_GLUE_LIB): $(KVM_GLUE_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

# The framework as Debian ships it (default tree only).  The tree under
# $(KSRC) is patched in place; the patch touches nothing but the KVM
# selftests' processor.h, whose pristine copy ksrc.sh keeps.  So a copy of
# tools/testing/selftests/kvm (hard links, the pristine processor.h put
# back as a file of its own; tools/lib linked, which its lib/rbtree.c
# includes by relative path) is the selftests directory of the pristine
# tree, and libkvm.a compiled from it with its own include directories
# first is the framework a user of Debian's source gets: vmx.c and every
# other caller of the helper as shipped.  The rest of the tree (tools/
# include, usr/include) is the same in both.
ifeq ($(KSRC_DEFAULT),1)
KVM_PRISTINE_TREE := $(KSRC_CACHE)/pristine-$(KVER)
KVM_PRISTINE_SELFTESTS := $(KVM_PRISTINE_TREE)/tools/testing/selftests/kvm
KVM_PRISTINE_STAMP := $(KVM_PRISTINE_TREE)/.desctest-copied
KVM_PRISTINE_INCLUDES := -I$(KVM_PRISTINE_SELFTESTS)/include \
	-I$(KVM_PRISTINE_SELFTESTS)/include/$(KVM_ARCH_DIR)
KVM_PRISTINE_FW_LIB := $(OUTPUT)/kvm-framework-pristine/libkvm.a
KVM_PRISTINE_CFLAGS := $(KVM_PRISTINE_INCLUDES)
KVM_PRISTINE_LIBS := $(KVM_GLUE_LIB) $(KVM_PRISTINE_FW_LIB)

$(KVM_PRISTINE_STAMP): $(KSRC_STAMP) $(KSRC_UNPATCHED_DIR)/processor.h
	$(Q)rm -rf $(KVM_PRISTINE_TREE) && mkdir -p $(dir $(KVM_PRISTINE_SELFTESTS))
	$(Q)cp -al $(KVM_SELFTESTS) $(KVM_PRISTINE_SELFTESTS)
	$(Q)ln -s $(KSRC)/tools/lib $(KVM_PRISTINE_TREE)/tools/lib
	$(Q)rm -f $(KVM_PRISTINE_SELFTESTS)/include/$(KVM_ARCH_DIR)/processor.h
	$(Q)cp $(KSRC_UNPATCHED_DIR)/processor.h $(KVM_PRISTINE_SELFTESTS)/include/$(KVM_ARCH_DIR)/
	$(Q)touch $@

$(KVM_PRISTINE_FW_LIB): $(KVM_PRISTINE_STAMP) $(TOP)/lib/kvm/framework.mk FORCE
	$(Q)mkdir -p $(@D)
	$(Q)$(MAKE) --no-print-directory -f $(TOP)/lib/kvm/framework.mk \
		KVM_SELFTESTS=$(KVM_PRISTINE_SELFTESTS) KVM_ARCH_DIR=$(KVM_ARCH_DIR) \
		KVM_FW_CFLAGS="$(KVM_PRISTINE_INCLUDES) $(KVM_FW_CFLAGS)" LIB=$@ \
		CC="$(CC)" Q=$(Q) \
		FLAGS_FROM="$(TOP)/lib/kvm/build.mk $(TOP)/lib/kvm/framework.mk"
endif

# $(eval $(call kvm_prog,NAME,SOURCE,EXTRA_CFLAGS[,LIBS])): $(OUTPUT)/kvm/NAME
# from SOURCE, linked with LIBS (default $(KVM_LIBS)); EXTRA_CFLAGS come
# first, so an -I there wins over the framework's include path.
define kvm_prog
$(OUTPUT)/kvm/$(1): $(2) $(or $(4),$(KVM_LIBS)) $(KVM_GLUE_HDRS) $(KSRC_STAMP)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $(3) $$(KVM_PROG_CFLAGS) $$(DEPFLAGS) $$< $(or $(4),$$(KVM_LIBS)) $$(KVM_PROG_LDLIBS) -o $$@
endef

$(OUTPUT)/kvm/%: $(TOP)/tests/kvm/%.c $(KVM_LIBS) $(KVM_GLUE_HDRS) $(KSRC_STAMP)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(KVM_PROG_CFLAGS) $(DEPFLAGS) $< $(KVM_LIBS) $(KVM_PROG_LDLIBS) -o $@

# kvm-flavour: the same rule as a command, for the guests' /init
# (tests/vm/mkinitramfs.sh copies it to /bin/kvm-flavour).
KVM_FLAVOUR_TOOL := $(OUTPUT)/kvm-glue/kvm-flavour
$(KVM_FLAVOUR_TOOL): $(TOP)/lib/kvm/kvm_flavour_main.c $(TOP)/lib/kvm/kvm_flavour.c \
		$(TOP)/lib/kvm/kvm_flavour.h
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_BASE) $(DEPFLAGS) -I$(TOP)/lib/kvm \
		$(TOP)/lib/kvm/kvm_flavour_main.c $(TOP)/lib/kvm/kvm_flavour.c -o $@
ALL_EXTRA += $(KVM_FLAVOUR_TOOL)

# Unit test of the rule deciding which KVM serves /dev/kvm (kvm_flavour.c
# alone, no framework), over the cases of kvm-flavour-cases.txt.
KVM_FLAVOUR_UNIT := $(OUTPUT)/kvm-glue/unit/kvm_flavour_test
$(OUTPUT)/kvm-glue/unit/kvm_flavour.o: $(TOP)/lib/kvm/kvm_flavour.c $(TOP)/lib/kvm/kvm_flavour.h
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_BASE) $(UBSAN) $(DEPFLAGS) -c $< -o $@
$(KVM_FLAVOUR_UNIT): $(TOP)/lib/kvm/kvm_flavour_test.cpp $(OUTPUT)/kvm-glue/unit/kvm_flavour.o \
		$(TOP)/lib/kvm/kvm_flavour.h $(TOP)/lib/kvm/kvm-flavour-cases.txt
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(UBSAN) $(DEPFLAGS) -I$(TOP)/lib/kvm \
		-DDT_FLAVOUR_CASES='"$(TOP)/lib/kvm/kvm-flavour-cases.txt"' $< \
		$(OUTPUT)/kvm-glue/unit/kvm_flavour.o $(GTEST_LIBS) -o $@
UNIT_TESTS += $(KVM_FLAVOUR_UNIT)

# kvm_idt_check: every vCPU of kvm:dt_regs reads back with SIDT the IDT
# the host chose for it (dt_pcpu_idt_base(): bits 31:24 >= 0x80 on five
# of the first eight), the exact lines, on this build and (default tree)
# on the 6.1 framework's build.
CHECK_TARGETS += kvm_idt_check
.PHONY: kvm_idt_check
#> kvm_idt_check    kvm:dt_regs reads back the per-vCPU IDT the host installed (6.12 and 6.1 builds)
kvm_idt_check: $(OUTPUT)/kvm/dt_regs
ifeq ($(KSRC_DEFAULT),1)
	$(Q)$(MAKE) --no-print-directory KVER=6.1 OUTPUT=$(KVM_61_OUTPUT) $(KVM_61_OUTPUT)/kvm/dt_regs
	$(Q)$(TOP)/lib/kvm/idt_check.sh $(OUTPUT)/kvm/dt_regs $(KVM_61_OUTPUT)/kvm/dt_regs
else
	$(Q)$(TOP)/lib/kvm/idt_check.sh $(OUTPUT)/kvm/dt_regs
endif

# seen_wanted_check: the KVM, oracle and host programs print every
# seen-vs-wanted line through include/desctest/ktap.h's one format: no
# string literal of their own holds "seen"/"wanted" before a printf
# conversion, or a MISMATCH mark.
SEEN_WANTED_FILES = $(TOP)/tests/kvm/dt_regs.c $(TOP)/tests/kvm/migrate.c \
	$(TOP)/tests/kvm/tss_decode.c $(TOP)/tests/kvm/vmx_host_tr.c $(wildcard $(TOP)/tests/kvm_oracle/*.c) \
	$(wildcard $(TOP)/tests/host/*.c $(TOP)/tests/host/*.h)
CHECK_TARGETS += seen_wanted_check
.PHONY: seen_wanted_check
#> seen_wanted_check no hand-written seen/wanted printer in the KVM, oracle and host programs
seen_wanted_check:
	$(Q)$(TOP)/lib/kvm/seen_wanted_check.sh $(SEEN_WANTED_FILES)

# SPDX-License-Identifier: GPL-2.0-only
#
# Builds the KVM selftests framework library (libkvm.a) out of a kernel
# tree, with the flags the tree's own selftests Makefile uses.  Run by
# lib/kvm/build.mk as a sub-make once the tree is prepared, so that the
# source list is read from the tree that is really there:
#
#   make -f lib/kvm/framework.mk KVM_SELFTESTS=... KVM_ARCH_DIR=... \
#        KVM_INCLUDES="..." KVM_FW_CFLAGS="..." LIB=.../libkvm.a
#
# The list is every "LIBKVM += ", "LIBKVM_STRING += " and
# "LIBKVM_<arch dir> += " line of the tree's Makefile (and Makefile.kvm,
# where the list moved in 6.14), so 6.1, 6.12 and later trees all work.

SHELL := /bin/bash
.DEFAULT_GOAL := all
.PHONY: all
OBJDIR := $(dir $(LIB))obj

LISTS := $(wildcard $(KVM_SELFTESTS)/Makefile $(KVM_SELFTESTS)/Makefile.kvm)
SRCS := $(sort $(shell sed -n -E \
	's/^LIBKVM(_STRING|_$(KVM_ARCH_DIR))?[[:space:]]*\+=[[:space:]]*([^[:space:]]+).*/\2/p' \
	$(LISTS)))
SRCS := $(filter-out $$%,$(SRCS))
ifeq ($(strip $(SRCS)),)
$(error no LIBKVM sources listed in $(LISTS); is KSRC a kernel tree with tools/testing/selftests/kvm?)
endif
STRING_SRCS := $(filter %string_override.c,$(SRCS))
OBJS := $(patsubst %,$(OBJDIR)/%.o,$(basename $(SRCS)))

# Same as the tree's Makefile: the framework's guest code must not call
# libc's ifunc-resolved string functions, hence -fno-builtin-*.
CFLAGS := $(KVM_FW_CFLAGS) -MD -MP

all: $(LIB)
	@:

# The archive holds exactly the objects of this list: it is made anew (rm,
# then ar) whenever an object or the list itself changed, so a source the
# tree stopped listing (another commit, another tree in the same OUTPUT)
# does not stay in it.  $(SRCS_STAMP) is rewritten only when the list
# differs from the one it holds.
SRCS_STAMP := $(LIB).sources
$(SRCS_STAMP): FORCE
	@mkdir -p $(@D) && printf '%s\n' $(SRCS) >$@.tmp && \
		{ cmp -s $@.tmp $@ && rm -f $@.tmp || mv -f $@.tmp $@; }
FORCE:

$(LIB): $(OBJS) $(SRCS_STAMP)
	@rm -f $@ && $(AR) rcs $@ $(OBJS)

$(OBJDIR)/%.o: $(KVM_SELFTESTS)/%.c
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      kvm-framework/$*.c";)$(CC) $(CFLAGS) \
		$(if $(filter $<,$(addprefix $(KVM_SELFTESTS)/,$(STRING_SRCS))),-ffreestanding) \
		-I$(<D) -c $< -o $@

$(OBJDIR)/%.o: $(KVM_SELFTESTS)/%.S
	@mkdir -p $(@D)
	$(if $(Q),@echo "  AS      kvm-framework/$*.S";)$(CC) $(CFLAGS) -I$(<D) -c $< -o $@

# New flags (FLAGS_FROM: the files that set them) rebuild everything.
$(OBJS): $(FLAGS_FROM)

-include $(OBJS:.o=.d)

# SPDX-License-Identifier: GPL-2.0-only
# tests/upstream: the kernel tree's own x86 selftests beside desctest's.
#
#   make UPSTREAM=x86 ...    (all, run_tests, check, vm_tests) also builds
#                            the programs tests/upstream/x86-programs names
#                            from $(KSRC)/tools/testing/selftests/x86 with
#                            upstream's Makefile into $(OUTPUT)/x86 (64-bit,
#                            and 32-bit where gcc -m32 links) and lists them
#                            in kselftest-list.txt as collection x86, judged
#                            by their exit code (README.md)
#   make upstream_agree      upstream's 48 x86 programs under
#                            run_kselftest.sh and under desctest, here and
#                            in Debian's 6.12 booted under QEMU: the same
#                            verdicts (make check)

UPSTREAM ?=
ifneq ($(filter-out x86,$(UPSTREAM)),)
$(error UPSTREAM=$(UPSTREAM): unknown suite; the one desctest runs is UPSTREAM=x86)
endif
UPSTREAM_X86_SRC := $(KSRC)/tools/testing/selftests/x86
UPSTREAM_AGREE ?= $(OUTPUT)/upstream-agree
DEPS_PKGS += gcc-multilib qemu-system-x86 busybox-static cpio

ifneq ($(filter x86,$(UPSTREAM)),)
EXTRA_LISTS += $(OUTPUT)/x86/upstream-list.txt
endif

# Rebuilt when the tree's x86 selftests or the list change; upstream's
# make decides what to recompile.
$(OUTPUT)/x86/upstream-list.txt: $(KSRC_STAMP) $(TOP)/tests/upstream/x86-programs \
		$(TOP)/runner/desctest_runner/upstream.py \
		$(wildcard $(UPSTREAM_X86_SRC)/*.c $(UPSTREAM_X86_SRC)/*.h \
			$(UPSTREAM_X86_SRC)/*.S $(UPSTREAM_X86_SRC)/Makefile)
	$(Q)mkdir -p $(@D)
	$(Q)PYTHONPATH=$(TOP)/runner PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m \
		desctest_runner.upstream build x86 $(KSRC) $(OUTPUT) >$@.tmp && \
		mv -f $@.tmp $@ || { rm -f $@.tmp; exit 1; }

.PHONY: upstream_agree
CHECK_TARGETS += upstream_agree
#> upstream_agree   upstream's x86 selftests: run_kselftest.sh and desctest agree, here and in a guest
upstream_agree: deps $(KSRC_STAMP) $(KVM_FLAVOUR_TOOL)
	$(Q)rel=$$($(TOP)/tests/vm/fetch-kernel.sh 6.12 $(BUILD_ROOT)/vm/kernels) || exit 1; \
	root=$(BUILD_ROOT)/vm/kernels/$$rel/root; \
	VM_KVM_FLAVOUR=$(KVM_FLAVOUR_TOOL) $(PYTHON) $(TOP)/tests/upstream/agree.py --top $(TOP) --ksrc $(KSRC) \
		--work $(UPSTREAM_AGREE) --vm-kernel $$root/boot/vmlinuz-$$rel \
		--vm-modroot $$root

# SPDX-License-Identifier: GPL-2.0-only
#
# tests/vm: `make vm_tests` boots kernels under QEMU TCG with the suite
# inside and files the serial-console KTAP with the runner.
#
#   make vm_tests                  Debian's 6.12 and 6.1 kernels (VM_KVERS):
#                                  image, headers and kbuild fetched with
#                                  apt-get download into $(VM_CACHE), the
#                                  programs built with KVER=<series>
#   make vm_tests KERNEL=bzImage [MODULES=dir] [KDIR=build-tree]
#                                  your own kernel; MODULES is the
#                                  INSTALL_MOD_PATH of `make modules_install`
#                                  (kvm modules), KDIR the tree the
#                                  desctest_tss module is built against
#                                  (default: the tree KERNEL was built in)
#   VM_TIMEOUT=300 VM_SMP=4 VM_APPEND="..." VM_TIMEOUT_SCALE=3
#   VM_EXCLUDE="collection:test-glob ..."  programs left out of the guest;
#                                  default the user-space-only differential,
#                                  which tests no kernel and is slow in TCG
#   VM_ONLY="collection:test-glob ..."  when set, only the programs it matches
#                                  (both: a glob names a program by
#                                  collection:test or collection/test, as the
#                                  runner's --filter does; globs leaving no
#                                  program stop vm-run.sh before the boot)

VM_KVERS ?= 6.12 6.1
VM_CACHE ?= $(BUILD_ROOT)/vm
VM_DIR := $(TOP)/tests/vm
VM_EXCLUDE ?= differential:*
export VM_EXCLUDE VM_ONLY VM_TIMEOUT VM_SMP VM_APPEND VM_TIMEOUT_SCALE

DEPS_PKGS += qemu-system-x86 busybox-static cpio file xz-utils kmod

.PHONY: vm_tests vm_units

#> vm_units         pytest of the boot comparisons, tests/vm/test_*.py (make check)
vm_units:
	$(Q)PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m pytest -q -p no:cacheprovider \
		$(VM_DIR)

ifdef KERNEL
# Your kernel: programs from this build (KVER/KSRC as given).  The module
# is built against KDIR when set on the command line, else the build tree
# the image sits in (arch/x86/boot/bzImage -> ../../..), else
# MODULES/lib/modules/<release>/build.
VM_KERNEL := $(abspath $(KERNEL))
VM_KDIR := $(if $(filter command line,$(origin KDIR)),$(abspath $(KDIR)),$(firstword \
	$(foreach d,$(abspath $(dir $(VM_KERNEL))/../../..) \
		$(wildcard $(abspath $(MODULES))/lib/modules/*/build),\
		$(if $(wildcard $(d)/Module.symvers),$(d)))))
#> vm_tests         Debian kernels booted under QEMU with the suite inside
vm_tests: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(VM_DIR)/vm-run.sh --kernel $(VM_KERNEL) --output $(OUTPUT) \
		--work $(OUTPUT)/vm --label vm-custom \
		$(if $(MODULES),--modroot $(abspath $(MODULES))) \
		$(if $(VM_KDIR),--kdir $(VM_KDIR)) \
		--results $(RESULTS) --ksrc $(KSRC) --top $(TOP) --python $(PYTHON); \
	rc=$$?; obj=$(OUTPUT)/vm/module/tss_decode.o; \
	[ ! -f $$obj ] || $(MAKE) --no-print-directory module_object_test MODULE_OBJ=$$obj || rc=1; \
	exit $$rc
else
# Debian's kernels; each is booted with programs built for its series.
vm_tests: deps
	$(Q)rc=0; labels=; for s in $(VM_KVERS); do \
		rel=$$($(VM_DIR)/fetch-kernel.sh $$s $(VM_CACHE)/kernels) || exit 1; \
		labels="$$labels vm-$$rel"; \
		root=$(VM_CACHE)/kernels/$$rel/root; \
		if ! $(MAKE) --no-print-directory KVER=$$s OUTPUT=$(BUILD_ROOT)/out-$$s all; then \
			echo "vm_tests: the KVER=$$s build failed: $$rel not booted"; rc=1; continue; fi; \
		$(VM_DIR)/vm-run.sh --kernel $$root/boot/vmlinuz-$$rel \
			--output $(BUILD_ROOT)/out-$$s --work $(VM_CACHE)/run-$$rel \
			--label vm-$$rel --modroot $$root --release $$rel \
			--kdir $$root/usr/src/linux-headers-$$rel \
			--results $(RESULTS) \
			--ksrc $(if $(KSRC_DEFAULT),$(KSRC_CACHE)/linux-source-$$s,$(KSRC)) \
			--top $(TOP) --python $(PYTHON) || rc=1; \
		obj=$(VM_CACHE)/run-$$rel/module/tss_decode.o; \
		[ ! -f $$obj ] || $(MAKE) --no-print-directory KVER=$$s \
			OUTPUT=$(BUILD_ROOT)/out-$$s module_object_test MODULE_OBJ=$$obj || rc=1; \
	done; \
	if [ $$(echo $$labels | wc -w) -ge 2 ]; then \
		$(PYTHON) $(VM_DIR)/names_match.py --results $(RESULTS) $$labels || rc=1; \
	fi; exit $$rc
endif

# After the Debian kernels: the KVM, KVM oracle and module programs must
# have printed the same result names on each (tests/vm/names_match.py).
# make check boots both Debian kernels (about 25 s warm, 50 s cold here).
CHECK_TARGETS += vm_units vm_tests

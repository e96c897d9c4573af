# SPDX-License-Identifier: GPL-2.0-only
#
# tests/vm: `make vm_tests` boots kernels under QEMU TCG with the suite
# inside and files the serial-console KTAP with the runner.
#
#   make vm_tests                  Debian's 6.12 and 6.1 kernels (VM_KVERS):
#                                  image, headers and kbuild fetched with
#                                  apt-get download into $(VM_CACHE), the
#                                  programs built with KVER=<series>; the
#                                  first booted twice (VM_AGAIN); each
#                                  series' differential run on this machine
#                                  (label differential-<series>)
#   make vm_tests KERNEL=bzImage [MODULES=dir] [KDIR=build-tree]
#                                  your own kernel; MODULES is the
#                                  INSTALL_MOD_PATH of `make modules_install`
#                                  (kvm modules), KDIR the tree the
#                                  desctest_tss module is built against
#                                  (default: the tree KERNEL was built in)
#   VM_TIMEOUT=300 VM_SMP=4 VM_APPEND="..." VM_TIMEOUT_SCALE=3
#   VM_AGAIN=6.12                  the series booted twice (empty: none)
#   VM_EXCLUDE="collection:test-glob ..."  programs left out of the guest;
#                                  default the user-space-only differential,
#                                  which tests no kernel and is slow in TCG
#   VM_ONLY="collection:test-glob ..."  when set, only the programs it matches
#                                  (both: a glob names a program by
#                                  collection:test or collection/test, as the
#                                  runner's --filter does; globs leaving no
#                                  program stop vm-run.sh before the boot);
#                                  with VM_ONLY set no differential is run
#                                  on this machine

VM_KVERS ?= 6.12 6.1
VM_CACHE ?= $(BUILD_ROOT)/vm
VM_DIR := $(TOP)/tests/vm
VM_EXCLUDE ?= differential:*
# The series whose kernel vm_tests boots twice, to show that no result's
# name or outcome follows the boot (tests/vm/outcomes_match.py); empty:
# every kernel once.
VM_AGAIN ?= $(firstword $(VM_KVERS))
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
# Debian's kernels; each is booted with programs built for its series,
# VM_AGAIN twice (outcomes_match.py), and each series' differential, which
# the boots leave out, is run on this machine (unless VM_ONLY is set).
vm_tests: deps
	$(Q)rc=0; sides=; since=$$(date -u +%Y%m%dT%H%M%SZ); again=; \
	for s in $(VM_KVERS); do \
		rel=$$($(VM_DIR)/fetch-kernel.sh $$s $(VM_CACHE)/kernels) || exit 1; \
		side=vm-$$rel; \
		root=$(VM_CACHE)/kernels/$$rel/root; \
		if ! $(MAKE) --no-print-directory KVER=$$s OUTPUT=$(BUILD_ROOT)/out-$$s all; then \
			echo "vm_tests: the KVER=$$s build failed: $$rel not booted"; rc=1; continue; fi; \
		boots=1; [ "$$s" != "$(VM_AGAIN)" ] || { boots=2; again=vm-$$rel; }; \
		for b in $$(seq $$boots); do \
			$(VM_DIR)/vm-run.sh --kernel $$root/boot/vmlinuz-$$rel \
				--output $(BUILD_ROOT)/out-$$s --work $(VM_CACHE)/run-$$rel \
				--label vm-$$rel --modroot $$root --release $$rel \
				--kdir $$root/usr/src/linux-headers-$$rel \
				--results $(RESULTS) \
				--ksrc $(if $(KSRC_DEFAULT),$(KSRC_CACHE)/linux-source-$$s,$(KSRC)) \
				--top $(TOP) --python $(PYTHON) || rc=1; \
		done; \
		obj=$(VM_CACHE)/run-$$rel/module/tss_decode.o; \
		[ ! -f $$obj ] || $(MAKE) --no-print-directory KVER=$$s \
			OUTPUT=$(BUILD_ROOT)/out-$$s module_object_test MODULE_OBJ=$$obj || rc=1; \
		if [ -z "$(VM_ONLY)" ]; then \
			PYTHONPATH=$(TOP)/runner $(PYTHON) -m desctest_runner run \
				--output $(BUILD_ROOT)/out-$$s --settings $(TOP)/configs/settings \
				--results $(RESULTS) --filter 'differential:*' \
				--label differential-$$s \
				--ksrc $(if $(KSRC_DEFAULT),$(KSRC_CACHE)/linux-source-$$s,$(KSRC)) \
				|| rc=1; \
			side=$$side,differential-$$s; \
		fi; \
		sides="$$sides $$side"; \
	done; \
	if [ -n "$$again" ]; then \
		$(PYTHON) $(VM_DIR)/outcomes_match.py --results $(RESULTS) \
			--label $$again --since $$since || rc=1; \
	fi; \
	if [ $$(echo $$sides | wc -w) -ge 2 ]; then \
		$(PYTHON) $(VM_DIR)/names_match.py --results $(RESULTS) \
			$(addprefix --skipped-everywhere ,$(VM_NAMES_SKIPPED)) $$sides || rc=1; \
	fi; exit $$rc
endif

# Programs that no QEMU guest can run (module:gdtr_vmx_exit needs
# kvm_intel: make bochs_tests runs it), so names_match may find them
# skipped as a whole on both series; it names them and compares the rest.
VM_NAMES_SKIPPED ?= module:gdtr_vmx_exit

# After the Debian kernels: the two boots of VM_AGAIN's kernel must have
# given the same (name, outcome) pairs (tests/vm/outcomes_match.py), and
# every program must have printed the same result names on each series
# (tests/vm/names_match.py).
CHECK_TARGETS += vm_units vm_tests

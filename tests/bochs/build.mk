# SPDX-License-Identifier: GPL-2.0-only
#
# tests/bochs: `make bochs_tests` boots Debian's 6.12 cloud kernel under
# Bochs, an emulated Intel CPU with VMX, loads kvm_intel with nested=1 and
# runs the KVM programs against it -- kvm:vmx_host_tr (both builds) above
# all, which needs VMX; the machines of this project are AMD and QEMU's
# TCG has no VMX.  The console's KTAP is filed by the runner under
# results/ (label bochs-<release>), as make vm_tests files QEMU's.
#
#   make bochs_tests
#   BOCHS_TIMEOUT=900        wall-clock limit of the whole boot, seconds
#   BOCHS_ONLY="glob ..."    the programs it runs (default below)
#   BOCHS_PROG_ARGS="collection:test=ARGS;..."  their arguments
#   BOCHS_APPEND="..."       more kernel command line
#   BOCHS_CPUS=2             emulated CPUs
#
# Beyond the runner's verdict, expect.sh checks that kvm_intel ran with
# nested=1, that the BOCHS_EXPECT programs skipped nothing, that the
# desctest_tss module took its VMX VM exit allowance on at least one CPU
# while module:gdtr_vmx_exit's vCPUs ran and saw a GDTR limit of 0x7f on
# every CPU once they were gone, and that module:tss_module_test's results
# are exactly cpuN_gdtr and cpuN_tss_descriptor (tests/bochs/README.md).
#
# The programs are this build's ($(OUTPUT)); the cloud kernel's image,
# modules and headers are fetched with apt-get download once into
# $(BOCHS_CACHE) (tests/vm/fetch-kernel.sh 6.12-cloud); the desctest_tss
# module is built against those headers.

BOCHS_CACHE ?= $(BUILD_ROOT)/bochs
BOCHS_DIR := $(TOP)/tests/bochs
BOCHS_SERIES := 6.12-cloud
# Timer-bound programs do not belong here (the guest clock crawls), nor
# the differential (user space only, no kernel to test).
BOCHS_ONLY ?= kvm:vmx_host_tr kvm:vmx_host_tr_unpatched kvm:dt_regs \
	kvm:tss_decode kvm:tss_decode_unpatched kvm:ist kvm:migrate \
	kvm_oracle:sregs_oracle module:tss_module_test module:gdtr_vmx_exit
# The oracle's count scaled to the emulator: 1024 descriptors, 256 of each
# of its four kinds instead of 16384: for TR and LDTR its 51 edge values
# and 205 random ones, for FS and GS its 50 edge values and 206 random ones
# (tests/kvm_oracle/oracle_gen.c, NR_SYS_EDGES and NR_SEG_EDGES).
BOCHS_PROG_ARGS ?= kvm_oracle:sregs_oracle=-n 1024
# These must have run on kvm_intel without a single SKIP (expect.sh): the
# reason this target exists.  A SKIP is a pass to the runner.
BOCHS_EXPECT ?= kvm:vmx_host_tr $(if $(KSRC_DEFAULT),kvm:vmx_host_tr_unpatched) \
	kvm:dt_regs kvm:tss_decode kvm:ist kvm:migrate kvm_oracle:sregs_oracle \
	module:tss_module_test module:gdtr_vmx_exit
export BOCHS_TIMEOUT BOCHS_APPEND BOCHS_CPUS

DEPS_PKGS += bochs bochsbios vgabios syslinux syslinux-common mtools dosfstools

.PHONY: bochs_tests
#> bochs_tests      Debian 6.12 cloud kernel under Bochs (VMX), KVM programs inside
bochs_tests: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)rel=$$($(TOP)/tests/vm/fetch-kernel.sh $(BOCHS_SERIES) $(BOCHS_CACHE)/kernels) || exit 1; \
	root=$(BOCHS_CACHE)/kernels/$$rel/root; \
	VM_ONLY="$(BOCHS_ONLY)" VM_EXCLUDE= VM_PROG_ARGS="$(BOCHS_PROG_ARGS)" \
	VM_KVM_MODULE=kvm_intel VM_KVM_PARAMS=nested=1 VM_STRIP_MODSIG=1 \
	$(TOP)/tests/vm/vm-run.sh --kernel $$root/boot/vmlinuz-$$rel \
		--output $(OUTPUT) --work $(BOCHS_CACHE)/run-$$rel \
		--label bochs-$$rel --modroot $$root --release $$rel \
		--kdir $$root/usr/src/linux-headers-$$rel \
		--results $(RESULTS) --ksrc $(KSRC) \
		--top $(TOP) --python $(PYTHON) \
		--boot $(BOCHS_DIR)/boot.sh --emulator "Bochs (Intel CPU with VMX)"; \
	rc=$$?; \
	$(BOCHS_DIR)/expect.sh $(BOCHS_CACHE)/run-$$rel/console.txt $(BOCHS_EXPECT) || rc=1; \
	exit $$rc

# expect.sh's requirements on consoles shaped as a boot prints them
# (tests/bochs/test_expect.py), before the boot itself.
.PHONY: bochs_units
CHECK_TARGETS += bochs_units
#> bochs_units      expect.sh's requirements on sample consoles (make check)
bochs_units:
	$(Q)PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m pytest -q -p no:cacheprovider \
		$(BOCHS_DIR)/test_expect.py

# make check runs it (about 2.5 min here warm, see the README).
CHECK_TARGETS += bochs_tests

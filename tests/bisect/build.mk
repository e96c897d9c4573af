# SPDX-License-Identifier: GPL-2.0-only
#
# tests/bisect: runner/bisect-run.sh under a real `git bisect run`, end to
# end, on generated histories over Debian's linux-source-6.12 (a git
# repository made once under $(BISECT_E2E)).
#
#   make bisect_units    fast tests (pytest, tests/bisect/test_*.py):
#                        bisect-run.sh on a fake kernel repository with
#                        stand-ins for make, QEMU, Bochs, build-kernel.sh
#                        (tests/bisect/stubs); the console framing, the
#                        boot scripts' signals, --filter's one rule, the
#                        framework archive's source list
#   make bisect_tree     tree mode: the commit that brings base2 << 24 back
#   make bisect_kernel   kernel mode: the commit that breaks the UMIP spoof
#                        (builds and boots a kernel at every step)

BISECT_E2E ?= $(BUILD_ROOT)/bisect/e2e
# git for the histories; the kernel build's own tools for kernel mode.
DEPS_PKGS += git flex bison bc libelf-dev libssl-dev ccache

.PHONY: bisect_units bisect_tree bisect_kernel
CHECK_TARGETS += bisect_units bisect_tree bisect_kernel
#> bisect_units     fast tests of bisect-run.sh and the VM boot scripts (make check)
bisect_units:
	$(Q)PYTHONDONTWRITEBYTECODE=1 $(PYTHON) -m pytest -q -p no:cacheprovider \
		$(TOP)/tests/bisect

#> bisect_tree      git bisect run end to end, tree mode (make check)
bisect_tree: deps
	$(Q)mkdir -p $(BISECT_E2E)
	$(Q)$(TOP)/tests/bisect/tree-e2e.sh $(TOP) $(BISECT_E2E)

#> bisect_kernel    git bisect run end to end, kernel mode (make check)
bisect_kernel: deps
	$(Q)mkdir -p $(BISECT_E2E)
	$(Q)$(TOP)/tests/bisect/kernel-e2e.sh $(TOP) $(BISECT_E2E)

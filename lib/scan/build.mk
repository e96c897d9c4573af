# SPDX-License-Identifier: GPL-2.0-only
#
# desc_scan: the static checker for the promotion sign-extension class
# (lib/scan/desc_scan.cpp, on clang's AST through LibTooling).
# ./desctest scan runs it; make scan is the same.
#
#   make scan SCAN="PATH ..."   scan files or trees; findings as
#                               file:line:col: warning: ...
#   SCAN_ARGS="--format json"   more options of ./desctest scan

LLVM_DIR ?= /usr/lib/llvm-14
SCAN_BIN := $(OUTPUT)/scan/desc_scan
# LLVM's headers are not ours to keep warning free; libclang-cpp is built
# without RTTI, so are the classes that derive from it here.
SCAN_CXXFLAGS := $(CXXFLAGS_BASE) -isystem $(LLVM_DIR)/include -fno-rtti \
	-D__STDC_CONSTANT_MACROS -D__STDC_LIMIT_MACROS
SCAN_LIBS := -L$(LLVM_DIR)/lib -Wl,-rpath,$(LLVM_DIR)/lib -lclang-cpp -lLLVM
DEPS_PKGS += clang-14 libclang-14-dev libclang-cpp14-dev llvm-14-dev

$(OUTPUT)/scan/desc_scan.o: $(TOP)/lib/scan/desc_scan.cpp
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(SCAN_CXXFLAGS) $(DEPFLAGS) -c $< -o $@

$(SCAN_BIN): $(OUTPUT)/scan/desc_scan.o
	$(Q)$(CXX) -o $@ $^ $(SCAN_LIBS)

.PHONY: scan scan_bin
#> scan_bin         build the checker ./desctest scan runs
scan_bin: $(SCAN_BIN)

#> scan             the promotion sign-extension checker on SCAN="PATH ..."
scan: $(SCAN_BIN)
	$(Q)test -n "$(SCAN)" || { echo "desctest: make scan needs SCAN=PATH (a file or a tree)" >&2; exit 2; }
	$(Q)$(TOP)/desctest scan --scanner $(SCAN_BIN) $(SCAN_ARGS) $(SCAN)

# desc_sweep's engine: the driver (lib/scan/sweep.cpp) with the
# differential's classifier and libdesc.  ./desctest sweep compiles
# lib/scan/sweep_unit.c around the user's decoder with each compiler and
# links it with these.
SWEEP_ENGINE := $(OUTPUT)/scan/libsweep.a
$(OUTPUT)/scan/sweep.o: $(TOP)/lib/scan/sweep.cpp $(wildcard $(TOP)/tests/differential/*.h*) $(LIBDESC_HDRS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(DEPFLAGS) -I$(TOP)/tests/differential -c $< -o $@

$(SWEEP_ENGINE): $(OUTPUT)/scan/sweep.o $(OUTPUT)/differential/classify.o
	$(Q)rm -f $@ && $(AR) rcs $@ $^

scan_bin: $(SWEEP_ENGINE) $(LIBDESC)

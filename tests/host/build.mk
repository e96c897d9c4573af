# SPDX-License-Identifier: GPL-2.0-only
# Host-side descriptor programs: UMIP, the per-CPU GDT entry, the LDT.
# C on the kernel tree's kselftest_harness.h, through the compatibility
# header include/desctest/harness.h; KTAP on stdout.

HOST_SRC := $(TOP)/tests/host
HOST_HDRS := $(HOST_SRC)/host.h $(HOST_SRC)/umip_table.h \
	$(wildcard $(TOP)/include/desctest/*.h)
UMIP_TABLE := $(TOP)/configs/umip-expect.tsv
# The harness is the tree's: its own warnings are not ours to fix.
HOST_CFLAGS := $(CFLAGS_BASE) -isystem $(KSRC)/tools/testing/selftests \
	-I$(HOST_SRC) -DUMIP_TABLE_SRC='"$(UMIP_TABLE)"'

HOST_PROGS := umip percpu_gdt ldt_segments
TEST_PROGS += $(foreach p,$(HOST_PROGS),host:$(p))

# The 32-bit compat build of umip, where a -m32 static link works
# (Debian: gcc-multilib).  Static, so that it runs in guests without
# 32-bit libraries.
HOST_M32 := $(shell printf 'int main(void){return 0;}\n' | \
	$(CC) -m32 -static -x c - -o /dev/null 2>/dev/null && echo y)
ifeq ($(HOST_M32),y)
TEST_PROGS += host:umip_32
# host/umip_32 is tests/host/exec32.c: it runs the 32-bit build,
# host/umip_32.i386, or, on a kernel without IA-32 emulation, reports a
# kselftest SKIP (exit 4) instead of the shell's "Exec format error".
INSTALL_PROGS += host/umip_32.i386
endif
DEPS_PKGS += gcc-multilib
# Data files to install beside the programs (path under OUTPUT); umip
# falls back to its built-in copy of the table where this is not honoured.
INSTALL_DATA += host/umip-expect.tsv

$(OUTPUT)/host/%: $(HOST_SRC)/%.c $(HOST_HDRS) $(KSRC_STAMP)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(DEPFLAGS) $< -o $@

# umip embeds the table (.incbin) and also finds a copy beside itself.
$(OUTPUT)/host/umip: $(UMIP_TABLE) $(OUTPUT)/host/umip-expect.tsv
$(OUTPUT)/host/umip_32.i386: $(HOST_SRC)/umip.c $(HOST_HDRS) $(KSRC_STAMP) \
		$(UMIP_TABLE) $(OUTPUT)/host/umip-expect.tsv
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -m32 -static $(HOST_CFLAGS) $(DEPFLAGS) $< -o $@

# The stand-in, static as the program it runs.
$(OUTPUT)/host/umip_32: $(HOST_SRC)/exec32.c $(OUTPUT)/host/umip_32.i386
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static $(CFLAGS_BASE) $(DEPFLAGS) $< -o $@

$(OUTPUT)/host/umip-expect.tsv: $(UMIP_TABLE)
	$(Q)mkdir -p $(@D)
	$(Q)cp -f $< $@

# pin_check: umip's sgdt_per_cpu and percpu_gdt's per-CPU setup follow
# one pinning rule (dt_pin_outcome(), include/desctest/affinity.h): with
# getcpu made to report CPU 0 on CPU 1 (fake_getcpu.so, an LD_PRELOAD
# shim), both must fail with the seen-vs-wanted line of the CPU.
HOST_FAKE_GETCPU := $(OUTPUT)/host-check/fake_getcpu.so
$(HOST_FAKE_GETCPU): $(HOST_SRC)/fake_getcpu.c
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS_BASE) -shared -fPIC $(DEPFLAGS) $< -o $@ -ldl

CHECK_TARGETS += pin_check
.PHONY: pin_check
#> pin_check        umip and percpu_gdt fail alike on a pin the kernel does not confirm
pin_check: $(OUTPUT)/host/umip $(OUTPUT)/host/percpu_gdt $(HOST_FAKE_GETCPU)
	$(Q)$(HOST_SRC)/pin_check.sh $(OUTPUT) $(HOST_FAKE_GETCPU)

# SPDX-License-Identifier: GPL-2.0-only
# KVM guest programs (rules in lib/kvm/build.mk).

TEST_PROGS += kvm:kvm/dt_regs

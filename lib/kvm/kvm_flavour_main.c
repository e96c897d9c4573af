// SPDX-License-Identifier: GPL-2.0-only
/*
 * kvm-flavour: print which KVM serves /dev/kvm, by the one rule of
 * kvm_flavour.c ("kvm_intel", "kvm_amd", "kvm_pvm", or a phrase when no
 * single one does).  The guests' /init (tests/vm/init.sh) reports it as
 * "DESCTEST-INFO kvm=...", the runner's machine record of a guest run, so
 * the record and the programs' SKIP decisions follow the same rule.
 */
#include <stdio.h>

#include "kvm_flavour.h"

int main(void)
{
	return puts(dt_kvm_flavour_name(dt_kvm_flavour())) < 0;
}

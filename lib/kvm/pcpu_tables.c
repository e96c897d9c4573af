// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-vCPU GDT, 64-bit TSS and LDT at chosen guest virtual addresses, in
 * a memslot of their own, loaded by the guest; see pcpu_tables.h.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "desctest/desc.h"
#include "kvm_env.h"
#include "pcpu_tables.h"

struct dt_pcpu_guest_sel dt_pcpu_guest_sel[DT_MAX_VCPUS];

unsigned int dt_pcpu_nr_vcpus(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	/* At least the eight fixed bases, so every edge case is on a vCPU. */
	unsigned int n = online > 8 ? (unsigned int)online : 8;
	const char *more = getenv("DESCTEST_KVM_VCPUS");
	int kvm_max;

	/* KVM_CAP_MAX_VCPUS needs /dev/kvm: without it, our SKIP rather than
	 * the framework's. */
	dt_kvm_require();
	kvm_max = kvm_check_cap(KVM_CAP_MAX_VCPUS);

	/* More (never fewer) on request: covers the generated bases too. */
	if (more && strtoul(more, NULL, 0) > n)
		n = (unsigned int)strtoul(more, NULL, 0);
	if (n > DT_MAX_VCPUS)
		n = DT_MAX_VCPUS;
	if (kvm_max > 0 && n > (unsigned int)kvm_max)
		n = (unsigned int)kvm_max;
	return n;
}

/*
 * The first eight cover every case the suite is about; all are canonical
 * (bits 63:47 equal) and page aligned.  base2 = bits 31:24, base3 = 63:32.
 */
static const uint64_t fixed_tss_bases[] = {
	0xfffffe7cf8d65000ull, /* base2 0xf8, kernel base3: the seed value */
	0x0000000012345000ull, /* base2 0x12, base3 0 */
	0x00000000a0b1c000ull, /* base2 0xa0, base3 0: bug gives 0xffffffff... */
	0xffffc9007f6e5000ull, /* base2 0x7f (last good), kernel base3 */
	0x00007f1280a01000ull, /* base2 0x80 (first bad), user-style base3 */
	0xffff88817e002000ull, /* base2 0x7e, direct-map-style base3 */
	0xffffffff81c03000ull, /* base2 0x81, base3 all ones */
	0x00000000ff7c4000ull, /* base2 0xff, base3 0 */
};
#define NR_FIXED (sizeof(fixed_tss_bases) / sizeof(fixed_tss_bases[0]))

uint64_t dt_pcpu_tss_base(unsigned int i)
{
	uint64_t base2, base3;

	if (i < NR_FIXED)
		return fixed_tss_bases[i];
	/* More vCPUs on larger hosts: walk base2 through all its values,
	 * alternate kernel-half and user-half base3; bits 23:12 hold
	 * 0x100 + i (i < 512), so no two vCPUs (and none of the fixed list)
	 * collide. */
	base2 = (i * 37u + 0x11u) & 0xff;
	if (i & 1)
		base3 = 0xffff8000u | ((i * 0x1f3u) & 0x7fff);
	else if (i & 2)
		base3 = (i << 4) & 0x7fff;
	else
		base3 = 0;
	if (base3 == 0 && base2 < 0x10)
		base2 += 0x10; /* keep clear of the framework's low mappings */
	return base3 << 32 | base2 << 24 | (uint64_t)(0x100 + i) << 12;
}

/* The GDT sits beside the TSS: bit 38 flipped keeps the address canonical
 * (bits 63:47 unchanged) and distinct from every TSS base. */
uint64_t dt_pcpu_gdt_base(unsigned int i)
{
	return dt_pcpu_tss_base(i) ^ (1ull << 38);
}

/* The IDT: the page after the GDT (same bits 31:24 as the TSS base, so
 * 0x80 or more on vCPUs 0, 2, 4, 6 and 7). */
uint64_t dt_pcpu_idt_base(unsigned int i)
{
	return dt_pcpu_gdt_base(i) + DT_PCPU_PAGE;
}

/* ---- the tables' memslot ------------------------------------------------ */

#define DT_PTE_PRESENT 0x1ull
#define DT_PTE_WRITABLE 0x2ull
#define DT_PTE_LARGE 0x80ull
#define DT_PTE_ADDR 0x000ffffffffff000ull

/* One zeroed page of the tables' memslot: guest physical address. */
static vm_paddr_t slot_page(struct kvm_vm *vm)
{
	vm_paddr_t gpa = vm_phy_page_alloc(vm, DT_PCPU_GPA, DT_PCPU_MEMSLOT);

	memset(addr_gpa2hva(vm, gpa), 0, (size_t)vm->page_size);
	return gpa;
}

/*
 * Map gva to gpa with 4-level paging (the framework's x86-64 mode),
 * taking every missing page-table page from the tables' memslot, not
 * from memslot 0 as the framework's virt_map() would.
 */
static void map_in_slot(struct kvm_vm *vm, uint64_t gva, vm_paddr_t gpa)
{
	uint64_t table = vm->pgd;
	int level;

	TEST_ASSERT(vm->pgd_created, "the VM has no page tables yet; create its "
		    "vCPUs (dt_vm_create()) before dt_pcpu_install()");
	TEST_ASSERT(!sparsebit_is_set(vm->vpages_mapped, gva >> vm->page_shift),
		    "guest virtual address %#lx is already mapped; pick another "
		    "base in lib/kvm/pcpu_tables.c", (unsigned long)gva);
	for (level = 3; level > 0; level--) {
		uint64_t *e = (uint64_t *)addr_gpa2hva(vm, table) +
			      ((gva >> (12 + 9 * level)) & 0x1ff);

		if (!(*e & DT_PTE_PRESENT))
			*e = slot_page(vm) | DT_PTE_PRESENT | DT_PTE_WRITABLE;
		TEST_ASSERT(!(*e & DT_PTE_LARGE), "guest virtual address %#lx lies "
			    "in a large page of the framework", (unsigned long)gva);
		table = *e & DT_PTE_ADDR;
	}
	((uint64_t *)addr_gpa2hva(vm, table))[(gva >> 12) & 0x1ff] =
		gpa | DT_PTE_PRESENT | DT_PTE_WRITABLE;
	sparsebit_set(vm->vpages_mapped, gva >> vm->page_shift);
}

/* One fresh page of the tables' memslot mapped at gva; the host view. */
static void *map_page_at(struct kvm_vm *vm, uint64_t gva)
{
	vm_paddr_t gpa = slot_page(vm);

	map_in_slot(vm, gva, gpa);
	return addr_gpa2hva(vm, gpa);
}

static struct dt_seg code64_desc(void)
{
	struct dt_seg d = { { 0 } };

	dt_seg_set_type(&d, DT_TYPE_CODE | DT_TYPE_CODE_READ | DT_TYPE_ACCESSED);
	dt_seg_set_s(&d, 1);
	dt_seg_set_p(&d, 1);
	dt_seg_set_l(&d, 1);
	dt_seg_set_g(&d, 1);
	dt_seg_set_limit_raw(&d, 0xfffff);
	return d;
}

static struct dt_seg data_desc(void)
{
	struct dt_seg d = { { 0 } };

	dt_seg_set_type(&d, DT_TYPE_DATA_WRITE | DT_TYPE_ACCESSED);
	dt_seg_set_s(&d, 1);
	dt_seg_set_p(&d, 1);
	dt_seg_set_g(&d, 1);
	dt_seg_set_limit_raw(&d, 0xfffff);
	return d;
}

/* A present 16-byte system descriptor. */
static struct dt_sys sys_desc(uint64_t type, uint64_t base, uint32_t limit)
{
	struct dt_sys d = { { 0, 0 } };

	dt_sys_set_base(&d, base);
	dt_sys_set_limit_raw(&d, limit);
	dt_sys_set_type(&d, type);
	dt_sys_set_p(&d, 1);
	return d;
}

/* The hidden part of TR as KVM_SET_SREGS takes it: a busy 64-bit TSS,
 * the only TR a 64-bit guest may be entered with. */
static struct kvm_segment busy_tr(uint16_t sel, uint64_t base, uint32_t limit)
{
	struct kvm_segment seg;

	memset(&seg, 0, sizeof(seg));
	seg.base = base;
	seg.limit = limit;
	seg.selector = sel;
	seg.type = DT_SYS_TSS64_BUSY;
	seg.present = 1;
	return seg;
}

/* A null LDTR: selector 0, unusable (not present). */
static struct kvm_segment null_ldtr(void)
{
	struct kvm_segment seg;

	memset(&seg, 0, sizeof(seg));
	seg.unusable = 1;
	return seg;
}

void dt_pcpu_install(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
		     unsigned int i, struct dt_vcpu_tables *t)
{
	struct dt_seg code = code64_desc(), data = data_desc();
	struct dt_pcpu_guest_sel *gsel;
	struct dt_tss64 *decoy;
	struct kvm_sregs sregs;
	struct dt_sys tss, ldt;
	uint64_t *ldt_words, page = (uint64_t)vm->page_size;
	void *idt;

	TEST_ASSERT(i < DT_MAX_VCPUS, "vCPU index %u, at most %u", i, DT_MAX_VCPUS - 1);
	memset(t, 0, sizeof(*t));
	t->vcpu_id = i;
	t->gdt_base = dt_pcpu_gdt_base(i);
	t->gdt_limit = DT_GDT_LIMIT;
	t->tss_base = dt_pcpu_tss_base(i);
	t->tss_limit = DT_TSS_LIMIT;
	t->tr_sel = (uint16_t)(0x18 + 0x10 * (i % 4));
	t->ldt_sel = DT_LDT_SEL;
	t->ldt_base = t->tss_base + DT_LDT_OFFSET;
	t->ldt_limit = DT_LDT_LIMIT;
	/* The pages after the TSS: IST1 stack, decoy TSS, decoy stack. */
	t->ist_top = t->tss_base + 2 * page;
	t->decoy_tss_base = t->tss_base + 2 * page;
	t->decoy_ist_top = t->tss_base + 4 * page;

	t->idt_base = dt_pcpu_idt_base(i);
	t->idt_limit = DT_IDT_LIMIT;

	t->gdt = map_page_at(vm, t->gdt_base);
	idt = map_page_at(vm, t->idt_base);
	t->tss = map_page_at(vm, t->tss_base);
	map_page_at(vm, t->tss_base + page);
	decoy = map_page_at(vm, t->decoy_tss_base);
	map_page_at(vm, t->decoy_tss_base + page);

	t->tss->ist1 = t->ist_top;
	/* I/O map base past the limit: no I/O permission bitmap. */
	t->tss->iomap_base = sizeof(struct dt_tss64);
	/* The decoy differs where it matters: its own IST1 stack. */
	decoy->ist1 = t->decoy_ist_top;
	decoy->iomap_base = sizeof(struct dt_tss64);

	ldt_words = (uint64_t *)((char *)t->tss + DT_LDT_OFFSET);
	ldt_words[0] = data.w[0];
	ldt_words[1] = data.w[0];

	t->gdt[DT_KERNEL_CS >> 3] = code.w[0];
	t->gdt[DT_KERNEL_DS >> 3] = data.w[0];
	/* Available: the guest's ltr marks it busy. */
	tss = sys_desc(DT_SYS_TSS64_AVAIL, t->tss_base, t->tss_limit);
	t->gdt[t->tr_sel >> 3] = tss.w[0];
	t->gdt[(t->tr_sel >> 3) + 1] = tss.w[1];
	ldt = sys_desc(DT_SYS_LDT, t->ldt_base, t->ldt_limit);
	t->gdt[t->ldt_sel >> 3] = ldt.w[0];
	t->gdt[(t->ldt_sel >> 3) + 1] = ldt.w[1];

	gsel = addr_gva2hva(vm, (vm_vaddr_t)&dt_pcpu_guest_sel[i]);
	gsel->tr = t->tr_sel;
	gsel->ldt = t->ldt_sel;

	vcpu_sregs_get(vcpu, &sregs);
	/* The framework's gates (6.10+: its exception handlers, selector
	 * DT_KERNEL_CS, no IST) keep working from the new page; 6.1 installs
	 * none, and the page stays empty. */
	if (sregs.idt.base && sparsebit_is_set(vm->vpages_mapped,
					       sregs.idt.base >> vm->page_shift))
		memcpy(idt, addr_gva2hva(vm, sregs.idt.base),
		       sregs.idt.limit < DT_IDT_LIMIT ? sregs.idt.limit + 1u
						      : DT_IDT_LIMIT + 1u);
	TEST_ASSERT(sregs.cs.selector == DT_KERNEL_CS && sregs.ds.selector == DT_KERNEL_DS,
		    "framework loaded CS %#x DS %#x, wanted %#x %#x; the per-vCPU GDT "
		    "must be taught the new selectors", sregs.cs.selector,
		    sregs.ds.selector, DT_KERNEL_CS, DT_KERNEL_DS);
	sregs.gdt.base = t->gdt_base;
	sregs.gdt.limit = t->gdt_limit;
	sregs.tr = busy_tr(DT_DECOY_TR_SEL, t->decoy_tss_base, DT_TSS_LIMIT);
	sregs.ldt = null_ldtr();
	sregs.idt.base = t->idt_base;
	sregs.idt.limit = t->idt_limit;
	vcpu_sregs_set(vcpu, &sregs);
}

struct kvm_vm *dt_pcpu_vm_create(unsigned int n, void *guest_code,
				 struct kvm_vcpu *vcpus[],
				 struct dt_vcpu_tables t[])
{
	struct kvm_vm *vm = dt_vm_create(n, guest_code, vcpus,
					 (uint64_t)n * DT_PCPU_PAGES_PER_VCPU);
	unsigned int i;

	for (i = 0; i < n; i++) {
		dt_pcpu_install(vm, vcpus[i], i, &t[i]);
		vcpu_args_set(vcpus[i], 1, (uint64_t)i);
	}
	return vm;
}

int dt_pcpu_check_tr(const struct dt_vcpu_tables *t, const struct kvm_sregs *s)
{
	const struct dt_sys d = dt_sys_at(t->gdt, t->tr_sel);
	unsigned int i = t->vcpu_id;
	int ok;

	ok = dt_vcpu_expect_eq(i, "TR.selector (KVM_GET_SREGS)", s->tr.selector, t->tr_sel);
	ok &= dt_vcpu_expect_eq(i, "TR.base (KVM_GET_SREGS, the CPU's decode)",
				s->tr.base, t->tss_base);
	ok &= dt_vcpu_expect_eq(i, "TR.limit (KVM_GET_SREGS)", s->tr.limit, t->tss_limit);
	ok &= dt_vcpu_expect_eq(i, "TR.type (KVM_GET_SREGS)", s->tr.type, DT_SYS_TSS64_BUSY);
	ok &= dt_vcpu_expect_eq(i, "TSS descriptor type in the GDT (ltr marks it busy)",
				dt_sys_type(&d), DT_SYS_TSS64_BUSY);
	if (s->tr.base == t->decoy_tss_base)
		ksft_print_msg("vcpu%u: TR still holds the decoy TSS %#llx the host "
			       "installed: the guest's ltr did not take effect\n", i,
			       (unsigned long long)t->decoy_tss_base);
	return ok;
}

int dt_pcpu_check_ldtr(const struct dt_vcpu_tables *t, const struct kvm_sregs *s)
{
	unsigned int i = t->vcpu_id;
	int ok;

	ok = dt_vcpu_expect_eq(i, "LDTR.selector (KVM_GET_SREGS)", s->ldt.selector,
			       t->ldt_sel);
	ok &= dt_vcpu_expect_eq(i, "LDTR.base (KVM_GET_SREGS, the CPU's decode)",
				s->ldt.base, t->ldt_base);
	ok &= dt_vcpu_expect_eq(i, "LDTR.limit (KVM_GET_SREGS)", s->ldt.limit, t->ldt_limit);
	ok &= dt_vcpu_expect_eq(i, "LDTR.type (KVM_GET_SREGS)", s->ldt.type, DT_SYS_LDT);
	ok &= dt_vcpu_expect_eq(i, "LDTR.unusable (KVM_GET_SREGS)", s->ldt.unusable, 0);
	return ok;
}

int dt_pcpu_gdt_slot_free(const struct dt_vcpu_tables *t, unsigned int index)
{
	unsigned int tss = t->tr_sel >> 3, ldt = t->ldt_sel >> 3;

	if ((uint64_t)index * 8 + 7 > t->gdt_limit)
		return 0;
	return index != 0 && index != (DT_KERNEL_CS >> 3) &&
	       index != (DT_KERNEL_DS >> 3) && index != tss && index != tss + 1 &&
	       index != ldt && index != ldt + 1;
}

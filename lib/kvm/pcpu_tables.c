// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-vCPU GDT and 64-bit TSS at chosen guest virtual addresses; see
 * pcpu_tables.h for the layout.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "desctest/desc.h"
#include "kvm_env.h"
#include "pcpu_tables.h"

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

/* One fresh guest page, also mapped at gva; returns the host view. */
static void *map_page_at(struct kvm_vm *vm, uint64_t gva)
{
	vm_vaddr_t alias = vm_vaddr_alloc_page(vm);
	vm_paddr_t gpa = addr_gva2gpa(vm, alias);

	TEST_ASSERT(!sparsebit_is_set(vm->vpages_mapped, gva >> vm->page_shift),
		    "guest virtual address %#lx is already mapped by the framework; "
		    "pick another base in lib/kvm/pcpu_tables.c", (unsigned long)gva);
	virt_map(vm, gva, gpa, 1);
	sparsebit_set(vm->vpages_mapped, gva >> vm->page_shift);
	return addr_gva2hva(vm, alias);
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

/* A present 16-byte system descriptor.  The TR holds a busy TSS, so its
 * descriptor in the GDT is of the busy type, as it would be after the
 * guest's own ltr (SDM Vol. 3A, 7.2.4). */
static struct dt_sys sys_desc(uint64_t type, uint64_t base, uint32_t limit)
{
	struct dt_sys d = { { 0, 0 } };

	dt_sys_set_base(&d, base);
	dt_sys_set_limit_raw(&d, limit);
	dt_sys_set_type(&d, type);
	dt_sys_set_p(&d, 1);
	return d;
}

/* The hidden part of TR or LDTR as KVM_SET_SREGS takes it, matching the
 * descriptor sys_desc() wrote into the GDT. */
static struct kvm_segment sys_sreg(uint8_t type, uint16_t sel, uint64_t base,
				   uint32_t limit)
{
	struct kvm_segment seg;

	memset(&seg, 0, sizeof(seg));
	seg.base = base;
	seg.limit = limit;
	seg.selector = sel;
	seg.type = type;
	seg.present = 1;
	return seg;
}

void dt_pcpu_install(struct kvm_vm *vm, struct kvm_vcpu *vcpu,
		     unsigned int i, struct dt_vcpu_tables *t)
{
	struct dt_seg code = code64_desc(), data = data_desc();
	struct kvm_sregs sregs;
	struct dt_sys tss, ldt;
	uint64_t *ldt_words;
	vm_vaddr_t ist;

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

	t->gdt = map_page_at(vm, t->gdt_base);
	t->tss = map_page_at(vm, t->tss_base);
	ist = vm_vaddr_alloc_page(vm);
	t->ist_top = ist + (uint64_t)getpagesize();

	memset(t->tss, 0, (size_t)getpagesize());
	t->tss->ist1 = t->ist_top;
	/* I/O map base past the limit: no I/O permission bitmap. */
	t->tss->iomap_base = sizeof(struct dt_tss64);

	ldt_words = (uint64_t *)((char *)t->tss + DT_LDT_OFFSET);
	ldt_words[0] = data.w[0];
	ldt_words[1] = data.w[0];

	memset(t->gdt, 0, (size_t)getpagesize());
	t->gdt[DT_KERNEL_CS >> 3] = code.w[0];
	t->gdt[DT_KERNEL_DS >> 3] = data.w[0];
	tss = sys_desc(DT_SYS_TSS64_BUSY, t->tss_base, t->tss_limit);
	t->gdt[t->tr_sel >> 3] = tss.w[0];
	t->gdt[(t->tr_sel >> 3) + 1] = tss.w[1];
	ldt = sys_desc(DT_SYS_LDT, t->ldt_base, t->ldt_limit);
	t->gdt[t->ldt_sel >> 3] = ldt.w[0];
	t->gdt[(t->ldt_sel >> 3) + 1] = ldt.w[1];

	vcpu_sregs_get(vcpu, &sregs);
	TEST_ASSERT(sregs.cs.selector == DT_KERNEL_CS && sregs.ds.selector == DT_KERNEL_DS,
		    "framework loaded CS %#x DS %#x, wanted %#x %#x; the per-vCPU GDT "
		    "must be taught the new selectors", sregs.cs.selector,
		    sregs.ds.selector, DT_KERNEL_CS, DT_KERNEL_DS);
	sregs.gdt.base = t->gdt_base;
	sregs.gdt.limit = t->gdt_limit;
	sregs.tr = sys_sreg(DT_SYS_TSS64_BUSY, t->tr_sel, t->tss_base, t->tss_limit);
	sregs.ldt = sys_sreg(DT_SYS_LDT, t->ldt_sel, t->ldt_base, t->ldt_limit);
	vcpu_sregs_set(vcpu, &sregs);

	t->idt_base = sregs.idt.base;
	t->idt_limit = sregs.idt.limit;
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * desctest_tss: check the TSS descriptor of every online CPU from inside
 * the kernel.
 *
 * On each CPU: sgdt and str, then the 16-byte TSS descriptor at
 * GDTR.base + (TR & ~7).  Back in process context the descriptor is
 * decoded with the reference decoder and compared with what the kernel
 * says the CPU uses: &get_cpu_entry_area(cpu)->tss.x86_tss (the address
 * KVM writes to the host TR base) and the CPU's read-only GDT alias
 * get_cpu_gdt_ro(cpu).  Two results per CPU, cpuN_gdtr and
 * cpuN_tss_descriptor, whose outcome does not depend on where this boot
 * placed anything; what the pre-fix KVM selftests expression would make
 * of the same bytes is a "#" line only.  Nothing is written anywhere but
 * the module's own memory.
 *
 * The report is KTAP in /proc/desctest_tss (mode 0400), built once at load.
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/utsname.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>

#include <desctest/ktap.h>

#include "tss_decode.h"

/*
 * First guess at the report size: a header and, per CPU, the lines of a
 * CPU whose checks pass (956 bytes measured with the 0xffff allowance).  A report that
 * outgrows it (diagnostics of failing checks) is formatted again into a
 * buffer twice the size.
 */
#define DTM_REPORT_HEAD 4096
#define DTM_REPORT_PER_CPU 1024

struct dtm_cpu {
	struct dtm_tss_view v;
	int locate;		/* enum dtm_locate */
	bool vmxe;		/* CR4.VMXE when GDTR was read */
};

/*
 * Set by the loader (tss_module_test) when /sys/module/kvm_intel exists:
 * the kernel does not export a way to ask whether a module is loaded.
 */
static bool kvm_intel;
module_param(kvm_intel, bool, 0444);
MODULE_PARM_DESC(kvm_intel, "kvm_intel is loaded (set by tss_module_test)");

static char *dtm_report;
static size_t dtm_report_len;
static struct proc_dir_entry *dtm_proc;

/* Runs on the target CPU with interrupts off. */
static void dtm_read_cpu(void *arg)
{
	struct dtm_cpu *c = arg;
	struct desc_ptr gdtr;
	unsigned short tr;
	uint64_t off;
	const u64 *desc;

	asm volatile("sgdt %0" : "=m"(gdtr));
	asm volatile("str %0" : "=r"(tr));
	c->vmxe = !!(__read_cr4() & X86_CR4_VMXE);
	c->v.gdtr_base = gdtr.address;
	c->v.gdtr_limit = gdtr.size;
	c->v.tr = tr;
	c->locate = dtm_tss_locate(gdtr.size, tr, &off);
	if (c->locate != DTM_LOCATE_OK)
		return;
	desc = (const u64 *)(gdtr.address + off);
	c->v.desc_lo = READ_ONCE(desc[0]);
	c->v.desc_hi = READ_ONCE(desc[1]);
}

static const char *dtm_locate_reason(int locate)
{
	switch (locate) {
	case DTM_LOCATE_NULL_SELECTOR: return "TR holds the null selector";
	case DTM_LOCATE_LDT_SELECTOR: return "TR selector has TI=1 (LDT)";
	case DTM_LOCATE_BEYOND_LIMIT: return "TSS descriptor lies beyond the GDT limit";
	default: return "unknown";
	}
}

struct dtm_ktap {
	struct seq_buf s;
	unsigned int n, pass, fail;
};

static void dtm_result(struct dtm_ktap *k, bool ok, int cpu, const char *name)
{
	k->n++;
	if (ok)
		k->pass++;
	else
		k->fail++;
	seq_buf_printf(&k->s, "%s %u cpu%d_%s\n", ok ? "ok" : "not ok", k->n,
		       cpu, name);
}

/* One field of one CPU, in desctest's seen-vs-wanted line
 * (desctest/ktap.h): "# cpuN: <field> seen 0x.. wanted 0x..", marked
 * when they differ; true when equal. */
static bool dtm_expect(struct dtm_ktap *k, int cpu, const char *field,
		       u64 seen, u64 wanted)
{
	char who[16];

	snprintf(who, sizeof(who), "cpu%d", cpu);
	seq_buf_printf(&k->s, "# " DT_SEEN_WANTED_FMT "\n", who, field,
		       (unsigned long long)seen, (unsigned long long)wanted,
		       dt_mismatch_mark(seen, wanted));
	return seen == wanted;
}

/*
 * GDTR of this CPU against the kernel's GDT for it.  A limit of 0xffff
 * is accepted only where a VMX VM exit explains it
 * (dtm_gdtr_limit_check()): its line then compares the three conditions
 * of that allowance, each a bit (Intel 1, CR4.VMXE 2, kvm_intel 4), with
 * all three, and a second line says the allowance was taken.  Any other
 * limit is compared with GDT_SIZE - 1.
 */
static void dtm_check_gdt(struct dtm_ktap *k, int cpu, const struct dtm_cpu *c)
{
	u64 want = (unsigned long)get_cpu_gdt_ro(cpu);
	bool intel = boot_cpu_data.x86_vendor == X86_VENDOR_INTEL;
	int limit = dtm_gdtr_limit_check(c->v.gdtr_limit, GDT_SIZE - 1, intel,
					 c->vmxe, kvm_intel);
	unsigned int conds = (intel ? 1 : 0) | (c->vmxe ? 2 : 0) |
			     (kvm_intel ? 4 : 0);
	bool ok;

	ok = dtm_expect(k, cpu, "GDTR base (get_cpu_gdt_ro)", c->v.gdtr_base, want);
	if (c->v.gdtr_limit == DTM_VMX_EXIT_GDTR_LIMIT) {
		seq_buf_printf(&k->s, "# cpu%d GDTR limit 0x%x, not GDT_SIZE - 1 (0x%x): accepted only as left by a VMX VM exit, which sets it to 0xffff until KVM reloads the host GDT as the vCPU thread leaves its run loop\n",
			       cpu, c->v.gdtr_limit, GDT_SIZE - 1);
		dtm_expect(k, cpu, "GDTR limit 0xffff: VMX VM exit conditions (Intel 1, CR4.VMXE 2, kvm_intel 4)",
			   conds, 7);
		if (limit == DTM_GDTR_LIMIT_VMX_EXIT)
			seq_buf_printf(&k->s, "# cpu%d GDTR limit 0xffff accepted (VMX VM exit allowance)\n",
				       cpu);
	} else {
		dtm_expect(k, cpu, "GDTR limit (GDT_SIZE - 1)", c->v.gdtr_limit,
			   GDT_SIZE - 1);
	}
	ok &= limit != DTM_GDTR_LIMIT_WRONG;
	dtm_result(k, ok, cpu, "gdtr");
}

/* Reference decode against the kernel's TSS address for this CPU. */
static void dtm_check_tss(struct dtm_ktap *k, int cpu, const struct dtm_cpu *c)
{
	u64 want = (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss;
	const struct dtm_tss_view *v = &c->v;
	bool ok;

	if (c->locate != DTM_LOCATE_OK) {
		seq_buf_printf(&k->s, "# cpu%d TR 0x%04x GDTR limit 0x%x: %s\n",
			       cpu, v->tr, v->gdtr_limit,
			       dtm_locate_reason(c->locate));
		dtm_result(k, false, cpu, "tss_descriptor");
		return;
	}
	seq_buf_printf(&k->s, "# cpu%d TR 0x%04x descriptor %016llx:%016llx base 0x%016llx\n",
		       cpu, v->tr, v->desc_hi, v->desc_lo, v->base);
	ok = dtm_expect(k, cpu, "TR (GDT_ENTRY_TSS * 8)", v->tr, GDT_ENTRY_TSS * 8);
	ok &= dtm_expect(k, cpu, "TSS base (cpu_entry_area tss.x86_tss)", v->base, want);
	/* ltr marks the descriptor busy (SDM 7.2.4). */
	ok &= dtm_expect(k, cpu, "type (busy 64-bit TSS)", v->type, DESC_TSS + 2);
	ok &= dtm_expect(k, cpu, "S", v->s, 0);
	ok &= dtm_expect(k, cpu, "DPL", v->dpl, 0);
	ok &= dtm_expect(k, cpu, "P", v->p, 1);
	ok &= dtm_expect(k, cpu, "limit (__KERNEL_TSS_LIMIT)", v->limit,
			 __KERNEL_TSS_LIMIT);
	ok &= dtm_expect(k, cpu, "upper-half type", v->zero_type_hi, 0);
	dtm_result(k, ok, cpu, "tss_descriptor");
}

/*
 * The pre-fix expression on the same bytes, as a diagnostic only: it
 * decodes the TSS base wrongly where base 31:24 >= 0x80 and base 63:32
 * is not all ones, which depends on where this boot placed the CPU's
 * TSS (KASLR of the cpu_entry_area), not on the kernel under test.  A
 * result here would change from boot to boot; the expression itself is
 * checked against the model of the bug by tss_decode_gtest.  True when
 * the expression is wrong on this CPU.
 */
static bool dtm_note_prefix(struct dtm_ktap *k, int cpu, const struct dtm_cpu *c)
{
	const struct dtm_tss_view *v = &c->v;

	if (c->locate != DTM_LOCATE_OK || v->prefix_base == v->base)
		return false;
	seq_buf_printf(&k->s, "# cpu%d pre-fix get_desc64_base() would decode TSS base 0x%016llx as 0x%016llx\n",
		       cpu, v->base, v->prefix_base);
	return true;
}

/* Format the report of the CPUs in mask into buf; false if it did not fit. */
static bool dtm_format(char *buf, size_t size, struct dtm_cpu *cpus,
		       const struct cpumask *mask, unsigned int ncpus,
		       size_t *len)
{
	struct dtm_ktap k = { };
	unsigned int wrong = 0;
	int cpu;

	seq_buf_init(&k.s, buf, size);
	seq_buf_printf(&k.s, "KTAP version 1\n");
	seq_buf_printf(&k.s, "# desctest_tss: TSS descriptor of each of %u online CPUs (kernel %s)\n",
		       ncpus, init_utsname()->release);
	seq_buf_printf(&k.s, "1..%u\n", ncpus * 2);
	for_each_cpu(cpu, mask) {
		dtm_check_gdt(&k, cpu, &cpus[cpu]);
		dtm_check_tss(&k, cpu, &cpus[cpu]);
		if (dtm_note_prefix(&k, cpu, &cpus[cpu]))
			wrong++;
	}
	seq_buf_printf(&k.s, "# pre-fix expression wrong on %u of %u CPUs (this boot's TSS addresses; not a result)\n",
		       wrong, ncpus);
	seq_buf_printf(&k.s, "# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:0 error:0\n",
		       k.pass, k.fail);
	if (seq_buf_has_overflowed(&k.s))
		return false;
	*len = seq_buf_used(&k.s);
	return true;
}

static int dtm_build_report(void)
{
	struct dtm_cpu *cpus;
	cpumask_var_t mask;
	unsigned int ncpus;
	size_t size;
	int cpu, ret = 0;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	cpus = kvcalloc(nr_cpu_ids, sizeof(*cpus), GFP_KERNEL);
	if (!cpus) {
		ret = -ENOMEM;
		goto out;
	}

	cpus_read_lock();
	cpumask_copy(mask, cpu_online_mask);
	for_each_cpu(cpu, mask) {
		ret = smp_call_function_single(cpu, dtm_read_cpu, &cpus[cpu], 1);
		if (ret)
			break;
	}
	cpus_read_unlock();
	if (ret)
		goto out;
	ncpus = cpumask_weight(mask);
	for_each_cpu(cpu, mask)
		if (cpus[cpu].locate == DTM_LOCATE_OK)
			dtm_tss_decode(&cpus[cpu].v);

	size = DTM_REPORT_HEAD + (size_t)ncpus * DTM_REPORT_PER_CPU;
	for (;;) {
		dtm_report = kvmalloc(size, GFP_KERNEL);
		if (!dtm_report) {
			ret = -ENOMEM;
			goto out;
		}
		if (dtm_format(dtm_report, size, cpus, mask, ncpus,
			       &dtm_report_len))
			break;
		kvfree(dtm_report);
		dtm_report = NULL;
		size *= 2;
	}
out:
	kvfree(cpus);
	free_cpumask_var(mask);
	return ret;
}

static ssize_t dtm_read(struct file *file, char __user *buf, size_t len,
			loff_t *pos)
{
	return simple_read_from_buffer(buf, len, pos, dtm_report,
				       dtm_report_len);
}

static const struct proc_ops dtm_proc_ops = {
	.proc_read = dtm_read,
	.proc_lseek = default_llseek,
};

static int __init dtm_init(void)
{
	int ret = dtm_build_report();

	if (ret)
		goto err;
	dtm_proc = proc_create("desctest_tss", 0400, NULL, &dtm_proc_ops);
	if (!dtm_proc) {
		ret = -ENOMEM;
		goto err;
	}
	return 0;
err:
	kvfree(dtm_report);
	return ret;
}

static void __exit dtm_exit(void)
{
	proc_remove(dtm_proc);
	kvfree(dtm_report);
}

module_init(dtm_init);
module_exit(dtm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("desctest: per-CPU TSS descriptor check (read-only)");

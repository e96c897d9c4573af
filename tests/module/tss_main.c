// SPDX-License-Identifier: GPL-2.0-only
/*
 * desctest_tss: check the TSS descriptor of every online CPU from inside
 * the kernel.
 *
 * On each CPU: sgdt and str, then the 16-byte TSS descriptor at
 * GDTR.base + (TR & ~7).  Back in process context the descriptor is
 * decoded with the reference decoder and with the pre-fix KVM selftests
 * expression, and compared with what the kernel says the CPU uses:
 * &get_cpu_entry_area(cpu)->tss.x86_tss (the address KVM writes to the
 * host TR base) and the CPU's read-only GDT alias get_cpu_gdt_ro(cpu).
 * Nothing is written anywhere but the module's own memory.
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

#include "tss_decode.h"

/*
 * First guess at the report size: a header and, per CPU, the lines of a
 * CPU whose checks pass with an XFAIL (under 600 bytes).  A report that
 * outgrows it (diagnostics of failing checks) is formatted again into a
 * buffer twice the size.
 */
#define DTM_REPORT_HEAD 4096
#define DTM_REPORT_PER_CPU 1024

struct dtm_cpu {
	struct dtm_tss_view v;
	int locate;		/* enum dtm_locate */
};

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
	unsigned int n, pass, fail, xfail;
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

/*
 * A VMX VM exit loads the host GDTR base from the VMCS but sets the GDTR
 * limit to 0xffff (SDM Vol. 3C, VM exits, "Loading Host Segment and
 * Descriptor-Table Registers"); KVM reloads the host GDT, and with it
 * GDT_SIZE-1, only when the vCPU thread leaves its run loop.  An IPI that
 * lands on a CPU whose vCPU thread is inside that loop sees 0xffff.
 */
#define DTM_VMX_EXIT_GDTR_LIMIT 0xffff

/* GDTR of this CPU against the kernel's GDT for it. */
static void dtm_check_gdt(struct dtm_ktap *k, int cpu, const struct dtm_cpu *c)
{
	u64 want = (unsigned long)get_cpu_gdt_ro(cpu);
	bool base_ok = c->v.gdtr_base == want;
	bool vmx_limit = c->v.gdtr_limit == DTM_VMX_EXIT_GDTR_LIMIT;
	bool limit_ok = c->v.gdtr_limit == GDT_SIZE - 1 || vmx_limit;

	seq_buf_printf(&k->s, "# cpu%d GDTR base 0x%016llx limit 0x%x\n",
		       cpu, c->v.gdtr_base, c->v.gdtr_limit);
	if (vmx_limit)
		seq_buf_printf(&k->s, "# cpu%d GDTR limit 0x%x, not 0x%x: left by a VMX VM exit, which sets the limit to 0xffff until KVM reloads the host GDT as the vCPU thread leaves its run loop\n",
			       cpu, c->v.gdtr_limit, GDT_SIZE - 1);
	if (!base_ok || !limit_ok)
		seq_buf_printf(&k->s,
			       "# cpu%d GDTR base seen 0x%016llx wanted 0x%016llx (get_cpu_gdt_ro), limit seen 0x%x wanted 0x%x (or 0x%x after a VMX VM exit)\n",
			       cpu, c->v.gdtr_base, want, c->v.gdtr_limit,
			       GDT_SIZE - 1, DTM_VMX_EXIT_GDTR_LIMIT);
	dtm_result(k, base_ok && limit_ok, cpu, "gdtr");
}

/* Reference decode against the kernel's TSS address for this CPU. */
static void dtm_check_tss(struct dtm_ktap *k, int cpu, const struct dtm_cpu *c)
{
	u64 want = (unsigned long)&get_cpu_entry_area(cpu)->tss.x86_tss;
	const struct dtm_tss_view *v = &c->v;
	bool ok = true;

	if (c->locate != DTM_LOCATE_OK) {
		seq_buf_printf(&k->s, "# cpu%d TR 0x%04x GDTR limit 0x%x: %s\n",
			       cpu, v->tr, v->gdtr_limit,
			       dtm_locate_reason(c->locate));
		dtm_result(k, false, cpu, "tss_descriptor");
		return;
	}
	seq_buf_printf(&k->s, "# cpu%d TR 0x%04x descriptor %016llx:%016llx base 0x%016llx\n",
		       cpu, v->tr, v->desc_hi, v->desc_lo, v->base);
	if (v->tr != GDT_ENTRY_TSS * 8) {
		seq_buf_printf(&k->s, "# cpu%d TR seen 0x%04x wanted 0x%04x (GDT_ENTRY_TSS * 8)\n",
			       cpu, v->tr, GDT_ENTRY_TSS * 8);
		ok = false;
	}
	if (v->base != want) {
		seq_buf_printf(&k->s, "# cpu%d TSS base seen 0x%016llx wanted 0x%016llx (cpu_entry_area tss.x86_tss)\n",
			       cpu, v->base, want);
		ok = false;
	}
	/* ltr marks the descriptor busy (SDM 7.2.4). */
	if (v->type != DESC_TSS + 2 || v->s || v->dpl || !v->p) {
		seq_buf_printf(&k->s, "# cpu%d type/S/DPL/P seen 0x%x/%u/%u/%u wanted 0x%x/0/0/1 (busy 64-bit TSS)\n",
			       cpu, v->type, v->s, v->dpl, v->p, DESC_TSS + 2);
		ok = false;
	}
	if (v->limit != __KERNEL_TSS_LIMIT) {
		seq_buf_printf(&k->s, "# cpu%d TSS limit seen 0x%llx wanted 0x%lx (__KERNEL_TSS_LIMIT)\n",
			       cpu, v->limit, (unsigned long)__KERNEL_TSS_LIMIT);
		ok = false;
	}
	if (v->zero_type_hi) {
		seq_buf_printf(&k->s, "# cpu%d upper-half type seen 0x%x wanted 0x0\n",
			       cpu, v->zero_type_hi);
		ok = false;
	}
	dtm_result(k, ok, cpu, "tss_descriptor");
}

/*
 * The pre-fix expression on the same bytes.  Its one known fault: base2
 * (bits 31:24) is promoted to a signed int before << 24, so base2 >= 0x80
 * sign-extends into bits 63:32 and the result is exactly
 * 0xffffffff00000000 | base[31:0].  That shape is the expected failure
 * (XFAIL); any other wrong value is a failure of its own.
 */
static bool dtm_check_prefix(struct dtm_ktap *k, int cpu, const struct dtm_cpu *c)
{
	const struct dtm_tss_view *v = &c->v;
	u64 base2 = (v->base >> 24) & 0xff;
	u64 sext = 0xffffffff00000000ULL | (v->base & 0xffffffffULL);

	if (c->locate != DTM_LOCATE_OK) {
		k->n++;
		seq_buf_printf(&k->s, "ok %u cpu%d_prefix_decode # SKIP no TSS descriptor to decode\n",
			       k->n, cpu);
		return false;
	}
	if (v->prefix_base == v->base) {
		if (base2 >= 0x80)
			seq_buf_printf(&k->s, "# cpu%d base 31:24 = 0x%02llx but base 63:32 is 0xffffffff: the pre-fix sign extension gives the right base 0x%016llx\n",
				       cpu, base2, v->base);
		dtm_result(k, true, cpu, "prefix_decode");
		return false;
	}
	seq_buf_printf(&k->s, "# cpu%d pre-fix get_desc64_base() seen 0x%016llx wanted 0x%016llx (base 31:24 = 0x%02llx)\n",
		       cpu, v->prefix_base, v->base, base2);
	if (base2 < 0x80 || v->prefix_base != sext) {
		seq_buf_printf(&k->s, "# cpu%d pre-fix get_desc64_base() seen 0x%016llx is not the sign extension of base 31:0 (0x%016llx)\n",
			       cpu, v->prefix_base, sext);
		dtm_result(k, false, cpu, "prefix_decode");
		return true;
	}
	k->n++;
	k->xfail++;
	seq_buf_printf(&k->s, "ok %u cpu%d_prefix_decode # XFAIL pre-fix expression sign-extends base2 on cpu%d: base 0x%016llx decodes as 0x%016llx\n",
		       k->n, cpu, cpu, v->base, v->prefix_base);
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
	seq_buf_printf(&k.s, "1..%u\n", ncpus * 3);
	for_each_cpu(cpu, mask) {
		dtm_check_gdt(&k, cpu, &cpus[cpu]);
		dtm_check_tss(&k, cpu, &cpus[cpu]);
		if (dtm_check_prefix(&k, cpu, &cpus[cpu]))
			wrong++;
	}
	seq_buf_printf(&k.s, "# pre-fix expression wrong on %u of %u CPUs\n",
		       wrong, ncpus);
	seq_buf_printf(&k.s, "# Totals: pass:%u fail:%u xfail:%u xpass:0 skip:%u error:0\n",
		       k.pass, k.fail, k.xfail, k.n - k.pass - k.fail - k.xfail);
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

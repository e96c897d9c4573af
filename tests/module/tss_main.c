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
#include <asm/special_insns.h>

#include <desctest/ktap.h>
#include <desctest/prefix_model.h>

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

/* GDTR of this CPU against the kernel's GDT for it; a limit of 0xffff
 * only where a VMX VM exit explains it (dtm_gdtr_limit_check()). */
static void dtm_check_gdt(struct dtm_ktap *k, int cpu, const struct dtm_cpu *c)
{
	u64 want = (unsigned long)get_cpu_gdt_ro(cpu);
	bool intel = boot_cpu_data.x86_vendor == X86_VENDOR_INTEL;
	int limit = dtm_gdtr_limit_check(c->v.gdtr_limit, GDT_SIZE - 1, intel,
					 c->vmxe, kvm_intel);
	bool ok;

	ok = dtm_expect(k, cpu, "GDTR base (get_cpu_gdt_ro)", c->v.gdtr_base, want);
	if (limit == DTM_GDTR_LIMIT_VMX_EXIT) {
		seq_buf_printf(&k->s, "# cpu%d GDTR limit 0x%x, not 0x%x: left by a VMX VM exit (Intel CPU, CR4.VMXE set, kvm_intel loaded), which sets the limit to 0xffff until KVM reloads the host GDT as the vCPU thread leaves its run loop\n",
			       cpu, c->v.gdtr_limit, GDT_SIZE - 1);
		ok &= dtm_expect(k, cpu, "GDTR limit (after a VMX VM exit)",
				 c->v.gdtr_limit, DTM_VMX_EXIT_GDTR_LIMIT);
	} else {
		ok &= dtm_expect(k, cpu, "GDTR limit (GDT_SIZE - 1)", c->v.gdtr_limit,
				 GDT_SIZE - 1);
	}
	if (limit == DTM_GDTR_LIMIT_WRONG && c->v.gdtr_limit == DTM_VMX_EXIT_GDTR_LIMIT)
		seq_buf_printf(&k->s, "# cpu%d GDTR limit 0x%x is accepted only after a VMX VM exit: here Intel %d, CR4.VMXE %d, kvm_intel %d\n",
			       cpu, DTM_VMX_EXIT_GDTR_LIMIT, intel, c->vmxe, kvm_intel);
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
 * The pre-fix expression on the same bytes.  Its one known fault: base2
 * (bits 31:24) is promoted to a signed int before << 24, so base2 >= 0x80
 * sign-extends into bits 63:32 and the result is exactly
 * 0xffffffff00000000 | base[31:0] (dt_prefix_model()).  That shape is
 * the expected failure (XFAIL); any other wrong value is a failure of its
 * own.
 */
static bool dtm_check_prefix(struct dtm_ktap *k, int cpu, const struct dtm_cpu *c)
{
	const struct dtm_tss_view *v = &c->v;
	u64 base2 = (v->base >> 24) & 0xff;
	u64 sext = dt_prefix_model(v->base);
	char name[32], why[160];

	snprintf(name, sizeof(name), "cpu%d_prefix_decode", cpu);
	if (c->locate != DTM_LOCATE_OK) {
		k->n++;
		seq_buf_printf(&k->s, DT_KTAP_DIRECTIVE_FMT "\n", k->n, name, "SKIP",
			       "no TSS descriptor to decode");
		return false;
	}
	if (v->prefix_base == v->base) {
		if (base2 >= 0x80)
			seq_buf_printf(&k->s, "# cpu%d base 31:24 = 0x%02llx but base 63:32 is 0xffffffff: the pre-fix sign extension gives the right base 0x%016llx\n",
				       cpu, base2, v->base);
		dtm_result(k, true, cpu, "prefix_decode");
		return false;
	}
	dtm_expect(k, cpu, "pre-fix get_desc64_base()", v->prefix_base, v->base);
	seq_buf_printf(&k->s, "# cpu%d base 31:24 = 0x%02llx\n", cpu, base2);
	if (base2 < 0x80 || v->prefix_base != sext) {
		seq_buf_printf(&k->s, "# cpu%d pre-fix get_desc64_base() seen 0x%016llx is not the sign extension of base 31:0 (0x%016llx)\n",
			       cpu, v->prefix_base, sext);
		dtm_result(k, false, cpu, "prefix_decode");
		return true;
	}
	k->n++;
	k->xfail++;
	snprintf(why, sizeof(why), "pre-fix expression sign-extends base2 on cpu%d: base 0x%016llx decodes as 0x%016llx",
		 cpu, v->base, v->prefix_base);
	seq_buf_printf(&k->s, DT_KTAP_DIRECTIVE_FMT "\n", k->n, name, "XFAIL", why);
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

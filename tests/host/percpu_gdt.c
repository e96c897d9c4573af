// SPDX-License-Identifier: GPL-2.0-only
/*
 * percpu_gdt: the GDT entries user mode can inspect, on every online CPU.
 *
 * x86-64 Linux gives each CPU its own GDT.  Entry 15 (GDT_ENTRY_CPUNODE,
 * selector 15 * 8 + RPL 3 = 0x7b) is a data segment whose 20-bit limit
 * field holds the CPU number in bits 11:0 and the NUMA node above
 * (arch/x86/include/asm/segment.h: VDSO_CPUNODE_BITS = 12); the vDSO's
 * getcpu() reads it with LSL.  The kernel writes the same value to
 * IA32_TSC_AUX, which RDPID and RDTSCP return.  LSL works at CPL 3 even
 * with UMIP, so this is the one per-CPU descriptor user mode can check.
 *
 * On each CPU: LSL 0x7b against getcpu(), RDPID and RDTSCP's aux value;
 * LAR 0x7b and LAR/LSL on the user code and data selectors, decoded with
 * the reference decoder, identical on every CPU (one result per CPU and
 * selector).
 */
#include <errno.h>

#include "host.h"

/* arch/x86/include/asm/segment.h, 64-bit layout. */
#define SEL_USER32_CS 0x23	/* GDT_ENTRY_DEFAULT_USER32_CS (4) * 8 + 3 */
#define SEL_USER_DS 0x2b	/* GDT_ENTRY_DEFAULT_USER_DS (5) * 8 + 3 */
#define SEL_USER_CS 0x33	/* GDT_ENTRY_DEFAULT_USER_CS (6) * 8 + 3 */
#define SEL_CPUNODE 0x7b	/* GDT_ENTRY_CPUNODE (15) * 8 + 3 */
#define CPUNODE_CPU_BITS 12

/*
 * The rights the ABI fixes for each selector, as descriptor fields.  Code
 * type 0xb is execute/read, accessed; data type 0x3 read/write, accessed;
 * the CPU/node entry is type 0x5, read-only expand-down, accessed, with
 * D/B = 1 and byte granularity so that the limit is the raw value.
 */
struct want_seg {
	const char *name;
	const char *tag;	/* test name: cpuN_rights_<tag> */
	uint16_t sel;
	uint64_t type, s, dpl, p, l, db, g;
	int check_limit;
	uint64_t limit;		/* byte limit as LSL returns it */
};

static const struct want_seg user_segs[] = {
	{ "__USER_CS", "user_cs", SEL_USER_CS, 0xb, 1, 3, 1, 1, 0, 1, 1, 0xffffffff },
	{ "__USER_DS", "user_ds", SEL_USER_DS, 0x3, 1, 3, 1, 0, 1, 1, 1, 0xffffffff },
	{ "__USER32_CS", "user32_cs", SEL_USER32_CS, 0xb, 1, 3, 1, 0, 1, 1, 1, 0xffffffff },
	{ "CPUNODE", "cpunode", SEL_CPUNODE, 0x5, 1, 3, 1, 0, 1, 0, 0, 0 },
};
#define NSEGS (int)(sizeof(user_segs) / sizeof(user_segs[0]))

/* The tests run on each CPU, in order: these, then rights_<tag> for each
 * segment. */
static const char *const test_names[] = { "lsl_cpunode", "rdpid", "rdtscp" };
#define NFIXED (int)(sizeof(test_names) / sizeof(test_names[0]))
#define TESTS_PER_CPU (NFIXED + NSEGS)

static void test_name(int t, char *buf, size_t len)
{
	if (t < NFIXED)
		snprintf(buf, len, "%s", test_names[t]);
	else
		snprintf(buf, len, "rights_%s", user_segs[t - NFIXED].tag);
}

/* Set when user mode runs on a hypervisor's GDT (host_foreign_tables). */
static int foreign;
static char foreign_why[256];

/* The first CPU's LAR/LSL of each segment, compared on the others. */
static int first_done[NSEGS];
static uint32_t first_lar[NSEGS], first_lsl[NSEGS];

static int check_cpunode(int cpu, uint32_t *cpunode)
{
	unsigned int gcpu = ~0u, gnode = ~0u;
	char what[48];
	int ok;

	snprintf(what, sizeof(what), "cpu %d LSL 0x%x", cpu, SEL_CPUNODE);
	if (getcpu(&gcpu, &gnode)) {
		ksft_print_msg("%s: getcpu: %s\n", what, strerror(errno));
		return 0;
	}
	ok = host_check(what, "ZF (selector valid)",
			(uint64_t)host_lsl(SEL_CPUNODE, cpunode), 1);
	ok &= host_check(what, "cpu (limit bits 11:0) vs getcpu",
			 dt_bits(*cpunode, CPUNODE_CPU_BITS - 1, 0), gcpu);
	ok &= host_check(what, "node (limit bits 19:12) vs getcpu",
			 dt_bits(*cpunode, 19, CPUNODE_CPU_BITS), gnode);
	ok &= host_check(what, "cpu vs the CPU pinned to",
			 dt_bits(*cpunode, CPUNODE_CPU_BITS - 1, 0),
			 (uint64_t)cpu);
	return ok;
}

/*
 * LAR/LSL on one selector, decoded, against the ABI's rights and the
 * first CPU's values: one KTAP result.  The kernel's GDT always holds
 * every entry of user_segs (arch/x86/kernel/cpu/common.c, gdt_page), so
 * LAR failing is a FAIL; on a hypervisor's GDT an entry it does not copy
 * is a SKIP saying so.
 */
static void check_rights(int cpu, int i)
{
	const struct want_seg *w = &user_segs[i];
	uint32_t lar = 0, lsl = 0;
	int lar_ok = host_lar(w->sel, &lar), lsl_ok = host_lsl(w->sel, &lsl);
	struct dt_seg d;
	char what[48];
	int ok;

	if (foreign && !lar_ok && !lsl_ok) {
		host_result_skip("cpu%d_rights_%s: %s; it has no %s (0x%x) entry\n",
				 cpu, w->tag, foreign_why, w->name, w->sel);
		return;
	}
	snprintf(what, sizeof(what), "cpu %d %s (0x%x)", cpu, w->name, w->sel);
	ok = host_check(what, "LAR ZF", (uint64_t)lar_ok, 1);
	ok &= host_check(what, "LSL ZF", (uint64_t)lsl_ok, 1);
	d = host_lar_as_seg(lar);
	ok &= host_check(what, "type", dt_seg_type(&d), w->type);
	ok &= host_check(what, "S", dt_seg_s(&d), w->s);
	ok &= host_check(what, "DPL", dt_seg_dpl(&d), w->dpl);
	ok &= host_check(what, "P", dt_seg_p(&d), w->p);
	ok &= host_check(what, "L", dt_seg_l(&d), w->l);
	ok &= host_check(what, "D/B", dt_seg_db(&d), w->db);
	ok &= host_check(what, "G", dt_seg_g(&d), w->g);
	if (w->check_limit)
		ok &= host_check(what, "limit (LSL)", lsl, w->limit);
	if (!first_done[i]) {
		first_done[i] = 1;
		first_lar[i] = lar;
		first_lsl[i] = lsl;
	} else {
		ok &= host_check(what, "LAR vs first CPU", lar, first_lar[i]);
		if (w->check_limit)
			ok &= host_check(what, "LSL vs first CPU", lsl,
					 first_lsl[i]);
	}
	ksft_test_result(ok, "cpu%d_rights_%s\n", cpu, w->tag);
}

static void test_cpu(int cpu, int have_rdpid, int have_rdtscp)
{
	uint32_t cpunode = 0;
	char what[32];
	int ok;

	ok = check_cpunode(cpu, &cpunode);
	ksft_test_result(ok, "cpu%d_lsl_cpunode\n", cpu);

	snprintf(what, sizeof(what), "cpu %d RDPID", cpu);
	if (have_rdpid)
		ksft_test_result(host_check(what, "IA32_TSC_AUX vs LSL 0x7b",
					    host_rdpid(), cpunode),
				 "cpu%d_rdpid\n", cpu);
	else
		host_result_skip("cpu%d_rdpid: CPU has no RDPID (CPUID.7.0:ECX[22] clear)\n",
				 cpu);

	snprintf(what, sizeof(what), "cpu %d RDTSCP", cpu);
	if (have_rdtscp)
		ksft_test_result(host_check(what, "aux (IA32_TSC_AUX) vs LSL 0x7b",
					    host_rdtscp_aux(), cpunode),
				 "cpu%d_rdtscp\n", cpu);
	else
		host_result_skip("cpu%d_rdtscp: CPU has no RDTSCP (CPUID.80000001H:EDX[27] clear)\n",
				 cpu);

	for (int i = 0; i < NSEGS; i++)
		check_rights(cpu, i);
}

int main(void)
{
	int have_rdpid = host_has_rdpid(), have_rdtscp = host_has_rdtscp();
	struct host_sweep sw;
	int err, online = 0;

	ksft_print_header();
	err = host_sweep_begin(&sw);
	if (err)
		ksft_exit_fail_msg("cannot read the affinity mask or /sys/devices/system/cpu/online: %s; mount sysfs\n",
				   strerror(-err));
	for (int cpu = 0; cpu < sw.ncpus; cpu++)
		online += CPU_ISSET(cpu, &sw.online);
	ksft_print_msg("%d online CPUs; RDPID %d, RDTSCP %d\n", online,
		       have_rdpid, have_rdtscp);
	foreign = host_foreign_tables(foreign_why, sizeof(foreign_why));
	if (foreign)
		ksft_print_msg("%s: entries it lacks are skipped\n", foreign_why);
	ksft_set_plan((unsigned int)(online * TESTS_PER_CPU + 1));

	/* No check leaves this loop early: the mask is restored below. */
	for (int cpu = 0; cpu < sw.ncpus; cpu++) {
		if (!CPU_ISSET(cpu, &sw.online))
			continue;
		err = host_sweep_pin(&sw, cpu);
		if (err) {
			for (int t = 0; t < TESTS_PER_CPU; t++) {
				char name[32];

				test_name(t, name, sizeof(name));
				host_result_skip("cpu%d_%s: this task may not run on CPU %d (%s): widen its cpuset/affinity\n",
						 cpu, name, cpu, strerror(-err));
			}
			continue;
		}
		test_cpu(cpu, have_rdpid, have_rdtscp);
	}
	ksft_test_result(host_sweep_end(&sw), "affinity_restored\n");
	ksft_finished();
}

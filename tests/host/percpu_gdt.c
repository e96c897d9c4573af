// SPDX-License-Identifier: GPL-2.0-only
/*
 * percpu_gdt: the GDT entries user mode can inspect, on every online CPU.
 *
 * x86-64 Linux gives each CPU its own GDT.  Entry 15 (GDT_ENTRY_CPUNODE,
 * selector 15 * 8 + RPL 3 = 0x7b) is a data segment whose 20-bit limit
 * field holds the CPU number in bits 11:0 and the NUMA node above
 * (arch/x86/include/asm/segment.h: VDSO_CPUNODE_BITS = 12).  The kernel
 * writes the same value to IA32_TSC_AUX, which RDPID and RDTSCP return.
 * LSL works at CPL 3 even with UMIP, so this is the one per-CPU
 * descriptor user mode can check.
 *
 * A fixture with one variant per online CPU (percpu.cpuN.<test>): its
 * setup pins the test's process to CPU N.  The witness that the test runs
 * there is the pinning itself, confirmed by the getcpu system call (the
 * scheduler's own CPU and node numbers).  The vDSO's getcpu() is checked
 * too, but it reads the same LSL (or RDPID) as the test and proves
 * nothing on its own.
 *
 * On each CPU: LSL 0x7b, RDPID and RDTSCP's aux value against the pinned
 * CPU and the kernel's node; LAR/LSL on the user code and data selectors
 * and 0x7b, decoded with the reference decoder, against the rights the
 * ABI fixes (the same wanted values on every CPU).
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
 * D/B = 1 and byte granularity so that the limit is the raw value.  AVL is
 * 0 in every entry Linux writes (GDT_ENTRY_INIT, setup_getcpu()).
 */
struct want_seg {
	const char *name;
	uint16_t sel;
	uint64_t type, s, dpl, p, avl, l, db, g;
	int check_limit;
	uint64_t limit;		/* byte limit as LSL returns it */
};

static const struct want_seg want_user_cs = {
	"__USER_CS", SEL_USER_CS, 0xb, 1, 3, 1, 0, 1, 0, 1, 1, 0xffffffff };
static const struct want_seg want_user_ds = {
	"__USER_DS", SEL_USER_DS, 0x3, 1, 3, 1, 0, 0, 1, 1, 1, 0xffffffff };
static const struct want_seg want_user32_cs = {
	"__USER32_CS", SEL_USER32_CS, 0xb, 1, 3, 1, 0, 0, 1, 1, 1, 0xffffffff };
static const struct want_seg want_cpunode = {
	"CPUNODE", SEL_CPUNODE, 0x5, 1, 3, 1, 0, 0, 1, 0, 0, 0 };

FIXTURE(percpu) {
	int pinned;		/* the setup pinned this process to the CPU */
	unsigned int node;	/* the kernel's NUMA node of that CPU */
	uint64_t cpunode;	/* what 0x7b's limit must hold there */
};

FIXTURE_VARIANT(percpu) {
	int cpu;
};

DT_FIXTURE_CPUS(percpu)

FIXTURE_SETUP(percpu)
{
	unsigned int cpu = 0;
	enum dt_pin_outcome pin = host_pin(_metadata, variant->cpu);

	if (pin == DT_PIN_OUTSIDE)
		SKIP(return, "this task may not run on this CPU: widen its cpuset/affinity");
	if (pin == DT_PIN_FAILED)
		return; /* host_pin() printed why and failed the test */
	if (dt_kernel_getcpu(&cpu, &self->node)) {
		ksft_print_msg("getcpu system call: %s\n", strerror(errno));
		DT_FAIL_TEST(_metadata);
		return;
	}
	self->cpunode = (uint64_t)self->node << CPUNODE_CPU_BITS |
			(uint64_t)variant->cpu;
	self->pinned = 1;
}

FIXTURE_TEARDOWN(percpu)
{
	/* The pinning ends with the test's process. */
}

/*
 * The older harness runs a test even after its setup skipped or failed:
 * every test starts with this.
 */
#define REQUIRE_PINNED()                                                      \
	do {                                                                  \
		if (!self->pinned)                                            \
			return;                                               \
	} while (0)

TEST_F(percpu, lsl_cpunode)
{
	unsigned int vcpu = ~0u, vnode = ~0u;
	uint32_t limit = 0;
	char what[48];

	REQUIRE_PINNED();
	snprintf(what, sizeof(what), "cpu %d LSL 0x%x", variant->cpu,
		 SEL_CPUNODE);
	DT_CHECK(what, "ZF (selector valid)",
		 host_lsl(SEL_CPUNODE, &limit), 1);
	DT_CHECK(what, "cpu (limit bits 11:0) vs the CPU pinned to",
		 dt_bits(limit, CPUNODE_CPU_BITS - 1, 0), variant->cpu);
	DT_CHECK(what, "node (limit bits 19:12) vs the getcpu system call",
		 dt_bits(limit, 19, CPUNODE_CPU_BITS), self->node);
	/* The vDSO reads this same limit (or RDPID): not a witness. */
	if (getcpu(&vcpu, &vnode))
		ksft_print_msg("%s: vDSO getcpu(): %s\n", what, strerror(errno));
	else
		DT_CHECK(what, "cpu vs the vDSO's getcpu() (same LSL/RDPID)",
			 dt_bits(limit, CPUNODE_CPU_BITS - 1, 0), vcpu);
}

TEST_F(percpu, rdpid)
{
	char what[32];

	REQUIRE_PINNED();
	if (!host_has_rdpid())
		SKIP(return, "CPU has no RDPID (CPUID.7.0:ECX[22] clear)");
	snprintf(what, sizeof(what), "cpu %d RDPID", variant->cpu);
	DT_CHECK(what, "IA32_TSC_AUX vs pinned CPU | node << 12", host_rdpid(),
		 self->cpunode);
}

TEST_F(percpu, rdtscp)
{
	char what[32];

	REQUIRE_PINNED();
	if (!host_has_rdtscp())
		SKIP(return, "CPU has no RDTSCP (CPUID.80000001H:EDX[27] clear)");
	snprintf(what, sizeof(what), "cpu %d RDTSCP", variant->cpu);
	DT_CHECK(what, "aux (IA32_TSC_AUX) vs pinned CPU | node << 12",
		 host_rdtscp_aux(), self->cpunode);
}

/*
 * LAR/LSL on one selector, decoded, against the ABI's rights.  The
 * kernel's GDT always holds every entry checked here
 * (arch/x86/kernel/cpu/common.c, gdt_page), so LAR failing is a FAIL; on
 * a hypervisor's GDT an entry it does not copy is a SKIP saying so.
 */
static void check_rights(struct __test_metadata *_metadata, int cpu,
			 const struct want_seg *w)
{
	uint32_t lar = 0, lsl = 0;
	int lar_ok = host_lar(w->sel, &lar), lsl_ok = host_lsl(w->sel, &lsl);
	char what[48], why[256];
	struct dt_seg d;

	if (!lar_ok && !lsl_ok && host_foreign_tables(why, sizeof(why))) {
		ksft_print_msg("%s; it has no %s (0x%x) entry\n", why, w->name,
			       w->sel);
		SKIP(return, "the hypervisor's GDT has no such entry");
	}
	snprintf(what, sizeof(what), "cpu %d %s (0x%x)", cpu, w->name, w->sel);
	DT_CHECK(what, "LAR ZF", lar_ok, 1);
	DT_CHECK(what, "LSL ZF", lsl_ok, 1);
	d = host_lar_as_seg(lar);
	DT_CHECK(what, "type", dt_seg_type(&d), w->type);
	DT_CHECK(what, "S", dt_seg_s(&d), w->s);
	DT_CHECK(what, "DPL", dt_seg_dpl(&d), w->dpl);
	DT_CHECK(what, "P", dt_seg_p(&d), w->p);
	DT_CHECK(what, "AVL", dt_seg_avl(&d), w->avl);
	DT_CHECK(what, "L", dt_seg_l(&d), w->l);
	DT_CHECK(what, "D/B", dt_seg_db(&d), w->db);
	DT_CHECK(what, "G", dt_seg_g(&d), w->g);
	if (w->check_limit)
		DT_CHECK(what, "limit (LSL)", lsl, w->limit);
}

#define RIGHTS_TEST(tag)                                                      \
	TEST_F(percpu, rights_##tag)                                          \
	{                                                                     \
		REQUIRE_PINNED();                                             \
		check_rights(_metadata, variant->cpu, &want_##tag);           \
	}

RIGHTS_TEST(user_cs)
RIGHTS_TEST(user_ds)
RIGHTS_TEST(user32_cs)
RIGHTS_TEST(cpunode)

DT_HARNESS_MAIN

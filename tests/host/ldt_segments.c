// SPDX-License-Identifier: GPL-2.0-only
/*
 * ldt_segments: LDT descriptors written with modify_ldt, read back raw,
 * decoded with the reference decoder, and checked against the CPU.
 *
 * The bases have bits 31:24 >= 0x80: the value for which a decoder that
 * shifts an 8-bit field promoted to signed int sign-extends into bits
 * 63:32.  Three oracles must agree with the reference decode of the raw
 * descriptor: LAR/LSL on the selector, the FS/GS base the CPU loads from
 * it (RDFSBASE/RDGSBASE), and a memory access through GS to a page mapped
 * at the decoded base.
 *
 * In 64-bit mode a MOV to FS or GS still loads the hidden base from the
 * descriptor, but only its 32 bits, zero-extended: the 64-bit FS/GS bases
 * come only from WRFSBASE/WRGSBASE or IA32_FS_BASE/IA32_GS_BASE (SDM Vol.
 * 3A, 3.4.4 "Segment Loading Instructions in IA-32e Mode").  The limit is
 * not checked on the access, so a page at the base is enough.
 *
 * The kernel's rules (arch/x86/kernel/ldt.c write_ldt, fill_ldt): S is
 * always 1 and DPL 3, the accessed bit is always set, L is forced to 0,
 * "contents" 3 (conforming code) is refused unless the segment is not
 * present, mode 1 (the old ABI) refuses it outright and clears AVL,
 * entry numbers stop at 8191, and 16-bit segments need CONFIG_X86_16BIT.
 *
 * One fixture variant per case; each test runs in a process of its own
 * (the harness forks), whose setup writes the case's entry, so no test
 * sees another's LDT and the LDT, FS and GS go with the process.  Each
 * accepted case is two tests: <fixture>.<case>.kernel, the kernel's side
 * (what modify_ldt stored, read back raw and decoded), and
 * <fixture>.<case>.cpu, the CPU's side (LAR, LSL, the load).  The fixture
 * says what the load must do: ldt_load (it loads; the bases and a read
 * through GS are checked), ldt_gp (#GP: the process must die of SIGSEGV)
 * and ldt_np (#NP: SIGBUS), the last two as TEST_F_SIGNAL.  ldt_refused
 * holds the entries the kernel must refuse.  Where user mode runs on a
 * hypervisor's tables (host_foreign_tables) and LAR/LSL find no such
 * entry, the CPU is not reading this LDT: the .cpu test skips.
 */
#include <asm/ldt.h>
#include <asm/prctl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "host.h"

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

#define MARKER 0x5a17c0de5a17c0deull

struct ldt_case {
	int func;		/* modify_ldt function: 0x11, or 1 (old ABI) */
	struct user_desc u;
	int want_err;		/* errno the kernel must return, 0 for none */
	int may_einval;		/* 16-bit: EINVAL when CONFIG_X86_16BIT=n */
	unsigned long bytecount;	/* 0: sizeof(struct user_desc) */
};

/* user_desc: entry, base, limit, seg_32bit, contents, read_exec_only,
 * limit_in_pages, seg_not_present, useable, lm. */
#define UD(e, b, l, d32, c, ro, g, np, av, lm) \
	{ e, b, l, d32, c, ro, g, np, av, lm }

/* ---- the kernel's side -------------------------------------------------- */

/*
 * modify_ldt returns a 32-bit int zero-extended into RAX, so an error comes
 * back as e.g. 0x00000000ffffffea, which glibc's syscall() does not see as
 * one.  Returns the result, or -errno.
 */
static long sys_modify_ldt(int func, void *p, unsigned long n)
{
	long r = syscall(SYS_modify_ldt, func, p, n);

	return r == -1 ? -errno : (long)(int)r;
}

/* The descriptor the kernel must have written (fill_ldt semantics). */
static struct dt_seg wanted_desc(const struct ldt_case *c)
{
	struct dt_seg d = { { 0 } };
	const struct user_desc *u = &c->u;

	dt_seg_set_base(&d, u->base_addr);
	dt_seg_set_limit_raw(&d, u->limit);
	dt_seg_set_type(&d, (uint64_t)((u->read_exec_only ^ 1) << 1 |
				       u->contents << 2 | DT_TYPE_ACCESSED));
	dt_seg_set_s(&d, 1);
	dt_seg_set_dpl(&d, 3);
	dt_seg_set_p(&d, u->seg_not_present ^ 1);
	dt_seg_set_avl(&d, c->func == 1 ? 0 : u->useable);
	dt_seg_set_l(&d, 0);
	dt_seg_set_db(&d, u->seg_32bit);
	dt_seg_set_g(&d, u->limit_in_pages);
	return d;
}

/* Read the whole LDT raw with modify_ldt(0); entry IDX into *D. */
static int read_entry(unsigned idx, struct dt_seg *d)
{
	static uint64_t raw[32];
	long n = sys_modify_ldt(0, raw, sizeof(raw));

	if (n < 0 || (unsigned long)n < (idx + 1) * 8) {
		ksft_print_msg("modify_ldt(0) returned %ld (%s)\n", n,
			       n < 0 ? strerror((int)-n) : "short");
		return 0;
	}
	d->w[0] = raw[idx];
	return 1;
}

/* Map a page at BASE holding MARKER; NULL when the range is taken. */
static void *map_base(uint32_t base)
{
	void *want = (void *)(uintptr_t)(base & ~0xfffu);
	void *p = mmap(want, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED || p != want) {
		if (p != MAP_FAILED)
			munmap(p, 4096);
		return NULL;
	}
	*(uint64_t *)((char *)p + (base & 0xfff)) = MARKER;
	return p;
}

/* What the setup of every case fixture leaves for its tests. */
struct ldt_state {
	long rc;		/* modify_ldt's answer */
	int err;		/* its errno, 0 when it took the entry */
	int read_back;		/* the entry was read back into seen */
	struct dt_seg seen;	/* the raw entry, as the kernel stored it */
	void *page;		/* a page at the entry's base, or NULL */
};

static void write_case(const struct ldt_case *c, struct ldt_state *st)
{
	struct user_desc u = c->u;

	st->rc = sys_modify_ldt(c->func, &u,
				c->bytecount ? c->bytecount : sizeof(u));
	st->err = st->rc < 0 ? (int)-st->rc : 0;
	ksft_print_msg("modify_ldt(0x%x, entry %u, base 0x%x, limit 0x%x) = %ld (%s)\n",
		       c->func, c->u.entry_number, c->u.base_addr, c->u.limit,
		       st->rc, st->err ? strerror(st->err) : "ok");
	if (!st->err) {
		st->read_back = read_entry(c->u.entry_number, &st->seen);
		st->page = map_base(c->u.base_addr);
	}
}

/* A kernel without modify_ldt (CONFIG_MODIFY_LDT_SYSCALL=n, or filtered)
 * has nothing to test here. */
#define REQUIRE_MODIFY_LDT(st, statement)                                     \
	do {                                                                  \
		if ((st)->err == ENOSYS)                                      \
			SKIP(statement, "modify_ldt is not available (CONFIG_MODIFY_LDT_SYSCALL=n or a seccomp filter)"); \
	} while (0)

/*
 * The kernel's side: modify_ldt took the entry and stored, read back raw,
 * exactly the descriptor its rules give.
 */
static void kernel_side(struct __test_metadata *_metadata,
			const struct ldt_case *c, const struct ldt_state *st)
{
	struct dt_seg want = wanted_desc(c);
	const struct dt_seg *seen = &st->seen;

	REQUIRE_MODIFY_LDT(st, return);
	if (c->may_einval && st->err == EINVAL)
		SKIP(return, "kernel refuses 16-bit LDT segments (CONFIG_X86_16BIT=n or Xen PV)");
	if (!DT_CHECK("modify_ldt", "errno", st->err, 0))
		return;
	if (!st->read_back) {
		DT_FAIL_TEST(_metadata);
		return;
	}
	ksft_print_msg("raw descriptor 0x%016llx\n",
		       (unsigned long long)seen->w[0]);
#define CHECK_FIELD(name, word, hi, lo)                                       \
	DT_CHECK("entry", #name, dt_seg_##name(seen), dt_seg_##name(&want));
	DT_SEG_FIELDS(CHECK_FIELD)
#undef CHECK_FIELD
	DT_CHECK("entry", "base (reference decode)", dt_seg_base(seen),
		 dt_seg_base(&want));
	DT_CHECK("entry", "limit (scaled)", dt_seg_limit(seen),
		 dt_seg_limit(&want));
}

/* ---- the CPU's side ----------------------------------------------------- */

static uint16_t case_selector(const struct ldt_case *c)
{
	struct dt_sel sel = dt_sel_make(c->u.entry_number, 1, 3);

	return (uint16_t)sel.w[0];
}

/*
 * MOV to a segment register checks the type (data or readable code, else
 * #GP) before P (else #NP) (SDM Vol. 2B, MOV, protected-mode exceptions).
 * Linux turns #GP into SIGSEGV and #NP into SIGBUS
 * (arch/x86/kernel/traps.c).  The signal a load of D must raise, or 0.
 */
static int load_signal(const struct dt_seg *d)
{
	int code = dt_seg_type(d) & DT_TYPE_CODE;
	int readable = !code || (dt_seg_type(d) & DT_TYPE_CODE_READ);

	return !readable ? SIGSEGV : !dt_seg_p(d) ? SIGBUS : 0;
}

/*
 * Before any load: the entry exists for the CPU (else SKIP on a
 * hypervisor's tables), LAR and LSL give the rights and the scaled limit
 * of the reference decode, and the decode says the load raises WANT_SIG.
 * 1 when the load is to be tried.
 */
static int cpu_checks(struct __test_metadata *_metadata,
		      const struct ldt_case *c, const struct ldt_state *st,
		      int want_sig)
{
	uint16_t selector = case_selector(c);
	const struct dt_seg *seen = &st->seen;
	uint32_t lar = 0, lsl = 0;
	int lar_ok = host_lar(selector, &lar), lsl_ok = host_lsl(selector, &lsl);
	char why[256];

	REQUIRE_MODIFY_LDT(st, return 0);
	if (st->err || !st->read_back) {
		if (c->may_einval && st->err == EINVAL)
			SKIP(return 0, "kernel refuses 16-bit LDT segments (CONFIG_X86_16BIT=n or Xen PV)");
		SKIP(return 0, "not tried: the kernel did not store the entry (see the .kernel test)");
	}
	if (!lar_ok && !lsl_ok && host_foreign_tables(why, sizeof(why))) {
		ksft_print_msg("%s; LAR and LSL find no entry 0x%x\n", why, selector);
		SKIP(return 0, "LAR and LSL find no entry: the CPU does not read this process's LDT");
	}
	ksft_print_msg("selector 0x%x\n", selector);
	DT_CHECK("LAR", "ZF", lar_ok, 1);
	DT_CHECK("LAR", "rights (dword 1 & 0x00f0ff00)", lar & 0x00f0ff00u,
		 dt_bits(seen->w[0], 63, 32) & 0x00f0ff00u);
	DT_CHECK("LSL", "ZF", lsl_ok, 1);
	DT_CHECK("LSL", "limit", lsl, dt_seg_limit(seen));
	return DT_CHECK("MOV GS", "signal the decode says the load raises",
			load_signal(seen), want_sig);
}

static void load_gs(uint16_t sel)
{
	__asm__ volatile("mov %0, %%gs" : : "r"((uint32_t)sel));
}

static int have_fsgsbase(void)
{
	return host_has_fsgsbase_cpuid() &&
	       (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE);
}

/*
 * FS holds glibc's thread pointer: swap it out and back inside one asm
 * block, so no C code runs while FS points at the LDT segment.  Needs
 * FSGSBASE to put the 64-bit base back.
 */
static uint64_t load_fs_base(uint16_t sel)
{
	uint64_t base;

	__asm__ volatile("rdfsbase %%r8\n\t"
			 "mov %%fs, %%r9d\n\t"
			 "mov %1, %%fs\n\t"
			 "rdfsbase %0\n\t"
			 "mov %%r9d, %%fs\n\t"
			 "wrfsbase %%r8"
			 : "=&r"(base)
			 : "r"((uint32_t)sel)
			 : "r8", "r9", "memory");
	return base;
}

/*
 * A segment that loads: GS (and FS) get the decoded base, bits 63:32
 * zero, and GS:0 reads the page mapped at that base.  A fault here kills
 * the test's process: a FAIL the harness reports with the signal.
 */
static void cpu_load(struct __test_metadata *_metadata,
		     const struct ldt_case *c, const struct ldt_state *st)
{
	uint16_t selector = case_selector(c);
	uint64_t base = dt_seg_base(&st->seen), gsbase = 0, via_gs = 0;
	int fsgsbase = have_fsgsbase();

	ksft_print_msg("FSGSBASE: CPUID.7.0:EBX[0] %d, AT_HWCAP2 %d: %s\n",
		       host_has_fsgsbase_cpuid(),
		       !!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE),
		       fsgsbase ? "bases read with RDFSBASE/RDGSBASE" :
				  "base checked only through GS:0");
	if (!cpu_checks(_metadata, c, st, 0))
		return;
	load_gs(selector);
	if (fsgsbase)
		__asm__ volatile("rdgsbase %0" : "=r"(gsbase));
	if (st->page)
		__asm__ volatile("mov %%gs:0, %0" : "=r"(via_gs));
	load_gs(0);
	if (fsgsbase) {
		DT_CHECK("MOV GS", "GS base (RDGSBASE)", gsbase, base);
		DT_CHECK("MOV GS", "GS base bits 63:32 (zero-extended)",
			 dt_bits(gsbase, 63, 32), 0);
		DT_CHECK("MOV FS", "FS base (RDFSBASE)", load_fs_base(selector),
			 base);
	}
	if (st->page)
		DT_CHECK("MOV GS", "quadword at GS:0", via_gs, MARKER);
	else
		ksft_print_msg("no page at 0x%llx, GS:0 not read\n",
			       (unsigned long long)base);
}

/* A segment that must not load: the MOV must kill the process. */
static void cpu_fault(struct __test_metadata *_metadata,
		      const struct ldt_case *c, const struct ldt_state *st,
		      int want_sig)
{
	if (!cpu_checks(_metadata, c, st, want_sig))
		return;
	ksft_print_msg("MOV GS, 0x%x: must raise %s\n", case_selector(c),
		       host_signame(want_sig));
	fflush(stdout);
	load_gs(case_selector(c));
	ksft_print_msg("MOV GS, 0x%x: no fault\n", case_selector(c));
	DT_FAIL_TEST(_metadata);
}

/* ---- the fixtures -------------------------------------------------------- */

/* A fixture of cases: the setup writes the variant's entry. */
#define CASE_FIXTURE_BASE(fixture)                                            \
	FIXTURE(fixture) {                                                    \
		struct ldt_state st;                                          \
	};                                                                    \
	FIXTURE_VARIANT(fixture) {                                            \
		struct ldt_case c;                                            \
	};                                                                    \
	FIXTURE_SETUP(fixture)                                                \
	{                                                                     \
		write_case(&variant->c, &self->st);                           \
	}                                                                     \
	FIXTURE_TEARDOWN(fixture)                                             \
	{                                                                     \
		/* The LDT and the page go with the test's process. */        \
	}

/* ... of entries the kernel takes: <fixture>.<case>.kernel checks it. */
#define CASE_FIXTURE(fixture)                                                 \
	CASE_FIXTURE_BASE(fixture)                                            \
	TEST_F(fixture, kernel)                                               \
	{                                                                     \
		kernel_side(_metadata, &variant->c, &self->st);               \
	}

/* Segments that load. */
CASE_FIXTURE(ldt_load)
TEST_F(ldt_load, cpu)
{
	cpu_load(_metadata, &variant->c, &self->st);
}

FIXTURE_VARIANT_ADD(ldt_load, data_rw_g1) {
	.c = { 0x11, UD(1, 0x9a5c3000, 0xfffff, 1, 0, 0, 1, 0, 0, 0) } };
FIXTURE_VARIANT_ADD(ldt_load, data_ro_g0) {
	.c = { 0x11, UD(2, 0xfe7cf000, 0x00fff, 1, 0, 1, 0, 0, 0, 0) } };
FIXTURE_VARIANT_ADD(ldt_load, data_rw_expdown) {
	.c = { 0x11, UD(3, 0x80000000, 0x00010, 1, 1, 0, 0, 0, 0, 0) } };
FIXTURE_VARIANT_ADD(ldt_load, data_ro_expdown_g1) {
	.c = { 0x11, UD(4, 0xc0de1000, 0x7ffff, 1, 1, 1, 1, 0, 0, 0) } };
FIXTURE_VARIANT_ADD(ldt_load, data_base_below_0x80) {
	.c = { 0x11, UD(5, 0x7f3e2000, 0xfffff, 1, 0, 0, 1, 0, 0, 0) } };
FIXTURE_VARIANT_ADD(ldt_load, data_avl_lm_ignored) {
	.c = { 0x11, UD(6, 0xb3a00000, 0x12345, 1, 0, 0, 0, 0, 1, 1) } };
FIXTURE_VARIANT_ADD(ldt_load, data_16bit) {
	.c = { 0x11, UD(7, 0x8badf000, 0x0ffff, 0, 0, 0, 0, 0, 0, 0), 0, 1 } };
FIXTURE_VARIANT_ADD(ldt_load, code_er_g1) {
	.c = { 0x11, UD(9, 0xa0b0c000, 0xfffff, 1, 2, 0, 1, 0, 0, 0) } };
FIXTURE_VARIANT_ADD(ldt_load, data_base_0xff000000) {
	.c = { 0x11, UD(15, 0xff000000, 0x00000, 1, 0, 0, 1, 0, 0, 0) } };
FIXTURE_VARIANT_ADD(ldt_load, oldabi_data_avl_cleared) {
	.c = { 1, UD(12, 0xe1e2e000, 0x0ffff, 1, 0, 0, 0, 0, 1, 0) } };

/* Execute-only code: the load raises #GP, SIGSEGV. */
CASE_FIXTURE(ldt_gp)
TEST_F_SIGNAL(ldt_gp, cpu, SIGSEGV)
{
	cpu_fault(_metadata, &variant->c, &self->st, SIGSEGV);
}

FIXTURE_VARIANT_ADD(ldt_gp, code_exec_only) {
	.c = { 0x11, UD(10, 0xf00d0000, 0x0ffff, 1, 2, 1, 0, 0, 0, 0) } };
FIXTURE_VARIANT_ADD(ldt_gp, code_conforming_xo_not_present) {
	.c = { 0x11, UD(14, 0x91000000, 0x00fff, 1, 3, 1, 0, 1, 0, 0) } };

/* Not present (and loadable by type): the load raises #NP, SIGBUS. */
CASE_FIXTURE(ldt_np)
TEST_F_SIGNAL(ldt_np, cpu, SIGBUS)
{
	cpu_fault(_metadata, &variant->c, &self->st, SIGBUS);
}

FIXTURE_VARIANT_ADD(ldt_np, data_not_present) {
	.c = { 0x11, UD(8, 0xdead0000, 0xfffff, 1, 0, 0, 1, 1, 0, 0) } };
FIXTURE_VARIANT_ADD(ldt_np, code_conforming_not_present) {
	.c = { 0x11, UD(11, 0x90000000, 0xfffff, 1, 3, 0, 1, 1, 0, 0) } };

/* Entries the kernel must refuse, with the errno it must give. */
CASE_FIXTURE_BASE(ldt_refused)

TEST_F(ldt_refused, kernel)
{
	REQUIRE_MODIFY_LDT(&self->st, return);
	DT_CHECK("modify_ldt", "errno", self->st.err, variant->c.want_err);
}

FIXTURE_VARIANT_ADD(ldt_refused, conforming_present) {
	.c = { 0x11, UD(16, 0x90000000, 0xfffff, 1, 3, 0, 1, 0, 0, 0), EINVAL } };
FIXTURE_VARIANT_ADD(ldt_refused, oldabi_conforming) {
	.c = { 1, UD(16, 0x90000000, 0xfffff, 1, 3, 0, 1, 1, 0, 0), EINVAL } };
FIXTURE_VARIANT_ADD(ldt_refused, entry_8192) {
	.c = { 0x11, UD(8192, 0x90000000, 0xfffff, 1, 0, 0, 1, 0, 0, 0), EINVAL } };
FIXTURE_VARIANT_ADD(ldt_refused, bytecount) {
	.c = { 0x11, UD(1, 0x9a5c3000, 0xfffff, 1, 0, 0, 1, 0, 0, 0), EINVAL, 0,
	       sizeof(struct user_desc) - 1 } };

DT_HARNESS_MAIN

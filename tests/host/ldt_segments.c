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
 * Each accepted case is two results: <name>, the kernel's side (what
 * modify_ldt stored, decoded), and <name>_cpu, the CPU's side (LAR, LSL,
 * the loads).  Where user mode runs on a hypervisor's tables
 * (host_foreign_tables) and LAR/LSL find no such entry, the CPU is not
 * reading this LDT: <name>_cpu skips.
 *
 * FS, GS and the LDT are restored on every path; the LDT is left empty.
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
	const char *name;
	int func;		/* modify_ldt function: 0x11, or 1 (old ABI) */
	struct user_desc u;
	int want_err;		/* errno the kernel must return, 0 for none */
	int may_einval;		/* 16-bit: EINVAL when CONFIG_X86_16BIT=n */
};

/* user_desc: entry, base, limit, seg_32bit, contents, read_exec_only,
 * limit_in_pages, seg_not_present, useable, lm. */
#define UD(e, b, l, d32, c, ro, g, np, av, lm) \
	{ e, b, l, d32, c, ro, g, np, av, lm }

static const struct ldt_case cases[] = {
	{ "data_rw_g1", 0x11, UD(1, 0x9a5c3000, 0xfffff, 1, 0, 0, 1, 0, 0, 0), 0, 0 },
	{ "data_ro_g0", 0x11, UD(2, 0xfe7cf000, 0x00fff, 1, 0, 1, 0, 0, 0, 0), 0, 0 },
	{ "data_rw_expdown", 0x11, UD(3, 0x80000000, 0x00010, 1, 1, 0, 0, 0, 0, 0), 0, 0 },
	{ "data_ro_expdown_g1", 0x11, UD(4, 0xc0de1000, 0x7ffff, 1, 1, 1, 1, 0, 0, 0), 0, 0 },
	{ "data_base_below_0x80", 0x11, UD(5, 0x7f3e2000, 0xfffff, 1, 0, 0, 1, 0, 0, 0), 0, 0 },
	{ "data_avl_lm_ignored", 0x11, UD(6, 0xb3a00000, 0x12345, 1, 0, 0, 0, 0, 1, 1), 0, 0 },
	{ "data_16bit", 0x11, UD(7, 0x8badf000, 0x0ffff, 0, 0, 0, 0, 0, 0, 0), 0, 1 },
	{ "data_not_present", 0x11, UD(8, 0xdead0000, 0xfffff, 1, 0, 0, 1, 1, 0, 0), 0, 0 },
	{ "code_er_g1", 0x11, UD(9, 0xa0b0c000, 0xfffff, 1, 2, 0, 1, 0, 0, 0), 0, 0 },
	{ "code_exec_only", 0x11, UD(10, 0xf00d0000, 0x0ffff, 1, 2, 1, 0, 0, 0, 0), 0, 0 },
	{ "code_conforming_not_present", 0x11, UD(11, 0x90000000, 0xfffff, 1, 3, 0, 1, 1, 0, 0), 0, 0 },
	{ "code_conforming_xo_not_present", 0x11, UD(14, 0x91000000, 0x00fff, 1, 3, 1, 0, 1, 0, 0), 0, 0 },
	{ "data_base_0xff000000", 0x11, UD(15, 0xff000000, 0x00000, 1, 0, 0, 1, 0, 0, 0), 0, 0 },
	{ "oldabi_data_avl_cleared", 1, UD(12, 0xe1e2e000, 0x0ffff, 1, 0, 0, 0, 0, 1, 0), 0, 0 },
	/* Refusals. */
	{ "refuse_conforming_present", 0x11, UD(16, 0x90000000, 0xfffff, 1, 3, 0, 1, 0, 0, 0), EINVAL, 0 },
	{ "refuse_oldabi_conforming", 1, UD(16, 0x90000000, 0xfffff, 1, 3, 0, 1, 1, 0, 0), EINVAL, 0 },
	{ "refuse_entry_8192", 0x11, UD(8192, 0x90000000, 0xfffff, 1, 0, 0, 1, 0, 0, 0), EINVAL, 0 },
};
#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

static int fsgsbase;		/* CR4.FSGSBASE on: RDFSBASE/RDGSBASE usable */
static unsigned long saved_gsbase;
/* Set when user mode runs on tables a hypervisor placed
 * (host_foreign_tables): an entry LAR/LSL cannot find is then a SKIP. */
static int foreign;
static char foreign_why[256];

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

static int check_fields(const char *what, const struct dt_seg *seen,
			const struct dt_seg *want)
{
	int ok = 1;

#define CHECK_FIELD(name, word, hi, lo)                                      \
	ok &= host_check(what, #name, dt_seg_##name(seen), dt_seg_##name(want));
	DT_SEG_FIELDS(CHECK_FIELD)
#undef CHECK_FIELD
	ok &= host_check(what, "base (reference decode)", dt_seg_base(seen),
			 dt_seg_base(want));
	ok &= host_check(what, "limit (scaled)", dt_seg_limit(seen),
			 dt_seg_limit(want));
	return ok;
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

/* ---- the CPU as oracle -------------------------------------------------- */

struct seg_load {
	int sig;		/* signal raised by the load or the access */
	uint64_t gsbase;	/* RDGSBASE after MOV GS (FSGSBASE only) */
	uint64_t fsbase;	/* RDFSBASE after MOV FS (FSGSBASE only) */
	uint64_t via_gs;	/* quadword read at GS:0 */
};

static void restore_gs(void)
{
	__asm__ volatile("mov %0, %%gs" : : "r"(0));
	if (fsgsbase)
		__asm__ volatile("wrgsbase %0" : : "r"(saved_gsbase));
	else if (syscall(SYS_arch_prctl, ARCH_SET_GS, saved_gsbase))
		ksft_print_msg("arch_prctl(ARCH_SET_GS): %s\n", strerror(errno));
}

static __attribute__((noinline)) void load_gs(uint16_t sel, int read_mem,
					      struct seg_load *r)
{
	__asm__ volatile("mov %0, %%gs" : : "r"((uint32_t)sel));
	if (fsgsbase)
		__asm__ volatile("rdgsbase %0" : "=r"(r->gsbase));
	if (read_mem)
		__asm__ volatile("mov %%gs:0, %0" : "=r"(r->via_gs));
}

/*
 * FS holds glibc's thread pointer: swap it out and back inside one asm
 * block, so no C code runs while FS points at the LDT segment.  Needs
 * FSGSBASE to put the 64-bit base back.
 */
static void load_fs(uint16_t sel, struct seg_load *r)
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
	r->fsbase = base;
}

static void cpu_load(uint16_t sel, int read_mem, int try_fs,
		     struct seg_load *r)
{
	static struct seg_load res;

	memset(&res, 0, sizeof(res));
	res.sig = HOST_TRY();
	if (!res.sig) {
		load_gs(sel, read_mem, &res);
		host_try_end();
		if (try_fs)
			load_fs(sel, &res);
	}
	restore_gs();
	*r = res;
}

/* ---- one case ----------------------------------------------------------- */

/*
 * The kernel's side, one KTAP result <name>: modify_ldt's answer, and for
 * an accepted entry the raw descriptor read back through the reference
 * decoder.  1 with *seen set when the CPU's side can be tried.
 */
static int kernel_case(const struct ldt_case *c, struct dt_seg *seen)
{
	struct user_desc u = c->u;
	struct dt_seg want = wanted_desc(c);
	long rc;
	int err;

	rc = sys_modify_ldt(c->func, &u, sizeof(u));
	err = rc < 0 ? (int)-rc : 0;
	ksft_print_msg("%s: modify_ldt(0x%x, entry %u, base 0x%x, limit 0x%x) = %ld (%s)\n",
		       c->name, c->func, c->u.entry_number, c->u.base_addr,
		       c->u.limit, rc, err ? strerror(err) : "ok");
	if (c->want_err) {
		ksft_test_result(host_check(c->name, "errno", (uint64_t)err,
					    (uint64_t)c->want_err),
				 "%s\n", c->name);
		return 0;
	}
	if (c->may_einval && err == EINVAL) {
		host_result_skip("%s: kernel refuses 16-bit LDT segments (CONFIG_X86_16BIT=n or Xen PV)\n",
				 c->name);
		host_result_skip("%s_cpu: kernel refuses 16-bit LDT segments (CONFIG_X86_16BIT=n or Xen PV)\n",
				 c->name);
		return 0;
	}
	if (!host_check(c->name, "errno", (uint64_t)err, 0)) {
		ksft_test_result_fail("%s\n", c->name);
		host_result_skip("%s_cpu: not tried: the kernel refused the entry (see %s)\n",
				 c->name, c->name);
		return 0;
	}
	if (!read_entry(u.entry_number, seen)) {
		ksft_test_result_fail("%s\n", c->name);
		host_result_skip("%s_cpu: not tried: the entry could not be read back (see %s)\n",
				 c->name, c->name);
		return 0;
	}
	ksft_print_msg("%s: raw descriptor 0x%016llx\n", c->name,
		       (unsigned long long)seen->w[0]);
	/* The CPU must agree with what the kernel stored, right or wrong. */
	ksft_test_result(check_fields(c->name, seen, &want), "%s\n", c->name);
	return 1;
}

/*
 * The CPU's side, one KTAP result <name>_cpu: LAR, LSL and a segment load
 * of the selector must agree with the reference decode of the raw entry.
 */
static void cpu_case(const struct ldt_case *c, const struct dt_seg *seen,
		     void *page_for_base)
{
	struct dt_sel sel = dt_sel_make(c->u.entry_number, 1, 3);
	uint16_t selector = (uint16_t)sel.w[0];
	uint32_t lar = 0, lsl = 0;
	int lar_ok = host_lar(selector, &lar), lsl_ok = host_lsl(selector, &lsl);
	int ok = 1;

	if (foreign && !lar_ok && !lsl_ok) {
		host_result_skip("%s_cpu: %s; LAR and LSL find no entry 0x%x: the CPU does not read this process's LDT\n",
				 c->name, foreign_why, selector);
		return;
	}
	ksft_print_msg("%s_cpu: selector 0x%x\n", c->name, selector);

	/* 1. LAR and LSL: same rights and scaled limit as the decode. */
	ok &= host_check(c->name, "LAR ZF", (uint64_t)lar_ok, 1);
	ok &= host_check(c->name, "LAR rights (dword 1 & 0x00f0ff00)",
			 lar & 0x00f0ff00u,
			 dt_bits(seen->w[0], 63, 32) & 0x00f0ff00u);
	ok &= host_check(c->name, "LSL ZF", (uint64_t)lsl_ok, 1);
	ok &= host_check(c->name, "LSL limit", lsl, dt_seg_limit(seen));

	/* 2. Load it: data and readable code load; the rest fault. */
	{
		int code = dt_seg_type(seen) & DT_TYPE_CODE;
		int readable = !code || (dt_seg_type(seen) & DT_TYPE_CODE_READ);
		int present = (int)dt_seg_p(seen);
		/*
		 * MOV to a segment register checks the type (data or
		 * readable code, else #GP) before P (else #NP) (SDM Vol. 2B,
		 * MOV, protected-mode exceptions).  Linux turns #GP into
		 * SIGSEGV and #NP into SIGBUS (arch/x86/kernel/traps.c).
		 */
		int want_sig = !readable ? SIGSEGV : !present ? SIGBUS : 0;
		struct seg_load r;
		uint64_t base = dt_seg_base(seen);

		cpu_load(selector, page_for_base != NULL && !want_sig,
			 fsgsbase && !want_sig, &r);
		ok &= host_check(c->name, "signal on MOV GS or the GS:0 read", (uint64_t)r.sig,
				 (uint64_t)want_sig);
		if (!want_sig && !r.sig) {
			if (fsgsbase) {
				ok &= host_check(c->name, "GS base (RDGSBASE)",
						 r.gsbase, base);
				ok &= host_check(c->name,
						 "GS base bits 63:32 (zero-extended)",
						 dt_bits(r.gsbase, 63, 32), 0);
				ok &= host_check(c->name, "FS base (RDFSBASE)",
						 r.fsbase, base);
			}
			if (page_for_base)
				ok &= host_check(c->name, "quadword at GS:0",
						 r.via_gs, MARKER);
			else
				ksft_print_msg("%s: no page at 0x%llx, GS:0 not read\n",
					       c->name, (unsigned long long)base);
		}
	}
	ksft_test_result(ok, "%s_cpu\n", c->name);
}

static void run_case(const struct ldt_case *c, void *page_for_base)
{
	struct dt_seg seen = { { 0 } };

	if (kernel_case(c, &seen))
		cpu_case(c, &seen, page_for_base);
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

static void clear_ldt(void)
{
	for (int i = 0; i < NCASES; i++) {
		struct user_desc e = { .entry_number = cases[i].u.entry_number,
				       .read_exec_only = 1,
				       .seg_not_present = 1 };

		long rc = e.entry_number < LDT_ENTRIES ?
			  sys_modify_ldt(0x11, &e, sizeof(e)) : 0;

		if (rc)
			ksft_print_msg("clearing LDT entry %u: %s\n",
				       e.entry_number, strerror((int)-rc));
	}
}

int main(void)
{
	struct user_desc probe = { 0 };
	void *pages[NCASES];
	int hw = host_has_fsgsbase_cpuid();

	ksft_print_header();
	fsgsbase = hw && (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE);
	ksft_print_msg("FSGSBASE: CPUID.7.0:EBX[0] %d, AT_HWCAP2 %d: %s\n",
		       hw, !!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE),
		       fsgsbase ? "bases read with RDFSBASE/RDGSBASE" :
				  "bases checked only through GS:0");
	if (syscall(SYS_arch_prctl, ARCH_GET_GS, &saved_gsbase))
		ksft_exit_fail_msg("arch_prctl(ARCH_GET_GS): %s\n",
				   strerror(errno));
	if (sys_modify_ldt(0, &probe, sizeof(probe)) == -ENOSYS)
		ksft_exit_skip("modify_ldt is not available (CONFIG_MODIFY_LDT_SYSCALL=n or filtered)\n");
	host_try_install();
	foreign = host_foreign_tables(foreign_why, sizeof(foreign_why));
	/* Each accepted case is two tests, each refusal one; then the
	 * wrong bytecount. */
	{
		unsigned int n = 1;

		for (int i = 0; i < NCASES; i++)
			n += cases[i].want_err ? 1 : 2;
		ksft_set_plan(n);
	}

	for (int i = 0; i < NCASES; i++) {
		pages[i] = cases[i].want_err ? NULL : map_base(cases[i].u.base_addr);
		run_case(&cases[i], pages[i]);
	}

	{
		struct user_desc u = cases[0].u;
		long rc = sys_modify_ldt(0x11, &u, sizeof(u) - 1);

		ksft_test_result(host_check("refuse_bytecount", "errno",
					    rc < 0 ? (uint64_t)-rc : 0, EINVAL),
				 "refuse_bytecount\n");
	}

	clear_ldt();
	for (int i = 0; i < NCASES; i++)
		if (pages[i])
			munmap(pages[i], 4096);
	ksft_finished();
}

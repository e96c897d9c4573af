// SPDX-License-Identifier: GPL-2.0-only
/*
 * umip: what SGDT, SIDT, SLDT, STR and SMSW give a user-mode process, checked
 * against the per-kernel-version table configs/umip-expect.tsv.
 *
 * With CR4.UMIP = 1 these instructions raise #GP at CPL 3 (SDM Vol. 3A,
 * 2.5 "Control Registers", CR4.UMIP) and Linux either spoofs a fixed result
 * or delivers SIGSEGV, depending on the kernel version.  Without UMIP the
 * CPU stores the real registers: then SGDT must give a kernel-half address
 * that differs between CPUs, since every CPU has its own GDT.
 *
 * Built twice: as a 64-bit program (host/umip) and, where gcc-multilib is
 * installed, as a 32-bit compat program (host/umip_32), which the table
 * covers with its abi column.
 *
 * One harness test per instruction form (umip.<insn>), each in a process
 * of its own.  Whether an instruction faults is the table's to say, per
 * kernel, so the faults are trapped (HOST_TRY) rather than declared with
 * TEST_SIGNAL.  The table: $DESCTEST_UMIP_TABLE if set, else
 * umip-expect.tsv beside the binary, else the source tree's, else the
 * copy built in.  Usage: umip [-l] [-t TEST | -T TEST]...
 */
#include <asm/ldt.h>
#include <limits.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "host.h"
#include "umip_table.h"

#ifdef __x86_64__
#define ABI 64
#define BASE_BYTES 8
#else
#define ABI 32
#define BASE_BYTES 4
#endif
/* Lowest kernel-half address with 48-bit (or 57-bit) linear addresses. */
#define KERNEL_HALF_START 0xffff800000000000ull

/* x86-64 Linux: GDT_ENTRIES = 16 descriptors, 256 16-byte IDT gates. */
#define NATIVE_GDT_LIMIT 0x7f
#define NATIVE_IDT_LIMIT 0xfff
#define NATIVE_TR 0x40		/* GDT_ENTRY_TSS * 8 */
#define NATIVE_LDTR_SET 0x50	/* GDT_ENTRY_LDT * 8 */
/* CR0.PE (bit 0) and CR0.PG (bit 31) are set in any paged protected mode;
 * the memory form of SMSW stores only bits 15:0. */
#define CR0_PE_PG 0x80000001ull
#define CR0_PE 0x1ull

/* The table as built, for installed copies that have no file beside them. */
__asm__(".pushsection .rodata\n"
	".globl umip_table_builtin\n"
	"umip_table_builtin:\n"
	".incbin \"" UMIP_TABLE_SRC "\"\n"
	".byte 0\n"
	".popsection\n");
extern const char umip_table_builtin[];

/* What every test needs: the table, the kernel's version and whether
 * the kernel runs with UMIP on. */
FIXTURE(umip) {
	int ready;		/* the setup completed */
	struct umip_table table;
	long kversion;
	int cpuid, flag;	/* CPUID.7.0:ECX[2]; the cpuinfo flag, -1 unread */
	int umip_on;
};

/* ---- one execution of each instruction --------------------------------- */

struct umip_seen {
	int sig;		/* 0, SIGSEGV or SIGBUS */
	uint64_t base, limit, value;
	int has_guard;		/* memory form: guard bytes follow the image */
	uint64_t guard;		/* bytes past the stored image, must stay */
};

#define GUARD_BYTE 0xa5
#define GUARD_WORD 0xa5a5a5a5a5a5a5a5ull

/*
 * Execute INSN once.  Memory forms store into BUF; register forms return
 * the destination register, which starts as GUARD_WORD.  Kept apart from
 * the sigsetjmp caller so that nothing it changes lives across a jump.
 */
static __attribute__((noinline)) unsigned long exec_insn(const char *insn,
							  unsigned char *buf)
{
	unsigned long reg = (unsigned long)GUARD_WORD;

	if (!strcmp(insn, "sgdt"))
		__asm__ volatile("sgdt %0" : "=m"(*(char(*)[10])buf));
	else if (!strcmp(insn, "sidt"))
		__asm__ volatile("sidt %0" : "=m"(*(char(*)[10])buf));
#ifdef __x86_64__
	/*
	 * Full-width destinations: the REX.W forms, spelled as bytes since
	 * gas drops REX.W from "sldt %rax" and "str %rax".
	 */
	else if (!strcmp(insn, "sldt") || !strcmp(insn, "sldt-ldt"))
		__asm__ volatile(".byte 0x48, 0x0f, 0x00, 0xc0" /* sldt %%rax */
				 : "+a"(reg));
	else if (!strcmp(insn, "str"))
		__asm__ volatile(".byte 0x48, 0x0f, 0x00, 0xc8" /* str %%rax */
				 : "+a"(reg));
	/* 32-bit destination: the CPU zero-extends it to 64 bits. */
	else if (!strcmp(insn, "str-r32"))
		__asm__ volatile("str %k0" : "+r"(reg));
#else
	else if (!strcmp(insn, "sldt") || !strcmp(insn, "sldt-ldt"))
		__asm__ volatile("sldt %0" : "+r"(reg));
	else if (!strcmp(insn, "str"))
		__asm__ volatile("str %0" : "+r"(reg));
#endif
	else if (!strcmp(insn, "smsw-reg"))
		__asm__ volatile("smsw %0" : "+r"(reg));
	else if (!strcmp(insn, "smsw-mem"))
		__asm__ volatile("smsww %0" : "=m"(*(uint16_t *)buf));
	return reg;
}

static void run_table_insn(const char *insn, struct umip_seen *s)
{
	/* 10-byte pseudo-descriptor image plus 8 guard bytes. */
	static unsigned char buf[18] __attribute__((aligned(16)));
	static unsigned long reg;

	memset(buf, GUARD_BYTE, sizeof(buf));
	memset(s, 0, sizeof(*s));
	HOST_TRY(s->sig)
		reg = exec_insn(insn, buf);
	if (s->sig)
		return;

	if (!strcmp(insn, "sgdt") || !strcmp(insn, "sidt")) {
		struct dt_pseudo_desc pd;
		uint64_t base = 0;

		memcpy(&pd, buf, sizeof(pd));
		/* A compat process gets limit + 4 base bytes (SDM: SGDT). */
		memcpy(&base, buf + 2, BASE_BYTES);
		s->limit = pd.limit;
		s->base = base;
		memcpy(&s->guard, buf + 2 + BASE_BYTES, 8);
		s->has_guard = 1;
	} else if (!strcmp(insn, "smsw-mem")) {
		uint16_t v;

		memcpy(&v, buf, 2);
		s->value = v;
		memcpy(&s->guard, buf + 2, 8);
		s->has_guard = 1;
	} else {
		s->value = reg;
	}
}

/* ---- checks ------------------------------------------------------------ */

/* The table's row: 1 when every value it gives was seen. */
static int check_row(const char *insn, const struct umip_row *r,
		     const struct umip_seen *s)
{
	int ok = 1;

	ksft_print_msg("%s: expectation from table line %d\n", insn, r->line);
	if (r->outcome == UMIP_SIGSEGV)
		return dt_check_eq(insn, "signal", (uint64_t)s->sig, SIGSEGV);
	ok &= dt_check_eq(insn, "signal", (uint64_t)s->sig, 0);
	if (s->sig)
		return 0;
	if (r->has_base)
		ok &= dt_check_eq(insn, "base", s->base, r->base);
	if (r->has_limit)
		ok &= dt_check_eq(insn, "limit", s->limit, r->limit);
	if (r->has_value)
		ok &= dt_check_eq(insn, "value", s->value, r->value);
	if (s->has_guard)
		ok &= dt_check_eq(insn, "guard bytes past the stored image",
				  s->guard, GUARD_WORD);
	return ok;
}

/* The CPU's real values: only what every x86-64 Linux must show. */
static int check_native(const char *what, const char *insn,
			const struct umip_seen *s)
{
	int ok = dt_check_eq(what, "signal", (uint64_t)s->sig, 0);

	if (s->sig)
		return 0;
	if (!strcmp(insn, "sgdt") || !strcmp(insn, "sidt")) {
		ok &= dt_check_eq(what, "limit", s->limit,
				  !strcmp(insn, "sgdt") ? NATIVE_GDT_LIMIT :
							  NATIVE_IDT_LIMIT);
#ifdef __x86_64__
		/* A compat process gets only base 31:0: nothing to check. */
		ok &= dt_check_eq(what, "base >= 0xffff800000000000",
				  s->base >= KERNEL_HALF_START, 1);
#endif
	} else if (!strcmp(insn, "str")) {
		ok &= dt_check_eq(what, "TR selector", s->value, NATIVE_TR);
	} else if (!strcmp(insn, "sldt")) {
		ok &= dt_check_eq(what, "LDTR selector", s->value, 0);
	} else if (!strcmp(insn, "sldt-ldt")) {
		ok &= dt_check_eq(what, "LDTR selector", s->value,
				  NATIVE_LDTR_SET);
	} else if (!strcmp(insn, "smsw-mem")) {
		ok &= dt_check_eq(what, "CR0.PE", s->value & CR0_PE, CR0_PE);
	} else {
		ok &= dt_check_eq(what, "CR0.PE|CR0.PG", s->value & CR0_PE_PG,
				  CR0_PE_PG);
	}
	if (s->has_guard)
		ok &= dt_check_eq(what, "guard bytes past the stored image",
				  s->guard, GUARD_WORD);
	return ok;
}

static const struct umip_row *
expect_for(const FIXTURE_DATA(umip) *self, const char *insn)
{
	static const struct umip_row native = { .outcome = UMIP_NATIVE };

	if (!self->umip_on)
		return &native;
	return umip_table_find(&self->table, self->kversion, ABI, insn);
}

/* The older harness runs a test even after its setup failed. */
#define REQUIRE_READY()                                                       \
	do {                                                                  \
		if (!self->ready)                                             \
			return;                                               \
	} while (0)

/* One instruction form against the table (or the native rules). */
static void test_insn(struct __test_metadata *_metadata,
		      const FIXTURE_DATA(umip) *self, const char *insn)
{
	const struct umip_row *r = expect_for(self, insn);
	struct umip_seen s;

	if (!r) {
		ksft_print_msg("no row in %s for kernel %ld.%ld abi %d; add one\n",
			       self->table.origin, self->kversion / 1000,
			       self->kversion % 1000, ABI);
		SKIP(return, "no row in the UMIP table for this kernel; add one");
	}
	run_table_insn(insn, &s);
	ksft_print_msg("%s: raised %s\n", insn, host_signame(s.sig));
	if (!(r->outcome == UMIP_NATIVE ? check_native(insn, insn, &s) :
					  check_row(insn, r, &s)))
		DT_FAIL_TEST(_metadata);
}

static int ldt_write(const struct user_desc *d)
{
	return (int)syscall(SYS_modify_ldt, 0x11, d, sizeof(*d));
}

/* ---- table loading ----------------------------------------------------- */

static int read_file(const char *path, char **text)
{
	FILE *f = fopen(path, "r");
	long len;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EIO;
	}
	*text = malloc((size_t)len + 1);
	if (!*text || fread(*text, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(*text);
		return -EIO;
	}
	(*text)[len] = 0;
	fclose(f);
	return 0;
}

/*
 * $DESCTEST_UMIP_TABLE if set; else umip-expect.tsv beside the binary;
 * else the source tree's configs/umip-expect.tsv; else the copy built in.
 * 0, or -1 after saying what is wrong.
 */
static int load_table(struct umip_table *table)
{
	const char *opt = getenv("DESCTEST_UMIP_TABLE");
	char exe[PATH_MAX], cand[PATH_MAX + 32], err[1024];
	char *text = NULL;
	ssize_t len;

	if (opt && *opt) {
		int e = read_file(opt, &text);

		if (e) {
			ksft_print_msg("DESCTEST_UMIP_TABLE=%s: %s; give the path of configs/umip-expect.tsv\n",
				       opt, strerror(-e));
			return -1;
		}
		snprintf(table->origin, sizeof(table->origin), "%s", opt);
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (!text && len > 0) {
		exe[len] = 0;
		*strrchr(exe, '/') = 0;
		snprintf(cand, sizeof(cand), "%s/umip-expect.tsv", exe);
		if (!read_file(cand, &text))
			snprintf(table->origin, sizeof(table->origin), "%.500s",
				 cand);
	}
	if (!text && !read_file(UMIP_TABLE_SRC, &text))
		snprintf(table->origin, sizeof(table->origin), "%s",
			 UMIP_TABLE_SRC);
	if (!text) {
		text = strdup(umip_table_builtin);
		snprintf(table->origin, sizeof(table->origin),
			 "built-in copy of %s", UMIP_TABLE_SRC);
	}
	if (!text || umip_table_parse(table, text, err, sizeof(err))) {
		ksft_print_msg("%s; fix the table or set DESCTEST_UMIP_TABLE=PATH\n",
			       text ? err : "out of memory");
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

static long kernel_version(void)
{
	struct utsname u;
	unsigned major, minor;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return -1;
	return (long)major * 1000 + minor;
}

/*
 * CPUID says whether the CPU has UMIP; the kernel lists "umip" in
 * /proc/cpuinfo only when it knows the feature and has not been told to
 * hide it (clearcpuid=umip, CONFIG_X86_UMIP=n).  CR4 itself cannot be read
 * at CPL 3.  The kernel's view decides which results to expect; with
 * /proc unreadable, CPUID's.
 */
FIXTURE_SETUP(umip)
{
	int err;

	self->kversion = kernel_version();
	if (self->kversion < 0) {
		ksft_print_msg("cannot parse the kernel release from uname()\n");
		DT_FAIL_TEST(_metadata);
		return;
	}
	if (load_table(&self->table)) {
		DT_FAIL_TEST(_metadata);
		return;
	}
	err = host_try_install();
	if (err) {
		ksft_print_msg("sigaction(SIGSEGV/SIGBUS): %s\n", strerror(-err));
		DT_FAIL_TEST(_metadata);
		return;
	}
	self->cpuid = host_has_umip();
	self->flag = host_cpuinfo_flag("umip");
	self->umip_on = self->flag < 0 ? self->cpuid :
					 self->cpuid && self->flag == 1;
	self->ready = 1;
}

FIXTURE_TEARDOWN(umip)
{
}

/* ---- the tests ---------------------------------------------------------- */

TEST_F(umip, detect)
{
	REQUIRE_READY();
	ksft_print_msg("umip table: %s (%d rows); kernel %ld.%ld; %d-bit process\n",
		       self->table.origin, self->table.n,
		       self->kversion / 1000, self->kversion % 1000, ABI);
	ksft_print_msg("UMIP: CPUID.7.0:ECX[2] %d, /proc/cpuinfo flag %d\n",
		       self->cpuid, self->flag);
	if (self->umip_on && self->kversion < 4015)
		ksft_print_msg("kernel %ld.%ld predates UMIP support: expecting native results\n",
			       self->kversion / 1000, self->kversion % 1000);
	if (self->flag < 0)
		SKIP(return, "/proc/cpuinfo unreadable (mount /proc); trusting CPUID");
	if (self->cpuid && !self->flag)
		SKIP(return, "CPU has UMIP but the kernel does not use it (clearcpuid=umip, CONFIG_X86_UMIP=n or kernel < 4.15): expecting native results");
	DT_CHECK("umip_detect", "cpuinfo umip flag", self->flag, self->cpuid);
}

/* Before any LDT exists in this process: each test is a fresh fork. */
TEST_F(umip, sgdt) { REQUIRE_READY(); test_insn(_metadata, self, "sgdt"); }
TEST_F(umip, sidt) { REQUIRE_READY(); test_insn(_metadata, self, "sidt"); }
TEST_F(umip, sldt) { REQUIRE_READY(); test_insn(_metadata, self, "sldt"); }
TEST_F(umip, str) { REQUIRE_READY(); test_insn(_metadata, self, "str"); }
TEST_F(umip, smsw_reg) { REQUIRE_READY(); test_insn(_metadata, self, "smsw-reg"); }
TEST_F(umip, smsw_mem) { REQUIRE_READY(); test_insn(_metadata, self, "smsw-mem"); }

#ifdef __x86_64__
/*
 * STR to a 32-bit register in a 64-bit process: the CPU zero-extends any
 * 32-bit register result into bits 63:32 (SDM Vol. 1, 3.4.1.1).  The
 * kernel's spoof copies only the operand's 4 bytes into the saved register
 * and keeps whatever bits 63:32 held: a known deviation, reported XFAIL
 * when it has exactly that shape.
 */
TEST_F(umip, str_r32)
{
	const struct umip_row *r;
	struct umip_seen s;
	uint64_t want;

	REQUIRE_READY();
	r = expect_for(self, "str");
	if (!r) {
		ksft_print_msg("no str row in %s for kernel %ld.%ld abi %d; add one\n",
			       self->table.origin, self->kversion / 1000,
			       self->kversion % 1000, ABI);
		SKIP(return, "no str row in the UMIP table for this kernel; add one");
	}
	if (r->outcome == UMIP_SIGSEGV ||
	    (r->outcome == UMIP_VALUE && !r->has_value)) {
		ksft_print_msg("str: table row %s line %d\n", self->table.origin, r->line);
		SKIP(return, "this kernel does not spoof STR (its UMIP table row says so)");
	}
	want = r->outcome == UMIP_NATIVE ? NATIVE_TR : r->value;
	run_table_insn("str-r32", &s);
	if (dt_check_eq("str-r32", "signal", (uint64_t)s.sig, 0) &&
	    dt_check_eq("str-r32", "rax (zero-extended TR)", s.value, want))
		return;
	if (r->outcome == UMIP_VALUE && !s.sig && (uint32_t)s.value == want &&
	    s.value >> 32 == GUARD_WORD >> 32)
		DT_XFAIL(return, "the UMIP spoof keeps bits 63:32 of a 32-bit destination (umip.c copies opnd_bytes into pt_regs); the CPU zeroes them");
	DT_FAIL_TEST(_metadata);
}
#endif

/* SLDT once this process has an LDT: install entry 0, then run it. */
TEST_F(umip, sldt_ldt)
{
	struct user_desc d = {
		.entry_number = 0, .base_addr = 0, .limit = 0xfffff,
		.seg_32bit = 1, .limit_in_pages = 1,
	};
	struct umip_seen s;
	char why[256];

	REQUIRE_READY();
	if (ldt_write(&d)) {
		ksft_print_msg("modify_ldt: %s\n", strerror(errno));
		SKIP(return, "modify_ldt failed: kernel without CONFIG_MODIFY_LDT_SYSCALL or a seccomp filter");
	}
	/* Only on a hypervisor's tables is SLDT run once more, to decide. */
	if (host_foreign_tables(why, sizeof(why))) {
		run_table_insn("sldt-ldt", &s);
		if (!s.sig && s.value != NATIVE_LDTR_SET) {
			ksft_print_msg("%s\n", why);
			dt_check_eq("sldt-ldt", "LDTR (sldt) vs the LDT this process installed",
				    s.value, NATIVE_LDTR_SET);
			SKIP(return, "the LDTR seen is the hypervisor's, not the LDT this process installed");
		}
	}
	test_insn(_metadata, self, "sldt-ldt");
}

/*
 * SGDT on every CPU this process may run on (pinned in turn; the pinning
 * ends with the test's process).  Spoofed: each CPU gives the table's
 * value.  Native: each CPU gives its own GDT (a per-CPU page), so the
 * bases all differ.
 */
TEST_F(umip, sgdt_per_cpu)
{
	const struct umip_row *r;
	static uint64_t bases[CPU_SETSIZE];
	static int cpus[CPU_SETSIZE];
	cpu_set_t online;
	int n = 0, ncpus, err;

	REQUIRE_READY();
	r = expect_for(self, "sgdt");
	if (!r) {
		ksft_print_msg("no table row for sgdt in %s\n", self->table.origin);
		SKIP(return, "no sgdt row in the UMIP table for this kernel; add one");
	}
	if (r->outcome == UMIP_SIGSEGV) {
		ksft_print_msg("sgdt: table row %s line %d\n", self->table.origin, r->line);
		SKIP(return, "this kernel sends SIGSEGV for sgdt: nothing per CPU to compare");
	}
	err = dt_online_cpus(&online, &ncpus);
	if (err) {
		ksft_print_msg("/sys/devices/system/cpu/online: %s\n", strerror(-err));
		SKIP(return, "cannot read /sys/devices/system/cpu/online: mount sysfs");
	}
	for (int cpu = 0; cpu < ncpus; cpu++) {
		struct umip_seen s;
		char what[32];

		if (!CPU_ISSET(cpu, &online))
			continue;
		/* Outside this task's CPU set: left out (the line says so);
		 * the kernel reporting another CPU, or any other error:
		 * the test fails, as percpu_gdt's do (host_pin()). */
		if (host_pin(_metadata, cpu) != DT_PIN_OK)
			continue;
		run_table_insn("sgdt", &s);
		snprintf(what, sizeof(what), "cpu %d sgdt", cpu);
		if (r->outcome == UMIP_NATIVE) {
			if (!check_native(what, "sgdt", &s))
				DT_FAIL_TEST(_metadata);
			ksft_print_msg("%s: base 0x%llx\n", what,
				       (unsigned long long)s.base);
		} else if (!check_row(what, r, &s)) {
			DT_FAIL_TEST(_metadata);
		}
		cpus[n] = cpu;
		bases[n++] = s.base;
	}
	if (!DT_CHECK("sgdt_per_cpu", "CPUs SGDT ran on, at least one", n > 0, 1))
		return;
	if (n < 2 && r->outcome == UMIP_NATIVE) {
		ksft_print_msg("this task can run on %d CPU(s)\n", n);
		SKIP(return, "this task can run on one CPU; need two to compare GDT bases");
	}
	if (r->outcome == UMIP_NATIVE)
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++)
				if (bases[i] == bases[j]) {
					ksft_print_msg("cpus %d and %d share GDT base 0x%llx\n",
						       cpus[i], cpus[j],
						       (unsigned long long)bases[i]);
					DT_CHECK("sgdt_per_cpu", "distinct bases",
						 0, 1);
				}
}

DT_HARNESS_MAIN

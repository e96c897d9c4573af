/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * desctest host programs: user-mode views of descriptor state.
 *
 * Instruction wrappers (CPUID, LAR, LSL, RDPID, RDTSCP, SGDT...), a
 * SIGSEGV/SIGBUS trap for instructions whose outcome is decided at run
 * time, and the test for a hypervisor's descriptor tables.  The programs
 * are built on the tree's kselftest_harness.h through desctest/harness.h
 * (results, seen-vs-wanted checks, the per-CPU fixture, CPU pinning).
 * Header only: each program is one translation unit.  Every decode goes
 * through include/desctest/desc.h.
 */
#ifndef DESCTEST_HOST_H
#define DESCTEST_HOST_H

#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <desctest/desc.h>
#include <desctest/harness.h>

/* ---- CPUID feature bits (SDM Vol. 2A, CPUID, Tables 3-8 and 3-20) ----- */

struct host_cpuid {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct host_cpuid host_cpuid(uint32_t leaf, uint32_t sub)
{
	struct host_cpuid r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(sub));
	return r;
}

static inline uint32_t host_cpuid_max(uint32_t base)
{
	return host_cpuid(base, 0).eax;
}

/* CPUID.(EAX=7,ECX=0):ECX[2] UMIP. */
static inline int host_has_umip(void)
{
	return host_cpuid_max(0) >= 7 && (host_cpuid(7, 0).ecx >> 2 & 1);
}

/* CPUID.(EAX=7,ECX=0):ECX[22] RDPID. */
static inline int host_has_rdpid(void)
{
	return host_cpuid_max(0) >= 7 && (host_cpuid(7, 0).ecx >> 22 & 1);
}

/* CPUID.(EAX=7,ECX=0):EBX[0] FSGSBASE (the instructions exist; CR4 may
 * still have them off, see AT_HWCAP2). */
static inline int host_has_fsgsbase_cpuid(void)
{
	return host_cpuid_max(0) >= 7 && (host_cpuid(7, 0).ebx & 1);
}

/* CPUID.80000001H:EDX[27] RDTSCP. */
static inline int host_has_rdtscp(void)
{
	return host_cpuid_max(0x80000000) >= 0x80000001 &&
	       (host_cpuid(0x80000001, 0).edx >> 27 & 1);
}

/* 1 when the flags line of /proc/cpuinfo lists FLAG, 0 when it does not,
 * -1 when the file cannot be read. */
static inline int host_cpuinfo_flag(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192];
	int found = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok;

		if (strncmp(line, "flags", 5))
			continue;
		found = 0;
		strtok_r(line, ":", &save);
		while ((tok = strtok_r(NULL, " \t\n", &save)))
			if (!strcmp(tok, flag))
				found = 1;
		break;
	}
	fclose(f);
	return found;
}

/* ---- segment instructions ---------------------------------------------- */

/*
 * LAR and LSL set ZF when the selector names a descriptor the current
 * privilege level may inspect, and leave the destination unchanged
 * otherwise (SDM Vol. 2A, LAR; Vol. 2B, LSL).  Return 1 with *out set on
 * success, 0 on ZF=0.
 */
#define HOST_LAR_LSL(name, insn)                                               \
	static inline int name(uint16_t sel, uint32_t *out)                    \
	{                                                                      \
		uint32_t v = 0;                                                \
		uint8_t ok;                                                    \
                                                                               \
		__asm__ volatile(insn " %2, %0\n\tsetz %1"                     \
				 : "+r"(v), "=qm"(ok)                          \
				 : "r"((uint32_t)sel)                          \
				 : "cc");                                      \
		*out = v;                                                      \
		return ok;                                                     \
	}
HOST_LAR_LSL(host_lar, "lar")
HOST_LAR_LSL(host_lsl, "lsl")
#undef HOST_LAR_LSL

/*
 * LAR returns the second dword of the descriptor masked with 00F0FF00H:
 * type, S, DPL, P (bits 15:8) and AVL, L, D/B, G (bits 23:20).  Placing it
 * back in the high half of a descriptor image lets the reference decoder
 * read those fields; base and limit stay zero.
 */
static inline struct dt_seg host_lar_as_seg(uint32_t lar)
{
	struct dt_seg d = { { (uint64_t)(lar & 0x00f0ff00u) << 32 } };

	return d;
}

static inline uint64_t host_rdpid(void)
{
	uint64_t v;

	__asm__ volatile("rdpid %0" : "=r"(v));
	return v;
}

static inline uint32_t host_rdtscp_aux(void)
{
	uint32_t lo, hi, aux;

	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	(void)lo;
	(void)hi;
	return aux;
}

/* ---- instructions whose outcome is decided at run time ---------------- */

/*
 * HOST_TRY(sig) { ...instruction... } runs the block with SIGSEGV and
 * SIGBUS trapped: sig is 0 when the block ran to its end, else the
 * signal that stopped it.  The handler jumps back with siglongjmp, which
 * also restores the signal mask; sigsetjmp is the whole controlling
 * expression of an if, as C11 7.13.1.1 requires.  Locals the block
 * changes are indeterminate after a jump: keep its results in statics.
 * (An instruction that must fault on every kernel is a TEST_SIGNAL.)
 */
static sigjmp_buf host_try_env;
static volatile sig_atomic_t host_try_armed, host_try_sig;

#define HOST_TRY(sig)                                                         \
	for (int host_once_ = (host_try_armed = 1, host_try_sig = 0, 1);      \
	     host_once_;                                                      \
	     host_once_ = 0, host_try_armed = 0, (sig) = host_try_sig)        \
		if (!sigsetjmp(host_try_env, 1))

static inline const char *host_signame(int sig)
{
	return sig == 0 ? "none" : sig == SIGSEGV ? "SIGSEGV" :
	       sig == SIGBUS ? "SIGBUS" : "other";
}

static inline void host_try_handler(int sig)
{
	if (host_try_armed) {
		host_try_armed = 0;
		host_try_sig = sig;
		siglongjmp(host_try_env, 1);
	}
	/* A fault outside HOST_TRY is a bug in the program: die of it. */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Install the trap; 0, or -errno. */
static inline int host_try_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = host_try_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL))
		return -errno;
	return 0;
}

/* ---- whose descriptor tables? ------------------------------------------ */

/*
 * Linux leaves one range of the kernel half to a hypervisor and never puts
 * a table of its own there (Documentation/arch/x86/x86_64/mm.rst, "guard
 * hole, also reserved for hypervisor"): ffff800000000000-ffff87ffffffffff
 * with 4-level paging, ff00000000000000-ff0fffffffffffff with 5-level.
 */
#define HOST_HV_HOLE4_START 0xffff800000000000ull
#define HOST_HV_HOLE4_END 0xffff880000000000ull
#define HOST_HV_HOLE5_START 0xff00000000000000ull
#define HOST_HV_HOLE5_END 0xff10000000000000ull

/*
 * 1 when the CPU runs this process on descriptor tables a hypervisor
 * placed: SGDT (real, not emulated: the CPU has no UMIP) gives a GDT base
 * inside the hypervisor's hole.  A paravirtual guest such as PVM runs its
 * kernel deprivileged on the hypervisor's own GDT, TSS and LDT: the LDT a
 * process installs is then not the one LAR, LSL and segment loads read,
 * and GDT entries the hypervisor does not copy are absent.  (A Xen PV
 * guest's GDT is mapped there too, but holds the guest's entries and its
 * LDT is loaded.)  So this alone skips nothing: a caller skips a check
 * only when it also sees the entry missing, and fails it otherwise.
 * *why gets the sentence a SKIP prints.  With UMIP, or in a 32-bit
 * process (SGDT stores base 31:0 only), SGDT cannot tell: 0.
 */
static inline int host_foreign_tables(char *why, size_t len)
{
#ifdef __x86_64__
	struct dt_pseudo_desc gdtr = { 0, 0 };

	if (host_has_umip())
		return 0;
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	if ((gdtr.base >= HOST_HV_HOLE4_START && gdtr.base < HOST_HV_HOLE4_END) ||
	    (gdtr.base >= HOST_HV_HOLE5_START && gdtr.base < HOST_HV_HOLE5_END)) {
		snprintf(why, len,
			 "user mode runs on a hypervisor's descriptor tables, not this kernel's: SGDT gives GDT base 0x%llx, in the range Linux leaves to a hypervisor (a PVM-style paravirtual guest)",
			 (unsigned long long)gdtr.base);
		return 1;
	}
#else
	(void)why;
	(void)len;
#endif
	return 0;
}

/* ---- pinning to a CPU (desctest/affinity.h's rule) -------------------- */

/*
 * Pin the test's process to CPU alone and say what that gave, by
 * dt_pin_outcome(): DT_PIN_OUTSIDE prints one line naming the CPU (the
 * caller leaves it out or skips); DT_PIN_FAILED prints the kernel's CPU
 * seen beside CPU ("# cpu N: <DT_PIN_SEEN_FIELD> seen .. wanted ..  <--
 * MISMATCH"), or the error of a pin that failed outright, and fails the
 * test.
 */
static inline enum dt_pin_outcome host_pin(struct __test_metadata *_metadata,
					   int cpu)
{
	char what[32];
	int seen, err = dt_pin_cpu_seen(cpu, &seen);
	enum dt_pin_outcome o = dt_pin_outcome(err);

	snprintf(what, sizeof(what), "cpu %d", cpu);
	if (o == DT_PIN_OUTSIDE)
		ksft_print_msg("%s: outside this task's CPU set (%s)\n", what,
			       strerror(-err));
	else if (o == DT_PIN_FAILED && err == -EAGAIN)
		DT_CHECK(what, DT_PIN_SEEN_FIELD, seen, cpu);
	else if (o == DT_PIN_FAILED) {
		ksft_print_msg("%s: pinning failed: %s\n", what, strerror(-err));
		DT_CHECK(what, "pin error (errno)", -err, 0);
	}
	return o;
}

#endif /* DESCTEST_HOST_H */

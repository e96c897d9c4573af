/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * desctest host programs: user-mode views of descriptor state.
 *
 * Instruction wrappers (CPUID, LAR, LSL, RDPID, RDTSCP, SGDT...), a
 * seen-versus-wanted check that prints both values in hex with the field
 * name, a SIGSEGV/SIGBUS trap for instructions that may fault, and the CPU
 * affinity sweep shared by the programs.  Header only: each program is
 * one translation unit.  Every decode goes through
 * include/desctest/desc.h.
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

#include "kselftest.h"
#include <desctest/desc.h>

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

/* ---- checks ------------------------------------------------------------- */

/*
 * One comparison: prints "# <what>: <field> seen 0x.. wanted 0x.." and
 * returns 1 when equal.  Callers AND the results of a test's checks.
 */
static inline int host_check(const char *what, const char *field,
			     uint64_t seen, uint64_t wanted)
{
	int ok = seen == wanted;

	ksft_print_msg("%s: %s seen 0x%llx wanted 0x%llx%s\n", what, field,
		       (unsigned long long)seen, (unsigned long long)wanted,
		       ok ? "" : "  <-- MISMATCH");
	return ok;
}

/*
 * KTAP result with a directive, "ok N name # SKIP reason" (or XFAIL), from
 * a message "name: reason".  kselftest.h's own helpers print no name for
 * these, which leaves a result keyed by its reason.
 */
static inline __attribute__((format(printf, 2, 3))) void
host_result_directive(const char *directive, const char *fmt, ...)
{
	char msg[1024], *sep;
	const char *reason = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	msg[strcspn(msg, "\n")] = 0;
	sep = strstr(msg, ": ");
	if (sep) {
		*sep = 0;
		reason = sep + 2;
	}
	if (!strcmp(directive, "XFAIL"))
		ksft_inc_xfail_cnt();
	else
		ksft_inc_xskip_cnt();
	printf("ok %u %s # %s %s\n", ksft_test_num(), msg, directive, reason);
}

#define host_result_skip(...) host_result_directive("SKIP", __VA_ARGS__)
#define host_result_xfail(...) host_result_directive("XFAIL", __VA_ARGS__)

/* ---- faulting instructions ---------------------------------------------- */

/*
 * Run a block that may raise SIGSEGV or SIGBUS.  HOST_TRY returns 0 on the
 * first pass and the signal number when the block faulted; the handler
 * jumps back with siglongjmp, which also restores the signal mask.
 *
 *	int sig = HOST_TRY();
 *	if (!sig) { ...instruction...; host_try_end(); }
 */
static sigjmp_buf host_try_env;
static volatile sig_atomic_t host_try_armed;

#define HOST_TRY() (host_try_armed = 1, sigsetjmp(host_try_env, 1))

static inline void host_try_end(void)
{
	host_try_armed = 0;
}

static inline const char *host_signame(int sig)
{
	return sig == 0 ? "none" : sig == SIGSEGV ? "SIGSEGV" :
	       sig == SIGBUS ? "SIGBUS" : "other";
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

/* ---- affinity sweep ---------------------------------------------------- */

/*
 * The sweep pins the thread to each online CPU in turn.  host_sweep_begin
 * saves the mask; host_sweep_end puts it back and must run on every path
 * (checks never leave the loop early).
 */
struct host_sweep {
	cpu_set_t saved;
	int ncpus;		/* highest online CPU + 1 */
	cpu_set_t online;
};

static inline void host_try_handler(int sig)
{
	if (host_try_armed) {
		host_try_armed = 0;
		siglongjmp(host_try_env, sig);
	}
	/* A fault outside HOST_TRY is a bug in the program: die of it. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static inline void host_try_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = host_try_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	if (sigaction(SIGSEGV, &sa, NULL) || sigaction(SIGBUS, &sa, NULL))
		ksft_exit_fail_msg("sigaction(SIGSEGV/SIGBUS): %s\n",
				   strerror(errno));
}

/* Parse /sys/devices/system/cpu/online ("0-3,5") into a set. */
static inline int host_online_cpus(cpu_set_t *set, int *ncpus)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	char buf[4096], *p, *save = NULL;

	CPU_ZERO(set);
	*ncpus = 0;
	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	for (p = strtok_r(buf, ",\n", &save); p;
	     p = strtok_r(NULL, ",\n", &save)) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		if (lo < 0 || hi < lo || hi >= CPU_SETSIZE)
			return -ERANGE;
		for (long c = lo; c <= hi; c++)
			CPU_SET((int)c, set);
		if (hi + 1 > *ncpus)
			*ncpus = (int)hi + 1;
	}
	return *ncpus ? 0 : -ENOENT;
}

static inline int host_sweep_begin(struct host_sweep *s)
{
	int err;

	if (sched_getaffinity(0, sizeof(s->saved), &s->saved))
		return -errno;
	err = host_online_cpus(&s->online, &s->ncpus);
	return err;
}

/* 0 when the thread now runs on CPU, else -errno from the kernel (EINVAL:
 * the CPU is outside this task's cpuset). */
static inline int host_sweep_pin(struct host_sweep *s, int cpu)
{
	cpu_set_t one;

	(void)s;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		return -errno;
	return sched_getcpu() == cpu ? 0 : -EAGAIN;
}

/* Put the saved mask back; 1 when the mask read back equals it. */
static inline int host_sweep_end(struct host_sweep *s)
{
	cpu_set_t now;

	if (sched_setaffinity(0, sizeof(s->saved), &s->saved)) {
		ksft_print_msg("could not restore the CPU affinity mask: %s\n",
			       strerror(errno));
		return 0;
	}
	if (sched_getaffinity(0, sizeof(now), &now))
		return 0;
	return host_check("affinity", "mask restored (CPU_EQUAL)",
			  (uint64_t)CPU_EQUAL(&now, &s->saved), 1);
}

#endif /* DESCTEST_HOST_H */

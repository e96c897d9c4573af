/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU affinity for programs that move a thread from CPU to CPU: the
 * online CPUs, pinning the calling thread to one of them with a witness
 * that it runs there, and saving and restoring a thread's mask (checked
 * by reading it back).  The one copy in desctest; user space, glibc.
 */
#ifndef DESCTEST_AFFINITY_H
#define DESCTEST_AFFINITY_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* Parse /sys/devices/system/cpu/online ("0-3,5") into SET; *ncpus gets
 * the highest online CPU + 1.  0, or -errno. */
static inline int dt_online_cpus(cpu_set_t *set, int *ncpus)
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

/* The CPU and NUMA node the kernel says the calling thread runs on: the
 * getcpu system call, which reads the scheduler's own numbers.  Not the
 * vDSO's getcpu() or sched_getcpu(), which may read them back from the
 * per-CPU GDT entry's limit (LSL) or from TSC_AUX (RDPID) -- the state
 * under test.  0, or -errno. */
static inline int dt_kernel_getcpu(unsigned int *cpu, unsigned int *node)
{
	if (syscall(SYS_getcpu, cpu, node, NULL))
		return -errno;
	return 0;
}

/* The kernel's CPU number for the calling thread; -1 on error. */
static inline int dt_kernel_cpu(void)
{
	unsigned int cpu = 0, node = 0;

	return dt_kernel_getcpu(&cpu, &node) ? -1 : (int)cpu;
}

/*
 * Pin the calling thread to CPU alone.  sched_setaffinity() moves the
 * thread before it returns; the witness is the kernel's own CPU number
 * afterwards (dt_kernel_cpu()), stored in *seen (-1 when the pin itself
 * failed or getcpu did).  0 when the thread now runs on CPU, else -errno
 * (EINVAL: CPU is outside this task's cpuset) or -EAGAIN when the kernel
 * reports another CPU.
 */
static inline int dt_pin_cpu_seen(int cpu, int *seen)
{
	cpu_set_t one;

	*seen = -1;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		return -errno;
	*seen = dt_kernel_cpu();
	return *seen == cpu ? 0 : -EAGAIN;
}

static inline int dt_pin_cpu(int cpu)
{
	int seen;

	return dt_pin_cpu_seen(cpu, &seen);
}

/*
 * What a pin's result means, the one rule of every program that pins
 * itself to a CPU to test it:
 *   DT_PIN_OK       on the CPU, confirmed by the kernel;
 *   DT_PIN_OUTSIDE  -EINVAL: the CPU is outside this task's CPU set
 *                   (cpuset, taskset): the program leaves that CPU out
 *                   and says so (a per-CPU test of it is a SKIP);
 *   DT_PIN_FAILED   the kernel reports another CPU after the pin
 *                   (-EAGAIN), or any other error: a FAIL, with the CPU
 *                   seen beside the CPU wanted (DT_PIN_SEEN_FIELD).
 */
enum dt_pin_outcome { DT_PIN_OK, DT_PIN_OUTSIDE, DT_PIN_FAILED };

static inline enum dt_pin_outcome dt_pin_outcome(int err)
{
	if (!err)
		return DT_PIN_OK;
	return err == -EINVAL ? DT_PIN_OUTSIDE : DT_PIN_FAILED;
}

/* The field of the seen-vs-wanted line of a DT_PIN_FAILED pin: seen the
 * kernel's CPU after it, wanted the CPU pinned to. */
#define DT_PIN_SEEN_FIELD "the kernel's CPU after the pin (getcpu)"

/* A thread's mask (TID 0: the calling thread), saved to be put back. */
struct dt_affinity {
	pid_t tid;
	cpu_set_t saved;
};

static inline int dt_affinity_save(struct dt_affinity *a, pid_t tid)
{
	a->tid = tid;
	if (sched_getaffinity(tid, sizeof(a->saved), &a->saved))
		return -errno;
	return 0;
}

/* Put the saved mask back and read it again: 0 when the mask read back
 * equals the saved one, -EIO when it differs, else -errno. */
static inline int dt_affinity_restore(const struct dt_affinity *a)
{
	cpu_set_t now;

	if (sched_setaffinity(a->tid, sizeof(a->saved), &a->saved))
		return -errno;
	if (sched_getaffinity(a->tid, sizeof(now), &now))
		return -errno;
	return CPU_EQUAL(&now, &a->saved) ? 0 : -EIO;
}

#endif /* DESCTEST_AFFINITY_H */

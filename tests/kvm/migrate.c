// SPDX-License-Identifier: GPL-2.0-only
/*
 * Descriptor state across host CPU migration.
 *
 * Every vCPU runs in a thread of its own.  The thread pins itself to each
 * allowed host CPU in turn, for several rounds; after each move the guest
 * re-reads SGDT, STR, SLDT and its TSS descriptor (found at GDT + TR) and the
 * host re-reads the sregs.  None of it may change: a KVM that reloads the
 * host's or another vCPU's GDT/TSS on migration, or loses the high bits of
 * a base, shows here.  The guest loads its own LDT and TSS first (ltr/lldt,
 * lib/kvm/pcpu_tables.h), so the state followed is the CPU's own.
 *
 * Affinity: after its walk each thread restores the CPU set it started
 * with and runs its vCPU once more (to GUEST_DONE) on it; then it waits
 * while the main thread reads every live thread's affinity back
 * (pthread_getaffinity_np) and its own: each must be the set the process
 * started with, so the walk leaves nothing pinned behind it.
 * Result vcpu<i>_migrate; counts and values in "#" lines.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include "desctest/affinity.h"

#include "compat.h"
#include "guest_dt.h"
#include "kvm_env.h"
#include "pcpu_tables.h"

#define ROUNDS 3

struct mig_seen {
	struct dt_guest_regs r;
	uint64_t tss_desc_base;
};

static struct mig_seen seen[DT_MAX_VCPUS];

/* One ucall per move: the host pins, then lets the guest read. */
static void guest_code(uint64_t idx, uint64_t moves)
{
	struct mig_seen *s = &seen[idx];
	uint64_t m;

	dt_guest_load_tables(idx);
	for (m = 0; m < moves; m++) {
		struct dt_sys d;

		dt_guest_read_regs(&s->r);
		d = dt_sys_at((const uint64_t *)s->r.gdtr.base, s->r.tr);
		s->tss_desc_base = dt_sys_base(&d);
		GUEST_SYNC(m);
	}
	GUEST_DONE();
}

struct mig_thread {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	struct dt_vcpu_tables t;
	cpu_set_t cpus;         /* host CPUs to visit */
	unsigned int moves;     /* done */
	unsigned int bad_moves; /* moves after which something differed */
	char first_bad[160];    /* the first: round, CPU, what differed */
	uint64_t first_seen, first_want;
	unsigned int wrong_pins; /* pins after which the kernel named another CPU */
	int wrong_pin_cpu, wrong_pin_seen; /* the first: CPU pinned to, CPU seen */
	pthread_barrier_t *checked; /* main has read the affinity back */
};

/* Compare everything after one move; the first difference is kept. */
static int check_move(struct mig_thread *mt, int cpu, unsigned int round)
{
	const struct mig_seen *s =
		addr_gva2hva(mt->vm, (vm_vaddr_t)&seen[mt->t.vcpu_id]);
	const struct dt_vcpu_tables *t = &mt->t;
	const struct dt_sys gdt_tss = dt_sys_at(t->gdt, t->tr_sel);
	struct kvm_sregs sr;
	const char *what = NULL;
	uint64_t got = 0, want = 0;

	vcpu_sregs_get(mt->vcpu, &sr);
#define CMP(name, seen_v, want_v)                                             \
	if (!what && (uint64_t)(seen_v) != (uint64_t)(want_v)) {              \
		what = name;                                                  \
		got = (uint64_t)(seen_v);                                     \
		want = (uint64_t)(want_v);                                    \
	}
	CMP("SGDT base", s->r.gdtr.base, t->gdt_base);
	CMP("SGDT limit", s->r.gdtr.limit, t->gdt_limit);
	CMP("STR selector", s->r.tr, t->tr_sel);
	CMP("SLDT selector", s->r.ldtr, t->ldt_sel);
	CMP("TSS descriptor base (dt_sys_base)", s->tss_desc_base, t->tss_base);
	CMP("KVM_GET_SREGS gdt.base", sr.gdt.base, t->gdt_base);
	CMP("KVM_GET_SREGS tr.base", sr.tr.base, t->tss_base);
	CMP("KVM_GET_SREGS tr.selector", sr.tr.selector, t->tr_sel);
	CMP("KVM_GET_SREGS tr.limit", sr.tr.limit, t->tss_limit);
	CMP("KVM_GET_SREGS tr.type", sr.tr.type, DT_SYS_TSS64_BUSY);
	CMP("TSS descriptor type in the GDT", dt_sys_type(&gdt_tss), DT_SYS_TSS64_BUSY);
	CMP("KVM_GET_SREGS ldt.base", sr.ldt.base, t->ldt_base);
	CMP("KVM_GET_SREGS ldt.selector", sr.ldt.selector, t->ldt_sel);
#undef CMP
	if (!what)
		return 1;
	if (!mt->bad_moves) {
		snprintf(mt->first_bad, sizeof(mt->first_bad),
			 "first move that changed state (round %u, host CPU %d): %s",
			 round, cpu, what);
		mt->first_seen = got;
		mt->first_want = want;
	}
	return 0;
}

static void *vcpu_thread(void *arg)
{
	struct mig_thread *mt = arg;
	struct dt_affinity saved;
	unsigned int round, k;
	struct ucall uc;
	int cpu, r, seen_cpu;

	r = dt_affinity_save(&saved, 0);
	TEST_ASSERT(!r, "vCPU %u thread: sched_getaffinity: %s", mt->t.vcpu_id,
		    strerror(-r));
	/* Each thread starts its walk at its own CPU, so the vCPUs spread over
	 * the host instead of queueing on one CPU together. */
	for (round = 0; round < ROUNDS; round++) {
		for (k = 0; k < CPU_SETSIZE; k++) {
			cpu = (int)((k + mt->t.vcpu_id) % CPU_SETSIZE);
			if (!CPU_ISSET(cpu, &mt->cpus))
				continue;
			/* desctest/affinity.h's rule: the kernel naming another
			 * CPU fails the result (counted, the first kept); any
			 * other error, even a CPU that left this task's set
			 * during the walk, ends the program. */
			r = dt_pin_cpu_seen(cpu, &seen_cpu);
			if (r == -EAGAIN && !mt->wrong_pins++) {
				mt->wrong_pin_cpu = cpu;
				mt->wrong_pin_seen = seen_cpu;
			}
			TEST_ASSERT(dt_pin_outcome(r) == DT_PIN_OK || r == -EAGAIN,
				    "pin vCPU %u thread to host CPU %d: %s",
				    mt->t.vcpu_id, cpu, strerror(-r));
			dt_vcpu_run_expect(mt->vcpu, &uc, UCALL_SYNC);
			if (!check_move(mt, cpu, round))
				mt->bad_moves++;
			mt->moves++;
		}
	}
	/* Put back and read back (dt_affinity_restore()); main reads it
	 * again below, while this thread still lives. */
	r = dt_affinity_restore(&saved);
	TEST_ASSERT(!r, "restore vCPU %u thread affinity: %s", mt->t.vcpu_id,
		    strerror(-r));
	dt_vcpu_run_expect(mt->vcpu, &uc, UCALL_DONE);
	/* Live on until main has read this thread's affinity back. */
	pthread_barrier_wait(mt->checked);
	pthread_barrier_wait(mt->checked);
	return NULL;
}

/* A live thread's CPU set against the one the process started with:
 * the CPUs in one set and not in the other, seen vs wanted 0, and where
 * there are any the first such CPU's membership.  1 when equal. */
static int affinity_is(const char *who, unsigned int i, const cpu_set_t *seen,
		       const cpu_set_t *want)
{
	char field[128];
	cpu_set_t diff;
	int cpu;

	CPU_XOR(&diff, seen, want);
	snprintf(field, sizeof(field), "%s affinity after the walk: CPUs in it or in "
		 "the set the process started with, not in both", who);
	if (dt_vcpu_expect_eq(i, field, (uint64_t)CPU_COUNT(&diff), 0))
		return 1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &diff))
			break;
	snprintf(field, sizeof(field), "%s affinity after the walk: CPU %d in it", who, cpu);
	dt_vcpu_expect_eq(i, field, !!CPU_ISSET(cpu, seen), !!CPU_ISSET(cpu, want));
	return 0;
}

int main(void)
{
	static struct mig_thread mt[DT_MAX_VCPUS];
	static struct dt_vcpu_tables t[DT_MAX_VCPUS];
	struct kvm_vcpu *vcpus[DT_MAX_VCPUS];
	pthread_t tid[DT_MAX_VCPUS];
	unsigned int i, n = dt_kvm_begin(1), ncpus;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_barrier_t checked;
	cpu_set_t allowed, now, main_now;
	int r;
	struct kvm_vm *vm;

	TEST_ASSERT(!sched_getaffinity(0, sizeof(allowed), &allowed),
		    "sched_getaffinity: %s", strerror(errno));
	ncpus = (unsigned int)CPU_COUNT(&allowed);
	ksft_print_msg("%u vCPUs, each visits the %u host CPUs it may run on "
		       "(%ld online), %d rounds\n", n, ncpus, online, ROUNDS);
	if ((long)ncpus < online)
		ksft_print_msg("this process may only use %u of %ld online CPUs "
			       "(cpuset/taskset): the others are not visited\n",
			       ncpus, online);

	vm = dt_pcpu_vm_create(n, guest_code, vcpus, t);
	r = pthread_barrier_init(&checked, NULL, n + 1);
	TEST_ASSERT(!r, "pthread_barrier_init: %s", strerror(r));
	for (i = 0; i < n; i++) {
		mt[i].vm = vm;
		mt[i].vcpu = vcpus[i];
		mt[i].t = t[i];
		mt[i].cpus = allowed;
		mt[i].checked = &checked;
		vcpu_args_set(vcpus[i], 2, (uint64_t)i, (uint64_t)(ROUNDS * ncpus));
	}
	for (i = 0; i < n; i++) {
		r = pthread_create(&tid[i], NULL, vcpu_thread, &mt[i]);
		TEST_ASSERT(!r, "pthread_create: %s", strerror(r));
	}
	/* Every thread has walked, restored and run its vCPU to the end. */
	pthread_barrier_wait(&checked);
	TEST_ASSERT(!sched_getaffinity(0, sizeof(main_now), &main_now),
		    "sched_getaffinity: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		const struct mig_thread *m = &mt[i];
		char field[128];
		int ok;

		ok = dt_vcpu_expect_eq(i, "moves", m->moves, ROUNDS * ncpus);
		ok &= dt_vcpu_expect_eq(i, "moves after which SGDT, STR, SLDT, the TSS "
					"descriptor or the sregs changed", m->bad_moves, 0);
		if (m->bad_moves)
			dt_vcpu_expect_eq(i, m->first_bad, m->first_seen, m->first_want);
		ok &= dt_vcpu_expect_eq(i, "pins the kernel did not confirm (getcpu named "
					"another CPU)", m->wrong_pins, 0);
		if (m->wrong_pins) {
			snprintf(field, sizeof(field), "first of them: %s, pinned to CPU %d",
				 DT_PIN_SEEN_FIELD, m->wrong_pin_cpu);
			dt_vcpu_expect_eq(i, field, (uint64_t)m->wrong_pin_seen,
					  (uint64_t)m->wrong_pin_cpu);
		}
		r = pthread_getaffinity_np(tid[i], sizeof(now), &now);
		TEST_ASSERT(!r, "pthread_getaffinity_np: %s", strerror(r));
		ok &= affinity_is("thread", i, &now, &allowed);
		ok &= affinity_is("main thread", i, &main_now, &allowed);
		ksft_print_msg("vcpu%u: GDT %#llx, TSS %#llx, %u moves\n", i,
			       (unsigned long long)m->t.gdt_base,
			       (unsigned long long)m->t.tss_base, m->moves);
		ksft_test_result(ok, "vcpu%u_migrate\n", i);
	}
	pthread_barrier_wait(&checked);
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	pthread_barrier_destroy(&checked);
	kvm_vm_free(vm);
	dt_ksft_finish();
}

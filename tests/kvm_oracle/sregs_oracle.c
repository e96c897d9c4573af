// SPDX-License-Identifier: GPL-2.0-only
/*
 * sregs_oracle: the CPU (through KVM) as the oracle for descriptor decode.
 *
 * The host writes generated descriptors into free 16-byte slots of a GDT
 * page the guest uses; the guest loads them, the way an operating system
 * would: `ltr` (TR), `lldt` (LDTR), `mov` to FS and GS; then it exits with
 * one port write.  The host reads the hidden base, limit and attributes
 * of the four registers with KVM_GET_SREGS and compares them, field by
 * field, with what the reference decoder (include/desctest/desc.h) says
 * the descriptor holds, and checks what the CPU wrote back into the GDT
 * (busy TSS, accessed segment).  One exit checks four descriptors.
 *
 * The host writes the descriptors and selectors with plain stores into
 * guest memory between runs (no ioctl), the cheapest way to feed the
 * guest; the loads themselves are the guest's own instructions, so the
 * decode is done by the CPU, or by KVM's instruction emulator where the
 * hypervisor traps them (on the paravirtual kvm_pvm, ltr and lldt are
 * emulated; all four loads work there).  Before the stream, a probe VM
 * per kind loads one valid descriptor: if the paravirtual kvm_pvm cannot
 * run that load at all (KVM_EXIT_INTERNAL_ERROR) the kind is skipped, with
 * the reason; on kvm_intel, kvm_amd or any other KVM the same exit is a
 * FAIL of the kind (its emulator or exception path is broken).
 *
 * Usage: sregs_oracle [-n COUNT] [-s SEED] [--bench]
 *   -n COUNT  descriptors to check, all kinds together (default 16384)
 *   -s SEED   seed of the random descriptors (default: a fixed seed, the
 *             same stream on every run; "random": one from the clock);
 *             the seed used is printed
 *   --bench   print descriptors checked per second beside the rate of
 *             bare KVM_RUN + KVM_GET_SREGS exits, measured in this run
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "kvm_env.h"

#include "oracle_check.h"
#include "oracle_gen.h"

/* The guest's "done" exit: a byte written to this port.  The framework's
 * ucall port is 0x1000, so an exception or guest assert shows up as an
 * exit on another port. */
#define ORACLE_PIO_PORT 0x0dd7

/* GDT entries 0..7 are the framework's (null, code, data, TSS), copied;
 * generated descriptors go in the 16-byte slots from index 8 up. */
#define ORACLE_GDT_BYTES 4096u
#define ORACLE_FIRST_INDEX 8u
#define ORACLE_NR_SLOTS ((ORACLE_GDT_BYTES / 8 - ORACLE_FIRST_INDEX) / 2)

#define ORACLE_DEFAULT_COUNT 16384ull
#define ORACLE_BENCH_COUNT 400000ull
#define ORACLE_BENCH_ROUNDS 10u
/* Mismatch lines printed before the rest are only counted. */
#define ORACLE_MAX_REPORTS 24u
/* Room for one reason, and for a reason with its context. */
#define ORACLE_WHY_LEN 256
#define ORACLE_WHY_CTX_LEN 512

/* Host-written, guest-read: which registers to load and with what. */
struct oracle_mbox {
	uint16_t sel[ORACLE_NR_KINDS];
	uint32_t mask;
};
static volatile struct oracle_mbox oracle_mbox;

static void oracle_guest(void)
{
	for (;;) {
		uint32_t mask = oracle_mbox.mask;

		if (mask & (1u << ORACLE_TR))
			asm volatile("ltr %0" : : "r"(oracle_mbox.sel[ORACLE_TR]) : "memory");
		if (mask & (1u << ORACLE_LDTR))
			asm volatile("lldt %0" : : "r"(oracle_mbox.sel[ORACLE_LDTR]) : "memory");
		if (mask & (1u << ORACLE_FS))
			asm volatile("mov %0, %%fs" : : "r"(oracle_mbox.sel[ORACLE_FS]) : "memory");
		if (mask & (1u << ORACLE_GS))
			asm volatile("mov %0, %%gs" : : "r"(oracle_mbox.sel[ORACLE_GS]) : "memory");
		asm volatile("outb %%al, %%dx" : : "a"(0), "d"(ORACLE_PIO_PORT) : "memory");
	}
}

/* The bench's baseline: nothing but the exit. */
static void raw_guest(void)
{
	for (;;)
		asm volatile("outb %%al, %%dx" : : "a"(0), "d"(ORACLE_PIO_PORT) : "memory");
}

struct oracle_vm {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	uint64_t *gdt; /* host view of the guest's GDT page */
	volatile struct oracle_mbox *mbox;
	unsigned int next_slot;
};

static void oracle_vm_create(struct oracle_vm *o, void *guest_code)
{
	struct kvm_sregs sregs;
	vm_vaddr_t gdt;

	memset(o, 0, sizeof(*o));
	o->vm = vm_create_with_one_vcpu(&o->vcpu, guest_code);
	gdt = vm_vaddr_alloc_page(o->vm);
	o->gdt = addr_gva2hva(o->vm, gdt);
	memset(o->gdt, 0, ORACLE_GDT_BYTES);
	vcpu_sregs_get(o->vcpu, &sregs);
	memcpy(o->gdt, addr_gva2hva(o->vm, sregs.gdt.base),
	       ORACLE_FIRST_INDEX * 8);
	sregs.gdt.base = gdt;
	sregs.gdt.limit = ORACLE_GDT_BYTES - 1;
	vcpu_sregs_set(o->vcpu, &sregs);
	o->mbox = addr_gva2hva(o->vm, (vm_vaddr_t)&oracle_mbox);
}

static void oracle_vm_free(struct oracle_vm *o)
{
	if (o->vm)
		kvm_vm_free(o->vm);
	o->vm = NULL;
}

enum oracle_exit {
	ORACLE_EXIT_DONE,    /* the guest reached its port write */
	ORACLE_EXIT_KVM,     /* KVM could not go on: KVM_EXIT_INTERNAL_ERROR */
	ORACLE_EXIT_GUEST,   /* anything else: the guest faulted or worse */
};

/* An exit on another port: the framework's ucall, which its exception
 * handler (6.10+) uses to report a guest fault in words. */
static void ucall_why(struct kvm_vcpu *vcpu, char *why, size_t len)
{
	unsigned int port = vcpu->run->io.port;
	struct ucall uc;

	memset(&uc, 0, sizeof(uc));
	if (get_ucall(vcpu, &uc) != UCALL_ABORT) {
		snprintf(why, len, "guest wrote port %#x, not %#x", port,
			 ORACLE_PIO_PORT);
		return;
	}
#if DT_KVM_NUMERIC_ASSERTS
	snprintf(why, len, "guest took an exception or failed an assert (ucall abort)");
#else
	snprintf(why, len, "guest: %.200s", uc.buffer);
#endif
}

/* One KVM_RUN; on anything but the guest's port write, say what in why. */
static enum oracle_exit oracle_run(struct kvm_vcpu *vcpu, char *why,
				   size_t len)
{
	struct kvm_run *run = vcpu->run;
	int rc;

	do {
		rc = ioctl(vcpu->fd, KVM_RUN, NULL);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		snprintf(why, len, "KVM_RUN failed: %s", strerror(errno));
		return ORACLE_EXIT_GUEST;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		if (run->io.port == ORACLE_PIO_PORT &&
		    run->io.direction == KVM_EXIT_IO_OUT)
			return ORACLE_EXIT_DONE;
		ucall_why(vcpu, why, len);
		return ORACLE_EXIT_GUEST;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(why, len, "KVM_EXIT_INTERNAL_ERROR, suberror %u",
			 run->internal.suberror);
		return ORACLE_EXIT_KVM;
	case KVM_EXIT_SHUTDOWN:
		snprintf(why, len, "KVM_EXIT_SHUTDOWN: the guest triple-faulted");
		return ORACLE_EXIT_GUEST;
	default:
		snprintf(why, len, "exit reason %u (%s)", run->exit_reason,
			 exit_reason_str(run->exit_reason));
		return ORACLE_EXIT_GUEST;
	}
}

static void sregs_read(struct kvm_vcpu *vcpu, struct kvm_sregs *sregs)
{
	int rc = ioctl(vcpu->fd, KVM_GET_SREGS, sregs);

	TEST_ASSERT(rc == 0, "KVM_GET_SREGS failed: %s", strerror(errno));
}

static struct kvm_segment *sreg_of(struct kvm_sregs *s, enum oracle_kind k)
{
	switch (k) {
	case ORACLE_TR:
		return &s->tr;
	case ORACLE_LDTR:
		return &s->ldt;
	case ORACLE_FS:
		return &s->fs;
	default:
		return &s->gs;
	}
}

/* ---- the check ----------------------------------------------------------- */

enum kind_state { KIND_RUN, KIND_SKIP, KIND_FAIL };

struct kind_result {
	enum kind_state state;
	char why[ORACLE_WHY_CTX_LEN]; /* the reason of a SKIP or a probe FAIL */
	uint64_t checked;
	uint64_t edges;
	uint64_t sreg_bad;  /* differ in KVM_GET_SREGS */
	uint64_t slot_bad;  /* differ in the GDT write-back */
};

struct oracle {
	struct oracle_gen gen;
	struct oracle_vm vm;
	struct kind_result res[ORACLE_NR_KINDS];
	uint32_t mask;      /* kinds loaded on each exit */
	enum dt_kvm_flavour kvm; /* which KVM: decides what a probe exit means */
	int svm;            /* KVM on AMD SVM: G read back is synthesized */
	uint64_t svm_g;     /* descriptors whose G KVM reports synthesized */
	unsigned int reports;
	uint64_t suppressed;
	int aborted;
	uint64_t exits;     /* exits planned: descriptors wanted of each kind */
};

/* One descriptor that did not match: a line naming it, then each line
 * of LINES (the seen-vs-wanted lines of oracle_diff_*(), or a reason). */
static void report(struct oracle *o, enum oracle_kind k, uint64_t n,
		   const struct oracle_desc *d, const char *what,
		   const char *lines)
{
	const char *p, *end;

	if (o->reports >= ORACLE_MAX_REPORTS) {
		o->suppressed++;
		return;
	}
	o->reports++;
	ksft_print_msg("%s #%llu (%s) sel %#06x descriptor 0x%016llx:%016llx %s:\n",
		       oracle_kind_name(k), (unsigned long long)n,
		       d->edge ? "edge" : "random", d->sel,
		       (unsigned long long)d->slot.w[1],
		       (unsigned long long)d->slot.w[0], what);
	for (p = lines; *p; p = *end ? end + 1 : end) {
		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		ksft_print_msg("%.*s\n", (int)(end - p), p);
	}
}

/* Generate the next descriptor of every kind in o->mask, place it. */
static void oracle_place(struct oracle *o, struct oracle_desc d[])
{
	unsigned int k;

	for (k = 0; k < ORACLE_NR_KINDS; k++) {
		unsigned int index;

		if (!(o->mask & (1u << k)))
			continue;
		index = ORACLE_FIRST_INDEX + 2 * o->vm.next_slot;
		o->vm.next_slot = (o->vm.next_slot + 1) % ORACLE_NR_SLOTS;
		oracle_gen_next(&o->gen, k, index, &d[k]);
		/* A fresh available TSS descriptor for every ltr.  SDM Vol.
		 * 2A, LTR: the source must select an available TSS
		 * descriptor, else #GP(selector); after the load "the TSS is
		 * marked busy" (type 9 becomes 11 in the GDT), so no slot can
		 * be loaded twice without being rewritten: the host rewrites
		 * every slot it hands out, and oracle_compare() checks that
		 * the busy bit was set. */
		o->vm.gdt[index] = d[k].slot.w[0];
		o->vm.gdt[index + 1] = d[k].slot.w[1];
		o->vm.mbox->sel[k] = d[k].sel;
	}
}

/* Compare what the CPU/KVM holds after the exit with the reference. */
static void oracle_compare(struct oracle *o, const struct oracle_desc d[],
			   struct kvm_sregs *sregs)
{
	char diff[1024], what[64];
	unsigned int k;

	for (k = 0; k < ORACLE_NR_KINDS; k++) {
		struct kind_result *r = &o->res[k];
		struct kvm_segment want;
		struct dt_sys slot_want, slot_seen;
		struct dt_sel sel;
		unsigned int index;

		if (!(o->mask & (1u << k)))
			continue;
		oracle_want_sreg(k, &d[k], &want);
		if (o->svm)
			o->svm_g += (uint64_t)oracle_want_svm_g(&want);
		snprintf(what, sizeof(what), "%s #%llu KVM_GET_SREGS",
			 oracle_kind_name(k), (unsigned long long)r->checked);
		if (oracle_diff_sreg(sreg_of(sregs, k), &want, what, diff, sizeof(diff))) {
			r->sreg_bad++;
			report(o, k, r->checked, &d[k], "KVM_GET_SREGS", diff);
		}
		sel.w[0] = d[k].sel;
		index = (unsigned int)dt_sel_index(&sel);
		slot_seen.w[0] = o->vm.gdt[index];
		slot_seen.w[1] = o->vm.gdt[index + 1];
		oracle_want_slot(k, &d[k], &slot_want);
		snprintf(what, sizeof(what), "%s #%llu GDT after the load",
			 oracle_kind_name(k), (unsigned long long)r->checked);
		if (oracle_diff_slot(k, &slot_seen, &slot_want, what, diff, sizeof(diff))) {
			r->slot_bad++;
			report(o, k, r->checked, &d[k], "GDT after the load", diff);
		}
		r->edges += (uint64_t)d[k].edge;
		r->checked++;
	}
}

/* One exit: place, run, read, compare.  0, or -1 when the run broke. */
static int oracle_step(struct oracle *o)
{
	struct oracle_desc d[ORACLE_NR_KINDS];
	struct kvm_sregs sregs;
	char why[ORACLE_WHY_LEN];
	unsigned int k;

	oracle_place(o, d);
	if (oracle_run(o->vm.vcpu, why, sizeof(why)) != ORACLE_EXIT_DONE) {
		/* The probe loaded each kind once, so a descriptor that is
		 * valid by construction broke the run: name them all. */
		for (k = 0; k < ORACLE_NR_KINDS; k++) {
			if (!(o->mask & (1u << k)))
				continue;
			o->res[k].state = KIND_FAIL;
			snprintf(o->res[k].why, sizeof(o->res[k].why),
				 "run broke at descriptor #%llu: %s",
				 (unsigned long long)o->res[k].checked, why);
			report(o, k, o->res[k].checked, &d[k], "in the run that broke", why);
		}
		o->aborted = 1;
		return -1;
	}
	sregs_read(o->vm.vcpu, &sregs);
	oracle_compare(o, d, &sregs);
	return 0;
}

/*
 * Probe: can this KVM run a guest that loads this kind at all?  One load
 * of the kind's first edge descriptor in a VM of its own.  A run that
 * ends in KVM_EXIT_INTERNAL_ERROR is a limitation of this KVM (SKIP); a
 * guest fault on a valid descriptor is a failure.
 */
static void oracle_probe(struct oracle *o, enum oracle_kind k)
{
	struct kind_result *r = &o->res[k];
	struct oracle_gen gen;
	struct oracle_vm vm;
	struct oracle_desc d;
	char why[ORACLE_WHY_LEN];
	enum oracle_exit e;

	oracle_gen_init(&gen, 0);
	oracle_gen_next(&gen, k, ORACLE_FIRST_INDEX, &d);
	/* The probe asks only whether this KVM can run the load at all, so
	 * its descriptor has a plain base (0x1000, bits 31:24 zero): a KVM
	 * that mis-decodes the edge bases must FAIL in the stream, not be
	 * skipped here. */
	if (oracle_kind_is_system(k)) {
		dt_sys_set_base(&d.slot, 0x1000);
	} else {
		struct dt_seg lo = { { d.slot.w[0] } };

		dt_seg_set_base(&lo, 0x1000);
		d.slot.w[0] = lo.w[0];
	}
	oracle_vm_create(&vm, oracle_guest);
	vm.gdt[ORACLE_FIRST_INDEX] = d.slot.w[0];
	vm.gdt[ORACLE_FIRST_INDEX + 1] = d.slot.w[1];
	vm.mbox->sel[k] = d.sel;
	vm.mbox->mask = 1u << k;
	e = oracle_run(vm.vcpu, why, sizeof(why));
	oracle_vm_free(&vm);
	if (e == ORACLE_EXIT_DONE)
		return;
	r->state = e == ORACLE_EXIT_KVM && o->kvm == DT_KVM_PVM ? KIND_SKIP : KIND_FAIL;
	if (r->state == KIND_SKIP)
		snprintf(r->why, sizeof(r->why),
			 "kvm_pvm stops the guest at %s of a valid descriptor (%s): a limitation of the paravirtual KVM, not a decode mismatch; run on kvm_intel or kvm_amd to check %s",
			 oracle_kind_insn(k), why, oracle_kind_name(k));
	else if (e == ORACLE_EXIT_KVM)
		snprintf(r->why, sizeof(r->why),
			 "%s stops the guest at %s of a valid descriptor (%s): its instruction emulator or exception path is broken (only kvm_pvm is excused)",
			 dt_kvm_flavour_name(o->kvm), oracle_kind_insn(k), why);
	else
		snprintf(r->why, sizeof(r->why),
			 "the probe's %s of a valid descriptor broke the run (%s)",
			 oracle_kind_insn(k), why);
}

static void oracle_init(struct oracle *o, uint64_t seed)
{
	unsigned int k;

	memset(o, 0, sizeof(*o));
	o->kvm = dt_kvm_flavour();
	o->svm = o->kvm == DT_KVM_AMD;
	oracle_gen_init(&o->gen, seed);
	for (k = 0; k < ORACLE_NR_KINDS; k++) {
		oracle_probe(o, k);
		if (o->res[k].state == KIND_RUN)
			o->mask |= 1u << k;
	}
	oracle_vm_create(&o->vm, oracle_guest);
	o->vm.mbox->mask = o->mask;
}

static unsigned int kinds_in(uint32_t mask)
{
	return (unsigned int)__builtin_popcount(mask);
}

/* ---- results ---------------------------------------------------------------- */

static void print_results(struct oracle *o)
{
	unsigned int k;
	int ok;

	if (o->suppressed)
		ksft_print_msg("%llu more mismatches not shown\n",
			       (unsigned long long)o->suppressed);
	ksft_print_msg("KVM: %s\n", dt_kvm_flavour_name(o->kvm));
	if (o->svm) {
		/* svm_get_segment(): the VMCB keeps what SVM keeps, KVM
		 * fills in the rest the same way for every descriptor. */
		ksft_print_msg("kvm_amd: G compared as KVM on SVM reports it, (limit > 0xfffff); that differs from the descriptor's G for %llu descriptors\n",
			       (unsigned long long)o->svm_g);
		ksft_print_msg("kvm_amd: these KVM_GET_SREGS fields cannot fail here, KVM sets them on read-back whatever the CPU holds: tr.type bit 1 (busy, forced on), fs/gs.type bit 0 (accessed, forced on), g (limit > 0xfffff), unusable (= !present)\n");
		ksft_print_msg("kvm_amd: still testing the CPU: the GDT write-back (TSS descriptor marked busy by ltr, FS/GS descriptors marked accessed by mov, LDT descriptor untouched), and every other KVM_GET_SREGS field (selector, base, limit, the other type bits, s, dpl, present, db, l, avl)\n");
	}
	for (k = 0; k < ORACLE_NR_KINDS; k++) {
		struct kind_result *r = &o->res[k];
		const char *name = oracle_kind_name(k);

		if (r->state == KIND_SKIP) {
			/* The values in the line before: the SKIP line's reason is
			 * the same on every machine. */
			ksft_print_msg("%s: %s\n", name, r->why);
			dt_result_skip(name, "kvm_pvm stops the guest at a valid descriptor: a limitation of the paravirtual KVM, not a decode mismatch; run on kvm_intel or kvm_amd\n");
			continue;
		}
		ksft_print_msg("%s: loaded with %s, %llu edge and %llu random descriptors\n",
			       name, oracle_kind_insn(k), (unsigned long long)r->edges,
			       (unsigned long long)(r->checked - r->edges));
		if (r->state == KIND_FAIL)
			ksft_print_msg("%s: %s\n", name, r->why);
		ok = dt_check_eq(name, "descriptors loaded and compared", r->checked,
				 o->exits);
		ok &= dt_check_eq(name, "descriptors that differ in KVM_GET_SREGS",
				  r->sreg_bad, 0);
		ok &= dt_check_eq(name, "descriptors that differ in the GDT write-back",
				  r->slot_bad, 0);
		ksft_test_result(r->state == KIND_RUN && ok, "%s\n", name);
	}
}

/* ---- bench -------------------------------------------------------------------- */

/* Integer arithmetic only: these programs are built with
 * -mgeneral-regs-only (see lib/kvm/build.mk). */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* n events in ns nanoseconds, per second. */
static uint64_t per_s(uint64_t n, uint64_t ns)
{
	return ns ? (uint64_t)((unsigned __int128)n * 1000000000u / ns) : 0;
}

/* Bare exits: KVM_RUN to a guest that only writes the port, then
 * KVM_GET_SREGS, as many times as the oracle exits. */
static uint64_t bench_raw(struct oracle_vm *raw, uint64_t exits)
{
	struct kvm_sregs sregs;
	char why[ORACLE_WHY_LEN];
	uint64_t t0 = now_ns(), i;

	for (i = 0; i < exits; i++) {
		TEST_ASSERT(oracle_run(raw->vcpu, why, sizeof(why)) == ORACLE_EXIT_DONE,
			    "bare exit loop: %s", why);
		sregs_read(raw->vcpu, &sregs);
	}
	return now_ns() - t0;
}

static uint64_t bench_oracle(struct oracle *o, uint64_t exits)
{
	uint64_t t0 = now_ns(), i;

	for (i = 0; i < exits && !o->aborted; i++)
		oracle_step(o);
	return now_ns() - t0;
}

static int run_bench(struct oracle *o, uint64_t count)
{
	unsigned int nk = kinds_in(o->mask), round, k;
	uint64_t exits, chunk, descs = 0, raw_exits, raw_rate, desc_rate, ratio;
	uint64_t t_raw = 0, t_oracle = 0;
	struct oracle_vm raw;

	if (!nk) {
		printf("sregs_oracle: bench: no kind can be checked on this KVM (run sregs_oracle without --bench for the reasons)\n");
		return KSFT_SKIP;
	}
	exits = (count + nk - 1) / nk;
	chunk = (exits + ORACLE_BENCH_ROUNDS - 1) / ORACLE_BENCH_ROUNDS;
	oracle_vm_create(&raw, raw_guest);
	/* Alternate the two loops so that both see the same machine load. */
	for (round = 0; round < ORACLE_BENCH_ROUNDS && !o->aborted; round++) {
		t_raw += bench_raw(&raw, chunk);
		t_oracle += bench_oracle(o, chunk);
	}
	oracle_vm_free(&raw);
	for (k = 0; k < ORACLE_NR_KINDS; k++)
		descs += o->res[k].checked;
	raw_exits = chunk * round;
	raw_rate = per_s(raw_exits, t_raw);
	desc_rate = per_s(descs, t_oracle);
	ratio = raw_rate ? desc_rate * 100 / raw_rate : 0;
	printf("sregs_oracle: bare exits (KVM_RUN + KVM_GET_SREGS): %llu in %llu ms = %llu exits/s\n",
	       (unsigned long long)raw_exits, (unsigned long long)(t_raw / 1000000),
	       (unsigned long long)raw_rate);
	printf("sregs_oracle: descriptors checked: %llu in %llu ms = %llu descriptors/s (%u per exit, %llu exits/s)\n",
	       (unsigned long long)descs, (unsigned long long)(t_oracle / 1000000),
	       (unsigned long long)desc_rate, nk,
	       (unsigned long long)per_s(descs / nk, t_oracle));
	printf("sregs_oracle: descriptors/s over bare exits/s = %llu.%02llu (target >= 0.50: %s)\n",
	       (unsigned long long)(ratio / 100), (unsigned long long)(ratio % 100),
	       ratio >= 50 ? "met" : "NOT met");
	for (k = 0; k < ORACLE_NR_KINDS; k++)
		if (o->res[k].sreg_bad || o->res[k].slot_bad ||
		    o->res[k].state == KIND_FAIL) {
			printf("sregs_oracle: bench: %s mismatches, run without --bench for the report\n",
			       oracle_kind_name(k));
			return KSFT_FAIL;
		}
	return KSFT_PASS;
}

/* ---- main ---------------------------------------------------------------------- */

/*
 * Without a usable /dev/kvm say so (KTAP skip, exit 4) before the
 * framework's own constructor runs: it reads KVM module parameters and
 * would stop less clearly.
 */
static void __attribute__((constructor(101))) oracle_require_kvm(void)
{
	dt_kvm_require();
}

static void usage_error(const char *what)
{
	fprintf(stderr, "sregs_oracle: %s; usage: sregs_oracle [-n COUNT] [-s SEED|random] [--bench]\n",
		what);
	exit(KSFT_FAIL);
}

static uint64_t parse_u64(const char *opt, const char *arg, int positive)
{
	char *end, msg[160];
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-' || (positive && !v)) {
		snprintf(msg, sizeof(msg), "%s wants %s number, got '%s'", opt,
			 positive ? "a positive" : "a", arg);
		usage_error(msg);
	}
	return v;
}

/* The default stream is the same on every run, so that make check is
 * reproducible; -s random draws a new seed (printed, to replay it). */
#define ORACLE_DEFAULT_SEED 0x6465736374657374ull /* "desctest" */

static uint64_t clock_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec ^
	       (uint64_t)getpid() << 32;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bench", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t count = 0, seed = ORACLE_DEFAULT_SEED, exits, i;
	int bench = 0, opt, rc;
	static struct oracle o;
	unsigned int nk;
	char msg[64];

	while ((opt = getopt_long(argc, argv, "n:s:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			count = parse_u64("-n", optarg, 1);
			break;
		case 's':
			seed = strcmp(optarg, "random") ? parse_u64("-s", optarg, 0)
							: clock_seed();
			break;
		case 'b':
			bench = 1;
			break;
		case 'h':
			printf("usage: sregs_oracle [-n COUNT] [-s SEED|random] [--bench]\n");
			return KSFT_PASS;
		default:
			usage_error("unknown option");
		}
	}
	if (optind < argc) {
		snprintf(msg, sizeof(msg), "unexpected argument '%.30s'", argv[optind]);
		usage_error(msg);
	}
	if (!count)
		count = bench ? ORACLE_BENCH_COUNT : ORACLE_DEFAULT_COUNT;

	if (bench) {
		printf("sregs_oracle: bench, seed %#llx\n", (unsigned long long)seed);
		oracle_init(&o, seed);
		rc = run_bench(&o, count);
		oracle_vm_free(&o.vm);
		return rc;
	}

	dt_kvm_start(ORACLE_NR_KINDS);
	ksft_print_msg("seed %#llx (reproduce with -s %#llx -n %llu)\n",
		       (unsigned long long)seed, (unsigned long long)seed,
		       (unsigned long long)count);
	oracle_init(&o, seed);
	nk = kinds_in(o.mask);
	exits = nk ? (count + nk - 1) / nk : 0;
	o.exits = exits;
	for (i = 0; i < exits && !o.aborted; i++)
		oracle_step(&o);
	oracle_vm_free(&o.vm);
	print_results(&o);

	dt_ksft_finish();
}

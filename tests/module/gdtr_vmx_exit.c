// SPDX-License-Identifier: GPL-2.0-only
/*
 * gdtr_vmx_exit: take the desctest_tss module's VMX VM exit allowance for
 * the GDTR limit, then show it gone.
 *
 * A VMX VM exit sets the host GDTR limit to 0xffff, and KVM reloads the
 * host GDT only as the vCPU thread leaves its run loop; the module accepts
 * 0xffff on an Intel CPU in VMX operation with kvm_intel loaded, and only
 * there.  That path is taken only when a CPU is inside KVM_RUN as the
 * module reads it, so this program keeps one vCPU spinning in KVM_RUN on
 * each CPU it may run on (a thread pinned to the CPU, a real-mode guest
 * that increments a counter in a loop and never exits to user space),
 * then runs the module's loader (tss_module_test, beside this program).
 * The loader's own CPU cannot show the allowance (the loader runs there,
 * its vCPU thread is scheduled out); each other CPU is interrupted in
 * its guest by the module's IPI and reads GDTR inside KVM's run loop.
 * Then the vCPUs are stopped, their VMs closed, and the loader runs again.
 *
 *   1 gdtr_while_vcpus_run   the loader passed (every CPU's GDTR and TSS
 *                            descriptor checks), every vCPU's counter
 *                            moved while it ran, and the module took the
 *                            allowance on at least one CPU
 *   2 gdtr_after_vcpus_exit  the loader passed and every CPU's GDTR limit
 *                            was GDT_SIZE - 1 (no allowance taken)
 *
 * The loader's lines are printed as "#" lines, prefixed with the phase:
 * "# [while vCPUs run] " and "# [after vCPUs exit] ".  Skips as a whole
 * (exit 4) where the allowance cannot be taken: not root, no kvm_intel,
 * no /dev/kvm, one CPU only, no loader beside this program.  A loader
 * that skips makes both results SKIP.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include <desctest/ksft.h>

#define GUEST_MEM 0x1000
/* Guest-physical address of the counter the guest increments. */
#define GUEST_COUNTER 0x800
/* Where KVM on Intel may put the real-mode TSS (three pages); outside
 * the guest's memory. */
#define GUEST_TSS_ADDR 0xfffbd000ul
/* Guest time a vCPU has to start counting (the emulator's clock crawls). */
#define START_TIMEOUT_S 120

/*
 * At guest-physical 0, real mode, CS = DS = 0:
 *   66 ff 06 00 08   inc dword [0x800]
 *   eb f9            jmp 0
 */
static const uint8_t guest_code[] = { 0x66, 0xff, 0x06, 0x00, 0x08, 0xeb, 0xf9 };

struct spinner {
	int cpu;
	pthread_t thread;
	int started;		/* thread created */
	int ready;		/* VM and vCPU set up, mem valid */
	int vm, vcpu;
	uint8_t *mem;
	struct kvm_run *run;
	size_t run_size;
	volatile int stop;
	char why[160];		/* set when the thread gave up */
	uint32_t before, after;	/* counter around the loader's run */
};

static int kvm_fd = -1;

static void no_op(int sig)
{
	(void)sig;
}

static int is_ready(struct spinner *s)
{
	return __atomic_load_n(&s->ready, __ATOMIC_ACQUIRE);
}

static uint32_t counter(struct spinner *s)
{
	return __atomic_load_n((uint32_t *)(s->mem + GUEST_COUNTER), __ATOMIC_RELAXED);
}

/* Set up the VM and vCPU of s on its own CPU; 0, or -1 with s->why. */
static int spinner_setup(struct spinner *s)
{
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };
	cpu_set_t set;
	int size;

	CPU_ZERO(&set);
	CPU_SET(s->cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set)) {
		snprintf(s->why, sizeof(s->why), "cannot pin to cpu%d", s->cpu);
		return -1;
	}
	s->vm = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (s->vm < 0) {
		snprintf(s->why, sizeof(s->why), "KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	if (ioctl(s->vm, KVM_SET_TSS_ADDR, GUEST_TSS_ADDR) < 0) {
		snprintf(s->why, sizeof(s->why), "KVM_SET_TSS_ADDR: %s", strerror(errno));
		return -1;
	}
	s->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->mem == MAP_FAILED) {
		s->mem = NULL;
		snprintf(s->why, sizeof(s->why), "mmap: %s", strerror(errno));
		return -1;
	}
	memcpy(s->mem, guest_code, sizeof(guest_code));
	region.memory_size = GUEST_MEM;
	region.userspace_addr = (uintptr_t)s->mem;
	if (ioctl(s->vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		snprintf(s->why, sizeof(s->why), "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		return -1;
	}
	s->vcpu = ioctl(s->vm, KVM_CREATE_VCPU, 0);
	size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (s->vcpu < 0 || size <= 0) {
		snprintf(s->why, sizeof(s->why), "KVM_CREATE_VCPU: %s", strerror(errno));
		return -1;
	}
	s->run_size = (size_t)size;
	s->run = mmap(NULL, s->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, s->vcpu, 0);
	if (s->run == MAP_FAILED) {
		s->run = NULL;
		snprintf(s->why, sizeof(s->why), "mmap of the vCPU: %s", strerror(errno));
		return -1;
	}
	if (ioctl(s->vcpu, KVM_GET_SREGS, &sregs) < 0) {
		snprintf(s->why, sizeof(s->why), "KVM_GET_SREGS: %s", strerror(errno));
		return -1;
	}
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ds.base = 0;
	sregs.ds.selector = 0;
	regs.rip = 0;
	/* IF=1: an external interrupt then exits to the host whether the
	 * CPU (or the emulator) checks the guest's IF or not. */
	regs.rflags = 0x202;
	if (ioctl(s->vcpu, KVM_SET_SREGS, &sregs) < 0 ||
	    ioctl(s->vcpu, KVM_SET_REGS, &regs) < 0) {
		snprintf(s->why, sizeof(s->why), "KVM_SET_SREGS/REGS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The vCPU thread: KVM_RUN until told to stop; the guest never exits by
 * itself, a signal (with immediate_exit set) brings it back. */
static void *spin(void *arg)
{
	struct spinner *s = arg;

	if (spinner_setup(s))
		return NULL;
	__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
	while (!s->stop) {
		if (ioctl(s->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(s->why, sizeof(s->why), "KVM_RUN: %s", strerror(errno));
			break;
		}
		if (s->run->exit_reason != KVM_EXIT_INTR) {
			snprintf(s->why, sizeof(s->why), "guest exit %u to user space (the guest loop never exits)",
				 s->run->exit_reason);
			break;
		}
	}
	return NULL;
}

static void spinner_stop(struct spinner *s)
{
	if (!s->started)
		return;
	s->stop = 1;
	if (s->run)
		__atomic_store_n(&s->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(s->thread, SIGUSR1);
	pthread_join(s->thread, NULL);
	s->started = 0;
	if (s->run)
		munmap(s->run, s->run_size);
	if (s->vcpu >= 0)
		close(s->vcpu);
	if (s->vm >= 0)
		close(s->vm);
	if (s->mem)
		munmap(s->mem, GUEST_MEM);
	s->run = NULL;
	s->mem = NULL;
	s->vcpu = s->vm = -1;
}

/* What the loader printed and how it ended. */
struct load {
	int rc;			/* exit code, or -1 */
	unsigned cpus;		/* cpuN_gdtr results */
	unsigned allowance;	/* CPUs where the allowance was taken */
	unsigned kernel_limit;	/* CPUs whose limit was GDT_SIZE - 1 */
};

/* Count what the loader said in one line of its output. */
static void note_line(struct load *l, const char *line)
{
	unsigned long long seen, wanted;
	const char *p;
	int cpu, n = -1;

	if ((!strncmp(line, "ok ", 3) || !strncmp(line, "not ok ", 7)) &&
	    (p = strstr(line, "_gdtr")) && p[5] == '\0')
		l->cpus++;
	if (sscanf(line, "# cpu%d GDTR limit 0xffff accepted (VMX VM exit allowance%n",
		   &cpu, &n) == 1 && n > 0 && !strcmp(line + n, ")"))
		l->allowance++;
	p = strstr(line, ": GDTR limit (GDT_SIZE - 1) seen ");
	if (!strncmp(line, "# cpu", 5) && p &&
	    sscanf(p, ": GDTR limit (GDT_SIZE - 1) seen %llx wanted %llx", &seen, &wanted) == 2 &&
	    seen == wanted)
		l->kernel_limit++;
}

/* Run the loader on CPU cpu, its lines printed as "# <phase> <line>". */
static void run_loader(const char *loader, const char *phase, int cpu,
		       struct load *l)
{
	char buf[4096];
	FILE *out;
	int fds[2], status;
	pid_t pid;

	memset(l, 0, sizeof(*l));
	l->rc = -1;
	fflush(stdout);
	if (pipe(fds) < 0) {
		ksft_print_msg("%s pipe: %s\n", phase, strerror(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		ksft_print_msg("%s fork: %s\n", phase, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execl(loader, loader, (char *)NULL);
		printf("exec %s: %s\n", loader, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	out = fdopen(fds[0], "r");
	while (out && fgets(buf, sizeof(buf), out)) {
		buf[strcspn(buf, "\n")] = '\0';
		printf("# %s %s\n", phase, buf);
		note_line(l, buf);
	}
	if (out)
		fclose(out);
	else
		close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	l->rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fflush(stdout);
}

/* Seconds of CLOCK_MONOTONIC. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	char self[PATH_MAX], loader[PATH_MAX + 32];
	struct sigaction sa = { 0 };
	struct spinner *sp;
	struct load during, after;
	cpu_set_t allowed;
	unsigned nspin = 0, moved = 0, i;
	int ok, cpu, all_running, failed, loader_cpu;
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	double start;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	snprintf(loader, sizeof(loader), "%s/tss_module_test", dirname(self));

	ksft_print_header();
	if (geteuid() != 0)
		ksft_exit_skip("loading a kernel module needs root (run as root)\n");
	if (access("/sys/module/kvm_intel", F_OK) != 0)
		ksft_exit_skip("kvm_intel is not loaded: no VMX VM exit can leave a GDTR limit of 0xffff here\n");
	if (access(loader, X_OK) != 0) {
		ksft_print_msg("%s: %s\n", loader, strerror(errno));
		ksft_exit_skip("tss_module_test is not beside this program (install both)\n");
	}
	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0) {
		ksft_print_msg("/dev/kvm: %s\n", strerror(errno));
		ksft_exit_skip("/dev/kvm cannot be opened\n");
	}
	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IMMEDIATE_EXIT) <= 0)
		ksft_exit_skip("KVM has no KVM_CAP_IMMEDIATE_EXIT: the vCPUs could not be stopped\n");
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0 || CPU_COUNT(&allowed) < 2)
		ksft_exit_skip("fewer than two CPUs: the loader's CPU cannot be inside KVM_RUN as the module reads it\n");

	sa.sa_handler = no_op;
	sigaction(SIGUSR1, &sa, NULL);
	sp = calloc(CPU_SETSIZE, sizeof(*sp));
	if (!sp)
		ksft_exit_fail_msg("out of memory\n");
	ksft_set_plan(2);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		struct spinner *s = &sp[nspin];

		if (!CPU_ISSET(cpu, &allowed))
			continue;
		s->cpu = cpu;
		s->vm = s->vcpu = -1;
		if (pthread_create(&s->thread, NULL, spin, s)) {
			snprintf(s->why, sizeof(s->why), "pthread_create failed");
			nspin++;
			break;
		}
		s->started = 1;
		nspin++;
	}

	/* Every vCPU counting before the module loads. */
	start = now_s();
	do {
		all_running = 1;
		failed = 0;
		for (i = 0; i < nspin; i++) {
			if (sp[i].why[0])
				failed = 1;
			else if (!is_ready(&sp[i]) || !counter(&sp[i]))
				all_running = 0;
		}
		if (all_running || failed)
			break;
		usleep(10000);
	} while (now_s() - start < START_TIMEOUT_S);
	for (i = 0; i < nspin; i++)
		sp[i].before = is_ready(&sp[i]) ? counter(&sp[i]) : 0;
	loader_cpu = sp[0].cpu;
	ksft_print_msg("loader pinned to cpu%d\n", loader_cpu);
	run_loader(loader, "[while vCPUs run]", loader_cpu, &during);
	for (i = 0; i < nspin; i++) {
		sp[i].after = is_ready(&sp[i]) ? counter(&sp[i]) : 0;
		if (!sp[i].why[0] && sp[i].after != sp[i].before)
			moved++;
		ksft_print_msg("cpu%d vCPU: %s\n", sp[i].cpu,
			       sp[i].why[0] ? sp[i].why :
			       sp[i].after != sp[i].before ? "in KVM_RUN, its guest counting through the load" :
			       "its guest did not count while the module loaded");
	}
	for (i = 0; i < nspin; i++)
		spinner_stop(&sp[i]);
	for (i = 0; i < nspin; i++)
		if (sp[i].why[0])
			ksft_print_msg("cpu%d vCPU stopped: %s\n", sp[i].cpu, sp[i].why);
	free(sp);
	close(kvm_fd);
	ksft_print_msg("vCPUs stopped and their VMs closed\n");

	run_loader(loader, "[after vCPUs exit]", loader_cpu, &after);

	if (during.rc == KSFT_SKIP) {
		dt_result_skip("gdtr_while_vcpus_run", "tss_module_test skipped (its reason is in the lines above)");
	} else {
		ksft_print_msg("CPUs where the module took the VMX VM exit allowance: %u of %u\n",
			       during.allowance, during.cpus);
		ok = dt_check_eq("gdtr_while_vcpus_run", "tss_module_test exit code",
				 (uint64_t)during.rc, KSFT_PASS);
		ok &= dt_check_eq("gdtr_while_vcpus_run", "vCPUs counting through the load",
				  moved, nspin);
		ok &= dt_check_eq("gdtr_while_vcpus_run", "CPUs in the module's report (online CPUs)",
				  during.cpus, (uint64_t)online);
		ok &= dt_check_eq("gdtr_while_vcpus_run", "allowance taken on at least one CPU",
				  during.allowance > 0, 1);
		ksft_test_result(ok, "gdtr_while_vcpus_run\n");
	}
	if (after.rc == KSFT_SKIP) {
		dt_result_skip("gdtr_after_vcpus_exit", "tss_module_test skipped (its reason is in the lines above)");
	} else {
		ok = dt_check_eq("gdtr_after_vcpus_exit", "tss_module_test exit code",
				 (uint64_t)after.rc, KSFT_PASS);
		ok &= dt_check_eq("gdtr_after_vcpus_exit", "CPUs with GDTR limit GDT_SIZE - 1",
				  after.kernel_limit, after.cpus);
		ok &= dt_check_eq("gdtr_after_vcpus_exit", "CPUs where the allowance was taken",
				  after.allowance, 0);
		ok &= dt_check_eq("gdtr_after_vcpus_exit", "CPUs in the module's report (online CPUs)",
				  after.cpus, (uint64_t)online);
		ksft_test_result(ok, "gdtr_after_vcpus_exit\n");
	}
	dt_ksft_finish();
}

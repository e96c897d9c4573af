// SPDX-License-Identifier: GPL-2.0-only
/*
 * tss_module_test: load the desctest_tss kernel module, print the KTAP
 * report it wrote to /proc/desctest_tss, unload it.
 *
 * The module checks the TSS descriptor and GDTR of every online CPU from
 * inside the kernel (see tss_main.c).  This program only loads, reads and
 * unloads; the verdicts are the module's.  Its exit code is desctest's
 * one rule (desctest/ktap.h, dt_ktap_exit_code()), counted over the
 * report's results: 0 when their number is the plan and each is a pass,
 * an XFAIL or a SKIP; else 1.  A report with no plan or no result is a
 * failure.  Where the module cannot run at all the program skips as a
 * whole before any result (ksft_exit_skip(): "1..0 # SKIP <reason>",
 * exit 4), the values behind the reason in a "#" line before it.
 *
 *   tss_module_test [path/to/desctest_tss.ko]
 *   tss_module_test --report FILE
 * Default module path: desctest_tss.ko next to this program.  --report
 * judges FILE as if the module had written it, loading nothing (the
 * checks of this program's verdict rule use it).
 *
 * The module is loaded with kvm_intel=1 when /sys/module/kvm_intel exists:
 * only then may a CPU's GDTR limit read 0xffff (left by a VMX VM exit).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kselftest.h"
#include <desctest/ksft.h>

#define MOD_NAME "desctest_tss"
#define REPORT "/proc/" MOD_NAME

/*
 * The whole of a file, read until EOF into a buffer that grows as needed
 * and is NUL-terminated; NULL with errno set on failure.  The caller
 * frees it.
 */
static char *read_all(const char *path, size_t *lenp)
{
	size_t len = 0, size = 4096;
	char *buf = malloc(size), *grown;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	if (fd < 0 || !buf)
		goto fail;
	for (;;) {
		if (size - len < 2) {
			grown = realloc(buf, size * 2);
			if (!grown)
				goto fail;
			buf = grown;
			size *= 2;
		}
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	free(buf);
	errno = e;
	return NULL;
}

/* The release a module was built for: the first word of its vermagic. */
static int module_release(const char *ko, char *rel, size_t size)
{
	static const char key[] = "vermagic=";
	struct stat st;
	char *img, *p, *end;
	int fd = open(ko, O_RDONLY | O_CLOEXEC);
	int ret = -1;

	if (fd < 0 || fstat(fd, &st) < 0)
		goto out;
	img = malloc((size_t)st.st_size + 1);
	if (!img)
		goto out;
	if (read(fd, img, (size_t)st.st_size) == st.st_size) {
		img[st.st_size] = '\0';
		end = img + st.st_size;
		p = memmem(img, (size_t)st.st_size, key, sizeof(key) - 1);
		if (p) {
			p += sizeof(key) - 1;
			size_t n = strcspn(p, " ");
			if (p + n < end && n < size) {
				memcpy(rel, p, n);
				rel[n] = '\0';
				ret = 0;
			}
		}
	}
	free(img);
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

/* The module cannot run here: skip as a whole, before any result.  The
 * reason is constant (every caller passes a literal); the values (paths,
 * releases, errno) are in the "#" line before it, so the SKIP line reads
 * the same on every machine. */
static __attribute__((noreturn)) void skip(const char *reason, const char *fmt,
					   const char *a, const char *b)
{
	ksft_print_header();
	if (fmt) {
		char why[512];

		snprintf(why, sizeof(why), fmt, a, b);
		ksft_print_msg("%s\n", why);
	}
	ksft_exit_skip("%s\n", reason);
}

/* The module was to run but did not: one failed result, named after it. */
static __attribute__((noreturn)) void fail(const char *fmt, const char *a,
					   const char *b)
{
	char why[512];

	snprintf(why, sizeof(why), fmt, a, b);
	ksft_print_header();
	ksft_set_plan(1);
	ksft_print_msg("%s\n", why);
	ksft_test_result_fail("%s\n", MOD_NAME);
	dt_ksft_finish();
}

/*
 * The module's report counted as desctest counts results: its plan and
 * each top-level "ok"/"not ok" line by its directive.  A report without a
 * plan line, or without a result, counts one error.
 */
static struct dt_ktap_counts count_report(const char *report)
{
	struct dt_ktap_counts c = { 0 };
	const char *line, *nl, *d;
	int planned = 0;

	for (line = report; *line; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		if (!strncmp(line, "1..", 3)) {
			c.planned = (unsigned)strtoul(line + 3, NULL, 10);
			planned = 1;
			continue;
		}
		if (!strncmp(line, "not ok ", 7)) {
			c.fail++;
			continue;
		}
		if (strncmp(line, "ok ", 3))
			continue;
		d = strstr(line, " # ");
		if (d && nl && d > nl)
			d = NULL;
		if (d && !strncmp(d, " # XFAIL", 8))
			c.xfail++;
		else if (d && !strncmp(d, " # XPASS", 8))
			c.xpass++;
		else if (d && !strncmp(d, " # SKIP", 7))
			c.skip++;
		else
			c.pass++;
	}
	if (!planned || !dt_ktap_results(&c))
		c.error++;
	return c;
}

/* Print the report and exit by desctest's rule over its results. */
static __attribute__((noreturn)) void judge(const char *report)
{
	struct dt_ktap_counts c = count_report(report);
	unsigned results = dt_ktap_results(&c) - c.error;

	fputs(report, stdout);
	if (!results)
		printf("# %s: the report holds no results\n", MOD_NAME);
	else if (c.error)
		printf("# %s: the report has no plan line\n", MOD_NAME);
	else if (results != c.planned)
		printf("# %s: the report plans %u results but holds %u\n",
		       MOD_NAME, c.planned, results);
	fflush(stdout);
	exit(dt_ktap_exit_code(&c));
}

static void unload(void)
{
	if (syscall(SYS_delete_module, MOD_NAME, O_NONBLOCK) < 0)
		printf("# delete_module(%s): %s: the module is still loaded, rmmod it by hand\n",
		       MOD_NAME, strerror(errno));
}

int main(int argc, char **argv)
{
	char ko[PATH_MAX], self[PATH_MAX], rel[128];
	char *report, *disabled;
	size_t len;
	struct utsname u;
	const char *params;
	int fd, ret;

	if (argc == 3 && !strcmp(argv[1], "--report")) {
		report = read_all(argv[2], &len);
		if (!report) {
			fprintf(stderr, "tss_module_test: --report %s: %s: name a file holding a report of the module\n",
				argv[2], strerror(errno));
			return KSFT_FAIL;
		}
		judge(report);
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: tss_module_test [path/to/desctest_tss.ko] | --report FILE\n");
		return KSFT_FAIL;
	}

	uname(&u);
	if (argc > 1) {
		snprintf(ko, sizeof(ko), "%s", argv[1]);
	} else {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		self[n > 0 ? n : 0] = '\0';
		snprintf(ko, sizeof(ko), "%s/%s.ko", dirname(self), MOD_NAME);
	}

	if (geteuid() != 0)
		skip("loading a kernel module needs root (run as root)", NULL, NULL, NULL);
	if (access("/proc/modules", F_OK) != 0)
		skip("the running kernel has no module support (CONFIG_MODULES=n)", NULL, NULL, NULL);
	disabled = read_all("/proc/sys/kernel/modules_disabled", &len);
	if (disabled && disabled[0] == '1')
		skip("module loading is disabled (kernel.modules_disabled=1) until reboot", NULL, NULL, NULL);
	free(disabled);
	if (access(ko, R_OK) != 0)
		skip("desctest_tss.ko not built: no kernel headers for the running kernel were found at build time (install linux-headers-<release> or pass KDIR=, then rebuild)",
		     "%s not built: no kernel headers for %s", ko, u.release);
	if (module_release(ko, rel, sizeof(rel)) != 0)
		skip("desctest_tss.ko has no vermagic: not a kernel module", "%s has no vermagic%s", ko, "");
	if (strcmp(rel, u.release) != 0)
		skip("module built for another kernel than the one running: rebuild with KDIR= pointing at this kernel's headers",
		     "module built for kernel %s but %s is running", rel, u.release);

	params = access("/sys/module/kvm_intel", F_OK) == 0 ? "kvm_intel=1" : "";
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	ret = fd < 0 ? -1 : (int)syscall(SYS_finit_module, fd, params, 0);
	if (ret < 0 && errno == EEXIST) {
		/* A copy left from an interrupted run: its report is stale. */
		unload();
		ret = (int)syscall(SYS_finit_module, fd, params, 0);
	}
	if (fd >= 0)
		close(fd);
	if (ret < 0) {
		int e = errno;

		if (e == EPERM)
			skip("finit_module refused (EPERM): kernel lockdown or no CAP_SYS_MODULE", NULL, NULL, NULL);
		if (e == EKEYREJECTED || e == ENOKEY)
			skip("finit_module refused the unsigned module: the kernel enforces module signatures",
			     "finit_module: %s%s", strerror(e), "");
		if (e == ENOEXEC)
			skip("finit_module: the module does not match this kernel's build (symbol versions), rebuild it against this kernel's headers",
			     "finit_module: %s%s", strerror(e), "");
		if (e == ENOSYS)
			skip("finit_module is not available", "finit_module: %s%s", strerror(e), "");
		fail("finit_module(%s): %s", ko, strerror(e));
	}

	report = read_all(REPORT, &len);
	if (!report) {
		int e = errno;

		unload();
		fail("loaded but " REPORT " could not be read: %s%s", strerror(e), "");
	}
	unload();
	if (len == 0)
		fail("loaded but " REPORT " is empty%s%s", "", "");
	judge(report);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec32: the 64-bit stand-in for a 32-bit program.  It runs the real
 * program, <this file>.i386 beside it, in its place (same arguments, same
 * output, same exit status).  On a kernel that runs no 32-bit code, where
 * execve of an i386 ELF gives ENOEXEC (IA-32 emulation off or absent), it
 * says so the way a kselftest program does, a KTAP plan of no tests with
 * the SKIP reason, and exits 4 (KSFT_SKIP): upstream's run_kselftest.sh
 * then reports "ok ... # SKIP", not a failure.  Any other execve error
 * (the .i386 file missing, not executable), or ENOEXEC for a file that is
 * not a well-formed i386 executable, is a failure that names it.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define KSFT_FAIL 1
#define KSFT_SKIP 4

/* ENOEXEC means "no 32-bit code here" only for a real i386 executable. */
static int is_i386_elf(const char *path)
{
	Elf32_Ehdr eh;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, &eh, sizeof(eh));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)sizeof(eh) &&
	       !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	       eh.e_ident[EI_CLASS] == ELFCLASS32 &&
	       eh.e_ident[EI_DATA] == ELFDATA2LSB &&
	       (eh.e_type == ET_EXEC || eh.e_type == ET_DYN) &&
	       eh.e_machine == EM_386;
}

int main(int argc, char **argv)
{
	char self[PATH_MAX], real[PATH_MAX + 8];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	(void)argc;
	if (len < 0) {
		printf("TAP version 13\n1..0\nBail out! exec32: cannot find its own path (readlink /proc/self/exe: %s); mount /proc\n",
		       strerror(errno));
		return KSFT_FAIL;
	}
	self[len] = 0;
	snprintf(real, sizeof(real), "%s.i386", self);
	argv[0] = real;
	execv(real, argv);
	if (errno == ENOEXEC && is_i386_elf(real)) {
		printf("TAP version 13\n1..0 # SKIP the kernel runs no 32-bit code (IA-32 emulation off or absent)\n");
		return KSFT_SKIP;
	}
	printf("TAP version 13\n1..0\nBail out! exec32: cannot run %s: %s; reinstall it beside %s\n",
	       real, strerror(errno), self);
	return KSFT_FAIL;
}

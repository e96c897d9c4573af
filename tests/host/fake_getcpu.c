// SPDX-License-Identifier: GPL-2.0-only
/*
 * LD_PRELOAD shim for pin_check.sh: the getcpu system call, made through
 * glibc's syscall(), reports CPU TO where the kernel said FROM
 * (DESCTEST_FAKE_GETCPU=FROM:TO), so a program that pins itself to FROM
 * sees the kernel report another CPU.  Every other system call, and
 * getcpu on any other CPU, goes through unchanged.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

long syscall(long nr, ...)
{
	static long (*real)(long, ...);
	unsigned int from, to;
	const char *fake;
	long a[6], r;
	va_list ap;
	int i;

	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	/* The largest number of arguments a system call takes; the ones the
	 * caller did not pass are not used by the call it names. */
	va_start(ap, nr);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	r = real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	fake = getenv("DESCTEST_FAKE_GETCPU");
	if (nr == SYS_getcpu && r == 0 && a[0] && fake &&
	    sscanf(fake, "%u:%u", &from, &to) == 2 &&
	    *(unsigned int *)a[0] == from)
		*(unsigned int *)a[0] = to;
	return r;
}

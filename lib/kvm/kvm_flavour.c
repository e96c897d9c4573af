// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which KVM serves /dev/kvm; the rule is in kvm_flavour.h.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kvm_flavour.h"

enum module_state { MOD_ABSENT, MOD_BUILTIN, MOD_LOADED, MOD_OTHER };

/* A module's state from its /sys/module directory: no directory, a
 * directory without initstate (built in), initstate "live" (loaded), or
 * initstate reading anything else (coming, going: holds nothing). */
static enum module_state module_state(const char *sysmod, const char *name)
{
	char path[4096], state[32] = "";
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sysmod, name);
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return MOD_ABSENT;
	snprintf(path, sizeof(path), "%s/%s/initstate", sysmod, name);
	f = fopen(path, "r");
	if (!f)
		return MOD_BUILTIN;
	if (!fgets(state, sizeof(state), f))
		state[0] = '\0';
	fclose(f);
	state[strcspn(state, "\n")] = '\0';
	return strcmp(state, "live") ? MOD_OTHER : MOD_LOADED;
}

enum dt_kvm_flavour dt_kvm_flavour_at(const char *sysmod, int vmx, int svm)
{
	static const struct {
		const char *name;
		enum dt_kvm_flavour f;
	} vendors[] = {
		{ "kvm_intel", DT_KVM_INTEL },
		{ "kvm_amd", DT_KVM_AMD },
		{ "kvm_pvm", DT_KVM_PVM },
	};
	enum dt_kvm_flavour loaded = DT_KVM_OTHER, builtin = DT_KVM_OTHER;
	unsigned int nloaded = 0, nbuiltin = 0, i;

	for (i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
		enum module_state s = module_state(sysmod, vendors[i].name);
		enum dt_kvm_flavour f = vendors[i].f;

		if (s == MOD_LOADED) {
			loaded = f;
			nloaded++;
		} else if (s == MOD_BUILTIN &&
			   (f == DT_KVM_PVM || (f == DT_KVM_INTEL && vmx) ||
			    (f == DT_KVM_AMD && svm))) {
			builtin = f;
			nbuiltin++;
		}
	}
	if (nloaded)
		return nloaded == 1 ? loaded : DT_KVM_OTHER;
	return nbuiltin == 1 ? builtin : DT_KVM_OTHER;
}

int dt_cpuinfo_has_flag(const char *path, const char *flag)
{
	char line[8192];
	size_t n = strlen(flag);
	FILE *f = fopen(path, "r");
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		const char *p;

		if (strncmp(line, "flags", 5) || !strchr(line, ':'))
			continue;
		for (p = strchr(line, ':') + 1; (p = strstr(p, flag)); p += n)
			if ((p[-1] == ' ' || p[-1] == '\t' || p[-1] == ':') &&
			    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0')) {
				found = 1;
				break;
			}
		break; /* the first CPU's flags, as the runner reads them */
	}
	fclose(f);
	return found;
}

enum dt_kvm_flavour dt_kvm_flavour(void)
{
	static int decided;
	static enum dt_kvm_flavour f;

	if (!decided) {
		f = dt_kvm_flavour_at("/sys/module",
				      dt_cpuinfo_has_flag("/proc/cpuinfo", "vmx"),
				      dt_cpuinfo_has_flag("/proc/cpuinfo", "svm"));
		decided = 1;
	}
	return f;
}

const char *dt_kvm_flavour_name(enum dt_kvm_flavour f)
{
	switch (f) {
	case DT_KVM_PVM:
		return "kvm_pvm";
	case DT_KVM_INTEL:
		return "kvm_intel";
	case DT_KVM_AMD:
		return "kvm_amd";
	default:
		return "an unknown KVM (no single one of kvm_intel, kvm_amd, kvm_pvm serves /dev/kvm)";
	}
}

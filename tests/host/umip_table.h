/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-kernel-version UMIP expectations (configs/umip-expect.tsv):
 * loading, parsing and look-up.  The file format is described in the
 * table's own header comment.
 */
#ifndef DESCTEST_UMIP_TABLE_H
#define DESCTEST_UMIP_TABLE_H

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum umip_outcome { UMIP_NATIVE, UMIP_SIGSEGV, UMIP_VALUE };

struct umip_row {
	long from, until;	/* major * 1000 + minor; until exclusive */
	int abi;		/* 32, 64, or 0 for both */
	char insn[16];		/* "*" matches every instruction */
	enum umip_outcome outcome;
	int has_base, has_limit, has_value;
	uint64_t base, limit, value;
	int line;
};

struct umip_table {
	struct umip_row rows[64];
	int n;
	char origin[512];	/* file path, or "built-in copy of ..." */
};

/* "6.12" -> 6012, "0" -> 0, "-" -> LONG_MAX; -1 when malformed. */
static inline long umip_parse_version(const char *s)
{
	char *end;
	long major, minor = 0;

	if (!strcmp(s, "-"))
		return LONG_MAX;
	major = strtol(s, &end, 10);
	if (end == s || major < 0)
		return -1;
	if (*end == '.') {
		const char *m = end + 1;

		minor = strtol(m, &end, 10);
		if (end == m || minor < 0 || minor > 999)
			return -1;
	}
	return *end ? -1 : major * 1000 + minor;
}

/*
 * Parse one line into ROW.  Returns 1 for a row, 0 for a blank or comment
 * line, -1 with ERR filled for anything else.
 */
static inline int umip_parse_line(char *line, struct umip_row *row,
				  char *err, size_t errlen)
{
	char *tok[8], *save = NULL, *p;
	int n = 0;

	p = strchr(line, '#');
	if (p)
		*p = 0;
	for (p = strtok_r(line, " \t\r\n", &save); p && n < 8;
	     p = strtok_r(NULL, " \t\r\n", &save))
		tok[n++] = p;
	if (n == 0)
		return 0;
	if (n < 5) {
		snprintf(err, errlen, "%d columns, want 5 or more (from until abi insn expect)", n);
		return -1;
	}
	memset(row, 0, sizeof(*row));
	row->from = umip_parse_version(tok[0]);
	row->until = umip_parse_version(tok[1]);
	if (row->from < 0 || row->until < 0 || row->until <= row->from) {
		snprintf(err, errlen, "bad version range '%.20s' '%.20s' (want e.g. 5.4 5.9 or 5.9 -)",
			 tok[0], tok[1]);
		return -1;
	}
	if (!strcmp(tok[2], "*"))
		row->abi = 0;
	else if (!strcmp(tok[2], "32") || !strcmp(tok[2], "64"))
		row->abi = atoi(tok[2]);
	else {
		snprintf(err, errlen, "bad abi '%.20s' (want 32, 64 or *)", tok[2]);
		return -1;
	}
	if (strlen(tok[3]) >= sizeof(row->insn)) {
		snprintf(err, errlen, "instruction name '%.20s' too long", tok[3]);
		return -1;
	}
	strcpy(row->insn, tok[3]);
	if (!strcmp(tok[4], "native")) {
		row->outcome = UMIP_NATIVE;
		return n == 5 ? 1 : (snprintf(err, errlen, "nothing may follow 'native'"), -1);
	}
	if (!strcmp(tok[4], "SIGSEGV")) {
		row->outcome = UMIP_SIGSEGV;
		return n == 5 ? 1 : (snprintf(err, errlen, "nothing may follow 'SIGSEGV'"), -1);
	}
	row->outcome = UMIP_VALUE;
	for (int i = 4; i < n; i++) {
		char *eq = strchr(tok[i], '='), *end;
		uint64_t v;

		if (!eq) {
			snprintf(err, errlen, "bad expectation '%.40s' (want SIGSEGV, native or field=0xHEX)", tok[i]);
			return -1;
		}
		*eq = 0;
		errno = 0;
		v = strtoull(eq + 1, &end, 16);
		if (errno || end == eq + 1 || *end) {
			snprintf(err, errlen, "bad hex value '%.40s' for %.20s", eq + 1, tok[i]);
			return -1;
		}
		if (!strcmp(tok[i], "base"))
			row->has_base = 1, row->base = v;
		else if (!strcmp(tok[i], "limit"))
			row->has_limit = 1, row->limit = v;
		else if (!strcmp(tok[i], "value"))
			row->has_value = 1, row->value = v;
		else {
			snprintf(err, errlen, "unknown field '%.20s' (want base, limit or value)", tok[i]);
			return -1;
		}
	}
	return 1;
}

/* Parse a whole table held in TEXT (modified).  0, or -1 with ERR set. */
static inline int umip_table_parse(struct umip_table *t, char *text,
				   char *err, size_t errlen)
{
	char *save = NULL, *line, msg[256];
	struct umip_row row;
	int lineno = 0;

	t->n = 0;
	/* strtok_r would merge empty lines and lose the numbering. */
	for (line = text; line; line = save) {
		int r;

		save = strchr(line, '\n');
		if (save)
			*save++ = 0;
		lineno++;
		r = umip_parse_line(line, &row, msg, sizeof(msg));
		if (r < 0) {
			snprintf(err, errlen, "%.400s:%d: %.200s", t->origin, lineno, msg);
			return -1;
		}
		if (r == 0)
			continue;
		if (t->n == (int)(sizeof(t->rows) / sizeof(t->rows[0]))) {
			snprintf(err, errlen, "%.400s:%d: more than %d rows", t->origin,
				 lineno, t->n);
			return -1;
		}
		row.line = lineno;
		t->rows[t->n++] = row;
	}
	if (!t->n) {
		snprintf(err, errlen, "%.400s: no rows", t->origin);
		return -1;
	}
	return 0;
}

/* First row that covers VERSION, ABI and INSN; NULL when none does. */
static inline const struct umip_row *
umip_table_find(const struct umip_table *t, long version, int abi,
		const char *insn)
{
	for (int i = 0; i < t->n; i++) {
		const struct umip_row *r = &t->rows[i];

		if (version < r->from || version >= r->until)
			continue;
		if (r->abi && r->abi != abi)
			continue;
		if (strcmp(r->insn, "*") && strcmp(r->insn, insn))
			continue;
		return r;
	}
	return NULL;
}

#endif /* DESCTEST_UMIP_TABLE_H */

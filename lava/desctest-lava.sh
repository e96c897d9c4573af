#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# desctest-lava.sh: the steps of lava/desctest.yaml, in a LAVA test shell
# or any POSIX shell (busybox included) on the machine under test.
#
#   desctest-lava.sh [-p KSELFTEST_PATH] [-c "COLLECTION ..."]
#                    [-s "COLLECTION:TEST-GLOB ..."] [-n SHARD_NUMBER]
#                    [-i SHARD_INDEX]
#
# In KSELFTEST_PATH (an unpacked desctest.tar.xz, default .), the programs
# of kselftest-list.txt are selected: line L (counting from 1) belongs to
# shard ((L - 1) % SHARD_NUMBER) + 1, only SHARD_INDEX's are kept (default
# 1 of 1); then only the collections named by -c (default all); then the
# ones no -s glob matches.  Each collection runs once, as
# `./run_kselftest.sh -t C:T1 -t C:T2 ...`; its output is shown framed as
# tests/vm/init.sh frames a guest's (DESCTEST-BEGIN/END around each
# program, run_kselftest.sh's "# " taken off), so `desctest import-lava`
# files the job's log like a local run.  Every KTAP result is reported
# with lava-test-case (when it is on PATH):
#   C_T            the program (run_kselftest.sh's own ok/not ok line)
#   C_T_NAME       each result the program printed; NAME is the KTAP
#                  description, every character outside [A-Za-z0-9_.-]
#                  made "_"; the second of a name within a collection is
#                  NAME_2, and so on
# Results: ok is pass, not ok fail, "# SKIP" skip, "# XFAIL" pass, "# TODO"
# skip.  A program's results are reported after its DESCTEST-END line, in
# its order, then the program's own.  A SKIP's reason (a program's: its
# "1..0 # SKIP ..." plan) and a failure's are printed on the line
# "desctest-lava: NAME RESULT: REASON" just before the case is reported,
# so LAVA's log shows it by the case (LAVA's measurement is a number: the
# dispatcher refuses a text one).
# Exit 0 when every selected program ran (whatever its result), 2 on bad
# options or a KSELFTEST_PATH that is not an unpacked tree.
set -u

path=. colls= skips= nshard=1 ishard=1
die() {
	echo "desctest-lava: $*" >&2
	exit 2
}
while getopts p:c:s:n:i: opt; do
	case $opt in
	p) path=$OPTARG ;; c) colls=$OPTARG ;; s) skips=$OPTARG ;;
	n) nshard=$OPTARG ;; i) ishard=$OPTARG ;;
	*) die "usage: desctest-lava.sh [-p KSELFTEST_PATH] [-c COLLECTIONS] [-s SKIPLIST] [-n SHARD_NUMBER] [-i SHARD_INDEX]" ;;
	esac
done
case $nshard in '' | *[!0-9]* | 0) die "SHARD_NUMBER=$nshard: want a number of shards, 1 or more" ;; esac
case $ishard in '' | *[!0-9]* | 0) die "SHARD_INDEX=$ishard: want 1 to SHARD_NUMBER ($nshard)" ;; esac
[ "$ishard" -le "$nshard" ] || die "SHARD_INDEX=$ishard: want 1 to SHARD_NUMBER ($nshard)"
cd "$path" 2>/dev/null || die "KSELFTEST_PATH=$path: no such directory; unpack desctest.tar.xz there"
[ -f kselftest-list.txt ] && [ -x run_kselftest.sh ] ||
	die "KSELFTEST_PATH=$path has no kselftest-list.txt and run_kselftest.sh; unpack desctest.tar.xz (make gen_tar) there"

# run_kselftest.sh appends each program's output to /dev/stdout; a bare
# ramdisk's devtmpfs has no such link (udev makes it).
for fd in 0:stdin 1:stdout 2:stderr; do
	[ -e "/dev/${fd#*:}" ] || ln -s "/proc/self/fd/${fd%%:*}" "/dev/${fd#*:}" 2>/dev/null
done

report=lava-test-case
command -v lava-test-case >/dev/null 2>&1 || report=

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "DESCTEST-MACHINE kernel=$(uname -r) cpu=${cpu:-unknown}"
echo "DESCTEST-INFO cpus=$(grep -c '^processor' /proc/cpuinfo 2>/dev/null)"
echo "DESCTEST-INFO lava_shard=$ishard/$nshard"

# The selection: "collection test" lines, in list order.
sel=$(
	set -f
	n=0
	while IFS= read -r t || [ -n "$t" ]; do
		[ -n "$t" ] || continue
		n=$((n + 1))
		[ $(((n - 1) % nshard + 1)) -eq "$ishard" ] || continue
		c=${t%%:*}
		if [ -n "$colls" ]; then
			case " $colls " in *" $c "*) ;; *) continue ;; esac
		fi
		hit=
		for s in $skips; do
			# shellcheck disable=SC2254
			case $t in $s) hit=$s ;; esac
		done
		if [ -n "$hit" ]; then
			echo "# desctest-lava: $t not run: SKIPLIST has $hit" >&2
			continue
		fi
		echo "$c ${t#*:}"
	done <kselftest-list.txt
)
for c in $colls; do
	grep -q "^$c:" kselftest-list.txt || echo "# desctest-lava: collection $c is not in kselftest-list.txt" >&2
done

# One collection's run_kselftest.sh output in, framed output and
# lava-test-case calls out.
frame='
function clean(s) { gsub(/[^A-Za-z0-9_.-]/, "_", s); return s }
function uniq(s) { if (s in seen) { seen[s]++; return s "_" seen[s] } seen[s] = 1; return s }
function report(name, res, why) {
	if (why != "") print "desctest-lava: " name " " res ": " why
	fflush()
	if (tool != "") system(tool " " name " --result " res)
}
# A program'"'"'s results are reported after its DESCTEST-END: its framed
# output stays its own.
function later(name, res, why) { npend++; pn[npend] = name; pr[npend] = res; pw[npend] = why }
function flush(    k) { for (k = 1; k <= npend; k++) report(pn[k], pr[k], pw[k]); npend = 0 }
# A KTAP result line: sets R_OK, R_DESC, R_DIR (directive word), R_WHY.
function result(l,    rest, p) {
	sub(/^[ \t]*/, "", l)
	if (l !~ /^(not )?ok [0-9]+( |$)/) return 0
	R_OK = (l !~ /^not /)
	rest = l; sub(/^(not )?ok [0-9]+ ?/, "", rest)
	R_DIR = ""; R_WHY = ""
	p = index(rest, " # ")
	if (p == 0 && rest ~ /^# /) p = -1
	if (p != 0) {
		R_WHY = substr(rest, p + 3 + (p < 0))
		rest = p > 0 ? substr(rest, 1, p - 1) : ""
		R_DIR = R_WHY; sub(/ .*/, "", R_DIR); R_DIR = toupper(R_DIR)
		sub(/^[^ ]* ?/, "", R_WHY)
	}
	R_DESC = rest
	return 1
}
function lava(ok, dir) {
	if (dir == "SKIP" || dir == "TODO") return "skip"
	if (dir == "XFAIL") return "pass"
	return ok ? "pass" : "fail"
}
/^# selftests: [^ ]+: [^ ]+$/ && prog == "" {
	c = $3; sub(/:$/, "", c); prog = c ":" $4; base = clean(c "_" $4)
	print "DESCTEST-BEGIN " prog; plan = ""; next
}
/^(not )?ok [0-9]+ selftests: / && prog != "" {
	result($0)
	rc = R_OK ? 0 : 1
	if (R_DIR == "SKIP") rc = 4
	else if (R_DIR == "TIMEOUT") rc = 124
	else if (R_DIR ~ /^EXIT=/) { rc = R_DIR; sub(/^EXIT=/, "", rc) }
	print "DESCTEST-END " prog " rc=" rc
	flush()
	why = R_DIR == "SKIP" ? (plan != "" ? plan : "exit 4 (KSFT_SKIP)") : R_OK ? "" : R_DIR == "TIMEOUT" ? "timeout " R_WHY : "exit " rc
	report(uniq(base), lava(R_OK, R_DIR), why)
	prog = ""; next
}
prog != "" {
	l = $0
	if (l == "#") l = ""; else sub(/^# /, "", l)
	print l
	if (l ~ /^1\.\.0 # SKIP/) { plan = l; sub(/^1\.\.0 # /, "", plan) }
	if (result(l)) {
		res = lava(R_OK, R_DIR)
		why = (res == "skip" || res == "fail") ? (R_DIR != "" ? R_DIR " " R_WHY : "not ok") : ""
		later(uniq(base "_" clean(R_DESC)), res, why)
	}
	next
}
{ print }
'
for c in $(echo "$sel" | awk 'NF && !seen[$1]++ { print $1 }'); do
	set --
	for t in $(echo "$sel" | awk -v c="$c" '$1 == c { print $2 }'); do
		set -- "$@" -t "$c:$t"
	done
	./run_kselftest.sh "$@" 2>&1 | awk -v tool="$report" "$frame"
done
echo "DESCTEST-DONE"
exit 0

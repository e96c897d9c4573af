#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build-programs.sh --output DIR [--only GLOB]... [--exclude GLOB]...
#                   [-- MAKE-ARGUMENT...]
#
# Build only the suite's programs a glob names, and write the
# DIR/kselftest-list.txt that lists just them (what the runner and the
# VM's initramfs read).  The programs are `make validate_list`'s
# (collection:test); the globs are read by runner/desctest_runner/
# selection.py, the rule the runner's --filter and the guests' VM_ONLY
# also follow: 'host:umip*' and 'host/umip*' name the same programs.
# Without --only every program is built; a program an --exclude glob
# names is neither built nor listed.  MAKE-ARGUMENTs go to both make
# calls (KSRC=..., KVER=..., -j2).
#
# Prints the chosen programs (collection:test), one a line, on stdout;
# make's output goes to stderr.
#
# Exit: 0 built; 1 the build failed; 2 bad arguments, or the program list
# could not be read; 3 the globs name no program (one line saying so).
set -uo pipefail

me=build-programs.sh
top=$(cd "$(dirname "$0")/.." && pwd)
out= only=() exclude=()
usage="usage: $me --output DIR [--only GLOB]... [--exclude GLOB]... [-- MAKE-ARGUMENT...]"
while [ $# -gt 0 ]; do
	case $1 in
	--output|--only|--exclude)
		[ $# -ge 2 ] || { echo "$me: $1 needs a value; $usage" >&2; exit 2; }
		case $1 in
		--output) out=$2 ;;
		--only) only+=("$2") ;;
		--exclude) exclude+=(--exclude "$2") ;;
		esac
		shift ;;
	--) shift; break ;;
	*) echo "$me: unknown argument $1; $usage" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$out" ] || { echo "$me: --output DIR missing; $usage" >&2; exit 2; }

py=${PYTHON:-}
if [ -z "$py" ]; then
	for py in /usr/bin/python3 python3; do
		command -v "$py" >/dev/null && break
	done
fi

set -f	# program names are words, never file globs
list=$(make -s --no-print-directory -C "$top" OUTPUT="$out" "$@" validate_list) ||
	{ echo "$me: make validate_list failed in $top: cannot tell the suite's programs" >&2; exit 2; }
err=$(mktemp) || exit 2
chosen=$(printf '%s\n' $list | PYTHONPATH=$top/runner "$py" -m desctest_runner.selection \
	${exclude[@]+"${exclude[@]}"} -- ${only[@]+"${only[@]}"} 2>"$err")
rc=$? why=$(tail -n 1 "$err")
rm -f "$err"
case $rc in
0) ;;
1) echo "$me: ${why#selection: }" >&2; exit 3 ;;
*) echo "$me: cannot select the programs with $py: $why" >&2; exit 2 ;;
esac

targets=()
for p in $chosen; do
	targets+=("$out/${p%%:*}/${p#*:}")
done
make --no-print-directory -C "$top" OUTPUT="$out" "$@" "${targets[@]}" all_extra >&2
rc=$?
[ $rc -eq 0 ] || { echo "$me: the build of" $chosen "failed (make exit $rc)" >&2; exit 1; }
mkdir -p "$out" &&
	printf '%s\n' $chosen >"$out/kselftest-list.txt.tmp" &&
	mv -f "$out/kselftest-list.txt.tmp" "$out/kselftest-list.txt" ||
	{ echo "$me: cannot write $out/kselftest-list.txt" >&2; exit 1; }
printf '%s\n' $chosen

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# collection-settings.sh SETTINGS DIR COLLECTION:TEST...
#
# Write DIR/<collection>/settings for upstream's run_kselftest.sh, which
# reads one "timeout=N" per collection directory.  configs/settings holds
# a default "timeout=N" and per-program "collection/test.timeout=N"
# overrides; a collection gets the largest timeout of its programs, so
# that none is cut short (the others merely may run longer before being
# killed).
set -euo pipefail

settings=${1:?usage: collection-settings.sh SETTINGS DIR COLLECTION:TEST...}
dir=${2:?usage: collection-settings.sh SETTINGS DIR COLLECTION:TEST...}
shift 2

default=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$settings" | tail -n 1)
default=${default:-45}

declare -A max=() from=()
for p in "$@"; do
	coll=${p%%:*}
	test=${p#*:}
	t=$(sed -n "s|^$coll/$test\.timeout=\([0-9][0-9]*\)\$|\1|p" "$settings" | tail -n 1)
	if [ -n "$t" ] && { [ -z "${max[$coll]:-}" ] || [ "$t" -gt "${max[$coll]}" ]; }; then
		max[$coll]=$t
		from[$coll]="$coll/$test.timeout"
	elif [ -z "${max[$coll]:-}" ] || [ "$default" -gt "${max[$coll]}" ]; then
		max[$coll]=$default
		from[$coll]="the default timeout"
	fi
done

for coll in "${!max[@]}"; do
	mkdir -p "$dir/$coll"
	{
		echo "# Written by desctest's make install from configs/settings:"
		echo "# the largest timeout of this collection's programs (${from[$coll]})."
		echo "timeout=${max[$coll]}"
		rule=$(sed -n "s/^$coll\.ktap=\([a-z]*\)\$/\1/p" "$settings" | tail -n 1)
		if [ "$rule" = strict ]; then
			echo "# desctest's strict KTAP rule (configs/settings: $coll.ktap=strict)."
			echo "ktap=strict"
		fi
	} >"$dir/$coll/settings.tmp"
	mv -f "$dir/$coll/settings.tmp" "$dir/$coll/settings"
done

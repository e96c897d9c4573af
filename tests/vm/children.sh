# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by tests/vm/vm-run.sh and runner/bisect-run.sh: long children
# run in the background, so that a signal is handled at once, and a
# signal stops them with everything they started.
#
#   children_traps NAME   on SIGINT, SIGTERM or SIGHUP: the child under
#                         way and every process under it get SIGTERM
#                         (boot.sh then stops its emulator), are waited
#                         for, "NAME: stopped by SIG..." goes to stderr
#                         and the script exits 130, 143 or 129
#   run COMMAND...        COMMAND as that child; its exit status
#
# (A background child of a script ignores SIGINT, and a Ctrl-C reaches
# only the terminal's foreground processes: hence SIGTERM, to the tree.)

child=

# The pids of PID's process tree, PID first.
children_tree() {
	local c
	echo "$1"
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		children_tree "$c"
	done
}

children_on_signal() {
	trap '' INT TERM HUP
	if [ -n "$child" ]; then
		# shellcheck disable=SC2046
		kill -TERM $(children_tree "$child") 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	echo "$1: stopped by SIG$2" >&2
	exit "$3"
}

children_traps() {
	# shellcheck disable=SC2064
	trap "children_on_signal '$1' INT 130" INT
	# shellcheck disable=SC2064
	trap "children_on_signal '$1' TERM 143" TERM
	# shellcheck disable=SC2064
	trap "children_on_signal '$1' HUP 129" HUP
}

run() {
	local rc
	"$@" &
	child=$!
	wait "$child"
	rc=$?
	child=
	return $rc
}

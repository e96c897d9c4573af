# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by tests/vm/boot.sh (QEMU) and tests/bochs/boot.sh (Bochs),
# which start the emulator as `timeout -k 5 LIMIT EMULATOR ... &`:
#
#   emulator_traps NAME   on SIGINT, SIGTERM or SIGHUP: the emulator and
#                         its timeout wrapper (pid $emulator) stopped and
#                         waited for, one line naming the signal, exit
#                         130, 143 or 129
#   emulator_stop PID     that stop: SIGTERM to the wrapper's process
#                         group (timeout(1) leads one, the emulator in
#                         it; timeout passes the signal on and reaps the
#                         emulator), SIGKILL to whatever is left after 2 s

emulator=
emulator_stop() {
	local pid=$1 i
	kill -TERM -- -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	for i in $(seq 20); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL -- -"$pid" 2>/dev/null
		pkill -KILL -P "$pid" 2>/dev/null
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
}

emulator_on_signal() {
	trap '' INT TERM HUP
	[ -z "$emulator" ] || emulator_stop "$emulator"
	echo "boot.sh: stopped by SIG$2; $1 stopped" >&2
	exit "$3"
}

emulator_traps() {
	# shellcheck disable=SC2064
	trap "emulator_on_signal '$1' INT 130" INT
	# shellcheck disable=SC2064
	trap "emulator_on_signal '$1' TERM 143" TERM
	# shellcheck disable=SC2064
	trap "emulator_on_signal '$1' HUP 129" HUP
}

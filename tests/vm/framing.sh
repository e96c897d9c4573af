# SPDX-License-Identifier: GPL-2.0-only
#
# The console framing tests/vm/init.sh writes, defined once.  Sourced by
# tests/vm/boot.sh, boot-verdict.sh, vm-run.sh, tests/bochs/boot.sh and
# runner/bisect-run.sh; the runner's import-console reads the same
# patterns out of this file (runner/desctest_runner/framing.py), and
# tests/bisect/test_framing.py checks that both read a corpus of lines
# alike.
#
# A console's lines end at LF, CR LF or a lone CR (as Python's universal
# newlines read them; a lone CR returns to the start of a terminal's
# line).  A frame is a whole line: exactly "DESCTEST-<KIND>" followed by
# text matching DESCTEST_FRAME_<KIND> (an extended regular expression, also
# valid as a Python one, matched over the whole rest of the line).
# Anything else -- "DESCTEST-DONE-ish", "DESCTEST-DONE x",
# " DESCTEST-DONE", "# DESCTEST-END ..." -- is a program's output, never a
# frame.
#
#   DESCTEST-MACHINE kernel=<release> cpu=<model name>
#   DESCTEST-INFO key=value
#   DESCTEST-BEGIN <collection>:<test>
#   DESCTEST-END <collection>:<test> rc=<exit> ms=<duration>
#   DESCTEST-DONE
#
# Program names are printable ASCII without spaces ([!-~]); the patterns
# use no backslash and no character class a Python regular expression
# reads otherwise.

DESCTEST_FRAME_KINDS='MACHINE INFO BEGIN END DONE'
DESCTEST_FRAME_MACHINE=' .*[^ ].*'
DESCTEST_FRAME_INFO=' .*[^ ].*'
DESCTEST_FRAME_BEGIN=' [!-~]+'
DESCTEST_FRAME_END=' [!-~]+ rc=-?[0-9]+( ms=[0-9]+)?'
DESCTEST_FRAME_DONE=''

# desctest_frame_re KIND: the whole-line pattern of KIND (anchored).
desctest_frame_re() {
	case $1 in
	MACHINE) echo "^DESCTEST-MACHINE$DESCTEST_FRAME_MACHINE\$" ;;
	INFO) echo "^DESCTEST-INFO$DESCTEST_FRAME_INFO\$" ;;
	BEGIN) echo "^DESCTEST-BEGIN$DESCTEST_FRAME_BEGIN\$" ;;
	END) echo "^DESCTEST-END$DESCTEST_FRAME_END\$" ;;
	DONE) echo "^DESCTEST-DONE$DESCTEST_FRAME_DONE\$" ;;
	*) echo "framing.sh: unknown frame kind '$1' (want one of $DESCTEST_FRAME_KINDS)" >&2
	   return 2 ;;
	esac
}

# A kernel message's start, printk's time stamp ("[    6.690234] ").  The
# kernel writes its messages to the console past the tty that user space
# writes through, so on a slow serial line (Bochs) one can land inside a
# line being written: "DESCTEST-BEGIN module:tss_mo[    6.69] desctest_tss:
# ... taints kernel." then "dule_test".  A line holding this pattern after
# other text was cut there: the text before it goes on at the start of
# the next line that is not itself a kernel message, and each message is
# a line of its own.  (An ERE and, with \[ for [[] and \] for []], the
# Python one of runner/desctest_runner/framing.py: KMSG_START; the corpus
# of tests/bisect/test_framing.py holds them to the same lines.)
DESCTEST_KMSG_START='[[] *[0-9]+[.][0-9]+[]] '

# desctest_console_lines FILE: console FILE's lines by those rules, each
# ending in LF.
desctest_console_lines() {
	LC_ALL=C sed 's/\r$//' "$1" | LC_ALL=C tr '\r' '\n' |
		LC_ALL=C awk -v k="$DESCTEST_KMSG_START" '
		{
			line = $0
			if (held != "") {
				if (match(line, "^" k)) { print line; next }
				line = held line; held = ""
			}
			if (match(line, k) && RSTART > 1) {
				held = substr(line, 1, RSTART - 1)
				print substr(line, RSTART)
				next
			}
			print line
		}
		END { if (held != "") print held }'
}

# desctest_frames KIND FILE: the KIND frames of console FILE, in order;
# status 0 when there is one, 1 when none, 2 on a bad KIND or an
# unreadable FILE.
desctest_frames() {
	local re
	re=$(desctest_frame_re "$1") || return 2
	[ -r "$2" ] || { echo "framing.sh: cannot read console $2" >&2; return 2; }
	desctest_console_lines "$2" | LC_ALL=C grep -a -E -- "$re"
}

# desctest_has_frame KIND FILE: status 0 when console FILE holds a KIND
# frame (grep reads to the end: no SIGPIPE for tr under pipefail).
desctest_has_frame() {
	desctest_frames "$1" "$2" >/dev/null
}

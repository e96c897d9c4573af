# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the end-to-end bisect tests: a generated history on REPO.
#
#   history_start REPO BRANCH   branch BRANCH at the "debian" commit,
#                               checked out, no bisect in progress
#   history_commit SUBJECT      commit what changed, with a fixed author
#                               and a date one minute after the last, so
#                               the hashes are the same on every run
#   history_doc_change FILE     an unrelated change: a line appended

history_start() {
	H_REPO=$1
	H_MIN=0
	git -C "$H_REPO" bisect reset >/dev/null 2>&1 || true
	git -C "$H_REPO" checkout -q -f -B "$2" debian
	git -C "$H_REPO" clean -fdq
}

history_commit() {
	H_MIN=$((H_MIN + 1))
	local when
	when=$(printf '2026-01-02T00:%02d:00Z' "$H_MIN")
	git -C "$H_REPO" add -A
	GIT_AUTHOR_NAME=desctest GIT_AUTHOR_EMAIL=desctest@localhost \
	GIT_COMMITTER_NAME=desctest GIT_COMMITTER_EMAIL=desctest@localhost \
	GIT_AUTHOR_DATE=$when GIT_COMMITTER_DATE=$when \
		git -C "$H_REPO" commit -q -m "$1"
	git -C "$H_REPO" rev-parse HEAD
}

history_doc_change() {
	echo "desctest: an unrelated change ($H_MIN)" >>"$H_REPO/$1"
}

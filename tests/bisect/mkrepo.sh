#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# mkrepo.sh REPO KVER
#
# REPO: a git repository holding Debian's linux-source-KVER as one commit
# tagged "debian" (fixed author and dates, so its hash is the same on
# every machine), checked out.  Made once (about two minutes here) and
# reused while the tarball is unchanged (add -f: Debian's top-level
# .gitignore ignores everything at the top); the end-to-end bisect tests
# build their generated histories on top of it.
set -euo pipefail

repo=${1:?usage: mkrepo.sh REPO KVER}
kver=${2:?usage: mkrepo.sh REPO KVER}
tarball=/usr/src/linux-source-$kver.tar.xz
[ -f "$tarball" ] || { echo "mkrepo.sh: $tarball missing: run 'make deps' (apt-get install linux-source-$kver)" >&2; exit 1; }
stamp="$(stat -c '%s %Y' "$tarball") $tarball"
if [ -f "$repo/.git/desctest-base" ] && [ "$(cat "$repo/.git/desctest-base")" = "$stamp" ] &&
	git -C "$repo" rev-parse -q --verify debian >/dev/null; then
	exit 0
fi
echo "mkrepo.sh: making $repo from $tarball (once)" >&2
rm -rf "$repo" "$repo.tmp"
mkdir -p "$repo.tmp"
tar -xf "$tarball" -C "$repo.tmp" --strip-components=1
export GIT_AUTHOR_NAME=desctest GIT_AUTHOR_EMAIL=desctest@localhost \
	GIT_COMMITTER_NAME=desctest GIT_COMMITTER_EMAIL=desctest@localhost \
	GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
git -C "$repo.tmp" init -q -b main
git -C "$repo.tmp" -c core.compression=1 add -A -f
git -C "$repo.tmp" commit -q -m "Debian linux-source-$kver"
git -C "$repo.tmp" tag debian
echo "$stamp" >"$repo.tmp/.git/desctest-base"
mv "$repo.tmp" "$repo"

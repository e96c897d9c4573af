#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Make sure the Debian packages desctest builds and runs with are present.
#   deps.sh PKG...   install what is missing when root, otherwise print the
#                    exact apt-get line and fail.
set -eu

missing=
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "desctest: missing Debian packages:$missing" >&2
	echo "desctest: run as root: apt-get update && apt-get install -y$missing" >&2
	exit 2
fi

echo "desctest: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -q >/dev/null 2>&1 || true
	apt-get install -y -q --no-install-recommends $missing >&2 ||
		{ echo "desctest: apt-get install$missing failed (see above)" >&2; exit 2; }
fi

# SPDX-License-Identifier: GPL-2.0-only
"""Fixtures of tests/bisect's fast tests (helpers in bisect_world.py)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bisect_world import World, make_repo  # noqa: E402


@pytest.fixture
def repo(tmp_path):
    """A fake kernel repository: good, good, bad, bad (bisect_world)."""
    return make_repo(tmp_path)


@pytest.fixture
def world(tmp_path, repo):
    """Runs bisect-run.sh of a desctest top made of links to this one,
    lib/kbuild/build-kernel.sh being the stand-in; stand-ins for make and
    QEMU first on PATH."""
    return World(tmp_path, repo)

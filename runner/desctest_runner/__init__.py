# SPDX-License-Identifier: GPL-2.0-only
"""desctest runner: runs the KTAP programs with pytest as the engine."""

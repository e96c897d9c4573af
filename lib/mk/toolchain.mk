# SPDX-License-Identifier: GPL-2.0-only
# Compilers and flags shared by every fragment.

CC ?= gcc
CXX ?= g++
AR ?= ar

WARN_C := -Wall -Wextra
WARN_CXX := -Wall -Wextra -Wconversion -Wsign-conversion -Werror=conversion \
	-Werror=sign-conversion

# C++20 for the descriptor library, tools and unit tests.
CXXFLAGS_BASE := -std=c++20 -O2 -g $(WARN_CXX) -I$(TOP)/include -I$(TOP)/lib
# Unit tests run under UBSan: any undefined shift or overflow aborts.
UBSAN := -fsanitize=undefined -fno-sanitize-recover=all
# Plain C for programs on the kselftest harness and the KVM framework.
CFLAGS_BASE := -std=gnu11 -O2 -g $(WARN_C) -D_GNU_SOURCE -I$(TOP)/include

GTEST_LIBS := -lgtest -lgtest_main -pthread

# Dependency files: every object and program records each header it read
# in $@.d (the Makefile includes them), so a change to any header of the
# kernel tree rebuilds what used it, whatever the path.  -MD, not -MMD:
# the tree's headers come in through -isystem, which -MMD leaves out.
DEPFLAGS = -MD -MP -MF $@.d -MT $@

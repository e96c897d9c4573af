# SPDX-License-Identifier: GPL-2.0-only
#
# GoogleTest unit tests of the descriptor model and the differential's
# pieces, built with UBSan (any undefined shift or overflow aborts).  The
# implementation objects under test are linked as the differential builds
# them (without UBSan: the pre-fix expression is the undefined shift).

UNIT_DIR := $(OUTPUT)/unit
UNIT_BIN := $(UNIT_DIR)/desctest_unit
UNIT_SRCS := $(wildcard $(TOP)/tests/unit/*.cpp)
UNIT_OBJS := $(patsubst $(TOP)/tests/unit/%.cpp,$(UNIT_DIR)/%.o,$(UNIT_SRCS)) \
	$(UNIT_DIR)/classify.o

$(UNIT_DIR)/%.o: $(TOP)/tests/unit/%.cpp $(LIBDESC_HDRS) $(wildcard $(TOP)/tests/differential/*.h*)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(UBSAN) $(DEPFLAGS) -I$(TOP)/tests/differential -c $< -o $@

$(UNIT_DIR)/classify.o: $(TOP)/tests/differential/classify.cpp $(LIBDESC_HDRS) $(wildcard $(TOP)/tests/differential/*.h*)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(UBSAN) $(DEPFLAGS) -I$(TOP)/tests/differential -c $< -o $@

$(UNIT_BIN): $(UNIT_OBJS) $(DIFF_IMPL_OBJS) $(LIBDESC_UBSAN)
	$(Q)$(CXX) $(UBSAN) -o $@ $^ $(GTEST_LIBS)

UNIT_TESTS += $(UNIT_BIN)

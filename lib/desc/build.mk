# SPDX-License-Identifier: GPL-2.0-only
# libdesc: the C++ descriptor model (formatter, diff, table look-ups).

LIBDESC_SRCS := $(wildcard $(TOP)/lib/desc/*.cpp)
LIBDESC := $(OUTPUT)/lib/libdesc.a
# The same library with UBSan, for the unit tests.
LIBDESC_UBSAN := $(OUTPUT)/lib/libdesc-ubsan.a
LIBDESC_HDRS := $(wildcard $(TOP)/include/desctest/*.h $(TOP)/include/desctest/*.hpp)

$(OUTPUT)/lib/desc/%.o: $(TOP)/lib/desc/%.cpp $(LIBDESC_HDRS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(DEPFLAGS) -c $< -o $@

$(OUTPUT)/lib/desc-ubsan/%.o: $(TOP)/lib/desc/%.cpp $(LIBDESC_HDRS)
	$(Q)mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS_BASE) $(UBSAN) $(DEPFLAGS) -c $< -o $@

$(LIBDESC): $(patsubst $(TOP)/lib/desc/%.cpp,$(OUTPUT)/lib/desc/%.o,$(LIBDESC_SRCS))
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(LIBDESC_UBSAN): $(patsubst $(TOP)/lib/desc/%.cpp,$(OUTPUT)/lib/desc-ubsan/%.o,$(LIBDESC_SRCS))
	$(Q)rm -f $@ && $(AR) rcs $@ $^

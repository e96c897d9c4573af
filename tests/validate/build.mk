# SPDX-License-Identifier: GPL-2.0-only
#
# make validate: a patch before it is sent (runner/desctest_runner/validate.py
# does the work; ./desctest validate is the same with exit codes 0/1/2).
#
#   make validate PATCH=0001-....patch            on Debian's linux-source-$(KVER)
#                                                 as shipped (unpatched helper)
#   make validate PATCH=outgoing/ KSRC=~/src/linux   a series (directory or mbox)
#   make validate COMMITS=origin/master..HEAD KSRC=~/src/linux
#   VALIDATE=host|vm|kernel    what runs (default: from the touched paths;
#                              several: VALIDATE="host vm")
#   VALIDATE_PROGRAMS="glob ..."  only these collection:test programs
#   VALIDATE_ARGS="--allow-removed ..."  more options of ./desctest validate
#
#   make validate_list   the suite's programs (collection:test), one line
#   make validate_check  the end-to-end tests of validate (make check)

.PHONY: validate validate_list validate_check
DEPS_PKGS += git perl rsync patch

#> validate         the suite before and after PATCH= or COMMITS=, and a report
validate: deps
	$(Q)$(TOP)/desctest validate \
		$(foreach p,$(PATCH),--patch $(abspath $(p))) \
		$(if $(COMMITS),--commits $(COMMITS)) \
		$(if $(KSRC_DEFAULT),,--ksrc $(KSRC)) --kver $(KVER) \
		$(foreach m,$(VALIDATE),--mode $(m)) \
		$(foreach g,$(VALIDATE_PROGRAMS),--programs '$(g)') \
		--results $(RESULTS) $(VALIDATE_ARGS)

#> validate_list    the suite's programs, collection:test, one a line
# With UPSTREAM=x86 the list of upstream's programs is made first (their
# build), so that what selects programs by this list (validate's
# --programs, bisect-run.sh's --filter through runner/build-programs.sh)
# names them too.
validate_list: $(EXTRA_LISTS)
	@printf '%s\n' $(TEST_PROGS)
	@cat /dev/null $(EXTRA_LISTS)

# The four end-to-end cases (fix on Debian's tree as shipped, a regression,
# a patch that does not apply, a checkpatch error) and the units of the
# patch reader and checkpatch parser.  They need the default tree (for the
# regression case) and Debian's 6.12 kernel (fetched as make vm_tests does).
CHECK_TARGETS += validate_check
#> validate_check   end-to-end tests of validate (make check)
validate_check: $(KSRC_STAMP)
	$(Q)DESCTEST_TOP=$(TOP) DESCTEST_PATCHED_TREE=$(if $(KSRC_DEFAULT),$(KSRC)) \
		PYTHONDONTWRITEBYTECODE=1 \
		$(PYTHON) -m pytest -q -p no:cacheprovider $(TOP)/tests/validate

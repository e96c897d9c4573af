# SPDX-License-Identifier: GPL-2.0-only
"""The two inputs of a run: kselftest-list.txt and configs/settings."""

import os
import re
from dataclasses import dataclass

from . import selection


class InputError(Exception):
    """Bad input a person must fix; the message is one line saying what."""


@dataclass
class Program:
    collection: str    # the directory under OUTPUT, as in kselftest-list.txt
    test: str          # relative to OUTPUT/<collection>
    timeout: int
    strict: bool = False  # desctest's strict KTAP rule (its collection
                          # says COLLECTION.ktap=strict in the settings);
                          # else the verdict is the exit code, as
                          # upstream's run_kselftest.sh gives it

    @property
    def id(self):
        return "%s:%s" % (self.collection, self.test)

    @property
    def path(self):
        """The program file relative to OUTPUT: <collection>/<test>; also
        its key in configs/settings (PATH.timeout)."""
        return "%s/%s" % (self.collection, self.test)


def relative_name(name):
    """True when name can sit under a directory as it is: not empty, not
    absolute, no empty, "." or ".." component (raw/<collection>/<path>)."""
    return bool(name) and not os.path.isabs(name) and \
        all(part not in ("", ".", "..") for part in name.split("/"))


_SETTING = re.compile(r"^([^=\s]+)\s*=\s*(\S+)$")


KTAP_RULES = ("strict", "kselftest")


def read_settings(path):
    """Return (default_timeout, {program path: timeout}) from a kselftest
    style settings file: "timeout=N" and "PATH.timeout=N" lines, PATH being
    collection/test (the program's path under OUTPUT)."""
    default, per, _ = read_all_settings(path)
    return default, per


def strict_collections(path):
    """The collections a settings file declares strict:
    "COLLECTION.ktap=strict" lines (see verdict.py)."""
    return read_all_settings(path)[2]


def read_all_settings(path):
    """(default timeout, {program path: timeout}, {strict collections})
    from a settings file: "timeout=N", "PATH.timeout=N" and
    "COLLECTION.ktap=strict|kselftest" lines."""
    default, per, strict = 45, {}, set()
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise InputError("settings file %s: %s; pass --settings configs/settings"
                         % (path, e.strerror)) from None
    except UnicodeDecodeError as e:
        raise InputError("settings file %s: not UTF-8 text (byte %d); pass "
                         "--settings configs/settings" % (path, e.start)) \
            from None
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _SETTING.match(line)
        if m and m.group(1).endswith(".ktap"):
            coll = m.group(1)[:-len(".ktap")]
            if not relative_name(coll) or "/" in coll or \
                    m.group(2) not in KTAP_RULES:
                raise InputError("%s:%d: cannot read %r; want "
                                 "COLLECTION.ktap=strict or "
                                 "COLLECTION.ktap=kselftest" % (path, n, line))
            if m.group(2) == "strict":
                strict.add(coll)
            else:
                strict.discard(coll)
            continue
        if not m or not m.group(1).endswith("timeout") or \
                not m.group(2).isdigit() or int(m.group(2)) == 0:
            raise InputError("%s:%d: cannot read %r; want timeout=SECONDS, "
                             "PATH.timeout=SECONDS (SECONDS > 0) or "
                             "COLLECTION.ktap=strict"
                             % (path, n, line))
        key, value = m.group(1), int(m.group(2))
        if key == "timeout":
            default = value
        elif key.endswith(".timeout"):
            per[key[:-len(".timeout")]] = value
        else:
            raise InputError("%s:%d: unknown setting %r; want timeout= or "
                             "PATH.timeout=" % (path, n, key))
    return default, per, strict


def read_list(output, settings, filters=(), listing=None):
    """Programs from OUTPUT/kselftest-list.txt (or another list in its
    format), in list order."""
    listing = listing or os.path.join(output, "kselftest-list.txt")
    try:
        with open(listing, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        raise InputError("%s not found; build the programs first (make all) "
                         "or pass the right --output" % listing) from None
    except OSError as e:
        raise InputError("%s: %s" % (listing, e.strerror)) from None
    except UnicodeDecodeError as e:
        raise InputError("%s: not UTF-8 text (byte %d); rebuild it with make "
                         "all" % (listing, e.start)) from None
    default, per, strict = read_all_settings(settings)
    programs, seen = [], set()
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        coll, sep, test = line.partition(":")
        if not sep or not relative_name(coll) or not relative_name(test):
            raise InputError("%s:%d: %r is not collection:test (the program "
                             "being OUTPUT/collection/test); rebuild it with "
                             "make all" % (listing, n, line))
        if line in seen:
            continue
        seen.add(line)
        prog = Program(coll, test, None, coll in strict)
        prog.timeout = per.get(prog.path, default)
        if filters and not any(selection.matches(prog.id, g)
                               for g in filters):
            continue
        programs.append(prog)
    return programs

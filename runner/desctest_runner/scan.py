# SPDX-License-Identifier: GPL-2.0-only
"""./desctest scan: the promotion sign-extension checker on files or trees.

The checker itself (lib/scan/desc_scan.cpp) reads clang's typed AST; this
module finds the files, gives each the include folders of its own tree (no
build configuration needed), runs the checker on both halves of the list
at once, and prints what it found:

  file:line:col: warning: ... [promotion-sign-extension]

Exit status: 0 no finding, 1 findings, 2 bad input (a path that does not
exist, no checker built, a checker that failed).
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import threading

from .config import InputError

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
C_EXT = (".c", ".h")
CXX_EXT = (".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".c++", ".h++")
def _resource_dir():
    """clang 14's builtin headers (stddef.h, stdint.h, ...): the checker
    links libclang-cpp 14, whose parse needs this folder named."""
    base = "/usr/lib/llvm-14/lib/clang"
    try:
        versions = sorted(os.listdir(base))
    except OSError:
        versions = []
    return os.path.join(base, versions[-1]) if versions else base + "/14"


RESOURCE_DIR = _resource_dir()
TARGETS = {"lp64": "x86_64-linux-gnu", "llp64": "x86_64-w64-mingw32"}
# A file that includes one of these, or tests _WIN32/_MSC_VER, is
# Windows-style code: unsigned long (ULONG, DWORD) is 32 bits there.
LLP64_HINT = re.compile(
    r'#\s*include\s*[<"](?:windows|windef|ntddk|ntifs|wdm|winnt|ntdef)\.h[>"]'
    r'|\b_WIN32\b|\b_MSC_VER\b', re.I)
CXX_HINT = re.compile(r"^\s*(?:namespace\b|template\s*<|class\s+\w+\s*[:{])"
                      r"|\bconstexpr\b", re.M)


def add_parser(sub):
    s = sub.add_parser(
        "scan", help="find the promotion sign-extension bug class",
        description="Find narrow operands (u8, uint16_t, bit-fields "
        "narrower than 32 bits) promoted to int, shifted into bit 31 and "
        "widened to 64 bits. Exit 0: no finding, 1: findings, 2: bad input.")
    s.add_argument("paths", nargs="+", metavar="PATH",
                   help="a C or C++ file, or a tree")
    s.add_argument("--format", choices=("text", "json"), default="text")
    s.add_argument("--model", choices=("auto", "lp64", "llp64"),
                   default="auto",
                   help="data model: lp64 (Linux: unsigned long is 64 "
                   "bits), llp64 (Windows: 32 bits); auto: llp64 for a "
                   "file that includes windows.h/ntddk.h/wdm.h or tests "
                   "_WIN32/_MSC_VER, else lp64")
    s.add_argument("--scanner", default="",
                   help="the checker binary (default: the newest "
                   ".build/out-*/scan/desc_scan; make scan_bin builds it)")
    s.add_argument("-j", "--jobs", type=int, default=0,
                   help="checkers run at once (default: CPUs, at most 2)")
    s.add_argument("-q", "--quiet", action="store_true",
                   help="no note for each file clang could not fully parse")
    return s


def find_scanner(given):
    if given:
        if not os.access(given, os.X_OK):
            raise InputError("scan: no checker at %s; build it with "
                             "'make scan_bin'" % given)
        return given
    env = os.environ.get("DESCTEST_SCANNER", "")
    if env:
        return find_scanner(env)
    best = None
    bdir = os.path.join(TOP, ".build")
    if os.path.isdir(bdir):
        for d in os.listdir(bdir):
            p = os.path.join(bdir, d, "scan", "desc_scan")
            if os.access(p, os.X_OK) and (
                    best is None or os.path.getmtime(p) > os.path.getmtime(best)):
                best = p
    if best is None:
        raise InputError("scan: the checker is not built; run 'make scan_bin' "
                         "(or pass --scanner BIN)")
    return best


def collect(paths):
    """(files, roots): every C/C++ source under the paths, real paths."""
    files, roots = [], []
    for p in paths:
        if not os.path.exists(p):
            raise InputError("scan: %s: no such file or directory" % p)
        rp = os.path.realpath(p)
        if os.path.isfile(rp):
            if not rp.endswith(C_EXT + CXX_EXT):
                raise InputError("scan: %s: not a C or C++ file (%s)" % (
                    p, " ".join(C_EXT + CXX_EXT)))
            files.append(rp)
            roots.append(os.path.dirname(rp))
            continue
        roots.append(rp)
        for d, subdirs, names in os.walk(rp):
            subdirs[:] = sorted(s for s in subdirs if not s.startswith("."))
            for n in sorted(names):
                if n.endswith(C_EXT + CXX_EXT):
                    files.append(os.path.join(d, n))
    seen, out = set(), []
    for f in files:
        if f not in seen:
            seen.add(f)
            out.append(f)
    return out, roots


def _kernel_root(path):
    d = path if os.path.isdir(path) else os.path.dirname(path)
    while True:
        if os.path.isfile(os.path.join(d, "include", "linux", "kconfig.h")) \
                and os.path.isfile(os.path.join(d, "init", "main.c")):
            return d
        up = os.path.dirname(d)
        if up == d:
            return None
        d = up


def _tree_top(path):
    d = os.path.dirname(path)
    while True:
        if any(os.path.exists(os.path.join(d, m)) for m in (".git", ".hg", ".svn")):
            return d
        up = os.path.dirname(d)
        if up == d:
            return None
        d = up


def _include_dirs(file, top, subs=("x86_64", "x86", "uapi")):
    """The include/ and Include/ folders of the file's own folders, up to
    the tree's top, each with its uapi/x86_64/x86 subfolders."""
    out = []
    d = os.path.dirname(file)
    while True:
        for name in ("include", "Include", "inc"):
            inc = os.path.join(d, name)
            if os.path.isdir(inc):
                out.append(inc)
                for sub in subs:
                    if os.path.isdir(os.path.join(inc, sub)):
                        out.append(os.path.join(inc, sub))
        if top is None or d == top or len(d) <= len(top):
            break
        up = os.path.dirname(d)
        if up == d:
            break
        d = up
    return out


def _read_head(path):
    try:
        with open(path, "rb") as f:
            return f.read(1 << 20).decode("utf-8", "replace")
    except OSError as e:
        raise InputError("scan: %s: %s" % (path, e.strerror))


# What a configured kernel build would have generated: the few options
# the x86-64 headers cannot parse without, and asm/ wrappers of the
# asm-generic headers the architecture does not provide itself.
KERNEL_CONFIG = """#define CONFIG_X86_64 1
#define CONFIG_X86 1
#define CONFIG_64BIT 1
#define CONFIG_X86_L1_CACHE_SHIFT 6
#define CONFIG_X86_INTERNODE_CACHE_SHIFT 6
#define CONFIG_NR_CPUS 64
#define CONFIG_PGTABLE_LEVELS 5
#define CONFIG_PHYSICAL_START 0x1000000
#define CONFIG_PHYSICAL_ALIGN 0x200000
#define CONFIG_PAGE_OFFSET 0
#define CONFIG_ILLEGAL_POINTER_VALUE 0xdead000000000000
#define CONFIG_HZ 250
#define CONFIG_PAGE_SHIFT 12
#define CONFIG_NODES_SHIFT 10
#define CONFIG_X86_MINIMUM_CPU_FAMILY 64
#define CONFIG_DEFAULT_MMAP_MIN_ADDR 65536
#define CONFIG_CPU_SUP_INTEL 1
#define CONFIG_CPU_SUP_AMD 1
#define CONFIG_KVM_INTEL 1
#define CONFIG_KVM_AMD 1
#define CONFIG_KVM 1
#define CONFIG_X86_LOCAL_APIC 1
#define CONFIG_X86_IO_APIC 1
#define CONFIG_PCI 1
#define CONFIG_ACPI 1
#define CONFIG_LOG_BUF_SHIFT 17
#define CONFIG_BASE_SMALL 0
#define CONFIG_MMU 1
#define CONFIG_SMP 1
"""


def kernel_shims(kroot, shim):
    """Fill shim/ with generated/autoconf.h and the asm/ wrappers."""
    os.makedirs(os.path.join(shim, "generated"), exist_ok=True)
    os.makedirs(os.path.join(shim, "asm"), exist_ok=True)
    with open(os.path.join(shim, "generated", "autoconf.h"), "w") as f:
        f.write(KERNEL_CONFIG)
    arch_asm = os.path.join(kroot, "arch", "x86", "include", "asm")
    generic = os.path.join(kroot, "include", "asm-generic")
    for name in os.listdir(generic):
        if name.endswith(".h") and not os.path.exists(os.path.join(arch_asm, name)):
            with open(os.path.join(shim, "asm", name), "w") as f:
                f.write("#include <asm-generic/%s>\n" % name)


def _ancestors(file, roots):
    """The folders between the file's and the scanned root it lies in:
    a tree's relative includes ("../x.h" or a sibling folder's header
    named from its parent, as kernel makefiles' -I$(src) do)."""
    out = []
    for r in roots:
        if not file.startswith(r.rstrip(os.sep) + os.sep):
            continue
        d = os.path.dirname(os.path.dirname(file))
        while len(d) >= len(r.rstrip(os.sep)):
            out.append(d)
            d = os.path.dirname(d)
    return out


def command_for(file, model, shim_root=None, roots=()):
    """The clang arguments one file is parsed with; a kernel file's shims
    go under shim_root (one folder per kernel tree)."""
    text = _read_head(file)
    cxx = file.endswith(CXX_EXT) or (
        file.endswith(".h") and CXX_HINT.search(text) is not None)
    if model == "auto":
        model = "llp64" if LLP64_HINT.search(text) else "lp64"
    args = ["/usr/bin/clang-14", "-fsyntax-only", "--target=" + TARGETS[model],
            "-resource-dir=" + RESOURCE_DIR, "-ferror-limit=0",
            "-Wno-everything", "-D_GNU_SOURCE"]
    args += ["-x", "c++", "-std=gnu++20"] if cxx else ["-x", "c", "-std=gnu11"]
    if model == "llp64":
        # This machine's C library is LP64 only: its stdint.h would make
        # uint64_t an unsigned long, 32 bits here; clang's own is exact.
        args.append("-ffreestanding")
    kroot = _kernel_root(file)
    top = kroot or _tree_top(file)
    tools = kroot and file.startswith(os.path.join(kroot, "tools") + os.sep)
    # The kernel's tools/ build on the installed uapi headers, not the
    # tree's uapi folders.
    if tools:
        # As the selftests' makefiles have it: tools/include first, and
        # nothing of the kernel's own include/.
        incs = [os.path.join(kroot, "tools", "include"),
                os.path.join(kroot, "tools", "arch", "x86", "include")]
        incs += _include_dirs(file, os.path.join(kroot, "tools"),
                              ("x86_64", "x86"))
        incs.append(os.path.join(kroot, "tools", "testing", "selftests"))
        # The tree's own uapi headers: installed ones (make headers), else
        # the sources, whose __user annotation the install strips.
        usr = os.path.join(kroot, "usr", "include")
        if os.path.isdir(usr):
            args += ["-isystem", usr]
        else:
            args += ["-D__user=", "-isystem",
                     os.path.join(kroot, "arch", "x86", "include", "uapi"),
                     "-isystem", os.path.join(kroot, "include", "uapi")]
    else:
        incs = _include_dirs(file, top)
    if kroot:
        if tools:
            pass
        else:
            a = os.path.join(kroot, "arch", "x86", "include")
            incs += [a, os.path.join(a, "uapi"), os.path.join(a, "generated"),
                     os.path.join(a, "generated", "uapi"),
                     os.path.join(kroot, "include"),
                     os.path.join(kroot, "include", "uapi")]
            if shim_root:
                shim = os.path.join(shim_root, kroot.strip(os.sep).replace(os.sep, "_"))
                if not os.path.isdir(shim):
                    kernel_shims(kroot, shim)
                incs.append(shim)
            args += ["-nostdinc", "-isystem", RESOURCE_DIR + "/include",
                     "-include", os.path.join(kroot, "include", "linux", "kconfig.h"),
                     "-D__KERNEL__"]
    seen = set()
    for i in incs + _ancestors(file, roots):
        if i not in seen:
            seen.add(i)
            args.append("-I" + i)
    return args + [file]


# The common fixed-width names, for a tree that uses one without defining
# it (its definition in a header of another tree, a generated one, an
# SDK's): (lp64 type, llp64 type).  Used only in a second parse of a file
# clang reported the name unknown in, and said so in each finding.
KNOWN_TYPES = {}
for _names, _t in (
        ("u8 __u8 uint8_t u_int8_t UINT8 UCHAR BYTE BOOLEAN", "unsigned char"),
        ("u16 __u16 uint16_t u_int16_t UINT16 USHORT WORD WCHAR", "unsigned short"),
        ("u32 __u32 uint32_t u_int32_t UINT32 UINT DWORD", "unsigned int"),
        ("u64 __u64 uint64_t u_int64_t UINT64 ULONG64 ULONGLONG QWORD DWORD64",
         "unsigned long long"),
        ("ULONG", "unsigned long")):
    for _n in _names.split():
        KNOWN_TYPES[_n] = _t


def _prelude(tmp, names):
    path = os.path.join(tmp, "assumed-%s.h" % "-".join(sorted(names)))
    with open(path, "w") as f:
        f.write("/* names the tree uses without defining them */\n")
        for n in sorted(names):
            f.write("typedef %s %s;\n" % (KNOWN_TYPES[n], n))
    return path


def _shards(files, n):
    """Contiguous runs of the sorted list: files of one folder share a
    checker, and so the headers it has already examined."""
    n = max(1, min(n, len(files)))
    size = -(-len(files) // n)
    return [files[i:i + size] for i in range(0, len(files), size)]


def _run_shard(cmd, shard, tmp, tag, live, stop):
    """Run the checker on a shard; a file it crashes on is reported as
    such and the checker goes on with the files after it."""
    findings, reports = [], []
    todo = list(shard)
    n = 0
    while todo and not stop.is_set():
        n += 1
        out_path = os.path.join(tmp, "out%s.%d" % (tag, n))
        err_path = os.path.join(tmp, "err%s.%d" % (tag, n))
        with open(out_path, "w") as out, open(err_path, "w") as err:
            p = subprocess.Popen(cmd + todo, stdout=out, stderr=err,
                                 stdin=subprocess.DEVNULL)
            live.append(p)
            try:
                p.wait()
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
        done = set()
        with open(out_path) as out:
            for line in out:
                if not line.endswith("\n"):
                    break		# cut off by the crash
                rec = json.loads(line)
                if rec.pop("kind") == "finding":
                    findings.append(rec)
                else:
                    reports.append(rec)
                    done.add(rec["file"])
        if p.returncode == 0 or stop.is_set():
            break
        rest = [f for f in todo if f not in done]
        if p.returncode > 0 or not rest:
            with open(err_path) as err:
                msg = " ".join(err.read().split())[-300:]
            raise InputError("scan: the checker failed (exit %d): %s" % (
                p.returncode, msg or "no message"))
        # Killed by a signal inside clang: name the file, go on after it.
        reports.append({"file": rest[0], "errors": 1, "missing": [],
                        "unknown_types": [],
                        "first_error": "the checker crashed (signal %d) "
                        "on this file; nothing in it was examined" %
                        -p.returncode})
        todo = rest[1:]
    return findings, reports


def run_checker(scanner, files, roots, model, jobs):
    """(findings, file reports) of every file."""
    with tempfile.TemporaryDirectory(prefix="desctest-scan-") as tmp:
        db = os.path.join(tmp, "compile_commands.json")
        with open(db, "w") as f:
            json.dump([{"directory": os.path.dirname(p), "file": p,
                        "arguments": command_for(p, model, os.path.join(tmp, "shims"),
                                                 roots)} for p in files], f)
        cmd = [scanner, "-p", db, "--stub-dir", os.path.join(tmp, "stubs")]
        for r in roots:
            cmd += ["--root", r]
        shards = _shards(files, jobs)
        results = [None] * len(shards)
        errors, live, stop = [], [], threading.Event()

        def work(i):
            try:
                results[i] = _run_shard(cmd, shards[i], tmp, str(i), live,
                                        stop)
            except Exception as e:     # raised again below, in this thread
                errors.append(e)

        threads = [threading.Thread(target=work, args=(i,), daemon=True)
                   for i in range(len(shards))]
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            # Interrupted (Ctrl-C, SIGTERM): no checker outlives the scan.
            stop.set()
            for t in threads:
                while True:
                    for p in list(live):
                        if p.poll() is None:
                            p.kill()
                            p.wait()
                    if not t.is_alive():
                        break
                    t.join(0.2)
        if errors:
            raise errors[0]
        findings, reports = [], []
        for fnd, rep in results:
            findings += fnd
            reports += rep
        # Second parse, with the known names defined, of each file that
        # used one clang did not know.
        again = {}
        for r in reports:
            names = [u for u in r.get("unknown_types", []) if u in KNOWN_TYPES]
            if names:
                again[r["file"]] = names
        if again:
            entries = []
            for p in again:
                args = command_for(p, model, os.path.join(tmp, "shims"), roots)
                entries.append({"directory": os.path.dirname(p), "file": p,
                                "arguments": args[:-1] + [
                                    "-include", _prelude(tmp, again[p]),
                                    args[-1]]})
            db2 = os.path.join(tmp, "again", "compile_commands.json")
            os.makedirs(os.path.dirname(db2))
            with open(db2, "w") as f:
                json.dump(entries, f)
            cmd2 = [scanner, "-p", db2, "--stub-dir", os.path.join(tmp, "stubs")]
            for r in roots:
                cmd2 += ["--root", r]
            for p in again:
                fnd, rep = _run_shard(cmd2, [p], tmp, "again", [], threading.Event())
                assumed = ["%s (%s)" % (n, KNOWN_TYPES[n]) for n in again[p]]
                for f in fnd:
                    f["assumed_types"] = assumed
                for r in rep:
                    r["assumed_types"] = assumed
                findings += fnd
                reports = [r for r in reports if r["file"] != p] + rep
    seen, unique = set(), []
    for f in sorted(findings, key=lambda r: (r["file"], r["line"], r["col"])):
        key = (f["file"], f["line"], f["col"], f["expr"], f["macro"])
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, reports


def display(path):
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def format_finding(f):
    what = "bit-field" if f["bitfield"] else "operand"
    where = f["file"]
    text = ("%s:%d:%d: warning: '%s': %s '%s' (%s) is promoted to int; "
            "shifted left by %d, its bit %d lands in bit 31, and the negative "
            "int sign-extends in the %s" % (display(where), f["line"], f["col"], f["expr"],
                              what, f["operand"], f["operand_type"],
                              f["shift"], f["width"] - 1, f["widening"]))
    if f["macro"]:
        text += " (in macro %s, line %d)" % (f["macro"], f["macro_line"])
    if f.get("assumed_types"):
        text += " (not defined in the tree, assumed: %s)" % ", ".join(
            f["assumed_types"])
    return text + " [promotion-sign-extension]"


def scan(paths, scanner="", model="auto", jobs=0):
    """(findings, reports, files) for the paths; raises InputError."""
    files, roots = collect(paths)
    if not files:
        raise InputError("scan: no C or C++ file under %s" % " ".join(paths))
    jobs = jobs or min(2, os.cpu_count() or 1)
    findings, reports = run_checker(find_scanner(scanner), files, roots,
                                    model, jobs)
    return findings, reports, files


CONFIG_OPTIONS = KERNEL_CONFIG.count("#define CONFIG_")


def linux_trees(files, unparsed):
    """Per Linux tree scanned: its root, how many of its files were
    scanned and how many of them were not fully parsed."""
    trees = {}
    for f in files:
        root = _kernel_root(f)
        if root:
            trees.setdefault(root, [0, 0])[0] += 1
    for r in unparsed:
        root = _kernel_root(r["file"])
        if root in trees:
            trees[root][1] += 1
    return [{"root": root, "files": n, "not_fully_parsed": bad,
             "config_options": CONFIG_OPTIONS}
            for root, (n, bad) in sorted(trees.items())]


def linux_tree_note(t):
    return ("%s: note: a Linux tree, scanned without its build configuration: "
            "outside tools/, %d CONFIG_ options are set (those the x86-64 "
            "headers cannot be parsed without) and a header a configured build "
            "generates is read as empty; %d of its %d scanned files not fully "
            "parsed, and in them what clang could not type was not examined" % (
                display(t["root"]), t["config_options"], t["not_fully_parsed"],
                t["files"]))


def main(a):
    if a.jobs < 0:
        raise InputError("scan: --jobs must be 0 (CPUs) or more")
    findings, reports, files = scan(a.paths, a.scanner, a.model, a.jobs)
    unparsed = [r for r in reports if r["errors"] or r["missing"]
                or r.get("assumed_types")]
    trees = linux_trees(files, unparsed)
    if a.format == "json":
        json.dump({"files": len(files), "findings": findings,
                   "unparsed": [{"file": r["file"], "errors": r["errors"],
                                 "first_error": r["first_error"],
                                 "missing_headers": r["missing"],
                                 "assumed_types": r.get("assumed_types", [])}
                                for r in unparsed],
                   "linux_trees": trees},
                  sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        for f in findings:
            print(format_finding(f))
        if not a.quiet:
            for r in unparsed:
                why = []
                if r["missing"]:
                    why.append("%d headers not found, read as empty: %s" % (
                        len(r["missing"]), " ".join(r["missing"][:5]) +
                        (" ..." if len(r["missing"]) > 5 else "")))
                if r.get("assumed_types"):
                    why.append("types not defined in the tree, assumed: %s" %
                               ", ".join(r["assumed_types"]))
                if r["errors"]:
                    why.append("%d errors, first: %s" % (r["errors"],
                                                         r["first_error"]))
                print("%s: note: not fully parsed (%s); what clang could not "
                      "type was not examined" % (display(r["file"]),
                                                 "; ".join(why)),
                      file=sys.stderr)
        # Said even with -q: how much of a kernel tree was examined.
        for t in trees:
            print(linux_tree_note(t), file=sys.stderr)
        print("desctest scan: %d files, %d findings, %d not fully parsed" % (
            len(files), len(findings), len(unparsed)), file=sys.stderr)
    return 1 if findings else 0

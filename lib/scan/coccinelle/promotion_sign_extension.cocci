// SPDX-License-Identifier: GPL-2.0-only
/// An unsigned operand narrower than int (a byte, a 16-bit half, an 8-bit
/// bit-field) is promoted to a signed int before it is shifted.  Shifted
/// so that its top bit lands in bit 31, the int is negative for half of
/// its values, and widened to 64 bits (OR'ed or added into a u64,
/// assigned, returned or cast as one) it sign-extends over bits 63:32.
/// Cast the operand to the wide type before the shift.
//
// Confidence: High
// Options: --no-includes --include-headers
//
// Found: a shift that puts the top bit of a promoted operand into bit 31:
//  - a u8/__u8/uint8_t/unsigned char shifted by 24, or a u16/__u16/
//    uint16_t/unsigned short shifted by 16, or a typedef of one of these
//    declared in the same file (one level: not a typedef of a typedef);
//  - an 8-bit bit-field of a struct declared in the same file, by 24;
//  - a function-like macro whose body shifts a byte field of such a
//    struct by 24, reported where the macro is used;
// whose value reaches a 64-bit type or a pointer's width: OR'ed or added
// with a 64-bit value, assigned (=, |=, +=) to one, initialising one,
// returned from a function that returns one, cast to one or to a pointer,
// added to or taken from a pointer, or used as an index.  Not reported: the same shift under a
// cast to an unsigned type of 32 bits or fewer, or under an & with a
// constant of at most 32 bits, before it widens.
//
// Not found (./desctest scan, on clang's AST, finds them): what needs a
// type declared in a header spatch is not given (--no-includes), a
// typedef of a typedef, a bit-field other than 8 bits wide, and C++:
// Coccinelle 1.1's --c++ parses neither a class body nor std:: names.
// Without --dir, spatch treats the files of one command line as one
// group: a struct or typedef of one file then counts in the others.

virtual org
virtual report

@initialize:python@
@@
import re

# Positions (file, line, column) of a promoted narrow operand shifted into
# bit 31, of the shifts under a mask or a narrowing cast, and of the
# findings already reported (a shift in two contexts is one finding).
cand = set()
safe = set()
seen = set()

def key(p):
    return (p[0].file, p[0].line, p[0].column, p[0].line_end, p[0].column_end)

def fits32(c):
    # An & with a constant of at most 32 bits clears bits 63:32 whatever
    # the sign of the int: only its low half reaches the 64-bit value.
    t = c.strip().lower().rstrip("ul")
    try:
        v = int(t, 8 if t.startswith("0") and t[1:2].isdigit() else 0)
    except ValueError:
        return False
    return 0 <= v <= 0xffffffff

def is_field(e, fld):
    # E names the bit-field itself (s.fld, ps->fld, a->b[i].fld, parenthesised
    # or not), not a cast of it.
    e = "".join(e.split())
    while e.startswith("(") and e.endswith(")"):
        e = e[1:-1]
    return re.fullmatch(r"(?:\w+|\(\w+\))(?:\[[^]]*\]|\.\w+|->\w+)*(?:->|\.)"
                        + re.escape(fld), e) is not None

def finding(p):
    k = key(p)
    if k not in cand or k in safe or k[:2] in seen:
        return False
    seen.add(k[:2])
    return True

@bf@
identifier S, fld;
type T;
@@
struct S {
  ...
  T fld:8;
  ...
};

@td8@
typedef u8, __u8, uint8_t;
type T8;
@@
typedef \(u8\|__u8\|uint8_t\|unsigned char\) T8;

@td16@
typedef u16, __u16, uint16_t;
type T16;
@@
typedef \(u16\|__u16\|uint16_t\|unsigned short\) T16;

@byte_field@
identifier S, f;
typedef u8, __u8, uint8_t;
@@
struct S {
  ...
  \(u8\|__u8\|uint8_t\|unsigned char\) f;
  ...
};

@cand_basic@
typedef u8, __u8, uint8_t, u16, __u16, uint16_t;
{u8, __u8, uint8_t, unsigned char} b;
{u16, __u16, uint16_t, unsigned short} h;
position p;
@@
\(\(b@p\|(b@p)\) << 24\|\(h@p\|(h@p)\) << 16\)

@script:python@
p << cand_basic.p;
@@
cand.add(key(p))

@cand_td8@
type td8.T8;
T8 b;
position p;
@@
\(b@p\|(b@p)\) << 24

@script:python@
p << cand_td8.p;
@@
cand.add(key(p))

@cand_td16@
type td16.T16;
T16 h;
position p;
@@
\(h@p\|(h@p)\) << 16

@script:python@
p << cand_td16.p;
@@
cand.add(key(p))

@cand_bf depends on bf@
expression E;
position p;
@@
E@p << 24

@script:python@
p << cand_bf.p;
E << cand_bf.E;
fld << bf.fld;
@@
if is_field(E, fld):
    cand.add(key(p))

@cand_macro@
identifier M, x;
identifier byte_field.f;
expression E;
@@
#define M(x) <+... \(E->f\|(E->f)\|E.f\|(E.f)\) << 24 ...+>

@cand_macro_use@
identifier cand_macro.M;
expression list es;
position p;
@@
M@p(es)

@script:python@
p << cand_macro_use.p;
@@
cand.add(key(p))

@masked depends on cand_basic || cand_td8 || cand_td16 || cand_bf || cand_macro_use@
expression E;
constant S;
identifier fn;
constant C;
position p;
@@
\(<+... \(E@p << S\|fn@p(...)\) ...+> & C\|C & <+... \(E@p << S\|fn@p(...)\) ...+>\)

@script:python@
p << masked.p;
C << masked.C;
@@
if fits32(C):
    safe.add(key(p))

@narrowed depends on cand_basic || cand_td8 || cand_td16 || cand_bf || cand_macro_use@
typedef u8, __u8, uint8_t, u16, __u16, uint16_t, u32, __u32, uint32_t;
expression E;
constant S;
identifier fn;
position p;
@@
 (\(u8\|__u8\|uint8_t\|unsigned char\|u16\|__u16\|uint16_t\|unsigned short\|u32\|__u32\|uint32_t\|unsigned int\|unsigned\))(<+... \(E@p << S\|fn@p(...)\) ...+>)

@script:python@
p << narrowed.p;
@@
safe.add(key(p))

@widened depends on cand_basic || cand_td8 || cand_td16 || cand_bf || cand_macro_use@
typedef u64, __u64, uint64_t;
{u64, __u64, uint64_t, unsigned long, unsigned long long} w;
type T;
T *ptr;
expression E;
constant S;
identifier fn;
position p;
@@
(
  (T *)(<+... \(E@p << S\|fn@p(...)\) ...+>)
|
  ptr + <+... \(E@p << S\|fn@p(...)\) ...+>
|
  <+... \(E@p << S\|fn@p(...)\) ...+> + ptr
|
  ptr - <+... \(E@p << S\|fn@p(...)\) ...+>
|
  ptr[<+... \(E@p << S\|fn@p(...)\) ...+>]
|
  w | <+... \(E@p << S\|fn@p(...)\) ...+>
|
  <+... \(E@p << S\|fn@p(...)\) ...+> | w
|
  w + <+... \(E@p << S\|fn@p(...)\) ...+>
|
  <+... \(E@p << S\|fn@p(...)\) ...+> + w
|
  w = <+... \(E@p << S\|fn@p(...)\) ...+>
|
  w |= <+... \(E@p << S\|fn@p(...)\) ...+>
|
  w += <+... \(E@p << S\|fn@p(...)\) ...+>
|
  (\(u64\|__u64\|uint64_t\|unsigned long\|unsigned long long\))(<+... \(E@p << S\|fn@p(...)\) ...+>)
)

@script:python depends on report@
p << widened.p;
@@
if finding(p):
    coccilib.report.print_report(p[0], "WARNING: narrow operand promoted to int and shifted into bit 31 sign-extends when widened to 64 bits; cast it to the wide type first")

@script:python depends on org@
p << widened.p;
@@
if finding(p):
    cocci.print_main("promoted narrow operand shifted into bit 31", p)

@initialised depends on cand_basic || cand_td8 || cand_td16 || cand_bf || cand_macro_use@
typedef u64, __u64, uint64_t;
identifier v;
expression E;
constant S;
identifier fn;
position p;
@@
\(u64\|__u64\|uint64_t\|unsigned long\|unsigned long long\) v = <+... \(E@p << S\|fn@p(...)\) ...+>;

@script:python depends on report@
p << initialised.p;
@@
if finding(p):
    coccilib.report.print_report(p[0], "WARNING: narrow operand promoted to int and shifted into bit 31 sign-extends when widened to 64 bits; cast it to the wide type first")

@script:python depends on org@
p << initialised.p;
@@
if finding(p):
    cocci.print_main("promoted narrow operand shifted into bit 31", p)

@returned depends on cand_basic || cand_td8 || cand_td16 || cand_bf || cand_macro_use@
typedef u64, __u64, uint64_t;
identifier f;
expression E;
constant S;
identifier fn;
position p;
@@
\(u64\|__u64\|uint64_t\|unsigned long\|unsigned long long\) f(...)
{
<+...
return <+... \(E@p << S\|fn@p(...)\) ...+>;
...+>
}

@script:python depends on report@
p << returned.p;
@@
if finding(p):
    coccilib.report.print_report(p[0], "WARNING: narrow operand promoted to int and shifted into bit 31 sign-extends when widened to 64 bits; cast it to the wide type first")

@script:python depends on org@
p << returned.p;
@@
if finding(p):
    cocci.print_main("promoted narrow operand shifted into bit 31", p)


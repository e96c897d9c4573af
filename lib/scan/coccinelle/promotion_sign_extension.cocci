// SPDX-License-Identifier: GPL-2.0-only
/// An unsigned operand narrower than int (a byte, a 16-bit half, an 8-bit
/// bit-field) is promoted to a signed int before it is shifted.  Shifted
/// so that its top bit lands in bit 31, the int is negative for half of
/// its values, and widened to 64 bits (OR'ed or added into a u64,
/// returned or cast as one) it sign-extends over bits 63:32.  Cast the
/// operand to the wide type before the shift.
//
// Confidence: High.  Found: a u8/u16 (or its C spelling) or an 8-bit
// bit-field declared in the same file, shifted by 24 (16 for u16), inside
// an expression that is OR'ed or added with, or assigned to a 64-bit
// variable.  Not found (./desctest scan, on clang's AST, finds them): an
// initialisation, a return of a 64-bit function, a cast, typedefs from headers
// the semantic patch is not told of, macros, C++.
// Options: --no-includes --include-headers

virtual org
virtual report

@initialize:python@
@@
# One report per line: a shift matched by two rules is one finding.
seen = set()

def first(p):
    key = (p[0].file, p[0].line)
    if key in seen:
        return False
    seen.add(key)
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

@byte_op@
typedef u8, __u8, uint8_t, u16, __u16, uint16_t, u64, __u64, uint64_t;
{u8, __u8, uint8_t, unsigned char} b;
{u64, __u64, uint64_t, unsigned long, unsigned long long} w;
position p;
@@
(
  w | <+... \(b@p\|(b@p)\) << 24 ...+>
|
  <+... \(b@p\|(b@p)\) << 24 ...+> | w
|
  w + <+... \(b@p\|(b@p)\) << 24 ...+>
|
  <+... \(b@p\|(b@p)\) << 24 ...+> + w
|
  w = <+... \(b@p\|(b@p)\) << 24 ...+>
|
  w |= <+... \(b@p\|(b@p)\) << 24 ...+>
|
  w += <+... \(b@p\|(b@p)\) << 24 ...+>
)

@half_op@
typedef u8, __u8, uint8_t, u16, __u16, uint16_t, u64, __u64, uint64_t;
{u16, __u16, uint16_t, unsigned short} h;
{u64, __u64, uint64_t, unsigned long, unsigned long long} w;
position p;
@@
(
  w | <+... \(h@p\|(h@p)\) << 16 ...+>
|
  <+... \(h@p\|(h@p)\) << 16 ...+> | w
|
  w + <+... \(h@p\|(h@p)\) << 16 ...+>
|
  <+... \(h@p\|(h@p)\) << 16 ...+> + w
|
  w = <+... \(h@p\|(h@p)\) << 16 ...+>
|
  w |= <+... \(h@p\|(h@p)\) << 16 ...+>
|
  w += <+... \(h@p\|(h@p)\) << 16 ...+>
)

@bitfield_op@
typedef u8, __u8, uint8_t, u16, __u16, uint16_t, u64, __u64, uint64_t;
identifier bf.fld;
expression ps, s;
{u64, __u64, uint64_t, unsigned long, unsigned long long} w;
position p;
@@
(
  w | <+... \(ps->fld@p\|(ps->fld@p)\|s.fld@p\|(s.fld@p)\) << 24 ...+>
|
  <+... \(ps->fld@p\|(ps->fld@p)\|s.fld@p\|(s.fld@p)\) << 24 ...+> | w
|
  w + <+... \(ps->fld@p\|(ps->fld@p)\|s.fld@p\|(s.fld@p)\) << 24 ...+>
|
  <+... \(ps->fld@p\|(ps->fld@p)\|s.fld@p\|(s.fld@p)\) << 24 ...+> + w
|
  w = <+... \(ps->fld@p\|(ps->fld@p)\|s.fld@p\|(s.fld@p)\) << 24 ...+>
|
  w |= <+... \(ps->fld@p\|(ps->fld@p)\|s.fld@p\|(s.fld@p)\) << 24 ...+>
|
  w += <+... \(ps->fld@p\|(ps->fld@p)\|s.fld@p\|(s.fld@p)\) << 24 ...+>
)

@script:python depends on report@
p << byte_op.p;
@@
if first(p):
    coccilib.report.print_report(p[0], "WARNING: narrow operand promoted to int and shifted into bit 31 sign-extends when widened to 64 bits; cast it to the wide type first")

@script:python depends on org@
p << byte_op.p;
@@
if first(p):
    cocci.print_main("promoted narrow operand shifted into bit 31", p)

@script:python depends on report@
p << half_op.p;
@@
if first(p):
    coccilib.report.print_report(p[0], "WARNING: narrow operand promoted to int and shifted into bit 31 sign-extends when widened to 64 bits; cast it to the wide type first")

@script:python depends on org@
p << half_op.p;
@@
if first(p):
    cocci.print_main("promoted narrow operand shifted into bit 31", p)

@script:python depends on report@
p << bitfield_op.p;
@@
if first(p):
    coccilib.report.print_report(p[0], "WARNING: narrow operand promoted to int and shifted into bit 31 sign-extends when widened to 64 bits; cast it to the wide type first")

@script:python depends on org@
p << bitfield_op.p;
@@
if first(p):
    cocci.print_main("promoted narrow operand shifted into bit 31", p)

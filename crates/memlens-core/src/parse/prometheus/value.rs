//! Sample values as the Go programs that read Prometheus text see them, and as exact integers.
//!
//! metrics-server, Prometheus and kubectl's sources are Go: a value is read with
//! `strconv.ParseFloat(text, 64)` and byte counts come out of `uint64(value)`. Both are reproduced
//! here. Next to them memlens keeps its own reading: the whole number the text denotes, worked out
//! in decimal integer arithmetic, which is what a byte count should be compared with.

use std::fmt;

use serde::{Serialize, Serializer};

/// Why a sample's text is not a whole number of bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotWhole {
    /// It has a fractional part (`1.5`, `1.7102115924097388e+09`).
    Fraction,
    /// It is below zero.
    Negative,
    /// It is past `u64::MAX` (`1e30`).
    Overflow,
    /// `NaN`, `+Inf` or `-Inf`.
    NotFinite,
}

impl NotWhole {
    pub fn as_str(self) -> &'static str {
        match self {
            NotWhole::Fraction => "fraction",
            NotWhole::Negative => "negative",
            NotWhole::Overflow => "overflow",
            NotWhole::NotFinite => "not_finite",
        }
    }
}

impl fmt::Display for NotWhole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NotWhole::Fraction => "a value with a fractional part, not a whole number",
            NotWhole::Negative => "a negative value, which a size cannot be",
            NotWhole::Overflow => "a value past 2^64 − 1, the largest a 64-bit counter holds",
            NotWhole::NotFinite => "NaN or an infinity, not a number of bytes",
        })
    }
}

impl Serialize for NotWhole {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Why a value could not be read at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueError {
    /// Not a number in the syntax Go's `strconv.ParseFloat` accepts.
    Syntax,
    /// A finite decimal past the range of `f64` (`1e400`): Go returns an error for it.
    OutOfRange,
}

/// A value read the way the Prometheus text parsers in Go read it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Reading {
    pub float: f64,
    pub integer: Result<u64, NotWhole>,
}

/// Reads a sample value: Go's `strconv.ParseFloat(text, 64)`, restricted as both Go text parsers
/// restrict it (`parseFloat` in prometheus/common `expfmt/text_parse.go` and in
/// prometheus/prometheus `model/textparse/promparse.go` refuse `_`, `p` and `P`, so neither digit
/// separators nor hexadecimal floats), plus the exact whole number the text denotes.
pub(super) fn read(text: &str) -> Result<Reading, ValueError> {
    match syntax(text) {
        Syntax::Invalid => Err(ValueError::Syntax),
        Syntax::Infinity { negative } => Ok(Reading {
            float: if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            },
            integer: Err(NotWhole::NotFinite),
        }),
        Syntax::NaN => Ok(Reading {
            float: f64::NAN,
            integer: Err(NotWhole::NotFinite),
        }),
        Syntax::Decimal => {
            // Rust's and Go's decimal readers are both correctly rounded, so for the grammar
            // checked above they give the same `f64`; Go reports a range error where Rust
            // returns an infinity.
            let float: f64 = text.parse().map_err(|_| ValueError::Syntax)?;
            if float.is_infinite() {
                return Err(ValueError::OutOfRange);
            }
            Ok(Reading {
                float,
                integer: whole_number(text),
            })
        }
    }
}

enum Syntax {
    Decimal,
    Infinity { negative: bool },
    NaN,
    Invalid,
}

/// Classifies `text` by Go's `ParseFloat` grammar: `[+-]` then `inf` or `infinity` (any case),
/// or `nan` (any case, no sign), or decimal digits with an optional `.` and exponent.
fn syntax(text: &str) -> Syntax {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..).unwrap_or("")),
        Some(b'+') => (false, text.get(1..).unwrap_or("")),
        _ => (false, text),
    };
    if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity") {
        return Syntax::Infinity { negative };
    }
    if rest.len() == text.len() && rest.eq_ignore_ascii_case("nan") {
        return Syntax::NaN;
    }
    let b = rest.as_bytes();
    let mut i = 0;
    let mut digits = 0;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
        digits += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return Syntax::Invalid;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return Syntax::Invalid;
        }
    }
    if i == b.len() {
        Syntax::Decimal
    } else {
        Syntax::Invalid
    }
}

/// The whole number a decimal text denotes (`8.63531008e+08` → 863531008), in integer arithmetic.
/// `text` must have passed [`syntax`] as a decimal.
fn whole_number(text: &str) -> Result<u64, NotWhole> {
    let b = text.as_bytes();
    let negative = b.first() == Some(&b'-');
    let mantissa_end = b
        .iter()
        .position(|&c| c == b'e' || c == b'E')
        .unwrap_or(b.len());
    let mantissa = b.get(..mantissa_end).unwrap_or(&[]);
    let exponent = b.get(mantissa_end + 1..).map_or(0, exponent_value);

    // Digit positions count the mantissa's digits only, skipping sign and point.
    let mut count: i64 = 0;
    let mut int_digits: Option<i64> = None;
    let mut first_nonzero: Option<i64> = None;
    let mut last_nonzero: i64 = 0;
    for &c in mantissa {
        match c {
            b'0'..=b'9' => {
                if c != b'0' {
                    first_nonzero.get_or_insert(count);
                    last_nonzero = count;
                }
                count += 1;
            }
            b'.' => int_digits = Some(count),
            _ => {}
        }
    }
    let Some(first) = first_nonzero else {
        return Ok(0);
    };
    if negative {
        return Err(NotWhole::Negative);
    }
    // The power of ten of the first and last non-zero digits.
    let int_digits = int_digits.unwrap_or(count);
    let lowest = (int_digits - 1 - last_nonzero).saturating_add(exponent);
    let highest = (int_digits - 1 - first).saturating_add(exponent);
    if lowest < 0 {
        return Err(NotWhole::Fraction);
    }
    if highest >= 20 {
        return Err(NotWhole::Overflow);
    }
    // At most 20 significant digits remain; checked arithmetic catches 2^64 ≤ value < 10^20.
    let mut value: u64 = 0;
    let mut position = 0;
    for &c in mantissa {
        if !c.is_ascii_digit() {
            continue;
        }
        if position >= first && position <= last_nonzero {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(c - b'0')))
                .ok_or(NotWhole::Overflow)?;
        }
        position += 1;
    }
    for _ in 0..lowest {
        value = value.checked_mul(10).ok_or(NotWhole::Overflow)?;
    }
    Ok(value)
}

/// The exponent after `e`, saturating far beyond any power that matters (a text of a million
/// exponent digits must neither overflow nor take long).
fn exponent_value(b: &[u8]) -> i64 {
    const LIMIT: i64 = 1 << 40;
    let (negative, digits) = match b.first() {
        Some(b'-') => (true, b.get(1..).unwrap_or(&[])),
        Some(b'+') => (false, b.get(1..).unwrap_or(&[])),
        _ => (false, b),
    };
    let mut value: i64 = 0;
    for &c in digits {
        value = (value * 10 + i64::from(c - b'0')).min(LIMIT);
    }
    if negative { -value } else { value }
}

/// The result of Go's `uint64(f)` for an `f64`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoUint64 {
    pub value: u64,
    /// Whether the Go specification defines the result: `f` truncates to a value in
    /// `0..=u64::MAX`. When false, `value` is what the amd64 build computes; other
    /// architectures may differ (arm64 saturates).
    pub defined: bool,
}

/// Go's conversion `uint64(f)`, as metrics-server applies it to a working-set sample
/// (kubernetes-sigs/metrics-server `pkg/scraper/client/resource/decode.go`:
/// `MemoryUsage = uint64(value)`; also `uint64(value * 1e9)` for CPU).
///
/// In range it truncates toward zero. Out of range the Go specification leaves the result to the
/// implementation; this reproduces the amd64 compiler (`cmd/compile/internal/ssagen/ssa.go`,
/// `floatToUint`): below 2^63 a signed truncation (`CVTTSD2SQ`, whose out-of-range answer is
/// `0x8000_0000_0000_0000`) reinterpreted as unsigned, so `-1.0` gives `u64::MAX`; from 2^63 on,
/// the truncation of `f − 2^63` with the top bit set; NaN takes the second branch.
// TODO: out of range this is amd64's answer only; metrics-server images for arm64 compute
// another (the instruction saturates), which `defined: false` flags but does not give.
pub fn go_uint64(f: f64) -> GoUint64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    const TWO_64: f64 = 18_446_744_073_709_551_616.0;
    const TOP_BIT: u64 = 1 << 63;
    // `CVTTSD2SQ`: truncation to i64, or i64::MIN when NaN or out of range.
    let cvttsd2sq = |x: f64| -> i64 {
        if !(-TWO_63..TWO_63).contains(&x) {
            i64::MIN
        } else {
            x as i64
        }
    };
    let value = if f < TWO_63 {
        cvttsd2sq(f) as u64
    } else {
        (cvttsd2sq(f - TWO_63) as u64) | TOP_BIT
    };
    GoUint64 {
        value,
        defined: f > -1.0 && f < TWO_64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings() {
        use NotWhole::*;
        type Want = Result<(f64, Result<u64, NotWhole>), ValueError>;
        let cases: &[(&str, Want)] = &[
            ("8.63531008e+08", Ok((863531008.0, Ok(863531008)))),
            ("1.34934528e+08", Ok((134934528.0, Ok(134934528)))),
            ("1.985744896e+09", Ok((1985744896.0, Ok(1985744896)))),
            ("0", Ok((0.0, Ok(0)))),
            ("-0", Ok((-0.0, Ok(0)))),
            ("0.000e5", Ok((0.0, Ok(0)))),
            ("1", Ok((1.0, Ok(1)))),
            ("+7", Ok((7.0, Ok(7)))),
            ("1.5", Ok((1.5, Err(Fraction)))),
            (
                "1.7102115924097388e+09",
                Ok((1.7102115924097388e9, Err(Fraction))),
            ),
            ("254.050927655", Ok((254.050927655, Err(Fraction)))),
            ("1e30", Ok((1e30, Err(Overflow)))),
            (
                "18446744073709551615",
                Ok((18446744073709551615.0, Ok(u64::MAX))),
            ),
            (
                "18446744073709551616",
                Ok((18446744073709551616.0, Err(Overflow))),
            ),
            (
                "1.8446744073709551615e19",
                Ok((18446744073709551615.0, Ok(u64::MAX))),
            ),
            ("99999999999999999999", Ok((1e20, Err(Overflow)))),
            ("000000000000000000000000012", Ok((12.0, Ok(12)))),
            ("12.000000000000000000000000", Ok((12.0, Ok(12)))),
            ("1200e-2", Ok((12.0, Ok(12)))),
            ("1201e-2", Ok((12.01, Err(Fraction)))),
            (".5e1", Ok((5.0, Ok(5)))),
            ("5.", Ok((5.0, Ok(5)))),
            ("5.e3", Ok((5000.0, Ok(5000)))),
            ("1E3", Ok((1000.0, Ok(1000)))),
            ("-3", Ok((-3.0, Err(Negative)))),
            ("-1e-9", Ok((-1e-9, Err(Negative)))),
            ("1e-400", Ok((0.0, Err(Fraction)))),
            ("1e99999999999999999999999", Err(ValueError::OutOfRange)),
            ("1e400", Err(ValueError::OutOfRange)),
            ("-1e400", Err(ValueError::OutOfRange)),
            ("0e99999999999999999999999", Ok((0.0, Ok(0)))),
            ("+Inf", Ok((f64::INFINITY, Err(NotFinite)))),
            ("-Inf", Ok((f64::NEG_INFINITY, Err(NotFinite)))),
            ("inf", Ok((f64::INFINITY, Err(NotFinite)))),
            ("-infinity", Ok((f64::NEG_INFINITY, Err(NotFinite)))),
            ("", Err(ValueError::Syntax)),
            ("+", Err(ValueError::Syntax)),
            (".", Err(ValueError::Syntax)),
            ("e5", Err(ValueError::Syntax)),
            ("1e", Err(ValueError::Syntax)),
            ("1e+", Err(ValueError::Syntax)),
            ("1,234", Err(ValueError::Syntax)),
            ("1_000", Err(ValueError::Syntax)),
            ("0x1p-2", Err(ValueError::Syntax)),
            ("0x10", Err(ValueError::Syntax)),
            ("+NaN", Err(ValueError::Syntax)),
            ("infin", Err(ValueError::Syntax)),
            ("12Mi", Err(ValueError::Syntax)),
            ("1.2.3", Err(ValueError::Syntax)),
        ];
        for (text, want) in cases {
            let got = read(text).map(|r| (r.float, r.integer));
            match (want, &got) {
                (Ok((wf, wi)), Ok((gf, gi))) => {
                    assert!(
                        wf.to_bits() == gf.to_bits() && wi == gi,
                        "text {text:?}\nexpected {want:?}\nactual   {got:?}"
                    );
                }
                _ => assert_eq!(&got, want, "text {text:?}"),
            }
        }
        let nan = read("NaN").map(|r| (r.float.is_nan(), r.integer));
        assert_eq!(nan, Ok((true, Err(NotFinite))));
        assert_eq!(read("nan").map(|r| r.float.is_nan()), Ok(true));
    }

    #[test]
    fn a_million_digits_is_linear_and_exact() {
        let ones = "1".repeat(1_000_000);
        assert_eq!(read(&ones).map(|r| r.integer), Err(ValueError::OutOfRange));
        let small = format!("0.{}", "0".repeat(1_000_000));
        assert_eq!(read(&small).map(|r| r.integer), Ok(Ok(0)));
        let tiny = format!("0.{}1", "0".repeat(1_000_000));
        assert_eq!(read(&tiny).map(|r| r.integer), Ok(Err(NotWhole::Fraction)));
    }

    #[test]
    fn go_uint64_like_amd64() {
        let cases: &[(f64, u64, bool)] = &[
            (863531008.0, 863531008, true),
            (1.5, 1, true),
            (0.999, 0, true),
            (-0.5, 0, true),
            (0.0, 0, true),
            (9007199254740993.0, 9007199254740992, true),
            (9223372036854775808.0, 1 << 63, true),
            (18446744073709549568.0, 18446744073709549568, true),
            (18446744073709551616.0, 1 << 63, false),
            (1e30, 1 << 63, false),
            (-1.0, u64::MAX, false),
            (-64.0, 0xffff_ffff_ffff_ffc0, false),
            (-1e30, 1 << 63, false),
            (f64::NAN, 1 << 63, false),
            (f64::INFINITY, 1 << 63, false),
            (f64::NEG_INFINITY, 1 << 63, false),
            // metrics-server's CPU: uint64(254.050927655 * 1e9).
            (254.050927655 * 1e9, 254050927655, true),
        ];
        for &(f, value, defined) in cases {
            assert_eq!(go_uint64(f), GoUint64 { value, defined }, "f {f:?}");
        }
    }
}

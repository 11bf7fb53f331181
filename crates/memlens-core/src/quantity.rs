//! Kubernetes `resource.Quantity`: parsed and printed exactly, in integers.
//!
//! Every memory and CPU figure the Kubernetes API serves is a quantity (`16393244Ki`, `250m`,
//! `7338891n`, `1.5Gi`, `129e6`). This module reads them and writes them back the way
//! kubernetes/apimachinery `pkg/api/resource` (quantity.go, amount.go, suffix.go, read at
//! commit 357557a, with its `quantity_test.go` as the test reference) does. It reproduces:
//!
//! * **Grammar** (`parseQuantityString`): an optional sign, digits with an optional `.` and
//!   fraction (`1.`, `.5`, `.` and a lone sign are numbers too), then a suffix: binary
//!   `Ki Mi Gi Ti Pi Ei`, decimal `n u m "" k M G T P E`, or an exponent `e3`, `E-3`, `e+6`.
//!   No whitespace anywhere. A suffix without digits (`Ki`, `m`, `e3`) is zero, there too.
//! * **Value on parse**: exact, then rounded *away from zero* to a multiple of 10⁻⁹
//!   (`0.9n` → `1n`, `3.001n` → `4n`); a binary-suffixed magnitude above 2⁶³ − 1 is capped,
//!   silently in apimachinery, at 2⁶³ − 1 ([`Quantity::capped`] says so here); a binary value
//!   strictly between −1 and 1 becomes `DecimalSI`. Decimal values are not capped.
//! * **Format**: the suffix's family ([`Format`]) is remembered and used to print.
//! * **Canonical form** (`CanonicalizeBytes`, what `String()` prints for a computed quantity):
//!   `BinarySI` prints `<n><Ki…Ei>` with the largest power of 1024 that divides the value,
//!   but falls back to `DecimalSI` when the magnitude is below 1024 or the value is not a
//!   whole number; `DecimalSI` and `DecimalExponent` print the significant digits followed by
//!   zeros up to an exponent that is a multiple of 3 (rounded *down*: `0.5` → `500m`), with
//!   an SI letter or `e<exp>`; `DecimalSI` past `E` (10¹⁸) prints `1e21` (as apimachinery
//!   does since it fixed this; older releases dropped the exponent and printed `1`).
//! * **`String()` right after parsing** ([`parsed_string`]): apimachinery keeps the text it
//!   parsed when a quick test says it is already canonical, so `+1500m`, `01`, `1E3` and
//!   `1.500` print back unchanged.
//! * **`Value()`, `MilliValue()`, `ScaledValue(s)`**: `ceil(q / 10^s)` as an `i64`
//!   (negative values round away from zero, as apimachinery's `int64Amount` does). Where
//!   apimachinery silently overflows these return `None` instead.
//!
//! Deviations, all for inputs no tool prints: more than 38 significant digits is an error
//! ([`QuantityError::TooManyDigits`]) where apimachinery uses big integers; an exponent
//! outside the `i32` range is an error where apimachinery truncates it to 32 bits.

use std::fmt;

use serde::{Serialize, Serializer};

/// How a quantity prints: the family of the suffix it was written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Format {
    /// `12e6`, `1e-3`.
    DecimalExponent,
    /// `12Mi` (12 × 2²⁰); memory.
    BinarySI,
    /// `12M` (12 × 10⁶), `250m`, `7338891n`; CPU.
    DecimalSI,
}

/// Why a text is not a quantity, or why a quantity is not a byte count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuantityError {
    Empty,
    /// Not `<sign><digits>.<digits><suffix>`.
    Malformed,
    /// A suffix apimachinery does not know (`K`, `mi`, `e`).
    Suffix(String),
    /// More than 38 significant digits.
    TooManyDigits,
    /// An exponent, or a value's power of ten, outside ±2³¹.
    ExponentOutOfRange,
    /// A negative quantity where a size was expected.
    Negative,
    /// A fraction of a byte (`1500m`).
    NotWhole,
    /// More than `u64::MAX` bytes, or a binary quantity that apimachinery capped at 2⁶³ − 1.
    TooLarge,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SUFFIXES: &str = "Ki Mi Gi Ti Pi Ei, n u m k M G T P E, or e<exponent>";
        match self {
            QuantityError::Empty => {
                write!(
                    f,
                    "an empty quantity; expected a number such as 16393244Ki or 250m"
                )
            }
            QuantityError::Malformed => write!(
                f,
                "not a quantity; expected a number with an optional fraction and suffix \
                 ({SUFFIXES}), without spaces"
            ),
            QuantityError::Suffix(s) => {
                write!(f, "an unknown quantity suffix `{s}`; expected {SUFFIXES}")
            }
            QuantityError::TooManyDigits => {
                write!(f, "more than 38 significant digits; expected at most 38")
            }
            QuantityError::ExponentOutOfRange => {
                write!(
                    f,
                    "an exponent past ±2^31; expected a power of ten that fits 32 bits"
                )
            }
            QuantityError::Negative => {
                write!(
                    f,
                    "a negative quantity; expected a size, which cannot be negative"
                )
            }
            QuantityError::NotWhole => {
                write!(f, "a fraction of a byte; expected a whole number of bytes")
            }
            QuantityError::TooLarge => write!(
                f,
                "a value past 2^64 − 1 bytes (or a binary quantity capped at 2^63 − 1); \
                 expected a size that fits 64 bits"
            ),
        }
    }
}

impl std::error::Error for QuantityError {}

/// A `resource.Quantity`: ±`mantissa` × 10^`exponent`, with the format it prints in.
///
/// The mantissa carries no trailing zeros (they live in the exponent), so equal values with
/// equal formats compare equal. After [`Quantity::parse`] the exponent is at least −9.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Quantity {
    negative: bool,
    mantissa: u128,
    exponent: i32,
    format: Format,
    capped: bool,
}

/// The largest value a binary-suffixed quantity keeps, 2⁶³ − 1, in units of 10⁻⁹.
const CAP_NANOS: u128 = (i64::MAX as u128) * 1_000_000_000;

/// At most this many significant digits fit the `u128` mantissa (10³⁸ − 1 < 2¹²⁸).
const MAX_DIGITS: usize = 38;

impl Quantity {
    /// Parses quantity text as apimachinery's `ParseQuantity` does (no surrounding spaces).
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        if text.is_empty() {
            return Err(QuantityError::Empty);
        }
        let parts = scan(text.as_bytes())?;
        let suffix = interpret(parts.suffix)?;

        // The digits of number and fraction as one integer, scaled by 10^shift.
        let (mantissa, shift) = significant(parts.num, parts.denom)?;
        let negative = parts.negative && mantissa != 0;

        let (nanos_or_mantissa, exponent, format, capped) = match suffix {
            Suffix::Decimal(exp, format) => {
                let exponent = shift.saturating_add(i64::from(exp));
                if exponent < -9 {
                    // Finer than a nano: rounded up, away from zero (apimachinery's
                    // `inf.RoundUp` on the magnitude).
                    let divisor_power = (-9i64).saturating_sub(exponent);
                    (ceil_div_pow10(mantissa, divisor_power), -9, format, false)
                } else {
                    (mantissa, exponent, format, false)
                }
            }
            Suffix::Binary(power) => {
                let nanos = ceil_mul_pow2_pow10(mantissa, power, shift.saturating_add(9));
                let (nanos, capped) = match nanos {
                    Some(n) if n <= CAP_NANOS => (n, false),
                    _ => (CAP_NANOS, true),
                };
                // A binary value strictly between −1 and 1 prints as DecimalSI.
                let format = if nanos != 0 && nanos < 1_000_000_000 {
                    Format::DecimalSI
                } else {
                    Format::BinarySI
                };
                (nanos, -9, format, capped)
            }
        };
        let (mantissa, exponent) = normalize(nanos_or_mantissa, exponent);
        let exponent = i32::try_from(exponent).map_err(|_| QuantityError::ExponentOutOfRange)?;
        Ok(Quantity {
            negative,
            mantissa,
            exponent,
            format,
            capped,
        })
    }

    /// `resource.NewQuantity(value, format)`: a whole number (bytes, cores).
    pub fn new(value: i64, format: Format) -> Quantity {
        Quantity::new_scaled_as(value, 0, format)
    }

    /// `resource.NewScaledQuantity(value, scale)`: `value` × 10^`scale`, `DecimalSI`
    /// (metrics-server serves CPU as `NewScaledQuantity(nanocores, -9)`).
    pub fn new_scaled(value: i64, scale: i32) -> Quantity {
        Quantity::new_scaled_as(value, scale, Format::DecimalSI)
    }

    fn new_scaled_as(value: i64, scale: i32, format: Format) -> Quantity {
        let (mantissa, exponent) = normalize(u128::from(value.unsigned_abs()), i64::from(scale));
        // Trailing zeros only raise the exponent; clamping keeps a pathological scale in range.
        let exponent = i32::try_from(exponent).unwrap_or(i32::MAX);
        Quantity {
            negative: value < 0,
            mantissa,
            exponent,
            format,
            capped: false,
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// Whether parsing capped a binary quantity at 2⁶³ − 1 (`9Ei`), as apimachinery does
    /// without telling.
    pub fn capped(&self) -> bool {
        self.capped
    }

    /// The canonical text, as apimachinery's `String()` prints a computed quantity
    /// (`NewQuantity(1610612736, BinarySI)` → `1536Mi`). Also what `Display` writes.
    pub fn canonical(&self) -> String {
        if self.mantissa == 0 {
            return "0".to_string();
        }
        let sign = if self.negative { "-" } else { "" };
        if self.format == Format::BinarySI
            && let Some(text) = self.binary_text()
        {
            return format!("{sign}{text}");
        }

        // Decimal: the digits, then zeros down to an exponent that is a multiple of three.
        let exponent = i64::from(self.exponent);
        let extra = exponent.rem_euclid(3);
        let exponent = exponent - extra;
        let zeros = "00".get(..extra as usize).unwrap_or("");
        let suffix = match (self.format, exponent) {
            (Format::DecimalExponent, 0) => String::new(),
            (Format::DecimalExponent, e) => format!("e{e}"),
            (_, e) => match si_letter(e) {
                Some(letter) => letter.to_string(),
                None => format!("e{e}"),
            },
        };
        format!("{sign}{}{zeros}{suffix}", self.mantissa)
    }

    /// The `BinarySI` text (`1536Mi`, `1025`), or `None` when apimachinery prints the value
    /// as `DecimalSI` instead: a magnitude below 1024, or a fraction.
    fn binary_text(&self) -> Option<String> {
        let whole = self.magnitude_at(0).filter(|_| self.exponent >= 0)?;
        if whole < 1024 {
            return None;
        }
        let mut value = whole;
        let mut power = 0;
        while power < BINARY_SUFFIXES.len() && value >= 1024 && value % 1024 == 0 {
            value /= 1024;
            power += 1;
        }
        let suffix = power
            .checked_sub(1)
            .and_then(|p| BINARY_SUFFIXES.get(p))
            .unwrap_or(&"");
        Some(format!("{value}{suffix}"))
    }

    /// `Value()`: the value rounded up to a whole number (`1500m` → 2); `None` past `i64`.
    pub fn value(&self) -> Option<i64> {
        self.scaled_value(0)
    }

    /// `MilliValue()`: `ceil(q × 1000)` (`7338891n` → 8, which `kubectl top` prints `8m`);
    /// `None` past `i64`.
    pub fn milli_value(&self) -> Option<i64> {
        self.scaled_value(-3)
    }

    /// `ScaledValue(scale)`: `ceil(q / 10^scale)`, negative values rounded away from zero;
    /// `None` past `i64`, where apimachinery returns an undefined overflowed number.
    pub fn scaled_value(&self, scale: i32) -> Option<i64> {
        let magnitude = self.magnitude_at(scale)?;
        if self.negative {
            let limit = u128::from(i64::MIN.unsigned_abs());
            (magnitude <= limit).then(|| (magnitude as i128).wrapping_neg() as i64)
        } else {
            i64::try_from(magnitude).ok()
        }
    }

    /// `ceil(|q| / 10^scale)`, or `None` past `u128`.
    fn magnitude_at(&self, scale: i32) -> Option<u128> {
        let power = i64::from(self.exponent) - i64::from(scale);
        if power >= 0 {
            if self.mantissa == 0 {
                return Some(0);
            }
            self.mantissa.checked_mul(pow10(power)?)
        } else {
            Some(ceil_div_pow10(self.mantissa, -power))
        }
    }

    /// The quantity as a byte count, when it is a whole, non-negative number of bytes that
    /// fits `u64` (`16393244Ki` → 16786681856).
    pub fn exact_bytes(&self) -> Result<u64, QuantityError> {
        if self.negative {
            return Err(QuantityError::Negative);
        }
        if self.capped {
            return Err(QuantityError::TooLarge);
        }
        if self.exponent < 0 {
            return Err(QuantityError::NotWhole);
        }
        let whole = self.magnitude_at(0).ok_or(QuantityError::TooLarge)?;
        u64::try_from(whole).map_err(|_| QuantityError::TooLarge)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

/// A quantity serialises as its canonical text, like apimachinery's `MarshalJSON`.
impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What apimachinery's `ParseQuantity(text).String()` returns: the text itself when its
/// parse-time test finds it canonical (`14520Ki`, `7338891n`, but also `+1`, `01`, `1E3`,
/// `1.500`), otherwise the canonical form (`1024Mi` → `1Gi`, `0.5` → `500m`).
pub fn parsed_string(text: &str) -> Result<String, QuantityError> {
    let quantity = Quantity::parse(text)?;
    if text == "0" || keeps_text(text) {
        return Ok(text.to_string());
    }
    Ok(quantity.canonical())
}

/// apimachinery's fast path of `ParseQuantity`, which stores the input as the quantity's
/// string when the value fits an `int64` at nano scale and looks canonical.
fn keeps_text(text: &str) -> bool {
    let Ok(parts) = scan(text.as_bytes()) else {
        return false;
    };
    let Ok(suffix) = interpret(parts.suffix) else {
        return false;
    };
    let num: &[u8] = if parts.num.is_empty() {
        b"0"
    } else {
        parts.num
    };
    let digits = num.len() + parts.denom.len();
    match suffix {
        Suffix::Decimal(exp, _) => {
            let scale = i64::from(exp) - parts.denom.len() as i64;
            let shifted = [num, parts.denom].concat();
            let looks_canonical = !shifted.ends_with(b"000") && shifted.first() != Some(&b'0');
            digits <= 18 && scale >= -9 && scale % 3 == 0 && looks_canonical
        }
        Suffix::Binary(power) => {
            let precision = 15 - num.len() as i64 - i64::from(power) * 3 / 10 - 1;
            let value = std::str::from_utf8(num)
                .ok()
                .and_then(|n| n.parse::<i64>().ok());
            parts.denom.is_empty()
                && precision >= 0
                && value.is_some_and(|v| v.checked_mul(1 << power).is_some() && v & 0x07 != 0)
        }
    }
}

/// A quantity as it was written, with its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuantityText {
    /// The text as written (`14520Ki`).
    pub text: String,
    pub quantity: Quantity,
}

impl QuantityText {
    pub fn parse(text: &str) -> Result<QuantityText, QuantityError> {
        Ok(QuantityText {
            text: text.to_string(),
            quantity: Quantity::parse(text)?,
        })
    }
}

const BINARY_SUFFIXES: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

fn si_letter(exponent: i64) -> Option<&'static str> {
    Some(match exponent {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => return None,
    })
}

/// The pieces of quantity text, as apimachinery's `parseQuantityString` cuts them.
struct Parts<'a> {
    negative: bool,
    /// Whole digits without leading zeros (empty for zero).
    num: &'a [u8],
    denom: &'a [u8],
    suffix: &'a [u8],
}

fn scan(s: &[u8]) -> Result<Parts<'_>, QuantityError> {
    let mut pos = 0;
    let negative = s.first() == Some(&b'-');
    if matches!(s.first(), Some(b'-' | b'+')) {
        pos = 1;
    }
    while s.get(pos) == Some(&b'0') {
        pos += 1;
    }
    // A sign or zeros alone are zero (`-`, `000`).
    let mut parts = Parts {
        negative,
        num: &[],
        denom: &[],
        suffix: &[],
    };
    if pos == s.len() {
        return Ok(parts);
    }

    let start = pos;
    pos = digits_end(s, pos);
    parts.num = s.get(start..pos).unwrap_or(&[]);
    if s.get(pos) == Some(&b'.') {
        let start = pos + 1;
        pos = digits_end(s, start);
        parts.denom = s.get(start..pos).unwrap_or(&[]);
    }

    let suffix_start = pos;
    while s.get(pos).is_some_and(|c| b"eEinumkKMGTP".contains(c)) {
        pos += 1;
    }
    if matches!(s.get(pos), Some(b'-' | b'+')) {
        pos += 1;
    }
    pos = digits_end(s, pos);
    if pos != s.len() {
        return Err(QuantityError::Malformed);
    }
    parts.suffix = s.get(suffix_start..).unwrap_or(&[]);
    Ok(parts)
}

fn digits_end(s: &[u8], mut pos: usize) -> usize {
    while s.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    pos
}

enum Suffix {
    /// × 10^exp.
    Decimal(i32, Format),
    /// × 2^power.
    Binary(u32),
}

fn interpret(suffix: &[u8]) -> Result<Suffix, QuantityError> {
    let decimal = |exp| Ok(Suffix::Decimal(exp, Format::DecimalSI));
    match suffix {
        b"" => decimal(0),
        b"n" => decimal(-9),
        b"u" => decimal(-6),
        b"m" => decimal(-3),
        b"k" => decimal(3),
        b"M" => decimal(6),
        b"G" => decimal(9),
        b"T" => decimal(12),
        b"P" => decimal(15),
        b"E" => decimal(18),
        b"Ki" => Ok(Suffix::Binary(10)),
        b"Mi" => Ok(Suffix::Binary(20)),
        b"Gi" => Ok(Suffix::Binary(30)),
        b"Ti" => Ok(Suffix::Binary(40)),
        b"Pi" => Ok(Suffix::Binary(50)),
        b"Ei" => Ok(Suffix::Binary(60)),
        [b'e' | b'E', rest @ ..] if !rest.is_empty() => {
            let exp = parse_exponent(rest)
                .ok_or_else(|| QuantityError::Suffix(String::from_utf8_lossy(suffix).into()))?;
            let exp = i32::try_from(exp).map_err(|_| QuantityError::ExponentOutOfRange)?;
            Ok(Suffix::Decimal(exp, Format::DecimalExponent))
        }
        _ => Err(QuantityError::Suffix(
            String::from_utf8_lossy(suffix).into(),
        )),
    }
}

/// Go's `strconv.ParseInt(text, 10, 64)`: an optional sign and at least one digit.
fn parse_exponent(text: &[u8]) -> Option<i64> {
    let (negative, digits) = match text {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: i64 = 0;
    for c in digits {
        let d = i64::from(c.checked_sub(b'0').filter(|d| *d <= 9)?);
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(d)?
        } else {
            value.checked_add(d)?
        };
    }
    Some(value)
}

/// The digits of `num.denom` as an integer without leading or trailing zeros, and the power
/// of ten it is scaled by.
fn significant(num: &[u8], denom: &[u8]) -> Result<(u128, i64), QuantityError> {
    let all = || num.iter().chain(denom.iter());
    let total = num.len() + denom.len();
    let leading = all().take_while(|c| **c == b'0').count();
    if leading == total {
        return Ok((0, 0));
    }
    let trailing = all().rev().take_while(|c| **c == b'0').count();
    let count = total - leading - trailing;
    if count > MAX_DIGITS {
        return Err(QuantityError::TooManyDigits);
    }
    let mut mantissa: u128 = 0;
    for c in all().skip(leading).take(count) {
        mantissa = mantissa * 10 + u128::from(c - b'0');
    }
    let shift = (trailing as i64).saturating_sub(denom.len() as i64);
    Ok((mantissa, shift))
}

/// Moves trailing decimal zeros of the mantissa into the exponent; zero gets exponent 0.
fn normalize(mut mantissa: u128, mut exponent: i64) -> (u128, i64) {
    if mantissa == 0 {
        return (0, 0);
    }
    while mantissa.is_multiple_of(10) {
        mantissa /= 10;
        exponent = exponent.saturating_add(1);
    }
    (mantissa, exponent)
}

/// 10^power, or `None` past `u128`.
fn pow10(power: i64) -> Option<u128> {
    10u128.checked_pow(u32::try_from(power).ok()?)
}

fn ceil_div(a: u128, b: u128) -> u128 {
    a / b + u128::from(!a.is_multiple_of(b))
}

/// `ceil(m / 10^power)` for `power ≥ 0`.
fn ceil_div_pow10(m: u128, power: i64) -> u128 {
    match pow10(power) {
        Some(divisor) => ceil_div(m, divisor),
        // 10^power > 2^128 > m: a non-zero value rounds up to one unit.
        None => u128::from(m != 0),
    }
}

/// `ceil(m × 2^two × 10^ten)`, exactly, or `None` past `u128`. `two` is at most 60.
fn ceil_mul_pow2_pow10(m: u128, two: u32, ten: i64) -> Option<u128> {
    if m == 0 {
        return Some(0);
    }
    if ten >= 0 {
        return m
            .checked_mul(1u128.checked_shl(two)?)?
            .checked_mul(pow10(ten)?);
    }
    // m × 2^two / (2^d × 5^d): cancel the common powers of two first.
    let d = ten.unsigned_abs();
    let cancel = u64::from(two).min(d);
    let two_left = u64::from(two) - cancel;
    let two_below = d - cancel;
    if two_left == 0 {
        let divisor = u32::try_from(two_below)
            .ok()
            .and_then(|p| 1u128.checked_shl(p))
            .zip(u32::try_from(d).ok().and_then(|p| 5u128.checked_pow(p)))
            .and_then(|(a, b)| a.checked_mul(b));
        // A divisor past 2^128 exceeds m: the value is a fraction and rounds up to one.
        return Some(divisor.map_or(1, |divisor| ceil_div(m, divisor)));
    }
    // d < two ≤ 60 here. 5^54 is the largest power of five below 2^127, which the doubling
    // division needs; the rest is divided afterwards (nested ceilings are exact).
    let first = d.min(54);
    let inner = ceil_mul_pow2_div(m, two_left as u32, 5u128.pow(first as u32))?;
    Some(ceil_div(inner, 5u128.pow((d - first) as u32)))
}

/// `ceil(m × 2^two / divisor)` for `divisor < 2^127`, by binary long division.
fn ceil_mul_pow2_div(m: u128, two: u32, divisor: u128) -> Option<u128> {
    let mut quotient = m / divisor;
    let mut rest = m % divisor;
    for _ in 0..two {
        quotient = quotient.checked_mul(2)?;
        rest <<= 1;
        if rest >= divisor {
            quotient = quotient.checked_add(1)?;
            rest -= divisor;
        }
    }
    quotient.checked_add(u128::from(rest != 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value ±m × 10^e, normalized the way `Quantity` stores it.
    fn value_of(m: i128, e: i32) -> (bool, u128, i32) {
        let (mantissa, exponent) = normalize(m.unsigned_abs(), i64::from(e));
        (m < 0 && mantissa != 0, mantissa, exponent as i32)
    }

    fn parts(q: &Quantity) -> (bool, u128, i32) {
        (q.negative, q.mantissa, q.exponent)
    }

    use Format::{BinarySI as Bin, DecimalExponent as Exp, DecimalSI as Dec};

    /// apimachinery `TestQuantityParse`, plus real values: text, mantissa, exponent, format.
    const PARSE: &[(&str, i128, i32, Format)] = &[
        ("0", 0, 0, Dec),
        ("0n", 0, 0, Dec),
        ("0u", 0, 0, Dec),
        ("0m", 0, 0, Dec),
        ("0Ki", 0, 0, Bin),
        ("0k", 0, 0, Dec),
        ("0Mi", 0, 0, Bin),
        ("0M", 0, 0, Dec),
        ("0Gi", 0, 0, Bin),
        ("0G", 0, 0, Dec),
        ("0Ti", 0, 0, Bin),
        ("0T", 0, 0, Dec),
        ("1", 1, 0, Dec),
        ("1Ki", 1024, 0, Bin),
        ("8Ki", 8192, 0, Bin),
        ("7Mi", 7 << 20, 0, Bin),
        ("6Gi", 6 << 30, 0, Bin),
        ("5Ti", 5 << 40, 0, Bin),
        ("4Pi", 4 << 50, 0, Bin),
        ("3Ei", 3 << 60, 0, Bin),
        ("10Ti", 10 << 40, 0, Bin),
        ("100Ti", 100 << 40, 0, Bin),
        ("5n", 5, -9, Dec),
        ("4u", 4, -6, Dec),
        ("3m", 3, -3, Dec),
        ("9", 9, 0, Dec),
        ("8k", 8, 3, Dec),
        ("50k", 5, 4, Dec),
        ("7M", 7, 6, Dec),
        ("6G", 6, 9, Dec),
        ("5T", 5, 12, Dec),
        ("40T", 4, 13, Dec),
        ("300T", 3, 14, Dec),
        ("2P", 2, 15, Dec),
        ("1E", 1, 18, Dec),
        ("1E-3", 1, -3, Exp),
        ("1e3", 1, 3, Exp),
        ("1E6", 1, 6, Exp),
        ("1e9", 1, 9, Exp),
        ("1E12", 1, 12, Exp),
        ("1e15", 1, 15, Exp),
        ("1E18", 1, 18, Exp),
        ("1e14", 1, 14, Exp),
        ("1e13", 1, 13, Exp),
        ("100.035k", 100035, 0, Dec),
        ("0.001", 1, -3, Dec),
        ("0.0005k", 5, -1, Dec),
        ("0.005", 5, -3, Dec),
        ("0.05", 5, -2, Dec),
        ("0.5", 5, -1, Dec),
        ("0.00050k", 5, -1, Dec),
        ("0.00500", 5, -3, Dec),
        ("0.05000", 5, -2, Dec),
        ("0.50000", 5, -1, Dec),
        ("0.5e0", 5, -1, Exp),
        ("0.5e-1", 5, -2, Exp),
        ("0.5e-2", 5, -3, Exp),
        ("10.035M", 10035, 3, Dec),
        ("1.2e3", 12, 2, Exp),
        ("1.3E+6", 13, 5, Exp),
        ("1.40e9", 14, 8, Exp),
        ("1.53E12", 153, 10, Exp),
        ("1.6e15", 16, 14, Exp),
        ("1.7E18", 17, 17, Exp),
        ("9.01", 901, -2, Dec),
        ("8.1k", 81, 2, Dec),
        ("7.123456M", 7123456, 0, Dec),
        ("6.987654321G", 6987654321, 0, Dec),
        ("5.444T", 5444, 9, Dec),
        ("40.1T", 401, 11, Dec),
        ("300.2T", 3002, 11, Dec),
        ("2.5P", 25, 14, Dec),
        ("1.01E", 101, 16, Dec),
        // Rounded up to a nano.
        ("3.001n", 4, -9, Dec),
        ("1.1E-9", 2, -9, Exp),
        ("0.0000000001", 1, -9, Dec),
        ("0.0000000005", 1, -9, Dec),
        ("0.00000000050", 1, -9, Dec),
        ("0.5e-9", 1, -9, Exp),
        ("0.9n", 1, -9, Dec),
        ("0.00000012345", 124, -9, Dec),
        ("0.00000012354", 124, -9, Dec),
        // Capped at 2^63 − 1.
        ("9Ei", i64::MAX as i128, 0, Bin),
        ("9223372036854775807Ki", i64::MAX as i128, 0, Bin),
        ("12E", 12, 18, Dec),
        // Fractional binary.
        ("100.035Ki", 10243584, -2, Bin),
        ("0.5Mi", 524288, 0, Bin),
        ("0.05Gi", 536870912, -1, Bin),
        ("0.025Ti", 274877906944, -1, Bin),
        // "Things written by trolls".
        ("0.000000000001Ki", 2, -9, Dec),
        (".001", 1, -3, Dec),
        (".0001k", 100, -3, Dec),
        ("1.", 1, 0, Dec),
        ("1.G", 1, 9, Dec),
        (".", 0, 0, Dec),
        ("-", 0, 0, Dec),
        ("+", 0, 0, Dec),
        // A suffix alone is zero in apimachinery too.
        ("Ki", 0, 0, Bin),
        ("m", 0, 0, Dec),
        ("e3", 0, 0, Exp),
        // Pasted values.
        ("16393244Ki", 16393244 * 1024, 0, Bin),
        ("14520Ki", 14520 * 1024, 0, Bin),
        ("2748180Ki", 2748180 * 1024, 0, Bin),
        ("329087452n", 329087452, -9, Dec),
        ("1.5Gi", 1610612736, 0, Bin),
        ("250m", 25, -2, Dec),
        ("129e6", 129, 6, Exp),
        ("18446744073709551616", 18446744073709551616, 0, Dec),
        ("1e999999999", 1, 999999999, Exp),
        ("1e-999999999", 1, -9, Exp),
        ("1.5e2147483640", 15, 2147483639, Exp),
    ];

    #[test]
    fn parse_table() {
        for &(text, m, e, format) in PARSE {
            for (sign, factor) in [("", 1), ("-", -1), ("+", 1)] {
                let input = format!("{sign}{text}");
                let input = if !sign.is_empty() && matches!(text, "-" | "+") {
                    text.into()
                } else {
                    input
                };
                let got = Quantity::parse(&input);
                let want = value_of(m * factor, e);
                let got_parts = got.as_ref().map(parts);
                assert_eq!(got_parts, Ok(want), "value of {input:?}");
                assert_eq!(got.map(|q| q.format()), Ok(format), "format of {input:?}");
            }
        }
    }

    #[test]
    fn parse_errors() {
        let cases: &[(&str, QuantityError)] = &[
            ("", QuantityError::Empty),
            ("1.1.M", QuantityError::Malformed),
            ("1+1.0M", QuantityError::Malformed),
            ("0.1mi", QuantityError::Suffix("mi".into())),
            ("0.1am", QuantityError::Malformed),
            ("aoeu", QuantityError::Malformed),
            (".5i", QuantityError::Suffix("i".into())),
            ("1i", QuantityError::Suffix("i".into())),
            ("-3.01i", QuantityError::Suffix("i".into())),
            ("-3.01e-", QuantityError::Suffix("e-".into())),
            (" 1", QuantityError::Malformed),
            ("1 ", QuantityError::Malformed),
            ("1K", QuantityError::Suffix("K".into())),
            ("1e", QuantityError::Suffix("e".into())),
            ("1e3Ki", QuantityError::Malformed),
            ("1Mi3", QuantityError::Suffix("Mi3".into())),
            ("1,024", QuantityError::Malformed),
            ("1Kié", QuantityError::Malformed),
            ("１", QuantityError::Malformed),
            (
                "1e99999999999999999999",
                QuantityError::Suffix("e99999999999999999999".into()),
            ),
            ("1e4294967296", QuantityError::ExponentOutOfRange),
            ("1e2147483648", QuantityError::ExponentOutOfRange),
            ("10e2147483647", QuantityError::ExponentOutOfRange),
            (
                "123456789012345678901234567890123456789",
                QuantityError::TooManyDigits,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Quantity::parse(text), Err(want.clone()), "text {text:?}");
        }
    }

    /// apimachinery `TestQuantityString`: a value in a format, its canonical text.
    #[test]
    fn canonical_table() {
        let cases: &[(i128, i32, Format, &str)] = &[
            (1 << 30, 0, Bin, "1Gi"),
            (300 << 20, 0, Bin, "300Mi"),
            (6 << 10, 0, Bin, "6Ki"),
            (1001 << 30, 0, Bin, "1001Gi"),
            (1 << 40, 0, Bin, "1Ti"),
            (5, 0, Bin, "5"),
            (500, -3, Bin, "500m"),
            (1, 9, Dec, "1G"),
            (1000, 6, Dec, "1G"),
            (1000000, 3, Dec, "1G"),
            (1000000000, 0, Dec, "1G"),
            (1, -3, Dec, "1m"),
            (80, -3, Dec, "80m"),
            (1080, -3, Dec, "1080m"),
            (108, -2, Dec, "1080m"),
            (10800, -4, Dec, "1080m"),
            (300, 6, Dec, "300M"),
            (1, 12, Dec, "1T"),
            (1, 18, Dec, "1E"),
            (1, 21, Dec, "1e21"),
            (5, 21, Dec, "5e21"),
            (1, 24, Dec, "1e24"),
            (1234567, 6, Dec, "1234567M"),
            (1234567, -3, Bin, "1234567m"),
            (3, 3, Dec, "3k"),
            (1025, 0, Bin, "1025"),
            (0, 0, Dec, "0"),
            (0, 0, Bin, "0"),
            (1, 9, Exp, "1e9"),
            (1, -3, Exp, "1e-3"),
            (1, -9, Exp, "1e-9"),
            (80, -3, Exp, "80e-3"),
            (300, 6, Exp, "300e6"),
            (1, 12, Exp, "1e12"),
            (1, 3, Exp, "1e3"),
            (3, 3, Exp, "3e3"),
            (0, 0, Exp, "0"),
            (1, -9, Dec, "1n"),
            (80, -9, Dec, "80n"),
            (1080, -9, Dec, "1080n"),
            (108, -8, Dec, "1080n"),
            (10800, -10, Dec, "1080n"),
            (1, -6, Dec, "1u"),
            (80, -6, Dec, "80u"),
            (1080, -6, Dec, "1080u"),
            // Not in apimachinery's table: a binary value that is not whole, and 2^63.
            (15365, -1, Bin, "1536500m"),
            (1 << 63, 0, Bin, "8Ei"),
            (16786681856, 0, Bin, "16393244Ki"),
            (2814136320, 0, Bin, "2748180Ki"),
        ];
        for &(m, e, format, want) in cases {
            for negative in [false, true] {
                let (_, mantissa, exponent) = value_of(m, e);
                let q = Quantity {
                    negative: negative && m != 0,
                    mantissa,
                    exponent,
                    format,
                    capped: false,
                };
                let want = if negative && m != 0 {
                    format!("-{want}")
                } else {
                    want.to_string()
                };
                assert_eq!(q.canonical(), want, "{m}e{e} {format:?}");
                assert_eq!(q.to_string(), want);
            }
        }
    }

    /// apimachinery `TestQuantityParseEmit` and `TestQuantityString`'s alternates: text in,
    /// `String()` out; and texts whose parse keeps them verbatim.
    #[test]
    fn parsed_string_table() {
        let cases: &[(&str, &str)] = &[
            ("1Ki", "1Ki"),
            ("1Mi", "1Mi"),
            ("1Gi", "1Gi"),
            ("1024Mi", "1Gi"),
            ("1000M", "1G"),
            (".001Ki", "1024m"),
            (".000001Ki", "1024u"),
            (".000000001Ki", "1024n"),
            (".000000000001Ki", "2n"),
            ("307200Ki", "300Mi"),
            ("1025024Mi", "1001Gi"),
            ("1024Gi", "1Ti"),
            ("5000m", "5"),
            ("0.5", "500m"),
            ("0.001T", "1G"),
            ("1000u", "1m"),
            ("1.08", "1080m"),
            ("1080000000n", "1080m"),
            ("1000E", "1e21"),
            ("5000E", "5e21"),
            (".001e12", "1e9"),
            ("0.001e0", "1e-3"),
            ("1000e-12", "1e-9"),
            ("00", "0"),
            ("1.5Gi", "1536Mi"),
            ("8Ki", "8Ki"),
            ("1.2e3", "1200"),
            // Kept verbatim by apimachinery's parse-time check.
            ("0", "0"),
            ("14520Ki", "14520Ki"),
            ("2748180Ki", "2748180Ki"),
            ("7338891n", "7338891n"),
            ("129e6", "129e6"),
            ("+1500m", "+1500m"),
            ("01", "01"),
            ("1E3", "1E3"),
            ("1e+3", "1e+3"),
            ("1.500", "1.500"),
            ("-1Ki", "-1Ki"),
            // Not kept: too many digits for the fast path, or a Pi/Ei suffix.
            ("123456789012Ki", "123456789012Ki"),
            ("+1Pi", "1Pi"),
            ("1.000", "1"),
        ];
        for (text, want) in cases {
            assert_eq!(parsed_string(text).as_deref(), Ok(*want), "text {text:?}");
        }
    }

    #[test]
    fn constructors() {
        // apimachinery TestNewSet, TestMilliNewSet (as a scale of -3), TestNewScaledSet.
        let cases: &[(Quantity, &str)] = &[
            (Quantity::new(1, Dec), "1"),
            (Quantity::new(1000, Dec), "1k"),
            (Quantity::new(1234000, Dec), "1234k"),
            (Quantity::new(1024, Bin), "1Ki"),
            (Quantity::new(1000000, Exp), "1e6"),
            (Quantity::new(1024 * 1024, Bin), "1Mi"),
            (Quantity::new(16786681856, Bin), "16393244Ki"),
            (Quantity::new(2814136321, Bin), "2814136321"),
            (Quantity::new(-2048, Bin), "-2Ki"),
            (Quantity::new(i64::MIN, Bin), "-8Ei"),
            (Quantity::new_scaled_as(1, -3, Dec), "1m"),
            (Quantity::new_scaled_as(1000, -3, Dec), "1"),
            (Quantity::new_scaled_as(1234000, -3, Dec), "1234"),
            (Quantity::new_scaled_as(1024, -3, Bin), "1024m"),
            (Quantity::new_scaled_as(1000000, -3, Exp), "1e3"),
            (Quantity::new_scaled_as(1024 * 1024, -3, Bin), "1048576m"),
            (Quantity::new_scaled(1, -9), "1n"),
            (Quantity::new_scaled(1000, -9), "1u"),
            (Quantity::new_scaled(1, -6), "1u"),
            (Quantity::new_scaled(1000, -6), "1m"),
            (Quantity::new_scaled(1, -3), "1m"),
            (Quantity::new_scaled(1000, -3), "1"),
            (Quantity::new_scaled(1, 0), "1"),
            (Quantity::new_scaled(0, -9), "0"),
            (Quantity::new_scaled(329087452, -9), "329087452n"),
            (Quantity::new_scaled(5_000_000, -9), "5m"),
        ];
        for (q, want) in cases {
            assert_eq!(q.canonical(), *want, "{q:?}");
        }
    }

    #[test]
    fn scaled_values() {
        // apimachinery TestScaledValue: NewScaledQuantity(1, from).ScaledValue(to).
        let cases: &[(i32, i32, i64)] = &[
            (-9, -9, 1),
            (-9, -6, 1),
            (-9, -3, 1),
            (-9, 0, 1),
            (-6, -9, 1000),
            (-6, -6, 1),
            (-6, -3, 1),
            (-6, 0, 1),
            (-3, -9, 1000 * 1000),
            (-3, -6, 1000),
            (-3, -3, 1),
            (-3, 0, 1),
            (0, -9, 1000 * 1000 * 1000),
            (0, -6, 1000 * 1000),
            (0, -3, 1000),
            (0, 0, 1),
            (2, -2, 100 * 100),
        ];
        for &(from, to, want) in cases {
            let got = Quantity::new_scaled(1, from).scaled_value(to);
            assert_eq!(got, Some(want), "1e{from} at scale {to}");
        }
    }

    #[test]
    fn values() {
        // text, Value(), MilliValue().
        let cases: &[(&str, Option<i64>, Option<i64>)] = &[
            ("7338891n", Some(1), Some(8)),
            ("58846045n", Some(1), Some(59)),
            ("329087452n", Some(1), Some(330)),
            ("123456789n", Some(1), Some(124)),
            ("2748180Ki", Some(2814136320), Some(2814136320000)),
            ("1Mi", Some(1048576), Some(1048576000)),
            ("9.01", Some(10), Some(9010)),
            ("-9.01", Some(-10), Some(-9010)),
            ("1500m", Some(2), Some(1500)),
            ("-1500m", Some(-2), Some(-1500)),
            ("0", Some(0), Some(0)),
            ("9Ei", Some(i64::MAX), None),
            ("9223372036854775807", Some(i64::MAX), None),
            ("9223372036854775808", None, None),
            ("-9223372036854775808", Some(i64::MIN), None),
            ("1e999999999", None, None),
            ("1e-999999999", Some(1), Some(1)),
        ];
        for &(text, value, milli) in cases {
            let q = Quantity::parse(text);
            assert_eq!(
                q.as_ref().map(Quantity::value),
                Ok(value),
                "Value() of {text:?}"
            );
            assert_eq!(
                q.as_ref().map(Quantity::milli_value),
                Ok(milli),
                "MilliValue() of {text:?}"
            );
        }
    }

    #[test]
    fn exact_bytes_table() {
        let cases: &[(&str, Result<u64, QuantityError>)] = &[
            ("16393244Ki", Ok(16786681856)),
            ("14520Ki", Ok(14868480)),
            ("1939204Ki", Ok(1985744896)),
            ("1.5Gi", Ok(1610612736)),
            ("8G", Ok(8_000_000_000)),
            ("1e3", Ok(1000)),
            ("129e6", Ok(129_000_000)),
            ("0", Ok(0)),
            ("-0", Ok(0)),
            ("18446744073709551615", Ok(u64::MAX)),
            ("18446744073709551616", Err(QuantityError::TooLarge)),
            ("9Ei", Err(QuantityError::TooLarge)),
            ("7Ei", Ok(7 << 60)),
            ("1e999999999", Err(QuantityError::TooLarge)),
            ("1500m", Err(QuantityError::NotWhole)),
            ("100.035Ki", Err(QuantityError::NotWhole)),
            ("-1Ki", Err(QuantityError::Negative)),
        ];
        for (text, want) in cases {
            let got = Quantity::parse(text).and_then(|q| q.exact_bytes());
            assert_eq!(got, *want, "text {text:?}");
        }
    }

    #[test]
    fn binary_rounding_is_exact() {
        // text, nanos: m × 2^k × 10^e rounded up to a nano, across the division paths.
        let cases: &[(&str, i128, i32)] = &[
            ("0.1Ki", 1024, -1),
            ("0.0000000001Ki", 103, -9),
            ("0.0000000000000000000000000001Ei", 1, -9),
            ("0.000000000000000000000000000000000000001Ei", 1, -9),
            ("0.0000000000000000000123456789Ei", 14233599, -9),
            (
                "0.0000000000000000000000000099999999999999999999999999999999999999Ei",
                12,
                -9,
            ),
            (
                "0.00000000000000000000000000099999999999999999999999999999999999999Ei",
                2,
                -9,
            ),
            (
                "0.0000000000000000000000000033333333333333333333333333333333333333Ei",
                4,
                -9,
            ),
            (
                "0.00000000000000000000000000000000000000000000000000001Ei",
                1,
                -9,
            ),
            (
                "1.0000000000000000000000000000000000001Ki",
                1024000000001,
                -9,
            ),
            (
                "0.33333333333333333333333333333333333333Ei",
                384307168202282325333333334,
                -9,
            ),
        ];
        for &(text, m, e) in cases {
            let got = Quantity::parse(text).map(|q| parts(&q));
            assert_eq!(got, Ok(value_of(m, e)), "text {text:?}");
        }
    }

    #[test]
    fn adversarial_input_never_panics() {
        let long_zeros = format!("0.{}1", "0".repeat(100_000));
        let long_exp = format!("1e{}3", "0".repeat(100_000));
        let long_digits = "9".repeat(100_000);
        let fixed: Vec<&str> = vec![
            "1e999999999",
            "1e-999999999",
            "-1e2147483647",
            "1e-2147483648",
            "9e-2147483648",
            "99999999999999999999999999999999999999Ei",
            "99999999999999999999999999999999999999e2147483647",
            "0.99999999999999999999999999999999999999n",
            "Ki",
            "e3",
            "+-1",
            "--1",
            "1..5",
            "\u{1F600}",
            "1\u{301}Ki",
            "Ｋi",
            "\0",
            &long_zeros,
            &long_exp,
            &long_digits,
        ];
        let alphabet = [
            "0", "1", "9", ".", "+", "-", "e", "E", "K", "i", "M", "m", "n", " ", "é",
        ];
        let mut generated = Vec::new();
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    generated.push(format!("{a}{b}{c}"));
                }
            }
        }
        for text in fixed
            .iter()
            .copied()
            .chain(generated.iter().map(String::as_str))
        {
            if let Ok(q) = Quantity::parse(text) {
                let _ = (q.canonical(), q.value(), q.milli_value(), q.exact_bytes());
                let _ = (q.scaled_value(i32::MIN), q.scaled_value(i32::MAX));
            }
            let _ = parsed_string(text);
        }
        assert_eq!(
            Quantity::parse(&long_zeros).map(|q| q.canonical()),
            Ok("1n".to_string())
        );
        assert_eq!(
            Quantity::parse(&long_exp).map(|q| q.canonical()),
            Ok("1e3".to_string())
        );
        assert_eq!(
            Quantity::parse(&long_digits),
            Err(QuantityError::TooManyDigits)
        );
    }

    #[test]
    fn errors_say_what_was_expected() {
        let text = QuantityError::Suffix("K".into()).to_string();
        assert_eq!(
            text,
            "an unknown quantity suffix `K`; expected Ki Mi Gi Ti Pi Ei, n u m k M G T P E, or e<exponent>"
        );
    }

    #[test]
    fn serializes_as_canonical_text() {
        let q = QuantityText::parse("1024Mi");
        let json = q.map(|q| serde_json::to_string(&q).unwrap_or_default());
        assert_eq!(json.as_deref(), Ok(r#"{"text":"1024Mi","quantity":"1Gi"}"#));
    }
}

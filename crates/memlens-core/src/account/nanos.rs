//! Exact sums and differences of quantities, as apimachinery's `Quantity.Add`/`Sub` keep them.
//!
//! apimachinery adds quantities exactly (in `int64` at a common scale, in `inf.Dec` past it);
//! reading a sum back with `Value()`/`MilliValue()` rounds only then. Every parsed quantity is
//! a whole number of nano-units, so the sums here are kept as `i128` counts of 10⁻⁹, which
//! holds any sum of realistic quantities exactly (2¹²⁷ nanos is about 1.7 × 10²⁹ units).

use crate::quantity::{Format, Quantity};

/// A quantity's exact value in 10⁻⁹ units; `None` only past `i128` (about 1.7 × 10²⁰ units).
/// Fractions of large values are kept: kubectl prints `8.68Gi` of usage (9320079032.32 bytes,
/// `Value()` 9320079033) as `8888Mi`.
pub fn of(q: &Quantity) -> Option<i128> {
    q.nanos()
}

/// `ceil(nanos / 10^(9 + scale))` — apimachinery's `ScaledValue` of an exact amount, rounding
/// away from zero; `None` past `i64`, where apimachinery's result is undefined.
pub fn scaled(nanos: i128, scale: i32) -> Option<i64> {
    let power = 9i64.checked_add(i64::from(scale))?;
    let value = if power <= 0 {
        nanos.checked_mul(10i128.checked_pow(u32::try_from(-power).ok()?)?)?
    } else {
        let divisor = 10i128.checked_pow(u32::try_from(power).ok()?)?;
        let quotient = nanos / divisor;
        let exact = nanos % divisor == 0;
        if exact {
            quotient
        } else if nanos > 0 {
            quotient + 1
        } else {
            quotient - 1
        }
    };
    i64::try_from(value).ok()
}

/// `Value()`: the amount rounded up (away from zero) to a whole unit.
pub fn value(nanos: i128) -> Option<i64> {
    scaled(nanos, 0)
}

/// `MilliValue()`: `ceil(amount × 1000)`.
pub fn milli_value(nanos: i128) -> Option<i64> {
    scaled(nanos, -3)
}

/// The quantity apimachinery would hold for an exact amount in the given format, for printing:
/// whole amounts keep the format (`BinarySI` prints `16290844Ki`); fractions print as
/// `DecimalSI` either way (apimachinery's `BinarySI` falls back to it for fractions).
pub fn to_quantity(nanos: i128, format: Format) -> Option<Quantity> {
    if nanos % 1_000_000_000 == 0 {
        let whole = i64::try_from(nanos / 1_000_000_000).ok()?;
        return Some(Quantity::new(whole, format));
    }
    Some(Quantity::new_scaled(i64::try_from(nanos).ok()?, -9))
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn nanos_of_quantities() {
        let rows: &[(&str, Option<i128>)] = &[
            ("7338891n", Some(7338891)),
            ("250m", Some(250_000_000)),
            ("1", Some(1_000_000_000)),
            ("14520Ki", Some(14520 * 1024 * 1_000_000_000)),
            ("16393244Ki", Some(16393244 * 1024 * 1_000_000_000)),
            ("-100Mi", Some(-100 * 1024 * 1024 * 1_000_000_000)),
            (
                "9223372036854775807",
                Some(9223372036854775807 * 1_000_000_000),
            ),
            // fractions past 2^63 nanos (kubectl top prints these; tests/kubectl_oracle.rs)
            ("20000000000.5", Some(20_000_000_000_500_000_000)),
            ("8.68Gi", Some(9_320_079_032_320_000_000)),
        ];
        for &(text, expected) in rows {
            let q = Quantity::parse(text);
            assert_eq!(q.ok().and_then(|q| of(&q)), expected, "{text}");
        }
    }

    #[test]
    fn scaled_values_round_away_from_zero() {
        let rows: &[(i128, i32, Option<i64>)] = &[
            (7338891, -3, Some(8)),
            (58846045, -3, Some(59)),
            (5_000_000, -3, Some(5)),
            (1, 0, Some(1)),
            (0, 0, Some(0)),
            (-1, 0, Some(-1)),
            (-1_500_000_000, 0, Some(-2)),
            (1_985_744_896_000_000_000, -3, Some(1_985_744_896_000)),
            (1_985_744_896_000_000_000, 0, Some(1_985_744_896)),
            (i128::from(i64::MAX) * 1_000_000_000, -3, None),
            (123, -9, Some(123)),
            (123, -12, Some(123_000)),
        ];
        for &(nanos, scale, expected) in rows {
            assert_eq!(scaled(nanos, scale), expected, "{nanos} at {scale}");
        }
    }

    #[test]
    fn amounts_print_as_quantities() {
        let rows: &[(i128, Format, &str)] = &[
            (
                16290844 * 1024 * 1_000_000_000,
                Format::BinarySI,
                "16290844Ki",
            ),
            (16681824255 * 1_000_000_000, Format::BinarySI, "16681824255"),
            (0, Format::BinarySI, "0"),
            (500_000_000, Format::BinarySI, "500m"),
            (7338891, Format::DecimalSI, "7338891n"),
        ];
        for &(nanos, format, expected) in rows {
            let text = to_quantity(nanos, format).map(|q| q.canonical());
            assert_eq!(text.as_deref(), Some(expected), "{nanos}");
        }
    }
}

//! The parts of C's number printing the copied tools rely on, reproduced exactly.
//!
//! procps and htop print floats with glibc's `printf("%.Nf")`, which converts the exact binary
//! value of the double to decimal and rounds exact ties to even (`0.25` → `0.2`, `0.75` → `0.8`,
//! `1.25` → `1.2`). [`fixed`] does the same with integer arithmetic, so it does not depend on how
//! Rust's own formatter breaks ties. [`c_long`] is C's `(long)` cast of a double as x86-64
//! compilers emit it (`cvttsd2si`): truncation, and `LONG_MIN` for values that do not fit.

/// glibc `printf("%.*f", decimals, value)`: the exact value of `value`, rounded half to even at
/// `decimals` places. `nan`/`inf` print as glibc prints them; negative values (and `-0.0`) keep
/// their sign, as glibc does.
pub fn fixed(value: f64, decimals: u32) -> String {
    if value.is_nan() {
        return if value.is_sign_negative() {
            "-nan".into()
        } else {
            "nan".into()
        };
    }
    let sign = if value.is_sign_negative() { "-" } else { "" };
    if value.is_infinite() {
        return format!("{sign}inf");
    }
    let magnitude = value.abs();

    let bits = magnitude.to_bits();
    let exponent_bits = (bits >> 52) & 0x7ff;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, exponent) = if exponent_bits == 0 {
        (fraction, -1074i32)
    } else {
        (fraction | (1u64 << 52), exponent_bits as i32 - 1075)
    };

    // An integer-valued double needs no rounding; Rust prints its exact digits. The same holds
    // for precisions beyond what the integer path below can hold (no tool here asks for them).
    if exponent >= 0 || decimals > 18 {
        return format!("{sign}{magnitude:.*}", decimals as usize);
    }

    let scaled = u128::from(mantissa) * 10u128.pow(decimals);
    let shift = exponent.unsigned_abs();
    let rounded = if shift >= 127 {
        // The value is below 2^-74 · 10^decimals: far less than half a unit in the last place.
        0
    } else {
        let quotient = scaled >> shift;
        let remainder = scaled & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        let up = remainder > half || (remainder == half && quotient % 2 == 1);
        quotient + u128::from(up)
    };

    let digits = rounded.to_string();
    if decimals == 0 {
        return format!("{sign}{digits}");
    }
    let width = decimals as usize + 1;
    let digits = if digits.len() < width {
        format!("{digits:0>width$}")
    } else {
        digits
    };
    let split = digits.len() - decimals as usize;
    format!("{sign}{}.{}", &digits[..split], &digits[split..])
}

/// C's `(long)value` on x86-64: truncation toward zero; NaN and values outside the range of a
/// 64-bit `long` give `LONG_MIN` (the "integer indefinite" value `cvttsd2si` returns).
pub fn c_long(value: f64) -> i64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if value.is_nan() || !(-TWO_63..TWO_63).contains(&value) {
        i64::MIN
    } else {
        value.trunc() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_matches_glibc_including_exact_ties() {
        // Expected values are what glibc 2.36 printf prints (checked with printf(1)).
        let cases: &[(f64, u32, &str)] = &[
            (0.25, 1, "0.2"),
            (0.75, 1, "0.8"),
            (1.25, 1, "1.2"),
            (2.5, 0, "2"),
            (3.5, 0, "4"),
            (0.5, 0, "0"),
            (999.58203125, 0, "1000"),
            (15.634, 1, "15.6"),
            (0.05, 1, "0.1"), // 0.05 is slightly above 1/20 in binary
            (0.15, 1, "0.1"), // 0.15 is slightly below
            (1.0, 1, "1.0"),
            (16009.01171875, 1, "16009.0"),
            (0.0009765625, 1, "0.0"),
            (-0.195, 1, "-0.2"),
            (-0.04, 1, "-0.0"),
            (-0.0, 1, "-0.0"),
            (1e22, 1, "10000000000000000000000.0"),
            (f64::NAN, 1, "nan"),
            (f64::INFINITY, 1, "inf"),
            (f64::NEG_INFINITY, 1, "-inf"),
            (5e-324, 3, "0.000"),
            (1.0005, 3, "1.000"), // 1.0005 is slightly below in binary
            (1.0625, 3, "1.062"), // an exact tie, to even
            (1.1875, 3, "1.188"), // an exact tie, to even
        ];
        for (value, decimals, want) in cases {
            assert_eq!(
                fixed(*value, *decimals),
                *want,
                "fixed({value:?}, {decimals})"
            );
        }
    }

    #[test]
    fn c_long_truncates_and_gives_long_min_out_of_range() {
        let cases: &[(f64, i64)] = &[
            (1.9, 1),
            (-1.9, -1),
            (-0.2, 0),
            (9.2e18, 9_200_000_000_000_000_000),
            (9.3e18, i64::MIN),
            (-9.3e18, i64::MIN),
            (-9_223_372_036_854_775_808.0, i64::MIN),
            (f64::NAN, i64::MIN),
            (f64::INFINITY, i64::MIN),
        ];
        for (value, want) in cases {
            assert_eq!(c_long(*value), *want, "c_long({value:?})");
        }
    }
}

//! Go's `strconv.FormatFloat(f, 'g', -1, 64)`, which Prometheus exporters print samples with.
//!
//! Go picks the shortest decimal that reads back as the same float64, then writes it in `%e`
//! form when the decimal exponent is below -4 or at least 6 (the "shortest" rule uses precision
//! 6 for that choice), and in `%f` form otherwise: `1985744896` → `1.985744896e+09`,
//! `123456` → `123456`, `0.0001` → `0.0001`, `0.00001` → `1e-05`. The exponent has at least two
//! digits. Rust's `{:e}` also prints the shortest round-tripping digits (closest to the exact
//! value among the shortest), so only the layout is done here.
//!
//! [`expfmt_value`] adds what `prometheus/common/expfmt` does before calling it (`writeFloat`):
//! `0`, `1` and `-1` are written literally (so `-0` prints as `0`), and `NaN`/`+Inf`/`-Inf`.

/// Go `strconv.FormatFloat(value, 'g', -1, 64)`.
pub fn format_float_g(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let sign = if value.is_sign_negative() { "-" } else { "" };
    if value == 0.0 {
        return format!("{sign}0");
    }

    // `{:e}` gives `d[.ddd]e[-]x` with the shortest digits.
    let shortest = format!("{:e}", value.abs());
    let (mantissa, exponent) = shortest.split_once('e').unwrap_or((&shortest, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);

    // Go's `%e` is used when exp < -4 || exp >= 6 for the shortest form.
    if !(-4..6).contains(&exponent) {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let point = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!(
            "{sign}{first}{point}{rest}e{exp_sign}{:02}",
            exponent.unsigned_abs()
        );
    }

    // `%f` with just enough decimals for the digits.
    let point_at = exponent + 1; // digits before the decimal point (may be ≤ 0)
    let count = digits.len() as i32;
    let body = if point_at <= 0 {
        format!("0.{}{digits}", "0".repeat(point_at.unsigned_abs() as usize))
    } else if point_at >= count {
        format!("{digits}{}", "0".repeat((point_at - count) as usize))
    } else {
        let (whole, fraction) = digits.split_at(point_at as usize);
        format!("{whole}.{fraction}")
    };
    format!("{sign}{body}")
}

/// A sample value as Prometheus' text exposition writes it (`expfmt.writeFloat`): `0`, `1`, `-1`,
/// `NaN`, `+Inf`, `-Inf` literally, anything else through [`format_float_g`].
pub fn expfmt_value(value: f64) -> String {
    if value == 0.0 {
        "0".into()
    } else if value == 1.0 {
        "1".into()
    } else if value == -1.0 {
        "-1".into()
    } else {
        format_float_g(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_float_g_matches_go() {
        // Expected values are what Go's strconv.FormatFloat(f, 'g', -1, 64) returns.
        let cases: &[(f64, &str)] = &[
            (15_381_401_600.0, "1.53814016e+10"),
            (16_786_681_856.0, "1.6786681856e+10"),
            (1_985_744_896.0, "1.985744896e+09"),
            (928_534_528.0, "9.28534528e+08"),
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (123_456.0, "123456"),
            (999_999.0, "999999"),
            (1_000_000.0, "1e+06"),
            (1_234_567.0, "1.234567e+06"),
            (100_000_000.0, "1e+08"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000123, "0.000123"),
            (-1.5, "-1.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (18_446_744_073_709_551_616.0, "1.8446744073709552e+19"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (2048.0, "2048"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
        ];
        for (value, want) in cases {
            assert_eq!(format_float_g(*value), *want, "format_float_g({value:?})");
        }
    }

    #[test]
    fn expfmt_writes_zero_and_one_literally() {
        let cases: &[(f64, &str)] = &[
            (-0.0, "0"),
            (0.0, "0"),
            (1.0, "1"),
            (-1.0, "-1"),
            (1_048_576.0, "1.048576e+06"),
            (f64::NAN, "NaN"),
        ];
        for (value, want) in cases {
            assert_eq!(expfmt_value(*value), *want, "expfmt_value({value:?})");
        }
    }
}

//! Go's float formatting as the kubelet's `/metrics/resource` prints samples.
//!
//! The kubelet writes sample values through prometheus/common `expfmt` (`writeFloat` in
//! `expfmt/text_create.go`), which special-cases `0`, `1`, `-1`, NaN and the infinities and
//! otherwise calls Go's `strconv.AppendFloat(f, 'g', -1, 64)`. That prints the shortest digits
//! that read back to the same float, in plain form when the decimal exponent is in `-4 ..= 5`
//! and in exponent form otherwise, with at least two exponent digits:
//! `1985744896` → `1.985744896e+09`, `100000` → `100000`, `1e-05`.
//!
//! Rust's `{:e}` also produces the shortest round-trip digits and picks the closest candidate
//! among them; only exact ties are broken differently (see `shortest_digits`), and Go's layout
//! is rebuilt here.

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`.
pub fn format_g_shortest(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }

    let mut out = String::new();
    if f.is_sign_negative() {
        out.push('-');
    }
    if f == 0.0 {
        // Go's shortest digits for zero are none, with the decimal point at 0: plain `0`.
        out.push('0');
        return out;
    }

    let (digits, point) = shortest_digits(f.abs());
    let nd = digits.len() as i64;
    let exp = point - 1;

    // strconv/ftoa.go `formatDigits`: with the shortest precision the switch to exponent form
    // is decided with a precision of 6, i.e. exponents below -4 or at least 6.
    if !(-4..6).contains(&exp) {
        push_exponent_form(&mut out, &digits, exp);
    } else {
        push_plain_form(&mut out, &digits, point, (nd - point).max(0));
    }
    out
}

/// prometheus/common `expfmt` `writeFloat`: the text a sample value is exposed as.
pub fn expfmt_float(f: f64) -> String {
    if f == 1.0 {
        "1".to_string()
    } else if f == 0.0 {
        // Also for -0.0, which compares equal to 0.
        "0".to_string()
    } else if f == -1.0 {
        "-1".to_string()
    } else {
        format_g_shortest(f)
    }
}

/// Go's `int64(f)` on amd64 (`CVTTSD2SQ`): truncation toward zero, and `math.MinInt64` for NaN
/// and for values outside the int64 range (the Go spec leaves those implementation-defined;
/// arm64 would saturate instead).
pub fn go_f64_to_i64(f: f64) -> i64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if (-TWO_63..TWO_63).contains(&f) {
        f as i64
    } else {
        i64::MIN
    }
}

/// Go's `uint64(f)` on amd64: below 2^63 the float goes through `CVTTSD2SQ` (so a negative
/// value keeps its two's-complement bits), from 2^63 on `2^63` is subtracted first and the top
/// bit set again; NaN and values past 2^64 end up as `1 << 63`.
pub fn go_f64_to_u64(f: f64) -> u64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f < TWO_63 {
        go_f64_to_i64(f) as u64
    } else {
        (go_f64_to_i64(f - TWO_63) as u64) | (1 << 63)
    }
}

/// The shortest round-trip decimal digits of a finite, positive `f` and the position of the
/// decimal point relative to them (`digits × 10^(point − len)`), as Go's `decimalSlice` holds
/// them (`d`, `dp`).
fn shortest_digits(f: f64) -> (Vec<u8>, i64) {
    let shortest = split_exponent_text(&format!("{f:e}"));

    // When the float lies exactly halfway between two shortest candidates, Rust takes the
    // upper one and Go's Ryu the even one (`1533979136307259.25` → Go `…592`, Rust `…593`).
    // The correctly rounded value with as many digits breaks the tie to even; it is Go's
    // answer whenever it still reads back to the same float.
    let precision = shortest.0.len().saturating_sub(1);
    let rounded_text = format!("{f:.precision$e}");
    if rounded_text.parse::<f64>().ok() == Some(f) {
        return split_exponent_text(&rounded_text);
    }
    shortest
}

/// Splits Rust's `d.ddde±x` text into its digits and Go's decimal-point position.
fn split_exponent_text(text: &str) -> (Vec<u8>, i64) {
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text, "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let exponent: i64 = exponent.parse().unwrap_or(0);
    (digits, exponent + 1)
}

/// strconv/ftoa.go `fmtE` with precision `len − 1`: `d.ddde±XX`.
fn push_exponent_form(out: &mut String, digits: &[u8], exp: i64) {
    let mut rest = digits.iter().map(|&d| d as char);
    out.push(rest.next().unwrap_or('0'));
    if digits.len() > 1 {
        out.push('.');
        out.extend(rest);
    }
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let magnitude = exp.unsigned_abs();
    if magnitude < 10 {
        out.push('0');
    }
    out.push_str(&magnitude.to_string());
}

/// strconv/ftoa.go `fmtF`: integer digits (zero-padded up to the point, or `0`), then `prec`
/// fraction digits.
fn push_plain_form(out: &mut String, digits: &[u8], point: i64, prec: i64) {
    let digit_at = |i: i64| -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.get(i))
            .map_or('0', |&d| d as char)
    };
    if point > 0 {
        for i in 0..point {
            out.push(digit_at(i));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            out.push(digit_at(point + i));
        }
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn go_g_shortest_layout() {
        // Expected strings are Go's `strconv.FormatFloat(f, 'g', -1, 64)`.
        let rows: &[(f64, &str)] = &[
            // accounting.md 9.1 and 9.3
            (1985744896.0, "1.985744896e+09"),
            (928534528.0, "9.28534528e+08"),
            // field fixture C45 (kubelet /metrics/resource samples)
            (863531008.0, "8.63531008e+08"),
            (764698624.0, "7.64698624e+08"),
            (134934528.0, "1.34934528e+08"),
            (427851776.0, "4.27851776e+08"),
            (15761408.0, "1.5761408e+07"),
            (15949824.0, "1.5949824e+07"),
            (169046016.0, "1.69046016e+08"),
            (169283584.0, "1.69283584e+08"),
            (14835712.0, "1.4835712e+07"),
            (14942208.0, "1.4942208e+07"),
            (14999552.0, "1.4999552e+07"),
            (15130624.0, "1.5130624e+07"),
            (109.079522718, "109.079522718"),
            (1.664876373, "1.664876373"),
            (254.050927655, "254.050927655"),
            (1.7102115924097388e9, "1.7102115924097388e+09"),
            (1.710211558868e9, "1.710211558868e+09"),
            // the switch to exponent form at 1e6 and below 1e-4
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (-1.0, "-1"),
            (2.0, "2"),
            (10.0, "10"),
            (100000.0, "100000"),
            (999999.0, "999999"),
            (123456.0, "123456"),
            (1000000.0, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (4096.0, "4096"),
            (1048576.0, "1.048576e+06"),
            (1e9, "1e+09"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
            (123456789012345680000.0, "1.2345678901234568e+20"),
            (9007199254740993.0, "9.007199254740992e+15"),
            (18446744073709551615.0, "1.8446744073709552e+19"),
            (0.5, "0.5"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00012345, "0.00012345"),
            (0.00001, "1e-05"),
            (0.000012345, "1.2345e-05"),
            (1.5e-10, "1.5e-10"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (-2.5, "-2.5"),
            (-1985744896.0, "-1.985744896e+09"),
            (-0.00001, "-1e-05"),
            (0.30000000000000004, "0.30000000000000004"),
            (100.5, "100.5"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
        ];
        for &(value, expected) in rows {
            let actual = format_g_shortest(value);
            assert_eq!(actual, expected, "FormatFloat({value:?}, 'g', -1, 64)");
        }
    }

    #[test]
    fn exact_ties_round_to_even_as_go_does() {
        // Floats exactly halfway between two shortest candidates; Go keeps the even digit.
        // Expected strings come from Go 1.19 `strconv.FormatFloat`.
        let rows: &[(u64, &str)] = &[
            (0x4315cc95660cc0ed, "1.5339791363072592e+15"),
            (0x430d00e33a4ee1ba, "1.0204687825541672e+15"),
            (0xc311ddcd0692262d, "-1.2572368130891632e+15"),
            (0xc2aab4c23b529ca0, "-1.4681827551566312e+13"),
            (0x42ed29960faceeb4, "2.5651558779480562e+14"),
        ];
        for &(bits, expected) in rows {
            let value = f64::from_bits(bits);
            assert_eq!(format_g_shortest(value), expected, "bits {bits:#x}");
        }
    }

    #[test]
    fn go_float_to_integer_conversions_on_amd64() {
        let rows: &[(f64, i64, u64)] = &[
            (0.0, 0, 0),
            (1.9, 1, 1),
            (-1.9, -1, u64::MAX),
            (411120850.9, 411120850, 411120850),
            (
                9_223_372_036_854_774_784.0,
                9_223_372_036_854_774_784,
                9_223_372_036_854_774_784,
            ),
            (9_223_372_036_854_775_808.0, i64::MIN, 1 << 63),
            (
                18_446_744_073_709_549_568.0,
                i64::MIN,
                18_446_744_073_709_549_568,
            ),
            (18_446_744_073_709_551_616.0, i64::MIN, 1 << 63),
            (-9_223_372_036_854_775_808.0, i64::MIN, 1 << 63),
            (-1e30, i64::MIN, 1 << 63),
            (f64::NAN, i64::MIN, 1 << 63),
            (f64::INFINITY, i64::MIN, 1 << 63),
        ];
        for &(value, as_int64, as_uint64) in rows {
            assert_eq!(
                (go_f64_to_i64(value), go_f64_to_u64(value)),
                (as_int64, as_uint64),
                "{value}"
            );
        }
    }

    #[test]
    fn expfmt_special_cases() {
        let rows: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.0, "-1"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (1985744896.0, "1.985744896e+09"),
            (2.0, "2"),
        ];
        for &(value, expected) in rows {
            assert_eq!(expfmt_float(value), expected, "writeFloat({value:?})");
        }
    }

    #[test]
    fn every_integer_below_2_pow_53_round_trips_through_the_text() {
        // The text must read back to the same float for byte counts of every size.
        let mut value: u64 = 1;
        while value < (1 << 53) {
            for candidate in [value, value + 1, value * 3 + 7] {
                let f = candidate as f64;
                let text = format_g_shortest(f);
                assert_eq!(text.parse::<f64>().ok(), Some(f), "{candidate} → {text}");
            }
            value = value * 7 / 3 + 1;
        }
    }
}

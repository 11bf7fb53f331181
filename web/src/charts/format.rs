//! Byte counts as the charts print them: binary units with one decimal, exact grouped digits,
//! shares of a total. Integer arithmetic throughout, so that a label never disagrees with the
//! exact number next to it by more than the rounding it shows.

/// The binary units, largest first.
const UNITS: [(u128, &str); 4] = [
    (1 << 40, "TiB"),
    (1 << 30, "GiB"),
    (1 << 20, "MiB"),
    (1 << 10, "KiB"),
];

/// The minus sign of the report's labels (U+2212), which lines up with `+` in a column.
pub const MINUS: char = '−';

/// `792.3 MiB`: the largest binary unit that keeps the number at 1.0 or more, rounded half up to
/// one decimal; below 1 KiB, whole bytes (`512 B`).
pub fn size(bytes: u128) -> String {
    for (index, &(unit, name)) in UNITS.iter().enumerate() {
        if bytes < unit {
            continue;
        }
        let tenths = tenths_of(bytes, unit);
        // 1023.96 MiB rounds to 1024.0 MiB, which reads better as the next unit up.
        if tenths >= 10_240
            && let Some(&(larger, larger_name)) = index.checked_sub(1).and_then(|i| UNITS.get(i))
        {
            return with_tenths(tenths_of(bytes, larger), larger_name);
        }
        return with_tenths(tenths, name);
    }
    format!("{bytes} B")
}

/// `+1.1 GiB`, `−9.3 GiB`, `0 B`: a signed change.
pub fn change(delta: i128) -> String {
    match delta {
        0 => size(0),
        d if d > 0 => format!("+{}", size(d.unsigned_abs())),
        d => format!("{MINUS}{}", size(d.unsigned_abs())),
    }
}

/// `16,786,681,856`: every digit, in groups of three.
pub fn grouped(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `−9,978,007,552`: a signed count, in groups of three.
pub fn grouped_signed(n: i128) -> String {
    match n {
        n if n < 0 => format!("{MINUS}{}", grouped(n.unsigned_abs())),
        n if n > 0 => format!("+{}", grouped(n.unsigned_abs())),
        _ => "0".to_string(),
    }
}

/// `4.9%`: `part` of `total`, rounded half up to one decimal; `None` when the total is 0.
pub fn percent(part: u128, total: u128) -> Option<String> {
    if total == 0 {
        return None;
    }
    let per_mille = part
        .saturating_mul(1000)
        .saturating_add(total / 2)
        .checked_div(total)?;
    Some(format!("{}.{}%", per_mille / 10, per_mille % 10))
}

/// `bytes / unit` in tenths, rounded half up, without overflow for any `u128`.
fn tenths_of(bytes: u128, unit: u128) -> u128 {
    let whole = bytes / unit;
    let rest = bytes % unit;
    whole
        .saturating_mul(10)
        .saturating_add((rest * 10 + unit / 2) / unit)
}

fn with_tenths(tenths: u128, unit: &str) -> String {
    format!("{}.{} {unit}", tenths / 10, tenths % 10)
}

/// The scale of an axis: where its ticks go and how they are labelled.
#[derive(Clone, Debug, PartialEq)]
pub struct Ticks {
    /// Tick positions in bytes, ascending. Display positions only, hence floats.
    pub at: Vec<f64>,
    /// The label of each tick (`0`, `4.0 GiB`).
    pub labels: Vec<String>,
}

/// About `target` evenly spaced ticks from `low` to `high` (bytes), each a round number of one
/// binary unit: 1, 2 or 5 times a power of ten of the unit that suits the larger end.
pub fn ticks(low: f64, high: f64, target: u32) -> Ticks {
    let span_end = low.abs().max(high.abs());
    let (unit, name) = UNITS
        .iter()
        .map(|&(unit, name)| (unit as f64, name))
        .find(|&(unit, _)| span_end >= unit)
        .unwrap_or((1.0, "B"));
    let raw = (high - low) / unit / f64::from(target.max(1));
    if !raw.is_finite() || raw <= 0.0 {
        return Ticks {
            at: vec![0.0],
            labels: vec!["0".to_string()],
        };
    }
    // The power of ten at or just below `raw`, by steps: `powf` and `log10` would add code to
    // the wasm for one number.
    // Bounded: bytes are whole, so `raw` lies within a few dozen powers of ten of 1.
    let mut magnitude: f64 = 1.0;
    for _ in 0..64 {
        if magnitude > raw {
            magnitude /= 10.0;
        } else if magnitude * 10.0 <= raw {
            magnitude *= 10.0;
        } else {
            break;
        }
    }
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * magnitude);
    // Bytes are whole, so below a whole unit of bytes there is nothing to tick.
    let step = if name == "B" { step.max(1.0) } else { step };

    let mut at = Vec::new();
    let mut labels = Vec::new();
    let first = (low / unit / step).ceil() as i64;
    let last = (high / unit / step + 1e-9).floor() as i64;
    for k in first..=last {
        let value = k as f64 * step;
        at.push(value * unit);
        let sign = if k < 0 {
            MINUS.to_string()
        } else {
            String::new()
        };
        let magnitude = value.abs();
        labels.push(if k == 0 {
            "0".to_string()
        } else if name == "B" {
            format!("{sign}{magnitude:.0} B")
        } else {
            format!("{sign}{magnitude:.1} {name}")
        });
    }
    Ticks { at, labels }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u128 = 1 << 20;
    const GIB: u128 = 1 << 30;

    #[test]
    fn sizes_take_the_largest_unit_with_one_decimal() {
        let cases: [(u128, &str); 11] = [
            (0, "0 B"),
            (1023, "1023 B"),
            (1024, "1.0 KiB"),
            (1536, "1.5 KiB"),
            (830_808_064, "792.3 MiB"),
            (16_786_681_856, "15.6 GiB"),
            (1_405_280_256, "1.3 GiB"),
            (GIB - 1, "1.0 GiB"),
            (1024 * MIB - MIB / 10, "1023.9 MiB"),
            (5 * (1 << 40), "5.0 TiB"),
            (u128::MAX, "309485009821345068724781056.0 TiB"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(size(bytes), expected, "{bytes} bytes");
        }
    }

    #[test]
    fn changes_carry_their_sign() {
        let cases: [(i128, &str); 4] = [
            (-9_978_007_552, "−9.3 GiB"),
            (156_577_792, "+149.3 MiB"),
            (0, "0 B"),
            (i128::MIN, "−154742504910672534362390528.0 TiB"),
        ];
        for (delta, expected) in cases {
            assert_eq!(change(delta), expected, "{delta}");
        }
    }

    #[test]
    fn grouped_digits() {
        let cases: [(u128, &str); 5] = [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (830_808_064, "830,808,064"),
            (16_786_681_856, "16,786,681,856"),
        ];
        for (n, expected) in cases {
            assert_eq!(grouped(n), expected, "{n}");
        }
        assert_eq!(grouped_signed(-9_978_007_552), "−9,978,007,552");
        assert_eq!(grouped_signed(1000), "+1,000");
        assert_eq!(grouped_signed(0), "0");
    }

    #[test]
    fn percents_round_half_up() {
        let cases: [(u128, u128, Option<&str>); 5] = [
            (830_808_064, 16_786_681_856, Some("4.9%")),
            (1, 2, Some("50.0%")),
            (1, 2000, Some("0.1%")),
            (5, 5, Some("100.0%")),
            (1, 0, None),
        ];
        for (part, total, expected) in cases {
            assert_eq!(
                percent(part, total).as_deref(),
                expected,
                "{part} of {total}"
            );
        }
    }

    #[test]
    fn ticks_are_round_numbers_of_one_unit() {
        let cases: [(f64, f64, &[&str]); 5] = [
            (
                0.0,
                16_786_681_856.0,
                &["0", "5.0 GiB", "10.0 GiB", "15.0 GiB"],
            ),
            (
                0.0,
                1_985_744_896.0,
                &["0", "0.5 GiB", "1.0 GiB", "1.5 GiB"],
            ),
            (
                0.0,
                300.0 * MIB as f64,
                &["0", "100.0 MiB", "200.0 MiB", "300.0 MiB"],
            ),
            (
                -(GIB as f64),
                GIB as f64,
                &["−1.0 GiB", "−0.5 GiB", "0", "0.5 GiB", "1.0 GiB"],
            ),
            (0.0, 3.0, &["0", "1 B", "2 B", "3 B"]),
        ];
        for (low, high, expected) in cases {
            assert_eq!(ticks(low, high, 4).labels, expected, "{low}..{high}");
        }
    }

    #[test]
    fn ticks_of_nothing_are_one_zero() {
        assert_eq!(ticks(0.0, 0.0, 4).labels, ["0"]);
        assert_eq!(ticks(f64::NAN, 1.0, 4).labels, ["0"]);
        // Far from any byte count, and still done in bounded steps.
        assert_eq!(ticks(0.0, 1e-300, 4).labels, ["0"]);
    }
}

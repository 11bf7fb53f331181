//! Reading integers as people paste them: plain, or with thousands separators.

use std::fmt;

/// Why a number could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    /// Not digits (or digits in groups of three separated by `,`).
    NotANumber,
    /// A leading `-`: sizes cannot be negative.
    Negative,
    /// More than `u64::MAX`.
    Overflow,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumberError::Empty => "an empty value",
            NumberError::NotANumber => "not a whole number",
            NumberError::Negative => "a negative value, which a size cannot be",
            NumberError::Overflow => "a value past 2^64 − 1, the largest a 64-bit counter holds",
        })
    }
}

/// Reads a non-negative decimal integer: `16393244`, `2,066,567,168` (thousands separators in
/// groups of three), optionally `+`. Overflow is an error, never a wrap.
pub fn parse_u64(text: &str) -> Result<u64, NumberError> {
    let text = text.trim();
    let text = text.strip_prefix('+').unwrap_or(text);
    if text.is_empty() {
        return Err(NumberError::Empty);
    }
    if let Some(rest) = text.strip_prefix('-') {
        return if !rest.is_empty() && rest.bytes().all(|c| c.is_ascii_digit() || c == b',') {
            Err(NumberError::Negative)
        } else {
            Err(NumberError::NotANumber)
        };
    }
    if text.contains(',') && !grouped_by_thousands(text) {
        return Err(NumberError::NotANumber);
    }
    let mut value: u64 = 0;
    for c in text.bytes() {
        match c {
            b'0'..=b'9' => {
                value = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(c - b'0')))
                    .ok_or(NumberError::Overflow)?;
            }
            b',' => {}
            _ => return Err(NumberError::NotANumber),
        }
    }
    Ok(value)
}

/// `1,234,567`: one to three digits, then groups of exactly three.
fn grouped_by_thousands(text: &str) -> bool {
    let mut groups = text.split(',');
    let head_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    head_ok && groups.all(|g| g.len() == 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, Result<u64, NumberError>)] = &[
            ("0", Ok(0)),
            ("16393244", Ok(16393244)),
            ("2,066,567,168", Ok(2066567168)),
            ("+7", Ok(7)),
            ("18446744073709551615", Ok(u64::MAX)),
            ("18446744073709551616", Err(NumberError::Overflow)),
            ("99999999999999999999999", Err(NumberError::Overflow)),
            ("-5", Err(NumberError::Negative)),
            ("", Err(NumberError::Empty)),
            ("12a", Err(NumberError::NotANumber)),
            ("1,23", Err(NumberError::NotANumber)),
            ("1234,567", Err(NumberError::NotANumber)),
            ("1.5", Err(NumberError::NotANumber)),
            ("-", Err(NumberError::NotANumber)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_u64(text), *want, "text {text:?}");
        }
    }
}

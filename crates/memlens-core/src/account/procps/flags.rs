//! `free`'s command line, read the way its `getopt_long` loop reads it, with the messages it
//! prints when it refuses one.

use std::fmt;

use serde::Serialize;

use super::ProcpsVersion;

/// The unit flag given to `free`. The binary ones (`-k`, `-m`, … `--pebi`) divide by powers of
/// 1024, the SI ones (`--kilo` … `--peta`) by powers of 1000 (3.3.10 and later; before that
/// `--kilo`, `--mega`, `--giga` were spellings of `-k`, `-m`, `-g`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FreeUnit {
    /// No unit flag: KiB (with `--si` alone, 4.0.1+ prints kB).
    #[default]
    Default,
    Bytes,
    Kibi,
    Mebi,
    Gibi,
    Tebi,
    Pebi,
    Kilo,
    Mega,
    Giga,
    Tera,
    Peta,
}

impl FreeUnit {
    /// `free`'s `args.exponent`: 0 default, 1 bytes, 2 kilo … 6 peta.
    pub(crate) fn exponent(self) -> u32 {
        match self {
            FreeUnit::Default => 0,
            FreeUnit::Bytes => 1,
            FreeUnit::Kibi | FreeUnit::Kilo => 2,
            FreeUnit::Mebi | FreeUnit::Mega => 3,
            FreeUnit::Gibi | FreeUnit::Giga => 4,
            FreeUnit::Tebi | FreeUnit::Tera => 5,
            FreeUnit::Pebi | FreeUnit::Peta => 6,
        }
    }

    /// The SI units set `free`'s SI flag, exactly like `--si`.
    pub(crate) fn is_si(self) -> bool {
        matches!(
            self,
            FreeUnit::Kilo | FreeUnit::Mega | FreeUnit::Giga | FreeUnit::Tera | FreeUnit::Peta
        )
    }

    /// The short name used in ids (`b`, `k`, `m`, `g`, `tebi`, `pebi`, `kilo`, …).
    fn id(self) -> Option<&'static str> {
        match self {
            FreeUnit::Default => None,
            FreeUnit::Bytes => Some("b"),
            FreeUnit::Kibi => Some("k"),
            FreeUnit::Mebi => Some("m"),
            FreeUnit::Gibi => Some("g"),
            FreeUnit::Tebi => Some("tebi"),
            FreeUnit::Pebi => Some("pebi"),
            FreeUnit::Kilo => Some("kilo"),
            FreeUnit::Mega => Some("mega"),
            FreeUnit::Giga => Some("giga"),
            FreeUnit::Tera => Some("tera"),
            FreeUnit::Peta => Some("peta"),
        }
    }
}

/// The memory-output options of one `free` command line.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FreeFlags {
    pub unit: FreeUnit,
    /// `-h`, `--human`.
    pub human: bool,
    /// `--si`.
    pub si: bool,
    /// `-l`, `--lohi`: `Low:` and `High:` rows.
    pub lohi: bool,
    /// `-t`, `--total`: a `Total:` row.
    pub total: bool,
    /// `-w`, `--wide` (3.3.10+): separate `buffers` and `cache` columns.
    pub wide: bool,
    /// `-v`, `--committed` (4.0.0+): a `Comm:` row.
    pub committed: bool,
    /// `-o`, `--old` (≤ 3.3.9): no `-/+ buffers/cache` row.
    pub old: bool,
    /// `-c N`, `--count N`: print N tables (a blank line between them).
    pub count: Option<u32>,
    /// `-s N`, `--seconds N`: the delay between tables, as `free` read it.
    pub seconds: Option<f64>,
}

impl FreeFlags {
    /// Reads a command line (without the program name) as procps-ng 4.0.2 `free` reads it.
    pub fn parse(args: &[&str]) -> Result<FreeFlags, FreeArgError> {
        FreeFlags::parse_for(args, ProcpsVersion::new(4, 0, 2))
    }

    /// Reads a command line as the given release's `free` reads it: which options exist, how
    /// long options may be abbreviated, and the first error it reports.
    pub fn parse_for(args: &[&str], version: ProcpsVersion) -> Result<FreeFlags, FreeArgError> {
        let table = OptionTable::of(version);
        let mut flags = FreeFlags::default();
        let mut unit_set = false;
        let mut operands = Vec::new();

        let mut index = 0;
        while let Some(&arg) = args.get(index) {
            index += 1;
            if arg == "--" {
                operands.extend(args.iter().skip(index).map(|a| a.to_string()));
                break;
            }
            if let Some(body) = arg.strip_prefix("--") {
                let (name, inline) = match body.split_once('=') {
                    Some((name, value)) => (name, Some(value)),
                    None => (body, None),
                };
                let option = table.long(name, body)?;
                let value = match (option.takes_value, inline) {
                    (false, Some(_)) => {
                        return Err(FreeArgError::LongTakesNoArgument(option.name.into()));
                    }
                    (false, None) => None,
                    (true, Some(value)) => Some(value.to_string()),
                    (true, None) => match args.get(index) {
                        Some(value) => {
                            index += 1;
                            Some(value.to_string())
                        }
                        None => return Err(FreeArgError::LongNeedsArgument(option.name.into())),
                    },
                };
                flags.apply(option.action, value.as_deref(), version, &mut unit_set)?;
            } else if arg.len() > 1 && arg.starts_with('-') {
                let cluster: Vec<char> = arg.chars().skip(1).collect();
                let mut at = 0;
                while let Some(&letter) = cluster.get(at) {
                    at += 1;
                    let action = table
                        .short(letter)
                        .ok_or(FreeArgError::InvalidOption(letter))?;
                    let value = if action.takes_value() {
                        if at < cluster.len() {
                            let rest: String = cluster.get(at..).unwrap_or(&[]).iter().collect();
                            at = cluster.len();
                            Some(rest)
                        } else if let Some(next) = args.get(index) {
                            index += 1;
                            Some(next.to_string())
                        } else {
                            return Err(FreeArgError::ShortNeedsArgument(letter));
                        }
                    } else {
                        None
                    };
                    flags.apply(action, value.as_deref(), version, &mut unit_set)?;
                }
            } else {
                // getopt_long moves operands to the end; free looks at them after the loop.
                operands.push(arg.to_string());
            }
        }

        // "free,uptime,slabtop: complain about extra ops" (3.3.17); earlier releases ignore them.
        match operands.into_iter().next() {
            Some(operand) if version >= ProcpsVersion::new(3, 3, 17) => {
                Err(FreeArgError::Operand(operand))
            }
            _ => Ok(flags),
        }
    }

    fn apply(
        &mut self,
        action: Action,
        value: Option<&str>,
        version: ProcpsVersion,
        unit_set: &mut bool,
    ) -> Result<(), FreeArgError> {
        match action {
            Action::Unit(unit) => {
                // 3.3.10 added check_unit_set(); before, the last unit flag won.
                if version >= ProcpsVersion::new(3, 3, 10) {
                    if *unit_set {
                        return Err(FreeArgError::MultipleUnits {
                            doesnt: version < ProcpsVersion::new(4, 0, 0),
                        });
                    }
                    *unit_set = true;
                }
                self.unit = unit;
            }
            Action::Human => self.human = true,
            Action::Si => self.si = true,
            Action::Lohi => self.lohi = true,
            Action::Total => self.total = true,
            Action::Wide => self.wide = true,
            Action::Committed => self.committed = true,
            Action::Old => self.old = true,
            Action::Seconds => self.seconds = Some(parse_seconds(value.unwrap_or(""), version)?),
            Action::Count => self.count = Some(parse_count(value.unwrap_or(""))?),
            Action::Help => return Err(FreeArgError::Help),
            Action::Version => return Err(FreeArgError::Version),
        }
        Ok(())
    }

    /// The SI flag as `scale_size` sees it: `--si` or an SI unit.
    pub(crate) fn si_effective(&self) -> bool {
        self.si || self.unit.is_si()
    }

    /// A stable id for the flags, used in quantity names (`procps.free_text.h_si.v4`): the
    /// unit's short name, then `h`, `si`, `w`, `t`, `v`, `l`, `o`, `c<N>`, joined by `_`;
    /// `default` for none. `-s` does not change the text and is left out.
    pub fn id(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if let Some(unit) = self.unit.id() {
            parts.push(unit.into());
        }
        for (on, name) in [
            (self.human, "h"),
            (self.si, "si"),
            (self.wide, "w"),
            (self.total, "t"),
            (self.committed, "v"),
            (self.lohi, "l"),
            (self.old, "o"),
        ] {
            if on {
                parts.push(name.into());
            }
        }
        if let Some(count) = self.count {
            parts.push(format!("c{count}"));
        }
        if parts.is_empty() {
            "default".into()
        } else {
            parts.join("_")
        }
    }
}

/// Why `free` refused a command line. [`FreeArgError::message`] is the first line it prints on
/// standard error; [`FreeArgError::shows_usage`] says whether the usage text follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "error", content = "detail", rename_all = "snake_case")]
pub enum FreeArgError {
    /// `-x`: `free: invalid option -- 'x'`.
    InvalidOption(char),
    /// `-s` at the end: `free: option requires an argument -- 's'`.
    ShortNeedsArgument(char),
    /// `--foo`: `free: unrecognized option '--foo'`.
    Unrecognized(String),
    /// `--me`: `free: option '--me' is ambiguous; possibilities: '--mega' '--mebi'`.
    Ambiguous {
        given: String,
        candidates: Vec<String>,
    },
    /// `--si=1`: `free: option '--si' doesn't allow an argument`.
    LongTakesNoArgument(String),
    /// `--seconds` at the end: `free: option '--seconds' requires an argument`.
    LongNeedsArgument(String),
    /// `-m -g`: `free: Multiple unit options don't make sense.` (3.3.x: "doesn't").
    MultipleUnits { doesnt: bool },
    /// A bad `-s` value; the whole message line.
    Seconds(String),
    /// A bad `-c` value; the whole message line.
    Count(String),
    /// An operand such as `free foo` (3.3.17+): only the usage text is printed.
    Operand(String),
    /// `--help`: prints the usage on standard output, not memory.
    Help,
    /// `-V`: prints `free from procps-ng <version>`, not memory.
    Version,
}

impl FreeArgError {
    /// The first line `free` writes to standard error (empty for operands, `--help`, `-V`).
    pub fn message(&self) -> String {
        match self {
            FreeArgError::InvalidOption(c) => format!("free: invalid option -- '{c}'"),
            FreeArgError::ShortNeedsArgument(c) => {
                format!("free: option requires an argument -- '{c}'")
            }
            FreeArgError::Unrecognized(given) => format!("free: unrecognized option '--{given}'"),
            FreeArgError::Ambiguous { given, candidates } => {
                let list: Vec<String> = candidates.iter().map(|c| format!(" '--{c}'")).collect();
                format!(
                    "free: option '--{given}' is ambiguous; possibilities:{}",
                    list.concat()
                )
            }
            FreeArgError::LongTakesNoArgument(name) => {
                format!("free: option '--{name}' doesn't allow an argument")
            }
            FreeArgError::LongNeedsArgument(name) => {
                format!("free: option '--{name}' requires an argument")
            }
            FreeArgError::MultipleUnits { doesnt: true } => {
                "free: Multiple unit options doesn't make sense.".into()
            }
            FreeArgError::MultipleUnits { doesnt: false } => {
                "free: Multiple unit options don't make sense.".into()
            }
            FreeArgError::Seconds(line) | FreeArgError::Count(line) => line.clone(),
            FreeArgError::Operand(_) | FreeArgError::Help | FreeArgError::Version => String::new(),
        }
    }

    /// Whether `free` prints its usage text to standard error after the message.
    pub fn shows_usage(&self) -> bool {
        matches!(
            self,
            FreeArgError::InvalidOption(_)
                | FreeArgError::ShortNeedsArgument(_)
                | FreeArgError::Unrecognized(_)
                | FreeArgError::Ambiguous { .. }
                | FreeArgError::LongTakesNoArgument(_)
                | FreeArgError::LongNeedsArgument(_)
                | FreeArgError::Operand(_)
        )
    }
}

impl fmt::Display for FreeArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FreeArgError::Operand(operand) => write!(f, "free: extra operand '{operand}'"),
            FreeArgError::Help => f.write_str("free --help prints its usage, not memory"),
            FreeArgError::Version => f.write_str("free -V prints its version, not memory"),
            other => f.write_str(&other.message()),
        }
    }
}

/// What an option does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Unit(FreeUnit),
    Human,
    Si,
    Lohi,
    Total,
    Wide,
    Committed,
    Old,
    Seconds,
    Count,
    Help,
    Version,
}

impl Action {
    fn takes_value(self) -> bool {
        matches!(self, Action::Seconds | Action::Count)
    }
}

struct LongOption {
    name: &'static str,
    action: Action,
    takes_value: bool,
}

/// One release's options, in the order of its `longopts` table (which is the order glibc lists
/// ambiguous candidates in).
struct OptionTable {
    short: &'static [(char, Action)],
    long: Vec<LongOption>,
}

impl OptionTable {
    fn of(version: ProcpsVersion) -> OptionTable {
        use Action::*;
        use FreeUnit::*;
        let long = |list: &[(&'static str, Action)]| -> Vec<LongOption> {
            list.iter()
                .map(|&(name, action)| LongOption {
                    name,
                    action,
                    takes_value: action.takes_value(),
                })
                .collect()
        };
        if version < ProcpsVersion::new(3, 3, 10) {
            // "bkmghlotc:s:V"; --kilo/--mega/--giga are -k/-m/-g, --tera is 1024^4.
            OptionTable {
                short: &[
                    ('b', Unit(Bytes)),
                    ('k', Unit(Kibi)),
                    ('m', Unit(Mebi)),
                    ('g', Unit(Gibi)),
                    ('h', Human),
                    ('l', Lohi),
                    ('o', Old),
                    ('t', Total),
                    ('c', Count),
                    ('s', Seconds),
                    ('V', Version),
                ],
                long: long(&[
                    ("bytes", Unit(Bytes)),
                    ("kilo", Unit(Kibi)),
                    ("mega", Unit(Mebi)),
                    ("giga", Unit(Gibi)),
                    ("tera", Unit(Tebi)),
                    ("human", Human),
                    ("si", Si),
                    ("lohi", Lohi),
                    ("old", Old),
                    ("total", Total),
                    ("seconds", Seconds),
                    ("count", Count),
                    ("help", Help),
                    ("version", Version),
                ]),
            }
        } else {
            let committed = version >= ProcpsVersion::new(4, 0, 0);
            let mut names: Vec<(&'static str, Action)> = vec![
                ("bytes", Unit(Bytes)),
                ("kilo", Unit(Kilo)),
                ("mega", Unit(Mega)),
                ("giga", Unit(Giga)),
                ("tera", Unit(Tera)),
                ("peta", Unit(Peta)),
                ("kibi", Unit(Kibi)),
                ("mebi", Unit(Mebi)),
                ("gibi", Unit(Gibi)),
                ("tebi", Unit(Tebi)),
                ("pebi", Unit(Pebi)),
                ("human", Human),
                ("si", Si),
                ("lohi", Lohi),
                ("total", Total),
            ];
            if committed {
                names.push(("committed", Committed));
            }
            names.extend([
                ("seconds", Seconds),
                ("count", Count),
                ("wide", Wide),
                ("help", Help),
                ("version", Version),
            ]);
            const SHORT_3: &[(char, Action)] = &[
                ('b', Unit(Bytes)),
                ('k', Unit(Kibi)),
                ('m', Unit(Mebi)),
                ('g', Unit(Gibi)),
                ('h', Human),
                ('l', Lohi),
                ('t', Total),
                ('c', Count),
                ('w', Wide),
                ('s', Seconds),
                ('V', Version),
            ];
            const SHORT_4: &[(char, Action)] = &[
                ('b', Unit(Bytes)),
                ('k', Unit(Kibi)),
                ('m', Unit(Mebi)),
                ('g', Unit(Gibi)),
                ('h', Human),
                ('l', Lohi),
                ('t', Total),
                ('v', Committed),
                ('c', Count),
                ('w', Wide),
                ('s', Seconds),
                ('V', Version),
            ];
            OptionTable {
                short: if committed { SHORT_4 } else { SHORT_3 },
                long: long(&names),
            }
        }
    }

    fn short(&self, letter: char) -> Option<Action> {
        self.short
            .iter()
            .find(|(c, _)| *c == letter)
            .map(|(_, action)| *action)
    }

    /// glibc's long option lookup: an exact name, else a unique prefix. `given` is the whole
    /// argument after `--` (with any `=value`), which glibc quotes in its messages.
    fn long(&self, name: &str, given: &str) -> Result<&LongOption, FreeArgError> {
        if let Some(exact) = self.long.iter().find(|o| o.name == name) {
            return Ok(exact);
        }
        let matches: Vec<&LongOption> = self
            .long
            .iter()
            .filter(|o| !name.is_empty() && o.name.starts_with(name))
            .collect();
        match matches.as_slice() {
            [] => Err(FreeArgError::Unrecognized(given.into())),
            [only] => Ok(only),
            several => Err(FreeArgError::Ambiguous {
                given: given.into(),
                candidates: several.iter().map(|o| o.name.to_string()).collect(),
            }),
        }
    }
}

/// `-s N`: 3.3.12 and later read it with procps' locale-free `strtod_nol_or_err` (digits, one
/// `.` or `,`, no exponent; errors name the text), earlier releases with `strtof`. Then
/// `1000000 × N` as a float must be at least 1.
fn parse_seconds(text: &str, version: ProcpsVersion) -> Result<f64, FreeArgError> {
    let value = if version >= ProcpsVersion::new(3, 3, 12) {
        strtod_nol(text).map_err(|with_errno| {
            let suffix = if with_errno { ": Invalid argument" } else { "" };
            FreeArgError::Seconds(format!("free: seconds argument failed: '{text}'{suffix}"))
        })?
    } else {
        let trimmed = text.trim_start();
        match trimmed.parse::<f32>() {
            Ok(value) if !trimmed.is_empty() => f64::from(value),
            _ => {
                return Err(FreeArgError::Seconds(format!(
                    "free: seconds argument `{text}' failed"
                )));
            }
        }
    };
    let interval = (1_000_000.0 * value) as f32;
    if interval < 1.0 || interval.is_nan() {
        return Err(FreeArgError::Seconds(format!(
            "free: seconds argument `{text}' is not positive number"
        )));
    }
    Ok(value)
}

/// procps `strtod_nol_or_err`: optional spaces and sign, digits, optionally `.` or `,` and
/// more digits, nothing else. The error says whether glibc's `error()` appends ": Invalid
/// argument" (a stray character right after the integer digits) or not.
fn strtod_nol(text: &str) -> Result<f64, bool> {
    if text.is_empty() {
        return Err(false);
    }
    let mut rest = text.trim_start_matches(is_c_space);
    let negative = rest.starts_with('-');
    rest = rest.strip_prefix(['-', '+']).unwrap_or(rest);
    let whole_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (whole, after) = rest.split_at(whole_len);
    let mut value = 0.0f64;
    let mut mult = 0.1f64;
    for _ in 0..whole_len {
        mult *= 10.0;
    }
    for digit in whole.bytes() {
        value += f64::from(digit - b'0') * mult;
        mult /= 10.0;
    }
    let signed = |v: f64| if negative { -v } else { v };
    if after.is_empty() {
        return Ok(signed(value));
    }
    let Some(fraction) = after.strip_prefix(['.', ',']) else {
        return Err(true);
    };
    let mut mult = 0.1f64;
    let fraction_len = fraction.bytes().take_while(u8::is_ascii_digit).count();
    for digit in fraction.bytes().take(fraction_len) {
        value += f64::from(digit - b'0') * mult;
        mult /= 10.0;
    }
    if fraction_len == fraction.len() {
        Ok(signed(value))
    } else {
        Err(false)
    }
}

/// `-c N`: `strtol_or_err` (base 10, optional spaces and sign, all of it), then at least 1.
fn parse_count(text: &str) -> Result<u32, FreeArgError> {
    const RANGE: &str = ": Numerical result out of range";
    let digits = text.trim_start_matches(is_c_space);
    let (negative, digits) = match digits.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, digits.strip_prefix('+').unwrap_or(digits)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FreeArgError::Count(format!(
            "free: failed to parse count argument: '{text}'"
        )));
    }
    let magnitude: Option<i64> = digits
        .parse::<u64>()
        .ok()
        .and_then(|v| i64::try_from(v).ok());
    let value = match (negative, magnitude) {
        (_, None) => {
            return Err(FreeArgError::Count(format!(
                "free: failed to parse count argument: '{text}'{RANGE}"
            )));
        }
        (true, Some(v)) => -v,
        (false, Some(v)) => v,
    };
    // free stores it in an int: values past it wrap before the "< 1" test.
    let stored = value as i32;
    if stored < 1 {
        return Err(FreeArgError::Count(format!(
            "free: failed to parse count argument: '{text}'{RANGE}"
        )));
    }
    Ok(stored as u32)
}

/// C's `isspace` in the C locale.
fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

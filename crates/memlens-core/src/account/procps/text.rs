//! The text `free` prints: its three table layouts and its three ways of scaling a number.

use std::fmt;

use serde::Serialize;

use super::{FreeColumns, FreeFlags, FreeUnit, ProcpsVersion, free_columns};
use crate::account::cfmt::{c_long, fixed};
use crate::account::{Input, MemInfoKib};

/// Why there is no text for a command line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "error", content = "detail", rename_all = "snake_case")]
pub enum FreeTextError {
    /// An input the tool would have read is needed and not given (the 3.3.10–3.3.17 estimate
    /// of `available` needs `/proc/sys/vm/min_free_kbytes` when `MemAvailable` is missing).
    Missing(Input),
    /// The option does not exist in this release (`-w` before 3.3.10, `-v` before 4.0.0, `-o`
    /// from 3.3.10, the SI unit options before 3.3.10).
    Unsupported {
        option: &'static str,
        version: ProcpsVersion,
    },
}

impl fmt::Display for FreeTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FreeTextError::Missing(input) => write!(f, "needs {input}"),
            FreeTextError::Unsupported { option, version } => {
                write!(f, "procps-ng {version} free has no {option} option")
            }
        }
    }
}

/// What `free` prints to standard output for these flags, byte for byte (every line ends with
/// `\n`; `-c N` prints N tables with a blank line between them).
///
/// Layouts: up to 3.3.9 the `buffers`/`cached` table with the `-/+ buffers/cache` row;
/// 3.3.10–3.3.16 the `buff/cache   available` table with 7-character row labels (seen in
/// 3.3.10 and 3.3.15 output, source not read); 3.3.17 and later 9-character labels (source read:
/// 3.3.17 and 4.0.2; output checked against builds of 3.3.17, 4.0.2 and 4.0.4).
// TODO: 3.3.10–3.3.16 are assumed to have 3.3.17's options (-w, --kibi…, --kilo as SI); their
// free.c was not read.
pub fn free_text(
    mem: &MemInfoKib,
    flags: &FreeFlags,
    version: ProcpsVersion,
) -> Result<String, FreeTextError> {
    check_options(flags, version)?;
    let columns = free_columns(mem, version);
    let table = table(&columns, flags, version)?;
    let count = flags.count.unwrap_or(1).max(1) as usize;
    Ok(vec![table; count].join("\n"))
}

fn check_options(flags: &FreeFlags, version: ProcpsVersion) -> Result<(), FreeTextError> {
    let new_layout = version >= ProcpsVersion::new(3, 3, 10);
    let unsupported = |option| Err(FreeTextError::Unsupported { option, version });
    if flags.wide && !new_layout {
        return unsupported("-w");
    }
    if flags.old && new_layout {
        return unsupported("-o");
    }
    if flags.committed && version < ProcpsVersion::new(4, 0, 0) {
        return unsupported("-v");
    }
    if !new_layout && (flags.unit.is_si() || flags.unit == FreeUnit::Pebi) {
        return unsupported("SI unit");
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// ≤ 3.3.9: `%-7s` labels, ` %10s` cells.
    Old,
    /// 3.3.10–3.3.16: `%-7s` labels, ` %11s` cells.
    Narrow,
    /// 3.3.17+: `%-9s` labels, `%11s` first cell, ` %11s` after.
    Wide,
}

impl Layout {
    fn of(version: ProcpsVersion) -> Layout {
        if version < ProcpsVersion::new(3, 3, 10) {
            Layout::Old
        } else if version < ProcpsVersion::new(3, 3, 17) {
            Layout::Narrow
        } else {
            Layout::Wide
        }
    }

    fn row(self, label: &str, cells: &[String]) -> String {
        let mut line = match self {
            Layout::Old | Layout::Narrow => format!("{label:<7}"),
            Layout::Wide => format!("{label:<9}"),
        };
        for (index, cell) in cells.iter().enumerate() {
            match self {
                Layout::Old => line.push_str(&format!(" {cell:>10}")),
                Layout::Narrow => line.push_str(&format!(" {cell:>11}")),
                Layout::Wide if index == 0 => line.push_str(&format!("{cell:>11}")),
                Layout::Wide => line.push_str(&format!(" {cell:>11}")),
            }
        }
        line.push('\n');
        line
    }
}

fn table(
    columns: &FreeColumns,
    flags: &FreeFlags,
    version: ProcpsVersion,
) -> Result<String, FreeTextError> {
    let layout = Layout::of(version);
    let s = |kib: u64| scale_size(kib, flags, version);
    let mut out = String::new();

    if layout == Layout::Old {
        out.push_str("             total       used       free     shared    buffers     cached\n");
        out.push_str(&layout.row(
            "Mem:",
            &[
                s(columns.total),
                s(columns.used),
                s(columns.free),
                s(columns.shared),
                s(columns.buffers),
                s(columns.cache),
            ],
        ));
    } else {
        let indent = if layout == Layout::Wide {
            "               "
        } else {
            "              "
        };
        let middle = if flags.wide {
            "     buffers       cache"
        } else {
            "  buff/cache"
        };
        out.push_str(&format!(
            "{indent}total        used        free      shared{middle}   available\n"
        ));
        let available = columns
            .available
            .ok_or(FreeTextError::Missing(Input::MinFreeKbytes))?;
        let mut cells = vec![
            s(columns.total),
            s(columns.used),
            s(columns.free),
            s(columns.shared),
        ];
        if flags.wide {
            cells.push(s(columns.buffers));
            cells.push(s(columns.cache));
        } else {
            cells.push(s(columns.buff_cache));
        }
        cells.push(s(available));
        out.push_str(&layout.row("Mem:", &cells));
    }

    if flags.lohi {
        out.push_str(&layout.row(
            "Low:",
            &[
                s(columns.low_total),
                s(columns.low_used),
                s(columns.low_free),
            ],
        ));
        out.push_str(&layout.row(
            "High:",
            &[
                s(columns.high_total),
                s(columns.high_used),
                s(columns.high_free),
            ],
        ));
    }

    if layout == Layout::Old && !flags.old {
        out.push_str(&format!(
            "-/+ buffers/cache: {:>10} {:>10}\n",
            s(columns.adjusted_used),
            s(columns.adjusted_free)
        ));
    }

    out.push_str(&layout.row(
        "Swap:",
        &[
            s(columns.swap_total),
            s(columns.swap_used),
            s(columns.swap_free),
        ],
    ));

    if flags.total {
        out.push_str(&layout.row(
            "Total:",
            &[
                s(columns.total.wrapping_add(columns.swap_total)),
                s(columns.used.wrapping_add(columns.swap_used)),
                s(columns.free.wrapping_add(columns.swap_free)),
            ],
        ));
    }

    if flags.committed {
        out.push_str(&layout.row(
            "Comm:",
            &[
                s(columns.commit_limit),
                s(columns.committed_as),
                s(columns.commit_free),
            ],
        ));
    }
    Ok(out)
}

/// `free`'s `scale_size()`: one KiB value as the release prints it for these flags.
pub(crate) fn scale_size(kib: u64, flags: &FreeFlags, version: ProcpsVersion) -> String {
    if version >= ProcpsVersion::new(4, 0, 0) {
        scale_bytes(kib, flags, version)
    } else if version >= ProcpsVersion::new(3, 3, 13) {
        scale_mib_truncated(kib, flags)
    } else {
        scale_classic(kib, flags)
    }
}

/// `power()` in free.c: the base is passed as an `unsigned int`, the result is a double.
fn power(base: u32, exponent: u32) -> f64 {
    (0..exponent).fold(1.0, |acc, _| f64::from(base) * acc)
}

fn base(si: bool) -> u32 {
    if si { 1000 } else { 1024 }
}

/// Up to 3.3.12: KiB in, the `-h` ladder B, K, M, G, T with 4-character cells and no `i`
/// (3.3.10 `free -h` output: `7.4G 409M 1.1G 363M 5.9G 6.3G`). Read from an early 3.3.x
/// `free.c`; the switch to the next algorithm is placed at 3.3.13 ("free: fix some of the SI
/// multiples"), which published output brackets between 3.3.12 and 3.3.15.
// TODO: pin the release that introduced the `Ki`/`Mi` ladder (3.3.13–3.3.15) from its source.
fn scale_classic(kib: u64, flags: &FreeFlags) -> String {
    let si = flags.si_effective();
    let base = base(si);
    let exponent = flags.unit.exponent();
    let signed = kib as i64;

    if !flags.human {
        return match exponent {
            0 => signed.to_string(),
            1 => signed.wrapping_mul(1024).to_string(),
            2 if !si => signed.to_string(),
            2 => c_long(kib as f64 / 0.9765625).to_string(),
            _ => c_long(kib as f64 / power(base, exponent - 2)).to_string(),
        };
    }

    let bytes = format!("{}B", signed.wrapping_mul(1024));
    if bytes.len() <= 4 {
        return bytes;
    }
    let kilo = if si {
        c_long(kib as f64 / 0.9765625)
    } else {
        signed
    };
    let kilo = format!("{kilo}K");
    if kilo.len() <= 4 {
        return kilo;
    }
    let mut last = kilo;
    for (step, unit) in [(1, 'M'), (2, 'G'), (3, 'T')] {
        let value = kib as f64 / power(base, step);
        let decimal = format!("{}{unit}", fixed(f64::from(value as f32), 1));
        if decimal.len() <= 4 {
            return decimal;
        }
        last = format!("{}{unit}", c_long(value));
        if last.len() <= 4 {
            return last;
        }
    }
    // Past 9999T the C loop runs off its table (undefined behaviour); the last cell tried is
    // what a typical build prints.
    last
}

/// 3.3.13–3.3.17: `-h` first truncates to whole MiB (`size / 1024`), then scales by
/// `MiB × base / base^(i−2)` in float, so `2496` KiB prints `2.0Mi` and values under 1 MiB print
/// `0.0Ki`; with `--si` the MiB are divided by 1000 but labelled as if they were bytes (fixed in
/// 4.0.0). Units are byte-based (`(KiB × 1024.0) / base^(e−1)`).
fn scale_mib_truncated(kib: u64, flags: &FreeFlags) -> String {
    let si = flags.si_effective();
    let base = base(si);
    let exponent = flags.unit.exponent();
    let signed = kib as i64;

    if !flags.human {
        return match exponent {
            0 => signed.to_string(),
            1 => signed.wrapping_mul(1024).to_string(),
            _ => c_long((kib as f64 * 1024.0) / power(base, exponent - 1)).to_string(),
        };
    }

    let bytes = format!("{}B", signed.wrapping_mul(1024));
    if bytes.len() <= 4 {
        return bytes;
    }
    let (suffix, limit) = if si { ("", 4) } else { ("i", 5) };
    let mut last = bytes;
    for (step, unit) in [(0, 'K'), (1, 'M'), (2, 'G'), (3, 'T'), (4, 'P')] {
        // `(size / 1024) * base` is an unsigned long times a float: float arithmetic.
        let mib_times_base = (kib / 1024) as f32 * base as f32;
        let value = f64::from(mib_times_base) / power(base, step);
        let decimal = format!("{}{unit}{suffix}", fixed(f64::from(value as f32), 1));
        if decimal.len() <= limit {
            return decimal;
        }
        last = format!("{}{unit}{suffix}", c_long(value));
        if last.len() <= limit {
            return last;
        }
    }
    last
}

/// 4.0.0 and later (procps-ng 4.0.2 `src/free.c`): bytes = KiB × 1024 as a `long long`; `-h`
/// tries `%lldB`, then for K, M, G, T, P `"%.1f%ci"` then `"%ld%ci"` (5 characters; with
/// `--si` no `i` and 4 characters); the default unit prints `bytes / base` (so `--si` alone
/// prints kB, 4.0.1+).
fn scale_bytes(kib: u64, flags: &FreeFlags, version: ProcpsVersion) -> String {
    let si = flags.si_effective();
    let base = base(si);
    let exponent = flags.unit.exponent();
    let bytes = kib.wrapping_mul(1024) as i64;

    if !flags.human {
        return match exponent {
            // "free: Use --kilo when only specifying --si" (4.0.1 NEWS), so 4.0.0 printed KiB.
            // TODO: check 4.0.0's scale_size (its source was not at hand).
            0 if version < ProcpsVersion::new(4, 0, 1) => (kib as i64).to_string(),
            0 => (bytes / i64::from(base)).to_string(),
            1 => bytes.to_string(),
            _ => c_long(bytes as f64 / power(base, exponent - 1)).to_string(),
        };
    }

    let plain = format!("{bytes}B");
    if plain.len() <= 4 {
        return plain;
    }
    let (suffix, limit) = if si { ("", 4) } else { ("i", 5) };
    let mut last = plain;
    for (step, unit) in [(1, 'K'), (2, 'M'), (3, 'G'), (4, 'T'), (5, 'P')] {
        let value = bytes as f64 / power(base, step);
        let decimal = format!("{}{unit}{suffix}", fixed(f64::from(value as f32), 1));
        if decimal.len() <= limit {
            return decimal;
        }
        last = format!("{}{unit}{suffix}", c_long(value));
        if last.len() <= limit {
            return last;
        }
    }
    last
}

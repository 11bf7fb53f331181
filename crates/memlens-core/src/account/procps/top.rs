//! The two memory lines of `top`'s summary area.
//!
//! From 3.3.10 (procps-ng 3.3.17 `top/top.c`, 4.0.2 `src/top/top.c` `do_memory`): each value is
//! `(float)KiB / (float)divisor`, printed with `"%.0f "` (KiB) or `"%#.1f "` (MiB and up) into
//! a 10-byte buffer; when the text (trailing space included) is longer than 9 characters the
//! buffer keeps the first 9 and its 9th becomes `+`. The cell is then printed `%9.9s`. So
//! `263774064` KiB prints `26377406+` and `1.25` MiB prints `1.2` (glibc rounds the exact tie to
//! even).

use serde::Serialize;

use super::{FreeColumns, FreeTextError, ProcpsGeneration, ProcpsVersion, free_columns};
use crate::account::cfmt::fixed;
use crate::account::{Input, MemInfoKib};

/// The unit of `top`'s summary memory lines, cycled with `E` (and set with `-E k|m|g|t|p|e`
/// since 3.3.13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TopScale {
    Kib,
    Mib,
    Gib,
    Tib,
    Pib,
    Eib,
}

impl TopScale {
    pub const ALL: [TopScale; 6] = [
        TopScale::Kib,
        TopScale::Mib,
        TopScale::Gib,
        TopScale::Tib,
        TopScale::Pib,
        TopScale::Eib,
    ];

    /// The label `top` puts first on the line.
    pub fn label(self) -> &'static str {
        match self {
            TopScale::Kib => "KiB",
            TopScale::Mib => "MiB",
            TopScale::Gib => "GiB",
            TopScale::Tib => "TiB",
            TopScale::Pib => "PiB",
            TopScale::Eib => "EiB",
        }
    }

    /// `top`'s float divisor for this unit.
    fn divisor(self) -> f32 {
        match self {
            TopScale::Kib => 1.0,
            TopScale::Mib => 1024.0,
            TopScale::Gib => 1_048_576.0,
            TopScale::Tib => 1_073_741_824.0,
            TopScale::Pib => 1_099_511_627_776.0,
            TopScale::Eib => 1_125_899_906_842_624.0,
        }
    }

    /// The unit a release starts in without a configuration file: KiB up to 3.3.12 (`KiB Mem :`
    /// in 3.3.10 output), MiB from 3.3.13 (`MiB Mem :` in 3.3.16+ output; the command-line
    /// switch for scaling and the fewer-decimals change are both 3.3.13).
    // TODO: confirm the KiB→MiB default switch is 3.3.13 from that release's top.h.
    pub fn default_for(version: ProcpsVersion) -> TopScale {
        if version < ProcpsVersion::new(3, 3, 13) {
            TopScale::Kib
        } else {
            TopScale::Mib
        }
    }
}

/// `top`'s memory lines, each without its newline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopLines {
    /// `MiB Mem :  16009.0 total,   9515.8 free,   1340.2 used,   5493.7 buff/cache     `
    pub mem: String,
    /// `MiB Swap:      0.0 total,      0.0 free,      0.0 used.  14668.8 avail Mem `
    pub swap: String,
}

impl TopLines {
    /// Both lines, each ending in `\n`, as `top -b` prints them.
    pub fn text(&self) -> String {
        format!("{}\n{}\n", self.mem, self.swap)
    }
}

/// `top`'s two memory lines for a release, in `scale` (or the release's default unit).
///
/// Up to 3.3.9 the lines read `KiB Mem:  … total, … used, … free, … buffers` and
/// `KiB Swap: … total, … used, … free. … cached Mem`; that layout is taken from published
/// 3.3.9 output (Ubuntu 14.04), not from source, and only KiB is supported for it.
pub fn top_lines(
    mem: &MemInfoKib,
    version: ProcpsVersion,
    scale: Option<TopScale>,
) -> Result<TopLines, FreeTextError> {
    let scale = scale.unwrap_or(TopScale::default_for(version));
    let columns = free_columns(mem, version);
    if version.generation() == ProcpsGeneration::V3_9 {
        return old_lines(&columns, scale, version);
    }
    let available = columns
        .available
        .ok_or(FreeTextError::Missing(Input::MinFreeKbytes))?;

    // 4.x keeps buffers + cache in a signed long before converting it.
    let buff_cache = if version >= ProcpsVersion::new(4, 0, 0) {
        (columns.buff_cache as i64) as f32
    } else {
        columns.buff_cache as f32
    };
    let cell = |value: f32| cell(value, scale);
    let kib = |value: u64| value as f32;
    let label = scale.label();
    // 4.0.0 reworked the lines so two can print abreast; the first one gained trailing blanks.
    let tail = if version >= ProcpsVersion::new(4, 0, 0) {
        "     "
    } else {
        ""
    };
    Ok(TopLines {
        mem: format!(
            "{label} Mem : {}total, {}free, {}used, {}buff/cache{tail}",
            cell(kib(columns.total)),
            cell(kib(columns.free)),
            cell(kib(columns.used)),
            cell(buff_cache),
        ),
        swap: format!(
            "{label} Swap: {}total, {}free, {}used. {}avail Mem ",
            cell(kib(columns.swap_total)),
            cell(kib(columns.swap_free)),
            cell(kib(columns.swap_used)),
            cell(kib(available)),
        ),
    })
}

/// One `%9.9s` cell: `(float)value / divisor` through `"%.0f "` or `"%#.1f "`, with the `+`
/// overflow mark.
fn cell(kib: f32, scale: TopScale) -> String {
    let value = kib / scale.divisor();
    let decimals = if scale == TopScale::Kib { 0 } else { 1 };
    let mut text = fixed(f64::from(value), decimals);
    text.push(' ');
    if text.len() > 9 {
        text.truncate(8);
        text.push('+');
    }
    format!("{text:>9}")
}

fn old_lines(
    columns: &FreeColumns,
    scale: TopScale,
    version: ProcpsVersion,
) -> Result<TopLines, FreeTextError> {
    if scale != TopScale::Kib {
        return Err(FreeTextError::Unsupported {
            option: "a summary unit other than KiB",
            version,
        });
    }
    // TODO: take the ≤ 3.3.9 layout (and its overflow behaviour past 8 digits) from source.
    Ok(TopLines {
        mem: format!(
            "KiB Mem:  {:>8} total, {:>8} used, {:>8} free, {:>8} buffers",
            columns.total, columns.used, columns.free, columns.buffers
        ),
        swap: format!(
            "KiB Swap: {:>8} total, {:>8} used, {:>8} free. {:>8} cached Mem",
            columns.swap_total, columns.swap_used, columns.swap_free, columns.cache
        ),
    })
}

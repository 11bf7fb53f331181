//! BusyBox `free`.
//!
//! BusyBox takes total, free, shared, buffers and swap from `sysinfo(2)` (the same kernel
//! counters as `MemTotal`, `MemFree`, `Shmem`, `Buffers`, `SwapTotal`, `SwapFree`, but never the
//! lxcfs view of a container) and reads only `Cached`, `MemAvailable` (and from 1.35
//! `SReclaimable`) from `/proc/meminfo`. Values are bytes (64-bit kernels report `mem_unit` 1).
//!
//! Layouts, from BusyBox `procps/free.c`:
//!
//! - [`BusyboxFree::Old`] (a 1.2x release): `buffers` and `cached` columns, a `-/+
//!   buffers/cache` row always, values shifted right by 10 (default, `-k`), 0, 20 or 30;
//! - [`BusyboxFree::V1_30`] (1.30.1): `buff/cache` = `Buffers + Cached`, `available` =
//!   `MemAvailable` (0 without it), the `-/+ buffers/cache` row only when `Cached` or
//!   `MemAvailable` is missing; values shifted like `Old`;
//! - [`BusyboxFree::V1_35`] (1.35.0, unchanged in 1.37.0): `SReclaimable` joins `buff/cache`
//!   and the row shows when any of the three lines is missing; values go through
//!   `make_human_readable_str`, which rounds to the nearest unit (`(bytes + unit/2) / unit`,
//!   so `-m` no longer truncates) and prints `-h` as `15.6G`.
// TODO: which releases between 1.2x and 1.30, and between 1.30.1 and 1.35.0, changed the
// layout (sources of those releases not read).

use serde::Serialize;

use super::{Input, MemInfoKib, MeminfoKey};

/// Which BusyBox `free` printed the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BusyboxFree {
    Old,
    V1_30,
    V1_35,
}

impl BusyboxFree {
    /// The layout of a BusyBox release where it is known: 1.30.x, and 1.35 or later.
    pub fn from_version(text: &str) -> Option<BusyboxFree> {
        match super::find_version(text)? {
            (1, 30, _) => Some(BusyboxFree::V1_30),
            version if version >= (1, 35, 0) => Some(BusyboxFree::V1_35),
            _ => None,
        }
    }
}

/// BusyBox `free`'s unit flag: only the first letter of the first argument counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BusyboxUnit {
    Bytes,
    #[default]
    Kilo,
    Mega,
    Giga,
    /// `-h` (1.35+).
    Human,
}

impl BusyboxUnit {
    /// Reads BusyBox's command line: nothing, `-b`, `-k`, `-m`, `-g` or (1.35+) `-h`; anything
    /// after the first letter is ignored, as BusyBox ignores it. Any other option makes BusyBox
    /// print its usage; that is `Err` with the argument.
    pub fn parse(args: &[&str], layout: BusyboxFree) -> Result<BusyboxUnit, String> {
        let Some(first) = args.first() else {
            return Ok(BusyboxUnit::Kilo);
        };
        let Some(flag) = first.strip_prefix('-') else {
            return Ok(BusyboxUnit::Kilo);
        };
        match flag.chars().next() {
            Some('b') => Ok(BusyboxUnit::Bytes),
            Some('k') => Ok(BusyboxUnit::Kilo),
            Some('m') => Ok(BusyboxUnit::Mega),
            Some('g') => Ok(BusyboxUnit::Giga),
            Some('h') if layout == BusyboxFree::V1_35 => Ok(BusyboxUnit::Human),
            _ => Err(first.to_string()),
        }
    }

    /// Bytes per printed unit (0 for `-h`).
    fn divisor(self) -> u64 {
        match self {
            BusyboxUnit::Bytes => 1,
            BusyboxUnit::Kilo => 1 << 10,
            BusyboxUnit::Mega => 1 << 20,
            BusyboxUnit::Giga => 1 << 30,
            BusyboxUnit::Human => 0,
        }
    }
}

/// BusyBox `free`'s numbers, in bytes (what it holds before scaling).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BusyboxColumns {
    pub layout: BusyboxFree,
    pub total: u64,
    pub used: u64,
    pub free: u64,
    pub shared: u64,
    pub buffers: u64,
    /// `Cached` (the old layout's `cached` column).
    pub cached: u64,
    /// 1.30+: `Buffers + Cached` (+ `SReclaimable` from 1.35).
    pub buff_cache: u64,
    /// `MemAvailable`, 0 when the line is missing.
    pub available: u64,
    /// `-/+ buffers/cache` used and free.
    pub adjusted_used: u64,
    pub adjusted_free: u64,
    /// Whether the `-/+ buffers/cache` row is printed.
    pub shows_adjusted: bool,
    pub swap_total: u64,
    pub swap_used: u64,
    pub swap_free: u64,
    pub missing: Vec<Input>,
}

/// BusyBox `free`'s numbers from meminfo (KiB × 1024; BusyBox's own arithmetic is unsigned and
/// wraps the same way).
pub fn busybox_columns(mem: &MemInfoKib, layout: BusyboxFree) -> BusyboxColumns {
    use MeminfoKey::*;
    let bytes = |key| mem.kib(key).wrapping_mul(1024);
    let total = bytes(MemTotal);
    let free = bytes(MemFree);
    let buffers = bytes(Buffers);
    let cached = bytes(Cached);
    let reclaimable = if layout == BusyboxFree::V1_35 {
        bytes(SReclaimable)
    } else {
        0
    };
    let available = bytes(MemAvailable);

    let mut read = vec![
        MemTotal, MemFree, Shmem, Buffers, Cached, SwapTotal, SwapFree,
    ];
    let (used, buff_cache, shows_adjusted) = match layout {
        BusyboxFree::Old => (total.wrapping_sub(free), buffers.wrapping_add(cached), true),
        BusyboxFree::V1_30 | BusyboxFree::V1_35 => {
            read.push(MemAvailable);
            let mut seen = mem.cached.is_some() && mem.mem_available.is_some();
            if layout == BusyboxFree::V1_35 {
                read.push(SReclaimable);
                seen = seen && mem.s_reclaimable.is_some();
            }
            let buff_cache = cached.wrapping_add(buffers).wrapping_add(reclaimable);
            (
                total.wrapping_sub(buff_cache.wrapping_add(free)),
                buff_cache,
                !seen,
            )
        }
    };
    let swap_total = bytes(SwapTotal);
    let swap_free = bytes(SwapFree);

    BusyboxColumns {
        layout,
        total,
        used,
        free,
        shared: bytes(Shmem),
        buffers,
        cached,
        buff_cache,
        available,
        adjusted_used: total.wrapping_sub(buff_cache.wrapping_add(free)),
        adjusted_free: buff_cache.wrapping_add(free),
        shows_adjusted,
        swap_total,
        swap_used: swap_total.wrapping_sub(swap_free),
        swap_free,
        missing: mem.absent(&read),
    }
}

/// What BusyBox `free` prints, byte for byte. A unit the layout does not know (`-h` before
/// 1.35) prints as `-k`; [`BusyboxUnit::parse`] refuses it first.
pub fn busybox_free_text(mem: &MemInfoKib, layout: BusyboxFree, unit: BusyboxUnit) -> String {
    let c = busybox_columns(mem, layout);
    let mut out = String::new();
    match layout {
        BusyboxFree::Old | BusyboxFree::V1_30 => {
            let shift = match unit {
                BusyboxUnit::Bytes => 0,
                BusyboxUnit::Kilo | BusyboxUnit::Human => 10,
                BusyboxUnit::Mega => 20,
                BusyboxUnit::Giga => 30,
            };
            let s = |bytes: u64| bytes >> shift;
            if layout == BusyboxFree::Old {
                out.push_str(&format!(
                    "       {:>11}{:>11}{:>11}{:>11}{:>11}{:>11}\n",
                    "total", "used", "free", "shared", "buffers", "cached"
                ));
                out.push_str(&format!(
                    "Mem:   {:>11}{:>11}{:>11}{:>11}{:>11}{:>11}\n",
                    s(c.total),
                    s(c.used),
                    s(c.free),
                    s(c.shared),
                    s(c.buffers),
                    s(c.cached)
                ));
                out.push_str(&format!(
                    "-/+ buffers/cache:{:>11}{:>11}\n",
                    s(c.adjusted_used),
                    s(c.adjusted_free)
                ));
                out.push_str(&format!(
                    "Swap:  {:>11}{:>11}{:>11}\n",
                    s(c.swap_total),
                    s(c.swap_used),
                    s(c.swap_free)
                ));
                return out;
            }
            out.push_str(NEW_HEADER);
            out.push_str(&format!(
                "Mem:   {:>12} {:>11} {:>11} {:>11} {:>11} {:>11}\n",
                s(c.total),
                s(c.used),
                s(c.free),
                s(c.shared),
                s(c.buff_cache),
                s(c.available)
            ));
            if c.shows_adjusted {
                out.push_str(&format!(
                    "-/+ buffers/cache:  {:>11} {:>11}\n",
                    s(c.adjusted_used),
                    s(c.adjusted_free)
                ));
            }
            out.push_str(&format!(
                "Swap:   {:>11} {:>11} {:>11}\n",
                s(c.swap_total),
                s(c.swap_used),
                s(c.swap_free)
            ));
        }
        BusyboxFree::V1_35 => {
            let s = |bytes: u64| human_readable(bytes, unit.divisor());
            out.push_str(NEW_HEADER);
            out.push_str(&format!(
                "Mem:   {:>12}{:>12}{:>12}{:>12}{:>12}{:>12}\n",
                s(c.total),
                s(c.used),
                s(c.free),
                s(c.shared),
                s(c.buff_cache),
                s(c.available)
            ));
            if c.shows_adjusted {
                out.push_str(&format!(
                    "-/+ buffers/cache: {:>12}{:>12}\n",
                    s(c.adjusted_used),
                    s(c.adjusted_free)
                ));
            }
            out.push_str(&format!(
                "Swap:  {:>12}{:>12}{:>12}\n",
                s(c.swap_total),
                s(c.swap_used),
                s(c.swap_free)
            ));
        }
    }
    out
}

const NEW_HEADER: &str =
    "              total        used        free      shared  buff/cache   available\n";

/// BusyBox `make_human_readable_str(bytes, 1, unit)` (libbb/human_readable.c, 1.35.0): `0`
/// for zero; with a unit, `(bytes + unit/2) / unit`; with unit 0, divide by 1024 while at
/// least 1024 and print one decimal of the last remainder, rounded (`15.6G`), or the bare
/// byte count below 1024.
fn human_readable(bytes: u64, unit: u64) -> String {
    if bytes == 0 {
        return "0".into();
    }
    if let Some(units) = bytes.wrapping_add(unit / 2).checked_div(unit) {
        return units.to_string();
    }
    const SUFFIXES: [char; 8] = ['K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
    let mut value = bytes;
    let mut fraction = 0;
    let mut steps: usize = 0;
    while value >= 1024 {
        fraction = ((value % 1024) * 10 + 512) / 1024;
        value /= 1024;
        steps += 1;
    }
    if fraction >= 10 {
        value += 1;
        fraction = 0;
    }
    match steps.checked_sub(1).and_then(|i| SUFFIXES.get(i)) {
        Some(suffix) => format!("{value}.{fraction}{suffix}"),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c30() -> MemInfoKib {
        // tests/fixtures/field/C30/meminfo, plus what the BusyBox table itself shows for the
        // lines the 5-line excerpt left out (Shmem, MemAvailable, swap).
        MemInfoKib {
            mem_total: Some(8_009_240),
            mem_free: Some(6_925_768),
            buffers: Some(94_024),
            cached: Some(669_448),
            s_reclaimable: Some(39_880),
            shmem: Some(278_860),
            mem_available: Some(7_333_736),
            swap_total: Some(0),
            swap_free: Some(0),
            ..MemInfoKib::default()
        }
    }

    #[test]
    fn c30_busybox_table_is_reproduced() {
        let want = include_str!("../../../../tests/fixtures/field/C30/free-busybox.txt");
        let want: String = want
            .lines()
            .skip(1)
            .map(|line| format!("{line}\n"))
            .collect();
        let got = busybox_free_text(&c30(), BusyboxFree::V1_30, BusyboxUnit::Kilo);
        assert_eq!(got, want, "\nwant:\n{want}\ngot:\n{got}");
        let columns = busybox_columns(&c30(), BusyboxFree::V1_30);
        assert_eq!(columns.buff_cache / 1024, 763_472);
        assert_eq!(columns.used / 1024, 320_000);
    }

    #[test]
    fn layouts_and_units() {
        let mem = MemInfoKib {
            mem_total: Some(2_048_000),
            mem_free: Some(1_457_152),
            buffers: Some(20_480),
            cached: Some(1_024),
            shmem: Some(3_072),
            s_reclaimable: Some(4_096),
            swap_total: Some(2_094_080),
            swap_free: Some(2_094_080),
            ..MemInfoKib::default()
        };
        let cases: &[(BusyboxFree, BusyboxUnit, &str)] = &[
            (
                BusyboxFree::Old,
                BusyboxUnit::Mega,
                concat!(
                    "             total       used       free     shared    buffers     cached\n",
                    "Mem:          2000        577       1423          3         20          1\n",
                    "-/+ buffers/cache:        556       1444\n",
                    "Swap:         2045          0       2045\n",
                ),
            ),
            (
                BusyboxFree::V1_30,
                BusyboxUnit::Kilo,
                concat!(
                    "              total        used        free      shared  buff/cache   available\n",
                    "Mem:        2048000      569344     1457152        3072       21504           0\n",
                    "-/+ buffers/cache:       569344     1478656\n",
                    "Swap:       2094080           0     2094080\n",
                ),
            ),
            (
                BusyboxFree::V1_35,
                BusyboxUnit::Bytes,
                concat!(
                    "              total        used        free      shared  buff/cache   available\n",
                    "Mem:     2097152000   578813952  1492123648     3145728    26214400           0\n",
                    "-/+ buffers/cache:    578813952  1518338048\n",
                    "Swap:    2144337920           0  2144337920\n",
                ),
            ),
        ];
        for (layout, unit, want) in cases {
            let got = busybox_free_text(&mem, *layout, *unit);
            assert_eq!(
                got, *want,
                "{layout:?} {unit:?}\nwant:\n{want}\ngot:\n{got}"
            );
        }
    }

    #[test]
    fn unit_flags_read_like_busybox() {
        let cases: &[(&[&str], BusyboxFree, Result<BusyboxUnit, String>)] = &[
            (&[], BusyboxFree::V1_30, Ok(BusyboxUnit::Kilo)),
            (&["-m"], BusyboxFree::V1_30, Ok(BusyboxUnit::Mega)),
            (&["-mega"], BusyboxFree::V1_30, Ok(BusyboxUnit::Mega)),
            (&["-g", "-b"], BusyboxFree::Old, Ok(BusyboxUnit::Giga)),
            (&["-b"], BusyboxFree::V1_35, Ok(BusyboxUnit::Bytes)),
            (&["-h"], BusyboxFree::V1_30, Err("-h".into())),
            (&["-h"], BusyboxFree::V1_35, Ok(BusyboxUnit::Human)),
            (&["-"], BusyboxFree::V1_35, Err("-".into())),
            (&["free"], BusyboxFree::V1_35, Ok(BusyboxUnit::Kilo)),
        ];
        for (args, layout, want) in cases {
            assert_eq!(
                BusyboxUnit::parse(args, *layout),
                *want,
                "{args:?} {layout:?}"
            );
        }
    }

    #[test]
    fn v1_35_rounds_units_and_prints_human_sizes() {
        let mem = MemInfoKib {
            mem_total: Some(16_393_244),
            mem_free: Some(1_536),
            mem_available: Some(15_020_900),
            buffers: Some(0),
            cached: Some(512),
            s_reclaimable: Some(1),
            shmem: Some(0),
            swap_total: Some(0),
            swap_free: Some(0),
            ..MemInfoKib::default()
        };
        let cases: &[(BusyboxFree, BusyboxUnit, &str)] = &[
            // 1.30 shifts (truncates): 1536 KiB is 1 MiB; 1.35 rounds it to 2.
            (
                BusyboxFree::V1_30,
                BusyboxUnit::Mega,
                "Mem:          16009       16007           1           0           0       14668\n",
            ),
            (
                BusyboxFree::V1_35,
                BusyboxUnit::Mega,
                "Mem:          16009       16007           2           0           1       14669\n",
            ),
            (
                BusyboxFree::V1_35,
                BusyboxUnit::Human,
                "Mem:          15.6G       15.6G        1.5M           0      513.0K       14.3G\n",
            ),
        ];
        for (layout, unit, want) in cases {
            let got = busybox_free_text(&mem, *layout, *unit);
            let row = got
                .lines()
                .nth(1)
                .map(|line| format!("{line}\n"))
                .unwrap_or_default();
            assert_eq!(row, *want, "{layout:?} {unit:?}");
        }
        assert_eq!(human_readable(1000, 0), "1000");
        assert_eq!(human_readable(1023 * 1024 + 1000, 0), "1024.0K"); // rounding carries
        assert_eq!(
            BusyboxFree::from_version("BusyBox v1.30.1 (2019-06-10)"),
            Some(BusyboxFree::V1_30)
        );
        assert_eq!(
            BusyboxFree::from_version("v1.36.1"),
            Some(BusyboxFree::V1_35)
        );
        assert_eq!(BusyboxFree::from_version("v1.32.0"), None);
    }
}

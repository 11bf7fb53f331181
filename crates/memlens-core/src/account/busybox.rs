//! BusyBox `free`.
//!
//! BusyBox takes total, free, shared, buffers and swap from `sysinfo(2)` (the same kernel
//! counters as `MemTotal`, `MemFree`, `Shmem`, `Buffers`, `SwapTotal`, `SwapFree`, but never the
//! lxcfs view of a container) and reads only `Cached`, `MemAvailable` (and, in later releases,
//! `SReclaimable`) from `/proc/meminfo`. Every value is in bytes and printed shifted right by 10
//! (default and `-k`), 0 (`-b`), 20 (`-m`) or 30 (`-g`): integer truncation.
//!
//! Layouts, from BusyBox `procps/free.c`:
//!
//! - [`BusyboxFree::Old`]: `buffers` and `cached` columns and a `-/+ buffers/cache` row
//!   (seen on Alpine; source of that layout read);
//! - [`BusyboxFree::New`]: `buff/cache` = `Buffers + Cached` and `available` = `MemAvailable`
//!   (0 without it), and the `-/+ buffers/cache` row only when `MemAvailable` is missing
//!   (BusyBox 1.30 output in the C30 and C34 field cases);
//! - [`BusyboxFree::NewReclaimable`]: the same with `SReclaimable` added to `buff/cache`; the
//!   row shows when any of `Cached`, `MemAvailable`, `SReclaimable` is missing (source of a
//!   1.3x release read).
// TODO: map BusyBox release numbers to the three layouts (sources of 1.28–1.36 not at hand).

use serde::Serialize;

use super::{Input, MemInfoKib, MeminfoKey};

/// Which BusyBox `free` printed the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BusyboxFree {
    Old,
    New,
    NewReclaimable,
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
}

impl BusyboxUnit {
    /// Reads BusyBox's command line: nothing, `-b`, `-k`, `-m` or `-g` (anything after the
    /// first letter is ignored, as BusyBox ignores it); any other option is refused with the
    /// usage text, given here as `Err` with the argument.
    pub fn parse(args: &[&str]) -> Result<BusyboxUnit, String> {
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
            _ => Err(first.to_string()),
        }
    }

    fn shift(self) -> u32 {
        match self {
            BusyboxUnit::Bytes => 0,
            BusyboxUnit::Kilo => 10,
            BusyboxUnit::Mega => 20,
            BusyboxUnit::Giga => 30,
        }
    }
}

/// BusyBox `free`'s numbers, in bytes (what it holds before shifting).
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
    /// New layouts: `Buffers + Cached` (+ `SReclaimable`).
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
    let reclaimable = if layout == BusyboxFree::NewReclaimable {
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
        BusyboxFree::New | BusyboxFree::NewReclaimable => {
            read.push(MemAvailable);
            let mut seen = mem.cached.is_some() && mem.mem_available.is_some();
            if layout == BusyboxFree::NewReclaimable {
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

/// What BusyBox `free` prints, byte for byte.
pub fn busybox_free_text(mem: &MemInfoKib, layout: BusyboxFree, unit: BusyboxUnit) -> String {
    let c = busybox_columns(mem, layout);
    let s = |bytes: u64| bytes >> unit.shift();
    let mut out = String::new();
    match layout {
        BusyboxFree::Old => {
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
        }
        BusyboxFree::New | BusyboxFree::NewReclaimable => {
            out.push_str(&format!(
                "       {:>12}{:>12}{:>12}{:>12}{:>12}{:>12}\n",
                "total", "used", "free", "shared", "buff/cache", "available"
            ));
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
    }
    out
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
        let got = busybox_free_text(&c30(), BusyboxFree::New, BusyboxUnit::Kilo);
        assert_eq!(got, want, "\nwant:\n{want}\ngot:\n{got}");
        let columns = busybox_columns(&c30(), BusyboxFree::New);
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
                BusyboxFree::New,
                BusyboxUnit::Kilo,
                concat!(
                    "              total        used        free      shared  buff/cache   available\n",
                    "Mem:        2048000      569344     1457152        3072       21504           0\n",
                    "-/+ buffers/cache:       569344     1478656\n",
                    "Swap:       2094080           0     2094080\n",
                ),
            ),
            (
                BusyboxFree::NewReclaimable,
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
        let cases: &[(&[&str], Result<BusyboxUnit, String>)] = &[
            (&[], Ok(BusyboxUnit::Kilo)),
            (&["-m"], Ok(BusyboxUnit::Mega)),
            (&["-mega"], Ok(BusyboxUnit::Mega)),
            (&["-g", "-b"], Ok(BusyboxUnit::Giga)),
            (&["-b"], Ok(BusyboxUnit::Bytes)),
            (&["-h"], Err("-h".into())),
            (&["-"], Err("-".into())),
        ];
        for (args, want) in cases {
            assert_eq!(BusyboxUnit::parse(args), *want, "{args:?}");
        }
    }
}

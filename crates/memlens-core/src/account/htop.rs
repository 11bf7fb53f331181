//! htop's memory figures and the text of its `Mem` meter (`used/total`).
//!
//! Sources read: htop 3.0.5 and 3.2.2 (`linux/LinuxProcessList.c` `scanMemoryInfo`,
//! `linux/Platform.c` `Platform_setMemoryValues`, `Meter.c` `Meter_humanUnit`,
//! `MemoryMeter.c`), htop-dev/htop HEAD (`linux/LinuxMachine.c`, `Meter.c`, `MemoryMeter.c`).
//! 3.1.0 follows the spec (`accounting.md` §7.1) and htop's ChangeLog, not its source.
//!
//! Lines read: `MemTotal`, `MemFree`, `Buffers`, `Cached`, `SReclaimable`, `Shmem`,
//! `MemAvailable` (3.1+), `SwapTotal`, `SwapFree`, `SwapCached` (3.1.1+), and for 3.1.0 the
//! huge page pool (`Hugetlb`, else `HugePages_Total × Hugepagesize`).

use std::fmt;

use serde::{Serialize, Serializer};

use super::cfmt::{c_long, fixed};
use super::{Input, MemInfoKib, MeminfoKey};

/// The htop releases whose meter text differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HtopVersion {
    /// Up to 3.0.x: used = total − free − buffers − (cached + SReclaimable − Shmem), so Shmem
    /// counts as used.
    UpTo3_0,
    /// 3.1.0: used = total − available, with huge pages taken out of total and used.
    V3_1_0,
    /// 3.1.1 to 3.2.x: used = total − free − buffers − cached − SReclaimable.
    V3_1_1To3_2,
    /// 3.3.0 and later: the meter prints used + shared (+ compressed), with a rounding
    /// `Meter_humanUnit`.
    V3_3Plus,
}

impl HtopVersion {
    pub const ALL: [HtopVersion; 4] = [
        HtopVersion::UpTo3_0,
        HtopVersion::V3_1_0,
        HtopVersion::V3_1_1To3_2,
        HtopVersion::V3_3Plus,
    ];

    /// A stable id: `v3_0`, `v3_1_0`, `v3_2`, `v3_3`.
    pub fn id(self) -> &'static str {
        match self {
            HtopVersion::UpTo3_0 => "v3_0",
            HtopVersion::V3_1_0 => "v3_1_0",
            HtopVersion::V3_1_1To3_2 => "v3_2",
            HtopVersion::V3_3Plus => "v3_3",
        }
    }

    /// Reads `3.2.2`, `htop 3.3.0`, …
    pub fn parse(text: &str) -> Option<HtopVersion> {
        let version = super::find_version(text)?;
        Some(if version < (3, 1, 0) {
            HtopVersion::UpTo3_0
        } else if version == (3, 1, 0) {
            HtopVersion::V3_1_0
        } else if version < (3, 3, 0) {
            HtopVersion::V3_1_1To3_2
        } else {
            HtopVersion::V3_3Plus
        })
    }
}

impl fmt::Display for HtopVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for HtopVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// htop's memory figures in KiB, as its meter holds them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HtopMemory {
    pub version: HtopVersion,
    /// The meter's total (3.1.0: without huge pages).
    pub total: u64,
    /// The meter's `used` bar.
    pub used: u64,
    pub buffers: u64,
    /// `Shmem` (3.1+; before, shared memory was part of `used`).
    pub shared: u64,
    /// `Cached + SReclaimable − Shmem`.
    pub cache: u64,
    /// `min(MemAvailable, total)`, `MemFree` without it (3.1+); `None` before 3.1.
    pub available: Option<u64>,
    /// The value the meter text prints before the `/`.
    pub text_used: u64,
    pub swap_total: u64,
    pub swap_used: u64,
    pub missing: Vec<Input>,
}

/// htop's numbers for one version.
pub fn htop_memory(mem: &MemInfoKib, version: HtopVersion) -> HtopMemory {
    use MeminfoKey::*;
    let kib = |key| mem.kib(key);
    let total = kib(MemTotal);
    let free = kib(MemFree);
    let buffers = kib(Buffers);
    let cached = kib(Cached);
    let reclaimable = kib(SReclaimable);
    let shmem = kib(Shmem);
    let swap_total = kib(SwapTotal);
    let swap_free = kib(SwapFree);

    // Shmem is part of Cached: every version moves it out of the cache figure.
    let cache = cached.wrapping_add(reclaimable).wrapping_sub(shmem);
    let procps_like = {
        let taken = free
            .wrapping_add(cached)
            .wrapping_add(reclaimable)
            .wrapping_add(buffers);
        if total >= taken {
            total - taken
        } else {
            total.wrapping_sub(free)
        }
    };
    let available = if kib(MemAvailable) != 0 {
        kib(MemAvailable).min(total)
    } else {
        free
    };

    let mut read = vec![
        MemTotal,
        MemFree,
        Buffers,
        Cached,
        SReclaimable,
        Shmem,
        SwapTotal,
        SwapFree,
    ];
    let memory = match version {
        HtopVersion::UpTo3_0 => {
            // htop 3.0.5: `usedMem = total − free` (unsigned), then the meter does, in `long`,
            // `used −= buffers + cached`, and prints the double through an unsigned long.
            let used =
                (total.wrapping_sub(free) as i64).wrapping_sub(buffers.wrapping_add(cache) as i64);
            let used = double_to_unsigned_long(used as f64);
            HtopMemory {
                version,
                total,
                used,
                buffers,
                shared: 0,
                cache,
                available: None,
                text_used: used,
                swap_total,
                swap_used: swap_total.wrapping_sub(swap_free),
                missing: Vec::new(),
            }
        }
        HtopVersion::V3_1_0 => {
            // TODO: check 3.1.0's hugepage arithmetic against its source (ChangeLog: "Add a
            // HugepageMeter and subtract hugepages from normal memory"; 3.1.1 reverted it).
            read.push(MemAvailable);
            let hugepages = match mem.hugetlb {
                Some(kib) => kib,
                None => kib(HugePagesTotal).wrapping_mul(kib(Hugepagesize)),
            };
            let total = total.saturating_sub(hugepages);
            let used = mem
                .kib(MemTotal)
                .saturating_sub(available)
                .saturating_sub(hugepages);
            HtopMemory {
                version,
                total,
                used,
                buffers,
                shared: shmem,
                cache,
                available: Some(available),
                text_used: used,
                swap_total,
                swap_used: swap_total.wrapping_sub(swap_free),
                missing: Vec::new(),
            }
        }
        HtopVersion::V3_1_1To3_2 | HtopVersion::V3_3Plus => {
            read.extend([MemAvailable, SwapCached]);
            // 3.3+: the meter text adds shared back ("we actually want to show used + shared +
            // compressed"); zswap's compressed size moves from used to compressed and back, so
            // the sum is used + shared.
            let text_used = if version == HtopVersion::V3_3Plus {
                procps_like.wrapping_add(shmem)
            } else {
                procps_like
            };
            HtopMemory {
                version,
                total,
                used: procps_like,
                buffers,
                shared: shmem,
                cache,
                available: Some(available),
                text_used,
                swap_total,
                swap_used: swap_total
                    .wrapping_sub(swap_free)
                    .wrapping_sub(kib(SwapCached)),
                missing: Vec::new(),
            }
        }
    };
    HtopMemory {
        missing: mem.absent(&read),
        ..memory
    }
}

/// The `Mem` meter's text, `used/total`: `1002M/15.6G`.
pub fn meter_text(mem: &MemInfoKib, version: HtopVersion) -> String {
    let memory = htop_memory(mem, version);
    format!(
        "{}/{}",
        human_unit(memory.text_used, version),
        human_unit(memory.total, version)
    )
}

/// `Meter_humanUnit` of a KiB value as the version prints it.
pub fn human_unit(kib: u64, version: HtopVersion) -> String {
    if version == HtopVersion::V3_3Plus {
        human_unit_rounding(kib as f64)
    } else {
        human_unit_integer(kib)
    }
}

/// Up to 3.2.x: the unit is the largest power of 1024 not above the value; M and above get 2
/// decimals below 10 units, 1 below 100, else none, judged on the integer quotient; the value
/// is printed with `%.*f`, so 999.6 MiB prints `1000M`.
fn human_unit_integer(value: u64) -> String {
    const PREFIXES: [char; 8] = ['K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
    let mut power: u64 = 1;
    let mut index = 0;
    while value / 1024 >= power && index + 1 < PREFIXES.len() {
        power = power.saturating_mul(1024);
        index += 1;
    }
    let mut precision = if index == 0 { 0 } else { 2 };
    let mut limit: u64 = 1;
    while precision > 0 {
        limit = limit.saturating_mul(10);
        if value / power < limit {
            break;
        }
        precision -= 1;
    }
    let prefix = PREFIXES.get(index).copied().unwrap_or('Y');
    format!("{}{prefix}", fixed(value as f64 / power as f64, precision))
}

/// 3.3.0 and later: divide by 1024 while at least 1024; M and above get 2 decimals up to
/// 9.99, 1 up to 99.9, else none, and values in (9.99, 10) or (99.9, 100) are raised to 10 or
/// 100 before printing (so they print `10.0` or `100`, never `10.00`).
fn human_unit_rounding(mut value: f64) -> String {
    const PREFIXES: [char; 10] = ['K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y', 'R', 'Q'];
    let mut index = 0;
    while value >= 1024.0 {
        if index + 1 >= PREFIXES.len() {
            if value > 9999.0 {
                return "inf".into();
            }
            break;
        }
        value /= 1024.0;
        index += 1;
    }
    let mut precision = 0;
    if index > 0 {
        precision = if value <= 99.9 {
            if value <= 9.99 { 2 } else { 1 }
        } else {
            0
        };
        if precision < 2 {
            let limit = if precision == 1 { 10.0 } else { 100.0 };
            if value < limit {
                value = limit;
            }
        }
    }
    let prefix = PREFIXES.get(index).copied().unwrap_or('Q');
    format!("{}{prefix}", fixed(value, precision))
}

/// C's conversion of a double to `unsigned long` as x86-64 compilers emit it: values below 2^63
/// go through the signed conversion (so a negative value comes out as its two's complement),
/// larger ones are offset by 2^63 first.
fn double_to_unsigned_long(value: f64) -> u64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if value < TWO_63 {
        c_long(value) as u64
    } else {
        (c_long(value - TWO_63) as u64) ^ (1u64 << 63)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_9_2() -> MemInfoKib {
        MemInfoKib {
            mem_total: Some(16_393_244),
            mem_free: Some(9_744_148),
            mem_available: Some(15_020_900),
            buffers: Some(132_344),
            cached: Some(5_207_356),
            swap_cached: Some(0),
            shmem: Some(2_496),
            s_reclaimable: Some(285_824),
            swap_total: Some(0),
            swap_free: Some(0),
            ..MemInfoKib::default()
        }
    }

    fn spec_9_4() -> MemInfoKib {
        MemInfoKib {
            mem_total: Some(263_774_064),
            mem_free: Some(59_887_272),
            mem_available: Some(221_831_940),
            buffers: Some(1_097_668),
            cached: Some(154_110_176),
            shmem: Some(248_384),
            s_reclaimable: Some(7_229_012),
            swap_total: Some(0),
            swap_free: Some(0),
            swap_cached: Some(0),
            ..MemInfoKib::default()
        }
    }

    #[test]
    fn spec_values_and_meter_texts() {
        // accounting.md §9.2 and §9.4.
        let cases: &[(MemInfoKib, HtopVersion, u64, u64, &str)] = &[
            (
                spec_9_2(),
                HtopVersion::V3_3Plus,
                1_023_572,
                5_490_684,
                "1002M/15.6G",
            ),
            (
                spec_9_2(),
                HtopVersion::V3_1_1To3_2,
                1_023_572,
                5_490_684,
                "1000M/15.6G",
            ),
            (
                spec_9_2(),
                HtopVersion::UpTo3_0,
                1_026_068,
                5_490_684,
                "1002M/15.6G",
            ),
            (
                spec_9_2(),
                HtopVersion::V3_1_0,
                1_372_344,
                5_490_684,
                "1.31G/15.6G",
            ),
            (
                spec_9_4(),
                HtopVersion::V3_3Plus,
                41_449_936,
                161_090_804,
                "39.8G/252G",
            ),
            (
                spec_9_4(),
                HtopVersion::V3_1_1To3_2,
                41_449_936,
                161_090_804,
                "39.5G/252G",
            ),
        ];
        for (mem, version, used, cache, text) in cases {
            let memory = htop_memory(mem, *version);
            assert_eq!(memory.used, *used, "{version} used");
            assert_eq!(memory.cache, *cache, "{version} cache");
            assert_eq!(meter_text(mem, *version), *text, "{version} meter text");
        }
    }

    #[test]
    fn human_unit_both_algorithms() {
        let cases: &[(u64, &str, &str)] = &[
            // (KiB, ≤ 3.2.x, ≥ 3.3)
            (0, "0K", "0K"),
            (1023, "1023K", "1023K"),
            (1024, "1.00M", "1.00M"),
            (10_229, "9.99M", "9.99M"),
            (10_235, "10.00M", "10.0M"), // 9.995 MiB: integer quotient 9 keeps 2 decimals
            (102_297, "99.9M", "99.9M"),
            (102_350, "100.0M", "100M"), // 99.951 MiB
            (1_023_572, "1000M", "1000M"),
            (1_048_575, "1024M", "1024M"),
            (16_393_244, "15.6G", "15.6G"),
            (u64::MAX, "16.0Z", "16.0Z"),
        ];
        for (kib, old, new) in cases {
            assert_eq!(
                human_unit(*kib, HtopVersion::V3_1_1To3_2),
                *old,
                "≤3.2 {kib}"
            );
            assert_eq!(human_unit(*kib, HtopVersion::V3_3Plus), *new, "≥3.3 {kib}");
        }
    }

    #[test]
    fn versions_parse() {
        let cases: &[(&str, Option<HtopVersion>)] = &[
            ("htop 2.2.0", Some(HtopVersion::UpTo3_0)),
            ("3.0.5", Some(HtopVersion::UpTo3_0)),
            ("3.1.0", Some(HtopVersion::V3_1_0)),
            ("3.1.1", Some(HtopVersion::V3_1_1To3_2)),
            ("htop 3.2.2", Some(HtopVersion::V3_1_1To3_2)),
            ("3.3.0", Some(HtopVersion::V3_3Plus)),
            ("3.4.1-1", Some(HtopVersion::V3_3Plus)),
            ("htop", None),
        ];
        for (text, want) in cases {
            assert_eq!(HtopVersion::parse(text), *want, "{text}");
        }
    }
}

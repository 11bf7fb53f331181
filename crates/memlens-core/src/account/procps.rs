//! procps-ng `free` and `top`: their columns from `/proc/meminfo`, for every version generation,
//! and the exact text they print.
//!
//! Sources read: procps-ng 3.3.17 `proc/sysinfo.c` (`meminfo`) and `free.c`; procps-ng 4.0.2
//! `library/meminfo.c` (`meminfo_read_failed`), `src/free.c` and `src/top/top.c` (`do_memory`);
//! an early 3.3.x `free.c` (the `-/+ buffers/cache` layout). Rules for versions whose source was
//! not at hand (3.3.9–3.3.16, 4.0.0) come from the spec (`accounting.md` §6) and published
//! output, and say so where they are implemented. The integration test `procps_oracle` runs the
//! real `free` and `top` on bind-mounted meminfo files; it has matched procps-ng 4.0.2, 4.0.4
//! and 3.3.17 on every output it compares.
//!
//! Which meminfo lines each value uses:
//!
//! | value | ≤ 3.3.9 | 3.3.10–3.3.11 | 3.3.12–4.0.0 | ≥ 4.0.1 |
//! |---|---|---|---|---|
//! | total, free, buffers | `MemTotal`, `MemFree`, `Buffers` | same | same | same |
//! | shared | `Shmem` (0 before 3.3.9) | `Shmem` | `Shmem` | `Shmem` |
//! | cache | `Cached` | `Cached` + `Slab` | `Cached` + `SReclaimable` | same |
//! | used | total − free | total − free − buffers − cache | same | total − available |
//! | available | — | `MemAvailable`, else an estimate (below) | same | `MemAvailable`, else `MemFree` |
//! | swap | `SwapTotal`, `SwapFree` | same | same | same |
//! | `-v` (4.0.0+) | | | `CommitLimit`, `Committed_AS` | same |
//! | `-l` | `LowTotal`, `LowFree`, `HighTotal`, `HighFree` | same | same | same |
//!
//! The 3.3.10–3.3.17 estimate reads `MemFree`, `Active(file)`, `Inactive(file)`, `SReclaimable`
//! and `/proc/sys/vm/min_free_kbytes` ([`MemInfoKib::min_free_kbytes`]).
//!
//! Arithmetic follows the C code: the tools hold KiB in `unsigned long` and subtract without
//! checks, so a difference that would be negative wraps to a huge value and is printed as a
//! negative `long` or a huge size, exactly as here.

mod flags;
mod text;
mod top;

use std::fmt;

use serde::{Serialize, Serializer};

pub use flags::{FreeArgError, FreeFlags, FreeUnit};
pub use text::{FreeTextError, free_text};
pub use top::{TopLines, TopScale, top_lines};

use super::{Input, MemInfoKib, MeminfoKey};

/// The procps-ng generations whose `used` (and `available`) differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProcpsGeneration {
    /// Up to 3.3.9: `used = total − free`, old layout with a `-/+ buffers/cache` row.
    V3_9,
    /// 3.3.10–3.3.11: new layout; cache counts all of `Slab`.
    V3_10,
    /// 3.3.12–4.0.0: cache counts `SReclaimable`; `used = total − free − buffers − cache`.
    V3_12,
    /// 4.0.1 and later: `used = total − available`.
    V4,
}

impl ProcpsGeneration {
    pub const ALL: [ProcpsGeneration; 4] = [
        ProcpsGeneration::V3_9,
        ProcpsGeneration::V3_10,
        ProcpsGeneration::V3_12,
        ProcpsGeneration::V4,
    ];

    /// The stable id used in quantity names (`procps.used_bytes.v4`).
    pub fn id(self) -> &'static str {
        match self {
            ProcpsGeneration::V3_9 => "v3_9",
            ProcpsGeneration::V3_10 => "v3_10",
            ProcpsGeneration::V3_12 => "v3",
            ProcpsGeneration::V4 => "v4",
        }
    }

    pub fn from_id(id: &str) -> Option<ProcpsGeneration> {
        ProcpsGeneration::ALL
            .into_iter()
            .find(|generation| generation.id() == id)
    }

    /// The versions it covers, for people.
    pub fn label(self) -> &'static str {
        match self {
            ProcpsGeneration::V3_9 => "procps-ng ≤ 3.3.9",
            ProcpsGeneration::V3_10 => "procps-ng 3.3.10–3.3.11",
            ProcpsGeneration::V3_12 => "procps-ng 3.3.12–4.0.0",
            ProcpsGeneration::V4 => "procps-ng ≥ 4.0.1",
        }
    }

    /// The release whose text stands for the generation: 3.3.9 (Ubuntu 14.04, Debian 8),
    /// 3.3.10 (CentOS/RHEL 7), 3.3.17 (Ubuntu 22.04, RHEL 9, Debian 11) and 4.0.2 (Debian 12,
    /// the version the oracle test runs).
    pub fn representative(self) -> ProcpsVersion {
        match self {
            ProcpsGeneration::V3_9 => ProcpsVersion::new(3, 3, 9),
            ProcpsGeneration::V3_10 => ProcpsVersion::new(3, 3, 10),
            ProcpsGeneration::V3_12 => ProcpsVersion::new(3, 3, 17),
            ProcpsGeneration::V4 => ProcpsVersion::new(4, 0, 2),
        }
    }
}

impl fmt::Display for ProcpsGeneration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for ProcpsGeneration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// A procps-ng release. The text `free` and `top` print changes at releases inside a
/// generation (column widths at 3.3.17, `-h` at 3.3.13 and 4.0.0, …), so printing takes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcpsVersion {
    pub major: u16,
    pub minor: u16,
    pub patch: u16,
}

impl ProcpsVersion {
    pub const fn new(major: u16, minor: u16, patch: u16) -> ProcpsVersion {
        ProcpsVersion {
            major,
            minor,
            patch,
        }
    }

    /// Reads `3.3.17`, `4.0.2`, `2:4.0.2-3` or `free from procps-ng 3.3.10`.
    pub fn parse(text: &str) -> Option<ProcpsVersion> {
        let (major, minor, patch) = super::find_version(text)?;
        Some(ProcpsVersion::new(major, minor, patch))
    }

    pub fn generation(self) -> ProcpsGeneration {
        if self < ProcpsVersion::new(3, 3, 10) {
            ProcpsGeneration::V3_9
        } else if self < ProcpsVersion::new(3, 3, 12) {
            ProcpsGeneration::V3_10
        } else if self < ProcpsVersion::new(4, 0, 1) {
            ProcpsGeneration::V3_12
        } else {
            ProcpsGeneration::V4
        }
    }

    fn at_least(self, major: u16, minor: u16, patch: u16) -> bool {
        self >= ProcpsVersion::new(major, minor, patch)
    }
}

impl From<ProcpsGeneration> for ProcpsVersion {
    fn from(generation: ProcpsGeneration) -> ProcpsVersion {
        generation.representative()
    }
}

impl fmt::Display for ProcpsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl Serialize for ProcpsVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where the `available` column came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AvailableRule {
    /// `MemAvailable` as the kernel printed it.
    MemAvailable,
    /// `MemAvailable` exceeded `MemTotal` (lxcfs and other container views), so `MemFree` was
    /// used (3.3.11 and later).
    ClampedToMemFree,
    /// `MemAvailable` missing or 0: 4.x shows `MemFree`.
    MemFreeFallback,
    /// `MemAvailable` missing or 0: 3.3.10–3.3.17 estimate it the way kernel 3.14 does, from
    /// `min_free_kbytes`.
    Estimated,
    /// The estimate needs `/proc/sys/vm/min_free_kbytes`, which was not given.
    EstimateNeedsMinFreeKbytes,
    /// ≤ 3.3.9 has no `available` column.
    NotShown,
}

/// `free`'s numbers in KiB, as the tool holds them: `unsigned long` arithmetic, so a difference
/// the tool does not guard wraps around exactly as the C code wraps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FreeColumns {
    pub version: ProcpsVersion,
    pub total: u64,
    pub used: u64,
    pub free: u64,
    pub shared: u64,
    pub buffers: u64,
    /// The `cache` column of `-w` (the library's "cached": see the table in the module doc).
    pub cache: u64,
    /// `buffers + cache`.
    pub buff_cache: u64,
    /// `None` only when [`AvailableRule::EstimateNeedsMinFreeKbytes`].
    pub available: Option<u64>,
    pub available_rule: AvailableRule,
    pub swap_total: u64,
    pub swap_used: u64,
    pub swap_free: u64,
    /// `-/+ buffers/cache` used (≤ 3.3.9): `used − (buffers + cache)`.
    pub adjusted_used: u64,
    /// `-/+ buffers/cache` free (≤ 3.3.9): `free + buffers + cache`.
    pub adjusted_free: u64,
    pub low_total: u64,
    pub low_used: u64,
    pub low_free: u64,
    pub high_total: u64,
    pub high_used: u64,
    pub high_free: u64,
    pub commit_limit: u64,
    pub committed_as: u64,
    /// `CommitLimit − Committed_AS`, wrapping like the tool when the commit is over the limit.
    pub commit_free: u64,
    /// Lines these columns read that the paste does not have (read as 0, as the tool would),
    /// and `min_free_kbytes` when the estimate needed it.
    pub missing: Vec<Input>,
}

/// The meminfo lines `free` reads for its `Mem:` and `Swap:` rows in this version (the `-l` and
/// `-v` rows add `LowTotal`, `LowFree`, `HighTotal`, `HighFree`, and `CommitLimit`,
/// `Committed_AS`). The estimate lines are included only where the version can estimate.
pub fn keys_read(version: ProcpsVersion) -> Vec<MeminfoKey> {
    use MeminfoKey::*;
    let mut keys = vec![MemTotal, MemFree, Buffers, Cached];
    if version.at_least(3, 3, 9) {
        keys.push(Shmem);
    }
    match version.generation() {
        ProcpsGeneration::V3_9 => {}
        ProcpsGeneration::V3_10 => keys.extend([Slab, MemAvailable]),
        ProcpsGeneration::V3_12 | ProcpsGeneration::V4 => keys.extend([SReclaimable, MemAvailable]),
    }
    keys.extend([SwapTotal, SwapFree]);
    keys
}

/// The lines the 3.3.10–3.3.17 estimate of `available` reads when `MemAvailable` is missing.
const ESTIMATE_KEYS: [MeminfoKey; 4] = [
    MeminfoKey::MemFree,
    MeminfoKey::ActiveFile,
    MeminfoKey::InactiveFile,
    MeminfoKey::SReclaimable,
];

/// `free`'s (and `top`'s) numbers for one release.
pub fn free_columns(mem: &MemInfoKib, version: ProcpsVersion) -> FreeColumns {
    use MeminfoKey::*;
    let kib = |key| mem.kib(key);
    let generation = version.generation();
    let mut missing = mem.absent(&keys_read(version));

    let total = kib(MemTotal);
    let free = kib(MemFree);
    let buffers = kib(Buffers);
    // "free can once again report non-zero 'shared' memory" (procps-ng 3.3.9 NEWS): earlier
    // 3.3.x releases printed 0.
    let shared = if version.at_least(3, 3, 9) {
        kib(Shmem)
    } else {
        0
    };
    let cache = match generation {
        ProcpsGeneration::V3_9 => kib(Cached),
        ProcpsGeneration::V3_10 => kib(Cached).wrapping_add(kib(Slab)),
        ProcpsGeneration::V3_12 | ProcpsGeneration::V4 => {
            kib(Cached).wrapping_add(kib(SReclaimable))
        }
    };
    let buff_cache = buffers.wrapping_add(cache);

    let (used, available, available_rule) = match generation {
        ProcpsGeneration::V3_9 => (total.wrapping_sub(free), None, AvailableRule::NotShown),
        ProcpsGeneration::V3_10 | ProcpsGeneration::V3_12 => {
            // procps 3.3.17 proc/sysinfo.c meminfo(): clamp, then used, then the estimate.
            let mut available = kib(MemAvailable);
            let mut rule = AvailableRule::MemAvailable;
            if version.at_least(3, 3, 11) && available > total {
                available = free;
                rule = AvailableRule::ClampedToMemFree;
            }
            let difference = total
                .wrapping_sub(free)
                .wrapping_sub(cache)
                .wrapping_sub(buffers);
            // 3.3.10 stored the difference as it came; 3.3.11 added the "if < 0" fallback.
            let used = if version.at_least(3, 3, 11) && (difference as i64) < 0 {
                total.wrapping_sub(free)
            } else {
                difference
            };
            if available == 0 {
                match mem.min_free_kbytes {
                    Some(min_free) => {
                        missing.extend(mem.absent(&ESTIMATE_KEYS));
                        (
                            used,
                            Some(estimate_available(mem, min_free)),
                            AvailableRule::Estimated,
                        )
                    }
                    None => {
                        missing.extend(mem.absent(&ESTIMATE_KEYS));
                        missing.push(Input::MinFreeKbytes);
                        (used, None, AvailableRule::EstimateNeedsMinFreeKbytes)
                    }
                }
            } else {
                (used, Some(available), rule)
            }
        }
        ProcpsGeneration::V4 => {
            // procps 4.0.2 library/meminfo.c meminfo_read_failed().
            let mut available = kib(MemAvailable);
            let mut rule = AvailableRule::MemAvailable;
            if available == 0 {
                available = free;
                rule = AvailableRule::MemFreeFallback;
            }
            if available > total {
                available = free;
                rule = AvailableRule::ClampedToMemFree;
            }
            let mut used = total.wrapping_sub(available) as i64;
            if used < 0 {
                used = total.wrapping_sub(free) as i64;
            }
            (used as u64, Some(available), rule)
        }
    };

    let swap_total = kib(SwapTotal);
    let swap_free = kib(SwapFree);
    let swap_used = if generation == ProcpsGeneration::V4 {
        swap_total.saturating_sub(swap_free)
    } else {
        swap_total.wrapping_sub(swap_free)
    };

    // Low and High exist on 32-bit highmem kernels only; without them "low" is all of memory.
    let (low_total, low_free) = match kib(LowTotal) {
        0 => (total, free),
        low_total => (low_total, kib(LowFree)),
    };
    let high_total = kib(HighTotal);
    let high_free = kib(HighFree);
    let (low_used, high_used) = if generation == ProcpsGeneration::V4 {
        (
            low_total.saturating_sub(low_free),
            high_total.saturating_sub(high_free),
        )
    } else {
        (
            low_total.wrapping_sub(low_free),
            high_total.wrapping_sub(high_free),
        )
    };

    let commit_limit = kib(CommitLimit);
    let committed_as = kib(CommittedAs);

    missing.sort();
    missing.dedup();
    FreeColumns {
        version,
        total,
        used,
        free,
        shared,
        buffers,
        cache,
        buff_cache,
        available,
        available_rule,
        swap_total,
        swap_used,
        swap_free,
        adjusted_used: used.wrapping_sub(buff_cache),
        adjusted_free: free.wrapping_add(buff_cache),
        low_total,
        low_used,
        low_free,
        high_total,
        high_used,
        high_free,
        commit_limit,
        committed_as,
        commit_free: commit_limit.wrapping_sub(committed_as),
        missing,
    }
}

/// procps 3.3.10–3.3.17's stand-in for `MemAvailable` (kernels 2.6.27–3.13), the kernel's own
/// formula with the low watermark taken as `min_free_kbytes × 5/4`:
/// `MemFree − low + pagecache − min(pagecache/2, low) + SReclaimable − min(SReclaimable/2, low)`,
/// at least 0, where pagecache = `Active(file) + Inactive(file)`. The C code mixes signed and
/// unsigned longs; the result is the exact value, clamped at 0, for any realistic input.
fn estimate_available(mem: &MemInfoKib, min_free_kbytes: u64) -> u64 {
    let low = i128::from(min_free_kbytes.wrapping_mul(5) / 4);
    let free = i128::from(mem.kib(MeminfoKey::MemFree));
    let pagecache = i128::from(
        mem.kib(MeminfoKey::InactiveFile)
            .wrapping_add(mem.kib(MeminfoKey::ActiveFile)),
    );
    let reclaimable = i128::from(mem.kib(MeminfoKey::SReclaimable));
    let estimate = free - low + pagecache - (pagecache / 2).min(low) + reclaimable
        - (reclaimable / 2).min(low);
    // The C code keeps the sum in a signed long; a sum past its range wraps there.
    let wrapped = estimate as i64;
    if wrapped < 0 { 0 } else { wrapped as u64 }
}

/// A column of `free`, for naming a derivation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FreeColumn {
    Total,
    Used,
    Free,
    Shared,
    Buffers,
    Cache,
    BuffCache,
    Available,
    SwapTotal,
    SwapUsed,
    SwapFree,
}

/// How a version computes one column: the formula in meminfo terms and the lines it reads.
pub fn column_rule(
    column: FreeColumn,
    version: ProcpsVersion,
) -> (&'static str, &'static [MeminfoKey]) {
    use MeminfoKey::*;
    let generation = version.generation();
    match column {
        FreeColumn::Total => ("MemTotal", &[MemTotal]),
        FreeColumn::Free => ("MemFree", &[MemFree]),
        FreeColumn::Shared if version.at_least(3, 3, 9) => ("Shmem", &[Shmem]),
        FreeColumn::Shared => ("0 (not read before 3.3.9)", &[]),
        FreeColumn::Buffers => ("Buffers", &[Buffers]),
        FreeColumn::Cache | FreeColumn::BuffCache => match (generation, column) {
            (ProcpsGeneration::V3_9, FreeColumn::Cache) => ("Cached", &[Cached]),
            (ProcpsGeneration::V3_9, _) => ("Buffers + Cached", &[Buffers, Cached]),
            (ProcpsGeneration::V3_10, FreeColumn::Cache) => ("Cached + Slab", &[Cached, Slab]),
            (ProcpsGeneration::V3_10, _) => ("Buffers + Cached + Slab", &[Buffers, Cached, Slab]),
            (_, FreeColumn::Cache) => ("Cached + SReclaimable", &[Cached, SReclaimable]),
            _ => (
                "Buffers + Cached + SReclaimable",
                &[Buffers, Cached, SReclaimable],
            ),
        },
        FreeColumn::Used => match generation {
            ProcpsGeneration::V3_9 => ("MemTotal − MemFree", &[MemTotal, MemFree]),
            ProcpsGeneration::V3_10 => (
                "MemTotal − MemFree − Buffers − (Cached + Slab)",
                &[MemTotal, MemFree, Buffers, Cached, Slab],
            ),
            ProcpsGeneration::V3_12 => (
                "MemTotal − MemFree − Buffers − (Cached + SReclaimable)",
                &[MemTotal, MemFree, Buffers, Cached, SReclaimable],
            ),
            ProcpsGeneration::V4 => ("MemTotal − MemAvailable", &[MemTotal, MemAvailable]),
        },
        FreeColumn::Available => match generation {
            ProcpsGeneration::V3_9 => ("not shown", &[]),
            ProcpsGeneration::V4 => (
                "MemAvailable (MemFree if 0 or above MemTotal)",
                &[MemAvailable, MemFree, MemTotal],
            ),
            _ => (
                "MemAvailable (MemFree if above MemTotal; estimated from min_free_kbytes if 0)",
                &[
                    MemAvailable,
                    MemFree,
                    MemTotal,
                    ActiveFile,
                    InactiveFile,
                    SReclaimable,
                ],
            ),
        },
        FreeColumn::SwapTotal => ("SwapTotal", &[SwapTotal]),
        FreeColumn::SwapUsed => ("SwapTotal − SwapFree", &[SwapTotal, SwapFree]),
        FreeColumn::SwapFree => ("SwapFree", &[SwapFree]),
    }
}

#[cfg(test)]
mod tests;

//! cAdvisor's memory numbers for one cgroup: usage, working set, RSS, cache, swap.
//!
//! The raw numbers come from the container library cAdvisor and the kubelet are built with
//! (opencontainers/runc `libcontainer/cgroups`, later opencontainers/cgroups); cAdvisor maps
//! them in `setMemoryStats` (google/cadvisor `container/libcontainer/handler.go`, the same
//! working-set logic v0.37.0 … v0.60.5). Which files feed usage depends on the hierarchy and,
//! for the cgroup v2 root (which has no `memory.current`), on the library version:
//!
//! | cgroup | usage |
//! |---|---|
//! | v1, any | `memory.usage_in_bytes` |
//! | v2, non-root | `memory.current` |
//! | v2 root, runc ≥ 1.1.9 / opencontainers/cgroups (kubelet ≥ 1.29) | `anon + file` of the root `memory.stat` |
//! | v2 root, runc v1.0.0-rc94 … v1.1.8 (kubelet ≤ 1.28) | `(MemTotal − MemFree) × 1024` from `/proc/meminfo` |
//! | v2 root, runc ≤ v1.0.0-rc93 | none: the library returns an error |
//!
//! Arithmetic follows the Go code: the working set saturates at 0 because cAdvisor checks
//! for it; the library's own sums and differences are `uint64` and wrap, which is what makes
//! the v2-root swap of runc rc94 … 1.1.8 underflow.

use serde::Serialize;

use super::term::{Derived, Lookup, Missing, Term};

/// How the cgroup v2 root's usage is emulated, by container-library version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RootUsageRule {
    /// `anon + file` of the root `memory.stat`: runc ≥ 1.1.9 and every opencontainers/cgroups
    /// (kubelet ≥ 1.29).
    AnonPlusFile,
    /// `(MemTotal − MemFree) × 1024`: runc v1.0.0-rc94 … v1.1.8 (kubelet ≤ 1.28).
    TotalMinusFree,
    /// No root memory stats at all: runc ≤ v1.0.0-rc93.
    Unavailable,
}

impl RootUsageRule {
    /// The stable string of the rule (used in assumptions and the report).
    pub fn as_str(self) -> &'static str {
        match self {
            RootUsageRule::AnonPlusFile => "anon+file",
            RootUsageRule::TotalMinusFree => "total-free",
            RootUsageRule::Unavailable => "unavailable",
        }
    }
}

/// The cgroup whose numbers are wanted, as far as the formulas care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cgroup {
    /// A cgroup v1 memory cgroup (root or not); `use_hierarchy` is `memory.use_hierarchy == 1`,
    /// which picks the `total_*` keys for RSS, cache and swap.
    V1 { use_hierarchy: bool },
    /// A cgroup v2 cgroup other than the root.
    V2,
    /// The cgroup v2 root (`/sys/fs/cgroup`), under the given library rule.
    V2Root(RootUsageRule),
}

/// Why a number cannot be computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoValue {
    /// Inputs the formula needs are not in the paste.
    Missing(Missing),
    /// The tool itself has no value: a runc ≤ v1.0.0-rc93 library fails on the cgroup v2 root.
    NotReported,
}

impl NoValue {
    fn missing(inputs: Vec<&'static str>) -> Self {
        NoValue::Missing(Missing { inputs })
    }
}

/// An empty `Lookup`, for callers that have no `/proc/meminfo` (or no `memory.stat`).
pub const NOTHING: [(&str, u64); 0] = [];

/// The cgroup's memory usage as cAdvisor reports it (`container_memory_usage_bytes`, the
/// kubelet's `usageBytes`).
///
/// `usage_file` is `memory.usage_in_bytes` (v1) or `memory.current` (v2 non-root); the v2 root
/// reads `anon`/`file` from `stat` or `MemTotal`/`MemFree` (kB) from `meminfo` instead.
pub fn usage(
    cgroup: Cgroup,
    usage_file: Option<u64>,
    stat: &(impl Lookup + ?Sized),
    meminfo: &(impl Lookup + ?Sized),
) -> Result<Derived<u64>, NoValue> {
    match cgroup {
        Cgroup::V1 { .. } => {
            let usage = usage_file.ok_or(NoValue::missing(vec!["memory.usage_in_bytes"]))?;
            Ok(Derived::new(
                usage,
                "memory.usage_in_bytes",
                vec![Term::new("memory.usage_in_bytes", usage)],
            ))
        }
        Cgroup::V2 => {
            let usage = usage_file.ok_or(NoValue::missing(vec!["memory.current"]))?;
            Ok(Derived::new(
                usage,
                "memory.current",
                vec![Term::new("memory.current", usage)],
            ))
        }
        Cgroup::V2Root(RootUsageRule::AnonPlusFile) => {
            let (anon, file) = both(stat, "anon", "file")?;
            // opencontainers/cgroups fs2/memory.go `rootStatsFromMeminfo`: a uint64 sum.
            Ok(Derived::new(
                anon.wrapping_add(file),
                "anon + file",
                vec![Term::new("anon", anon), Term::new("file", file)],
            ))
        }
        Cgroup::V2Root(RootUsageRule::TotalMinusFree) => {
            let (total, free) = both(meminfo, "MemTotal", "MemFree")?;
            // runc v1.1.4 libcontainer/cgroups/fs2/memory.go `statsFromMeminfo`: uint64.
            Ok(Derived::new(
                total.wrapping_sub(free).wrapping_mul(1024),
                "(MemTotal − MemFree) × 1024",
                vec![Term::new("MemTotal", total), Term::new("MemFree", free)],
            ))
        }
        Cgroup::V2Root(RootUsageRule::Unavailable) => Err(NoValue::NotReported),
    }
}

/// The working set (`container_memory_working_set_bytes`, the kubelet's `workingSetBytes`):
/// usage minus the inactive file pages, 0 when those exceed usage, and usage itself when the
/// inactive key is absent (cAdvisor only subtracts a key it found).
pub fn working_set(cgroup: Cgroup, usage: u64, stat: &(impl Lookup + ?Sized)) -> Derived<u64> {
    let v1 = matches!(cgroup, Cgroup::V1 { .. });
    let key = if v1 {
        "total_inactive_file"
    } else {
        "inactive_file"
    };
    let usage_term = Term::new("usage", usage);
    match stat.get_value(key) {
        Some(inactive) if inactive <= usage => Derived::new(
            usage - inactive,
            if v1 {
                "usage − total_inactive_file"
            } else {
                "usage − inactive_file"
            },
            vec![usage_term, Term::new(key, inactive)],
        ),
        Some(inactive) => Derived::new(
            0,
            if v1 {
                "0, because total_inactive_file exceeds usage"
            } else {
                "0, because inactive_file exceeds usage"
            },
            vec![usage_term, Term::new(key, inactive)],
        ),
        None => Derived::new(
            usage,
            if v1 {
                "usage, because total_inactive_file is absent"
            } else {
                "usage, because inactive_file is absent"
            },
            vec![usage_term],
        ),
    }
}

/// RSS (`container_memory_rss`, the kubelet's `rssBytes`): v2 `anon`; v1 `total_rss` with
/// hierarchy, `rss` without.
pub fn rss(cgroup: Cgroup, stat: &(impl Lookup + ?Sized)) -> Result<Derived<u64>, NoValue> {
    let key = match cgroup {
        Cgroup::V1 {
            use_hierarchy: true,
        } => "total_rss",
        Cgroup::V1 {
            use_hierarchy: false,
        } => "rss",
        Cgroup::V2 | Cgroup::V2Root(_) => "anon",
    };
    single(cgroup, stat, key)
}

/// Cache (`container_memory_cache`): v2 `file`; v1 `total_cache` with hierarchy, `cache`
/// without.
pub fn cache(cgroup: Cgroup, stat: &(impl Lookup + ?Sized)) -> Result<Derived<u64>, NoValue> {
    let key = match cgroup {
        Cgroup::V1 {
            use_hierarchy: true,
        } => "total_cache",
        Cgroup::V1 {
            use_hierarchy: false,
        } => "cache",
        Cgroup::V2 | Cgroup::V2Root(_) => "file",
    };
    single(cgroup, stat, key)
}

/// Swap (`container_memory_swap`, the kubelet's `swapUsageBytes`).
///
/// v1 reads `total_swap` (hierarchy) or `swap`. On v2 cAdvisor computes
/// `SwapUsage.Usage − Usage.Usage` in uint64, where the library set `SwapUsage.Usage` to
/// `memory.swap.current + memory.current` (non-root), to `(SwapTotal − SwapFree) × 1024 + usage`
/// (root, runc ≥ 1.1.9) or to `(SwapTotal − SwapFree) × 1024` alone (root, runc rc94 … 1.1.8) —
/// the last one wraps to about 1.8e19 whenever less swap than memory is in use.
///
/// `swap_current` is `memory.swap.current` (v2 non-root only); `meminfo` gives `SwapTotal` and
/// `SwapFree` in kB for the v2 root.
pub fn swap(
    cgroup: Cgroup,
    usage: u64,
    swap_current: Option<u64>,
    stat: &(impl Lookup + ?Sized),
    meminfo: &(impl Lookup + ?Sized),
) -> Result<Derived<u64>, NoValue> {
    match cgroup {
        Cgroup::V1 { use_hierarchy } => single(
            cgroup,
            stat,
            if use_hierarchy { "total_swap" } else { "swap" },
        ),
        Cgroup::V2 => {
            let current = swap_current.ok_or(NoValue::missing(vec!["memory.swap.current"]))?;
            let swap_usage = current.wrapping_add(usage);
            Ok(Derived::new(
                swap_usage.wrapping_sub(usage),
                "(memory.swap.current + usage) − usage",
                vec![
                    Term::new("memory.swap.current", current),
                    Term::new("usage", usage),
                ],
            ))
        }
        Cgroup::V2Root(RootUsageRule::AnonPlusFile) => {
            let (total, free) = both(meminfo, "SwapTotal", "SwapFree")?;
            let swap_usage = total
                .wrapping_sub(free)
                .wrapping_mul(1024)
                .wrapping_add(usage);
            Ok(Derived::new(
                swap_usage.wrapping_sub(usage),
                "((SwapTotal − SwapFree) × 1024 + usage) − usage",
                vec![
                    Term::new("SwapTotal", total),
                    Term::new("SwapFree", free),
                    Term::new("usage", usage),
                ],
            ))
        }
        Cgroup::V2Root(RootUsageRule::TotalMinusFree) => {
            let (total, free) = both(meminfo, "SwapTotal", "SwapFree")?;
            let swap_usage = total.wrapping_sub(free).wrapping_mul(1024);
            Ok(Derived::new(
                swap_usage.wrapping_sub(usage),
                "(SwapTotal − SwapFree) × 1024 − usage, in uint64 (wraps below 0)",
                vec![
                    Term::new("SwapTotal", total),
                    Term::new("SwapFree", free),
                    Term::new("usage", usage),
                ],
            ))
        }
        Cgroup::V2Root(RootUsageRule::Unavailable) => Err(NoValue::NotReported),
    }
}

fn single(
    cgroup: Cgroup,
    stat: &(impl Lookup + ?Sized),
    key: &'static str,
) -> Result<Derived<u64>, NoValue> {
    if cgroup == Cgroup::V2Root(RootUsageRule::Unavailable) {
        return Err(NoValue::NotReported);
    }
    let value = stat.get_value(key).ok_or(NoValue::missing(vec![key]))?;
    Ok(Derived::new(value, key, vec![Term::new(key, value)]))
}

fn both(
    from: &(impl Lookup + ?Sized),
    a: &'static str,
    b: &'static str,
) -> Result<(u64, u64), NoValue> {
    match (from.get_value(a), from.get_value(b)) {
        (Some(x), Some(y)) => Ok((x, y)),
        (x, y) => {
            let mut missing = Vec::new();
            if x.is_none() {
                missing.push(a);
            }
            if y.is_none() {
                missing.push(b);
            }
            Err(NoValue::missing(missing))
        }
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    /// The root `memory.stat` of runc PR #3933's fixture (accounting.md 9.1).
    const ROOT_V2: [(&str, u64); 8] = [
        ("anon", 790425600),
        ("file", 6502666240),
        ("inactive_file", 5307346944),
        ("active_file", 1179316224),
        ("file_mapped", 656187392),
        ("shmem", 6721536),
        ("pgfault", 103216687),
        ("pgmajfault", 6879),
    ];

    const MEMINFO: [(&str, u64); 4] = [
        ("MemTotal", 16393244),
        ("MemFree", 1000000),
        ("SwapTotal", 2097148),
        ("SwapFree", 2097148),
    ];

    #[test]
    fn usage_by_cgroup_and_rule() {
        let anon_file = Cgroup::V2Root(RootUsageRule::AnonPlusFile);
        let total_free = Cgroup::V2Root(RootUsageRule::TotalMinusFree);
        let rows: &[(Cgroup, Option<u64>, Result<u64, NoValue>)] = &[
            (anon_file, None, Ok(7293091840)),
            // the file is ignored on the root: the root has no memory.current
            (anon_file, Some(1), Ok(7293091840)),
            (total_free, None, Ok((16393244 - 1000000) * 1024)),
            (
                Cgroup::V2Root(RootUsageRule::Unavailable),
                None,
                Err(NoValue::NotReported),
            ),
            (Cgroup::V2, Some(123), Ok(123)),
            (
                Cgroup::V2,
                None,
                Err(NoValue::missing(vec!["memory.current"])),
            ),
            (
                Cgroup::V1 {
                    use_hierarchy: true,
                },
                Some(1406832640),
                Ok(1406832640),
            ),
            (
                Cgroup::V1 {
                    use_hierarchy: false,
                },
                None,
                Err(NoValue::missing(vec!["memory.usage_in_bytes"])),
            ),
        ];
        for (cgroup, file, expected) in rows {
            let actual = usage(*cgroup, *file, &ROOT_V2, &MEMINFO).map(|d| d.value);
            assert_eq!(&actual, expected, "{cgroup:?} file={file:?}");
        }
    }

    #[test]
    fn root_usage_reports_missing_inputs_by_name() {
        let rows: &[(Cgroup, &[(&str, u64)], &[(&str, u64)], Vec<&str>)] = &[
            (
                Cgroup::V2Root(RootUsageRule::AnonPlusFile),
                &[("anon", 1)],
                &[],
                vec!["file"],
            ),
            (
                Cgroup::V2Root(RootUsageRule::AnonPlusFile),
                &[],
                &[],
                vec!["anon", "file"],
            ),
            (
                Cgroup::V2Root(RootUsageRule::TotalMinusFree),
                &[],
                &[("MemFree", 1)],
                vec!["MemTotal"],
            ),
        ];
        for (cgroup, stat, meminfo, expected) in rows {
            let actual = usage(*cgroup, None, *stat, *meminfo);
            assert_eq!(
                actual,
                Err(NoValue::missing(expected.clone())),
                "{cgroup:?}"
            );
        }
    }

    #[test]
    fn working_set_rows() {
        let rows: &[(Cgroup, u64, &[(&str, u64)], u64, &str)] = &[
            // accounting.md 9.1
            (
                Cgroup::V2Root(RootUsageRule::AnonPlusFile),
                7293091840,
                &ROOT_V2,
                1985744896,
                "usage − inactive_file",
            ),
            // accounting.md 9.3: v1 root, total_inactive_file = usage − WS
            (
                Cgroup::V1 {
                    use_hierarchy: true,
                },
                1406832640,
                &[("total_inactive_file", 478298112)],
                928534528,
                "usage − total_inactive_file",
            ),
            // v1 reads total_inactive_file even without hierarchy, and ignores inactive_file
            (
                Cgroup::V1 {
                    use_hierarchy: false,
                },
                100,
                &[("inactive_file", 40), ("total_inactive_file", 30)],
                70,
                "usage − total_inactive_file",
            ),
            // saturates at 0
            (
                Cgroup::V2,
                100,
                &[("inactive_file", 101)],
                0,
                "0, because inactive_file exceeds usage",
            ),
            (
                Cgroup::V2,
                100,
                &[("inactive_file", 100)],
                0,
                "usage − inactive_file",
            ),
            // missing key: WS = usage
            (
                Cgroup::V2,
                100,
                &[("active_file", 5)],
                100,
                "usage, because inactive_file is absent",
            ),
            (
                Cgroup::V1 {
                    use_hierarchy: true,
                },
                100,
                &[("inactive_file", 5)],
                100,
                "usage, because total_inactive_file is absent",
            ),
            (
                Cgroup::V2,
                u64::MAX,
                &[("inactive_file", 0)],
                u64::MAX,
                "usage − inactive_file",
            ),
        ];
        for (cgroup, usage, stat, expected, formula) in rows {
            let actual = working_set(*cgroup, *usage, *stat);
            assert_eq!(
                (actual.value, actual.formula),
                (*expected, *formula),
                "{cgroup:?} usage={usage}"
            );
        }
    }

    #[test]
    fn working_set_terms_name_the_kernel_keys() {
        let ws = working_set(Cgroup::V2, 7293091840, &ROOT_V2);
        assert_eq!(
            ws.terms,
            vec![
                Term::new("usage", 7293091840u64),
                Term::new("inactive_file", 5307346944u64)
            ]
        );
    }

    #[test]
    fn rss_and_cache_keys() {
        let stat = [
            ("anon", 1u64),
            ("file", 2),
            ("total_rss", 3),
            ("total_cache", 4),
            ("rss", 5),
            ("cache", 6),
        ];
        let rows: &[(Cgroup, u64, u64)] = &[
            (Cgroup::V2, 1, 2),
            (Cgroup::V2Root(RootUsageRule::TotalMinusFree), 1, 2),
            (
                Cgroup::V1 {
                    use_hierarchy: true,
                },
                3,
                4,
            ),
            (
                Cgroup::V1 {
                    use_hierarchy: false,
                },
                5,
                6,
            ),
        ];
        for (cgroup, expected_rss, expected_cache) in rows {
            let actual = (
                rss(*cgroup, &stat).map(|d| d.value),
                cache(*cgroup, &stat).map(|d| d.value),
            );
            assert_eq!(
                actual,
                (Ok(*expected_rss), Ok(*expected_cache)),
                "{cgroup:?}"
            );
        }
        // accounting.md 9.1: rssBytes = anon, Cache = file
        assert_eq!(
            rss(Cgroup::V2Root(RootUsageRule::AnonPlusFile), &ROOT_V2).map(|d| d.value),
            Ok(790425600)
        );
        assert_eq!(
            cache(Cgroup::V2Root(RootUsageRule::AnonPlusFile), &ROOT_V2).map(|d| d.value),
            Ok(6502666240)
        );
        assert_eq!(
            rss(Cgroup::V2, &NOTHING),
            Err(NoValue::missing(vec!["anon"]))
        );
        assert_eq!(
            rss(Cgroup::V2Root(RootUsageRule::Unavailable), &ROOT_V2),
            Err(NoValue::NotReported)
        );
    }

    #[test]
    fn swap_rows_including_the_underflow() {
        let meminfo = [("SwapTotal", 2097148u64), ("SwapFree", 2000000)];
        let swap_used = (2097148 - 2000000) * 1024;
        let usage = 15_000_000_000u64;
        let rows: &[(Cgroup, Option<u64>, Result<u64, NoValue>)] = &[
            (Cgroup::V2, Some(4096), Ok(4096)),
            (
                Cgroup::V2,
                None,
                Err(NoValue::missing(vec!["memory.swap.current"])),
            ),
            (
                Cgroup::V2Root(RootUsageRule::AnonPlusFile),
                None,
                Ok(swap_used),
            ),
            // runc rc94 … 1.1.8: swap-only minus memory usage, in uint64
            (
                Cgroup::V2Root(RootUsageRule::TotalMinusFree),
                None,
                Ok(u64::MAX - (usage - swap_used) + 1),
            ),
            (
                Cgroup::V2Root(RootUsageRule::Unavailable),
                None,
                Err(NoValue::NotReported),
            ),
            (
                Cgroup::V1 {
                    use_hierarchy: true,
                },
                None,
                Ok(7),
            ),
            (
                Cgroup::V1 {
                    use_hierarchy: false,
                },
                None,
                Ok(8),
            ),
        ];
        let stat = [("total_swap", 7u64), ("swap", 8)];
        for (cgroup, current, expected) in rows {
            let actual = swap(*cgroup, usage, *current, &stat, &meminfo).map(|d| d.value);
            assert_eq!(&actual, expected, "{cgroup:?}");
        }
        let wrapped = swap(
            Cgroup::V2Root(RootUsageRule::TotalMinusFree),
            usage,
            None,
            &stat,
            &meminfo,
        );
        assert!(wrapped.is_ok_and(|d| d.value > 18_000_000_000_000_000_000));
    }
}

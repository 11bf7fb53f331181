//! metrics-server: what it keeps from two `/metrics/resource` scrapes and what it serves.
//!
//! Sources (kubernetes-sigs/metrics-server v0.8.0): `pkg/scraper/client/resource/decode.go`
//! (`decodeBatch`, `checkContainerMetrics`), `pkg/storage/types.go` (`resourceUsage`,
//! `uint64Quantity`), `pkg/storage/node.go` and `pod.go` (two points per object).
//!
//! * CPU: each sample `s` seconds becomes `uint64(s × 1e9)` ns (truncated); the rate is
//!   `uint64(float64(Δns) / window.Seconds())` nanocores, served as
//!   `NewScaledQuantity(n, -9)` (`123456789n`, `5m`).
//! * Memory: the last working-set sample, `uint64(bytes)`, served `BinarySI` (`1939204Ki`, or
//!   plain bytes when not a multiple of 1024).
//! * A node point is dropped when no node series was seen or its CPU or memory is 0; a pod is
//!   dropped whole when any container with data has CPU or memory 0.

use serde::Serialize;

use super::gofloat::go_f64_to_u64;
use super::term::{Derived, Term};
use crate::quantity::{Format, Quantity};

/// `CumulativeCPUUsed` from a `*_cpu_usage_seconds_total` sample: `uint64(value × 1e9)`.
pub fn cumulative_cpu_ns(seconds: f64) -> u64 {
    go_f64_to_u64(seconds * 1e9)
}

/// `MemoryUsage` from a `*_memory_working_set_bytes` sample: `uint64(value)`.
pub fn memory_bytes(value: f64) -> u64 {
    go_f64_to_u64(value)
}

/// A sample timestamp in ms as metrics-server stores it: `time.Unix(0, ms × 1e6)`, in ns.
pub fn timestamp_ns(ms: i64) -> i64 {
    // int64 multiplication, wrapping as Go's does (only past the year 2262).
    ms.wrapping_mul(1_000_000)
}

/// Go's `time.Duration(ns).Seconds()`: whole seconds plus the remainder over 1e9, each as a
/// float, which is not always the same float as `ns / 1e9`.
pub fn duration_seconds(ns: i64) -> f64 {
    let whole = ns / 1_000_000_000;
    let rest = ns % 1_000_000_000;
    whole as f64 + rest as f64 / 1e9
}

/// One stored point of a node or container.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Point {
    /// Cumulative CPU in ns (`uint64(seconds × 1e9)`).
    pub cpu_ns: u64,
    /// The sample time in ns since the epoch.
    pub timestamp_ns: i64,
    /// Container start time in ns (`container_start_time_seconds × 1e9`); 0 for nodes.
    pub start_time_ns: i64,
}

/// Why metrics-server serves no rate for an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateError {
    /// The later point's start time is earlier (a restart seen backwards).
    StartTimeDecreased,
    /// Cumulative CPU went down (a restart).
    CpuDecreased,
    /// The points are not in time order, so metrics-server would not have paired them.
    NotLater,
}

/// `resourceUsage`: nanocores between two points (`last` after `prev`), and the window in ns.
pub fn cpu_nanocores(prev: Point, last: Point) -> Result<(Derived<u64>, i64), RateError> {
    if last.start_time_ns < prev.start_time_ns {
        return Err(RateError::StartTimeDecreased);
    }
    if last.cpu_ns < prev.cpu_ns {
        return Err(RateError::CpuDecreased);
    }
    if last.timestamp_ns <= prev.timestamp_ns {
        return Err(RateError::NotLater);
    }
    let window = last.timestamp_ns.wrapping_sub(prev.timestamp_ns);
    let delta = last.cpu_ns - prev.cpu_ns;
    // Go: float64(uint64 Δ) / window.Seconds(), then uint64(…) truncates.
    let rate = go_f64_to_u64(delta as f64 / duration_seconds(window));
    let derived = Derived::new(
        rate,
        "uint64(float64(cpu_ns_last − cpu_ns_prev) / window_seconds)",
        vec![
            Term::new("cpu_ns_last", last.cpu_ns),
            Term::new("cpu_ns_prev", prev.cpu_ns),
            Term::new("window_ns", window),
        ],
    );
    Ok((derived, window))
}

/// The CPU quantity metrics-server serves for a rate (`uint64Quantity(n, DecimalSI, -9)`).
pub fn cpu_quantity(nanocores: u64) -> Quantity {
    match i64::try_from(nanocores) {
        Ok(n) => Quantity::new_scaled(n, -9),
        // Past int64 metrics-server drops a digit to fit (`NewScaledQuantity(n/10, -8)`).
        Err(_) => Quantity::new_scaled((nanocores / 10) as i64, -8),
    }
}

/// The CPU text as served (`123456789n`, `5m`, `1`).
pub fn cpu_text(nanocores: u64) -> String {
    cpu_quantity(nanocores).canonical()
}

/// The memory quantity metrics-server serves for a working set (`uint64Quantity(b, BinarySI,
/// 0)`); `None` past 2⁶³ − 1 bytes, where metrics-server drops a digit and this port stops.
// TODO: values past 2^63 bytes (8 EiB) would print as (b/10)×10 in BinarySI; no quantity
// constructor here builds a scaled BinarySI value, and no node has that much memory.
pub fn memory_quantity(bytes: u64) -> Option<Quantity> {
    Some(Quantity::new(i64::try_from(bytes).ok()?, Format::BinarySI))
}

/// The memory text as served (`1939204Ki`, `1985744897`).
pub fn memory_text(bytes: u64) -> Option<String> {
    memory_quantity(bytes).map(|q| q.canonical())
}

/// What `decodeBatch` keeps of one node's series in a scrape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NodeSeries {
    /// The timestamp of the last node series parsed (memory's, since families come sorted by
    /// name); `None` when no node series was seen.
    pub timestamp_ns: Option<i64>,
    pub cpu_ns: u64,
    pub memory_bytes: u64,
}

/// Whether the node point survives decoding (`Timestamp.IsZero() || CPU == 0 || memory == 0`
/// drop it).
pub fn node_point_kept(node: NodeSeries) -> bool {
    node.timestamp_ns.is_some() && node.cpu_ns != 0 && node.memory_bytes != 0
}

/// What `decodeBatch` keeps of one container's series in a scrape.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ContainerSeries {
    pub cpu_ns: u64,
    pub memory_bytes: u64,
    pub swap_bytes: u64,
    /// `None` when no timestamped series of the container was seen.
    pub timestamp_ns: Option<i64>,
    /// `None` when no `container_start_time_seconds` was seen.
    pub start_time_ns: Option<i64>,
}

impl ContainerSeries {
    /// Go's `containerMetric != (storage.MetricsPoint{})`: any field set at all.
    fn has_data(&self) -> bool {
        *self != ContainerSeries::default()
    }
}

/// What happens to a pod in `checkContainerMetrics`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PodDecision {
    /// Kept with these containers (indexes into the input; empty containers are skipped).
    Kept(Vec<usize>),
    /// Dropped whole because this container (index) had CPU or memory 0.
    Dropped { container: usize },
}

/// `checkContainerMetrics`: a container with any data but zero CPU or zero memory drops the
/// whole pod; containers with no data at all are skipped.
pub fn pod_decision(containers: &[ContainerSeries]) -> PodDecision {
    let mut kept = Vec::new();
    for (i, c) in containers.iter().enumerate() {
        if !c.has_data() {
            continue;
        }
        if c.cpu_ns == 0 || c.memory_bytes == 0 {
            return PodDecision::Dropped { container: i };
        }
        kept.push(i);
    }
    PodDecision::Kept(kept)
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn memory_texts() {
        let rows: &[(u64, Option<&str>)] = &[
            // accounting.md 9.1 and 9.3
            (1985744896, Some("1939204Ki")),
            (928534528, Some("906772Ki")),
            // field fixture C45
            (863531008, Some("843292Ki")),
            (134934528, Some("131772Ki")),
            (1 << 20, Some("1Mi")),
            (1985744897, Some("1985744897")),
            (1023, Some("1023")),
            (0, Some("0")),
            (i64::MAX as u64, Some("9223372036854775807")),
            (1 << 63, None),
        ];
        for &(bytes, expected) in rows {
            assert_eq!(memory_text(bytes).as_deref(), expected, "{bytes}");
        }
    }

    #[test]
    fn cpu_texts() {
        let rows: &[(u64, &str)] = &[
            (123456789, "123456789n"),
            (5_000_000, "5m"),
            (7338891, "7338891n"),
            (329087452, "329087452n"),
            (1_000_000_000, "1"),
            (1_500_000_000, "1500m"),
            (2_000_000_000_000, "2k"),
            (1000, "1u"),
            (0, "0"),
            (u64::MAX, "18446744073709551610n"),
        ];
        for &(n, expected) in rows {
            assert_eq!(cpu_text(n), expected, "{n}");
        }
    }

    #[test]
    fn cumulative_cpu_truncates_after_the_float_product() {
        let rows: &[(f64, u64)] = &[
            // field fixture C45
            (109.079522718, 109079522718),
            (254.050927655, 254050927655),
            (1.664876373, 1664876373),
            // 0.1 × 1e9 is exactly 1e8 in float64, 1.1 × 1e9 is 1100000000.0000002
            (0.1, 100000000),
            (1.1, 1100000000),
            (0.000000003, 3),
            (4.35, 4350000000),
            // a product just below an integer truncates down (values checked with Go 1.19)
            (1.000000007, 1000000006),
            (1.000000042, 1000000041),
            (1.000000133, 1000000132),
            (0.0, 0),
        ];
        for &(seconds, expected) in rows {
            assert_eq!(cumulative_cpu_ns(seconds), expected, "{seconds}");
        }
    }

    #[test]
    fn duration_seconds_splits_like_go() {
        let rows: &[(i64, f64)] = &[
            (15_000_000_000, 15.0),
            (20_064_000_000, 20.064),
            (1_500_000_001, 1.0 + 500_000_001.0 / 1e9),
            (-1_500_000_000, -1.5),
        ];
        for &(ns, expected) in rows {
            assert_eq!(duration_seconds(ns), expected, "{ns}");
        }
    }

    #[test]
    fn cpu_rates() {
        let p = |cpu: u64, ts_ms: i64, start: i64| Point {
            cpu_ns: cpu,
            timestamp_ns: timestamp_ns(ts_ms),
            start_time_ns: start,
        };
        let rows: &[(Point, Point, Result<u64, RateError>)] = &[
            // 1.5 s of CPU over 15 s
            (
                p(1_000_000_000, 0, 0),
                p(2_500_000_000, 15_000, 0),
                Ok(100_000_000),
            ),
            // C45 node CPU 254.050927655 s; a later sample 60 s on at 254.5 s
            (
                p(cumulative_cpu_ns(254.050927655), 1710222817924, 0),
                p(cumulative_cpu_ns(254.5), 1710222877924, 0),
                Ok(7484539),
            ),
            // a third of a second per second: 333333333.33 truncates
            (p(0, 0, 0), p(1_000_000_000, 3_000, 0), Ok(333333333)),
            (p(2, 0, 0), p(1, 1_000, 0), Err(RateError::CpuDecreased)),
            (
                p(1, 0, 5),
                p(2, 1_000, 4),
                Err(RateError::StartTimeDecreased),
            ),
            (p(1, 1_000, 0), p(2, 1_000, 0), Err(RateError::NotLater)),
        ];
        for (prev, last, expected) in rows {
            let actual = cpu_nanocores(*prev, *last).map(|(d, _)| d.value);
            assert_eq!(&actual, expected, "{prev:?} → {last:?}");
        }
    }

    #[test]
    fn node_drop_rule() {
        let rows: &[(Option<i64>, u64, u64, bool)] = &[
            (Some(1), 1, 1, true),
            // time.Unix(0, 0) is not Go's zero time: a 0 ms timestamp still counts
            (Some(0), 1, 1, true),
            (None, 1, 1, false),
            (Some(1), 0, 1, false),
            (Some(1), 1, 0, false),
        ];
        for &(ts, cpu, mem, kept) in rows {
            let node = NodeSeries {
                timestamp_ns: ts,
                cpu_ns: cpu,
                memory_bytes: mem,
            };
            assert_eq!(node_point_kept(node), kept, "{node:?}");
        }
    }

    #[test]
    fn pod_drop_rule() {
        let full = ContainerSeries {
            cpu_ns: 1,
            memory_bytes: 1,
            swap_bytes: 0,
            timestamp_ns: Some(1),
            start_time_ns: Some(0),
        };
        let no_cpu = ContainerSeries { cpu_ns: 0, ..full };
        let no_memory = ContainerSeries {
            memory_bytes: 0,
            ..full
        };
        let only_start = ContainerSeries {
            start_time_ns: Some(5),
            ..ContainerSeries::default()
        };
        let empty = ContainerSeries::default();
        let rows: &[(&[ContainerSeries], PodDecision)] = &[
            (&[full, full], PodDecision::Kept(vec![0, 1])),
            (&[full, no_cpu], PodDecision::Dropped { container: 1 }),
            (&[no_memory, full], PodDecision::Dropped { container: 0 }),
            // a container seen only through its start time has CPU 0: the pod goes
            (&[full, only_start], PodDecision::Dropped { container: 1 }),
            (&[empty, full], PodDecision::Kept(vec![1])),
            (&[], PodDecision::Kept(vec![])),
        ];
        for (containers, expected) in rows {
            assert_eq!(&pod_decision(containers), expected, "{containers:?}");
        }
    }
}

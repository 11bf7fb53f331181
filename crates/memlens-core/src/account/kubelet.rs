//! The kubelet's node memory numbers: `/stats/summary` `node.memory` and the
//! `/metrics/resource` samples, plus which root-usage rule a kubelet version implies.
//!
//! The node's stats are cAdvisor's stats of cgroup `/` (kubernetes
//! `pkg/kubelet/server/stats/summary.go`), mapped by `cadvisorInfoToCPUandMemoryStats`
//! (`pkg/kubelet/stats/helper.go`): `usageBytes`, `workingSetBytes` and `rssBytes` are copied,
//! and `availableBytes = Spec.Memory.Limit − workingSetBytes` in uint64, published only when the
//! limit is at most 2^62 (`isMemoryUnlimited`). For `/` the limit is cAdvisor's machine capacity,
//! `MemTotal × 1024` from `/proc/meminfo`, on cgroup v1 and v2 alike.

use serde::Serialize;

use super::cadvisor::{self, Cgroup, NoValue, RootUsageRule};
use super::gofloat::expfmt_float;
use super::term::{Derived, Lookup, Missing, Term};

/// cAdvisor's "unlimited" cut-off: limits above 2^62 publish no `availableBytes`.
const UNLIMITED_ABOVE: u64 = 1 << 62;

/// `availableBytes` of a container whose cAdvisor spec limit is `limit`: `limit − working_set`
/// in uint64 (it wraps when the working set exceeds the limit), `None` when the limit counts as
/// unlimited (`> 2^62`), as for `memory.max = max`.
pub fn available_bytes(limit: u64, working_set: u64) -> Option<Derived<u64>> {
    if limit > UNLIMITED_ABOVE {
        return None;
    }
    Some(Derived::new(
        limit.wrapping_sub(working_set),
        "limit − working_set",
        vec![
            Term::new("limit", limit),
            Term::new("working_set", working_set),
        ],
    ))
}

/// The node's `availableBytes` in `/stats/summary`: `MemTotal × 1024 − working_set`.
///
/// `hugepages` is `Some(Σ node.status.capacity["hugepages-*"])` when the kubelet runs with the
/// `HugepageAwareEviction` feature gate, which then subtracts the hugepage pools from the result
/// and clamps it at 0; `None` for kubelets without the gate.
pub fn node_available_bytes(
    mem_total_kb: u64,
    working_set: u64,
    hugepages: Option<u64>,
) -> Option<Derived<u64>> {
    // cAdvisor machine/machine.go `parseCapacity`: the kB figure times 1024, in uint64.
    let capacity = mem_total_kb.wrapping_mul(1024);
    if capacity > UNLIMITED_ABOVE {
        return None;
    }
    let available = capacity.wrapping_sub(working_set);
    let mem_total = Term::new("MemTotal", mem_total_kb);
    let ws = Term::new("working_set", working_set);
    Some(match hugepages {
        None => Derived::new(
            available,
            "MemTotal × 1024 − working_set",
            vec![mem_total, ws],
        ),
        Some(pools) => Derived::new(
            available.saturating_sub(pools),
            "max(0, MemTotal × 1024 − working_set − hugepages)",
            vec![mem_total, ws, Term::new("hugepages", pools)],
        ),
    })
}

/// The node's `/stats/summary` `node.memory` block.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeMemory {
    pub usage_bytes: Derived<u64>,
    pub working_set_bytes: Derived<u64>,
    /// `rssBytes`: v2 `anon`, v1 `total_rss`/`rss`.
    pub rss_bytes: Result<Derived<u64>, NoValue>,
    /// `availableBytes`; `NotReported` when the capacity counts as unlimited (the field is
    /// omitted), `Missing` without `MemTotal`.
    pub available_bytes: Result<Derived<u64>, NoValue>,
}

/// `node.memory` from the root cgroup's files: `usage_file` is the root's
/// `memory.usage_in_bytes` (v1; the v2 root has none), `stat` its `memory.stat`, `meminfo`
/// `/proc/meminfo` (kB values), `hugepages` as for [`node_available_bytes`].
pub fn node_memory(
    cgroup: Cgroup,
    usage_file: Option<u64>,
    stat: &(impl Lookup + ?Sized),
    meminfo: &(impl Lookup + ?Sized),
    hugepages: Option<u64>,
) -> Result<NodeMemory, NoValue> {
    let usage = cadvisor::usage(cgroup, usage_file, stat, meminfo)?;
    let working_set = cadvisor::working_set(cgroup, usage.value, stat);
    let available = match meminfo.get_value("MemTotal") {
        None => Err(NoValue::Missing(Missing::one("MemTotal"))),
        Some(total) => {
            node_available_bytes(total, working_set.value, hugepages).ok_or(NoValue::NotReported)
        }
    };
    Ok(NodeMemory {
        rss_bytes: cadvisor::rss(cgroup, stat),
        usage_bytes: usage,
        working_set_bytes: working_set,
        available_bytes: available,
    })
}

/// A `/metrics/resource` sample as the kubelet exposes it: `name{labels} value timestamp`.
///
/// Values are `float64` of the byte count written by prometheus/common `expfmt` (so
/// `1985744896` reads `1.985744896e+09`); label pairs come sorted by name, values escaped
/// (`\`, `"`, newline); the timestamp is the sample time in milliseconds, absent for
/// `container_start_time_seconds`-like samples without one.
pub fn sample_line(
    name: &str,
    labels: &[(&str, &str)],
    value: f64,
    timestamp_ms: Option<i64>,
) -> String {
    let mut line = String::from(name);
    if !labels.is_empty() {
        let mut sorted: Vec<&(&str, &str)> = labels.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        line.push('{');
        for (i, (key, value)) in sorted.into_iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            line.push_str(key);
            line.push_str("=\"");
            for c in value.chars() {
                match c {
                    '\\' => line.push_str("\\\\"),
                    '"' => line.push_str("\\\""),
                    '\n' => line.push_str("\\n"),
                    c => line.push(c),
                }
            }
            line.push('"');
        }
        line.push('}');
    }
    line.push(' ');
    line.push_str(&expfmt_float(value));
    if let Some(ts) = timestamp_ms {
        line.push(' ');
        line.push_str(&ts.to_string());
    }
    line
}

/// The `node_memory_working_set_bytes` sample text (`1.985744896e+09`).
pub fn working_set_text(working_set: u64) -> String {
    // resource_metrics.go publishes float64(workingSetBytes); `as` rounds to nearest like Go.
    expfmt_float(working_set as f64)
}

/// A Kubernetes version as `kubelet --version`, `kubectl version` or a node's
/// `kubeletVersion` print it: `v1.29.3`, `1.28`, `v1.30.1+k3s1`, `v1.27.9-eks-5e0fdde`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
    /// `None` when only `major.minor` was given.
    pub patch: Option<u32>,
}

impl KubeVersion {
    /// Reads a version; a leading `Kubernetes `/`Kubelet Version:`-style label is not accepted,
    /// only the version itself with an optional `v` and any `-…`/`+…` suffix.
    pub fn parse(text: &str) -> Option<KubeVersion> {
        let text = text.trim();
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);
        let core = text.split(['-', '+']).next().unwrap_or("");
        let mut parts = core.split('.');
        let number = |part: Option<&str>| -> Option<u32> {
            let part = part?;
            if part.is_empty() || part.len() > 9 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let major = number(parts.next())?;
        let minor = number(parts.next())?;
        let patch = match parts.next() {
            None => None,
            Some(part) => Some(number(Some(part))?),
        };
        if parts.next().is_some() {
            return None;
        }
        Some(KubeVersion {
            major,
            minor,
            patch,
        })
    }

    /// Whether this is `major.minor` or later (patch ignored).
    pub fn at_least(self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

/// The cgroup v2 root-usage rule a kubelet of this version was built with.
///
/// Kubernetes 1.29.0 is the first release whose `go.mod` carries runc ≥ 1.1.9 (PR
/// kubernetes/kubernetes#121739, runc 1.1.10), hence `anon + file`; earlier releases are
/// taken to use runc rc94 … 1.1.8, hence `MemTotal − MemFree`.
// TODO: whether some 1.28.x patch release picked up runc ≥ 1.1.9, and whether kubelets before
// 1.22 (runc ≤ rc93) report no root stats at all, is unverified (accounting.md 2.6); the rule
// stays an overridable assumption.
pub fn root_usage_rule(version: KubeVersion) -> RootUsageRule {
    if version.at_least(1, 29) {
        RootUsageRule::AnonPlusFile
    } else {
        RootUsageRule::TotalMinusFree
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn node_available_bytes_rows() {
        let rows: &[(u64, u64, Option<u64>, Option<u64>)] = &[
            // accounting.md 9.1 (hypothetical MemTotal 16393244 kB)
            (16393244, 1985744896, None, Some(14800936960)),
            // accounting.md 9.3: available + WS = 4111208448
            (4014852, 928534528, None, Some(3182673920)),
            // HugepageAwareEviction: 1 GiB of pools subtracted
            (
                16393244,
                1985744896,
                Some(1 << 30),
                Some(14800936960 - (1 << 30)),
            ),
            // ... clamped at 0
            (1000, 1_000_000, Some(1 << 30), Some(0)),
            // working set above capacity wraps in uint64 (without the gate)
            (1, 1025, None, Some(u64::MAX)),
            // capacity above 2^62 counts as unlimited: no availableBytes
            ((1 << 52) + 1, 0, None, None),
            (1 << 52, 0, None, Some(1 << 62)),
        ];
        for &(mem_total, ws, hugepages, expected) in rows {
            let actual = node_available_bytes(mem_total, ws, hugepages).map(|d| d.value);
            assert_eq!(
                actual, expected,
                "MemTotal={mem_total} WS={ws} hugepages={hugepages:?}"
            );
        }
    }

    #[test]
    fn node_memory_of_the_runc_3933_root_fixture() {
        // accounting.md 9.1, with the hypothetical MemTotal 16393244 kB
        let stat = [
            ("anon", 790425600u64),
            ("file", 6502666240),
            ("inactive_file", 5307346944),
            ("active_file", 1179316224),
        ];
        let meminfo = [("MemTotal", 16393244u64), ("MemFree", 9000000)];
        let rule = Cgroup::V2Root(RootUsageRule::AnonPlusFile);
        let node = node_memory(rule, None, &stat, &meminfo, None);
        let values = node.map(|n| {
            (
                n.usage_bytes.value,
                n.working_set_bytes.value,
                n.rss_bytes.map(|d| d.value),
                n.available_bytes.map(|d| d.value),
            )
        });
        assert_eq!(
            values,
            Ok((7293091840, 1985744896, Ok(790425600), Ok(14800936960)))
        );

        let without_meminfo = node_memory(rule, None, &stat, &cadvisor::NOTHING, None);
        assert_eq!(
            without_meminfo.map(|n| n.available_bytes.map(|d| d.value)),
            Ok(Err(NoValue::Missing(Missing::one("MemTotal"))))
        );
        let old_runc = Cgroup::V2Root(RootUsageRule::TotalMinusFree);
        let node = node_memory(old_runc, None, &stat, &meminfo, None);
        let ws = (16393244u64 - 9000000) * 1024 - 5307346944;
        assert_eq!(node.map(|n| n.working_set_bytes.value), Ok(ws));
    }

    #[test]
    fn available_bytes_of_limited_and_unlimited_cgroups() {
        let rows: &[(u64, u64, Option<u64>)] = &[
            (
                2 * 1024 * 1024 * 1024,
                1024,
                Some(2 * 1024 * 1024 * 1024 - 1024),
            ),
            // cgroup v2 `max`
            (u64::MAX, 1024, None),
            // cgroup v1 unlimited, 2^63 − 4096
            (9223372036854771712, 1024, None),
            (1 << 62, 0, Some(1 << 62)),
        ];
        for &(limit, ws, expected) in rows {
            assert_eq!(
                available_bytes(limit, ws).map(|d| d.value),
                expected,
                "limit={limit}"
            );
        }
    }

    #[test]
    fn sample_lines() {
        let rows: &[(&str, &[(&str, &str)], f64, Option<i64>, &str)] = &[
            (
                "node_memory_working_set_bytes",
                &[],
                1985744896.0,
                Some(1710222817924),
                "node_memory_working_set_bytes 1.985744896e+09 1710222817924",
            ),
            (
                "container_memory_working_set_bytes",
                &[
                    ("pod", "calico-node-aaaaa"),
                    ("namespace", "kube-system"),
                    ("container", "calico-node"),
                ],
                134934528.0,
                Some(1710222816920),
                "container_memory_working_set_bytes{container=\"calico-node\",namespace=\"kube-system\",pod=\"calico-node-aaaaa\"} 1.34934528e+08 1710222816920",
            ),
            (
                "pod_swap_usage_bytes",
                &[("pod", "p"), ("namespace", "n")],
                0.0,
                Some(1710222825432),
                "pod_swap_usage_bytes{namespace=\"n\",pod=\"p\"} 0 1710222825432",
            ),
            ("scrape_error", &[], 0.0, None, "scrape_error 0"),
            (
                "x",
                &[("a", "q\"b\\c\nd")],
                1.0,
                None,
                "x{a=\"q\\\"b\\\\c\\nd\"} 1",
            ),
        ];
        for &(name, labels, value, ts, expected) in rows {
            assert_eq!(sample_line(name, labels, value, ts), expected);
        }
    }

    #[test]
    fn working_set_texts() {
        let rows: &[(u64, &str)] = &[
            (1985744896, "1.985744896e+09"),
            (928534528, "9.28534528e+08"),
            (863531008, "8.63531008e+08"),
            (0, "0"),
            (1, "1"),
            (4096, "4096"),
            (999999, "999999"),
            (1000000, "1e+06"),
            // float64 rounding of a count past 2^53 (as Go's float64(uint64) rounds)
            (9007199254740993, "9.007199254740992e+15"),
            (u64::MAX, "1.8446744073709552e+19"),
        ];
        for &(ws, expected) in rows {
            assert_eq!(working_set_text(ws), expected, "{ws}");
        }
    }

    #[test]
    fn field_fixture_c45_sample_values_print_back_identically() {
        // Every working-set sample of two real /metrics/resource scrapes: the value read as a
        // byte count and printed again must be the kubelet's own text.
        let scrape = include_str!("../../../../tests/fixtures/field/C45/metrics-resource.txt");
        let mut checked = 0;
        for line in scrape.lines() {
            let name = line.split(['{', ' ']).next().unwrap_or("");
            if !name.ends_with("_memory_working_set_bytes") {
                continue;
            }
            let mut fields = line.rsplitn(3, ' ');
            let (_timestamp, value) = (fields.next(), fields.next().unwrap_or(""));
            let bytes = value.parse::<f64>().map(|v| v as u64);
            assert_eq!(bytes.map(working_set_text).as_deref(), Ok(value), "{line}");
            checked += 1;
        }
        assert_eq!(checked, 12, "working-set samples in C45");
    }

    #[test]
    fn versions_parse_and_map_to_rules() {
        let rows: &[(&str, Option<(u32, u32, Option<u32>)>, Option<RootUsageRule>)] = &[
            (
                "v1.29.3",
                Some((1, 29, Some(3))),
                Some(RootUsageRule::AnonPlusFile),
            ),
            (
                "1.28",
                Some((1, 28, None)),
                Some(RootUsageRule::TotalMinusFree),
            ),
            (
                "v1.28.15",
                Some((1, 28, Some(15))),
                Some(RootUsageRule::TotalMinusFree),
            ),
            (
                "v1.30.1+k3s1",
                Some((1, 30, Some(1))),
                Some(RootUsageRule::AnonPlusFile),
            ),
            (
                "v1.27.9-eks-5e0fdde",
                Some((1, 27, Some(9))),
                Some(RootUsageRule::TotalMinusFree),
            ),
            (
                " V1.34.0 ",
                Some((1, 34, Some(0))),
                Some(RootUsageRule::AnonPlusFile),
            ),
            (
                "v2.0",
                Some((2, 0, None)),
                Some(RootUsageRule::AnonPlusFile),
            ),
            ("1", None, None),
            ("", None, None),
            ("v1.x", None, None),
            ("1.2.3.4", None, None),
            ("1..2", None, None),
            ("99999999999.1", None, None),
            ("v1.29.", None, None),
        ];
        for &(text, expected, rule) in rows {
            let version = KubeVersion::parse(text);
            let actual = version.map(|v| (v.major, v.minor, v.patch));
            assert_eq!(actual, expected, "parse({text:?})");
            assert_eq!(version.map(root_usage_rule), rule, "rule({text:?})");
        }
    }
}

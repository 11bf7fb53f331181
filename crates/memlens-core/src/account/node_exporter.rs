//! node_exporter's meminfo collector: which `node_memory_*` samples a version exports, their
//! values in bytes, and the text it serves; plus the usual "memory used %" dashboard panel.
//!
//! Sources read: prometheus/node_exporter `collector/meminfo_linux.go` and `meminfo.go` (the
//! dynamic parser of ≤ 1.8 and the fixed list of 1.9+, with `Zswap`/`Zswapped` back in 1.11),
//! prometheus/procfs `meminfo.go`, prometheus/common `expfmt` (`writeFloat`).
//!
//! - ≤ 1.8: every meminfo line becomes `node_memory_<Key>`, `(x)` turned into `_x`
//!   (`Active(anon)` → `Active_anon`); a line with `kB` is multiplied by 1024 (as a float) and
//!   gets `_bytes`; a line without a unit keeps its bare name (`node_memory_HugePages_Total`).
//! - 1.9+: a fixed list of the same names, values from procfs (`kB × 1024` as a `uint64`, then
//!   a float). Lines not in the list are no longer exported ([`dropped_keys`]), for example
//!   `KReclaimable`, `Hugetlb`, `FileHugePages`, `SecPageTables`, and `Zswap`/`Zswapped` in
//!   1.9–1.10.
//!
//! All are gauges (only a name ending in `_total` would be a counter; none does). Samples are
//! served sorted by name, each family with `# HELP … Memory information field <name>.` and
//! `# TYPE … gauge`, values through Go's shortest `%g` ([`super::gofloat::expfmt_float`]).

use std::fmt;

use serde::{Serialize, Serializer};

use super::MemInfoKib;
use super::gofloat::expfmt_float;

/// The node_exporter releases whose meminfo samples differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeExporterVersion {
    /// ≤ 1.8.x: one sample per meminfo line.
    Dynamic,
    /// 1.9.x–1.10.x: a fixed list.
    Fixed,
    /// 1.11.0 and later: the fixed list with `Zswap` and `Zswapped`.
    FixedWithZswap,
}

impl NodeExporterVersion {
    pub const ALL: [NodeExporterVersion; 3] = [
        NodeExporterVersion::Dynamic,
        NodeExporterVersion::Fixed,
        NodeExporterVersion::FixedWithZswap,
    ];

    /// A stable id: `v1_8`, `v1_9`, `v1_11`.
    pub fn id(self) -> &'static str {
        match self {
            NodeExporterVersion::Dynamic => "v1_8",
            NodeExporterVersion::Fixed => "v1_9",
            NodeExporterVersion::FixedWithZswap => "v1_11",
        }
    }

    /// Reads `1.8.2`, `v1.9.0`, `node_exporter, version 1.10.2 (branch: …)`.
    pub fn parse(text: &str) -> Option<NodeExporterVersion> {
        let version = super::find_version(text)?;
        Some(if version < (1, 9, 0) {
            NodeExporterVersion::Dynamic
        } else if version < (1, 11, 0) {
            NodeExporterVersion::Fixed
        } else {
            NodeExporterVersion::FixedWithZswap
        })
    }
}

impl fmt::Display for NodeExporterVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for NodeExporterVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

/// One `/proc/meminfo` line as node_exporter sees it: the key (before the colon), the number,
/// and whether the line had the `kB` unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MeminfoLine<'a> {
    pub key: &'a str,
    pub value: u64,
    pub kb: bool,
}

/// One exported sample.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sample {
    /// `node_memory_MemAvailable_bytes`.
    pub name: String,
    /// The meminfo key it comes from: `MemAvailable`.
    pub key: String,
    pub value: f64,
}

impl Sample {
    /// The sample line: `node_memory_MemAvailable_bytes 1.53814016e+10`.
    pub fn text(&self) -> String {
        format!("{} {}", self.name, expfmt_float(self.value))
    }
}

/// The 1.9+ list: (meminfo key, name after `node_memory_`, whether the value is in bytes).
const FIXED: [(&str, &str); 49] = [
    ("Active", "Active_bytes"),
    ("Active(anon)", "Active_anon_bytes"),
    ("Active(file)", "Active_file_bytes"),
    ("AnonHugePages", "AnonHugePages_bytes"),
    ("AnonPages", "AnonPages_bytes"),
    ("Bounce", "Bounce_bytes"),
    ("Buffers", "Buffers_bytes"),
    ("Cached", "Cached_bytes"),
    ("CmaFree", "CmaFree_bytes"),
    ("CmaTotal", "CmaTotal_bytes"),
    ("CommitLimit", "CommitLimit_bytes"),
    ("Committed_AS", "Committed_AS_bytes"),
    ("DirectMap1G", "DirectMap1G_bytes"),
    ("DirectMap2M", "DirectMap2M_bytes"),
    ("DirectMap4k", "DirectMap4k_bytes"),
    ("Dirty", "Dirty_bytes"),
    ("HardwareCorrupted", "HardwareCorrupted_bytes"),
    ("Hugepagesize", "Hugepagesize_bytes"),
    ("Inactive", "Inactive_bytes"),
    ("Inactive(anon)", "Inactive_anon_bytes"),
    ("Inactive(file)", "Inactive_file_bytes"),
    ("KernelStack", "KernelStack_bytes"),
    ("Mapped", "Mapped_bytes"),
    ("MemAvailable", "MemAvailable_bytes"),
    ("MemFree", "MemFree_bytes"),
    ("MemTotal", "MemTotal_bytes"),
    ("Mlocked", "Mlocked_bytes"),
    ("NFS_Unstable", "NFS_Unstable_bytes"),
    ("PageTables", "PageTables_bytes"),
    ("Percpu", "Percpu_bytes"),
    ("SReclaimable", "SReclaimable_bytes"),
    ("SUnreclaim", "SUnreclaim_bytes"),
    ("Shmem", "Shmem_bytes"),
    ("ShmemHugePages", "ShmemHugePages_bytes"),
    ("ShmemPmdMapped", "ShmemPmdMapped_bytes"),
    ("Slab", "Slab_bytes"),
    ("SwapCached", "SwapCached_bytes"),
    ("SwapFree", "SwapFree_bytes"),
    ("SwapTotal", "SwapTotal_bytes"),
    ("Unevictable", "Unevictable_bytes"),
    ("VmallocChunk", "VmallocChunk_bytes"),
    ("VmallocTotal", "VmallocTotal_bytes"),
    ("VmallocUsed", "VmallocUsed_bytes"),
    ("Writeback", "Writeback_bytes"),
    ("WritebackTmp", "WritebackTmp_bytes"),
    ("HugePages_Free", "HugePages_Free"),
    ("HugePages_Rsvd", "HugePages_Rsvd"),
    ("HugePages_Surp", "HugePages_Surp"),
    ("HugePages_Total", "HugePages_Total"),
];

/// Added back to the list in 1.11.0.
const ZSWAP: [(&str, &str); 2] = [("Zswap", "Zswap_bytes"), ("Zswapped", "Zswapped_bytes")];

fn fixed_name(key: &str, version: NodeExporterVersion) -> Option<&'static str> {
    let zswap: &[(&str, &str)] = if version == NodeExporterVersion::FixedWithZswap {
        &ZSWAP
    } else {
        &[]
    };
    FIXED
        .iter()
        .chain(zswap)
        .find(|(k, _)| *k == key)
        .map(|(_, name)| *name)
}

/// ≤ 1.8's name for a key: the regexp `\((.*)\)` → `_${1}`, then `_bytes` for `kB` lines.
fn dynamic_name(key: &str, kb: bool) -> String {
    let mut name = match (key.find('('), key.rfind(')')) {
        (Some(open), Some(close)) if open < close => {
            format!(
                "{}_{}{}",
                &key[..open],
                &key[open + 1..close],
                &key[close + 1..]
            )
        }
        _ => key.to_string(),
    };
    if kb {
        name.push_str("_bytes");
    }
    name
}

/// The samples a version exports for these lines, sorted by name as the registry serves them.
/// A repeated key keeps its last line.
pub fn samples(lines: &[MeminfoLine<'_>], version: NodeExporterVersion) -> Vec<Sample> {
    let mut out: Vec<Sample> = Vec::new();
    for line in lines {
        let (name, value) = match version {
            NodeExporterVersion::Dynamic => {
                // strconv.ParseFloat, then `fv *= 1024` for kB lines.
                let value = line.value as f64;
                (
                    dynamic_name(line.key, line.kb),
                    if line.kb { value * 1024.0 } else { value },
                )
            }
            NodeExporterVersion::Fixed | NodeExporterVersion::FixedWithZswap => {
                let Some(name) = fixed_name(line.key, version) else {
                    continue;
                };
                // procfs multiplies as a uint64; HugePages_* are counts.
                let bytes = if line.kb {
                    line.value.wrapping_mul(1024)
                } else {
                    line.value
                };
                (name.to_string(), bytes as f64)
            }
        };
        let name = format!("node_memory_{name}");
        match out.iter_mut().find(|sample| sample.name == name) {
            Some(sample) => sample.value = value,
            None => out.push(Sample {
                name,
                key: line.key.to_string(),
                value,
            }),
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The meminfo keys present in `lines` that the version does not export.
pub fn dropped_keys<'a>(lines: &[MeminfoLine<'a>], version: NodeExporterVersion) -> Vec<&'a str> {
    if version == NodeExporterVersion::Dynamic {
        return Vec::new();
    }
    let mut dropped: Vec<&str> = lines
        .iter()
        .filter(|l| fixed_name(l.key, version).is_none())
        .map(|l| l.key)
        .collect();
    dropped.dedup();
    dropped
}

/// The text node_exporter serves for these samples: `# HELP`, `# TYPE` and the sample line of
/// each family, in name order.
pub fn exposition_text(samples: &[Sample]) -> String {
    let mut out = String::new();
    for sample in samples {
        let short = sample
            .name
            .strip_prefix("node_memory_")
            .unwrap_or(&sample.name);
        let kind = if sample.name.ends_with("_total") {
            "counter"
        } else {
            "gauge"
        };
        out.push_str(&format!(
            "# HELP {} Memory information field {short}.\n",
            sample.name
        ));
        out.push_str(&format!("# TYPE {} {kind}\n", sample.name));
        out.push_str(&sample.text());
        out.push('\n');
    }
    out
}

/// The usual Grafana panel (Node Exporter Full, "RAM Used"):
/// `(1 − node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) × 100` evaluated in
/// float64 by Prometheus, shown with one decimal by Grafana's `toFixed`, which rounds
/// `value × 10` half up (`Math.round`), divides by 10 and pads to one decimal (`8.4`, `12.0`;
/// an exact 0 shows as `0`). `None` without `MemAvailable` or with a zero `MemTotal`.
pub fn memory_used_percent_text(mem: &MemInfoKib) -> Option<String> {
    let total = mem.mem_total.filter(|total| *total > 0)?;
    let available = mem.mem_available?;
    let total_bytes = total.wrapping_mul(1024) as f64;
    let available_bytes = available.wrapping_mul(1024) as f64;
    let percent = (1.0 - available_bytes / total_bytes) * 100.0;
    grafana_to_fixed_1(percent)
}

/// Grafana's `toFixed(value, 1)`.
fn grafana_to_fixed_1(value: f64) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let scaled = value * 10.0;
    let floor = scaled.floor();
    // JavaScript's Math.round: the nearest integer, ties toward +∞.
    let rounded = if scaled - floor >= 0.5 {
        floor + 1.0
    } else {
        floor
    };
    let text = js_number_text(rounded / 10.0);
    if text.contains('e') || value == 0.0 {
        return Some(text);
    }
    Some(if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    })
}

/// JavaScript's `String(number)`: shortest digits, plain below 1e21, else `1.2e+21`.
fn js_number_text(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    if value.abs() < 1e21 {
        return format!("{value}");
    }
    let shortest = format!("{value:e}");
    match shortest.split_once('e') {
        Some((mantissa, exponent)) => format!("{mantissa}e+{exponent}"),
        None => shortest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(key: &str, value: u64, kb: bool) -> MeminfoLine<'_> {
        MeminfoLine { key, value, kb }
    }

    #[test]
    fn spec_9_2_samples() {
        let lines = [
            line("MemTotal", 16_393_244, true),
            line("MemAvailable", 15_020_900, true),
            line("Active(file)", 811_336, true),
            line("KReclaimable", 285_824, true),
            line("HugePages_Total", 0, false),
        ];
        let cases: &[(NodeExporterVersion, &[&str], &[&str])] = &[
            (
                NodeExporterVersion::Dynamic,
                &[
                    "node_memory_Active_file_bytes 8.30808064e+08",
                    "node_memory_HugePages_Total 0",
                    "node_memory_KReclaimable_bytes 2.92683776e+08",
                    "node_memory_MemAvailable_bytes 1.53814016e+10",
                    "node_memory_MemTotal_bytes 1.6786681856e+10",
                ],
                &[],
            ),
            (
                NodeExporterVersion::Fixed,
                &[
                    "node_memory_Active_file_bytes 8.30808064e+08",
                    "node_memory_HugePages_Total 0",
                    "node_memory_MemAvailable_bytes 1.53814016e+10",
                    "node_memory_MemTotal_bytes 1.6786681856e+10",
                ],
                &["KReclaimable"],
            ),
        ];
        for (version, want, dropped) in cases {
            let got: Vec<String> = samples(&lines, *version).iter().map(Sample::text).collect();
            assert_eq!(got, *want, "{version}");
            assert_eq!(
                dropped_keys(&lines, *version),
                *dropped,
                "{version} dropped"
            );
        }
    }

    #[test]
    fn zswap_disappears_in_1_9_and_returns_in_1_11() {
        let lines = [
            line("Zswap", 0, true),
            line("Zswapped", 2, true),
            line("Hugetlb", 0, true),
        ];
        let names = |version| -> Vec<String> {
            samples(&lines, version)
                .into_iter()
                .map(|sample| sample.name)
                .collect()
        };
        assert_eq!(
            names(NodeExporterVersion::Dynamic),
            vec![
                "node_memory_Hugetlb_bytes",
                "node_memory_Zswap_bytes",
                "node_memory_Zswapped_bytes"
            ]
        );
        assert!(names(NodeExporterVersion::Fixed).is_empty());
        assert_eq!(
            names(NodeExporterVersion::FixedWithZswap),
            vec!["node_memory_Zswap_bytes", "node_memory_Zswapped_bytes"]
        );
        assert_eq!(
            dropped_keys(&lines, NodeExporterVersion::FixedWithZswap),
            vec!["Hugetlb"]
        );
    }

    #[test]
    fn exposition_has_help_and_type() {
        let lines = [
            line("MemTotal", 16_393_244, true),
            line("Active(anon)", 1, true),
        ];
        let want = concat!(
            "# HELP node_memory_Active_anon_bytes Memory information field Active_anon_bytes.\n",
            "# TYPE node_memory_Active_anon_bytes gauge\n",
            "node_memory_Active_anon_bytes 1024\n",
            "# HELP node_memory_MemTotal_bytes Memory information field MemTotal_bytes.\n",
            "# TYPE node_memory_MemTotal_bytes gauge\n",
            "node_memory_MemTotal_bytes 1.6786681856e+10\n",
        );
        assert_eq!(
            exposition_text(&samples(&lines, NodeExporterVersion::Dynamic)),
            want
        );
    }

    #[test]
    fn used_percent_panel() {
        let mem = |total, available| MemInfoKib {
            mem_total: total,
            mem_available: available,
            ..MemInfoKib::default()
        };
        let cases: &[(MemInfoKib, Option<&str>)] = &[
            (mem(Some(16_393_244), Some(15_020_900)), Some("8.4")), // §9.2: 8.3713…
            (mem(Some(263_774_064), Some(221_831_940)), Some("15.9")), // §9.4: 15.9008…
            (mem(Some(1000), Some(1000)), Some("0")),
            (mem(Some(1000), Some(0)), Some("100.0")),
            (mem(Some(1000), Some(880)), Some("12.0")),
            (mem(Some(112), Some(21)), Some("81.3")), // 812.5 exactly: half up, not to even
            (mem(Some(1000), Some(2000)), Some("-100.0")),
            (mem(Some(1000), None), None),
            (mem(Some(0), Some(1)), None),
            (mem(None, Some(1)), None),
        ];
        for (mem, want) in cases {
            assert_eq!(memory_used_percent_text(mem).as_deref(), *want, "{mem:?}");
        }
    }

    #[test]
    fn versions_parse() {
        let cases: &[(&str, Option<NodeExporterVersion>)] = &[
            ("1.8.2", Some(NodeExporterVersion::Dynamic)),
            ("v1.9.0", Some(NodeExporterVersion::Fixed)),
            (
                "node_exporter, version 1.10.2 (branch: HEAD)",
                Some(NodeExporterVersion::Fixed),
            ),
            ("1.11.0", Some(NodeExporterVersion::FixedWithZswap)),
            ("0.18.1", Some(NodeExporterVersion::Dynamic)),
            ("latest", None),
        ];
        for (text, want) in cases {
            assert_eq!(NodeExporterVersion::parse(text), *want, "{text}");
        }
    }
}

//! Parsers: one module per document kind, each turning a [`Document`]'s lines into typed facts
//! that remember their line ([`crate::input::Val`]).
//!
//! Every parser has the same shape, `fn parse(doc: &Document, diags: &mut Diagnostics) -> T`:
//! it reads what it can, and each line it cannot read becomes a diagnostic naming the line and
//! what was expected there. Parsers never panic and are linear in the input.

pub mod cgroup;
pub mod describe;
pub mod free;
pub mod json;
pub mod kubectl;
pub mod log;
pub mod meminfo;
pub mod metrics;
pub mod node;
pub mod number;
pub mod printed;
pub mod prometheus;
pub mod summary;
pub mod top;
pub mod version;

use serde::Serialize;

use crate::input::{Diagnostic, Diagnostics, DocId, Document, Kind};

/// The facts read from one document.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "facts", rename_all = "snake_case")]
pub enum Facts {
    Meminfo(meminfo::Meminfo),
    MemoryStat(cgroup::MemoryStat),
    CgroupValue(cgroup::CgroupValue),
    KubectlTopNode(kubectl::TopTable),
    KubectlTopPod(kubectl::TopTable),
    KubectlDescribeNode(Box<describe::DescribeNode>),
    KubeletLog(log::KubeletLog),
    Version(version::Versions),
    /// kubelet `/stats/summary` JSON, whole or a `jq` excerpt.
    KubeletSummary(summary::Summary),
    /// metrics.k8s.io `NodeMetrics` / `NodeMetricsList`.
    MetricsNodes(metrics::NodeMetricsList),
    /// metrics.k8s.io `PodMetrics` / `PodMetricsList`.
    MetricsPods(metrics::PodMetricsList),
    /// `kubectl get node(s) -o json|yaml`.
    KubectlNode(node::Nodes),
    Free(free::Free),
    Top(top::Top),
    /// Prometheus text: kubelet `/metrics/resource`, `/metrics/cadvisor`, node_exporter.
    Prometheus(prometheus::Exposition),
    /// A document whose kind has no parser (or is not recognised).
    Unknown,
}

/// One parsed document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parsed {
    pub doc: DocId,
    pub facts: Facts,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one document according to its kind.
pub fn parse(doc: &Document) -> Parsed {
    let mut diags = Diagnostics::new(doc.id);
    let facts = match doc.kind {
        Kind::Meminfo => Facts::Meminfo(meminfo::parse(doc, &mut diags)),
        Kind::Cgroup1MemoryStat | Kind::Cgroup2MemoryStat => {
            Facts::MemoryStat(cgroup::parse_stat(doc, &mut diags))
        }
        Kind::Cgroup2MemoryCurrent
        | Kind::Cgroup1MemoryUsageInBytes
        | Kind::Cgroup2MemoryMax
        | Kind::Cgroup1MemoryLimitInBytes => {
            Facts::CgroupValue(cgroup::parse_value(doc, &mut diags))
        }
        Kind::KubectlTopNode => Facts::KubectlTopNode(kubectl::parse(doc, &mut diags)),
        Kind::KubectlTopPod => Facts::KubectlTopPod(kubectl::parse(doc, &mut diags)),
        Kind::KubectlDescribeNode => {
            Facts::KubectlDescribeNode(Box::new(describe::parse(doc, &mut diags)))
        }
        Kind::KubeletLog => Facts::KubeletLog(log::parse(doc, &mut diags)),
        Kind::Version => Facts::Version(version::parse(doc, &mut diags)),
        Kind::KubeletSummary => Facts::KubeletSummary(summary::parse(doc, &mut diags)),
        Kind::MetricsNodes => Facts::MetricsNodes(metrics::parse_nodes(doc, &mut diags)),
        Kind::MetricsPods => Facts::MetricsPods(metrics::parse_pods(doc, &mut diags)),
        Kind::KubectlNode => Facts::KubectlNode(node::parse(doc, &mut diags)),
        Kind::Free => Facts::Free(free::parse(doc, &mut diags)),
        Kind::Top => Facts::Top(top::parse(doc, &mut diags)),
        Kind::Prometheus => Facts::Prometheus(prometheus::parse(doc, &mut diags)),
        _ => Facts::Unknown,
    };
    Parsed {
        doc: doc.id,
        facts,
        diagnostics: diags.list,
    }
}

//! The report: one value that every front end reads (the page, the CLI, the tests).
//!
//! Its shape and names are a contract (see `docs/spec/report.md`): quantities have
//! stable ids, finding codes and assumption keys never change once published.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::input::{At, Diagnostic, DocId, Kind};

/// Everything memlens knows about one set of inputs.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    pub documents: Vec<DocumentReport>,
    pub assumptions: Vec<Assumption>,
    pub quantities: Vec<Quantity>,
    pub bridges: Vec<Bridge>,
    pub findings: Vec<Finding>,
    /// `MemTotal` split into memory classes, with where each tool's "used" ends.
    pub composition: Option<Composition>,
    /// The answer to "why do they disagree", in one or two plain sentences, built from the top
    /// findings.
    pub verdict: String,
}

impl Report {
    pub fn quantity(&self, id: &str) -> Option<&Quantity> {
        self.quantities.iter().find(|q| q.id == id)
    }

    pub fn finding(&self, code: FindingCode) -> Option<&Finding> {
        self.findings.iter().find(|f| f.code == code)
    }

    /// Whether any document had a line it could not read.
    pub fn has_errors(&self) -> bool {
        self.documents
            .iter()
            .flat_map(|d| &d.diagnostics)
            .any(|d| d.severity == crate::input::Severity::Error)
    }
}

/// A document as the report shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentReport {
    pub id: DocId,
    pub kind: Kind,
    pub name: Option<String>,
    pub command: Option<String>,
    /// Index of the source (paste or file) it came from.
    pub source: usize,
    pub first_line: u32,
    pub last_line: u32,
    pub line_count: usize,
    pub reasons: Vec<String>,
    pub kind_set: bool,
    pub diagnostics: Vec<Diagnostic>,
    /// The first lines of a document that was not recognised, to show the person.
    pub preview: Vec<String>,
}

/// Where an assumption's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AssumptionSource {
    /// Nothing in the paste says; the default holds.
    Default,
    /// Read from the paste.
    Detected,
    /// Set by the person (`--assume KEY=VALUE`, or the page's control).
    Set,
}

/// Something the raw data cannot say for sure, with the value in force.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assumption {
    pub key: AssumptionKey,
    pub value: String,
    pub source: AssumptionSource,
    /// Why this value: the default's source, or the lines it was detected from.
    pub reason: String,
    /// The values this key accepts, for the page's controls.
    pub options: Vec<String>,
    pub at: Vec<At>,
}

/// The keys of assumptions. The strings are a contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssumptionKey {
    /// cgroup v1 or v2 on the node.
    Cgroup,
    /// The kubelet's version, which decides the v2 root usage rule.
    Kubelet,
    /// The rule itself, when set directly.
    RootUsage,
    /// Which procps printed the pasted `free`/`top`.
    Procps,
    /// Which kubectl printed the table (header style).
    Kubectl,
    /// htop's version (meter text).
    Htop,
    /// node_exporter's version (metric names).
    NodeExporter,
    /// The hard eviction threshold for `memory.available`.
    EvictionHard,
}

impl AssumptionKey {
    pub const ALL: [AssumptionKey; 8] = [
        AssumptionKey::Cgroup,
        AssumptionKey::Kubelet,
        AssumptionKey::RootUsage,
        AssumptionKey::Procps,
        AssumptionKey::Kubectl,
        AssumptionKey::Htop,
        AssumptionKey::NodeExporter,
        AssumptionKey::EvictionHard,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssumptionKey::Cgroup => "cgroup",
            AssumptionKey::Kubelet => "kubelet",
            AssumptionKey::RootUsage => "root_usage",
            AssumptionKey::Procps => "procps",
            AssumptionKey::Kubectl => "kubectl",
            AssumptionKey::Htop => "htop",
            AssumptionKey::NodeExporter => "node_exporter",
            AssumptionKey::EvictionHard => "eviction_hard",
        }
    }

    pub fn from_name(name: &str) -> Option<AssumptionKey> {
        AssumptionKey::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for AssumptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AssumptionKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One number a tool shows, reproduced from the raw data.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Quantity {
    /// Stable id, e.g. `kubelet.node.working_set_bytes`.
    pub id: String,
    /// A short human label.
    pub label: String,
    /// An integer: bytes for `*_bytes` ids, the percent for `*_percent_text` ids, KiB-free
    /// counts never; `None` when an input is missing or the quantity is only text.
    pub value: Option<u64>,
    /// The text the tool itself prints, where it prints one.
    pub text: Option<String>,
    /// What is missing when it cannot be computed.
    pub missing: Vec<String>,
    pub derivation: Option<Derivation>,
    /// The tool's own number as pasted, and whether it agrees.
    pub observed: Option<Observed>,
}

/// How a quantity was computed: the formula, its terms and where each came from.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Derivation {
    /// The formula in words and symbols, e.g. `usage − inactive_file, saturating at 0`.
    pub formula: String,
    pub terms: Vec<Term>,
    /// Where the rule comes from (project, file, version).
    pub source: String,
    /// Assumptions the result depends on.
    pub assumptions: Vec<AssumptionKey>,
}

/// One term of a formula.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Term {
    /// The field's own name (`inactive_file`, `MemTotal`) or a quantity id.
    pub name: String,
    pub value: Option<u64>,
    /// The value as text, when it is not a whole number (a float the tool computed with, a
    /// negative intermediate) or when the term is a text (a quantity like `16290844Ki`).
    pub text: Option<String>,
    /// The unit of `value` as read (`bytes`, `KiB`, `MiB`, `pages`).
    pub unit: String,
    /// The quantity this term is, when it is one.
    pub quantity: Option<String>,
    /// The input line it came from.
    pub at: Option<At>,
}

/// A tool's own number as it appears in the paste.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Observed {
    /// The pasted number as an integer in the quantity's unit, when it is one.
    pub value: Option<u64>,
    /// The pasted text exactly.
    pub text: String,
    pub at: At,
    pub agrees: Agreement,
    /// Computed minus observed, in the quantity's unit, when both are numbers.
    pub difference: Option<i128>,
    /// What would make them agree, or why they cannot be compared exactly.
    pub note: Option<String>,
}

/// Whether a pasted number agrees with the recomputed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Agreement {
    /// Exactly the same.
    Agrees,
    /// Different.
    Differs,
    /// Only the pasted number exists; nothing to compare with.
    OnlyObserved,
}

/// A walk from one tool's number to another's, in named steps that sum exactly.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bridge {
    pub id: String,
    pub title: String,
    pub from: String,
    pub to: String,
    pub from_value: u64,
    pub to_value: u64,
    pub steps: Vec<BridgeStep>,
    /// Whether the steps add up exactly (they always must; a bridge that cannot is not built).
    pub exact: bool,
}

/// One step of a bridge: a memory class added or removed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BridgeStep {
    pub id: String,
    pub label: String,
    /// Signed bytes: positive when the step adds to the running total.
    pub delta: i128,
    /// The fields it comes from.
    pub fields: Vec<Term>,
    pub explanation: String,
    /// Set when the data cannot split this step further.
    pub unsplit: Option<String>,
}

/// `MemTotal` as disjoint memory classes from `/proc/meminfo`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Composition {
    /// `MemTotal` in bytes.
    pub total: u64,
    pub parts: Vec<CompositionPart>,
    /// Where each tool's "used" ends, measured from the start of the bar.
    pub markers: Vec<CompositionMarker>,
    /// Whether the parts add up to `MemTotal` (with a "not accounted" remainder) rather than
    /// overlapping.
    pub exact: bool,
    pub note: Option<String>,
}

/// One memory class of the composition.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompositionPart {
    pub id: String,
    pub label: String,
    pub bytes: u64,
    pub fields: Vec<Term>,
    pub explanation: String,
}

/// A tool's "used" on the composition bar.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CompositionMarker {
    pub quantity: String,
    pub label: String,
    pub bytes: u64,
}

/// The codes of findings. The strings are a contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FindingCode {
    PercentOfAllocatable,
    ActiveFileInWorkingSet,
    ShmemInWorkingSet,
    ReclaimableSlabInWorkingSet,
    KernelMemoryInUsage,
    Procps4Used,
    Procps3Used,
    WorkingSetClamped,
    StatsMissing,
    MemoryOutsideCgroups,
    HostViewInContainer,
    RootUsageRule,
    Over100Percent,
    EvictionThresholdNear,
    ImpossibleValue,
    TruncatedInput,
    /// Documents that could not be read at all, or lines that could not.
    UnreadableInput,
    /// Two pasted numbers of the same tool disagree with each other or with the recomputation.
    ObservedDiffers,
    /// The pasted inputs are not enough for a number; what to paste next.
    InputMissing,
    /// A `kubectl top pod` row is the sum of container working sets, not the pod cgroup's.
    PodSumOfContainers,
    /// A pasted `free` is BusyBox's, which counts differently from procps.
    BusyboxFree,
    /// The pasted inputs come from different machines or moments.
    MixedSources,
}

impl FindingCode {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::PercentOfAllocatable => "percent_of_allocatable",
            FindingCode::ActiveFileInWorkingSet => "active_file_in_working_set",
            FindingCode::ShmemInWorkingSet => "shmem_in_working_set",
            FindingCode::ReclaimableSlabInWorkingSet => "reclaimable_slab_in_working_set",
            FindingCode::KernelMemoryInUsage => "kernel_memory_in_usage",
            FindingCode::Procps4Used => "procps4_used",
            FindingCode::Procps3Used => "procps3_used",
            FindingCode::WorkingSetClamped => "working_set_clamped",
            FindingCode::StatsMissing => "stats_missing",
            FindingCode::MemoryOutsideCgroups => "memory_outside_cgroups",
            FindingCode::HostViewInContainer => "host_view_in_container",
            FindingCode::RootUsageRule => "root_usage_rule",
            FindingCode::Over100Percent => "over_100_percent",
            FindingCode::EvictionThresholdNear => "eviction_threshold_near",
            FindingCode::ImpossibleValue => "impossible_value",
            FindingCode::TruncatedInput => "truncated_input",
            FindingCode::UnreadableInput => "unreadable_input",
            FindingCode::ObservedDiffers => "observed_differs",
            FindingCode::InputMissing => "input_missing",
            FindingCode::PodSumOfContainers => "pod_sum_of_containers",
            FindingCode::BusyboxFree => "busybox_free",
            FindingCode::MixedSources => "mixed_sources",
        }
    }
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FindingCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingSeverity {
    /// Something needs attention (eviction near, an impossible value, unreadable input).
    Warning,
    /// The explanation of a difference.
    Explanation,
    /// Background worth knowing.
    Info,
}

/// A ranked statement about this paste.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: FindingSeverity,
    /// One sentence.
    pub summary: String,
    pub explanation: String,
    /// The quantities it rests on.
    pub quantities: Vec<String>,
    /// The input lines it rests on.
    pub at: Vec<At>,
    /// What to paste next, and the exact command that collects it.
    pub next: Option<NextInput>,
    /// Higher ranks first.
    pub rank: u32,
}

/// An input that would settle a question.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NextInput {
    pub what: String,
    pub command: String,
}

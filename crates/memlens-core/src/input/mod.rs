//! Reading what people paste: sources, documents, kinds, diagnostics.
//!
//! A [`Source`] is one paste or one file. [`split`] cuts it into [`Document`]s at `==> path <==`
//! headers, prompt and command lines and Markdown fences; [`detect`] gives each document a
//! [`Kind`] with the reasons for it. Every line keeps its 1-based number in its source, so any
//! fact read later can say where it came from ([`At`]).

pub mod clean;
pub mod detect;
pub mod split;

use std::fmt;

use serde::{Serialize, Serializer};

/// One thing handed to the core: a paste, or a file with its name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Source {
    /// A file name or path (`memory.stat`, `/proc/meminfo`); names the document like a
    /// `==> path <==` header does. `None` for a paste.
    pub name: Option<String>,
    pub text: String,
}

impl Source {
    pub fn paste(text: impl Into<String>) -> Self {
        Source {
            name: None,
            text: text.into(),
        }
    }

    pub fn file(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: Some(name.into()),
            text: text.into(),
        }
    }
}

/// A document's identity within one read: `d1`, `d2`, … in the order documents appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DocId(pub u32);

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "d{}", self.0)
    }
}

impl Serialize for DocId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl DocId {
    /// Reads `d7` back into `DocId(7)`.
    pub fn parse(text: &str) -> Option<DocId> {
        text.strip_prefix('d')?.parse().ok().map(DocId)
    }
}

/// Where a fact came from: a document and a 1-based line number in that document's source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
pub struct At {
    pub doc: DocId,
    pub line: u32,
}

/// A value read from a document, with the line it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Val<T> {
    pub value: T,
    pub at: At,
}

impl<T> Val<T> {
    pub fn new(value: T, at: At) -> Self {
        Val { value, at }
    }
}

/// One cleaned line of a document: carriage returns, ANSI colour codes, Markdown quote
/// prefixes and `**` emphasis are gone; `no` is the line's number in its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub no: u32,
    pub text: String,
}

/// What a document is. The strings are a contract (see `as_str`); never rename one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `/proc/meminfo`, also lxcfs' virtual one.
    Meminfo,
    /// cgroup v2 `memory.stat`.
    Cgroup2MemoryStat,
    /// cgroup v1 `memory.stat`.
    Cgroup1MemoryStat,
    /// cgroup v2 `memory.current`: one number, the usage.
    Cgroup2MemoryCurrent,
    /// cgroup v1 `memory.usage_in_bytes`: one number, the usage.
    Cgroup1MemoryUsageInBytes,
    /// cgroup v2 `memory.max`: the limit, `max` for none.
    Cgroup2MemoryMax,
    /// cgroup v1 `memory.limit_in_bytes`: the limit.
    Cgroup1MemoryLimitInBytes,
    /// procps or BusyBox `free`.
    Free,
    /// The memory summary lines of procps or BusyBox `top`.
    Top,
    /// Prometheus text exposition: kubelet `/metrics/resource`, `/metrics/cadvisor`,
    /// node_exporter.
    Prometheus,
    /// kubelet `/stats/summary` JSON, whole or a `jq` excerpt.
    KubeletSummary,
    /// metrics.k8s.io `NodeMetrics` / `NodeMetricsList` JSON.
    MetricsNodes,
    /// metrics.k8s.io `PodMetrics` / `PodMetricsList` JSON.
    MetricsPods,
    /// `kubectl top node(s)` table.
    KubectlTopNode,
    /// `kubectl top pod(s)` table.
    KubectlTopPod,
    /// `kubectl get node(s) -o json|yaml`.
    KubectlNode,
    /// `kubectl describe node`.
    KubectlDescribeNode,
    /// kubelet eviction manager and container runtime log lines.
    KubeletLog,
    /// A tool's version line: `free -V`, `top -V`, `uname -r`, `kubectl version`.
    Version,
    /// Not recognised; shown with its first lines and can be assigned a kind by hand.
    Unknown,
}

impl Kind {
    pub const ALL: [Kind; 20] = [
        Kind::Meminfo,
        Kind::Cgroup2MemoryStat,
        Kind::Cgroup1MemoryStat,
        Kind::Cgroup2MemoryCurrent,
        Kind::Cgroup1MemoryUsageInBytes,
        Kind::Cgroup2MemoryMax,
        Kind::Cgroup1MemoryLimitInBytes,
        Kind::Free,
        Kind::Top,
        Kind::Prometheus,
        Kind::KubeletSummary,
        Kind::MetricsNodes,
        Kind::MetricsPods,
        Kind::KubectlTopNode,
        Kind::KubectlTopPod,
        Kind::KubectlNode,
        Kind::KubectlDescribeNode,
        Kind::KubeletLog,
        Kind::Version,
        Kind::Unknown,
    ];

    /// The stable name of the kind, as `spec/inputs.md` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Meminfo => "meminfo",
            Kind::Cgroup2MemoryStat => "cgroup2.memory.stat",
            Kind::Cgroup1MemoryStat => "cgroup1.memory.stat",
            Kind::Cgroup2MemoryCurrent => "cgroup2.memory.current",
            Kind::Cgroup1MemoryUsageInBytes => "cgroup1.memory.usage_in_bytes",
            Kind::Cgroup2MemoryMax => "cgroup2.memory.max",
            Kind::Cgroup1MemoryLimitInBytes => "cgroup1.memory.limit_in_bytes",
            Kind::Free => "free",
            Kind::Top => "top",
            Kind::Prometheus => "prometheus",
            Kind::KubeletSummary => "kubelet.summary",
            Kind::MetricsNodes => "metrics.nodes",
            Kind::MetricsPods => "metrics.pods",
            Kind::KubectlTopNode => "kubectl.top.node",
            Kind::KubectlTopPod => "kubectl.top.pod",
            Kind::KubectlNode => "kubectl.node",
            Kind::KubectlDescribeNode => "kubectl.describe.node",
            Kind::KubeletLog => "kubelet.log",
            Kind::Version => "version",
            Kind::Unknown => "unknown",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// A short human label for the page and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Meminfo => "/proc/meminfo",
            Kind::Cgroup2MemoryStat => "cgroup v2 memory.stat",
            Kind::Cgroup1MemoryStat => "cgroup v1 memory.stat",
            Kind::Cgroup2MemoryCurrent => "cgroup v2 memory.current",
            Kind::Cgroup1MemoryUsageInBytes => "cgroup v1 memory.usage_in_bytes",
            Kind::Cgroup2MemoryMax => "cgroup v2 memory.max",
            Kind::Cgroup1MemoryLimitInBytes => "cgroup v1 memory.limit_in_bytes",
            Kind::Free => "free",
            Kind::Top => "top (memory lines)",
            Kind::Prometheus => "Prometheus text",
            Kind::KubeletSummary => "kubelet /stats/summary",
            Kind::MetricsNodes => "metrics.k8s.io NodeMetrics",
            Kind::MetricsPods => "metrics.k8s.io PodMetrics",
            Kind::KubectlTopNode => "kubectl top node",
            Kind::KubectlTopPod => "kubectl top pod",
            Kind::KubectlNode => "kubectl get node",
            Kind::KubectlDescribeNode => "kubectl describe node",
            Kind::KubeletLog => "kubelet / runtime log",
            Kind::Version => "tool version",
            Kind::Unknown => "not recognised",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A line could not be read; nothing was taken from it.
    Error,
    /// Something was read, with a caveat (a truncated document, a value out of range).
    Warning,
    /// Information: a line was skipped on purpose.
    Note,
}

/// A problem with a line of a document: where, what, and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub doc: DocId,
    /// The line in the document's source; `None` when it is about the whole document.
    pub line: Option<u32>,
    pub severity: Severity,
    pub message: String,
    /// What a line here should have looked like.
    pub expected: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} line {}: {}", self.doc, line, self.message)?,
            None => write!(f, "{}: {}", self.doc, self.message)?,
        }
        if let Some(expected) = &self.expected {
            write!(f, " (expected {expected})")?;
        }
        Ok(())
    }
}

/// Collects the diagnostics of one document while it is parsed.
#[derive(Debug)]
pub struct Diagnostics {
    doc: DocId,
    pub list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new(doc: DocId) -> Self {
        Diagnostics {
            doc,
            list: Vec::new(),
        }
    }

    pub fn doc(&self) -> DocId {
        self.doc
    }

    /// A line that could not be read.
    pub fn error(&mut self, line: u32, message: impl Into<String>, expected: impl Into<String>) {
        self.push(
            Some(line),
            Severity::Error,
            message.into(),
            Some(expected.into()),
        );
    }

    /// A line that was read with a caveat.
    pub fn warning(&mut self, line: Option<u32>, message: impl Into<String>) {
        self.push(line, Severity::Warning, message.into(), None);
    }

    /// A line skipped on purpose.
    pub fn note(&mut self, line: Option<u32>, message: impl Into<String>) {
        self.push(line, Severity::Note, message.into(), None);
    }

    /// The document stops mid-line or mid-structure at `line`; what came before is kept.
    pub fn truncated(&mut self, line: u32, what: &str) {
        self.push(
            Some(line),
            Severity::Warning,
            format!("the document is cut off here ({what}); everything before it is used"),
            None,
        );
    }

    pub fn push(
        &mut self,
        line: Option<u32>,
        severity: Severity,
        message: String,
        expected: Option<String>,
    ) {
        self.list.push(Diagnostic {
            doc: self.doc,
            line,
            severity,
            message,
            expected,
        });
    }

    pub fn is_truncated(&self) -> bool {
        self.list
            .iter()
            .any(|d| d.message.starts_with("the document is cut off"))
    }
}

/// One document found in a source: its lines, its kind and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub id: DocId,
    /// Index of the [`Source`] it came from.
    pub source: usize,
    /// The path or command that names it (`/sys/fs/cgroup/memory.stat`, `free -m`).
    pub name: Option<String>,
    /// The command line that printed it, when the paste shows one.
    pub command: Option<String>,
    pub kind: Kind,
    /// Why the document has its kind: the cues that were seen.
    pub reasons: Vec<String>,
    /// Whether the kind was set by hand.
    pub kind_set: bool,
    /// The host a shell prompt names (`node-f` in `node-f:~$ free -m`), telling which machine
    /// printed the document.
    pub host: Option<String>,
    pub lines: Vec<Line>,
}

impl Document {
    pub fn first_line(&self) -> u32 {
        self.lines.first().map_or(0, |l| l.no)
    }

    pub fn last_line(&self) -> u32 {
        self.lines.last().map_or(0, |l| l.no)
    }

    pub fn at(&self, line: u32) -> At {
        At { doc: self.id, line }
    }

    /// The file name at the end of the document's name (`memory.stat` for
    /// `/sys/fs/cgroup/kubepods.slice/memory.stat`).
    pub fn basename(&self) -> Option<&str> {
        let name = self.name.as_deref()?;
        let path = name
            .split_whitespace()
            .rfind(|w| w.contains('/') || w.contains('.'))?;
        Some(path.rsplit('/').next().unwrap_or(path))
    }

    /// The directory of the document's path (`/sys/fs/cgroup/kubepods.slice`), when its name
    /// is a path.
    pub fn directory(&self) -> Option<&str> {
        let name = self.name.as_deref()?;
        let path = name.split_whitespace().rfind(|w| w.contains('/'))?;
        path.rsplit_once('/')
            .map(|(dir, _)| if dir.is_empty() { "/" } else { dir })
    }
}

/// A person's correction of a guess: give a document another kind, or drop it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Override {
    SetKind(DocId, Kind),
    Drop(DocId),
}

/// Splits every source into documents, detects their kinds and applies the overrides.
pub fn read(sources: &[Source], overrides: &[Override]) -> Vec<Document> {
    let mut docs = Vec::new();
    for (index, source) in sources.iter().enumerate() {
        split::split(index, source, &mut docs);
    }
    for (n, doc) in docs.iter_mut().enumerate() {
        doc.id = DocId(n as u32 + 1);
        let (kind, reasons) = detect::detect(doc);
        doc.kind = kind;
        doc.reasons = reasons;
    }
    for o in overrides {
        match *o {
            Override::SetKind(id, kind) => {
                if let Some(doc) = docs.iter_mut().find(|d| d.id == id) {
                    doc.kind = kind;
                    doc.kind_set = true;
                    doc.reasons = vec!["set by hand".to_string()];
                }
            }
            Override::Drop(id) => docs.retain(|d| d.id != id),
        }
    }
    docs
}

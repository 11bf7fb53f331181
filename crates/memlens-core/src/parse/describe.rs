//! `kubectl describe node`.
//!
//! The output is a list of `Key:  value` lines at the left margin; some keys open an indented
//! block: `Labels:`/`Annotations:` continue on aligned lines, `Capacity:`/`Allocatable:` list
//! `resource:  quantity`, `System Info:` lists `Key:  value`, and `Conditions:`,
//! `Non-terminated Pods:` and `Allocated resources:` hold tables with a `----` rule under their
//! header. People paste parts of it: one block (C06), a table without its section line (C13), a
//! cut-off table (C12), `...` where they left lines out (the splitter drops those lines).
//!
//! Quantities keep their text as printed (`3292712Ki`, `1700m`, `2981486848`) and are read
//! exactly as Kubernetes quantities; one that cannot be read is an error and has no value.

use serde::Serialize;

use super::number::parse_u64;
use super::version::{Version, parse_version};
use crate::input::{At, Diagnostics, Document, Val};
use crate::quantity::Quantity;

/// `key=value` of `Labels:` or `key: value` of `Annotations:`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub at: At,
}

/// One `resource:  quantity` line of `Capacity:` or `Allocatable:`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// `memory`, `cpu`, `pods`, `ephemeral-storage`, `hugepages-2Mi`, `nvidia.com/gpu`.
    pub name: String,
    /// The quantity as printed: `3292712Ki`, `1700m`, `37818813820`.
    pub text: String,
    /// `None` when the text is not a quantity (an error says so).
    pub quantity: Option<Quantity>,
    pub at: At,
}

/// The `Capacity:` or `Allocatable:` block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resources {
    /// The `Capacity:`/`Allocatable:` line.
    pub at: At,
    pub entries: Vec<Resource>,
}

impl Resources {
    pub fn get(&self, name: &str) -> Option<&Resource> {
        self.entries.iter().find(|r| r.name == name)
    }

    pub fn memory(&self) -> Option<&Resource> {
        self.get("memory")
    }

    pub fn cpu(&self) -> Option<&Resource> {
        self.get("cpu")
    }

    /// The `hugepages-<size>` pools, which the kubelet takes out of allocatable memory.
    pub fn hugepages(&self) -> impl Iterator<Item = &Resource> {
        self.entries
            .iter()
            .filter(|r| r.name.starts_with("hugepages-"))
    }
}

/// One row of the `Conditions:` table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub at: At,
    /// `MemoryPressure`, `DiskPressure`, `PIDPressure`, `Ready`, `NetworkUnavailable`, …
    pub condition: String,
    /// `True`, `False` or `Unknown`.
    pub status: String,
    pub last_heartbeat: Option<String>,
    pub last_transition: Option<String>,
    pub reason: Option<String>,
    pub message: Option<String>,
}

/// A `quantity (percent%)` pair of the requests and limits tables: `2981486848 (37%)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Amount {
    /// The quantity as printed; raw bytes without a unit are common (C13).
    pub text: String,
    /// `None` when the text is not a quantity (an error says so).
    pub quantity: Option<Quantity>,
    /// The percent of allocatable kubectl printed after it.
    pub percent: Option<u64>,
}

/// One row of the `Allocated resources:` table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Allocated {
    pub at: At,
    pub resource: String,
    pub requests: Amount,
    pub limits: Amount,
}

/// One row of the `Non-terminated Pods:` table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PodRow {
    pub at: At,
    pub namespace: String,
    pub name: String,
    pub cpu_requests: Amount,
    pub cpu_limits: Amount,
    pub memory_requests: Amount,
    pub memory_limits: Amount,
    pub age: Option<String>,
}

/// A `System Info:` value, with its version read where it is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InfoValue {
    pub text: String,
    pub version: Option<Version>,
    pub at: At,
}

/// The `System Info:` lines memlens uses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SystemInfo {
    pub kernel_version: Option<InfoValue>,
    pub os_image: Option<InfoValue>,
    pub operating_system: Option<InfoValue>,
    pub architecture: Option<InfoValue>,
    /// `containerd://1.6.18`, `cri-o://1.25.3`, `docker://20.10.7`; the version is what follows
    /// `://`.
    pub container_runtime_version: Option<InfoValue>,
    pub kubelet_version: Option<InfoValue>,
    pub kube_proxy_version: Option<InfoValue>,
}

/// What was read from a `kubectl describe node`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DescribeNode {
    pub name: Option<Val<String>>,
    pub roles: Option<Val<String>>,
    pub labels: Vec<Entry>,
    pub annotations: Vec<Entry>,
    pub capacity: Option<Resources>,
    pub allocatable: Option<Resources>,
    pub conditions: Vec<Condition>,
    pub system_info: SystemInfo,
    pub pods: Vec<PodRow>,
    pub allocated: Vec<Allocated>,
}

impl DescribeNode {
    /// The value of a label, such as `kubernetes.io/hostname`.
    pub fn label(&self, key: &str) -> Option<&Entry> {
        self.labels.iter().find(|e| e.key == key)
    }

    pub fn condition(&self, condition: &str) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.condition == condition)
    }

    pub fn allocated(&self, resource: &str) -> Option<&Allocated> {
        self.allocated.iter().find(|a| a.resource == resource)
    }
}

/// Where in the output a line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// `Key: value` lines at the left margin.
    Top,
    Labels,
    Annotations,
    Capacity,
    Allocatable,
    Conditions,
    SystemInfo,
    Pods,
    Allocated,
    /// A block memlens does not read (`Lease:`, `Addresses:`, `Events:`, `Taints:` …).
    Skipped,
}

/// The keys `kubectl describe node` prints at the left margin, and the block each opens.
const SECTIONS: &[(&str, Section)] = &[
    ("Name", Section::Top),
    ("Roles", Section::Top),
    ("Labels", Section::Labels),
    ("Annotations", Section::Annotations),
    ("CreationTimestamp", Section::Top),
    ("Taints", Section::Skipped),
    ("Unschedulable", Section::Top),
    ("Lease", Section::Skipped),
    ("Conditions", Section::Conditions),
    ("Addresses", Section::Skipped),
    ("Capacity", Section::Capacity),
    ("Allocatable", Section::Allocatable),
    ("System Info", Section::SystemInfo),
    ("PodCIDR", Section::Top),
    ("PodCIDRs", Section::Top),
    ("ProviderID", Section::Top),
    ("Non-terminated Pods", Section::Pods),
    ("Allocated resources", Section::Allocated),
    ("Events", Section::Skipped),
];

/// The keys of `System Info:`, which keep their block when a paste loses the indentation.
const SYSTEM_INFO_KEYS: &[&str] = &[
    "Machine ID",
    "System UUID",
    "Boot ID",
    "Kernel Version",
    "OS Image",
    "Operating System",
    "Architecture",
    "Container Runtime Version",
    "Kubelet Version",
    "Kube-Proxy Version",
];

/// `CreationTimestamp`, `System Info`: a capitalised key of words, as describe prints them.
fn is_key(key: &str) -> bool {
    key.len() < 40
        && key.starts_with(|c: char| c.is_ascii_uppercase())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
        && !key.contains("  ")
}

/// The kubelet's messages for its condition reasons (kubernetes `pkg/kubelet/nodestatus/
/// setters.go`), used to tell a message cut off by the paste from a whole one.
const CONDITION_MESSAGES: &[(&str, &str)] = &[
    (
        "KubeletHasSufficientMemory",
        "kubelet has sufficient memory available",
    ),
    (
        "KubeletHasInsufficientMemory",
        "kubelet has insufficient memory available",
    ),
    ("KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("KubeletHasDiskPressure", "kubelet has disk pressure"),
    (
        "KubeletHasSufficientPID",
        "kubelet has sufficient PID available",
    ),
    (
        "KubeletHasInsufficientPID",
        "kubelet has insufficient PID available",
    ),
    ("KubeletReady", "kubelet is posting ready status"),
];

/// Reads a `kubectl describe node` (or a part of one).
pub fn parse(doc: &Document, diags: &mut Diagnostics) -> DescribeNode {
    let mut node = DescribeNode::default();
    let mut section = Section::Top;
    let last = doc.last_line();

    for line in &doc.lines {
        let text = line.text.trim();
        let at = doc.at(line.no);
        let no = line.no;
        if text.is_empty() || is_rule(text) {
            continue;
        }
        let indented = line.text.starts_with([' ', '\t']);

        // A section line, wherever its indentation went.
        if let Some((key, value, opens)) = section_line(text, indented) {
            section = opens;
            top_level(&mut node, key, value, at, diags);
            continue;
        }
        // A key a newer kubectl added at the left margin opens a block memlens skips.
        if !indented
            && let Some((key, _)) = text.split_once(':')
            && is_key(key)
            && !(section == Section::SystemInfo && SYSTEM_INFO_KEYS.contains(&key))
        {
            section = Section::Skipped;
            continue;
        }
        // Table headers name their table even when the section line was left out (C13).
        let words: Vec<&str> = text.split_whitespace().collect();
        if words == ["Resource", "Requests", "Limits"] {
            section = Section::Allocated;
            continue;
        }
        if words.first() == Some(&"Type") && words.get(1) == Some(&"Status") {
            section = Section::Conditions;
            continue;
        }
        if words.starts_with(&["Namespace", "Name", "CPU", "Requests"]) {
            section = Section::Pods;
            continue;
        }
        if words.starts_with(&["CPU", "Requests", "CPU", "Limits"]) {
            section = Section::Allocated;
            continue;
        }

        match section {
            Section::Labels => match text.split_once('=') {
                Some((key, value)) if !key.contains(' ') => node.labels.push(entry(key, value, at)),
                _ => section = unexpected(diags, no, "a label `key=value`", indented),
            },
            Section::Annotations => match text.split_once(": ") {
                Some((key, value)) if !key.contains(' ') => {
                    node.annotations.push(entry(key, value, at))
                }
                // An annotation's value may go on over several lines (JSON); nothing memlens
                // reads is in it.
                _ if indented => diags.note(Some(no), "a line of an annotation's value; skipped"),
                _ => section = unexpected(diags, no, "an annotation `key: value`", indented),
            },
            Section::Capacity | Section::Allocatable => match resource_line(text) {
                Some((name, quantity)) => {
                    let block = if section == Section::Capacity {
                        &mut node.capacity
                    } else {
                        &mut node.allocatable
                    };
                    let block = block.get_or_insert(Resources {
                        at,
                        entries: Vec::new(),
                    });
                    if quantity.is_empty() && no == last {
                        diags.truncated(no, &format!("`{name}:` has no quantity"));
                    } else if quantity.is_empty() {
                        diags.error(
                            no,
                            format!("`{name}:` has no quantity"),
                            "`memory:  3292712Ki`",
                        );
                    } else {
                        block.entries.push(Resource {
                            name: name.to_string(),
                            text: quantity.to_string(),
                            quantity: read_quantity(quantity, name, no, diags),
                            at,
                        });
                    }
                }
                None => section = unexpected(diags, no, "`resource:  quantity`", indented),
            },
            Section::SystemInfo => match text.split_once(':') {
                Some((key, value)) => system_info(&mut node.system_info, key, value.trim(), at),
                None => section = unexpected(diags, no, "`Key:  value`", indented),
            },
            Section::Conditions => {
                if let Some(condition) = condition_row(text, at, no == last, diags) {
                    node.conditions.push(condition);
                }
            }
            Section::Allocated => {
                if text.starts_with('(') {
                    continue; // `(Total limits may be over 100 percent, i.e., overcommitted.)`
                }
                allocated_rows(&mut node.allocated, &words, at, no == last, diags);
            }
            Section::Pods => {
                if let Some(row) = pod_row(&words, at, no == last, diags) {
                    node.pods.push(row);
                }
            }
            Section::Skipped => {}
            Section::Top => diags.note(Some(no), "not a line of `kubectl describe node`; skipped"),
        }
    }
    if node == DescribeNode::default() {
        diags.warning(
            None,
            "nothing memlens reads was found in this `kubectl describe node`",
        );
    }
    node
}

/// `----  ------  ---` under a table header.
fn is_rule(text: &str) -> bool {
    text.starts_with("---") && text.bytes().all(|c| c == b'-' || c == b' ' || c == b'\t')
}

/// `Capacity:`, `Name:  node-a`, `Non-terminated Pods:  (9 in total)`: the key, its value and
/// the block it opens. A key a newer kubectl added opens a skipped block when it sits at the
/// left margin.
fn section_line(text: &str, indented: bool) -> Option<(&str, &str, Section)> {
    let (key, value) = text.split_once(':')?;
    let found = SECTIONS.iter().find(|(k, _)| *k == key).map(|(_, s)| *s);
    // An indented `Name:` would be a nested key; only blocks keep their name when indented.
    match found {
        Some(Section::Top) if indented => None,
        Some(section) => Some((key, value.trim(), section)),
        None => None,
    }
}

fn top_level(node: &mut DescribeNode, key: &str, value: &str, at: At, diags: &mut Diagnostics) {
    match key {
        "Name" => node.name = Some(Val::new(value.to_string(), at)),
        "Roles" => node.roles = Some(Val::new(value.to_string(), at)),
        "Labels" => {
            if let Some((k, v)) = value.split_once('=') {
                node.labels.push(entry(k, v, at));
            }
        }
        "Annotations" => {
            if let Some((k, v)) = value.split_once(": ") {
                node.annotations.push(entry(k, v, at));
            }
        }
        "Capacity" | "Allocatable" => {
            let block = Some(Resources {
                at,
                entries: Vec::new(),
            });
            let previous = if key == "Capacity" {
                std::mem::replace(&mut node.capacity, block)
            } else {
                std::mem::replace(&mut node.allocatable, block)
            };
            if previous.is_some() {
                diags.warning(
                    Some(at.line),
                    format!("a second `{key}:` block; the later one is used"),
                );
            }
        }
        _ => {}
    }
}

fn entry(key: &str, value: &str, at: At) -> Entry {
    Entry {
        key: key.trim().to_string(),
        value: value.trim().to_string(),
        at,
    }
}

/// `memory:  3292712Ki` → (`memory`, `3292712Ki`). Resource names are lower case, with `-`,
/// `.`, `/` and digits (`hugepages-2Mi`, `nvidia.com/gpu`).
fn resource_line(text: &str) -> Option<(&str, &str)> {
    let (name, quantity) = text.split_once(':')?;
    let first_ok = name.starts_with(|c: char| c.is_ascii_lowercase());
    let name_ok = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-./_".contains(c));
    let quantity = quantity.trim();
    (first_ok && name_ok && !quantity.contains(char::is_whitespace)).then_some((name, quantity))
}

/// A line that belongs to none of the block's shapes. At the left margin it ends the block;
/// indented, it is noted and the block goes on.
fn unexpected(diags: &mut Diagnostics, no: u32, expected: &str, indented: bool) -> Section {
    diags.error(no, "not a line of this block", expected);
    if indented {
        Section::Skipped
    } else {
        Section::Top
    }
}

fn system_info(info: &mut SystemInfo, key: &str, value: &str, at: At) {
    let version_text = match key.trim() {
        "Container Runtime Version" => value.split_once("://").map_or(value, |(_, v)| v),
        _ => value,
    };
    let read = |with_version: bool| {
        let version = if with_version {
            parse_version(version_text)
        } else {
            None
        };
        Some(InfoValue {
            text: value.to_string(),
            version,
            at,
        })
    };
    match key.trim() {
        "Kernel Version" => info.kernel_version = read(true),
        "OS Image" => info.os_image = read(false),
        "Operating System" => info.operating_system = read(false),
        "Architecture" => info.architecture = read(false),
        "Container Runtime Version" => info.container_runtime_version = read(true),
        "Kubelet Version" => info.kubelet_version = read(true),
        "Kube-Proxy Version" => info.kube_proxy_version = read(true),
        _ => {}
    }
}

/// Start offsets and words of a line.
fn words_at(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// A `Conditions:` row: `MemoryPressure  False  Mon, 30 Aug 2021 09:04:12 -0500  Fri, 23 Jul
/// 2021 09:16:07 -0500  KubeletHasSufficientMemory  kubelet has sufficient memory available`.
/// The two times are six words each when they start with a weekday (`Mon,`), one word
/// otherwise; the reason is one word and the message is the rest.
fn condition_row(text: &str, at: At, is_last: bool, diags: &mut Diagnostics) -> Option<Condition> {
    let words = words_at(text);
    let (Some(&(_, condition)), Some(&(_, status))) = (words.first(), words.get(1)) else {
        if is_last {
            diags.truncated(at.line, "the last Conditions row stops after its type");
        } else {
            diags.error(
                at.line,
                "a Conditions row without a status",
                "`MemoryPressure  False  …`",
            );
        }
        return None;
    };
    if !matches!(status, "True" | "False" | "Unknown") {
        diags.error(
            at.line,
            format!("`{status}` is not a condition status"),
            "`True`, `False` or `Unknown` after the condition type",
        );
        return None;
    }
    let mut next = 2;
    let mut time = || {
        let (start, first) = *words.get(next)?;
        let count = if first.ends_with(',') { 6 } else { 1 };
        let (end_start, end_word) = *words.get(next + count - 1)?;
        next += count;
        Some(text[start..end_start + end_word.len()].to_string())
    };
    let last_heartbeat = time();
    let last_transition = time();
    let reason = words.get(next).map(|(_, w)| w.to_string());
    let message = words
        .get(next + 1)
        .map(|&(start, _)| text[start..].trim().to_string());

    let mut row = Condition {
        at,
        condition: condition.to_string(),
        status: status.to_string(),
        last_heartbeat,
        last_transition,
        reason,
        message,
    };
    let known = row.reason.as_deref().and_then(|r| {
        CONDITION_MESSAGES
            .iter()
            .find(|(reason, _)| *reason == r)
            .map(|(_, m)| *m)
    });
    let cut_message = match (&row.message, known) {
        (Some(m), Some(k)) => m.len() < k.len() && k.starts_with(m.as_str()),
        _ => false,
    };
    if cut_message && is_last {
        diags.truncated(at.line, &format!("the message of {} is cut", row.condition));
        row.message = None;
    } else if row.message.is_none() && is_last {
        diags.truncated(
            at.line,
            &format!("the {} row stops before its message", row.condition),
        );
    } else if row.reason.is_none() {
        diags.warning(
            Some(at.line),
            format!("the {} row has no reason or message", row.condition),
        );
    }
    Some(row)
}

/// `2981486848 (37%)` from two words; `0` alone when a table left out the percent. A percent
/// that cannot be read is an error, and the amount keeps no percent.
fn amount(words: &[&str], next: &mut usize, at: At, diags: &mut Diagnostics) -> Option<Amount> {
    let text = words.get(*next)?;
    *next += 1;
    let inner = words
        .get(*next)
        .and_then(|w| w.strip_prefix('(')?.strip_suffix(')')?.strip_suffix('%'));
    let percent = inner.and_then(|inner| match parse_u64(inner) {
        Ok(p) => Some(p),
        Err(e) => {
            let message = format!("the percent after `{text}` is {e}");
            diags.error(at.line, message, "a whole percentage such as `(37%)`");
            None
        }
    });
    if inner.is_some() {
        *next += 1;
    }
    let quantity = read_quantity(text, "the amount", at.line, diags);
    Some(Amount {
        text: text.to_string(),
        quantity,
        percent,
    })
}

/// Reads a quantity; one that cannot be read is an error naming what it was for. Thousands
/// separators, which kubectl never prints but people transcribing a value do, are dropped when
/// they group the digits in threes.
fn read_quantity(text: &str, what: &str, no: u32, diags: &mut Diagnostics) -> Option<Quantity> {
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit() && c != ',')
        .unwrap_or(text.len());
    let grouped = text.contains(',') && parse_u64(&text[..digits_end]).is_ok();
    let plain = if grouped {
        text.replace(',', "")
    } else {
        text.to_string()
    };
    match Quantity::parse(&plain) {
        Ok(quantity) => Some(quantity),
        Err(e) => {
            diags.error(
                no,
                format!("`{text}` ({what}) is {e}"),
                "a Kubernetes quantity such as `3292712Ki`, `1700m` or `2981486848`",
            );
            None
        }
    }
}

/// A row of `Allocated resources:`: `memory  2981486848 (37%)  1588314624 (19%)`; or the one
/// row under the old header `CPU Requests  CPU Limits  Memory Requests  Memory Limits`.
fn allocated_rows(
    rows: &mut Vec<Allocated>,
    words: &[&str],
    at: At,
    is_last: bool,
    diags: &mut Diagnostics,
) {
    let numeric = words
        .first()
        .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()));
    let (resources, mut next): (&[&str], usize) = if numeric {
        (&["cpu", "memory"], 0)
    } else {
        (&[""], 1)
    };
    for resource in resources {
        let resource = if resource.is_empty() {
            words.first().copied().unwrap_or("")
        } else {
            resource
        };
        let requests = amount(words, &mut next, at, diags);
        let limits = amount(words, &mut next, at, diags);
        match (requests, limits) {
            (Some(requests), Some(limits)) => rows.push(Allocated {
                at,
                resource: resource.to_string(),
                requests,
                limits,
            }),
            _ if is_last => {
                diags.truncated(
                    at.line,
                    &format!("the `{resource}` row stops before its limits"),
                );
                return;
            }
            _ => {
                diags.error(
                    at.line,
                    format!("the `{resource}` row lacks its requests or limits"),
                    "`memory  2981486848 (37%)  1588314624 (19%)`",
                );
                return;
            }
        }
    }
    if let Some(rest) = words.get(next..).filter(|rest| !rest.is_empty()) {
        diags.warning(
            Some(at.line),
            format!("`{}` after the limits is ignored", rest.join(" ")),
        );
    }
}

/// A row of `Non-terminated Pods:`: namespace, name, four `quantity (percent%)` pairs, age.
fn pod_row(words: &[&str], at: At, is_last: bool, diags: &mut Diagnostics) -> Option<PodRow> {
    let mut next = 2;
    let amounts: Vec<Amount> = (0..4)
        .map_while(|_| amount(words, &mut next, at, diags))
        .collect();
    let (Some(namespace), Some(name), [cpu_requests, cpu_limits, memory_requests, memory_limits]) =
        (words.first(), words.get(1), amounts.as_slice())
    else {
        if is_last {
            diags.truncated(at.line, "the last pod row stops before its memory limits");
        } else {
            diags.error(
                at.line,
                "a pod row without its four requests and limits",
                "`kube-system  coredns-x  100m (5%)  0 (0%)  70Mi (1%)  170Mi (4%)  10d`",
            );
        }
        return None;
    };
    Some(PodRow {
        at,
        namespace: namespace.to_string(),
        name: name.to_string(),
        cpu_requests: cpu_requests.clone(),
        cpu_limits: cpu_limits.clone(),
        memory_requests: memory_requests.clone(),
        memory_limits: memory_limits.clone(),
        age: words.get(next).map(|w| w.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{DocId, Kind, Line, Severity, Source, clean, read};

    /// One case: name, input, what was read, diagnostics (line, severity).
    type Case = (
        &'static str,
        &'static str,
        &'static [&'static str],
        &'static [(u32, Severity)],
    );

    fn doc(text: &str) -> Document {
        let lines = clean::lines(text)
            .map(|(no, raw)| Line {
                no,
                text: clean::clean(raw),
            })
            .filter(|l| !l.text.trim().is_empty())
            .collect();
        Document {
            id: DocId(1),
            source: 0,
            name: None,
            command: None,
            kind: Kind::KubectlDescribeNode,
            reasons: Vec::new(),
            kind_set: false,
            host: None,
            lines,
        }
    }

    fn run(text: &str) -> (DescribeNode, Vec<(u32, Severity)>) {
        let mut diags = Diagnostics::new(DocId(1));
        let node = parse(&doc(text), &mut diags);
        (
            node,
            diags
                .list
                .iter()
                .map(|d| (d.line.unwrap_or(0), d.severity))
                .collect(),
        )
    }

    /// A whole describe, written for this test in the layout kubectl 1.27 prints.
    const FULL: &str = "\
Name:               node-a
Roles:              control-plane
Labels:             beta.kubernetes.io/arch=amd64
                    kubernetes.io/hostname=node-a
                    node-role.kubernetes.io/control-plane=
Annotations:        kubeadm.alpha.kubernetes.io/cri-socket: unix:///run/containerd/containerd.sock
                    node.alpha.kubernetes.io/ttl: 0
CreationTimestamp:  Fri, 03 Mar 2023 04:00:00 +0000
Taints:             node-role.kubernetes.io/control-plane:NoSchedule
Unschedulable:      false
Lease:
  HolderIdentity:  node-a
Conditions:
  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message
  ----             ------  -----------------                 ------------------                ------                       -------
  MemoryPressure   False   Fri, 03 Mar 2023 04:37:00 +0000   Fri, 03 Mar 2023 04:00:00 +0000   KubeletHasSufficientMemory   kubelet has sufficient memory available
  Ready            True    Fri, 03 Mar 2023 04:37:00 +0000   Fri, 03 Mar 2023 04:01:00 +0000   KubeletReady                 kubelet is posting ready status. AppArmor enabled
Addresses:
  InternalIP:  10.0.0.1
  Hostname:    node-a
Capacity:
  cpu:                2
  ephemeral-storage:  40470732Ki
  hugepages-1Gi:      0
  hugepages-2Mi:      0
  memory:             6070716Ki
  pods:               110
Allocatable:
  cpu:                2
  ephemeral-storage:  37297826550
  hugepages-1Gi:      0
  hugepages-2Mi:      0
  memory:             5968316Ki
  pods:               110
System Info:
  Machine ID:                 0123456789abcdef
  Kernel Version:             5.15.0-1034-gke
  OS Image:                   Ubuntu 22.04.2 LTS
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://1.6.18
  Kubelet Version:            v1.27.3
  Kube-Proxy Version:         v1.27.3
PodCIDR:                      10.244.0.0/24
Non-terminated Pods:          (2 in total)
  Namespace                   Name                CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----                ------------  ----------  ---------------  -------------  ---
  kube-system                 coredns-aaaaa       100m (5%)     0 (0%)      70Mi (1%)        170Mi (2%)     10d
  kube-system                 etcd-node-a         100m (5%)     0 (0%)      100Mi (1%)       0 (0%)         10d
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                200m (10%)  0 (0%)
  memory             170Mi (2%)  170Mi (2%)
  hugepages-2Mi      0 (0%)      0 (0%)
Events:              <none>
";

    #[test]
    fn full_describe() {
        let (node, diags) = run(FULL);
        assert_eq!(diags, []);
        assert_eq!(
            node.name.as_ref().map(|v| (v.value.as_str(), v.at.line)),
            Some(("node-a", 1))
        );
        assert_eq!(
            node.roles.as_ref().map(|v| v.value.as_str()),
            Some("control-plane")
        );
        assert_eq!(
            node.label("kubernetes.io/hostname")
                .map(|e| e.value.as_str()),
            Some("node-a")
        );
        assert_eq!(node.labels.len(), 3);
        let ttl = node
            .annotations
            .iter()
            .find(|e| e.key == "node.alpha.kubernetes.io/ttl");
        assert_eq!(ttl.map(|e| (e.value.as_str(), e.at.line)), Some(("0", 7)));

        let capacity = node.capacity.as_ref().unwrap();
        let allocatable = node.allocatable.as_ref().unwrap();
        let got = |r: &Resources, name: &str| r.get(name).map(|r| (r.text.clone(), r.at.line));
        assert_eq!(got(capacity, "memory"), Some(("6070716Ki".to_string(), 26)));
        assert_eq!(
            got(allocatable, "memory"),
            Some(("5968316Ki".to_string(), 33))
        );
        assert_eq!(
            got(allocatable, "ephemeral-storage"),
            Some(("37297826550".to_string(), 30))
        );
        assert_eq!(capacity.cpu().map(|r| r.text.as_str()), Some("2"));
        let bytes = |r: Option<&Resource>| r.and_then(|r| r.quantity).map(|q| q.exact_bytes());
        assert_eq!(bytes(allocatable.memory()), Some(Ok(5968316 * 1024)));
        assert_eq!(
            bytes(allocatable.get("ephemeral-storage")),
            Some(Ok(37297826550))
        );
        let cpu = capacity
            .cpu()
            .and_then(|r| r.quantity)
            .and_then(|q| q.milli_value());
        assert_eq!(cpu, Some(2000));
        assert_eq!(capacity.hugepages().count(), 2);
        assert_eq!(capacity.entries.len(), 6);

        let memory = node.condition("MemoryPressure").unwrap();
        assert_eq!(memory.status, "False");
        assert_eq!(
            memory.last_heartbeat.as_deref(),
            Some("Fri, 03 Mar 2023 04:37:00 +0000")
        );
        assert_eq!(
            memory.last_transition.as_deref(),
            Some("Fri, 03 Mar 2023 04:00:00 +0000")
        );
        assert_eq!(memory.reason.as_deref(), Some("KubeletHasSufficientMemory"));
        assert_eq!(
            memory.message.as_deref(),
            Some("kubelet has sufficient memory available")
        );
        let ready = node.condition("Ready").unwrap();
        assert_eq!(
            ready.message.as_deref(),
            Some("kubelet is posting ready status. AppArmor enabled")
        );

        let info = &node.system_info;
        let kernel = info.kernel_version.as_ref().unwrap();
        assert_eq!(
            (kernel.text.as_str(), kernel.at.line),
            ("5.15.0-1034-gke", 37)
        );
        assert_eq!(
            kernel.version.as_ref().map(|v| (v.major, v.minor, v.patch)),
            Some((5, 15, Some(0)))
        );
        let kubelet = info
            .kubelet_version
            .as_ref()
            .and_then(|v| v.version.as_ref());
        assert_eq!(
            kubelet.map(|v| (v.major, v.minor, v.patch)),
            Some((1, 27, Some(3)))
        );
        let runtime = info.container_runtime_version.as_ref().unwrap();
        assert_eq!(runtime.text, "containerd://1.6.18");
        assert_eq!(
            runtime
                .version
                .as_ref()
                .map(|v| (v.major, v.minor, v.patch)),
            Some((1, 6, Some(18)))
        );
        assert_eq!(
            info.os_image.as_ref().map(|v| v.text.as_str()),
            Some("Ubuntu 22.04.2 LTS")
        );

        let pods: Vec<(&str, &str, &str, Option<u64>)> = node
            .pods
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.memory_requests.text.as_str(),
                    p.memory_limits.text.as_str(),
                    p.memory_limits.percent,
                )
            })
            .collect();
        assert_eq!(
            pods,
            [
                ("coredns-aaaaa", "70Mi", "170Mi", Some(2)),
                ("etcd-node-a", "100Mi", "0", Some(0))
            ]
        );

        assert_eq!(
            summary(&node).get(14..),
            Some(
                &[
                    "cpu 200m Some(10) 0 Some(0)".to_string(),
                    "memory 170Mi Some(2) 170Mi Some(2)".to_string(),
                    "hugepages-2Mi 0 Some(0) 0 Some(0)".to_string(),
                ][..]
            )
        );
    }

    /// Summaries of what a case read: `resource=text` for both blocks, conditions, allocated.
    fn summary(node: &DescribeNode) -> Vec<String> {
        let mut out = Vec::new();
        for (label, block) in [
            ("capacity", &node.capacity),
            ("allocatable", &node.allocatable),
        ] {
            for r in block.iter().flat_map(|b| &b.entries) {
                out.push(format!("{label} {}={}", r.name, r.text));
            }
        }
        for c in &node.conditions {
            out.push(format!("{} {} {:?}", c.condition, c.status, c.message));
        }
        for a in &node.allocated {
            out.push(format!(
                "{} {} {:?} {} {:?}",
                a.resource, a.requests.text, a.requests.percent, a.limits.text, a.limits.percent
            ));
        }
        out
    }

    #[test]
    fn cases() {
        use Severity::*;
        #[rustfmt::skip]
        let cases: &[Case] = &[
            ("only an Allocatable block with lost indentation", "Allocatable:\ncpu: 1700m\nmemory: 3292712Ki\n",
                &["allocatable cpu=1700m", "allocatable memory=3292712Ki"], &[]),
            ("tabs", "Capacity:\n\tcpu:\t2\n\tmemory:\t3907112Ki\n",
                &["capacity cpu=2", "capacity memory=3907112Ki"], &[]),
            ("garbage line inside a block", "Capacity:\n  cpu: 2\n  this is not a resource\n  memory: 1Ki\n",
                &["capacity cpu=2"], &[(3, Error)]),
            ("garbage at the margin ends the block", "Capacity:\n  cpu: 2\n!!!\n  memory: 1Ki\n",
                &["capacity cpu=2"], &[(3, Error), (4, Note)]),
            ("empty", "", &[], &[(0, Warning)]),
            ("quantity cut at the end", "Allocatable:\n  cpu: 2\n  memory:", &["allocatable cpu=2"], &[(3, Warning)]),
            ("conditions cut in a message (C12)",
                "Conditions:\n  Type Status LastHeartbeatTime LastTransitionTime Reason Message\n  MemoryPressure False Mon, 30 Aug 2021 09:04:12 -0500 Fri, 23 Jul 2021 09:16:07 -0500 KubeletHasSufficientMemory kubelet has sufficient memory available\n  PIDPressure False Mon, 30 Aug 2021 09:04:12 -0500 Fri, 23 Jul 2021 09:16:07 -0500 KubeletHasSufficientPID k",
                &["MemoryPressure False Some(\"kubelet has sufficient memory available\")", "PIDPressure False None"],
                &[(4, Warning)]),
            ("condition with a bad status", "Conditions:\n  Ready Maybe x\n", &[], &[(2, Error), (0, Warning)]),
            ("allocated table without its section line (C13)",
                "  Resource  Requests          Limits\n  --------  --------          ------\n  cpu       1480m (74%)       1300m (65%)\n  memory    2981486848 (37%)  1588314624 (19%)\n",
                &["cpu 1480m Some(74) 1300m Some(65)", "memory 2981486848 Some(37) 1588314624 Some(19)"], &[]),
            ("old allocated header",
                "Allocated resources:\n  CPU Requests  CPU Limits  Memory Requests  Memory Limits\n  ------------  ----------  ---------------  -------------\n  250m (12%)    0 (0%)      128Mi (3%)       256Mi (6%)\n",
                &["cpu 250m Some(12) 0 Some(0)", "memory 128Mi Some(3) 256Mi Some(6)"], &[]),
            ("percent past u64", "  Resource Requests Limits\n  memory 1 (99999999999999999999%) 2 (1%)\n",
                &["memory 1 None 2 Some(1)"], &[(2, Error)]),
            ("allocated row cut at the end", "  Resource Requests Limits\n  cpu 1 (1%) 2 (2%)\n  memory 2981486848 (37%)",
                &["cpu 1 Some(1) 2 Some(2)"], &[(3, Warning)]),
            ("a key a newer kubectl adds, and its block", "Capacity:\n  cpu: 2\nFuture Thing:\n  Whatever: 1\nAllocatable:\n  cpu: 1\n",
                &["capacity cpu=2", "allocatable cpu=1"], &[]),
            ("an annotation value over two lines", "Annotations: a: {\n    \"b\":1}\n  c: d\nCapacity:\n  cpu: 2\n",
                &["capacity cpu=2"], &[(2, Note)]),
            ("an extra cell after the limits", "  Resource Requests Limits\n  cpu 1 (1%) 2 (2%) 3\n",
                &["cpu 1 Some(1) 2 Some(2)"], &[(2, Warning)]),
            ("a quantity that is not one", "Capacity:\n  memory: 12XB\n  pods: 110\n",
                &["capacity memory=12XB", "capacity pods=110"], &[(2, Error)]),
            ("thousands separators stay as printed", "Capacity:\n  memory: 3,907,112Ki\n",
                &["capacity memory=3,907,112Ki"], &[]),
        ];
        for (name, text, want, want_diags) in cases {
            let (node, diags) = run(text);
            assert_eq!(summary(&node), *want, "{name}");
            assert_eq!(diags, *want_diags, "{name}");
        }
    }

    #[test]
    fn quantities() {
        let (node, diags) = run("Allocatable:\n  memory: 3,907,112Ki\n  cpu: 1700m\n");
        assert_eq!(diags, []);
        let allocatable = node.allocatable.unwrap();
        let memory = allocatable
            .memory()
            .and_then(|r| r.quantity)
            .map(|q| q.exact_bytes());
        assert_eq!(memory, Some(Ok(3907112 * 1024)));
        let cpu = allocatable
            .cpu()
            .and_then(|r| r.quantity)
            .and_then(|q| q.milli_value());
        assert_eq!(cpu, Some(1700));

        let (node, diags) =
            run("  Resource Requests Limits\n  memory 2981486848 (37%) 1Gi (13%)\n");
        assert_eq!(diags, []);
        let memory = node.allocated("memory").unwrap();
        let bytes = |a: &Amount| a.quantity.map(|q| q.exact_bytes());
        assert_eq!(bytes(&memory.requests), Some(Ok(2981486848)));
        assert_eq!(bytes(&memory.limits), Some(Ok(1 << 30)));
    }

    #[test]
    fn through_read_with_crlf_and_colour() {
        let text = "$ kubectl describe node node-a\r\nName:  node-a\r\n\u{1b}[1mAllocatable:\u{1b}[0m\r\n  **memory:  3292712Ki**\r\n";
        let docs = read(&[Source::paste(text)], &[]);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].kind, Kind::KubectlDescribeNode);
        let mut diags = Diagnostics::new(docs[0].id);
        let node = parse(&docs[0], &mut diags);
        let memory = node.allocatable.as_ref().and_then(|a| a.memory());
        assert_eq!(
            memory.map(|m| (m.text.as_str(), m.at.line)),
            Some(("3292712Ki", 4))
        );
        assert!(diags.list.is_empty(), "{:?}", diags.list);
    }
}

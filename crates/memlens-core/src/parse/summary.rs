//! kubelet `/stats/summary` JSON, whole or as a `jq` excerpt.
//!
//! The summary (kubernetes `pkg/kubelet/apis/stats/v1alpha1/types.go`, `Summary`) holds the
//! node's stats, its system containers (`kubelet`, `runtime`, `pods`, `misc`) and every pod
//! with its containers. People paste all of it, or what `jq` picked out: `.node`,
//! `.node.memory`, `.pods`, `.pods[]`. Which piece a document is comes from the `jq` filter
//! in the command that printed it, else from its keys. Every field is optional, as in the
//! API, and each number keeps the line it was read from.

use serde::Serialize;
use serde_json::Value;

use super::json::{self, JqStep, Json, pointer};
use crate::input::{Diagnostics, Document, Val};

/// What a summary paste holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// The pieces of the summary found, in order (`whole`, `node.memory`, …).
    pub parts: Vec<Part>,
    /// Boxed: a summary is large, and most pastes hold one.
    pub node: Option<Box<NodeStats>>,
    pub pods: Vec<PodStats>,
}

/// A piece of `/stats/summary` that a document can be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Whole,
    Node,
    NodeMemory,
    NodeCpu,
    NodeSwap,
    SystemContainers,
    SystemContainer,
    Pods,
    Pod,
}

impl Part {
    /// The `jq` path of the piece: the stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Whole => ".",
            Part::Node => ".node",
            Part::NodeMemory => ".node.memory",
            Part::NodeCpu => ".node.cpu",
            Part::NodeSwap => ".node.swap",
            Part::SystemContainers => ".node.systemContainers",
            Part::SystemContainer => ".node.systemContainers[]",
            Part::Pods => ".pods",
            Part::Pod => ".pods[]",
        }
    }
}

impl Serialize for Part {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `NodeStats`: the root cgroup's stats (see `accounting.md` §2.1) and the system containers.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NodeStats {
    pub node_name: Option<Val<String>>,
    pub start_time: Option<Val<String>>,
    pub memory: Option<MemoryStats>,
    pub cpu: Option<CpuStats>,
    pub swap: Option<SwapStats>,
    pub system_containers: Vec<ContainerStats>,
}

/// `MemoryStats`, in bytes; from cAdvisor's latest sample of the cgroup.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MemoryStats {
    pub time: Option<Val<String>>,
    /// Limit (machine capacity for the node) − working set; absent when unlimited.
    pub available_bytes: Option<Val<u64>>,
    pub usage_bytes: Option<Val<u64>>,
    pub working_set_bytes: Option<Val<u64>>,
    pub rss_bytes: Option<Val<u64>>,
    pub page_faults: Option<Val<u64>>,
    pub major_page_faults: Option<Val<u64>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CpuStats {
    pub time: Option<Val<String>>,
    pub usage_nano_cores: Option<Val<u64>>,
    pub usage_core_nano_seconds: Option<Val<u64>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SwapStats {
    pub time: Option<Val<String>>,
    pub swap_available_bytes: Option<Val<u64>>,
    pub swap_usage_bytes: Option<Val<u64>>,
}

/// A system container (`kubelet`, `runtime`, `pods`, `misc`) or a pod's container.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ContainerStats {
    pub name: Option<Val<String>>,
    pub start_time: Option<Val<String>>,
    pub memory: Option<MemoryStats>,
    pub cpu: Option<CpuStats>,
    pub swap: Option<SwapStats>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PodStats {
    pub name: Option<Val<String>>,
    pub namespace: Option<Val<String>>,
    pub uid: Option<Val<String>>,
    pub start_time: Option<Val<String>>,
    pub containers: Vec<ContainerStats>,
    /// The pod cgroup's own stats (kubelet ≥ 1.20); not the sum of its containers.
    pub memory: Option<MemoryStats>,
    pub cpu: Option<CpuStats>,
    pub swap: Option<SwapStats>,
}

/// Reads a `/stats/summary` document (or several, as `jq '.pods[]'` prints them).
pub fn parse(doc: &Document, diags: &mut Diagnostics) -> Summary {
    let jq = json::jq_path(doc);
    let mut summary = Summary::default();
    for j in json::read(doc, diags) {
        let Some(part) = jq
            .as_deref()
            .and_then(part_of_path)
            .or_else(|| part_of_shape(&j.value))
        else {
            diags.error(
                j.first_line,
                "JSON that is not a part of kubelet's /stats/summary",
                "the summary, or its `.node`, `.node.memory`, `.node.systemContainers` or `.pods`",
            );
            continue;
        };
        summary.parts.push(part);
        read_part(&j, part, &mut summary, diags);
    }
    summary
}

fn read_part(j: &Json, part: Part, summary: &mut Summary, diags: &mut Diagnostics) {
    fn node(s: &mut Summary) -> &mut NodeStats {
        s.node.get_or_insert_with(Default::default)
    }
    match part {
        Part::Whole => {
            if j.get("/node").is_some() {
                read_node(j, "/node", node(summary), diags);
            }
            read_pods(j, "/pods", &mut summary.pods, diags);
        }
        Part::Node => read_node(j, "", node(summary), diags),
        Part::NodeMemory => node(summary).memory = memory(j, "", diags),
        Part::NodeCpu => node(summary).cpu = cpu(j, "", diags),
        Part::NodeSwap => node(summary).swap = swap(j, "", diags),
        Part::SystemContainers => {
            let list = &mut node(summary).system_containers;
            for p in entries(j, "", diags) {
                list.push(container(j, &p, diags));
            }
        }
        Part::SystemContainer => node(summary)
            .system_containers
            .push(container(j, "", diags)),
        Part::Pods => read_pods(j, "", &mut summary.pods, diags),
        Part::Pod => summary.pods.push(pod(j, "", diags)),
    }
}

/// The piece a `jq` filter picks out, when it is one this parser knows.
fn part_of_path(steps: &[JqStep]) -> Option<Part> {
    use JqStep::{Each, Index, Key};
    let key = |s: &JqStep, k: &str| matches!(s, Key(x) if x == k);
    Some(match steps {
        [] => Part::Whole,
        [n] if key(n, "node") => Part::Node,
        [n, m] if key(n, "node") && key(m, "memory") => Part::NodeMemory,
        [n, m] if key(n, "node") && key(m, "cpu") => Part::NodeCpu,
        [n, m] if key(n, "node") && key(m, "swap") => Part::NodeSwap,
        [n, s] if key(n, "node") && key(s, "systemContainers") => Part::SystemContainers,
        [n, s, Each | Index(_)] if key(n, "node") && key(s, "systemContainers") => {
            Part::SystemContainer
        }
        [p] if key(p, "pods") => Part::Pods,
        [p, Each | Index(_)] if key(p, "pods") => Part::Pod,
        _ => return None,
    })
}

/// The piece a document is, judged by its keys when no `jq` filter says.
fn part_of_shape(value: &Value) -> Option<Part> {
    let has = |v: &Value, k: &str| v.get(k).is_some();
    let first = |v: &Value| v.as_array().and_then(|a| a.first()).cloned();
    match value {
        Value::Object(_) if has(value, "node") || has(value, "pods") => Some(Part::Whole),
        Value::Object(_) if has(value, "nodeName") || has(value, "systemContainers") => {
            Some(Part::Node)
        }
        Value::Object(_) if has(value, "podRef") => Some(Part::Pod),
        Value::Object(_) if MEMORY_KEYS.iter().any(|k| has(value, k)) => Some(Part::NodeMemory),
        Value::Object(_) if has(value, "usageNanoCores") => Some(Part::NodeCpu),
        Value::Object(_) if has(value, "swapUsageBytes") => Some(Part::NodeSwap),
        Value::Array(_) => match first(value) {
            Some(v) if has(&v, "podRef") => Some(Part::Pods),
            Some(v) if has(&v, "name") && (has(&v, "memory") || has(&v, "cpu")) => {
                Some(Part::SystemContainers)
            }
            _ => None,
        },
        _ => None,
    }
}

const MEMORY_KEYS: [&str; 4] = [
    "workingSetBytes",
    "availableBytes",
    "usageBytes",
    "rssBytes",
];

fn read_node(j: &Json, base: &str, node: &mut NodeStats, diags: &mut Diagnostics) {
    let at = |k: &str| pointer(base, k);
    node.node_name = j.str(&at("nodeName"), diags).or(node.node_name.take());
    node.start_time = j.str(&at("startTime"), diags).or(node.start_time.take());
    for p in entries(j, &at("systemContainers"), diags) {
        node.system_containers.push(container(j, &p, diags));
    }
    node.memory = memory(j, &at("memory"), diags).or(node.memory.take());
    node.cpu = cpu(j, &at("cpu"), diags).or(node.cpu.take());
    node.swap = swap(j, &at("swap"), diags).or(node.swap.take());

    // The node's own memory block comes after `systemContainers`; a paste that stops before
    // it has no node working set, and summing the system containers is no substitute.
    if node.memory.is_none()
        && let Some(cut) = j.cut
        && j.was_cut(base)
    {
        diags.warning(
            Some(cut),
            "the summary stops before the node's own `memory` block: there is no node working \
             set here (the system containers do not add up to it)",
        );
    }
}

fn read_pods(j: &Json, base: &str, pods: &mut Vec<PodStats>, diags: &mut Diagnostics) {
    for p in entries(j, base, diags) {
        pods.push(pod(j, &p, diags));
    }
}

fn pod(j: &Json, base: &str, diags: &mut Diagnostics) -> PodStats {
    let at = |k: &str| pointer(base, k);
    let containers = entries(j, &at("containers"), diags)
        .iter()
        .map(|p| container(j, p, diags))
        .collect();
    PodStats {
        name: j.str(&pointer(&at("podRef"), "name"), diags),
        namespace: j.str(&pointer(&at("podRef"), "namespace"), diags),
        uid: j.str(&pointer(&at("podRef"), "uid"), diags),
        start_time: j.str(&at("startTime"), diags),
        containers,
        memory: memory(j, &at("memory"), diags),
        cpu: cpu(j, &at("cpu"), diags),
        swap: swap(j, &at("swap"), diags),
    }
}

fn container(j: &Json, base: &str, diags: &mut Diagnostics) -> ContainerStats {
    let at = |k: &str| pointer(base, k);
    ContainerStats {
        name: j.str(&at("name"), diags),
        start_time: j.str(&at("startTime"), diags),
        memory: memory(j, &at("memory"), diags),
        cpu: cpu(j, &at("cpu"), diags),
        swap: swap(j, &at("swap"), diags),
    }
}

fn memory(j: &Json, base: &str, diags: &mut Diagnostics) -> Option<MemoryStats> {
    object(j, base, diags)?;
    let at = |k: &str| pointer(base, k);
    Some(MemoryStats {
        time: j.str(&at("time"), diags),
        available_bytes: j.u64(&at("availableBytes"), diags),
        usage_bytes: j.u64(&at("usageBytes"), diags),
        working_set_bytes: j.u64(&at("workingSetBytes"), diags),
        rss_bytes: j.u64(&at("rssBytes"), diags),
        page_faults: j.u64(&at("pageFaults"), diags),
        major_page_faults: j.u64(&at("majorPageFaults"), diags),
    })
}

fn cpu(j: &Json, base: &str, diags: &mut Diagnostics) -> Option<CpuStats> {
    object(j, base, diags)?;
    let at = |k: &str| pointer(base, k);
    Some(CpuStats {
        time: j.str(&at("time"), diags),
        usage_nano_cores: j.u64(&at("usageNanoCores"), diags),
        usage_core_nano_seconds: j.u64(&at("usageCoreNanoSeconds"), diags),
    })
}

fn swap(j: &Json, base: &str, diags: &mut Diagnostics) -> Option<SwapStats> {
    object(j, base, diags)?;
    let at = |k: &str| pointer(base, k);
    Some(SwapStats {
        time: j.str(&at("time"), diags),
        swap_available_bytes: j.u64(&at("swapAvailableBytes"), diags),
        swap_usage_bytes: j.u64(&at("swapUsageBytes"), diags),
    })
}

/// `Some(())` when `base` holds an object; something else there is a diagnostic.
fn object(j: &Json, base: &str, diags: &mut Diagnostics) -> Option<()> {
    match j.get(base)? {
        Value::Object(_) => Some(()),
        Value::Null => None,
        other => {
            let expected = "an object `{…}`";
            diags.error(j.line(base), format!("`{base}` is `{other}`"), expected);
            None
        }
    }
}

/// The pointers of the entries of the array at `base`.
fn entries(j: &Json, base: &str, diags: &mut Diagnostics) -> Vec<String> {
    match j.get(base) {
        Some(Value::Array(list)) => (0..list.len()).map(|i| format!("{base}/{i}")).collect(),
        None | Some(Value::Null) => Vec::new(),
        Some(other) => {
            diags.error(
                j.line(base),
                format!("`{base}` is `{other}`"),
                "an array `[…]`",
            );
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Kind, Source, read};
    use crate::parse::json::tests::document;

    const C07: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/field/C07/stats-summary-node-memory.json"
    ));
    const C10: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/field/C10/stats-summary.json"
    ));

    /// Reads `text` as a paste (splitting, detection) and parses its only document.
    fn through_read(name: Option<&str>, text: &str) -> (Kind, Summary, Diagnostics) {
        let source = match name {
            Some(n) => Source::file(n, text),
            None => Source::paste(text),
        };
        let docs = read(&[source], &[]);
        assert_eq!(docs.len(), 1, "{docs:#?}");
        let mut diags = Diagnostics::new(docs[0].id);
        let summary = parse(&docs[0], &mut diags);
        (docs[0].kind, summary, diags)
    }

    /// A field's name, its parsed value, and the value and line expected.
    type Row<'a> = (&'a str, &'a Option<Val<u64>>, Option<(u64, u32)>);
    type OwnedRow<'a> = (&'a str, Option<Val<u64>>, Option<(u64, u32)>);

    fn v<T: Clone>(val: &Option<Val<T>>) -> Option<(T, u32)> {
        val.as_ref().map(|v| (v.value.clone(), v.at.line))
    }

    #[test]
    fn c07_node_memory_from_jq() {
        let (kind, s, diags) = through_read(None, C07);
        assert_eq!(kind, Kind::KubeletSummary);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        assert_eq!(s.parts, [Part::NodeMemory]);
        let m = s.node.and_then(|n| n.memory).unwrap_or_default();
        let rows: &[Row] = &[
            ("availableBytes", &m.available_bytes, Some((3182673920, 4))),
            ("usageBytes", &m.usage_bytes, Some((1406832640, 5))),
            (
                "workingSetBytes",
                &m.working_set_bytes,
                Some((928534528, 6)),
            ),
            ("rssBytes", &m.rss_bytes, Some((387112960, 7))),
            ("pageFaults", &m.page_faults, Some((168825, 8))),
            ("majorPageFaults", &m.major_page_faults, Some((201, 9))),
        ];
        for (name, got, want) in rows {
            assert_eq!(v(got), *want, "{name}");
        }
        assert_eq!(v(&m.time), Some(("2023-06-28T22:28:17Z".to_string(), 3)));
        // expected.md: capacity = available + working set = 4,111,208,448 B.
        let sum = m
            .available_bytes
            .map(|a| a.value)
            .zip(m.working_set_bytes.map(|w| w.value));
        assert_eq!(sum.map(|(a, w)| a + w), Some(4_111_208_448));
    }

    #[test]
    fn c10_truncated_whole_summary() {
        let (kind, s, diags) = through_read(Some("stats-summary.json"), C10);
        assert_eq!(kind, Kind::KubeletSummary);
        assert_eq!(s.parts, [Part::Whole]);
        let node = s.node.unwrap_or_default();
        assert_eq!(v(&node.node_name), Some(("node-a".to_string(), 3)));
        assert_eq!(
            v(&node.start_time),
            Some(("2021-09-15T01:56:33Z".to_string(), 58))
        );
        assert_eq!(node.memory, None);
        let names: Vec<String> = node
            .system_containers
            .iter()
            .filter_map(|c| c.name.clone())
            .map(|n| n.value)
            .collect();
        assert_eq!(names, ["kubelet", "runtime", "pods"]);

        // expected.md: pods availableBytes 7,569,326,080 and workingSetBytes 612,503,552
        // (their sum is allocatable); usage 1,017,532,416; runtime and kubelet working sets.
        let memory = |i: usize| node.system_containers[i].memory.clone().unwrap_or_default();
        let rows: &[OwnedRow] = &[
            (
                "pods available",
                memory(2).available_bytes,
                Some((7569326080, 49)),
            ),
            (
                "pods working set",
                memory(2).working_set_bytes,
                Some((612503552, 51)),
            ),
            ("pods usage", memory(2).usage_bytes, Some((1017532416, 50))),
            ("pods rss", memory(2).rss_bytes, Some((582512640, 52))),
            (
                "runtime working set",
                memory(1).working_set_bytes,
                Some((102690816, 33)),
            ),
            (
                "runtime usage",
                memory(1).usage_bytes,
                Some((180060160, 32)),
            ),
            (
                "kubelet working set",
                memory(0).working_set_bytes,
                Some((58765312, 16)),
            ),
            ("kubelet usage", memory(0).usage_bytes, Some((65323008, 15))),
            ("kubelet available", memory(0).available_bytes, None),
        ];
        for (name, got, want) in rows {
            assert_eq!(v(got), *want, "{name}");
        }
        let cpu = node.system_containers[0].cpu.clone().unwrap_or_default();
        assert_eq!(v(&cpu.usage_nano_cores), Some((36920119, 10)));
        assert_eq!(v(&node.system_containers[1].start_time), None);

        let warnings: Vec<(Option<u32>, &str)> = diags
            .list
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(diags.is_truncated());
        assert_eq!(warnings[0].0, Some(58));
        assert!(
            warnings[1]
                .1
                .starts_with("the summary stops before the node's own `memory`")
        );
    }

    fn parse_text(text: &str) -> (Summary, Diagnostics) {
        let doc = document(Kind::KubeletSummary, text);
        let mut diags = Diagnostics::new(doc.id);
        (parse(&doc, &mut diags), diags)
    }

    #[test]
    fn pieces_by_shape() {
        let cases: &[(&str, &[Part])] = &[
            (
                "{\"node\": {\"nodeName\": \"a\"}, \"pods\": []}",
                &[Part::Whole],
            ),
            ("{\"nodeName\": \"a\", \"memory\": {}}", &[Part::Node]),
            (
                "{\"time\": \"t\", \"workingSetBytes\": 1}",
                &[Part::NodeMemory],
            ),
            ("{\"time\": \"t\", \"usageNanoCores\": 1}", &[Part::NodeCpu]),
            ("[{\"podRef\": {\"name\": \"p\"}}]", &[Part::Pods]),
            (
                "{\"podRef\": {\"name\": \"p\"}}\n{\"podRef\": {\"name\": \"q\"}}",
                &[Part::Pod, Part::Pod],
            ),
            (
                "[{\"name\": \"kubelet\", \"memory\": {}}]",
                &[Part::SystemContainers],
            ),
            ("{\"hello\": 1}", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(parse_text(text).0.parts, *want, "text {text:?}");
        }
        let (_, diags) = parse_text("{\"hello\": 1}");
        assert_eq!(
            diags.list[0].message,
            "JSON that is not a part of kubelet's /stats/summary"
        );
    }

    #[test]
    fn pods_and_their_containers() {
        let text = r#"{
 "node": {"nodeName": "a", "memory": {"workingSetBytes": 5, "availableBytes": 7}},
 "pods": [
  {
   "podRef": {"name": "coredns", "namespace": "kube-system", "uid": "u1"},
   "containers": [
    {"name": "coredns", "memory": {"workingSetBytes": 14868480, "usageBytes": 20000000}}
   ],
   "memory": {"workingSetBytes": 15000000},
   "cpu": {"usageNanoCores": 7338891}
  },
 ]
}"#;
        let (s, diags) = parse_text(text);
        assert_eq!(
            diags.list.len(),
            1,
            "the trailing comma note: {:?}",
            diags.list
        );
        let node_ws = s
            .node
            .and_then(|n| n.memory)
            .and_then(|m| m.working_set_bytes);
        assert_eq!(v(&node_ws), Some((5, 2)));
        let pod = &s.pods[0];
        assert_eq!(v(&pod.name), Some(("coredns".to_string(), 5)));
        assert_eq!(v(&pod.namespace), Some(("kube-system".to_string(), 5)));
        let c = &pod.containers[0];
        assert_eq!(v(&c.name), Some(("coredns".to_string(), 7)));
        assert_eq!(
            v(&c.memory.clone().unwrap_or_default().working_set_bytes),
            Some((14868480, 7))
        );
        assert_eq!(
            v(&pod.memory.clone().unwrap_or_default().working_set_bytes),
            Some((15000000, 9))
        );
        assert_eq!(
            v(&pod.cpu.clone().unwrap_or_default().usage_nano_cores),
            Some((7338891, 10))
        );
    }

    #[test]
    fn bad_values() {
        let cases: &[(&str, &str)] = &[
            (
                "{\"workingSetBytes\": 18446744073709551616}",
                "`workingSetBytes` is a value past 2^64 − 1, the largest a 64-bit counter holds",
            ),
            (
                "{\"workingSetBytes\": -1}",
                "`workingSetBytes` is a negative value, which a size cannot be",
            ),
            (
                "{\"workingSetBytes\": \"1Gi\"}",
                "`workingSetBytes` is the string \"1Gi\", not a number",
            ),
            ("{\"nodeName\": \"a\", \"memory\": 5}", "`/memory` is `5`"),
            (
                "{\"workingSetBytes\": 1,,}",
                "unexpected `,` in JSON at column 23",
            ),
            // Thousands separators are not JSON: the number ends at the comma.
            (
                "{\"workingSetBytes\": 612,503,552}",
                "unexpected `503` in JSON at column 25",
            ),
        ];
        for (text, want) in cases {
            let (_, diags) = parse_text(text);
            let messages: Vec<&str> = diags.list.iter().map(|d| d.message.as_str()).collect();
            assert_eq!(messages, [*want], "text {text:?}");
            assert_eq!(diags.list[0].line, Some(1));
        }
        let (s, diags) = parse_text("");
        assert_eq!((s, diags.list.len()), (Summary::default(), 0));
    }

    #[test]
    fn crlf_tabs_and_colours() {
        // `jq -C` colours keys and values; Windows line ends; tab indentation.
        let text = C07
            .replace("\n", "\r\n")
            .replace("  ", "\t")
            .replace(
                "\"workingSetBytes\"",
                "\x1b[1;34m\"workingSetBytes\"\x1b[0m",
            )
            .replace("928534528", "\x1b[0;39m928534528\x1b[0m");
        let (_, s, diags) = through_read(None, &text);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        let ws = s
            .node
            .and_then(|n| n.memory)
            .and_then(|m| m.working_set_bytes);
        assert_eq!(v(&ws), Some((928534528, 6)));
    }

    #[test]
    fn wrapped_one_line_summary() {
        let text = "{\"node\":{\"nodeName\":\"node-a\",\"memory\":{\"time\":\"2021-09-15T03:56:0\n4Z\",\"availableBytes\":75693\n26080,\"workingSetBytes\":612503552}}}";
        let (s, diags) = parse_text(text);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        let m = s.node.and_then(|n| n.memory).unwrap_or_default();
        assert_eq!(v(&m.available_bytes), Some((7569326080, 2)));
        assert_eq!(v(&m.working_set_bytes), Some((612503552, 3)));
        assert_eq!(v(&m.time), Some(("2021-09-15T03:56:04Z".to_string(), 1)));
    }
}

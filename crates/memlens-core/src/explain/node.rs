//! Node-scope quantities: capacity and allocatable, cAdvisor's root cgroup, the kubelet's node
//! stats, the eviction signals, metrics-server and `kubectl top node`.

use super::assume::Assumptions;
use super::evidence::{CgroupFiles, Evidence};
use super::{Out, TermOrigin, computed, derivation, missing, observe};
use crate::account::cadvisor::{self, Cgroup, NoValue};
use crate::account::term::{Derived, Lookup, Term as ATerm};
use crate::account::{eviction, kubectl, kubelet, metrics_server};
use crate::input::{At, Kind, Val};
use crate::parse::cgroup::{CgroupVersion, Limit};
use crate::parse::kubectl::TopRow;
use crate::parse::prometheus::SampleRef;
use crate::quantity::{Format, Quantity as KQuantity};
use crate::report::{AssumptionKey, Derivation, Quantity, Term};

pub(super) const CAPACITY: &str = "node.capacity_bytes";
pub(super) const ALLOCATABLE: &str = "node.allocatable_bytes";
pub(super) const CADVISOR_USAGE: &str = "cadvisor.node.usage_bytes";
pub(super) const CADVISOR_INACTIVE: &str = "cadvisor.node.inactive_file_bytes";
pub(super) const CADVISOR_WS: &str = "cadvisor.node.working_set_bytes";
pub(super) const CADVISOR_RSS: &str = "cadvisor.node.rss_bytes";
pub(super) const CADVISOR_CACHE: &str = "cadvisor.node.cache_bytes";
pub(super) const KUBELET_WS: &str = "kubelet.node.working_set_bytes";
pub(super) const KUBELET_USAGE: &str = "kubelet.node.usage_bytes";
pub(super) const KUBELET_RSS: &str = "kubelet.node.rss_bytes";
pub(super) const KUBELET_AVAILABLE: &str = "kubelet.node.available_bytes";
pub(super) const KUBELET_WS_TEXT: &str = "kubelet.node.working_set_text";
pub(super) const METRICS_SERVER_TEXT: &str = "metrics_server.node.memory_text";
pub(super) const TOP_MEMORY: &str = "kubectl.top_node.memory_text";
pub(super) const TOP_PERCENT: &str = "kubectl.top_node.memory_percent_text";
pub(super) const TOP_PERCENT_CAPACITY: &str = "kubectl.top_node.memory_percent_capacity_text";
pub(super) const EVICTION_AVAILABLE: &str = "eviction.memory_available_bytes";
pub(super) const EVICTION_THRESHOLD: &str = "eviction.hard_threshold_bytes";
pub(super) const EVICTION_ALLOCATABLE: &str = "eviction.allocatable_memory_available_bytes";
pub(super) const TOP_TABLE: &str = "kubectl.top_node.table_text";
pub(super) const PODS_LIMIT: &str = "kubelet.pods.limit_bytes";

const ASK_ROOT_STAT_V2: &str = "the root cgroup's memory.stat (`cat /sys/fs/cgroup/memory.stat`)";
const ASK_ROOT_STAT_V1: &str =
    "the root cgroup's memory.stat (`cat /sys/fs/cgroup/memory/memory.stat`)";
const ASK_ROOT_USAGE_V1: &str =
    "the root cgroup's usage (`cat /sys/fs/cgroup/memory/memory.usage_in_bytes`)";
pub(super) const ASK_MEMINFO: &str = "`/proc/meminfo` of the node (`cat /proc/meminfo`)";
const ASK_NODE: &str = "the node object (`kubectl get node NODE -o json`)";

pub(super) fn compute(ev: &Evidence<'_>, a: &Assumptions, out: &mut Out) {
    capacity(ev, out);
    allocatable(ev, out);
    cadvisor_root(ev, a, out);
    kubelet_node(ev, out);
    served_texts(ev, out);
    kubectl_node(ev, a, out);
    system_containers(ev, out);
    eviction_signals(ev, a, out);
    per_node(ev, a, out);
}

/// Where each term of a node formula comes from.
fn node_origin<'e>(ev: &'e Evidence<'e>, out: &'e Out) -> impl Fn(&str) -> TermOrigin + 'e {
    move |name: &str| {
        if let Some(m) = ev.meminfo()
            && let Some(e) = m.get(name)
        {
            return TermOrigin::line(if e.kib { "KiB" } else { "pages" }, Some(e.at));
        }
        if let Some(root) = ev.root() {
            if let Some(stat) = root.stat
                && let Some(v) = stat.get(name)
            {
                return TermOrigin::line("bytes", Some(v.at));
            }
            if matches!(name, "memory.usage_in_bytes" | "memory.current") {
                return TermOrigin::line("bytes", root.usage.as_ref().map(|u| u.at));
            }
        }
        let quantity = match name {
            "usage" => Some(CADVISOR_USAGE),
            "working_set" => Some(if out.get(CADVISOR_WS).and_then(|q| q.value).is_some() {
                CADVISOR_WS
            } else {
                KUBELET_WS
            }),
            "capacity" => Some(CAPACITY),
            "allocatable" => Some(ALLOCATABLE),
            _ => None,
        };
        match quantity {
            Some(id) => TermOrigin::quantity("bytes", id, out.known_at(id)),
            None => TermOrigin::line("bytes", None),
        }
    }
}

/// The subject node's name: the node whose raw files were pasted, as far as any document
/// names it.
pub(super) fn subject_name(ev: &Evidence<'_>) -> Option<String> {
    if let Some(name) = ev.describes.iter().find_map(|d| d.name.as_ref()) {
        return Some(name.value.clone());
    }
    if let Some(name) = ev
        .summaries
        .iter()
        .find_map(|s| s.node.as_ref().and_then(|n| n.node_name.as_ref()))
    {
        return Some(name.value.clone());
    }
    // `kubectl get --raw /api/v1/nodes/NODE/proxy/stats/summary | jq .node.memory` names the
    // node only in its command.
    if let Some(name) = ev
        .docs
        .iter()
        .filter(|d| matches!(d.kind, Kind::KubeletSummary | Kind::Prometheus))
        .find_map(|d| d.command.as_deref().and_then(proxied_node))
    {
        return Some(name);
    }
    let listed: Vec<&str> = ev
        .nodes
        .iter()
        .flat_map(|n| &n.items)
        .filter_map(|n| n.name.as_ref().map(|v| v.value.as_str()))
        .collect();
    if let [only] = listed.as_slice() {
        return Some(only.to_string());
    }
    let measured: Vec<&str> = ev
        .node_metrics
        .iter()
        .flat_map(|m| &m.items)
        .filter_map(|n| n.name.as_ref().map(|v| v.value.as_str()))
        .collect();
    if let [only] = measured.as_slice() {
        return Some(only.to_string());
    }
    let rows: Vec<&TopRow> = ev.top_nodes.iter().flat_map(|t| &t.rows).collect();
    match rows.as_slice() {
        [only] => Some(only.name.clone()),
        _ => None,
    }
}

/// The node of an API server proxy path in a command: `…/api/v1/nodes/NODE/proxy/…`.
fn proxied_node(command: &str) -> Option<String> {
    let (_, rest) = command.split_once("/nodes/")?;
    let (name, rest) = rest.split_once('/')?;
    (rest.starts_with("proxy/") && !name.is_empty()).then(|| name.to_string())
}

/// The subject node's row in the pasted `kubectl top node` tables.
fn subject_row<'a>(ev: &Evidence<'a>) -> Option<&'a TopRow> {
    let name = subject_name(ev)?;
    ev.top_nodes
        .iter()
        .flat_map(|t| &t.rows)
        .find(|r| r.name == name)
}

/// A node's memory capacity or allocatable as a pasted node object states it.
struct Declared {
    bytes: u64,
    text: String,
    at: At,
    source: &'static str,
}

/// `status.capacity.memory` (or `allocatable` when `allocatable` is true) of the subject node,
/// from `kubectl describe node` or `kubectl get node -o json|yaml`.
fn declared(ev: &Evidence<'_>, allocatable: bool) -> Option<Declared> {
    for d in &ev.describes {
        let block = if allocatable {
            d.allocatable.as_ref()
        } else {
            d.capacity.as_ref()
        };
        if let Some(r) = block.and_then(|b| b.memory())
            && let Some(bytes) = r.quantity.and_then(|q| q.exact_bytes().ok())
        {
            let source = if allocatable {
                "kubectl describe node, Allocatable"
            } else {
                "kubectl describe node, Capacity"
            };
            return Some(Declared {
                bytes,
                text: r.text.clone(),
                at: r.at,
                source,
            });
        }
    }
    let subject = subject_name(ev);
    for node in ev.nodes.iter().flat_map(|n| &n.items) {
        let name = node.name.as_ref().map(|n| n.value.as_str());
        if subject.is_some() && name != subject.as_deref() {
            continue;
        }
        let block = if allocatable {
            node.allocatable.as_ref()
        } else {
            node.capacity.as_ref()
        };
        if let Some(m) = block.and_then(|b| b.memory.as_ref())
            && let Ok(bytes) = m.value.quantity.exact_bytes()
        {
            let source = if allocatable {
                "kubectl get node, status.allocatable.memory"
            } else {
                "kubectl get node, status.capacity.memory"
            };
            return Some(Declared {
                bytes,
                text: m.value.text.clone(),
                at: m.at,
                source,
            });
        }
    }
    None
}

/// The subject node's `/stats/summary` memory block.
fn summary_memory<'a>(ev: &Evidence<'a>) -> Option<&'a crate::parse::summary::MemoryStats> {
    ev.summaries
        .iter()
        .find_map(|s| s.node.as_ref()?.memory.as_ref())
}

/// The `pods` system container of the summary (the kubepods cgroup).
fn summary_pods<'a>(ev: &Evidence<'a>) -> Option<&'a crate::parse::summary::MemoryStats> {
    ev.summaries.iter().find_map(|s| {
        s.node.as_ref()?.system_containers.iter().find_map(|c| {
            (c.name.as_ref()?.value == "pods")
                .then_some(c.memory.as_ref())
                .flatten()
        })
    })
}

/// `availableBytes + workingSetBytes` of the node's summary, which is `MemTotal × 1024` of the
/// machine the summary is from, with the two lines.
fn summary_capacity(ev: &Evidence<'_>) -> Option<(u64, Val<u64>, Val<u64>)> {
    let m = summary_memory(ev)?;
    let (avail, ws) = (m.available_bytes.clone()?, m.working_set_bytes.clone()?);
    Some((avail.value.checked_add(ws.value)?, avail, ws))
}

/// The subject node's `MemTotal` (KiB): the pasted `/proc/meminfo`'s, unless the node's
/// summary shows another capacity, in which case that meminfo is another machine's.
pub(super) fn node_mem_total(ev: &Evidence<'_>) -> Option<Val<u64>> {
    let total = ev.meminfo()?.kib("MemTotal")?;
    match summary_capacity(ev) {
        Some((bytes, _, _)) if total.value.checked_mul(1024) != Some(bytes) => None,
        _ => Some(total),
    }
}

/// A pasted `/proc/meminfo` whose MemTotal is not the capacity of the node in the summary:
/// `(MemTotal KiB, summary capacity bytes)`.
pub(super) fn meminfo_of_another_machine(ev: &Evidence<'_>) -> Option<(Val<u64>, u64, At)> {
    let total = ev.meminfo()?.kib("MemTotal")?;
    let (bytes, avail, _) = summary_capacity(ev)?;
    (total.value.checked_mul(1024) != Some(bytes)).then_some((total, bytes, avail.at))
}

fn capacity(ev: &Evidence<'_>, out: &mut Out) {
    let label = "Node capacity (memory)";
    let meminfo = node_mem_total(ev);

    if let Some(resource) = declared(ev, false) {
        let bytes = resource.bytes;
        let mut q = computed(
            CAPACITY,
            label,
            Some(bytes),
            Some(resource.text.clone()),
            Derivation {
                formula: "status.capacity.memory".to_string(),
                terms: vec![Term {
                    name: "status.capacity.memory".to_string(),
                    value: Some(bytes),
                    text: Some(resource.text.clone()),
                    unit: "bytes".to_string(),
                    quantity: None,
                    at: Some(resource.at),
                }],
                source: resource.source.to_string(),
                assumptions: vec![],
            },
        );
        if let Some(total) = meminfo {
            // The kubelet sets capacity from cAdvisor's MemTotal: they must match unless the
            // meminfo is from another machine (or a container's lxcfs view).
            let from_meminfo = total.value.checked_mul(1024);
            let mut o = observe(from_meminfo, None, Some(bytes), &resource.text, resource.at);
            o.note = Some(format!(
                "MemTotal × 1024 = {} bytes from /proc/meminfo; the kubelet publishes exactly \
                 this as capacity",
                from_meminfo.map_or("?".to_string(), |v| v.to_string())
            ));
            q.observed = Some(o);
        }
        out.push(q);
        return;
    }
    if let Some(total) = meminfo
        && let Some(bytes) = total.value.checked_mul(1024)
    {
        let d = Derived::new(
            bytes,
            "MemTotal × 1024",
            vec![ATerm::new("MemTotal", total.value)],
        );
        out.push(computed(
            CAPACITY,
            label,
            Some(bytes),
            Some(format!("{}Ki", total.value)),
            derivation(
                &d,
                "kubernetes pkg/kubelet/cadvisor/util.go CapacityFromMachineInfo: cAdvisor's \
                 MemTotal × 1024, served as <MemTotal>Ki",
                &[],
                &|_| TermOrigin::line("KiB", Some(total.at)),
            ),
        ));
        return;
    }
    // The summary's identity: availableBytes + workingSetBytes = MemTotal × 1024.
    if let Some((bytes, avail, ws)) = summary_capacity(ev) {
        let d = Derived::new(
            bytes,
            "availableBytes + workingSetBytes",
            vec![
                ATerm::new("availableBytes", avail.value),
                ATerm::new("workingSetBytes", ws.value),
            ],
        );
        let (a_at, w_at) = (avail.at, ws.at);
        out.push(computed(
            CAPACITY,
            label,
            Some(bytes),
            (bytes % 1024 == 0).then(|| format!("{}Ki", bytes / 1024)),
            derivation(
                &d,
                "kubernetes pkg/kubelet/stats/helper.go: the node's availableBytes is MemTotal × \
                 1024 − workingSetBytes, so their sum is the capacity",
                &[],
                &|name| {
                    TermOrigin::line(
                        "bytes",
                        Some(if name == "availableBytes" { a_at } else { w_at }),
                    )
                },
            ),
        ));
        return;
    }
    out.push(missing(
        CAPACITY,
        label,
        vec![ASK_MEMINFO.to_string(), ASK_NODE.to_string()],
    ));
}

fn allocatable(ev: &Evidence<'_>, out: &mut Out) {
    let label = "Node allocatable (memory)";
    if let Some(resource) = declared(ev, true) {
        let bytes = resource.bytes;
        out.push(computed(
            ALLOCATABLE,
            label,
            Some(bytes),
            Some(resource.text.clone()),
            Derivation {
                formula: "status.allocatable.memory".to_string(),
                terms: vec![Term {
                    name: "status.allocatable.memory".to_string(),
                    value: Some(bytes),
                    text: Some(resource.text.clone()),
                    unit: "bytes".to_string(),
                    quantity: None,
                    at: Some(resource.at),
                }],
                source: resource.source.to_string(),
                assumptions: vec![],
            },
        ));
        return;
    }
    out.push(missing(
        ALLOCATABLE,
        label,
        vec![format!(
            "{ASK_NODE}; allocatable is capacity minus system-reserved, kube-reserved, the hard \
             eviction threshold and hugepages, which only the node knows"
        )],
    ));
}

/// Which cgroup the root is, as cAdvisor's formulas see it.
fn root_cgroup(root: Option<&CgroupFiles<'_>>, a: &Assumptions) -> Cgroup {
    let version = root.and_then(|r| r.version).unwrap_or(a.cgroup.value);
    match version {
        CgroupVersion::V1 => Cgroup::V1 {
            use_hierarchy: true,
        },
        CgroupVersion::V2 => Cgroup::V2Root(a.root_usage.value),
    }
}

fn cadvisor_root(ev: &Evidence<'_>, a: &Assumptions, out: &mut Out) {
    let root = ev.root();
    let cgroup = root_cgroup(root, a);
    let stat: &dyn Lookup = match root.and_then(|r| r.stat) {
        Some(s) => s,
        None => &cadvisor::NOTHING,
    };
    let meminfo: &dyn Lookup = match ev.meminfo() {
        Some(m) => m,
        None => &cadvisor::NOTHING,
    };
    let usage_file = root.and_then(|r| r.usage.as_ref().map(|u| u.value));
    let assumptions: Vec<AssumptionKey> = match cgroup {
        Cgroup::V2Root(_) => vec![AssumptionKey::Cgroup, AssumptionKey::RootUsage],
        _ => vec![AssumptionKey::Cgroup],
    };
    let ask = |inputs: &[&str]| -> Vec<String> {
        inputs
            .iter()
            .map(|i| match *i {
                "memory.usage_in_bytes" => ASK_ROOT_USAGE_V1.to_string(),
                "MemTotal" | "MemFree" | "SwapTotal" | "SwapFree" => ASK_MEMINFO.to_string(),
                _ if matches!(cgroup, Cgroup::V1 { .. }) => ASK_ROOT_STAT_V1.to_string(),
                _ => ASK_ROOT_STAT_V2.to_string(),
            })
            .fold(Vec::new(), |mut v, s| {
                if !v.contains(&s) {
                    v.push(s);
                }
                v
            })
    };
    let source = "google/cadvisor container/libcontainer/handler.go setMemoryStats (v0.37+), \
                  usage from the container library (runc / opencontainers-cgroups)";
    let origin = node_origin(ev, out);

    let usage = cadvisor::usage(cgroup, usage_file, stat, meminfo);
    let usage_q = match &usage {
        Ok(d) => computed(
            CADVISOR_USAGE,
            "cAdvisor usage of cgroup /",
            Some(d.value),
            None,
            derivation(d, source, &assumptions, &origin),
        ),
        Err(NoValue::Missing(m)) => {
            missing(CADVISOR_USAGE, "cAdvisor usage of cgroup /", ask(&m.inputs))
        }
        Err(NoValue::NotReported) => missing(
            CADVISOR_USAGE,
            "cAdvisor usage of cgroup /",
            vec![
                "nothing: runc ≤ 1.0.0-rc93 reports no memory stats for the cgroup v2 root"
                    .to_string(),
            ],
        ),
    };
    let inactive_key = if matches!(cgroup, Cgroup::V1 { .. }) {
        "total_inactive_file"
    } else {
        "inactive_file"
    };
    let inactive_q = match root.and_then(|r| r.stat).and_then(|s| s.get(inactive_key)) {
        Some(v) => computed(
            CADVISOR_INACTIVE,
            "Inactive file pages of cgroup /",
            Some(v.value),
            None,
            derivation(
                &Derived::new(
                    v.value,
                    inactive_key_formula(inactive_key),
                    vec![ATerm::new(static_key(inactive_key), v.value)],
                ),
                source,
                &[AssumptionKey::Cgroup],
                &origin,
            ),
        ),
        None => match summary_inactive(ev) {
            Some((d, usage_at, ws_at)) => computed(
                CADVISOR_INACTIVE,
                "Inactive file pages of cgroup /",
                Some(d.value),
                None,
                derivation(
                    &d,
                    "kubernetes pkg/kubelet/stats/helper.go: the node's workingSetBytes is \
                     usageBytes − inactive file pages (cAdvisor setMemoryStats), so their \
                     difference is the root's inactive file pages unless it clamped at 0",
                    &[AssumptionKey::Cgroup],
                    &|name| {
                        TermOrigin::line(
                            "bytes",
                            Some(if name == "usageBytes" {
                                usage_at
                            } else {
                                ws_at
                            }),
                        )
                    },
                ),
            ),
            None => missing(
                CADVISOR_INACTIVE,
                "Inactive file pages of cgroup /",
                ask(&[inactive_key]),
            ),
        },
    };
    let ws_q = match &usage {
        // Without the root memory.stat nothing says how much of the usage is inactive: cAdvisor's
        // "working set = usage when the key is missing" is about the file, not about a paste
        // that left it out.
        Ok(_) if root.and_then(|r| r.stat).is_none() => missing(
            CADVISOR_WS,
            "cAdvisor working set of cgroup /",
            ask(&[inactive_key]),
        ),
        Ok(u) => {
            let d = cadvisor::working_set(cgroup, u.value, stat);
            computed(
                CADVISOR_WS,
                "cAdvisor working set of cgroup /",
                Some(d.value),
                None,
                derivation(&d, source, &assumptions, &origin),
            )
        }
        Err(_) => missing(
            CADVISOR_WS,
            "cAdvisor working set of cgroup /",
            usage_q.missing.clone(),
        ),
    };
    let rss_q = match cadvisor::rss(cgroup, stat) {
        Ok(d) => computed(
            CADVISOR_RSS,
            "cAdvisor RSS of cgroup /",
            Some(d.value),
            None,
            derivation(&d, source, &[AssumptionKey::Cgroup], &origin),
        ),
        Err(NoValue::Missing(m)) => {
            missing(CADVISOR_RSS, "cAdvisor RSS of cgroup /", ask(&m.inputs))
        }
        Err(NoValue::NotReported) => missing(CADVISOR_RSS, "cAdvisor RSS of cgroup /", vec![]),
    };
    let cache_q = match cadvisor::cache(cgroup, stat) {
        Ok(d) => computed(
            CADVISOR_CACHE,
            "cAdvisor cache of cgroup /",
            Some(d.value),
            None,
            derivation(&d, source, &[AssumptionKey::Cgroup], &origin),
        ),
        Err(NoValue::Missing(m)) => {
            missing(CADVISOR_CACHE, "cAdvisor cache of cgroup /", ask(&m.inputs))
        }
        Err(NoValue::NotReported) => missing(CADVISOR_CACHE, "cAdvisor cache of cgroup /", vec![]),
    };
    drop(origin);
    out.push(usage_q);
    out.push(inactive_q);
    out.push(ws_q);
    out.push(rss_q);
    out.push(cache_q);
}

/// The root's inactive file pages from the summary: `usageBytes − workingSetBytes`, when the
/// working set did not clamp at 0.
fn summary_inactive(ev: &Evidence<'_>) -> Option<(Derived<u64>, At, At)> {
    let m = summary_memory(ev)?;
    let (usage, ws) = (m.usage_bytes.as_ref()?, m.working_set_bytes.as_ref()?);
    if ws.value == 0 {
        return None;
    }
    let value = usage.value.checked_sub(ws.value)?;
    let d = Derived::new(
        value,
        "usageBytes − workingSetBytes",
        vec![
            ATerm::new("usageBytes", usage.value),
            ATerm::new("workingSetBytes", ws.value),
        ],
    );
    Some((d, usage.at, ws.at))
}

fn inactive_key_formula(key: &str) -> &'static str {
    if key == "total_inactive_file" {
        "total_inactive_file"
    } else {
        "inactive_file"
    }
}

fn static_key(key: &str) -> &'static str {
    inactive_key_formula(key)
}

/// The kubelet's node stats are cAdvisor's stats of cgroup `/`.
fn kubelet_node(ev: &Evidence<'_>, out: &mut Out) {
    let source = "kubernetes pkg/kubelet/stats/helper.go cadvisorInfoToCPUandMemoryStats: the \
                  node's stats are cAdvisor's stats of cgroup /";
    for (id, from, label) in [
        (
            KUBELET_WS,
            CADVISOR_WS,
            "kubelet node working set (/stats/summary)",
        ),
        (
            KUBELET_USAGE,
            CADVISOR_USAGE,
            "kubelet node usage (/stats/summary)",
        ),
        (
            KUBELET_RSS,
            CADVISOR_RSS,
            "kubelet node RSS (/stats/summary)",
        ),
    ] {
        let q = match out.get(from).and_then(|q| q.value) {
            Some(v) => computed(
                id,
                label,
                Some(v),
                None,
                Derivation {
                    formula: from.to_string(),
                    terms: vec![Term {
                        name: from.to_string(),
                        value: Some(v),
                        text: None,
                        unit: "bytes".to_string(),
                        quantity: Some(from.to_string()),
                        at: None,
                    }],
                    source: source.to_string(),
                    assumptions: vec![],
                },
            ),
            None => {
                let needs = out.get(from).map(|q| q.missing.clone()).unwrap_or_default();
                missing(id, label, needs)
            }
        };
        let mut q = q;
        if let Some(m) = summary_memory(ev) {
            let pasted = match id {
                KUBELET_WS => m.working_set_bytes.as_ref(),
                KUBELET_USAGE => m.usage_bytes.as_ref(),
                _ => m.rss_bytes.as_ref(),
            };
            if let Some(p) = pasted {
                q.observed = Some(observe(
                    q.value,
                    None,
                    Some(p.value),
                    &p.value.to_string(),
                    p.at,
                ));
            }
        }
        out.push(q);
    }

    let label = "kubelet node availableBytes (/stats/summary)";
    let total = node_mem_total(ev);
    let ws = out.known(KUBELET_WS);
    let source = "kubernetes pkg/kubelet/stats/helper.go: availableBytes = Spec.Memory.Limit − \
                  workingSetBytes; the root's limit is cAdvisor's MemTotal × 1024";
    // The node object's capacity is the same MemTotal × 1024; one from the summary's own
    // identity would only give its availableBytes back.
    let declared_capacity = declared(ev, false);
    let q = match (&total, ws, &declared_capacity) {
        (Some(total), Some(ws), _) => match kubelet::node_available_bytes(total.value, ws, None) {
            Some(d) => computed(
                KUBELET_AVAILABLE,
                label,
                Some(d.value),
                None,
                derivation(&d, source, &[], &node_origin(ev, out)),
            ),
            None => missing(KUBELET_AVAILABLE, label, vec![]),
        },
        (None, Some(ws), Some(capacity)) => match kubelet::available_bytes(capacity.bytes, ws) {
            Some(d) => {
                let origin = node_origin(ev, out);
                let at = capacity.at;
                computed(
                    KUBELET_AVAILABLE,
                    label,
                    Some(d.value),
                    None,
                    derivation(&d, source, &[], &|name| {
                        if name == "limit" {
                            TermOrigin::quantity("bytes", CAPACITY, Some(at))
                        } else {
                            origin(name)
                        }
                    }),
                )
            }
            None => missing(KUBELET_AVAILABLE, label, vec![]),
        },
        _ => {
            let mut needs = Vec::new();
            if total.is_none() {
                needs.push(ASK_MEMINFO.to_string());
            }
            if ws.is_none() {
                needs.extend(
                    out.get(KUBELET_WS)
                        .map(|q| q.missing.clone())
                        .unwrap_or_default(),
                );
            }
            missing(KUBELET_AVAILABLE, label, needs)
        }
    };
    let mut q = q;
    if let Some(p) = summary_memory(ev).and_then(|m| m.available_bytes.as_ref()) {
        q.observed = Some(observe(
            q.value,
            None,
            Some(p.value),
            &p.value.to_string(),
            p.at,
        ));
    }
    out.push(q);
}

/// The node working set as `/metrics/resource` and metrics-server print it.
fn served_texts(ev: &Evidence<'_>, out: &mut Out) {
    let ws = out.known(KUBELET_WS);
    let ws_origin = |out: &Out| TermOrigin::quantity("bytes", KUBELET_WS, out.known_at(KUBELET_WS));

    let label = "node_memory_working_set_bytes (/metrics/resource)";
    let q = match ws {
        Some(ws) => {
            let text = kubelet::working_set_text(ws);
            let d = Derived::new(
                text.clone(),
                "float64(workingSetBytes), printed %g",
                vec![ATerm::new("working_set", ws)],
            );
            let origin = ws_origin(out);
            computed(
                KUBELET_WS_TEXT,
                label,
                Some(ws),
                Some(text),
                derivation(
                    &d,
                    "kubernetes pkg/kubelet/metrics/collectors/resource_metrics.go; prometheus \
                     expfmt writeFloat (strconv.AppendFloat 'g', -1)",
                    &[],
                    &|_| origin.clone(),
                ),
            )
        }
        None => missing(KUBELET_WS_TEXT, label, needs_of(out, KUBELET_WS)),
    };
    let mut q = q;
    if let Some(sample) = resource_node_sample(ev) {
        let value = sample.bytes().ok().map(|v| v.value);
        q.observed = Some(observe(
            q.value,
            q.text.as_deref(),
            value,
            sample.text(),
            sample.at(),
        ));
    }
    out.push(q);
    // metrics-server reads the sample /metrics/resource serves.
    let ws = out.known(KUBELET_WS_TEXT);
    let ws_origin =
        |out: &Out| TermOrigin::quantity("bytes", KUBELET_WS_TEXT, out.known_at(KUBELET_WS_TEXT));

    let label = "metrics-server NodeMetrics usage.memory";
    let q = match ws.and_then(|ws| metrics_server::memory_text(ws).map(|t| (ws, t))) {
        Some((ws, text)) => {
            let d = Derived::new(
                text.clone(),
                "working set as a BinarySI quantity",
                vec![ATerm::new("working_set", ws)],
            );
            let origin = ws_origin(out);
            computed(
                METRICS_SERVER_TEXT,
                label,
                Some(ws),
                Some(text),
                derivation(
                    &d,
                    "kubernetes-sigs/metrics-server pkg/storage/node.go: the last working-set \
                     sample, resource.NewQuantity(…, BinarySI)",
                    &[],
                    &|_| origin.clone(),
                ),
            )
        }
        None => missing(METRICS_SERVER_TEXT, label, needs_of(out, KUBELET_WS)),
    };
    let mut q = q;
    let subject = subject_name(ev);
    let served = ev
        .node_metrics
        .iter()
        .flat_map(|m| &m.items)
        .find(|n| subject.is_none() || n.name.as_ref().map(|v| &v.value) == subject.as_ref());
    if let Some(memory) = served.and_then(|n| n.memory.as_ref()) {
        let pasted = memory.value.quantity.exact_bytes().ok();
        q.observed = Some(observe(
            q.value,
            q.text.as_deref(),
            pasted,
            &memory.value.text,
            memory.at,
        ));
    }
    out.push(q);
}

/// The node's `node_memory_working_set_bytes` in pasted `/metrics/resource` text: the first
/// scrape that has one (a paste of several scrapes without node names cannot say which node
/// each is from).
// TODO: pair scrapes with nodes (a `/nodes/NODE/proxy/metrics/resource` command names one); the
// other scrapes' node samples are not used.
fn resource_node_sample<'a>(ev: &Evidence<'a>) -> Option<SampleRef<'a>> {
    ev.prometheus.iter().find_map(|exp| {
        (0..exp.scrapes()).find_map(|s| exp.kubelet_resource(s).node_memory_working_set_bytes)
    })
}

fn needs_of(out: &Out, id: &str) -> Vec<String> {
    out.get(id).map(|q| q.missing.clone()).unwrap_or_default()
}

/// `kubectl top node`'s cells for the subject node.
fn kubectl_node(ev: &Evidence<'_>, a: &Assumptions, out: &mut Out) {
    // kubectl prints what metrics-server serves: worked out from the node's files, or pasted.
    let ws = out.known(METRICS_SERVER_TEXT);
    let row = subject_row(ev);
    let ws_origin = TermOrigin::quantity(
        "bytes",
        METRICS_SERVER_TEXT,
        out.known_at(METRICS_SERVER_TEXT),
    );

    let label = "kubectl top node MEMORY(bytes)";
    let mut q = match ws.and_then(|ws| kubectl::memory_cell(i128::from(ws) * 1_000_000_000)) {
        Some(d) => {
            let value = ws.map(|w| w / (1 << 20) * (1 << 20));
            let o = ws_origin.clone();
            computed(
                TOP_MEMORY,
                label,
                value,
                Some(d.value.clone()),
                derivation(
                    &d,
                    "kubernetes/kubectl pkg/metricsutil/metrics_printer.go: %vMi of \
                     Value() / (1024 × 1024), integer division",
                    &[],
                    &|_| o.clone(),
                ),
            )
        }
        None => missing(TOP_MEMORY, label, needs_of(out, KUBELET_WS)),
    };
    if let Some(cell) = row.and_then(|r| r.memory.as_ref()) {
        let pasted = cell.known().map(|m| m.bytes_from);
        let mut o = observe(q.value, q.text.as_deref(), pasted, &cell.text, cell.at);
        if o.agrees == crate::report::Agreement::Differs {
            o.note = Some(
                "a different sample: metrics-server serves the working set of its last scrape, \
                 taken at another moment than the pasted raw files"
                    .to_string(),
            );
        }
        q.observed = Some(o);
    }
    out.push(q);

    for (id, of, label, ask) in [
        (
            TOP_PERCENT,
            ALLOCATABLE,
            "kubectl top node MEMORY(%)",
            ASK_NODE,
        ),
        (
            TOP_PERCENT_CAPACITY,
            CAPACITY,
            "kubectl top node --show-capacity MEMORY(%)",
            ASK_MEMINFO,
        ),
    ] {
        let available = out.known(of);
        let mut q = match (ws, available) {
            (Some(ws), Some(available)) => match kubectl::percent_cell(
                i128::from(ws) * 1_000_000_000,
                i128::from(available) * 1_000_000_000,
                a.kubectl.value,
            ) {
                Some(d) => {
                    let percent = d.value.trim_end_matches('%').parse::<u64>().ok();
                    let o1 = ws_origin.clone();
                    let o2 = TermOrigin::quantity("bytes", of, out.known_at(of));
                    computed(
                        id,
                        label,
                        percent,
                        Some(d.value.clone()),
                        derivation(
                            &d,
                            "kubernetes/kubectl pkg/metricsutil/metrics_printer.go: \
                             int64(float64(usage.MilliValue()) / float64(available.MilliValue()) \
                             × 100)",
                            &[AssumptionKey::Kubectl],
                            &|name| {
                                if name == "usage_milli" {
                                    o1.clone()
                                } else {
                                    o2.clone()
                                }
                            },
                        ),
                    )
                }
                None => missing(id, label, vec![]),
            },
            _ => {
                let mut needs = needs_of(out, KUBELET_WS);
                if available.is_none() {
                    needs.push(ask.to_string());
                }
                missing(id, label, needs)
            }
        };
        if id == TOP_PERCENT
            && let Some(cell) = row.and_then(|r| r.memory_percent.as_ref())
        {
            q.observed = Some(observe(
                q.value,
                q.text.as_deref(),
                cell.known(),
                &cell.text,
                cell.at,
            ));
        }
        out.push(q);
    }
}

fn eviction_signals(ev: &Evidence<'_>, a: &Assumptions, out: &mut Out) {
    let source = "kubernetes pkg/kubelet/eviction/helpers.go makeSignalObservations: \
                  memory.available = node availableBytes";
    let label = "Eviction signal memory.available";
    let total = node_mem_total(ev);
    let ws = out.known(KUBELET_WS);
    let node_available = out.known(KUBELET_AVAILABLE);
    let q = match (&total, ws, node_available) {
        (Some(total), Some(ws), _) => {
            let d = eviction::memory_available(total.value, ws);
            let value = u64::try_from(d.value).ok();
            computed(
                EVICTION_AVAILABLE,
                label,
                value,
                value.is_none().then(|| d.value.to_string()),
                derivation(&d, source, &[], &node_origin(ev, out)),
            )
        }
        // The signal is the node's availableBytes itself, pasted or worked out from capacity.
        (_, _, Some(available)) => {
            let d = Derived::new(
                available,
                "node availableBytes",
                vec![ATerm::new("availableBytes", available)],
            );
            let at = out.known_at(KUBELET_AVAILABLE);
            computed(
                EVICTION_AVAILABLE,
                label,
                Some(available),
                None,
                derivation(&d, source, &[], &|_| {
                    TermOrigin::quantity("bytes", KUBELET_AVAILABLE, at)
                }),
            )
        }
        _ => {
            let mut needs = Vec::new();
            if total.is_none() {
                needs.push(ASK_MEMINFO.to_string());
            }
            needs.extend(needs_of(out, KUBELET_WS));
            missing(EVICTION_AVAILABLE, label, needs)
        }
    };
    out.push(q);

    let label = "Hard eviction threshold for memory.available";
    let capacity = out.known(CAPACITY).and_then(|c| i64::try_from(c).ok());
    let threshold = &a.eviction_hard.value;
    let q = match threshold {
        eviction::ThresholdValue::Quantity(qv) => match qv.exact_bytes() {
            Ok(bytes) => computed(
                EVICTION_THRESHOLD,
                label,
                Some(bytes),
                Some(qv.canonical()),
                Derivation {
                    formula: "the literal threshold".to_string(),
                    terms: vec![Term {
                        name: "evictionHard[memory.available]".to_string(),
                        value: Some(bytes),
                        text: Some(qv.canonical()),
                        unit: "bytes".to_string(),
                        quantity: None,
                        at: None,
                    }],
                    source: "kubelet configuration evictionHard (default memory.available<100Mi)"
                        .to_string(),
                    assumptions: vec![AssumptionKey::EvictionHard],
                },
            ),
            Err(_) => missing(EVICTION_THRESHOLD, label, vec![]),
        },
        eviction::ThresholdValue::Percentage(_) => {
            match capacity.and_then(|c| eviction::threshold_bytes(threshold, c)) {
                Some(d) => {
                    let value = u64::try_from(d.value).ok();
                    let origin = node_origin(ev, out);
                    computed(
                        EVICTION_THRESHOLD,
                        label,
                        value,
                        None,
                        derivation(
                            &d,
                            "kubernetes pkg/kubelet/eviction/helpers.go GetThresholdQuantity: \
                         int64(float64(capacity) × percentage)",
                            &[AssumptionKey::EvictionHard],
                            &origin,
                        ),
                    )
                }
                None => missing(EVICTION_THRESHOLD, label, vec![ASK_MEMINFO.to_string()]),
            }
        }
    };
    out.push(q);

    let label = "Eviction signal allocatableMemory.available";
    let kubepods = ev.kubepods();
    let limit = kubepods.and_then(|k| k.limit.as_ref());
    let kubepods_ws = kubepods.and_then(|k| {
        out.get(&format!("cadvisor.cgroup.{}.working_set_bytes", k.name))
            .and_then(|q| q.value)
    });
    let q = match (limit, kubepods_ws, kubepods) {
        (Some(limit), Some(ws), Some(k)) => match limit.value {
            Limit::Bytes(l) => match eviction::allocatable_memory_available(l, ws) {
                Some(d) => {
                    let value = u64::try_from(d.value).ok();
                    let limit_at = limit.at;
                    let ws_id = format!("cadvisor.cgroup.{}.working_set_bytes", k.name);
                    computed(
                        EVICTION_ALLOCATABLE,
                        label,
                        value,
                        value.is_none().then(|| d.value.to_string()),
                        derivation(
                            &d,
                            "kubernetes pkg/kubelet/eviction/helpers.go: the pods system \
                             container's availableBytes = kubepods limit − kubepods working set",
                            &[],
                            &|name| {
                                if name == "kubepods_limit" {
                                    TermOrigin::line("bytes", Some(limit_at))
                                } else {
                                    TermOrigin::quantity("bytes", &ws_id, None)
                                }
                            },
                        ),
                    )
                }
                None => missing(
                    EVICTION_ALLOCATABLE,
                    label,
                    vec![
                        "a limit on the kubepods cgroup: it is unlimited, so the kubelet has no \
                     allocatableMemory.available observation"
                            .to_string(),
                    ],
                ),
            },
            Limit::Max => missing(
                EVICTION_ALLOCATABLE,
                label,
                vec![
                    "a limit on the kubepods cgroup: memory.max is `max`, so the kubelet has no \
                 allocatableMemory.available observation"
                        .to_string(),
                ],
            ),
        },
        // The kubelet reads the signal from the summary's `pods` system container.
        _ => match summary_pods(ev).and_then(|m| m.available_bytes.as_ref()) {
            Some(available) => {
                let d = Derived::new(
                    available.value,
                    "availableBytes of the pods system container",
                    vec![ATerm::new("availableBytes", available.value)],
                );
                let at = available.at;
                computed(
                    EVICTION_ALLOCATABLE,
                    label,
                    Some(available.value),
                    None,
                    derivation(
                        &d,
                        "kubernetes pkg/kubelet/eviction/helpers.go: allocatableMemory.available \
                         is the pods system container's availableBytes",
                        &[],
                        &|_| TermOrigin::line("bytes", Some(at)),
                    ),
                )
            }
            None => missing(
                EVICTION_ALLOCATABLE,
                label,
                vec![
                    "the kubepods cgroup's memory.max or memory.limit_in_bytes, memory.current or \
                     memory.usage_in_bytes, and memory.stat (`head -n 100 \
                     /sys/fs/cgroup/kubepods.slice/memory.{max,current,stat}`)"
                        .to_string(),
                ],
            ),
        },
    };
    out.push(q);
}

/// The summary's system containers (`kubelet`, `runtime`, `pods`, `misc`): their pasted
/// readings, the inactive file pages each working set leaves out, and the kubepods limit that
/// the `pods` container's numbers add up to.
fn system_containers(ev: &Evidence<'_>, out: &mut Out) {
    let containers = ev
        .summaries
        .iter()
        .filter_map(|s| s.node.as_ref())
        .flat_map(|n| &n.system_containers);
    for c in containers {
        let (Some(name), Some(m)) = (&c.name, &c.memory) else {
            continue;
        };
        let name = &name.value;
        let id = |field: &str| format!("kubelet.system_container.{name}.{field}");
        let ask = vec![format!(
            "the {name} cgroup's memory.stat and usage, to work it out (the summary only \
             reports it)"
        )];
        for (field, what, pasted) in [
            ("working_set_bytes", "working set", &m.working_set_bytes),
            ("usage_bytes", "usage", &m.usage_bytes),
            ("available_bytes", "availableBytes", &m.available_bytes),
        ] {
            let Some(p) = pasted else { continue };
            let mut q = missing(
                &id(field),
                &format!("kubelet system container {name} {what} (/stats/summary)"),
                ask.clone(),
            );
            q.observed = Some(observe(
                None,
                None,
                Some(p.value),
                &p.value.to_string(),
                p.at,
            ));
            out.push(q);
        }
        let source = "kubernetes pkg/kubelet/stats/helper.go: workingSetBytes is usageBytes − \
                      inactive file pages (cAdvisor setMemoryStats)";
        if let (Some(usage), Some(ws)) = (&m.usage_bytes, &m.working_set_bytes)
            && ws.value > 0
            && let Some(value) = usage.value.checked_sub(ws.value)
        {
            let d = Derived::new(
                value,
                "usageBytes − workingSetBytes",
                vec![
                    ATerm::new("usageBytes", usage.value),
                    ATerm::new("workingSetBytes", ws.value),
                ],
            );
            let (u_at, w_at) = (usage.at, ws.at);
            out.push(computed(
                &id("inactive_file_bytes"),
                &format!("Inactive file pages of system container {name}"),
                Some(value),
                None,
                derivation(&d, source, &[], &|term| {
                    TermOrigin::line(
                        "bytes",
                        Some(if term == "usageBytes" { u_at } else { w_at }),
                    )
                }),
            ));
        }
        // availableBytes = Spec.Memory.Limit − workingSetBytes, and the pods container's limit
        // is the kubepods cgroup's: capacity − system-reserved − kube-reserved (without the
        // eviction threshold, which allocatable also subtracts).
        if name == "pods"
            && let (Some(avail), Some(ws)) = (&m.available_bytes, &m.working_set_bytes)
            && let Some(limit) = avail.value.checked_add(ws.value)
        {
            let d = Derived::new(
                limit,
                "availableBytes + workingSetBytes",
                vec![
                    ATerm::new("availableBytes", avail.value),
                    ATerm::new("workingSetBytes", ws.value),
                ],
            );
            let (a_at, w_at) = (avail.at, ws.at);
            out.push(computed(
                PODS_LIMIT,
                "kubepods cgroup limit (from the pods system container)",
                Some(limit),
                (limit % 1024 == 0).then(|| format!("{}Ki", limit / 1024)),
                derivation(
                    &d,
                    "kubernetes pkg/kubelet/stats/helper.go: availableBytes = Spec.Memory.Limit \
                     − workingSetBytes; kubernetes pkg/kubelet/cm/node_container_manager_linux.go \
                     sets the kubepods limit to capacity − reserved",
                    &[],
                    &|term| {
                        TermOrigin::line(
                            "bytes",
                            Some(if term == "availableBytes" { a_at } else { w_at }),
                        )
                    },
                ),
            ));
        }
    }
}

/// A pasted cell: its text, its value in the quantity's unit, its line.
type PastedCell = (String, Option<u64>, At);

/// One node as metrics-server serves it, with the lines its numbers come from.
struct Served {
    metrics: kubectl::NodeMetrics,
    cpu_at: Option<At>,
    memory_at: Option<At>,
}

/// The pasted `NodeMetrics` items; the subject's memory is the working set worked out from
/// its files when there is one (what metrics-server would serve at that moment).
fn served_nodes(ev: &Evidence<'_>, out: &Out) -> Vec<Served> {
    let subject = subject_name(ev);
    let computed_ws = out
        .get(METRICS_SERVER_TEXT)
        .and_then(|q| q.value)
        .and_then(|ws| i64::try_from(ws).ok());
    let mut list = Vec::new();
    for item in ev.node_metrics.iter().flat_map(|m| &m.items) {
        let Some(name) = &item.name else { continue };
        let mut memory = item.memory.as_ref().map(|m| m.value.quantity);
        let mut memory_at = item.memory.as_ref().map(|m| m.at);
        if subject.as_deref() == Some(name.value.as_str())
            && let Some(ws) = computed_ws
        {
            memory = Some(KQuantity::new(ws, Format::BinarySI));
            memory_at = None;
        }
        list.push(Served {
            metrics: kubectl::NodeMetrics {
                name: name.value.clone(),
                usage: kubectl::Usage {
                    cpu: item.cpu.as_ref().map(|c| c.value.quantity),
                    memory,
                    swap: None,
                },
            },
            cpu_at: item.cpu.as_ref().map(|c| c.at),
            memory_at,
        });
    }
    list
}

/// The nodes whose objects were pasted (`kubectl get node -o json`, a named `kubectl describe
/// node`), with what `kubectl top node` reads of them, and the allocatable lines.
fn listed_nodes(ev: &Evidence<'_>) -> Vec<(kubectl::Node, Option<At>, Option<At>)> {
    let mut list: Vec<(kubectl::Node, Option<At>, Option<At>)> = Vec::new();
    for n in ev.nodes.iter().flat_map(|n| &n.items) {
        let Some(name) = &n.name else { continue };
        let resources = |r: Option<&crate::parse::node::Resources>| kubectl::Resources {
            cpu: r.and_then(|r| r.cpu.as_ref()).map(|c| c.value.quantity),
            memory: r.and_then(|r| r.memory.as_ref()).map(|m| m.value.quantity),
        };
        let alloc = n.allocatable.as_ref();
        list.push((
            kubectl::Node {
                name: name.value.clone(),
                allocatable: resources(alloc),
                capacity: resources(n.capacity.as_ref()),
                swap_capacity: n
                    .node_info
                    .as_ref()
                    .and_then(|i| i.swap_capacity.as_ref())
                    .and_then(|s| i64::try_from(s.value).ok()),
            },
            alloc.and_then(|r| r.cpu.as_ref()).map(|c| c.at),
            alloc.and_then(|r| r.memory.as_ref()).map(|m| m.at),
        ));
    }
    for d in &ev.describes {
        let Some(name) = &d.name else { continue };
        if list.iter().any(|(n, _, _)| n.name == name.value) {
            continue;
        }
        let resources = |r: Option<&crate::parse::describe::Resources>| kubectl::Resources {
            cpu: r.and_then(|r| r.cpu()).and_then(|c| c.quantity),
            memory: r.and_then(|r| r.memory()).and_then(|m| m.quantity),
        };
        let alloc = d.allocatable.as_ref();
        list.push((
            kubectl::Node {
                name: name.value.clone(),
                allocatable: resources(alloc),
                capacity: resources(d.capacity.as_ref()),
                swap_capacity: None,
            },
            alloc.and_then(|r| r.cpu()).map(|c| c.at),
            alloc.and_then(|r| r.memory()).map(|m| m.at),
        ));
    }
    list
}

/// The cells `kubectl top node` prints for each served node, as quantities by node name and
/// field, and the whole table when every number it needs is known.
fn top_node_table(
    ev: &Evidence<'_>,
    a: &Assumptions,
    out: &mut Out,
) -> Vec<(String, &'static str, Quantity)> {
    let served = served_nodes(ev, out);
    let listed = listed_nodes(ev);
    let metrics: Vec<kubectl::NodeMetrics> = served.iter().map(|s| s.metrics.clone()).collect();
    let nodes: Vec<kubectl::Node> = listed.iter().map(|(n, _, _)| n.clone()).collect();
    let options = kubectl::NodeOptions {
        version: a.kubectl.value,
        show_capacity: false,
        show_swap: false,
        no_headers: false,
        sort_by: kubectl::SortBy::Name,
    };
    let source =
        "kubernetes/kubectl pkg/metricsutil/metrics_printer.go and pkg/cmd/top/top_node.go";
    let label = "kubectl top node, the whole table";
    let table = kubectl::top_node(&metrics, &nodes, options);

    // The table needs every served node's CPU and memory and every node's allocatable.
    let mut needs = Vec::new();
    if served.is_empty() {
        needs.push(
            "the NodeMetrics (`kubectl get --raw /apis/metrics.k8s.io/v1beta1/nodes`)".to_string(),
        );
    }
    for s in &served {
        let name = &s.metrics.name;
        if s.metrics.usage.cpu.is_none() || s.metrics.usage.memory.is_none() {
            needs.push(format!(
                "usage.cpu and usage.memory of node {name}'s NodeMetrics"
            ));
        }
        let listed = nodes.iter().find(|n| &n.name == name);
        if listed.is_none_or(|n| n.allocatable.cpu.is_none() || n.allocatable.memory.is_none()) {
            needs.push(format!(
                "status.allocatable of node {name} (`kubectl get node {name} -o json`)"
            ));
        }
    }
    let q = match &table {
        Ok(t) if needs.is_empty() => computed(
            TOP_TABLE,
            label,
            None,
            Some(t.text.clone()),
            Derivation {
                formula: "kubectl top node: one row per NodeMetrics item, cells through \
                          cli-runtime's tabwriter"
                    .to_string(),
                terms: served
                    .iter()
                    .map(|s| Term {
                        name: format!("NodeMetrics {}", s.metrics.name),
                        value: None,
                        text: s.metrics.usage.memory.map(|m| m.canonical()),
                        unit: "quantity".to_string(),
                        quantity: None,
                        at: s.memory_at.or(s.cpu_at),
                    })
                    .collect(),
                source: source.to_string(),
                assumptions: vec![AssumptionKey::Kubectl],
            },
        ),
        _ => missing(TOP_TABLE, label, needs),
    };
    out.push(q);

    let mut cells = Vec::new();
    let Ok(table) = table else { return cells };
    for row in &table.rows {
        let Some(s) = served.iter().find(|s| s.metrics.name == row.name) else {
            continue;
        };
        let node_lines = listed.iter().find(|(n, _, _)| n.name == row.name);
        let cpu_known = s.metrics.usage.cpu.is_some();
        let fields: [(&'static str, Option<&Derived<String>>, bool); 4] = [
            (
                "memory_text",
                row.memory.as_ref(),
                s.metrics.usage.memory.is_some(),
            ),
            (
                "memory_percent_text",
                row.memory_percent.as_ref(),
                s.metrics.usage.memory.is_some(),
            ),
            ("cpu_text", row.cpu.as_ref(), cpu_known),
            ("cpu_percent_text", row.cpu_percent.as_ref(), cpu_known),
        ];
        for (field, cell, known) in fields {
            let (Some(d), true) = (cell, known) else {
                continue;
            };
            let memory = field.starts_with("memory");
            let usage_at = if memory { s.memory_at } else { s.cpu_at };
            let alloc_at = node_lines.and_then(|(_, cpu, mem)| if memory { *mem } else { *cpu });
            let value = match field {
                "memory_text" => d
                    .value
                    .trim_end_matches("Mi")
                    .parse::<u64>()
                    .ok()
                    .and_then(|m| m.checked_mul(1 << 20)),
                _ => d.value.trim_end_matches(['m', '%']).parse::<u64>().ok(),
            };
            let id = format!("kubectl.top_node.{}.{field}", row.name);
            let label = format!("kubectl top node {} {}", row.name, field_label(field));
            cells.push((
                row.name.clone(),
                field,
                computed(
                    &id,
                    &label,
                    value,
                    Some(d.value.clone()),
                    derivation(d, source, &[AssumptionKey::Kubectl], &|name| {
                        if name == "available_milli" {
                            TermOrigin::line("milli", alloc_at)
                        } else {
                            TermOrigin::line(if memory { "bytes" } else { "nanocores" }, usage_at)
                        }
                    }),
                ),
            ));
        }
    }
    cells
}

/// Every node `kubectl top node` shows, or a pasted table shows, gets its cells as quantities:
/// worked out where the inputs allow, with the pasted cell as observed.
fn per_node(ev: &Evidence<'_>, a: &Assumptions, out: &mut Out) {
    let subject = subject_name(ev);
    let served = top_node_table(ev, a, out);
    let mut names: Vec<String> = Vec::new();
    let pasted = ev.top_nodes.iter().flat_map(|t| &t.rows).map(|r| &r.name);
    for name in served.iter().map(|(n, _, _)| n).chain(pasted) {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    for name in names {
        let row = ev
            .top_nodes
            .iter()
            .flat_map(|t| &t.rows)
            .find(|r| r.name == name);
        let base = format!("kubectl.top_node.{name}");
        let is_subject = subject.as_deref() == Some(name.as_str());
        let cells: [(&str, Option<PastedCell>, &str); 4] = [
            (
                "memory_text",
                row.and_then(|r| r.memory.as_ref())
                    .map(|c| (c.text.clone(), c.known().map(|m| m.bytes_from), c.at)),
                TOP_MEMORY,
            ),
            (
                "memory_percent_text",
                row.and_then(|r| r.memory_percent.as_ref())
                    .map(|c| (c.text.clone(), c.known(), c.at)),
                TOP_PERCENT,
            ),
            (
                "cpu_text",
                row.and_then(|r| r.cpu.as_ref())
                    .map(|c| (c.text.clone(), c.known().map(|v| v.millicores), c.at)),
                "",
            ),
            (
                "cpu_percent_text",
                row.and_then(|r| r.cpu_percent.as_ref())
                    .map(|c| (c.text.clone(), c.known(), c.at)),
                "",
            ),
        ];
        for (field, cell, same_as) in cells {
            let id = format!("{base}.{field}");
            let label = format!("kubectl top node {name} {}", field_label(field));
            let from_table = served
                .iter()
                .find(|(n, f, _)| *n == name && *f == field)
                .map(|(_, _, q)| q.clone());
            // The subject's memory cells follow its files (summary, cgroup, meminfo) through
            // metrics-server; the others come from the served NodeMetrics.
            let from_subject = (is_subject && !same_as.is_empty())
                .then(|| out.get(same_as))
                .flatten()
                .filter(|s| s.value.is_some() || s.text.is_some())
                .map(|s| {
                    let mut c = s.clone();
                    c.id = id.clone();
                    c.label = label.clone();
                    c
                });
            let mut q = match from_subject.or(from_table) {
                Some(q) => q,
                None if cell.is_none() => continue,
                None => missing(
                    &id,
                    &label,
                    vec![format!(
                        "raw data of node {name} (its root cgroup memory.stat and /proc/meminfo, \
                         or its /stats/summary), or its NodeMetrics"
                    )],
                ),
            };
            q.observed = None;
            if let Some((text, value, at)) = cell {
                q.observed = Some(observe(q.value, q.text.as_deref(), value, &text, at));
            }
            out.push(q);
        }
    }
}

fn field_label(field: &str) -> &'static str {
    match field {
        "memory_text" => "MEMORY(bytes)",
        "memory_percent_text" => "MEMORY(%)",
        "cpu_text" => "CPU(cores)",
        _ => "CPU(%)",
    }
}

/// A quantity's text as a Kubernetes quantity (used by callers printing byte values).
#[allow(dead_code)]
pub(super) fn binary_si(bytes: u64) -> Option<String> {
    i64::try_from(bytes)
        .ok()
        .map(|b| KQuantity::new(b, Format::BinarySI).canonical())
}

//! Findings: ranked statements about this paste, each naming the quantities and lines it rests
//! on and, when an input would settle the question, the command that collects it.

use super::Out;
use super::cgroups;
use super::evidence::Evidence;
use super::node::{
    ALLOCATABLE, CADVISOR_USAGE, CADVISOR_WS, CAPACITY, EVICTION_AVAILABLE, EVICTION_THRESHOLD,
    KUBELET_WS, TOP_PERCENT, TOP_PERCENT_CAPACITY,
};
use crate::account::kubectl::{PercentRow, allocatable_range};
use crate::input::{At, Document, Severity};
use crate::parse::cgroup::CgroupVersion;
use crate::parse::log::Event;
use crate::report::{Finding, FindingCode, FindingSeverity, NextInput};

const NODE_BUNDLE_V2: &str = "for f in /proc/meminfo /sys/fs/cgroup/memory.stat \
     /sys/fs/cgroup/kubepods.slice/memory.{current,max,stat}; do echo \"==> $f <==\"; cat $f; done";

/// Collects findings; ranks are assigned when the list is complete.
#[derive(Default)]
pub(crate) struct Findings {
    pub list: Vec<Finding>,
}

impl Findings {
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        code: FindingCode,
        severity: FindingSeverity,
        weight: u32,
        summary: String,
        explanation: String,
        quantities: &[&str],
        at: Vec<At>,
        next: Option<NextInput>,
    ) {
        if self
            .list
            .iter()
            .any(|f| f.code == code && f.summary == summary)
        {
            return;
        }
        self.list.push(Finding {
            code,
            severity,
            summary,
            explanation,
            quantities: quantities.iter().map(|q| q.to_string()).collect(),
            at,
            next,
            rank: weight,
        });
    }

    /// Orders by weight (highest first) and numbers the ranks 1, 2, 3 …
    pub fn ranked(mut self) -> Vec<Finding> {
        self.list
            .sort_by(|a, b| b.rank.cmp(&a.rank).then(a.severity.cmp(&b.severity)));
        for (i, f) in self.list.iter_mut().enumerate() {
            f.rank = i as u32 + 1;
        }
        self.list
    }
}

fn next(what: &str, command: &str) -> Option<NextInput> {
    Some(NextInput {
        what: what.to_string(),
        command: command.to_string(),
    })
}

pub(crate) fn mib(bytes: u64) -> String {
    // Prose only; the exact byte count sits beside it in the quantity.
    format!("{:.1} MiB", bytes as f64 / 1048576.0)
}

/// Findings about the node side: kubectl's percent, the working set's composition, eviction.
pub(super) fn node(ev: &Evidence<'_>, out: &Out, f: &mut Findings) {
    percent(ev, out, f);
    working_set_parts(ev, out, f);
    clamped(ev, out, f);
    stats_missing(ev, f);
    eviction(out, f);
    impossible(out, f);
    mixed_sources(ev, f);
    root_usage_rule(ev, out, f);
}

/// On cgroup v2 the root's usage depends on the container library the kubelet was built with:
/// compute the working set under both rules and say which one the pasted numbers fit.
fn root_usage_rule(ev: &Evidence<'_>, out: &Out, f: &mut Findings) {
    use crate::account::cadvisor::{self, Cgroup, RootUsageRule};
    let Some(root) = ev.root() else { return };
    if root.version != Some(CgroupVersion::V2) {
        return;
    }
    let (Some(stat), Some(m)) = (root.stat, ev.meminfo()) else {
        return;
    };
    let ws_under = |rule| {
        let usage = cadvisor::usage(Cgroup::V2Root(rule), None, stat, m).ok()?;
        Some(cadvisor::working_set(Cgroup::V2Root(rule), usage.value, stat).value)
    };
    let (Some(new), Some(old)) = (
        ws_under(RootUsageRule::AnonPlusFile),
        ws_under(RootUsageRule::TotalMinusFree),
    ) else {
        return;
    };
    let pasted = out
        .get(KUBELET_WS)
        .and_then(|q| q.observed.as_ref())
        .and_then(|o| o.value);
    let fits = match pasted {
        Some(p) if p == new => " The pasted working set matches anon + file: a kubelet of 1.29 \
                                or later."
            .to_string(),
        Some(p) if p == old => " The pasted working set matches MemTotal − MemFree: a kubelet \
                                built with runc 1.1.8 or older (1.28 or earlier). Set \
                                `kubelet=1.28` to reproduce it."
            .to_string(),
        Some(p) => format!(
            " The pasted working set ({p} bytes) matches neither exactly (a different sample); it \
             is closer to {}.",
            if p.abs_diff(new) <= p.abs_diff(old) {
                "anon + file"
            } else {
                "MemTotal − MemFree"
            }
        ),
        None => String::new(),
    };
    let gap = old.abs_diff(new);
    f.add(
        FindingCode::RootUsageRule,
        FindingSeverity::Info,
        40 + u32::from(gap >= 256 << 20) * 20,
        format!(
            "On cgroup v2 the node's working set is {} (kubelet ≥ 1.29) or {} (≤ 1.28)",
            mib(new),
            mib(old)
        ),
        format!(
            "The v2 root cgroup has no memory.current, so the container library makes one up: \
             runc 1.1.9 and later (kubelet 1.29+) use anon + file of the root memory.stat, older \
             runc used (MemTotal − MemFree) × 1024, which also counts kernel memory and slab. \
             The two rules differ by {} here.{fits}",
            mib(gap)
        ),
        &[KUBELET_WS, CADVISOR_WS],
        stat.get("anon").into_iter().map(|v| v.at).collect(),
        None,
    );
}

/// A `/proc/meminfo` that the node's own summary contradicts: two machines in one paste.
fn mixed_sources(ev: &Evidence<'_>, f: &mut Findings) {
    let Some((total, capacity, summary_at)) = super::node::meminfo_of_another_machine(ev) else {
        return;
    };
    f.add(
        FindingCode::MixedSources,
        FindingSeverity::Warning,
        40,
        "The /proc/meminfo is from another machine than the kubelet's summary".to_string(),
        format!(
            "MemTotal × 1024 = {} bytes, but the summary's availableBytes + workingSetBytes = \
             {capacity} bytes, and that sum is MemTotal × 1024 of the node the summary \
             describes. The node's numbers here come from the summary; free, top and htop \
             from the meminfo, so they describe different machines.",
            total.value.saturating_mul(1024)
        ),
        &[CAPACITY],
        vec![total.at, summary_at],
        next(
            "/proc/meminfo of the node the summary is from",
            "kubectl debug node/NODE -it --image=busybox -- cat /proc/meminfo",
        ),
    );
}

fn percent(ev: &Evidence<'_>, out: &Out, f: &mut Findings) {
    let rows: Vec<_> = ev.top_nodes.iter().flat_map(|t| &t.rows).collect();
    let pasted_percents: Vec<(u64, u64, At, String)> = rows
        .iter()
        .filter_map(|r| {
            let m = r.memory.as_ref()?.known()?;
            let p = r.memory_percent.as_ref()?;
            Some((m.mebibytes, p.known()?, p.at, r.name.clone()))
        })
        .collect();
    let computed = out.get(TOP_PERCENT).and_then(|q| q.text.clone());
    if pasted_percents.is_empty() && computed.is_none() {
        return;
    }
    let mut explanation = String::from(
        "kubectl top node prints MEMORY% as the node's working set divided by its allocatable \
         memory (status.allocatable), truncated to a whole percent. Allocatable is capacity \
         minus system-reserved, kube-reserved, the hard eviction threshold and hugepages, so \
         the percent is higher than working set ÷ total memory, and free's percent is of \
         MemTotal and counts something else again.",
    );
    if let (Some(p), Some(c)) = (
        out.get(TOP_PERCENT).and_then(|q| q.text.clone()),
        out.get(TOP_PERCENT_CAPACITY).and_then(|q| q.text.clone()),
    ) {
        explanation.push_str(&format!(
            " Here: {p} of allocatable, {c} of capacity (kubectl top node --show-capacity)."
        ));
    }
    // Back-solve allocatable from each row's percent; identical nodes narrow it.
    let mut per_node = Vec::new();
    for (mib_value, percent, _, name) in &pasted_percents {
        if let Some(row) = PercentRow::printed(*mib_value, *percent as i64)
            && let Some((lo, hi)) = allocatable_range(&[row])
        {
            per_node.push(format!("{name}: {}–{}", mib(lo), mib(hi)));
        }
    }
    if !per_node.is_empty() && out.known(ALLOCATABLE).is_none() {
        explanation.push_str(&format!(
            " The printed percents put each node's allocatable in these ranges: {}.",
            per_node.join("; ")
        ));
    }
    let at = pasted_percents.iter().map(|p| p.2).collect();
    let summary = "kubectl top's MEMORY% is of allocatable, not of total memory".to_string();
    let ask = (out.known(ALLOCATABLE).is_none()).then_some(()).and_then(|_| {
        next(
            "the node's capacity and allocatable",
            "kubectl get node NODE -o jsonpath='{.status.capacity.memory} {.status.allocatable.memory}'",
        )
    });
    f.add(
        FindingCode::PercentOfAllocatable,
        FindingSeverity::Explanation,
        60,
        summary,
        explanation,
        &[TOP_PERCENT, TOP_PERCENT_CAPACITY, ALLOCATABLE, CAPACITY],
        at,
        ask,
    );

    let over: Vec<&(u64, u64, At, String)> = pasted_percents.iter().filter(|p| p.1 > 100).collect();
    if !over.is_empty() {
        let names: Vec<String> = over.iter().map(|p| format!("{} ({}%)", p.3, p.1)).collect();
        f.add(
            FindingCode::Over100Percent,
            FindingSeverity::Explanation,
            80,
            format!("Over 100% in kubectl top: {}", names.join(", ")),
            "The working set counts everything on the node, system daemons included, but the \
             percent divides by allocatable, which excludes the memory reserved for them. Above \
             100% means the node's whole working set is larger than the pods' budget; the node \
             only comes under memory pressure when capacity − working set falls below the \
             eviction threshold."
                .to_string(),
            &[TOP_PERCENT],
            over.iter().map(|p| p.2).collect(),
            next(
                "capacity, to see the real headroom",
                "kubectl describe node NODE",
            ),
        );
    }
}

/// How the working set of the root (and of pasted cgroups) splits into active page cache,
/// shared memory and reclaimable slab.
fn working_set_parts(ev: &Evidence<'_>, out: &Out, f: &mut Findings) {
    if let (Some(root), Some(ws)) = (ev.root(), out.get(CADVISOR_WS).and_then(|q| q.value)) {
        let v1 = root.version == Some(CgroupVersion::V1);
        let (active_key, shmem_key) = if v1 {
            ("total_active_file", "total_shmem")
        } else {
            ("active_file", "shmem")
        };
        if let Some(stat) = root.stat {
            if let Some(active) = stat.get(active_key)
                && active.value > 0
                && ws > 0
            {
                let share = active.value as f64 / ws as f64 * 100.0;
                f.add(
                    FindingCode::ActiveFileInWorkingSet,
                    FindingSeverity::Explanation,
                    50 + (share / 4.0) as u32,
                    format!(
                        "{} of the node's working set ({share:.0}%) is active page cache",
                        mib(active.value)
                    ),
                    format!(
                        "The working set is usage minus inactive file pages only: file pages on \
                         the active list ({active_key} = {} bytes) stay in it. free and top \
                         count all page cache as buff/cache, not as used, so kubectl top shows \
                         more. The kernel reclaims active cache under pressure after the \
                         inactive list, so this memory is in use but not pinned.",
                        active.value
                    ),
                    &[CADVISOR_WS, KUBELET_WS],
                    vec![active.at],
                    None,
                );
            }
            if let Some(shmem) = stat.get(shmem_key)
                && shmem.value >= 64 << 20
            {
                f.add(
                    FindingCode::ShmemInWorkingSet,
                    FindingSeverity::Explanation,
                    55,
                    format!(
                        "{} of tmpfs / shared memory is in the working set",
                        mib(shmem.value)
                    ),
                    format!(
                        "Shared memory and tmpfs pages ({shmem_key} = {} bytes) are file pages \
                         on the anon LRU lists: they never count as inactive file, so they stay \
                         in the working set, while free counts them as buff/cache (shared).",
                        shmem.value
                    ),
                    &[CADVISOR_WS],
                    vec![shmem.at],
                    None,
                );
            }
        }
    } else if let Some(m) = ev.meminfo()
        && let Some(active) = m.kib("Active(file)")
        && active.value > 0
        && out.known(KUBELET_WS).is_none()
    {
        f.add(
            FindingCode::ActiveFileInWorkingSet,
            FindingSeverity::Explanation,
            35,
            format!(
                "{} of page cache is on the active list; the kubelet's working set keeps it",
                mib(active.value * 1024)
            ),
            "/proc/meminfo shows the node's Active(file) pages. The kubelet's working set \
             subtracts only inactive file pages from usage, so active page cache counts as \
             used there while free shows it as buff/cache. The root cgroup's memory.stat would \
             give the exact split."
                .to_string(),
            &[],
            vec![active.at],
            next(
                "the root cgroup's memory.stat and the kubepods cgroup files",
                NODE_BUNDLE_V2,
            ),
        );
    }

    for files in ev.cgroups.iter().filter(|c| !c.is_root()) {
        let Some(stat) = files.stat else { continue };
        let usage = out
            .get(&cgroups::id(&files.name, "usage_bytes"))
            .and_then(|q| q.value);
        let ws_id = cgroups::id(&files.name, "working_set_bytes");
        let active_key = if files.version == Some(CgroupVersion::V1) {
            "total_active_file"
        } else {
            "active_file"
        };
        if let Some(ws) = out.get(&ws_id).and_then(|q| q.value)
            && let Some(active) = stat.get(active_key)
            && active.value > 0
            && ws > 0
            && active.value.saturating_mul(4) >= ws
        {
            let share = active.value as f64 / ws as f64 * 100.0;
            f.add(
                FindingCode::ActiveFileInWorkingSet,
                FindingSeverity::Explanation,
                50 + (share / 4.0) as u32,
                format!(
                    "{} of {}'s working set ({share:.1}%) is active page cache",
                    mib(active.value),
                    files.name
                ),
                format!(
                    "The working set is usage minus inactive file pages only: file pages on the \
                     active list ({active_key} = {} bytes) stay in it, so a workload that keeps \
                     re-reading its files looks large. The kernel reclaims active cache under \
                     pressure (after the inactive list), but the kubelet and kubectl top count \
                     it.",
                    active.value
                ),
                &[&ws_id],
                vec![active.at],
                None,
            );
        }
        if files.version != Some(CgroupVersion::V1)
            && let Some(slab) = stat.get("slab_reclaimable")
            && let Some(u) = usage
            && slab.value >= 64 << 20
        {
            f.add(
                FindingCode::ReclaimableSlabInWorkingSet,
                FindingSeverity::Explanation,
                45,
                format!(
                    "{} of reclaimable slab is in {}'s working set",
                    mib(slab.value),
                    files.name
                ),
                format!(
                    "memory.current charges kernel memory to the cgroup, reclaimable slab \
                     (dentries, inodes: slab_reclaimable = {} bytes of {u}) included. The \
                     working set subtracts only inactive file pages, so a pod that walks many \
                     files looks large although the kernel can drop this memory at once.",
                    slab.value
                ),
                &[&cgroups::id(&files.name, "working_set_bytes")],
                vec![slab.at],
                None,
            );
        }
        if let (Some(u), Some(anon), Some(file)) = (usage, stat.get("anon"), stat.get("file")) {
            let counted = anon.value.saturating_add(file.value);
            if u > counted && u - counted >= 16 << 20 {
                f.add(
                    FindingCode::KernelMemoryInUsage,
                    FindingSeverity::Info,
                    30,
                    format!(
                        "{} of {}'s usage is kernel memory (usage − anon − file)",
                        mib(u - counted),
                        files.name
                    ),
                    "A non-root cgroup's memory.current also counts kernel memory charged to \
                     it (slab, kernel stacks, page tables, socket buffers). The working set \
                     keeps all of it."
                        .to_string(),
                    &[&cgroups::id(&files.name, "usage_bytes")],
                    vec![anon.at, file.at],
                    None,
                );
            }
        }
    }
}

fn clamped(ev: &Evidence<'_>, out: &Out, f: &mut Findings) {
    for files in &ev.cgroups {
        let id = if files.is_root() {
            CADVISOR_USAGE.to_string()
        } else {
            cgroups::id(&files.name, "usage_bytes")
        };
        let (Some(usage), Some(stat)) = (out.get(&id).and_then(|q| q.value), files.stat) else {
            continue;
        };
        let key = if files.version == Some(CgroupVersion::V1) {
            "total_inactive_file"
        } else {
            "inactive_file"
        };
        if let Some(inactive) = stat.get(key)
            && inactive.value > usage
        {
            f.add(
                FindingCode::WorkingSetClamped,
                FindingSeverity::Warning,
                85,
                format!(
                    "The working set of {} is clamped to 0: {key} exceeds usage",
                    files.name
                ),
                format!(
                    "{key} = {} is larger than usage = {usage}. Inactive file pages are part of \
                     usage, so this cannot happen in one cgroup: the numbers come from \
                     different cgroups or moments. cAdvisor then reports 0 (kubectl shows 0Mi \
                     or <unknown>).",
                    inactive.value
                ),
                &[&id],
                vec![inactive.at],
                None,
            );
        }
    }
    let events: Vec<(u64, u64, At)> = ev
        .logs
        .iter()
        .flat_map(|log| &log.events)
        .filter_map(|e| match &e.event {
            Event::InactiveFileOverUsage {
                inactive_file,
                usage,
                ..
            } => Some((*inactive_file, *usage, e.at)),
            _ => None,
        })
        .collect();
    if let Some(&(inactive, usage, _)) = events.first() {
        f.add(
            FindingCode::WorkingSetClamped,
            FindingSeverity::Warning,
            85,
            format!(
                "The runtime logged inactive_file above usage {} times: working sets clamp to 0",
                events.len()
            ),
            format!(
                "The first line: inactive_file {inactive} > usage {usage} (by {}). Inactive \
                 file pages are part of usage in one cgroup, so the runtime read them from \
                 different cgroups (a known CRI-O bug: the pod or parent cgroup's memory.stat \
                 with the container's usage). The working set is then reported as 0 and \
                 kubectl top shows 0Mi or <unknown>.",
                mib(inactive.saturating_sub(usage))
            ),
            &[],
            events.iter().map(|e| e.2).collect(),
            next("the runtime's version", "crictl version; crio --version"),
        );
    }
}

/// `0Mi` memory on every node while CPU is reported: the collector returned nothing.
fn stats_missing(ev: &Evidence<'_>, f: &mut Findings) {
    for table in &ev.top_nodes {
        let rows: Vec<_> = table
            .rows
            .iter()
            .filter_map(|r| Some((r.memory.as_ref()?.known()?, r.cpu.as_ref()?.known()?, r.at)))
            .collect();
        let zero = rows
            .iter()
            .filter(|(m, c, _)| m.mebibytes == 0 && c.millicores > 0)
            .count();
        if zero > 0 && zero * 2 >= rows.len() {
            f.add(
                FindingCode::StatsMissing,
                FindingSeverity::Warning,
                90,
                format!(
                    "{zero} of {} nodes report 0Mi memory with non-zero CPU",
                    rows.len()
                ),
                "A whole node cannot use less than 1 MiB: the kubelet's summary had no node \
                 memory stats (zeros), typically a container runtime or cgroup driver that does \
                 not report the root cgroup. This is missing data, not an idle node."
                    .to_string(),
                &[],
                rows.iter()
                    .filter(|(m, _, _)| m.mebibytes == 0)
                    .map(|r| r.2)
                    .collect(),
                next(
                    "the kubelet's node memory stats",
                    "kubectl get --raw /api/v1/nodes/NODE/proxy/stats/summary | jq .node.memory",
                ),
            );
        }
    }
}

fn eviction(out: &Out, f: &mut Findings) {
    let (Some(available), Some(threshold)) = (
        out.get(EVICTION_AVAILABLE).and_then(|q| q.value),
        out.known(EVICTION_THRESHOLD),
    ) else {
        return;
    };
    let capacity = out.known(CAPACITY).unwrap_or(0);
    let margin = available as i128 - threshold as i128;
    let near = margin <= threshold as i128 || (capacity > 0 && margin * 20 <= capacity as i128);
    if near {
        f.add(
            FindingCode::EvictionThresholdNear,
            FindingSeverity::Warning,
            95,
            if margin <= 0 {
                format!(
                    "memory.available ({}) is below the hard eviction threshold",
                    mib(available)
                )
            } else {
                format!(
                    "memory.available is {} above the hard eviction threshold",
                    mib(margin as u64)
                )
            },
            format!(
                "The kubelet evicts pods when memory.available (capacity − node working set = \
                 {available} bytes) falls below the threshold ({threshold} bytes): strictly, \
                 threshold > available. The margin is {margin} bytes."
            ),
            &[EVICTION_AVAILABLE, EVICTION_THRESHOLD],
            vec![],
            None,
        );
    }
}

fn impossible(out: &Out, f: &mut Findings) {
    if let (Some(ws), Some(capacity)) = (out.known(KUBELET_WS), out.known(CAPACITY))
        && ws > capacity
    {
        f.add(
            FindingCode::ImpossibleValue,
            FindingSeverity::Warning,
            88,
            "The working set is larger than the node's capacity".to_string(),
            format!(
                "working set {ws} bytes > capacity {capacity} bytes. The inputs come from \
                 different machines or moments, or a value is corrupt."
            ),
            &[KUBELET_WS, CAPACITY],
            vec![],
            None,
        );
    }
    for q in &out.quantities {
        if let Some(v) = q.value
            && v > 1 << 60
        {
            f.add(
                FindingCode::ImpossibleValue,
                FindingSeverity::Warning,
                88,
                format!("{} is {v}, near 2^64", q.label),
                "No machine has this much memory: an unsigned subtraction wrapped around in \
                 the tool or in the inputs."
                    .to_string(),
                &[&q.id],
                vec![],
                None,
            );
        }
    }
}

/// Findings about pods: a pod cgroup holding more than its containers, which `kubectl top pod`
/// does not show.
pub(super) fn pods(ev: &Evidence<'_>, f: &mut Findings) {
    for exp in &ev.prometheus {
        for scrape in 0..exp.scrapes() {
            let resource = exp.kubelet_resource(scrape);
            for pod in &resource.pods {
                let Some(sample) = &pod.memory_working_set_bytes else {
                    continue;
                };
                let Ok(pod_ws) = sample.bytes() else { continue };
                let containers: Vec<u64> = resource
                    .containers
                    .iter()
                    .filter(|c| c.namespace == pod.namespace && c.pod == pod.pod)
                    .filter_map(|c| c.memory_working_set_bytes.as_ref()?.bytes().ok())
                    .map(|v| v.value)
                    .collect();
                if containers.is_empty() {
                    continue;
                }
                let sum = containers.iter().fold(0u64, |a, b| a.saturating_add(*b));
                let gap = pod_ws.value.saturating_sub(sum);
                // The pause container and the pod cgroup's own pages are well under a MiB.
                if gap < 32 << 20 {
                    continue;
                }
                let name = format!("{}/{}", pod.namespace, pod.pod);
                f.add(
                    FindingCode::PodSumOfContainers,
                    FindingSeverity::Explanation,
                    45,
                    format!(
                        "Pod {name}'s cgroup holds {} more than its containers: kubectl top pod \
                         does not show it",
                        mib(gap)
                    ),
                    format!(
                        "pod_memory_working_set_bytes = {} bytes, the containers' working sets \
                         add up to {sum}. kubectl top pod prints the sum of the containers (as \
                         metrics-server serves them), while the kubelet ranks pods for eviction \
                         by the pod cgroup's usage. Memory charged to the pod but to no running \
                         container is typically page cache left by init containers that exited.",
                        pod_ws.value
                    ),
                    &[&format!("kubectl.top_pod.{name}.memory_text")],
                    vec![pod_ws.at],
                    None,
                );
            }
        }
    }
}

/// Findings about the documents themselves: cut-off pastes, unreadable lines.
pub(super) fn documents(docs: &[Document], parsed: &[crate::parse::Parsed], f: &mut Findings) {
    let mut truncated = Vec::new();
    let mut unreadable = Vec::new();
    for (doc, p) in docs.iter().zip(parsed) {
        for d in &p.diagnostics {
            if d.message.starts_with("the document is cut off") {
                truncated.push((doc, d.line));
            } else if d.severity == Severity::Error {
                unreadable.push((doc, d.line));
            }
        }
        if doc.kind == crate::input::Kind::Unknown {
            unreadable.push((doc, Some(doc.first_line())));
        }
    }
    if !truncated.is_empty() {
        let names: Vec<String> = truncated
            .iter()
            .map(|(d, line)| {
                format!(
                    "{} ({}) at line {}",
                    d.id,
                    d.kind,
                    line.map_or("?".into(), |l| l.to_string())
                )
            })
            .collect();
        f.add(
            FindingCode::TruncatedInput,
            FindingSeverity::Info,
            20,
            format!(
                "{} document(s) are cut off; what was complete is used",
                truncated.len()
            ),
            format!(
                "Cut off: {}. Paste the whole output to use the rest.",
                names.join(", ")
            ),
            &[],
            truncated
                .iter()
                .filter_map(|(d, line)| line.map(|l| At { doc: d.id, line: l }))
                .collect(),
            None,
        );
    }
    if !unreadable.is_empty() {
        f.add(
            FindingCode::UnreadableInput,
            FindingSeverity::Info,
            15,
            format!(
                "{} line(s) or document(s) could not be read",
                unreadable.len()
            ),
            "Each is listed with its document and line under the documents found; the rest of \
             the input is used. A document that was not recognised can be given a kind by hand."
                .to_string(),
            &[],
            unreadable
                .iter()
                .filter_map(|(d, line)| line.map(|l| At { doc: d.id, line: l }))
                .collect(),
            None,
        );
    }
}

/// Findings about pasted `free`/`top` output: which procps printed it, how it compares with
/// the kubelet's working set, and whether it shows the host rather than a container.
pub(super) fn procps(ev: &Evidence<'_>, out: &Out, f: &mut Findings) {
    use super::procps::{Printer, classify, meminfo_kib, pasted};
    use crate::account::procps::ProcpsGeneration;

    let mem = meminfo_kib(ev);
    let tables = pasted(ev);
    for p in &tables {
        let (printers, why) = classify(p, mem.as_ref());
        let at: Vec<At> = p.used.iter().map(|u| u.1).collect();
        let (Some(total), Some(used)) = (&p.total, &p.used) else {
            continue;
        };
        let procps: Vec<ProcpsGeneration> = printers
            .iter()
            .filter_map(|x| {
                if let Printer::Procps(g) = x {
                    Some(*g)
                } else {
                    None
                }
            })
            .collect();
        let v4_only = procps == [ProcpsGeneration::V4];
        let v3 = !procps.is_empty() && !procps.contains(&ProcpsGeneration::V4);
        // What the other generation would print as used, from the table alone (KiB).
        let other_used = |rule_v4: bool| -> Option<(u64, u64)> {
            if rule_v4 {
                let (fr, bc) = (p.free.as_ref()?.0, p.buff_cache.as_ref()?.0);
                Some((
                    total.0.0.saturating_sub(fr.1 + bc.1),
                    total.0.1.saturating_sub(fr.0 + bc.0),
                ))
            } else {
                let a = p.available.as_ref()?.0;
                (a.1 > 0).then(|| (total.0.0.saturating_sub(a.1), total.0.1.saturating_sub(a.0)))
            }
        };
        if v4_only {
            let other = other_used(true)
                .map(|(lo, hi)| {
                    format!(
                        " The 3.3 rule (total − free − buff/cache) gives {}–{} KiB here, so \
                         procps 4 prints {} KiB more as used.",
                        lo,
                        hi,
                        used.0.0.saturating_sub(hi)
                    )
                })
                .unwrap_or_default();
            f.add(
                FindingCode::Procps4Used,
                FindingSeverity::Explanation,
                58,
                format!("This {} is procps-ng 4: used = total − available", p.what),
                format!(
                    "procps-ng 4.0.1 changed used to MemTotal − MemAvailable ({why}). It now \
                     includes page cache and slab the kernel does not expect to reclaim, and \
                     total ≠ used + free + buff/cache any more.{other}"
                ),
                &["procps.used_bytes.v4", "procps.used_bytes.v3"],
                at,
                None,
            );
        } else if v3 {
            let generation = procps[0];
            let other = other_used(false)
                .map(|(lo, hi)| {
                    format!(" procps-ng 4.0.1 or later would print {lo}–{hi} KiB as used.")
                })
                .unwrap_or_default();
            let rule = if generation == ProcpsGeneration::V3_9 {
                "used = total − free, with buffers and cache inside it; the -/+ buffers/cache \
                 row shows used without them"
            } else {
                "used = total − free − buffers − cache, so page cache never counts as used"
            };
            f.add(
                FindingCode::Procps3Used,
                FindingSeverity::Explanation,
                50,
                if printers.contains(&Printer::BusyBox) {
                    format!(
                        "This {} is {} or BusyBox (old layout): {}",
                        p.what,
                        generation.label(),
                        short_rule(generation)
                    )
                } else {
                    format!(
                        "This {} is {}: {}",
                        p.what,
                        generation.label(),
                        short_rule(generation)
                    )
                },
                format!("{rule} ({why}).{other}"),
                &["procps.used_bytes.v3", "procps.used_bytes.v4"],
                at,
                None,
            );
        } else if printers == [Printer::BusyBox] {
            f.add(
                FindingCode::BusyboxFree,
                FindingSeverity::Explanation,
                50,
                format!("This {} is BusyBox, not procps", p.what),
                format!(
                    "BusyBox counts buff/cache as Buffers + Cached without SReclaimable (before \
                     1.35), prints available as 0 when the kernel has no MemAvailable, and some \
                     builds read sysinfo(2) rather than /proc/meminfo, so inside a container they \
                     show the host ({why})."
                ),
                &["procps.used_bytes.v3"],
                at,
                None,
            );
        }
        if !p.impossible.is_empty() {
            f.add(
                FindingCode::ImpossibleValue,
                FindingSeverity::Warning,
                88,
                format!(
                    "{} prints a value larger than the total: {}",
                    p.what, p.impossible[0].1
                ),
                "A part cannot exceed the whole: the tool read a wrapped (negative) counter. Do \
                 not derive anything from it; used + free is the total here."
                    .to_string(),
                &[],
                p.impossible.iter().map(|i| i.0).collect(),
                None,
            );
        }
    }
    free_against_working_set(ev, out, &tables, f);
    host_view(ev, out, &tables, f);
}

fn short_rule(g: crate::account::procps::ProcpsGeneration) -> &'static str {
    use crate::account::procps::ProcpsGeneration::*;
    match g {
        V3_9 => "used = total − free",
        V3_10 | V3_12 => "used = total − free − buff/cache",
        V4 => "used = total − available",
    }
}

/// The `kubectl top node` row that belongs to the machine a `free`/`top` ran on: the prompt's
/// host, the only row, or the only row whose percent puts allocatable just under free's total.
fn paired_row<'a>(
    ev: &Evidence<'a>,
    p: &super::procps::PastedMem,
) -> Option<(&'a crate::parse::kubectl::TopRow, &'static str)> {
    let rows: Vec<&crate::parse::kubectl::TopRow> =
        ev.top_nodes.iter().flat_map(|t| &t.rows).collect();
    if let Some(host) = &p.host
        && let Some(r) = rows.iter().find(|r| &r.name == host)
    {
        return Some((r, "the prompt's host name"));
    }
    if let [only] = rows.as_slice() {
        return Some((only, "the only node in the table"));
    }
    let total_kib = p.total.as_ref()?.0;
    let fitting: Vec<&&crate::parse::kubectl::TopRow> = rows
        .iter()
        .filter(|r| {
            let (Some(m), Some(pct)) = (
                r.memory.as_ref().and_then(|c| c.known()),
                r.memory_percent.as_ref().and_then(|c| c.known()),
            ) else {
                return false;
            };
            let Some(row) = PercentRow::printed(m.mebibytes, pct as i64) else {
                return false;
            };
            let Some((lo, hi)) = allocatable_range(&[row]) else {
                return false;
            };
            // Allocatable is capacity minus reservations: at most the total, and rarely less
            // than 80% of it.
            let total_bytes = total_kib.1.saturating_mul(1024);
            lo <= total_bytes && hi.saturating_mul(5) >= total_kib.0.saturating_mul(1024 * 4)
        })
        .collect();
    match fitting.as_slice() {
        [one] => Some((one, "the only node whose MEMORY% fits free's total")),
        _ => None,
    }
}

fn free_against_working_set(
    ev: &Evidence<'_>,
    out: &Out,
    tables: &[super::procps::PastedMem],
    f: &mut Findings,
) {
    for p in tables {
        let (Some(used), Some(total)) = (&p.used, &p.total) else {
            continue;
        };
        let (ws_bytes, ws_at, node, how) = match out.known(KUBELET_WS) {
            Some(ws) => (ws, None, None, "the kubelet's working set"),
            None => {
                let Some((row, how)) = paired_row(ev, p) else {
                    continue;
                };
                let Some(cell) = row.memory.as_ref() else {
                    continue;
                };
                let Some(m) = cell.known() else { continue };
                (m.bytes_from, Some(cell.at), Some(row.name.clone()), how)
            }
        };
        let used_bytes = used.0.0.saturating_mul(1024);
        let total_bytes = total.0.0.saturating_mul(1024);
        let on = node
            .as_ref()
            .map(|n| format!(" on {n}"))
            .unwrap_or_default();
        let mut at = vec![used.1];
        at.extend(ws_at);
        if ws_bytes > used_bytes && ws_bytes - used_bytes >= total_bytes / 20 {
            let gap = ws_bytes - used_bytes;
            f.add(
                FindingCode::ActiveFileInWorkingSet,
                FindingSeverity::Explanation,
                70,
                format!(
                    "kubectl top shows {} more than {}'s used{on}: active page cache counts in \
                     the working set",
                    mib(gap),
                    p.what
                ),
                format!(
                    "The working set ({ws_bytes} bytes, paired by {how}) is cgroup usage minus \
                     inactive file pages, so file pages on the active list stay in it; {} counts \
                     all page cache as buff/cache. The {} gap is most likely active page cache \
                     (plus tmpfs and, on cgroup v2 with an old runc, kernel memory). \
                     /proc/meminfo's Active(file) and the root cgroup's memory.stat split it \
                     exactly.",
                    p.what,
                    mib(gap)
                ),
                &[KUBELET_WS, "procps.used_bytes.v3"],
                at,
                next(
                    "/proc/meminfo and the root cgroup's memory.stat",
                    NODE_BUNDLE_V2,
                ),
            );
        } else if used_bytes > ws_bytes && used_bytes - ws_bytes >= total_bytes / 10 {
            let gap = used_bytes - ws_bytes;
            f.add(
                FindingCode::MemoryOutsideCgroups,
                FindingSeverity::Warning,
                75,
                format!(
                    "{}'s used is {} above the working set{on}: memory outside the cgroup counters",
                    p.what,
                    mib(gap)
                ),
                format!(
                    "{} counts {used_bytes} bytes as used, the kubelet's working set only \
                     {ws_bytes} (paired by {how}). Memory that no cgroup is charged for sits in \
                     the difference: reserved hugepages, unreclaimable slab, kernel stacks and \
                     page tables, vmalloc, driver (GPU, RDMA) or balloon memory. The kubelet \
                     evicts on capacity − working set, so the kernel's OOM killer can fire \
                     before any eviction.",
                    p.what
                ),
                &[KUBELET_WS, "procps.used_bytes.v3"],
                at,
                next(
                    "/proc/meminfo (HugePages_*, SUnreclaim, VmallocUsed) and the root memory.stat",
                    NODE_BUNDLE_V2,
                ),
            );
        }
    }
}

/// `free`/`top` inside a container show the host (BusyBox reads sysinfo(2); procps reads a
/// /proc/meminfo that only lxcfs virtualises).
fn host_view(ev: &Evidence<'_>, out: &Out, tables: &[super::procps::PastedMem], f: &mut Findings) {
    let meminfo_total = ev.meminfo().and_then(|m| m.kib("MemTotal"));
    for p in tables {
        let Some(total) = &p.total else { continue };
        // Against the pasted /proc/meminfo: a different machine size.
        if let Some(mt) = &meminfo_total
            && (total.0.0 > mt.value.saturating_mul(2) || total.0.1.saturating_mul(2) < mt.value)
        {
            let lxcfs = ev.meminfo().is_some_and(|m| {
                m.kib("MemAvailable").map(|v| v.value) == m.kib("MemFree").map(|v| v.value)
                    && m.kib("Buffers").is_some_and(|b| b.value == 0)
            });
            f.add(
                FindingCode::HostViewInContainer,
                FindingSeverity::Warning,
                82,
                format!(
                    "{}'s total ({} KiB) is not this /proc/meminfo's MemTotal ({} KiB)",
                    p.what, total.0.0, mt.value
                ),
                format!(
                    "The two come from different views of memory.{} BusyBox free reads \
                     sysinfo(2), which no container runtime virtualises, so inside a container \
                     it shows the host; procps free reads /proc/meminfo, which lxcfs can \
                     replace with the container's limits.",
                    if lxcfs {
                        " This /proc/meminfo looks virtualised by lxcfs (MemAvailable = \
                         MemFree, no Buffers): it describes the container."
                    } else {
                        ""
                    }
                ),
                &["procps.total_bytes"],
                vec![total.1, mt.at],
                None,
            );
            continue;
        }
        // Against a pasted cgroup: a container whose usage is far below what the host uses.
        for files in &ev.cgroups {
            let id = if files.is_root() {
                super::node::CADVISOR_USAGE.to_string()
            } else {
                cgroups::id(&files.name, "usage_bytes")
            };
            let limit = files.limit.as_ref().and_then(|l| match l.value {
                crate::parse::cgroup::Limit::Bytes(b) => Some(b),
                crate::parse::cgroup::Limit::Max => None,
            });
            let usage = out.get(&id).and_then(|q| q.value);
            let (Some(used), Some(free)) = (&p.used, &p.free) else {
                continue;
            };
            let host_in_use = total.0.0.saturating_sub(free.0.1).saturating_mul(1024);
            let container = limit.or(usage);
            if let Some(c) = container
                && host_in_use > c.saturating_mul(2)
                && total.0.0.saturating_mul(1024) > c.saturating_mul(4)
            {
                f.add(
                    FindingCode::HostViewInContainer,
                    FindingSeverity::Warning,
                    82,
                    format!(
                        "{} shows the host: {} KiB in total, while the cgroup holds {}",
                        p.what,
                        total.0.0,
                        mib(c)
                    ),
                    format!(
                        "The cgroup's usage or limit ({c} bytes) is far below what {} counts as \
                         in use on the machine ({host_in_use} bytes): free and top inside a \
                         container read the host's /proc/meminfo (unless lxcfs replaces it). \
                         Use the cgroup's files for the container.",
                        p.what
                    ),
                    &[&id],
                    vec![used.1],
                    next(
                        "the container cgroup's memory.stat",
                        "cat /sys/fs/cgroup/memory.stat  # inside the container (v2)",
                    ),
                );
                break;
            }
        }
    }
}

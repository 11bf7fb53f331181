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

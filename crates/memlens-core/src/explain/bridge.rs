//! Bridges between tools' numbers, and the composition of `MemTotal`.
//!
//! A bridge walks from one number to another in named steps whose sum is exact. Each step is
//! a memory class read from the pasted files; where the data cannot split a difference further
//! the step says so (`unsplit`) instead of inventing a split.

use super::Out;
use super::evidence::Evidence;
use super::node::{CADVISOR_USAGE, KUBELET_WS};
use crate::account::cadvisor::RootUsageRule;
use crate::parse::cgroup::{CgroupVersion, MemoryStat};
use crate::parse::meminfo::Meminfo;
use crate::report::{Bridge, BridgeStep, Composition, CompositionMarker, CompositionPart, Term};

/// A step before it is placed: label, signed bytes, fields, explanation, and whether it is a
/// remainder the data cannot split.
struct Step {
    id: &'static str,
    label: String,
    delta: i128,
    fields: Vec<Term>,
    explanation: String,
    unsplit: Option<String>,
}

fn kib_term(m: &Meminfo, key: &str) -> Option<Term> {
    let e = m.get(key)?;
    Some(Term {
        name: key.to_string(),
        value: Some(e.value),
        text: None,
        unit: if e.kib { "KiB" } else { "pages" }.to_string(),
        quantity: None,
        at: Some(e.at),
    })
}

fn kib(m: &Meminfo, key: &str) -> Option<i128> {
    m.kib(key).map(|v| i128::from(v.value) * 1024)
}

fn stat_term(s: &MemoryStat, key: &str) -> Option<Term> {
    let v = s.get(key)?;
    Some(Term {
        name: key.to_string(),
        value: Some(v.value),
        text: None,
        unit: "bytes".to_string(),
        quantity: None,
        at: Some(v.at),
    })
}

fn stat(s: &MemoryStat, key: &str) -> Option<i128> {
    s.get(key).map(|v| i128::from(v.value))
}

fn quantity_term(id: &str, value: u64) -> Term {
    Term {
        name: id.to_string(),
        value: Some(value),
        text: None,
        unit: "bytes".to_string(),
        quantity: Some(id.to_string()),
        at: None,
    }
}

/// Places the steps, closing any gap with a final unsplit step so the sum is exact.
fn bridge(id: &str, title: &str, from: (&str, u64), to: (&str, u64), steps: Vec<Step>) -> Bridge {
    let mut steps = steps;
    let sum: i128 = steps.iter().map(|s| s.delta).sum();
    let gap = i128::from(to.1) - i128::from(from.1) - sum;
    if gap != 0 {
        steps.push(Step {
            id: "remainder",
            label: "not split further".to_string(),
            delta: gap,
            fields: vec![],
            explanation: "What the pasted files cannot attribute: the counters were read at \
                          slightly different moments, and some kernel memory has no line of its \
                          own."
                .to_string(),
            unsplit: Some("no pasted field splits this".to_string()),
        });
    }
    Bridge {
        id: id.to_string(),
        title: title.to_string(),
        from: from.0.to_string(),
        to: to.0.to_string(),
        from_value: from.1,
        to_value: to.1,
        steps: steps
            .into_iter()
            .filter(|s| s.delta != 0 || s.unsplit.is_none())
            .map(|s| BridgeStep {
                id: s.id.to_string(),
                label: s.label,
                delta: s.delta,
                fields: s.fields,
                explanation: s.explanation,
                unsplit: s.unsplit,
            })
            .collect(),
        exact: true,
    }
}

/// The kernel memory `free`'s 3.3 used holds that no cgroup counts, split by meminfo's lines.
fn kernel_steps(m: &Meminfo, outside: i128) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut left = outside;
    for (id, key, label, why) in [
        (
            "unreclaimable_slab",
            "SUnreclaim",
            "unreclaimable slab",
            "Kernel objects that cannot be freed under pressure; charged to no root cgroup counter.",
        ),
        (
            "kernel_stack",
            "KernelStack",
            "kernel stacks",
            "One stack per thread, kernel memory.",
        ),
        (
            "page_tables",
            "PageTables",
            "page tables",
            "Kernel memory mapping processes' pages.",
        ),
        (
            "percpu",
            "Percpu",
            "per-CPU allocations",
            "Kernel per-CPU memory.",
        ),
    ] {
        if let Some(v) = kib(m, key)
            && v > 0
        {
            steps.push(Step {
                id,
                label: label.to_string(),
                delta: -v,
                fields: kib_term(m, key).into_iter().collect(),
                explanation: why.to_string(),
                unsplit: None,
            });
            left -= v;
        }
    }
    if let (Some(pages), Some(size)) = (m.count("HugePages_Total"), m.kib("Hugepagesize"))
        && pages.value > 0
    {
        let v = i128::from(pages.value) * i128::from(size.value) * 1024;
        steps.push(Step {
            id: "hugepages",
            label: "reserved hugepages".to_string(),
            delta: -v,
            fields: [kib_term(m, "HugePages_Total"), kib_term(m, "Hugepagesize")]
                .into_iter()
                .flatten()
                .collect(),
            explanation: "The hugepage pool is neither free nor cache, so free counts all of it \
                          as used; no cgroup's usage includes an unused pool."
                .to_string(),
            unsplit: None,
        });
        left -= v;
    }
    steps.push(Step {
        id: "other_kernel",
        label: "other kernel and driver memory".to_string(),
        delta: -left,
        fields: vec![],
        explanation: "The rest of free's used that is not anonymous memory: vmalloc, driver and \
                      firmware buffers, swap cache, and the difference between the moments the \
                      two files were read."
            .to_string(),
        unsplit: Some("meminfo has no line per remaining consumer".to_string()),
    });
    steps
}

/// The steps from free's 3.3 used to the root working set, given the root's counters.
fn used_v3_to_ws(
    m: &Meminfo,
    root: &MemoryStat,
    version: CgroupVersion,
    rule: RootUsageRule,
    usage: i128,
) -> Option<Vec<Step>> {
    let (anon_key, file_key, inactive_key, active_key, shmem_key) = match version {
        CgroupVersion::V2 => ("anon", "file", "inactive_file", "active_file", "shmem"),
        CgroupVersion::V1 => (
            "total_rss",
            "total_cache",
            "total_inactive_file",
            "total_active_file",
            "total_shmem",
        ),
    };
    let used_v3 = kib(m, "MemTotal")?
        - kib(m, "MemFree")?
        - kib(m, "Buffers")?
        - kib(m, "Cached")?
        - kib(m, "SReclaimable").unwrap_or(0);
    let anon_pages = kib(m, "AnonPages")?;
    let inactive = stat(root, inactive_key)?;
    let mut steps = Vec::new();

    if version == CgroupVersion::V2 && rule == RootUsageRule::TotalMinusFree {
        // usage = MemTotal − MemFree: everything but free pages, kernel memory included.
        let cache = kib(m, "Buffers")? + kib(m, "Cached")? + kib(m, "SReclaimable").unwrap_or(0);
        steps.push(Step {
            id: "page_cache",
            label: "buffers, page cache and reclaimable slab".to_string(),
            delta: cache,
            fields: ["Buffers", "Cached", "SReclaimable"]
                .iter()
                .filter_map(|k| kib_term(m, k))
                .collect(),
            explanation: "free leaves these out of used; the old runc rule counts every non-free \
                          page as the root's usage."
                .to_string(),
            unsplit: None,
        });
        let _ = usage;
    } else {
        let outside = used_v3 - anon_pages;
        steps.extend(kernel_steps(m, outside));
        let anon = stat(root, anon_key)?;
        steps.push(Step {
            id: "anon_difference",
            label: format!("{anon_key} (cgroup) − AnonPages (meminfo)"),
            delta: anon - anon_pages,
            fields: [stat_term(root, anon_key), kib_term(m, "AnonPages")]
                .into_iter()
                .flatten()
                .collect(),
            explanation: "The same anonymous memory counted by the cgroup and by the kernel's \
                          global counter; they differ by swap cache, transparent hugepage \
                          accounting and the moments they were read."
                .to_string(),
            unsplit: None,
        });
        let file = stat(root, file_key)?;
        let active = stat(root, active_key);
        let shmem = stat(root, shmem_key);
        if let Some(a) = active {
            steps.push(Step {
                id: "active_file",
                label: "active page cache".to_string(),
                delta: a,
                fields: stat_term(root, active_key).into_iter().collect(),
                explanation: "File pages on the active list: the working set keeps them, free \
                              shows them as buff/cache."
                    .to_string(),
                unsplit: None,
            });
        }
        if let Some(s) = shmem {
            steps.push(Step {
                id: "shmem",
                label: "tmpfs and shared memory".to_string(),
                delta: s,
                fields: stat_term(root, shmem_key).into_iter().collect(),
                explanation: "Shared memory sits on the anon lists, so it is never inactive file: \
                              the working set keeps it, free counts it in buff/cache."
                    .to_string(),
                unsplit: None,
            });
        }
        let rest = file - inactive - active.unwrap_or(0) - shmem.unwrap_or(0);
        steps.push(Step {
            id: "other_file",
            label: "other file pages kept in the working set".to_string(),
            delta: rest,
            fields: [stat_term(root, file_key), stat_term(root, inactive_key)]
                .into_iter()
                .flatten()
                .collect(),
            explanation: format!(
                "{file_key} − {inactive_key} − {active_key} − {shmem_key}: file pages on no LRU \
                 list the working set subtracts (unevictable, isolated)."
            ),
            unsplit: Some("memory.stat has no finer split".to_string()),
        });
        if version == CgroupVersion::V1 {
            steps.push(Step {
                id: "usage_beyond_rss_cache",
                label: "usage beyond rss + cache".to_string(),
                delta: usage - anon - file,
                fields: vec![],
                explanation: "The v1 root's usage_in_bytes is an estimate of rss + cache; the \
                              rest is its imprecision."
                    .to_string(),
                unsplit: Some("the kernel does not split it".to_string()),
            });
            return Some(steps);
        }
        return Some(steps);
    }
    steps.push(Step {
        id: "inactive_file",
        label: format!("inactive file pages ({inactive_key})"),
        delta: -inactive,
        fields: stat_term(root, inactive_key).into_iter().collect(),
        explanation: "The working set is usage minus inactive file pages.".to_string(),
        unsplit: None,
    });
    Some(steps)
}

pub(super) fn compute(
    ev: &Evidence<'_>,
    a: &super::Assumptions,
    out: &Out,
) -> (Vec<Bridge>, Option<Composition>) {
    let mut bridges = Vec::new();
    let Some(m) = ev.meminfo() else {
        return (bridges, None);
    };
    let (Some(total), Some(free)) = (kib(m, "MemTotal"), kib(m, "MemFree")) else {
        return (bridges, None);
    };
    let total_u = u64::try_from(total).unwrap_or(0);

    // MemTotal → free's used, both generations.
    if let Some(v4) = out.get("procps.used_bytes.v4").and_then(|q| q.value) {
        let available = kib(m, "MemAvailable").unwrap_or(free);
        bridges.push(bridge(
            "memtotal_to_procps_v4",
            "MemTotal → free's used (procps-ng ≥ 4.0.1)",
            ("MemTotal", total_u),
            ("procps.used_bytes.v4", v4),
            vec![
                Step {
                    id: "free",
                    label: "free pages (MemFree)".to_string(),
                    delta: -free,
                    fields: kib_term(m, "MemFree").into_iter().collect(),
                    explanation: "Pages nobody uses.".to_string(),
                    unsplit: None,
                },
                Step {
                    id: "reclaimable",
                    label: "what the kernel expects to reclaim (MemAvailable − MemFree)"
                        .to_string(),
                    delta: -(available - free),
                    fields: kib_term(m, "MemAvailable").into_iter().collect(),
                    explanation: "The kernel's estimate of page cache and reclaimable slab it \
                                  can free without swapping, minus the low watermarks."
                        .to_string(),
                    unsplit: Some(
                        "MemAvailable is one estimate; the kernel prints no parts".to_string(),
                    ),
                },
            ],
        ));
    }
    if let Some(v3) = out.get("procps.used_bytes.v3").and_then(|q| q.value) {
        let mut steps = vec![Step {
            id: "free",
            label: "free pages (MemFree)".to_string(),
            delta: -free,
            fields: kib_term(m, "MemFree").into_iter().collect(),
            explanation: "Pages nobody uses.".to_string(),
            unsplit: None,
        }];
        for (id, key, label) in [
            ("buffers", "Buffers", "block-device buffers"),
            ("cached", "Cached", "page cache (Cached, tmpfs included)"),
            ("sreclaimable", "SReclaimable", "reclaimable slab"),
        ] {
            if let Some(v) = kib(m, key) {
                steps.push(Step {
                    id,
                    label: label.to_string(),
                    delta: -v,
                    fields: kib_term(m, key).into_iter().collect(),
                    explanation: "free 3.3 counts it as buff/cache, not as used.".to_string(),
                    unsplit: None,
                });
            }
        }
        bridges.push(bridge(
            "memtotal_to_procps_v3",
            "MemTotal → free's used (procps 3.3.12 – 4.0.0)",
            ("MemTotal", total_u),
            ("procps.used_bytes.v3", v3),
            steps,
        ));
    }

    // free's used → the kubelet's node working set, when the root cgroup's files are here.
    let root = ev.root();
    let ws = out.get(KUBELET_WS).and_then(|q| q.value);
    let usage = out.get(CADVISOR_USAGE).and_then(|q| q.value);
    if let (Some(root), Some(stat_root), Some(ws), Some(usage)) =
        (root, root.and_then(|r| r.stat), ws, usage)
    {
        let version = root.version.unwrap_or(a.cgroup.value);
        if let Some(steps) =
            used_v3_to_ws(m, stat_root, version, a.root_usage.value, i128::from(usage))
            && let Some(v3) = out.get("procps.used_bytes.v3").and_then(|q| q.value)
        {
            if let Some(v4) = out.get("procps.used_bytes.v4").and_then(|q| q.value) {
                let mut v4_steps = vec![Step {
                    id: "procps4_rule",
                    label: "free 4's used − free 3.3's used".to_string(),
                    delta: i128::from(v3) - i128::from(v4),
                    fields: vec![
                        quantity_term("procps.used_bytes.v4", v4),
                        quantity_term("procps.used_bytes.v3", v3),
                    ],
                    explanation: "procps-ng 4 counts as used the page cache and slab MemAvailable \
                                  keeps back; procps 3.3 counts none of it. This step turns one \
                                  into the other."
                        .to_string(),
                    unsplit: Some("MemAvailable is one estimate".to_string()),
                }];
                v4_steps.extend(
                    used_v3_to_ws(m, stat_root, version, a.root_usage.value, i128::from(usage))
                        .unwrap_or_default(),
                );
                bridges.push(bridge(
                    "procps_v4_to_working_set",
                    "free's used (procps-ng ≥ 4.0.1) → kubelet node working set",
                    ("procps.used_bytes.v4", v4),
                    (KUBELET_WS, ws),
                    v4_steps,
                ));
            }
            bridges.push(bridge(
                "procps_v3_to_working_set",
                "free's used (procps 3.3) → kubelet node working set",
                ("procps.used_bytes.v3", v3),
                (KUBELET_WS, ws),
                steps,
            ));
        }
    }

    (bridges, composition(m, out, total_u))
}

/// `MemTotal` split into disjoint memory classes, with where each tool's "used" ends.
fn composition(m: &Meminfo, out: &Out, total: u64) -> Option<Composition> {
    let class = |id: &str, label: &str, keys: &[&str], explanation: &str| {
        let mut bytes: i128 = 0;
        let mut fields = Vec::new();
        for k in keys {
            if let Some(v) = kib(m, k) {
                bytes += v;
                fields.extend(kib_term(m, k));
            }
        }
        (!fields.is_empty()).then(|| CompositionPart {
            id: id.to_string(),
            label: label.to_string(),
            bytes: u64::try_from(bytes).unwrap_or(0),
            fields,
            explanation: explanation.to_string(),
        })
    };
    let hugepages = match (m.count("HugePages_Total"), m.kib("Hugepagesize")) {
        (Some(pages), Some(size)) if pages.value > 0 => Some(CompositionPart {
            id: "hugepages".to_string(),
            label: "hugepages".to_string(),
            bytes: pages.value.saturating_mul(size.value).saturating_mul(1024),
            fields: [kib_term(m, "HugePages_Total"), kib_term(m, "Hugepagesize")]
                .into_iter()
                .flatten()
                .collect(),
            explanation: "The reserved hugepage pool.".to_string(),
        }),
        _ => None,
    };
    let mut parts: Vec<CompositionPart> = [
        class(
            "anon",
            "anonymous memory",
            &["AnonPages"],
            "Process heaps and stacks (AnonPages).",
        ),
        class(
            "active_file",
            "active page cache",
            &["Active(file)"],
            "File pages used recently.",
        ),
        class(
            "inactive_file",
            "inactive page cache",
            &["Inactive(file)"],
            "File pages the kernel reclaims first.",
        ),
        class(
            "shmem",
            "tmpfs / shared memory",
            &["Shmem"],
            "Part of Cached, but on the anon lists.",
        ),
        class(
            "reclaimable_slab",
            "reclaimable slab",
            &["SReclaimable"],
            "Dentry and inode caches.",
        ),
        class(
            "unreclaimable_slab",
            "unreclaimable slab",
            &["SUnreclaim"],
            "Kernel objects.",
        ),
        class(
            "other_kernel",
            "other kernel memory",
            &["KernelStack", "PageTables", "SecPageTables", "Percpu"],
            "Kernel stacks, page tables and per-CPU memory.",
        ),
        hugepages,
        class("free", "free", &["MemFree"], "Unused pages."),
    ]
    .into_iter()
    .flatten()
    .collect();
    let sum: i128 = parts.iter().map(|p| i128::from(p.bytes)).sum();
    if parts.len() < 3 {
        return None;
    }
    let residual = i128::from(total) - sum;
    let exact = residual >= 0;
    if residual > 0 {
        parts.push(CompositionPart {
            id: "not_accounted".to_string(),
            label: "not accounted".to_string(),
            bytes: u64::try_from(residual).unwrap_or(0),
            fields: vec![],
            explanation: "MemTotal minus every class above: vmalloc, driver memory, swap cache \
                          and what meminfo has no line for."
                .to_string(),
        });
    }
    let markers = [
        ("procps.used_bytes.v4", "free used (procps 4)"),
        ("procps.used_bytes.v3", "free used (procps 3.3)"),
        ("htop.used_bytes", "htop used"),
        (KUBELET_WS, "kubelet working set"),
    ]
    .iter()
    .filter_map(|(id, label)| {
        let v = out.known(id)?;
        Some(CompositionMarker {
            quantity: id.to_string(),
            label: label.to_string(),
            bytes: v,
        })
    })
    .collect();
    Some(Composition {
        total,
        parts,
        markers,
        exact,
        note: (!exact).then(|| {
            format!(
                "The classes overlap by {} bytes (the counters were read at different moments or \
                 some pages sit in two of them), so the bar is not exact",
                -residual
            )
        }),
    })
}

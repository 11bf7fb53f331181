//! The pipeline walk-through: how one number travels from the kernel to the tool that prints it.
//!
//! Two chains:
//!
//! - [`Chain::Kubernetes`]: cgroup files → cAdvisor (usage, inactive file, working set) → the
//!   kubelet (`/stats/summary`, `/metrics/resource`, the eviction signal) → metrics-server and
//!   the metrics API → `kubectl top node`;
//! - [`Chain::Procps`]: `/proc/meminfo` → `free`, `top` and htop.
//!
//! Each [`Stage`] names the quantity that holds its value and the one step it applies; its `id`
//! is stable and serves as a link anchor. [`stages`] gives every stage with its value in a
//! report.

use serde::Serialize;

use super::narrative;
use crate::report::{AssumptionKey, Report};

/// Which chain a stage belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Chain {
    /// From the cgroup files to `kubectl top`.
    Kubernetes,
    /// From `/proc/meminfo` to `free`, `top` and htop.
    Procps,
}

impl Chain {
    pub const ALL: [Chain; 2] = [Chain::Kubernetes, Chain::Procps];

    pub fn id(self) -> &'static str {
        match self {
            Chain::Kubernetes => "kubernetes",
            Chain::Procps => "procps",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Chain::Kubernetes => "From the cgroup files to kubectl top",
            Chain::Procps => "From /proc/meminfo to free, top and htop",
        }
    }
}

/// Where a stage's value lives in a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Holder {
    /// A fixed quantity id.
    Quantity(&'static str),
    /// `procps.<prefix>.<generation>` for the procps generation in force (the newest when every
    /// generation is reported): `procps.free_text.m` → `procps.free_text.m.v4`.
    Procps(&'static str),
}

/// One stage of a chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// Stable, for links: `kubernetes.working-set`.
    pub id: &'static str,
    pub chain: Chain,
    pub title: &'static str,
    /// The one step this stage applies to what came before.
    pub step: &'static str,
    /// Who does it, and where the rule is written.
    pub source: &'static str,
    pub holder: Holder,
    /// The stages it reads from.
    pub inputs: &'static [&'static str],
}

/// A stage with its value in one report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StageValue {
    pub stage: Stage,
    /// The quantity id holding the value in this report.
    pub quantity: String,
    pub value: Option<u64>,
    pub text: Option<String>,
    /// The value as a story shows it (the tool's text, or a size with the exact bytes).
    pub shown: Option<String>,
    /// What the report needs to compute it, when it cannot.
    pub missing: Vec<String>,
}

const KUBERNETES: [Stage; 11] = [
    Stage {
        id: "kubernetes.cgroup-usage",
        chain: Chain::Kubernetes,
        title: "Root cgroup usage",
        step: "read memory.usage_in_bytes (v1), or make one up for the v2 root: anon + file of \
               its memory.stat (runc ≥ 1.1.9) or MemTotal − MemFree (older runc)",
        source: "opencontainers/cgroups fs2/memory.go; runc libcontainer/cgroups",
        holder: Holder::Quantity("cadvisor.node.usage_bytes"),
        inputs: &[],
    },
    Stage {
        id: "kubernetes.inactive-file",
        chain: Chain::Kubernetes,
        title: "Inactive file pages",
        step: "read inactive_file (v2) or total_inactive_file (v1) from the root memory.stat",
        source: "google/cadvisor container/libcontainer/handler.go setMemoryStats",
        holder: Holder::Quantity("cadvisor.node.inactive_file_bytes"),
        inputs: &[],
    },
    Stage {
        id: "kubernetes.working-set",
        chain: Chain::Kubernetes,
        title: "cAdvisor working set",
        step: "subtract inactive_file from usage, stopping at 0",
        source: "google/cadvisor container/libcontainer/handler.go setMemoryStats",
        holder: Holder::Quantity("cadvisor.node.working_set_bytes"),
        inputs: &["kubernetes.cgroup-usage", "kubernetes.inactive-file"],
    },
    Stage {
        id: "kubernetes.summary",
        chain: Chain::Kubernetes,
        title: "kubelet /stats/summary",
        step: "copy cAdvisor's numbers for cgroup / into node.memory.workingSetBytes",
        source: "kubernetes pkg/kubelet/stats/helper.go cadvisorInfoToCPUandMemoryStats",
        holder: Holder::Quantity("kubelet.node.working_set_bytes"),
        inputs: &["kubernetes.working-set"],
    },
    Stage {
        id: "kubernetes.available",
        chain: Chain::Kubernetes,
        title: "Eviction signal memory.available",
        step: "take the working set from capacity (MemTotal × 1024)",
        source: "kubernetes pkg/kubelet/eviction/helpers.go makeSignalObservations",
        holder: Holder::Quantity("eviction.memory_available_bytes"),
        inputs: &["kubernetes.summary"],
    },
    Stage {
        id: "kubernetes.metrics-resource",
        chain: Chain::Kubernetes,
        title: "kubelet /metrics/resource",
        step: "print as a float: node_memory_working_set_bytes in Go's shortest %g",
        source: "kubernetes pkg/kubelet/metrics/collectors/resource_metrics.go; prometheus \
                 expfmt",
        holder: Holder::Quantity("kubelet.node.working_set_text"),
        inputs: &["kubernetes.summary"],
    },
    Stage {
        id: "kubernetes.metrics-server",
        chain: Chain::Kubernetes,
        title: "metrics-server, metrics.k8s.io",
        step: "serve as Ki: the last sample as a BinarySI quantity",
        source: "kubernetes-sigs/metrics-server pkg/storage/node.go",
        holder: Holder::Quantity("metrics_server.node.memory_text"),
        inputs: &["kubernetes.metrics-resource"],
    },
    Stage {
        id: "kubernetes.kubectl-memory",
        chain: Chain::Kubernetes,
        title: "kubectl top node MEMORY(bytes)",
        step: "floor to Mi: whole MiB, rounded down",
        source: "kubernetes/kubectl pkg/metricsutil/metrics_printer.go",
        holder: Holder::Quantity("kubectl.top_node.memory_text"),
        inputs: &["kubernetes.metrics-server"],
    },
    Stage {
        id: "kubernetes.allocatable",
        chain: Chain::Kubernetes,
        title: "Node allocatable",
        step: "capacity less system-reserved, kube-reserved, the hard eviction threshold and \
               hugepages",
        source: "kubernetes pkg/kubelet/cm/node_container_manager_linux.go; \
                 pkg/kubelet/nodestatus/setters.go",
        holder: Holder::Quantity("node.allocatable_bytes"),
        inputs: &[],
    },
    Stage {
        id: "kubernetes.kubectl-percent",
        chain: Chain::Kubernetes,
        title: "kubectl top node MEMORY(%)",
        step: "divide by allocatable, truncate to a whole percent",
        source: "kubernetes/kubectl pkg/metricsutil/metrics_printer.go",
        holder: Holder::Quantity("kubectl.top_node.memory_percent_text"),
        inputs: &["kubernetes.metrics-server", "kubernetes.allocatable"],
    },
    Stage {
        id: "kubernetes.kubectl-percent-capacity",
        chain: Chain::Kubernetes,
        title: "kubectl top node --show-capacity",
        step: "divide by capacity instead, truncate to a whole percent",
        source: "kubernetes/kubectl pkg/cmd/top/top_node.go",
        holder: Holder::Quantity("kubectl.top_node.memory_percent_capacity_text"),
        inputs: &["kubernetes.metrics-server"],
    },
];

const PROCPS: [Stage; 10] = [
    Stage {
        id: "procps.total",
        chain: Chain::Procps,
        title: "MemTotal",
        step: "read MemTotal from /proc/meminfo (KiB)",
        source: "procps-ng library/meminfo.c",
        holder: Holder::Quantity("procps.total_bytes"),
        inputs: &[],
    },
    Stage {
        id: "procps.available",
        chain: Chain::Procps,
        title: "MemAvailable",
        step: "read the kernel's estimate MemAvailable (MemFree when it is absent, procps 4)",
        source: "procps-ng library/meminfo.c",
        holder: Holder::Quantity("procps.available_bytes"),
        inputs: &[],
    },
    Stage {
        id: "procps.buff-cache",
        chain: Chain::Procps,
        title: "buff/cache",
        step: "add Buffers, Cached and SReclaimable",
        source: "procps-ng library/meminfo.c",
        holder: Holder::Quantity("procps.buff_cache_bytes"),
        inputs: &[],
    },
    Stage {
        id: "procps.used-v3",
        chain: Chain::Procps,
        title: "used, procps 3.3.12 – 4.0.0",
        step: "subtract free pages and buff/cache from the total",
        source: "procps-ng 3.3.17 proc/sysinfo.c meminfo",
        holder: Holder::Quantity("procps.used_bytes.v3"),
        inputs: &["procps.total", "procps.buff-cache"],
    },
    Stage {
        id: "procps.used-v4",
        chain: Chain::Procps,
        title: "used, procps 4.0.1 and later",
        step: "subtract available from the total",
        source: "procps-ng 4.0.1 library/meminfo.c (commit 2184e90d)",
        holder: Holder::Quantity("procps.used_bytes.v4"),
        inputs: &["procps.total", "procps.available"],
    },
    Stage {
        id: "procps.free-text",
        chain: Chain::Procps,
        title: "free -m",
        step: "print in MiB, truncated, in the release's column layout",
        source: "procps-ng src/free.c scale_size",
        holder: Holder::Procps("procps.free_text.m"),
        inputs: &["procps.used-v3", "procps.used-v4"],
    },
    Stage {
        id: "procps.top-text",
        chain: Chain::Procps,
        title: "top's memory lines",
        step: "print MiB as a float with one decimal, `+` when it does not fit",
        source: "procps-ng src/top/top.c do_memory",
        holder: Holder::Procps("procps.top_text"),
        inputs: &["procps.used-v3", "procps.used-v4"],
    },
    Stage {
        id: "procps.htop-used",
        chain: Chain::Procps,
        title: "htop used",
        step: "subtract free, buffers, Cached and SReclaimable from the total",
        source: "htop-dev/htop linux/LinuxMachine.c",
        holder: Holder::Quantity("htop.used_bytes"),
        inputs: &["procps.total"],
    },
    Stage {
        id: "procps.htop-meter",
        chain: Chain::Procps,
        title: "htop Mem meter",
        step: "add shared back (3.3+) and print over the total in htop's units",
        source: "htop-dev/htop Meter.c",
        holder: Holder::Quantity("htop.meter_text"),
        inputs: &["procps.htop-used"],
    },
    Stage {
        id: "procps.node-exporter",
        chain: Chain::Procps,
        title: "node_exporter dashboard",
        step: "100 × (1 − MemAvailable / MemTotal), one decimal",
        source: "the usual Grafana node_exporter panel",
        holder: Holder::Quantity("node_exporter.memory_used_percent"),
        inputs: &["procps.total", "procps.available"],
    },
];

/// The stages of a chain, in order.
pub fn chain(chain: Chain) -> &'static [Stage] {
    match chain {
        Chain::Kubernetes => &KUBERNETES,
        Chain::Procps => &PROCPS,
    }
}

/// The stage with this id.
pub fn stage(id: &str) -> Option<&'static Stage> {
    KUBERNETES.iter().chain(PROCPS.iter()).find(|s| s.id == id)
}

/// The procps generation id the report is in (`v4`, `v3`, …), the newest when all are shown.
fn generation(report: &Report) -> String {
    report
        .assumptions
        .iter()
        .find(|a| a.key == AssumptionKey::Procps)
        .map(|a| a.value.clone())
        .filter(|v| v != "all")
        .unwrap_or_else(|| "v4".to_string())
}

/// Every stage of both chains with its value in the report.
pub fn stages(report: &Report) -> Vec<StageValue> {
    let generation = generation(report);
    Chain::ALL
        .iter()
        .flat_map(|c| chain(*c))
        .map(|stage| {
            let quantity = match stage.holder {
                Holder::Quantity(id) => id.to_string(),
                Holder::Procps(prefix) => format!("{prefix}.{generation}"),
            };
            let q = report.quantity(&quantity);
            StageValue {
                stage: *stage,
                value: q.and_then(|q| q.value),
                text: q.and_then(|q| q.text.clone()),
                shown: q.and_then(narrative::shown),
                missing: q.map(|q| q.missing.clone()).unwrap_or_default(),
                quantity,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_ids_are_unique_and_inputs_name_earlier_stages() {
        for c in Chain::ALL {
            let stages = chain(c);
            for (i, s) in stages.iter().enumerate() {
                assert!(s.id.starts_with(c.id()), "{} in {}", s.id, c.id());
                assert_eq!(stage(s.id), Some(s), "{}", s.id);
                for input in s.inputs {
                    let earlier = stages.iter().take(i).any(|e| e.id == *input);
                    assert!(earlier, "{}: input {input} is not an earlier stage", s.id);
                }
            }
        }
    }
}

//! The series the accounting reads, by what exports them: kubelet `/metrics/resource`, cAdvisor
//! (kubelet `/metrics/cadvisor` or cAdvisor itself), node_exporter's meminfo collector.

use std::collections::HashMap;
use std::hash::Hash;

use super::{Exposition, NotWhole, SampleRef};
use crate::input::Val;

/// The series of kubelet `/metrics/resource` (kubernetes
/// `pkg/kubelet/metrics/collectors/resource_metrics.go`) that memlens reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ResourceMetric {
    NodeCpuUsageSecondsTotal,
    NodeMemoryWorkingSetBytes,
    NodeSwapUsageBytes,
    ContainerCpuUsageSecondsTotal,
    ContainerMemoryWorkingSetBytes,
    ContainerStartTimeSeconds,
    ContainerSwapUsageBytes,
    PodCpuUsageSecondsTotal,
    PodMemoryWorkingSetBytes,
    PodSwapUsageBytes,
    ScrapeError,
    ResourceScrapeError,
}

impl ResourceMetric {
    pub const ALL: [ResourceMetric; 12] = [
        ResourceMetric::NodeCpuUsageSecondsTotal,
        ResourceMetric::NodeMemoryWorkingSetBytes,
        ResourceMetric::NodeSwapUsageBytes,
        ResourceMetric::ContainerCpuUsageSecondsTotal,
        ResourceMetric::ContainerMemoryWorkingSetBytes,
        ResourceMetric::ContainerStartTimeSeconds,
        ResourceMetric::ContainerSwapUsageBytes,
        ResourceMetric::PodCpuUsageSecondsTotal,
        ResourceMetric::PodMemoryWorkingSetBytes,
        ResourceMetric::PodSwapUsageBytes,
        ResourceMetric::ScrapeError,
        ResourceMetric::ResourceScrapeError,
    ];

    /// The metric's name in the exposition.
    pub fn name(self) -> &'static str {
        match self {
            ResourceMetric::NodeCpuUsageSecondsTotal => "node_cpu_usage_seconds_total",
            ResourceMetric::NodeMemoryWorkingSetBytes => "node_memory_working_set_bytes",
            ResourceMetric::NodeSwapUsageBytes => "node_swap_usage_bytes",
            ResourceMetric::ContainerCpuUsageSecondsTotal => "container_cpu_usage_seconds_total",
            ResourceMetric::ContainerMemoryWorkingSetBytes => "container_memory_working_set_bytes",
            ResourceMetric::ContainerStartTimeSeconds => "container_start_time_seconds",
            ResourceMetric::ContainerSwapUsageBytes => "container_swap_usage_bytes",
            ResourceMetric::PodCpuUsageSecondsTotal => "pod_cpu_usage_seconds_total",
            ResourceMetric::PodMemoryWorkingSetBytes => "pod_memory_working_set_bytes",
            ResourceMetric::PodSwapUsageBytes => "pod_swap_usage_bytes",
            ResourceMetric::ScrapeError => "scrape_error",
            ResourceMetric::ResourceScrapeError => "resource_scrape_error",
        }
    }

    fn from_name(name: &str) -> Option<ResourceMetric> {
        ResourceMetric::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// One scrape of kubelet `/metrics/resource`. When a series repeats within the scrape the last
/// sample wins, as in metrics-server's decoder.
#[derive(Clone, Debug, Default)]
pub struct KubeletResource<'a> {
    pub node_cpu_usage_seconds_total: Option<SampleRef<'a>>,
    pub node_memory_working_set_bytes: Option<SampleRef<'a>>,
    pub node_swap_usage_bytes: Option<SampleRef<'a>>,
    /// In order of first appearance.
    pub containers: Vec<ContainerResource<'a>>,
    /// In order of first appearance.
    pub pods: Vec<PodResource<'a>>,
    pub scrape_error: Option<SampleRef<'a>>,
    pub resource_scrape_error: Option<SampleRef<'a>>,
}

/// A container's series in `/metrics/resource`, labelled `container`, `pod`, `namespace`.
#[derive(Clone, Debug)]
pub struct ContainerResource<'a> {
    pub namespace: &'a str,
    pub pod: &'a str,
    pub container: &'a str,
    pub cpu_usage_seconds_total: Option<SampleRef<'a>>,
    pub memory_working_set_bytes: Option<SampleRef<'a>>,
    pub start_time_seconds: Option<SampleRef<'a>>,
    pub swap_usage_bytes: Option<SampleRef<'a>>,
}

/// A pod's series in `/metrics/resource` (the pod cgroup, not the sum of its containers).
#[derive(Clone, Debug)]
pub struct PodResource<'a> {
    pub namespace: &'a str,
    pub pod: &'a str,
    pub cpu_usage_seconds_total: Option<SampleRef<'a>>,
    pub memory_working_set_bytes: Option<SampleRef<'a>>,
    pub swap_usage_bytes: Option<SampleRef<'a>>,
}

/// The memory series of cAdvisor (google/cadvisor `metrics/prometheus.go`), one per cgroup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CadvisorMemory {
    UsageBytes,
    WorkingSetBytes,
    Rss,
    Cache,
    MappedFile,
    Swap,
    Failcnt,
    MaxUsageBytes,
    KernelUsage,
    TotalActiveFileBytes,
    TotalInactiveFileBytes,
    SpecLimitBytes,
    SpecReservationLimitBytes,
    SpecSwapLimitBytes,
}

impl CadvisorMemory {
    pub const ALL: [CadvisorMemory; 14] = [
        CadvisorMemory::UsageBytes,
        CadvisorMemory::WorkingSetBytes,
        CadvisorMemory::Rss,
        CadvisorMemory::Cache,
        CadvisorMemory::MappedFile,
        CadvisorMemory::Swap,
        CadvisorMemory::Failcnt,
        CadvisorMemory::MaxUsageBytes,
        CadvisorMemory::KernelUsage,
        CadvisorMemory::TotalActiveFileBytes,
        CadvisorMemory::TotalInactiveFileBytes,
        CadvisorMemory::SpecLimitBytes,
        CadvisorMemory::SpecReservationLimitBytes,
        CadvisorMemory::SpecSwapLimitBytes,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CadvisorMemory::UsageBytes => "container_memory_usage_bytes",
            CadvisorMemory::WorkingSetBytes => "container_memory_working_set_bytes",
            CadvisorMemory::Rss => "container_memory_rss",
            CadvisorMemory::Cache => "container_memory_cache",
            CadvisorMemory::MappedFile => "container_memory_mapped_file",
            CadvisorMemory::Swap => "container_memory_swap",
            CadvisorMemory::Failcnt => "container_memory_failcnt",
            CadvisorMemory::MaxUsageBytes => "container_memory_max_usage_bytes",
            CadvisorMemory::KernelUsage => "container_memory_kernel_usage",
            CadvisorMemory::TotalActiveFileBytes => "container_memory_total_active_file_bytes",
            CadvisorMemory::TotalInactiveFileBytes => "container_memory_total_inactive_file_bytes",
            CadvisorMemory::SpecLimitBytes => "container_spec_memory_limit_bytes",
            CadvisorMemory::SpecReservationLimitBytes => {
                "container_spec_memory_reservation_limit_bytes"
            }
            CadvisorMemory::SpecSwapLimitBytes => "container_spec_memory_swap_limit_bytes",
        }
    }

    fn from_name(name: &str) -> Option<CadvisorMemory> {
        CadvisorMemory::ALL.into_iter().find(|m| m.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One scrape of cAdvisor's memory series, grouped by cgroup.
#[derive(Clone, Debug, Default)]
pub struct Cadvisor<'a> {
    /// `machine_memory_bytes`: `MemTotal` × 1024, what kubelet reports as capacity.
    pub machine_memory_bytes: Option<SampleRef<'a>>,
    /// In order of first appearance.
    pub cgroups: Vec<CadvisorCgroup<'a>>,
}

impl<'a> Cadvisor<'a> {
    /// The root cgroup, `id="/"`: the node.
    pub fn root(&self) -> Option<&CadvisorCgroup<'a>> {
        self.cgroup("/")
    }

    pub fn cgroup(&self, id: &str) -> Option<&CadvisorCgroup<'a>> {
        self.cgroups.iter().find(|c| c.id == id)
    }
}

/// One cgroup's memory series, keyed by the `id` label (the cgroup path).
#[derive(Clone, Debug)]
pub struct CadvisorCgroup<'a> {
    pub id: &'a str,
    /// kubelet's `namespace`, `pod`, `container`, `image`, `name` labels; standalone cAdvisor's
    /// `container_label_io_kubernetes_*` labels stand in for the first three.
    pub namespace: Option<&'a str>,
    pub pod: Option<&'a str>,
    pub container: Option<&'a str>,
    pub image: Option<&'a str>,
    pub name: Option<&'a str>,
    memory: [Option<SampleRef<'a>>; CadvisorMemory::ALL.len()],
}

impl<'a> CadvisorCgroup<'a> {
    pub fn get(&self, metric: CadvisorMemory) -> Option<SampleRef<'a>> {
        self.memory.get(metric.index()).copied().flatten()
    }

    /// The series' value as a whole number of bytes, with its line.
    pub fn bytes(&self, metric: CadvisorMemory) -> Option<Result<Val<u64>, NotWhole>> {
        self.get(metric).map(|s| s.bytes())
    }
}

/// How node_exporter named its meminfo gauges (`collector/meminfo_linux.go`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeminfoNaming {
    /// Some key is outside the fixed list of v1.9.0 and later, so the exporter is v1.8.x or
    /// older, which exported every `/proc/meminfo` line.
    Dynamic,
    /// Every key is in the fixed list; either generation could have written it.
    FixedList,
}

/// What a node_exporter meminfo value counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeminfoUnit {
    /// A `kB` line of `/proc/meminfo`, exported ×1024 as `node_memory_<Key>_bytes`.
    Kib,
    /// A count (`HugePages_Total`), exported as is without `_bytes`.
    Count,
}

/// Why a node_exporter gauge gives no `/proc/meminfo` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MeminfoProblem {
    NotWhole(NotWhole),
    /// A `_bytes` value that is not a multiple of 1024, so it did not come from a `kB` line.
    NotKib,
}

/// One `/proc/meminfo` line rebuilt from a node_exporter gauge.
#[derive(Clone, Debug)]
pub struct MeminfoValue<'a> {
    /// The kernel's key: `MemAvailable`, `Active(anon)`, `HugePages_Total`.
    pub key: &'a str,
    pub unit: MeminfoUnit,
    /// KiB for [`MeminfoUnit::Kib`], the count otherwise.
    pub value: Result<u64, MeminfoProblem>,
    pub sample: SampleRef<'a>,
}

/// One scrape's node_exporter meminfo gauges, as `/proc/meminfo` values.
#[derive(Clone, Debug)]
pub struct NodeMeminfo<'a> {
    pub values: Vec<MeminfoValue<'a>>,
    pub naming: MeminfoNaming,
}

impl<'a> NodeMeminfo<'a> {
    pub fn get(&self, key: &str) -> Option<&MeminfoValue<'a>> {
        self.values.iter().find(|v| v.key == key)
    }

    /// The value of `key` in KiB (or the count, for `HugePages_*`), with its line.
    pub fn value(&self, key: &str) -> Option<Result<Val<u64>, MeminfoProblem>> {
        let v = self.get(key)?;
        Some(v.value.map(|n| Val::new(n, v.sample.at())))
    }
}

/// The keys node_exporter v1.9.0 and later export (v1.11.0 added `Zswap` and `Zswapped`),
/// in the names of `/proc/meminfo` after `(x)` → `_x`.
const FIXED_LIST: &[&str] = &[
    "Active",
    "Active_anon",
    "Active_file",
    "AnonHugePages",
    "AnonPages",
    "Bounce",
    "Buffers",
    "Cached",
    "CmaFree",
    "CmaTotal",
    "CommitLimit",
    "Committed_AS",
    "DirectMap1G",
    "DirectMap2M",
    "DirectMap4k",
    "Dirty",
    "HardwareCorrupted",
    "Hugepagesize",
    "Inactive",
    "Inactive_anon",
    "Inactive_file",
    "KernelStack",
    "Mapped",
    "MemAvailable",
    "MemFree",
    "MemTotal",
    "Mlocked",
    "NFS_Unstable",
    "PageTables",
    "Percpu",
    "SReclaimable",
    "SUnreclaim",
    "Shmem",
    "ShmemHugePages",
    "ShmemPmdMapped",
    "Slab",
    "SwapCached",
    "SwapFree",
    "SwapTotal",
    "Unevictable",
    "VmallocChunk",
    "VmallocTotal",
    "VmallocUsed",
    "Writeback",
    "WritebackTmp",
    "Zswap",
    "Zswapped",
    "HugePages_Free",
    "HugePages_Rsvd",
    "HugePages_Surp",
    "HugePages_Total",
];

/// The kernel key behind a node_exporter name: v1.8 and older replaced `(x)` by `_x`, and the
/// only `/proc/meminfo` keys with parentheses are these four.
fn kernel_key(name: &str) -> &str {
    match name {
        "Active_anon" => "Active(anon)",
        "Inactive_anon" => "Inactive(anon)",
        "Active_file" => "Active(file)",
        "Inactive_file" => "Inactive(file)",
        other => other,
    }
}

/// Which exporters a scrape looks like it came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flavors {
    /// kubelet `/metrics/resource`: `node_memory_working_set_bytes`, `scrape_error`, …
    pub kubelet_resource: bool,
    /// cAdvisor: `container_*` series with an `id` label, `machine_memory_bytes`.
    pub cadvisor: bool,
    /// node_exporter: `node_memory_MemTotal_bytes` and its siblings.
    pub node_exporter: bool,
}

impl Exposition {
    /// Which exporters scrape `scrape` looks like it came from.
    pub fn flavors(&self, scrape: u32) -> Flavors {
        let mut flavors = Flavors::default();
        for f in self.families().filter(|f| f.scrape() == scrape) {
            let name = f.name();
            if matches!(
                name,
                "node_memory_working_set_bytes"
                    | "pod_memory_working_set_bytes"
                    | "scrape_error"
                    | "resource_scrape_error"
            ) {
                flavors.kubelet_resource = true;
            }
            if name == "machine_memory_bytes"
                || name == "cadvisor_version_info"
                || name.starts_with("container_")
                    && f.samples().next().is_some_and(|s| s.label("id").is_some())
            {
                flavors.cadvisor = true;
            }
            if name.starts_with("node_memory_MemTotal") || name == "node_exporter_build_info" {
                flavors.node_exporter = true;
            }
        }
        flavors
    }

    /// Scrape `scrape` read as kubelet `/metrics/resource`, by metric name as metrics-server
    /// reads it (kubernetes-sigs/metrics-server `pkg/scraper/client/resource/decode.go`).
    pub fn kubelet_resource(&self, scrape: u32) -> KubeletResource<'_> {
        let mut out = KubeletResource::default();
        let mut containers = HashMap::new();
        let mut pods = HashMap::new();
        let samples = self
            .families()
            .filter(|f| f.scrape() == scrape && ResourceMetric::from_name(f.name()).is_some())
            .flat_map(|f| f.samples());
        for s in samples {
            let Some(metric) = ResourceMetric::from_name(s.name()) else {
                continue;
            };
            let namespace = s.label("namespace").unwrap_or("");
            let pod = s.label("pod").unwrap_or("");
            let container = s.label("container").unwrap_or("");
            let new_container = || ContainerResource {
                namespace,
                pod,
                container,
                cpu_usage_seconds_total: None,
                memory_working_set_bytes: None,
                start_time_seconds: None,
                swap_usage_bytes: None,
            };
            let new_pod = || PodResource {
                namespace,
                pod,
                cpu_usage_seconds_total: None,
                memory_working_set_bytes: None,
                swap_usage_bytes: None,
            };
            let c_key = (namespace, pod, container);
            let p_key = (namespace, pod);
            let c = &mut out.containers;
            let p = &mut out.pods;
            let slot = match metric {
                ResourceMetric::NodeCpuUsageSecondsTotal => {
                    Some(&mut out.node_cpu_usage_seconds_total)
                }
                ResourceMetric::NodeMemoryWorkingSetBytes => {
                    Some(&mut out.node_memory_working_set_bytes)
                }
                ResourceMetric::NodeSwapUsageBytes => Some(&mut out.node_swap_usage_bytes),
                ResourceMetric::ScrapeError => Some(&mut out.scrape_error),
                ResourceMetric::ResourceScrapeError => Some(&mut out.resource_scrape_error),
                ResourceMetric::ContainerCpuUsageSecondsTotal => {
                    entry(c, &mut containers, c_key, new_container)
                        .map(|c| &mut c.cpu_usage_seconds_total)
                }
                ResourceMetric::ContainerMemoryWorkingSetBytes => {
                    entry(c, &mut containers, c_key, new_container)
                        .map(|c| &mut c.memory_working_set_bytes)
                }
                ResourceMetric::ContainerStartTimeSeconds => {
                    entry(c, &mut containers, c_key, new_container)
                        .map(|c| &mut c.start_time_seconds)
                }
                ResourceMetric::ContainerSwapUsageBytes => {
                    entry(c, &mut containers, c_key, new_container).map(|c| &mut c.swap_usage_bytes)
                }
                ResourceMetric::PodCpuUsageSecondsTotal => {
                    entry(p, &mut pods, p_key, new_pod).map(|p| &mut p.cpu_usage_seconds_total)
                }
                ResourceMetric::PodMemoryWorkingSetBytes => {
                    entry(p, &mut pods, p_key, new_pod).map(|p| &mut p.memory_working_set_bytes)
                }
                ResourceMetric::PodSwapUsageBytes => {
                    entry(p, &mut pods, p_key, new_pod).map(|p| &mut p.swap_usage_bytes)
                }
            };
            if let Some(slot) = slot {
                *slot = Some(s);
            }
        }
        out
    }

    /// Scrape `scrape`'s cAdvisor memory series, grouped by the `id` label. Samples without an
    /// `id` are not cAdvisor's and are left out.
    pub fn cadvisor(&self, scrape: u32) -> Cadvisor<'_> {
        let mut out = Cadvisor::default();
        let mut by_id: HashMap<&str, usize> = HashMap::new();
        let id_sym = self.sym("id");
        for f in self.families().filter(|f| f.scrape() == scrape) {
            if f.name() == "machine_memory_bytes" {
                out.machine_memory_bytes = f.samples().last();
                continue;
            }
            let Some(metric) = CadvisorMemory::from_name(f.name()) else {
                continue;
            };
            for s in f.samples() {
                let Some(id) = id_sym.and_then(|sym| s.label_sym(sym)) else {
                    continue;
                };
                let i = *by_id.entry(id).or_insert_with(|| {
                    let k8s = |own: &str, standalone: &str| s.label(own).or(s.label(standalone));
                    out.cgroups.push(CadvisorCgroup {
                        id,
                        namespace: k8s("namespace", "container_label_io_kubernetes_pod_namespace"),
                        pod: k8s("pod", "container_label_io_kubernetes_pod_name"),
                        container: k8s("container", "container_label_io_kubernetes_container_name"),
                        image: s.label("image"),
                        name: s.label("name"),
                        memory: [None; CadvisorMemory::ALL.len()],
                    });
                    out.cgroups.len() - 1
                });
                if let Some(slot) = out
                    .cgroups
                    .get_mut(i)
                    .and_then(|c| c.memory.get_mut(metric.index()))
                {
                    *slot = Some(s);
                }
            }
        }
        out
    }

    /// Scrape `scrape`'s node_exporter meminfo gauges (`node_memory_<Key>_bytes` without labels,
    /// and `node_memory_HugePages_*`) turned back into `/proc/meminfo` keys and KiB.
    pub fn node_meminfo(&self, scrape: u32) -> NodeMeminfo<'_> {
        let mut values = Vec::new();
        let mut naming = MeminfoNaming::FixedList;
        for f in self.families().filter(|f| f.scrape() == scrape) {
            let Some(key) = f.name().strip_prefix("node_memory_") else {
                continue;
            };
            // Kernel keys start with a capital; node_exporter's own lower-case names (Darwin's
            // `node_memory_free_bytes`, NUMA's `node_memory_numa_*`) are not meminfo lines.
            if !key.starts_with(|c: char| c.is_ascii_uppercase()) {
                continue;
            }
            let Some(sample) = f.samples().find(|s| s.labels().next().is_none()) else {
                continue;
            };
            let (name, unit) = match key.strip_suffix("_bytes") {
                Some(name) => (name, MeminfoUnit::Kib),
                None => (key, MeminfoUnit::Count),
            };
            if !FIXED_LIST.contains(&name) {
                naming = MeminfoNaming::Dynamic;
            }
            let value = match (unit, sample.integer()) {
                (_, Err(why)) => Err(MeminfoProblem::NotWhole(why)),
                (MeminfoUnit::Kib, Ok(bytes)) if bytes % 1024 != 0 => Err(MeminfoProblem::NotKib),
                (MeminfoUnit::Kib, Ok(bytes)) => Ok(bytes / 1024),
                (MeminfoUnit::Count, Ok(n)) => Ok(n),
            };
            values.push(MeminfoValue {
                key: kernel_key(name),
                unit,
                value,
                sample,
            });
        }
        NodeMeminfo { values, naming }
    }
}

/// The item of `items` with `key`, pushed with `new` the first time the key is seen.
fn entry<'v, K: Hash + Eq, T>(
    items: &'v mut Vec<T>,
    index: &mut HashMap<K, usize>,
    key: K,
    new: impl FnOnce() -> T,
) -> Option<&'v mut T> {
    let i = *index.entry(key).or_insert_with(|| {
        items.push(new());
        items.len() - 1
    });
    items.get_mut(i)
}

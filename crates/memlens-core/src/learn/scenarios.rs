//! Guided scenarios: a node model, the assumptions that go with it, and a short story in steps
//! whose every number is a quantity id in braces.
//!
//! A story never writes a number down: `kubectl prints {kubectl.top_node.memory_text}`. The
//! page fills the braces from the report the scenario's bundle produces
//! ([`super::narrative::render`]), and a test checks that every id names a quantity the report
//! computes, so a story cannot say one thing while the numbers say another.

use serde::Serialize;

use super::model::{
    ContainerModel, Load, NodeModel, Place, PodModel, Reserved, Runtime, Tool, ToolRun,
};
use crate::account::eviction::ThresholdValue;
use crate::account::kubelet::KubeVersion;
use crate::account::procps::ProcpsVersion;
use crate::explain::{self, AssumeError, Settings};
use crate::input::Source;
use crate::parse::cgroup::CgroupVersion;
use crate::quantity::{Format, Quantity};
use crate::report::Report;

/// One step of a story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub title: String,
    /// The text, numbers as `{quantity.id}`.
    pub text: String,
    /// The quantities the page highlights during this step.
    pub highlights: Vec<String>,
}

/// A guided case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// A stable id, used in links.
    pub id: &'static str,
    pub title: &'static str,
    /// One or two sentences: what the case teaches.
    pub summary: &'static str,
    pub model: NodeModel,
    pub steps: Vec<Step>,
    /// `--assume` pairs the bundle is explained with (`procps=3.3.17`).
    pub assumptions: Vec<(String, String)>,
    /// Pasted numbers that legitimately differ from the recomputation: quantity id, and why.
    /// Every other pasted number agrees.
    pub expected_differences: Vec<(String, String)>,
}

impl Scenario {
    /// The paste the scenario stands for: every document of its node.
    pub fn bundle(&self) -> String {
        self.model.bundle()
    }

    /// The settings carrying the scenario's assumptions.
    pub fn settings(&self) -> Result<Settings, AssumeError> {
        let mut settings = Settings::default();
        for (key, value) in &self.assumptions {
            settings.assume.set(key, value)?;
        }
        Ok(settings)
    }

    /// The report of the scenario's bundle under its assumptions.
    pub fn report(&self) -> Result<Report, AssumeError> {
        Ok(explain::explain(
            &[Source::paste(self.bundle())],
            &self.settings()?,
        ))
    }
}

/// Every scenario, in teaching order.
pub fn scenarios() -> Vec<Scenario> {
    vec![
        page_cache(),
        tmpfs(),
        dentry_slab(),
        cgroup_v1(),
        cgroup_v2_old_runc(),
        procps_3_vs_4(),
        percent_of_allocatable(),
        eviction_near(),
        hugepages(),
        free_in_container(),
        zero_mi(),
        top_pod_vs_pod_cgroup(),
    ]
}

/// The scenario with this id.
pub fn scenario(id: &str) -> Option<Scenario> {
    scenarios().into_iter().find(|s| s.id == id)
}

// Quantity ids the stories use.
const CAPACITY: &str = "node.capacity_bytes";
const ALLOCATABLE: &str = "node.allocatable_bytes";
const USAGE: &str = "cadvisor.node.usage_bytes";
const INACTIVE: &str = "cadvisor.node.inactive_file_bytes";
const RSS: &str = "cadvisor.node.rss_bytes";
const CACHE: &str = "cadvisor.node.cache_bytes";
const WS: &str = "kubelet.node.working_set_bytes";
const TOP_MEMORY: &str = "kubectl.top_node.memory_text";
const TOP_PERCENT: &str = "kubectl.top_node.memory_percent_text";
const TOP_PERCENT_CAPACITY: &str = "kubectl.top_node.memory_percent_capacity_text";
const AVAILABLE_SIGNAL: &str = "eviction.memory_available_bytes";
const THRESHOLD: &str = "eviction.hard_threshold_bytes";
const ALLOCATABLE_SIGNAL: &str = "eviction.allocatable_memory_available_bytes";
const USED_V3: &str = "procps.used_bytes.v3";
const USED_V4: &str = "procps.used_bytes.v4";
const TOTAL: &str = "procps.total_bytes";
const FREE: &str = "procps.free_bytes";
const SHARED: &str = "procps.shared_bytes";
const BUFF_CACHE: &str = "procps.buff_cache_bytes";
const AVAILABLE: &str = "procps.available_bytes";
const HTOP_USED: &str = "htop.used_bytes";
const HTOP_METER: &str = "htop.meter_text";

fn step(title: &str, text: impl Into<String>, highlights: &[&str]) -> Step {
    Step {
        title: title.to_string(),
        text: text.into(),
        highlights: highlights.iter().map(|h| h.to_string()).collect(),
    }
}

/// `{id}`, for building texts around ids that depend on the model (cgroup paths).
fn q(id: &str) -> String {
    format!("{{{id}}}")
}

fn cgroup_id(name: &str, field: &str) -> String {
    format!("cadvisor.cgroup.{name}.{field}")
}

const fn mib(n: u64) -> u64 {
    n * 1024
}

const fn gib(n: u64) -> u64 {
    n * 1024 * 1024
}

const fn version(major: u32, minor: u32, patch: u32) -> KubeVersion {
    KubeVersion {
        major,
        minor,
        patch: Some(patch),
    }
}

const UBUNTU_22_04_PROCPS: ProcpsVersion = ProcpsVersion::new(3, 3, 17);
const DEBIAN_12_PROCPS: ProcpsVersion = ProcpsVersion::new(4, 0, 2);
const UBUNTU_24_04_PROCPS: ProcpsVersion = ProcpsVersion::new(4, 0, 4);

fn free_m(procps: ProcpsVersion, place: Place) -> ToolRun {
    ToolRun {
        tool: Tool::Free(vec!["-m".to_string()]),
        procps,
        place,
    }
}

fn top(procps: ProcpsVersion, place: Place) -> ToolRun {
    ToolRun {
        tool: Tool::Top,
        procps,
        place,
    }
}

/// A 16 GiB cgroup v2 node with a current kubelet, procps 3.3.17 on the host; each scenario
/// changes what it is about.
fn base(name: &str) -> NodeModel {
    NodeModel {
        name: name.to_string(),
        mem_total_kib: 16_393_244,
        load: Load {
            anon_kib: gib(3),
            shmem_kib: mib(48),
            active_file_kib: gib(2),
            inactive_file_kib: gib(3),
            slab_reclaimable_kib: mib(400),
            slab_unreclaimable_kib: mib(200),
            kernel_other_kib: mib(300),
        },
        buffers_kib: mib(128),
        hugepages_2mi: 0,
        kubepods_percent: 80,
        reserved: Reserved::default(),
        cgroup: CgroupVersion::V2,
        kubelet: version(1, 30, 2),
        kubectl: version(1, 34, 1),
        runtime: Runtime::Containerd,
        cpu_cores: 4,
        cpu_usage_nanocores: 523_456_789,
        pod: None,
        tools: vec![
            free_m(UBUNTU_22_04_PROCPS, Place::Host),
            top(UBUNTU_22_04_PROCPS, Place::Host),
        ],
        metrics_resource: false,
    }
}

fn container(name: &str, id: &str, load: Load, limit_mib: Option<u64>, cpu: u64) -> ContainerModel {
    ContainerModel {
        name: name.to_string(),
        id: id.to_string(),
        load,
        limit_mib,
        cpu_nanocores: cpu,
    }
}

/// The assumptions that match the model: what the bundle itself cannot always show.
fn assumptions_of(model: &NodeModel) -> Vec<(String, String)> {
    let pair = |k: &str, v: String| (k.to_string(), v);
    let cgroup = match model.cgroup {
        CgroupVersion::V1 => "v1",
        CgroupVersion::V2 => "v2",
    };
    let mut out = vec![
        pair("cgroup", cgroup.to_string()),
        pair(
            "kubelet",
            format!("{}.{}", model.kubelet.major, model.kubelet.minor),
        ),
        pair(
            "kubectl",
            format!("{}.{}", model.kubectl.major, model.kubectl.minor),
        ),
    ];
    let mut versions: Vec<ProcpsVersion> = model.tools.iter().map(|t| t.procps).collect();
    versions.dedup();
    match versions.as_slice() {
        [one] => out.push(pair("procps", one.to_string())),
        [] => {}
        _ => out.push(pair("procps", "all".to_string())),
    }
    if model.reserved.eviction_hard != crate::account::eviction::default_hard_memory_available() {
        out.push(pair(
            "eviction_hard",
            explain::assume::threshold_text(&model.reserved.eviction_hard),
        ));
    }
    out
}

fn scenario_of(
    id: &'static str,
    title: &'static str,
    summary: &'static str,
    model: NodeModel,
    steps: Vec<Step>,
) -> Scenario {
    Scenario {
        id,
        title,
        summary,
        assumptions: assumptions_of(&model),
        model,
        steps,
        expected_differences: Vec::new(),
    }
}

fn page_cache() -> Scenario {
    let mut m = base("db-node-1");
    m.mem_total_kib = 32_857_244;
    m.load = Load {
        anon_kib: gib(5),
        shmem_kib: mib(48),
        active_file_kib: gib(14),
        inactive_file_kib: gib(6),
        slab_reclaimable_kib: mib(600),
        slab_unreclaimable_kib: mib(300),
        kernel_other_kib: mib(400),
    };
    m.buffers_kib = mib(200);
    m.metrics_resource = true;
    let steps = vec![
        step(
            "Two tools, two answers",
            format!(
                "`kubectl top node` prints {} ({} of allocatable). On the same node, procps \
                 3.3.17's `free -m` counts {} as used.",
                q(TOP_MEMORY),
                q(TOP_PERCENT),
                q(USED_V3)
            ),
            &[TOP_MEMORY, TOP_PERCENT, USED_V3],
        ),
        step(
            "The working set keeps active cache",
            format!(
                "The kubelet starts from the root cgroup's usage, anon + file of its memory.stat: \
                 {}. It subtracts the inactive file pages only, {}, and keeps the rest: a working \
                 set of {}. A database that re-reads its files keeps them on the active list, so \
                 they stay in.",
                q(USAGE),
                q(INACTIVE),
                q(WS)
            ),
            &[USAGE, INACTIVE, WS],
        ),
        step(
            "free counts the same pages as cache",
            format!(
                "free puts every page-cache page in buff/cache, {}, whichever list it is on. Its \
                 used is what remains once free pages ({}) and cache are taken out of the total \
                 ({}).",
                q(BUFF_CACHE),
                q(FREE),
                q(TOTAL)
            ),
            &[BUFF_CACHE, FREE, TOTAL, USED_V3],
        ),
        step(
            "In use, but not pinned",
            format!(
                "Active cache is memory the workload touched recently. The kernel reclaims it \
                 after the inactive list, so it is not lost to the node, but the kubelet's \
                 eviction signal counts it: memory.available is capacity minus working set, {}.",
                q(AVAILABLE_SIGNAL)
            ),
            &[AVAILABLE_SIGNAL, WS],
        ),
    ];
    scenario_of(
        "page-cache",
        "A node full of active page cache",
        "A database re-reads its files: the kernel keeps them on the active list, the kubelet \
         counts them in the working set, free counts them as cache.",
        m,
        steps,
    )
}

fn tmpfs() -> Scenario {
    let mut m = base("cache-node-2");
    m.load.shmem_kib = gib(3);
    m.load.active_file_kib = mib(1536);
    m.load.inactive_file_kib = mib(2560);
    let steps = vec![
        step(
            "free calls it shared, and cache",
            format!(
                "free shows {} as shared and counts the same pages again inside buff/cache, {}: \
                 tmpfs and shared memory are page cache (Cached includes Shmem). procps 3.3.17's \
                 used, {}, leaves them out.",
                q(SHARED),
                q(BUFF_CACHE),
                q(USED_V3)
            ),
            &[SHARED, BUFF_CACHE, USED_V3],
        ),
        step(
            "The kubelet counts every page",
            format!(
                "A tmpfs page has no file on disk to be written back to, so the kernel keeps it \
                 on the anon lists, never on the inactive file list. Usage {} minus inactive \
                 file {} leaves all of it in the working set, {}: kubectl top node prints {}.",
                q(USAGE),
                q(INACTIVE),
                q(WS),
                q(TOP_MEMORY)
            ),
            &[USAGE, INACTIVE, WS, TOP_MEMORY],
        ),
        step(
            "procps 4 agrees with the kubelet here",
            format!(
                "MemAvailable, {}, counts only cache on the file lists as reclaimable, so \
                 procps 4's used, total − available = {}, includes the shared memory too.",
                q(AVAILABLE),
                q(USED_V4)
            ),
            &[AVAILABLE, USED_V4],
        ),
        step(
            "Only deleting frees it",
            "Dropping caches does not shrink tmpfs: deleting its files (or the pod that owns a \
             memory-backed emptyDir) does."
                .to_string(),
            &[],
        ),
    ];
    scenario_of(
        "tmpfs-shmem",
        "tmpfs and shared memory",
        "Shared memory is cache to free and working set to the kubelet: it sits on the anon \
         lists, so subtracting inactive file pages never removes it.",
        m,
        steps,
    )
}

fn dentry_slab() -> Scenario {
    let mut m = base("search-node-3");
    m.load.slab_reclaimable_kib = mib(2560);
    m.kubepods_percent = 90;
    m.metrics_resource = true;
    m.tools = vec![free_m(UBUNTU_24_04_PROCPS, Place::Host)];
    let indexer = Load {
        anon_kib: mib(400),
        shmem_kib: 0,
        active_file_kib: mib(150),
        inactive_file_kib: mib(250),
        slab_reclaimable_kib: mib(1536),
        slab_unreclaimable_kib: mib(40),
        kernel_other_kib: mib(32),
    };
    m.pod = Some(PodModel {
        namespace: "search".to_string(),
        name: "indexer-0".to_string(),
        uid: "5c8d2f0e-7a41-4c1b-9e35-2b6f8a0d4c71".to_string(),
        containers: vec![container(
            "indexer",
            "4f1c9a7e2b3d",
            indexer,
            Some(4096),
            250_000_000,
        )],
        leftover: Load::default(),
        mixed_read: false,
    });
    let (pod_dir, dirs) = m.pod_dirs().unwrap_or_default();
    let c = m.cgroup_name(dirs.first().map_or("", String::as_str));
    let pod = m.cgroup_name(&pod_dir);
    let top_pod = "kubectl.top_pod.search/indexer-0.memory_text";
    let steps = vec![
        step(
            "A pod that walks files",
            format!(
                "The indexer stats millions of files. kubectl top pod prints {} for it, while \
                 its processes hold little anonymous memory.",
                q(top_pod)
            ),
            &[top_pod],
        ),
        step(
            "Slab is charged to the cgroup",
            format!(
                "Each file looked up leaves a dentry and an inode in the kernel's slab caches. \
                 On cgroup v2 those objects are charged to the cgroup that created them: the \
                 container's memory.current is {}. Its working set subtracts only inactive file \
                 pages, {}, so the reclaimable slab stays in: {}.",
                q(&cgroup_id(&c, "usage_bytes")),
                q(&cgroup_id(&c, "inactive_file_bytes")),
                q(&cgroup_id(&c, "working_set_bytes"))
            ),
            &[
                &cgroup_id(&c, "usage_bytes"),
                &cgroup_id(&c, "inactive_file_bytes"),
                &cgroup_id(&c, "working_set_bytes"),
            ],
        ),
        step(
            "The kernel can drop it at once",
            format!(
                "Reclaimable slab goes under memory pressure as readily as cache. On the node \
                 it is SReclaimable, which free counts in buff/cache ({}), not in used ({}).",
                q(BUFF_CACHE),
                q(USED_V4)
            ),
            &[BUFF_CACHE, USED_V4],
        ),
        step(
            "Near the limit, it shrinks",
            format!(
                "The pod's limit is {}: as usage nears it, the kernel reclaims dentries before it \
                 would kill anything. A working set close to the limit is not a leak here.",
                q(&cgroup_id(&pod, "limit_bytes"))
            ),
            &[&cgroup_id(&pod, "limit_bytes")],
        ),
    ];
    scenario_of(
        "dentry-slab-pod",
        "A pod full of dentries",
        "Reclaimable slab (dentries, inodes) is charged to the pod's cgroup and stays in its \
         working set, although the kernel can free it at once.",
        m,
        steps,
    )
}

/// The load the cgroup v1 and v2 scenarios share.
fn same_load(name: &str) -> NodeModel {
    let mut m = base(name);
    m.load = Load {
        anon_kib: gib(4),
        shmem_kib: mib(48),
        active_file_kib: mib(2560),
        inactive_file_kib: mib(3584),
        slab_reclaimable_kib: mib(900),
        slab_unreclaimable_kib: mib(600),
        kernel_other_kib: mib(500),
    };
    m.buffers_kib = mib(150);
    m.kubelet = version(1, 28, 9);
    m
}

fn cgroup_v1() -> Scenario {
    let mut m = same_load("v1-node-4");
    m.cgroup = CgroupVersion::V1;
    let steps = vec![
        step(
            "cgroup v1 has a root usage file",
            format!(
                "On cgroup v1 the root has memory.usage_in_bytes: {}. For the root the kernel \
                 reports page cache plus anonymous pages there, total_cache {} + total_rss {}.",
                q(USAGE),
                q(CACHE),
                q(RSS)
            ),
            &[USAGE, CACHE, RSS],
        ),
        step(
            "Working set",
            format!(
                "Minus total_inactive_file, {}, that is a working set of {}: kubectl top node \
                 prints {}.",
                q(INACTIVE),
                q(WS),
                q(TOP_MEMORY)
            ),
            &[INACTIVE, WS, TOP_MEMORY],
        ),
        step(
            "Kernel memory is not in it",
            format!(
                "Slab, kernel stacks and page tables are not page cache or anon pages, so the \
                 root's usage leaves them out. free's used, {}, has them: it is everything but \
                 free pages and cache. Compare the scenario `cgroup-v2-old-runc`: the same load \
                 on cgroup v2.",
                q(USED_V3)
            ),
            &[USED_V3],
        ),
    ];
    scenario_of(
        "cgroup-v1",
        "The same load on cgroup v1",
        "On cgroup v1 the root cgroup's usage is page cache plus anon pages; kernel memory is \
         left out of the node's working set.",
        m,
        steps,
    )
}

fn cgroup_v2_old_runc() -> Scenario {
    let m = same_load("v2-node-5");
    let steps = vec![
        step(
            "The v2 root has no usage file",
            format!(
                "cgroup v2 has no memory.current for the root, so the container library invents \
                 the root's usage. A kubelet built with runc 1.1.8 or older (1.28 and earlier, as \
                 far as known) takes MemTotal − MemFree from /proc/meminfo: {}.",
                q(USAGE)
            ),
            &[USAGE],
        ),
        step(
            "Everything in use counts",
            format!(
                "That includes slab, kernel stacks and page tables, which no cgroup counter \
                 holds. Minus inactive_file, {}, the working set is {} and kubectl top node \
                 prints {}.",
                q(INACTIVE),
                q(WS),
                q(TOP_MEMORY)
            ),
            &[INACTIVE, WS, TOP_MEMORY],
        ),
        step(
            "The same load on v1, or with kubelet 1.29",
            format!(
                "anon + file of the root memory.stat, {} + {}, is what the v1 root's usage \
                 counts (scenario `cgroup-v1`) and what kubelets from 1.29 (runc 1.1.9 and later) \
                 use on v2. The difference is the node's kernel memory: by that much the same \
                 load reads higher on cgroup v2 with an older kubelet.",
                q(RSS),
                q(CACHE)
            ),
            &[RSS, CACHE, USAGE],
        ),
    ];
    scenario_of(
        "cgroup-v2-old-runc",
        "The same load on cgroup v2, kubelet 1.28",
        "On cgroup v2 the root's usage is made up by the container library; before kubelet 1.29 \
         it was MemTotal − MemFree, which adds all kernel memory to the working set.",
        m,
        steps,
    )
}

fn procps_3_vs_4() -> Scenario {
    let mut m = base("mixed-node-6");
    m.load.shmem_kib = mib(512);
    m.tools = vec![
        free_m(UBUNTU_22_04_PROCPS, Place::Host),
        free_m(
            DEBIAN_12_PROCPS,
            Place::Debug {
                image: "debian:12".to_string(),
            },
        ),
    ];
    let steps = vec![
        step(
            "Two free, one node",
            format!(
                "On the host, Ubuntu 22.04's procps 3.3.17 says used {}. In a debug pod on the \
                 same node, Debian 12's procps 4.0.2 reads the same /proc/meminfo and says {}.",
                q(USED_V3),
                q(USED_V4)
            ),
            &[USED_V3, USED_V4],
        ),
        step(
            "procps 3: what is neither free nor cache",
            format!(
                "Up to 4.0.0, used = total − free − buff/cache: {} − {} − {}.",
                q(TOTAL),
                q(FREE),
                q(BUFF_CACHE)
            ),
            &[TOTAL, FREE, BUFF_CACHE, USED_V3],
        ),
        step(
            "procps 4: what is not available",
            format!(
                "From 4.0.1, used = total − available, and available is the kernel's \
                 MemAvailable, {}. The kernel does not count shared memory as available, and \
                 it keeps back part of the cache and a reserve, so procps 4's used is larger. \
                 Its columns no longer add up to the total.",
                q(AVAILABLE)
            ),
            &[AVAILABLE, USED_V4],
        ),
        step(
            "htop",
            format!(
                "htop counts like procps 3, {}, and its meter adds shared memory back: {}.",
                q(HTOP_USED),
                q(HTOP_METER)
            ),
            &[HTOP_USED, HTOP_METER],
        ),
    ];
    scenario_of(
        "procps-3-vs-4",
        "procps 3 against procps 4 on one node",
        "The same /proc/meminfo gives two different `used`: procps 4.0.1 changed it from total − \
         free − buff/cache to total − available.",
        m,
        steps,
    )
}

fn percent_of_allocatable() -> Scenario {
    let mut m = base("small-node-7");
    m.mem_total_kib = 8_152_860;
    m.load = Load {
        anon_kib: mib(3072),
        shmem_kib: mib(32),
        active_file_kib: mib(1280),
        inactive_file_kib: mib(1536),
        slab_reclaimable_kib: mib(250),
        slab_unreclaimable_kib: mib(120),
        kernel_other_kib: mib(180),
    };
    m.buffers_kib = mib(64);
    m.reserved = Reserved {
        system_mib: 1024,
        kube_mib: 1024,
        eviction_hard: ThresholdValue::Quantity(Quantity::new(500 << 20, Format::BinarySI)),
    };
    m.kubepods_percent = 70;
    m.tools = vec![free_m(DEBIAN_12_PROCPS, Place::Host)];
    let kubepods_limit = cgroup_id("/kubepods.slice", "limit_bytes");
    let steps = vec![
        step(
            "kubectl's percent",
            format!(
                "kubectl top node prints {} and {}.",
                q(TOP_MEMORY),
                q(TOP_PERCENT)
            ),
            &[TOP_MEMORY, TOP_PERCENT],
        ),
        step(
            "Of allocatable",
            format!(
                "The percent divides the working set, {}, by allocatable, {}: capacity {} \
                 less system-reserved, kube-reserved and the hard eviction threshold, {}.",
                q(WS),
                q(ALLOCATABLE),
                q(CAPACITY),
                q(THRESHOLD)
            ),
            &[WS, ALLOCATABLE, CAPACITY, THRESHOLD],
        ),
        step(
            "Of capacity",
            format!(
                "`kubectl top node --show-capacity` divides by capacity instead: {}. free's \
                 used, {}, is a share of MemTotal, {}, and counts different pages.",
                q(TOP_PERCENT_CAPACITY),
                q(USED_V4),
                q(TOTAL)
            ),
            &[TOP_PERCENT_CAPACITY, USED_V4, TOTAL],
        ),
        step(
            "The pods' budget",
            format!(
                "Allocatable is what the scheduler hands out to pods. The kubepods cgroup's limit \
                 is capacity less the two reservations, {}, and its own eviction signal, \
                 allocatableMemory.available, is {}.",
                q(&kubepods_limit),
                q(ALLOCATABLE_SIGNAL)
            ),
            &[&kubepods_limit, ALLOCATABLE_SIGNAL],
        ),
    ];
    scenario_of(
        "percent-of-allocatable",
        "Percent of allocatable against percent of total",
        "kubectl top's percent is of allocatable, which reservations shrink; the same working \
         set is a much smaller share of the machine.",
        m,
        steps,
    )
}

fn eviction_near() -> Scenario {
    let mut m = base("busy-node-8");
    m.mem_total_kib = 8_152_860;
    m.load = Load {
        anon_kib: mib(7000),
        shmem_kib: mib(64),
        active_file_kib: mib(700),
        inactive_file_kib: mib(60),
        slab_reclaimable_kib: mib(40),
        slab_unreclaimable_kib: mib(30),
        kernel_other_kib: mib(30),
    };
    m.buffers_kib = mib(8);
    m.kubepods_percent = 85;
    m.tools = vec![free_m(DEBIAN_12_PROCPS, Place::Host)];
    let steps = vec![
        step(
            "The kubelet's signal",
            format!(
                "The kubelet watches memory.available = capacity − working set: {} − {} = {}.",
                q(CAPACITY),
                q(WS),
                q(AVAILABLE_SIGNAL)
            ),
            &[CAPACITY, WS, AVAILABLE_SIGNAL],
        ),
        step(
            "The threshold",
            format!(
                "The hard eviction threshold is {}. Once it exceeds memory.available, the \
                 kubelet evicts pods, starting with those furthest above their requests.",
                q(THRESHOLD)
            ),
            &[THRESHOLD, AVAILABLE_SIGNAL],
        ),
        step(
            "free sees a little more room",
            format!(
                "free says {} available: MemAvailable counts free pages plus the page cache and \
                 reclaimable slab the kernel expects to reclaim, active cache included, while \
                 the kubelet takes out only inactive file pages. Its used is {}.",
                q(AVAILABLE),
                q(USED_V4)
            ),
            &[AVAILABLE, USED_V4],
        ),
        step(
            "kubectl",
            format!(
                "kubectl top node prints {}, {} of allocatable: past 100% would not mean the \
                 node is out of memory, only that it exceeds the pods' budget.",
                q(TOP_MEMORY),
                q(TOP_PERCENT)
            ),
            &[TOP_MEMORY, TOP_PERCENT],
        ),
    ];
    scenario_of(
        "eviction-near",
        "A node near its eviction threshold",
        "memory.available is capacity minus the working set; when it falls under the hard \
         threshold the kubelet starts evicting.",
        m,
        steps,
    )
}

fn hugepages() -> Scenario {
    let mut m = base("dpdk-node-9");
    m.hugepages_2mi = 2048;
    m.load.active_file_kib = mib(1536);
    m.load.inactive_file_kib = mib(2048);
    let steps = vec![
        step(
            "A reserved pool",
            "2048 hugepages of 2 MiB were reserved at boot for a packet-processing pod that is \
             not running yet. They leave the page allocator: MemFree never includes them, and no \
             cgroup is charged until a pod maps them."
                .to_string(),
            &[],
        ),
        step(
            "free counts them as used",
            format!(
                "procps 3.3.17's used, {}, is MemTotal less free pages, buffers and cache, and \
                 the pool is none of those.",
                q(USED_V3)
            ),
            &[USED_V3],
        ),
        step(
            "The kubelet does not",
            format!(
                "The working set, {}, comes from cgroup counters that never saw the pool: \
                 kubectl top node prints {}.",
                q(WS),
                q(TOP_MEMORY)
            ),
            &[WS, TOP_MEMORY],
        ),
        step(
            "Allocatable leaves them out",
            format!(
                "Allocatable subtracts the pool too: {} of a capacity of {}, so the percent, \
                 {}, is of what pods can use as ordinary memory.",
                q(ALLOCATABLE),
                q(CAPACITY),
                q(TOP_PERCENT)
            ),
            &[ALLOCATABLE, CAPACITY, TOP_PERCENT],
        ),
    ];
    scenario_of(
        "hugepages",
        "Reserved hugepages",
        "A hugepage pool is used memory to free and invisible to the cgroup counters behind \
         kubectl top; allocatable subtracts it.",
        m,
        steps,
    )
}

fn free_in_container() -> Scenario {
    let mut m = base("web-node-10");
    m.tools = vec![free_m(DEBIAN_12_PROCPS, Place::Container)];
    let app = Load {
        anon_kib: mib(310),
        shmem_kib: 0,
        active_file_kib: mib(60),
        inactive_file_kib: mib(90),
        slab_reclaimable_kib: mib(12),
        slab_unreclaimable_kib: mib(6),
        kernel_other_kib: mib(8),
    };
    m.pod = Some(PodModel {
        namespace: "shop".to_string(),
        name: "web-0".to_string(),
        uid: "0b7e4d52-3c9a-4e18-a6f2-9d1c5e8b3a47".to_string(),
        containers: vec![container("app", "9a2e61c04d8f", app, Some(512), 85_000_000)],
        leftover: Load::default(),
        mixed_read: false,
    });
    let (_, dirs) = m.pod_dirs().unwrap_or_default();
    let c = m.cgroup_name(dirs.first().map_or("", String::as_str));
    let top_pod = "kubectl.top_pod.shop/web-0.memory_text";
    let steps = vec![
        step(
            "free in the pod",
            format!(
                "`kubectl exec … -- free -m` in the web pod prints a total of {} and used {}: \
                 the node's numbers, not the container's.",
                q(TOTAL),
                q(USED_V4)
            ),
            &[TOTAL, USED_V4],
        ),
        step(
            "Why",
            "free reads /proc/meminfo, which the kernel does not scope to a cgroup: every \
             container sees the host's. (lxcfs can mount a per-container copy; BusyBox free \
             reads sysinfo(2), which nothing scopes.)"
                .to_string(),
            &[],
        ),
        step(
            "The container's own numbers",
            format!(
                "Its cgroup holds {} (memory.current), of which the working set is {}, under a \
                 limit of {}.",
                q(&cgroup_id(&c, "usage_bytes")),
                q(&cgroup_id(&c, "working_set_bytes")),
                q(&cgroup_id(&c, "limit_bytes"))
            ),
            &[
                &cgroup_id(&c, "usage_bytes"),
                &cgroup_id(&c, "working_set_bytes"),
                &cgroup_id(&c, "limit_bytes"),
            ],
        ),
        step(
            "What to use instead",
            format!(
                "Read the cgroup's files, or kubectl top pod, which prints {}.",
                q(top_pod)
            ),
            &[top_pod],
        ),
    ];
    scenario_of(
        "free-in-container",
        "free inside a container shows the host",
        "/proc/meminfo is not per-container: free and top in a pod print the node's memory, \
         whatever the pod's limit.",
        m,
        steps,
    )
}

fn zero_mi() -> Scenario {
    let mut m = base("batch-node-11");
    m.runtime = Runtime::CriO;
    m.metrics_resource = true;
    // TODO: put a host `free` back once the host-view finding can tell a free run on the host
    // from one run in a pod; today any small pasted cgroup beside a free makes it read the free
    // as run inside that cgroup.
    m.tools = Vec::new();
    let report = Load {
        anon_kib: mib(5),
        shmem_kib: 0,
        active_file_kib: mib(1),
        inactive_file_kib: mib(1),
        slab_reclaimable_kib: 512,
        slab_unreclaimable_kib: 256,
        kernel_other_kib: 256,
    };
    m.pod = Some(PodModel {
        namespace: "batch".to_string(),
        name: "report-28571040".to_string(),
        uid: "e1d3b9a2-6f04-47c8-b5de-03a9c7f12e68".to_string(),
        containers: vec![container(
            "report",
            "77c0e8f15a2b",
            report,
            Some(256),
            12_000_000,
        )],
        // The init container `fetch` downloaded the day's input and exited.
        leftover: Load {
            inactive_file_kib: mib(600),
            ..Load::default()
        },
        mixed_read: true,
    });
    let (pod_dir, dirs) = m.pod_dirs().unwrap_or_default();
    let c = m.cgroup_name(dirs.first().map_or("", String::as_str));
    let pod = m.cgroup_name(&pod_dir);
    let mixed = "pasted-1";
    let top_pod = "kubectl.top_pod.batch/report-28571040.memory_text";
    let steps = vec![
        step(
            "A working set of zero",
            format!(
                "The kubelet's /metrics/resource publishes a working set of 0 for the report \
                 container, which kubectl's formula prints as {}.",
                q(top_pod)
            ),
            &[top_pod],
        ),
        step(
            "Two reads, two cgroups",
            format!(
                "The runtime read memory.current in the container's directory, {}, but \
                 memory.stat one level up, in the pod's, where inactive_file is {}: the page \
                 cache the init container left behind. Inactive file pages larger than usage \
                 cannot come from one cgroup; the working set clamps to {}.",
                q(&cgroup_id(mixed, "usage_bytes")),
                q(&cgroup_id(mixed, "inactive_file_bytes")),
                q(&cgroup_id(mixed, "working_set_bytes"))
            ),
            &[
                &cgroup_id(mixed, "usage_bytes"),
                &cgroup_id(mixed, "inactive_file_bytes"),
                &cgroup_id(mixed, "working_set_bytes"),
            ],
        ),
        step(
            "Each cgroup on its own",
            format!(
                "Read from the container alone, the working set is {}; the pod's cgroup, with \
                 the init container's cache, has {} in use and a working set of {}.",
                q(&cgroup_id(&c, "working_set_bytes")),
                q(&cgroup_id(&pod, "usage_bytes")),
                q(&cgroup_id(&pod, "working_set_bytes"))
            ),
            &[
                &cgroup_id(&c, "working_set_bytes"),
                &cgroup_id(&pod, "usage_bytes"),
                &cgroup_id(&pod, "working_set_bytes"),
            ],
        ),
        step(
            "Where the row goes",
            "metrics-server drops a pod whose container reports a zero working set, so a \
             current cluster shows no row for this pod in kubectl top pod (the bundle has none); \
             a pipeline that passes the sample on prints 0Mi."
                .to_string(),
            &[],
        ),
    ];
    scenario_of(
        "inactive-over-usage",
        "inactive_file above usage gives 0Mi",
        "A runtime that reads usage and memory.stat from different cgroups can see more inactive \
         file pages than usage; the working set then clamps to zero.",
        m,
        steps,
    )
}

fn top_pod_vs_pod_cgroup() -> Scenario {
    let mut m = base("etl-node-12");
    m.kubepods_percent = 85;
    m.metrics_resource = true;
    // No `free` here, as in `inactive-over-usage`.
    m.tools = Vec::new();
    let app = Load {
        anon_kib: mib(900),
        shmem_kib: 0,
        active_file_kib: mib(200),
        inactive_file_kib: mib(300),
        slab_reclaimable_kib: mib(20),
        slab_unreclaimable_kib: mib(10),
        kernel_other_kib: mib(20),
    };
    let sidecar = Load {
        anon_kib: mib(60),
        shmem_kib: 0,
        active_file_kib: mib(8),
        inactive_file_kib: mib(12),
        slab_reclaimable_kib: mib(2),
        slab_unreclaimable_kib: mib(1),
        kernel_other_kib: mib(2),
    };
    m.pod = Some(PodModel {
        namespace: "data".to_string(),
        name: "etl-0".to_string(),
        uid: "a4f09c3e-2b71-4d5a-8e6c-1f3b7d9e0c25".to_string(),
        containers: vec![
            container("app", "3b8e0d6a1f47", app, Some(2048), 640_000_000),
            container(
                "log-shipper",
                "c5a2f9e7b013",
                sidecar,
                Some(256),
                15_000_000,
            ),
        ],
        // The init container `fetch` read its input twice before exiting: active cache.
        leftover: Load {
            active_file_kib: mib(700),
            inactive_file_kib: mib(300),
            ..Load::default()
        },
        mixed_read: false,
    });
    let (pod_dir, _) = m.pod_dirs().unwrap_or_default();
    let pod = m.cgroup_name(&pod_dir);
    let top_pod = "kubectl.top_pod.data/etl-0.memory_text";
    let steps = vec![
        step(
            "kubectl top pod",
            format!(
                "kubectl top pod prints {} for etl-0: the sum of its containers' working sets, \
                 as metrics-server serves them.",
                q(top_pod)
            ),
            &[top_pod],
        ),
        step(
            "The pod's cgroup",
            format!(
                "The pod's own cgroup, the parent of both containers, has {} in use and a \
                 working set of {}.",
                q(&cgroup_id(&pod, "usage_bytes")),
                q(&cgroup_id(&pod, "working_set_bytes"))
            ),
            &[
                &cgroup_id(&pod, "usage_bytes"),
                &cgroup_id(&pod, "working_set_bytes"),
            ],
        ),
        step(
            "Charged to no running container",
            "The init container `fetch` read its input twice before it exited. Its page cache \
             stays charged to the pod's cgroup, on the active list, and belongs to no container \
             that kubectl top pod adds up."
                .to_string(),
            &[],
        ),
        step(
            "Why it matters",
            format!(
                "The pod's limit, {}, applies to the whole cgroup, init containers' cache \
                 included: the pod is closer to it than kubectl top pod suggests, although the \
                 kernel reclaims that cache before it kills anything.",
                q(&cgroup_id(&pod, "limit_bytes"))
            ),
            &[&cgroup_id(&pod, "limit_bytes")],
        ),
    ];
    scenario_of(
        "top-pod-vs-pod-cgroup",
        "kubectl top pod against the pod cgroup",
        "kubectl top pod adds up container working sets; the pod's cgroup also holds what exited \
         init containers left behind.",
        m,
        steps,
    )
}

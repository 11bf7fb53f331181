//! A small model of one node, and every document it implies.
//!
//! A [`NodeModel`] holds the few numbers that define a node's memory: how much is anonymous,
//! shared (tmpfs), page cache on each LRU list, slab, other kernel memory and hugepages, what
//! share of it the pods hold, the kubelet's reservations, and which versions of the kubelet,
//! kubectl and procps look at it. From those numbers it writes every document memlens reads —
//! `/proc/meminfo`, the root and kubepods cgroups' files, a pod's cgroup files, the node object,
//! the kubelet's summary and `/metrics/resource`, the metrics API, `kubectl top`, `free` and
//! `top` — so that they agree with each other to the byte.
//!
//! The tools' own outputs (`/stats/summary`'s numbers, the `/metrics/resource` samples, the
//! metrics API's quantities, the `kubectl top`, `free` and `top` text) are never written by
//! hand: they come from the core's accounting ([`crate::account`]), the same code that later
//! explains them, so a pasted number and its recomputation cannot drift apart.
//!
//! Sizes are KiB, the unit of `/proc/meminfo`, and whole pages (multiples of 4 KiB); cgroup
//! files get them ×1024, in bytes. How the model splits a total into the kernel's finer
//! counters (active and inactive anon, kernel stacks and page tables, mapped and dirty pages)
//! is a fixed, plausible rule, not a measurement: it is the same for every cgroup, so the
//! documents stay consistent with each other.

use serde::Serialize;
use serde_json::{Value, json};

use crate::account::cadvisor::{self, Cgroup};
use crate::account::eviction::{self, Reservations, ThresholdValue};
use crate::account::kubectl::{self, NodeOptions, PodOptions, SortBy};
use crate::account::kubelet::{self, KubeVersion};
use crate::account::procps::{self, FreeFlags, ProcpsVersion};
use crate::account::{MemInfoKib, metrics_server};
use crate::input::Kind;
use crate::parse::cgroup::CgroupVersion;
use crate::quantity::{Format, Quantity};

/// One page, in KiB.
pub const PAGE_KIB: u64 = 4;

/// The size of the model's hugepages, in KiB (the x86-64 default, 2 MiB).
pub const HUGEPAGE_KIB: u64 = 2048;

/// When every sample in the bundle was taken (ms since the epoch): 2024-07-01T09:30:12Z.
const SAMPLE_MS: i64 = 1_719_826_212_000;
const SAMPLE_TIME: &str = "2024-07-01T09:30:12Z";

/// The three lines `top -b` prints above its memory summary, for a realistic frame.
const TOP_FRAME: &str = "\
top - 09:30:12 up 12 days,  3:04,  0 users,  load average: 0.42, 0.38, 0.35
Tasks: 231 total,   1 running, 230 sleeping,   0 stopped,   0 zombie
%Cpu(s):  3.1 us,  1.0 sy,  0.0 ni, 95.6 id,  0.2 wa,  0.0 hi,  0.1 si,  0.0 st
";

/// What `/proc/sys/vm/overcommit_ratio` is by default: `CommitLimit` is this percent of RAM.
const OVERCOMMIT_RATIO: u64 = 50;

/// `VmallocTotal` on x86-64 with 4-level page tables: a constant of the address space.
const VMALLOC_TOTAL_KIB: u64 = 34_359_738_367;

/// What the kernel prints for an unlimited v1 `hierarchical_memory_limit`.
const V1_UNLIMITED: u64 = 9_223_372_036_854_771_712;

fn page(kib: u64) -> u64 {
    kib / PAGE_KIB * PAGE_KIB
}

fn bytes(kib: u64) -> u64 {
    kib.saturating_mul(1024)
}

/// Memory charged to one cgroup (or held by the whole node), in KiB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Load {
    /// Anonymous pages mapped by processes (`AnonPages`, `anon`).
    pub anon_kib: u64,
    /// tmpfs, SysV and shared anonymous memory (`Shmem`, `shmem`): file pages on the anon lists.
    pub shmem_kib: u64,
    /// Page cache on the active file list (`Active(file)`, `active_file`).
    pub active_file_kib: u64,
    /// Page cache on the inactive file list (`Inactive(file)`, `inactive_file`).
    pub inactive_file_kib: u64,
    /// Slab the kernel can drop at once: dentries, inodes (`SReclaimable`, `slab_reclaimable`).
    pub slab_reclaimable_kib: u64,
    /// Slab in use (`SUnreclaim`, `slab_unreclaimable`).
    pub slab_unreclaimable_kib: u64,
    /// Kernel stacks, page tables, per-CPU data and vmalloc, split by [`KernelParts`].
    pub kernel_other_kib: u64,
}

impl Load {
    fn fields(&self) -> [u64; 7] {
        [
            self.anon_kib,
            self.shmem_kib,
            self.active_file_kib,
            self.inactive_file_kib,
            self.slab_reclaimable_kib,
            self.slab_unreclaimable_kib,
            self.kernel_other_kib,
        ]
    }

    fn from_fields(f: [u64; 7]) -> Load {
        let [a, s, af, inf, sr, su, k] = f;
        Load {
            anon_kib: a,
            shmem_kib: s,
            active_file_kib: af,
            inactive_file_kib: inf,
            slab_reclaimable_kib: sr,
            slab_unreclaimable_kib: su,
            kernel_other_kib: k,
        }
    }

    fn zip(&self, other: &Load, f: impl Fn(u64, u64) -> u64) -> Load {
        let (a, b) = (self.fields(), other.fields());
        let mut out = [0; 7];
        for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
            *o = f(x, y);
        }
        Load::from_fields(out)
    }

    pub fn plus(&self, other: &Load) -> Load {
        self.zip(other, u64::saturating_add)
    }

    /// Each field minus the other's, at least 0.
    pub fn minus(&self, other: &Load) -> Load {
        self.zip(other, u64::saturating_sub)
    }

    /// `percent` of each field, rounded down to whole pages.
    pub fn share(&self, percent: u64) -> Load {
        let f = self.fields().map(|v| page(v.saturating_mul(percent) / 100));
        Load::from_fields(f)
    }

    /// Whether every field fits in the other's.
    pub fn fits_in(&self, other: &Load) -> bool {
        self.fields()
            .iter()
            .zip(other.fields())
            .all(|(mine, theirs)| *mine <= theirs)
    }

    /// Whether every field is a whole number of pages.
    fn page_aligned(&self) -> bool {
        self.fields().iter().all(|v| v.is_multiple_of(PAGE_KIB))
    }

    /// All file pages: both file lists and shared memory (`file` of `memory.stat`).
    pub fn file_kib(&self) -> u64 {
        self.active_file_kib
            .saturating_add(self.inactive_file_kib)
            .saturating_add(self.shmem_kib)
    }

    pub fn slab_kib(&self) -> u64 {
        self.slab_reclaimable_kib
            .saturating_add(self.slab_unreclaimable_kib)
    }

    /// Everything the load holds.
    pub fn total_kib(&self) -> u64 {
        self.anon_kib
            .saturating_add(self.file_kib())
            .saturating_add(self.slab_kib())
            .saturating_add(self.kernel_other_kib)
    }
}

/// How the model splits "other kernel memory": a quarter kernel stacks, a quarter page tables,
/// an eighth per-CPU data, the rest vmalloc.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KernelParts {
    pub kernel_stack_kib: u64,
    pub pagetables_kib: u64,
    pub percpu_kib: u64,
    pub vmalloc_kib: u64,
}

impl KernelParts {
    pub fn of(kernel_other_kib: u64) -> KernelParts {
        let kernel_stack_kib = page(kernel_other_kib / 4);
        let pagetables_kib = page(kernel_other_kib / 4);
        let percpu_kib = page(kernel_other_kib / 8);
        KernelParts {
            kernel_stack_kib,
            pagetables_kib,
            percpu_kib,
            vmalloc_kib: kernel_other_kib
                .saturating_sub(kernel_stack_kib + pagetables_kib + percpu_kib),
        }
    }
}

/// The counters of one load as the kernel keeps them, in bytes; the finer splits follow one
/// fixed rule (an eighth of anon pages inactive, a quarter of active cache mapped, a
/// sixty-fourth of inactive cache dirty) so every cgroup splits alike.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counters {
    anon: u64,
    file: u64,
    kernel: u64,
    kernel_stack: u64,
    pagetables: u64,
    percpu: u64,
    vmalloc: u64,
    shmem: u64,
    file_mapped: u64,
    file_dirty: u64,
    inactive_anon: u64,
    active_anon: u64,
    inactive_file: u64,
    active_file: u64,
    slab_reclaimable: u64,
    slab_unreclaimable: u64,
    pgfault: u64,
    pgmajfault: u64,
}

impl Counters {
    fn of(load: &Load) -> Counters {
        let parts = KernelParts::of(load.kernel_other_kib);
        let inactive_anon_only = page(load.anon_kib / 8);
        // Event counters: plausible multiples of the pages the load touched.
        let anon_pages = load.anon_kib.saturating_add(load.shmem_kib) / PAGE_KIB;
        let file_pages = load.active_file_kib.saturating_add(load.inactive_file_kib) / PAGE_KIB;
        Counters {
            anon: bytes(load.anon_kib),
            file: bytes(load.file_kib()),
            kernel: bytes(load.slab_kib().saturating_add(load.kernel_other_kib)),
            kernel_stack: bytes(parts.kernel_stack_kib),
            pagetables: bytes(parts.pagetables_kib),
            percpu: bytes(parts.percpu_kib),
            vmalloc: bytes(parts.vmalloc_kib),
            shmem: bytes(load.shmem_kib),
            file_mapped: bytes(page(load.active_file_kib / 4)),
            file_dirty: bytes(page(load.inactive_file_kib / 64)),
            inactive_anon: bytes(inactive_anon_only.saturating_add(load.shmem_kib)),
            active_anon: bytes(load.anon_kib - inactive_anon_only),
            inactive_file: bytes(load.inactive_file_kib),
            active_file: bytes(load.active_file_kib),
            slab_reclaimable: bytes(load.slab_reclaimable_kib),
            slab_unreclaimable: bytes(load.slab_unreclaimable_kib),
            pgfault: anon_pages
                .saturating_mul(3)
                .saturating_add(file_pages)
                .saturating_add(1000),
            pgmajfault: file_pages / 32 + 10,
        }
    }

    fn minus(&self, o: &Counters) -> Counters {
        let s = |a: u64, b: u64| a.saturating_sub(b);
        Counters {
            anon: s(self.anon, o.anon),
            file: s(self.file, o.file),
            kernel: s(self.kernel, o.kernel),
            kernel_stack: s(self.kernel_stack, o.kernel_stack),
            pagetables: s(self.pagetables, o.pagetables),
            percpu: s(self.percpu, o.percpu),
            vmalloc: s(self.vmalloc, o.vmalloc),
            shmem: s(self.shmem, o.shmem),
            file_mapped: s(self.file_mapped, o.file_mapped),
            file_dirty: s(self.file_dirty, o.file_dirty),
            inactive_anon: s(self.inactive_anon, o.inactive_anon),
            active_anon: s(self.active_anon, o.active_anon),
            inactive_file: s(self.inactive_file, o.inactive_file),
            active_file: s(self.active_file, o.active_file),
            slab_reclaimable: s(self.slab_reclaimable, o.slab_reclaimable),
            slab_unreclaimable: s(self.slab_unreclaimable, o.slab_unreclaimable),
            pgfault: s(self.pgfault, o.pgfault),
            pgmajfault: s(self.pgmajfault, o.pgmajfault),
        }
    }

    /// `memory.current` of a non-root cgroup v2: every charged page, kernel memory included
    /// (the model has no socket buffers).
    fn current_v2(&self) -> u64 {
        self.anon
            .saturating_add(self.file)
            .saturating_add(self.kernel)
    }

    /// cgroup v2 `memory.stat`, keys in the kernel's order (mm/memcontrol.c `memory_stat_format`).
    fn stat_v2(&self) -> Vec<(&'static str, u64)> {
        vec![
            ("anon", self.anon),
            ("file", self.file),
            ("kernel", self.kernel),
            ("kernel_stack", self.kernel_stack),
            ("pagetables", self.pagetables),
            ("sec_pagetables", 0),
            ("percpu", self.percpu),
            ("sock", 0),
            ("vmalloc", self.vmalloc),
            ("shmem", self.shmem),
            ("zswap", 0),
            ("zswapped", 0),
            ("file_mapped", self.file_mapped),
            ("file_dirty", self.file_dirty),
            ("file_writeback", 0),
            ("swapcached", 0),
            ("anon_thp", 0),
            ("file_thp", 0),
            ("shmem_thp", 0),
            ("inactive_anon", self.inactive_anon),
            ("active_anon", self.active_anon),
            ("inactive_file", self.inactive_file),
            ("active_file", self.active_file),
            ("unevictable", 0),
            ("slab_reclaimable", self.slab_reclaimable),
            ("slab_unreclaimable", self.slab_unreclaimable),
            (
                "slab",
                self.slab_reclaimable
                    .saturating_add(self.slab_unreclaimable),
            ),
            ("workingset_refault_anon", 0),
            ("workingset_refault_file", self.pgmajfault / 2),
            ("workingset_activate_anon", 0),
            ("workingset_activate_file", self.pgmajfault / 4),
            ("workingset_restore_anon", 0),
            ("workingset_restore_file", self.pgmajfault / 8),
            ("workingset_nodereclaim", 0),
            ("pgscan", 0),
            ("pgsteal", 0),
            ("pgfault", self.pgfault),
            ("pgmajfault", self.pgmajfault),
            ("pgrefill", 0),
            ("pgactivate", self.active_file / 4096),
            ("pgdeactivate", 0),
            ("pglazyfree", 0),
            ("pglazyfreed", 0),
            ("thp_fault_alloc", 0),
            ("thp_collapse_alloc", 0),
        ]
    }

    /// The v1 keys of one scope, unprefixed (mm/memcontrol-v1.c `memcg1_stat_format`).
    fn v1_keys(&self) -> Vec<(&'static str, u64)> {
        let pages = self.anon.saturating_add(self.file) / 4096;
        vec![
            ("cache", self.file),
            ("rss", self.anon),
            ("rss_huge", 0),
            ("shmem", self.shmem),
            ("mapped_file", self.file_mapped),
            ("dirty", self.file_dirty),
            ("writeback", 0),
            ("pgpgin", pages.saturating_mul(2)),
            ("pgpgout", pages),
            ("pgfault", self.pgfault),
            ("pgmajfault", self.pgmajfault),
            ("inactive_anon", self.inactive_anon),
            ("active_anon", self.active_anon),
            ("inactive_file", self.inactive_file),
            ("active_file", self.active_file),
            ("unevictable", 0),
        ]
    }

    /// `memory.usage_in_bytes` of a non-root v1 cgroup: pages plus kernel memory, which v1
    /// charges to the same counter.
    fn usage_v1(&self) -> u64 {
        self.anon
            .saturating_add(self.file)
            .saturating_add(self.kernel)
    }
}

/// Who holds a cgroup's pages, for v1's local keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// Its own tasks (a container): the local keys are the hierarchical ones.
    Tasks,
    /// Its children only (kubepods, a pod): the local keys are 0.
    Children,
}

/// cgroup v1 `memory.stat`: the local keys, the limit, then the hierarchical `total_*` keys.
fn stat_v1(local: &Counters, total: &Counters, limit: u64) -> Vec<(String, u64)> {
    let mut lines: Vec<(String, u64)> = local
        .v1_keys()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    lines.push(("hierarchical_memory_limit".to_string(), limit));
    lines.extend(
        total
            .v1_keys()
            .into_iter()
            .map(|(k, v)| (format!("total_{k}"), v)),
    );
    lines
}

/// The memory the kubelet holds back from pods.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Reserved {
    /// `--system-reserved memory=…`, MiB.
    pub system_mib: u64,
    /// `--kube-reserved memory=…`, MiB.
    pub kube_mib: u64,
    /// `--eviction-hard memory.available<…`.
    pub eviction_hard: ThresholdValue,
}

impl Default for Reserved {
    fn default() -> Self {
        Reserved {
            system_mib: 0,
            kube_mib: 0,
            eviction_hard: eviction::default_hard_memory_available(),
        }
    }
}

/// The container runtime: it names the container scopes and, in one scenario, misreads them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Runtime {
    #[default]
    Containerd,
    CriO,
}

impl Runtime {
    fn scope_prefix(self) -> &'static str {
        match self {
            Runtime::Containerd => "cri-containerd-",
            Runtime::CriO => "crio-",
        }
    }

    fn version(self) -> &'static str {
        match self {
            Runtime::Containerd => "containerd://1.7.13",
            Runtime::CriO => "cri-o://1.25.3",
        }
    }
}

/// One container of the model's pod.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContainerModel {
    pub name: String,
    /// The runtime's id (the cgroup scope name's tail).
    pub id: String,
    pub load: Load,
    /// `resources.limits.memory`, MiB.
    pub limit_mib: Option<u64>,
    /// CPU use as metrics-server serves it, nanocores.
    pub cpu_nanocores: u64,
}

/// A pod on the node, with its containers and what its cgroup holds beyond them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PodModel {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub containers: Vec<ContainerModel>,
    /// Charged to the pod's cgroup but to no running container: typically page cache left by
    /// init containers that have exited.
    pub leftover: Load,
    /// The runtime read `memory.current` in the first container's cgroup but `memory.stat` one
    /// level up, in the pod's; the bundle repeats those two reads without their directories.
    pub mixed_read: bool,
}

impl PodModel {
    /// Everything the pod's cgroup holds.
    pub fn load(&self) -> Load {
        self.containers
            .iter()
            .fold(self.leftover, |sum, c| sum.plus(&c.load))
    }

    /// The pod cgroup's limit: the sum of its containers' limits when every one has a limit.
    pub fn limit_mib(&self) -> Option<u64> {
        self.containers
            .iter()
            .try_fold(0u64, |sum, c| Some(sum.saturating_add(c.limit_mib?)))
    }
}

/// Where a `free` or `top` ran.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// On the node itself.
    Host,
    /// In a `kubectl debug node/…` pod (its image's procps, the host's `/proc/meminfo`).
    Debug { image: String },
    /// Inside the model pod's first container (`kubectl exec`).
    Container,
}

/// Which procps tool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tool {
    /// `free` with these arguments.
    Free(Vec<String>),
    /// `top -b -n1`, its summary lines.
    Top,
}

/// One run of `free` or `top`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ToolRun {
    pub tool: Tool,
    pub procps: ProcpsVersion,
    pub place: Place,
}

/// The numbers that define a node, and the tools that look at it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeModel {
    pub name: String,
    /// `MemTotal`, KiB.
    pub mem_total_kib: u64,
    /// Everything the node's memory holds besides free pages, hugepages and buffers' share.
    pub load: Load,
    /// Block-device page cache (`Buffers`): part of `load.active_file_kib`, never in a pod.
    pub buffers_kib: u64,
    /// Reserved 2 MiB hugepages (all free: reserved, not used).
    pub hugepages_2mi: u64,
    /// The share (percent) of the node's anon, file, slab and kernel memory charged to
    /// `kubepods`; the pod, when there is one, is part of it.
    pub kubepods_percent: u64,
    pub reserved: Reserved,
    pub cgroup: CgroupVersion,
    pub kubelet: KubeVersion,
    pub kubectl: KubeVersion,
    pub runtime: Runtime,
    pub cpu_cores: u64,
    /// The node's CPU use as metrics-server serves it, nanocores.
    pub cpu_usage_nanocores: u64,
    pub pod: Option<PodModel>,
    /// `free` and `top` runs, in the order they appear.
    pub tools: Vec<ToolRun>,
    /// Whether the bundle has the kubelet's `/metrics/resource`.
    pub metrics_resource: bool,
}

/// One `/proc/meminfo` line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MeminfoLine {
    pub key: &'static str,
    pub value: u64,
    /// `kB` lines; the `HugePages_*` lines are counts.
    pub kib: bool,
}

/// One document of a bundle: how it is introduced, its text, and the kind memlens must give it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GeneratedDoc {
    /// `Some(path)` for a `==> path <==` header.
    pub path: Option<String>,
    /// `Some(command)` for a `$ command` line.
    pub command: Option<String>,
    pub text: String,
    pub kind: Kind,
}

impl GeneratedDoc {
    fn file(path: String, text: String, kind: Kind) -> GeneratedDoc {
        GeneratedDoc {
            path: Some(path),
            command: None,
            text,
            kind,
        }
    }

    fn command(command: String, text: String, kind: Kind) -> GeneratedDoc {
        GeneratedDoc {
            path: None,
            command: Some(command),
            text,
            kind,
        }
    }
}

/// The kernel's memory watermarks as the model picks them, KiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Watermarks {
    /// `vm.min_free_kbytes`: `√(16 × MemTotal)`, within 128 KiB … 256 MiB, as the kernel
    /// sizes it at boot (mm/page_alloc.c `calculate_min_free_kbytes`).
    pub min_kib: u64,
    /// `min + max(min / 4, MemTotal × 0.1%)` (the default `watermark_scale_factor` of 10).
    pub low_kib: u64,
    /// `min + 2 × (low − min)`; the model's `totalreserve_pages` (lowmem reserves left out).
    pub high_kib: u64,
}

impl NodeModel {
    /// Hugepage pool size, KiB (`Hugetlb`).
    pub fn hugetlb_kib(&self) -> u64 {
        self.hugepages_2mi.saturating_mul(HUGEPAGE_KIB)
    }

    /// Pages neither in use nor reserved: `MemFree`.
    pub fn mem_free_kib(&self) -> u64 {
        self.mem_total_kib
            .saturating_sub(self.load.total_kib())
            .saturating_sub(self.hugetlb_kib())
    }

    pub fn watermarks(&self) -> Watermarks {
        let min_kib = self
            .mem_total_kib
            .saturating_mul(16)
            .isqrt()
            .clamp(128, 262_144);
        let step = (min_kib / 4).max(self.mem_total_kib / 1000);
        Watermarks {
            min_kib,
            low_kib: min_kib + step,
            high_kib: min_kib + 2 * step,
        }
    }

    /// `MemAvailable` as the kernel estimates it (mm/show_mem.c `si_mem_available`, in pages):
    /// free pages above the reserve, plus page cache and reclaimable slab, each less the
    /// smaller of its half and the low watermark.
    pub fn mem_available_kib(&self) -> u64 {
        let w = self.watermarks();
        let pages = |kib: u64| (kib / PAGE_KIB) as i128;
        let low = pages(w.low_kib);
        let mut available = pages(self.mem_free_kib()) - pages(w.high_kib);
        let pagecache = pages(self.load.active_file_kib) + pages(self.load.inactive_file_kib);
        available += pagecache - (pagecache / 2).min(low);
        let reclaimable = pages(self.load.slab_reclaimable_kib);
        available += reclaimable - (reclaimable / 2).min(low);
        u64::try_from(available.max(0)).unwrap_or(0) * PAGE_KIB
    }

    /// The kubepods cgroup's charge: the pods' share of the node, buffers left out.
    pub fn kubepods_load(&self) -> Load {
        let mut without_buffers = self.load;
        without_buffers.active_file_kib = without_buffers
            .active_file_kib
            .saturating_sub(self.buffers_kib);
        without_buffers.share(self.kubepods_percent)
    }

    /// What is wrong with the model, if anything: parts that do not fit, sizes that are not
    /// whole pages.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let held = self.load.total_kib().saturating_add(self.hugetlb_kib());
        if held > self.mem_total_kib {
            problems.push(format!(
                "the parts add up to {held} KiB, more than MemTotal {} KiB",
                self.mem_total_kib
            ));
        }
        if !self.mem_total_kib.is_multiple_of(PAGE_KIB)
            || !self.load.page_aligned()
            || !self.buffers_kib.is_multiple_of(PAGE_KIB)
        {
            problems.push("a size is not a whole number of 4 KiB pages".to_string());
        }
        if self.buffers_kib > self.load.active_file_kib {
            problems.push("Buffers is larger than Active(file), which holds it".to_string());
        }
        if self.kubepods_percent > 100 {
            problems.push("the kubepods share is over 100%".to_string());
        }
        if let Some(pod) = &self.pod {
            if !pod.load().fits_in(&self.kubepods_load()) {
                problems.push(format!(
                    "pod {}/{} holds more than kubepods",
                    pod.namespace, pod.name
                ));
            }
            if pod.containers.is_empty() {
                problems.push("the pod has no container".to_string());
            }
            if pod.containers.iter().any(|c| !c.load.page_aligned()) || !pod.leftover.page_aligned()
            {
                problems.push("a pod size is not a whole number of pages".to_string());
            }
        }
        if self.allocatable().is_none() {
            problems.push("the reservations leave no allocatable memory".to_string());
        }
        problems
    }

    /// Every `/proc/meminfo` line, in the kernel's order (fs/proc/meminfo.c, 6.x on x86-64).
    pub fn meminfo(&self) -> Vec<MeminfoLine> {
        let n = Counters::of(&self.load);
        let kib = |b: u64| b / 1024;
        let l = &self.load;
        let parts = KernelParts::of(l.kernel_other_kib);
        let cached = l
            .active_file_kib
            .saturating_add(l.inactive_file_kib)
            .saturating_sub(self.buffers_kib)
            .saturating_add(l.shmem_kib);
        let active = kib(n.active_anon).saturating_add(l.active_file_kib);
        let inactive = kib(n.inactive_anon).saturating_add(l.inactive_file_kib);
        // mm/util.c vm_commit_limit, in pages: (RAM − hugepages) × ratio / 100 (+ swap, none).
        let ram_pages = self.mem_total_kib.saturating_sub(self.hugetlb_kib()) / PAGE_KIB;
        let commit_limit =
            u64::try_from(u128::from(ram_pages) * u128::from(OVERCOMMIT_RATIO) / 100)
                .unwrap_or(u64::MAX)
                .saturating_mul(PAGE_KIB);
        let committed = page(
            l.anon_kib
                .saturating_add(l.anon_kib / 2)
                .saturating_add(l.shmem_kib),
        );
        // The direct map covers RAM in 4 KiB, 2 MiB and 1 GiB pieces; it describes page
        // tables, not use, and covers a little more than MemTotal.
        let direct_4k = 180_224;
        let direct_2m = self
            .mem_total_kib
            .saturating_add(262_144 - direct_4k)
            .div_ceil(2048)
            .saturating_mul(2048);
        let line = |key, value| MeminfoLine {
            key,
            value,
            kib: true,
        };
        let count = |key, value| MeminfoLine {
            key,
            value,
            kib: false,
        };
        vec![
            line("MemTotal", self.mem_total_kib),
            line("MemFree", self.mem_free_kib()),
            line("MemAvailable", self.mem_available_kib()),
            line("Buffers", self.buffers_kib),
            line("Cached", cached),
            line("SwapCached", 0),
            line("Active", active),
            line("Inactive", inactive),
            line("Active(anon)", kib(n.active_anon)),
            line("Inactive(anon)", kib(n.inactive_anon)),
            line("Active(file)", l.active_file_kib),
            line("Inactive(file)", l.inactive_file_kib),
            line("Unevictable", 0),
            line("Mlocked", 0),
            line("SwapTotal", 0),
            line("SwapFree", 0),
            line("Zswap", 0),
            line("Zswapped", 0),
            line("Dirty", kib(n.file_dirty)),
            line("Writeback", 0),
            line("AnonPages", l.anon_kib),
            line("Mapped", kib(n.file_mapped)),
            line("Shmem", l.shmem_kib),
            line("KReclaimable", l.slab_reclaimable_kib),
            line("Slab", l.slab_kib()),
            line("SReclaimable", l.slab_reclaimable_kib),
            line("SUnreclaim", l.slab_unreclaimable_kib),
            line("KernelStack", parts.kernel_stack_kib),
            line("PageTables", parts.pagetables_kib),
            line("SecPageTables", 0),
            line("NFS_Unstable", 0),
            line("Bounce", 0),
            line("WritebackTmp", 0),
            line("CommitLimit", commit_limit),
            line("Committed_AS", committed),
            line("VmallocTotal", VMALLOC_TOTAL_KIB),
            line("VmallocUsed", parts.vmalloc_kib),
            line("VmallocChunk", 0),
            line("Percpu", parts.percpu_kib),
            line("HardwareCorrupted", 0),
            line("AnonHugePages", 0),
            line("ShmemHugePages", 0),
            line("ShmemPmdMapped", 0),
            line("FileHugePages", 0),
            line("FilePmdMapped", 0),
            count("HugePages_Total", self.hugepages_2mi),
            count("HugePages_Free", self.hugepages_2mi),
            count("HugePages_Rsvd", 0),
            count("HugePages_Surp", 0),
            line("Hugepagesize", HUGEPAGE_KIB),
            line("Hugetlb", self.hugetlb_kib()),
            line("DirectMap4k", direct_4k),
            line("DirectMap2M", direct_2m),
            line("DirectMap1G", 0),
        ]
    }

    /// `/proc/meminfo` as the kernel prints it: the key and colon padded to 16 columns, the
    /// value right-aligned in 8 (`show_val_kb`).
    pub fn meminfo_text(&self) -> String {
        let mut text = String::new();
        for l in self.meminfo() {
            let key = format!("{}:", l.key);
            if l.key == "HardwareCorrupted" {
                text.push_str(&format!("{key} {:>5} kB\n", l.value));
            } else if l.kib {
                text.push_str(&format!("{key:<16}{:>8} kB\n", l.value));
            } else {
                text.push_str(&format!("{key:<16}{:>8}\n", l.value));
            }
        }
        text
    }

    /// The record procps, htop and the rest read from this meminfo.
    pub fn mem_info_kib(&self) -> MemInfoKib {
        let lines = self.meminfo();
        MemInfoKib::from_pairs(lines.iter().map(|l| (l.key, l.value)))
    }

    fn meminfo_lookup(&self) -> Vec<(&'static str, u64)> {
        self.meminfo().iter().map(|l| (l.key, l.value)).collect()
    }

    /// `status.capacity.memory`: `MemTotal` KiB as a quantity.
    pub fn capacity(&self) -> Quantity {
        Quantity::new(
            i64::try_from(bytes(self.mem_total_kib)).unwrap_or(i64::MAX),
            Format::BinarySI,
        )
    }

    fn hugepage_capacity(&self) -> Quantity {
        Quantity::new(
            i64::try_from(bytes(self.hugetlb_kib())).unwrap_or(i64::MAX),
            Format::BinarySI,
        )
    }

    /// The reservations as the kubelet holds them.
    pub fn reservations(&self) -> Reservations {
        let mib = |m: u64| {
            (m > 0).then(|| {
                Quantity::new(
                    i64::try_from(m.saturating_mul(1 << 20)).unwrap_or(i64::MAX),
                    Format::BinarySI,
                )
            })
        };
        Reservations {
            system_reserved: mib(self.reserved.system_mib),
            kube_reserved: mib(self.reserved.kube_mib),
            hard_eviction: Some(self.reserved.eviction_hard),
            hugepages: if self.hugepages_2mi > 0 {
                vec![self.hugepage_capacity()]
            } else {
                Vec::new()
            },
        }
    }

    /// Allocatable memory and the kubepods limit, exactly as the kubelet computes them.
    pub fn allocatable(&self) -> Option<eviction::Allocatable> {
        eviction::allocatable(&self.capacity(), &self.reservations())
    }

    /// The kubepods cgroup's limit in bytes (capacity − system-reserved − kube-reserved).
    pub fn kubepods_limit(&self) -> u64 {
        self.allocatable()
            .and_then(|a| u64::try_from(a.kubepods_limit.value).ok())
            .unwrap_or(0)
    }

    /// cAdvisor's view of the root cgroup, as the modelled kubelet's library computes it.
    fn root_cgroup(&self) -> Cgroup {
        match self.cgroup {
            CgroupVersion::V1 => Cgroup::V1 {
                use_hierarchy: true,
            },
            CgroupVersion::V2 => Cgroup::V2Root(kubelet::root_usage_rule(self.kubelet)),
        }
    }

    /// The root cgroup's `memory.stat` lines.
    pub fn root_stat(&self) -> Vec<(String, u64)> {
        let node = Counters::of(&self.load);
        match self.cgroup {
            CgroupVersion::V2 => node
                .stat_v2()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            CgroupVersion::V1 => {
                let kubepods = Counters::of(&self.kubepods_load());
                stat_v1(&node.minus(&kubepods), &node, V1_UNLIMITED)
            }
        }
    }

    /// The v1 root's `memory.usage_in_bytes`: page cache plus anon pages, the approximation the
    /// kernel reports for the root (mm/memcontrol-v1.c `mem_cgroup_usage`).
    fn root_usage_v1(&self) -> u64 {
        let node = Counters::of(&self.load);
        node.file.saturating_add(node.anon)
    }

    /// The node's `/stats/summary` memory block, from the root's files by the core's cAdvisor
    /// and kubelet accounting.
    pub fn node_memory(&self) -> Option<kubelet::NodeMemory> {
        let stat = self.root_stat();
        let usage_file = (self.cgroup == CgroupVersion::V1).then(|| self.root_usage_v1());
        kubelet::node_memory(
            self.root_cgroup(),
            usage_file,
            &stat,
            &self.meminfo_lookup(),
            None,
        )
        .ok()
    }

    /// The node working set the kubelet reports.
    pub fn node_working_set(&self) -> u64 {
        self.node_memory().map_or(0, |m| m.working_set_bytes.value)
    }

    fn kubepods_dir(&self) -> String {
        match self.cgroup {
            CgroupVersion::V2 => "/sys/fs/cgroup/kubepods.slice".to_string(),
            CgroupVersion::V1 => "/sys/fs/cgroup/memory/kubepods.slice".to_string(),
        }
    }

    /// The pod's cgroup directory and each container's.
    pub fn pod_dirs(&self) -> Option<(String, Vec<String>)> {
        let pod = self.pod.as_ref()?;
        let slice = format!(
            "{}/kubepods-burstable.slice/kubepods-burstable-pod{}.slice",
            self.kubepods_dir(),
            pod.uid.replace('-', "_")
        );
        let containers = pod
            .containers
            .iter()
            .map(|c| format!("{slice}/{}{}.scope", self.runtime.scope_prefix(), c.id))
            .collect();
        Some((slice, containers))
    }

    /// A cgroup directory as the report names the cgroup (`/kubepods.slice/…`).
    pub fn cgroup_name(&self, dir: &str) -> String {
        let mount = match self.cgroup {
            CgroupVersion::V2 => "/sys/fs/cgroup",
            CgroupVersion::V1 => "/sys/fs/cgroup/memory",
        };
        dir.strip_prefix(mount).unwrap_or(dir).to_string()
    }

    /// The three files of a non-root cgroup: usage, limit, `memory.stat`. `scope` says whether
    /// the cgroup's own tasks hold its pages (a container) or its children do (kubepods, a
    /// pod), and `ancestor_limit` is the lowest limit above it, for v1's
    /// `hierarchical_memory_limit`.
    fn cgroup_files(
        &self,
        dir: &str,
        load: &Load,
        limit: Option<u64>,
        scope: Scope,
        ancestor_limit: Option<u64>,
    ) -> Vec<GeneratedDoc> {
        let c = Counters::of(load);
        let stat_text = |lines: Vec<(String, u64)>| {
            lines
                .into_iter()
                .map(|(k, v)| format!("{k} {v}\n"))
                .collect::<String>()
        };
        match self.cgroup {
            CgroupVersion::V2 => vec![
                GeneratedDoc::file(
                    format!("{dir}/memory.current"),
                    format!("{}\n", c.current_v2()),
                    Kind::Cgroup2MemoryCurrent,
                ),
                GeneratedDoc::file(
                    format!("{dir}/memory.max"),
                    limit.map_or("max\n".to_string(), |l| format!("{l}\n")),
                    Kind::Cgroup2MemoryMax,
                ),
                GeneratedDoc::file(
                    format!("{dir}/memory.stat"),
                    stat_text(
                        c.stat_v2()
                            .into_iter()
                            .map(|(k, v)| (k.to_string(), v))
                            .collect(),
                    ),
                    Kind::Cgroup2MemoryStat,
                ),
            ],
            CgroupVersion::V1 => {
                let hierarchical = match (limit, ancestor_limit) {
                    (Some(a), Some(b)) => a.min(b),
                    (a, b) => a.or(b).unwrap_or(V1_UNLIMITED),
                };
                let local = match scope {
                    Scope::Tasks => c,
                    Scope::Children => Counters::default(),
                };
                let limit = limit.unwrap_or(V1_UNLIMITED);
                vec![
                    GeneratedDoc::file(
                        format!("{dir}/memory.usage_in_bytes"),
                        format!("{}\n", c.usage_v1()),
                        Kind::Cgroup1MemoryUsageInBytes,
                    ),
                    GeneratedDoc::file(
                        format!("{dir}/memory.limit_in_bytes"),
                        format!("{limit}\n"),
                        Kind::Cgroup1MemoryLimitInBytes,
                    ),
                    GeneratedDoc::file(
                        format!("{dir}/memory.stat"),
                        stat_text(stat_v1(&local, &c, hierarchical)),
                        Kind::Cgroup1MemoryStat,
                    ),
                ]
            }
        }
    }

    /// A container's working set as the kubelet publishes it (`usage − inactive_file`, at 0
    /// at least), from the files the runtime reads.
    fn published_working_set(&self, usage_of: &Load, stat_of: &Load) -> u64 {
        let (usage, stat) = (Counters::of(usage_of), Counters::of(stat_of));
        let (cgroup, usage, stat) = match self.cgroup {
            CgroupVersion::V2 => (
                Cgroup::V2,
                usage.current_v2(),
                stat.stat_v2()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect::<Vec<_>>(),
            ),
            CgroupVersion::V1 => (
                Cgroup::V1 {
                    use_hierarchy: true,
                },
                usage.usage_v1(),
                stat_v1(&stat, &stat, V1_UNLIMITED),
            ),
        };
        cadvisor::working_set(cgroup, usage, &stat).value
    }

    /// Each container's published working set, with the container.
    pub fn container_working_sets(&self) -> Vec<(&ContainerModel, u64)> {
        let Some(pod) = &self.pod else {
            return Vec::new();
        };
        pod.containers
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let ws = if pod.mixed_read && i == 0 {
                    self.published_working_set(&c.load, &pod.load())
                } else {
                    self.published_working_set(&c.load, &c.load)
                };
                (c, ws)
            })
            .collect()
    }

    /// Whether metrics-server serves the pod: it drops a pod any of whose containers reports a
    /// zero working set (metrics-server `decode.go`).
    fn pod_served(&self) -> bool {
        self.container_working_sets().iter().all(|(_, ws)| *ws > 0)
    }

    fn node_metrics(&self) -> kubectl::NodeMetrics {
        let ws = self.node_working_set();
        kubectl::NodeMetrics {
            name: self.name.clone(),
            usage: kubectl::Usage {
                cpu: Some(metrics_server::cpu_quantity(self.cpu_usage_nanocores)),
                memory: metrics_server::memory_quantity(ws),
                swap: None,
            },
        }
    }

    fn cpu_quantity(&self) -> Quantity {
        Quantity::new(
            i64::try_from(self.cpu_cores).unwrap_or(i64::MAX),
            Format::DecimalSI,
        )
    }

    fn kubectl_node(&self) -> kubectl::Node {
        let memory = self
            .allocatable()
            .and_then(|a| Quantity::parse(&a.text).ok());
        kubectl::Node {
            name: self.name.clone(),
            allocatable: kubectl::Resources {
                cpu: Some(self.cpu_quantity()),
                memory,
            },
            capacity: kubectl::Resources {
                cpu: Some(self.cpu_quantity()),
                memory: Some(self.capacity()),
            },
            swap_capacity: None,
        }
    }

    /// `kubectl top node` as the modelled kubectl prints it.
    pub fn top_node_text(&self, show_capacity: bool) -> Option<String> {
        let options = NodeOptions {
            version: self.kubectl,
            show_capacity,
            show_swap: false,
            no_headers: false,
            sort_by: SortBy::Name,
        };
        kubectl::top_node(&[self.node_metrics()], &[self.kubectl_node()], options)
            .ok()
            .map(|t| t.text)
    }

    fn pod_metrics(&self) -> Option<kubectl::PodMetrics> {
        let pod = self.pod.as_ref()?;
        let containers = self
            .container_working_sets()
            .into_iter()
            .map(|(c, ws)| kubectl::ContainerMetrics {
                name: c.name.clone(),
                usage: kubectl::Usage {
                    cpu: Some(metrics_server::cpu_quantity(c.cpu_nanocores)),
                    memory: metrics_server::memory_quantity(ws),
                    swap: None,
                },
            })
            .collect();
        Some(kubectl::PodMetrics {
            namespace: pod.namespace.clone(),
            name: pod.name.clone(),
            containers,
        })
    }

    /// `kubectl top pod -n NAMESPACE` for the model's pod.
    pub fn top_pod_text(&self) -> Option<String> {
        let metrics = self.pod_metrics()?;
        let options = PodOptions {
            version: self.kubectl,
            all_namespaces: false,
            containers: false,
            sum: false,
            show_swap: false,
            no_headers: false,
            sort_by: SortBy::Name,
        };
        kubectl::top_pod(&[metrics], options).ok().map(|t| t.text)
    }

    fn node_json(&self) -> String {
        let alloc = self.allocatable();
        let memory_alloc = alloc.as_ref().map_or("0".to_string(), |a| a.text.clone());
        let huge = self.hugepage_capacity().canonical();
        let cpu = self.cpu_quantity().canonical();
        let pressure = self
            .node_memory()
            .and_then(|m| {
                let available = m.available_bytes.ok()?.value;
                let o = eviction::observation(available, m.working_set_bytes.value);
                eviction::evaluate(&self.reserved.eviction_hard, None, false, o)
            })
            .is_some_and(|e| e.met);
        let resources = |memory: &str| {
            json!({
                "cpu": cpu,
                "ephemeral-storage": "101430960Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": huge,
                "memory": memory,
                "pods": "110",
            })
        };
        let node = json!({
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "name": self.name,
                "labels": {
                    "kubernetes.io/hostname": self.name,
                    "kubernetes.io/os": "linux",
                },
            },
            "status": {
                "capacity": resources(&format!("{}Ki", self.mem_total_kib)),
                "allocatable": resources(&memory_alloc),
                "conditions": [{
                    "type": "MemoryPressure",
                    "status": if pressure { "True" } else { "False" },
                    "reason": if pressure {
                        "KubeletHasInsufficientMemory"
                    } else {
                        "KubeletHasSufficientMemory"
                    },
                }],
                "nodeInfo": {
                    "architecture": "amd64",
                    "containerRuntimeVersion": self.runtime.version(),
                    "kernelVersion": "6.1.0-21-amd64",
                    "kubeletVersion": format!(
                        "v{}.{}.{}",
                        self.kubelet.major,
                        self.kubelet.minor,
                        self.kubelet.patch.unwrap_or(0)
                    ),
                    "operatingSystem": "linux",
                    "osImage": "Debian GNU/Linux 12 (bookworm)",
                },
            },
        });
        pretty(&node)
    }

    fn cpu_seconds(&self) -> u64 {
        // A day of the current rate: enough for a plausible cumulative counter.
        self.cpu_usage_nanocores.saturating_mul(86_400)
    }

    // TODO: the summary's `systemContainers` (the `pods` container above all) are left out: the
    // engine only observes their numbers and does not recompute them from the kubepods files,
    // so they could not be checked against anything.
    fn summary_json(&self) -> Option<String> {
        let m = self.node_memory()?;
        let stat = self.root_stat();
        let stat_value = |key: &str| stat.iter().find(|(k, _)| k == key).map_or(0, |(_, v)| *v);
        let mut memory = json!({
            "time": SAMPLE_TIME,
            "usageBytes": m.usage_bytes.value,
            "workingSetBytes": m.working_set_bytes.value,
            "pageFaults": stat_value("pgfault"),
            "majorPageFaults": stat_value("pgmajfault"),
        });
        if let (Value::Object(map), Ok(a)) = (&mut memory, &m.available_bytes) {
            map.insert("availableBytes".to_string(), json!(a.value));
        }
        if let (Value::Object(map), Ok(r)) = (&mut memory, &m.rss_bytes) {
            map.insert("rssBytes".to_string(), json!(r.value));
        }
        let node = json!({
            "nodeName": self.name,
            "cpu": {
                "time": SAMPLE_TIME,
                "usageNanoCores": self.cpu_usage_nanocores,
                "usageCoreNanoSeconds": self.cpu_seconds(),
            },
            "memory": memory,
        });
        Some(pretty(&node))
    }

    // TODO: the `[STABLE]` labels follow recent kubelets' output; the release each metric
    // became stable in was not checked, so an older modelled kubelet still prints them.
    fn metrics_resource_text(&self) -> String {
        let mut out = String::new();
        let family = |out: &mut String, name: &str, kind: &str, help: &str, lines: &[String]| {
            out.push_str(&format!(
                "# HELP {name} [STABLE] {help}\n# TYPE {name} {kind}\n"
            ));
            for l in lines {
                out.push_str(l);
                out.push('\n');
            }
        };
        let seconds = |ns: u64| ns as f64 / 1e9;
        let mut cpu = Vec::new();
        let mut memory = Vec::new();
        let mut start = Vec::new();
        let mut pod_memory = Vec::new();
        if let Some(pod) = &self.pod {
            for (c, ws) in self.container_working_sets() {
                let labels = [
                    ("container", c.name.as_str()),
                    ("namespace", pod.namespace.as_str()),
                    ("pod", pod.name.as_str()),
                ];
                cpu.push(kubelet::sample_line(
                    "container_cpu_usage_seconds_total",
                    &labels,
                    seconds(c.cpu_nanocores.saturating_mul(3600)),
                    Some(SAMPLE_MS),
                ));
                memory.push(kubelet::sample_line(
                    "container_memory_working_set_bytes",
                    &labels,
                    ws as f64,
                    Some(SAMPLE_MS),
                ));
                start.push(kubelet::sample_line(
                    "container_start_time_seconds",
                    &labels,
                    (SAMPLE_MS / 1000 - 3600) as f64,
                    Some(SAMPLE_MS - 3_600_000),
                ));
            }
            if !pod.mixed_read {
                let ws = self.published_working_set(&pod.load(), &pod.load());
                pod_memory.push(kubelet::sample_line(
                    "pod_memory_working_set_bytes",
                    &[
                        ("namespace", pod.namespace.as_str()),
                        ("pod", pod.name.as_str()),
                    ],
                    ws as f64,
                    Some(SAMPLE_MS),
                ));
            }
        }
        let help_ws = "Current working set of the container in bytes";
        if !cpu.is_empty() {
            family(
                &mut out,
                "container_cpu_usage_seconds_total",
                "counter",
                "Cumulative cpu time consumed by the container in core-seconds",
                &cpu,
            );
            family(
                &mut out,
                "container_memory_working_set_bytes",
                "gauge",
                help_ws,
                &memory,
            );
            family(
                &mut out,
                "container_start_time_seconds",
                "gauge",
                "Start time of the container since unix epoch in seconds",
                &start,
            );
        }
        family(
            &mut out,
            "node_cpu_usage_seconds_total",
            "counter",
            "Cumulative cpu time consumed by the node in core-seconds",
            &[kubelet::sample_line(
                "node_cpu_usage_seconds_total",
                &[],
                seconds(self.cpu_seconds()),
                Some(SAMPLE_MS),
            )],
        );
        family(
            &mut out,
            "node_memory_working_set_bytes",
            "gauge",
            "Current working set of the node in bytes",
            &[kubelet::sample_line(
                "node_memory_working_set_bytes",
                &[],
                self.node_working_set() as f64,
                Some(SAMPLE_MS),
            )],
        );
        if !pod_memory.is_empty() {
            family(
                &mut out,
                "pod_memory_working_set_bytes",
                "gauge",
                "Current working set of the pod in bytes",
                &pod_memory,
            );
        }
        family(
            &mut out,
            "scrape_error",
            "gauge",
            "1 if there was an error while getting container metrics, 0 otherwise",
            &["scrape_error 0".to_string()],
        );
        out
    }

    fn node_metrics_json(&self) -> Option<String> {
        let m = self.node_metrics();
        let memory = m.usage.memory?.canonical();
        let cpu = m.usage.cpu?.canonical();
        Some(pretty(&json!({
            "kind": "NodeMetrics",
            "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": { "name": self.name },
            "timestamp": SAMPLE_TIME,
            "window": "15.016s",
            "usage": { "cpu": cpu, "memory": memory },
        })))
    }

    fn pod_metrics_json(&self) -> Option<String> {
        let m = self.pod_metrics()?;
        let containers: Vec<Value> = m
            .containers
            .iter()
            .map(|c| {
                json!({
                    "name": c.name,
                    "usage": {
                        "cpu": c.usage.cpu.map(|q| q.canonical()),
                        "memory": c.usage.memory.map(|q| q.canonical()),
                    },
                })
            })
            .collect();
        Some(pretty(&json!({
            "kind": "PodMetrics",
            "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": { "name": m.name, "namespace": m.namespace },
            "timestamp": SAMPLE_TIME,
            "window": "15.016s",
            "containers": containers,
        })))
    }

    /// The command line a run is typed as.
    fn tool_command(&self, run: &ToolRun) -> String {
        let program = match &run.tool {
            Tool::Free(args) if args.is_empty() => "free".to_string(),
            Tool::Free(args) => format!("free {}", args.join(" ")),
            Tool::Top => "top -b -n1 | head -5".to_string(),
        };
        match &run.place {
            Place::Host => program,
            Place::Debug { image } => format!(
                "kubectl debug node/{} -it --image={image} -- {program}",
                self.name
            ),
            Place::Container => match &self.pod {
                Some(pod) => format!(
                    "kubectl exec -n {} {} -c {} -- {program}",
                    pod.namespace,
                    pod.name,
                    pod.containers.first().map_or("app", |c| c.name.as_str())
                ),
                None => program,
            },
        }
    }

    /// What a `free` or `top` run prints, by the core's procps accounting.
    pub fn tool_text(&self, run: &ToolRun) -> Option<String> {
        let mem = self.mem_info_kib();
        match &run.tool {
            Tool::Free(args) => {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let flags = FreeFlags::parse_for(&args, run.procps).ok()?;
                procps::free_text(&mem, &flags, run.procps).ok()
            }
            Tool::Top => {
                let lines = procps::top_lines(&mem, run.procps, None).ok()?;
                Some(format!("{TOP_FRAME}{}", lines.text()))
            }
        }
    }

    /// Every document of the bundle, in order.
    pub fn documents(&self) -> Vec<GeneratedDoc> {
        let mut docs = vec![GeneratedDoc::file(
            "/proc/meminfo".to_string(),
            self.meminfo_text(),
            Kind::Meminfo,
        )];
        let stat_text = self
            .root_stat()
            .into_iter()
            .map(|(k, v)| format!("{k} {v}\n"))
            .collect::<String>();
        match self.cgroup {
            CgroupVersion::V2 => docs.push(GeneratedDoc::file(
                "/sys/fs/cgroup/memory.stat".to_string(),
                stat_text,
                Kind::Cgroup2MemoryStat,
            )),
            CgroupVersion::V1 => {
                docs.push(GeneratedDoc::file(
                    "/sys/fs/cgroup/memory/memory.usage_in_bytes".to_string(),
                    format!("{}\n", self.root_usage_v1()),
                    Kind::Cgroup1MemoryUsageInBytes,
                ));
                docs.push(GeneratedDoc::file(
                    "/sys/fs/cgroup/memory/memory.stat".to_string(),
                    stat_text,
                    Kind::Cgroup1MemoryStat,
                ));
            }
        }
        let kubepods_limit = self.kubepods_limit();
        docs.extend(self.cgroup_files(
            &self.kubepods_dir(),
            &self.kubepods_load(),
            Some(kubepods_limit),
            Scope::Children,
            None,
        ));
        if let (Some(pod), Some((pod_dir, container_dirs))) = (&self.pod, self.pod_dirs()) {
            let mib = |m: u64| m.saturating_mul(1 << 20);
            let pod_limit = pod.limit_mib().map(mib);
            docs.extend(self.cgroup_files(
                &pod_dir,
                &pod.load(),
                pod_limit,
                Scope::Children,
                Some(kubepods_limit),
            ));
            let above = pod_limit.map_or(kubepods_limit, |l| l.min(kubepods_limit));
            for (c, dir) in pod.containers.iter().zip(&container_dirs) {
                docs.extend(self.cgroup_files(
                    dir,
                    &c.load,
                    c.limit_mib.map(mib),
                    Scope::Tasks,
                    Some(above),
                ));
            }
            if pod.mixed_read
                && let Some(first) = pod.containers.first()
            {
                docs.extend(self.mixed_read_docs(&first.load, &pod.load()));
            }
        }
        docs.push(GeneratedDoc::command(
            format!("kubectl get node {} -o json", self.name),
            self.node_json(),
            Kind::KubectlNode,
        ));
        if let Some(summary) = self.summary_json() {
            docs.push(GeneratedDoc::command(
                format!(
                    "kubectl get --raw /api/v1/nodes/{}/proxy/stats/summary | jq '.node | \
                     {{nodeName, cpu, memory}}'",
                    self.name
                ),
                summary,
                Kind::KubeletSummary,
            ));
        }
        if self.metrics_resource {
            docs.push(GeneratedDoc::command(
                format!(
                    "kubectl get --raw /api/v1/nodes/{}/proxy/metrics/resource",
                    self.name
                ),
                self.metrics_resource_text(),
                Kind::Prometheus,
            ));
        }
        if let Some(json) = self.node_metrics_json() {
            docs.push(GeneratedDoc::command(
                format!(
                    "kubectl get --raw /apis/metrics.k8s.io/v1beta1/nodes/{}",
                    self.name
                ),
                json,
                Kind::MetricsNodes,
            ));
        }
        if let Some(table) = self.top_node_text(false) {
            docs.push(GeneratedDoc::command(
                "kubectl top node".to_string(),
                table,
                Kind::KubectlTopNode,
            ));
        }
        if let Some(pod) = &self.pod
            && self.pod_served()
        {
            if let Some(json) = self.pod_metrics_json() {
                docs.push(GeneratedDoc::command(
                    format!(
                        "kubectl get --raw /apis/metrics.k8s.io/v1beta1/namespaces/{}/pods/{}",
                        pod.namespace, pod.name
                    ),
                    json,
                    Kind::MetricsPods,
                ));
            }
            if let Some(table) = self.top_pod_text() {
                docs.push(GeneratedDoc::command(
                    format!("kubectl top pod -n {}", pod.namespace),
                    table,
                    Kind::KubectlTopPod,
                ));
            }
        }
        for run in &self.tools {
            let kind = match run.tool {
                Tool::Free(_) => Kind::Free,
                Tool::Top => Kind::Top,
            };
            if let Some(text) = self.tool_text(run) {
                docs.push(GeneratedDoc::command(self.tool_command(run), text, kind));
            }
        }
        docs
    }

    /// The two reads of the mixed-up runtime, pasted without their directories as it paired
    /// them: the pod's `memory.stat`, then the container's `memory.current`.
    fn mixed_read_docs(&self, container: &Load, pod: &Load) -> Vec<GeneratedDoc> {
        let (c, p) = (Counters::of(container), Counters::of(pod));
        match self.cgroup {
            CgroupVersion::V2 => vec![
                GeneratedDoc::command(
                    "cat memory.stat".to_string(),
                    p.stat_v2()
                        .into_iter()
                        .map(|(k, v)| format!("{k} {v}\n"))
                        .collect(),
                    Kind::Cgroup2MemoryStat,
                ),
                GeneratedDoc::command(
                    "cat memory.current".to_string(),
                    format!("{}\n", c.current_v2()),
                    Kind::Cgroup2MemoryCurrent,
                ),
            ],
            CgroupVersion::V1 => vec![
                GeneratedDoc::command(
                    "cat memory.stat".to_string(),
                    stat_v1(&p, &p, V1_UNLIMITED)
                        .into_iter()
                        .map(|(k, v)| format!("{k} {v}\n"))
                        .collect(),
                    Kind::Cgroup1MemoryStat,
                ),
                GeneratedDoc::command(
                    "cat memory.usage_in_bytes".to_string(),
                    format!("{}\n", c.usage_v1()),
                    Kind::Cgroup1MemoryUsageInBytes,
                ),
            ],
        }
    }

    /// The whole bundle: files under `==> path <==` headers (as `tail -n +1` prints them),
    /// commands after a `$ ` prompt.
    pub fn bundle(&self) -> String {
        let mut out = String::new();
        for doc in self.documents() {
            if let Some(path) = &doc.path {
                if !out.is_empty() && !out.ends_with("\n\n") {
                    out.push('\n');
                }
                out.push_str(&format!("==> {path} <==\n"));
                out.push_str(&doc.text);
            } else if let Some(command) = &doc.command {
                if !out.is_empty() && !out.ends_with("\n\n") {
                    out.push('\n');
                }
                out.push_str(&format!("$ {command}\n"));
                out.push_str(&doc.text);
            }
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> NodeModel {
        NodeModel {
            name: "n".to_string(),
            mem_total_kib: 1_048_576,
            load: Load {
                active_file_kib: 200_000,
                inactive_file_kib: 100_000,
                slab_reclaimable_kib: 40_000,
                ..Load::default()
            },
            buffers_kib: 0,
            hugepages_2mi: 0,
            kubepods_percent: 50,
            reserved: Reserved::default(),
            cgroup: CgroupVersion::V2,
            kubelet: KubeVersion {
                major: 1,
                minor: 30,
                patch: Some(0),
            },
            kubectl: KubeVersion {
                major: 1,
                minor: 34,
                patch: None,
            },
            runtime: Runtime::Containerd,
            cpu_cores: 1,
            cpu_usage_nanocores: 1,
            pod: None,
            tools: Vec::new(),
            metrics_resource: false,
        }
    }

    #[test]
    fn watermarks_and_mem_available_by_hand() {
        let m = small();
        // min = √(16 × 1048576) = 4096; step = max(4096 / 4, 1048576 / 1000) = 1048.
        assert_eq!(
            m.watermarks(),
            Watermarks {
                min_kib: 4096,
                low_kib: 5144,
                high_kib: 6192,
            }
        );
        // In pages: free 177144 − high 1548 + cache 75000 − min(37500, low 1286)
        // + slab 10000 − min(5000, 1286) = 258024 pages.
        assert_eq!(m.mem_free_kib(), 708_576);
        assert_eq!(m.mem_available_kib(), 258_024 * 4);
    }

    #[test]
    fn meminfo_lines_are_laid_out_as_the_kernel_prints_them() {
        let mut m = small();
        m.hugepages_2mi = 3;
        let text = m.meminfo_text();
        let lines = [
            "MemTotal:        1048576 kB",
            "HardwareCorrupted:     0 kB",
            "VmallocTotal:   34359738367 kB",
            "HugePages_Total:       3",
            "Hugepagesize:       2048 kB",
            "Hugetlb:            6144 kB",
        ];
        for line in lines {
            assert!(text.lines().any(|l| l == line), "{line:?} not in\n{text}");
        }
    }

    #[test]
    fn problems_name_what_does_not_fit() {
        type Change = fn(&mut NodeModel);
        let cases: &[(&str, Change, &str)] = &[
            ("fits", |_| {}, ""),
            (
                "too much",
                |m| m.load.anon_kib = 2_000_000,
                "more than MemTotal",
            ),
            (
                "odd size",
                |m| m.load.anon_kib = 6,
                "whole number of 4 KiB pages",
            ),
            (
                "buffers",
                |m| m.buffers_kib = 400_000,
                "Buffers is larger than Active(file)",
            ),
            ("share", |m| m.kubepods_percent = 101, "over 100%"),
        ];
        for (name, change, want) in cases {
            let mut m = small();
            change(&mut m);
            let problems = m.problems().join("; ");
            if want.is_empty() {
                assert_eq!(problems, "", "{name}");
            } else {
                assert!(problems.contains(want), "{name}: {problems}");
            }
        }
    }
}

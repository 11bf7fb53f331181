//! What each `/proc/meminfo` and `memory.stat` field counts, which tools count it as used, and
//! since which kernel it exists (`unknown` where that was not checked).
//!
//! A derivation's terms carry the field's own name (`Inactive(file)`, `total_inactive_file`,
//! `memory.current`); [`entry`] finds the entry for such a name, so the page can link every term
//! here. cgroup v1's hierarchical `total_<key>` fields get entries of their own, built from the
//! local key's.

use std::sync::LazyLock;

use serde::Serialize;

/// Where a field is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A `/proc/meminfo` line.
    Meminfo,
    /// A key of cgroup v1's `memory.stat` only.
    MemoryStatV1,
    /// A key of cgroup v2's `memory.stat` only.
    MemoryStatV2,
    /// A key both hierarchies' `memory.stat` print, with the same meaning.
    MemoryStat,
    /// A one-number cgroup file.
    CgroupFile,
}

/// The unit a field is printed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// `kB` in `/proc/meminfo`, meaning KiB.
    Kib,
    /// Bytes.
    Bytes,
    /// A count of default-size huge pages.
    Pages,
    /// A count of events since the cgroup (or boot) began.
    Events,
}

/// A tool's idea of "used" memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tool {
    /// `free`/`top` used, procps-ng 3.3.12 – 4.0.0: total − free − buffers − cache.
    FreeV3,
    /// `free`/`top` used, procps-ng 4.0.1 and later: total − available.
    FreeV4,
    /// htop's used: total − free − buffers − Cached − SReclaimable.
    Htop,
    /// The kubelet's node working set on cgroup v1, or on v2 with kubelet 1.29 and later
    /// (anon + file of the root, minus inactive file pages).
    NodeWorkingSet,
    /// The kubelet's node working set on cgroup v2 with kubelet 1.28 or older
    /// (MemTotal − MemFree, minus inactive file pages).
    NodeWorkingSetOld,
    /// A pod's or container's working set (kubectl top pod): its cgroup's usage minus its
    /// inactive file pages.
    CgroupWorkingSet,
}

impl Tool {
    pub fn label(self) -> &'static str {
        match self {
            Tool::FreeV3 => "free/top used (procps 3.3.12–4.0.0)",
            Tool::FreeV4 => "free/top used (procps 4.0.1+)",
            Tool::Htop => "htop used",
            Tool::NodeWorkingSet => "kubelet node working set (v1; v2 with kubelet 1.29+)",
            Tool::NodeWorkingSetOld => "kubelet node working set (v2 with kubelet 1.28 or older)",
            Tool::CgroupWorkingSet => "pod/container working set (kubectl top pod)",
        }
    }
}

/// How much of a field a tool counts as used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Share {
    All,
    /// Some of it (the entry's text says which part).
    Part,
}

/// One field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The name as the kernel prints it (`Inactive(file)`, `total_rss`, `memory.current`).
    pub name: String,
    pub origin: Origin,
    pub unit: Unit,
    /// What it counts, in a sentence or two.
    pub counts: String,
    /// The tools that count it, or part of it, as used.
    pub used_by: Vec<(Tool, Share)>,
    /// The kernel release that added it, or `unknown`.
    pub since: String,
}

use Share::{All, Part};
use Tool::*;

type Used = &'static [(Tool, Share)];

const NONE: Used = &[];
/// Memory no tool can reclaim and every node-level tool counts.
const PINNED: Used = &[
    (FreeV3, All),
    (FreeV4, All),
    (Htop, All),
    (NodeWorkingSet, All),
    (NodeWorkingSetOld, All),
    (CgroupWorkingSet, All),
];
/// Kernel memory outside the page cache: used to free and htop, outside the root's usage
/// except under the MemTotal − MemFree rule, inside a non-root cgroup's usage when charged.
const KERNEL: Used = &[
    (FreeV3, All),
    (FreeV4, All),
    (Htop, All),
    (NodeWorkingSetOld, All),
    (CgroupWorkingSet, All),
];
/// Kernel memory charged to no cgroup.
const UNCHARGED: Used = &[
    (FreeV3, All),
    (FreeV4, All),
    (Htop, All),
    (NodeWorkingSetOld, All),
];
/// Page cache on the active list.
const ACTIVE_CACHE: Used = &[
    (FreeV4, Part),
    (NodeWorkingSet, All),
    (NodeWorkingSetOld, All),
    (CgroupWorkingSet, All),
];
/// Page cache on the inactive list: the one thing every working set takes out.
const INACTIVE_CACHE: Used = &[(FreeV4, Part)];
/// All page cache, whatever the list.
const CACHE: Used = &[
    (FreeV4, Part),
    (NodeWorkingSet, Part),
    (NodeWorkingSetOld, Part),
    (CgroupWorkingSet, Part),
];
const SHMEM: Used = &[
    (FreeV4, All),
    (NodeWorkingSet, All),
    (NodeWorkingSetOld, All),
    (CgroupWorkingSet, All),
];
/// All slab: the unreclaimable part is used to every node tool, the reclaimable part only to
/// procps 4 (in part) and the MemTotal − MemFree rule.
const SLAB: Used = &[
    (FreeV3, Part),
    (FreeV4, Part),
    (Htop, Part),
    (NodeWorkingSetOld, All),
    (CgroupWorkingSet, All),
];
const RECLAIMABLE_SLAB: Used = &[
    (FreeV4, Part),
    (NodeWorkingSetOld, All),
    (CgroupWorkingSet, All),
];
/// A sum of anon and file pages.
const MIXED: Used = &[
    (FreeV3, Part),
    (FreeV4, Part),
    (Htop, Part),
    (NodeWorkingSet, Part),
    (NodeWorkingSetOld, Part),
    (CgroupWorkingSet, Part),
];
/// Hugepage pools: reserved away from the page allocator, charged to no cgroup until mapped.
const HUGEPAGES: Used = &[
    (FreeV3, All),
    (FreeV4, All),
    (Htop, All),
    (NodeWorkingSetOld, All),
];
/// Part of the root's or a cgroup's usage through anon + file, not through kernel memory.
const CGROUP_ANON: Used = &[(NodeWorkingSet, All), (CgroupWorkingSet, All)];
const CGROUP_FILE: Used = &[(NodeWorkingSet, Part), (CgroupWorkingSet, Part)];
const CGROUP_ACTIVE: Used = &[(NodeWorkingSet, All), (CgroupWorkingSet, All)];
const CGROUP_KERNEL: Used = &[(CgroupWorkingSet, All)];

struct Row {
    name: &'static str,
    origin: Origin,
    unit: Unit,
    since: &'static str,
    counts: &'static str,
    used_by: Used,
}

const fn kib(name: &'static str, since: &'static str, counts: &'static str, used_by: Used) -> Row {
    Row {
        name,
        origin: Origin::Meminfo,
        unit: Unit::Kib,
        since,
        counts,
        used_by,
    }
}

const fn v2(name: &'static str, unit: Unit, counts: &'static str, used_by: Used) -> Row {
    Row {
        name,
        origin: Origin::MemoryStatV2,
        unit,
        since: "unknown",
        counts,
        used_by,
    }
}

const fn v1(name: &'static str, unit: Unit, counts: &'static str, used_by: Used) -> Row {
    Row {
        name,
        origin: Origin::MemoryStatV1,
        unit,
        since: "unknown",
        counts,
        used_by,
    }
}

const fn both(name: &'static str, unit: Unit, counts: &'static str, used_by: Used) -> Row {
    Row {
        name,
        origin: Origin::MemoryStat,
        unit,
        since: "unknown",
        counts,
        used_by,
    }
}

const fn event(name: &'static str, counts: &'static str) -> Row {
    v2(name, Unit::Events, counts, NONE)
}

const MEMINFO: &[Row] = &[
    kib(
        "MemTotal",
        "2.6 or earlier",
        "Usable RAM: physical memory less what firmware reserves and the kernel's own image. \
         The kubelet's node capacity is exactly this, ×1024.",
        NONE,
    ),
    kib(
        "MemFree",
        "2.6 or earlier",
        "Pages nobody uses at all. Small on a healthy machine, because idle memory becomes cache.",
        NONE,
    ),
    kib(
        "MemAvailable",
        "3.14",
        "The kernel's estimate of what could be handed out without swapping: free pages above \
         the reserve, plus the page cache and reclaimable slab it expects to reclaim. procps 4 \
         computes used as MemTotal − MemAvailable.",
        NONE,
    ),
    kib(
        "Buffers",
        "2.6 or earlier",
        "Page cache of block devices themselves (file-system metadata read through the raw \
         device). On the file lists like other cache.",
        &[
            (FreeV4, Part),
            (NodeWorkingSet, Part),
            (NodeWorkingSetOld, Part),
        ],
    ),
    kib(
        "Cached",
        "2.6 or earlier",
        "Page cache other than Buffers and the swap cache, tmpfs and shared memory (Shmem) \
         included. free shows it in buff/cache; working sets keep the active part and Shmem.",
        CACHE,
    ),
    kib(
        "SwapCached",
        "2.6 or earlier",
        "Pages that were swapped out and read back but are still in swap, so they can be \
         dropped without writing.",
        &[(FreeV3, All), (FreeV4, All), (Htop, All)],
    ),
    kib(
        "Active",
        "2.6 or earlier",
        "Active(anon) + Active(file): pages used recently, reclaimed last.",
        MIXED,
    ),
    kib(
        "Inactive",
        "2.6 or earlier",
        "Inactive(anon) + Inactive(file): pages not used recently, reclaimed first.",
        MIXED,
    ),
    kib(
        "Active(anon)",
        "2.6.28",
        "Anonymous and shared-memory pages on the active list.",
        SHMEM,
    ),
    kib(
        "Inactive(anon)",
        "2.6.28",
        "Anonymous and shared-memory pages on the inactive list: only swap can free them, so no \
         working set takes them out.",
        SHMEM,
    ),
    kib(
        "Active(file)",
        "2.6.28",
        "Page cache of files used recently, more than once. Every working set keeps it, free \
         counts it as cache: the usual reason kubectl top shows more than free.",
        ACTIVE_CACHE,
    ),
    kib(
        "Inactive(file)",
        "2.6.28",
        "Page cache of files not used recently: the first memory the kernel reclaims, and the \
         only part a working set subtracts.",
        INACTIVE_CACHE,
    ),
    kib(
        "Unevictable",
        "2.6.28",
        "Pages that cannot be reclaimed: mlocked memory, ramfs, locked shared memory.",
        PINNED,
    ),
    kib(
        "Mlocked",
        "2.6.28",
        "Pages locked in memory with mlock(); part of Unevictable.",
        PINNED,
    ),
    kib(
        "HighTotal",
        "unknown",
        "32-bit kernels only: memory above the kernel's direct mapping (highmem).",
        NONE,
    ),
    kib(
        "HighFree",
        "unknown",
        "32-bit kernels only: free highmem.",
        NONE,
    ),
    kib(
        "LowTotal",
        "unknown",
        "32-bit kernels only: memory the kernel maps directly (lowmem).",
        NONE,
    ),
    kib(
        "LowFree",
        "unknown",
        "32-bit kernels only: free lowmem.",
        NONE,
    ),
    kib(
        "MmapCopy",
        "unknown",
        "Kernels without an MMU only: memory used to copy mappings.",
        NONE,
    ),
    kib(
        "SwapTotal",
        "2.6 or earlier",
        "Swap space configured.",
        NONE,
    ),
    kib("SwapFree", "2.6 or earlier", "Swap space not in use.", NONE),
    kib(
        "Zswap",
        "5.19",
        "RAM used by the compressed swap cache (zswap) to hold swapped-out pages.",
        KERNEL,
    ),
    kib(
        "Zswapped",
        "5.19",
        "What the pages held by zswap would take uncompressed.",
        NONE,
    ),
    kib(
        "Dirty",
        "2.6 or earlier",
        "Page cache changed in memory and not yet written to disk; part of Cached.",
        CACHE,
    ),
    kib(
        "Writeback",
        "2.6 or earlier",
        "Page cache being written to disk right now; part of Cached.",
        CACHE,
    ),
    kib(
        "AnonPages",
        "2.6.18",
        "Anonymous memory mapped by processes: heaps, stacks, private copies. Every tool counts \
         it as used.",
        PINNED,
    ),
    kib(
        "Mapped",
        "2.6 or earlier",
        "Page cache mapped into some process (shared libraries, mmapped files, shared memory).",
        CACHE,
    ),
    kib(
        "Shmem",
        "2.6.32",
        "tmpfs, SysV shared memory and shared anonymous mappings. Part of Cached, but on the \
         anon lists: free counts it as cache and shared, every working set keeps all of it, and \
         MemAvailable leaves it out.",
        SHMEM,
    ),
    kib(
        "KReclaimable",
        "4.20",
        "Kernel memory the kernel can reclaim: SReclaimable plus other reclaimable kernel \
         allocations.",
        RECLAIMABLE_SLAB,
    ),
    kib(
        "Slab",
        "2.6 or earlier",
        "The kernel's slab caches: SReclaimable + SUnreclaim.",
        SLAB,
    ),
    kib(
        "SReclaimable",
        "2.6.19",
        "Slab the kernel can drop at once, mostly dentry and inode caches. free counts it as \
         cache, the kubelet's v2 root rule (anon + file) leaves it out, a pod's working set \
         keeps what is charged to the pod.",
        RECLAIMABLE_SLAB,
    ),
    kib(
        "SUnreclaim",
        "2.6.19",
        "Slab in use that cannot be reclaimed.",
        KERNEL,
    ),
    kib(
        "KernelStack",
        "2.6.32",
        "Kernel stacks of every thread.",
        KERNEL,
    ),
    kib(
        "ShadowCallStack",
        "unknown",
        "Shadow call stacks (arm64 kernels built with them).",
        KERNEL,
    ),
    kib(
        "PageTables",
        "2.6 or earlier",
        "Page tables mapping processes' memory; grows with mapped memory and process count.",
        KERNEL,
    ),
    kib(
        "SecPageTables",
        "6.0",
        "Secondary page tables, such as KVM's for guests and IOMMU tables.",
        KERNEL,
    ),
    kib(
        "Quicklists",
        "unknown",
        "Older kernels on some architectures: a cache of free page-table pages.",
        UNCHARGED,
    ),
    kib(
        "NFS_Unstable",
        "unknown",
        "NFS pages sent to the server but not yet committed to its storage (always 0 on recent \
         kernels).",
        CACHE,
    ),
    kib(
        "Bounce",
        "unknown",
        "Bounce buffers for devices that cannot reach all of memory.",
        UNCHARGED,
    ),
    kib(
        "WritebackTmp",
        "unknown",
        "Temporary buffers FUSE uses for writeback.",
        UNCHARGED,
    ),
    kib(
        "CommitLimit",
        "2.6 or earlier",
        "How much memory may be promised to processes under strict overcommit: swap plus a \
         ratio of RAM (hugepages excluded). Not a use of memory.",
        NONE,
    ),
    kib(
        "Committed_AS",
        "2.6 or earlier",
        "Memory promised to processes (allocated address space that may be touched), not memory \
         in use.",
        NONE,
    ),
    kib(
        "VmallocTotal",
        "2.6 or earlier",
        "Size of the kernel's vmalloc address space: address space, not memory.",
        NONE,
    ),
    kib(
        "VmallocUsed",
        "2.6 or earlier",
        "Memory the kernel allocated with vmalloc (0 in some kernels that stopped counting it).",
        KERNEL,
    ),
    kib(
        "VmallocChunk",
        "2.6 or earlier",
        "Largest free block of vmalloc address space (0 on recent kernels).",
        NONE,
    ),
    kib(
        "Percpu",
        "4.20",
        "Memory of the kernel's per-CPU allocator.",
        KERNEL,
    ),
    kib(
        "HardwareCorrupted",
        "2.6.32",
        "Pages taken out of use because the hardware reported them broken.",
        UNCHARGED,
    ),
    kib(
        "AnonHugePages",
        "2.6.38",
        "Anonymous memory backed by transparent huge pages; part of AnonPages.",
        PINNED,
    ),
    kib(
        "ShmemHugePages",
        "4.8",
        "Shared memory and tmpfs backed by transparent huge pages; part of Shmem.",
        SHMEM,
    ),
    kib(
        "ShmemPmdMapped",
        "4.8",
        "Shared memory mapped into processes with huge pages.",
        SHMEM,
    ),
    kib(
        "FileHugePages",
        "unknown",
        "Page cache of files backed by transparent huge pages.",
        CACHE,
    ),
    kib(
        "FilePmdMapped",
        "unknown",
        "File page cache mapped into processes with huge pages.",
        CACHE,
    ),
    kib(
        "CmaTotal",
        "unknown",
        "Memory set aside for the contiguous memory allocator (devices needing large \
         contiguous buffers); usable for movable pages meanwhile.",
        NONE,
    ),
    kib("CmaFree", "unknown", "Free pages of the CMA area.", NONE),
    kib(
        "Unaccepted",
        "unknown",
        "Confidential-computing guests: memory the guest has not accepted from the host yet.",
        NONE,
    ),
    Row {
        name: "HugePages_Total",
        origin: Origin::Meminfo,
        unit: Unit::Pages,
        since: "2.6 or earlier",
        counts: "Huge pages of the default size in the pool (a count). The pool leaves the page \
                 allocator: free and htop count it as used, cgroup usage does not until a pod \
                 maps the pages, and allocatable subtracts it.",
        used_by: HUGEPAGES,
    },
    Row {
        name: "HugePages_Free",
        origin: Origin::Meminfo,
        unit: Unit::Pages,
        since: "2.6 or earlier",
        counts: "Huge pages of the pool not mapped by anyone (a count). Still unavailable to \
                 ordinary allocations.",
        used_by: HUGEPAGES,
    },
    Row {
        name: "HugePages_Rsvd",
        origin: Origin::Meminfo,
        unit: Unit::Pages,
        since: "2.6.17",
        counts: "Huge pages promised to mappings but not yet faulted in (a count).",
        used_by: NONE,
    },
    Row {
        name: "HugePages_Surp",
        origin: Origin::Meminfo,
        unit: Unit::Pages,
        since: "2.6.24",
        counts: "Huge pages above the configured pool, allocated on demand (a count).",
        used_by: HUGEPAGES,
    },
    kib(
        "Hugepagesize",
        "2.6 or earlier",
        "Size of the default huge page. Not an amount of memory.",
        NONE,
    ),
    kib(
        "Hugetlb",
        "4.18",
        "Memory of all hugetlb pools, every page size, in KiB.",
        HUGEPAGES,
    ),
    kib(
        "DirectMap4k",
        "unknown",
        "x86: memory the kernel maps with 4 KiB pages. Describes page tables, not use.",
        NONE,
    ),
    kib(
        "DirectMap2M",
        "unknown",
        "x86: memory the kernel maps with 2 MiB pages. Describes page tables, not use.",
        NONE,
    ),
    kib(
        "DirectMap4M",
        "unknown",
        "32-bit x86: memory the kernel maps with 4 MiB pages.",
        NONE,
    ),
    kib(
        "DirectMap1G",
        "unknown",
        "x86: memory the kernel maps with 1 GiB pages. Describes page tables, not use.",
        NONE,
    ),
];

const MEMORY_STAT: &[Row] = &[
    Row {
        name: "anon",
        origin: Origin::MemoryStatV2,
        unit: Unit::Bytes,
        since: "unknown",
        counts: "Anonymous memory of the cgroup's processes (v1: rss). Half of the v2 root's \
                 usage under kubelet 1.29 and later.",
        used_by: CGROUP_ANON,
    },
    Row {
        name: "file",
        origin: Origin::MemoryStatV2,
        unit: Unit::Bytes,
        since: "unknown",
        counts: "All page cache charged to the cgroup, tmpfs and shared memory included (v1: \
                 cache). The other half of the v2 root's usage; working sets keep all but the \
                 inactive file pages.",
        used_by: CGROUP_FILE,
    },
    Row {
        name: "kernel",
        origin: Origin::MemoryStatV2,
        unit: Unit::Bytes,
        since: "5.18",
        counts: "All kernel memory charged to the cgroup: stacks, page tables, per-CPU data, \
                 vmalloc, slab and other accounted allocations. In a pod's usage, not in the v2 \
                 root's anon + file.",
        used_by: CGROUP_KERNEL,
    },
    v2(
        "kernel_stack",
        Unit::Bytes,
        "Kernel stacks of the cgroup's threads.",
        CGROUP_KERNEL,
    ),
    v2(
        "pagetables",
        Unit::Bytes,
        "Page tables of the cgroup's processes.",
        CGROUP_KERNEL,
    ),
    v2(
        "sec_pagetables",
        Unit::Bytes,
        "Secondary page tables (KVM guests, IOMMU) charged to the cgroup.",
        CGROUP_KERNEL,
    ),
    v2(
        "percpu",
        Unit::Bytes,
        "Per-CPU kernel data charged to the cgroup.",
        CGROUP_KERNEL,
    ),
    v2(
        "sock",
        Unit::Bytes,
        "Network socket buffers charged to the cgroup; in memory.current, not in anon + file.",
        CGROUP_KERNEL,
    ),
    v2(
        "vmalloc",
        Unit::Bytes,
        "vmalloc memory charged to the cgroup.",
        CGROUP_KERNEL,
    ),
    both(
        "shmem",
        Unit::Bytes,
        "tmpfs, shared memory and shared anonymous pages; part of file (v1: of cache) but on \
         the anon lists, so no working set subtracts it.",
        CGROUP_ACTIVE,
    ),
    v2(
        "zswap",
        Unit::Bytes,
        "Memory the compressed swap cache uses for the cgroup's pages.",
        CGROUP_KERNEL,
    ),
    v2(
        "zswapped",
        Unit::Bytes,
        "The uncompressed size of the cgroup's pages held in zswap.",
        NONE,
    ),
    v2(
        "file_mapped",
        Unit::Bytes,
        "Page cache mapped into the cgroup's processes (v1: mapped_file); part of file.",
        CGROUP_FILE,
    ),
    v2(
        "file_dirty",
        Unit::Bytes,
        "Page cache modified and not yet written back (v1: dirty); part of file.",
        CGROUP_FILE,
    ),
    v2(
        "file_writeback",
        Unit::Bytes,
        "Page cache being written back (v1: writeback); part of file.",
        CGROUP_FILE,
    ),
    v2(
        "swapcached",
        Unit::Bytes,
        "The cgroup's pages in the swap cache: in memory and in swap at once.",
        CGROUP_ANON,
    ),
    v2(
        "anon_thp",
        Unit::Bytes,
        "Anonymous memory backed by transparent huge pages; part of anon.",
        CGROUP_ANON,
    ),
    v2(
        "file_thp",
        Unit::Bytes,
        "Page cache backed by transparent huge pages; part of file.",
        CGROUP_FILE,
    ),
    v2(
        "shmem_thp",
        Unit::Bytes,
        "Shared memory backed by transparent huge pages; part of shmem.",
        CGROUP_ACTIVE,
    ),
    both(
        "inactive_anon",
        Unit::Bytes,
        "Anonymous and shared-memory pages on the inactive list: only swap frees them.",
        CGROUP_ACTIVE,
    ),
    both(
        "active_anon",
        Unit::Bytes,
        "Anonymous and shared-memory pages on the active list.",
        CGROUP_ACTIVE,
    ),
    both(
        "inactive_file",
        Unit::Bytes,
        "Page cache on the inactive list: the only part of usage a working set subtracts \
         (v1 reads total_inactive_file). Larger than usage means two cgroups or moments were \
         mixed.",
        NONE,
    ),
    both(
        "active_file",
        Unit::Bytes,
        "Page cache on the active list: stays in every working set.",
        CGROUP_ACTIVE,
    ),
    both(
        "unevictable",
        Unit::Bytes,
        "Pages that cannot be reclaimed (mlocked, ramfs).",
        CGROUP_ACTIVE,
    ),
    v2(
        "slab_reclaimable",
        Unit::Bytes,
        "Slab the kernel can drop at once, dentries and inodes above all; in a pod's usage and \
         working set, out of the v2 root's anon + file.",
        CGROUP_KERNEL,
    ),
    v2(
        "slab_unreclaimable",
        Unit::Bytes,
        "Slab in use that cannot be reclaimed.",
        CGROUP_KERNEL,
    ),
    v2(
        "slab",
        Unit::Bytes,
        "slab_reclaimable + slab_unreclaimable.",
        CGROUP_KERNEL,
    ),
    v2(
        "hugetlb",
        Unit::Bytes,
        "hugetlb pages charged to the cgroup, with the memory_hugetlb_accounting mount option.",
        NONE,
    ),
    event(
        "workingset_refault",
        "Older kernels: evicted pages read back soon after (a sign the cache is too small).",
    ),
    event(
        "workingset_refault_anon",
        "Evicted anonymous pages faulted back in soon after.",
    ),
    event(
        "workingset_refault_file",
        "Evicted page-cache pages read back soon after.",
    ),
    event(
        "workingset_activate",
        "Older kernels: refaulted pages put straight on the active list.",
    ),
    event(
        "workingset_activate_anon",
        "Refaulted anonymous pages put straight on the active list.",
    ),
    event(
        "workingset_activate_file",
        "Refaulted file pages put straight on the active list.",
    ),
    event(
        "workingset_restore",
        "Older kernels: refaulted pages that were part of the working set when evicted.",
    ),
    event(
        "workingset_restore_anon",
        "Refaulted anonymous pages that were in the working set when evicted.",
    ),
    event(
        "workingset_restore_file",
        "Refaulted file pages that were in the working set when evicted.",
    ),
    event(
        "workingset_nodereclaim",
        "Times the kernel reclaimed its own shadow entries of evicted pages.",
    ),
    event("pswpin", "Pages read in from swap."),
    event("pswpout", "Pages written out to swap."),
    event("pgscan", "Pages the reclaimer looked at."),
    event("pgsteal", "Pages the reclaimer freed."),
    event(
        "pgscan_kswapd",
        "Pages kswapd (background reclaim) looked at.",
    ),
    event(
        "pgscan_direct",
        "Pages allocating tasks looked at while reclaiming themselves.",
    ),
    event(
        "pgscan_khugepaged",
        "Pages khugepaged looked at while reclaiming.",
    ),
    event("pgsteal_kswapd", "Pages kswapd freed."),
    event("pgsteal_direct", "Pages freed by direct reclaim."),
    event("pgsteal_khugepaged", "Pages khugepaged freed."),
    both(
        "pgfault",
        Unit::Events,
        "Page faults of the cgroup's processes. cAdvisor's pageFaults reads this key: on a v1 \
         root, the local one, which counts only tasks in the root itself.",
        NONE,
    ),
    both(
        "pgmajfault",
        Unit::Events,
        "Page faults that had to read from disk.",
        NONE,
    ),
    event(
        "pgrefill",
        "Pages moved from the active to the inactive list by reclaim.",
    ),
    event("pgactivate", "Pages moved to the active list."),
    event("pgdeactivate", "Pages moved to the inactive list."),
    event(
        "pglazyfree",
        "Pages marked free-when-needed with MADV_FREE.",
    ),
    event("pglazyfreed", "MADV_FREE pages actually freed."),
    event("zswpin", "Pages read back from zswap."),
    event("zswpout", "Pages compressed into zswap."),
    event("zswpwb", "Pages written from zswap to the swap device."),
    event(
        "thp_fault_alloc",
        "Transparent huge pages allocated at a page fault.",
    ),
    event(
        "thp_collapse_alloc",
        "Transparent huge pages built by merging small pages.",
    ),
    event("thp_swpout", "Transparent huge pages swapped out whole."),
    event(
        "thp_swpout_fallback",
        "Transparent huge pages split before being swapped out.",
    ),
    event(
        "numa_pages_migrated",
        "Pages moved between NUMA nodes by balancing.",
    ),
    event(
        "numa_pte_updates",
        "Page table entries changed for NUMA balancing.",
    ),
    event("numa_hint_faults", "NUMA balancing faults."),
    event(
        "pgdemote_kswapd",
        "Pages moved to a slower memory tier by kswapd.",
    ),
    event(
        "pgdemote_direct",
        "Pages moved to a slower memory tier by direct reclaim.",
    ),
    event(
        "pgdemote_khugepaged",
        "Pages moved to a slower memory tier by khugepaged.",
    ),
    v1(
        "cache",
        Unit::Bytes,
        "All page cache charged to the cgroup, tmpfs included (v2: file). With rss, the v1 \
         root's usage.",
        CGROUP_FILE,
    ),
    v1(
        "rss",
        Unit::Bytes,
        "Anonymous memory and swap cache (v2: anon). cAdvisor's RSS on v1.",
        CGROUP_ANON,
    ),
    v1(
        "rss_huge",
        Unit::Bytes,
        "Anonymous transparent huge pages; part of rss.",
        CGROUP_ANON,
    ),
    v1(
        "mapped_file",
        Unit::Bytes,
        "Page cache mapped into processes, tmpfs included; part of cache.",
        CGROUP_FILE,
    ),
    v1(
        "dirty",
        Unit::Bytes,
        "Page cache waiting to be written back; part of cache.",
        CGROUP_FILE,
    ),
    v1(
        "writeback",
        Unit::Bytes,
        "Page cache being written back; part of cache.",
        CGROUP_FILE,
    ),
    v1(
        "swap",
        Unit::Bytes,
        "Swap used by the cgroup (with swap accounting on).",
        NONE,
    ),
    v1(
        "pgpgin",
        Unit::Events,
        "Pages charged to the cgroup (an event count, not a size).",
        NONE,
    ),
    v1(
        "pgpgout",
        Unit::Events,
        "Pages uncharged from the cgroup (an event count).",
        NONE,
    ),
    v1(
        "hierarchical_memory_limit",
        Unit::Bytes,
        "The lowest memory limit on the path from this cgroup to the root; 9223372036854771712 \
         means none.",
        NONE,
    ),
    v1(
        "hierarchical_memsw_limit",
        Unit::Bytes,
        "The same for memory plus swap.",
        NONE,
    ),
    v1(
        "recent_rotated_anon",
        Unit::Events,
        "Debug kernels: anonymous pages recently moved back to the active list.",
        NONE,
    ),
    v1(
        "recent_rotated_file",
        Unit::Events,
        "Debug kernels: file pages recently moved back to the active list.",
        NONE,
    ),
    v1(
        "recent_scanned_anon",
        Unit::Events,
        "Debug kernels: anonymous pages recently scanned by reclaim.",
        NONE,
    ),
    v1(
        "recent_scanned_file",
        Unit::Events,
        "Debug kernels: file pages recently scanned by reclaim.",
        NONE,
    ),
];

/// The v1 local keys that also come as a hierarchical `total_<key>`.
const V1_TOTALS: &[&str] = &[
    "cache",
    "rss",
    "rss_huge",
    "shmem",
    "mapped_file",
    "dirty",
    "writeback",
    "swap",
    "pgpgin",
    "pgpgout",
    "pgfault",
    "pgmajfault",
    "inactive_anon",
    "active_anon",
    "inactive_file",
    "active_file",
    "unevictable",
];

const CGROUP_FILES: &[Row] = &[
    Row {
        name: "memory.current",
        origin: Origin::CgroupFile,
        unit: Unit::Bytes,
        since: "unknown",
        counts: "cgroup v2: every page charged to the cgroup — anon, page cache, kernel memory, \
                 socket buffers. A pod's or container's usage; the root has none.",
        used_by: &[(CgroupWorkingSet, Part)],
    },
    Row {
        name: "memory.usage_in_bytes",
        origin: Origin::CgroupFile,
        unit: Unit::Bytes,
        since: "unknown",
        counts: "cgroup v1: the cgroup's usage, kernel memory included; for the root, page \
                 cache plus anonymous pages.",
        used_by: &[(NodeWorkingSet, Part), (CgroupWorkingSet, Part)],
    },
    Row {
        name: "memory.max",
        origin: Origin::CgroupFile,
        unit: Unit::Bytes,
        since: "unknown",
        counts: "cgroup v2: the hard limit; `max` for none. The kubepods cgroup's is capacity \
                 less system- and kube-reserved.",
        used_by: NONE,
    },
    Row {
        name: "memory.limit_in_bytes",
        origin: Origin::CgroupFile,
        unit: Unit::Bytes,
        since: "unknown",
        counts: "cgroup v1: the hard limit; a value near 2^63 means none.",
        used_by: NONE,
    },
];

fn entry_of(row: &Row) -> Entry {
    Entry {
        name: row.name.to_string(),
        origin: row.origin,
        unit: row.unit,
        counts: row.counts.to_string(),
        used_by: row.used_by.to_vec(),
        since: row.since.to_string(),
    }
}

static ENTRIES: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    let mut entries: Vec<Entry> = MEMINFO
        .iter()
        .chain(MEMORY_STAT)
        .chain(CGROUP_FILES)
        .map(entry_of)
        .collect();
    for local in V1_TOTALS {
        let Some(row) = MEMORY_STAT.iter().find(|r| r.name == *local) else {
            continue;
        };
        let mut e = entry_of(row);
        e.name = format!("total_{local}");
        e.origin = Origin::MemoryStatV1;
        e.counts = format!(
            "cgroup v1, hierarchical: `{local}` for the cgroup and all its descendants. {}",
            row.counts
        );
        entries.push(e);
    }
    entries
});

/// Every entry: `/proc/meminfo` in the kernel's order, then `memory.stat`, then the cgroup
/// files, then v1's `total_*` keys.
pub fn entries() -> &'static [Entry] {
    ENTRIES.as_slice()
}

/// The entry for a field, by the name the kernel prints.
pub fn entry(name: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_texts_are_sentences() {
        let all = entries();
        for (i, e) in all.iter().enumerate() {
            assert!(
                all.iter().skip(i + 1).all(|o| o.name != e.name),
                "{} twice",
                e.name
            );
            assert!(e.counts.ends_with('.'), "{}: {}", e.name, e.counts);
            assert!(!e.since.is_empty(), "{}", e.name);
        }
    }

    #[test]
    fn lookups() {
        let cases: &[(&str, Option<Origin>)] = &[
            ("MemAvailable", Some(Origin::Meminfo)),
            ("Inactive(file)", Some(Origin::Meminfo)),
            ("inactive_file", Some(Origin::MemoryStat)),
            ("total_inactive_file", Some(Origin::MemoryStatV1)),
            ("slab_reclaimable", Some(Origin::MemoryStatV2)),
            ("memory.current", Some(Origin::CgroupFile)),
            ("total_hierarchical_memory_limit", None),
            ("MemTotal:", None),
        ];
        for (name, want) in cases {
            assert_eq!(entry(name).map(|e| e.origin), *want, "{name}");
        }
        let total = entry("total_cache").map(|e| e.counts.clone());
        assert!(total.is_some_and(|t| t.starts_with("cgroup v1, hierarchical: `cache`")));
    }
}

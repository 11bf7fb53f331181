//! The worked examples of `accounting.md` §9, through `explain()`: each example's inputs built
//! as the spec gives them, each number it works out asserted by quantity id, exactly.
//!
//! One row per example, set of assumptions and value. Inputs the spec calls hypothetical are
//! marked so in the example's name.

mod expect;

use expect::{Check, Check::*, Failures, Origin};
use memlens_core::input::{Kind, Source};
use memlens_core::report::{Agreement::*, FindingCode::*};

/// §9.1: the root `memory.stat` of opencontainers/cgroups' `exampleMemoryStatData` (the keys the
/// spec lists), under the header a `tail -n +1` of the file prints.
const ROOT_STAT_9_1: &str = "\
==> /sys/fs/cgroup/memory.stat <==
anon 790425600
file 6502666240
kernel_stack 7012352
pagetables 8867840
percpu 2445520
sock 40960
shmem 6721536
file_mapped 656187392
inactive_anon 892223488
active_anon 2973696
inactive_file 5307346944
active_file 1179316224
slab 358966048
pgfault 103216687
pgmajfault 6879
";

/// §9.1's hypothetical node: MemTotal 16393244 kB, default reservations.
const HYPOTHETICAL_MEMINFO_9_1: &str = "\
==> /proc/meminfo <==
MemTotal:       16393244 kB
";

const HYPOTHETICAL_NODE_9_1: &str = r#"$ kubectl get node node-a -o json
{
  "kind": "Node",
  "apiVersion": "v1",
  "metadata": { "name": "node-a" },
  "status": {
    "capacity": { "cpu": "2", "memory": "16393244Ki" },
    "allocatable": { "cpu": "2", "memory": "16290844Ki" }
  }
}
"#;

/// The NodeMetrics metrics-server would serve for §9.1's node. The spec gives no CPU; this one
/// is §5's rounding example (`123456789n` → `124m`), so that `kubectl top node` has a whole row.
const HYPOTHETICAL_NODE_METRICS_9_1: &str = r#"$ kubectl get --raw /apis/metrics.k8s.io/v1beta1/nodes/node-a
{
  "kind": "NodeMetrics",
  "apiVersion": "metrics.k8s.io/v1beta1",
  "metadata": { "name": "node-a" },
  "timestamp": "2023-06-28T22:28:17Z",
  "window": "15s",
  "usage": { "cpu": "123456789n", "memory": "1939204Ki" }
}
"#;

/// §9.2: kubernetes/kubernetes#118916's `/proc/meminfo`, the fields the spec lists.
const MEMINFO_9_2: &str = "\
==> /proc/meminfo <==
MemTotal:       16393244 kB
MemFree:         9744148 kB
MemAvailable:   15020900 kB
Buffers:          132344 kB
Cached:          5207356 kB
SwapCached:            0 kB
Inactive(file):  4525876 kB
AnonPages:        618992 kB
Shmem:              2496 kB
SReclaimable:     285824 kB
SUnreclaim:       137776 kB
SwapTotal:             0 kB
SwapFree:              0 kB
";

/// §9.2's transcript of procps-ng 4.0.2 on that meminfo, as the spec prints it.
const TRANSCRIPT_9_2: &str = "\
$ free
               total        used        free      shared  buff/cache   available
Mem:        16393244     1372344     9744148        2496     5625524    15020900
Swap:              0           0           0
$ free -h
Mem:            15Gi       1.3Gi       9.3Gi       2.4Mi       5.4Gi        14Gi
Swap:             0B          0B          0B
$ free -h --si
Mem:             16G        1.4G          9G        2.6M        5.8G         15G
$ free --si
Mem:        16786681     1405280     9978007        2555     5760536    15381401
$ free -w
               total        used        free      shared     buffers       cache   available
Mem:        16393244     1372344     9744148        2496      132344     5493180    15020900
$ free -g -t
Mem:              15           1           9           0           5          14
Total:            15           1           9
$ top -b -n1
MiB Mem :  16009.0 total,   9515.8 free,   1340.2 used,   5493.7 buff/cache
MiB Swap:      0.0 total,      0.0 free,      0.0 used.  14668.8 avail Mem
";

/// §9.3: the issue author's `.node.memory` of a cgroup-v1 node.
const SUMMARY_9_3: &str = r#"$ kubectl get --raw /api/v1/nodes/node-a/proxy/stats/summary | jq .node.memory
{
  "availableBytes": 3182673920,
  "usageBytes": 1406832640,
  "workingSetBytes": 928534528,
  "rssBytes": 387112960,
  "pageFaults": 168825,
  "majorPageFaults": 201
}
"#;

/// §9.4: google/cadvisor#2042's `/proc/meminfo`, the fields the spec lists.
const MEMINFO_9_4: &str = "\
==> /proc/meminfo <==
MemTotal:       263774064 kB
MemFree:         59887272 kB
MemAvailable:   221831940 kB
Buffers:          1097668 kB
Cached:         154110176 kB
Shmem:             248384 kB
SReclaimable:     7229012 kB
SwapTotal:              0 kB
";

/// The inputs of an example, by name.
fn inputs(example: &str) -> Vec<Source> {
    let file = |name: &str, text: &str| Source::file(name, text);
    match example {
        "9.1" => vec![file("memory.stat", ROOT_STAT_9_1)],
        "9.1 hypothetical node" => vec![
            file("memory.stat", ROOT_STAT_9_1),
            file("meminfo", HYPOTHETICAL_MEMINFO_9_1),
            file("node.json", HYPOTHETICAL_NODE_9_1),
        ],
        "9.1 hypothetical node and metrics" => vec![
            file("memory.stat", ROOT_STAT_9_1),
            file("meminfo", HYPOTHETICAL_MEMINFO_9_1),
            file("node.json", HYPOTHETICAL_NODE_9_1),
            file("nodemetrics.json", HYPOTHETICAL_NODE_METRICS_9_1),
        ],
        "9.2" => vec![file("meminfo", MEMINFO_9_2)],
        "9.2 with transcript" => vec![
            file("meminfo", MEMINFO_9_2),
            file("transcript.txt", TRANSCRIPT_9_2),
        ],
        "9.3" => vec![file("summary.json", SUMMARY_9_3)],
        "9.4" => vec![file("meminfo", MEMINFO_9_4)],
        other => panic!("no example {other}"),
    }
}

/// `(example, assumptions set by hand, check)`.
type Row = (&'static str, expect::Assume, Check);

const KIB: u64 = 1024;

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // §9.1: root memory.stat on cgroup v2, a kubelet with runc ≥ 1.1.9 (the default).
    ("9.1", &[], Kinds("memory.stat", &[Kind::Cgroup2MemoryStat])),
    ("9.1", &[], Assumption("cgroup", "v2", Origin::Detected)),
    ("9.1", &[], Assumption("root_usage", "anon+file", Origin::Default)),
    ("9.1", &[], Value("cadvisor.node.usage_bytes", Some(7293091840))),
    ("9.1", &[], Value("cadvisor.node.inactive_file_bytes", Some(5307346944))),
    ("9.1", &[], Value("cadvisor.node.working_set_bytes", Some(1985744896))),
    ("9.1", &[], Value("cadvisor.node.rss_bytes", Some(790425600))),
    ("9.1", &[], Value("cadvisor.node.cache_bytes", Some(6502666240))),
    ("9.1", &[], Value("kubelet.node.usage_bytes", Some(7293091840))),
    ("9.1", &[], Value("kubelet.node.working_set_bytes", Some(1985744896))),
    ("9.1", &[], Value("kubelet.node.rss_bytes", Some(790425600))),
    ("9.1", &[], Text("kubelet.node.working_set_text", Some("1.985744896e+09"))),
    ("9.1", &[], Text("metrics_server.node.memory_text", Some("1939204Ki"))),
    ("9.1", &[], Text("kubectl.top_node.memory_text", Some("1893Mi"))),
    // availableBytes and MEMORY(%) need MemTotal and allocatable, which the fixture lacks.
    ("9.1", &[], Missing("kubelet.node.available_bytes", "/proc/meminfo")),
    ("9.1", &[], Missing("kubectl.top_node.memory_percent_text", "kubectl get node")),
    ("9.1", &[], Missing("node.capacity_bytes", "/proc/meminfo")),
    // A kubelet with the pre-1.1.9 rule needs MemTotal − MemFree: not in this fixture.
    ("9.1", &[("kubelet", "1.28")], Assumption("root_usage", "total-free", Origin::Set)),
    ("9.1", &[("kubelet", "1.28")], Missing("cadvisor.node.usage_bytes", "/proc/meminfo")),
    ("9.1", &[("kubelet", "1.28")], Missing("kubelet.node.working_set_bytes", "/proc/meminfo")),
    // §9.1 with the spec's hypothetical MemTotal and allocatable.
    ("9.1 hypothetical node", &[], Value("node.capacity_bytes", Some(16393244 * KIB))),
    ("9.1 hypothetical node", &[], Text("node.capacity_bytes", Some("16393244Ki"))),
    ("9.1 hypothetical node", &[], Value("node.allocatable_bytes", Some(16681824256))),
    ("9.1 hypothetical node", &[], Text("node.allocatable_bytes", Some("16290844Ki"))),
    ("9.1 hypothetical node", &[], Value("kubelet.node.available_bytes", Some(14800936960))),
    ("9.1 hypothetical node", &[], Value("eviction.memory_available_bytes", Some(14800936960))),
    ("9.1 hypothetical node", &[], Text("kubectl.top_node.memory_percent_text", Some("11%"))),
    ("9.1 hypothetical node", &[], Value("kubectl.top_node.memory_percent_text", Some(11))),
    ("9.1 hypothetical node", &[], Text("kubectl.top_node.memory_percent_capacity_text", Some("11%"))),
    ("9.1 hypothetical node", &[], Finding(PercentOfAllocatable)),
    ("9.1 hypothetical node", &[], NoFinding(EvictionThresholdNear)),
    // The whole `kubectl top node` table needs the node's CPU too (see the NodeMetrics above).
    ("9.1 hypothetical node", &[], Missing("kubectl.top_node.table_text", "NodeMetrics")),
    ("9.1 hypothetical node and metrics", &[], Observed("metrics_server.node.memory_text", "1939204Ki", Agrees)),
    ("9.1 hypothetical node and metrics", &[], Text("kubectl.top_node.node-a.cpu_text", Some("124m"))),
    ("9.1 hypothetical node and metrics", &[], Lines("kubectl.top_node.table_text", &[
        "NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   ",
        "node-a   124m         6%       1893Mi          11%         ",
    ])),
    ("9.1 hypothetical node and metrics", &[], Text("kubectl.top_node.table_text", Some(
        "NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   \n\
         node-a   124m         6%       1893Mi          11%         \n",
    ))),

    // §9.2: free / top / htop / node_exporter from /proc/meminfo.
    ("9.2", &[], Kinds("meminfo", &[Kind::Meminfo])),
    ("9.2", &[], Assumption("procps", "all", Origin::Default)),
    ("9.2", &[], Value("procps.used_bytes.v3", Some(1023572 * KIB))),
    ("9.2", &[], Value("procps.used_bytes.v4", Some(1372344 * KIB))),
    ("9.2", &[], Value("procps.buff_cache_bytes", Some(5625524 * KIB))),
    ("9.2", &[], Line("procps.free_text.m.v4", "Mem: 16009 1340 9515 2 5493 14668")),
    ("9.2", &[], Line("procps.free_text.m.v3", "Mem: 16009 999 9515 2 5493 14668")),
    ("9.2", &[], Line("procps.free_text.h.v4", "Mem: 15Gi 1.3Gi 9.3Gi 2.4Mi 5.4Gi 14Gi")),
    ("9.2", &[], Line("procps.free_text.h.v3", "Mem: 15Gi 999Mi 9.3Gi 2.0Mi 5.4Gi 14Gi")),
    ("9.2", &[], Line("procps.free_text.h_si.v4", "Mem: 16G 1.4G 9G 2.6M 5.8G 15G")),
    ("9.2", &[], Line("procps.free_text.h_si.v3", "Mem: 16G 999M 9.5G 2.0M 5.5G 14G")),
    ("9.2", &[], Lines("procps.top_text.v4", &[
        "MiB Mem :  16009.0 total,   9515.8 free,   1340.2 used,   5493.7 buff/cache",
        "MiB Swap:      0.0 total,      0.0 free,      0.0 used.  14668.8 avail Mem",
    ])),
    ("9.2", &[], Line("procps.top_text.v3", "MiB Mem : 16009.0 total, 9515.8 free, 999.6 used, 5493.7 buff/cache")),
    ("9.2", &[], Value("htop.used_bytes", Some(1023572 * KIB))),
    ("9.2", &[], Text("htop.meter_text", Some("1002M/15.6G"))),
    ("9.2", &[("htop", "3.2.2")], Text("htop.meter_text", Some("1000M/15.6G"))),
    ("9.2", &[], Text("node_exporter.memory_used_percent", Some("8.4"))),
    // cAdvisor's root usage with runc ≤ 1.1.8 (kubelet ≤ 1.28): MemTotal − MemFree.
    ("9.2", &[("kubelet", "1.28")], Value("cadvisor.node.usage_bytes", Some(6808674304))),
    // The root memory.stat is not in the excerpt: no exact working set.
    ("9.2", &[], Missing("kubelet.node.working_set_bytes", "memory.stat")),
    // The same meminfo with procps-ng 4.0.2's own output beside it (verified by execution).
    ("9.2 with transcript", &[], Assumption("procps", "v4", Origin::Detected)),
    ("9.2 with transcript", &[], Kinds("transcript.txt", &[
        Kind::Free, Kind::Free, Kind::Free, Kind::Free, Kind::Free, Kind::Free, Kind::Top,
    ])),
    ("9.2 with transcript", &[], Observed("procps.used_bytes.v4", "1372344", Agrees)),
    ("9.2 with transcript", &[], Finding(Procps4Used)),
    ("9.2 with transcript", &[], Lines("procps.free_text.default.v4", &[
        "               total        used        free      shared  buff/cache   available",
        "Mem:        16393244     1372344     9744148        2496     5625524    15020900",
        "Swap:              0           0           0",
    ])),
    ("9.2 with transcript", &[], Lines("procps.free_text.h.v4", &[
        "Mem:            15Gi       1.3Gi       9.3Gi       2.4Mi       5.4Gi        14Gi",
        "Swap:             0B          0B          0B",
    ])),
    ("9.2 with transcript", &[], Lines("procps.free_text.h_si.v4", &[
        "Mem:             16G        1.4G          9G        2.6M        5.8G         15G",
    ])),
    ("9.2 with transcript", &[], Lines("procps.free_text.si.v4", &[
        "Mem:        16786681     1405280     9978007        2555     5760536    15381401",
    ])),
    ("9.2 with transcript", &[], Lines("procps.free_text.w.v4", &[
        "               total        used        free      shared     buffers       cache   available",
        "Mem:        16393244     1372344     9744148        2496      132344     5493180    15020900",
    ])),
    ("9.2 with transcript", &[], Lines("procps.free_text.g_t.v4", &[
        "Mem:              15           1           9           0           5          14",
    ])),
    ("9.2 with transcript", &[], Lines("procps.free_text.g_t.v4", &[
        "Total:            15           1           9",
    ])),

    // §9.3: a cgroup-v1 node's summary; every identity exact.
    ("9.3", &[], Kinds("summary.json", &[Kind::KubeletSummary])),
    ("9.3", &[], Value("node.capacity_bytes", Some(4111208448))),
    ("9.3", &[], Text("node.capacity_bytes", Some("4014852Ki"))),
    ("9.3", &[], Value("cadvisor.node.inactive_file_bytes", Some(478298112))),
    ("9.3", &[], Observed("kubelet.node.working_set_bytes", "928534528", OnlyObserved)),
    ("9.3", &[], Observed("kubelet.node.usage_bytes", "1406832640", OnlyObserved)),
    ("9.3", &[], Observed("kubelet.node.rss_bytes", "387112960", OnlyObserved)),
    ("9.3", &[], Text("kubelet.node.working_set_text", Some("9.28534528e+08"))),
    ("9.3", &[], Text("metrics_server.node.memory_text", Some("906772Ki"))),
    ("9.3", &[], Text("kubectl.top_node.memory_text", Some("885Mi"))),
    ("9.3", &[], Text("kubectl.top_node.memory_percent_capacity_text", Some("22%"))),
    ("9.3", &[], Missing("kubectl.top_node.memory_percent_text", "kubectl get node")),
    ("9.3", &[], Value("eviction.memory_available_bytes", Some(3182673920))),
    ("9.3", &[], Value("eviction.hard_threshold_bytes", Some(104857600))),
    ("9.3", &[], NoFinding(EvictionThresholdNear)),
    // A 10% threshold: int64(float64(capacity) × 0.1) with the percentage parsed as a float32
    // (0.1f32 = 0.100000001490116…), as the kubelet does: 411120850, not the spec's 411120844.
    ("9.3", &[("eviction_hard", "10%")], Value("eviction.hard_threshold_bytes", Some(411120850))),

    // §9.4: a 251 GiB cgroup-v1 host's meminfo, free 3.3 against 4.x.
    ("9.4", &[], Value("procps.used_bytes.v3", Some(41449936 * KIB))),
    ("9.4", &[], Value("procps.used_bytes.v4", Some(41942124 * KIB))),
    ("9.4", &[], Line("procps.free_text.h.v4", "Mem: 251Gi 39Gi 57Gi 242Mi 154Gi 211Gi")),
    ("9.4", &[], Line("procps.free_text.h.v3", "Mem: 251Gi 39Gi 57Gi 242Mi 154Gi 211Gi")),
    ("9.4", &[], Line("procps.free_text.h_si.v4", "Mem: 270G 42G 61G 254M 166G 227G")),
    ("9.4", &[], Line("procps.free_text.h_si.v3", "Mem: 257G 40G 58G 242M 158G 216G")),
    ("9.4", &[], Line("procps.top_text.v4", "MiB Mem : 257591.9 total, 58483.7 free, 40959.1 used, 158629.8 buff/cache")),
    ("9.4", &[], Line("procps.top_text.v4", "MiB Swap: 0.0 total, 0.0 free, 0.0 used. 216632.8 avail Mem")),
    ("9.4", &[], Value("htop.used_bytes", Some(41449936 * KIB))),
    ("9.4", &[], Text("htop.meter_text", Some("39.8G/252G"))),
];

#[test]
fn worked_examples_of_accounting_section_9() {
    let mut reports = expect::Cache::default();
    let mut failures = Failures::default();
    for (example, assume, check) in ROWS {
        let explained = reports.get(example, assume, || inputs(example));
        let label = format!("§{example} {assume:?} {check:?}");
        failures.record(&label, explained.check(check));
    }
    failures.finish();
}

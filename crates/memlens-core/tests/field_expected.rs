//! Every value of `tests/fixtures/field/*/expected.md` that the core can produce, through
//! `explain()` on the case's files (each file a `Source::file(name, text)`, `expected.md` left
//! out): quantities by id, assumptions, findings by code, and the kind of every document.
//!
//! One row per case and value. Where the engine's number is more exact than the case's prose
//! (a range bound expected.md rounded, a percent it truncated), the row asserts the engine's
//! exact text and says so. Deliberate deviations from expected.md:
//! - CPU millicores round **up**, as apimachinery's `MilliValue()` does (checked against a real
//!   kubectl): C27 `7338891n` → `8m` and `58846045n` → `59m`, C48 `329087452n` → `330m`
//!   (expected.md: 7m, 58m, 329m).
//! - C10's `availableBytes + workingSetBytes` of the `pods` container is the kubepods cgroup
//!   limit (capacity − reserved), not allocatable (which also subtracts the eviction
//!   threshold): `kubelet.pods.limit_bytes`.

mod expect;

use std::path::Path;

use expect::{Check, Check::*, Failures, Origin};
use memlens_core::input::{Kind, Kind::*, Source};
use memlens_core::report::{Agreement::*, FindingCode::*};

const FIELD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/field/");

/// A case's files, sorted by name, `expected.md` left out.
fn case_sources(case: &str) -> Vec<Source> {
    let dir = Path::new(FIELD).join(case);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "expected.md")
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let path = dir.join(&name);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            Source::file(name, text)
        })
        .collect()
}

/// `(case, assumptions set by hand, check)`.
type Row = (&'static str, expect::Assume, Check);

const KIB: u64 = 1024;
const MIB: u64 = 1 << 20;

const DETECTED: Origin = Origin::Detected;

/// The kinds of every document of every case, by file.
#[rustfmt::skip]
const KINDS: &[(&str, &str, &[Kind])] = &[
    ("C01", "free.txt", &[Free]),
    ("C01", "kubectl-top-node.txt", &[KubectlTopNode]),
    ("C03", "free.txt", &[Free]),
    ("C03", "kubectl-top-node.txt", &[KubectlTopNode]),
    ("C03", "kubectl-top-pod.txt", &[KubectlTopPod]),
    ("C04", "free.txt", &[Free]),
    ("C04", "kubectl-top-node.txt", &[KubectlTopNode]),
    ("C06", "describe-node.txt", &[KubectlDescribeNode]),
    ("C06", "free.txt", &[Free]),
    ("C06", "kubectl-top-node.txt", &[KubectlTopNode]),
    ("C07", "kubectl-top-node.txt", &[KubectlTopNode]),
    ("C07", "meminfo", &[Meminfo]),
    // `uname -r`, then `mount | grep cgroup`, which memlens does not read.
    ("C07", "mount.txt", &[Version, Unknown]),
    ("C07", "stats-summary-node-memory.json", &[KubeletSummary]),
    ("C08", "meminfo", &[Meminfo]),
    ("C10", "stats-summary.json", &[KubeletSummary]),
    ("C12", "describe-node.txt", &[KubectlDescribeNode]),
    ("C12", "kubectl-top-node-2.txt", &[KubectlTopNode]),
    ("C12", "kubectl-top-node.txt", &[KubectlTopNode]),
    ("C13", "describe-node.txt", &[KubectlDescribeNode]),
    ("C13", "kubectl-top-node.txt", &[KubectlTopNode]),
    ("C14", "session.txt", &[KubectlTopNode]),
    // A Go gctrace line and `ps` output: not kinds memlens reads.
    ("C16", "gctrace.txt", &[Unknown]),
    ("C16", "kubectl-top-pod.txt", &[KubectlTopPod]),
    ("C17", "kubectl-top-pod.txt", &[KubectlTopPod]),
    ("C17", "ps.txt", &[Unknown]),
    ("C19", "values.md", &[Cgroup1MemoryStat]),
    ("C20", "memory.stat", &[Cgroup1MemoryStat]),
    // Docker's API JSON and `docker stats`: not kinds memlens reads.
    ("C22", "docker-api-memory_stats.json", &[Unknown]),
    ("C22", "docker-stats.txt", &[Unknown]),
    ("C23", "free.txt", &[Free]),
    ("C23", "memory.usage_in_bytes", &[Cgroup1MemoryUsageInBytes]),
    ("C23", "top.txt", &[Top]),
    ("C25", "crio-6745.log", &[KubeletLog]),
    ("C25", "crio-7068.log", &[KubeletLog]),
    ("C26", "kubectl-top-node.txt", &[KubectlTopNode]),
    ("C27", "podmetrics.json", &[MetricsPods]),
    ("C30", "free-busybox.txt", &[Free]),
    ("C30", "free-procps.txt", &[Free]),
    ("C30", "meminfo", &[Meminfo]),
    ("C30", "top.txt", &[Top]),
    ("C31", "free.txt", &[Version, Free]),
    ("C32", "free.txt", &[Version, Free]),
    ("C33", "free.txt", &[Free]),
    // `cat /proc/meminfo | grep MemAvailable`, then `free`.
    ("C34", "free-ssc378de.txt", &[Meminfo, Free]),
    ("C34", "free-t31-pr28.txt", &[Free]),
    ("C34", "free-t31.txt", &[Free]),
    ("C36", "free-c.txt", &[Free]),
    ("C36", "free-de.txt", &[Free]),
    ("C38", "free-busybox.txt", &[Free]),
    ("C39", "alpine.txt", &[Meminfo, Free]),
    ("C39", "ubuntu.txt", &[Meminfo, Free]),
    ("C41", "top-busybox.txt", &[Top]),
    ("C42", "top.txt", &[Top]),
    ("C44", "free-h.txt", &[Free]),
    ("C44", "free-m.txt", &[Free]),
    ("C45", "metrics-resource.txt", &[Prometheus]),
    ("C48", "kubectl-top-node.txt", &[KubectlTopNode]),
    ("C48", "kubectl-top-pod.txt", &[KubectlTopPod]),
    ("C48", "nodemetrics.json", &[MetricsNodes]),
];

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // C01: procps 3.3 free −m vs kubectl top on a 256 GB k3s server.
    ("C01", &[], Assumption("procps", "v3", DETECTED)),
    ("C01", &[], Assumption("kubectl", "1.31", DETECTED)),
    ("C01", &[], Observed("procps.used_bytes.v3", "32841", OnlyObserved)),
    ("C01", &[], Observed("procps.total_bytes", "257444", OnlyObserved)),
    ("C01", &[], Observed("procps.free_bytes", "12737", OnlyObserved)),
    ("C01", &[], Observed("procps.buff_cache_bytes", "211865", OnlyObserved)),
    ("C01", &[], Observed("procps.shared_bytes", "114", OnlyObserved)),
    ("C01", &[], Observed("procps.available_bytes", "223625", OnlyObserved)),
    ("C01", &[], Observed("kubectl.top_node.server.memory_text", "127220Mi", OnlyObserved)),
    ("C01", &[], Observed("kubectl.top_node.server.memory_percent_text", "49%", OnlyObserved)),
    ("C01", &[], Finding(Procps3Used)),
    // total − available = 33819 MiB, as the KiB range the printed MiB allow.
    ("C01", &[], FindingSays(Procps3Used, "34629633–34631679 KiB")),
    // WS − free's used ≈ 127220 − 32841 MiB of active page cache.
    ("C01", &[], FindingSays(ActiveFileInWorkingSet, "94379.0 MiB")),
    ("C01", &[], FindingSays(ActiveFileInWorkingSet, "server")),
    // allocatable ∈ (254440, 259633] MiB: the lower bound exactly (the upper is 259634.7, as a
    // MiB cell stands for up to 127221 MiB).
    ("C01", &[], FindingSays(PercentOfAllocatable, "server: 254440.0 MiB")),
    ("C01", &[], Finding(TruncatedInput)),

    // C03: free −m with a lost header indent, kubectl top no / pod.
    ("C03", &[], Assumption("procps", "v3", DETECTED)),
    ("C03", &[], Observed("procps.used_bytes.v3", "3264", OnlyObserved)),
    ("C03", &[], Observed("procps.total_bytes", "7593", OnlyObserved)),
    ("C03", &[], Observed("procps.available_bytes", "4018", OnlyObserved)),
    ("C03", &[], Observed("kubectl.top_node.10.0.0.1.memory_text", "5543Mi", OnlyObserved)),
    ("C03", &[], Observed("kubectl.top_node.10.0.0.1.memory_percent_text", "76%", OnlyObserved)),
    ("C03", &[], FindingSays(PercentOfAllocatable, "10.0.0.1: 7198.7 MiB")),
    ("C03", &[], FindingSays(ActiveFileInWorkingSet, "2279.0 MiB")),
    ("C03", &[], Finding(Procps3Used)),
    // total − available = 3575 MiB.
    ("C03", &[], FindingSays(Procps3Used, "3659777–3661823 KiB")),
    ("C03", &[], Observed("kubectl.top_pod.default/xxxxxxxxxxxxxxxx.memory_text", "909Mi", OnlyObserved)),
    ("C03", &[], Observed("kubectl.top_pod.default/xxxxxxxxxxxxxxxx.cpu_text", "370m", OnlyObserved)),
    ("C03", &[], Observed("kubectl.top_pod.dynatrace/xxxxxxxxxxxxxxactivegate-0.memory_text", "712Mi", OnlyObserved)),
    ("C03", &[], Observed("kubectl.top_pod.kube-system/kube-flannel-ds-xxxxx.memory_text", "20Mi", OnlyObserved)),

    // C04: free says 96% used, kubectl top 30%: memory outside the cgroups.
    ("C04", &[], Assumption("procps", "v3", DETECTED)),
    ("C04", &[], Observed("procps.used_bytes.v3", "31000", OnlyObserved)),
    ("C04", &[], Observed("procps.buff_cache_bytes", "885", OnlyObserved)),
    ("C04", &[], Observed("kubectl.top_node.node-f.memory_text", "9895Mi", OnlyObserved)),
    ("C04", &[], Observed("kubectl.top_node.node-f.memory_percent_text", "30%", OnlyObserved)),
    ("C04", &[], Finding(MemoryOutsideCgroups)),
    // free.used − WS = 31001 − 9895 MiB (expected.md's "≈ 21.1 GiB" is 21105 MiB) on node-f.
    ("C04", &[], FindingSays(MemoryOutsideCgroups, "21105.0 MiB")),
    ("C04", &[], FindingSays(MemoryOutsideCgroups, "on node-f")),
    ("C04", &[], FindingSays(PercentOfAllocatable, "node-f: 31919.4 MiB")),
    ("C04", &[], NoFinding(ActiveFileInWorkingSet)),
    // total − available = 31759 MiB.
    ("C04", &[], FindingSays(Procps3Used, "32520193–32522239 KiB")),

    // C06: procps-ng 4 free (used = total − available).
    ("C06", &[], Assumption("procps", "v4", DETECTED)),
    ("C06", &[], Observed("procps.used_bytes.v4", "990816", OnlyObserved)),
    ("C06", &[], Finding(Procps4Used)),
    ("C06", &[], NoFinding(Procps3Used)),
    // The old formula: 3907112 − 536144 − 2565896.
    ("C06", &[], FindingSays(Procps4Used, "805072–805072 KiB")),
    ("C06", &[], Value("node.allocatable_bytes", Some(3292712 * KIB))),
    ("C06", &[], Text("node.allocatable_bytes", Some("3292712Ki"))),
    ("C06", &[], Observed("kubectl.top_node.node-a.memory_text", "2180Mi", OnlyObserved)),
    ("C06", &[], Observed("kubectl.top_node.node-a.memory_percent_text", "67%", OnlyObserved)),
    ("C06", &[], Observed("kubectl.top_node.cp-a.memory_percent_text", "80%", OnlyObserved)),
    ("C06", &[], Observed("kubectl.top_node.cp-b.memory_percent_text", "84%", OnlyObserved)),
    ("C06", &[], Finding(PercentOfAllocatable)),
    ("C06", &[], Finding(TruncatedInput)),

    // C07: node-a's summary beside another node's meminfo.
    ("C07", &[], Value("node.capacity_bytes", Some(4111208448))),
    ("C07", &[], Text("node.capacity_bytes", Some("4014852Ki"))),
    ("C07", &[], Finding(MixedSources)),
    ("C07", &[], Value("cadvisor.node.inactive_file_bytes", Some(478298112))),
    ("C07", &[], Observed("kubelet.node.working_set_bytes", "928534528", OnlyObserved)),
    ("C07", &[], Observed("kubelet.node.available_bytes", "3182673920", OnlyObserved)),
    ("C07", &[], Value("eviction.memory_available_bytes", Some(3182673920))),
    ("C07", &[], Text("kubelet.node.working_set_text", Some("9.28534528e+08"))),
    ("C07", &[], Text("metrics_server.node.memory_text", Some("906772Ki"))),
    // WS 885.5 MiB prints 885Mi; the pasted 881Mi is another sample.
    ("C07", &[], Text("kubectl.top_node.memory_text", Some("885Mi"))),
    ("C07", &[], Observed("kubectl.top_node.memory_text", "881Mi", Differs)),
    ("C07", &[], Observed("kubectl.top_node.node-a.memory_text", "881Mi", Differs)),
    ("C07", &[], Text("kubectl.top_node.memory_percent_capacity_text", Some("22%"))),
    ("C07", &[], Observed("kubectl.top_node.node-a.memory_percent_text", "31%", OnlyObserved)),
    ("C07", &[], Observed("kubectl.top_node.node-b.memory_percent_text", "30%", OnlyObserved)),
    ("C07", &[], Observed("kubectl.top_node.node-c.memory_percent_text", "30%", OnlyObserved)),
    // The three ranges intersect from 2787.1 MiB (expected.md: ≈ 2787–2842).
    ("C07", &[], FindingSays(PercentOfAllocatable, "node-b: 2787.1 MiB")),
    // The meminfo (the issue description's node).
    ("C07", &[], Value("procps.used_bytes.v3", Some(1023572 * KIB))),
    ("C07", &[], Value("procps.used_bytes.v4", Some(1372344 * KIB))),

    // C08: a 256 GB host's full meminfo.
    ("C08", &[], Value("procps.buff_cache_bytes", Some(162436856 * KIB))),
    ("C08", &[], Value("procps.used_bytes.v3", Some(41449936 * KIB))),
    ("C08", &[], Value("procps.used_bytes.v4", Some(41942124 * KIB))),
    ("C08", &[], Value("procps.shared_bytes", Some(248384 * KIB))),
    // Active(file) 56204408 kB.
    ("C08", &[], FindingSays(ActiveFileInWorkingSet, "54887.1 MiB")),
    ("C08", &[], Finding(TruncatedInput)),
    ("C08", &[], Missing("kubelet.node.working_set_bytes", "memory.stat")),

    // C10: the summary's system containers; the node block was cut off.
    ("C10", &[], Value("kubelet.pods.limit_bytes", Some(8181829632))),
    ("C10", &[], Text("kubelet.pods.limit_bytes", Some("7990068Ki"))),
    ("C10", &[], Value("eviction.allocatable_memory_available_bytes", Some(7569326080))),
    ("C10", &[], Observed("kubelet.system_container.pods.working_set_bytes", "612503552", OnlyObserved)),
    ("C10", &[], Value("kubelet.system_container.pods.inactive_file_bytes", Some(405028864))),
    ("C10", &[], Observed("kubelet.system_container.runtime.working_set_bytes", "102690816", OnlyObserved)),
    ("C10", &[], Value("kubelet.system_container.runtime.inactive_file_bytes", Some(77369344))),
    ("C10", &[], Observed("kubelet.system_container.kubelet.working_set_bytes", "58765312", OnlyObserved)),
    ("C10", &[], Value("kubelet.system_container.kubelet.inactive_file_bytes", Some(6557696))),
    // No node working set: not the sum of the system containers.
    ("C10", &[], Value("kubelet.node.working_set_bytes", None)),
    ("C10", &[], NotObserved("kubelet.node.working_set_bytes")),
    ("C10", &[], Finding(TruncatedInput)),

    // C12: over 100% of allocatable with no memory pressure.
    ("C12", &[], Finding(Over100Percent)),
    ("C12", &[], FindingSays(Over100Percent, "node-b (101%)")),
    ("C12", &[], FindingSays(Over100Percent, "node-g (109%)")),
    ("C12", &[], FindingSays(PercentOfAllocatable, "node-b: 27498.0 MiB")),
    ("C12", &[], FindingSays(PercentOfAllocatable, "node-a: 27418.2 MiB")),
    ("C12", &[], FindingSays(PercentOfAllocatable, "node-g: 2142.7 MiB")),
    ("C12", &[], Observed("kubectl.top_node.node-b.memory_text", "28048Mi", OnlyObserved)),
    ("C12", &[], Observed("kubectl.top_node.node-g.memory_percent_text", "109%", OnlyObserved)),
    ("C12", &[], Finding(TruncatedInput)),

    // C13: top node 88% against describe's requests.
    ("C13", &[], Observed("kubectl.top_node.node-a.memory_text", "6783Mi", OnlyObserved)),
    ("C13", &[], Observed("kubectl.top_node.node-a.memory_percent_text", "88%", OnlyObserved)),
    ("C13", &[], FindingSays(PercentOfAllocatable, "node-a: 7621.3 MiB")),

    // C14: the percent column cut off: ask for allocatable.
    ("C14", &[], Observed("kubectl.top_node.minikube.memory_text", "1003Mi", OnlyObserved)),
    ("C14", &[], Missing("kubectl.top_node.memory_percent_text", "kubectl get node")),
    ("C14", &[], NoFinding(PercentOfAllocatable)),
    ("C14", &[], Finding(TruncatedInput)),

    // C16: kubectl top pod --containers under `watch`, default namespace.
    ("C16", &[], Observed("kubectl.top_pod.default/pod-x/app.memory_text", "1545Mi", OnlyObserved)),
    ("C16", &[], Observed("kubectl.top_pod.default/pod-x/stash.memory_text", "86Mi", OnlyObserved)),
    ("C16", &[], Observed("kubectl.top_pod.default/pod-x/vault-agent.memory_text", "19Mi", OnlyObserved)),
    ("C16", &[], Observed("kubectl.top_pod.default/pod-x/app.cpu_text", "704m", OnlyObserved)),

    // C17: a headerless kubectl top pod row.
    ("C17", &[], Observed("kubectl.top_pod.default/{my_pod_name}.memory_text", "1394Mi", OnlyObserved)),
    ("C17", &[], Observed("kubectl.top_pod.default/{my_pod_name}.cpu_text", "9m", OnlyObserved)),

    // C19: a v1 cgroup transcribed with thousands separators.
    ("C19", &[], Assumption("cgroup", "v1", DETECTED)),
    ("C19", &[], Value("cadvisor.cgroup.pasted-1.usage_bytes", Some(2066567168))),
    ("C19", &[], Value("cadvisor.cgroup.pasted-1.inactive_file_bytes", Some(780808192))),
    ("C19", &[], Value("cadvisor.cgroup.pasted-1.working_set_bytes", Some(1285758976))),
    ("C19", &[], Value("cadvisor.cgroup.pasted-1.limit_bytes", Some(4194304000))),
    ("C19", &[], FindingSays(ActiveFileInWorkingSet, "total_active_file = 1254510592 bytes")),

    // C20: a container's v1 memory.stat (local keys, no usage), pasted as
    // /sys/fs/cgroup/memory/memory.stat, which is the root's path.
    ("C20", &[], Assumption("cgroup", "v1", DETECTED)),
    ("C20", &[], Missing("cadvisor.node.working_set_bytes", "memory.usage_in_bytes")),
    ("C20", &[], Missing("cadvisor.node.inactive_file_bytes", "memory.stat")),
    ("C20", &[], Finding(TruncatedInput)),

    // C23: a container at its 4 GiB limit, free/top showing the host.
    ("C23", &[], Assumption("cgroup", "v1", DETECTED)),
    ("C23", &[], Assumption("procps", "v3", DETECTED)),
    // The usage file pasted as /sys/fs/cgroup/memory/memory.usage_in_bytes (the root's path).
    ("C23", &[], Value("cadvisor.node.usage_bytes", Some(4294868992))),
    ("C23", &[], Missing("kubelet.node.working_set_bytes", "memory.stat")),
    ("C23", &[], Observed("procps.used_bytes.v3", "1269348", OnlyObserved)),
    ("C23", &[], Observed("procps.total_bytes", "70362904", OnlyObserved)),
    ("C23", &[], Observed("procps.available_bytes", "68398928", OnlyObserved)),
    ("C23", &[], Finding(HostViewInContainer)),

    // C25: CRI-O logging inactive_file above usage.
    ("C25", &[], Finding(WorkingSetClamped)),
    ("C25", &[], FindingSays(WorkingSetClamped, "inactive_file 3827683328 > usage 3233787904")),
    ("C25", &[], FindingSays(WorkingSetClamped, "566.4 MiB")),

    // C26: 0Mi on every node.
    ("C26", &[], Finding(StatsMissing)),
    ("C26", &[], FindingSays(StatsMissing, "6 of 6 nodes")),
    ("C26", &[], Observed("kubectl.top_node.node-a.memory_text", "0Mi", OnlyObserved)),
    ("C26", &[], Observed("kubectl.top_node.node-a.cpu_text", "354m", OnlyObserved)),
    ("C26", &[], Finding(PercentOfAllocatable)),

    // C27: PodMetricsList; CPU rounds up (see the top of the file).
    ("C27", &[], Text("kubectl.top_pod.kube-system/coredns-xxxxxxxxxx-xxxxx.memory_text", Some("14Mi"))),
    ("C27", &[], Value("kubectl.top_pod.kube-system/coredns-xxxxxxxxxx-xxxxx.memory_text", Some(14 * MIB))),
    ("C27", &[], Text("kubectl.top_pod.kube-system/coredns-xxxxxxxxxx-xxxxx.cpu_text", Some("8m"))),
    ("C27", &[], Text("kubectl.top_pod.kube-system/etcd-minikube.memory_text", Some("52Mi"))),
    ("C27", &[], Text("kubectl.top_pod.kube-system/etcd-minikube.cpu_text", Some("59m"))),
    ("C27", &[], Text("kubectl.top_pod.kube-system/etcd-minikube/etcd.memory_text", Some("52Mi"))),
    ("C27", &[], Finding(TruncatedInput)),

    // C30: BusyBox and procps free on one meminfo.
    ("C30", &[], Assumption("procps", "v3", DETECTED)),
    ("C30", &[], Finding(BusyboxFree)),
    ("C30", &[], Finding(Procps3Used)),
    ("C30", &[], Value("procps.used_bytes.v3", Some(280120 * KIB))),
    ("C30", &[], Observed("procps.used_bytes.v3", "280120", Agrees)),
    ("C30", &[], Value("procps.buff_cache_bytes", Some(803352 * KIB))),
    ("C30", &[], Observed("procps.buff_cache_bytes", "803352", Agrees)),
    ("C30", &[], Observed("procps.total_bytes", "8009240", Agrees)),
    // The 5-line meminfo has no MemAvailable, which the pasted free shows the kernel has.
    ("C30", &[], Missing("procps.used_bytes.v4", "MemAvailable")),
    // total − available from the pasted table.
    ("C30", &[], FindingSays(Procps3Used, "675504–675504 KiB")),
    // No Shmem line: htop's meter cannot be worked out.
    ("C30", &[], Missing("htop.meter_text", "Shmem")),

    // C31: procps-ng 3.3.9's old layout.
    ("C31", &[], Assumption("procps", "v3_9", DETECTED)),
    ("C31", &[], Observed("procps.used_bytes.v3_9", "3761", OnlyObserved)),
    ("C31", &[], Observed("procps.cache_bytes", "1991", OnlyObserved)),
    ("C31", &[], FindingSays(Procps3Used, "procps-ng ≤ 3.3.9")),

    // C32: procps-ng 3.3.10's new layout.
    ("C32", &[], Assumption("procps", "v3_10", DETECTED)),
    ("C32", &[], Observed("procps.used_bytes.v3_10", "551", OnlyObserved)),
    ("C32", &[], Observed("procps.buff_cache_bytes", "364", OnlyObserved)),
    ("C32", &[], Finding(Procps3Used)),
    // total − available = 764 MiB.
    ("C32", &[], FindingSays(Procps3Used, "781313–783359 KiB")),

    // C33: 3.3.x columns that add up.
    ("C33", &[], Assumption("procps", "v3", DETECTED)),
    ("C33", &[], Observed("procps.used_bytes.v3", "889", OnlyObserved)),
    ("C33", &[], Observed("procps.shared_bytes", "388", OnlyObserved)),
    ("C33", &[], Finding(Procps3Used)),

    // C34: BusyBox free without MemAvailable.
    ("C34", &[], Finding(BusyboxFree)),
    ("C34", &[], Finding(TruncatedInput)),
    ("C34", &[], Missing("htop.meter_text", "MemTotal")),

    // C36: German and C locale, two samples.
    ("C36", &[], Assumption("procps", "v3", DETECTED)),
    ("C36", &[], Observed("procps.used_bytes.v3", "11592644", OnlyObserved)),
    ("C36", &[], FindingSays(Procps3Used, "12894376–12894376 KiB")),

    // C38: BusyBox free, old layout.
    ("C38", &[], Assumption("procps", "v3_9", DETECTED)),
    ("C38", &[], Observed("procps.used_bytes.v3_9", "3607", OnlyObserved)),
    ("C38", &[], FindingSays(Procps3Used, "BusyBox")),

    // C39: lxcfs meminfo (123 MiB) against BusyBox free (the host).
    ("C39", &[], Value("procps.total_bytes", Some(125952 * KIB))),
    ("C39", &[], Value("node.capacity_bytes", Some(125952 * KIB))),
    ("C39", &[], Finding(HostViewInContainer)),
    ("C39", &[], FindingSays(HostViewInContainer, "lxcfs")),
    ("C39", &[], Finding(BusyboxFree)),

    // C41: BusyBox top with a wrapped cached value.
    ("C41", &[], Finding(ImpossibleValue)),
    ("C41", &[], FindingSays(ImpossibleValue, "139914323006485K")),
    ("C41", &[], Observed("procps.free_bytes", "159356K", OnlyObserved)),

    // C42: procps-ng 4 top.
    ("C42", &[], Assumption("procps", "v4", DETECTED)),
    ("C42", &[], Observed("procps.used_bytes.v4", "2940.6", OnlyObserved)),
    ("C42", &[], Finding(Procps4Used)),
    // The old formula's 2154.7 MiB, as the KiB range the printed MiB allow.
    ("C42", &[], FindingSays(Procps4Used, "2206261–2206565 KiB")),

    // C44: free −h with G/M units and free −m.
    ("C44", &[], Assumption("procps", "v3", DETECTED)),
    ("C44", &[], Observed("procps.used_bytes.v3", "409M", OnlyObserved)),
    ("C44", &[], Finding(Procps3Used)),
    // total − available ≈ 1.1G on the 7.4G node.
    ("C44", &[], FindingSays(Procps3Used, "1048577–1258290 KiB")),

    // C45: raw /metrics/resource, two scrapes.
    ("C45", &[], Observed("kubelet.node.working_set_text", "8.63531008e+08", OnlyObserved)),
    ("C45", &[], Text("metrics_server.node.memory_text", Some("843292Ki"))),
    ("C45", &[], Text("kubectl.top_node.memory_text", Some("823Mi"))),
    ("C45", &[], Text("kubectl.top_pod.kube-system/calico-node-aaaaa.memory_text", Some("128Mi"))),
    ("C45", &[], Text("kubectl.top_pod.kube-system/kube-proxy-bbbbb.memory_text", Some("15Mi"))),
    ("C45", &[], Text("kubectl.top_pod.kube-system/calico-node-ccccc.memory_text", Some("161Mi"))),
    ("C45", &[], Text("kubectl.top_pod.kube-system/metrics-server-xxxxxxxxxx-xxxxx.memory_text", Some("14Mi"))),
    ("C45", &[], Finding(PodSumOfContainers)),
    ("C45", &[], FindingSays(PodSumOfContainers, "kube-system/calico-node-aaaaa")),
    ("C45", &[], FindingSays(PodSumOfContainers, "279.3 MiB")),

    // C48: NodeMetrics JSON beside top node and top pod −A.
    ("C48", &[], Observed("metrics_server.node.memory_text", "2748180Ki", OnlyObserved)),
    ("C48", &[], Text("kubectl.top_node.memory_text", Some("2683Mi"))),
    ("C48", &[], Observed("kubectl.top_node.memory_text", "2685Mi", Differs)),
    ("C48", &[], Text("kubectl.top_node.node-a.memory_text", Some("2683Mi"))),
    ("C48", &[], Text("kubectl.top_node.node-a.cpu_text", Some("330m"))),
    ("C48", &[], Observed("kubectl.top_node.node-a.cpu_text", "354m", Differs)),
    ("C48", &[], Observed("kubectl.top_node.node-b.memory_text", "2244Mi", OnlyObserved)),
    ("C48", &[], Observed("kubectl.top_node.node-c.memory_percent_text", "36%", OnlyObserved)),
    ("C48", &[], FindingSays(PercentOfAllocatable, "node-a: 5837.0 MiB")),
    ("C48", &[], FindingSays(PercentOfAllocatable, "node-b: 5753.8 MiB")),
    ("C48", &[], Missing("kubectl.top_node.table_text", "status.allocatable of node node-a")),
    ("C48", &[], Observed("kubectl.top_pod.kube-system/kube-apiserver-node-a.memory_text", "343Mi", OnlyObserved)),
    ("C48", &[], Observed("kubectl.top_pod.default/resource-consumer-pod.cpu_text", "100m", OnlyObserved)),
];

#[test]
fn document_kinds_of_every_field_case() {
    let mut reports = expect::Cache::default();
    let mut failures = Failures::default();
    for (case, file, kinds) in KINDS {
        let explained = reports.get(case, &[], || case_sources(case));
        let check = Kinds(file, kinds);
        failures.record(&format!("{case} {check:?}"), explained.check(&check));
    }
    // Every file of every case has a row.
    let cases: Vec<&str> = {
        let mut c: Vec<&str> = KINDS.iter().map(|k| k.0).collect();
        c.dedup();
        c
    };
    for case in cases {
        for s in case_sources(case) {
            let name = s.name.unwrap_or_default();
            let listed = KINDS.iter().any(|(c, f, _)| *c == case && *f == name);
            failures.record(
                &format!("{case} {name}"),
                if listed {
                    Ok(())
                } else {
                    Err("no row for this file".to_string())
                },
            );
        }
    }
    failures.finish();
}

#[test]
fn every_field_case_has_its_expected_values() {
    let mut reports = expect::Cache::default();
    let mut failures = Failures::default();
    for (case, assume, check) in ROWS {
        let explained = reports.get(case, assume, || case_sources(case));
        let label = format!("{case} {assume:?} {check:?}");
        failures.record(&label, explained.check(check));
    }
    failures.finish();
}

#[test]
fn every_field_case_is_in_a_table() {
    let mut dirs: Vec<String> = std::fs::read_dir(FIELD)
        .unwrap_or_else(|e| panic!("{FIELD}: {e}"))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let missing: Vec<&String> = dirs
        .iter()
        .filter(|d| !KINDS.iter().any(|(c, _, _)| c == d))
        .collect();
    assert!(missing.is_empty(), "cases without rows: {missing:?}");
}

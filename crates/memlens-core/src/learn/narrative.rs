//! Filling a story's placeholders from a report.
//!
//! A story names each number by the id of the quantity that holds it, in braces:
//! `kubectl prints {kubectl.top_node.memory_text}`. Rendering replaces each placeholder with
//! what the report says: the quantity's own text when the tool prints one (`1893Mi`), else a
//! human size with the exact byte count (`1.8 GiB (1985744896 bytes)`).

use serde::Serialize;

use crate::report::{Quantity, Report};

/// A piece of a rendered story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Segment {
    Text {
        text: String,
    },
    /// A number from the report; `shown` is `None` when the report has no value for it.
    Quantity {
        id: String,
        shown: Option<String>,
    },
}

/// The quantity ids a text names, in order (repeats kept).
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = rest.get(open + 1..).unwrap_or("");
        let Some(close) = after.find('}') else { break };
        ids.push(after.get(..close).unwrap_or(""));
        rest = after.get(close + 1..).unwrap_or("");
    }
    ids
}

/// A text cut into plain pieces and numbers.
pub fn render(text: &str, report: &Report) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = rest.get(open + 1..).unwrap_or("");
        let Some(close) = after.find('}') else { break };
        let before = rest.get(..open).unwrap_or("");
        if !before.is_empty() {
            out.push(Segment::Text {
                text: before.to_string(),
            });
        }
        let id = after.get(..close).unwrap_or("");
        out.push(Segment::Quantity {
            id: id.to_string(),
            shown: report.quantity(id).and_then(shown),
        });
        rest = after.get(close + 1..).unwrap_or("");
    }
    if !rest.is_empty() {
        out.push(Segment::Text {
            text: rest.to_string(),
        });
    }
    out
}

/// A text with every number filled in; a number the report lacks reads `[id: not known]`.
pub fn render_text(text: &str, report: &Report) -> String {
    render(text, report)
        .into_iter()
        .map(|s| match s {
            Segment::Text { text } => text,
            Segment::Quantity { shown: Some(s), .. } => s,
            Segment::Quantity { id, shown: None } => format!("[{id}: not known]"),
        })
        .collect()
}

/// How a story shows a quantity: the tool's text, or a byte count as a human size with the
/// exact bytes, or the bare value.
pub fn shown(q: &Quantity) -> Option<String> {
    if let Some(text) = &q.text {
        return Some(text.clone());
    }
    let value = q.value?;
    if q.id.ends_with("_bytes") || q.id.contains("_bytes.") {
        Some(format!("{} ({value} bytes)", human_bytes(value)))
    } else {
        Some(value.to_string())
    }
}

/// A byte count in binary units with one decimal, rounded half up: `1.2 GiB`, `512.0 MiB`,
/// `900 B`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut unit = 1024u128;
    let mut name = "KiB";
    for (i, u) in UNITS.iter().enumerate() {
        let size = 1u128 << (10 * (i + 1));
        if u128::from(bytes) >= size {
            unit = size;
            name = u;
        }
    }
    let tenths = (u128::from(bytes) * 10 + unit / 2) / unit;
    format!("{}.{} {name}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        let cases: &[(u64, &str)] = &[
            (0, "0 B"),
            (1023, "1023 B"),
            (1024, "1.0 KiB"),
            (1536, "1.5 KiB"),
            (1985744896, "1.8 GiB"),
            (1 << 30, "1.0 GiB"),
            ((1 << 30) - 1, "1024.0 MiB"),
            (u64::MAX, "16.0 EiB"),
        ];
        for (bytes, want) in cases {
            assert_eq!(human_bytes(*bytes), *want, "{bytes}");
        }
    }

    #[test]
    fn placeholders_are_found_and_filled() {
        let report = Report {
            quantities: vec![
                Quantity {
                    id: "kubectl.top_node.memory_text".into(),
                    text: Some("1893Mi".into()),
                    ..Default::default()
                },
                Quantity {
                    id: "kubelet.node.working_set_bytes".into(),
                    value: Some(1985744896),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let text = "kubectl prints {kubectl.top_node.memory_text} of \
                    {kubelet.node.working_set_bytes}; {nope} {unclosed";
        assert_eq!(
            placeholders(text),
            vec![
                "kubectl.top_node.memory_text",
                "kubelet.node.working_set_bytes",
                "nope"
            ]
        );
        assert_eq!(
            render_text(text, &report),
            "kubectl prints 1893Mi of 1.8 GiB (1985744896 bytes); [nope: not known] {unclosed"
        );
    }
}

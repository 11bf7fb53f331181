use yew::prelude::*;

use crate::state::DocumentSummary;

#[derive(Properties, PartialEq)]
pub struct DocumentListProps {
    pub documents: Vec<DocumentSummary>,
}

/// The documents found in the paste: each one's kind, name, lines and why it got its kind.
#[function_component(DocumentList)]
pub fn document_list(props: &DocumentListProps) -> Html {
    let count = props.documents.len();
    let heading = match count {
        0 => "No documents yet".to_string(),
        1 => "1 document found".to_string(),
        n => format!("{n} documents found"),
    };

    html! {
        <section class="documents" aria-labelledby="documents-heading" aria-live="polite">
            <h2 id="documents-heading" data-testid="documents-heading">{ heading }</h2>
            if count == 0 {
                <p class="hint">
                    { "Each output you paste is listed here with the kind memlens recognised \
                       and the lines that told it so." }
                </p>
            } else {
                <ol class="document-list">
                    { for props.documents.iter().map(document_item) }
                </ol>
            }
        </section>
    }
}

fn document_item(doc: &DocumentSummary) -> Html {
    html! {
        <li class="document" data-testid="document" data-kind={doc.kind.clone()}>
            <div class="document-head">
                <span class="document-id">{ &doc.id }</span>
                <span class="kind-label">{ &doc.kind_label }</span>
                <code class="kind" title="the kind's name">{ &doc.kind }</code>
            </div>
            <div class="document-meta">
                if let Some(name) = &doc.name {
                    <code class="document-name">{ name }</code>{ " · " }
                }
                <span class="document-lines">{ lines_text(doc) }</span>
            </div>
            <ul class="reasons" aria-label="why this kind">
                { for doc.reasons.iter().map(|reason| html! { <li>{ quoted(reason) }</li> }) }
            </ul>
        </li>
    }
}

/// `5 lines (2–6)`: how many lines the document kept, and where it sits in the paste.
fn lines_text(doc: &DocumentSummary) -> String {
    match doc.line_count {
        1 => format!("1 line ({})", doc.first_line),
        n => format!("{n} lines ({}–{})", doc.first_line, doc.last_line),
    }
}

/// Shows a reason with its `quoted` parts as code.
fn quoted(text: &str) -> Html {
    html! {
        { for quoted_parts(text).into_iter().map(|(is_code, part)| {
            if is_code { html! { <code>{ part }</code> } } else { html! { { part } } }
        }) }
    }
}

/// Splits text at backticks into plain and code parts: `(true, part)` is code. Text with an
/// unmatched backtick stays one plain part.
fn quoted_parts(text: &str) -> Vec<(bool, &str)> {
    if text.matches('`').count() % 2 == 1 {
        return vec![(false, text)];
    }
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(index, part)| (index % 2 == 1, part))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backticks_mark_code() {
        let cases: [(&str, &[(bool, &str)]); 5] = [
            (
                "a `MemTotal:` line",
                &[(false, "a "), (true, "MemTotal:"), (false, " line")],
            ),
            ("`free -m`", &[(true, "free -m")]),
            ("no quotes", &[(false, "no quotes")]),
            ("one ` alone", &[(false, "one ` alone")]),
            ("", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(quoted_parts(text), expected, "{text:?}");
        }
    }
}

//! The report as text for a terminal and as Markdown for a ticket. The page and the CLI share
//! these, so a copied summary reads the same everywhere.

use std::fmt::Write;

use crate::report::{Agreement, Quantity, Report};

/// Styling for the text form: ANSI colour on a terminal, none elsewhere.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_string()
        }
    }

    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// The text width the report is laid out for.
pub const WIDTH: usize = 100;

/// The value of a quantity as the tool prints it, or its byte count.
pub fn shown(q: &Quantity) -> Option<String> {
    if let Some(t) = &q.text {
        return Some(t.clone());
    }
    q.value.map(|v| v.to_string())
}

/// How a pasted number compares, in a few words.
pub fn agreement(q: &Quantity) -> Option<String> {
    let o = q.observed.as_ref()?;
    Some(match o.agrees {
        Agreement::Agrees => format!("pasted {} agrees", o.text),
        Agreement::Differs => match o.difference {
            Some(d) => format!("pasted {} differs by {d}", o.text),
            None => format!("pasted {} differs", o.text),
        },
        Agreement::OnlyObserved => format!("pasted {}", o.text),
    })
}

/// Quantities worth listing: computed ones and those the paste shows.
fn listed(report: &Report) -> impl Iterator<Item = &Quantity> {
    report.quantities.iter().filter(|q| {
        (q.value.is_some() || q.text.is_some() || q.observed.is_some())
            && !q.id.starts_with("procps.free_text.")
            && !q.id.starts_with("procps.top_text.")
    })
}

/// Wraps `text` at `width` columns, indenting every line by `indent` spaces.
pub fn wrap(text: &str, indent: usize, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    let pad = " ".repeat(indent);
    for word in text.split_whitespace() {
        if !line.is_empty() && indent + line.chars().count() + 1 + word.chars().count() > width {
            let _ = writeln!(out, "{pad}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{pad}{line}");
    }
    out
}

/// The report as text for a terminal, at most [`WIDTH`] columns.
pub fn text(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.bold("Verdict"));
    out.push_str(&wrap(&report.verdict, 2, WIDTH));

    let _ = writeln!(out, "\n{}", style.bold("Every tool's number"));
    for q in listed(report) {
        let value = shown(q).unwrap_or_else(|| "—".to_string());
        let mut line = format!(
            "  {:<46} {:>18}",
            truncate(&q.label, 46),
            truncate(&value, 18)
        );
        if let Some(a) = agreement(q) {
            line.push_str("  ");
            line.push_str(&a);
        }
        let _ = writeln!(out, "{}", truncate(&line, WIDTH));
        if let Some(d) = &q.derivation {
            let _ = write!(
                out,
                "{}",
                style.dim(&wrap(&format!("= {}", d.formula), 6, WIDTH))
            );
        }
    }
    let missing: Vec<&Quantity> = report
        .quantities
        .iter()
        .filter(|q| q.value.is_none() && q.text.is_none())
        .collect();
    if !missing.is_empty() {
        let mut needs: Vec<&str> = missing
            .iter()
            .flat_map(|q| q.missing.iter().map(String::as_str))
            .collect();
        needs.sort_unstable();
        needs.dedup();
        let _ = writeln!(out, "\n{}", style.bold("Not computed, for want of"));
        for n in needs {
            out.push_str(&wrap(&format!("- {n}"), 2, WIDTH));
        }
    }

    for bridge in &report.bridges {
        let _ = writeln!(out, "\n{}", style.bold(&bridge.title));
        let _ = writeln!(
            out,
            "  {:<60} {:>16}",
            truncate(&bridge.from, 60),
            bridge.from_value
        );
        for step in &bridge.steps {
            let sign = if step.delta < 0 { "−" } else { "+" };
            let _ = writeln!(
                out,
                "  {:<60} {:>16}",
                truncate(&format!("{sign} {}", step.label), 60),
                step.delta.unsigned_abs()
            );
        }
        let _ = writeln!(
            out,
            "  {:<60} {:>16}",
            truncate(&format!("= {}", bridge.to), 60),
            bridge.to_value
        );
    }

    if !report.findings.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("Findings"));
        for f in &report.findings {
            let head = format!("{}. [{}] {}", f.rank, f.code, f.summary);
            out.push_str(&wrap(&head, 2, WIDTH));
            out.push_str(&wrap(&f.explanation, 5, WIDTH));
            if let Some(n) = &f.next {
                out.push_str(&wrap(
                    &format!("Paste next: {} — {}", n.what, n.command),
                    5,
                    WIDTH,
                ));
            }
        }
    }

    let _ = writeln!(out, "\n{}", style.bold("Documents"));
    for d in &report.documents {
        let name = d.name.as_deref().unwrap_or("(unnamed)");
        let _ = writeln!(
            out,
            "  {} {:<24} {} (lines {}–{})",
            d.id,
            d.kind.as_str(),
            truncate(name, 50),
            d.first_line,
            d.last_line
        );
        for diag in &d.diagnostics {
            out.push_str(&wrap(&diag.to_string(), 6, WIDTH));
        }
    }

    let _ = writeln!(out, "\n{}", style.bold("Assumptions"));
    for a in &report.assumptions {
        let source = match a.source {
            crate::report::AssumptionSource::Default => "default",
            crate::report::AssumptionSource::Detected => "detected",
            crate::report::AssumptionSource::Set => "set",
        };
        out.push_str(&wrap(
            &format!("{} = {} ({source}: {})", a.key, a.value, a.reason),
            2,
            WIDTH,
        ));
    }
    out
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// Escapes the characters Markdown tables care about.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The report as Markdown, for a ticket or a chat.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## memlens: why the memory numbers differ\n");
    let _ = writeln!(out, "**Verdict:** {}\n", report.verdict);

    let _ = writeln!(out, "| Tool's number | Value | Pasted | Formula |");
    let _ = writeln!(out, "|---|---:|---|---|");
    for q in listed(report) {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            cell(&q.label),
            cell(&shown(q).unwrap_or_else(|| "—".to_string())),
            cell(&agreement(q).unwrap_or_default()),
            cell(q.derivation.as_ref().map_or("", |d| d.formula.as_str()))
        );
    }

    for bridge in &report.bridges {
        let _ = writeln!(out, "\n### {}\n", bridge.title);
        let _ = writeln!(out, "| Step | Bytes |\n|---|---:|");
        let _ = writeln!(out, "| {} | {} |", cell(&bridge.from), bridge.from_value);
        for step in &bridge.steps {
            let _ = writeln!(out, "| {} | {:+} |", cell(&step.label), step.delta);
        }
        let _ = writeln!(
            out,
            "| **= {}** | **{}** |",
            cell(&bridge.to),
            bridge.to_value
        );
    }

    if !report.findings.is_empty() {
        let _ = writeln!(out, "\n### Findings\n");
        for f in &report.findings {
            let _ = writeln!(
                out,
                "{}. **{}** (`{}`): {}",
                f.rank, f.summary, f.code, f.explanation
            );
            if let Some(n) = &f.next {
                let _ = writeln!(out, "   - Paste next: {}: `{}`", n.what, n.command);
            }
        }
    }

    let _ = writeln!(
        out,
        "\n<details><summary>Inputs and assumptions</summary>\n"
    );
    for d in &report.documents {
        let _ = writeln!(
            out,
            "- {} `{}` {} (lines {}–{}){}",
            d.id,
            d.kind,
            d.name.as_deref().unwrap_or(""),
            d.first_line,
            d.last_line,
            if d.diagnostics.is_empty() {
                String::new()
            } else {
                format!(", {} diagnostic(s)", d.diagnostics.len())
            }
        );
    }
    for a in &report.assumptions {
        let _ = writeln!(out, "- assume `{}={}` ({:?})", a.key, a.value, a.source);
    }
    let _ = writeln!(out, "\n</details>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_width_and_indent() {
        let text = "one two three four five six seven eight nine ten";
        let wrapped = wrap(text, 2, 20);
        for line in wrapped.lines() {
            assert!(line.chars().count() <= 20, "{line:?}");
            assert!(line.starts_with("  "));
        }
        assert_eq!(
            wrapped.split_whitespace().collect::<Vec<_>>().join(" "),
            text
        );
    }

    #[test]
    fn markdown_cells_escape_pipes() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}

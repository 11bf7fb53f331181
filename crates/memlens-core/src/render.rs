//! The report as text for a terminal and as Markdown for a ticket. The page and the CLI share
//! these, so a copied summary reads the same everywhere.
//!
//! Quantities are shown grouped by the tool family they belong to. The cells of a pasted
//! `kubectl top` table (one quantity per node and column) are put back together as one row per
//! node or pod, so seven nodes take seven lines rather than twenty-eight; every quantity is still
//! shown, under its column.

use std::fmt::Write;

use crate::input::Severity;
use crate::report::{Agreement, AssumptionSource, Composition, Quantity, Report};

/// Styling for the text form: ANSI colour on a terminal, none elsewhere.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
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

    fn warn(self, text: &str) -> String {
        self.paint("33", text)
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

/// Quantities worth listing: computed ones and those the paste shows. The exact text of `free`
/// and `top` for every generation is left to the JSON form (`memlens free` prints it too).
fn listed(report: &Report) -> impl Iterator<Item = &Quantity> {
    report.quantities.iter().filter(|q| {
        (q.value.is_some() || q.text.is_some() || q.observed.is_some())
            && !q.id.starts_with("procps.free_text.")
            && !q.id.starts_with("procps.top_text.")
    })
}

/// Wraps `text` at `width` columns, indenting every line by `indent` spaces.
pub fn wrap(text: &str, indent: usize, width: usize) -> String {
    let pad = " ".repeat(indent);
    hanging(text, &pad, indent, width)
}

/// Wraps `text` at `width` columns: the first line starts with `first`, the others are indented
/// by `indent` spaces. A word longer than a line is cut, so no line is ever wider than `width`.
fn hanging(text: &str, first: &str, indent: usize, width: usize) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut line_len = first.chars().count();
    let mut empty = true;
    let pad = " ".repeat(indent);
    let mut words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    words.reverse();
    while let Some(word) = words.pop() {
        let len = word.chars().count();
        let needed = if empty { len } else { len + 1 };
        if line_len + needed <= width {
            if !empty {
                line.push(' ');
            }
            line.push_str(&word);
            line_len += needed;
            empty = false;
            continue;
        }
        if !empty {
            let _ = writeln!(out, "{line}");
            line = pad.clone();
            line_len = indent;
            empty = true;
            words.push(word);
            continue;
        }
        // A word wider than a whole line: cut it.
        let room = width.saturating_sub(line_len).max(1);
        let head: String = word.chars().take(room).collect();
        let tail: String = word.chars().skip(room).collect();
        line.push_str(&head);
        let _ = writeln!(out, "{line}");
        line = pad.clone();
        line_len = indent;
        if !tail.is_empty() {
            words.push(tail);
        }
    }
    if !empty {
        let _ = writeln!(out, "{line}");
    }
    out
}

/// A byte count in binary units with one decimal (`14.8 GiB`), rounded half up, for reading;
/// the exact count stands beside it.
fn human(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    // The largest unit the count reaches.
    let mut power = 0;
    while power < 6 && bytes >> (10 * (power + 1)) > 0 {
        power += 1;
    }
    if power == 0 {
        return format!("{bytes} B");
    }
    let unit = 1u128 << (10 * power);
    let tenths = (u128::from(bytes) * 10 + unit / 2) / unit;
    let name = UNITS.get(power).copied().unwrap_or("EiB");
    format!("{}.{} {name}", tenths / 10, tenths % 10)
}

/// Whether a quantity's value is a byte count.
fn is_bytes(q: &Quantity) -> bool {
    q.id.ends_with("_bytes") || q.id.contains("_bytes.")
}

/// The families quantities are shown in, in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Family {
    Node,
    Cgroups,
    TopNodeRows,
    TopPodRows,
    Procps,
    OtherTools,
    Other,
}

impl Family {
    fn of(id: &str) -> Family {
        if row_of(id).is_some() {
            return if id.starts_with("kubectl.top_node.") {
                Family::TopNodeRows
            } else {
                Family::TopPodRows
            };
        }
        let first = id.split('.').next().unwrap_or("");
        match first {
            "node" | "kubelet" | "metrics_server" | "kubectl" | "eviction" => Family::Node,
            "cadvisor" if id.starts_with("cadvisor.cgroup.") => Family::Cgroups,
            "cadvisor" => Family::Node,
            "procps" => Family::Procps,
            "htop" | "node_exporter" => Family::OtherTools,
            _ => Family::Other,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Family::Node => "Kubernetes, node",
            Family::Cgroups => "cgroups",
            Family::TopNodeRows => "kubectl top node, one row per node",
            Family::TopPodRows => "kubectl top pod, one row per pod",
            Family::Procps => "free and top (procps)",
            Family::OtherTools => "htop and node_exporter",
            Family::Other => "Other",
        }
    }
}

/// The columns a `kubectl top` row has, in kubectl's order, with the header kubectl prints.
const ROW_FIELDS: [(&str, &str); 6] = [
    ("cpu_text", "CPU(cores)"),
    ("cpu_percent_text", "CPU(%)"),
    ("memory_text", "MEMORY(bytes)"),
    ("memory_percent_text", "MEMORY(%)"),
    ("memory_percent_capacity_text", "MEMORY(%) of capacity"),
    ("swap_text", "SWAP(bytes)"),
];

/// `kubectl.top_node.<node>.<field>` or `kubectl.top_pod.<namespace>/<pod>.<field>` → the row
/// and the field. Names may hold dots (`ip-10-0-1-2.ec2.internal`); fields never do.
fn row_of(id: &str) -> Option<(&str, &str)> {
    let rest = id
        .strip_prefix("kubectl.top_node.")
        .or_else(|| id.strip_prefix("kubectl.top_pod."))?;
    let (row, field) = rest.rsplit_once('.')?;
    (!row.is_empty() && (field.ends_with("_text") || field.ends_with("_bytes")))
        .then_some((row, field))
}

/// One table of `kubectl top` rows.
struct RowTable<'a> {
    family: Family,
    /// Field ids, in column order.
    fields: Vec<&'a str>,
    rows: Vec<(&'a str, Vec<Option<&'a Quantity>>)>,
}

impl<'a> RowTable<'a> {
    fn build(family: Family, quantities: &[&'a Quantity]) -> RowTable<'a> {
        let mut fields: Vec<&'a str> = Vec::new();
        for (field, _) in ROW_FIELDS {
            if quantities
                .iter()
                .any(|q| row_of(&q.id).is_some_and(|(_, f)| f == field))
            {
                fields.push(field);
            }
        }
        for q in quantities {
            if let Some((_, field)) = row_of(&q.id)
                && !fields.contains(&field)
            {
                fields.push(field);
            }
        }
        let mut rows: Vec<(&'a str, Vec<Option<&'a Quantity>>)> = Vec::new();
        for q in quantities {
            let Some((row, field)) = row_of(&q.id) else {
                continue;
            };
            let index = match rows.iter().position(|(name, _)| *name == row) {
                Some(index) => index,
                None => {
                    rows.push((row, vec![None; fields.len()]));
                    rows.len() - 1
                }
            };
            let column = fields.iter().position(|f| *f == field);
            if let (Some((_, cells)), Some(column)) = (rows.get_mut(index), column)
                && let Some(cell) = cells.get_mut(column)
            {
                *cell = Some(q);
            }
        }
        RowTable {
            family,
            fields,
            rows,
        }
    }

    fn header(field: &str) -> &str {
        ROW_FIELDS
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(field, |(_, h)| h)
    }

    /// `1893Mi`; `1893Mi≠1890Mi` when the recomputed number (first) differs from the pasted one.
    fn cell(q: Option<&Quantity>) -> String {
        let Some(q) = q else {
            return String::new();
        };
        let computed = shown(q);
        match (&computed, &q.observed) {
            (Some(c), Some(o)) if o.agrees == Agreement::Differs => format!("{c}≠{}", o.text),
            (Some(c), _) => c.clone(),
            (None, Some(o)) => o.text.clone(),
            (None, None) => String::new(),
        }
    }

    /// Where a row's numbers come from.
    fn origin(cells: &[Option<&Quantity>]) -> &'static str {
        let present: Vec<&Quantity> = cells.iter().flatten().copied().collect();
        let computed = present
            .iter()
            .any(|q| q.value.is_some() || q.text.is_some());
        let pasted = present.iter().any(|q| q.observed.is_some());
        let differs = present.iter().any(|q| {
            q.observed
                .as_ref()
                .is_some_and(|o| o.agrees == Agreement::Differs)
        });
        match (computed, pasted, differs) {
            (_, _, true) => "recomputed ≠ pasted",
            (true, true, false) => "recomputed = pasted",
            (true, false, _) => "recomputed",
            _ => "pasted",
        }
    }

    fn key_header(&self) -> &'static str {
        if self.family == Family::TopPodRows {
            "NAMESPACE/POD"
        } else {
            "NAME"
        }
    }

    /// The table as text lines, or `None` when it would not fit in `width`.
    fn lines(&self, width: usize) -> Option<Vec<String>> {
        let mut grid: Vec<Vec<String>> = Vec::new();
        let mut head = vec![self.key_header().to_string()];
        head.extend(self.fields.iter().map(|f| Self::header(f).to_string()));
        head.push(String::new());
        grid.push(head);
        for (name, cells) in &self.rows {
            let mut line = vec![name.to_string()];
            line.extend(cells.iter().map(|q| Self::cell(*q)));
            line.push(Self::origin(cells).to_string());
            grid.push(line);
        }
        let columns = self.fields.len() + 2;
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                grid.iter()
                    .map(|r| r.get(c).map_or(0, |t| t.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let total = 2 + widths.iter().sum::<usize>() + 2 * (columns - 1);
        if total > width {
            return None;
        }
        Some(
            grid.iter()
                .map(|row| {
                    let mut line = String::from("  ");
                    for (c, text) in row.iter().enumerate() {
                        let w = widths.get(c).copied().unwrap_or(0);
                        let pad = w.saturating_sub(text.chars().count());
                        if c > 0 {
                            line.push_str("  ");
                        }
                        // Names left, numbers right, as kubectl aligns them.
                        if c == 0 || c == columns - 1 {
                            line.push_str(text);
                            line.push_str(&" ".repeat(pad));
                        } else {
                            line.push_str(&" ".repeat(pad));
                            line.push_str(text);
                        }
                    }
                    line.trim_end().to_string()
                })
                .collect(),
        )
    }

    /// One wrapped line per row, `name: CPU(cores) 79m, …`, for tables too wide to align.
    fn row_sentences(&self, width: usize) -> String {
        let mut out = String::new();
        for (name, cells) in &self.rows {
            let parts: Vec<String> = self
                .fields
                .iter()
                .zip(cells)
                .filter_map(|(field, q)| {
                    let cell = Self::cell(*q);
                    (!cell.is_empty()).then(|| format!("{} {cell}", Self::header(field)))
                })
                .collect();
            let text = format!("{}, {}", parts.join(", "), Self::origin(cells));
            out.push_str(&hanging(&text, &format!("  {name}: "), 6, width));
        }
        out
    }
}

/// The listed quantities by family; `kubectl top` cells as tables.
fn families(report: &Report) -> Vec<(Family, Vec<&Quantity>)> {
    let mut groups: Vec<(Family, Vec<&Quantity>)> = Vec::new();
    for q in listed(report) {
        let family = Family::of(&q.id);
        match groups.iter_mut().find(|(f, _)| *f == family) {
            Some((_, list)) => list.push(q),
            None => groups.push((family, vec![q])),
        }
    }
    groups.sort_by_key(|(f, _)| *f);
    groups
}

/// The inputs that would complete the report, with one line for every node that needs the same
/// thing.
fn wanted(report: &Report) -> Vec<String> {
    let mut needs: Vec<&str> = report
        .quantities
        .iter()
        .filter(|q| q.value.is_none() && q.text.is_none())
        .flat_map(|q| q.missing.iter().map(String::as_str))
        .collect();
    needs.sort_unstable();
    needs.dedup();

    let mut out: Vec<String> = Vec::new();
    let mut per_node: Vec<(&str, Vec<&str>)> = Vec::new();
    for need in needs {
        // `raw data of node NAME (what)`: gathered into one line per `what`.
        if let Some(rest) = need.strip_prefix("raw data of node ")
            && let Some((node, what)) = rest.split_once(' ')
        {
            match per_node.iter_mut().find(|(w, _)| *w == what) {
                Some((_, nodes)) => nodes.push(node),
                None => per_node.push((what, vec![node])),
            }
            continue;
        }
        out.push(need.to_string());
    }
    for (what, nodes) in per_node {
        let noun = if nodes.len() == 1 { "node" } else { "nodes" };
        out.push(format!("raw data of {noun} {} {what}", nodes.join(", ")));
    }
    out.sort();
    out
}

/// One quantity's lines: label, value, its size in binary units, the pasted number, the formula.
fn single(out: &mut String, q: &Quantity, style: Style) {
    const LABEL: usize = 50;
    let value = shown(q).unwrap_or_else(|| "—".to_string());
    let size = match q.value {
        Some(v) if is_bytes(q) && q.text.is_none() => human(v),
        _ => String::new(),
    };
    let label_len = q.label.chars().count();
    let mut line = if label_len > LABEL {
        let _ = writeln!(out, "  {}", q.label);
        format!("  {:<LABEL$} {value:>16}", "")
    } else {
        format!("  {:<LABEL$} {value:>16}", q.label)
    };
    if !size.is_empty() {
        let _ = write!(line, "  {size:<9}");
    }
    let agreement = agreement(q).unwrap_or_default();
    let differs = q
        .observed
        .as_ref()
        .is_some_and(|o| o.agrees == Agreement::Differs);
    let paint = |text: &str| {
        if differs {
            style.warn(text)
        } else {
            text.to_string()
        }
    };
    let fits = line.chars().count() + 2 + agreement.chars().count() <= WIDTH;
    if agreement.is_empty() {
        let _ = writeln!(out, "{}", line.trim_end());
    } else if fits {
        let _ = writeln!(out, "{}  {}", line.trim_end(), paint(&agreement));
    } else {
        let _ = writeln!(out, "{}", line.trim_end());
        out.push_str(&paint(&hanging(&agreement, "      ", 8, WIDTH)));
    }
    if let Some(d) = &q.derivation {
        out.push_str(&style.dim(&hanging(&format!("= {}", d.formula), "      ", 8, WIDTH)));
    }
}

/// The report as text for a terminal, at most [`WIDTH`] columns.
pub fn text(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style.bold("Verdict"));
    out.push_str(&wrap(&report.verdict, 2, WIDTH));

    let _ = writeln!(out, "\n{}", style.bold("Every tool's number"));
    for (family, quantities) in families(report) {
        let _ = writeln!(out, "\n {}", style.bold(family.title()));
        match family {
            Family::TopNodeRows | Family::TopPodRows => {
                let table = RowTable::build(family, &quantities);
                match table.lines(WIDTH) {
                    Some(lines) => {
                        for (i, line) in lines.iter().enumerate() {
                            let line = if i == 0 {
                                style.dim(line)
                            } else {
                                line.clone()
                            };
                            let _ = writeln!(out, "{line}");
                        }
                    }
                    None => out.push_str(&table.row_sentences(WIDTH)),
                }
            }
            _ => {
                for q in quantities {
                    single(&mut out, q, style);
                }
            }
        }
    }

    let wanted = wanted(report);
    if !wanted.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("Not computed, for want of"));
        for need in wanted {
            out.push_str(&hanging(&need, "  - ", 4, WIDTH));
        }
    }

    if let Some(c) = &report.composition {
        composition(&mut out, c, style);
    }

    for bridge in &report.bridges {
        let _ = writeln!(out, "\n{}", style.bold(&bridge.title));
        let row = |label: String, bytes: u64| {
            format!(
                "  {:<62} {:>16}  {}",
                truncate(&label, 62),
                bytes,
                human(bytes)
            )
        };
        let _ = writeln!(out, "{}", row(bridge.from.clone(), bridge.from_value));
        for step in &bridge.steps {
            let sign = if step.delta < 0 { "−" } else { "+" };
            let size = u64::try_from(step.delta.unsigned_abs()).unwrap_or(u64::MAX);
            let _ = writeln!(out, "{}", row(format!("{sign} {}", step.label), size));
        }
        let _ = writeln!(out, "{}", row(format!("= {}", bridge.to), bridge.to_value));
    }

    if !report.findings.is_empty() {
        let _ = writeln!(out, "\n{}", style.bold("Findings"));
        for f in &report.findings {
            let number = format!("  {}. ", f.rank);
            let indent = number.chars().count();
            let head = format!("[{}] {}", f.code, f.summary);
            out.push_str(&hanging(&head, &number, indent, WIDTH));
            out.push_str(&wrap(&f.explanation, indent, WIDTH));
            if let Some(n) = &f.next {
                out.push_str(&hanging(
                    &format!("Paste next: {} — {}", n.what, n.command),
                    &" ".repeat(indent),
                    indent + 2,
                    WIDTH,
                ));
            }
        }
    }

    let _ = writeln!(out, "\n{}", style.bold("Documents"));
    for d in &report.documents {
        let lines = format!("(lines {}–{})", d.first_line, d.last_line);
        let head = format!("  {} {:<24} ", d.id, d.kind.as_str());
        let room = WIDTH.saturating_sub(head.chars().count() + lines.chars().count() + 1);
        let name = d.name.as_deref().unwrap_or("(unnamed)");
        let _ = writeln!(out, "{head}{} {lines}", truncate(name, room.max(8)));
        for diag in &d.diagnostics {
            let severity = match diag.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            };
            let mut text = match diag.line {
                Some(line) => format!("{severity}, line {line}: {}", diag.message),
                None => format!("{severity}: {}", diag.message),
            };
            if let Some(expected) = &diag.expected {
                let _ = write!(text, " (expected {expected})");
            }
            let wrapped = hanging(&text, "      ", 8, WIDTH);
            let painted = if diag.severity == Severity::Error {
                style.warn(&wrapped)
            } else {
                wrapped
            };
            out.push_str(&painted);
        }
        for line in d.preview.iter().take(3) {
            let shown = truncate(&format!("      | {line}"), WIDTH);
            let _ = writeln!(out, "{}", style.dim(&shown));
        }
    }

    let _ = writeln!(out, "\n{}", style.bold("Assumptions"));
    for a in &report.assumptions {
        let source = match a.source {
            AssumptionSource::Default => "default",
            AssumptionSource::Detected => "detected",
            AssumptionSource::Set => "set",
        };
        out.push_str(&hanging(
            &format!("{} = {} ({source}: {})", a.key, a.value, a.reason),
            "  ",
            4,
            WIDTH,
        ));
    }
    out
}

/// `MemTotal` by memory class, and where each tool's "used" ends.
fn composition(out: &mut String, c: &Composition, style: Style) {
    let _ = writeln!(
        out,
        "\n{}",
        style.bold("What MemTotal holds (/proc/meminfo)")
    );
    for part in &c.parts {
        let _ = writeln!(
            out,
            "  {:<62} {:>16}  {}",
            truncate(&part.label, 62),
            part.bytes,
            human(part.bytes)
        );
    }
    let _ = writeln!(
        out,
        "  {:<62} {:>16}  {}",
        "= MemTotal",
        c.total,
        human(c.total)
    );
    if !c.markers.is_empty() {
        let _ = writeln!(
            out,
            "  Where each tool's \"used\" ends, counted from the top of the list:"
        );
        for m in &c.markers {
            let _ = writeln!(
                out,
                "    {:<60} {:>16}  {}",
                truncate(&m.label, 60),
                m.bytes,
                human(m.bytes)
            );
        }
    }
    if let Some(note) = &c.note {
        out.push_str(&style.dim(&wrap(note, 2, WIDTH)));
    }
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

    let groups = families(report);
    let singles: Vec<&Quantity> = groups
        .iter()
        .filter(|(f, _)| !matches!(f, Family::TopNodeRows | Family::TopPodRows))
        .flat_map(|(_, list)| list.iter().copied())
        .collect();
    if !singles.is_empty() {
        let _ = writeln!(out, "| Tool's number | Value | Pasted | Formula |");
        let _ = writeln!(out, "|---|---:|---|---|");
        for q in singles {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} |",
                cell(&q.label),
                cell(&shown(q).unwrap_or_else(|| "—".to_string())),
                cell(&agreement(q).unwrap_or_default()),
                cell(q.derivation.as_ref().map_or("", |d| d.formula.as_str()))
            );
        }
    }
    for (family, quantities) in &groups {
        if !matches!(family, Family::TopNodeRows | Family::TopPodRows) {
            continue;
        }
        let table = RowTable::build(*family, quantities);
        let _ = writeln!(out, "\n### {}\n", family.title());
        let headers: Vec<&str> = table.fields.iter().map(|f| RowTable::header(f)).collect();
        let _ = writeln!(
            out,
            "| {} | {} | source |",
            table.key_header(),
            headers.join(" | ")
        );
        let _ = writeln!(out, "|---|{}---|", "---:|".repeat(headers.len()));
        for (name, cells) in &table.rows {
            let values: Vec<String> = cells
                .iter()
                .map(|q| format!("`{}`", cell(&RowTable::cell(*q))))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(name),
                values.join(" | "),
                RowTable::origin(cells)
            );
        }
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
    use crate::report::Observed;

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
    fn hanging_indent_and_long_words() {
        // (text, first, indent, width) → lines
        #[rustfmt::skip]
        let cases: &[(&str, &str, usize, usize, &[&str])] = &[
            ("a b c d e f", "  - ", 4, 9, &["  - a b c", "    d e f"]),
            ("abcdefghijkl", "> ", 2, 6, &["> abcd", "  efgh", "  ijkl"]),
            ("", "x ", 2, 10, &[]),
            ("word", "", 0, 10, &["word"]),
        ];
        for (text, first, indent, width, want) in cases {
            let got = hanging(text, first, *indent, *width);
            let got: Vec<&str> = got.lines().collect();
            assert_eq!(got, *want, "text {text:?}");
        }
    }

    #[test]
    fn human_sizes() {
        let cases: &[(u64, &str)] = &[
            (0, "0 B"),
            (1023, "1023 B"),
            (1024, "1.0 KiB"),
            (1536, "1.5 KiB"),
            (104_857_600, "100.0 MiB"),
            (1_048_064_000, "999.5 MiB"),
            (1_073_741_823, "1024.0 MiB"),
            (1_073_741_824, "1.0 GiB"),
            (16_786_681_856, "15.6 GiB"),
            (u64::MAX, "16.0 EiB"),
        ];
        for (bytes, want) in cases {
            assert_eq!(human(*bytes), *want, "{bytes}");
        }
    }

    #[test]
    fn row_ids() {
        let cases: &[(&str, Option<(&str, &str)>)] = &[
            (
                "kubectl.top_node.node-a.memory_text",
                Some(("node-a", "memory_text")),
            ),
            (
                "kubectl.top_node.ip-10-0-1-2.ec2.internal.cpu_percent_text",
                Some(("ip-10-0-1-2.ec2.internal", "cpu_percent_text")),
            ),
            (
                "kubectl.top_pod.kube-system/coredns-1.memory_text",
                Some(("kube-system/coredns-1", "memory_text")),
            ),
            ("kubectl.top_node.memory_text", None),
            ("kubectl.top_node.table_text", None),
            ("procps.used_bytes.v4", None),
        ];
        for (id, want) in cases {
            assert_eq!(row_of(id), *want, "{id}");
        }
    }

    fn pasted(id: &str, text: &str) -> Quantity {
        Quantity {
            id: id.into(),
            label: id.into(),
            observed: Some(Observed {
                value: None,
                text: text.into(),
                at: Default::default(),
                agrees: Agreement::OnlyObserved,
                difference: None,
                note: None,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn kubectl_cells_become_one_row_per_node() {
        let mut computed = pasted("kubectl.top_node.node-b.memory_text", "2244Mi");
        computed.text = Some("2240Mi".into());
        if let Some(o) = computed.observed.as_mut() {
            o.agrees = Agreement::Differs;
        }
        let report = Report {
            quantities: vec![
                pasted("kubectl.top_node.node-a.memory_text", "2685Mi"),
                pasted("kubectl.top_node.node-a.memory_percent_text", "45%"),
                pasted("kubectl.top_node.node-a.cpu_text", "354m"),
                computed,
                pasted("kubectl.top_node.node-b.memory_percent_text", "38%"),
            ],
            ..Default::default()
        };
        let text = text(&report, Style::default());
        let table: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.contains("one row per node"))
            .skip(1)
            .take(3)
            .collect();
        assert_eq!(
            table,
            [
                "  NAME    CPU(cores)  MEMORY(bytes)  MEMORY(%)",
                "  node-a        354m         2685Mi        45%  pasted",
                "  node-b              2240Mi≠2244Mi        38%  recomputed ≠ pasted",
            ],
            "{text}"
        );
    }

    #[test]
    fn wanted_inputs_gather_nodes() {
        let missing = |id: &str, what: &str| Quantity {
            id: id.into(),
            missing: vec![what.into()],
            ..Default::default()
        };
        let report = Report {
            quantities: vec![
                missing("a", "raw data of node node-a (its /stats/summary)"),
                missing("b", "raw data of node node-b (its /stats/summary)"),
                missing("c", "the node object"),
                missing("d", "the node object"),
            ],
            ..Default::default()
        };
        assert_eq!(
            wanted(&report),
            [
                "raw data of nodes node-a, node-b (its /stats/summary)",
                "the node object"
            ]
        );
    }

    #[test]
    fn markdown_cells_escape_pipes() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}

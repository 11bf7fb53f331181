//! `kubectl top node(s)` and `kubectl top pod(s)` tables.
//!
//! kubectl prints both through a tabwriter (kubernetes/kubectl `pkg/metricsutil/metrics_printer.go`,
//! unchanged in what it prints from 1.20 to 1.36): memory as `⌊bytes / 2^20⌋Mi`, CPU as
//! `<millicores>m`, a percentage as a truncated integer and `%`. A node in the node list without
//! metrics gets `<unknown>` in every cell; `--sum` appends a line of `________` and a total row
//! without a name; `--show-swap` (1.34+) adds `SWAP(bytes)` and, for nodes, `SWAP(%)`, which stays
//! empty when the node reports no swap capacity. The percent headers were `CPU%`/`MEMORY%` up to
//! 1.31 and `CPU(%)`/`MEMORY(%)` from 1.32 (kubectl commit dca377690).
//!
//! Cells are split on whitespace, never by position: pastes lose alignment (C03), and names of
//! nodes, pods, namespaces and containers never contain spaces.

use serde::Serialize;

use super::number::{NumberError, parse_u64};
use crate::input::{At, Diagnostics, Document, Kind, split};

/// What the table lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TopObject {
    Node,
    Pod,
}

/// How the percent columns are headed, which dates the kubectl that printed the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PercentStyle {
    /// `CPU%`, `MEMORY%`: kubectl up to 1.31.
    Suffix,
    /// `CPU(%)`, `MEMORY(%)`, `SWAP(%)`: kubectl 1.32 and later.
    Parenthesized,
}

/// A column of a `kubectl top` table, in the order the header (or the guess) gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    /// `NAMESPACE`, with `-A`.
    Namespace,
    /// `POD`, with `--containers`.
    Pod,
    /// `NAME`: the node, pod or (with `--containers`) container.
    Name,
    /// `CPU(cores)`.
    Cpu,
    /// `CPU%` or `CPU(%)`.
    CpuPercent,
    /// `MEMORY(bytes)`.
    Memory,
    /// `MEMORY%` or `MEMORY(%)`.
    MemoryPercent,
    /// `SWAP(bytes)`.
    Swap,
    /// `SWAP(%)`.
    SwapPercent,
    /// A header word kubectl does not print; its cells are kept as text.
    Other(String),
}

impl Column {
    /// Reads one header word; the style is set for percent columns.
    fn from_header(word: &str) -> (Column, Option<PercentStyle>) {
        use PercentStyle::*;
        match word {
            "NAMESPACE" => (Column::Namespace, None),
            "POD" => (Column::Pod, None),
            "NAME" => (Column::Name, None),
            "CPU(cores)" => (Column::Cpu, None),
            "CPU%" => (Column::CpuPercent, Some(Suffix)),
            "CPU(%)" => (Column::CpuPercent, Some(Parenthesized)),
            "MEMORY(bytes)" => (Column::Memory, None),
            "MEMORY%" => (Column::MemoryPercent, Some(Suffix)),
            "MEMORY(%)" => (Column::MemoryPercent, Some(Parenthesized)),
            "SWAP(bytes)" => (Column::Swap, None),
            "SWAP%" => (Column::SwapPercent, Some(Suffix)),
            "SWAP(%)" => (Column::SwapPercent, Some(Parenthesized)),
            other => (Column::Other(other.to_string()), None),
        }
    }

    /// The header word kubectl prints for the column.
    pub fn header(&self, style: PercentStyle) -> &str {
        let suffix = style == PercentStyle::Suffix;
        match self {
            Column::Namespace => "NAMESPACE",
            Column::Pod => "POD",
            Column::Name => "NAME",
            Column::Cpu => "CPU(cores)",
            Column::CpuPercent if suffix => "CPU%",
            Column::CpuPercent => "CPU(%)",
            Column::Memory => "MEMORY(bytes)",
            Column::MemoryPercent if suffix => "MEMORY%",
            Column::MemoryPercent => "MEMORY(%)",
            Column::Swap => "SWAP(bytes)",
            Column::SwapPercent if suffix => "SWAP%",
            Column::SwapPercent => "SWAP(%)",
            Column::Other(word) => word,
        }
    }

    fn is_name(&self) -> bool {
        matches!(self, Column::Namespace | Column::Pod | Column::Name)
    }
}

/// A cell as printed: its text and what it says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cell<T> {
    pub text: String,
    pub value: Printed<T>,
    pub at: At,
}

/// What a value cell says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "value", rename_all = "snake_case")]
pub enum Printed<T> {
    Value(T),
    /// `<unknown>`: kubectl had no metric (or no capacity) for this object.
    Unknown,
}

impl<T: Copy> Cell<T> {
    /// The value, unless the cell says `<unknown>`.
    pub fn known(&self) -> Option<T> {
        match self.value {
            Printed::Value(v) => Some(v),
            Printed::Unknown => None,
        }
    }
}

/// A `CPU(cores)` cell: `354m`, or whole cores `2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Cpu {
    pub millicores: u64,
}

/// A `MEMORY(bytes)` or `SWAP(bytes)` cell: `1893Mi`. kubectl prints `⌊bytes / 2^20⌋`, so the
/// cell stands for every byte count in `bytes_from ≤ bytes < bytes_below`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Mebibytes {
    pub mebibytes: u64,
    pub bytes_from: u64,
    pub bytes_below: u64,
}

/// A cell under a column kubectl does not print.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExtraCell {
    pub column: String,
    pub text: String,
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopRow {
    pub at: At,
    /// The cleaned line as printed, annotation included.
    pub text: String,
    pub namespace: Option<String>,
    /// The pod of a `--containers` row.
    pub pod: Option<String>,
    /// Node, pod or container name; empty for the `--sum` total row.
    pub name: String,
    pub cpu: Option<Cell<Cpu>>,
    pub cpu_percent: Option<Cell<u64>>,
    pub memory: Option<Cell<Mebibytes>>,
    pub memory_percent: Option<Cell<u64>>,
    pub swap: Option<Cell<Mebibytes>>,
    pub swap_percent: Option<Cell<u64>>,
    pub extra: Vec<ExtraCell>,
    /// What the person wrote after the cells: `<-- my java application`.
    pub annotation: Option<String>,
}

impl TopRow {
    fn new(at: At, text: &str) -> Self {
        TopRow {
            at,
            text: text.to_string(),
            namespace: None,
            pod: None,
            name: String::new(),
            cpu: None,
            cpu_percent: None,
            memory: None,
            memory_percent: None,
            swap: None,
            swap_percent: None,
            extra: Vec::new(),
            annotation: None,
        }
    }
}

/// The header line as printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopHeader {
    pub at: At,
    pub text: String,
    /// `None` for tables without percent columns (pods).
    pub percent_style: Option<PercentStyle>,
}

/// A `kubectl top node` or `kubectl top pod` table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopTable {
    pub object: TopObject,
    /// The first header line; `None` when the rows came without one (`--no-headers`, C17).
    pub header: Option<TopHeader>,
    /// The columns in order, from the header or guessed from the cells' shapes.
    pub columns: Vec<Column>,
    pub columns_guessed: bool,
    pub rows: Vec<TopRow>,
    /// The total row that `--sum` prints below its `________` line.
    pub sum: Option<TopRow>,
}

/// Reads a `kubectl top node` or `kubectl top pod` table.
pub fn parse(doc: &Document, diags: &mut Diagnostics) -> TopTable {
    let object = if doc.kind == Kind::KubectlTopNode {
        TopObject::Node
    } else {
        TopObject::Pod
    };
    let mut table = TopTable {
        object,
        header: None,
        columns: Vec::new(),
        columns_guessed: false,
        rows: Vec::new(),
        sum: None,
    };
    let last = doc.last_line();
    let mut separator: Option<u32> = None;

    for line in &doc.lines {
        let text = line.text.trim();
        let at = doc.at(line.no);
        if text.is_empty() {
            continue;
        }
        if split::is_klog(text) {
            diags.note(
                Some(line.no),
                "a klog message of kubectl, not part of the table; skipped",
            );
            continue;
        }
        if let Some((columns, style)) = header_columns(text) {
            if table.header.is_some() {
                diags.note(
                    Some(line.no),
                    "another header line; the rows below it are read with it",
                );
            } else {
                table.header = Some(TopHeader {
                    at,
                    text: text.to_string(),
                    percent_style: style,
                });
            }
            if let Some(object) = object_of(&columns) {
                table.object = object;
            }
            table.columns = columns;
            table.columns_guessed = false;
            continue;
        }
        if is_separator(text) {
            separator = Some(line.no);
            continue;
        }

        let (cells, annotation) = split_annotation(text);
        let words: Vec<&str> = cells.split_whitespace().collect();
        if separator.is_some() && table.sum.is_none() {
            let is_last = line.no == last;
            table.sum = read_sum(
                &table.columns,
                &words,
                at,
                text,
                is_last,
                style(&table),
                diags,
            );
            continue;
        }
        if table.columns.is_empty() {
            match guess_columns(&words, table.object, doc.command.as_deref()) {
                Some((columns, object, note)) => {
                    diags.note(Some(line.no), note);
                    table.columns = columns;
                    table.object = object;
                    table.columns_guessed = true;
                }
                None => {
                    diags.error(
                        line.no,
                        "not a `kubectl top` header or row",
                        "a header `NAME  CPU(cores) …` or a row such as `node-a  354m  17%  2685Mi  45%`",
                    );
                    continue;
                }
            }
        }
        let mut row = TopRow::new(at, text);
        if let Some(annotation) = annotation {
            diags.note(
                Some(line.no),
                format!("`{annotation}` after the cells is a remark, not a cell"),
            );
            row.annotation = Some(annotation.to_string());
        }
        let is_last = line.no == last;
        if read_row(
            &mut row,
            &table.columns,
            &words,
            is_last,
            style(&table),
            diags,
        ) {
            table.rows.push(row);
        }
    }

    if let Some(no) = separator
        && table.sum.is_none()
    {
        diags.truncated(no, "the `--sum` total row after `________` is missing");
    }
    if table.rows.is_empty() && table.sum.is_none() {
        diags.warning(None, "no `kubectl top` rows were found");
    }
    table
}

/// The percent style diagnostics name columns in: the header's, else the older one.
fn style(table: &TopTable) -> PercentStyle {
    table
        .header
        .as_ref()
        .and_then(|h| h.percent_style)
        .unwrap_or(PercentStyle::Suffix)
}

/// `NAME  CPU(cores)  CPU%  MEMORY(bytes)  MEMORY%` → its columns and percent style.
fn header_columns(text: &str) -> Option<(Vec<Column>, Option<PercentStyle>)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let first = *words.first()?;
    let is_header = matches!(first, "NAME" | "NAMESPACE" | "POD")
        && words
            .iter()
            .any(|w| w.starts_with("CPU") || w.starts_with("MEMORY"));
    if !is_header {
        return None;
    }
    let mut style = None;
    let columns = words
        .iter()
        .map(|w| {
            let (column, s) = Column::from_header(w);
            style = style.or(s);
            column
        })
        .collect();
    Some((columns, style))
}

fn object_of(columns: &[Column]) -> Option<TopObject> {
    if columns
        .iter()
        .any(|c| matches!(c, Column::CpuPercent | Column::MemoryPercent))
    {
        Some(TopObject::Node)
    } else if columns
        .iter()
        .any(|c| matches!(c, Column::Namespace | Column::Pod))
    {
        Some(TopObject::Pod)
    } else {
        None
    }
}

/// The `________  ________` line `--sum` prints above the total.
fn is_separator(text: &str) -> bool {
    text.split_whitespace()
        .all(|w| w.len() >= 3 && w.bytes().all(|c| c == b'_'))
}

/// Splits `{my_pod_name}  9m  1394Mi  <-- my java application` into the cells and the remark.
fn split_annotation(text: &str) -> (&str, Option<&str>) {
    let mut offset = 0;
    for word in text.split_whitespace() {
        let start = text[offset..].find(word).map_or(offset, |i| offset + i);
        let remark = word.starts_with("<-")
            || word.starts_with('←')
            || word.starts_with("//")
            || word.starts_with('#')
            || word.starts_with("(<-");
        if remark && start > 0 {
            return (text[..start].trim_end(), Some(text[start..].trim()));
        }
        offset = start + word.len();
    }
    (text, None)
}

/// Guesses the columns of a headerless row from its cells' shapes (C17: `{my_pod_name}  9m
/// 1394Mi`): the words before the first CPU-shaped cell are names, and a percent after the CPU
/// cell means a node table.
fn guess_columns(
    words: &[&str],
    object: TopObject,
    command: Option<&str>,
) -> Option<(Vec<Column>, TopObject, String)> {
    let names = words.iter().take_while(|w| !is_cpu_shape(w)).count();
    let values = words.get(names..)?;
    if names == 0 || names > 3 || values.len() < 2 {
        return None;
    }
    let second = values.get(1).copied().unwrap_or("");
    let node = is_percent_shape(second)
        || second == UNKNOWN && object == TopObject::Node
        || names == 1 && values.len() >= 4 && values.get(2).is_some_and(|w| is_memory_shape(w));
    let (object, columns) = if node {
        if names != 1 {
            return None;
        }
        let mut columns = vec![Column::Name, Column::Cpu, Column::CpuPercent];
        columns.extend([Column::Memory, Column::MemoryPercent]);
        if values.len() > 4 {
            columns.extend([Column::Swap, Column::SwapPercent]);
        }
        (TopObject::Node, columns)
    } else {
        if !is_memory_shape(second) && second != UNKNOWN {
            return None;
        }
        let mut columns = match names {
            1 => vec![Column::Name],
            2 => {
                let containers = command.is_some_and(|c| c.contains("--containers"));
                vec![
                    if containers {
                        Column::Pod
                    } else {
                        Column::Namespace
                    },
                    Column::Name,
                ]
            }
            _ => vec![Column::Namespace, Column::Pod, Column::Name],
        };
        columns.extend([Column::Cpu, Column::Memory]);
        if values.len() > 2 {
            columns.push(Column::Swap);
        }
        (TopObject::Pod, columns)
    };
    let header: Vec<&str> = columns
        .iter()
        .map(|c| c.header(PercentStyle::Suffix))
        .collect();
    let mut note = format!(
        "no header: the columns are guessed from the cells' shapes as `{}`",
        header.join("  ")
    );
    if names == 2
        && object == TopObject::Pod
        && !command.is_some_and(|c| c.contains("--containers"))
    {
        note.push_str(" (the first name could also be the POD of `--containers`)");
    }
    Some((columns, object, note))
}

const UNKNOWN: &str = "<unknown>";

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|c| c.is_ascii_digit() || c == b',')
}

fn is_cpu_shape(word: &str) -> bool {
    word == UNKNOWN || digits(word.strip_suffix('m').unwrap_or(word))
}

fn is_memory_shape(word: &str) -> bool {
    word.strip_suffix("Mi").is_some_and(digits)
}

fn is_percent_shape(word: &str) -> bool {
    word.strip_suffix('%').is_some_and(digits)
}

/// Why a value cell could not be read.
enum CellError {
    /// Not the shape kubectl prints in this column.
    Shape,
    Number(NumberError),
}

fn cpu_value(word: &str) -> Result<Printed<Cpu>, CellError> {
    if word == UNKNOWN {
        return Ok(Printed::Unknown);
    }
    let millicores = match word.strip_suffix('m') {
        Some(milli) => number(milli)?,
        None => number(word)?
            .checked_mul(1000)
            .ok_or(CellError::Number(NumberError::Overflow))?,
    };
    Ok(Printed::Value(Cpu { millicores }))
}

fn memory_value(word: &str) -> Result<Printed<Mebibytes>, CellError> {
    if word == UNKNOWN {
        return Ok(Printed::Unknown);
    }
    let mebibytes = number(word.strip_suffix("Mi").ok_or(CellError::Shape)?)?;
    let overflow = || CellError::Number(NumberError::Overflow);
    let bytes_from = mebibytes.checked_mul(1 << 20).ok_or_else(overflow)?;
    let bytes_below = mebibytes
        .checked_add(1)
        .and_then(|n| n.checked_mul(1 << 20))
        .ok_or_else(overflow)?;
    Ok(Printed::Value(Mebibytes {
        mebibytes,
        bytes_from,
        bytes_below,
    }))
}

fn percent_value(word: &str) -> Result<Printed<u64>, CellError> {
    if word == UNKNOWN {
        return Ok(Printed::Unknown);
    }
    Ok(Printed::Value(number(
        word.strip_suffix('%').ok_or(CellError::Shape)?,
    )?))
}

fn number(text: &str) -> Result<u64, CellError> {
    parse_u64(text).map_err(|e| match e {
        NumberError::NotANumber | NumberError::Empty => CellError::Shape,
        other => CellError::Number(other),
    })
}

/// What a cell of `column` looks like, for diagnostics.
fn expected_cell(column: &Column) -> &'static str {
    match column {
        Column::Cpu => "millicores such as `354m`, whole cores such as `2`, or `<unknown>`",
        Column::Memory | Column::Swap => "mebibytes such as `2685Mi`, or `<unknown>`",
        Column::CpuPercent | Column::MemoryPercent | Column::SwapPercent => {
            "a whole percentage such as `45%`, or `<unknown>`"
        }
        _ => "a name",
    }
}

/// Reads one value cell into `row`; `Err` says why it could not be read.
fn read_cell(row: &mut TopRow, column: &Column, word: &str, at: At) -> Result<(), CellError> {
    let text = word.to_string();
    match column {
        Column::Namespace => row.namespace = Some(text),
        Column::Pod => row.pod = Some(text),
        Column::Name => row.name = text,
        Column::Cpu => {
            row.cpu = Some(Cell {
                value: cpu_value(word)?,
                text,
                at,
            })
        }
        Column::CpuPercent => {
            row.cpu_percent = Some(Cell {
                value: percent_value(word)?,
                text,
                at,
            })
        }
        Column::Memory => {
            row.memory = Some(Cell {
                value: memory_value(word)?,
                text,
                at,
            })
        }
        Column::MemoryPercent => {
            row.memory_percent = Some(Cell {
                value: percent_value(word)?,
                text,
                at,
            })
        }
        Column::Swap => {
            row.swap = Some(Cell {
                value: memory_value(word)?,
                text,
                at,
            })
        }
        Column::SwapPercent => {
            row.swap_percent = Some(Cell {
                value: percent_value(word)?,
                text,
                at,
            })
        }
        Column::Other(name) => row.extra.push(ExtraCell {
            column: name.clone(),
            text,
        }),
    }
    Ok(())
}

/// Says why a cell could not be read and what was expected in its column.
fn cell_diagnostic(
    diags: &mut Diagnostics,
    no: u32,
    column: &Column,
    word: &str,
    error: CellError,
    style: PercentStyle,
) {
    let name = column.header(style);
    let message = match error {
        CellError::Shape => format!("`{word}` under {name} is not what kubectl prints there"),
        CellError::Number(e) => format!("`{word}` under {name} is {e}"),
    };
    diags.error(no, message, expected_cell(column));
}

/// Reads the cells of one row. Returns `false` when nothing in the line reads as a row.
fn read_row(
    row: &mut TopRow,
    columns: &[Column],
    words: &[&str],
    is_last: bool,
    style: PercentStyle,
    diags: &mut Diagnostics,
) -> bool {
    let no = row.at.line;
    let at = row.at;
    let mut failed: Vec<(usize, &Column, &str, CellError)> = Vec::new();
    let mut values_read = 0;
    let mut missing: Vec<&Column> = Vec::new();

    // TODO: an empty cell in the middle of a row (a percent kubectl leaves out when the node
    // reports no allocatable for that resource) shifts the cells after it, which then fail to
    // read as their columns; telling it apart would need the tabwriter's column positions.
    for (i, column) in columns.iter().enumerate() {
        let Some(word) = words.get(i) else {
            missing.push(column);
            continue;
        };
        match read_cell(row, column, word, at) {
            Ok(()) if is_value(column) => values_read += 1,
            Ok(()) => {}
            Err(e) => failed.push((i, column, word, e)),
        }
    }

    if values_read == 0 && columns.iter().any(is_value) {
        diags.error(
            no,
            "not a `kubectl top` row: none of its cells is a CPU, memory or percent value",
            "a row such as `node-a  354m  17%  2685Mi  45%` under the header",
        );
        return false;
    }

    let mut cut = false;
    for (i, column, word, error) in failed {
        if is_last && i + 1 == words.len() && is_cut_cell(column, word) {
            cut = true;
            // The paste stops inside the last cell (`1517M`): what it says is unknown.
            let what = format!(
                "the last row stops inside its {} cell",
                column.header(style)
            );
            diags.truncated(no, &what);
        } else {
            cell_diagnostic(diags, no, column, word, error, style);
        }
    }

    if let Some(first_missing) = missing.first() {
        let names: Vec<&str> = missing.iter().map(|c| c.header(style)).collect();
        let last_read = words.len().checked_sub(1).and_then(|i| columns.get(i));
        if cut {
            // Already said: the row stops inside the cell before these.
        } else if is_last
            && last_read == Some(&Column::Cpu)
            && row.cpu.as_ref().is_some_and(|c| !c.text.ends_with('m'))
        {
            // `72` where kubectl prints `72m`: the `m` may be what was cut off.
            row.cpu = None;
            diags.truncated(no, "the last row stops inside its CPU(cores) cell");
        } else if is_last {
            let what = format!(
                "the last row stops before its {} cell",
                first_missing.header(style)
            );
            diags.truncated(no, &what);
        } else if missing.iter().all(|c| **c == Column::SwapPercent) {
            diags.note(
                Some(no),
                "no SWAP(%) value: kubectl leaves it empty when the node reports no swap capacity",
            );
        } else {
            diags.warning(
                Some(no),
                format!("the row has no cell for {}", names.join(", ")),
            );
        }
    }
    if let Some(extra) = words.get(columns.len()..).filter(|w| !w.is_empty()) {
        diags.warning(
            Some(no),
            format!(
                "`{}` past the header's last column is ignored",
                extra.join(" ")
            ),
        );
    }
    true
}

/// Whether `word` can be the start of a cell kubectl prints under `column` (`1517M`, `4`,
/// `<unkn`), as the last word of a paste that was cut there.
fn is_cut_cell(column: &Column, word: &str) -> bool {
    if UNKNOWN.starts_with(word) {
        return true;
    }
    let number = word.trim_end_matches(|c: char| !c.is_ascii_digit());
    let rest = &word[number.len()..];
    let unit = match column {
        Column::Memory | Column::Swap => "Mi",
        Column::Cpu => "m",
        _ => "%",
    };
    digits(number) && unit.starts_with(rest)
}

fn is_value(column: &Column) -> bool {
    !column.is_name() && !matches!(column, Column::Other(_))
}

/// Reads the `--sum` total row: only value cells, right under their columns.
fn read_sum(
    columns: &[Column],
    words: &[&str],
    at: At,
    text: &str,
    is_last: bool,
    style: PercentStyle,
    diags: &mut Diagnostics,
) -> Option<TopRow> {
    let values: Vec<Column> = columns.iter().filter(|c| !c.is_name()).cloned().collect();
    let mut row = TopRow::new(at, text);
    read_row(&mut row, &values, words, is_last, style, diags).then_some(row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{DocId, Line, Severity, Source, clean, read};

    /// One case: name, kind, input, rows as kubectl would print them, diagnostics.
    type Case = (
        &'static str,
        Kind,
        &'static str,
        &'static [&'static str],
        &'static [(u32, Severity)],
    );

    fn doc(kind: Kind, text: &str) -> Document {
        let lines = clean::lines(text)
            .map(|(no, raw)| Line {
                no,
                text: clean::clean(raw),
            })
            .filter(|l| !l.text.trim().is_empty())
            .collect();
        Document {
            id: DocId(1),
            source: 0,
            name: None,
            command: None,
            kind,
            reasons: Vec::new(),
            kind_set: false,
            host: None,
            lines,
        }
    }

    fn run(kind: Kind, text: &str) -> (TopTable, Vec<(u32, Severity, String)>) {
        let mut diags = Diagnostics::new(DocId(1));
        let table = parse(&doc(kind, text), &mut diags);
        let list = diags
            .list
            .into_iter()
            .map(|d| (d.line.unwrap_or(0), d.severity, d.message));
        (table, list.collect())
    }

    fn cell<T: Copy>(c: &Option<Cell<T>>, show: impl Fn(T) -> String) -> String {
        match c {
            None => "_".to_string(),
            Some(Cell {
                value: Printed::Unknown,
                ..
            }) => UNKNOWN.to_string(),
            Some(Cell {
                value: Printed::Value(v),
                ..
            }) => show(*v),
        }
    }

    /// A row as kubectl would print it from the values read, `_` for a missing cell.
    fn show(row: &TopRow) -> String {
        let mut out: Vec<String> = Vec::new();
        out.extend(row.namespace.clone());
        out.extend(row.pod.clone());
        if !row.name.is_empty() {
            out.push(row.name.clone());
        }
        out.push(cell(&row.cpu, |c| format!("{}m", c.millicores)));
        if row.cpu_percent.is_some() || row.memory_percent.is_some() {
            out.push(cell(&row.cpu_percent, |p| format!("{p}%")));
        }
        out.push(cell(&row.memory, |m| format!("{}Mi", m.mebibytes)));
        if row.cpu_percent.is_some() || row.memory_percent.is_some() {
            out.push(cell(&row.memory_percent, |p| format!("{p}%")));
        }
        if row.swap.is_some() || row.swap_percent.is_some() {
            out.push(cell(&row.swap, |m| format!("{}Mi", m.mebibytes)));
            out.push(cell(&row.swap_percent, |p| format!("{p}%")));
        }
        out.join(" ")
    }

    fn shown(table: &TopTable) -> Vec<String> {
        table.rows.iter().map(show).collect()
    }

    fn severities(diags: &[(u32, Severity, String)]) -> Vec<(u32, Severity)> {
        diags.iter().map(|(l, s, _)| (*l, *s)).collect()
    }

    const C48_NODES: &str = "NAME     CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%   \n\
node-a   354m         17%    2685Mi          45%       \n\
node-b   180m         18%    2244Mi          38%       \n";

    #[test]
    fn tables() {
        use Severity::*;
        let n = Kind::KubectlTopNode;
        let p = Kind::KubectlTopPod;
        #[rustfmt::skip]
        let cases: &[Case] = &[
            ("clean node table", n, C48_NODES,
                &["node-a 354m 17% 2685Mi 45%", "node-b 180m 18% 2244Mi 38%"], &[]),
            ("last row cut before MEMORY%", n,
                "NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%\ncp-b 85m 5% 1708Mi 84%\ncp-c 72m 4% 1517Mi",
                &["cp-b 85m 5% 1708Mi 84%", "cp-c 72m 4% 1517Mi _"], &[(3, Warning)]),
            ("last row cut inside a cell", n,
                "NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%\ncp-c 72m 4% 1517M",
                &["cp-c 72m 4% _ _"], &[(2, Warning)]),
            ("garbage line between rows", n,
                "NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%\na 1m 1% 1Mi 1%\nerror: Metrics API not available\nb 2m 2% 2Mi 2%",
                &["a 1m 1% 1Mi 1%", "b 2m 2% 2Mi 2%"], &[(3, Error)]),
            ("empty", n, "", &[], &[(0, Warning)]),
            ("overflow past u64", n,
                "NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%\na 99999999999999999999m 1% 1Mi 1%\nb 1m 1% 17592186044416Mi 1%\nc 1m 1% 1Mi 1%",
                &["a _ 1% 1Mi 1%", "b 1m 1% _ 1%", "c 1m 1% 1Mi 1%"], &[(2, Error), (3, Error)]),
            ("CRLF", n, "NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%\r\na 1m 1% 1Mi 1%\r\n",
                &["a 1m 1% 1Mi 1%"], &[]),
            ("tabs", n, "NAME\tCPU(cores)\tCPU%\tMEMORY(bytes)\tMEMORY%\na\t1m\t1%\t1Mi\t1%\t\n",
                &["a 1m 1% 1Mi 1%"], &[]),
            ("ANSI colour", n, "\u{1b}[1mNAME CPU(cores) CPU% MEMORY(bytes) MEMORY%\u{1b}[0m\na 1m 1% \u{1b}[31m1Mi\u{1b}[0m 1%\n",
                &["a 1m 1% 1Mi 1%"], &[]),
            ("thousands separators", n, "NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%\na 1,500m 1% 127,220Mi 49%\n",
                &["a 1500m 1% 127220Mi 49%"], &[]),
            ("extra column in the header", n,
                "NAME CPU(cores) CPU% MEMORY(bytes) MEMORY% ZONE\na 1m 1% 1Mi 1% eu-1\n",
                &["a 1m 1% 1Mi 1%"], &[]),
            ("extra cell past the header", p, "NAME CPU(cores) MEMORY(bytes)\np 1m 1Mi 7\nq 2m 2Mi\n",
                &["p 1m 1Mi", "q 2m 2Mi"], &[(2, Warning)]),
            ("missing column in a middle row", n,
                "NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%\na 1m 1%\nb 2m 2% 2Mi 2%\n",
                &["a 1m 1% _ _", "b 2m 2% 2Mi 2%"], &[(2, Warning)]),
            ("misaligned (C03)", n,
                "NAME              CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%\n10.0.0.1   750m            18%          5543Mi                76%\n",
                &["10.0.0.1 750m 18% 5543Mi 76%"], &[]),
            ("new headers, swap, <unknown> and empty SWAP(%)", n,
                "NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%) SWAP(bytes) SWAP(%)\na 1m 1% 1Mi 1% 0Mi 0%\nb 2m 2% 2Mi 2% 0Mi\nc <unknown> <unknown> <unknown> <unknown> <unknown> <unknown>\n",
                &["a 1m 1% 1Mi 1% 0Mi 0%", "b 2m 2% 2Mi 2% 0Mi _",
                  "c <unknown> <unknown> <unknown> <unknown> <unknown> <unknown>"], &[(3, Note)]),
            ("whole cores", n, "NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%\na 2 50% 1Mi 1%\n",
                &["a 2000m 50% 1Mi 1%"], &[]),
            ("-A", p, "NAMESPACE NAME CPU(cores) MEMORY(bytes)\nkube-system etcd-node-a 41m 37Mi\n",
                &["kube-system etcd-node-a 41m 37Mi"], &[]),
            ("--containers -A", p,
                "NAMESPACE POD NAME CPU(cores) MEMORY(bytes)\nns pod-x app 704m 1545Mi\n",
                &["ns pod-x app 704m 1545Mi"], &[]),
            ("headerless pod row with a remark (C17)", p,
                "{my_pod_name}        9m           1394Mi <-- my java application\n",
                &["{my_pod_name} 9m 1394Mi"], &[(1, Note), (1, Note)]),
            ("headerless node rows", n, "a 1m 1% 1Mi 1%\nb 2m 2% 2Mi 2%\n",
                &["a 1m 1% 1Mi 1%", "b 2m 2% 2Mi 2%"], &[(1, Note)]),
            ("headerless garbage", p, "hello world\n", &[], &[(1, Error), (0, Warning)]),
            ("a unit kubectl never prints", p, "NAME CPU(cores) MEMORY(bytes)\np 1m 1Gi\n",
                &["p 1m _"], &[(2, Error)]),
        ];
        for (name, kind, text, rows, want_diags) in cases {
            let (table, diags) = match *name {
                "CRLF" | "ANSI colour" => {
                    let docs = read(&[Source::paste(*text)], &[]);
                    assert_eq!(docs.len(), 1, "{name}: documents");
                    let mut d = Diagnostics::new(DocId(1));
                    let t = parse(&docs[0], &mut d);
                    let list = d
                        .list
                        .into_iter()
                        .map(|d| (d.line.unwrap_or(0), d.severity, d.message));
                    (t, list.collect())
                }
                _ => run(*kind, text),
            };
            assert_eq!(shown(&table), *rows, "{name}: rows");
            assert_eq!(
                severities(&diags),
                *want_diags,
                "{name}: diagnostics {diags:#?}"
            );
        }
    }

    #[test]
    fn cells_keep_text_line_and_byte_range() {
        let (table, _) = run(Kind::KubectlTopNode, C48_NODES);
        let row = &table.rows[0];
        let memory = row.memory.as_ref().unwrap();
        assert_eq!(memory.text, "2685Mi");
        assert_eq!(
            memory.at,
            At {
                doc: DocId(1),
                line: 2
            }
        );
        let want = Mebibytes {
            mebibytes: 2685,
            bytes_from: 2685 << 20,
            bytes_below: 2686 << 20,
        };
        assert_eq!(memory.known(), Some(want));
        assert_eq!(row.text, "node-a   354m         17%    2685Mi          45%");
        let header = table.header.as_ref().unwrap();
        assert_eq!(header.percent_style, Some(PercentStyle::Suffix));
        assert_eq!(header.at.line, 1);
        use Column::*;
        assert_eq!(
            table.columns,
            [Name, Cpu, CpuPercent, Memory, MemoryPercent]
        );
        assert!(!table.columns_guessed);
    }

    #[test]
    fn new_header_style_is_remembered() {
        let (table, _) = run(
            Kind::KubectlTopNode,
            "NAME   CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)\na 1m 1% 1Mi 1%\n",
        );
        let header = table.header.unwrap();
        assert_eq!(header.percent_style, Some(PercentStyle::Parenthesized));
        let headers: Vec<&str> = table
            .columns
            .iter()
            .map(|c| c.header(PercentStyle::Parenthesized))
            .collect();
        assert_eq!(
            headers.join("   "),
            "NAME   CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)"
        );
    }

    #[test]
    fn sum_row() {
        let (table, diags) = run(
            Kind::KubectlTopPod,
            "NAME CPU(cores) MEMORY(bytes)\na 1m 10Mi\nb 2m 20Mi\n   ________ ________\n   3m 30Mi\n",
        );
        assert_eq!(shown(&table), ["a 1m 10Mi", "b 2m 20Mi"]);
        assert_eq!(table.sum.as_ref().map(show).as_deref(), Some("3m 30Mi"));
        assert_eq!(table.sum.as_ref().map(|s| s.at.line), Some(5));
        assert!(diags.is_empty(), "{diags:?}");

        let (table, diags) = run(
            Kind::KubectlTopPod,
            "NAME CPU(cores) MEMORY(bytes)\na 1m 10Mi\n ________ ________\n",
        );
        assert_eq!(table.sum, None);
        assert_eq!(severities(&diags), [(3, Severity::Warning)]);
    }

    #[test]
    fn remark_and_unknown_keep_their_text() {
        let (table, _) = run(Kind::KubectlTopPod, "p 9m 1394Mi <-- my java application\n");
        assert_eq!(
            table.rows[0].annotation.as_deref(),
            Some("<-- my java application")
        );
        assert!(table.columns_guessed);
        let (table, _) = run(
            Kind::KubectlTopNode,
            "NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%\nnode-x <unknown> <unknown> <unknown> <unknown>\n",
        );
        let row = &table.rows[0];
        assert_eq!(
            row.memory.as_ref().map(|c| (c.text.as_str(), c.known())),
            Some(("<unknown>", None))
        );
    }
}

//! `top`: the memory lines of its summary, from procps 3.2 to procps-ng 4.x and BusyBox.
//!
//! ```text
//! Mem:   2061048k total,  1991852k used,    69196k free,   136896k buffers      procps 3.2
//! KiB Mem:   2061048 total,  1991852 used,    69196 free,   136896 buffers      3.3.3 – 3.3.9
//! KiB Swap:  4192956 total,    13160 used,  4179796 free.  1453744 cached Mem
//! MiB Mem :   7924.4 total,   3146.9 free,   2940.6 used,   2622.8 buff/cache   3.3.10 – 4.x
//! MiB Swap:    512.0 total,    512.0 free,      0.0 used.   4983.8 avail Mem
//! Mem: 449532K used, 159356K free, 0K shrd, 0K buff, 139914323006485K cached    BusyBox
//! ```
//!
//! Every other line (`top - …`, `Tasks:`, `%Cpu(s):`, the process table) is skipped without a
//! diagnostic; a process row is never read as a memory line. procps ≥ 3.3.10 prints
//! `(float)KiB / 1024^n` with `printf`, so a value stands for an interval of KiB
//! ([`Item::kib_range`], computed by [`super::printed`]); a value too wide for its 9 columns
//! is cut to 8 characters and a `+` (`10840100+total,`), which leaves only a lower bound.

use serde::{Serialize, Serializer};

use super::number::{NumberError, parse_u64};
use super::printed::{top_kib_at_least, top_kib_range};
use crate::input::{At, Diagnostics, Document};

/// Everything read from one `top` document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Top {
    /// One summary per refresh (`top -b -n 3` prints three).
    pub summaries: Vec<Summary>,
}

impl Top {
    /// The KiB range of a value in the first summary; see [`Summary::value_kib`].
    pub fn value_kib(&self, line: LineKind, field: Field) -> Option<(u64, Option<u64>)> {
        self.summaries.first()?.value_kib(line, field)
    }
}

/// The memory lines of one refresh.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub style: Style,
    pub lines: Vec<MemLine>,
}

impl Summary {
    pub fn item(&self, line: LineKind, field: Field) -> Option<&Item> {
        let line = self.lines.iter().find(|l| l.kind == line)?;
        line.items.iter().find(|i| i.field == field)
    }

    /// The KiB values (inclusive) an item stands for: `(lo, Some(hi))`, or `(lo, None)` for a
    /// value cut by `top`'s `+` mark.
    pub fn value_kib(&self, line: LineKind, field: Field) -> Option<(u64, Option<u64>)> {
        let l = self.lines.iter().find(|l| l.kind == line)?;
        let item = l.items.iter().find(|i| i.field == field)?;
        item.kib_range(l.scale)
    }

    /// The memory total's KiB range: printed, or BusyBox's `used + free`.
    fn mem_total(&self) -> Option<(u64, Option<u64>, String)> {
        let mem = self.lines.iter().find(|l| l.kind == LineKind::Mem)?;
        if let Some(total) = mem.items.iter().find(|i| i.field == Field::Total) {
            let (lo, hi) = total.kib_range(mem.scale)?;
            return Some((lo, hi, total.text.clone()));
        }
        let exact = |f: Field| match mem.items.iter().find(|i| i.field == f)?.value {
            Value::Exact { kib } => Some(kib),
            _ => None,
        };
        let sum = exact(Field::Used)?.checked_add(exact(Field::Free)?)?;
        Some((sum, Some(sum), format!("{sum}K (used + free)")))
    }
}

/// Which `top` printed a summary, as far as its lines show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// `Mem: …K used, …K free, …K shrd, …K buff, …K cached`.
    BusyBox,
    /// procps 3.2: `Mem: …k total, …k used, …k free, …k buffers`.
    Procps32,
    /// procps-ng 3.3.3 – 3.3.9: `KiB Mem: … total, … used, … free, … buffers`.
    Procps33,
    /// procps-ng 3.3.10 and later: `KiB Mem : … total, … free, … used, … buff/cache`.
    Procps3310,
}

impl Style {
    pub fn as_str(self) -> &'static str {
        match self {
            Style::BusyBox => "busybox",
            Style::Procps32 => "procps-3.2",
            Style::Procps33 => "procps-ng-3.3.3-3.3.9",
            Style::Procps3310 => "procps-ng>=3.3.10",
        }
    }
}

/// `Mem` or `Swap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineKind {
    Mem,
    Swap,
}

impl LineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Mem => "mem",
            LineKind::Swap => "swap",
        }
    }
}

/// The unit of a line's values: `KiB Mem`, `MiB Mem`, …; BusyBox and procps 3.2 print KiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scale {
    Kib,
    Mib,
    Gib,
    Tib,
    Pib,
    Eib,
}

impl Scale {
    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Kib => "KiB",
            Scale::Mib => "MiB",
            Scale::Gib => "GiB",
            Scale::Tib => "TiB",
            Scale::Pib => "PiB",
            Scale::Eib => "EiB",
        }
    }

    /// The power of 1024 KiB it counts in.
    pub fn power(self) -> u8 {
        self as u8
    }

    fn parse(word: &str) -> Option<Scale> {
        [
            Scale::Kib,
            Scale::Mib,
            Scale::Gib,
            Scale::Tib,
            Scale::Pib,
            Scale::Eib,
        ]
        .into_iter()
        .find(|s| s.as_str() == word)
    }
}

/// What a value on a memory line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Total,
    Used,
    Free,
    /// `buffers`, BusyBox `buff`.
    Buffers,
    /// `cached` (on the Swap line in procps ≤ 3.3.9, where it is memory's page cache),
    /// BusyBox `cached`.
    Cached,
    BuffCache,
    /// `avail Mem`, printed on the Swap line.
    AvailMem,
    /// BusyBox `shrd`.
    Shared,
    /// A name the parser does not know; it is kept.
    Unknown,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Total => "total",
            Field::Used => "used",
            Field::Free => "free",
            Field::Buffers => "buffers",
            Field::Cached => "cached",
            Field::BuffCache => "buff/cache",
            Field::AvailMem => "avail Mem",
            Field::Shared => "shared",
            Field::Unknown => "unknown",
        }
    }

    fn from_name(name: &str) -> Field {
        match name {
            "total" => Field::Total,
            "used" => Field::Used,
            "free" => Field::Free,
            "buffers" | "buff" => Field::Buffers,
            "cached" | "cached Mem" => Field::Cached,
            "buff/cache" => Field::BuffCache,
            "avail Mem" => Field::AvailMem,
            "shrd" => Field::Shared,
            _ => Field::Unknown,
        }
    }

    /// Whether the field counts memory (not swap) even on the Swap line.
    fn is_memory(self) -> bool {
        matches!(self, Field::AvailMem | Field::Cached)
    }
}

macro_rules! serialize_as_str {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    )*};
}

serialize_as_str!(Style, LineKind, Scale, Field);

/// One `Mem` or `Swap` line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemLine {
    pub kind: LineKind,
    /// The label as printed, without its colon (`MiB Mem `, `KiB Swap`, `Mem`).
    pub label: String,
    pub scale: Scale,
    pub at: At,
    pub items: Vec<Item>,
}

/// One value on a memory line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    pub field: Field,
    /// The name as printed (`buff/cache`, `avail Mem`, `shrd`).
    pub name: String,
    /// The value as printed (`7924.4`, `449532K`, `10840100+`).
    pub text: String,
    pub at: At,
    pub value: Value,
    /// The value is certainly larger than the total it is part of: something `top` cannot
    /// have meant (C41's 127 PiB `cached`). It is kept, and flagged, never dropped.
    pub exceeds_total: bool,
}

/// A value as printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Value {
    /// A whole KiB count printed as an integer (`449532K`, `2061048k`).
    Exact { kib: u64 },
    /// A number printed through `printf` at the line's scale: its digits as one integer
    /// (`79244` for `7924.4`) and how many of them follow the point.
    Rounded { digits: u64, decimals: u8 },
    /// A value cut by the `+` overflow mark: at least `whole` units of the scale (`10840100+`
    /// at the KiB scale is at least 108401000: a digit was lost).
    AtLeast { whole: u64 },
}

impl Item {
    /// The KiB values (inclusive) the item stands for at `scale`: `(lo, Some(hi))`, or
    /// `(lo, None)` when the value was cut by the `+` mark.
    ///
    /// Rounded values are read as procps-ng ≥ 3.3.10 prints them (a `float`, so above 2^24 KiB
    /// even a KiB count stands for a few values); for the integers of 3.3.3 – 3.3.9 that
    /// interval contains the exact value.
    pub fn kib_range(&self, scale: Scale) -> Option<(u64, Option<u64>)> {
        match self.value {
            Value::Exact { kib } => Some((kib, Some(kib))),
            Value::Rounded { digits, decimals } => {
                let (lo, hi) = top_kib_range(digits, decimals, scale.power())?;
                Some((lo, Some(hi)))
            }
            Value::AtLeast { whole } => Some((top_kib_at_least(whole, scale.power()), None)),
        }
    }
}

/// Reads a `top` document.
pub fn parse(doc: &Document, diags: &mut Diagnostics) -> Top {
    let last_line = doc
        .lines
        .iter()
        .rev()
        .find(|l| !l.text.trim().is_empty())
        .map(|l| l.no);
    let mut summaries: Vec<Summary> = Vec::new();
    let mut in_process_table = false;

    for line in &doc.lines {
        let text = line.text.trim();
        if text.is_empty() {
            continue;
        }
        if text.starts_with("top - ") {
            in_process_table = false;
            continue;
        }
        if in_process_table {
            continue;
        }
        let Some(label) = mem_label(text) else {
            if is_process_header(text) {
                in_process_table = true;
            } else if !is_other_summary_line(text) && !is_process_row(text) {
                diags.error(
                    line.no,
                    format!("`{}` is not a line of `top`'s summary", shorten(text)),
                    "a memory line such as `MiB Mem :   7924.4 total, …` or \
                     `Mem: 449532K used, …`",
                );
            }
            continue;
        };
        if label.rest.contains('[')
            || label
                .rest
                .split_whitespace()
                .next()
                .is_some_and(|w| w.contains('/'))
        {
            // TODO: read the graph modes (`m` toggle: `MiB Mem : 37.1/7924.4 [|||   ]`); they
            // print a percentage and the total, which the accounting could still use.
            diags.note(Some(line.no), "a memory line in graph mode is not read");
            continue;
        }
        let at = doc.at(line.no);
        let is_last = Some(line.no) == last_line;
        let mem_line = read_line(&label, at, is_last, diags);

        let starts_new = summaries.last().is_none_or(|s| {
            s.lines
                .iter()
                .any(|l| l.kind == mem_line.kind || mem_line.kind == LineKind::Mem)
        });
        let style = style_of(&label, &mem_line);
        if starts_new {
            summaries.push(Summary {
                style,
                lines: Vec::new(),
            });
        }
        if let Some(summary) = summaries.last_mut() {
            if mem_line.kind == LineKind::Mem {
                summary.style = style;
            }
            summary.lines.push(mem_line);
        }
    }

    for summary in &mut summaries {
        flag_impossible(summary, diags);
    }
    if summaries.is_empty() {
        diags.warning(
            None,
            "no memory lines found (expected `KiB Mem :` or `Mem:` lines)",
        );
    }
    Top { summaries }
}

/// A memory line's label, split off.
struct Label<'a> {
    kind: LineKind,
    scale: Option<Scale>,
    /// The text before the colon.
    raw: &'a str,
    rest: &'a str,
}

fn mem_label(text: &str) -> Option<Label<'_>> {
    let (raw, rest) = text.split_once(':')?;
    let words: Vec<&str> = raw.split_whitespace().collect();
    let (scale, kind) = match words[..] {
        [scale, kind] => (Some(Scale::parse(scale)?), kind),
        [kind] => (None, kind),
        _ => return None,
    };
    // TODO: translated labels (top's `Mem`/`Swap` are in its `.po` files) are not recognised;
    // such lines are reported as unreadable.
    let kind = match kind {
        "Mem" => LineKind::Mem,
        "Swap" => LineKind::Swap,
        _ => return None,
    };
    Some(Label {
        kind,
        scale,
        raw,
        rest,
    })
}

fn style_of(label: &Label, line: &MemLine) -> Style {
    let suffix = |c: char| line.items.iter().any(|i| i.text.ends_with(c));
    let named = |f: Field| line.items.iter().any(|i| i.field == f);
    if suffix('K') || named(Field::Shared) {
        Style::BusyBox
    } else if suffix('k') {
        Style::Procps32
    } else if label.raw.ends_with(' ') || named(Field::BuffCache) || named(Field::AvailMem) {
        Style::Procps3310
    } else {
        Style::Procps33
    }
}

/// Reads the `value name,` pairs after a memory line's label.
fn read_line(label: &Label, at: At, is_last: bool, diags: &mut Diagnostics) -> MemLine {
    let scale = label.scale.unwrap_or(Scale::Kib);
    let words = words_of(label.rest);
    let mut items = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let value_text = words[i].as_str();
        i += 1;
        let mut name_words: Vec<&str> = Vec::new();
        let mut closed = false;
        while i < words.len() && !closed {
            let w = words[i].as_str();
            i += 1;
            let bare = w.trim_end_matches([',', '.']);
            closed = bare.len() < w.len();
            name_words.push(bare);
        }
        let name = name_words.join(" ");
        let field = Field::from_name(&name);
        let at_end = i >= words.len();

        if name.is_empty() || field == Field::Unknown && at_end && !closed && is_last {
            if is_last && at_end {
                diags.truncated(
                    at.line,
                    &format!("`{value_text} {name}` ends the paste before its name is complete"),
                );
            } else {
                diags.error(
                    at.line,
                    format!("value `{value_text}` has no name after it"),
                    "`<value> <name>,` pairs such as `7924.4 total,`",
                );
            }
            continue;
        }
        if field == Field::Unknown {
            diags.warning(
                Some(at.line),
                format!("`{name}` is not a name `top` prints"),
            );
        }
        match read_value(value_text, scale) {
            Ok(value) => items.push(Item {
                field,
                name,
                text: value_text.to_string(),
                at,
                value,
                exceeds_total: false,
            }),
            Err(why) => diags.error(
                at.line,
                format!("`{value_text}` before `{name}`: {why}"),
                "a number such as `7924.4`, `70362904`, `449532K` or `10840100+`",
            ),
        }
    }
    MemLine {
        kind: label.kind,
        label: label.raw.to_string(),
        scale,
        at,
        items,
    }
}

/// The words of a memory line, with a `+`-cut value split from the name it touches
/// (`10840100+total,` → `10840100+`, `total,`).
fn words_of(rest: &str) -> Vec<String> {
    let mut words = Vec::new();
    for w in rest.split_whitespace() {
        match w.find('+') {
            Some(p) if p + 1 < w.len() && w.starts_with(|c: char| c.is_ascii_digit()) => {
                words.push(w[..=p].to_string());
                words.push(w[p + 1..].to_string());
            }
            _ => words.push(w.to_string()),
        }
    }
    words
}

/// Reads one printed value.
fn read_value(text: &str, scale: Scale) -> Result<Value, String> {
    if let Some(kept) = text.strip_suffix('+') {
        // `top` cut the text to 8 characters and a `+`. What is left of the whole part is a
        // lower bound; at the KiB scale (`%.0f`, no point) the cut text had 9 or more digits,
        // so at least one digit is missing after the 8 kept.
        let whole = plain(kept.split(['.', ',']).next().unwrap_or(""))?;
        let digit_lost = scale == Scale::Kib && !kept.contains(['.', ',']);
        let whole = if digit_lost {
            whole.saturating_mul(10)
        } else {
            whole
        };
        return Ok(Value::AtLeast { whole });
    }
    if let Some(kib) = text.strip_suffix(['K', 'k']) {
        return plain(kib).map(|kib| Value::Exact { kib });
    }
    if scale == Scale::Kib {
        // `top` prints KiB without decimals (`%.0f`), so commas here can only be thousands
        // separators someone added (`70,362,904`), never a decimal comma.
        let digits = parse_u64(text).map_err(|e| e.to_string())?;
        return Ok(Value::Rounded {
            digits,
            decimals: 0,
        });
    }
    let (whole, frac) = match text.find(['.', ',']) {
        Some(p) => (&text[..p], &text[p + 1..]),
        None => (text, ""),
    };
    if !frac.bytes().all(|c| c.is_ascii_digit()) || text.contains(['.', ',']) && frac.is_empty() {
        return Err(NumberError::NotANumber.to_string());
    }
    let decimals = u8::try_from(frac.len()).map_err(|_| NumberError::NotANumber.to_string())?;
    let digits = plain(&format!("{whole}{frac}"))?;
    plain(whole)?;
    Ok(Value::Rounded { digits, decimals })
}

/// Digits only (`top` prints no thousands separators; a `,` here is a decimal comma).
fn plain(text: &str) -> Result<u64, String> {
    if text.contains(',') {
        return Err(NumberError::NotANumber.to_string());
    }
    parse_u64(text).map_err(|e| e.to_string())
}

/// Marks values that are certainly larger than their total (C41: BusyBox printed a `cached`
/// of 127 PiB on a 595 MiB machine).
fn flag_impossible(summary: &mut Summary, diags: &mut Diagnostics) {
    let mem_total = summary.mem_total();
    let swap_total = summary
        .lines
        .iter()
        .find(|l| l.kind == LineKind::Swap)
        .and_then(|l| {
            let t = l.items.iter().find(|i| i.field == Field::Total)?;
            let (lo, hi) = t.kib_range(l.scale)?;
            Some((lo, hi, t.text.clone()))
        });
    for line in &mut summary.lines {
        let scale = line.scale;
        for item in &mut line.items {
            if item.field == Field::Total {
                continue;
            }
            let total = if line.kind == LineKind::Mem || item.field.is_memory() {
                &mem_total
            } else {
                &swap_total
            };
            let Some((_, Some(total_hi), total_text)) = total else {
                continue;
            };
            let Some((lo, _)) = item.kib_range(scale) else {
                continue;
            };
            if lo > *total_hi {
                item.exceeds_total = true;
                diags.warning(
                    Some(item.at.line),
                    format!(
                        "`{} {}` is more than the total {}: a value `top` cannot have meant \
                         (likely a wrapped counter); it is kept but must not be used",
                        item.text, item.name, total_text
                    ),
                );
            }
        }
    }
}

/// `PID USER PR NI …` (procps) or `PID PPID USER STAT VSZ …` (BusyBox).
fn is_process_header(text: &str) -> bool {
    let mut words = text.split_whitespace();
    words.next() == Some("PID") && words.any(|w| matches!(w, "USER" | "COMMAND" | "PPID"))
}

/// A process row, even without its header (a pid, then at least five more columns).
fn is_process_row(text: &str) -> bool {
    let mut words = text.split_whitespace();
    words
        .next()
        .is_some_and(|w| w.bytes().all(|c| c.is_ascii_digit()))
        && words.count() >= 5
}

/// Summary lines that are not about memory.
fn is_other_summary_line(text: &str) -> bool {
    const PREFIXES: [&str; 9] = [
        "Tasks:",
        "Threads:",
        "%Cpu",
        "Cpu",
        "%Node",
        "Node",
        "CPU",
        "Load average:",
        "GPU",
    ];
    PREFIXES.iter().any(|p| text.starts_with(p))
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}…")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{DocId, Kind, Line, Severity};

    fn run(text: &str) -> (Top, Diagnostics) {
        let doc = Document {
            id: DocId(1),
            source: 0,
            name: None,
            command: None,
            kind: Kind::Top,
            reasons: Vec::new(),
            kind_set: false,
            host: None,
            lines: text
                .lines()
                .enumerate()
                .map(|(i, t)| Line {
                    no: i as u32 + 1,
                    text: t.to_string(),
                })
                .collect(),
        };
        let mut diags = Diagnostics::new(doc.id);
        let top = parse(&doc, &mut diags);
        (top, diags)
    }

    /// `(line, field, text)` of every item of the first summary.
    fn items(top: &Top) -> Vec<(LineKind, Field, String)> {
        top.summaries[0]
            .lines
            .iter()
            .flat_map(|l| l.items.iter().map(|i| (l.kind, i.field, i.text.clone())))
            .collect()
    }

    #[test]
    fn styles() {
        use Field::*;
        use LineKind::*;
        // (text, style, (line, field, printed) of every item)
        type Case<'a> = (&'a str, Style, &'a [(LineKind, Field, &'a str)]);
        let cases: &[Case] = &[
            (
                "Mem:   2061048k total,  1991852k used,    69196k free,   136896k buffers
Swap:  4192956k total,    13160k used,  4179796k free,  1453744k cached",
                Style::Procps32,
                &[
                    (Mem, Total, "2061048k"),
                    (Mem, Used, "1991852k"),
                    (Mem, Free, "69196k"),
                    (Mem, Buffers, "136896k"),
                    (Swap, Total, "4192956k"),
                    (Swap, Used, "13160k"),
                    (Swap, Free, "4179796k"),
                    (Swap, Cached, "1453744k"),
                ],
            ),
            (
                "KiB Mem:   2061048 total,  1991852 used,    69196 free,   136896 buffers
KiB Swap:  4192956 total,    13160 used,  4179796 free.  1453744 cached Mem",
                Style::Procps33,
                &[
                    (Mem, Total, "2061048"),
                    (Mem, Used, "1991852"),
                    (Mem, Free, "69196"),
                    (Mem, Buffers, "136896"),
                    (Swap, Total, "4192956"),
                    (Swap, Used, "13160"),
                    (Swap, Free, "4179796"),
                    (Swap, Cached, "1453744"),
                ],
            ),
            (
                "GiB Mem :     15.6 total,      9.3 free,      1.3 used,      5.4 buff/cache
GiB Swap:      1.0 total,      1.0 free,      0.0 used.     14.3 avail Mem",
                Style::Procps3310,
                &[
                    (Mem, Total, "15.6"),
                    (Mem, Free, "9.3"),
                    (Mem, Used, "1.3"),
                    (Mem, BuffCache, "5.4"),
                    (Swap, Total, "1.0"),
                    (Swap, Free, "1.0"),
                    (Swap, Used, "0.0"),
                    (Swap, AvailMem, "14.3"),
                ],
            ),
            (
                "Mem: 449532K used, 159356K free, 0K shrd, 0K buff, 1234K cached",
                Style::BusyBox,
                &[
                    (Mem, Used, "449532K"),
                    (Mem, Free, "159356K"),
                    (Mem, Shared, "0K"),
                    (Mem, Buffers, "0K"),
                    (Mem, Cached, "1234K"),
                ],
            ),
        ];
        for (text, style, want) in cases {
            let (top, diags) = run(text);
            assert!(diags.list.is_empty(), "{text}: {:?}", diags.list);
            assert_eq!(top.summaries[0].style, *style, "{text}");
            let want: Vec<_> = want
                .iter()
                .map(|(l, f, t)| (*l, *f, t.to_string()))
                .collect();
            assert_eq!(items(&top), want, "{text}");
        }
    }

    #[test]
    fn ranges() {
        // (text, line, field, KiB range)
        type Case<'a> = (&'a str, LineKind, Field, (u64, Option<u64>));
        let cases: &[Case] = &[
            (
                "Mem: 449532K used, 159356K free",
                LineKind::Mem,
                Field::Used,
                (449532, Some(449532)),
            ),
            (
                "MiB Mem :   7924.4 total,   3146.9 free,   2940.6 used,   2622.8 buff/cache",
                LineKind::Mem,
                Field::Total,
                (8_114_535, Some(8_114_636)),
            ),
            (
                "KiB Mem : 70362904 total,   496900 free,  1269348 used, 68596656 buff/cache",
                LineKind::Mem,
                Field::Total,
                (70_362_901, Some(70_362_907)),
            ),
            // At least 108401000 KiB as a float: from 108400997 up (108400996 is a tie that
            // rounds down to the even 108400992).
            (
                "KiB Mem : 10840100+total,   496900 free,  1269348 used, 68596656 buff/cache",
                LineKind::Mem,
                Field::Total,
                (108_400_997, None),
            ),
            (
                "MiB Mem : 1234567.+total,   3146.9 free,   2940.6 used,   2622.8 buff/cache",
                LineKind::Mem,
                Field::Total,
                (1_264_196_032, None),
            ),
            (
                "MiB Mem :   7924,4 total,   3146,9 free,   2940,6 used,   2622,8 buff/cache",
                LineKind::Mem,
                Field::Used,
                (3_011_124, Some(3_011_225)),
            ),
        ];
        for (text, line, field, want) in cases {
            let (top, diags) = run(text);
            assert!(diags.list.is_empty(), "{text}: {:?}", diags.list);
            assert_eq!(top.value_kib(*line, *field), Some(*want), "{text}");
        }
    }

    #[test]
    fn other_lines_are_skipped_quietly() {
        let text = "top - 09:03:20 up 58 min,  1 user,  load average: 5.88, 7.69, 7.28
Tasks:   1 total,   0 running,   1 sleeping,   0 stopped,   0 zombie
%Cpu(s):  0.0 us,  0.0 sy,  0.0 ni,100.0 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st
MiB Mem :   7924.4 total,   3146.9 free,   2940.6 used,   2622.8 buff/cache
MiB Swap:    512.0 total,    512.0 free,      0.0 used.   4983.8 avail Mem

    PID USER      PR  NI    VIRT    RES    SHR S  %CPU %MEM     TIME+ COMMAND
      1 root      20   0  833.8m  76.7m  26.1m S  10.0  0.1 152:02.42 Mem: 1 total
   1090 root      20   0    4.5m   1.5m   1.4m S";
        let (top, diags) = run(text);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        assert_eq!(top.summaries.len(), 1);
        assert_eq!(top.summaries[0].lines.len(), 2);
    }

    #[test]
    fn busybox_impossible_value_is_kept_and_flagged() {
        let text = "Mem: 449532K used, 159356K free, 0K shrd, 0K buff, 139914323006485K cached
CPU:   0% usr   0% sys   0% nic  99% idle   0% io   0% irq   0% sirq
Load average: 0.00 0.01 0.05 1/111 598
  PID  PPID USER     STAT   VSZ %VSZ %CPU COMMAND
    1     0 root     S     700m 118%   0% docker -d -s overlay -b none --restart";
        let (top, diags) = run(text);
        let cached = top.summaries[0].item(LineKind::Mem, Field::Cached).unwrap();
        assert_eq!(
            cached.value,
            Value::Exact {
                kib: 139_914_323_006_485
            }
        );
        assert!(cached.exceeds_total);
        let used = top.summaries[0].item(LineKind::Mem, Field::Used).unwrap();
        assert!(!used.exceeds_total);
        assert_eq!(diags.list.len(), 1, "{:?}", diags.list);
        assert_eq!(diags.list[0].severity, Severity::Warning);
        assert!(diags.list[0].message.contains("608888K (used + free)"));
    }

    #[test]
    fn bad_input() {
        // (text, item count on the first line, diagnostic lines, truncated)
        let cases: &[(&str, usize, &[u32], bool)] = &[
            // Garbage between the lines.
            (
                "KiB Mem :  8009240 total,  6925768 free,   280120 used,   803352 buff/cache
this line is garbage
KiB Swap:        0 total,        0 free,        0 used.  7333736 avail Mem",
                4,
                &[2],
                false,
            ),
            // Past u64: a diagnostic, not a wrap; the rest of the line is read.
            (
                "Mem: 99999999999999999999999K used, 159356K free",
                1,
                &[1],
                false,
            ),
            // Cut inside the last name, and before a name.
            (
                "MiB Swap:    512.0 total,    512.0 free,      0.0 used.   4983.8 avail",
                3,
                &[1],
                true,
            ),
            (
                "MiB Swap:    512.0 total,    512.0 free,      0.0 used.   4983",
                3,
                &[1],
                true,
            ),
            // A value without a name in the middle of a document is an error, not a cut.
            (
                "MiB Mem :   7924.4 total, 3146.9\nMiB Swap:    512.0 total",
                1,
                &[1],
                false,
            ),
            // A value that is not a number.
            ("MiB Mem :   79x4.4 total,   3146.9 free", 1, &[1], false),
        ];
        for (text, count, lines, truncated) in cases {
            let (top, diags) = run(text);
            assert_eq!(top.summaries[0].lines[0].items.len(), *count, "{text}");
            let got: Vec<u32> = diags.list.iter().filter_map(|d| d.line).collect();
            assert_eq!(got, *lines, "{text}: {:?}", diags.list);
            assert_eq!(diags.is_truncated(), *truncated, "{text}");
        }
        let (top, diags) = run("");
        assert!(top.summaries.is_empty());
        assert_eq!(diags.list.len(), 1);
    }

    #[test]
    fn never_panics() {
        let lines = [
            "EiB Mem : 99999999999999999999 total, 1.2.3 free, + used, 9+x buff/cache",
            "KiB Swap: +total, 12345678++free. ä avail Mem",
            "Mem: K used, 1K, 2K free,,",
            "MiB Mem : 37.1/7924.4 [|||   ]",
            "Mem:",
            "Swap:    1.0 total,   2.0 free,   3.0 used.",
        ];
        let (top, _) = run(&lines.join("\n"));
        for s in &top.summaries {
            for l in &s.lines {
                for i in &l.items {
                    let _ = i.kib_range(l.scale);
                }
            }
        }
    }

    #[test]
    fn refreshes_make_summaries() {
        let frame = "top - 09:03:20 up 58 min,  1 user,  load average: 5.88, 7.69, 7.28
MiB Mem :   7924.4 total,   3146.9 free,   2940.6 used,   2622.8 buff/cache
MiB Swap:    512.0 total,    512.0 free,      0.0 used.   4983.8 avail Mem
    PID USER      PR  NI    VIRT    RES    SHR S  %CPU %MEM     TIME+ COMMAND
      1 root      20   0  833.8m  76.7m  26.1m S  10.0  0.1 152:02.42 motion";
        let (top, diags) = run(&format!("{frame}\n\n{frame}"));
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        assert_eq!(top.summaries.len(), 2);
    }

    #[test]
    fn thousands_separators_at_the_kib_scale() {
        let (top, diags) =
            run("KiB Mem : 70,362,904 total,   496,900 free,  1269348 used,  8,0 buff/cache");
        assert_eq!(
            top.value_kib(LineKind::Mem, Field::Free),
            Some((496900, Some(496900)))
        );
        assert_eq!(items(&top).len(), 3);
        // `8,0` at the KiB scale is neither a KiB count nor a thousands group.
        assert_eq!(diags.list.len(), 1, "{:?}", diags.list);
    }

    #[test]
    fn tabs() {
        let (top, diags) =
            run("KiB Mem :\t8009240 total,\t6925768 free,\t280120 used,\t803352 buff/cache");
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        assert_eq!(items(&top).len(), 4);
    }
}

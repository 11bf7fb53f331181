//! `free`: procps (≤ 3.3.9 with `buffers cached` and a `-/+ buffers/cache:` row, 3.3.10+ and
//! 4.x with `buff/cache available`, `-w`, `-t`, `-l`, `-v`), BusyBox, and their localized
//! headers.
//!
//! The parser reads what was printed and nothing more: each cell keeps its text, its row, its
//! canonical column and its line. What the numbers mean depends on which `free` printed them
//! (procps 3.3 and 4 define `used` differently, accounting.md 6.1), and that is decided later;
//! this module gives that decision what it needs: the layout, the column order as printed, the
//! command line's flags, and for every cell the KiB values it can stand for under each
//! generation's way of printing ([`Table::value_kib`], [`Table::value_kib_as`]).
//!
//! Values are mapped to columns by their order. Right-aligned numbers under a header whose
//! indentation was lost (C03) still line up by order; when a row has more values than the
//! header has names, they are matched from the right, the way `free` aligns them.
//!
//! Ranges are inclusive pairs of whole KiB, because every `free` computes in whole KiB. An
//! integer cell stands for the KiB values that truncate to it in its unit (`-m`: `32841` is
//! 32841 × 1024 … 32842 × 1024 − 1). A `-h` cell stands for the KiB values that the generation's
//! own printing code turns into exactly that text, redone exactly in [`super::printed`]: under
//! procps-ng 4 `1.3Gi` is (1.25, 1.35) GiB (1.25 itself rounds to `1.2`, ties to even) and
//! `15Gi` is [15, 16) GiB (values of 10 and more are truncated); under 3.3.11–3.3.17 `2.0Mi` is
//! [2, 3) MiB (whole MiB first). [`Table::value_kib_as`] gives one generation's range,
//! [`Table::value_kib`] the span of all generations the table's form allows.

use serde::{Serialize, Serializer};

use super::number::parse_u64;
use super::printed::{Human, HumanAlgorithm, Unit};
use crate::input::{At, Diagnostics, Document};

/// Implements `Serialize` through the type's `as_str`, the one place its stable names live.
macro_rules! serialize_as_str {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    )*};
}

/// Everything read from one `free` document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Free {
    /// The flags of the command line that printed the document (`free -mh`), when the paste
    /// shows one.
    pub flags: Option<Flags>,
    /// One table per header (`free -s 1` prints several).
    pub tables: Vec<Table>,
}

impl Free {
    /// The KiB values (inclusive) a cell of the first table can stand for; see
    /// [`Table::value_kib`].
    pub fn value_kib(&self, row: RowKind, column: Column) -> Option<(u64, u64)> {
        self.tables.first()?.value_kib(row, column)
    }

    /// The first table's cell in `row` and `column`.
    pub fn cell(&self, row: RowKind, column: Column) -> Option<&Cell> {
        self.tables.first()?.cell(row, column)
    }
}

/// A canonical column of a `free` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Total,
    Used,
    Free,
    Shared,
    Buffers,
    /// `cached` (≤ 3.3.9) or `cache` (`-w`).
    Cache,
    /// `buff/cache` (3.3.10+).
    BuffCache,
    Available,
    /// A header word the parser does not know; its label is kept.
    Unknown,
}

impl Column {
    pub fn as_str(self) -> &'static str {
        match self {
            Column::Total => "total",
            Column::Used => "used",
            Column::Free => "free",
            Column::Shared => "shared",
            Column::Buffers => "buffers",
            Column::Cache => "cache",
            Column::BuffCache => "buff/cache",
            Column::Available => "available",
            Column::Unknown => "unknown",
        }
    }

    /// The column a header word names, in English or German (procps' `de.po`).
    // TODO: other locales' words (procps ships about 30 translations) become `Unknown`
    // columns with a warning; add them from the `po/` files when pastes show up.
    fn from_header(word: &str) -> Column {
        match word.to_lowercase().as_str() {
            "total" | "gesamt" => Column::Total,
            "used" | "benutzt" => Column::Used,
            "free" | "frei" => Column::Free,
            "shared" | "gemns." | "gemeinsam" => Column::Shared,
            "buffers" | "puffer" => Column::Buffers,
            "cached" | "cache" | "zwischenspeicher" => Column::Cache,
            "buff/cache" | "puffer/cache" => Column::BuffCache,
            "available" | "verfügbar" => Column::Available,
            _ => Column::Unknown,
        }
    }
}

/// What a row of a `free` table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RowKind {
    Mem,
    Swap,
    /// `-/+ buffers/cache:` (procps ≤ 3.3.9, BusyBox): used and free without buffers and cache.
    BuffersCache,
    /// `-t`: `Total:`, RAM plus swap.
    Total,
    /// `-l`: `Low:` and `High:` memory.
    Low,
    High,
    /// `-v` (4.x): `Comm:` CommitLimit, Committed_AS and their difference.
    Comm,
    /// A label the parser does not know; it is kept.
    Unknown,
}

impl RowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RowKind::Mem => "mem",
            RowKind::Swap => "swap",
            RowKind::BuffersCache => "-/+ buffers/cache",
            RowKind::Total => "total",
            RowKind::Low => "low",
            RowKind::High => "high",
            RowKind::Comm => "comm",
            RowKind::Unknown => "unknown",
        }
    }

    /// The row a label names (without its colon), in English or German.
    fn from_label(label: &str) -> RowKind {
        match label.to_lowercase().as_str() {
            "mem" | "speicher" => RowKind::Mem,
            "swap" | "auslagerungsspeicher" => RowKind::Swap,
            "-/+ buffers/cache" | "-/+ puffer/cache" => RowKind::BuffersCache,
            "total" | "gesamt" | "insgesamt" => RowKind::Total,
            "low" => RowKind::Low,
            "high" => RowKind::High,
            "comm" => RowKind::Comm,
            _ => RowKind::Unknown,
        }
    }

    /// How many values the row has when nothing is missing, and the header column its first
    /// value sits under.
    fn shape(self, header_len: usize) -> (usize, usize) {
        match self {
            RowKind::Mem | RowKind::Unknown => (header_len, 0),
            RowKind::BuffersCache => (2, 1),
            RowKind::Swap | RowKind::Total | RowKind::Low | RowKind::High | RowKind::Comm => {
                (header_len.min(3), 0)
            }
        }
    }
}

/// How a table's columns are arranged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    /// `total used free shared buffers cached`: procps ≤ 3.3.9, old BusyBox.
    Old,
    /// `total used free shared buff/cache available`: procps 3.3.10+, 4.x, newer BusyBox.
    New,
    /// `-w`: `… buffers cache available`.
    Wide,
    /// The new header with a `-/+ buffers/cache:` row too: only BusyBox prints both (C34).
    BusyBoxHybrid,
    /// Anything else: no header, unknown words, or a subset (ancient BusyBox, toybox).
    Other,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Old => "old",
            Layout::New => "new",
            Layout::Wide => "wide",
            Layout::BusyBoxHybrid => "busybox-hybrid",
            Layout::Other => "other",
        }
    }
}

/// A family of `free` implementations that print alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Generation {
    /// procps up to 3.3.10.
    Procps33Early,
    /// procps-ng 3.3.11 – 3.3.17.
    Procps33Late,
    /// procps-ng 4.0.0.
    Procps400,
    /// procps-ng 4.0.1 and later.
    Procps401,
    BusyBox,
}

impl Generation {
    pub const ALL: [Generation; 5] = [
        Generation::Procps33Early,
        Generation::Procps33Late,
        Generation::Procps400,
        Generation::Procps401,
        Generation::BusyBox,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Generation::Procps33Early => "procps<=3.3.10",
            Generation::Procps33Late => "procps-ng 3.3.11-3.3.17",
            Generation::Procps400 => "procps-ng 4.0.0",
            Generation::Procps401 => "procps-ng>=4.0.1",
            Generation::BusyBox => "busybox",
        }
    }

    /// Whether `algorithm` is how this generation prints `-h`.
    fn prints_human_with(self, algorithm: HumanAlgorithm) -> bool {
        use HumanAlgorithm as H;
        match self {
            Generation::Procps33Early => {
                matches!(algorithm, H::Procps33Early | H::Procps33EarlySi)
            }
            Generation::Procps33Late => matches!(algorithm, H::Procps33Late | H::Procps33LateSi),
            Generation::Procps400 | Generation::Procps401 => {
                matches!(algorithm, H::Procps4 | H::Procps4Si)
            }
            // TODO: BusyBox `free -h` (make_human_readable_str: one decimal always) has no
            // inverse here yet; its cells get no range under BusyBox.
            Generation::BusyBox => false,
        }
    }
}

serialize_as_str!(Column, RowKind, Layout, Generation);

/// What the numbers of a table are in.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum Format {
    /// Whole numbers in one unit. Some flags meant different units in different generations
    /// (`--si` alone is KiB before 4.0.1 and kB since), so every reading is listed, the most
    /// common first.
    Integer {
        /// No command line was pasted: the unit is the default's (KiB), not known.
        assumed: bool,
        readings: Vec<UnitReading>,
    },
    /// `-h`: every cell carries its own suffix; these are the ways of printing that use the
    /// table's suffix style and `--si` setting.
    Human { algorithms: Vec<HumanAlgorithm> },
}

/// One meaning of an integer table's unit, and which generations give it that meaning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitReading {
    pub unit: Unit,
    pub generations: Vec<Generation>,
}

/// The flags of a `free` command line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Flags {
    /// The command as pasted.
    pub command: String,
    /// Run as `busybox free`.
    pub busybox: bool,
    pub unit: Option<UnitFlag>,
    pub si: bool,
    pub human: bool,
    pub wide: bool,
    pub total: bool,
    pub lohi: bool,
    pub committed: bool,
    /// `-o` (≤ 3.3.9): no `-/+ buffers/cache:` row.
    pub old: bool,
    /// Words the parser does not know.
    pub unknown: Vec<String>,
}

/// A unit flag of `free`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnitFlag {
    /// `-b`, `--bytes`.
    Bytes,
    /// `-k`, `--kibi`.
    Kibi,
    /// `-m`, `--mebi`.
    Mebi,
    /// `-g`, `--gibi`.
    Gibi,
    Tebi,
    Pebi,
    Kilo,
    Mega,
    Giga,
    Tera,
    Peta,
}

impl UnitFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitFlag::Bytes => "bytes",
            UnitFlag::Kibi => "kibi",
            UnitFlag::Mebi => "mebi",
            UnitFlag::Gibi => "gibi",
            UnitFlag::Tebi => "tebi",
            UnitFlag::Pebi => "pebi",
            UnitFlag::Kilo => "kilo",
            UnitFlag::Mega => "mega",
            UnitFlag::Giga => "giga",
            UnitFlag::Tera => "tera",
            UnitFlag::Peta => "peta",
        }
    }
}

serialize_as_str!(UnitFlag);

impl Flags {
    /// Reads the flags of the `free` in `command` (`free -mh`, `LANG=C free`, `busybox free -m`,
    /// `watch -n1 free -m`, `free -m | grep Mem`); `None` when it runs no `free`.
    pub fn parse(command: &str) -> Option<Flags> {
        let first_stage = command.split('|').next().unwrap_or(command);
        let words: Vec<&str> = first_stage.split_whitespace().collect();
        let at = words
            .iter()
            .position(|w| *w == "free" || w.ends_with("/free"))?;
        let mut flags = Flags {
            command: command.trim().to_string(),
            busybox: at > 0 && words[at - 1].ends_with("busybox"),
            ..Flags::default()
        };
        let mut rest = words[at + 1..].iter();
        while let Some(word) = rest.next() {
            if let Some(long) = word.strip_prefix("--") {
                let (name, value) = long.split_once('=').unwrap_or((long, ""));
                match name {
                    "bytes" => flags.unit = Some(UnitFlag::Bytes),
                    "kibi" => flags.unit = Some(UnitFlag::Kibi),
                    "mebi" => flags.unit = Some(UnitFlag::Mebi),
                    "gibi" => flags.unit = Some(UnitFlag::Gibi),
                    "tebi" => flags.unit = Some(UnitFlag::Tebi),
                    "pebi" => flags.unit = Some(UnitFlag::Pebi),
                    "kilo" => flags.unit = Some(UnitFlag::Kilo),
                    "mega" => flags.unit = Some(UnitFlag::Mega),
                    "giga" => flags.unit = Some(UnitFlag::Giga),
                    "tera" => flags.unit = Some(UnitFlag::Tera),
                    "peta" => flags.unit = Some(UnitFlag::Peta),
                    "si" => flags.si = true,
                    "human" => flags.human = true,
                    "wide" => flags.wide = true,
                    "total" => flags.total = true,
                    "lohi" => flags.lohi = true,
                    "committed" => flags.committed = true,
                    "old" => flags.old = true,
                    "seconds" | "count" => {
                        if value.is_empty() {
                            rest.next();
                        }
                    }
                    _ => flags.unknown.push(word.to_string()),
                }
            } else if let Some(short) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
                for (i, c) in short.char_indices() {
                    match c {
                        'b' => flags.unit = Some(UnitFlag::Bytes),
                        'k' => flags.unit = Some(UnitFlag::Kibi),
                        'm' => flags.unit = Some(UnitFlag::Mebi),
                        'g' => flags.unit = Some(UnitFlag::Gibi),
                        'h' => flags.human = true,
                        'w' => flags.wide = true,
                        't' => flags.total = true,
                        'l' => flags.lohi = true,
                        'v' => flags.committed = true,
                        'o' => flags.old = true,
                        's' | 'c' => {
                            // `-s 2`, `-s2`: the interval or count is the rest of the word or
                            // the next one.
                            if short[i + 1..].is_empty() {
                                rest.next();
                            }
                            break;
                        }
                        _ => flags.unknown.push(format!("-{c}")),
                    }
                }
            } else {
                flags.unknown.push(word.to_string());
            }
        }
        Some(flags)
    }

    /// What an integer table printed with these flags is in, per generation. Sources:
    /// procps-ng 3.3.x `free.c` (`-b -k -m -g --tera`; `--si` switches the divisor to 1000 and
    /// divides KiB, so `-m --si` counts thousands of KiB; `--kilo` is `-k`), procps-ng 4.0.x
    /// `src/free.c` (bytes divided by 1000^n or 1024^n; `--kilo`… decimal, `--kibi`… binary;
    /// `--si` alone is kB since 4.0.1, commit 3ea211fa), BusyBox `free.c` (`-b -k -m -g`, shifts
    /// of bytes).
    // TODO: the 3.3.11–3.3.17 rows for `--kilo/--mega/--giga/--tera/--peta` follow 4.x; no
    // 3.3.17 source or binary was at hand to confirm them (NEWS 3.3.13 "fix some of the SI
    // multiples" says they changed in that series).
    fn integer_readings(&self) -> Vec<UnitReading> {
        use Generation::*;
        use UnitFlag as F;
        let procps4 = [Procps400, Procps401];
        let mut readings: Vec<(Unit, Vec<Generation>)> = Vec::new();
        let mut add = |unit: Unit, generations: &[Generation]| match readings
            .iter_mut()
            .find(|(u, _)| *u == unit)
        {
            Some((_, g)) => g.extend_from_slice(generations),
            None => readings.push((unit, generations.to_vec())),
        };
        let all = [Procps33Early, Procps33Late, Procps400, Procps401];
        match (self.unit, self.si) {
            (None | Some(F::Kibi), false) => add(Unit::Kib, &all),
            (None, true) => {
                add(Unit::Kib, &[Procps33Early, Procps33Late, Procps400]);
                add(Unit::Kb, &[Procps401]);
            }
            (Some(F::Kibi), true) => add(Unit::Kb, &all),
            (Some(F::Bytes), _) => add(Unit::Bytes, &all),
            (Some(F::Mebi), false) => add(Unit::Mib, &all),
            (Some(F::Mebi), true) => {
                add(Unit::ThousandKib, &[Procps33Early, Procps33Late]);
                add(Unit::Mb, &procps4);
            }
            (Some(F::Gibi), false) => add(Unit::Gib, &all),
            (Some(F::Gibi), true) => {
                add(Unit::MillionKib, &[Procps33Early, Procps33Late]);
                add(Unit::Gb, &procps4);
            }
            (Some(F::Tebi), si) => add(if si { Unit::Tb } else { Unit::Tib }, &procps4),
            (Some(F::Pebi), si) => add(if si { Unit::Pb } else { Unit::Pib }, &procps4),
            (Some(F::Tera), si) => {
                add(
                    if si { Unit::BillionKib } else { Unit::Tib },
                    &[Procps33Early],
                );
                add(Unit::Tb, &[Procps33Late, Procps400, Procps401]);
            }
            (Some(F::Peta), _) => add(Unit::Pb, &[Procps33Late, Procps400, Procps401]),
            (Some(F::Kilo), si) => {
                add(if si { Unit::Kb } else { Unit::Kib }, &[Procps33Early]);
                add(Unit::Kb, &[Procps33Late, Procps400, Procps401]);
            }
            (Some(F::Mega), si) => {
                add(
                    if si { Unit::ThousandKib } else { Unit::Mib },
                    &[Procps33Early],
                );
                add(Unit::Mb, &[Procps33Late, Procps400, Procps401]);
            }
            (Some(F::Giga), si) => {
                add(
                    if si { Unit::MillionKib } else { Unit::Gib },
                    &[Procps33Early],
                );
                add(Unit::Gb, &[Procps33Late, Procps400, Procps401]);
            }
        }
        // BusyBox knows `-b -k -m -g` (and no `--si`); a plain `free` may be BusyBox's.
        let busybox_unit = match self.unit {
            _ if self.si => None,
            None | Some(F::Kibi) => Some(Unit::Kib),
            Some(F::Bytes) => Some(Unit::Bytes),
            Some(F::Mebi) => Some(Unit::Mib),
            Some(F::Gibi) => Some(Unit::Gib),
            _ => None,
        };
        if let Some(unit) = busybox_unit {
            add(unit, &[BusyBox]);
        }
        if self.busybox {
            readings.retain_mut(|(_, g)| {
                g.retain(|x| *x == BusyBox);
                !g.is_empty()
            });
        }
        readings
            .into_iter()
            .map(|(unit, generations)| UnitReading { unit, generations })
            .collect()
    }
}

/// A table's header line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Header {
    pub at: At,
    /// The columns in the order printed.
    pub columns: Vec<HeaderColumn>,
}

/// One header word and the column it names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HeaderColumn {
    pub column: Column,
    /// The word as printed (`gesamt`, `buff/cache`).
    pub label: String,
}

/// One `free` table: a header and the rows under it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table {
    /// `None` when the rows came without a header line; their cells then have no column.
    pub header: Option<Header>,
    pub layout: Layout,
    #[serde(flatten)]
    pub format: Format,
    pub rows: Vec<Row>,
}

/// A row: its label, and its cells.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub kind: RowKind,
    /// The label as printed, without its colon (`Speicher`, `-/+ buffers/cache`).
    pub label: String,
    pub at: At,
    pub cells: Vec<Cell>,
    /// The last token of a row cut off by the end of the paste (`4` in C01's `Swap: 127999 4`):
    /// it may be the start of a longer number, so it is not read as a value.
    pub cut: Option<String>,
}

/// One value in a `free` table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    pub row: RowKind,
    pub column: Column,
    /// The text as printed.
    pub text: String,
    pub at: At,
    pub value: CellValue,
}

/// A cell's value as printed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CellValue {
    /// A whole number in the table's unit ([`Format::Integer`]).
    Integer { value: u64 },
    /// A `-h` value with its suffix.
    Human(Human),
}

impl Cell {
    /// The KiB values (inclusive) this cell stands for under every reading of `format`
    /// together: from the least any allows to the greatest. `None` when none allows any.
    pub fn kib_range(&self, format: &Format) -> Option<(u64, u64)> {
        self.kib_range_where(format, |_| true)
    }

    /// The same, restricted to the readings of `generation`.
    pub fn kib_range_as(&self, format: &Format, generation: Generation) -> Option<(u64, u64)> {
        self.kib_range_where(format, |g| g == generation)
    }

    fn kib_range_where(
        &self,
        format: &Format,
        generation: impl Fn(Generation) -> bool,
    ) -> Option<(u64, u64)> {
        let ranges: Vec<(u64, u64)> = match (&self.value, format) {
            (CellValue::Integer { value }, Format::Integer { readings, .. }) => readings
                .iter()
                .filter(|r| r.generations.iter().any(|g| generation(*g)))
                .filter_map(|r| r.unit.kib_range(*value))
                .collect(),
            (CellValue::Human(h), Format::Human { algorithms }) => algorithms
                .iter()
                .filter(|a| {
                    Generation::ALL
                        .iter()
                        .any(|g| generation(*g) && g.prints_human_with(**a))
                })
                .filter_map(|a| a.kib_range(h))
                .collect(),
            // A zero printed without a suffix among `-h` values.
            (CellValue::Integer { value: 0 }, Format::Human { .. }) => vec![(0, 0)],
            _ => Vec::new(),
        };
        let lo = ranges.iter().map(|r| r.0).min()?;
        let hi = ranges.iter().map(|r| r.1).max()?;
        Some((lo, hi))
    }
}

impl Table {
    /// The cell in the first row of kind `row` under `column`.
    pub fn cell(&self, row: RowKind, column: Column) -> Option<&Cell> {
        let row = self.rows.iter().find(|r| r.kind == row)?;
        row.cells.iter().find(|c| c.column == column)
    }

    /// The KiB values (inclusive) the cell can stand for, over every generation whose way of
    /// printing fits the table (the union of [`Table::value_kib_as`]).
    pub fn value_kib(&self, row: RowKind, column: Column) -> Option<(u64, u64)> {
        self.cell(row, column)?.kib_range(&self.format)
    }

    /// The KiB values (inclusive) the cell stands for if `generation` printed it.
    pub fn value_kib_as(
        &self,
        row: RowKind,
        column: Column,
        generation: Generation,
    ) -> Option<(u64, u64)> {
        self.cell(row, column)?
            .kib_range_as(&self.format, generation)
    }

    /// The columns as printed, in order.
    pub fn columns(&self) -> Vec<Column> {
        self.header
            .iter()
            .flat_map(|h| h.columns.iter().map(|c| c.column))
            .collect()
    }
}

/// Reads a `free` document.
pub fn parse(doc: &Document, diags: &mut Diagnostics) -> Free {
    let flags = doc.command.as_deref().and_then(Flags::parse);
    let last_line = doc
        .lines
        .iter()
        .rev()
        .find(|l| !l.text.trim().is_empty())
        .map(|l| l.no);
    let mut tables: Vec<TableBuilder> = Vec::new();

    for line in &doc.lines {
        let text = line.text.trim();
        if text.is_empty() {
            continue;
        }
        let at = doc.at(line.no);
        if let Some(columns) = header(text) {
            for c in columns.iter().filter(|c| c.column == Column::Unknown) {
                diags.warning(
                    Some(line.no),
                    format!("header word `{}` names no column memlens knows", c.label),
                );
            }
            tables.push(TableBuilder {
                header: Some(Header { at, columns }),
                rows: Vec::new(),
            });
            continue;
        }
        // TODO: procps-ng 4 `free -L` prints one line (`SwapUse 0 CachUse … MemUse … MemFree
        // …`); it is reported as unreadable for now.
        let Some((label, values)) = row_label(text) else {
            diags.error(
                line.no,
                format!(
                    "`{}` is neither a header nor a row of `free`",
                    shorten(text)
                ),
                "a header such as `total used free …` or a row such as `Mem: 3907112 990816 …`",
            );
            continue;
        };
        if tables.is_empty() {
            diags.warning(
                Some(line.no),
                "the table has no header line, so its columns cannot be named",
            );
            tables.push(TableBuilder {
                header: None,
                rows: Vec::new(),
            });
        }
        if let Some(table) = tables.last_mut() {
            let is_last = Some(line.no) == last_line;
            let row = table.row(label, values, at, is_last, diags);
            table.rows.push(row);
        }
    }

    if tables.iter().all(|t| t.rows.is_empty()) {
        diags.warning(
            None,
            "no `free` rows found (expected `Mem:` and `Swap:` rows)",
        );
    }
    let tables = tables
        .into_iter()
        .map(|t| t.finish(flags.as_ref(), diags))
        .collect();
    Free { flags, tables }
}

struct TableBuilder {
    header: Option<Header>,
    rows: Vec<Row>,
}

impl TableBuilder {
    fn row(
        &self,
        label: &str,
        values: &str,
        at: At,
        is_last: bool,
        diags: &mut Diagnostics,
    ) -> Row {
        let kind = RowKind::from_label(label);
        if kind == RowKind::Unknown {
            diags.warning(
                Some(at.line),
                format!("row label `{label}:` is not one `free` prints"),
            );
        }
        let columns: Vec<Column> = match &self.header {
            Some(h) => h.columns.iter().map(|c| c.column).collect(),
            None => Vec::new(),
        };
        let (expected, start) = match &self.header {
            Some(_) => kind.shape(columns.len()),
            None => (usize::MAX, 0),
        };
        let mut tokens: Vec<&str> = values.split_whitespace().collect();
        let mut cut = None;

        if tokens.is_empty() {
            // lxcfs without swap makes procps print a bare `Swap:` (C39).
            diags.note(Some(at.line), format!("the `{label}:` row has no values"));
        } else if tokens.len() < expected && expected != usize::MAX {
            if is_last {
                cut = tokens.pop().map(str::to_string);
                diags.truncated(
                    at.line,
                    &format!(
                        "the `{label}:` row has {} of its {expected} values; its last, `{}`, \
                         may be incomplete",
                        tokens.len() + 1,
                        cut.as_deref().unwrap_or(""),
                    ),
                );
            } else {
                diags.warning(
                    Some(at.line),
                    format!(
                        "the `{label}:` row has {} values where `free` prints {expected}",
                        tokens.len()
                    ),
                );
            }
        }

        // More values than header names: match from the right, as `free` right-aligns them, so
        // the leftmost values are the ones without a column.
        let room = columns.len().saturating_sub(start);
        if self.header.is_some() && tokens.len() > room {
            let extra = tokens.len() - room;
            for t in tokens.drain(..extra) {
                diags.error(
                    at.line,
                    format!("value `{t}` has no column: the row has more values than the header"),
                    format!("at most {room} values after `{label}:`"),
                );
            }
        }

        let mut cells = Vec::new();
        for (i, token) in tokens.iter().enumerate() {
            let column = columns.get(start + i).copied().unwrap_or(Column::Unknown);
            match cell_value(token) {
                Ok(value) => cells.push(Cell {
                    row: kind,
                    column,
                    text: token.to_string(),
                    at,
                    value,
                }),
                // CommitLimit − Committed_AS is negative on an overcommitted machine.
                Err(_) if kind == RowKind::Comm && token.starts_with('-') => diags.note(
                    Some(at.line),
                    format!("`{token}` under `{label}:`: more is committed than the limit"),
                ),
                Err(why) => diags.error(
                    at.line,
                    format!("`{token}` in the `{label}:` row: {why}"),
                    "a whole number (`3907112`) or a size with a unit (`1.3Gi`, `528M`)",
                ),
            }
        }
        Row {
            kind,
            label: label.to_string(),
            at,
            cells,
            cut,
        }
    }

    fn finish(self, flags: Option<&Flags>, diags: &mut Diagnostics) -> Table {
        let human = self
            .rows
            .iter()
            .flat_map(|r| &r.cells)
            .any(|c| matches!(c.value, CellValue::Human(_)));
        let format = if human {
            self.human_format(flags, diags)
        } else {
            if flags.is_some_and(|f| f.human) && self.rows.iter().any(|r| !r.cells.is_empty()) {
                diags.warning(
                    self.header.as_ref().map(|h| h.at.line),
                    "the command asks for `-h` but the values carry no unit",
                );
            }
            match flags {
                Some(f) => Format::Integer {
                    assumed: false,
                    readings: f.integer_readings(),
                },
                None => Format::Integer {
                    assumed: true,
                    readings: vec![UnitReading {
                        unit: Unit::Kib,
                        generations: Generation::ALL.to_vec(),
                    }],
                },
            }
        };
        let layout = self.layout();
        Table {
            header: self.header,
            layout,
            format,
            rows: self.rows,
        }
    }

    fn human_format(&self, flags: Option<&Flags>, diags: &mut Diagnostics) -> Format {
        let cells = || self.rows.iter().flat_map(|r| &r.cells);
        let suffixed = || {
            cells().filter_map(|c| match &c.value {
                CellValue::Human(h) if h.power > 0 => Some(h),
                _ => None,
            })
        };
        let iec = suffixed().any(|h| h.iec);
        let plain = suffixed().any(|h| !h.iec);
        if iec && plain {
            diags.warning(
                self.header.as_ref().map(|h| h.at.line),
                "the table mixes `Gi`-style and `G`-style suffixes, which no `free` does",
            );
        }
        for c in cells().filter(|c| matches!(c.value, CellValue::Integer { value } if value != 0)) {
            diags.warning(
                Some(c.at.line),
                format!("`{}` has no unit among `-h` values", c.text),
            );
        }
        let algorithms = HumanAlgorithm::ALL
            .into_iter()
            .filter(|a| !iec || a.iec())
            .filter(|a| !plain || !a.iec())
            .filter(|a| flags.is_none_or(|f| f.si == a.si()))
            .collect();
        Format::Human { algorithms }
    }

    fn layout(&self) -> Layout {
        let Some(header) = &self.header else {
            return Layout::Other;
        };
        let has = |c: Column| header.columns.iter().any(|h| h.column == c);
        let buffers_cache_row = self.rows.iter().any(|r| r.kind == RowKind::BuffersCache);
        let six = header.columns.len() == 6;
        let seven = header.columns.len() == 7;
        if six && has(Column::BuffCache) && has(Column::Available) {
            if buffers_cache_row {
                Layout::BusyBoxHybrid
            } else {
                Layout::New
            }
        } else if seven && has(Column::Buffers) && has(Column::Cache) && has(Column::Available) {
            Layout::Wide
        } else if six && has(Column::Buffers) && has(Column::Cache) && !has(Column::Available) {
            Layout::Old
        } else {
            Layout::Other
        }
    }
}

/// The columns of a header line: three or more words, no digits, no row label.
fn header(text: &str) -> Option<Vec<HeaderColumn>> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let plausible = words.len() >= 3
        && !text.contains(|c: char| c.is_ascii_digit())
        && !words.iter().any(|w| w.ends_with(':'));
    // At least one word must be a known column, or any prose line would pass.
    let columns: Vec<HeaderColumn> = words
        .iter()
        .map(|w| HeaderColumn {
            column: Column::from_header(w),
            label: w.to_string(),
        })
        .collect();
    let known = columns
        .iter()
        .filter(|c| c.column != Column::Unknown)
        .count();
    (plausible && known * 2 >= columns.len()).then_some(columns)
}

/// Splits a row into its label (without the colon) and the text of its values.
fn row_label(text: &str) -> Option<(&str, &str)> {
    if let Some((label, rest)) = text.split_once(':') {
        let label = label.trim();
        let words = label.split_whitespace().count();
        if !label.is_empty() && words <= 3 && !label.contains(|c: char| c.is_ascii_digit()) {
            return Some((label, rest));
        }
        return None;
    }
    // A paste that lost its colons: `Mem 2006 558 1447 0 50 393`.
    let (first, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    matches!(first, "Mem" | "Swap" | "Total").then_some((first, rest))
}

/// Reads one value token: a whole number (thousands separators allowed) or a `-h` size.
fn cell_value(token: &str) -> Result<CellValue, String> {
    let ends_in_letter = token.chars().last().is_some_and(char::is_alphabetic);
    if ends_in_letter {
        return Human::parse(token)
            .map(CellValue::Human)
            .ok_or_else(|| "not a size `free -h` prints".to_string());
    }
    parse_u64(token)
        .map(|value| CellValue::Integer { value })
        .map_err(|e| e.to_string())
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
    use crate::input::{DocId, Kind, Line};

    fn doc(command: Option<&str>, text: &str) -> Document {
        Document {
            id: DocId(1),
            source: 0,
            name: command.map(str::to_string),
            command: command.map(str::to_string),
            kind: Kind::Free,
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
        }
    }

    fn run(command: Option<&str>, text: &str) -> (Free, Diagnostics) {
        let d = doc(command, text);
        let mut diags = Diagnostics::new(d.id);
        let free = parse(&d, &mut diags);
        (free, diags)
    }

    /// `(row, column, text)` of every cell of the first table.
    fn cells(free: &Free) -> Vec<(RowKind, Column, String)> {
        free.tables[0]
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| (c.row, c.column, c.text.clone())))
            .collect()
    }

    fn ints(free: &Free, row: RowKind) -> Vec<u64> {
        let table = &free.tables[0];
        let row = table.rows.iter().find(|r| r.kind == row).unwrap();
        row.cells
            .iter()
            .map(|c| match c.value {
                CellValue::Integer { value } => value,
                CellValue::Human(_) => panic!("human cell {}", c.text),
            })
            .collect()
    }

    const NEW: &str =
        "               total        used        free      shared  buff/cache   available
Mem:        16393244     1372344     9744148        2496     5625524    15020900
Swap:              0           0           0";

    #[test]
    fn flags() {
        // (command, unit, si, human, busybox)
        let cases: &[(&str, Option<UnitFlag>, bool, bool, bool)] = &[
            ("free", None, false, false, false),
            ("free -mh", Some(UnitFlag::Mebi), false, true, false),
            ("LANG=C free -k", Some(UnitFlag::Kibi), false, false, false),
            ("free --si -h", None, true, true, false),
            ("busybox free -m", Some(UnitFlag::Mebi), false, false, true),
            (
                "watch -n1 free --mega",
                Some(UnitFlag::Mega),
                false,
                false,
                false,
            ),
            (
                "free -s 2 -g | grep Mem",
                Some(UnitFlag::Gibi),
                false,
                false,
                false,
            ),
            ("free -s2 -t", None, false, false, false),
        ];
        for &(command, unit, si, human, busybox) in cases {
            let f = Flags::parse(command).unwrap();
            assert_eq!(
                (f.unit, f.si, f.human, f.busybox),
                (unit, si, human, busybox),
                "{command}"
            );
            assert!(f.unknown.is_empty(), "{command}: {:?}", f.unknown);
        }
        assert_eq!(Flags::parse("kubectl top node"), None);
    }

    #[test]
    fn clean_new_layout() {
        let (free, diags) = run(Some("free"), NEW);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        let t = &free.tables[0];
        assert_eq!(t.layout, Layout::New);
        use Column::*;
        assert_eq!(
            t.columns(),
            [Total, Used, Free, Shared, BuffCache, Available]
        );
        assert_eq!(
            ints(&free, RowKind::Mem),
            [16393244, 1372344, 9744148, 2496, 5625524, 15020900]
        );
        assert_eq!(ints(&free, RowKind::Swap), [0, 0, 0]);
        assert_eq!(free.value_kib(RowKind::Mem, Used), Some((1372344, 1372344)));
        assert_eq!(t.rows[0].at.line, 2);
    }

    #[test]
    fn layouts() {
        // (header, rows, layout)
        let cases: &[(&str, &str, Layout)] = &[
            (
                "             total       used       free     shared    buffers     cached",
                "Mem:          4045       3761        284        145        220       1991\n-/+ buffers/cache:       1548       2497",
                Layout::Old,
            ),
            (
                "               total        used        free      shared     buffers       cache   available",
                "Mem:        16393244     1372344     9744148        2496      132344     5493180    15020900",
                Layout::Wide,
            ),
            (
                "              total        used        free      shared  buff/cache   available",
                "Mem:          33552       12392        2664           0       18496           0\n-/+ buffers/cache:        12392       21160",
                Layout::BusyBoxHybrid,
            ),
            (
                "              total         used         free       shared      buffers",
                "  Mem:        191096       159340        31756            0        10568",
                Layout::Other,
            ),
        ];
        for (header, rows, want) in cases {
            let (free, _) = run(None, &format!("{header}\n{rows}"));
            assert_eq!(free.tables[0].layout, *want, "{header}");
        }
    }

    #[test]
    fn wide_total_lohi_committed_rows() {
        let text = "               total        used        free      shared     buffers       cache   available
Mem:        16393244     1372344     9744148        2496      132344     5493180    15020900
Low:        16393244     6649096     9744148
High:              0           0           0
Swap:        1048572       48572     1000000
Total:      17441816     1420916    10744148
Comm:       9245192     4310728     4934464";
        let (free, diags) = run(Some("free -w -t -l -v"), text);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        use Column::*;
        use RowKind as R;
        let want = [
            (R::Mem, Buffers, "132344"),
            (R::Mem, Cache, "5493180"),
            (R::Low, Used, "6649096"),
            (R::High, Free, "0"),
            (R::Total, Total, "17441816"),
            (R::Comm, Free, "4934464"),
        ];
        let got = cells(&free);
        for (row, column, text) in want {
            assert!(
                got.contains(&(row, column, text.to_string())),
                "{row:?} {column:?} {text}"
            );
        }
        let f = free.flags.as_ref().unwrap();
        assert!(f.wide && f.total && f.lohi && f.committed);
    }

    #[test]
    fn german_header_and_labels() {
        let text = "              gesamt       benutzt     frei      gemns.  Puffer/Cache verfügbar
Speicher:    32790348    11589692     9664776     1054824    11535880    19898916
Auslagerungsspeicher:           0           0           0";
        let (free, diags) = run(Some("free"), text);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        let t = &free.tables[0];
        assert_eq!(t.layout, Layout::New);
        assert_eq!(t.header.as_ref().unwrap().columns[4].label, "Puffer/Cache");
        assert_eq!(t.rows[0].label, "Speicher");
        assert_eq!(t.rows[1].kind, RowKind::Swap);
        assert_eq!(ints(&free, RowKind::Mem)[1], 11589692);
    }

    #[test]
    fn header_lost_its_indentation() {
        // C03: the header starts at column 0; values still map by order.
        let text = "total        used        free      shared  buff/cache   available
Mem:           7593        3264         160           7        4168        4018";
        let (free, _) = run(Some("free -m"), text);
        assert_eq!(
            free.value_kib(RowKind::Mem, Column::Used),
            Some((3264 * 1024, 3265 * 1024 - 1))
        );
        assert_eq!(ints(&free, RowKind::Mem), [7593, 3264, 160, 7, 4168, 4018]);
    }

    #[test]
    fn more_values_than_header_words_match_from_the_right() {
        let text = "used free shared buff/cache available
Mem: 7593 3264 160 7 4168 4018";
        let (free, diags) = run(None, text);
        assert_eq!(
            free.cell(RowKind::Mem, Column::Available).unwrap().text,
            "4018"
        );
        assert_eq!(free.cell(RowKind::Mem, Column::Used).unwrap().text, "3264");
        assert_eq!(diags.list.len(), 1, "{:?}", diags.list);
        assert!(diags.list[0].message.contains("`7593` has no column"));
    }

    #[test]
    fn truncated_last_row() {
        // C01: the paste stops inside the Swap row; `4` may be the start of a longer number.
        let text = "              total        used        free      shared  buff/cache   available
Mem:         257444       32841       12737         114      211865      223625
Swap:        127999         4";
        let (free, diags) = run(Some("free -m"), text);
        let swap = &free.tables[0].rows[1];
        assert_eq!(swap.cells.len(), 1);
        assert_eq!(swap.cells[0].text, "127999");
        assert_eq!(swap.cut.as_deref(), Some("4"));
        assert!(diags.is_truncated());
        assert_eq!(diags.list[0].line, Some(3));
        assert_eq!(free.value_kib(RowKind::Swap, Column::Used), None);
    }

    #[test]
    fn short_row_in_the_middle_is_a_warning_not_a_cut() {
        let text = "              total        used        free      shared  buff/cache   available
Mem:         257444       32841       12737         114      211865
Swap:        127999         4         127995";
        let (free, diags) = run(Some("free -m"), text);
        assert!(!diags.is_truncated());
        assert_eq!(free.tables[0].rows[0].cells.len(), 5);
        assert_eq!(diags.list.len(), 1);
    }

    #[test]
    fn empty_swap_row() {
        let text = "              total        used        free      shared  buff/cache   available
Mem:            123           0         122           3           0         122
Swap:";
        let (free, diags) = run(Some("free -m"), text);
        assert_eq!(free.tables[0].rows[1].kind, RowKind::Swap);
        assert!(free.tables[0].rows[1].cells.is_empty());
        assert!(!diags.is_truncated());
        assert_eq!(diags.list.len(), 1);
        assert_eq!(diags.list[0].severity, crate::input::Severity::Note);
    }

    #[test]
    fn garbage_and_bad_values() {
        let text = "              total        used        free      shared  buff/cache   available
Mem:        16393244     1372344     zzz        2496     5625524    15020900
this is not free output at all
Swap:       99999999999999999999999  0  0";
        let (free, diags) = run(Some("free"), text);
        // The bad cell is skipped but the cells after it keep their columns.
        assert_eq!(
            free.cell(RowKind::Mem, Column::Shared).unwrap().text,
            "2496"
        );
        assert_eq!(free.cell(RowKind::Mem, Column::Free), None);
        assert_eq!(free.cell(RowKind::Swap, Column::Used).unwrap().text, "0");
        let lines: Vec<_> = diags.list.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(2), Some(3), Some(4)]);
        assert!(
            diags.list[2].message.contains("2^64"),
            "{}",
            diags.list[2].message
        );
    }

    #[test]
    fn negative_commit_difference_is_a_note() {
        let (free, diags) = run(
            Some("free -v"),
            &format!("{NEW}\nComm:        9245192    12310728    -3065536"),
        );
        assert_eq!(free.tables[0].rows[2].cells.len(), 2);
        assert_eq!(diags.list.len(), 1);
        assert_eq!(diags.list[0].severity, crate::input::Severity::Note);
    }

    #[test]
    fn never_panics() {
        let lines = [
            "Mem: 9,9Gi 99999999999999999999Gi 1.2.3Gi ä 0Bi +5 -3 Gi 1. .5",
            "total used free shared buff/cache available extra words here",
            "-/+ buffers/cache: 1 2 3 4 5 6 7 8 9",
            "ü: 1 2",
            "Mem:",
            ":",
            "Swap: 1.0Ei 999Pi 9.95Ti 1000K",
        ];
        for command in [
            None,
            Some("free -h --si"),
            Some("free --tera --si -s"),
            Some("free -ä"),
        ] {
            let (free, _) = run(command, &lines.join("\n"));
            for t in &free.tables {
                for c in t.rows.iter().flat_map(|r| &r.cells) {
                    let _ = c.kib_range(&t.format);
                }
            }
        }
    }

    #[test]
    fn empty_document() {
        let (free, diags) = run(Some("free"), "");
        assert!(free.tables.is_empty());
        assert_eq!(diags.list.len(), 1);
    }

    #[test]
    fn tabs_thousands_separators_and_colonless_labels() {
        let text = "\ttotal\tused\tfree\tshared\tbuff/cache\tavailable
Mem:\t16,393,244\t1,372,344\t9,744,148\t2,496\t5,625,524\t15,020,900
Swap 0 0 0";
        let (free, diags) = run(Some("free"), text);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        assert_eq!(ints(&free, RowKind::Mem)[0], 16393244);
        assert_eq!(ints(&free, RowKind::Swap), [0, 0, 0]);
    }

    #[test]
    fn headerless_rows() {
        let (free, diags) = run(None, "Mem: 3907112 990816 536144 7144 2565896 2916296");
        assert_eq!(free.tables[0].header, None);
        assert_eq!(free.tables[0].layout, Layout::Other);
        assert!(
            free.tables[0].rows[0]
                .cells
                .iter()
                .all(|c| c.column == Column::Unknown)
        );
        assert_eq!(diags.list.len(), 1);
    }

    #[test]
    fn repeated_tables() {
        let (free, _) = run(Some("free -s 1 -c 2"), &format!("{NEW}\n\n{NEW}"));
        assert_eq!(free.tables.len(), 2);
    }

    #[test]
    fn integer_units_from_flags() {
        // (command, Mem total as printed, the union KiB range of that cell)
        type Case<'a> = (Option<&'a str>, &'a str, Option<(u64, u64)>);
        let cases: &[Case] = &[
            (Some("free"), "16393244", Some((16393244, 16393244))),
            (None, "16393244", Some((16393244, 16393244))),
            (Some("free -b"), "16786681856", Some((16393244, 16393244))),
            (
                Some("free -m"),
                "16009",
                Some((16009 * 1024, 16010 * 1024 - 1)),
            ),
            (Some("free -g"), "15", Some((15 << 20, (16 << 20) - 1))),
            // `--si` alone: KiB before 4.0.1, kB since; the union spans both.
            (Some("free --si"), "16786681", Some((16393244, 16786681))),
            (
                Some("free --mega"),
                "16786",
                Some((16_392_579, 16786 * 1024 + 1023)),
            ),
        ];
        for (command, total, want) in cases {
            let text = format!(
                "               total        used        free      shared  buff/cache   available\nMem: {total} 1 1 1 1 1"
            );
            let (free, _) = run(*command, &text);
            assert_eq!(
                free.value_kib(RowKind::Mem, Column::Total),
                *want,
                "{command:?} {total}"
            );
        }
        let (free, _) = run(Some("free --si"), NEW);
        let t = &free.tables[0];
        let as_401 = t.value_kib_as(RowKind::Mem, Column::Total, Generation::Procps401);
        assert_eq!(as_401, Some((16_009_028, 16_009_028)));
        let as_33 = t.value_kib_as(RowKind::Mem, Column::Total, Generation::Procps33Late);
        assert_eq!(as_33, Some((16393244, 16393244)));
    }

    #[test]
    fn human_cells_and_ranges() {
        // 4.x `free -h` (accounting.md 9.2).
        let text =
            "               total        used        free      shared  buff/cache   available
Mem:            15Gi       1.3Gi       9.3Gi       2.4Mi       5.4Gi        14Gi
Swap:             0B          0B          0B";
        let (free, diags) = run(Some("free -h"), text);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        let t = &free.tables[0];
        let Format::Human { algorithms } = &t.format else {
            panic!("{:?}", t.format)
        };
        assert_eq!(
            algorithms,
            &[HumanAlgorithm::Procps33Late, HumanAlgorithm::Procps4]
        );
        const GI: u64 = 1 << 20;
        // (column, 4.x range, 3.3.11–3.3.17 range)
        type Case = (Column, Option<(u64, u64)>, Option<(u64, u64)>);
        let cases: &[Case] = &[
            (
                Column::Total,
                Some((15 * GI, 16 * GI - 1)),
                Some((15 * GI, 16 * GI - 1)),
            ),
            (
                Column::Used,
                Some((1_310_721, 1_415_577)),
                Some((1_311_744, 1_416_191)),
            ),
            // 3.3.11–3.3.17 prints whole MiB (`2.0Mi`), so `2.4Mi` cannot be its.
            (Column::Shared, Some((2_407, 2_508)), None),
        ];
        for &(column, p4, p33) in cases {
            let got4 = t.value_kib_as(RowKind::Mem, column, Generation::Procps401);
            let got33 = t.value_kib_as(RowKind::Mem, column, Generation::Procps33Late);
            assert_eq!((got4, got33), (p4, p33), "{column:?}");
            let ends = [p4, p33].into_iter().flatten();
            let union = ends.clone().map(|r| r.0).min().zip(ends.map(|r| r.1).max());
            assert_eq!(t.value_kib(RowKind::Mem, column), union, "{column:?}");
        }
        assert_eq!(t.value_kib(RowKind::Swap, Column::Free), Some((0, 0)));
    }

    #[test]
    fn human_without_i_and_decimal_commas() {
        // C23/C44: procps ≤ 3.3.10 `-h` prints `G`, `M`, `B` without `i`.
        let text = "              total        used        free      shared  buff/cache   available
Mem:            67G        1.2G        528M        2.6M         65G         65G";
        let (free, _) = run(Some("free -mh"), text);
        let t = &free.tables[0];
        let Format::Human { algorithms } = &t.format else {
            panic!()
        };
        assert_eq!(algorithms, &[HumanAlgorithm::Procps33Early]);
        assert_eq!(
            t.value_kib(RowKind::Mem, Column::Free),
            Some((528 * 1024, 529 * 1024 - 1))
        );
        // Without a command line, `--si` output cannot be ruled out.
        let (free, _) = run(None, text);
        let Format::Human { algorithms } = &free.tables[0].format else {
            panic!()
        };
        assert_eq!(algorithms.len(), 4);
        // de_DE: `4,0Mi`.
        let text = "              gesamt       benutzt     frei      gemns.  Puffer/Cache verfügbar
Speicher:       31Gi        11Gi       9,2Gi       1,0Gi        11Gi        18Gi";
        let (free, diags) = run(Some("free -h"), text);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        let cell = free.cell(RowKind::Mem, Column::Free).unwrap();
        let CellValue::Human(h) = &cell.value else {
            panic!()
        };
        assert_eq!(
            (h.mantissa.as_str(), h.digits, h.suffix.as_str()),
            ("9,2", 92, "Gi")
        );
        assert!(free.value_kib(RowKind::Mem, Column::Free).is_some());
    }
}

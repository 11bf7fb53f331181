//! Prometheus text exposition: kubelet `/metrics/resource`, kubelet `/metrics/cadvisor`,
//! node_exporter's `/metrics`, and OpenMetrics text that ends in `# EOF`.
//!
//! A paste may hold several scrapes one after another. A family that comes back after other
//! families, a second `# HELP`/`# TYPE` for the family being read, a sample repeating the first
//! series of its family, or an `# EOF` starts a new scrape, so every sample knows which scrape
//! it belongs to ([`SampleRef::scrape`]) and scrapes are never mixed.
//!
//! A sample keeps its value three ways: the exact text, the `f64` Go's `strconv.ParseFloat`
//! gives (what metrics-server and Prometheus compute with; [`go_uint64`] reproduces the
//! conversion metrics-server applies to it), and, when the text denotes a whole number that fits
//! in a `u64`, that number worked out in decimal integer arithmetic ([`SampleRef::integer`]).
//!
//! The reader makes one pass over the lines without backtracking. Names are interned and label
//! values are copied into one shared buffer, so a sample costs no allocation of its own.
//! [`series`] has the lookups the accounting needs: kubelet resource metrics, cAdvisor series by
//! cgroup, and node_exporter's meminfo gauges turned back into `/proc/meminfo` values.

pub mod series;
mod value;

#[cfg(test)]
mod generate;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::input::{At, Diagnostics, DocId, Document, Val};

pub use value::{GoUint64, NotWhole, go_uint64};

/// What a family's `# TYPE` line says; `Untyped` when it has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetricType {
    Counter,
    Gauge,
    Histogram,
    Summary,
    Untyped,
    /// OpenMetrics' name for untyped.
    Unknown,
    /// OpenMetrics only, like the three below.
    GaugeHistogram,
    StateSet,
    Info,
}

impl MetricType {
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Summary => "summary",
            MetricType::Untyped => "untyped",
            MetricType::Unknown => "unknown",
            MetricType::GaugeHistogram => "gaugehistogram",
            MetricType::StateSet => "stateset",
            MetricType::Info => "info",
        }
    }

    fn from_word(word: &str) -> Option<MetricType> {
        Some(match word {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "summary" => MetricType::Summary,
            "untyped" => MetricType::Untyped,
            "unknown" => MetricType::Unknown,
            "gaugehistogram" => MetricType::GaugeHistogram,
            "stateset" => MetricType::StateSet,
            "info" => MetricType::Info,
            _ => return None,
        })
    }

    /// The suffixes a sample of a family of this type adds to the family's name.
    fn suffixes(self) -> &'static [&'static str] {
        match self {
            MetricType::Histogram => &["_bucket", "_sum", "_count", "_created"],
            MetricType::GaugeHistogram => &["_bucket", "_gsum", "_gcount"],
            MetricType::Summary => &["_sum", "_count", "_created"],
            MetricType::Counter => &["_total", "_created"],
            MetricType::Info => &["_info"],
            _ => &[],
        }
    }
}

impl Serialize for MetricType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A Kubernetes metric's stability level, the `[ALPHA]` or `[STABLE]` tag that starts its help
/// text (kubernetes `staging/src/k8s.io/component-base/metrics`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stability {
    Alpha,
    Beta,
    Stable,
    Internal,
}

impl Stability {
    pub fn as_str(self) -> &'static str {
        match self {
            Stability::Alpha => "ALPHA",
            Stability::Beta => "BETA",
            Stability::Stable => "STABLE",
            Stability::Internal => "INTERNAL",
        }
    }

    fn from_tag(tag: &str) -> Option<Stability> {
        Some(match tag {
            "[ALPHA]" => Stability::Alpha,
            "[BETA]" => Stability::Beta,
            "[STABLE]" => Stability::Stable,
            "[INTERNAL]" => Stability::Internal,
            _ => return None,
        })
    }
}

impl Serialize for Stability {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A stretch of [`Exposition::text`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
struct Span {
    start: u32,
    end: u32,
}

/// An interned name (metric or label), an index into [`Exposition::names`].
type Sym = u32;

#[derive(Clone, Debug, PartialEq)]
struct FamilyRec {
    name: Sym,
    kind: MetricType,
    typed: bool,
    help: Option<Span>,
    stability: Option<Stability>,
    unit: Option<Span>,
    scrape: u32,
    line: u32,
    /// The family's samples: `samples[first..end]`.
    first: u32,
    end: u32,
}

#[derive(Clone, Debug, PartialEq)]
struct SampleRec {
    name: Sym,
    family: u32,
    line: u32,
    /// The sample's labels: `labels[labels_first..labels_end]`.
    labels_first: u32,
    labels_end: u32,
    value: Span,
    float: f64,
    integer: Result<u64, NotWhole>,
    timestamp: Option<Timestamp>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Timestamp {
    text: Span,
    /// The text as an integer, when it is one (Prometheus text: milliseconds).
    integer: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct LabelRec {
    name: Sym,
    value: Span,
}

/// Everything read from one Prometheus text document.
#[derive(Clone, Debug, PartialEq)]
pub struct Exposition {
    doc: DocId,
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, Sym>,
    /// Label values, values, timestamps and help texts, back to back.
    text: String,
    families: Vec<FamilyRec>,
    samples: Vec<SampleRec>,
    labels: Vec<LabelRec>,
    scrapes: u32,
    openmetrics: bool,
}

impl Exposition {
    fn new(doc: DocId) -> Self {
        Exposition {
            doc,
            names: Vec::new(),
            index: HashMap::new(),
            text: String::new(),
            families: Vec::new(),
            samples: Vec::new(),
            labels: Vec::new(),
            scrapes: 0,
            openmetrics: false,
        }
    }

    pub fn doc(&self) -> DocId {
        self.doc
    }

    /// How many scrapes the document holds (0 when it has no family at all).
    pub fn scrapes(&self) -> u32 {
        self.scrapes
    }

    /// Whether the text is OpenMetrics (it has `# EOF` or `# UNIT`): timestamps are then seconds.
    pub fn is_openmetrics(&self) -> bool {
        self.openmetrics
    }

    /// Every family, in document order.
    pub fn families(&self) -> impl Iterator<Item = FamilyRef<'_>> {
        self.families
            .iter()
            .map(move |rec| FamilyRef { exp: self, rec })
    }

    /// The family `name` of scrape `scrape`.
    pub fn family(&self, scrape: u32, name: &str) -> Option<FamilyRef<'_>> {
        let sym = self.sym(name)?;
        self.families()
            .find(|f| f.rec.scrape == scrape && f.rec.name == sym)
    }

    /// Every sample, in document order.
    pub fn samples(&self) -> impl Iterator<Item = SampleRef<'_>> {
        self.samples
            .iter()
            .map(move |rec| SampleRef { exp: self, rec })
    }

    /// The samples named `name` (in every scrape) whose labels include every `(label, value)` of
    /// `matchers`.
    pub fn select<'a>(
        &'a self,
        name: &'a str,
        matchers: &'a [(&'a str, &'a str)],
    ) -> impl Iterator<Item = SampleRef<'a>> + 'a {
        let sym = self.sym(name);
        // Only families whose name is a prefix of `name` can hold such samples (`foo` holds
        // `foo_bucket`); the others are skipped whole.
        let families = self
            .families
            .iter()
            .filter(move |f| sym.is_some() && name.starts_with(self.name_of(f.name)));
        families
            .flat_map(move |f| self.samples_of(f))
            .filter(move |s| Some(s.rec.name) == sym && s.matches(matchers))
    }

    /// The first sample of scrape `scrape` named `name` whose labels include every
    /// `(label, value)` of `matchers`.
    pub fn gauge(
        &self,
        scrape: u32,
        name: &str,
        matchers: &[(&str, &str)],
    ) -> Option<SampleRef<'_>> {
        let sym = self.sym(name)?;
        self.families
            .iter()
            .filter(|f| f.scrape == scrape && name.starts_with(self.name_of(f.name)))
            .flat_map(|f| self.samples_of(f))
            .find(|s| s.rec.name == sym && s.matches(matchers))
    }

    fn samples_of<'a>(&'a self, f: &'a FamilyRec) -> impl Iterator<Item = SampleRef<'a>> + 'a {
        let range = f.first as usize..f.end as usize;
        self.samples
            .get(range)
            .unwrap_or(&[])
            .iter()
            .map(move |rec| SampleRef { exp: self, rec })
    }

    /// The interned number of `name`, if the document has that name at all.
    fn sym(&self, name: &str) -> Option<Sym> {
        self.index.get(name).copied()
    }

    fn name_of(&self, sym: Sym) -> &str {
        self.names.get(sym as usize).map_or("", |n| n)
    }

    fn span(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    fn at(&self, line: u32) -> At {
        At {
            doc: self.doc,
            line,
        }
    }
}

/// One metric family of one scrape: its `# HELP`, `# TYPE` and samples.
#[derive(Clone, Copy)]
pub struct FamilyRef<'a> {
    exp: &'a Exposition,
    rec: &'a FamilyRec,
}

impl<'a> FamilyRef<'a> {
    pub fn name(&self) -> &'a str {
        self.exp.name_of(self.rec.name)
    }

    /// The `# TYPE`, or `Untyped` when the family has none.
    pub fn metric_type(&self) -> MetricType {
        self.rec.kind
    }

    /// Whether the family had a `# TYPE` line.
    pub fn has_type_line(&self) -> bool {
        self.rec.typed
    }

    /// The help text, unescaped and without its stability tag.
    pub fn help(&self) -> Option<&'a str> {
        self.rec.help.map(|s| self.exp.span(s))
    }

    pub fn stability(&self) -> Option<Stability> {
        self.rec.stability
    }

    /// OpenMetrics' `# UNIT`.
    pub fn unit(&self) -> Option<&'a str> {
        self.rec.unit.map(|s| self.exp.span(s))
    }

    pub fn scrape(&self) -> u32 {
        self.rec.scrape
    }

    /// The family's first line (`# HELP`, `# TYPE` or its first sample).
    pub fn at(&self) -> At {
        self.exp.at(self.rec.line)
    }

    pub fn samples(&self) -> impl Iterator<Item = SampleRef<'a>> + use<'a> {
        self.exp.samples_of(self.rec)
    }
}

impl fmt::Debug for FamilyRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, kind) = (self.name(), self.rec.kind.as_str());
        write!(
            f,
            "{name} ({kind}, scrape {}, line {})",
            self.scrape(),
            self.rec.line
        )
    }
}

/// One sample line: `name{label="value",…} value [timestamp]`.
#[derive(Clone, Copy)]
pub struct SampleRef<'a> {
    exp: &'a Exposition,
    rec: &'a SampleRec,
}

impl<'a> SampleRef<'a> {
    /// The sample's name (`foo_bucket` for a sample of histogram `foo`).
    pub fn name(&self) -> &'a str {
        self.exp.name_of(self.rec.name)
    }

    pub fn family(&self) -> FamilyRef<'a> {
        let rec = self.exp.families.get(self.rec.family as usize);
        // A sample's family always exists; the fallback only keeps this total.
        FamilyRef {
            exp: self.exp,
            rec: rec.unwrap_or(&NO_FAMILY),
        }
    }

    /// The scrape (0, 1, …) the sample belongs to.
    pub fn scrape(&self) -> u32 {
        self.family().rec.scrape
    }

    pub fn at(&self) -> At {
        self.exp.at(self.rec.line)
    }

    /// The labels in the order written, values unescaped.
    pub fn labels(&self) -> impl Iterator<Item = (&'a str, &'a str)> + use<'a> {
        let exp = self.exp;
        let range = self.rec.labels_first as usize..self.rec.labels_end as usize;
        let labels = exp.labels.get(range).unwrap_or(&[]);
        labels
            .iter()
            .map(move |l| (exp.name_of(l.name), exp.span(l.value)))
    }

    /// The value of label `name`.
    pub fn label(&self, name: &str) -> Option<&'a str> {
        let sym = self.exp.sym(name)?;
        self.label_sym(sym)
    }

    fn label_sym(&self, sym: Sym) -> Option<&'a str> {
        let range = self.rec.labels_first as usize..self.rec.labels_end as usize;
        let labels = self.exp.labels.get(range).unwrap_or(&[]);
        labels
            .iter()
            .find(|l| l.name == sym)
            .map(|l| self.exp.span(l.value))
    }

    fn matches(&self, matchers: &[(&str, &str)]) -> bool {
        matchers
            .iter()
            .all(|(name, value)| self.label(name) == Some(*value))
    }

    /// The value exactly as written (`8.63531008e+08`).
    pub fn text(&self) -> &'a str {
        self.exp.span(self.rec.value)
    }

    /// The value as Go's `strconv.ParseFloat(text, 64)` gives it.
    pub fn float(&self) -> f64 {
        self.rec.float
    }

    /// The whole number the text denotes (`8.63531008e+08` → 863531008), computed without floats;
    /// otherwise why it is not one.
    pub fn integer(&self) -> Result<u64, NotWhole> {
        self.rec.integer
    }

    /// [`Self::integer`] as a fact with its line.
    pub fn bytes(&self) -> Result<Val<u64>, NotWhole> {
        self.rec.integer.map(|v| Val::new(v, self.at()))
    }

    /// Go's `uint64(value)`, as metrics-server reads a working set.
    pub fn go_uint64(&self) -> GoUint64 {
        go_uint64(self.rec.float)
    }

    /// The timestamp as written.
    pub fn timestamp_text(&self) -> Option<&'a str> {
        self.rec.timestamp.map(|t| self.exp.span(t.text))
    }

    /// The timestamp in milliseconds since the epoch: the integer of Prometheus text, or
    /// OpenMetrics' seconds × 1000 when that is a whole number of milliseconds.
    pub fn timestamp_ms(&self) -> Option<i64> {
        let t = self.rec.timestamp?;
        if !self.exp.openmetrics {
            return t.integer;
        }
        seconds_to_ms(self.exp.span(t.text))
    }
}

impl fmt::Debug for SampleRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{{", self.name())?;
        for (i, (name, value)) in self.labels().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            write!(f, "{comma}{name}={value:?}")?;
        }
        write!(
            f,
            "}} {} (line {}, scrape {})",
            self.text(),
            self.rec.line,
            self.scrape()
        )
    }
}

static NO_FAMILY: FamilyRec = FamilyRec {
    name: 0,
    kind: MetricType::Untyped,
    typed: false,
    help: None,
    stability: None,
    unit: None,
    scrape: 0,
    line: 0,
    first: 0,
    end: 0,
};

/// OpenMetrics seconds (`1710222817.924`) to whole milliseconds, exactly; `None` when the text
/// has more than millisecond precision or is out of range.
// TODO: sub-millisecond OpenMetrics timestamps give `None`; Prometheus rounds them, by a rule not
// checked here.
fn seconds_to_ms(text: &str) -> Option<i64> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 3 || !fraction.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut millis: i64 = 0;
    for c in fraction.bytes().chain(std::iter::repeat(b'0')).take(3) {
        millis = millis * 10 + i64::from(c - b'0');
    }
    let ms = whole.checked_mul(1000)?.checked_add(millis)?;
    Some(if negative { -ms } else { ms })
}

/// Reads a Prometheus text document. Lines that are not Prometheus text become diagnostics; the
/// rest is read.
pub fn parse(doc: &Document, diags: &mut Diagnostics) -> Exposition {
    let mut reader = Reader::new(doc.id);
    // Label values and values are most of a sample line: reserving half the text up front saves
    // the copies of a growing buffer on large dumps.
    let bytes: usize = doc.lines.iter().map(|l| l.text.len()).sum();
    reader.exp.text.reserve(bytes / 2);
    reader.exp.samples.reserve(doc.lines.len());
    // Only the last line with text can have been cut off.
    let last = doc.lines.iter().rposition(|l| !l.text.trim().is_empty());
    for (i, line) in doc.lines.iter().enumerate() {
        reader.line(line.no, &line.text, Some(i) == last, diags);
    }
    reader.finish(diags)
}

/// Why a line could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineError {
    NotASample,
    NoSpaceAfterName,
    BadLabelName,
    NoEquals,
    UnquotedLabelValue,
    UnclosedLabelValue,
    UnclosedLabels,
    NoComma,
    NoValue,
    BadValue,
    ValueOutOfRange,
    BadTimestamp,
    TimestampOutOfRange,
    TrailingText,
    HelpWithoutName,
    TypeWithoutName,
    TypeWithoutType,
    UnknownType,
    TooLarge,
}

const SAMPLE: &str = "a sample `name{label=\"value\",…} value [timestamp]`";

impl LineError {
    fn message(self) -> &'static str {
        match self {
            LineError::NotASample => "not a Prometheus sample or comment line",
            LineError::NoSpaceAfterName => "no space between the metric name and its value",
            LineError::BadLabelName => "a label name is missing or has characters a name cannot",
            LineError::NoEquals => "a label name is not followed by `=`",
            LineError::UnquotedLabelValue => "a label value is not in double quotes",
            LineError::UnclosedLabelValue => "a label value's closing quote is missing",
            LineError::UnclosedLabels => "the label list is not closed with `}`",
            LineError::NoComma => "two labels are not separated by `,`",
            LineError::NoValue => "the sample has no value",
            LineError::BadValue => "the value is not a number",
            LineError::ValueOutOfRange => {
                "the value is past the range of a 64-bit float, which Go's ParseFloat rejects"
            }
            LineError::BadTimestamp => "the timestamp is not a number",
            LineError::TimestampOutOfRange => {
                "the timestamp is past the range of a 64-bit integer of milliseconds"
            }
            LineError::TrailingText => "unexpected text after the timestamp",
            LineError::HelpWithoutName => "a `# HELP` line without a metric name",
            LineError::TypeWithoutName => "a `# TYPE` line without a metric name",
            LineError::TypeWithoutType => "a `# TYPE` line without a type",
            LineError::UnknownType => "an unknown metric type; the family is read as untyped",
            LineError::TooLarge => "the document is too large to read past this line",
        }
    }

    fn expected(self) -> &'static str {
        match self {
            LineError::BadValue | LineError::ValueOutOfRange => {
                "a value such as `1.34934528e+08`, `0`, `NaN`, `+Inf` or `-Inf`"
            }
            LineError::BadTimestamp | LineError::TimestampOutOfRange => {
                "a timestamp in milliseconds, such as `1710222817924`"
            }
            LineError::HelpWithoutName => "`# HELP name text`",
            LineError::TypeWithoutName | LineError::TypeWithoutType | LineError::UnknownType => {
                "`# TYPE name counter|gauge|histogram|summary|untyped`"
            }
            LineError::BadLabelName => "a label name such as `pod` (letters, digits, `_`)",
            LineError::TooLarge => "a document under 4 GiB",
            _ => SAMPLE,
        }
    }

    /// Whether this error on the last line of `line` is what cutting a good line short gives.
    fn may_be_cut(self, line: &str) -> bool {
        match self {
            LineError::UnclosedLabelValue
            | LineError::UnclosedLabels
            | LineError::NoValue
            | LineError::BadLabelName
            | LineError::NoEquals => true,
            // `1.34e` or `+In`: the start of a number.
            LineError::BadValue => line
                .split([' ', '\t'])
                .rfind(|w| !w.is_empty())
                .is_some_and(|v| {
                    v.bytes()
                        .all(|c| c.is_ascii_digit() || b".eE+-".contains(&c))
                        || ["+Inf", "-Inf", "NaN"].iter().any(|s| s.starts_with(v))
                }),
            _ => false,
        }
    }

    /// What a cut-off last line lost, for [`Diagnostics::truncated`].
    fn cut(self) -> &'static str {
        match self {
            LineError::UnclosedLabelValue | LineError::UnclosedLabels => {
                "a sample line stops inside its labels"
            }
            LineError::NoValue => "a sample line stops before its value",
            _ => "the last line is incomplete",
        }
    }
}

/// The state of one pass over a document.
struct Reader {
    exp: Exposition,
    /// The family samples are being added to.
    current: Option<u32>,
    scrape: u32,
    /// For each name, `1 + the last scrape it named a family in`, or 0.
    seen_in: Vec<u32>,
    /// `# EOF` was read: the next family starts a new scrape.
    after_eof: bool,
    /// The document outgrew 32-bit offsets; nothing more is read.
    full: bool,
}

/// A sample line taken apart, before it is given a family.
struct Parsed<'l> {
    name: &'l str,
    labels_first: u32,
    labels_end: u32,
    value: &'l str,
    reading: value::Reading,
    timestamp: Option<(&'l str, Option<i64>)>,
}

impl Reader {
    fn new(doc: DocId) -> Self {
        Reader {
            exp: Exposition::new(doc),
            current: None,
            scrape: 0,
            seen_in: Vec::new(),
            after_eof: false,
            full: false,
        }
    }

    fn finish(mut self, diags: &mut Diagnostics) -> Exposition {
        self.exp.scrapes = if self.exp.families.is_empty() {
            0
        } else {
            self.scrape + 1
        };
        // Decimal seconds are OpenMetrics'; in Prometheus text a timestamp is whole milliseconds.
        if !self.exp.openmetrics {
            let fractional = self
                .exp
                .samples
                .iter()
                .filter(|s| s.timestamp.is_some_and(|t| t.integer.is_none()));
            for s in fractional {
                diags.warning(
                    Some(s.line),
                    "a timestamp with a fraction, which Prometheus text does not have (only \
                     OpenMetrics, in seconds); the sample is read without it",
                );
            }
        }
        self.exp
    }

    fn line(&mut self, no: u32, text: &str, last: bool, diags: &mut Diagnostics) {
        let text = text.trim_matches([' ', '\t', '\r']);
        if text.is_empty() || self.full {
            return;
        }
        // Offsets are u32: past 4 GiB of text (far beyond any paste) the rest is not read.
        if self.exp.text.len() + text.len() >= u32::MAX as usize
            || self.exp.labels.len() + text.len() >= u32::MAX as usize
            || self.exp.samples.len() >= u32::MAX as usize
        {
            self.full = true;
            diags.error(
                no,
                LineError::TooLarge.message(),
                LineError::TooLarge.expected(),
            );
            return;
        }
        let result = match text.strip_prefix('#') {
            Some(comment) => self.comment(no, comment),
            None => self.sample(no, text, last, diags),
        };
        match result {
            Ok(()) => {}
            Err(LineError::UnknownType) => {
                diags.warning(Some(no), LineError::UnknownType.message())
            }
            Err(e) if last && e.may_be_cut(text) => diags.truncated(no, e.cut()),
            Err(e) => diags.error(no, e.message(), e.expected()),
        }
    }

    /// `# HELP`, `# TYPE`, `# UNIT`, `# EOF`; any other comment is skipped, as the format says.
    fn comment(&mut self, no: u32, rest: &str) -> Result<(), LineError> {
        let rest = rest.trim_start_matches([' ', '\t']);
        let (keyword, rest) = split_word(rest);
        match keyword {
            "HELP" => {
                let (name, help) = split_word(rest);
                if !is_metric_name(name) {
                    return Err(LineError::HelpWithoutName);
                }
                let (tag, after_tag) = split_word(help);
                let (stability, help) = match Stability::from_tag(tag) {
                    Some(s) => (Some(s), after_tag),
                    None => (None, help),
                };
                let family = self.header_family(no, name, |f| f.help.is_some());
                let span = self.push_help(help);
                if let Some(f) = self.exp.families.get_mut(family as usize) {
                    f.help = Some(span);
                    f.stability = stability;
                }
                Ok(())
            }
            "TYPE" => {
                let (name, rest) = split_word(rest);
                if !is_metric_name(name) {
                    return Err(LineError::TypeWithoutName);
                }
                let (word, _) = split_word(rest);
                if word.is_empty() {
                    return Err(LineError::TypeWithoutType);
                }
                let kind = MetricType::from_word(word);
                let family = self.header_family(no, name, |f| f.typed);
                if let Some(f) = self.exp.families.get_mut(family as usize) {
                    f.typed = true;
                    // An unknown type word still names the family; its samples are read untyped.
                    f.kind = kind.unwrap_or(MetricType::Untyped);
                }
                if kind.is_none() {
                    Err(LineError::UnknownType)
                } else {
                    Ok(())
                }
            }
            "UNIT" => {
                let (name, unit) = split_word(rest);
                if is_metric_name(name) {
                    self.exp.openmetrics = true;
                    let family = self.header_family(no, name, |f| f.unit.is_some());
                    let span = self.push_text(unit);
                    if let Some(f) = self.exp.families.get_mut(family as usize) {
                        f.unit = Some(span);
                    }
                }
                Ok(())
            }
            "EOF" if rest.is_empty() => {
                self.exp.openmetrics = true;
                self.after_eof = true;
                self.current = None;
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// The family a `# HELP`/`# TYPE`/`# UNIT` line for `name` belongs to: the current one, unless
    /// it already has such a line or has samples; otherwise a new one.
    fn header_family(&mut self, no: u32, name: &str, has: impl Fn(&FamilyRec) -> bool) -> u32 {
        let sym = self.intern(name);
        if let Some(cur) = self.current
            && let Some(f) = self.exp.families.get(cur as usize)
            && f.name == sym
            && !has(f)
            && f.first == f.end
        {
            return cur;
        }
        self.open_family(no, sym, MetricType::Untyped)
    }

    /// Starts a family named `sym` at line `no`, in a new scrape if `sym` already named a family
    /// in this one or an `# EOF` came before.
    fn open_family(&mut self, no: u32, sym: Sym, kind: MetricType) -> u32 {
        let seen = self.seen_in.get(sym as usize).copied().unwrap_or(0);
        if (seen == self.scrape + 1 || self.after_eof) && !self.exp.families.is_empty() {
            self.scrape += 1;
        }
        self.after_eof = false;
        if let Some(slot) = self.seen_in.get_mut(sym as usize) {
            *slot = self.scrape + 1;
        }
        let first = self.exp.samples.len() as u32;
        self.exp.families.push(FamilyRec {
            name: sym,
            kind,
            typed: false,
            help: None,
            stability: None,
            unit: None,
            scrape: self.scrape,
            line: no,
            first,
            end: first,
        });
        let index = (self.exp.families.len() - 1) as u32;
        self.current = Some(index);
        index
    }

    fn intern(&mut self, name: &str) -> Sym {
        if let Some(&sym) = self.exp.index.get(name) {
            return sym;
        }
        let sym = self.exp.names.len() as Sym;
        self.exp.names.push(name.into());
        self.exp.index.insert(name.into(), sym);
        self.seen_in.push(0);
        sym
    }

    fn push_text(&mut self, text: &str) -> Span {
        let start = self.exp.text.len() as u32;
        self.exp.text.push_str(text);
        Span {
            start,
            end: self.exp.text.len() as u32,
        }
    }

    /// Help text with its escapes (`\\`, `\n`) undone.
    fn push_help(&mut self, help: &str) -> Span {
        let start = self.exp.text.len() as u32;
        let mut chars = help.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                self.exp.text.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => self.exp.text.push('\n'),
                Some('\\') => self.exp.text.push('\\'),
                Some(other) => {
                    self.exp.text.push('\\');
                    self.exp.text.push(other);
                }
                None => self.exp.text.push('\\'),
            }
        }
        Span {
            start,
            end: self.exp.text.len() as u32,
        }
    }

    fn sample(
        &mut self,
        no: u32,
        line: &str,
        last: bool,
        diags: &mut Diagnostics,
    ) -> Result<(), LineError> {
        let text_mark = self.exp.text.len();
        let labels_mark = self.exp.labels.len();
        let parsed = match self.take_apart(line) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.exp.text.truncate(text_mark);
                self.exp.labels.truncate(labels_mark);
                return Err(e);
            }
        };

        // The last line of a cut paste may still read as a sample: a timestamp missing, or
        // shorter than the one before it in the same family, gives it away.
        let fits = self.fits_current(parsed.name);
        if last && fits.is_some_and(|f| self.cut_short(f, parsed.timestamp.map(|t| t.0))) {
            self.exp.labels.truncate(labels_mark);
            diags.truncated(
                no,
                "the last sample line is shorter than the ones before it",
            );
            return Ok(());
        }

        let (family, sym) = self.place(no, &parsed, fits);
        let value = self.push_text(parsed.value);
        let timestamp = parsed.timestamp.map(|(text, integer)| Timestamp {
            text: self.push_text(text),
            integer,
        });
        self.exp.samples.push(SampleRec {
            name: sym,
            family,
            line: no,
            labels_first: parsed.labels_first,
            labels_end: parsed.labels_end,
            value,
            float: parsed.reading.float,
            integer: parsed.reading.integer,
            timestamp,
        });
        if let Some(f) = self.exp.families.get_mut(family as usize) {
            f.end = self.exp.samples.len() as u32;
        }
        Ok(())
    }

    /// Reads `name{labels} value [timestamp]`; the labels go to the shared buffers already.
    fn take_apart<'l>(&mut self, line: &'l str) -> Result<Parsed<'l>, LineError> {
        let b = line.as_bytes();
        let name_end = metric_name_end(b);
        if name_end == 0 {
            return Err(LineError::NotASample);
        }
        let name = line.get(..name_end).unwrap_or("");

        let mut i = skip_blanks(b, name_end);
        let labels_first = self.exp.labels.len() as u32;
        if b.get(i) == Some(&b'{') {
            i = self.read_labels(line, i + 1)?;
            i = skip_blanks(b, i);
        } else if i == name_end {
            return Err(if i == b.len() {
                LineError::NoValue
            } else {
                LineError::NoSpaceAfterName
            });
        }
        let labels_end = self.exp.labels.len() as u32;

        let value_end = token_end(b, i);
        if value_end == i {
            return Err(LineError::NoValue);
        }
        let value = line.get(i..value_end).unwrap_or("");
        let reading = value::read(value).map_err(|e| match e {
            value::ValueError::Syntax => LineError::BadValue,
            value::ValueError::OutOfRange => LineError::ValueOutOfRange,
        })?;

        // A `#` after the value or timestamp starts an OpenMetrics exemplar, not needed here.
        i = skip_blanks(b, value_end);
        let mut timestamp = None;
        if i < b.len() && b.get(i) != Some(&b'#') {
            let end = token_end(b, i);
            let text = line.get(i..end).unwrap_or("");
            timestamp = Some((text, timestamp_integer(text)?));
            i = skip_blanks(b, end);
        }
        if i < b.len() && b.get(i) != Some(&b'#') {
            return Err(LineError::TrailingText);
        }
        Ok(Parsed {
            name,
            labels_first,
            labels_end,
            value,
            reading,
            timestamp,
        })
    }

    /// The current family, when a sample named `name` belongs to it: the name is the family's,
    /// or the family's plus a suffix its type allows (`_bucket`, `_total`, …).
    fn fits_current(&self, name: &str) -> Option<u32> {
        let cur = self.current?;
        let f = self.exp.families.get(cur as usize)?;
        let fam = self.exp.name_of(f.name);
        let fits = fam == name
            || name
                .strip_prefix(fam)
                .is_some_and(|suffix| f.kind.suffixes().contains(&suffix));
        fits.then_some(cur)
    }

    /// The family and interned name of a sample: the current family when it fits, else a new
    /// untyped one. A sample that repeats the family's first series (same name and labels) is the
    /// same family in the next scrape, as when two scrapes are pasted without their `# HELP`.
    fn place(&mut self, no: u32, parsed: &Parsed<'_>, fits: Option<u32>) -> (u32, Sym) {
        let current =
            fits.and_then(|cur| Some((cur, self.exp.families.get(cur as usize)?.clone())));
        let Some((cur, f)) = current else {
            let sym = self.intern(parsed.name);
            return (self.open_family(no, sym, MetricType::Untyped), sym);
        };
        let sym = if self.exp.name_of(f.name) == parsed.name {
            f.name
        } else {
            self.intern(parsed.name)
        };
        // TODO: only the family's first series is compared, so two scrapes pasted without
        // `# HELP` whose series come in different orders stay one scrape; catching that needs a
        // set of label sets per family, which costs a hash per sample.
        let first = if f.end > f.first {
            self.exp.samples.get(f.first as usize)
        } else {
            None
        };
        if !first.is_some_and(|first| self.same_series(first, sym, parsed)) {
            return (cur, sym);
        }
        let new = self.open_family(no, f.name, f.kind);
        if let Some(copy) = self.exp.families.get_mut(new as usize) {
            copy.typed = f.typed;
            copy.help = f.help;
            copy.stability = f.stability;
            copy.unit = f.unit;
        }
        (new, sym)
    }

    /// Whether `parsed` (named `sym`) has the name and labels of `sample`.
    fn same_series(&self, sample: &SampleRec, sym: Sym, parsed: &Parsed<'_>) -> bool {
        let theirs = self
            .exp
            .labels
            .get(sample.labels_first as usize..sample.labels_end as usize);
        let ours = self
            .exp
            .labels
            .get(parsed.labels_first as usize..parsed.labels_end as usize);
        let (Some(theirs), Some(ours)) = (theirs, ours) else {
            return false;
        };
        sample.name == sym
            && theirs.len() == ours.len()
            && theirs
                .iter()
                .zip(ours)
                .all(|(a, b)| a.name == b.name && self.exp.span(a.value) == self.exp.span(b.value))
    }

    fn cut_short(&self, family: u32, timestamp: Option<&str>) -> bool {
        let Some(f) = self.exp.families.get(family as usize) else {
            return false;
        };
        let previous = if f.end > f.first {
            self.exp.samples.get(f.end as usize - 1)
        } else {
            None
        };
        let Some(previous) = previous.and_then(|s| s.timestamp) else {
            return false;
        };
        let before = (previous.text.end - previous.text.start) as usize;
        timestamp.is_none_or(|t| t.len() < before)
    }

    /// Reads `label="value",…}` from `start` (just after `{`) and returns the index after `}`.
    fn read_labels(&mut self, line: &str, start: usize) -> Result<usize, LineError> {
        let b = line.as_bytes();
        // The previous sample of the current family usually has the same label names in the same
        // order: comparing with it saves a hash lookup per label.
        let previous = self
            .current
            .and_then(|cur| self.exp.families.get(cur as usize))
            .filter(|f| f.end > f.first)
            .and_then(|f| self.exp.samples.get(f.end as usize - 1))
            .map_or(0..0, |s| s.labels_first as usize..s.labels_end as usize);
        let mut i = start;
        let mut n = 0;
        loop {
            i = skip_blanks(b, i);
            match b.get(i) {
                None => return Err(LineError::UnclosedLabels),
                Some(b'}') => return Ok(i + 1),
                _ => {}
            }
            let name_end = label_name_end(b, i);
            if name_end == i {
                return Err(LineError::BadLabelName);
            }
            let name = line.get(i..name_end).unwrap_or("");
            let guess = previous.start + n;
            let sym = match self.exp.labels.get(guess).filter(|_| guess < previous.end) {
                Some(l) if self.exp.name_of(l.name) == name => l.name,
                _ => self.intern(name),
            };
            i = skip_blanks(b, name_end);
            match b.get(i) {
                Some(b'=') => {}
                None => return Err(LineError::UnclosedLabels),
                Some(_) => return Err(LineError::NoEquals),
            }
            i = skip_blanks(b, i + 1);
            match b.get(i) {
                Some(b'"') => {}
                None => return Err(LineError::UnclosedLabels),
                Some(_) => return Err(LineError::UnquotedLabelValue),
            }
            let (value, end) = self.read_label_value(line, i + 1)?;
            self.exp.labels.push(LabelRec { name: sym, value });
            n += 1;
            i = skip_blanks(b, end);
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b'}') => return Ok(i + 1),
                None => return Err(LineError::UnclosedLabels),
                Some(_) => return Err(LineError::NoComma),
            }
        }
    }

    /// Copies a quoted label value from `start` (just after the opening quote), undoing `\\`,
    /// `\"` and `\n`; returns its span and the index after the closing quote.
    fn read_label_value(&mut self, line: &str, start: usize) -> Result<(Span, usize), LineError> {
        let b = line.as_bytes();
        let span_start = self.exp.text.len() as u32;
        let mut i = start;
        let mut chunk = start;
        loop {
            let Some(offset) = find_quote_or_backslash(b.get(i..).unwrap_or(&[])) else {
                return Err(LineError::UnclosedLabelValue);
            };
            i += offset;
            self.exp.text.push_str(line.get(chunk..i).unwrap_or(""));
            let escaped = match b.get(i) {
                Some(b'"') => {
                    let span = Span {
                        start: span_start,
                        end: self.exp.text.len() as u32,
                    };
                    return Ok((span, i + 1));
                }
                _ => b.get(i + 1),
            };
            // `\n`, `\\` and `\"` are the escapes; any other backslash is kept as written.
            match escaped {
                Some(b'n') => self.exp.text.push('\n'),
                Some(b'\\') => self.exp.text.push('\\'),
                Some(b'"') => self.exp.text.push('"'),
                Some(_) => {
                    self.exp.text.push('\\');
                    i += 1;
                    chunk = i;
                    continue;
                }
                None => return Err(LineError::UnclosedLabelValue),
            }
            i += 2;
            chunk = i;
        }
    }
}

/// A timestamp token: an integer (milliseconds in Prometheus text) or, in OpenMetrics, decimal
/// seconds; `None` inside means it is a decimal.
fn timestamp_integer(text: &str) -> Result<Option<i64>, LineError> {
    if let Ok(ms) = text.parse::<i64>() {
        return Ok(Some(ms));
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(LineError::TimestampOutOfRange);
    }
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !digits.is_empty()
        && whole
            .bytes()
            .chain(fraction.bytes())
            .all(|c| c.is_ascii_digit())
        && (!whole.is_empty() || !fraction.is_empty());
    if ok {
        Ok(None)
    } else {
        Err(LineError::BadTimestamp)
    }
}

fn split_word(text: &str) -> (&str, &str) {
    match text.find([' ', '\t']) {
        Some(i) => {
            let (word, rest) = text.split_at(i);
            (word, rest.trim_start_matches([' ', '\t']))
        }
        None => (text, ""),
    }
}

/// The first `"` or `\\` in `b`. Label values (cgroup paths, container ids, image names) are
/// most of a cAdvisor dump, so this looks at eight bytes at a time: a word has a byte equal to
/// `q` exactly when `has_zero(word ^ q·0x01…01)`.
fn find_quote_or_backslash(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const QUOTES: u64 = ONES * b'"' as u64;
    const BACKSLASHES: u64 = ONES * b'\\' as u64;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS != 0;
    let is_stop = |c: &u8| *c == b'"' || *c == b'\\';
    let mut chunks = b.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = <[u8; 8]>::try_from(chunk).map_or(0, u64::from_le_bytes);
        if has_zero(word ^ QUOTES) || has_zero(word ^ BACKSLASHES) {
            return chunk.iter().position(is_stop).map(|i| offset + i);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(is_stop)
        .map(|i| offset + i)
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|&c| is_blank(c)) {
        i += 1;
    }
    i
}

fn token_end(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|&c| !is_blank(c)) {
        i += 1;
    }
    i
}

/// The end of a metric name `[a-zA-Z_:][a-zA-Z0-9_:]*` at the start of `b`; 0 when there is none.
// TODO: Prometheus 3's quoted UTF-8 names (`{"my.metric",label="v"} 1`) are reported as not a
// sample; no exporter memlens reads emits them yet.
fn metric_name_end(b: &[u8]) -> usize {
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' || *c == b':' => {}
        _ => return 0,
    }
    b.iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b':'))
        .unwrap_or(b.len())
}

fn is_metric_name(name: &str) -> bool {
    !name.is_empty() && metric_name_end(name.as_bytes()) == name.len()
}

/// The end of a label name `[a-zA-Z_][a-zA-Z0-9_]*` starting at `start`; `start` when none.
fn label_name_end(b: &[u8], start: usize) -> usize {
    match b.get(start) {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {}
        _ => return start,
    }
    let mut i = start + 1;
    while b
        .get(i)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
    {
        i += 1;
    }
    i
}

// Serialization: families with their samples, labels as maps, values as text, float and integer.

impl Serialize for Exposition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Exposition", 3)?;
        st.serialize_field("scrapes", &self.scrapes)?;
        st.serialize_field("openmetrics", &self.openmetrics)?;
        st.serialize_field("families", &Seq(|| self.families()))?;
        st.end()
    }
}

impl Serialize for FamilyRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Family", 8)?;
        st.serialize_field("name", self.name())?;
        st.serialize_field("type", &self.metric_type())?;
        st.serialize_field("help", &self.help())?;
        st.serialize_field("stability", &self.stability())?;
        st.serialize_field("unit", &self.unit())?;
        st.serialize_field("scrape", &self.scrape())?;
        st.serialize_field("at", &self.at())?;
        st.serialize_field("samples", &Seq(|| self.samples()))?;
        st.end()
    }
}

impl Serialize for SampleRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Sample", 7)?;
        st.serialize_field("name", self.name())?;
        st.serialize_field("labels", &Labels(*self))?;
        st.serialize_field("value", self.text())?;
        st.serialize_field("float", &self.float())?;
        match self.integer() {
            Ok(v) => st.serialize_field("integer", &v)?,
            Err(why) => st.serialize_field("not_whole", &why)?,
        }
        st.serialize_field("timestamp", &self.timestamp_text())?;
        st.serialize_field("at", &self.at())?;
        st.end()
    }
}

struct Labels<'a>(SampleRef<'a>);

impl Serialize for Labels<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (name, value) in self.0.labels() {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Serializes what an iterator yields as a sequence.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

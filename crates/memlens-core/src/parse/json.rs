//! Reading JSON as people paste it, with the line of every value.
//!
//! Pasted JSON is often not quite JSON: hand-trimmed objects keep a trailing comma, a long
//! one-line document comes back hard-wrapped at the terminal width (the break can fall inside
//! a string or a number), several documents follow one another, the last one stops mid-way,
//! or `jq` printed only a piece (`jq .node.memory`, or a `"key": {…}` member copied out of a
//! bigger object). One linear pass over the lines repairs all of that while it records, for
//! every value, its JSON Pointer and the line it starts on; `serde_json` then reads the
//! repaired text. What the pass cannot repair becomes a diagnostic with the line and what was
//! expected there, and reading resumes at the next line that starts a document.
//!
//! Truncation keeps what was complete: an object keeps its complete members, an array keeps
//! its complete entries and drops the one that was cut (a pod without its last container
//! would be a wrong pod, not a smaller one).

use std::collections::HashMap;

use serde_json::Value;

use super::number::{NumberError, parse_u64};
use crate::input::{At, Diagnostics, DocId, Document, Val};
use crate::quantity::QuantityText;

/// One JSON document read from a [`Document`], with the line of each of its values.
#[derive(Clone, Debug, PartialEq)]
pub struct Json {
    pub doc: DocId,
    pub value: Value,
    pub first_line: u32,
    /// The line where the text stopped before the document was complete (cut off, or broken
    /// by something that is not JSON).
    pub cut: Option<u32>,
    /// Containers that were still open at the cut and were closed by the repair (JSON
    /// Pointers, outermost first): their members after the cut are missing.
    pub open: Vec<String>,
    slots: HashMap<String, Slot>,
}

#[derive(Clone, Debug, PartialEq)]
struct Slot {
    line: u32,
    /// A number (or, from YAML, any plain scalar) as written: `serde_json` holds numbers past
    /// `u64` only approximately.
    written: Option<String>,
}

impl Json {
    /// A document read some other way (YAML): each value's JSON Pointer with its line and,
    /// for plain scalars, the text as written.
    pub fn from_lines(
        doc: DocId,
        value: Value,
        first_line: u32,
        lines: HashMap<String, (u32, Option<String>)>,
    ) -> Json {
        let slots = lines
            .into_iter()
            .map(|(p, (line, written))| (p, Slot { line, written }))
            .collect();
        Json {
            doc,
            value,
            first_line,
            cut: None,
            open: Vec::new(),
            slots,
        }
    }

    /// The line the value at `pointer` starts on; for a missing value, the line of its
    /// nearest ancestor that exists.
    pub fn line(&self, pointer: &str) -> u32 {
        let mut p = pointer;
        loop {
            if let Some(slot) = self.slots.get(p) {
                return slot.line;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return self.first_line,
            }
        }
    }

    pub fn at(&self, pointer: &str) -> At {
        At {
            doc: self.doc,
            line: self.line(pointer),
        }
    }

    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.value.pointer(pointer)
    }

    /// Whether the repair closed the container at `pointer` (or one inside it): values under
    /// it may be missing because the paste stopped.
    pub fn was_cut(&self, pointer: &str) -> bool {
        self.open
            .iter()
            .any(|p| p == pointer || p.starts_with(&format!("{pointer}/")))
    }

    /// A whole number from 0 to 2⁶⁴ − 1 at `pointer`. Missing or `null` is `None` without a
    /// word (fields are optional); anything else that is not such a number is a diagnostic.
    pub fn u64(&self, pointer: &str, diags: &mut Diagnostics) -> Option<Val<u64>> {
        let value = self.get(pointer)?;
        let at = self.at(pointer);
        if let Some(n) = value.as_u64() {
            return Some(Val::new(n, at));
        }
        if value.is_null() {
            return None;
        }
        let written = self.slots.get(pointer).and_then(|s| s.written.clone());
        let why = match (&written, value) {
            (Some(text), Value::Number(_)) => match parse_u64(text) {
                Err(e @ (NumberError::Overflow | NumberError::Negative)) => e.to_string(),
                _ => format!("`{text}`, not a whole number"),
            },
            (_, Value::String(s)) => format!("the string \"{s}\", not a number"),
            _ => format!("`{value}`, not a whole number"),
        };
        diags.error(
            at.line,
            format!("`{}` is {why}", last_key(pointer)),
            "a whole number from 0 to 18446744073709551615",
        );
        None
    }

    /// A string at `pointer`; missing or `null` is `None`, another type a diagnostic.
    pub fn str(&self, pointer: &str, diags: &mut Diagnostics) -> Option<Val<String>> {
        let value = self.get(pointer)?;
        let at = self.at(pointer);
        match value {
            Value::String(s) => Some(Val::new(s.clone(), at)),
            Value::Null => None,
            other => {
                diags.error(
                    at.line,
                    format!("`{}` is `{other}`, not a string", last_key(pointer)),
                    "a quoted string",
                );
                None
            }
        }
    }

    /// A quantity of bytes at `pointer` (`"2748180Ki"`): as [`Json::quantity`], and a warning
    /// when it is not a whole number of bytes from 0 to 2⁶⁴ − 1 (the value is still kept).
    pub fn bytes(&self, pointer: &str, diags: &mut Diagnostics) -> Option<Val<QuantityText>> {
        let q = self.quantity(pointer, diags)?;
        if let Err(e) = q.value.quantity.exact_bytes() {
            let message = format!("`{}` {} is {e}", last_key(pointer), q.value.text);
            diags.warning(Some(q.at.line), message);
        }
        Some(q)
    }

    /// A Kubernetes quantity at `pointer` (`"14520Ki"`; a bare JSON number is accepted, as
    /// apimachinery's `UnmarshalJSON` accepts it). Text that is not a quantity is a diagnostic.
    pub fn quantity(&self, pointer: &str, diags: &mut Diagnostics) -> Option<Val<QuantityText>> {
        let value = self.get(pointer)?;
        let at = self.at(pointer);
        let text = match value {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => {
                let written = self.slots.get(pointer).and_then(|s| s.written.clone());
                written.unwrap_or_else(|| n.to_string())
            }
            Value::Null => return None,
            other => {
                diags.error(
                    at.line,
                    format!("`{}` is `{other}`, not a quantity", last_key(pointer)),
                    "a quantity such as \"16393244Ki\" or \"250m\"",
                );
                return None;
            }
        };
        match QuantityText::parse(&text) {
            Ok(q) => Some(Val::new(q, at)),
            Err(e) => {
                diags.error(
                    at.line,
                    format!("`{}` is {e}", last_key(pointer)),
                    "a quantity",
                );
                None
            }
        }
    }
}

/// The last step of a JSON Pointer, unescaped, for messages.
fn last_key(pointer: &str) -> String {
    let last = pointer.rsplit('/').next().unwrap_or(pointer);
    last.replace("~1", "/").replace("~0", "~")
}

/// `base` + `/` + `key`, escaped as RFC 6901 wants (`~` → `~0`, `/` → `~1`).
pub fn pointer(base: &str, key: &str) -> String {
    let mut p = String::with_capacity(base.len() + key.len() + 1);
    p.push_str(base);
    p.push('/');
    for c in key.chars() {
        match c {
            '~' => p.push_str("~0"),
            '/' => p.push_str("~1"),
            c => p.push(c),
        }
    }
    p
}

/// One step of a `jq` path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JqStep {
    Key(String),
    Index(usize),
    /// `[]`: every entry, one output each.
    Each,
}

/// The path of a simple `jq` filter in the command that printed the document
/// (`… | jq -C .node.memory` → `node`, `memory`), so a parser knows which piece it holds.
/// `None` without `jq`, for the identity `.`, or for a filter that is not a plain path.
pub fn jq_path(doc: &Document) -> Option<Vec<JqStep>> {
    let command = doc.command.as_deref()?;
    let words: Vec<&str> = command.split_whitespace().collect();
    let jq = words.iter().rposition(|w| *w == "jq")?;
    let arg = words
        .get(jq + 1..)?
        .iter()
        .position(|w| !w.starts_with('-'))?
        + jq
        + 1;
    // The filter: a bare word, or everything up to the closing quote.
    let rest = words.get(arg..)?.join(" ");
    let filter = match rest.chars().next()? {
        q @ ('\'' | '"') => rest.get(1..)?.split(q).next()?,
        _ => rest.split_whitespace().next()?,
    };
    let steps = jq_steps(filter)?;
    (!steps.is_empty()).then_some(steps)
}

fn jq_steps(filter: &str) -> Option<Vec<JqStep>> {
    let mut steps = Vec::new();
    let mut rest = filter;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("[]") {
            steps.push(JqStep::Each);
            rest = r;
        } else if let Some(r) = rest.strip_prefix('[') {
            let (index, r) = r.split_once(']')?;
            steps.push(JqStep::Index(index.parse().ok()?));
            rest = r;
        } else if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let (key, r) = r.split_at(end);
            let key = key.trim_end_matches('?');
            if !key.is_empty() {
                if !key.chars().all(|c| c.is_alphanumeric() || c == '_') {
                    return None;
                }
                steps.push(JqStep::Key(key.to_string()));
            }
            rest = r;
        } else {
            return None;
        }
    }
    Some(steps)
}

/// Reads every JSON document in `doc`, repairing what pastes break.
pub fn read(doc: &Document, diags: &mut Diagnostics) -> Vec<Json> {
    let mut reader = Reader {
        doc: doc.id,
        diags,
        out: Vec::new(),
        cur: None,
        skipping: false,
    };
    let lines = &doc.lines;
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).map(|l| l.text.as_str());
        reader.line(line.no, &line.text, next);
    }
    reader.finish(doc.last_line());
    if reader.out.is_empty() && !lines.is_empty() && !reader.diags.list.iter().any(is_error) {
        reader.diags.error(
            doc.first_line(),
            "no JSON document found",
            "a JSON object `{…}` or array `[…]`",
        );
    }
    reader.out
}

fn is_error(d: &crate::input::Diagnostic) -> bool {
    d.severity == crate::input::Severity::Error
}

struct Reader<'a> {
    doc: DocId,
    diags: &'a mut Diagnostics,
    out: Vec<Json>,
    cur: Option<Building>,
    /// After an error: lines are skipped until one starts a document.
    skipping: bool,
}

/// A document being repaired.
struct Building {
    text: String,
    /// `(offset in text, source line)` at every line start, for mapping `serde_json` errors.
    line_map: Vec<(usize, u32)>,
    frames: Vec<Frame>,
    state: State,
    /// A pasted `"key": …` member was wrapped in braces.
    implicit_root: bool,
    /// An indented line was seen: the document is pretty-printed, so a line starting with
    /// `{` at column 0 inside it begins another document.
    pretty: bool,
    first_line: u32,
    slots: HashMap<String, Slot>,
    /// A comma seen but not yet written: dropped if a closing bracket comes next.
    pending_comma: bool,
    trailing_commas: u32,
    /// Where the current string, number or word began in `text`.
    token_start: usize,
    /// Pointer of the scalar being read.
    scalar_pointer: String,
    /// The line and column where the current word began, for messages.
    word_at: (u32, usize),
    /// The column of the character being fed.
    col: usize,
}

struct Frame {
    object: bool,
    pointer: String,
    /// End of the last complete member or entry (or of the opening bracket).
    safe: usize,
    count: usize,
    /// The key whose value comes next (objects).
    key: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Value,
    AfterValue,
    Key,
    Colon,
    Str { key: bool, escape: bool },
    Number,
    Word,
}

enum Step {
    Next,
    /// Process the same character again in the new state.
    Again,
    Error(&'static str),
    /// A bare word that is not `true`, `false` or `null`.
    BadWord,
}

impl Reader<'_> {
    fn line(&mut self, no: u32, text: &str, next: Option<&str>) {
        let starts_doc = text.starts_with(['{', '[']);
        if self.skipping {
            let fragment = text.starts_with('"') && is_member_fragment(text);
            if !(starts_doc || fragment) {
                return;
            }
            self.skipping = false;
        }

        // Another document starting while one is open: the open one was cut off.
        if let Some(b) = &self.cur
            && starts_doc
            && (b.pretty || b.implicit_root && b.frames.len() == 1)
        {
            let implicit_done =
                b.implicit_root && b.frames.len() == 1 && b.state == State::AfterValue;
            if implicit_done {
                self.close_implicit();
            } else {
                let last = b.line_map.last().map_or(no, |m| m.1);
                self.cut(last, false);
            }
        }

        if let Some(b) = &mut self.cur {
            b.line_map.push((b.text.len(), no));
            if text.starts_with([' ', '\t']) && !b.frames.is_empty() {
                b.pretty = true;
            }
        }

        let mut chars = text.char_indices().peekable();
        while let Some(&(col, c)) = chars.peek() {
            if self.cur.is_none() {
                if c.is_whitespace() {
                    chars.next();
                    continue;
                }
                if c == '{' || c == '[' || c == '"' && is_member_fragment(&text[col..]) {
                    self.start(no, c == '"');
                } else if c == '"' || c == '-' || c.is_ascii_digit() {
                    self.start(no, false);
                } else {
                    self.diags.error(
                        no,
                        format!(
                            "`{}` where a JSON document should start",
                            excerpt(&text[col..])
                        ),
                        "a JSON object `{…}` or array `[…]`",
                    );
                    self.skipping = true;
                    return;
                }
            }
            let Some(b) = &mut self.cur else { return };
            b.col = col;
            match b.step(c) {
                Step::Next => {
                    chars.next();
                }
                Step::Again => {}
                Step::Error(expected) => {
                    let found = excerpt(&text[col..]);
                    let message = format!("unexpected `{found}` in JSON at column {}", col + 1);
                    return self.broken(no, no, message, expected);
                }
                Step::BadWord => {
                    let (line, message) = b.bad_word();
                    return self.broken(line, no, message, VALUE);
                }
            }
            if let Some(b) = &self.cur
                && b.frames.is_empty()
                && b.state == State::AfterValue
            {
                self.complete();
            }
        }

        // The end of the line: a line break, unless a terminal wrapped the line inside a
        // string, number or word, in which case the next line continues it.
        // TODO: a wrap right after a space inside a string loses that space, because line
        // cleaning trims trailing whitespace before the parser sees the line.
        let Some(b) = &mut self.cur else { return };
        let continues = match b.state {
            State::Str { .. } => next.is_some(),
            State::Number => next.is_some_and(|n| n.starts_with(|c: char| is_number_char(c))),
            State::Word => next.is_some_and(|n| n.starts_with(|c: char| c.is_ascii_alphabetic())),
            _ => false,
        };
        if !continues {
            match b.step_until_done('\n') {
                Step::Error(expected) => {
                    let message = "unexpected end of line in JSON".to_string();
                    return self.broken(no, no, message, expected);
                }
                Step::BadWord => {
                    let (line, message) = b.bad_word();
                    return self.broken(line, no, message, VALUE);
                }
                Step::Next | Step::Again => {}
            }
            if let Some(b) = &self.cur
                && b.frames.is_empty()
                && b.state == State::AfterValue
            {
                self.complete();
            }
        }
    }

    /// Something that is not JSON at `line`: says so, keeps what was complete before it and
    /// skips to the next line that starts a document.
    fn broken(&mut self, line: u32, cut_line: u32, message: String, expected: &str) {
        self.diags.error(line, message, expected);
        self.cut(cut_line, true);
        self.skipping = true;
    }

    fn start(&mut self, no: u32, implicit_root: bool) {
        let mut b = Building {
            text: String::new(),
            line_map: vec![(0, no)],
            frames: Vec::new(),
            state: State::Value,
            implicit_root,
            pretty: false,
            first_line: no,
            slots: HashMap::new(),
            pending_comma: false,
            trailing_commas: 0,
            token_start: 0,
            scalar_pointer: String::new(),
            word_at: (no, 0),
            col: 0,
        };
        if implicit_root {
            b.open_container(true);
        }
        self.cur = Some(b);
    }

    /// Closes a pasted `"key": …` member that ended cleanly.
    fn close_implicit(&mut self) {
        if let Some(b) = &mut self.cur {
            b.pending_comma = false;
            b.text.push('}');
            b.frames.clear();
        }
        self.complete();
    }

    /// The text stops at `line` before the document is complete (`broken` when something
    /// that is not JSON stopped it): keeps what was complete and closes what is open.
    fn cut(&mut self, line: u32, broken: bool) {
        let Some(mut b) = self.cur.take() else { return };
        let Some(innermost) = b.frames.len().checked_sub(1) else {
            // A scalar document cut mid-way: nothing is kept.
            if !broken {
                self.diags.truncated(line, "a JSON value");
            }
            return;
        };
        // The outermost array with an open entry drops that entry; otherwise the innermost
        // open object keeps its complete members.
        let outer = b.frames.get(..innermost).unwrap_or(&[]);
        let keep = outer.iter().position(|f| !f.object).unwrap_or(innermost);
        let kept = b.frames.get(..=keep).unwrap_or(&[]);
        let cut_at = kept.last().map_or(0, |f| f.safe);
        let open: Vec<String> = kept
            .iter()
            .map(|f| f.pointer.clone())
            .filter(|p| !(b.implicit_root && p.is_empty()))
            .collect();
        let closers: String = kept
            .iter()
            .rev()
            .map(|f| if f.object { '}' } else { ']' })
            .collect();
        let inside = b.frames.last().map_or("", |f| f.pointer.as_str());
        let inside = if inside.is_empty() { "/" } else { inside };
        if !broken {
            self.diags
                .truncated(line, &format!("the JSON stops inside `{inside}`"));
        }
        b.text.truncate(cut_at);
        b.text.push_str(&closers);
        if let Some(mut json) = self.parse_built(b) {
            json.cut = Some(line);
            json.open = open;
            self.out.push(json);
        }
    }

    /// A document ended cleanly.
    fn complete(&mut self) {
        let Some(b) = self.cur.take() else { return };
        if let Some(json) = self.parse_built(b) {
            self.out.push(json);
        }
    }

    fn parse_built(&mut self, b: Building) -> Option<Json> {
        if b.trailing_commas > 0 {
            self.diags.note(
                Some(b.first_line),
                format!(
                    "{} trailing comma(s) removed (hand-trimmed JSON is read as if they were not there)",
                    b.trailing_commas
                ),
            );
        }
        match serde_json::from_str::<Value>(&b.text) {
            Ok(value) => Some(Json {
                doc: self.doc,
                value,
                first_line: b.first_line,
                cut: None,
                open: Vec::new(),
                slots: b.slots,
            }),
            Err(e) => {
                let line = b.source_line(e.line(), e.column());
                // serde_json counts lines of the repaired text; the line is named apart.
                let text = e.to_string();
                let message = text.split(" at line ").next().unwrap_or(&text);
                let message = format!("not valid JSON: {message}");
                self.diags
                    .error(line, message, "JSON as `kubectl` or `jq` prints it");
                None
            }
        }
    }

    fn finish(&mut self, last_line: u32) {
        let Some(b) = &mut self.cur else { return };
        if b.frames.is_empty() && matches!(b.state, State::Number | State::Word) {
            // A number or word ending the paste ends a top-level scalar document.
            if let Step::Error(_) | Step::BadWord = b.step_until_done('\n') {
                self.cut(last_line, false);
            } else {
                self.complete();
            }
        } else if b.implicit_root
            && b.frames.len() == 1
            && (b.state == State::AfterValue || b.state == State::Key && b.pending_comma)
        {
            // A pasted member, perhaps with the comma that followed it in its object.
            self.close_implicit();
        } else {
            self.cut(last_line, false);
        }
    }
}

impl Building {
    /// Feeds one character; `Again` asks for it to be fed again after a token ended.
    fn step(&mut self, c: char) -> Step {
        match self.state {
            State::Str { key, escape } => {
                match c {
                    _ if escape => {
                        self.text.push(c);
                        self.state = State::Str { key, escape: false };
                    }
                    '\\' => {
                        self.text.push(c);
                        self.state = State::Str { key, escape: true };
                    }
                    '"' => {
                        self.text.push(c);
                        if key {
                            let raw = self.text.get(self.token_start..).unwrap_or("\"\"");
                            let key = serde_json::from_str::<String>(raw).unwrap_or_default();
                            if let Some(f) = self.frames.last_mut() {
                                f.key = key;
                            }
                            self.state = State::Colon;
                        } else {
                            self.value_done();
                        }
                    }
                    // Tabs and other control characters are not allowed raw in JSON strings.
                    c if (c as u32) < 0x20 => {
                        self.text.push_str(&format!("\\u{:04x}", c as u32));
                    }
                    c => self.text.push(c),
                }
                Step::Next
            }
            State::Number => {
                if is_number_char(c) {
                    self.text.push(c);
                    Step::Next
                } else {
                    let written = self.text.get(self.token_start..).unwrap_or("").to_string();
                    let pointer = std::mem::take(&mut self.scalar_pointer);
                    if let Some(slot) = self.slots.get_mut(&pointer) {
                        slot.written = Some(written);
                    }
                    self.value_done();
                    Step::Again
                }
            }
            State::Word => {
                if c.is_ascii_alphabetic() {
                    self.text.push(c);
                    Step::Next
                } else {
                    let word = self.text.get(self.token_start..).unwrap_or("");
                    if !matches!(word, "true" | "false" | "null") {
                        return Step::BadWord;
                    }
                    self.value_done();
                    Step::Again
                }
            }
            _ if c.is_whitespace() => {
                self.text.push(c);
                Step::Next
            }
            State::Value => match c {
                '{' | '[' if self.frames.len() >= MAX_DEPTH => {
                    Step::Error("at most 100 levels of nesting")
                }
                '{' | '[' => {
                    self.flush_comma();
                    self.start_value();
                    self.open_container(c == '{');
                    Step::Next
                }
                '"' => {
                    self.flush_comma();
                    self.start_value();
                    self.token_start = self.text.len();
                    self.text.push(c);
                    self.state = State::Str {
                        key: false,
                        escape: false,
                    };
                    Step::Next
                }
                c if c == '-' || c.is_ascii_digit() || c.is_ascii_alphabetic() => {
                    self.flush_comma();
                    self.start_value();
                    self.token_start = self.text.len();
                    self.text.push(c);
                    self.state = if c.is_ascii_alphabetic() {
                        State::Word
                    } else {
                        State::Number
                    };
                    let line = self.line_map.last().map_or(self.first_line, |m| m.1);
                    self.word_at = (line, self.col);
                    Step::Next
                }
                ']' if self.in_array() && (self.pending_comma || self.top_count() == 0) => {
                    self.close_container();
                    Step::Next
                }
                _ => Step::Error(VALUE),
            },
            State::Key => match c {
                '"' => {
                    self.flush_comma();
                    self.token_start = self.text.len();
                    self.text.push(c);
                    self.state = State::Str {
                        key: true,
                        escape: false,
                    };
                    Step::Next
                }
                '}' if self.pending_comma || self.top_count() == 0 => {
                    self.close_container();
                    Step::Next
                }
                _ => Step::Error("a quoted key, or `}`"),
            },
            State::Colon => match c {
                ':' => {
                    self.text.push(c);
                    self.state = State::Value;
                    Step::Next
                }
                _ => Step::Error("`:` after the key"),
            },
            State::AfterValue => {
                let object = self.frames.last().is_some_and(|f| f.object);
                match c {
                    ',' if !self.frames.is_empty() => {
                        self.pending_comma = true;
                        self.state = if object { State::Key } else { State::Value };
                        Step::Next
                    }
                    '}' if object => {
                        self.close_container();
                        Step::Next
                    }
                    ']' if !object && !self.frames.is_empty() => {
                        self.close_container();
                        Step::Next
                    }
                    _ if object => Step::Error("`,` or `}`"),
                    _ => Step::Error("`,` or `]`"),
                }
            }
        }
    }

    /// Where the bad word began, and a message naming it.
    fn bad_word(&self) -> (u32, String) {
        let (line, col) = self.word_at;
        let word = self.text.get(self.token_start..).unwrap_or("");
        (
            line,
            format!("unexpected `{word}` in JSON at column {}", col + 1),
        )
    }

    /// Feeds `c` until it is consumed (a token may end first).
    fn step_until_done(&mut self, c: char) -> Step {
        loop {
            match self.step(c) {
                Step::Again => continue,
                other => return other,
            }
        }
    }

    fn in_array(&self) -> bool {
        self.frames.last().is_some_and(|f| !f.object)
    }

    fn top_count(&self) -> usize {
        self.frames.last().map_or(0, |f| f.count)
    }

    fn flush_comma(&mut self) {
        if std::mem::take(&mut self.pending_comma) {
            self.text.push(',');
        }
    }

    /// The pointer of the value about to start, recorded with its line.
    fn start_value(&mut self) {
        let pointer = match self.frames.last() {
            Some(f) if f.object => pointer(&f.pointer, &f.key),
            Some(f) => format!("{}/{}", f.pointer, f.count),
            None => String::new(),
        };
        let line = self.line_map.last().map_or(self.first_line, |m| m.1);
        self.slots.insert(
            pointer.clone(),
            Slot {
                line,
                written: None,
            },
        );
        self.scalar_pointer = pointer;
    }

    fn open_container(&mut self, object: bool) {
        let pointer = std::mem::take(&mut self.scalar_pointer);
        self.text.push(if object { '{' } else { '[' });
        self.frames.push(Frame {
            object,
            pointer,
            safe: self.text.len(),
            count: 0,
            key: String::new(),
        });
        self.state = if object { State::Key } else { State::Value };
    }

    fn close_container(&mut self) {
        if std::mem::take(&mut self.pending_comma) {
            self.trailing_commas += 1;
        }
        if let Some(frame) = self.frames.pop() {
            self.text.push(if frame.object { '}' } else { ']' });
        }
        self.value_done();
    }

    fn value_done(&mut self) {
        self.state = State::AfterValue;
        if let Some(f) = self.frames.last_mut() {
            f.count += 1;
            f.safe = self.text.len();
        }
    }

    /// The source line of a `serde_json` error position (1-based line and column in `text`).
    fn source_line(&self, line: usize, column: usize) -> u32 {
        let mut offset = 0;
        for (i, l) in self.text.split('\n').enumerate() {
            if i + 1 == line {
                offset += column.saturating_sub(1).min(l.len());
                break;
            }
            offset += l.len() + 1;
        }
        let i = self.line_map.partition_point(|m| m.0 <= offset);
        self.line_map
            .get(i.saturating_sub(1))
            .map_or(self.first_line, |m| m.1)
    }
}

/// Deeper nesting is refused: `serde_json` stops at 128, and no Kubernetes object nears it.
const MAX_DEPTH: usize = 100;

const VALUE: &str = "a value: an object, array, string, number, true, false or null";

fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')
}

/// `"node": {`: an object member pasted without its braces.
fn is_member_fragment(text: &str) -> bool {
    let Some(rest) = text.trim_start().strip_prefix('"') else {
        return false;
    };
    let mut escape = false;
    for (i, c) in rest.char_indices() {
        match c {
            _ if escape => escape = false,
            '\\' => escape = true,
            '"' => return rest[i + 1..].trim_start().starts_with(':'),
            _ => {}
        }
    }
    false
}

/// The start of `text`, short enough for a message: a word, or one character.
fn excerpt(text: &str) -> String {
    let word = |c: &char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '+');
    let taken: String = text.chars().take_while(word).take(20).collect();
    if taken.is_empty() {
        text.chars().take(1).collect()
    } else {
        taken
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use serde_json::json;

    use super::*;
    use crate::input::{Kind, Line, Severity, Source};

    /// A document of `text`'s lines, numbered from 1, as the splitter would hand it over.
    pub(crate) fn document(kind: Kind, text: &str) -> Document {
        let lines = text
            .split('\n')
            .enumerate()
            .map(|(i, t)| Line {
                no: i as u32 + 1,
                text: t.to_string(),
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

    fn read_text(text: &str) -> (Vec<Json>, Diagnostics) {
        let doc = document(Kind::Unknown, text);
        let mut diags = Diagnostics::new(doc.id);
        let out = read(&doc, &mut diags);
        (out, diags)
    }

    fn values(text: &str) -> Vec<Value> {
        read_text(text).0.into_iter().map(|j| j.value).collect()
    }

    #[test]
    fn repairs() {
        let cases: &[(&str, &str, Vec<Value>)] = &[
            (
                "clean",
                "{\n  \"a\": 1,\n  \"b\": [1, 2]\n}",
                vec![json!({"a": 1, "b": [1, 2]})],
            ),
            (
                "trailing commas",
                "{\n \"a\": [1, 2,],\n \"b\": 2,\n}",
                vec![json!({"a": [1, 2], "b": 2})],
            ),
            (
                "wrapped inside a string and a number",
                "{\"metadata\":{\"name\":\"node-a\"},\"usage\":{\"cpu\":\"3290\n87452n\",\"memory\":\"27481\n80Ki\"},\"n\":12\n345,\"t\":tr\nue}",
                vec![
                    json!({"metadata": {"name": "node-a"}, "usage": {"cpu": "329087452n", "memory": "2748180Ki"}, "n": 12345, "t": true}),
                ],
            ),
            (
                "two on one line",
                "{\"a\":1}{\"b\":2}",
                vec![json!({"a": 1}), json!({"b": 2})],
            ),
            (
                "two on two lines",
                "{\"a\":1}\n[\"b\"]",
                vec![json!({"a": 1}), json!(["b"])],
            ),
            (
                "two pretty, the first cut off",
                "{\n  \"a\": 1,\n  \"b\": {\n    \"c\": 2,\n    \"d\": \"cut\n{\n  \"e\": 3\n}",
                vec![json!({"a": 1, "b": {"c": 2}}), json!({"e": 3})],
            ),
            (
                "members pasted without braces, with their commas",
                "\"memory\": {\n  \"workingSetBytes\": 1\n},\n\"cpu\": {\n  \"usageNanoCores\": 2\n},",
                vec![json!({"memory": {"workingSetBytes": 1}, "cpu": {"usageNanoCores": 2}})],
            ),
            (
                "a member pasted without braces",
                "\"memory\": {\n  \"workingSetBytes\": 928534528,\n}",
                vec![json!({"memory": {"workingSetBytes": 928534528u64}})],
            ),
            (
                "truncated array keeps complete entries only",
                "{\n \"items\": [\n  {\"n\": 1, \"c\": [1]},\n  {\"n\": 2, \"c\": [2]},\n  {\"n\": 3, \"c\": [3,",
                vec![json!({"items": [{"n": 1, "c": [1]}, {"n": 2, "c": [2]}]})],
            ),
            (
                "truncated object keeps complete members",
                "{\n \"node\": {\n  \"name\": \"a\",\n  \"list\": [1, 2],\n  \"start\": \"2021-",
                vec![json!({"node": {"name": "a", "list": [1, 2]}})],
            ),
            ("scalar document", "42", vec![json!(42)]),
            ("empty", "", vec![]),
        ];
        for (name, text, want) in cases {
            assert_eq!(&values(text), want, "case {name}: {text:?}");
        }
    }

    #[test]
    fn lines_of_values() {
        let text = "{\n  \"node\": {\n    \"memory\": {\n      \"workingSetBytes\": 5\n    },\n    \"list\": [\n      7,\n      8\n    ]\n  }\n}";
        let (docs, _) = read_text(text);
        let j = &docs[0];
        let cases: &[(&str, u32)] = &[
            ("", 1),
            ("/node", 2),
            ("/node/memory", 3),
            ("/node/memory/workingSetBytes", 4),
            ("/node/list/0", 7),
            ("/node/list/1", 8),
            ("/node/memory/missing", 3),
            ("/nothing/here", 1),
        ];
        for (pointer, want) in cases {
            assert_eq!(j.line(pointer), *want, "line of {pointer:?}");
        }
    }

    #[test]
    fn cuts_are_reported() {
        let (docs, diags) = read_text("{\n \"items\": [\n  {\"n\": 1},\n  {\"n\": 2,\n");
        assert_eq!(docs[0].cut, Some(4));
        assert_eq!(docs[0].open, ["", "/items"]);
        assert!(docs[0].was_cut("/items"));
        assert!(!docs[0].was_cut("/other"));
        assert!(diags.is_truncated());
        assert_eq!(diags.list[0].line, Some(4));
        assert_eq!(
            diags.list[0].message,
            "the document is cut off here (the JSON stops inside `/items/1`); everything before it is used"
        );
    }

    #[test]
    fn garbage_is_an_error_and_reading_resumes() {
        let (docs, diags) =
            read_text("{\n \"a\": 1,\n \"b\": oops,\n \"c\": 3\n}\n{\"d\": 4}\nnot json\n[5]");
        let got: Vec<&Value> = docs.iter().map(|j| &j.value).collect();
        assert_eq!(got, [&json!({"a": 1}), &json!({"d": 4}), &json!([5])]);
        let errors: Vec<(Option<u32>, &str, Option<&str>)> = diags
            .list
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.line, d.message.as_str(), d.expected.as_deref()))
            .collect();
        assert_eq!(
            errors,
            [
                (
                    Some(3),
                    "unexpected `oops` in JSON at column 7",
                    Some("a value: an object, array, string, number, true, false or null")
                ),
                (
                    Some(7),
                    "`not` where a JSON document should start",
                    Some("a JSON object `{…}` or array `[…]`")
                ),
            ]
        );
        let (docs, diags) = read_text("{\"a\" 1}");
        assert_eq!((&docs[0].value, docs[0].cut), (&json!({}), Some(1)));
        assert_eq!(diags.list[0].expected.as_deref(), Some("`:` after the key"));
        let (_, diags) = read_text("hello");
        assert_eq!(diags.list[0].line, Some(1));
        // What the repair lets through and serde_json refuses: the line is the source's.
        let (docs, diags) = read_text("{\n \"a\": 01\n}");
        assert!(docs.is_empty());
        let got = diags
            .list
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect::<Vec<_>>();
        assert_eq!(got, [(Some(2), "not valid JSON: invalid number")]);
    }

    #[test]
    fn numbers_and_quantities() {
        let text = "{\n \"ok\": 18446744073709551615,\n \"over\": 18446744073709551616,\n \"neg\": -1,\n \"frac\": 1.5,\n \"str\": \"5\",\n \"null\": null,\n \"q\": \"14520Ki\",\n \"qn\": 1024,\n \"bad\": \"12 Ki\"\n}";
        let (docs, _) = read_text(text);
        let j = &docs[0];
        let mut diags = Diagnostics::new(DocId(1));
        let got: Vec<Option<u64>> = ["/ok", "/over", "/neg", "/frac", "/str", "/null", "/missing"]
            .iter()
            .map(|p| j.u64(p, &mut diags).map(|v| v.value))
            .collect();
        assert_eq!(got, [Some(u64::MAX), None, None, None, None, None, None]);
        let messages: Vec<(Option<u32>, &str)> = diags
            .list
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    Some(3),
                    "`over` is a value past 2^64 − 1, the largest a 64-bit counter holds"
                ),
                (Some(4), "`neg` is a negative value, which a size cannot be"),
                (Some(5), "`frac` is `1.5`, not a whole number"),
                (Some(6), "`str` is the string \"5\", not a number"),
            ]
        );
        let mut diags = Diagnostics::new(DocId(1));
        let q = j
            .quantity("/q", &mut diags)
            .map(|v| (v.value.text, v.at.line));
        assert_eq!(q, Some(("14520Ki".to_string(), 8)));
        let qn = j
            .quantity("/qn", &mut diags)
            .map(|v| v.value.quantity.canonical());
        assert_eq!(qn.as_deref(), Some("1024"));
        assert!(j.quantity("/bad", &mut diags).is_none());
        assert_eq!(diags.list.len(), 1);
        assert_eq!(diags.list[0].line, Some(10));
    }

    #[test]
    fn jq_paths() {
        let cases: &[(&str, Option<Vec<JqStep>>)] = &[
            (
                "kubectl get --raw /api/v1/nodes/n/proxy/stats/summary | jq -C .node.memory",
                Some(vec![
                    JqStep::Key("node".into()),
                    JqStep::Key("memory".into()),
                ]),
            ),
            (
                "curl -s x | jq '.pods[]'",
                Some(vec![JqStep::Key("pods".into()), JqStep::Each]),
            ),
            (
                "curl -s x | jq '.pods[0].containers'",
                Some(vec![
                    JqStep::Key("pods".into()),
                    JqStep::Index(0),
                    JqStep::Key("containers".into()),
                ]),
            ),
            ("kubectl get --raw /x | jq '.'", None),
            ("kubectl get --raw /x | jq '.items | length'", None),
            ("kubectl get --raw /x", None),
        ];
        for (command, want) in cases {
            let mut doc = document(Kind::KubeletSummary, "{}");
            doc.command = Some(command.to_string());
            assert_eq!(&jq_path(&doc), want, "command {command:?}");
        }
    }

    #[test]
    fn through_input_read() {
        // CRLF, ANSI colours from `jq -C`, tab indentation and a prompt line.
        let text = "$ kubectl get --raw /api/v1/nodes/a/proxy/stats/summary | jq -C .node.memory\r\n{\r\n\t\x1b[1;34m\"workingSetBytes\"\x1b[0m: \x1b[0;39m928534528\x1b[0m,\r\n\t\"time\": \"2023-06-28T22:28:17Z\"\r\n}\r\n";
        let docs = crate::input::read(&[Source::paste(text)], &[]);
        assert_eq!(docs.len(), 1);
        let mut diags = Diagnostics::new(docs[0].id);
        let got = read(&docs[0], &mut diags);
        assert_eq!(
            got[0].value,
            json!({"workingSetBytes": 928534528u64, "time": "2023-06-28T22:28:17Z"})
        );
        assert_eq!(got[0].line("/workingSetBytes"), 3);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        assert_eq!(jq_path(&docs[0]).map(|p| p.len()), Some(2));
    }

    #[test]
    fn adversarial_input_never_panics() {
        let deep = "[".repeat(10_000);
        let cases = [
            deep.as_str(),
            "}",
            "]]]",
            "{\"a\":",
            "{\"a\"",
            "{\"",
            "\"",
            "\"\\",
            "{,}",
            "[,]",
            "[1,,2]",
            "{\"a\":1,,\"b\":2}",
            "{\"é\u{1F600}\": \"\u{1F600}\"}",
            "-",
            "1e",
            "nul",
            "\u{feff}{}",
        ];
        for text in cases {
            let _ = read_text(text);
        }
        let (docs, diags) = read_text(&deep);
        assert_eq!(docs.len(), 1);
        assert_eq!(
            diags.list[0].expected.as_deref(),
            Some("at most 100 levels of nesting")
        );
    }
}

#[cfg(test)]
mod detection {
    use crate::input::{Kind, Source, read};

    /// The JSON and YAML kinds this module's parsers read, as `input::detect` sees them.
    #[test]
    fn json_kinds_are_detected() {
        let cases: &[(&str, Kind)] = &[
            (
                "{\"node\":{\"nodeName\":\"a\",\"systemContainers\":[{\"name\":\"kube\nlet\"}]}}",
                Kind::KubeletSummary,
            ),
            (
                "$ curl -s localhost:10255/stats/summary | jq .pods\n[\n {\n  \"podRef\": {\"name\": \"p\"}\n }\n]",
                Kind::KubeletSummary,
            ),
            (
                "[{\"podRef\":{\"name\":\"p\"},\"memory\":{\"workingSetBytes\":1}}]",
                Kind::KubeletSummary,
            ),
            (
                "{\"kind\":\"NodeMetricsList\",\"items\":[{\"metadata\":{\"name\":\"a\"},\"window\":\"30s\",\"usage\":{\"cpu\":\"1n\",\"memory\":\"1Ki\"}}]}",
                Kind::MetricsNodes,
            ),
            (
                "{\"kind\":\"NodeMe\ntrics\",\"usage\":{}}",
                Kind::MetricsNodes,
            ),
            (
                "{\n  \"kind\": \"PodMetrics\",\n  \"containers\": [\n    {\"usage\": {}}\n  ]\n}",
                Kind::MetricsPods,
            ),
            (
                "{\"kind\":\"NodeList\",\"items\":[{\"status\":{\"capacity\":{},\"allocatable\":{}}}]}",
                Kind::KubectlNode,
            ),
            (
                "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{\"status\":{\"nodeInfo\":{}}}]}",
                Kind::KubectlNode,
            ),
            (
                "apiVersion: v1\nkind: Node\nstatus:\n  capacity:\n    memory: 1Ki\n",
                Kind::KubectlNode,
            ),
            (
                "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Node\nkind: List\n",
                Kind::KubectlNode,
            ),
        ];
        for (text, want) in cases {
            let kinds: Vec<Kind> = read(&[Source::paste(*text)], &[])
                .iter()
                .map(|d| d.kind)
                .collect();
            assert_eq!(kinds, [*want], "text {text:?}");
        }
    }
}

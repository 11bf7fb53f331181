//! What a row of an expectation table asserts about a [`Report`], and the runner that checks
//! every row and prints each failure with the expected and the actual value.

// Each test crate that includes this module uses a part of it.
#![allow(dead_code)]

use memlens_core::explain::{Settings, explain};
use memlens_core::input::{Kind, Source};
use memlens_core::report::{Agreement, FindingCode, Quantity, Report};

/// One thing a report must say.
#[derive(Clone, Copy, Debug)]
pub enum Check {
    /// The quantity's `value`.
    Value(&'static str, Option<u64>),
    /// The quantity's `text`.
    Text(&'static str, Option<&'static str>),
    /// These lines appear one after the other in the quantity's text (trailing spaces aside:
    /// the spec's transcripts lost them).
    Lines(&'static str, &'static [&'static str]),
    /// One line of the quantity's text, with runs of spaces counted as one (the spec's prose
    /// collapses the padding).
    Line(&'static str, &'static str),
    /// The pasted number: its text and whether the recomputed one agrees.
    Observed(&'static str, &'static str, Agreement),
    /// The quantity has no pasted number beside it.
    NotObserved(&'static str),
    /// The quantity exists, has neither value nor text, and one of its needs mentions this.
    Missing(&'static str, &'static str),
    /// The quantity is not in the report at all.
    Absent(&'static str),
    /// A finding with this code.
    Finding(FindingCode),
    /// No finding with this code.
    NoFinding(FindingCode),
    /// A finding with this code whose summary or explanation contains the text.
    FindingSays(FindingCode, &'static str),
    /// The assumption's value (as the report prints it) and whether it was detected.
    Assumption(&'static str, &'static str, Origin),
    /// The kinds of the documents read from the source of this name, in order.
    Kinds(&'static str, &'static [Kind]),
}

/// Where an assumption's value comes from, as a check states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Default,
    Detected,
    Set,
}

fn quantity<'r>(report: &'r Report, id: &str) -> Result<&'r Quantity, String> {
    report
        .quantity(id)
        .ok_or_else(|| format!("no quantity `{id}` in the report"))
}

fn compare<T: PartialEq + std::fmt::Debug>(what: &str, want: T, got: T) -> Result<(), String> {
    if want == got {
        Ok(())
    } else {
        Err(format!(
            "{what}\n      expected: {want:?}\n      actual:   {got:?}"
        ))
    }
}

fn squeeze(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks one row against a report whose sources were named `names` (in order).
pub fn check(report: &Report, names: &[String], c: &Check) -> Result<(), String> {
    match *c {
        Check::Value(id, want) => {
            compare(&format!("{id} value"), want, quantity(report, id)?.value)
        }
        Check::Text(id, want) => compare(
            &format!("{id} text"),
            want,
            quantity(report, id)?.text.as_deref(),
        ),
        Check::Lines(id, want) => {
            let text = quantity(report, id)?.text.clone().unwrap_or_default();
            let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
            let want_lines: Vec<&str> = want.iter().map(|l| l.trim_end()).collect();
            let found = !want_lines.is_empty()
                && lines
                    .windows(want_lines.len())
                    .any(|w| w == want_lines.as_slice());
            if found {
                Ok(())
            } else {
                Err(format!(
                    "{id} lines\n      expected: {want_lines:#?}\n      actual:   {lines:#?}"
                ))
            }
        }
        Check::Line(id, want) => {
            let text = quantity(report, id)?.text.clone().unwrap_or_default();
            let lines: Vec<String> = text.lines().map(squeeze).collect();
            if lines.contains(&squeeze(want)) {
                Ok(())
            } else {
                Err(format!(
                    "{id} line\n      expected: {:?}\n      actual:   {lines:#?}",
                    squeeze(want)
                ))
            }
        }
        Check::Observed(id, text, agrees) => {
            let q = quantity(report, id)?;
            let got = q.observed.as_ref().map(|o| (o.text.trim(), o.agrees));
            compare(&format!("{id} observed"), Some((text, agrees)), got)
        }
        Check::NotObserved(id) => {
            let q = quantity(report, id)?;
            compare(
                &format!("{id} observed"),
                None,
                q.observed.as_ref().map(|o| o.text.as_str()),
            )
        }
        Check::Missing(id, need) => {
            let q = quantity(report, id)?;
            let ok =
                q.value.is_none() && q.text.is_none() && q.missing.iter().any(|m| m.contains(need));
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "{id} missing\n      expected: no value, a need mentioning {need:?}\n      \
                     actual:   value {:?}, text {:?}, missing {:?}",
                    q.value, q.text, q.missing
                ))
            }
        }
        Check::Absent(id) => compare(
            &format!("{id} absent"),
            None,
            report.quantity(id).map(|q| (q.value, q.text.clone())),
        ),
        Check::Finding(code) => {
            if report.finding(code).is_some() {
                Ok(())
            } else {
                Err(format!(
                    "finding {code}\n      expected: present\n      actual:   {:?}",
                    codes(report)
                ))
            }
        }
        Check::NoFinding(code) => match report.finding(code) {
            None => Ok(()),
            Some(f) => Err(format!(
                "finding {code}\n      expected: absent\n      actual:   {:?}",
                f.summary
            )),
        },
        Check::FindingSays(code, text) => {
            let all: Vec<String> = report
                .findings
                .iter()
                .filter(|f| f.code == code)
                .map(|f| format!("{} | {}", f.summary, f.explanation))
                .collect();
            if all.iter().any(|f| f.contains(text)) {
                Ok(())
            } else {
                Err(format!(
                    "finding {code}\n      expected: one saying {text:?}\n      actual:   {all:#?}"
                ))
            }
        }
        Check::Assumption(key, value, source) => {
            let a = report
                .assumptions
                .iter()
                .find(|a| a.key.as_str() == key)
                .ok_or_else(|| format!("no assumption `{key}`"))?;
            let got_source = match a.source {
                memlens_core::report::AssumptionSource::Default => Origin::Default,
                memlens_core::report::AssumptionSource::Detected => Origin::Detected,
                memlens_core::report::AssumptionSource::Set => Origin::Set,
            };
            compare(
                &format!("assumption {key}"),
                (value, source),
                (a.value.as_str(), got_source),
            )
        }
        Check::Kinds(name, want) => {
            let index = names
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| format!("no source named {name}"))?;
            let got: Vec<Kind> = report
                .documents
                .iter()
                .filter(|d| d.source == index)
                .map(|d| d.kind)
                .collect();
            compare(&format!("kinds of {name}"), want.to_vec(), got)
        }
    }
}

fn codes(report: &Report) -> Vec<&'static str> {
    report.findings.iter().map(|f| f.code.as_str()).collect()
}

/// Explains `sources` with the assumptions `assume` set by hand.
pub fn run(sources: &[Source], assume: &[(&str, &str)]) -> Report {
    let mut settings = Settings::default();
    for (key, value) in assume {
        if let Err(e) = settings.assume.set(key, value) {
            panic!("{e}");
        }
    }
    explain(sources, &settings)
}

/// A report with the names of the sources it was explained from.
pub struct Explained {
    pub report: Report,
    pub names: Vec<String>,
}

impl Explained {
    pub fn new(sources: &[Source], assume: &[(&str, &str)]) -> Self {
        Explained {
            report: run(sources, assume),
            names: sources
                .iter()
                .map(|s| s.name.clone().unwrap_or_default())
                .collect(),
        }
    }

    pub fn check(&self, c: &Check) -> Result<(), String> {
        check(&self.report, &self.names, c)
    }
}

/// Assumptions set by hand: `(key, value)` pairs.
pub type Assume = &'static [(&'static str, &'static str)];

/// Reports explained once per input name and assumptions.
#[derive(Default)]
pub struct Cache {
    list: Vec<((&'static str, Assume), Explained)>,
}

impl Cache {
    /// The report for `name` with `assume`, explaining `sources()` the first time.
    pub fn get(
        &mut self,
        name: &'static str,
        assume: Assume,
        sources: impl FnOnce() -> Vec<Source>,
    ) -> &Explained {
        let key = (name, assume);
        let index = match self.list.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                self.list.push((key, Explained::new(&sources(), assume)));
                self.list.len() - 1
            }
        };
        &self.list[index].1
    }
}

/// Collects failures; panics at the end with every one of them.
#[derive(Default)]
pub struct Failures {
    list: Vec<String>,
    checked: usize,
}

impl Failures {
    pub fn record(&mut self, label: &str, result: Result<(), String>) {
        self.checked += 1;
        if let Err(e) = result {
            self.list.push(format!("{label}: {e}"));
        }
    }

    pub fn finish(self) {
        if !self.list.is_empty() {
            panic!(
                "{} of {} checks failed:\n\n{}",
                self.list.len(),
                self.checked,
                self.list.join("\n\n")
            );
        }
    }
}

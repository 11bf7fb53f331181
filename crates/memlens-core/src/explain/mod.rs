//! From pasted text to the [`Report`]: parse every document, decide the assumptions, compute
//! each tool's number with its derivation, compare with what the paste shows, build the bridges
//! and rank the findings.

pub mod assume;
mod bridge;
mod cgroups;
pub mod evidence;
mod findings;
mod node;
mod pods;
mod procps;

use crate::account::term::{Derived, Num};
use crate::input::{self, At, Document, Override, Source};
use crate::parse::{self, Parsed};
use crate::report::{
    Agreement, AssumptionKey, Derivation, DocumentReport, Observed, Quantity, Report, Term,
};
pub use assume::{AssumeError, Assumptions, SetValues};
use evidence::Evidence;

/// What the person chose: corrections of document kinds and assumption values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub overrides: Vec<Override>,
    pub assume: SetValues,
}

/// Reads every source and explains it.
pub fn explain(sources: &[Source], settings: &Settings) -> Report {
    let docs = input::read(sources, &settings.overrides);
    let parsed: Vec<Parsed> = docs.iter().map(parse::parse).collect();
    explain_parsed(&docs, &parsed, settings)
}

/// The report for documents already parsed (the page parses once and re-explains when an
/// assumption changes).
pub fn explain_parsed(docs: &[Document], parsed: &[Parsed], settings: &Settings) -> Report {
    let ev = Evidence::gather(docs, parsed);
    let assumptions = assume::resolve(&ev, &settings.assume);
    let mut out = Out::default();
    // The pasted cgroups first: the node's allocatableMemory.available reads the kubepods
    // cgroup's working set.
    cgroups::compute(&ev, &assumptions, &mut out);
    node::compute(&ev, &assumptions, &mut out);
    pods::compute(&ev, &assumptions, &mut out);
    procps::compute(&ev, &assumptions, &mut out);

    let mut f = findings::Findings::default();
    findings::node(&ev, &out, &mut f);
    findings::procps(&ev, &out, &mut f);
    findings::pods(&ev, &mut f);
    findings::documents(docs, parsed, &mut f);
    let findings = f.ranked();
    let (bridges, composition) = bridge::compute(&ev, &assumptions, &out);
    let verdict = verdict(&findings);

    Report {
        documents: docs
            .iter()
            .zip(parsed)
            .map(|(d, p)| document_report(d, p))
            .collect(),
        assumptions: assumptions.report(),
        quantities: out.quantities,
        bridges,
        findings,
        composition,
        verdict,
    }
}

/// One or two plain sentences from the top findings.
fn verdict(findings: &[crate::report::Finding]) -> String {
    use crate::report::FindingSeverity;
    let top: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity != FindingSeverity::Info)
        .take(2)
        .map(|f| f.summary.as_str())
        .collect();
    match top.as_slice() {
        [] => "Nothing to compare yet: paste the output of at least one tool, or its raw inputs \
               (/proc/meminfo, the root cgroup's memory.stat)."
            .to_string(),
        [one] => format!("{one}."),
        [one, two] => {
            let mut chars = two.chars();
            let first: String = chars
                .next()
                .map(|c| c.to_lowercase().collect())
                .unwrap_or_default();
            format!("{one}; and {first}{}.", chars.as_str())
        }
        _ => String::new(),
    }
}

fn document_report(doc: &Document, parsed: &Parsed) -> DocumentReport {
    let preview = if doc.kind == input::Kind::Unknown {
        doc.lines.iter().take(5).map(|l| l.text.clone()).collect()
    } else {
        Vec::new()
    };
    DocumentReport {
        id: doc.id,
        kind: doc.kind,
        name: doc.name.clone(),
        command: doc.command.clone(),
        source: doc.source,
        first_line: doc.first_line(),
        last_line: doc.last_line(),
        line_count: doc.lines.len(),
        reasons: doc.reasons.clone(),
        kind_set: doc.kind_set,
        diagnostics: parsed.diagnostics.clone(),
        preview,
    }
}

/// The quantities computed so far.
#[derive(Debug, Default)]
pub(crate) struct Out {
    pub quantities: Vec<Quantity>,
}

impl Out {
    pub fn push(&mut self, q: Quantity) {
        match self.quantities.iter_mut().find(|e| e.id == q.id) {
            Some(existing) => *existing = q,
            None => self.quantities.push(q),
        }
    }

    pub fn get(&self, id: &str) -> Option<&Quantity> {
        self.quantities.iter().find(|q| q.id == id)
    }

    /// The best value known for a quantity: recomputed, or else the tool's own pasted number.
    pub fn known(&self, id: &str) -> Option<u64> {
        let q = self.get(id)?;
        q.value
            .or_else(|| q.observed.as_ref().and_then(|o| o.value))
    }

    /// Where the best known value of a quantity comes from, for a derivation's term.
    pub fn known_at(&self, id: &str) -> Option<At> {
        let q = self.get(id)?;
        match (&q.value, &q.observed) {
            (None, Some(o)) => Some(o.at),
            _ => None,
        }
    }
}

/// A quantity that could be computed.
pub(crate) fn computed(
    id: &str,
    label: &str,
    value: Option<u64>,
    text: Option<String>,
    derivation: Derivation,
) -> Quantity {
    Quantity {
        id: id.to_string(),
        label: label.to_string(),
        value,
        text,
        missing: Vec::new(),
        derivation: Some(derivation),
        observed: None,
    }
}

/// A quantity that could not be computed, and what it needs.
pub(crate) fn missing(id: &str, label: &str, needs: Vec<String>) -> Quantity {
    Quantity {
        id: id.to_string(),
        label: label.to_string(),
        missing: needs,
        ..Default::default()
    }
}

/// Turns an accounting result into a derivation, looking up where each term came from.
pub(crate) fn derivation<T>(
    d: &Derived<T>,
    source: &str,
    assumptions: &[AssumptionKey],
    provenance: &dyn Fn(&str) -> TermOrigin,
) -> Derivation {
    Derivation {
        formula: d.formula.to_string(),
        terms: d
            .terms
            .iter()
            .map(|t| {
                let origin = provenance(t.name);
                let (value, text) = match t.value {
                    Num::U(v) => (Some(v), None),
                    Num::I(v) => match u64::try_from(v) {
                        Ok(u) => (Some(u), None),
                        Err(_) => (None, Some(v.to_string())),
                    },
                    Num::F(v) => (None, Some(format!("{v}"))),
                };
                Term {
                    name: t.name.to_string(),
                    value,
                    text,
                    unit: origin.unit.to_string(),
                    quantity: origin.quantity,
                    at: origin.at,
                }
            })
            .collect(),
        source: source.to_string(),
        assumptions: assumptions.to_vec(),
    }
}

/// Where a term of a formula comes from.
#[derive(Clone, Debug, Default)]
pub(crate) struct TermOrigin {
    pub unit: &'static str,
    pub at: Option<At>,
    pub quantity: Option<String>,
}

impl TermOrigin {
    pub fn line(unit: &'static str, at: Option<At>) -> Self {
        TermOrigin {
            unit,
            at,
            quantity: None,
        }
    }

    pub fn quantity(unit: &'static str, id: &str, at: Option<At>) -> Self {
        TermOrigin {
            unit,
            at,
            quantity: Some(id.to_string()),
        }
    }
}

/// Compares a recomputed number with the tool's own, pasted.
pub(crate) fn observe(
    computed_value: Option<u64>,
    computed_text: Option<&str>,
    pasted_value: Option<u64>,
    pasted_text: &str,
    at: At,
) -> Observed {
    let agrees = match (computed_text, computed_value, pasted_value) {
        (Some(c), _, _) => {
            if c.trim() == pasted_text.trim() {
                Agreement::Agrees
            } else {
                Agreement::Differs
            }
        }
        (None, Some(c), Some(p)) => {
            if c == p {
                Agreement::Agrees
            } else {
                Agreement::Differs
            }
        }
        _ => Agreement::OnlyObserved,
    };
    let difference = match (computed_value, pasted_value, agrees) {
        (Some(c), Some(p), a) if a != Agreement::OnlyObserved => {
            Some(i128::from(c) - i128::from(p))
        }
        _ => None,
    };
    Observed {
        value: pasted_value,
        text: pasted_text.to_string(),
        at,
        agrees,
        difference,
        note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assumption(
        report: &Report,
        key: AssumptionKey,
    ) -> (String, crate::report::AssumptionSource) {
        let a = report
            .assumptions
            .iter()
            .find(|a| a.key == key)
            .expect("every key is listed");
        (a.value.clone(), a.source)
    }

    #[test]
    fn a_version_line_alone_sets_the_procps_generation() {
        use crate::report::AssumptionSource::{Default, Detected};
        let cases = [
            ("free from procps-ng 4.0.2\n", "v4", Detected),
            ("free from procps-ng 3.3.17\n", "v3", Detected),
            ("free from procps-ng 3.3.9\n", "v3_9", Detected),
            ("hello\n", "all", Default),
        ];
        for (text, value, source) in cases {
            let report = explain(&[Source::paste(text)], &Settings::default());
            assert_eq!(
                assumption(&report, AssumptionKey::Procps),
                (value.to_string(), source),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_root_usage_rule_finding_names_the_rule_the_paste_fits() {
        // MemTotal − MemFree = 6000 MiB; anon + file = 5000 MiB; inactive_file 3000 MiB.
        let raw = "==> /proc/meminfo <==\nMemTotal: 8388608 kB\nMemFree: 2244608 kB\n\
                   ==> /sys/fs/cgroup/memory.stat <==\nanon 1073741824\nfile 4169138176\n\
                   inactive_file 3145728000\n";
        let cases = [
            ("", None),
            (
                "\n$ kubectl get --raw /api/v1/nodes/n/proxy/stats/summary | jq .node.memory\n{\"workingSetBytes\": 2097152000}\n",
                Some("anon + file"),
            ),
            (
                "\n$ kubectl get --raw /api/v1/nodes/n/proxy/stats/summary | jq .node.memory\n{\"workingSetBytes\": 3145728000}\n",
                Some("MemTotal − MemFree"),
            ),
        ];
        for (summary, fits) in cases {
            let report = explain(
                &[Source::paste(format!("{raw}{summary}"))],
                &Settings::default(),
            );
            let f = report
                .finding(crate::report::FindingCode::RootUsageRule)
                .unwrap_or_else(|| panic!("no root_usage_rule finding for {summary:?}"));
            assert!(
                f.summary.contains("2000.0 MiB") && f.summary.contains("3000.0 MiB"),
                "{}",
                f.summary
            );
            match fits {
                Some(rule) => assert!(
                    f.explanation.contains(&format!("matches {rule}")),
                    "{}",
                    f.explanation
                ),
                None => assert!(!f.explanation.contains("matches"), "{}", f.explanation),
            }
        }
    }

    #[test]
    fn set_values_win_and_bad_ones_are_refused() {
        let mut settings = Settings::default();
        settings.assume.set("procps", "3.3.17").unwrap();
        let report = explain(&[Source::paste("free from procps-ng 4.0.2\n")], &settings);
        assert_eq!(
            assumption(&report, AssumptionKey::Procps),
            ("v3".to_string(), crate::report::AssumptionSource::Set)
        );
        for (key, value) in [("procps", "banana"), ("nope", "1"), ("cgroup", "v3")] {
            assert!(settings.assume.set(key, value).is_err(), "{key}={value}");
        }
    }
}

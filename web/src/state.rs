//! The page's state: what was pasted and what the core found in it.
//!
//! Plain serde data and an [`Action`] enum, kept apart from the components so that it can be
//! tested natively. Every change goes through [`State::apply`].

use std::rc::Rc;

use memlens_core::explain::{Settings, explain};
use memlens_core::input::Source;
use memlens_core::report::{DocumentReport, Report};
use serde::{Deserialize, Serialize};
use yew::Reducible;

/// Everything the page shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The text in the paste area, exactly as typed or pasted.
    pub paste: String,
    /// The documents the core found in the paste, in the order they appear.
    pub documents: Vec<DocumentSummary>,
    /// The core's report on the paste. Not saved: [`State::apply`] works it out from the paste.
    #[serde(skip)]
    pub report: Rc<Report>,
}

/// One document found in the paste, as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSummary {
    /// `d1`, `d2`, … in the order of the paste.
    pub id: String,
    /// The kind's stable name (`meminfo`).
    pub kind: String,
    /// The kind as people call it (`/proc/meminfo`).
    pub kind_label: String,
    /// The path or command that names the document, when the paste shows one.
    pub name: Option<String>,
    /// The first and last line of the document in the paste, 1-based.
    pub first_line: u32,
    pub last_line: u32,
    /// How many lines the document has once noise is dropped.
    pub line_count: usize,
    /// Why the document got its kind.
    pub reasons: Vec<String>,
}

impl From<&DocumentReport> for DocumentSummary {
    fn from(doc: &DocumentReport) -> Self {
        DocumentSummary {
            id: doc.id.to_string(),
            kind: doc.kind.as_str().to_string(),
            kind_label: doc.kind.label().to_string(),
            name: doc.name.clone(),
            first_line: doc.first_line,
            last_line: doc.last_line,
            line_count: doc.line_count,
            reasons: doc.reasons.clone(),
        }
    }
}

/// What a person can do to the state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The paste area now holds this text.
    SetPaste(String),
    /// Empty the paste area.
    Clear,
}

impl State {
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::SetPaste(text) => self.paste = text,
            Action::Clear => self.paste.clear(),
        }
        let report = explain(&[Source::paste(self.paste.as_str())], &Settings::default());
        self.documents = report.documents.iter().map(DocumentSummary::from).collect();
        self.report = Rc::new(report);
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pasted(text: &str) -> State {
        let mut state = State::default();
        state.apply(Action::SetPaste(text.to_string()));
        state
    }

    #[test]
    fn a_paste_lists_its_documents_with_kinds_and_lines() {
        let state = pasted(concat!(
            "$ cat /proc/meminfo\n",
            "MemTotal:       16303428 kB\n",
            "MemFree:         1234567 kB\n",
            "MemAvailable:    9876543 kB\n",
            "$ free -m\n",
            "               total        used        free      shared  buff/cache   available\n",
            "Mem:           15921        5432        1205         321        9283        9645\n",
            "Swap:              0           0           0\n",
        ));
        let rows: Vec<_> = state
            .documents
            .iter()
            .map(|d| {
                (
                    d.id.as_str(),
                    d.kind.as_str(),
                    d.name.as_deref(),
                    d.first_line,
                    d.line_count,
                )
            })
            .collect();
        let expected = [
            ("d1", "meminfo", Some("/proc/meminfo"), 2, 3),
            ("d2", "free", Some("free -m"), 6, 3),
        ];
        assert_eq!(rows, expected, "\nexpected {expected:?}\n  actual {rows:?}");
        assert!(
            state.documents.iter().all(|d| !d.reasons.is_empty()),
            "{:?}",
            state.documents
        );
    }

    #[test]
    fn clearing_forgets_the_documents() {
        let mut state = pasted("MemTotal: 1 kB\nMemFree: 1 kB\n");
        assert_eq!(state.documents.len(), 1);
        state.apply(Action::Clear);
        assert_eq!(state, pasted(""));
        assert!(state.documents.is_empty() && state.report.bridges.is_empty());
    }

    #[test]
    fn the_state_round_trips_through_json_but_for_the_report() {
        let state = pasted("MemTotal: 1 kB\n");
        let json = serde_json::to_string(&state).unwrap_or_default();
        let back: Result<State, _> = serde_json::from_str(&json);
        let expected = State {
            report: Rc::default(),
            ..state
        };
        assert_eq!(back.ok(), Some(expected));
    }

    #[test]
    fn a_paste_is_explained_into_bridges_and_a_composition() {
        let state = pasted(include_str!(
            "../../tests/fixtures/charts/meminfo-memory-stat.txt"
        ));
        let bridges: Vec<&str> = state.report.bridges.iter().map(|b| b.id.as_str()).collect();
        let expected = [
            "memtotal_to_procps_v4",
            "memtotal_to_procps_v3",
            "procps_v4_to_working_set",
            "procps_v3_to_working_set",
        ];
        assert_eq!(bridges, expected);
        let total = state.report.composition.as_ref().map(|c| c.total);
        assert_eq!(total, Some(16_393_244 * 1024));
    }
}

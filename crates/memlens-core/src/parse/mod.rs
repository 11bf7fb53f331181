//! Parsers: one module per document kind, each turning a [`Document`]'s lines into typed facts
//! that remember their line ([`crate::input::Val`]).
//!
//! Every parser has the same shape, `fn parse(doc: &Document, diags: &mut Diagnostics) -> T`:
//! it reads what it can, and each line it cannot read becomes a diagnostic naming the line and
//! what was expected there. Parsers never panic and are linear in the input.

pub mod number;

use serde::Serialize;

use crate::input::{Diagnostic, Diagnostics, DocId, Document, Kind};

/// The facts read from one document.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "facts", rename_all = "snake_case")]
pub enum Facts {
    /// A document whose kind has no parser (or is not recognised).
    Unknown,
}

/// One parsed document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parsed {
    pub doc: DocId,
    pub facts: Facts,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one document according to its kind.
pub fn parse(doc: &Document) -> Parsed {
    let diags = Diagnostics::new(doc.id);
    #[allow(clippy::match_single_binding)]
    let facts = match doc.kind {
        Kind::Unknown => Facts::Unknown,
        _ => Facts::Unknown,
    };
    Parsed { doc: doc.id, facts, diagnostics: diags.list }
}

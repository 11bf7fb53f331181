//! memlens-core: turns pasted memory reports into every tool's number, exactly.
//!
//! The core is pure: it reads `&str` and returns values. It never opens a file, reads a clock
//! or panics on any input. The data flow is
//!
//! ```text
//! raw text ─split─▶ documents ─detect─▶ typed documents ─parse─▶ facts (with line provenance)
//! ```
//!
//! and, in later stages, accounting, reconciliation and the report.

pub mod account;
pub mod explain;
pub mod input;
pub mod learn;
pub mod parse;
pub mod quantity;
pub mod render;
pub mod report;

pub use input::{At, DocId, Document, Kind, Line, Source};

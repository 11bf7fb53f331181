//! Learn mode: the same engine, used to teach.
//!
//! - [`model`]: a node described by a few numbers, and every document those numbers imply
//!   (`/proc/meminfo`, cgroup files, the node object, the kubelet's and metrics-server's
//!   output, `kubectl top`, `free`, `top`), the tools' outputs computed by the core's own
//!   accounting so that they agree to the byte.
//! - [`scenarios`](mod@scenarios): guided cases built on the model, each a short story in steps whose numbers
//!   are named by quantity id, never written down.
//! - [`narrative`]: fills a story's placeholders from a [`crate::report::Report`].
//! - [`pipeline`]: the chains from the cgroup files to `kubectl top`, and from `/proc/meminfo`
//!   to `free`, `top` and htop, as stages with their values for a report.
//! - [`glossary`]: what every `/proc/meminfo` and `memory.stat` field counts, and which tools
//!   count it as used.

pub mod glossary;
pub mod model;
pub mod narrative;
pub mod pipeline;
pub mod scenarios;

pub use glossary::{Entry, entry};
pub use model::NodeModel;
pub use narrative::{Segment, render, render_text};
pub use pipeline::{Chain, Stage, StageValue, stages};
pub use scenarios::{Scenario, Step, scenario, scenarios};

//! The page's charts, drawn with plotters on a `<canvas>`.
//!
//! - [`BridgeChart`] shows a [`Bridge`](memlens_core::report::Bridge) as a waterfall: from one
//!   tool's number to another's, step by step.
//! - [`CompositionChart`] shows the [`Composition`](memlens_core::report::Composition) of
//!   `MemTotal` as one stacked bar, with a marker where each tool's "used" ends.
//!
//! Each chart lays itself out into a [`scene::Scene`] of plain shapes (pure code, tested
//! natively), which [`paint`] draws with plotters. The shared [`frame::use_chart`] sizes the
//! canvas to its container and to the screen's pixel ratio, redraws when the width or the colour
//! scheme changes, lets the pointer and the arrow keys select an item (a caption reads it out),
//! saves the chart as a PNG through a `data:` URL, and puts the same numbers in a table for screen
//! readers. Colours are the Okabe–Ito set, which stays readable with colour blindness; the
//! stylesheet's part is the "Charts" section of `static/style.css`.

mod bridge;
mod composition;
mod format;
mod frame;
mod paint;
mod scene;
mod theme;

pub use bridge::BridgeChart;
pub use composition::CompositionChart;

//! The parts of the page, each in its own file and named for what it shows.

pub mod documents;
pub mod header;
pub mod paste;

pub use documents::DocumentList;
pub use header::SiteHeader;
pub use paste::PasteArea;

//! The memlens web page.
//!
//! A Yew application rendered in the browser. People paste the output of their memory tools;
//! the core (`memlens-core`) splits the paste into documents and recognises each one, and the
//! page lists what it found. The state lives in [`state`], the parts of the page in
//! [`components`], the charts in [`charts`]. Once running, the page forbids itself any network
//! access ([`lockdown`]).

mod app;
mod charts;
mod components;
mod lockdown;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
    lockdown::forbid_network();
}

//! Once the application runs, the page needs nothing more from any server.
//!
//! The Content-Security-Policy in `index.html` has to let the page load its own script,
//! WebAssembly and stylesheet. When the application has started, [`forbid_network`] adds a
//! second policy that allows no connection at all: no fetch, no script, no stylesheet, no frame,
//! no form, and images only from `data:` URLs (the page's icon is one, and a browser may load it
//! late). Browsers enforce every policy a page carries, so this one narrows the first and cannot
//! be loosened by anything the page does later.

/// The policy added once the application runs.
pub const RUNNING_POLICY: &str =
    "default-src 'none'; img-src data:; base-uri 'none'; form-action 'none'";

/// Adds [`RUNNING_POLICY`] to the document's head. Logs to the console if it cannot.
pub fn forbid_network() {
    if let Err(err) = add_policy(RUNNING_POLICY) {
        gloo::console::error!("memlens could not add its Content-Security-Policy:", err);
    }
}

fn add_policy(policy: &str) -> Result<(), wasm_bindgen::JsValue> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or("no document")?;
    let head = document.head().ok_or("the document has no head")?;

    let meta = document.create_element("meta")?;
    meta.set_attribute("http-equiv", "Content-Security-Policy")?;
    meta.set_attribute("content", policy)?;
    meta.set_attribute("data-memlens", "running")?;
    head.append_child(&meta)?;
    Ok(())
}

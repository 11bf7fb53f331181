use yew::prelude::*;

use crate::components::{DocumentList, PasteArea, SiteHeader};
use crate::state::{Action, State};

/// The whole page: the header, the paste area and what was found in it.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::default);

    let on_change = {
        let state = state.dispatcher();
        Callback::from(move |text: String| state.dispatch(Action::SetPaste(text)))
    };
    let on_clear = {
        let state = state.dispatcher();
        Callback::from(move |()| state.dispatch(Action::Clear))
    };

    html! {
        <div class="app" id="memlens" data-testid="app">
            <SiteHeader />
            <main class="workspace">
                <PasteArea text={AttrValue::from(state.paste.clone())} {on_change} {on_clear} />
                <DocumentList documents={state.documents.clone()} />
            </main>
            <footer class="site-footer">
                { "memlens " }{ env!("CARGO_PKG_VERSION") }
                { " runs entirely in this page: nothing you paste is sent anywhere." }
            </footer>
        </div>
    }
}

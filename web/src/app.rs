use yew::prelude::*;

use memlens_core::report::Report;

use crate::charts::{BridgeChart, CompositionChart};
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
                { report_charts(&state.report) }
            </main>
            <footer class="site-footer">
                { "memlens " }{ env!("CARGO_PKG_VERSION") }
                { " runs entirely in this page: nothing you paste is sent anywhere." }
            </footer>
        </div>
    }
}

/// The report's composition and bridges as charts, each under its heading.
// TODO: a first, plain placement of the charts; the page's layout of the report replaces it.
fn report_charts(report: &Report) -> Html {
    if report.composition.is_none() && report.bridges.is_empty() {
        return html! {};
    }
    html! {
        <section class="report-charts" aria-labelledby="charts-heading">
            <h2 id="charts-heading">{ "Charts" }</h2>
            if let Some(composition) = &report.composition {
                <h3>{ "What MemTotal holds" }</h3>
                <CompositionChart composition={composition.clone()} />
            }
            { for report.bridges.iter().map(|bridge| html! {
                <>
                    <h3>{ &bridge.title }</h3>
                    <BridgeChart bridge={bridge.clone()} />
                </>
            }) }
        </section>
    }
}

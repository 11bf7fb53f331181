use yew::prelude::*;

/// The name of the site and what it is for, in one line.
#[function_component(SiteHeader)]
pub fn site_header() -> Html {
    html! {
        <header class="site-header">
            <h1 class="site-name">{ "memlens" }</h1>
            <p class="purpose">
                { "Why " }<code>{ "kubectl top node" }</code>{ " and " }<code>{ "free" }</code>
                { " disagree: paste what the tools printed and see what each of them read." }
            </p>
        </header>
    }
}

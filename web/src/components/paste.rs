use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// What a paste looks like: each output after the prompt line that printed it.
const PLACEHOLDER: &str = "$ cat /proc/meminfo\nMemTotal:       16303428 kB\n…\n$ free -m\n…";

#[derive(Properties, PartialEq)]
pub struct PasteAreaProps {
    /// The text in the area.
    pub text: AttrValue,
    /// Called with the whole new text on every change.
    pub on_change: Callback<String>,
    pub on_clear: Callback<()>,
}

/// Where people paste or type the output of their tools.
#[function_component(PasteArea)]
pub fn paste_area(props: &PasteAreaProps) -> Html {
    let oninput = {
        let on_change = props.on_change.clone();
        Callback::from(move |event: InputEvent| {
            let area: HtmlTextAreaElement = event.target_unchecked_into();
            on_change.emit(area.value());
        })
    };
    let onclick = {
        let on_clear = props.on_clear.clone();
        Callback::from(move |_: MouseEvent| on_clear.emit(()))
    };

    html! {
        <section class="paste" aria-labelledby="paste-heading">
            <h2 id="paste-heading">
                <label for="paste-text">{ "Paste" }</label>
            </h2>
            <p class="hint">
                { "One or more outputs, as the terminal showed them: " }
                <code>{ "/proc/meminfo" }</code>{ ", " }<code>{ "memory.stat" }</code>{ ", " }
                <code>{ "free" }</code>{ ", " }<code>{ "top" }</code>{ ", " }
                <code>{ "kubectl top" }</code>
                { ", kubelet and metrics-server output. Prompt lines and " }
                <code>{ "==> file <==" }</code>{ " headers tell them apart." }
            </p>
            <textarea
                id="paste-text"
                data-testid="paste"
                spellcheck="false"
                autocomplete="off"
                placeholder={PLACEHOLDER}
                value={props.text.clone()}
                {oninput}
            />
            <div class="actions">
                <button type="button" {onclick} disabled={props.text.is_empty()}>
                    { "Clear" }
                </button>
            </div>
        </section>
    }
}

//! What every chart shares: the canvas sized to its container and to the screen's pixel ratio,
//! redrawn when the width, the colour scheme or the selection changes; the pointer and the
//! keyboard selecting an item, and a caption that reads it out; the PNG download; and a table of
//! the same numbers for screen readers.

use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement, ResizeObserver};
use yew::prelude::*;

use super::paint::{self, Extras};
use super::scene::{Font, Measure, Scene};
use super::theme::Theme;

/// A chart the frame can show. Charts are used as `Rc<dyn Plot>`, so that the frame's code is
/// in the wasm once, not once per kind of chart.
pub trait Plot {
    /// `bridge` or `composition`: names the test ids (`bridge-chart`, `download-bridge-png`).
    fn kind(&self) -> &'static str;
    /// Tells charts of one kind apart (a bridge's id); part of the PNG's file name.
    fn key(&self) -> String;
    /// The title drawn on the PNG and over the table.
    fn title(&self) -> String;
    /// The canvas's accessible name: the whole chart in a sentence or two.
    fn summary(&self) -> String;
    /// The caption while nothing is selected.
    fn hint(&self) -> String;
    /// How many items the pointer and the arrow keys step through.
    fn items(&self) -> usize;
    /// The caption for one item: its name, its value and its exact bytes.
    fn describe(&self, item: usize) -> String;
    /// The chart laid out for a width in CSS pixels.
    fn layout(&self, width: f64, measure: &dyn Measure) -> Scene;
    /// The numbers of the chart as a table.
    fn table(&self) -> Html;
}

/// A plot that compares equal only to itself: the chart components keep one per value of their
/// props (`use_memo`), so a new one means new data.
#[derive(Clone)]
struct Same(Rc<dyn Plot>);

impl PartialEq for Same {
    fn eq(&self, other: &Same) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The smallest width a downloaded PNG is laid out for, so that one taken on a phone still
/// reads on a larger screen.
const MIN_EXPORT_WIDTH: f64 = 640.0;
/// The pixel ratio of a downloaded PNG.
const EXPORT_RATIO: f64 = 2.0;

/// The chart's figure: canvas, caption, download button and table.
#[hook]
pub fn use_chart(plot: Rc<dyn Plot>) -> Html {
    let figure = use_node_ref();
    let canvas = use_node_ref();
    let width = use_state_eq(|| 0_i32);
    let dark = use_state_eq(prefers_dark);
    let selected = use_state_eq(|| None::<usize>);
    // The scene last drawn, for finding what the pointer is on.
    let scene = use_mut_ref(Scene::default);

    {
        let figure = figure.clone();
        let width = width.setter();
        use_effect_with((), move |_| {
            let watch = WidthWatch::start(&figure, move |w| width.set(w));
            move || drop(watch)
        });
    }
    {
        let dark = dark.setter();
        use_effect_with((), move |_| {
            let listener = watch_colour_scheme(move |is_dark| dark.set(is_dark));
            move || drop(listener)
        });
    }
    {
        let canvas = canvas.clone();
        let scene = scene.clone();
        let deps = (Same(plot.clone()), *width, *dark, *selected);
        use_effect_with(deps, move |(plot, width, dark, selected)| {
            if let Some(element) = canvas.cast::<HtmlCanvasElement>()
                && *width > 0
            {
                let page = PageStyle::of(&element, *dark);
                let ratio = device_pixel_ratio();
                let drawn = render(
                    &element,
                    plot.0.as_ref(),
                    f64::from(*width),
                    ratio,
                    &page,
                    *selected,
                    None,
                );
                match drawn {
                    Ok(drawn) => *scene.borrow_mut() = drawn,
                    Err(err) => gloo::console::error!("memlens could not draw a chart:", err),
                }
            }
        });
    }

    let point = {
        let scene = scene.clone();
        let selected = selected.setter();
        move |event: &MouseEvent| {
            let item = scene
                .borrow()
                .hit(f64::from(event.offset_x()), f64::from(event.offset_y()));
            selected.set(item);
        }
    };
    let onpointermove = {
        let point = point.clone();
        Callback::from(move |event: PointerEvent| point(&event))
    };
    let onpointerdown = Callback::from(move |event: PointerEvent| point(&event));
    let onpointerleave = {
        let selected = selected.setter();
        Callback::from(move |_: PointerEvent| selected.set(None))
    };
    let onblur = {
        let selected = selected.setter();
        Callback::from(move |_: FocusEvent| selected.set(None))
    };
    let onkeydown = {
        let selected = selected.clone();
        let count = plot.items();
        Callback::from(move |event: KeyboardEvent| {
            if let Some(next) = step(*selected, count, &event.key()) {
                event.prevent_default();
                selected.set(next);
            }
        })
    };
    let ondownload = {
        let canvas = canvas.clone();
        let plot = plot.clone();
        let width = *width;
        let dark = *dark;
        Callback::from(move |_: MouseEvent| {
            let Some(element) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let width = f64::from(width).max(MIN_EXPORT_WIDTH);
            if let Err(err) = download(plot.as_ref(), &element, width, dark) {
                gloo::console::error!("memlens could not make the PNG:", err);
            }
        })
    };

    let kind = plot.kind();
    let caption = match *selected {
        Some(item) => plot.describe(item),
        None => plot.hint(),
    };
    // The caption comes last, as a figure's caption must be first or last; the stylesheet puts
    // it next to the button.
    html! {
        <figure class="chart" ref={figure} data-testid={format!("{kind}-chart")}
                data-chart={plot.key()}>
            <canvas
                ref={canvas}
                class="chart-canvas"
                role="img"
                tabindex="0"
                aria-label={plot.summary()}
                {onpointermove}
                {onpointerdown}
                {onpointerleave}
                {onkeydown}
                {onblur}
            />
            <div class="chart-actions">
                <button type="button" class="chart-download" onclick={ondownload}
                        data-testid={format!("download-{kind}-png")}
                        title="Save this chart as a PNG image">
                    { "Download PNG" }
                </button>
            </div>
            <div class="chart-sr-only">{ plot.table() }</div>
            <figcaption class="chart-caption" aria-live="polite"
                        data-testid={format!("{kind}-caption")}>
                { caption }
            </figcaption>
        </figure>
    }
}

/// The selection after a key press, or `None` when the key is not one the chart uses: the
/// arrows step, Home and End jump to the ends, Escape clears.
fn step(current: Option<usize>, count: usize, key: &str) -> Option<Option<usize>> {
    let last = count.checked_sub(1)?;
    let next = match key {
        "ArrowRight" | "ArrowDown" => current.map_or(0, |i| (i + 1).min(last)),
        "ArrowLeft" | "ArrowUp" => current.map_or(last, |i| i.saturating_sub(1).min(last)),
        "Home" => 0,
        "End" => last,
        "Escape" => return Some(None),
        _ => return None,
    };
    Some(Some(next))
}

/// The page's colours and font, read from the stylesheet where the canvas sits.
struct PageStyle {
    theme: Theme,
    family: String,
}

impl PageStyle {
    fn of(element: &HtmlCanvasElement, dark: bool) -> PageStyle {
        let style = web_sys::window().and_then(|w| w.get_computed_style(element).ok().flatten());
        let read = |name: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(name).ok())
                .filter(|v| !v.trim().is_empty())
        };
        PageStyle {
            theme: Theme::from_page(dark, read),
            family: read("font-family").unwrap_or_else(|| "sans-serif".to_string()),
        }
    }
}

/// Text measured by the canvas itself, in the font plotters-canvas draws with.
struct CanvasMeasure<'a> {
    context: &'a CanvasRenderingContext2d,
    family: &'a str,
}

impl Measure for CanvasMeasure<'_> {
    fn width(&self, text: &str, font: Font) -> f64 {
        let weight = if font.bold { "bold" } else { "normal" };
        self.context
            .set_font(&format!("{weight} {}px {}", font.size, self.family));
        self.context
            .measure_text(text)
            .map(|metrics| metrics.width())
            .unwrap_or(text.chars().count() as f64 * font.size * 0.6)
    }
}

fn context_2d(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, String> {
    canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or_else(|| "the canvas has no 2d context".to_string())
}

/// Lays `plot` out for `width` CSS pixels and draws it on `canvas` at `ratio` device pixels per
/// CSS pixel. Returns the scene drawn (without the title's offset).
fn render(
    canvas: &HtmlCanvasElement,
    plot: &dyn Plot,
    width: f64,
    ratio: f64,
    page: &PageStyle,
    selected: Option<usize>,
    title: Option<&str>,
) -> Result<Scene, String> {
    let context = context_2d(canvas)?;
    let scene = plot.layout(
        width,
        &CanvasMeasure {
            context: &context,
            family: &page.family,
        },
    );
    let height = scene.height + paint::title_height(title);

    // Resizing the backing store clears it and resets the context, transform included.
    canvas.set_width((width * ratio).round() as u32);
    canvas.set_height((height * ratio).round() as u32);
    canvas
        .style()
        .set_property("height", &format!("{height}px"))
        .map_err(js_error)?;
    context
        .set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0)
        .map_err(js_error)?;

    let extras = Extras {
        selected,
        title,
        family: &page.family,
    };
    paint::paint(canvas, &scene, &page.theme, &extras)?;
    Ok(scene)
}

/// Draws the chart again on a canvas of its own, with its title and without the selection, and
/// saves it through a link to a `data:` URL: nothing goes over the network.
fn download(
    plot: &dyn Plot,
    on_screen: &HtmlCanvasElement,
    width: f64,
    dark: bool,
) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(js_error)?
        .dyn_into()
        .map_err(|_| "not a canvas".to_string())?;
    // The detached canvas has no style of its own: take the page's from the one on screen.
    let page = PageStyle::of(on_screen, dark);
    let title = plot.title();
    render(
        &canvas,
        plot,
        width,
        EXPORT_RATIO,
        &page,
        None,
        Some(&title),
    )?;
    let url = canvas.to_data_url().map_err(js_error)?;

    let link: HtmlElement = document
        .create_element("a")
        .map_err(js_error)?
        .dyn_into()
        .map_err(|_| "not a link".to_string())?;
    link.set_attribute("href", &url).map_err(js_error)?;
    link.set_attribute(
        "download",
        &format!("memlens-{}-{}.png", plot.kind(), plot.key()),
    )
    .map_err(js_error)?;
    link.click();
    Ok(())
}

fn js_error(err: JsValue) -> String {
    format!("{err:?}")
}

// TODO: a change of pixel ratio alone (the window moved to another screen) redraws only at the
// next change of width, scheme or selection; a `resolution` media query would catch it.
fn device_pixel_ratio() -> f64 {
    web_sys::window()
        .map(|w| w.device_pixel_ratio())
        .filter(|r| r.is_finite() && *r > 0.0)
        .unwrap_or(1.0)
        .clamp(1.0, 4.0)
}

const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(DARK_QUERY).ok().flatten())
        .is_some_and(|query| query.matches())
}

/// Calls `on_change` with whether the page is dark each time the colour scheme changes, for as
/// long as the listener lives.
fn watch_colour_scheme(on_change: impl Fn(bool) + 'static) -> Option<EventListener> {
    let query = web_sys::window().and_then(|w| w.match_media(DARK_QUERY).ok().flatten())?;
    let target = query.clone();
    Some(EventListener::new(&target, "change", move |_| {
        on_change(query.matches())
    }))
}

/// Calls back with an element's width in CSS pixels whenever it changes, for as long as it
/// lives.
struct WidthWatch {
    observer: ResizeObserver,
    _callback: Closure<dyn FnMut()>,
}

impl WidthWatch {
    fn start(node: &NodeRef, on_width: impl Fn(i32) + 'static) -> Option<WidthWatch> {
        let element = node.cast::<web_sys::Element>()?;
        let watched = element.clone();
        // The observer's arguments are not needed: the element's own width is the answer.
        let callback = Closure::<dyn FnMut()>::new(move || on_width(watched.client_width()));
        let observer = ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        observer.observe(&element);
        Some(WidthWatch {
            observer,
            _callback: callback,
        })
    }
}

impl Drop for WidthWatch {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_step_through_the_items() {
        // (selected, items, key, the selection after it or None when the key is not used)
        type Case = (Option<usize>, usize, &'static str, Option<Option<usize>>);
        let cases: [Case; 11] = [
            (None, 3, "ArrowRight", Some(Some(0))),
            (Some(0), 3, "ArrowRight", Some(Some(1))),
            (Some(2), 3, "ArrowDown", Some(Some(2))),
            (None, 3, "ArrowLeft", Some(Some(2))),
            (Some(0), 3, "ArrowUp", Some(Some(0))),
            (Some(1), 3, "Home", Some(Some(0))),
            (Some(1), 3, "End", Some(Some(2))),
            (Some(1), 3, "Escape", Some(None)),
            (Some(1), 3, "a", None),
            (None, 0, "ArrowRight", None),
            (Some(9), 3, "ArrowLeft", Some(Some(2))),
        ];
        for (current, count, key, expected) in cases {
            assert_eq!(
                step(current, count, key),
                expected,
                "{current:?} of {count}, {key}"
            );
        }
    }
}

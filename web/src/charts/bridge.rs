//! The bridge as a waterfall: the first tool's number as a bar, each step floating from the
//! running total (up when it adds, down when it removes, hatched when the data cannot split it
//! further), and the second tool's number as the last bar.

use memlens_core::report::{Bridge, BridgeStep};
use yew::prelude::*;

use super::format;
use super::frame::{Plot, use_chart};
use super::scene::{
    Align, Baseline, Focus, Font, Hit, Ink, Measure, Rect, Scene, Shape, Swatch, wrap,
};

#[derive(Properties, PartialEq)]
pub struct BridgeChartProps {
    pub bridge: Bridge,
}

/// A waterfall chart of one bridge, with its caption, a PNG download and a table of the same
/// numbers for screen readers.
#[function_component(BridgeChart)]
pub fn bridge_chart(props: &BridgeChartProps) -> Html {
    let plot = use_memo(props.bridge.clone(), Bridge::clone);
    use_chart(plot)
}

/// Space around the chart, CSS pixels.
const PAD: f64 = 8.0;
/// Below this column width, or above this many lines of label, columns are numbered and named
/// in a key under the chart instead.
const MIN_COLUMN: f64 = 60.0;
const MAX_LABEL_LINES: usize = 5;
/// The smallest height a bar is drawn with, so that a step of a few pages stays visible.
const MIN_BAR: f64 = 2.0;

/// One column of the waterfall.
struct Column<'a> {
    label: String,
    /// Where the bar starts and ends, in bytes (start ≤ end not implied).
    from: i128,
    to: i128,
    swatch: Swatch,
    unsplit: bool,
    /// The value printed over the bar.
    value: String,
    step: Option<&'a BridgeStep>,
}

/// The names of the two ends: the title's halves when it reads `A → B`, else the quantity ids.
fn ends(bridge: &Bridge) -> (String, String) {
    let mut halves = bridge.title.split(" → ");
    match (halves.next(), halves.next(), halves.next()) {
        (Some(from), Some(to), None) if !from.is_empty() && !to.is_empty() => {
            (from.to_string(), to.to_string())
        }
        _ => (bridge.from.clone(), bridge.to.clone()),
    }
}

fn columns(bridge: &Bridge) -> Vec<Column<'_>> {
    let (from_name, to_name) = ends(bridge);
    let start = i128::from(bridge.from_value);
    let mut columns = vec![Column {
        label: from_name,
        from: 0,
        to: start,
        swatch: Swatch::Total,
        unsplit: false,
        value: format::size(u128::from(bridge.from_value)),
        step: None,
    }];
    let mut total = start;
    for step in &bridge.steps {
        let next = total.saturating_add(step.delta);
        columns.push(Column {
            label: step.label.clone(),
            from: total,
            to: next,
            swatch: if step.delta >= 0 {
                Swatch::Up
            } else {
                Swatch::Down
            },
            unsplit: step.unsplit.is_some(),
            value: format::change(step.delta),
            step: Some(step),
        });
        total = next;
    }
    columns.push(Column {
        label: to_name,
        from: 0,
        to: i128::from(bridge.to_value),
        swatch: Swatch::Total,
        unsplit: false,
        value: format::size(u128::from(bridge.to_value)),
        step: None,
    });
    columns
}

/// A legend entry: a swatch (hatched or not) and its name.
struct Entry {
    swatch: Swatch,
    hatched: bool,
    name: &'static str,
}

fn legend(columns: &[Column<'_>]) -> Vec<Entry> {
    let mut entries = vec![Entry {
        swatch: Swatch::Total,
        hatched: false,
        name: "start and end",
    }];
    let steps = columns
        .get(1..columns.len().saturating_sub(1))
        .unwrap_or_default();
    if steps.iter().any(|c| c.to >= c.from) {
        entries.push(Entry {
            swatch: Swatch::Up,
            hatched: false,
            name: "adds",
        });
    }
    if steps.iter().any(|c| c.to < c.from) {
        entries.push(Entry {
            swatch: Swatch::Down,
            hatched: false,
            name: "removes",
        });
    }
    if steps.iter().any(|c| c.unsplit) {
        entries.push(Entry {
            swatch: Swatch::Grey,
            hatched: true,
            name: "not split further (the data has no finer lines)",
        });
    }
    entries
}

/// Lays legend entries out in rows from `top`; returns the shapes and the bottom.
pub(super) fn legend_rows(
    entries: &[(Swatch, bool, String)],
    top: f64,
    width: f64,
    measure: &dyn Measure,
    shapes: &mut Vec<Shape>,
    mut on_entry: impl FnMut(usize, Rect),
) -> f64 {
    const SWATCH: f64 = 12.0;
    let line = Font::LABEL.line_height() + 4.0;
    let (mut x, mut y) = (PAD, top);
    for (index, (swatch, hatched, name)) in entries.iter().enumerate() {
        let entry_width = SWATCH + 6.0 + measure.width(name, Font::LABEL);
        if x > PAD && x + entry_width > width - PAD {
            x = PAD;
            y += line;
        }
        let square = Rect::new(x, y + 2.0, x + SWATCH, y + 2.0 + SWATCH);
        shapes.push(swatch_shape(square, *swatch, *hatched));
        shapes.push(Shape::text(
            name.clone(),
            (x + SWATCH + 6.0, y + 1.0),
            Font::LABEL,
            Ink::Text,
        ));
        on_entry(index, Rect::new(x, y, x + entry_width, y + line));
        x += entry_width + 16.0;
    }
    y + line
}

/// A bar or a legend square: solid, or light and hatched for what is not split further.
fn swatch_shape(rect: Rect, swatch: Swatch, hatched: bool) -> Shape {
    Shape::Rect {
        rect,
        fill: Ink::Swatch(swatch),
        alpha: if hatched { 0.3 } else { 1.0 },
        border: hatched.then_some(Ink::Swatch(swatch)),
        hatch: hatched.then_some(Ink::Swatch(swatch)),
    }
}

pub(super) fn layout(bridge: &Bridge, width: f64, measure: &dyn Measure) -> Scene {
    let columns = columns(bridge);
    let mut shapes = Vec::new();

    let entries: Vec<(Swatch, bool, String)> = legend(&columns)
        .into_iter()
        .map(|e| (e.swatch, e.hatched, e.name.to_string()))
        .collect();
    let legend_bottom = legend_rows(&entries, PAD, width, measure, &mut shapes, |_, _| ());

    // The vertical scale: from the lowest to the highest point any bar reaches, 0 included.
    let low = columns
        .iter()
        .flat_map(|c| [c.from, c.to])
        .min()
        .unwrap_or(0)
        .min(0) as f64;
    let high = columns
        .iter()
        .flat_map(|c| [c.from, c.to])
        .max()
        .unwrap_or(0)
        .max(0) as f64;
    let ticks = format::ticks(low, high, 4);
    let axis_width = ticks
        .labels
        .iter()
        .map(|l| measure.width(l, Font::LABEL))
        .fold(0.0, f64::max)
        + 8.0;

    let plot_top = legend_bottom + 8.0;
    let plot_height = (width * 0.3).clamp(200.0, 280.0);
    let plot_bottom = plot_top + plot_height;
    let plot_left = PAD + axis_width;
    let plot_right = (width - PAD).max(plot_left + 1.0);
    // The labels under the columns: wrapped in place, or numbers and a key when they do not fit.
    let count = columns.len();
    let column_width = (plot_right - plot_left) / count as f64;
    let wrapped: Vec<Vec<String>> = columns
        .iter()
        .map(|c| wrap(&c.label, column_width - 2.0, Font::LABEL, measure))
        .collect();
    let numbered =
        column_width < MIN_COLUMN || wrapped.iter().any(|lines| lines.len() > MAX_LABEL_LINES);
    let line = Font::LABEL.line_height();
    let label_lines = if numbered {
        1
    } else {
        wrapped.iter().map(Vec::len).max().unwrap_or(1)
    };
    let labels_top = plot_bottom + 6.0;
    let labels_bottom = labels_top + label_lines as f64 * line;

    // The value over each bar: on one line, on two (number, unit) when one is too wide, or left
    // to the caption when even that is too wide. With a key, the key has them all.
    let fits = |text: &str| measure.width(text, Font::VALUE) <= column_width - 2.0;
    let values: Vec<Vec<&str>> = columns
        .iter()
        .map(|c| match c.value.rsplit_once(' ') {
            _ if numbered => Vec::new(),
            _ if fits(&c.value) => vec![c.value.as_str()],
            Some((number, unit)) if fits(number) => vec![number, unit],
            _ => Vec::new(),
        })
        .collect();
    let value_line = Font::VALUE.line_height();
    let headroom = values.iter().map(Vec::len).max().unwrap_or(0).max(1) as f64 * value_line + 6.0;

    let span = if high > low { high - low } else { 1.0 };
    let y = |bytes: f64| plot_bottom - (bytes - low) / span * (plot_height - headroom);

    for (at, label) in ticks.at.iter().zip(&ticks.labels) {
        let ty = y(*at).round();
        shapes.push(Shape::line(
            (plot_left, ty),
            (plot_right, ty),
            if *at == 0.0 { Ink::Muted } else { Ink::Grid },
        ));
        shapes.push(
            Shape::text(
                label.clone(),
                (plot_left - 6.0, ty),
                Font::LABEL,
                Ink::Muted,
            )
            .anchored(Align::Right, Baseline::Middle),
        );
    }

    let bar_width = (column_width * 0.62).min(64.0);
    let mut focus = Vec::with_capacity(count);
    let mut hits = Vec::with_capacity(count);
    for (index, column) in columns.iter().enumerate() {
        let left = plot_left + index as f64 * column_width;
        let centre = left + column_width / 2.0;
        let (mut top, mut bottom) = (
            y(column.from.max(column.to) as f64),
            y(column.from.min(column.to) as f64),
        );
        if bottom - top < MIN_BAR {
            // Grow away from the running total the next bar starts at.
            if column.to >= column.from {
                top = bottom - MIN_BAR;
            } else {
                bottom = top + MIN_BAR;
            }
        }
        let bar = Rect::new(
            centre - bar_width / 2.0,
            top,
            centre + bar_width / 2.0,
            bottom,
        );
        shapes.push(swatch_shape(bar, column.swatch, column.unsplit));

        // The dashed line from this bar's end to where the next bar starts.
        if index + 1 < count {
            let level = y(column.to as f64).round();
            shapes.push(Shape::Line {
                from: (bar.x1, level),
                to: (bar.x1 + column_width - bar_width, level),
                ink: Ink::Muted,
                width: 1.0,
                dashed: true,
            });
        }

        let value_lines = values.get(index).map_or(&[][..], Vec::as_slice);
        for (n, text) in value_lines.iter().rev().enumerate() {
            let bottom_of_line = top - 3.0 - n as f64 * value_line;
            shapes.push(
                Shape::text(*text, (centre, bottom_of_line), Font::VALUE, Ink::Text)
                    .anchored(Align::Center, Baseline::Bottom),
            );
        }

        let label_lines = if numbered {
            vec![(index + 1).to_string()]
        } else {
            wrapped.get(index).cloned().unwrap_or_default()
        };
        for (n, text) in label_lines.into_iter().enumerate() {
            shapes.push(
                Shape::text(
                    text,
                    (centre, labels_top + n as f64 * line),
                    Font::LABEL,
                    Ink::Text,
                )
                .anchored(Align::Center, Baseline::Top),
            );
        }

        let band = Rect::new(left, plot_top, left + column_width, labels_bottom);
        focus.push(Focus {
            band: Some(band),
            outline: bar.grow(2.0),
        });
        hits.push(Hit {
            item: index,
            rect: band,
        });
    }

    // The key: each number with its name and value, when the axis shows only numbers.
    let mut bottom = labels_bottom;
    if numbered {
        bottom += 6.0;
        for (index, column) in columns.iter().enumerate() {
            let number = format!("{}", index + 1);
            let text = format!("{}: {}", column.label, column.value);
            let indent = PAD + 24.0;
            let top = bottom;
            for (n, part) in wrap(&text, width - indent - PAD, Font::LABEL, measure)
                .into_iter()
                .enumerate()
            {
                if n == 0 {
                    shapes.push(
                        Shape::text(
                            number.clone(),
                            (indent - 6.0, bottom),
                            Font::VALUE,
                            Ink::Text,
                        )
                        .anchored(Align::Right, Baseline::Top),
                    );
                }
                shapes.push(Shape::text(part, (indent, bottom), Font::LABEL, Ink::Text));
                bottom += line;
            }
            hits.push(Hit {
                item: index,
                rect: Rect::new(PAD, top, width - PAD, bottom),
            });
        }
    }

    Scene {
        width,
        height: (bottom + PAD).ceil(),
        shapes,
        focus,
        hits,
    }
}

impl Plot for Bridge {
    fn kind(&self) -> &'static str {
        "bridge"
    }

    fn key(&self) -> String {
        self.id.clone()
    }

    fn title(&self) -> String {
        self.title.clone()
    }

    fn summary(&self) -> String {
        let (from, to) = ends(self);
        let steps = match self.steps.len() {
            1 => "1 step".to_string(),
            n => format!("{n} steps"),
        };
        format!(
            "Waterfall chart: from {from}, {}, to {to}, {}, in {steps}.",
            format::size(u128::from(self.from_value)),
            format::size(u128::from(self.to_value)),
        )
    }

    fn hint(&self) -> String {
        "Point at a bar, or focus the chart and use the arrow keys, to read each step.".to_string()
    }

    fn items(&self) -> usize {
        self.steps.len() + 2
    }

    fn describe(&self, item: usize) -> String {
        let columns = columns(self);
        let Some(column) = columns.get(item) else {
            return String::new();
        };
        match column.step {
            None => {
                let end = if item == 0 { "Start" } else { "End" };
                format!(
                    "{end}, {}: {} ({} bytes).",
                    column.label,
                    column.value,
                    format::grouped(column.to.unsigned_abs())
                )
            }
            Some(step) => {
                let mut text = format!(
                    "Step {item} of {}, {}: {} ({} bytes), running total {}. {}",
                    self.steps.len(),
                    step.label,
                    column.value,
                    format::grouped_signed(step.delta),
                    signed_size(column.to),
                    step.explanation,
                );
                if let Some(why) = &step.unsplit {
                    text.push_str(&format!(" Not split further: {why}."));
                }
                text
            }
        }
    }

    fn layout(&self, width: f64, measure: &dyn Measure) -> Scene {
        layout(self, width, measure)
    }

    fn table(&self) -> Html {
        let columns = columns(self);
        html! {
            <table>
                <caption>{ &self.title }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Step" }</th>
                        <th scope="col">{ "Change" }</th>
                        <th scope="col">{ "Running total" }</th>
                        <th scope="col">{ "Bytes" }</th>
                        <th scope="col">{ "Not split further because" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for columns.iter().map(table_row) }
                </tbody>
            </table>
        }
    }
}

/// One column as a row of the table: name, change, running total, bytes, why it is not split.
fn table_row(column: &Column<'_>) -> Html {
    let (change, bytes) = match column.step {
        Some(step) => (column.value.clone(), format::grouped_signed(step.delta)),
        None => (String::new(), format::grouped(column.to.unsigned_abs())),
    };
    let unsplit = column
        .step
        .and_then(|s| s.unsplit.clone())
        .unwrap_or_default();
    html! {
        <tr>
            <th scope="row">{ &column.label }</th>
            <td>{ change }</td>
            <td>{ signed_size(column.to) }</td>
            <td>{ bytes }</td>
            <td>{ unsplit }</td>
        </tr>
    }
}

/// A running total, which a bridge could in principle take below zero.
fn signed_size(bytes: i128) -> String {
    if bytes < 0 {
        format!("{}{}", format::MINUS, format::size(bytes.unsigned_abs()))
    } else {
        format::size(bytes.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::scene::tests::Fixed;

    fn step(label: &str, delta: i128, unsplit: Option<&str>) -> BridgeStep {
        BridgeStep {
            id: label.replace(' ', "_"),
            label: label.to_string(),
            delta,
            fields: Vec::new(),
            explanation: format!("Why {label}."),
            unsplit: unsplit.map(str::to_string),
        }
    }

    /// The first bridge of the §9.1/§9.2 pair: MemTotal down to free's used.
    fn memtotal_to_used() -> Bridge {
        Bridge {
            id: "memtotal_to_procps_v4".to_string(),
            title: "MemTotal → free's used (procps-ng ≥ 4.0.1)".to_string(),
            from: "MemTotal".to_string(),
            to: "procps.used_bytes.v4".to_string(),
            from_value: 16_786_681_856,
            to_value: 1_405_280_256,
            steps: vec![
                step("free pages (MemFree)", -9_978_007_552, None),
                step(
                    "what the kernel expects to reclaim (MemAvailable − MemFree)",
                    -5_403_394_048,
                    Some("MemAvailable is one estimate; the kernel prints no parts"),
                ),
            ],
            exact: true,
        }
    }

    fn bars(scene: &Scene) -> Vec<(Rect, f64, bool)> {
        scene
            .shapes
            .iter()
            .filter_map(|shape| match shape {
                Shape::Rect {
                    rect, alpha, hatch, ..
                } if rect.width() > 12.0 => Some((*rect, *alpha, hatch.is_some())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn bars_float_from_the_running_total() {
        let scene = layout(&memtotal_to_used(), 800.0, &Fixed);
        let bars = bars(&scene);
        assert_eq!(bars.len(), 4, "{bars:?}");
        let [
            (start, ..),
            (free, ..),
            (reclaim, reclaim_alpha, reclaim_hatched),
            (end, ..),
        ] = bars[..]
        else {
            unreachable!("four bars")
        };
        let exact = |a: f64, b: f64| (a - b).abs() < 1e-6;
        // The start bar stands on 0; each step starts where the previous one ended.
        assert!(exact(free.y0, start.y0), "{start:?} {free:?}");
        assert!(exact(reclaim.y0, free.y1), "{free:?} {reclaim:?}");
        assert!(exact(reclaim.y1, end.y0), "{reclaim:?} {end:?}");
        assert!(exact(start.y1, end.y1), "both totals stand on 0");
        // Heights in proportion to the bytes.
        let ratio = free.height() / start.height();
        assert!(
            (ratio - 9_978_007_552.0 / 16_786_681_856.0).abs() < 1e-9,
            "{ratio}"
        );
        // The unsplit step is light and hatched, the others solid.
        assert!(reclaim_hatched && reclaim_alpha < 1.0);
        assert!(bars.iter().filter(|b| b.2).count() == 1, "{bars:?}");
    }

    #[test]
    fn values_and_labels_are_printed() {
        let scene = layout(&memtotal_to_used(), 800.0, &Fixed);
        let texts: Vec<&str> = scene
            .shapes
            .iter()
            .filter_map(|shape| match shape {
                Shape::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        let cases = [
            ("15.6 GiB", true),
            ("−9.3 GiB", true),
            ("−5.0 GiB", true),
            ("1.3 GiB", true),
            ("MemTotal", true),
            ("free pages (MemFree)", true),
            ("removes", true),
            // No step adds, so the legend does not offer it.
            ("adds", false),
        ];
        for (text, shown) in cases {
            assert_eq!(texts.contains(&text), shown, "{text:?} in {texts:?}");
        }
    }

    #[test]
    fn narrow_charts_number_their_columns() {
        let wide = layout(&memtotal_to_used(), 800.0, &Fixed);
        let narrow = layout(&memtotal_to_used(), 200.0, &Fixed);
        let has = |scene: &Scene, wanted: &str| {
            scene
                .shapes
                .iter()
                .any(|s| matches!(s, Shape::Text { text, .. } if text == wanted))
        };
        assert!(!has(&wide, "2") && has(&narrow, "2"));
        assert!(has(&narrow, "MemTotal: 15.6 GiB"));
        // The key's rows point at their columns too.
        let last = narrow.hits.last().map(|h| h.item);
        assert_eq!(last, Some(3));
        assert!(narrow.height > wide.height - 200.0);
    }

    #[test]
    fn the_pointer_finds_the_column_under_it() {
        let scene = layout(&memtotal_to_used(), 800.0, &Fixed);
        for (item, focus) in scene.focus.iter().enumerate() {
            let Rect { x0, y0, x1, y1 } = focus.outline;
            assert_eq!(
                scene.hit((x0 + x1) / 2.0, (y0 + y1) / 2.0),
                Some(item),
                "{focus:?}"
            );
        }
        assert_eq!(scene.hit(1.0, 1.0), None);
    }

    #[test]
    fn captions_say_the_value_and_the_exact_bytes() {
        let bridge = memtotal_to_used();
        let cases = [
            (0, "Start, MemTotal: 15.6 GiB (16,786,681,856 bytes)."),
            (
                1,
                "Step 1 of 2, free pages (MemFree): −9.3 GiB (−9,978,007,552 bytes), running \
                 total 6.3 GiB. Why free pages (MemFree).",
            ),
            (
                3,
                "End, free's used (procps-ng ≥ 4.0.1): 1.3 GiB (1,405,280,256 bytes).",
            ),
            (4, ""),
        ];
        for (item, expected) in cases {
            assert_eq!(bridge.describe(item), expected, "item {item}");
        }
        assert!(bridge.describe(2).ends_with(
            "Not split further: MemAvailable is one estimate; the kernel prints no parts."
        ));
        assert_eq!(
            bridge.summary(),
            "Waterfall chart: from MemTotal, 15.6 GiB, to free's used (procps-ng ≥ 4.0.1), \
             1.3 GiB, in 2 steps."
        );
    }

    #[test]
    fn a_bridge_without_steps_or_with_odd_values_still_lays_out() {
        let mut bridge = memtotal_to_used();
        bridge.steps.clear();
        bridge.title = "no arrow".to_string();
        bridge.to_value = u64::MAX;
        let scene = layout(&bridge, 10.0, &Fixed);
        assert_eq!(scene.focus.len(), 2);
        assert_eq!(
            bridge.describe(0),
            "Start, MemTotal: 15.6 GiB (16,786,681,856 bytes)."
        );
        assert!(scene.height.is_finite());
    }
}

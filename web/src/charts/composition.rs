//! `MemTotal` as one horizontal bar split into its memory classes, with a marker where each
//! tool's "used" ends. Markers that fall close together get their labels on separate rows.

use memlens_core::report::{Composition, CompositionPart};
use yew::prelude::*;

use super::bridge::legend_rows;
use super::format;
use super::frame::{Plot, use_chart};
use super::scene::{Align, Baseline, Focus, Font, Hit, Ink, Measure, Rect, Scene, Shape, Swatch};

#[derive(Properties, PartialEq)]
pub struct CompositionChartProps {
    pub composition: Composition,
}

/// A stacked bar of `MemTotal` with the tools' "used" marked on it, a caption, a PNG download
/// and a table of the same numbers for screen readers.
#[function_component(CompositionChart)]
pub fn composition_chart(props: &CompositionChartProps) -> Html {
    let plot = use_memo(props.composition.clone(), Composition::clone);
    let chart = use_chart(plot);
    html! {
        <>
            { chart }
            if let Some(note) = &props.composition.note {
                <p class="chart-note">{ note }</p>
            }
        </>
    }
}

const PAD: f64 = 8.0;
const BAR_HEIGHT: f64 = 40.0;
/// One row of marker labels.
const ROW: f64 = 20.0;
/// Space kept between two labels on one row.
const GAP: f64 = 8.0;

/// The id of the part left over once every class is counted.
const NOT_ACCOUNTED: &str = "not_accounted";

/// The colour of a part: fixed for the classes memlens knows, so that a class keeps its colour
/// from one paste to the next; the rest take what is left in turn.
fn swatch(part: &CompositionPart, index: usize) -> Swatch {
    match part.id.as_str() {
        "anon" => Swatch::Vermillion,
        "active_file" => Swatch::Orange,
        "inactive_file" => Swatch::Yellow,
        "shmem" => Swatch::ReddishPurple,
        "reclaimable_slab" => Swatch::SkyBlue,
        "unreclaimable_slab" => Swatch::Blue,
        "other_kernel" => Swatch::BluishGreen,
        "free" => Swatch::Empty,
        NOT_ACCOUNTED => Swatch::Grey,
        _ => {
            const REST: [Swatch; 4] = [
                Swatch::BluishGreen,
                Swatch::ReddishPurple,
                Swatch::SkyBlue,
                Swatch::Orange,
            ];
            REST[index % REST.len()]
        }
    }
}

/// Markers at the same byte count share one label.
#[derive(Clone, Debug, PartialEq)]
struct Group {
    labels: Vec<String>,
    bytes: u64,
}

fn groups(composition: &Composition) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for marker in &composition.markers {
        match groups.iter_mut().find(|g| g.bytes == marker.bytes) {
            Some(group) => group.labels.push(marker.label.clone()),
            None => groups.push(Group {
                labels: vec![marker.label.clone()],
                bytes: marker.bytes,
            }),
        }
    }
    groups
}

/// Where a marker's label goes: its row above the bar and its extent.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Placed {
    row: usize,
    x0: f64,
    x1: f64,
}

/// Puts each label (at line `x`, `width` wide) on the lowest row where it overlaps no other.
/// Labels start at their line and run right (left when they would leave `right`; from `left`
/// when neither fits). Placing them from the rightmost line leftwards keeps every line clear of
/// the labels below it: a lower label belongs to a line further right, and runs right from it.
// TODO: a label turned left (near the right end) or pushed to the left edge can still be crossed
// by the line of a marker left of it; it takes markers within a label's width of the bar's end.
fn stagger(lines: &[(f64, f64)], left: f64, right: f64) -> Vec<Placed> {
    // Rightmost first; an insertion sort, as there are a handful of markers.
    let x_of = |i: usize| lines.get(i).map_or(0.0, |l| l.0);
    let mut order: Vec<usize> = Vec::with_capacity(lines.len());
    for index in 0..lines.len() {
        let at = order
            .iter()
            .position(|&other| x_of(other) < x_of(index))
            .unwrap_or(order.len());
        order.insert(at, index);
    }
    let mut placed = vec![
        Placed {
            row: 0,
            x0: 0.0,
            x1: 0.0
        };
        lines.len()
    ];
    let mut rows: Vec<Vec<(f64, f64)>> = Vec::new();
    for index in order {
        let Some(&(x, width)) = lines.get(index) else {
            continue;
        };
        // Right of the line, else left of it, else (on a very narrow chart) from the left edge.
        let (x0, x1) = if x + width <= right {
            (x, x + width)
        } else if x - width >= left {
            (x - width, x)
        } else {
            (left, left + width)
        };
        let free = |row: &Vec<(f64, f64)>| row.iter().all(|&(a, b)| x1 + GAP <= a || b + GAP <= x0);
        let row = match rows.iter().position(free) {
            Some(row) => row,
            None => {
                rows.push(Vec::new());
                rows.len() - 1
            }
        };
        if let Some(taken) = rows.get_mut(row) {
            taken.push((x0, x1));
        }
        if let Some(slot) = placed.get_mut(index) {
            *slot = Placed { row, x0, x1 };
        }
    }
    placed
}

fn group_text(group: &Group) -> String {
    format!(
        "{}: {}",
        group.labels.join(" · "),
        format::size(u128::from(group.bytes))
    )
}

pub(super) fn layout(composition: &Composition, width: f64, measure: &dyn Measure) -> Scene {
    let parts = &composition.parts;
    let groups = groups(composition);
    let sum: u128 = parts.iter().map(|p| u128::from(p.bytes)).sum();
    let scale = sum.max(u128::from(composition.total)).max(
        groups
            .iter()
            .map(|g| u128::from(g.bytes))
            .max()
            .unwrap_or(0),
    );
    let left = PAD;
    let right = (width - PAD).max(left + 1.0);
    let x = |bytes: u128| {
        if scale == 0 {
            left
        } else {
            left + bytes as f64 / scale as f64 * (right - left)
        }
    };

    // Marker labels first: their rows decide where the bar starts.
    let texts: Vec<String> = groups.iter().map(group_text).collect();
    let lines: Vec<(f64, f64)> = groups
        .iter()
        .zip(&texts)
        .map(|(g, t)| (x(u128::from(g.bytes)), measure.width(t, Font::LABEL) + 8.0))
        .collect();
    let placed = stagger(&lines, left, right);
    let rows = placed.iter().map(|p| p.row + 1).max().unwrap_or(0);
    let bar_top = PAD + rows as f64 * ROW + if rows > 0 { 6.0 } else { 0.0 };
    let bar_bottom = bar_top + BAR_HEIGHT;
    let row_top = |row: usize| bar_top - 6.0 - (row + 1) as f64 * ROW + 2.0;

    let mut shapes = Vec::new();
    let mut focus = Vec::new();
    let mut segment_hits = Vec::new();

    // The segments, edge to edge.
    let mut start = 0u128;
    for (index, part) in parts.iter().enumerate() {
        let end = start + u128::from(part.bytes);
        let segment = Rect::new(x(start).round(), bar_top, x(end).round(), bar_bottom);
        let colour = swatch(part, index);
        let hatched = part.id == NOT_ACCOUNTED;
        shapes.push(Shape::Rect {
            rect: segment,
            fill: Ink::Swatch(colour),
            alpha: if hatched { 0.3 } else { 1.0 },
            border: None,
            hatch: hatched.then_some(Ink::Swatch(colour)),
        });
        if index > 0 && segment.width() >= 3.0 {
            shapes.push(Shape::line(
                (segment.x0, bar_top),
                (segment.x0, bar_bottom),
                Ink::Surface,
            ));
        }
        // The part's name inside it, with its size when that fits too.
        let ink = if hatched {
            Ink::Text
        } else {
            Ink::OnSwatch(colour)
        };
        let size = format::size(u128::from(part.bytes));
        let with_size = format!("{} {size}", part.label);
        let inside = [with_size, part.label.clone()]
            .into_iter()
            .find(|t| measure.width(t, Font::LABEL) + 10.0 <= segment.width());
        if let Some(text) = inside {
            let centre = (
                (segment.x0 + segment.x1) / 2.0,
                (bar_top + bar_bottom) / 2.0,
            );
            shapes.push(
                Shape::text(text, centre, Font::LABEL, ink)
                    .anchored(Align::Center, Baseline::Middle),
            );
        }
        focus.push(Focus {
            band: None,
            outline: segment.at_least_wide(4.0).grow(2.0),
        });
        segment_hits.push(Hit {
            item: index,
            rect: Rect::new(segment.x0, bar_top - 2.0, segment.x1, bar_bottom + 2.0),
        });
        start = end;
    }
    shapes.push(Shape::Rect {
        rect: Rect::new(left, bar_top, right, bar_bottom),
        fill: Ink::Surface,
        alpha: 0.0,
        border: Some(Ink::Muted),
        hatch: None,
    });

    // The markers: a line through the bar and its label on its row.
    let mut hits = Vec::new();
    for (g, ((group_x, _), (place, text))) in
        lines.iter().zip(placed.iter().zip(&texts)).enumerate()
    {
        let item = parts.len() + g;
        let top = row_top(place.row);
        let line_x = group_x.round();
        shapes.push(Shape::Line {
            from: (line_x, top),
            to: (line_x, bar_bottom + 4.0),
            ink: Ink::Surface,
            width: 4.0,
            dashed: false,
        });
        shapes.push(Shape::Line {
            from: (line_x, top),
            to: (line_x, bar_bottom + 4.0),
            ink: Ink::Text,
            width: 2.0,
            dashed: false,
        });
        let label = Rect::new(place.x0, top, place.x1, top + ROW - 4.0);
        let text_x = if place.x0 < *group_x - 0.5 {
            place.x1 - 4.0
        } else {
            place.x0 + 5.0
        };
        let align = if place.x0 < *group_x - 0.5 {
            Align::Right
        } else {
            Align::Left
        };
        shapes.push(
            Shape::text(
                text.clone(),
                (text_x, top + (ROW - 4.0) / 2.0),
                Font::LABEL,
                Ink::Text,
            )
            .anchored(align, Baseline::Middle),
        );
        focus.push(Focus {
            band: None,
            outline: label.grow(2.0),
        });
        hits.push(Hit { item, rect: label });
        hits.push(Hit {
            item,
            rect: Rect::new(line_x - 4.0, top, line_x + 4.0, bar_bottom + 4.0),
        });
    }
    hits.extend(segment_hits);

    // The scale under the bar, ending with MemTotal itself.
    let axis_top = bar_bottom + 6.0;
    let total_x = x(u128::from(composition.total));
    let total_text = format!("MemTotal {}", format::size(u128::from(composition.total)));
    let total_width = measure.width(&total_text, Font::VALUE);
    let total_box = if total_x - total_width < left {
        (left, left + total_width)
    } else {
        (total_x - total_width, total_x)
    };
    let ticks = format::ticks(0.0, scale as f64, 5);
    for (at, label) in ticks.at.iter().zip(&ticks.labels) {
        let tick_x = x(*at as u128).round();
        let half = measure.width(label, Font::LABEL) / 2.0;
        let (x0, x1) = if *at == 0.0 {
            (tick_x, tick_x + 2.0 * half)
        } else {
            (tick_x - half, tick_x + half)
        };
        if x1 + GAP > total_box.0 && x0 < total_box.1 + GAP {
            continue;
        }
        shapes.push(Shape::line(
            (tick_x, bar_bottom),
            (tick_x, bar_bottom + 4.0),
            Ink::Muted,
        ));
        let align = if *at == 0.0 {
            Align::Left
        } else {
            Align::Center
        };
        shapes.push(
            Shape::text(label.clone(), (tick_x, axis_top), Font::LABEL, Ink::Muted)
                .anchored(align, Baseline::Top),
        );
    }
    shapes.push(Shape::line(
        (total_x.round(), bar_bottom),
        (total_x.round(), bar_bottom + 4.0),
        Ink::Text,
    ));
    let total_align = if total_box.0 == left {
        Align::Left
    } else {
        Align::Right
    };
    let total_anchor = if total_align == Align::Left {
        left
    } else {
        total_x
    };
    shapes.push(
        Shape::text(total_text, (total_anchor, axis_top), Font::VALUE, Ink::Text)
            .anchored(total_align, Baseline::Top),
    );

    // The legend: every part with its size, pointing at its part.
    let entries: Vec<(Swatch, bool, String)> = parts
        .iter()
        .enumerate()
        .map(|(index, part)| {
            (
                swatch(part, index),
                part.id == NOT_ACCOUNTED,
                format!("{} {}", part.label, format::size(u128::from(part.bytes))),
            )
        })
        .collect();
    let legend_top = axis_top + Font::LABEL.line_height() + 10.0;
    let bottom = legend_rows(
        &entries,
        legend_top,
        width,
        measure,
        &mut shapes,
        |index, rect| {
            hits.push(Hit { item: index, rect });
        },
    );

    Scene {
        width,
        height: (bottom + PAD).ceil(),
        shapes,
        focus,
        hits,
    }
}

impl Plot for Composition {
    fn kind(&self) -> &'static str {
        "composition"
    }

    fn key(&self) -> String {
        "memtotal".to_string()
    }

    fn title(&self) -> String {
        format!(
            "MemTotal, {}, by memory class",
            format::size(u128::from(self.total))
        )
    }

    fn summary(&self) -> String {
        let parts: Vec<String> = self
            .parts
            .iter()
            .map(|p| format!("{} {}", p.label, format::size(u128::from(p.bytes))))
            .collect();
        let mut text = format!(
            "Stacked bar of MemTotal, {}: {}.",
            format::size(u128::from(self.total)),
            parts.join(", ")
        );
        let markers: Vec<String> = groups(self).iter().map(group_text).collect();
        if !markers.is_empty() {
            text.push_str(&format!(
                " Where each tool's used ends: {}.",
                markers.join("; ")
            ));
        }
        text
    }

    fn hint(&self) -> String {
        "Point at a part or a marker, or focus the chart and use the arrow keys, to read each \
         one."
            .to_string()
    }

    fn items(&self) -> usize {
        self.parts.len() + groups(self).len()
    }

    fn describe(&self, item: usize) -> String {
        let total = u128::from(self.total);
        let share = |bytes: u64| {
            format::percent(u128::from(bytes), total)
                .map(|p| format!(", {p} of MemTotal"))
                .unwrap_or_default()
        };
        if let Some(part) = self.parts.get(item) {
            return format!(
                "{}: {} ({} bytes){}. {}",
                part.label,
                format::size(u128::from(part.bytes)),
                format::grouped(u128::from(part.bytes)),
                share(part.bytes),
                part.explanation
            );
        }
        let groups = groups(self);
        let Some(group) = item
            .checked_sub(self.parts.len())
            .and_then(|g| groups.get(g))
        else {
            return String::new();
        };
        format!(
            "{}: used ends at {} ({} bytes){}.",
            group.labels.join(" and "),
            format::size(u128::from(group.bytes)),
            format::grouped(u128::from(group.bytes)),
            share(group.bytes)
        )
    }

    fn layout(&self, width: f64, measure: &dyn Measure) -> Scene {
        layout(self, width, measure)
    }

    fn table(&self) -> Html {
        let total = u128::from(self.total);
        let row = |label: &str, bytes: u64| {
            html! {
                <tr>
                    <th scope="row">{ label }</th>
                    <td>{ format::size(u128::from(bytes)) }</td>
                    <td>{ format::grouped(u128::from(bytes)) }</td>
                    <td>{ format::percent(u128::from(bytes), total).unwrap_or_default() }</td>
                </tr>
            }
        };
        html! {
            <>
                <table>
                    <caption>{ self.title() }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "Memory class" }</th>
                            <th scope="col">{ "Size" }</th>
                            <th scope="col">{ "Bytes" }</th>
                            <th scope="col">{ "Share of MemTotal" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for self.parts.iter().map(|p| row(&p.label, p.bytes)) }
                    </tbody>
                </table>
                if !self.markers.is_empty() {
                    <table>
                        <caption>{ "Where each tool's used ends" }</caption>
                        <thead>
                            <tr>
                                <th scope="col">{ "Tool" }</th>
                                <th scope="col">{ "Used" }</th>
                                <th scope="col">{ "Bytes" }</th>
                                <th scope="col">{ "Share of MemTotal" }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for self.markers.iter().map(|m| row(&m.label, m.bytes)) }
                        </tbody>
                    </table>
                }
            </>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::scene::tests::Fixed;
    use memlens_core::report::CompositionMarker;

    fn part(id: &str, label: &str, bytes: u64) -> CompositionPart {
        CompositionPart {
            id: id.to_string(),
            label: label.to_string(),
            bytes,
            fields: Vec::new(),
            explanation: format!("What {label} is."),
        }
    }

    fn marker(quantity: &str, label: &str, bytes: u64) -> CompositionMarker {
        CompositionMarker {
            quantity: quantity.to_string(),
            label: label.to_string(),
            bytes,
        }
    }

    /// The composition of the §9.1/§9.2 pair.
    fn pair() -> Composition {
        Composition {
            total: 16_786_681_856,
            parts: vec![
                part("anon", "anonymous memory", 633_847_808),
                part("active_file", "active page cache", 830_808_064),
                part("inactive_file", "inactive page cache", 4_634_497_024),
                part("shmem", "tmpfs / shared memory", 2_555_904),
                part("reclaimable_slab", "reclaimable slab", 292_683_776),
                part("unreclaimable_slab", "unreclaimable slab", 141_082_624),
                part("other_kernel", "other kernel memory", 17_879_040),
                part("free", "free", 9_978_007_552),
                part("not_accounted", "not accounted", 255_320_064),
            ],
            markers: vec![
                marker(
                    "procps.used_bytes.v4",
                    "free used (procps 4)",
                    1_405_280_256,
                ),
                marker(
                    "procps.used_bytes.v3",
                    "free used (procps 3.3)",
                    1_048_137_728,
                ),
                marker("htop.used_bytes", "htop used", 1_048_137_728),
                marker(
                    "kubelet.node.working_set_bytes",
                    "kubelet working set",
                    1_985_744_896,
                ),
            ],
            exact: true,
            note: None,
        }
    }

    fn segments(scene: &Scene) -> Vec<Rect> {
        scene
            .shapes
            .iter()
            .filter_map(|shape| match shape {
                Shape::Rect { rect, alpha, .. } if *alpha > 0.0 && rect.height() == BAR_HEIGHT => {
                    Some(*rect)
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_segments_fill_the_bar_edge_to_edge() {
        let scene = layout(&pair(), 1000.0, &Fixed);
        let segments = segments(&scene);
        assert_eq!(segments.len(), 9);
        for pair in segments.windows(2) {
            assert_eq!(pair[0].x1, pair[1].x0, "{pair:?}");
        }
        assert_eq!(segments.first().map(|s| s.x0), Some(PAD));
        assert_eq!(segments.last().map(|s| s.x1), Some(1000.0 - PAD));
        // free is 59.4% of MemTotal, and so of the bar.
        let free = segments[7].width() / (1000.0 - 2.0 * PAD);
        assert!((free - 0.594).abs() < 0.002, "{free}");
    }

    #[test]
    fn markers_at_the_same_bytes_share_a_label() {
        let groups = groups(&pair());
        let labels: Vec<String> = groups.iter().map(group_text).collect();
        assert_eq!(
            labels,
            [
                "free used (procps 4): 1.3 GiB",
                "free used (procps 3.3) · htop used: 999.6 MiB",
                "kubelet working set: 1.8 GiB",
            ]
        );
    }

    #[test]
    fn close_labels_go_on_separate_rows_and_no_line_crosses_a_label_below() {
        // Lines as (x, label width), the right end, the rows expected: the three markers of the
        // pair on a 1000px bar, and more.
        type Case = (&'static [(f64, f64)], f64, &'static [usize]);
        let cases: [Case; 5] = [
            (
                &[(91.0, 200.0), (70.0, 300.0), (125.0, 180.0)],
                1000.0,
                &[1, 2, 0],
            ),
            (&[(100.0, 50.0), (300.0, 50.0)], 1000.0, &[0, 0]),
            // Near the right end a label runs left of its line.
            (&[(990.0, 100.0), (700.0, 100.0)], 1000.0, &[0, 0]),
            // Wider than either side of its line: from the left edge.
            (&[(100.0, 150.0)], 200.0, &[0]),
            (&[], 1000.0, &[]),
        ];
        for (lines, right, rows) in cases {
            let placed = stagger(lines, 8.0, right);
            let actual: Vec<usize> = placed.iter().map(|p| p.row).collect();
            assert_eq!(actual, rows, "{lines:?}");
            for (a, pa) in placed.iter().enumerate() {
                assert!(pa.x0 >= 8.0 && pa.x1 <= right, "{pa:?}");
                for (b, pb) in placed.iter().enumerate() {
                    if a != b && pa.row == pb.row {
                        assert!(
                            pa.x1 + GAP <= pb.x0 || pb.x1 + GAP <= pa.x0,
                            "{pa:?} {pb:?}"
                        );
                    }
                    let line_x = lines[a].0;
                    if pb.row < pa.row {
                        assert!(
                            !(pb.x0 < line_x && line_x < pb.x1),
                            "line {a} crosses {pb:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_part_and_marker_can_be_pointed_at() {
        let composition = pair();
        let scene = layout(&composition, 1000.0, &Fixed);
        assert_eq!(scene.focus.len(), composition.items());
        assert_eq!(composition.items(), 9 + 3);
        // active page cache is at 633,847,808 to 1,464,655,872 bytes: under the pointer halfway.
        let bar = segments(&scene)[1];
        let y = (bar.y0 + bar.y1) / 2.0;
        assert_eq!(scene.hit((bar.x0 + bar.x1) / 2.0 - 8.0, y), Some(1));
        // The legend entries point at their parts too.
        let legend = scene
            .hits
            .iter()
            .filter(|h| h.rect.y0 > bar.y1 + 20.0)
            .count();
        assert_eq!(legend, 9);
    }

    #[test]
    fn captions_say_the_value_the_bytes_and_the_share() {
        let composition = pair();
        let cases = [
            (
                1,
                "active page cache: 792.3 MiB (830,808,064 bytes), 4.9% of MemTotal. What active \
                 page cache is.",
            ),
            (
                10,
                "free used (procps 3.3) and htop used: used ends at 999.6 MiB (1,048,137,728 \
                 bytes), 6.2% of MemTotal.",
            ),
            (12, ""),
        ];
        for (item, expected) in cases {
            assert_eq!(composition.describe(item), expected, "item {item}");
        }
        assert!(composition.summary().starts_with(
            "Stacked bar of MemTotal, 15.6 GiB: anonymous memory 604.5 MiB, active page cache \
             792.3 MiB,"
        ));
    }

    #[test]
    fn an_empty_composition_still_lays_out() {
        let composition = Composition {
            total: 0,
            parts: Vec::new(),
            markers: vec![marker("x", "x used", 0)],
            exact: true,
            note: None,
        };
        let scene = layout(&composition, 50.0, &Fixed);
        assert!(scene.height.is_finite() && scene.height > 0.0);
        assert_eq!(
            composition.describe(0),
            "x used: used ends at 0 B (0 bytes)."
        );
    }
}

//! Draws a [`Scene`] with plotters on a `<canvas>` (through plotters-canvas).
//!
//! The canvas's backing store is the CSS size times the device pixel ratio, and the context is
//! scaled by the same ratio, so the scene is drawn in CSS pixels and stays sharp on high-DPI
//! screens. Horizontal and vertical lines are drawn as filled rectangles on whole pixels, which
//! keeps them crisp where a 1-pixel stroke would straddle two rows of pixels. Only plotters'
//! drawing primitives are used: its mesh and label layout measure text through a `<span>` with a
//! `style` attribute, which the page's Content-Security-Policy refuses.

use plotters::coord::Shift;
use plotters::element::{PathElement, Rectangle, Text};
use plotters::prelude::{DrawingArea, IntoDrawingArea};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, RGBColor};
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

use super::scene::{Align, Baseline, Font, Ink, Rect, Scene, Shape, hatch};
use super::theme::Theme;

type Area = DrawingArea<CanvasBackend, Shift>;

/// What to draw besides the scene.
pub struct Extras<'a> {
    /// The item to highlight.
    pub selected: Option<usize>,
    /// A title above the scene (for the PNG download), which moves the scene down.
    pub title: Option<&'a str>,
    /// The page's font family.
    pub family: &'a str,
}

/// The height a title adds above the scene.
pub fn title_height(title: Option<&str>) -> f64 {
    if title.is_some() {
        Font::TITLE.line_height() + 12.0
    } else {
        0.0
    }
}

/// Draws `scene` on `canvas`, whose backing store is already sized and whose context is already
/// scaled to CSS pixels.
pub fn paint(
    canvas: &HtmlCanvasElement,
    scene: &Scene,
    theme: &Theme,
    extras: &Extras<'_>,
) -> Result<(), String> {
    let backend =
        CanvasBackend::with_canvas_object(canvas.clone()).ok_or("the canvas has no 2d context")?;
    let area = backend.into_drawing_area();
    let painter = Painter {
        area: &area,
        theme,
        family: extras.family,
        dy: title_height(extras.title),
    };
    painter.fill(
        Rect::new(0.0, 0.0, scene.width, scene.height + painter.dy),
        Ink::Surface,
        1.0,
    )?;

    if let Some(title) = extras.title {
        let shape = Shape::text(title, (8.0, 8.0 - painter.dy), Font::TITLE, Ink::Text);
        painter.shape(&shape)?;
    }

    let selected = extras.selected.and_then(|item| scene.focus.get(item));
    if let Some(band) = selected.and_then(|focus| focus.band) {
        painter.fill(band, Ink::Grid, 0.45)?;
    }
    for shape in &scene.shapes {
        painter.shape(shape)?;
    }
    if let Some(focus) = selected {
        painter.frame(focus.outline, Ink::Text, 2.0)?;
    }

    area.present().map_err(|e| e.to_string())
}

struct Painter<'a> {
    area: &'a Area,
    theme: &'a Theme,
    family: &'a str,
    /// How far the scene is moved down (by the title).
    dy: f64,
}

/// A CSS pixel position as plotters takes it.
fn px(x: f64, y: f64) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

impl Painter<'_> {
    fn colour(&self, ink: Ink) -> RGBColor {
        let rgb = self.theme.rgb(ink);
        RGBColor(rgb.0, rgb.1, rgb.2)
    }

    fn fill(&self, rect: Rect, ink: Ink, alpha: f64) -> Result<(), String> {
        if alpha <= 0.0 {
            return Ok(());
        }
        let style = self.colour(ink).mix(alpha).filled();
        let corners = [
            px(rect.x0, rect.y0 + self.dy),
            px(rect.x1, rect.y1 + self.dy),
        ];
        self.area
            .draw(&Rectangle::new(corners, style))
            .map_err(|e| e.to_string())
    }

    /// A border `width` pixels wide inside `rect`.
    fn frame(&self, rect: Rect, ink: Ink, width: f64) -> Result<(), String> {
        let Rect { x0, y0, x1, y1 } = rect;
        for side in [
            Rect::new(x0, y0, x1, y0 + width),
            Rect::new(x0, y1 - width, x1, y1),
            Rect::new(x0, y0, x0 + width, y1),
            Rect::new(x1 - width, y0, x1, y1),
        ] {
            self.fill(side, ink, 1.0)?;
        }
        Ok(())
    }

    fn shape(&self, shape: &Shape) -> Result<(), String> {
        match shape {
            Shape::Rect {
                rect,
                fill,
                alpha,
                border,
                hatch: lines,
            } => {
                self.fill(*rect, *fill, *alpha)?;
                if let Some(ink) = lines {
                    let style = self.colour(*ink).stroke_width(1);
                    for (from, to) in hatch(*rect, 5.0) {
                        let points = vec![(from.0, from.1 + self.dy), (to.0, to.1 + self.dy)];
                        self.area
                            .draw(&PathElement::new(
                                points
                                    .into_iter()
                                    .map(|(x, y)| px(x, y))
                                    .collect::<Vec<_>>(),
                                style,
                            ))
                            .map_err(|e| e.to_string())?;
                    }
                }
                if let Some(ink) = border {
                    self.frame(*rect, *ink, 1.0)?;
                }
                Ok(())
            }
            Shape::Line {
                from,
                to,
                ink,
                width,
                dashed,
            } => self.line(*from, *to, *ink, *width, *dashed),
            Shape::Text {
                text,
                at,
                font,
                ink,
                align,
                baseline,
            } => {
                let colour = self.colour(*ink);
                let style = if font.bold {
                    FontStyle::Bold
                } else {
                    FontStyle::Normal
                };
                let pos = Pos::new(
                    match align {
                        Align::Left => HPos::Left,
                        Align::Center => HPos::Center,
                        Align::Right => HPos::Right,
                    },
                    match baseline {
                        Baseline::Top => VPos::Top,
                        Baseline::Middle => VPos::Center,
                        Baseline::Bottom => VPos::Bottom,
                    },
                );
                let text_style = FontDesc::new(FontFamily::Name(self.family), font.size, style)
                    .color(&colour)
                    .pos(pos);
                let element = Text::new(text.as_str(), px(at.0, at.1 + self.dy), text_style);
                self.area.draw(&element).map_err(|e| e.to_string())
            }
        }
    }

    /// Horizontal and vertical lines as filled rectangles on whole pixels (dashed: 4 on, 3
    /// off); any other line as a path.
    fn line(
        &self,
        from: (f64, f64),
        to: (f64, f64),
        ink: Ink,
        width: f64,
        dashed: bool,
    ) -> Result<(), String> {
        let half = width / 2.0;
        let (x0, y0, x1, y1) = (from.0.round(), from.1.round(), to.0.round(), to.1.round());
        let solid = |a: f64, b: f64| -> Result<(), String> {
            if y0 == y1 {
                self.fill(Rect::new(a, y0 - half, b, y0 + half), ink, 1.0)
            } else {
                self.fill(Rect::new(x0 - half, a, x0 + half, b), ink, 1.0)
            }
        };
        if y0 == y1 || x0 == x1 {
            let (start, end) = if y0 == y1 {
                (x0.min(x1), x0.max(x1))
            } else {
                (y0.min(y1), y0.max(y1))
            };
            if !dashed {
                return solid(start, end);
            }
            let mut at = start;
            while at < end {
                solid(at, (at + 4.0).min(end))?;
                at += 7.0;
            }
            return Ok(());
        }
        let style = self.colour(ink).stroke_width(width.round().max(1.0) as u32);
        let points = vec![px(x0, y0 + self.dy), px(x1, y1 + self.dy)];
        self.area
            .draw(&PathElement::new(points, style))
            .map_err(|e| e.to_string())
    }
}

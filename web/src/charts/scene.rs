//! What a chart draws, as plain data: rectangles, lines and text in CSS pixels, with colours
//! named for their role. A chart lays itself out into a [`Scene`] (pure code, tested natively);
//! [`super::paint`] then draws the scene with plotters, and the frame uses the scene's hit boxes
//! to find what the pointer is on. Positions are floats because they are pixels, not bytes.

/// A rectangle in CSS pixels, `x0 <= x1` and `y0 <= y1`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    /// The rectangle between two corners, in either order.
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        }
    }

    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    pub fn contains(&self, x: f64, y: f64) -> bool {
        (self.x0..=self.x1).contains(&x) && (self.y0..=self.y1).contains(&y)
    }

    /// The rectangle grown by `by` on every side.
    pub fn grow(&self, by: f64) -> Rect {
        Rect::new(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)
    }

    /// At least `min` wide, around the same centre.
    pub fn at_least_wide(&self, min: f64) -> Rect {
        if self.width() >= min {
            return *self;
        }
        let centre = (self.x0 + self.x1) / 2.0;
        Rect::new(centre - min / 2.0, self.y0, centre + min / 2.0, self.y1)
    }
}

/// The Okabe–Ito colours (Okabe and Ito, "Color Universal Design", 2008), which stay apart for
/// the common kinds of colour blindness, plus the neutral swatches the charts need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Swatch {
    Orange,
    SkyBlue,
    BluishGreen,
    Yellow,
    Blue,
    Vermillion,
    ReddishPurple,
    Grey,
    /// Memory nobody uses: a quiet fill that still shows against the page.
    Empty,
    /// A start or end total of a bridge.
    Total,
    /// A bridge step that adds.
    Up,
    /// A bridge step that removes.
    Down,
}

/// A colour by its role; the theme turns it into red, green and blue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ink {
    /// The chart's background.
    Surface,
    Text,
    Muted,
    /// Grid lines and borders.
    Grid,
    Swatch(Swatch),
    /// Text drawn on a swatch: black or white, whichever reads better on it.
    OnSwatch(Swatch),
}

/// A font of the page's family.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Font {
    /// CSS pixels.
    pub size: f64,
    pub bold: bool,
}

impl Font {
    pub const LABEL: Font = Font {
        size: 12.0,
        bold: false,
    };
    pub const VALUE: Font = Font {
        size: 12.0,
        bold: true,
    };
    pub const TITLE: Font = Font {
        size: 15.0,
        bold: true,
    };

    /// The height of one line of this font.
    pub fn line_height(&self) -> f64 {
        (self.size * 1.3).round()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Baseline {
    Top,
    Middle,
    Bottom,
}

/// One thing to draw.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Rect {
        rect: Rect,
        fill: Ink,
        /// 1 for a solid fill; less for a lighter one.
        alpha: f64,
        border: Option<Ink>,
        /// Diagonal lines across the rectangle, for what the data cannot split further.
        hatch: Option<Ink>,
    },
    Line {
        from: (f64, f64),
        to: (f64, f64),
        ink: Ink,
        width: f64,
        dashed: bool,
    },
    Text {
        text: String,
        at: (f64, f64),
        font: Font,
        ink: Ink,
        align: Align,
        baseline: Baseline,
    },
}

impl Shape {
    pub fn line(from: (f64, f64), to: (f64, f64), ink: Ink) -> Shape {
        Shape::Line {
            from,
            to,
            ink,
            width: 1.0,
            dashed: false,
        }
    }

    pub fn text(text: impl Into<String>, at: (f64, f64), font: Font, ink: Ink) -> Shape {
        Shape::Text {
            text: text.into(),
            at,
            font,
            ink,
            align: Align::Left,
            baseline: Baseline::Top,
        }
    }

    /// The same text shape anchored differently.
    pub fn anchored(self, new_align: Align, new_baseline: Baseline) -> Shape {
        match self {
            Shape::Text {
                text,
                at,
                font,
                ink,
                ..
            } => Shape::Text {
                text,
                at,
                font,
                ink,
                align: new_align,
                baseline: new_baseline,
            },
            other => other,
        }
    }
}

/// Where an item of the chart is, for the pointer and for the highlight.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Focus {
    /// A band behind the item (a bridge's column), drawn under everything.
    pub band: Option<Rect>,
    /// The outline drawn around the item when it is selected.
    pub outline: Rect,
}

/// A region the pointer can be on, and the item it stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub item: usize,
    pub rect: Rect,
}

/// A chart laid out for one width.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    pub shapes: Vec<Shape>,
    /// One per item, in keyboard order.
    pub focus: Vec<Focus>,
    /// The first hit that contains the pointer wins.
    pub hits: Vec<Hit>,
}

impl Scene {
    /// The item under the pointer, if any.
    pub fn hit(&self, x: f64, y: f64) -> Option<usize> {
        self.hits
            .iter()
            .find(|hit| hit.rect.contains(x, y))
            .map(|hit| hit.item)
    }
}

/// How wide a text is in a font; the browser's canvas answers it, tests use a fixed advance.
pub trait Measure {
    fn width(&self, text: &str, font: Font) -> f64;
}

/// `text` in lines no wider than `width`, broken at spaces; a word wider than a line is broken
/// where it must. Never returns an empty list for a non-empty text.
pub fn wrap(text: &str, width: f64, font: Font, measure: &dyn Measure) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if measure.width(&joined, font) <= width {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone: split it into pieces that fit, one character at least per line.
        for piece in break_word(word, width, font, measure) {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line = piece;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A word too wide for a line, in pieces that fit: broken after a `.`, `_`, `/` or `-` where
/// the piece has one, else between two characters, with a hyphen between letters.
fn break_word(word: &str, width: f64, font: Font, measure: &dyn Measure) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for (index, &c) in chars.iter().enumerate() {
        // Room for the character, and for a hyphen after it unless it ends the word.
        let needed = match index + 1 == chars.len() {
            true => format!("{piece}{c}"),
            false => format!("{piece}{c}-"),
        };
        if !piece.is_empty() && measure.width(&needed, font) > width {
            match piece
                .rfind(['.', '_', '/', '-'])
                .filter(|&at| at + 1 < piece.len())
            {
                Some(at) => {
                    let rest = piece.split_off(at + 1);
                    pieces.push(std::mem::replace(&mut piece, rest));
                }
                None => {
                    if piece.chars().last().is_some_and(char::is_alphabetic) && c.is_alphabetic() {
                        piece.push('-');
                    }
                    pieces.push(std::mem::take(&mut piece));
                }
            }
        }
        piece.push(c);
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

/// The diagonal lines (bottom left to top right, `spacing` apart) that hatch `rect`, each clipped
/// to it.
pub fn hatch(rect: Rect, spacing: f64) -> Vec<((f64, f64), (f64, f64))> {
    let mut lines = Vec::new();
    if spacing <= 0.0 || rect.width() <= 0.0 || rect.height() <= 0.0 {
        return lines;
    }
    // A line through (rect.x0 + k, rect.y1) rising at 45°: x − x0 − k = y1 − y.
    let mut k = spacing / 2.0 - rect.height();
    while k < rect.width() {
        let start_x = rect.x0 + k.max(0.0);
        let start_y = rect.y1 - (k.max(0.0) - k);
        let end_offset = (k + rect.height()).min(rect.width());
        let end_x = rect.x0 + end_offset;
        let end_y = rect.y1 - (end_offset - k);
        if end_x > start_x {
            lines.push(((start_x, start_y), (end_x, end_y)));
        }
        k += spacing;
    }
    lines
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// Every character is 0.6 of the font size wide: close enough to a sans-serif for layout
    /// tests, and exact to reason about.
    pub struct Fixed;

    impl Measure for Fixed {
        fn width(&self, text: &str, font: Font) -> f64 {
            text.chars().count() as f64 * font.size * 0.6
        }
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_inside_long_words() {
        // 12px font: 7.2px a character, so 72px hold 10 characters.
        let cases: [(&str, &[&str]); 6] = [
            ("free pages (MemFree)", &["free pages", "(MemFree)"]),
            ("short", &["short"]),
            ("", &[]),
            (
                "kubelet.node.working_set_bytes",
                &["kubelet.", "node.", "working_", "set_bytes"],
            ),
            ("a  b   c", &["a b c"]),
            (
                "page cache (Cached, tmpfs included)",
                &["page cache", "(Cached,", "tmpfs", "included)"],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(wrap(text, 72.0, Font::LABEL, &Fixed), expected, "{text:?}");
        }
    }

    #[test]
    fn words_too_wide_break_after_punctuation_or_with_a_hyphen() {
        assert_eq!(wrap("abc", 1.0, Font::LABEL, &Fixed), ["a-", "b-", "c"]);
        assert_eq!(
            wrap("unreclaimable slab", 72.0, Font::LABEL, &Fixed),
            ["unreclaim-", "able slab"]
        );
    }

    #[test]
    fn hatching_stays_inside_the_rectangle() {
        let rect = Rect::new(10.0, 20.0, 40.0, 30.0);
        let lines = hatch(rect, 6.0);
        assert!(lines.len() >= 6, "{lines:?}");
        for &((x0, y0), (x1, y1)) in &lines {
            for (x, y) in [(x0, y0), (x1, y1)] {
                assert!(
                    rect.grow(1e-9).contains(x, y),
                    "({x}, {y}) outside {rect:?}"
                );
            }
            assert!(
                ((x1 - x0) - (y0 - y1)).abs() < 1e-9,
                "not at 45°: {lines:?}"
            );
        }
        assert_eq!(hatch(Rect::new(0.0, 0.0, 0.0, 10.0), 6.0), []);
    }

    #[test]
    fn the_first_hit_wins() {
        let scene = Scene {
            hits: vec![
                Hit {
                    item: 3,
                    rect: Rect::new(0.0, 0.0, 10.0, 10.0),
                },
                Hit {
                    item: 1,
                    rect: Rect::new(0.0, 0.0, 100.0, 100.0),
                },
            ],
            ..Scene::default()
        };
        let cases = [
            ((5.0, 5.0), Some(3)),
            ((50.0, 5.0), Some(1)),
            ((150.0, 5.0), None),
        ];
        for ((x, y), expected) in cases {
            assert_eq!(scene.hit(x, y), expected, "({x}, {y})");
        }
    }
}

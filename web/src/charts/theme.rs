//! Colours for light and dark pages.
//!
//! The chart's own colours (background, text, grid) follow the page: they are read from the
//! stylesheet's custom properties (`--surface`, `--text`, `--muted`, `--border`) when the page
//! defines them, with built-in values otherwise. The swatches are the Okabe–Ito set, with a
//! lighter blue on dark pages where the darker one would not stand out.

use super::scene::{Ink, Swatch};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#1d2125` or `#fff`, with optional spaces around; anything else is `None`.
    pub fn parse(text: &str) -> Option<Rgb> {
        let hex = text.trim().strip_prefix('#')?;
        let digit = |i: usize| {
            hex.get(i..i + 1)
                .and_then(|d| u8::from_str_radix(d, 16).ok())
        };
        let pair = |i: usize| {
            hex.get(i..i + 2)
                .and_then(|d| u8::from_str_radix(d, 16).ok())
        };
        match hex.len() {
            3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
            6 => Some(Rgb(pair(0)?, pair(2)?, pair(4)?)),
            _ => None,
        }
    }

    /// Relative luminance, from 0 (black) to 1 (white), with each channel squared in place of
    /// the exact sRGB curve of WCAG 2.x: close enough to choose between black and white text
    /// (it picks the same for every swatch), and it keeps `powf` out of the wasm.
    fn luminance(self) -> f64 {
        let channel = |c: u8| (f64::from(c) / 255.0) * (f64::from(c) / 255.0);
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }
}

/// The colours a chart is drawn in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub dark: bool,
    pub surface: Rgb,
    pub text: Rgb,
    pub muted: Rgb,
    pub grid: Rgb,
}

impl Theme {
    /// The page's colours as `static/style.css` defines them.
    pub fn builtin(dark: bool) -> Theme {
        if dark {
            Theme {
                dark,
                surface: Rgb(0x1d, 0x21, 0x25),
                text: Rgb(0xe4, 0xe7, 0xea),
                muted: Rgb(0x9a, 0xa3, 0xab),
                grid: Rgb(0x36, 0x3c, 0x42),
            }
        } else {
            Theme {
                dark,
                surface: Rgb(0xff, 0xff, 0xff),
                text: Rgb(0x1d, 0x21, 0x25),
                muted: Rgb(0x5b, 0x63, 0x6b),
                grid: Rgb(0xd5, 0xd9, 0xdd),
            }
        }
    }

    /// The built-in theme with each colour the page defines in its place; `property` reads a
    /// custom property of the page (`--text`).
    pub fn from_page(dark: bool, property: impl Fn(&str) -> Option<String>) -> Theme {
        let builtin = Theme::builtin(dark);
        let read = |name: &str, fallback: Rgb| {
            property(name)
                .and_then(|value| Rgb::parse(&value))
                .unwrap_or(fallback)
        };
        Theme {
            dark,
            surface: read("--surface", builtin.surface),
            text: read("--text", builtin.text),
            muted: read("--muted", builtin.muted),
            grid: read("--border", builtin.grid),
        }
    }

    pub fn rgb(&self, ink: Ink) -> Rgb {
        match ink {
            Ink::Surface => self.surface,
            Ink::Text => self.text,
            Ink::Muted => self.muted,
            Ink::Grid => self.grid,
            Ink::Swatch(swatch) => self.swatch(swatch),
            Ink::OnSwatch(swatch) => {
                // Whichever of black and white has the higher contrast on the swatch.
                let l = self.swatch(swatch).luminance();
                if (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) {
                    Rgb(0, 0, 0)
                } else {
                    Rgb(255, 255, 255)
                }
            }
        }
    }

    fn swatch(&self, swatch: Swatch) -> Rgb {
        match swatch {
            Swatch::Orange => Rgb(0xe6, 0x9f, 0x00),
            Swatch::SkyBlue => Rgb(0x56, 0xb4, 0xe9),
            Swatch::BluishGreen => Rgb(0x00, 0x9e, 0x73),
            Swatch::Yellow => Rgb(0xf0, 0xe4, 0x42),
            Swatch::Blue => Rgb(0x00, 0x72, 0xb2),
            Swatch::Vermillion => Rgb(0xd5, 0x5e, 0x00),
            Swatch::ReddishPurple => Rgb(0xcc, 0x79, 0xa7),
            Swatch::Grey => Rgb(0x99, 0x99, 0x99),
            Swatch::Empty if self.dark => Rgb(0x3b, 0x42, 0x49),
            Swatch::Empty => Rgb(0xe6, 0xe9, 0xec),
            Swatch::Total if self.dark => Rgb(0xa3, 0xac, 0xb5),
            Swatch::Total => Rgb(0x5b, 0x63, 0x6b),
            Swatch::Up if self.dark => Rgb(0x56, 0xb4, 0xe9),
            Swatch::Up => Rgb(0x00, 0x72, 0xb2),
            Swatch::Down => Rgb(0xd5, 0x5e, 0x00),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_from_css_hex() {
        let cases: [(&str, Option<Rgb>); 6] = [
            ("#1d2125", Some(Rgb(0x1d, 0x21, 0x25))),
            (" #FFF ", Some(Rgb(255, 255, 255))),
            ("#12345", None),
            ("rgb(1, 2, 3)", None),
            ("", None),
            ("#ééé", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Rgb::parse(text), expected, "{text:?}");
        }
    }

    #[test]
    fn the_page_colours_win_over_the_builtin_ones() {
        let theme = Theme::from_page(false, |name| match name {
            "--text" => Some("#010203".to_string()),
            "--surface" => Some("not a colour".to_string()),
            _ => None,
        });
        assert_eq!(theme.text, Rgb(1, 2, 3));
        assert_eq!(theme.surface, Theme::builtin(false).surface);
    }

    #[test]
    fn text_on_a_swatch_takes_the_readable_colour() {
        let theme = Theme::builtin(false);
        let cases = [
            (Swatch::Yellow, Rgb(0, 0, 0)),
            (Swatch::Orange, Rgb(0, 0, 0)),
            (Swatch::Blue, Rgb(255, 255, 255)),
            (Swatch::Total, Rgb(255, 255, 255)),
        ];
        for (swatch, expected) in cases {
            assert_eq!(theme.rgb(Ink::OnSwatch(swatch)), expected, "{swatch:?}");
        }
    }
}

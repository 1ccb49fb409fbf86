//! Colours of `brand.color`: parsing, WCAG 2 contrast, and the colours a theme derives
//! from the one a site gives (hover, tint, focus), so a site is branded without
//! writing CSS and never loses contrast by it.

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// WCAG 2.x AA asks for 4.5:1 between text and its background.
pub const AA_TEXT: f64 = 4.5;

impl Rgb {
    /// `#0b5d7a` or `#0bf` (case-insensitive).
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.trim().strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(&hex[i..i + 1], 16).ok();
        let pair = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        match hex.len() {
            3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
            6 => Some(Rgb(pair(0)?, pair(2)?, pair(4)?)),
            _ => None,
        }
    }

    /// `#rrggbb`, lower case.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2.x definition).
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// `self` mixed with `other`: `amount` 0 is `self`, 1 is `other`.
    pub fn mix(self, other: Rgb, amount: f64) -> Rgb {
        let m = |a: u8, b: u8| {
            (f64::from(a) + (f64::from(b) - f64::from(a)) * amount)
                .round()
                .clamp(0.0, 255.0) as u8
        };
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }
}

/// The contrast ratio of two colours, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

const BLACK: Rgb = Rgb(0, 0, 0);
const WHITE: Rgb = Rgb(255, 255, 255);

/// The colour nearest to `c` (darkened in small steps, keeping its hue) that reaches
/// AA contrast against every one of `against`; `c` itself when it already does.
/// Against light backgrounds only darkening helps, which is the theme's case; when
/// darkening cannot reach it, lightening is tried.
pub fn accessible(c: Rgb, against: &[Rgb]) -> Rgb {
    let ok = |x: Rgb| against.iter().all(|&b| contrast(x, b) >= AA_TEXT);
    for target in [BLACK, WHITE] {
        for step in 0..=100 {
            let x = c.mix(target, f64::from(step) / 100.0);
            if ok(x) {
                return x;
            }
        }
    }
    c
}

/// The colours the theme uses, derived from the site's main colour.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Derived {
    /// The colour used for links, buttons and the navigation bar (`main` made
    /// accessible if needed).
    pub main: String,
    /// Links and buttons under the pointer: `main` a fifth darker.
    pub hover: String,
    /// A light background in the colour (header band, cards' headers).
    pub tint: String,
    /// The keyboard focus outline: `main` itself, which reaches at least 4.5:1 against
    /// the background (WCAG 2.2 asks 3:1 for focus indicators).
    pub focus: String,
}

pub fn derive(main: Rgb, background: Rgb) -> Derived {
    Derived {
        main: main.hex(),
        hover: main.mix(BLACK, 0.2).hex(),
        tint: main.mix(background, 0.9).hex(),
        focus: main.hex(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_short_and_long_forms() {
        assert_eq!(Rgb::parse("#0b5d7a"), Some(Rgb(11, 93, 122)));
        assert_eq!(Rgb::parse("#FFF"), Some(WHITE));
        for bad in ["0b5d7a", "#0b5d7", "#ggg", "#0b5d7a00", "", "#"] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn contrast_matches_the_wcag_examples() {
        assert!((contrast(BLACK, WHITE) - 21.0).abs() < 1e-9);
        // #767676 on white is the well-known 4.54:1 grey.
        let grey = Rgb::parse("#767676").unwrap_or(BLACK);
        assert!((contrast(grey, WHITE) - 4.54).abs() < 0.01);
        let yellow = Rgb::parse("#ffee00").unwrap_or(BLACK);
        assert!(contrast(yellow, WHITE) < 1.3);
    }

    #[test]
    fn an_inaccessible_colour_is_darkened_just_enough() {
        let yellow = Rgb::parse("#ffee00").unwrap_or(BLACK);
        let fixed = accessible(yellow, &[WHITE]);
        assert!(contrast(fixed, WHITE) >= AA_TEXT);
        // One step less dark would not pass: it is the nearest.
        let lighter = fixed.mix(yellow, 0.02);
        assert!(contrast(lighter, WHITE) < AA_TEXT + 0.3);
        let good = Rgb::parse("#0b5d7a").unwrap_or(BLACK);
        assert_eq!(accessible(good, &[WHITE]), good);
    }
}

//! Per-line cleaning: what copying from a terminal, a chat or a Markdown page adds to a line.

/// Splits text into lines at `\n`, `\r\n` and lone `\r` (old Mac and some terminal copies),
/// numbering them from 1.
pub fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> {
    let mut rest = text;
    let mut no = 0u32;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        no = no.saturating_add(1);
        match rest.find(['\n', '\r']) {
            Some(i) => {
                let line = &rest[..i];
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
                Some((no, line))
            }
            None => {
                let line = rest;
                rest = "";
                Some((no, line))
            }
        }
    })
}

/// Cleans one line: drops ANSI escape sequences, Markdown `> ` quote prefixes, `**` emphasis,
/// box-drawing borders of terminal UIs, and trailing whitespace; turns non-breaking spaces into
/// spaces. Leading whitespace stays: tables are aligned with it.
pub fn clean(line: &str) -> String {
    let mut out = strip_ansi(line);
    if out.contains('\u{a0}') {
        out = out.replace('\u{a0}', " ");
    }
    let mut text = out.as_str();
    // Markdown quotes, possibly nested (`> > `).
    loop {
        let t = text.trim_start();
        if let Some(rest) = t.strip_prefix('>') {
            text = rest.strip_prefix(' ').unwrap_or(rest);
        } else {
            break;
        }
    }
    // A border of a terminal UI pane (`│ gc 18 …`).
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix(['│', '┃']) {
        text = rest.strip_prefix(' ').unwrap_or(rest);
    }
    let mut text = text.trim_end().trim_end_matches(['│', '┃']).trim_end().to_string();
    if text.contains("**") {
        text = text.replace("**", "");
    }
    text
}

/// Removes ANSI escape sequences: CSI (`ESC [ … final`), OSC (`ESC ] … BEL` or `ESC \`) and
/// two-byte escapes.
pub fn strip_ansi(line: &str) -> String {
    if !line.contains('\u{1b}') {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                // Parameters and intermediates, then one final byte in 0x40..=0x7e.
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' {
                        break;
                    }
                    if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends() {
        let got: Vec<_> = lines("a\r\nb\rc\n\nd").collect();
        assert_eq!(got, vec![(1, "a"), (2, "b"), (3, "c"), (4, ""), (5, "d")]);
        assert_eq!(lines("").count(), 0);
        assert_eq!(lines("x\n").collect::<Vec<_>>(), vec![(1, "x")]);
    }

    #[test]
    fn cleaning() {
        let cases = [
            ("\u{1b}[1;39m{\u{1b}[0m", "{"),
            ("> cache 965206016      ", "cache 965206016"),
            ("> > rss 1", "rss 1"),
            ("  **memory:             3292712Ki**", "  memory:             3292712Ki"),
            ("│ gc 18 @2014.334s │", "gc 18 @2014.334s"),
            ("a\u{a0}b", "a b"),
            ("\u{1b}]0;title\u{7}MemTotal: 1 kB", "MemTotal: 1 kB"),
            ("\tMem:\t1", "\tMem:\t1"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "input {input:?}");
        }
    }
}

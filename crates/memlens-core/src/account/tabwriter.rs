//! The elastic-tabstop writer `kubectl` prints its tables through.
//!
//! kubectl's printers use k8s.io/cli-runtime `pkg/printers/tabwriter.go`: minimum width 6,
//! tab width 4, padding 3, pad character `' '`, flag `RememberWidths`, on github.com/liggitt/
//! tabwriter (Go's `text/tabwriter` plus that flag). The rules reproduced here:
//!
//! * Text is cut into cells by `\t` (and `\v`); a line's text after its last tab is a cell too
//!   but belongs to no column. `\n` ends a line; `\f` ends a line and flushes.
//! * A column block is a run of consecutive lines that all have a tab-terminated cell in that
//!   column. Its width is the widest cell (in Unicode code points) plus the padding, at least
//!   the minimum width. With `RememberWidths` a block is never narrower than the widest block
//!   of the same column formatted before it, across flushes too.
//! * Every tab-terminated cell, empty ones included, is padded to its block's width, so each
//!   kubectl line ends in spaces; the trailing cell is written as is.
//! * A line holding no tab (one cell) flushes what was buffered, as Go's writer does.
//!
//! Only what kubectl configures is implemented: no HTML filtering, escapes, right alignment,
//! empty-column discarding or tab padding.

// TODO: widths are Unicode code points, as in the liggitt/tabwriter release kubectl pins
// (v0.0.0-20181228230101; kubectl v1.34.5 pads `节点-ü` by code points, see
// tests/kubectl_oracle.rs); a later release of that package measures East Asian wide
// characters and emoji as two columns, which would change the padding if kubectl adopts it.

/// The writer's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Minimal cell width, padding included.
    pub min_width: usize,
    /// Padding added to the widest cell of a block.
    pub padding: usize,
    /// The padding character (not a tab).
    pub pad_char: char,
    /// liggitt/tabwriter's `RememberWidths`.
    pub remember_widths: bool,
}

/// cli-runtime's settings, used by every kubectl table.
pub const KUBECTL: Config = Config {
    min_width: 6,
    padding: 3,
    pad_char: ' ',
    remember_widths: true,
};

/// One cell: its text and its width in code points.
struct Cell<'a> {
    text: &'a str,
    width: usize,
}

/// A writer with remembered column widths; `write` buffers, `flush` formats.
#[derive(Clone, Debug)]
pub struct TabWriter {
    config: Config,
    pending: String,
    out: String,
    remembered: Vec<usize>,
}

impl TabWriter {
    pub fn new(config: Config) -> Self {
        TabWriter {
            config,
            pending: String::new(),
            out: String::new(),
            remembered: Vec::new(),
        }
    }

    /// Buffers text; lines without a tab and form feeds flush, as in Go.
    pub fn write(&mut self, text: &str) {
        let mut rest = text;
        while let Some(end) = rest.find(['\n', '\x0c']) {
            let (line, tail) = rest.split_at(end);
            let form_feed = tail.starts_with('\x0c');
            let line_start = self.pending.rfind('\n').map_or(0, |i| i + 1);
            let started = self.pending.get(line_start..).unwrap_or("");
            let one_cell = !started.contains(['\t', '\x0b']) && !line.contains(['\t', '\x0b']);
            self.pending.push_str(line);
            self.pending.push('\n');
            rest = tail.get(1..).unwrap_or("");
            if form_feed || one_cell {
                self.format_pending();
            }
        }
        self.pending.push_str(rest);
    }

    /// Formats everything buffered and returns all output so far.
    pub fn flush(mut self) -> String {
        self.format_pending();
        self.out
    }

    fn format_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let lines = split_cells(&pending);
        let widths = self.block_widths(&lines);
        for (i, (line, widths)) in lines.iter().zip(&widths).enumerate() {
            for (j, cell) in line.iter().enumerate() {
                self.out.push_str(cell.text);
                if let Some(&w) = widths.get(j) {
                    let pad = w.saturating_sub(cell.width);
                    self.out
                        .extend(std::iter::repeat_n(self.config.pad_char, pad));
                }
            }
            if i + 1 < lines.len() {
                self.out.push('\n');
            }
        }
    }

    /// For each line, the width of each of its column cells (the block widths).
    fn block_widths(&mut self, lines: &[Vec<Cell<'_>>]) -> Vec<Vec<usize>> {
        // Go ignores each line's last cell: the text after the last tab, or, on an unfinished
        // last line that ends in a tab, that tab-terminated cell.
        let columns = |line: &Vec<Cell<'_>>| line.len().saturating_sub(1);
        let mut widths: Vec<Vec<usize>> = lines.iter().map(|l| vec![0; columns(l)]).collect();
        let max_columns = widths.iter().map(Vec::len).max().unwrap_or(0);
        for column in 0..max_columns {
            let mut start = 0;
            while start < lines.len() {
                if widths.get(start).is_none_or(|w| w.len() <= column) {
                    start += 1;
                    continue;
                }
                let mut end = start;
                let mut width = self.config.min_width;
                while let Some(line) = lines.get(end) {
                    if widths.get(end).is_none_or(|w| w.len() <= column) {
                        break;
                    }
                    let cell_width = line.get(column).map_or(0, |c| c.width);
                    width = width.max(cell_width + self.config.padding);
                    end += 1;
                }
                if self.config.remember_widths {
                    match self.remembered.get_mut(column) {
                        Some(seen) => {
                            width = width.max(*seen);
                            *seen = width;
                        }
                        None => self.remembered.push(width),
                    }
                }
                for w in widths.iter_mut().take(end).skip(start) {
                    if let Some(slot) = w.get_mut(column) {
                        *slot = width;
                    }
                }
                start = end;
            }
        }
        widths
    }
}

/// Splits buffered text into lines of cells. The final line (text after the last line end)
/// has no cell when empty, like Go's incomplete last line.
fn split_cells(text: &str) -> Vec<Vec<Cell<'_>>> {
    let mut lines = Vec::new();
    let mut pieces = text.split('\n').peekable();
    while let Some(line) = pieces.next() {
        let last = pieces.peek().is_none();
        let mut cells = Vec::new();
        let mut rest = line;
        while let Some(end) = rest.find(['\t', '\x0b']) {
            let (cell, tail) = rest.split_at(end);
            cells.push(Cell {
                text: cell,
                width: cell.chars().count(),
            });
            rest = tail.get(1..).unwrap_or("");
        }
        if !(last && rest.is_empty()) {
            cells.push(Cell {
                text: rest,
                width: rest.chars().count(),
            });
        }
        lines.push(cells);
    }
    lines
}

/// Writes `text` through a fresh writer with `config` and flushes it.
pub fn render(text: &str, config: Config) -> String {
    let mut writer = TabWriter::new(config);
    writer.write(text);
    writer.flush()
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_layout_rows() {
        // Expected outputs come from Go 1.19's text/tabwriter (NewWriter(w, 6, 4, 3, ' ', 0)),
        // which liggitt/tabwriter matches without RememberWidths.
        let rows: &[(&str, &str)] = &[
            (
                "NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t\nnode-a\t8m\t0%\t2180Mi\t67%\t\n",
                "NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   \nnode-a   8m           0%       2180Mi          67%         \n",
            ),
            // min width 6 for short cells
            ("a\tb\t\n", "a     b     \n"),
            // no trailing newline: the last cell is written as is
            ("a\tb", "a     b"),
            ("", ""),
            ("\n", "\n"),
            // a line without a tab ends the block (and flushes)
            (
                "abcdefgh\tx\t\nplain\nab\ty\t\n",
                "abcdefgh   x     \nplain\nab    y     \n",
            ),
            // empty cells are padded too
            (
                "\t\tx\t\nlong-name\tb\tc\t\n",
                "                  x     \nlong-name   b     c     \n",
            ),
            // a vertical tab terminates a cell like a tab
            (
                "x\x0by\tz\t\nlonger\x0bq\tr\t\n",
                "x        y     z     \nlonger   q     r     \n",
            ),
            // a form feed ends the line and the blocks
            (
                "a-very-long-name\tx\t\n\x0cb\ty\t\n",
                "a-very-long-name   x     \n\nb     y     \n",
            ),
            // code points, not bytes
            ("ü\tx\t\n", "ü     x     \n"),
        ];
        for &(input, expected) in rows {
            let actual = render(
                input,
                Config {
                    remember_widths: false,
                    ..KUBECTL
                },
            );
            assert_eq!(actual, expected, "input {input:?}");
        }
    }

    #[test]
    fn blocks_split_where_a_line_has_fewer_columns() {
        // The third column is two blocks: lines 1 and 3. Plain Go widths each block alone;
        // RememberWidths keeps the first block's width for the second.
        let input = "a\tb\tlong-cell-here\t\na\tb\n\
                     a\tb\tc\t\n";
        let plain = "a     b     long-cell-here   \na     b\na     b     c     \n";
        let remembered = "a     b     long-cell-here   \na     b\na     b     c                \n";
        let rows: &[(bool, &str)] = &[(false, plain), (true, remembered)];
        for &(remember, expected) in rows {
            let actual = render(
                input,
                Config {
                    remember_widths: remember,
                    ..KUBECTL
                },
            );
            assert_eq!(actual, expected, "remember_widths={remember}");
        }
    }

    #[test]
    fn remembered_widths_survive_a_flush() {
        let mut w = TabWriter::new(KUBECTL);
        w.write("a-very-long-name\tx\t\n");
        w.write("\x0c");
        w.write("b\ty\t\n");
        assert_eq!(
            w.flush(),
            "a-very-long-name   x     \n\nb                  y     \n"
        );
    }
}

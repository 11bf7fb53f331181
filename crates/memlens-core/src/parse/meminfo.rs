//! `/proc/meminfo` (and lxcfs' virtual copy of it).
//!
//! Every line is `Key:  value kB`, except the hugepage counts (`HugePages_Total:  0`), which
//! are page counts without a unit. Keys are kept exactly as the kernel spells them
//! (`Active(file)`, `SReclaimable`); values stay in the kernel's unit, KiB, as procps reads them.

use serde::Serialize;

use super::number::parse_u64;
use crate::input::{At, Diagnostics, Document, Val};

/// Keys the kernel prints without a unit: counts of default-size huge pages.
const COUNT_KEYS: [&str; 4] = [
    "HugePages_Total",
    "HugePages_Free",
    "HugePages_Rsvd",
    "HugePages_Surp",
];

/// One `Key: value` line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MeminfoEntry {
    /// The kernel's name (`MemTotal`, `Active(file)`).
    pub key: String,
    /// KiB for `kB` lines, a page count for the `HugePages_*` lines.
    pub value: u64,
    /// Whether the line carried `kB`.
    pub kib: bool,
    pub at: At,
}

/// The lines of one `/proc/meminfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Meminfo {
    pub entries: Vec<MeminfoEntry>,
    /// Whether the document stops mid-line.
    pub truncated: bool,
}

impl Meminfo {
    pub fn get(&self, key: &str) -> Option<&MeminfoEntry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The value of a `kB` line, in KiB, with its line.
    pub fn kib(&self, key: &str) -> Option<Val<u64>> {
        self.get(key)
            .filter(|e| e.kib)
            .map(|e| Val::new(e.value, e.at))
    }

    /// The value of a unit-less count line (`HugePages_Total`).
    pub fn count(&self, key: &str) -> Option<Val<u64>> {
        self.get(key)
            .filter(|e| !e.kib)
            .map(|e| Val::new(e.value, e.at))
    }
}

/// Reads a `/proc/meminfo` document.
pub fn parse(doc: &Document, diags: &mut Diagnostics) -> Meminfo {
    let mut meminfo = Meminfo::default();
    let expected = "a `Key:   value kB` line";
    let last = doc.lines.len().saturating_sub(1);

    for (i, line) in doc.lines.iter().enumerate() {
        let text = line.text.trim();
        let is_last = i == last;
        let Some((key, rest)) = text.split_once(':') else {
            if is_last {
                // `HugePa`: the paste stops mid-key.
                meminfo.truncated = true;
                diags.truncated(line.no, "a key without its value");
            } else {
                diags.error(
                    line.no,
                    format!("`{}` is not a meminfo line", short(text)),
                    expected,
                );
            }
            continue;
        };
        let key = key.trim();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_()".contains(c))
        {
            diags.error(
                line.no,
                format!("`{}` is not a meminfo key", short(key)),
                expected,
            );
            continue;
        }
        let mut words = rest.split_whitespace();
        let number = words.next();
        let unit = words.next();
        let extra = words.next();
        let is_count = COUNT_KEYS.contains(&key);

        let Some(number) = number else {
            if is_last {
                meminfo.truncated = true;
                diags.truncated(line.no, "a key without its value");
            } else {
                diags.error(line.no, format!("`{key}` has no value"), expected);
            }
            continue;
        };
        if extra.is_some() || unit.is_some_and(|u| u != "kB") {
            diags.error(
                line.no,
                format!("`{}` has an unexpected unit or extra text", short(text)),
                expected,
            );
            continue;
        }
        let kib = unit == Some("kB");
        if !kib && !is_count {
            // Every line but the hugepage counts carries `kB`; without it, the number itself
            // may have been cut short.
            if is_last {
                meminfo.truncated = true;
                diags.truncated(line.no, "a value without its `kB`");
            } else {
                diags.error(line.no, format!("`{key}` has no `kB` unit"), expected);
            }
            continue;
        }
        let value = match parse_u64(number) {
            Ok(v) => v,
            Err(e) => {
                diags.error(line.no, format!("the value of `{key}` is {e}"), expected);
                continue;
            }
        };
        if kib && value.checked_mul(1024).is_none() {
            diags.error(
                line.no,
                format!("`{key}` is {value} kB, which is past 2^64 bytes"),
                "a size below 16 EiB",
            );
            continue;
        }
        if meminfo.get(key).is_some() {
            diags.warning(
                Some(line.no),
                format!("`{key}` appears a second time; the first value is used"),
            );
            continue;
        }
        meminfo.entries.push(MeminfoEntry {
            key: key.to_string(),
            value,
            kib,
            at: doc.at(line.no),
        });
    }
    if doc.lines.is_empty() {
        diags.warning(None, "the document is empty");
    }
    meminfo
}

/// The first characters of a long line, for a diagnostic.
pub(crate) fn short(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{DocId, Kind, Line, Severity, Source, read};

    fn doc(text: &str) -> Document {
        Document {
            id: DocId(1),
            source: 0,
            name: None,
            command: None,
            kind: Kind::Meminfo,
            reasons: vec![],
            kind_set: false,
            host: None,
            lines: crate::input::clean::lines(text)
                .map(|(no, t)| Line {
                    no,
                    text: crate::input::clean::clean(t),
                })
                .filter(|l| !l.text.is_empty())
                .collect(),
        }
    }

    fn run(text: &str) -> (Meminfo, Vec<(Option<u32>, Severity)>) {
        let mut diags = Diagnostics::new(DocId(1));
        let m = parse(&doc(text), &mut diags);
        (m, diags.list.iter().map(|d| (d.line, d.severity)).collect())
    }

    #[test]
    fn table() {
        // (input, key looked up, expected KiB, expected diagnostics as (line, severity))
        #[allow(clippy::type_complexity)]
        let cases: &[(&str, &str, Option<u64>, &[(Option<u32>, Severity)])] = &[
            (
                "MemTotal:       16393244 kB\n",
                "MemTotal",
                Some(16393244),
                &[],
            ),
            (
                "MemTotal:\t16393244 kB\r\n",
                "MemTotal",
                Some(16393244),
                &[],
            ),
            ("MemTotal: 16,393,244 kB\n", "MemTotal", Some(16393244), &[]),
            (
                "\u{1b}[1mMemTotal:\u{1b}[0m 5 kB\n",
                "MemTotal",
                Some(5),
                &[],
            ),
            (
                "Active(file):     811336 kB\n",
                "Active(file)",
                Some(811336),
                &[],
            ),
            (
                "MemTotal: 1 kB\nHugePa\n",
                "MemTotal",
                Some(1),
                &[(Some(2), Severity::Warning)],
            ),
            (
                "MemTotal: 1 kB\nCached:  52073\n",
                "Cached",
                None,
                &[(Some(2), Severity::Warning)],
            ),
            (
                "garbage line\nMemFree: 2 kB\n",
                "MemFree",
                Some(2),
                &[(Some(1), Severity::Error)],
            ),
            (
                "MemTotal: 99999999999999999999 kB\nMemFree: 1 kB\n",
                "MemTotal",
                None,
                &[(Some(1), Severity::Error)],
            ),
            (
                "MemTotal: 18014398509481984 kB\n",
                "MemTotal",
                None,
                &[(Some(1), Severity::Error)],
            ),
            (
                "MemTotal: -5 kB\n",
                "MemTotal",
                None,
                &[(Some(1), Severity::Error)],
            ),
            (
                "MemTotal: 5 MB\n",
                "MemTotal",
                None,
                &[(Some(1), Severity::Error)],
            ),
            (
                "MemTotal: 1 kB\nMemTotal: 2 kB\n",
                "MemTotal",
                Some(1),
                &[(Some(2), Severity::Warning)],
            ),
            ("", "MemTotal", None, &[(None, Severity::Warning)]),
        ];
        for (input, key, want, want_diags) in cases {
            let (m, diags) = run(input);
            assert_eq!(m.kib(key).map(|v| v.value), *want, "input {input:?}");
            assert_eq!(diags, *want_diags, "diagnostics for {input:?}");
        }
    }

    #[test]
    fn hugepage_counts_have_no_unit() {
        let (m, diags) = run("HugePages_Total:       4\nHugepagesize:       2048 kB\n");
        assert_eq!(m.count("HugePages_Total").map(|v| v.value), Some(4));
        assert_eq!(m.kib("HugePages_Total"), None);
        assert_eq!(m.kib("Hugepagesize").map(|v| v.value), Some(2048));
        assert!(diags.is_empty());
    }

    #[test]
    fn through_read_with_a_prompt() {
        let docs = read(
            &[Source::paste(
                "~ # cat /proc/meminfo\nMemTotal:  8 kB\nMemFree:  4 kB\n",
            )],
            &[],
        );
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].kind, Kind::Meminfo);
        let mut diags = Diagnostics::new(docs[0].id);
        let m = parse(&docs[0], &mut diags);
        assert_eq!(
            m.kib("MemFree"),
            Some(Val::new(
                4,
                At {
                    doc: DocId(1),
                    line: 3
                }
            ))
        );
    }
}

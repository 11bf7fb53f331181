//! cgroup memory files: `memory.stat` (v1 and v2) and the one-number files
//! (`memory.current`, `memory.usage_in_bytes`, `memory.max`, `memory.limit_in_bytes`).
//!
//! `memory.stat` is `key value` per line, bytes or event counts. People also paste it as a
//! Markdown list with thousands separators and size notes (`- \`total_rss\`: 18,685,952
//! (~17.8 MB)`), sometimes with the one-number files in the same list; both are read.

use serde::Serialize;

use super::meminfo::short;
use super::number::parse_u64;
use crate::input::{At, Diagnostics, Document, Kind, Val};

/// cgroup v1 or v2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CgroupVersion {
    V1,
    V2,
}

/// One `key value` line of `memory.stat`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatEntry {
    /// The kernel's key (`inactive_file`, `total_rss`).
    pub key: String,
    pub value: u64,
    pub at: At,
}

/// A memory limit: a number of bytes, or none (`max` on v2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Limit {
    Bytes(u64),
    Max,
}

/// One cgroup's `memory.stat`, with any one-number files pasted alongside it in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemoryStat {
    pub version: CgroupVersion,
    /// The cgroup's path relative to the hierarchy (`/`, `/kubepods.slice`), when the document
    /// was named by a path.
    pub cgroup: Option<String>,
    pub entries: Vec<StatEntry>,
    /// `memory.current` / `memory.usage_in_bytes`, when listed with the keys.
    pub usage: Option<Val<u64>>,
    /// `memory.max` / `memory.limit_in_bytes`, when listed with the keys.
    pub limit: Option<Val<Limit>>,
    pub truncated: bool,
}

impl MemoryStat {
    pub fn get(&self, key: &str) -> Option<Val<u64>> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| Val::new(e.value, e.at))
    }
}

/// Which one-number file a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CgroupFile {
    /// v2 `memory.current`.
    MemoryCurrent,
    /// v1 `memory.usage_in_bytes`.
    MemoryUsageInBytes,
    /// v2 `memory.max`.
    MemoryMax,
    /// v1 `memory.limit_in_bytes`.
    MemoryLimitInBytes,
}

impl CgroupFile {
    pub fn of_kind(kind: Kind) -> Option<CgroupFile> {
        match kind {
            Kind::Cgroup2MemoryCurrent => Some(CgroupFile::MemoryCurrent),
            Kind::Cgroup1MemoryUsageInBytes => Some(CgroupFile::MemoryUsageInBytes),
            Kind::Cgroup2MemoryMax => Some(CgroupFile::MemoryMax),
            Kind::Cgroup1MemoryLimitInBytes => Some(CgroupFile::MemoryLimitInBytes),
            _ => None,
        }
    }

    pub fn version(self) -> CgroupVersion {
        match self {
            CgroupFile::MemoryCurrent | CgroupFile::MemoryMax => CgroupVersion::V2,
            CgroupFile::MemoryUsageInBytes | CgroupFile::MemoryLimitInBytes => CgroupVersion::V1,
        }
    }

    pub fn is_limit(self) -> bool {
        matches!(self, CgroupFile::MemoryMax | CgroupFile::MemoryLimitInBytes)
    }
}

/// A one-number cgroup file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CgroupValue {
    pub file: CgroupFile,
    pub cgroup: Option<String>,
    pub value: Option<Val<Limit>>,
}

/// The cgroup path of a document named `/sys/fs/cgroup/<…>/memory.stat`: the part after the
/// hierarchy's mount point (`/sys/fs/cgroup` on v2, `/sys/fs/cgroup/memory` on v1).
pub fn cgroup_path(doc: &Document) -> Option<String> {
    let dir = doc.directory()?;
    for mount in [
        "/sys/fs/cgroup/memory",
        "/sys/fs/cgroup/unified",
        "/sys/fs/cgroup",
    ] {
        if let Some(rest) = dir.strip_prefix(mount)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return Some(if rest.is_empty() {
                "/".to_string()
            } else {
                rest.to_string()
            });
        }
    }
    Some(dir.to_string())
}

/// Reads a `memory.stat` document of either version.
pub fn parse_stat(doc: &Document, diags: &mut Diagnostics) -> MemoryStat {
    let version = if doc.kind == Kind::Cgroup1MemoryStat {
        CgroupVersion::V1
    } else {
        CgroupVersion::V2
    };
    let mut stat = MemoryStat {
        version,
        cgroup: cgroup_path(doc),
        entries: Vec::new(),
        usage: None,
        limit: None,
        truncated: false,
    };
    let expected = "a `key value` line";
    let last = doc.lines.len().saturating_sub(1);

    for (i, line) in doc.lines.iter().enumerate() {
        let Some((key, value_text)) = split_entry(&line.text) else {
            if i == last && is_key_prefix(line.text.trim()) {
                // `mapped_f`: the paste stops mid-key.
                stat.truncated = true;
                diags.truncated(line.no, "a key without its value");
            } else {
                diags.error(
                    line.no,
                    format!("`{}` is not a memory.stat line", short(line.text.trim())),
                    expected,
                );
            }
            continue;
        };
        if !is_key(key) {
            diags.error(
                line.no,
                format!("`{}` is not a memory.stat key", short(key)),
                expected,
            );
            continue;
        }
        if key == "memory.max" && value_text == "max" {
            stat.limit = Some(Val::new(Limit::Max, doc.at(line.no)));
            continue;
        }
        let value = match parse_u64(value_text) {
            Ok(v) => v,
            Err(e) => {
                diags.error(line.no, format!("the value of `{key}` is {e}"), expected);
                continue;
            }
        };
        let at = doc.at(line.no);
        match key {
            "memory.usage_in_bytes" | "memory.current" => stat.usage = Some(Val::new(value, at)),
            "memory.limit_in_bytes" | "memory.max" => {
                stat.limit = Some(Val::new(Limit::Bytes(value), at));
            }
            _ if stat.entries.iter().any(|e| e.key == key) => diags.warning(
                Some(line.no),
                format!("`{key}` appears a second time; the first value is used"),
            ),
            _ => stat.entries.push(StatEntry {
                key: key.to_string(),
                value,
                at,
            }),
        }
    }
    if doc.lines.is_empty() {
        diags.warning(None, "the document is empty");
    }
    stat
}

/// Reads a one-number cgroup file: a number of bytes, or `max`.
pub fn parse_value(doc: &Document, diags: &mut Diagnostics) -> CgroupValue {
    let file = CgroupFile::of_kind(doc.kind).unwrap_or(CgroupFile::MemoryCurrent);
    let mut out = CgroupValue {
        file,
        cgroup: cgroup_path(doc),
        value: None,
    };
    let expected = if file.is_limit() {
        "a number of bytes or `max`"
    } else {
        "a number of bytes"
    };
    for line in &doc.lines {
        let text = line.text.trim();
        if out.value.is_some() {
            diags.error(
                line.no,
                format!("`{}` follows the file's one value", short(text)),
                "nothing more",
            );
            continue;
        }
        if text == "max" && file == CgroupFile::MemoryMax {
            out.value = Some(Val::new(Limit::Max, doc.at(line.no)));
            continue;
        }
        match parse_u64(text) {
            Ok(v) => out.value = Some(Val::new(Limit::Bytes(v), doc.at(line.no))),
            Err(e) => diags.error(line.no, format!("`{}` is {e}", short(text)), expected),
        }
    }
    if doc.lines.is_empty() {
        diags.warning(None, "the document is empty");
    }
    out
}

/// `key value`, or a Markdown list item `- \`key\`: 1,234 (~1.2 KB)`.
fn split_entry(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    let (key, rest) =
        if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            let item = item.trim_start();
            if let Some(quoted) = item.strip_prefix('`') {
                let (key, rest) = quoted.split_once('`')?;
                (key, rest.trim_start().strip_prefix(':').unwrap_or(rest))
            } else {
                let (key, rest) = item.split_once([':', ' ', '\t'])?;
                (key, rest)
            }
        } else {
            line.split_once([' ', '\t'])?
        };
    let rest = rest.trim();
    // A size note after the value: `2,066,567,168 (~1.93 GB)`.
    let value = match rest.find(" (") {
        Some(i) if rest.ends_with(')') => rest[..i].trim(),
        _ => rest,
    };
    Some((key.trim(), value))
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'.')
}

fn is_key_prefix(text: &str) -> bool {
    !text.contains(' ') && is_key(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{DocId, Line, Severity, Source, read};

    fn doc(kind: Kind, name: Option<&str>, text: &str) -> Document {
        Document {
            id: DocId(1),
            source: 0,
            name: name.map(str::to_string),
            command: None,
            kind,
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

    fn stat(text: &str) -> (MemoryStat, Vec<(Option<u32>, Severity)>) {
        let mut diags = Diagnostics::new(DocId(1));
        let s = parse_stat(&doc(Kind::Cgroup2MemoryStat, None, text), &mut diags);
        (s, diags.list.iter().map(|d| (d.line, d.severity)).collect())
    }

    #[test]
    fn stat_table() {
        #[allow(clippy::type_complexity)]
        let cases: &[(&str, &str, Option<u64>, &[(Option<u32>, Severity)])] = &[
            (
                "anon 790425600\nfile 6502666240\n",
                "file",
                Some(6502666240),
                &[],
            ),
            ("anon\t790425600\r\n", "anon", Some(790425600), &[]),
            ("total_rss 18,685,952\n", "total_rss", Some(18685952), &[]),
            (
                "- `total_rss`: 18,685,952 (~17.8 MB)\n",
                "total_rss",
                Some(18685952),
                &[],
            ),
            ("\u{1b}[32manon\u{1b}[0m 5\n", "anon", Some(5), &[]),
            (
                "anon 5\nmapped_f\n",
                "anon",
                Some(5),
                &[(Some(2), Severity::Warning)],
            ),
            (
                "anon 5\nthis is not\nfile 6\n",
                "file",
                Some(6),
                &[(Some(2), Severity::Error)],
            ),
            (
                "anon 18446744073709551616\n",
                "anon",
                None,
                &[(Some(1), Severity::Error)],
            ),
            ("anon -1\n", "anon", None, &[(Some(1), Severity::Error)]),
            (
                "anon 1\nanon 2\n",
                "anon",
                Some(1),
                &[(Some(2), Severity::Warning)],
            ),
            ("", "anon", None, &[(None, Severity::Warning)]),
        ];
        for (input, key, want, want_diags) in cases {
            let (s, diags) = stat(input);
            assert_eq!(s.get(key).map(|v| v.value), *want, "input {input:?}");
            assert_eq!(diags, *want_diags, "diagnostics for {input:?}");
        }
    }

    #[test]
    fn listed_one_number_files() {
        let (s, _) = stat(
            "- `memory.usage_in_bytes`: 2,066,567,168 (~1.93 GB)\n- `memory.limit_in_bytes`: 4,194,304,000 (4 GB)\n",
        );
        assert_eq!(s.usage.map(|v| v.value), Some(2066567168));
        assert_eq!(s.limit.map(|v| v.value), Some(Limit::Bytes(4194304000)));
    }

    #[test]
    fn one_number_files() {
        let cases: &[(Kind, &str, Option<Limit>, usize)] = &[
            (
                Kind::Cgroup2MemoryCurrent,
                "4294868992\n",
                Some(Limit::Bytes(4294868992)),
                0,
            ),
            (Kind::Cgroup2MemoryMax, "max\n", Some(Limit::Max), 0),
            (
                Kind::Cgroup1MemoryLimitInBytes,
                "9223372036854771712\n",
                Some(Limit::Bytes(9223372036854771712)),
                0,
            ),
            (Kind::Cgroup2MemoryCurrent, "max\n", None, 1),
            (
                Kind::Cgroup2MemoryCurrent,
                "12\n13\n",
                Some(Limit::Bytes(12)),
                1,
            ),
            (
                Kind::Cgroup2MemoryCurrent,
                "99999999999999999999\n",
                None,
                1,
            ),
        ];
        for (kind, text, want, n_diags) in cases {
            let mut diags = Diagnostics::new(DocId(1));
            let v = parse_value(&doc(*kind, None, text), &mut diags);
            assert_eq!(v.value.map(|v| v.value), *want, "{kind} {text:?}");
            assert_eq!(diags.list.len(), *n_diags, "{kind} {text:?}");
        }
    }

    #[test]
    fn cgroup_paths() {
        let cases = [
            ("/sys/fs/cgroup/memory.stat", "/"),
            (
                "/sys/fs/cgroup/kubepods.slice/memory.stat",
                "/kubepods.slice",
            ),
            ("/sys/fs/cgroup/memory/kubepods/memory.stat", "/kubepods"),
            ("/sys/fs/cgroup/memory/memory.stat", "/"),
            ("/tmp/x/memory.stat", "/tmp/x"),
        ];
        for (name, want) in cases {
            let d = doc(Kind::Cgroup2MemoryStat, Some(name), "");
            assert_eq!(cgroup_path(&d).as_deref(), Some(want), "{name}");
        }
        assert_eq!(
            cgroup_path(&doc(Kind::Cgroup2MemoryStat, Some("memory.stat"), "")),
            None
        );
    }

    #[test]
    fn through_read_with_headers() {
        let docs = read(
            &[Source::paste(
                "==> /sys/fs/cgroup/kubepods.slice/memory.current <==\n123\n==> /sys/fs/cgroup/kubepods.slice/memory.stat <==\nanon 1\nfile 2\ninactive_file 1\n",
            )],
            &[],
        );
        assert_eq!(docs[0].kind, Kind::Cgroup2MemoryCurrent);
        assert_eq!(docs[1].kind, Kind::Cgroup2MemoryStat);
        let mut diags = Diagnostics::new(docs[1].id);
        let s = parse_stat(&docs[1], &mut diags);
        assert_eq!(s.cgroup.as_deref(), Some("/kubepods.slice"));
        assert_eq!(s.get("inactive_file").map(|v| v.at.line), Some(6));
    }
}

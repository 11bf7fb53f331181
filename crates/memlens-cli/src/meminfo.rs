//! Reading one `/proc/meminfo` for `memlens free` and `memlens top`: from the machine, a file
//! (a bundle from `memlens collect` works too: its first meminfo is used) or standard input.

use std::io::Read;

use anyhow::{Context, Result};
use memlens_core::Source;
use memlens_core::account::MemInfoKib;
use memlens_core::input::{self, Diagnostics, Kind, Severity};
use memlens_core::parse::meminfo;

/// The machine's meminfo, read when no file is given.
pub const PROC_MEMINFO: &str = "/proc/meminfo";

/// Where the meminfo comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// This machine's `/proc/meminfo`: read again for every table `free -s`/`-c` prints.
    Live,
    /// A file: a snapshot that does not change.
    File(String),
    /// Standard input (`-`): a snapshot.
    Stdin,
}

impl Origin {
    /// `None` and `/proc/meminfo` are the machine; `-` is standard input; anything else a file.
    pub fn of(file: Option<&str>) -> Origin {
        match file {
            None | Some(PROC_MEMINFO) => Origin::Live,
            Some("-") => Origin::Stdin,
            Some(path) => Origin::File(path.to_string()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Origin::Live => PROC_MEMINFO,
            Origin::File(path) => path,
            Origin::Stdin => "<stdin>",
        }
    }
}

/// A meminfo as the tools read it, with what went wrong on the way.
#[derive(Debug)]
pub struct Loaded {
    pub mem: MemInfoKib,
    /// One line per diagnostic, ready for standard error.
    pub problems: Vec<String>,
    /// Whether a line could not be read (exit code 1).
    pub has_errors: bool,
}

/// Reads and parses the meminfo. `min_free_kbytes` is given by hand, or read from this machine
/// for a live read (procps 3.3.10–3.3.17 read it there when `MemAvailable` is missing).
pub fn load(origin: &Origin, min_free_kbytes: Option<u64>) -> Result<Loaded> {
    let text = read_text(origin)?;
    let source = match origin {
        Origin::Stdin => Source::paste(text),
        _ => Source::file(origin.name(), text),
    };
    let docs = input::read(std::slice::from_ref(&source), &[]);
    // A file of meminfo lines too short to be recognised is still read as one.
    let doc = docs
        .iter()
        .find(|d| d.kind == Kind::Meminfo)
        .or(match docs.as_slice() {
            [only] => Some(only),
            _ => None,
        });
    let Some(doc) = doc else {
        return Ok(Loaded {
            mem: MemInfoKib::default(),
            problems: vec![format!(
                "memlens: {}: no /proc/meminfo found (expected `MemTotal:  … kB` lines)",
                origin.name()
            )],
            has_errors: true,
        });
    };

    let mut diags = Diagnostics::new(doc.id);
    let parsed = meminfo::parse(doc, &mut diags);
    let name = doc.name.as_deref().unwrap_or(origin.name());
    let problems = diags
        .list
        .iter()
        .map(|d| {
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            };
            let line = d.line.map(|l| format!(":{l}")).unwrap_or_default();
            let expected = d
                .expected
                .as_ref()
                .map(|e| format!(" (expected {e})"))
                .unwrap_or_default();
            format!("memlens: {name}{line}: {severity}: {}{expected}", d.message)
        })
        .collect();
    let has_errors = diags.list.iter().any(|d| d.severity == Severity::Error);

    let mut mem = MemInfoKib::from_pairs(parsed.entries.iter().map(|e| (e.key.as_str(), e.value)));
    mem.min_free_kbytes = min_free_kbytes.or_else(|| match origin {
        Origin::Live => machine_min_free_kbytes(),
        _ => None,
    });
    Ok(Loaded {
        mem,
        problems,
        has_errors,
    })
}

fn read_text(origin: &Origin) -> Result<String> {
    let mut bytes = Vec::new();
    match origin {
        Origin::Stdin => {
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("reading standard input")?;
        }
        _ => {
            std::fs::File::open(origin.name())
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .with_context(|| format!("reading {}", origin.name()))?;
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn machine_min_free_kbytes() -> Option<u64> {
    std::fs::read_to_string("/proc/sys/vm/min_free_kbytes")
        .ok()
        .and_then(|text| text.trim().parse().ok())
}

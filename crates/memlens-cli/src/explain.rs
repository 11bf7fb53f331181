//! `memlens explain`: the report for files or standard input.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use memlens_core::Source;
use memlens_core::explain::{Settings, explain};
use memlens_core::render::{self, Style};

use crate::collect;

#[derive(clap::Args, Debug)]
#[command(after_long_help = EXPLAIN_EXAMPLES)]
pub struct Args {
    /// Files to read (meminfo, memory.stat, free/top output, kubectl tables, kubelet JSON, …);
    /// `-` reads standard input. A file's name names its document, as a `==> path <==` header
    /// would.
    #[arg(required_unless_present = "live", value_name = "FILE")]
    files: Vec<String>,

    /// Collect this machine's inputs first (what `memlens collect` prints) and explain them,
    /// with any FILEs given.
    #[arg(long)]
    live: bool,

    /// With --live: also fetch NODE's kubelet and API data with kubectl.
    #[arg(long, value_name = "NODE", requires = "live")]
    kubectl: Option<String>,

    /// With --live: read /proc and /sys under DIR (used by the tests).
    #[arg(long, value_name = "DIR", requires = "live", hide = true)]
    sysroot: Option<std::path::PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Set an assumption the data cannot settle, e.g. `kubelet=1.28`, `cgroup=v1`,
    /// `procps=3.3.17`, `eviction_hard=500Mi`. Repeatable.
    #[arg(long = "assume", value_name = "KEY=VALUE")]
    assume: Vec<String>,
}

pub const ABOUT: &str = "\
Explain pasted files: every tool's number recomputed from the raw inputs (with the formula and the \
input line of each term), how one tool's number walks to another's in exact steps, and ranked \
findings on why they differ.

Give any mix of files; a file may hold several pastes (`==> path <==` headers, `$ command` lines \
and Markdown fences separate them). What the data cannot settle is an assumption: the report says \
which value it used, and --assume sets it.

Exit code 0 for a report, 1 when a line of an input could not be read (the report is still \
printed, with the line named), 2 for a usage error.";

const EXPLAIN_EXAMPLES: &str = "\
Examples:
  memlens explain meminfo free.txt kubectl-top-node.txt
  ssh node-a 'cat /proc/meminfo /sys/fs/cgroup/memory.stat' | memlens explain -
  memlens explain --live --kubectl node-a       # this machine and its node object, in one step
  memlens explain --format markdown issue.txt   # a summary to paste into a ticket
  memlens explain --format json --assume kubelet=1.28 --assume procps=3.3.17 bundle.txt";

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Text,
    Markdown,
    Json,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut settings = Settings::default();
    for pair in &args.assume {
        let Some((key, value)) = pair.split_once('=') else {
            bail!("--assume {pair}: expected KEY=VALUE");
        };
        settings
            .assume
            .set(key.trim(), value.trim())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let mut sources = Vec::new();
    if args.live {
        let options = collect::Options {
            kubectl: args.kubectl.clone(),
            sysroot: args.sysroot.clone(),
        };
        let bundle = collect::collect(&options)?;
        for note in &bundle.notes {
            eprintln!("memlens collect: {note}");
        }
        sources.push(Source::paste(bundle.text()));
    }
    for file in &args.files {
        sources.push(read_source(file)?);
    }
    let report = explain(&sources, &settings);
    let rendered = match args.format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report).context("writing JSON")?;
            s.push('\n');
            s
        }
        Format::Markdown => render::markdown(&report),
        Format::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            render::text(&report, Style { color })
        }
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(rendered.as_bytes()) {
        // A reader that stopped early (`| head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.context("writing to standard output")?,
    }
    Ok(if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads one file, or standard input for `-`. Bytes that are not UTF-8 are replaced, so a
/// binary file becomes diagnostics rather than an error.
fn read_source(file: &str) -> Result<Source> {
    let mut bytes = Vec::new();
    if file == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        return Ok(Source::paste(String::from_utf8_lossy(&bytes).into_owned()));
    }
    std::fs::File::open(file)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .with_context(|| format!("reading {file}"))?;
    Ok(Source::file(
        file,
        String::from_utf8_lossy(&bytes).into_owned(),
    ))
}

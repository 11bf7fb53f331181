//! `memlens explain`: the report for files or standard input.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use memlens_core::Source;
use memlens_core::explain::{Settings, explain};
use memlens_core::render::{self, Style};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files to read (meminfo, memory.stat, free/top output, kubectl tables, kubelet JSON, …);
    /// `-` reads standard input. A file's name names its document, as a `==> path <==` header
    /// would.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Set an assumption the data cannot settle, e.g. `kubelet=1.28`, `cgroup=v1`,
    /// `procps=3.3.17`, `eviction_hard=500Mi`. Repeatable.
    #[arg(long = "assume", value_name = "KEY=VALUE")]
    assume: Vec<String>,
}

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
    stdout
        .write_all(rendered.as_bytes())
        .context("writing to standard output")?;
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

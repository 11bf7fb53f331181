//! `cargo xtask`: memlens's build, test and site commands.
//!
//! Every command first installs what it needs and is missing ([`tools`]), then runs its steps,
//! printing one line per step. What the steps print goes to `target/xtask-logs/`; a failed
//! step shows the end of its log and the log's path.

mod repo;
mod report;
mod site;
mod tools;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use crate::repo::Repo;
use crate::report::{Report, format_duration};
use crate::tools::Tool;

/// The address `cargo xtask serve` serves on; Trunk.toml says the same.
const SERVE_ADDRESS: &str = "http://127.0.0.1:8080/";

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Build, test and serve memlens")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Build the site and serve it on http://127.0.0.1:8080, rebuilding when a file changes.
    Serve,
    /// Check formatting and lints, run all tests, build the release site and test it in
    /// Chromium; print a summary.
    Test,
    /// Build the release site into dist/, ready for any static host and any sub-path.
    Dist,
    /// Take docs/screenshot.png of the page with a sample paste, for the README.
    Screenshot,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = Repo::here().and_then(|repo| match cli.command {
        Task::Serve => serve(&repo),
        Task::Test => test(&repo),
        Task::Dist => dist(&repo),
        Task::Screenshot => screenshot(&repo),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn serve(repo: &Repo) -> Result<()> {
    let report = Report::new(&repo.logs())?;
    tools::ensure(
        repo,
        &report,
        &[Tool::WasmTarget, Tool::Trunk, Tool::WasmBindgen],
    )?;

    println!("→ memlens at {SERVE_ADDRESS} (Trunk rebuilds on every change; reload the page)");
    // A development build, kept apart from the release build in dist/.
    let dist = repo.root.join("target").join("serve-dist");
    let status = repo
        .command("trunk")
        .args(["serve", "--offline", "--dist"])
        .arg(&dist)
        .status()
        .context("cannot start trunk serve")?;
    anyhow::ensure!(status.success(), "trunk serve exited with {status}");
    Ok(())
}

fn dist(repo: &Repo) -> Result<()> {
    let report = Report::new(&repo.logs())?;
    tools::ensure(repo, &report, &SITE_TOOLS)?;
    let sizes = site::build_release(repo, &report)?;
    println!(
        "→ {} holds the site ({} files), with relative URLs: copy it to any folder of any \
         static host.",
        repo.dist().display(),
        sizes.files
    );
    Ok(())
}

fn screenshot(repo: &Repo) -> Result<()> {
    let report = Report::new(&repo.logs())?;
    tools::ensure(repo, &report, &ALL_TOOLS)?;
    site::build_release(repo, &report)?;
    report.run(
        "screenshot",
        "screenshot",
        repo.command("node")
            .args(["tests/e2e/screenshot.mjs", "docs/screenshot.png"])
            .env("MEMLENS_DIST", repo.dist())
            .env("MEMLENS_CHROMIUM", tools::CHROMIUM),
    )?;
    println!("→ docs/screenshot.png");
    Ok(())
}

/// What building the release site needs.
const SITE_TOOLS: [Tool; 4] = [
    Tool::WasmTarget,
    Tool::Trunk,
    Tool::WasmBindgen,
    Tool::NpmPackages,
];
const ALL_TOOLS: [Tool; 5] = [
    Tool::WasmTarget,
    Tool::Trunk,
    Tool::WasmBindgen,
    Tool::NpmPackages,
    Tool::Chromium,
];

fn test(repo: &Repo) -> Result<()> {
    let report = Report::new(&repo.logs())?;
    // The summary counts tests from these logs: an earlier run's must not pass for this one's.
    for slug in ["cargo-test", "browser-tests"] {
        let _ = std::fs::remove_file(report.log_path(slug));
    }
    let result = test_steps(repo, &report);
    print_summary(repo, &report, result.as_ref().ok());
    result.map(|_| ())
}

/// What the summary reports beyond the steps' lines.
struct Outcome {
    sizes: site::Sizes,
    tools_took: Duration,
}

fn test_steps(repo: &Repo, report: &Report) -> Result<Outcome> {
    let started = Instant::now();
    tools::ensure(repo, report, &ALL_TOOLS)?;
    let tools_took = started.elapsed();

    report.run(
        "rustfmt",
        "rustfmt",
        repo.cargo().args(["fmt", "--all", "--check"]),
    )?;
    report.run(
        "clippy",
        "clippy",
        repo.cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    report.run(
        "clippy (wasm32)",
        "clippy-wasm32",
        repo.cargo().args([
            "clippy",
            "--package=memlens-core",
            "--package=memlens-web",
            "--all-targets",
            "--target=wasm32-unknown-unknown",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    report.run(
        "cargo test",
        "cargo-test",
        repo.cargo().args(["test", "--workspace", "--locked"]),
    )?;
    let sizes = site::build_release(repo, report)?;
    report.run(
        "browser tests",
        "browser-tests",
        repo.command("node")
            .args([
                "--test",
                "--test-concurrency=1",
                "--test-reporter=tap",
                "tests/e2e/",
            ])
            .env("MEMLENS_DIST", repo.dist())
            .env("MEMLENS_CHROMIUM", tools::CHROMIUM),
    )?;
    Ok(Outcome { sizes, tools_took })
}

fn print_summary(repo: &Repo, report: &Report, outcome: Option<&Outcome>) {
    let rust = cargo_test_counts(&read_log(report, "cargo-test"));
    let browser = node_test_counts(&read_log(report, "browser-tests"));

    println!();
    match outcome {
        Some(outcome) => {
            println!(
                "memlens: everything passed in {}",
                format_duration(report.elapsed())
            );
            println!(
                "  tools          checked in {}",
                format_duration(outcome.tools_took)
            );
            println!("  site           {}", outcome.sizes.describe());
            println!("                 in {}", repo.dist().display());
        }
        None => println!(
            "memlens: FAILED after {}",
            format_duration(report.elapsed())
        ),
    }
    if let Some((passed, failed)) = rust {
        println!("  cargo test     {passed} passed, {failed} failed");
    }
    for line in oracle_lines(&read_log(report, "cargo-test")) {
        println!("                 {line}");
    }
    if let Some((passed, failed)) = browser {
        println!("  browser tests  {passed} passed, {failed} failed");
    }
    println!("  logs           {}", repo.logs().display());

    // The closing line CI reads, when any test ran.
    let counted = [rust, browser].into_iter().flatten();
    if let Some((passed, failed)) =
        counted.reduce(|(p, f), (passed, failed)| (p + passed, f + failed))
    {
        println!("tests: {passed} passed, {failed} failed");
    }
}

fn read_log(report: &Report, slug: &str) -> String {
    std::fs::read_to_string(report.log_path(slug)).unwrap_or_default()
}

/// Adds up cargo test's `test result: ok. 12 passed; 0 failed; …` lines, one per test binary.
/// `None` when the log has none.
fn cargo_test_counts(log: &str) -> Option<(u64, u64)> {
    log.lines()
        .filter_map(|line| line.strip_prefix("test result:"))
        .fold(None, |total, line| {
            let (passed, failed) = total.unwrap_or((0, 0));
            Some((
                passed + number_before(line, " passed").unwrap_or(0),
                failed + number_before(line, " failed").unwrap_or(0),
            ))
        })
}

/// The one-line reports of the tests that compare memlens with the real `free`, `top` and
/// `kubectl` (what ran, or that they were skipped and why).
fn oracle_lines(log: &str) -> Vec<&str> {
    log.lines()
        .map(str::trim)
        .filter(|line| line.starts_with("procps oracle:") || line.starts_with("kubectl oracle:"))
        .collect()
}

/// Reads the end of node's TAP output: `# pass 6` and `# fail 0`.
fn node_test_counts(log: &str) -> Option<(u64, u64)> {
    let value = |key: &str| {
        log.lines()
            .find_map(|line| line.strip_prefix(key)?.trim().parse().ok())
    };
    Some((value("# pass ")?, value("# fail ")?))
}

/// The number that ends just before `word` in `text`: 12 in `ok. 12 passed`.
fn number_before(text: &str, word: &str) -> Option<u64> {
    let before = &text[..text.find(word)?];
    before
        .rsplit(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_test_counts_add_up_every_test_binary() {
        let cases: [(&str, Option<(u64, u64)>); 4] = [
            (
                "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out\n\
                 running 3 tests\n\
                 test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out",
                Some((14, 1)),
            ),
            (
                "test result: ok. 0 passed; 0 failed; 0 ignored",
                Some((0, 0)),
            ),
            ("running 0 tests\n", None),
            ("", None),
        ];
        for (log, expected) in cases {
            assert_eq!(cargo_test_counts(log), expected, "log:\n{log}");
        }
    }

    #[test]
    fn oracle_lines_are_picked_from_the_cargo_test_log() {
        let log = "running 2 tests\n\
                   procps oracle: procps-ng 4.0.2: 225 meminfo files, 17240 outputs compared\n\
                   test free_and_top_match_the_real_procps ... ok\n\
                   kubectl oracle: SKIPPED (MEMLENS_SKIP_ORACLES=1): no table was compared\n\
                   note: procps oracle: is not at the start\n";
        assert_eq!(
            oracle_lines(log),
            [
                "procps oracle: procps-ng 4.0.2: 225 meminfo files, 17240 outputs compared",
                "kubectl oracle: SKIPPED (MEMLENS_SKIP_ORACLES=1): no table was compared",
            ]
        );
    }

    #[test]
    fn node_test_counts_read_the_tap_summary() {
        let cases: [(&str, Option<(u64, u64)>); 3] = [
            (
                "# tests 7\n# suites 0\n# pass 6\n# fail 1\n# cancelled 0\n",
                Some((6, 1)),
            ),
            ("# pass 6\n", None),
            ("", None),
        ];
        for (log, expected) in cases {
            assert_eq!(node_test_counts(log), expected, "log:\n{log}");
        }
    }
}

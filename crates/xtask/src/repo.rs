//! The repository xtask works in, and the environment its tools run with.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

pub struct Repo {
    pub root: PathBuf,
    /// `PATH` for every command xtask runs: npm's tools (wasm-opt) first, then the binaries
    /// `cargo install` puts in Cargo's home (Trunk, wasm-bindgen), then the caller's `PATH`.
    path: OsString,
}

impl Repo {
    /// The repository this xtask was built from.
    pub fn here() -> Result<Repo> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .nth(2)
            .context("xtask is not in crates/xtask of a repository")?
            .to_path_buf();

        let mut dirs = vec![root.join("node_modules").join(".bin")];
        dirs.extend(cargo_home().map(|home| home.join("bin")));
        dirs.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        let path = std::env::join_paths(dirs).context("a PATH entry holds a ':'")?;

        Ok(Repo { root, path })
    }

    /// A command run in the repository's root with xtask's `PATH`.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        command.current_dir(&self.root).env("PATH", &self.path);
        command
    }

    /// The Cargo that runs xtask, so nested builds use the same toolchain.
    pub fn cargo(&self) -> Command {
        self.command(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
    }

    pub fn dist(&self) -> PathBuf {
        self.root.join("dist")
    }

    pub fn logs(&self) -> PathBuf {
        self.root.join("target").join("xtask-logs")
    }
}

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin`, by default `~/.cargo/bin`.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
}

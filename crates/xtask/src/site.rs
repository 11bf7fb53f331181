//! The web site: building it with Trunk and measuring what a browser downloads.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::write::GzEncoder;

use crate::repo::Repo;
use crate::report::{Report, format_size};

/// What `dist/` holds that a browser downloads, raw and gzipped, in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sizes {
    pub files: usize,
    pub wasm: u64,
    pub wasm_gz: u64,
    pub js: u64,
    pub js_gz: u64,
}

impl Sizes {
    pub fn describe(&self) -> String {
        format!(
            "wasm {} ({} gzipped), js {} ({} gzipped)",
            format_size(self.wasm),
            format_size(self.wasm_gz),
            format_size(self.js),
            format_size(self.js_gz)
        )
    }
}

/// Builds the release site into `dist/`: `trunk build --release --offline`, with wasm-opt.
pub fn build_release(repo: &Repo, report: &Report) -> Result<Sizes> {
    let name = "site (trunk build --release)";
    let started = Instant::now();
    let log = report.log_path("site");
    let mut trunk = repo.command("trunk");
    trunk.args(["build", "--release", "--offline"]);
    if let Err(err) = crate::report::run_logged(&mut trunk, &log) {
        report.failed(name, started.elapsed(), &log, &err.to_string());
        bail!("the site build failed (log: {})", log.display());
    }

    let sizes = measure(&repo.dist())?;
    report.done(name, started.elapsed(), &sizes.describe());
    Ok(sizes)
}

/// Adds up the wasm and JavaScript files in `dist`, each gzipped on its own as a static host
/// would send it.
pub fn measure(dist: &Path) -> Result<Sizes> {
    let mut sizes = Sizes::default();
    let entries =
        std::fs::read_dir(dist).with_context(|| format!("cannot read {}", dist.display()))?;
    for entry in entries {
        let path = entry?.path();
        if !path.is_file() {
            continue;
        }
        sizes.files += 1;
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        let (raw, gz) = match extension {
            "wasm" => (&mut sizes.wasm, &mut sizes.wasm_gz),
            "js" => (&mut sizes.js, &mut sizes.js_gz),
            _ => continue,
        };
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        *raw += bytes.len() as u64;
        *gz += gzipped_len(&bytes)?;
    }
    Ok(sizes)
}

fn gzipped_len(bytes: &[u8]) -> Result<u64> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_size_counts_the_header_and_shrinks_repetition() {
        // 10 bytes of header, 2 of an empty final block, 8 of CRC and length.
        assert_eq!(gzipped_len(b"").ok(), Some(20));
        let repetitive = gzipped_len(&[b'a'; 10_000]).unwrap_or(u64::MAX);
        assert!(
            repetitive < 100,
            "10 000 equal bytes gzip to {repetitive} bytes"
        );
    }
}

//! One line on the console per step; everything a step prints goes to its log file.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// How many lines of a failed step's log are shown on the console.
const TAIL_LINES: usize = 25;

/// Prints the steps of one command and knows where their logs go.
pub struct Report {
    logs: PathBuf,
    started: Instant,
}

impl Report {
    pub fn new(logs: &Path) -> Result<Report> {
        std::fs::create_dir_all(logs)
            .with_context(|| format!("cannot create the log folder {}", logs.display()))?;
        Ok(Report {
            logs: logs.to_path_buf(),
            started: Instant::now(),
        })
    }

    /// The file a step writes its output to: `target/xtask-logs/<slug>.log`.
    pub fn log_path(&self, slug: &str) -> PathBuf {
        self.logs.join(format!("{slug}.log"))
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Runs `command` as the step `name`, its output going to the log `slug`, and prints one
    /// line. A failure prints the end of the log and its path, and is returned as an error.
    pub fn run(&self, name: &str, slug: &str, command: &mut Command) -> Result<()> {
        let started = Instant::now();
        let log = self.log_path(slug);
        if let Err(err) = run_logged(command, &log) {
            self.failed(name, started.elapsed(), &log, &err.to_string());
            bail!("{name} failed (log: {})", log.display());
        }
        self.done(name, started.elapsed(), "");
        Ok(())
    }

    /// Prints the line of a step that went well.
    pub fn done(&self, name: &str, took: Duration, detail: &str) {
        let line = format!("✓ {name:<28} {:>7}  {detail}", format_duration(took));
        println!("{}", line.trim_end());
    }

    /// Prints the line of a failed step with the end of its log.
    pub fn failed(&self, name: &str, took: Duration, log: &Path, why: &str) {
        println!("✗ {name:<28} {:>7}  {why}", format_duration(took));
        let tail = last_lines(log, TAIL_LINES);
        if !tail.is_empty() {
            println!("  ┌ the end of {}", log.display());
            for line in tail {
                println!("  │ {line}");
            }
            println!("  └ the whole log: {}", log.display());
        }
    }
}

/// Runs a command with its stdout and stderr appended to `log`, which starts with the command
/// line. Fails when the command cannot start or exits non-zero.
pub fn run_logged(command: &mut Command, log: &Path) -> Result<()> {
    let mut file =
        File::create(log).with_context(|| format!("cannot create the log {}", log.display()))?;
    writeln!(file, "$ {}\n", describe(command))?;
    let stdout = file.try_clone()?;
    let status = command
        .stdin(Stdio::null())
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(file))
        .status()
        .with_context(|| format!("cannot start {}", describe(command)))?;
    if !status.success() {
        bail!("{} exited with {status}", program_name(command));
    }
    Ok(())
}

/// Runs a command and returns its standard output, or `None` when it cannot run or fails.
pub fn output_of(command: &mut Command) -> Option<String> {
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

/// The command line, for logs and messages.
pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

fn program_name(command: &Command) -> String {
    let program = Path::new(command.get_program());
    program
        .file_name()
        .unwrap_or(program.as_os_str())
        .to_string_lossy()
        .into_owned()
}

fn last_lines(path: &Path, count: usize) -> Vec<String> {
    let Ok(file) = File::open(path) else {
        return Vec::new();
    };
    let lines: Vec<String> = BufReader::new(file)
        .lines()
        .map_while(io::Result::ok)
        .collect();
    lines[lines.len().saturating_sub(count)..].to_vec()
}

/// `0.8s`, `12.3s`, `2m05s`.
pub fn format_duration(took: Duration) -> String {
    let seconds = took.as_secs_f64();
    if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else {
        let whole = took.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

/// `812 B`, `45.6 KiB`, `1.20 MiB`.
pub fn format_size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let value = bytes as f64;
    if value < KIB {
        format!("{bytes} B")
    } else if value < KIB * KIB {
        format!("{:.1} KiB", value / KIB)
    } else {
        format!("{:.2} MiB", value / (KIB * KIB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_at_a_glance() {
        let cases = [
            (800, "0.8s"),
            (12_340, "12.3s"),
            (125_000, "2m05s"),
            (3_600_000, "60m00s"),
        ];
        for (millis, expected) in cases {
            let actual = format_duration(Duration::from_millis(millis));
            assert_eq!(actual, expected, "{millis} ms");
        }
    }

    #[test]
    fn sizes_read_at_a_glance() {
        let cases = [
            (812, "812 B"),
            (46_694, "45.6 KiB"),
            (1_258_291, "1.20 MiB"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(format_size(bytes), expected, "{bytes} bytes");
        }
    }
}

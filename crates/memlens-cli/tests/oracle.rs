//! The machine's own tools as oracles for the built binary.
//!
//! `memlens free` and `memlens top` are compared with the real procps-ng `free` and `top` on one
//! snapshot of this machine's `/proc/meminfo`: the snapshot is copied to a file and bind-mounted
//! over `/proc/meminfo` in a private mount namespace (`unshare -m`), so both read the same
//! numbers. Standard output, standard error and the exit code must be identical.
//!
//! `memlens explain --live` is compared with the kernel's `MemTotal` and with the real `free -b`
//! read just before and just after it.
//!
//! Needs root and `unshare(1)` (CI has both) and procps-ng 4.0.1 or later. With
//! `MEMLENS_SKIP_ORACLES=1` the tests are skipped; otherwise a machine where they cannot run fails
//! them with a message.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_memlens");

/// `free` command lines compared byte for byte, refused ones included.
const FREE_ARGS: &[&[&str]] = &[
    &[],
    &["-b"],
    &["-k"],
    &["-m"],
    &["-g"],
    &["--tebi"],
    &["--kilo"],
    &["--mega"],
    &["--giga"],
    &["--si"],
    &["-h"],
    &["-h", "--si"],
    &["-w"],
    &["-t"],
    &["-v"],
    &["-l"],
    &["-hwtvl"],
    &["-m", "-w", "-t", "-v"],
    &["--gib", "--tot"],
    &["-c", "2", "-s", "0.01"],
    &["-mc", "3", "-s0.01"],
    &["-V"],
    // Refused: free's message, its usage text where it prints it, exit code 1.
    &["-x"],
    &["--me"],
    &["-m", "-g"],
    &["--si=3"],
    &["-s"],
    &["--count"],
    &["-c", "0"],
    &["-c", "x"],
    &["-s", "1e-7"],
    &["-s", "-1"],
    &["--t"],
    &["-m", "extra"],
];

fn skip() -> bool {
    std::env::var("MEMLENS_SKIP_ORACLES").is_ok_and(|v| v == "1")
}

fn quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''"))
}

/// A private copy of this machine's `/proc/meminfo` and a place for outputs.
struct Snapshot {
    dir: PathBuf,
    meminfo: PathBuf,
}

impl Snapshot {
    fn take(tag: &str) -> Snapshot {
        let dir = std::env::temp_dir().join(format!("memlens-oracle-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
        let meminfo = dir.join("meminfo");
        let text = std::fs::read_to_string("/proc/meminfo")
            .unwrap_or_else(|e| panic!("reading /proc/meminfo: {e}"));
        std::fs::write(&meminfo, text).unwrap_or_else(|e| panic!("{meminfo:?}: {e}"));
        Snapshot { dir, meminfo }
    }

    /// Runs `script` in a private mount namespace with the snapshot over `/proc/meminfo`.
    fn run_real(&self, script: &str) {
        let full = format!(
            "mount --bind {} /proc/meminfo || exit 97\n{script}",
            quote(&self.meminfo.to_string_lossy())
        );
        let status = Command::new("unshare")
            .args(["-m", "sh", "-c", &full])
            .env("LC_ALL", "C")
            .env("HOME", &self.dir)
            .env("XDG_CONFIG_HOME", &self.dir)
            .env_remove("COLUMNS")
            .env_remove("LINES")
            .status();
        let problem = match status {
            Ok(s) if s.success() => return,
            Ok(s) if s.code() == Some(97) => "mount --bind over /proc/meminfo failed".to_string(),
            Ok(s) => format!("unshare -m exited with {:?}", s.code()),
            Err(e) => format!("cannot run unshare: {e}"),
        };
        panic!(
            "the oracle could not run ({problem}). It needs root and unshare(1) to bind-mount a \
             snapshot over /proc/meminfo; set MEMLENS_SKIP_ORACLES=1 to skip it."
        );
    }

    fn read(&self, name: &str) -> String {
        let path = self.dir.join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| format!("<cannot read {path:?}: {e}>"))
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn memlens(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("LC_ALL", "C")
        .output()
        .unwrap_or_else(|e| panic!("running {BIN}: {e}"))
}

/// The real free's release, to copy it.
fn real_free_version() -> String {
    let output = Command::new("free")
        .arg("-V")
        .output()
        .unwrap_or_else(|e| panic!("running free -V: {e}"));
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.trim().rsplit(' ').next().unwrap_or("").to_string();
    assert!(
        version.starts_with('4'),
        "these oracles need procps-ng 4.x, found {text:?}"
    );
    version
}

#[test]
fn memlens_free_and_top_print_what_the_real_ones_print() {
    if skip() {
        return;
    }
    let version = real_free_version();
    let snapshot = Snapshot::take("free");
    let out = |name: String| quote(&snapshot.dir.join(name).to_string_lossy());

    let mut script = String::new();
    for (n, args) in FREE_ARGS.iter().enumerate() {
        let args: Vec<String> = args.iter().map(|a| quote(a)).collect();
        script.push_str(&format!(
            "free {} > {} 2> {}; echo $? > {}\n",
            args.join(" "),
            out(format!("free.{n}.out")),
            out(format!("free.{n}.err")),
            out(format!("free.{n}.code")),
        ));
    }
    let scales = ["k", "m", "g", "t", "p", "e"];
    for scale in scales {
        script.push_str(&format!(
            "top -bn1 -E {scale} | sed -n 4,5p > {}\n",
            out(format!("top.{scale}"))
        ));
    }
    snapshot.run_real(&script);

    let file = snapshot.meminfo.to_string_lossy().into_owned();
    let mut failures = Vec::new();
    let mut compared = 0;
    for (n, args) in FREE_ARGS.iter().enumerate() {
        // FILE first: after a trailing `-s` it would be read as the seconds, as free reads it.
        let mut ours: Vec<&str> = vec!["free", "--procps", &version, &file];
        ours.extend(args.iter());
        let got = memlens(&ours);
        let want_code = snapshot.read(&format!("free.{n}.code"));
        let got_code = got.status.code().map(|c| c.to_string()).unwrap_or_default();
        for (what, want, got) in [
            (
                "stdout",
                snapshot.read(&format!("free.{n}.out")),
                got.stdout.clone(),
            ),
            (
                "stderr",
                snapshot.read(&format!("free.{n}.err")),
                got.stderr.clone(),
            ),
            (
                "exit code",
                want_code.trim().to_string(),
                got_code.into_bytes(),
            ),
        ] {
            compared += 1;
            let got = String::from_utf8_lossy(&got).into_owned();
            if want != got {
                failures.push(format!(
                    "free {} — {what}\n--- real free\n{want}\n--- memlens\n{got}\n---",
                    args.join(" ")
                ));
            }
        }
    }
    for scale in scales {
        let got = memlens(&["top", "--procps", &version, "-E", scale, &file]);
        let want = snapshot.read(&format!("top.{scale}"));
        let got = String::from_utf8_lossy(&got.stdout).into_owned();
        compared += 1;
        if want != got {
            failures.push(format!(
                "top -E {scale}\n--- real top\n{want}--- memlens\n{got}---"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} outputs differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `MemTotal` of this machine, in KiB.
fn mem_total_kib() -> u64 {
    let text = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_else(|e| panic!("reading /proc/meminfo: {e}"));
    text.lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no MemTotal in /proc/meminfo"))
}

/// The real `free -b`'s `Mem:` row: total, used, free, shared, buff/cache, available.
fn real_free_bytes() -> Vec<u64> {
    let output = Command::new("free")
        .arg("-b")
        .output()
        .unwrap_or_else(|e| panic!("running free -b: {e}"));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("Mem:"))
        .map(|row| {
            row.split_whitespace()
                .filter_map(|v| v.parse().ok())
                .collect()
        })
        .unwrap_or_else(|| panic!("no Mem: row in free -b:\n{text}"))
}

fn quantity(report: &Value, id: &str) -> Option<u64> {
    report["quantities"]
        .as_array()?
        .iter()
        .find(|q| q["id"] == id)?["value"]
        .as_u64()
}

#[test]
fn explain_live_agrees_with_the_kernel_and_with_free() {
    if skip() {
        return;
    }
    real_free_version();
    // Memory moves while other programs run; what moves between two reads of free bounds what
    // may differ. A few tries absorb a burst (another build starting between the reads).
    const SLACK: u64 = 16 << 20;
    let mut last = String::new();
    for _ in 0..5 {
        let before = real_free_bytes();
        let output = memlens(&["explain", "--live", "--format", "json"]);
        let after = real_free_bytes();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("explain --live --format json: not JSON ({e})"));

        let total = mem_total_kib() * 1024;
        assert_eq!(quantity(&report, "procps.total_bytes"), Some(total));
        assert_eq!(quantity(&report, "node.capacity_bytes"), Some(total));
        assert_eq!(before.first().copied(), Some(total), "free -b total");

        // procps-ng 4: used = total − available, to the byte within what moved.
        let used = quantity(&report, "procps.used_bytes.v4").unwrap_or(0);
        let (Some(&a), Some(&b)) = (before.get(1), after.get(1)) else {
            panic!("free -b has no used column: {before:?}");
        };
        let (low, high) = (a.min(b).saturating_sub(SLACK), a.max(b) + SLACK);
        if (low..=high).contains(&used) {
            return;
        }
        last = format!("free -b used {a} then {b}; explain --live says {used}");
    }
    panic!("explain --live disagrees with free -b: {last}");
}

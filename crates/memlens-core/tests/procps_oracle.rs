//! The real `free` and `top` as oracles: every meminfo file below is bind-mounted over
//! `/proc/meminfo` in a private mount namespace (`unshare -m`), the machine's procps-ng 4.x
//! runs with every memory-output flag combination, and every output must equal, byte for byte,
//! what `memlens_core::account::procps` predicts for that release.
//!
//! The files come from a deterministic generator (a fixed-seed SplitMix64, no clock): the
//! field pastes, hand-written cases, a product of the situations that matter (no
//! `MemAvailable`, `MemAvailable` zero, equal to or above `MemTotal`, `used` going negative, no
//! swap, swap free above total; totals from 0 KiB to past 2^63 bytes), files whose every value
//! sits next to a boundary of `free -h`, of `free`'s unit flags or of a `top` cell, and files
//! that print negative values next to `free -h` boundaries.
//!
//! One `unshare` runs one file: a shell script starts `top -bn1 -E k|m|g|t|p|e` in the
//! background, runs all `free` command lines, each followed by a marker line carrying its exit
//! status, then prints the `top` outputs. Files run on as many threads as there are cores.
//!
//! Needs root (CI has it) and procps-ng ≥ 4.0.1 on the PATH. With `MEMLENS_SKIP_ORACLES=1` the
//! test says it skipped; otherwise a machine where `unshare` cannot run fails it with a message.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use memlens_core::account::MemInfoKib;
use memlens_core::account::procps::{
    FreeArgError, FreeFlags, ProcpsGeneration, ProcpsVersion, TopScale, free_columns, free_text,
    top_lines,
};

/// The marker the script prints after each output (ASCII record separator), then the status.
const MARK: char = '\u{1e}';

/// `free`'s unit flags: none, then the binary ones, then the SI ones.
const UNITS: &[&str] = &[
    "", "-b", "-k", "-m", "-g", "--tebi", "--pebi", "--kilo", "--mega", "--giga", "--tera",
    "--peta",
];

/// The flags that add rows (`-t`, `-v`, `-l`) or columns (`-w`) without changing how a number
/// is printed.
const ROW_FLAGS: [&str; 4] = ["-w", "-t", "-v", "-l"];

/// Other spellings and clusters `free` accepts; each file runs three of them, in turn. `-s`
/// always comes with `-c`, or `free` would loop forever.
const SPELLINGS: &[&[&str]] = &[
    &["--bytes"],
    &["--kibi", "-w"],
    &["--mebi", "--total"],
    &["--gibi", "--lohi"],
    &["--human"],
    &["--human", "--si", "--wide"],
    &["--wide", "--total", "--committed", "--lohi"],
    &["-htwvl"],
    &["-bt"],
    &["--tot", "--wi"],
    &["--hu", "--gi"],
    &["--sec=0.01", "--cou=2"],
    &["-c", "2", "-s", "0.01"],
    &["-s0.01", "-c2", "-w"],
    &["--count=2", "--seconds", "0.001", "-h"],
    &["-c", "1"],
    &["--"],
    &["-h", "--"],
    &["--peta", "-h"],
    &["--kilo", "-h", "-w"],
    &["--si", "--si"],
    &["-h", "-h", "-t"],
    &["--tera", "--si", "-t"],
    &["-lhv"],
    &["-kw"],
    &["-mt"],
    &["-gl"],
    &["--si", "-k"],
    &["--si", "-b", "-h"],
];

/// Command lines `free` refuses. They are refused before `/proc/meminfo` is read, so they run
/// with a few files only; the first line of the output and whether the usage text follows
/// are compared.
const REFUSED: &[&[&str]] = &[
    &["-x"],
    &["-hx"],
    &["--me"],
    &["--t"],
    &["--c"],
    &["--foo"],
    &["-m", "-g"],
    &["--kilo", "--mebi"],
    &["-b", "--bytes"],
    &["-h", "--si", "--giga", "--giga"],
    &["--si=3"],
    &["--human=1"],
    &["-s"],
    &["-c"],
    &["--seconds"],
    &["--count"],
    &["-c", "0"],
    &["-c", "-1"],
    &["-c", "abc"],
    &["-c", "99999999999999999999"],
    &["-s", "1e-7"],
    &["-s", "0"],
    &["-s", "-1"],
    &["-s", "abc"],
    &["-s", "1.5x"],
    &["-s", "0.0000001"],
    &["foo"],
    &["-w", "bar"],
];

/// Which files run the refused command lines.
fn runs_refused(index: usize) -> bool {
    index.is_multiple_of(50)
}

/// A deterministic generator: SplitMix64 with a fixed seed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        let span = u128::from(high.saturating_sub(low)) + 1;
        low + (u128::from(self.next()) % span) as u64
    }

    /// `value × n / 1000` for a random n in `0..=1000`.
    fn share(&mut self, value: u64) -> u64 {
        (u128::from(value) * u128::from(self.between(0, 1000)) / 1000) as u64
    }
}

/// One meminfo file: `(key, value, has the kB unit)` lines, in order.
struct Case {
    name: String,
    lines: Vec<(String, u64, bool)>,
}

impl Case {
    fn new(name: &str, lines: &[(&str, u64)]) -> Case {
        Case {
            name: name.into(),
            lines: lines
                .iter()
                .map(|(k, v)| (k.to_string(), *v, !k.starts_with("HugePages_")))
                .collect(),
        }
    }

    /// Reads a pasted meminfo (prompt lines and a cut last line are skipped).
    fn from_paste(name: &str, text: &str) -> Case {
        let lines = text
            .lines()
            .filter_map(|line| {
                let (key, rest) = line.split_once(':')?;
                let mut words = rest.split_whitespace();
                let value = words.next()?.parse::<u64>().ok()?;
                Some((key.trim().to_string(), value, words.next() == Some("kB")))
            })
            .collect();
        Case {
            name: name.into(),
            lines,
        }
    }

    fn file_text(&self) -> String {
        let mut text = String::new();
        for (key, value, kb) in &self.lines {
            let unit = if *kb { " kB" } else { "" };
            let _ = writeln!(text, "{:<16}{value:>8}{unit}", format!("{key}:"));
        }
        text
    }

    fn mem(&self) -> MemInfoKib {
        MemInfoKib::from_pairs(self.lines.iter().map(|(k, v, _)| (k.as_str(), *v)))
    }
}

/// KiB values next to every boundary where the printed text changes: for `free -h` (both bases,
/// K to E) the values just below, at and just above 0.05, 0.95, 1, the exact ties 1.25 and
/// 1.75, 9.95, 10, 99.95, 100, 999.5, 1000, 1023.75, 1024 and 9999.5 units, which also sit on
/// the truncation of `-b`…`--peta`; for `top` (KiB to EiB) the same around 0.05, 0.25, 9.95, its
/// 9-character cell limit and float precision; and the ends of u64 and i64 once multiplied by
/// 1024.
fn ladder() -> Vec<u64> {
    let mut values = BTreeSet::new();
    let mut around = |kib: u128| {
        for delta in [-1i128, 0, 1] {
            let value = kib as i128 + delta;
            if let Ok(value) = u64::try_from(value) {
                values.insert(value);
            }
        }
    };
    const FREE_THRESHOLDS: [(u128, u128); 15] = [
        (1, 20),
        (95, 100),
        (1, 1),
        (5, 4),
        (7, 4),
        (995, 100),
        (10, 1),
        (9995, 100),
        (100, 1),
        (1999, 2),
        (1000, 1),
        (4095, 4),
        (1024, 1),
        (19999, 2),
        (10_000, 1),
    ];
    for base in [1000u128, 1024] {
        for step in 1..=6 {
            let unit = base.pow(step);
            for (numerator, denominator) in FREE_THRESHOLDS {
                around(unit * numerator / denominator / 1024);
            }
        }
    }
    const TOP_THRESHOLDS: [(u128, u128); 7] = [
        (1, 20),
        (1, 4),
        (995, 100),
        (99_995, 10),
        (19_999_999, 20),
        (1_000_000, 1),
        (100_000_000, 1),
    ];
    for scale in 0..=5 {
        let divisor = 1024u128.pow(scale);
        for (numerator, denominator) in TOP_THRESHOLDS {
            around(divisor * numerator / denominator);
        }
    }
    // f32 and f64 precision, and KiB × 1024 past i64 and u64.
    for kib in [
        1u128 << 24,
        1 << 53,
        1 << 54,
        (1 << 63) / 1024,
        (1 << 64) / 1024,
    ] {
        around(kib);
    }
    around(u128::from(u64::MAX));
    values.into_iter().collect()
}

/// Where `MemAvailable` stands.
#[derive(Clone, Copy, Debug)]
enum Available {
    Below,
    Absent,
    Zero,
    EqualToTotal,
    AboveTotal,
    /// `MemFree` above `MemTotal` with `MemAvailable` absent, 0 or above `MemTotal`: 4.x
    /// computes `used = MemTotal − MemFree`, which is negative.
    UsedNegative,
}

#[derive(Clone, Copy, Debug)]
enum Swap {
    NoLines,
    Zero,
    InUse,
    FreeAboveTotal,
}

/// The range `MemTotal` is drawn from, in KiB.
const SIZES: [(&str, u64, u64); 6] = [
    ("tiny", 0, 2_048),
    ("small", 1 << 16, 1 << 20),
    ("typical", 1 << 21, 1 << 26),
    ("large", 1 << 30, 1 << 34),
    ("huge (bytes past 2^53)", 1 << 43, 1 << 50),
    ("extreme (bytes past 2^63)", 1 << 53, u64::MAX),
];

fn situation_case(
    rng: &mut SplitMix64,
    available: Available,
    swap: Swap,
    size: (&str, u64, u64),
) -> Case {
    let (size_name, low, high) = size;
    let total = rng.between(low, high);
    let mut free = rng.share(total);
    let buffers = rng.share(total / 20);
    let cached = rng.share(total / 2);
    let shmem = rng.share(cached);
    let reclaimable = rng.share(total / 50);
    let mem_available = match available {
        Available::Below => Some(rng.between(free, total)),
        Available::Absent => None,
        Available::Zero => Some(0),
        Available::EqualToTotal => Some(total),
        Available::AboveTotal => Some(total.saturating_add(rng.between(1, total.max(1)))),
        Available::UsedNegative => {
            free = total.saturating_add(rng.between(1, total.max(1024)));
            [None, Some(0), Some(free.saturating_add(1))][(rng.next() % 3) as usize]
        }
    };
    let swap_total = match swap {
        Swap::NoLines => None,
        Swap::Zero => Some(0),
        Swap::InUse | Swap::FreeAboveTotal => Some(rng.between(low / 4, high / 2)),
    };
    let swap_free = match (swap, swap_total) {
        (Swap::FreeAboveTotal, Some(total)) => {
            Some(total.saturating_add(rng.between(1, total.max(1))))
        }
        (_, Some(total)) => Some(rng.share(total)),
        (_, None) => None,
    };
    let commit_limit = (total / 2).saturating_add(swap_total.unwrap_or(0));
    let committed = rng.share(commit_limit.saturating_mul(2));

    let mut lines = vec![("MemTotal", total), ("MemFree", free)];
    if let Some(value) = mem_available {
        lines.push(("MemAvailable", value));
    }
    lines.extend([
        ("Buffers", buffers),
        ("Cached", cached),
        ("SwapCached", 0),
        ("Active(file)", rng.share(cached)),
        ("Inactive(file)", rng.share(cached)),
    ]);
    if let (Some(total), Some(free)) = (swap_total, swap_free) {
        lines.extend([("SwapTotal", total), ("SwapFree", free)]);
    }
    lines.extend([
        ("Shmem", shmem),
        ("Slab", reclaimable.saturating_mul(2)),
        ("SReclaimable", reclaimable),
        ("CommitLimit", commit_limit),
        ("Committed_AS", committed),
        ("HugePages_Total", 0),
        ("Hugepagesize", 2_048),
    ]);
    Case::new(
        &format!("situation: {available:?} available, swap {swap:?}, {size_name} total"),
        &lines,
    )
}

/// The fields a ladder file fills, each printed as it is somewhere (`MemAvailable` only when
/// it is not above `MemTotal`).
const LADDER_FIELDS: [&str; 14] = [
    "MemTotal",
    "MemFree",
    "MemAvailable",
    "Buffers",
    "Cached",
    "Shmem",
    "SwapTotal",
    "SwapFree",
    "CommitLimit",
    "Committed_AS",
    "LowTotal",
    "LowFree",
    "HighTotal",
    "HighFree",
];

fn hand_cases() -> Vec<Case> {
    vec![
        Case::from_paste(
            "field C07",
            include_str!("../../../tests/fixtures/field/C07/meminfo"),
        ),
        Case::from_paste(
            "field C08",
            include_str!("../../../tests/fixtures/field/C08/meminfo"),
        ),
        Case::from_paste(
            "field C30",
            include_str!("../../../tests/fixtures/field/C30/meminfo"),
        ),
        Case::new(
            "MemAvailable 0 and swap in use",
            &[
                ("MemTotal", 2_048_000),
                ("MemFree", 1_000_000),
                ("MemAvailable", 0),
                ("Buffers", 20_480),
                ("Cached", 500_000),
                ("SwapCached", 1_234),
                ("SwapTotal", 8_388_604),
                ("SwapFree", 1_234_567),
                ("Shmem", 4_096),
                ("SReclaimable", 30_000),
            ],
        ),
        Case::new(
            "commit over the limit, Low and High lines, HighFree above HighTotal",
            &[
                ("MemTotal", 3_000_000),
                ("MemFree", 200_000),
                ("MemAvailable", 1_500_000),
                ("Buffers", 1_000),
                ("Cached", 900_000),
                ("LowTotal", 900_000),
                ("LowFree", 100_000),
                ("HighTotal", 2_100_000),
                ("HighFree", 2_200_000),
                ("CommitLimit", 100),
                ("Committed_AS", 300_000),
            ],
        ),
        Case::new(
            "repeated line, MemFree above MemTotal",
            &[
                ("MemTotal", 1_000),
                ("MemFree", 5_000),
                ("MemFree", 2_000),
                ("MemAvailable", 900),
                ("SwapTotal", 10),
                ("SwapFree", 20),
            ],
        ),
        Case::new("MemTotal only", &[("MemTotal", 1)]),
        Case::new(
            "all zero",
            &[("MemTotal", 0), ("MemFree", 0), ("MemAvailable", 0)],
        ),
        Case::new(
            "buffers and cache above MemTotal",
            &[
                ("MemTotal", 1_048_576),
                ("MemFree", 524_288),
                ("MemAvailable", 600_000),
                ("Buffers", 700_000),
                ("Cached", 900_000),
                ("SReclaimable", 100_000),
            ],
        ),
    ]
}

/// Negative values next to `free -h` boundaries (0.95, 1, 9.95, 10, 999.5 and 1024 units of
/// K, M and G, both bases, and one KiB more): 4.x prints `used` negative when `MemFree` is above
/// `MemTotal` and `MemAvailable` is 0, and the `Comm:` row's free when `Committed_AS` is above
/// `CommitLimit`. Each file carries two.
fn negative_cases() -> Vec<Case> {
    let mut values = BTreeSet::new();
    for base in [1000u64, 1024] {
        for step in 1..=3 {
            let unit = base.pow(step);
            for (numerator, denominator) in [(95, 100), (1, 1), (995, 100), (10, 1), (1999, 2)]
                .into_iter()
                .chain([(1024, 1)])
            {
                let kib = unit * numerator / denominator / 1024;
                values.extend([kib, kib + 1]);
            }
        }
    }
    let values: Vec<u64> = values.into_iter().filter(|v| *v > 0).collect();
    let total = 4_194_304;
    let limit = 1_000_000;
    values
        .chunks(2)
        .enumerate()
        .map(|(index, pair)| {
            let used = pair.first().copied().unwrap_or(1);
            let commit = pair.get(1).copied().unwrap_or(used);
            Case::new(
                &format!("negative boundary values {index}"),
                &[
                    ("MemTotal", total),
                    ("MemFree", total + used),
                    ("MemAvailable", 0),
                    ("Buffers", 0),
                    ("Cached", 0),
                    ("SwapTotal", 0),
                    ("SwapFree", 0),
                    ("CommitLimit", limit),
                    ("Committed_AS", limit + commit),
                ],
            )
        })
        .collect()
}

/// Every meminfo file the oracle runs, in a fixed order.
fn cases() -> Vec<Case> {
    let mut rng = SplitMix64(0x006d_656d_6c65_6e73);
    let mut cases = hand_cases();

    for available in [
        Available::Below,
        Available::Absent,
        Available::Zero,
        Available::EqualToTotal,
        Available::AboveTotal,
        Available::UsedNegative,
    ] {
        for swap in [Swap::NoLines, Swap::Zero, Swap::InUse, Swap::FreeAboveTotal] {
            for size in SIZES {
                cases.push(situation_case(&mut rng, available, swap, size));
            }
        }
    }

    cases.extend(negative_cases());

    // Each ladder value twice, in two shuffles, so it lands in two different fields.
    let ladder = ladder();
    for pass in 0..2 {
        let mut order = ladder.clone();
        for i in (1..order.len()).rev() {
            order.swap(i, (rng.next() % (i as u64 + 1)) as usize);
        }
        for (chunk_index, chunk) in order.chunks(LADDER_FIELDS.len()).enumerate() {
            let lines: Vec<(&str, u64)> = LADDER_FIELDS
                .iter()
                .zip(chunk.iter().chain(chunk.iter().cycle()))
                .map(|(field, value)| (*field, *value))
                .collect();
            cases.push(Case::new(
                &format!("boundary values {pass}.{chunk_index}"),
                &lines,
            ));
        }
    }
    cases
}

/// The `free` command lines run for the file at `index`:
/// - the 48 ways of printing a number (12 units × `-h` × `--si`), each with `-w -t -v -l`;
/// - 12 of them (a quarter, rotating) narrow, with `-t -v -l`, for the `buff/cache` sum;
/// - 7 of the other 14 row and column combinations (`-w`, `-t`, `-v`, `-l` on or off) with one
///   of the 48, rotating, so that every one of the 768 combinations runs on some files;
/// - three other spellings, in turn; and, on some files, the refused command lines.
fn free_commands(index: usize) -> Vec<Vec<&'static str>> {
    let mut formats = Vec::new();
    for unit in UNITS {
        for human in [None, Some("-h")] {
            for si in [None, Some("--si")] {
                let format: Vec<&str> = [Some(*unit).filter(|u| !u.is_empty()), human, si]
                    .into_iter()
                    .flatten()
                    .collect();
                formats.push(format);
            }
        }
    }
    let rows = |mask: usize| -> Vec<&'static str> {
        ROW_FLAGS
            .iter()
            .enumerate()
            .filter(|(bit, _)| mask & (1 << bit) != 0)
            .map(|(_, flag)| *flag)
            .collect()
    };
    const ALL_ROWS_WIDE: usize = 0b1111;
    const ALL_ROWS: usize = 0b1110;

    let mut commands = Vec::new();
    for format in &formats {
        commands.push([format.clone(), rows(ALL_ROWS_WIDE)].concat());
    }
    for (n, format) in formats.iter().enumerate() {
        if n % 4 == index % 4 {
            commands.push([format.clone(), rows(ALL_ROWS)].concat());
        }
    }
    let rotating = formats
        .get(index * 5 % formats.len())
        .cloned()
        .unwrap_or_default();
    for mask in (0..ALL_ROWS).filter(|mask| mask % 2 == index / 48 % 2) {
        commands.push([rotating.clone(), rows(mask)].concat());
    }
    for n in 0..3 {
        if let Some(spelling) = SPELLINGS.get((index * 3 + n) % SPELLINGS.len()) {
            commands.push(spelling.to_vec());
        }
    }
    if runs_refused(index) {
        commands.extend(REFUSED.iter().map(|args| args.to_vec()));
    }
    commands
}

fn skip() -> bool {
    std::env::var("MEMLENS_SKIP_ORACLES").is_ok_and(|v| v == "1")
}

/// Says what the oracle did on the test's real standard error, so that it shows in
/// `cargo test`'s output even when the test passes (the test harness captures `eprintln!`).
/// The line starts on a line of its own: the harness may have printed half a line.
fn report(line: &str) {
    let _ = std::io::stderr().write_all(format!("\n{line}\n").as_bytes());
}

fn quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''"))
}

fn scale_flag(scale: TopScale) -> &'static str {
    match scale {
        TopScale::Kib => "k",
        TopScale::Mib => "m",
        TopScale::Gib => "g",
        TopScale::Tib => "t",
        TopScale::Pib => "p",
        TopScale::Eib => "e",
    }
}

/// What one `unshare` printed: each command's combined stdout and stderr with its exit status,
/// then each `top` output.
struct Outputs {
    free: Vec<(String, String)>,
    top: Vec<String>,
}

/// Runs every command of one file inside one `unshare`. `bin` is put first on `PATH` (a
/// procps build tree: `free` and `top/top`).
fn run_case(
    dir: &Path,
    bin: Option<&Path>,
    index: usize,
    case: &Case,
    commands: &[Vec<&str>],
) -> Result<Outputs, String> {
    let meminfo = dir.join(format!("meminfo.{index}"));
    std::fs::write(&meminfo, case.file_text()).map_err(|e| format!("writing {meminfo:?}: {e}"))?;
    let mut script = format!(
        "mount --bind {} /proc/meminfo || exit 97\n",
        quote(&meminfo.to_string_lossy())
    );
    if let Some(bin) = bin {
        let bin = bin.to_string_lossy();
        let _ = writeln!(
            script,
            "PATH={}:{}:\"$PATH\"",
            quote(&bin),
            quote(&format!("{bin}/top"))
        );
    }
    // top waits a moment for its first CPU sample: let the six wait together.
    let top_file = |scale| {
        quote(
            &dir.join(format!("top.{index}.{}", scale_flag(scale)))
                .to_string_lossy(),
        )
    };
    for scale in TopScale::ALL {
        let _ = writeln!(
            script,
            "top -bn1 -E {} > {} 2>&1 &",
            scale_flag(scale),
            top_file(scale)
        );
    }
    for args in commands {
        // A `-s` without a count loops forever: keep a mistake from hanging the test.
        let guard = if args
            .iter()
            .any(|a| a.starts_with("-s") || a.starts_with("--se"))
        {
            "timeout 10 "
        } else {
            ""
        };
        let args: Vec<String> = args.iter().map(|a| quote(a)).collect();
        let _ = writeln!(
            script,
            "{guard}free {} 2>&1; printf '\\036%d\\n' $?",
            args.join(" ")
        );
    }
    script.push_str("wait\n");
    for scale in TopScale::ALL {
        let _ = writeln!(script, "cat {}; printf '\\036top\\n'", top_file(scale));
    }

    let output = Command::new("unshare")
        .args([
            "--mount",
            "--pid",
            "--fork",
            "--mount-proc",
            "sh",
            "-c",
            &script,
        ])
        .env("LC_ALL", "C")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env_remove("COLUMNS")
        .env_remove("LINES")
        .output()
        .map_err(|e| format!("cannot run unshare: {e}"))?;
    match output.status.code() {
        Some(0) => {}
        Some(97) => return Err("mount --bind over /proc/meminfo failed (needs root)".into()),
        other => {
            return Err(format!(
                "unshare exited with {other:?} (needs root and util-linux unshare): {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }

    let text = String::from_utf8_lossy(&output.stdout);
    let mut records = Vec::new();
    let mut rest: &str = &text;
    while let Some((body, after)) = rest.split_once(MARK) {
        let (status, after) = after.split_once('\n').unwrap_or((after, ""));
        records.push((body.to_string(), status.to_string()));
        rest = after;
    }
    if records.len() != commands.len() + TopScale::ALL.len() {
        return Err(format!(
            "the script printed {} outputs for {} commands",
            records.len(),
            commands.len() + TopScale::ALL.len()
        ));
    }
    let top = records
        .split_off(commands.len())
        .into_iter()
        .map(|(body, _)| body)
        .collect();
    Ok(Outputs { free: records, top })
}

/// Compares one file's outputs with the predictions; returns how many were compared.
fn compare_case(
    case: &Case,
    mem: &MemInfoKib,
    version: ProcpsVersion,
    commands: &[Vec<&str>],
    outputs: &Outputs,
    failures: &mut Vec<String>,
) -> (usize, usize) {
    let file = case.file_text();
    let mut fail = |what: String, want: &str, got: &str| {
        failures.push(format!(
            "[{}] {what}\nmeminfo:\n{file}--- want\n{want}--- got\n{got}---",
            case.name
        ));
    };

    for (args, (output, status)) in commands.iter().zip(&outputs.free) {
        let what = format!("free {} (exit {status})", args.join(" "));
        match FreeFlags::parse_for(args, version) {
            Err(error @ (FreeArgError::Help | FreeArgError::Version)) => {
                fail(what, &format!("<{error}>\n"), output);
            }
            // A refused command line: the first line, whether the usage text follows, and a
            // failing exit status.
            Err(error) => {
                let got_first = output.lines().next().unwrap_or("");
                let got_usage = output.contains("Usage:\n free [options]");
                if got_first != error.message() || got_usage != error.shows_usage() || status == "0"
                {
                    let usage = if error.shows_usage() {
                        "(usage follows)"
                    } else {
                        "(no usage)"
                    };
                    fail(
                        what,
                        &format!("{}\n{usage}, non-zero exit\n", error.message()),
                        output,
                    );
                }
            }
            Ok(flags) => {
                let want =
                    free_text(mem, &flags, version).unwrap_or_else(|e| format!("<no text: {e}>\n"));
                if &want != output || status != "0" {
                    fail(what, &want, output);
                }
            }
        }
    }

    for (scale, output) in TopScale::ALL.into_iter().zip(&outputs.top) {
        let lines: Vec<&str> = output.lines().collect();
        let at = lines
            .iter()
            .position(|line| line.contains(" Mem :"))
            .unwrap_or(lines.len());
        let got: String = lines
            .iter()
            .skip(at)
            .take(2)
            .map(|line| format!("{line}\n"))
            .collect();
        let want = top_lines(mem, version, Some(scale))
            .map(|lines| lines.text())
            .unwrap_or_else(|e| format!("<no lines: {e}>\n"));
        if want != got {
            fail(format!("top -bn1 -E {}", scale_flag(scale)), &want, &got);
        }
    }
    (outputs.free.len(), outputs.top.len())
}

/// The procps release `free -V` reports (from `bin`, or the one on `PATH`).
fn procps_version(bin: Option<&Path>) -> Option<ProcpsVersion> {
    let free = bin
        .map(|bin| bin.join("free"))
        .unwrap_or_else(|| PathBuf::from("free"));
    let output = Command::new(free).arg("-V").output().ok()?;
    ProcpsVersion::parse(&String::from_utf8_lossy(&output.stdout))
}

/// The result of running every file against one procps.
struct Run {
    files: usize,
    free: usize,
    top: usize,
    failures: Vec<String>,
}

/// Runs every file against one procps, on as many threads as there are cores.
fn run_oracle(bin: Option<&Path>, version: ProcpsVersion) -> Result<Run, String> {
    let dir = std::env::temp_dir().join(format!(
        "memlens-procps-oracle-{}-{version}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {dir:?}: {e}"))?;
    // 3.3.10–3.3.17 read the machine's min_free_kbytes when MemAvailable is missing.
    let min_free_kbytes = std::fs::read_to_string("/proc/sys/vm/min_free_kbytes")
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok());

    let cases = cases();
    let next = AtomicUsize::new(0);
    let counts = Mutex::new((0, 0));
    let failures = Mutex::new(Vec::new());
    let problem = Mutex::new(None);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(index) else {
                        return;
                    };
                    let commands = free_commands(index);
                    let outputs = match run_case(&dir, bin, index, case, &commands) {
                        Ok(outputs) => outputs,
                        Err(message) => {
                            if let Ok(mut problem) = problem.lock() {
                                problem.get_or_insert(message);
                            }
                            next.store(cases.len(), Ordering::Relaxed);
                            return;
                        }
                    };
                    let mem = MemInfoKib {
                        min_free_kbytes,
                        ..case.mem()
                    };
                    let mut found = Vec::new();
                    let (free, top) =
                        compare_case(case, &mem, version, &commands, &outputs, &mut found);
                    if let Ok(mut counts) = counts.lock() {
                        counts.0 += free;
                        counts.1 += top;
                    }
                    if let Ok(mut failures) = failures.lock() {
                        failures.extend(found);
                    }
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&dir);

    if let Some(problem) = problem.into_inner().ok().flatten() {
        return Err(problem);
    }
    let (free, top) = counts.into_inner().unwrap_or_default();
    Ok(Run {
        files: cases.len(),
        free,
        top,
        failures: failures.into_inner().unwrap_or_default(),
    })
}

/// The machine's procps-ng (4.0.2 on Debian 12), and any procps build trees listed in
/// `MEMLENS_PROCPS_EXTRA` (colon-separated directories holding `free` and `top/top`, for
/// example a `./configure --disable-modern-top && make free top/top` of procps-ng 3.3.17).
#[test]
fn free_and_top_match_the_real_procps() {
    if skip() {
        report("procps oracle: SKIPPED (MEMLENS_SKIP_ORACLES=1): no output was compared");
        return;
    }
    let Some(version) = procps_version(None) else {
        panic!(
            "procps oracle: `free -V` printed no procps-ng version; install procps-ng 4.x or set \
             MEMLENS_SKIP_ORACLES=1"
        );
    };
    assert_eq!(
        version.generation(),
        ProcpsGeneration::V4,
        "procps oracle: the machine's free is {version}; the oracle compares procps-ng ≥ 4.0.1"
    );
    let mut runs = vec![(None, version)];
    for extra in std::env::var("MEMLENS_PROCPS_EXTRA")
        .unwrap_or_default()
        .split(':')
    {
        if extra.is_empty() {
            continue;
        }
        let bin = PathBuf::from(extra);
        match procps_version(Some(&bin)) {
            Some(version) => runs.push((Some(bin), version)),
            None => panic!("MEMLENS_PROCPS_EXTRA: no procps free in {extra}"),
        }
    }

    let mut summary = Vec::new();
    let mut all_failures = Vec::new();
    for (bin, version) in &runs {
        let started = Instant::now();
        let run = run_oracle(bin.as_deref(), *version).unwrap_or_else(|problem| {
            panic!(
                "procps oracle could not run ({problem}). It needs root to bind-mount over \
                 /proc/meminfo in a private mount namespace; set MEMLENS_SKIP_ORACLES=1 to skip it."
            )
        });
        let compared = run.free + run.top;
        summary.push(format!(
            "procps-ng {version}: {} meminfo files, {compared} outputs compared ({} free, {} \
             top), {} matched, {:.1} s",
            run.files,
            run.free,
            run.top,
            compared - run.failures.len(),
            started.elapsed().as_secs_f64()
        ));
        all_failures.extend(
            run.failures
                .into_iter()
                .map(|f| format!("procps-ng {version} {f}")),
        );
    }
    for line in &summary {
        report(&format!("procps oracle: {line}"));
    }
    let shown: Vec<&String> = all_failures.iter().take(20).collect();
    assert!(
        all_failures.is_empty(),
        "{}\n{} outputs differ from the prediction (the first {} below):\n\n{}",
        summary.join("\n"),
        all_failures.len(),
        shown.len(),
        shown
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}

/// The generated files cover every situation the oracle is meant to check (this part needs no
/// root and always runs).
#[test]
fn generated_meminfo_files_cover_the_edge_cases() {
    let cases = cases();
    let mems: Vec<MemInfoKib> = cases.iter().map(Case::mem).collect();
    type Check = fn(&MemInfoKib) -> bool;
    let rows: &[(&str, Check, usize)] = &[
        ("no MemAvailable line", |m| m.mem_available.is_none(), 20),
        ("MemAvailable 0", |m| m.mem_available == Some(0), 20),
        (
            "MemAvailable above MemTotal",
            |m| m.mem_available.unwrap_or(0) > m.mem_total.unwrap_or(0),
            20,
        ),
        (
            "MemAvailable equal to MemTotal",
            |m| m.mem_available.is_some() && m.mem_available == m.mem_total,
            20,
        ),
        (
            "used negative in 4.x",
            |m| (free_columns(m, ProcpsVersion::new(4, 0, 2)).used as i64) < 0,
            20,
        ),
        (
            "used negative at a -h boundary",
            |m| {
                let used = free_columns(m, ProcpsVersion::new(4, 0, 2)).used as i64;
                used < 0 && [1024, 10_240, 1_048_576].contains(&used.unsigned_abs())
            },
            3,
        ),
        ("no swap lines", |m| m.swap_total.is_none(), 20),
        ("SwapTotal 0", |m| m.swap_total == Some(0), 20),
        (
            "SwapFree above SwapTotal",
            |m| m.swap_free.unwrap_or(0) > m.swap_total.unwrap_or(0),
            20,
        ),
        (
            "Committed_AS above CommitLimit",
            |m| m.committed_as.unwrap_or(0) > m.commit_limit.unwrap_or(0),
            20,
        ),
        (
            "MemTotal under 1 MiB",
            |m| m.mem_total.unwrap_or(0) < 1024,
            10,
        ),
        (
            "MemTotal past 2^53 bytes",
            |m| m.mem_total.unwrap_or(0) >= 1 << 43,
            20,
        ),
        (
            "MemTotal × 1024 past i64",
            |m| m.mem_total.unwrap_or(0) >= 1 << 53,
            10,
        ),
    ];
    let mut problems = Vec::new();
    if cases.len() < 200 {
        problems.push(format!("only {} files, want at least 200", cases.len()));
    }
    for (edge, check, minimum) in rows {
        let count = mems.iter().filter(|m| check(m)).count();
        if count < *minimum {
            problems.push(format!("{edge}: {count} files, want at least {minimum}"));
        }
    }
    // Every combination of a unit, -h, --si, -w, -t, -v and -l runs on some file.
    let combinations: BTreeSet<Vec<&str>> = (0..cases.len())
        .flat_map(free_commands)
        .map(|mut args| {
            args.sort_unstable();
            args
        })
        .collect();
    let mut want = 0;
    for unit in UNITS {
        for mask in 0..1 << 6 {
            let mut args: Vec<&str> = ["-h", "--si", "-w", "-t", "-v", "-l"]
                .into_iter()
                .enumerate()
                .filter(|(bit, _)| mask & (1 << bit) != 0)
                .map(|(_, flag)| flag)
                .collect();
            if !unit.is_empty() {
                args.push(unit);
            }
            args.sort_unstable();
            want += 1;
            if !combinations.contains(&args) {
                problems.push(format!("free {} runs on no file", args.join(" ")));
            }
        }
    }
    assert_eq!(want, 768);

    let values: BTreeSet<u64> = cases
        .iter()
        .flat_map(|case| case.lines.iter().map(|(_, value, _)| *value))
        .collect();
    let missing: Vec<u64> = ladder()
        .into_iter()
        .filter(|value| !values.contains(value))
        .collect();
    if !missing.is_empty() {
        problems.push(format!("boundary values in no file: {missing:?}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

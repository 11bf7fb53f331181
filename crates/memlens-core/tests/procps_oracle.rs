//! The real `free` and `top` as oracles: each meminfo below is written to a file, bind-mounted
//! over `/proc/meminfo` in a private mount namespace (`unshare -m`), and the machine's procps-ng
//! 4.x is run with many flag combinations; every output must equal, byte for byte, what
//! `memlens_core::account::procps` predicts for that release.
//!
//! Needs root (CI has it) and procps-ng ≥ 4.0.1 on the PATH. With `MEMLENS_SKIP_ORACLES=1` the
//! test is skipped; otherwise a machine where `unshare` cannot run fails it with a message.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use memlens_core::account::MemInfoKib;
use memlens_core::account::procps::{
    FreeFlags, ProcpsGeneration, ProcpsVersion, TopScale, free_text, top_lines,
};

/// `free` command lines compared for every meminfo.
const FREE_ARGS: &[&[&str]] = &[
    &[],
    &["-b"],
    &["-k"],
    &["-m"],
    &["-g"],
    &["--tebi"],
    &["--pebi"],
    &["--kilo"],
    &["--mega"],
    &["--giga"],
    &["--tera"],
    &["--peta"],
    &["--si"],
    &["-h"],
    &["-h", "--si"],
    &["--kilo", "-h"],
    &["-w"],
    &["-t"],
    &["-v"],
    &["-l"],
    &["-b", "-t", "-v"],
    &["-m", "-w", "-t", "-v"],
    &["-h", "-w", "-t", "-v", "-l"],
    &["--si", "-h", "-t", "-v"],
    &["-g", "--si", "-w"],
    &["--mebi", "-l", "-t"],
    &["-c", "2", "-s", "0.01"],
];

/// Command lines `free` refuses: only the first line of its standard error is compared.
const FREE_ERRORS: &[&[&str]] = &[
    &["-x"],
    &["--me"],
    &["-m", "-g"],
    &["--si=3"],
    &["-s"],
    &["-c", "0"],
    &["-s", "1e-7"],
    &["--t"],
    &["foo"],
];

/// Memory values that sit on the edges of `free -h`'s and `top`'s ladders: unit boundaries,
/// exact binary ties (x.25, x.75 of a unit), the 9.95 boundary, SI ties, values past 2^53 bytes
/// and past 2^63 bytes (where `KiB × 1024` wraps in a `long long`), and float rounding of the
/// KiB value itself.
const EDGE_VALUES: &[u64] = &[
    0,
    1,
    2,
    3,
    4,
    9,
    10,
    99,
    100,
    999,
    1_000,
    1_023,
    1_024,
    1_025,
    256,
    768,
    1_280,
    1_792,
    2_304,
    2_560,
    2_816,
    8_448,
    9_472,
    9_984,
    10_189,
    10_239,
    10_240,
    102_348,
    102_350,
    262_144,
    786_432,
    1_310_720,
    1_835_008,
    10_433_331,
    10_433_332,
    10_485_759,
    10_485_760,
    976_562,
    976_563,
    9_716_797,
    9_765_625,
    1_220_703_125,
    1_342_177_280,
    1_342_177_281,
    10_683_731_149,
    1_374_389_534_720,
    16_777_216,
    16_777_217,
    33_554_690,
    268_435_457,
    8_796_093_022_208,
    8_796_093_022_209,
    9_007_199_254_740_992,
    9_007_199_254_740_993,
    18_014_398_509_481_984,
    1_844_674_407_370_955_161,
    u64::MAX,
];

/// One meminfo file: its lines, in order.
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

fn cases() -> Vec<Case> {
    let mut cases = vec![
        Case::from_paste(
            "spec 9.2 (C07)",
            include_str!("../../../tests/fixtures/field/C07/meminfo"),
        ),
        Case::from_paste(
            "spec 9.4 (C08)",
            include_str!("../../../tests/fixtures/field/C08/meminfo"),
        ),
        Case::new(
            "MemAvailable absent",
            &[
                ("MemTotal", 8_009_240),
                ("MemFree", 6_925_768),
                ("Buffers", 94_024),
                ("Cached", 669_448),
                ("SReclaimable", 39_880),
                ("SwapTotal", 0),
                ("SwapFree", 0),
            ],
        ),
        Case::new(
            "MemAvailable above MemTotal (lxcfs)",
            &[
                ("MemTotal", 125_952),
                ("MemFree", 100_000),
                ("MemAvailable", 15_020_900),
                ("Buffers", 0),
                ("Cached", 3_000),
                ("Shmem", 3_000),
            ],
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
            "commit over the limit, Low and High lines",
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
        Case::new(
            "tiny",
            &[("MemTotal", 1), ("MemFree", 0), ("MemAvailable", 1)],
        ),
    ];
    let fields = [
        "MemTotal",
        "MemFree",
        "Shmem",
        "Buffers",
        "Cached",
        "MemAvailable",
        "SwapTotal",
        "SwapFree",
        "CommitLimit",
        "Committed_AS",
    ];
    for (index, chunk) in EDGE_VALUES.chunks(fields.len()).enumerate() {
        // Rotate so each value lands in different columns across chunks.
        let lines: Vec<(&str, u64)> = fields
            .iter()
            .enumerate()
            .map(|(i, field)| {
                (
                    *field,
                    chunk.get((i + index) % chunk.len()).copied().unwrap_or(0),
                )
            })
            .collect();
        cases.push(Case::new(&format!("edge values {index}"), &lines));
    }
    cases
}

fn skip() -> bool {
    std::env::var("MEMLENS_SKIP_ORACLES").is_ok_and(|v| v == "1")
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

/// Runs every command of one case inside `unshare -m`, each writing to its own files in `dir`.
/// `bin` is put first on `PATH` (a procps build tree: `free` and `top/top`).
fn run_case(dir: &Path, bin: Option<&Path>, index: usize, case: &Case) -> Result<(), String> {
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
    let out = |name: String| quote(&dir.join(name).to_string_lossy());
    for (n, args) in FREE_ARGS.iter().chain(FREE_ERRORS).enumerate() {
        let args: Vec<String> = args.iter().map(|a| quote(a)).collect();
        let _ = writeln!(
            script,
            "free {} > {} 2> {}",
            args.join(" "),
            out(format!("free.{index}.{n}.out")),
            out(format!("free.{index}.{n}.err"))
        );
    }
    let scales: &[TopScale] = if case.name.starts_with("edge") || case.name.starts_with("spec") {
        &TopScale::ALL
    } else {
        &[TopScale::Kib, TopScale::Mib]
    };
    for scale in scales {
        let flag = scale_flag(*scale);
        let _ = writeln!(
            script,
            "top -bn1 -E {flag} > {}",
            out(format!("top.{index}.{flag}"))
        );
    }

    let status = Command::new("unshare")
        .args(["-m", "sh", "-c", &script])
        .env("LC_ALL", "C")
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir)
        .env_remove("COLUMNS")
        .env_remove("LINES")
        .status()
        .map_err(|e| format!("cannot run unshare: {e}"))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(97) => Err("mount --bind over /proc/meminfo failed (needs root)".into()),
        other => Err(format!(
            "unshare -m exited with {other:?} (needs root and unshare(1))"
        )),
    }
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| format!("<cannot read {path:?}: {e}>"))
}

fn compare(failures: &mut Vec<String>, what: String, want: &str, got: &str) {
    if want != got {
        failures.push(format!("{what}\n--- want\n{want}--- got\n{got}---"));
    }
}

/// The procps release `free -V` reports (from `bin`, or the one on `PATH`).
fn procps_version(bin: Option<&Path>) -> Option<ProcpsVersion> {
    let free = bin
        .map(|bin| bin.join("free"))
        .unwrap_or_else(|| PathBuf::from("free"));
    let output = Command::new(free).arg("-V").output().ok()?;
    ProcpsVersion::parse(&String::from_utf8_lossy(&output.stdout))
}

/// Runs every case against one procps and returns how many outputs were compared, and the
/// mismatches.
fn run_oracle(bin: Option<&Path>, version: ProcpsVersion) -> (usize, Vec<String>) {
    let dir = std::env::temp_dir().join(format!(
        "memlens-procps-oracle-{}-{version}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {dir:?}: {e}"));
    // 3.3.10–3.3.17 read the machine's min_free_kbytes when MemAvailable is missing.
    let min_free_kbytes = std::fs::read_to_string("/proc/sys/vm/min_free_kbytes")
        .ok()
        .and_then(|text| text.trim().parse::<u64>().ok());

    let mut failures = Vec::new();
    let mut compared = 0;
    for (index, case) in cases().iter().enumerate() {
        if let Err(problem) = run_case(&dir, bin, index, case) {
            let _ = std::fs::remove_dir_all(&dir);
            panic!(
                "procps oracle could not run ({problem}). It needs root to bind-mount over \
                 /proc/meminfo in a private mount namespace; set MEMLENS_SKIP_ORACLES=1 to skip it."
            );
        }
        let mem = MemInfoKib {
            min_free_kbytes,
            ..case.mem()
        };
        let file = case.file_text();

        for (n, args) in FREE_ARGS.iter().chain(FREE_ERRORS).enumerate() {
            let stdout = read(dir.join(format!("free.{index}.{n}.out")));
            let stderr = read(dir.join(format!("free.{index}.{n}.err")));
            let what = format!("[{}] free {}\nmeminfo:\n{file}", case.name, args.join(" "));
            match FreeFlags::parse_for(args, version) {
                // A refused command line: compare the first line free writes to stderr.
                Err(error) => {
                    let got = stderr.lines().next().unwrap_or("").to_string() + "\n";
                    compare(&mut failures, what, &(error.message() + "\n"), &got);
                }
                Ok(flags) => {
                    let want = free_text(&mem, &flags, version)
                        .unwrap_or_else(|e| format!("<no text: {e}>\n"));
                    compare(&mut failures, what, &want, &(stdout + &stderr));
                }
            }
            compared += 1;
        }
        for scale in TopScale::ALL {
            let path = dir.join(format!("top.{index}.{}", scale_flag(scale)));
            if !path.exists() {
                continue;
            }
            let output = read(path);
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
            let want = top_lines(&mem, version, Some(scale))
                .map(|lines| lines.text())
                .unwrap_or_else(|e| format!("<no lines: {e}>\n"));
            let what = format!(
                "[{}] top -bn1 -E {}\nmeminfo:\n{file}",
                case.name,
                scale_flag(scale)
            );
            compare(&mut failures, what, &want, &got);
            compared += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    (compared, failures)
}

/// The machine's procps-ng (4.0.2 on Debian 12), and any procps build trees listed in
/// `MEMLENS_PROCPS_EXTRA` (colon-separated directories holding `free` and `top/top`, for
/// example a `./configure --disable-modern-top && make free top/top` of procps-ng 3.3.17).
#[test]
fn free_and_top_match_the_real_procps() {
    if skip() {
        eprintln!("procps oracle skipped: MEMLENS_SKIP_ORACLES=1");
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

    let mut report = Vec::new();
    let mut all_failures = Vec::new();
    for (bin, version) in &runs {
        let (compared, failures) = run_oracle(bin.as_deref(), *version);
        report.push(format!(
            "procps-ng {version}: {} of {compared} matched",
            compared - failures.len()
        ));
        all_failures.extend(
            failures
                .into_iter()
                .map(|f| format!("procps-ng {version} {f}")),
        );
    }
    assert!(
        all_failures.is_empty(),
        "{}\n{} outputs differ from the prediction:\n\n{}",
        report.join("\n"),
        all_failures.len(),
        all_failures.join("\n\n")
    );
    eprintln!("procps oracle: {}", report.join("; "));
}

//! Table tests for `free` and `top`: the worked examples of `accounting.md` §9.2 and §9.4, the
//! field cases C07, C08 and C30, and hand-made edge cases.

use super::*;

const V4: ProcpsVersion = ProcpsVersion::new(4, 0, 2);
const V3_17: ProcpsVersion = ProcpsVersion::new(3, 3, 17);
const V3_15: ProcpsVersion = ProcpsVersion::new(3, 3, 15);
const V3_10: ProcpsVersion = ProcpsVersion::new(3, 3, 10);
const V3_9: ProcpsVersion = ProcpsVersion::new(3, 3, 9);

/// Reads `Key:   value kB` lines (enough for the fixtures; the real parser lives elsewhere).
fn meminfo(text: &str) -> MemInfoKib {
    let pairs = text.lines().filter_map(|line| {
        let (key, rest) = line.split_once(':')?;
        let value = rest.split_whitespace().next()?.parse::<u64>().ok()?;
        Some((key.trim(), value))
    });
    MemInfoKib::from_pairs(pairs)
}

/// kubernetes/kubernetes#118916 (accounting.md §9.2, field case C07).
fn spec_9_2() -> MemInfoKib {
    meminfo(include_str!(
        "../../../../../tests/fixtures/field/C07/meminfo"
    ))
}

/// google/cadvisor#2042 (accounting.md §9.4, field case C08).
fn spec_9_4() -> MemInfoKib {
    meminfo(include_str!(
        "../../../../../tests/fixtures/field/C08/meminfo"
    ))
}

fn flags(args: &[&str]) -> FreeFlags {
    match FreeFlags::parse(args) {
        Ok(flags) => flags,
        Err(error) => panic!("{args:?}: {error}"),
    }
}

fn text(mem: &MemInfoKib, args: &[&str], version: ProcpsVersion) -> String {
    let flags = match FreeFlags::parse_for(args, version) {
        Ok(flags) => flags,
        Err(error) => panic!("{args:?} for {version}: {error}"),
    };
    match free_text(mem, &flags, version) {
        Ok(text) => text,
        Err(error) => panic!("{args:?} for {version}: {error}"),
    }
}

/// The cells of the row that starts with `label`.
fn row(text: &str, label: &str) -> Vec<String> {
    let line = text
        .lines()
        .find(|line| line.starts_with(label))
        .unwrap_or("");
    line.split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[test]
fn spec_9_2_columns() {
    let mem = spec_9_2();
    let v3 = free_columns(&mem, V3_17);
    let v4 = free_columns(&mem, V4);
    let cases: &[(&str, u64, u64)] = &[
        ("used 3.3.12–4.0.0", v3.used, 1_023_572),
        ("used ≥ 4.0.1", v4.used, 1_372_344),
        ("buff/cache", v4.buff_cache, 5_625_524),
        ("buff/cache 3.3", v3.buff_cache, 5_625_524),
        ("cache (-w)", v4.cache, 5_493_180),
        ("available", v4.available.unwrap_or(0), 15_020_900),
        ("shared", v4.shared, 2_496),
        (
            "used 3.3.10",
            free_columns(&mem, V3_10).used,
            16_393_244 - 9_744_148 - 132_344 - 5_207_356 - 423_600,
        ),
        ("used ≤ 3.3.9", free_columns(&mem, V3_9).used, 6_649_096),
    ];
    for (what, got, want) in cases {
        assert_eq!(got, want, "{what}");
    }
    assert_eq!(v4.available_rule, AvailableRule::MemAvailable);
    assert!(v4.missing.is_empty(), "{:?}", v4.missing);
}

/// Lines joined with `\n`, each ending in one.
fn lines(lines: &[&str]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}

const HEADER: &str =
    "               total        used        free      shared  buff/cache   available";
const HEADER_WIDE: &str =
    "               total        used        free      shared     buffers       cache   available";
const SWAP_0: &str = "Swap:              0           0           0";

#[test]
fn spec_9_2_free_text_4_0_2() {
    // Printed by procps-ng 4.0.2 with this meminfo bind-mounted over /proc/meminfo
    // (accounting.md §9.2 "Verified by execution"; headers as the tool prints them).
    let mem = spec_9_2();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &[],
            &[
                HEADER,
                "Mem:        16393244     1372344     9744148        2496     5625524    15020900",
                SWAP_0,
            ],
        ),
        (
            &["-h"],
            &[
                HEADER,
                "Mem:            15Gi       1.3Gi       9.3Gi       2.4Mi       5.4Gi        14Gi",
                "Swap:             0B          0B          0B",
            ],
        ),
        (
            &["-h", "--si"],
            &[
                HEADER,
                "Mem:             16G        1.4G          9G        2.6M        5.8G         15G",
                "Swap:             0B          0B          0B",
            ],
        ),
        (
            &["--si"],
            &[
                HEADER,
                "Mem:        16786681     1405280     9978007        2555     5760536    15381401",
                SWAP_0,
            ],
        ),
        (
            &["-w"],
            &[
                HEADER_WIDE,
                "Mem:        16393244     1372344     9744148        2496      132344     5493180    15020900",
                SWAP_0,
            ],
        ),
        (
            &["-g", "-t"],
            &[
                HEADER,
                "Mem:              15           1           9           0           5          14",
                SWAP_0,
                "Total:            15           1           9",
            ],
        ),
        (
            &["-w", "-t", "-v"],
            &[
                HEADER_WIDE,
                "Mem:        16393244     1372344     9744148        2496      132344     5493180    15020900",
                SWAP_0,
                "Total:      16393244     1372344     9744148",
                "Comm:        8196620     2800016     5396604",
            ],
        ),
        (
            &["-m"],
            &[
                HEADER,
                "Mem:           16009        1340        9515           2        5493       14668",
                SWAP_0,
            ],
        ),
    ];
    for (args, want) in cases {
        let want = lines(want);
        let got = text(&mem, args, V4);
        assert_eq!(got, want, "free {args:?}\nwant:\n{want}got:\n{got}");
    }
}

#[test]
fn spec_9_2_rows_3_3_17() {
    // accounting.md §9.2: the 3.3.17 rows.
    let mem = spec_9_2();
    let cases: &[(&[&str], &[&str])] = &[
        (&["-m"], &["16009", "999", "9515", "2", "5493", "14668"]),
        (
            &["-h"],
            &["15Gi", "999Mi", "9.3Gi", "2.0Mi", "5.4Gi", "14Gi"],
        ),
        (
            &["-h", "--si"],
            &["16G", "999M", "9.5G", "2.0M", "5.5G", "14G"],
        ),
    ];
    for (args, want) in cases {
        assert_eq!(
            row(&text(&mem, args, V3_17), "Mem:"),
            *want,
            "free {args:?}"
        );
    }
    // 3.3.17's columns are 9 + 11 wide like 4.x, and --si alone changes nothing.
    assert_eq!(
        text(&mem, &["--si"], V3_17),
        lines(&[
            HEADER,
            "Mem:        16393244     1023572     9744148        2496     5625524    15020900",
            SWAP_0,
        ])
    );
}

#[test]
fn spec_9_4_values_and_rows() {
    // accounting.md §9.4.
    let mem = spec_9_4();
    assert_eq!(free_columns(&mem, V3_17).used, 41_449_936);
    assert_eq!(free_columns(&mem, V4).used, 41_942_124);
    assert_eq!(free_columns(&mem, V4).buff_cache, 162_436_856); // C08 expected.md
    let cases: &[(&[&str], ProcpsVersion, &[&str])] = &[
        (
            &["-h"],
            V4,
            &["251Gi", "39Gi", "57Gi", "242Mi", "154Gi", "211Gi"],
        ),
        (
            &["-h"],
            V3_17,
            &["251Gi", "39Gi", "57Gi", "242Mi", "154Gi", "211Gi"],
        ),
        (
            &["-h", "--si"],
            V4,
            &["270G", "42G", "61G", "254M", "166G", "227G"],
        ),
        (
            &["-h", "--si"],
            V3_17,
            &["257G", "40G", "58G", "242M", "158G", "216G"],
        ),
    ];
    for (args, version, want) in cases {
        assert_eq!(
            row(&text(&mem, args, *version), "Mem:"),
            *want,
            "free {args:?} {version}"
        );
    }
}

#[test]
fn top_lines_spec() {
    // accounting.md §9.2 (4.0.2 verified, trailing blanks included) and §9.4.
    let cases: &[(MemInfoKib, ProcpsVersion, &str, &str)] = &[
        (
            spec_9_2(),
            V4,
            "MiB Mem :  16009.0 total,   9515.8 free,   1340.2 used,   5493.7 buff/cache     ",
            "MiB Swap:      0.0 total,      0.0 free,      0.0 used.  14668.8 avail Mem ",
        ),
        (
            spec_9_2(),
            V3_17,
            "MiB Mem :  16009.0 total,   9515.8 free,    999.6 used,   5493.7 buff/cache",
            "MiB Swap:      0.0 total,      0.0 free,      0.0 used.  14668.8 avail Mem ",
        ),
        (
            spec_9_4(),
            V4,
            "MiB Mem : 257591.9 total,  58483.7 free,  40959.1 used, 158629.8 buff/cache     ",
            "MiB Swap:      0.0 total,      0.0 free,      0.0 used. 216632.8 avail Mem ",
        ),
    ];
    for (mem, version, line1, line2) in cases {
        let got = match top_lines(mem, *version, None) {
            Ok(lines) => lines,
            Err(error) => panic!("{version}: {error}"),
        };
        assert_eq!(got.mem, *line1, "{version}");
        assert_eq!(got.swap, *line2, "{version}");
    }
}

#[test]
fn top_rounding_ties_and_overflow_mark() {
    // 1.25 and 0.25 MiB are exact binary ties: glibc rounds them to even (1.2, 0.2); 0.75 goes
    // to 0.8. Checked against procps-ng 4.0.2 top.
    let mem = MemInfoKib {
        mem_total: Some(1280),
        mem_free: Some(256),
        mem_available: Some(768),
        buffers: Some(0),
        cached: Some(0),
        swap_total: Some(0),
        swap_free: Some(0),
        ..MemInfoKib::default()
    };
    let huge = MemInfoKib {
        mem_total: Some(u64::MAX),
        mem_free: Some(999_999_999_999),
        mem_available: Some(1_844_674_407_370_955_161),
        buffers: Some(123_456_789_012),
        cached: Some(9_999_999_999_999),
        swap_total: Some(99_999_999_999),
        swap_free: Some(1),
        shmem: Some(5),
        ..MemInfoKib::default()
    };
    let cases: &[(&MemInfoKib, TopScale, &str, &str)] = &[
        (
            &mem,
            TopScale::Mib,
            "MiB Mem :      1.2 total,      0.2 free,      0.5 used,      0.0 buff/cache     ",
            "MiB Swap:      0.0 total,      0.0 free,      0.0 used.      0.8 avail Mem ",
        ),
        (
            &mem,
            TopScale::Kib,
            "KiB Mem :     1280 total,      256 free,      512 used,        0 buff/cache     ",
            "KiB Swap:        0 total,        0 free,        0 used.      768 avail Mem ",
        ),
        (
            &mem,
            TopScale::Eib,
            "EiB Mem :      0.0 total,      0.0 free,      0.0 used,      0.0 buff/cache     ",
            "EiB Swap:      0.0 total,      0.0 free,      0.0 used.      0.0 avail Mem ",
        ),
        (
            &huge,
            TopScale::Mib,
            "MiB Mem : 18014398+total, 97656249+free, 18014397+used, 98861885+buff/cache     ",
            "MiB Swap: 97656248+total,      0.0 free, 97656248+used. 18014398+avail Mem ",
        ),
        (
            &huge,
            TopScale::Kib,
            "KiB Mem : 18446744+total, 99999999+free, 18446742+used, 10123457+buff/cache     ",
            "KiB Swap: 99999997+total,        1 free, 99999997+used. 18446744+avail Mem ",
        ),
    ];
    for (mem, scale, line1, line2) in cases {
        let got = match top_lines(mem, V4, Some(*scale)) {
            Ok(lines) => lines,
            Err(error) => panic!("{scale:?}: {error}"),
        };
        assert_eq!(
            (got.mem.as_str(), got.swap.as_str()),
            (*line1, *line2),
            "{scale:?}"
        );
    }
}

#[test]
fn c30_procps_3_3_15_table_and_top() {
    // tests/fixtures/field/C30: the 5-line meminfo excerpt gives used and buff/cache; Shmem,
    // MemAvailable and swap are taken from the pasted table itself.
    let mut mem = meminfo(include_str!(
        "../../../../../tests/fixtures/field/C30/meminfo"
    ));
    let columns = free_columns(&mem, V3_15);
    assert_eq!((columns.used, columns.buff_cache), (280_120, 803_352));
    assert_eq!(free_columns(&mem, V4).used, 8_009_240 - 6_925_768); // no MemAvailable: MemFree
    assert_eq!(
        columns.available_rule,
        AvailableRule::EstimateNeedsMinFreeKbytes
    );
    assert_eq!(
        free_text(&mem, &flags(&["-k"]), V3_15),
        Err(FreeTextError::Missing(Input::MinFreeKbytes))
    );

    mem.shmem = Some(278_860);
    mem.mem_available = Some(7_333_736);
    mem.swap_total = Some(0);
    mem.swap_free = Some(0);
    let want: String = include_str!("../../../../../tests/fixtures/field/C30/free-procps.txt")
        .lines()
        .skip(1)
        .map(|line| format!("{line}\n"))
        .collect();
    let got = text(&mem, &["-k"], V3_15);
    assert_eq!(got, want, "\nwant:\n{want}got:\n{got}");

    let top = match top_lines(&mem, V3_15, Some(TopScale::Kib)) {
        Ok(lines) => lines,
        Err(error) => panic!("{error}"),
    };
    let pasted: Vec<&str> = include_str!("../../../../../tests/fixtures/field/C30/top.txt")
        .lines()
        .skip(1)
        .collect();
    // The paste lost the trailing blank after "avail Mem".
    assert_eq!(vec![top.mem.as_str(), top.swap.trim_end()], pasted);
}

#[test]
fn c07_c08_meminfo_values() {
    // Field cases C07 and C08, expected.md.
    let c07 = spec_9_2();
    let c08 = spec_9_4();
    let cases: &[(&str, u64, u64)] = &[
        (
            "C07 procps 3.3 used",
            free_columns(&c07, V3_17).used,
            1_023_572,
        ),
        (
            "C07 total − available",
            free_columns(&c07, V4).used,
            1_372_344,
        ),
        (
            "C08 buff/cache",
            free_columns(&c08, V3_17).buff_cache,
            162_436_856,
        ),
        ("C08 used 3.3", free_columns(&c08, V3_17).used, 41_449_936),
        ("C08 used 4.x", free_columns(&c08, V4).used, 41_942_124),
        ("C08 shared", free_columns(&c08, V4).shared, 248_384),
    ];
    for (what, got, want) in cases {
        assert_eq!(got, want, "{what}");
    }
}

#[test]
fn available_rules() {
    let base = MemInfoKib {
        mem_total: Some(1_000_000),
        mem_free: Some(100_000),
        buffers: Some(10_000),
        cached: Some(300_000),
        s_reclaimable: Some(40_000),
        active_file: Some(150_000),
        inactive_file: Some(120_000),
        ..MemInfoKib::default()
    };
    let with = |available: Option<u64>, min_free: Option<u64>| MemInfoKib {
        mem_available: available,
        min_free_kbytes: min_free,
        ..base.clone()
    };
    // Estimate with min_free_kbytes 67584: low = 84480;
    // 100000 − 84480 + 270000 − min(135000, 84480) + 40000 − min(20000, 84480) = 221040.
    let cases: &[(MemInfoKib, ProcpsVersion, Option<u64>, AvailableRule, u64)] = &[
        (
            with(Some(500_000), None),
            V4,
            Some(500_000),
            AvailableRule::MemAvailable,
            500_000,
        ),
        (
            with(None, None),
            V4,
            Some(100_000),
            AvailableRule::MemFreeFallback,
            900_000,
        ),
        (
            with(Some(0), None),
            V4,
            Some(100_000),
            AvailableRule::MemFreeFallback,
            900_000,
        ),
        (
            with(Some(2_000_000), None),
            V4,
            Some(100_000),
            AvailableRule::ClampedToMemFree,
            900_000,
        ),
        (
            with(Some(2_000_000), None),
            V3_17,
            Some(100_000),
            AvailableRule::ClampedToMemFree,
            550_000,
        ),
        (
            with(Some(2_000_000), None),
            V3_10,
            Some(2_000_000),
            AvailableRule::MemAvailable,
            590_000,
        ),
        (
            with(None, Some(67_584)),
            V3_17,
            Some(221_040),
            AvailableRule::Estimated,
            550_000,
        ),
        (
            with(None, None),
            V3_17,
            None,
            AvailableRule::EstimateNeedsMinFreeKbytes,
            550_000,
        ),
        (
            with(None, Some(1_000_000)),
            V3_17,
            Some(0),
            AvailableRule::Estimated,
            550_000,
        ),
        (
            with(None, None),
            V3_9,
            None,
            AvailableRule::NotShown,
            900_000,
        ),
    ];
    for (mem, version, available, rule, used) in cases {
        let columns = free_columns(mem, *version);
        assert_eq!(
            (columns.available, columns.available_rule, columns.used),
            (*available, *rule, *used),
            "{version} MemAvailable={:?} min_free={:?}",
            mem.mem_available,
            mem.min_free_kbytes
        );
    }
    assert!(
        free_columns(&with(None, None), V3_17)
            .missing
            .contains(&Input::MinFreeKbytes)
    );
}

#[test]
fn negative_differences_wrap_like_the_c_code() {
    // Committed_AS above CommitLimit: 4.x prints a negative Comm free (checked with 4.0.2).
    let mem = MemInfoKib {
        mem_total: Some(1280),
        mem_free: Some(256),
        mem_available: Some(768),
        commit_limit: Some(100),
        committed_as: Some(300),
        ..MemInfoKib::default()
    };
    let got = text(&mem, &["-v", "-b"], V4);
    assert!(
        got.ends_with("Comm:         102400      307200     -204800\n"),
        "{got}"
    );
    let got = text(&mem, &["-v", "-h"], V4);
    assert!(
        got.ends_with("Comm:          100Ki       300Ki         0Mi\n"),
        "{got}"
    );
    let got = text(&mem, &["-l"], V4);
    assert!(
        got.contains("Low:            1280        1024         256\n"),
        "{got}"
    );
    assert!(
        got.contains("High:              0           0           0\n"),
        "{got}"
    );

    // Cache larger than total − free: 3.3.10 wraps, 3.3.11+ fall back to total − free.
    let odd = MemInfoKib {
        mem_total: Some(1000),
        mem_free: Some(900),
        mem_available: Some(500),
        cached: Some(500),
        ..MemInfoKib::default()
    };
    assert_eq!(
        free_columns(&odd, V3_10).used,
        1000u64.wrapping_sub(900 + 500)
    );
    assert_eq!(free_columns(&odd, ProcpsVersion::new(3, 3, 11)).used, 100);
    assert_eq!(
        row(&text(&odd, &[], V3_17), "Mem:")
            .get(1)
            .map(String::as_str),
        Some("100")
    );
    assert_eq!(
        row(&text(&odd, &[], V3_10), "Mem:")
            .get(1)
            .map(String::as_str),
        Some("-400")
    );
}

#[test]
fn huge_values_4_0_2() {
    // Checked against procps-ng 4.0.2: values past 2^53 bytes, and MemTotal = 2^64 − 1 whose
    // byte count wraps to −1024.
    let mem = MemInfoKib {
        mem_total: Some(u64::MAX),
        mem_free: Some(999_999_999_999),
        mem_available: Some(1_844_674_407_370_955_161),
        buffers: Some(123_456_789_012),
        cached: Some(9_999_999_999_999),
        swap_total: Some(99_999_999_999),
        swap_free: Some(1),
        shmem: Some(5),
        ..MemInfoKib::default()
    };
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &[],
            "Mem:              -1 -1000000000000 999999999999           5 10123456789011 7205759403792793\n",
            "Swap:    99999999999 99999999998           1\n",
        ),
        (
            &["-h"],
            "Mem:            -1Ki         0Pi       931Ti       5.0Ki       9.2Pi      6553Pi\n",
            "Swap:           93Ti        93Ti       1.0Ki\n",
        ),
        (
            &["-g"],
            "Mem:               0     -953674      953674           0     9654480  6871947673\n",
            "Swap:          95367       95367           0\n",
        ),
        (
            &["--si", "-h"],
            "Mem:             -1K         -1P        1.0P        5.1K         10P       7378P\n",
            "Swap:           102T        102T        1.0K\n",
        ),
    ];
    for (args, mem_row, swap_row) in cases {
        let got = text(&mem, args, V4);
        let want = format!("{mem_row}{swap_row}");
        assert!(
            got.ends_with(&want),
            "free {args:?}\nwant:\n{want}got:\n{got}"
        );
    }
}

#[test]
fn human_ladders_by_release() {
    // (KiB, 3.3.10 classic, 3.3.17 MiB-truncated, 4.0.2 bytes)
    let cases: &[(u64, &str, &str, &str)] = &[
        (0, "0B", "0B", "0B"),
        (1, "1K", "0.0Ki", "1.0Ki"),
        (999, "999K", "0.0Ki", "999Ki"),
        (1000, "1.0M", "0.0Ki", "1.0Mi"),
        (2_496, "2.4M", "2.0Mi", "2.4Mi"),
        (10_239, "9M", "9.0Mi", "9Mi"),
        (10_240, "10M", "10Mi", "10Mi"),
        (1_023_572, "999M", "999Mi", "999Mi"),
        (1_048_576, "1.0G", "1.0Gi", "1.0Gi"),
        (10_433_331, "9.9G", "9.9Gi", "9.9Gi"),
        (10_433_332, "9G", "9.9Gi", "9Gi"), // 9.95 GiB: "%.1f" gives 10.0, too wide
        (16_393_244, "15G", "15Gi", "15Gi"),
    ];
    for (kib, classic, truncated, bytes) in cases {
        let human = flags(&["-h"]);
        assert_eq!(
            text::scale_size(*kib, &human, V3_10),
            *classic,
            "3.3.10 {kib}"
        );
        assert_eq!(
            text::scale_size(*kib, &human, V3_17),
            *truncated,
            "3.3.17 {kib}"
        );
        assert_eq!(text::scale_size(*kib, &human, V4), *bytes, "4.0.2 {kib}");
    }
}

#[test]
fn old_layout_3_3_9() {
    let mem = MemInfoKib {
        mem_total: Some(4_142_080),
        mem_free: Some(290_816),
        shmem: Some(148_480),
        buffers: Some(225_280),
        cached: Some(2_038_784),
        swap_total: Some(7_815_168),
        swap_free: Some(7_739_392),
        ..MemInfoKib::default()
    };
    let want = concat!(
        "             total       used       free     shared    buffers     cached\n",
        "Mem:          4045       3761        284        145        220       1991\n",
        "-/+ buffers/cache:       1550       2495\n",
        "Swap:         7632         74       7558\n",
    );
    assert_eq!(text(&mem, &["-m"], V3_9), want);
    let want_old = concat!(
        "             total       used       free     shared    buffers     cached\n",
        "Mem:       4142080    3851264     290816     148480     225280    2038784\n",
        "Swap:      7815168      75776    7739392\n",
        "Total:    11957248    3927040    8030208\n",
    );
    assert_eq!(text(&mem, &["-o", "-t"], V3_9), want_old);
    let lines = match top_lines(&mem, V3_9, None) {
        Ok(lines) => lines,
        Err(error) => panic!("{error}"),
    };
    assert_eq!(
        lines.mem,
        "KiB Mem:   4142080 total,  3851264 used,   290816 free,   225280 buffers"
    );
    assert_eq!(
        lines.swap,
        "KiB Swap:  7815168 total,    75776 used,  7739392 free.  2038784 cached Mem"
    );
}

#[test]
fn narrow_layout_3_3_10() {
    // C32 (3.3.10 `free -m`) shows the 7 + 12 layout.
    let mem = MemInfoKib {
        mem_total: Some(4_051_968),
        mem_free: Some(3_114_496),
        mem_available: Some(3_269_632),
        shmem: Some(17_408),
        buffers: Some(102_400),
        cached: Some(250_880),
        slab: Some(19_456),
        swap_total: Some(1_047_552),
        swap_free: Some(1_047_552),
        ..MemInfoKib::default()
    };
    let want = concat!(
        "              total        used        free      shared  buff/cache   available\n",
        "Mem:           3957         551        3041          17         364        3193\n",
        "Swap:          1023           0        1023\n",
    );
    assert_eq!(text(&mem, &["-m"], V3_10), want);
    let lines = match top_lines(&mem, V3_10, None) {
        Ok(lines) => lines,
        Err(error) => panic!("{error}"),
    };
    assert_eq!(
        lines.mem,
        "KiB Mem :  4051968 total,  3114496 free,   564736 used,   372736 buff/cache"
    );
}

#[test]
fn flag_parsing_and_errors() {
    // Messages checked against procps-ng 4.0.2 (glibc 2.36 getopt_long).
    let cases: &[(&[&str], Result<&str, &str>)] = &[
        (&[], Ok("default")),
        (&["-m", "-w"], Ok("m_w")),
        (&["-mh"], Ok("m_h")),
        (&["-lwhtv"], Ok("h_w_t_v_l")),
        (&["--human", "--wide"], Ok("h_w")),
        (&["--kilo", "--si"], Ok("kilo_si")),
        (&["--tebi"], Ok("tebi")),
        (&["--lo"], Ok("l")),
        (&["-c2"], Ok("c2")),
        (&["-s", "1", "-c", "2"], Ok("c2")),
        (&["--seconds=2", "-c1"], Ok("c1")),
        (&["-s", "0,5", "-c1"], Ok("c1")),
        (&["--"], Ok("default")),
        (&["-x"], Err("free: invalid option -- 'x'")),
        (&["-mx"], Err("free: invalid option -- 'x'")),
        (&["--foo"], Err("free: unrecognized option '--foo'")),
        (&["--foo=1"], Err("free: unrecognized option '--foo=1'")),
        (
            &["-m", "-g"],
            Err("free: Multiple unit options don't make sense."),
        ),
        (
            &["-k", "--kilo"],
            Err("free: Multiple unit options don't make sense."),
        ),
        (
            &["--me"],
            Err("free: option '--me' is ambiguous; possibilities: '--mega' '--mebi'"),
        ),
        (
            &["--me=3"],
            Err("free: option '--me=3' is ambiguous; possibilities: '--mega' '--mebi'"),
        ),
        (
            &["--h"],
            Err("free: option '--h' is ambiguous; possibilities: '--human' '--help'"),
        ),
        (
            &["--t"],
            Err("free: option '--t' is ambiguous; possibilities: '--tera' '--tebi' '--total'"),
        ),
        (
            &["--c"],
            Err("free: option '--c' is ambiguous; possibilities: '--committed' '--count'"),
        ),
        (
            &["--si=3"],
            Err("free: option '--si' doesn't allow an argument"),
        ),
        (
            &["--hum=1"],
            Err("free: option '--human' doesn't allow an argument"),
        ),
        (
            &["--seconds"],
            Err("free: option '--seconds' requires an argument"),
        ),
        (&["-s"], Err("free: option requires an argument -- 's'")),
        (
            &["-s", "x"],
            Err("free: seconds argument failed: 'x': Invalid argument"),
        ),
        (
            &["-s", "1e-7"],
            Err("free: seconds argument failed: '1e-7': Invalid argument"),
        ),
        (
            &["-s", "1.2x"],
            Err("free: seconds argument failed: '1.2x'"),
        ),
        (&["-s", ""], Err("free: seconds argument failed: ''")),
        (
            &["-s", "0"],
            Err("free: seconds argument `0' is not positive number"),
        ),
        (
            &["-s", "-1"],
            Err("free: seconds argument `-1' is not positive number"),
        ),
        (
            &["-s", " "],
            Err("free: seconds argument ` ' is not positive number"),
        ),
        (
            &["-c", "0"],
            Err("free: failed to parse count argument: '0': Numerical result out of range"),
        ),
        (
            &["-c", "-1"],
            Err("free: failed to parse count argument: '-1': Numerical result out of range"),
        ),
        (
            &["-c", "1.5"],
            Err("free: failed to parse count argument: '1.5'"),
        ),
        (
            &["-c", "3x"],
            Err("free: failed to parse count argument: '3x'"),
        ),
        (
            &["-c", "99999999999999999999"],
            Err(
                "free: failed to parse count argument: '99999999999999999999': Numerical result out of range",
            ),
        ),
        (&["foo"], Err("")),
        (&["--", "-m"], Err("")),
        (&["-V"], Err("")),
    ];
    for (args, want) in cases {
        let got = FreeFlags::parse(args)
            .map(|f| f.id())
            .map_err(|e| e.message());
        let want = want.map(str::to_string).map_err(str::to_string);
        assert_eq!(got, want, "free {args:?}");
    }
}

#[test]
fn flags_by_release() {
    let cases: &[(&[&str], ProcpsVersion, Result<&str, &str>)] = &[
        (&["-o"], V3_9, Ok("o")),
        (&["-o"], V4, Err("free: invalid option -- 'o'")),
        (&["-w"], V3_9, Err("free: invalid option -- 'w'")),
        (&["-v"], V3_17, Err("free: invalid option -- 'v'")),
        (&["--kilo"], V3_9, Ok("k")),
        (&["-m", "-g"], V3_9, Ok("g")),
        (
            &["-m", "-g"],
            V3_17,
            Err("free: Multiple unit options doesn't make sense."),
        ),
        (&["foo"], V3_15, Ok("default")),
        (&["foo"], V3_17, Err("")),
    ];
    for (args, version, want) in cases {
        let got = FreeFlags::parse_for(args, *version)
            .map(|f| f.id())
            .map_err(|e| e.message());
        let want = want.map(str::to_string).map_err(str::to_string);
        assert_eq!(got, want, "free {args:?} ({version})");
    }
    // 3.3.17 has no --committed, so --c is --count and needs its argument.
    assert_eq!(
        FreeFlags::parse_for(&["--c"], V3_17).map_err(|e| e.message()),
        Err("free: option '--count' requires an argument".to_string())
    );
}

#[test]
fn count_repeats_the_table() {
    let mem = spec_9_2();
    let once = text(&mem, &["-m"], V4);
    assert_eq!(
        text(&mem, &["-m", "-c", "2"], V4),
        format!("{once}\n{once}")
    );
}

#[test]
fn versions_and_generations() {
    let cases: &[(&str, Option<(ProcpsVersion, &str)>)] = &[
        ("3.3.9", Some((V3_9, "v3_9"))),
        ("free from procps-ng 3.3.10", Some((V3_10, "v3_10"))),
        ("3.3.11", Some((ProcpsVersion::new(3, 3, 11), "v3_10"))),
        ("3.3.12", Some((ProcpsVersion::new(3, 3, 12), "v3"))),
        ("3.3.17", Some((V3_17, "v3"))),
        ("4.0.0", Some((ProcpsVersion::new(4, 0, 0), "v3"))),
        ("4.0.1", Some((ProcpsVersion::new(4, 0, 1), "v4"))),
        ("2:4.0.2-3", Some((V4, "v4"))),
        (
            "procps version 3.2.8",
            Some((ProcpsVersion::new(3, 2, 8), "v3_9")),
        ),
        ("procps", None),
    ];
    for (text, want) in cases {
        let got = ProcpsVersion::parse(text).map(|v| (v, v.generation().id()));
        assert_eq!(got, *want, "{text}");
    }
    for generation in ProcpsGeneration::ALL {
        assert_eq!(ProcpsGeneration::from_id(generation.id()), Some(generation));
        assert_eq!(generation.representative().generation(), generation);
    }
}

#[test]
fn unsupported_options_for_a_release() {
    let mem = spec_9_2();
    let cases: &[(FreeFlags, ProcpsVersion, &str)] = &[
        (
            FreeFlags {
                wide: true,
                ..FreeFlags::default()
            },
            V3_9,
            "-w",
        ),
        (
            FreeFlags {
                committed: true,
                ..FreeFlags::default()
            },
            V3_17,
            "-v",
        ),
        (
            FreeFlags {
                old: true,
                ..FreeFlags::default()
            },
            V4,
            "-o",
        ),
        (
            FreeFlags {
                unit: FreeUnit::Mega,
                ..FreeFlags::default()
            },
            V3_9,
            "SI unit",
        ),
    ];
    for (flags, version, option) in cases {
        assert_eq!(
            free_text(&mem, flags, *version),
            Err(FreeTextError::Unsupported {
                option,
                version: *version
            })
        );
    }
}

#[test]
fn keys_and_rules_name_the_lines_each_release_reads() {
    use MeminfoKey::*;
    let cases: &[(ProcpsVersion, &[MeminfoKey])] = &[
        (
            ProcpsVersion::new(3, 3, 8),
            &[MemTotal, MemFree, Buffers, Cached, SwapTotal, SwapFree],
        ),
        (
            V3_9,
            &[
                MemTotal, MemFree, Buffers, Cached, Shmem, SwapTotal, SwapFree,
            ],
        ),
        (
            V3_10,
            &[
                MemTotal,
                MemFree,
                Buffers,
                Cached,
                Shmem,
                Slab,
                MemAvailable,
                SwapTotal,
                SwapFree,
            ],
        ),
        (
            V3_17,
            &[
                MemTotal,
                MemFree,
                Buffers,
                Cached,
                Shmem,
                SReclaimable,
                MemAvailable,
                SwapTotal,
                SwapFree,
            ],
        ),
        (
            V4,
            &[
                MemTotal,
                MemFree,
                Buffers,
                Cached,
                Shmem,
                SReclaimable,
                MemAvailable,
                SwapTotal,
                SwapFree,
            ],
        ),
    ];
    for (version, want) in cases {
        assert_eq!(keys_read(*version), *want, "{version}");
    }
    let rules: &[(FreeColumn, ProcpsVersion, &str)] = &[
        (FreeColumn::Used, V3_9, "MemTotal − MemFree"),
        (
            FreeColumn::Used,
            V3_10,
            "MemTotal − MemFree − Buffers − (Cached + Slab)",
        ),
        (
            FreeColumn::Used,
            V3_17,
            "MemTotal − MemFree − Buffers − (Cached + SReclaimable)",
        ),
        (FreeColumn::Used, V4, "MemTotal − MemAvailable"),
        (FreeColumn::BuffCache, V4, "Buffers + Cached + SReclaimable"),
        (FreeColumn::Cache, V3_9, "Cached"),
        (
            FreeColumn::Shared,
            ProcpsVersion::new(3, 3, 8),
            "0 (not read before 3.3.9)",
        ),
    ];
    for (column, version, formula) in rules {
        assert_eq!(
            column_rule(*column, *version).0,
            *formula,
            "{column:?} {version}"
        );
    }
    // Before 3.3.9 the shared column is 0 whatever Shmem says.
    assert_eq!(
        free_columns(&spec_9_2(), ProcpsVersion::new(3, 3, 8)).shared,
        0
    );
}

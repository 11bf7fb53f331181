//! The field fixtures with `free` and `top` output, read the way the page reads them: through
//! `input::read` (file name as the source name) and `parse::parse`. Every value the cases'
//! `expected.md` states is asserted as printed.

use memlens_core::input::{Kind, Severity, Source, read};
use memlens_core::parse::free::{Column, Layout, RowKind};
use memlens_core::parse::top::{Field, LineKind, Style};
use memlens_core::parse::{Facts, Parsed, parse};

const FIELD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/field/");

/// What one document of a fixture file should be.
enum Want {
    /// A document of another kind (version line, meminfo): only its kind is checked.
    Other(Kind),
    /// A `free` table: each row's cells as printed, in column order.
    Free {
        layout: Layout,
        rows: &'static [(RowKind, &'static [&'static str])],
    },
    /// `top` memory lines: each line's `(field, printed)` in order.
    Top {
        style: Style,
        lines: &'static [(LineKind, &'static [(Field, &'static str)])],
    },
}

fn read_case(case: &str, file: &str) -> Vec<Parsed> {
    let path = format!("{FIELD}{case}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    read(&[Source::file(file, text)], &[])
        .iter()
        .map(parse)
        .collect()
}

fn check(case: &str, file: &str, want: &[Want]) -> Vec<Parsed> {
    let path = format!("{FIELD}{case}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let docs = read(&[Source::file(file, text)], &[]);
    let kinds: Vec<Kind> = docs.iter().map(|d| d.kind).collect();
    let want_kinds: Vec<Kind> = want
        .iter()
        .map(|w| match w {
            Want::Other(k) => *k,
            Want::Free { .. } => Kind::Free,
            Want::Top { .. } => Kind::Top,
        })
        .collect();
    assert_eq!(kinds, want_kinds, "{case}/{file}: kinds");

    let parsed: Vec<Parsed> = docs.iter().map(parse).collect();
    for (p, w) in parsed.iter().zip(want) {
        match (&p.facts, w) {
            (Facts::Free(free), Want::Free { layout, rows }) => {
                assert_eq!(free.tables.len(), 1, "{case}/{file}: tables");
                let table = &free.tables[0];
                assert_eq!(table.layout, *layout, "{case}/{file}: layout");
                let got: Vec<(RowKind, Vec<&str>)> = table
                    .rows
                    .iter()
                    .map(|r| (r.kind, r.cells.iter().map(|c| c.text.as_str()).collect()))
                    .collect();
                let want: Vec<(RowKind, Vec<&str>)> =
                    rows.iter().map(|(k, cells)| (*k, cells.to_vec())).collect();
                assert_eq!(got, want, "{case}/{file}: rows");
            }
            (Facts::Top(top), Want::Top { style, lines }) => {
                assert_eq!(top.summaries.len(), 1, "{case}/{file}: summaries");
                let summary = &top.summaries[0];
                assert_eq!(summary.style, *style, "{case}/{file}: style");
                let got: Vec<(LineKind, Vec<(Field, &str)>)> = summary
                    .lines
                    .iter()
                    .map(|l| {
                        (
                            l.kind,
                            l.items.iter().map(|i| (i.field, i.text.as_str())).collect(),
                        )
                    })
                    .collect();
                let want: Vec<(LineKind, Vec<(Field, &str)>)> = lines
                    .iter()
                    .map(|(k, items)| (*k, items.to_vec()))
                    .collect();
                assert_eq!(got, want, "{case}/{file}: lines");
            }
            (_, Want::Other(_)) => {}
            (facts, _) => panic!("{case}/{file}: unexpected facts {facts:?}"),
        }
    }
    parsed
}

/// Diagnostics above notes, as `(line, severity)`.
fn problems(p: &Parsed) -> Vec<(Option<u32>, Severity)> {
    p.diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .map(|d| (d.line, d.severity))
        .collect()
}

fn free_of(p: &Parsed) -> &memlens_core::parse::free::Free {
    match &p.facts {
        Facts::Free(f) => f,
        other => panic!("not free: {other:?}"),
    }
}

fn top_of(p: &Parsed) -> &memlens_core::parse::top::Top {
    match &p.facts {
        Facts::Top(t) => t,
        other => panic!("not top: {other:?}"),
    }
}

use RowKind::{BuffersCache, Mem, Swap};

#[test]
fn c01_truncated_swap_row() {
    let p = check(
        "C01",
        "free.txt",
        &[Want::Free {
            layout: Layout::New,
            rows: &[
                (
                    Mem,
                    &["257444", "32841", "12737", "114", "211865", "223625"],
                ),
                (Swap, &["127999"]),
            ],
        }],
    );
    let free = free_of(&p[0]);
    assert_eq!(free.tables[0].rows[1].cut.as_deref(), Some("4"));
    assert_eq!(problems(&p[0]), [(Some(4), Severity::Warning)]);
    assert!(p[0].diagnostics[0].message.contains("cut off"));
    // `free -m`: 32841 MiB used.
    let used = free.value_kib(Mem, Column::Used);
    assert_eq!(used, Some((32841 * 1024, 32842 * 1024 - 1)));
}

#[test]
fn c03_header_without_indentation() {
    let p = check(
        "C03",
        "free.txt",
        &[Want::Free {
            layout: Layout::New,
            rows: &[(Mem, &["7593", "3264", "160", "7", "4168", "4018"])],
        }],
    );
    assert!(problems(&p[0]).is_empty(), "{:?}", p[0].diagnostics);
    let free = free_of(&p[0]);
    assert_eq!(
        free.cell(Mem, Column::Available).map(|c| c.text.as_str()),
        Some("4018")
    );
    assert_eq!(
        free.cell(Mem, Column::BuffCache).map(|c| c.text.as_str()),
        Some("4168")
    );
}

#[test]
fn c04_c32_c33_c44m_plain_megabytes() {
    type Rows = &'static [(RowKind, &'static [&'static str])];
    let cases: &[(&str, Rows)] = &[
        (
            "C04",
            &[
                (Mem, &["32174", "31000", "288", "153", "885", "415"]),
                (Swap, &["0", "0", "0"]),
            ],
        ),
        (
            "C32",
            &[
                (Mem, &["3957", "551", "3041", "17", "364", "3193"]),
                (Swap, &["1023", "0", "1023"]),
            ],
        ),
        (
            "C33",
            &[
                (Mem, &["7875", "889", "5903", "388", "1082", "6357"]),
                (Swap, &["0", "0", "0"]),
            ],
        ),
    ];
    for (case, rows) in cases {
        let want: Vec<Want> = match *case {
            "C32" => vec![
                Want::Other(Kind::Version),
                Want::Free {
                    layout: Layout::New,
                    rows,
                },
            ],
            _ => vec![Want::Free {
                layout: Layout::New,
                rows,
            }],
        };
        let p = check(case, "free.txt", &want);
        assert!(p.iter().all(|p| problems(p).is_empty()), "{case}");
    }
    let p = check(
        "C44",
        "free-m.txt",
        &[Want::Free {
            layout: Layout::New,
            rows: &[
                (Mem, &["31910", "978", "25102", "98", "5830", "30485"]),
                (Swap, &["16383", "0", "16383"]),
            ],
        }],
    );
    assert!(problems(&p[0]).is_empty());
}

#[test]
fn c06_procps4_kib_without_command() {
    let p = check(
        "C06",
        "free.txt",
        &[Want::Free {
            layout: Layout::New,
            rows: &[(
                Mem,
                &["3907112", "990816", "536144", "7144", "2565896", "2916296"],
            )],
        }],
    );
    assert!(problems(&p[0]).is_empty(), "{:?}", p[0].diagnostics);
    let free = free_of(&p[0]);
    assert!(free.flags.is_none());
    // No command line: KiB is assumed, and the cells are exact under it.
    assert_eq!(free.value_kib(Mem, Column::Used), Some((990816, 990816)));
    assert_eq!(
        free.value_kib(Mem, Column::Available),
        Some((2916296, 2916296))
    );
}

#[test]
fn c23_free_mh_and_top() {
    let p = check(
        "C23",
        "free.txt",
        &[Want::Free {
            layout: Layout::New,
            rows: &[
                (Mem, &["67G", "1.2G", "528M", "2.6M", "65G", "65G"]),
                (Swap, &["0B", "0B", "0B"]),
            ],
        }],
    );
    assert!(problems(&p[0]).is_empty(), "{:?}", p[0].diagnostics);
    let free = free_of(&p[0]);
    // expected.md: 67G total = 70,362,904 KiB (the top header's total).
    let (lo, hi) = free.value_kib(Mem, Column::Total).unwrap();
    assert!(lo <= 70_362_904 && 70_362_904 <= hi, "{lo}..{hi}");
    assert_eq!(free.value_kib(Swap, Column::Total), Some((0, 0)));

    let p = check(
        "C23",
        "top.txt",
        &[Want::Top {
            style: Style::Procps3310,
            lines: &[
                (
                    LineKind::Mem,
                    &[
                        (Field::Total, "70362904"),
                        (Field::Free, "496900"),
                        (Field::Used, "1269348"),
                        (Field::BuffCache, "68596656"),
                    ],
                ),
                (
                    LineKind::Swap,
                    &[
                        (Field::Total, "0"),
                        (Field::Free, "0"),
                        (Field::Used, "0"),
                        (Field::AvailMem, "68398928"),
                    ],
                ),
            ],
        }],
    );
    // The process table (and its cut last row) is not read and not complained about.
    assert!(problems(&p[0]).is_empty(), "{:?}", p[0].diagnostics);
    let top = top_of(&p[0]);
    let (lo, hi) = top.value_kib(LineKind::Mem, Field::Total).unwrap();
    assert!(lo <= 70_362_904 && hi >= Some(70_362_904));
    assert_eq!(
        top.value_kib(LineKind::Mem, Field::Free),
        Some((496900, Some(496900)))
    );
}

#[test]
fn c30_busybox_procps_and_top() {
    let rows_busybox: &[(RowKind, &[&str])] = &[
        (
            Mem,
            &[
                "8009240", "320000", "6925768", "278860", "763472", "7333736",
            ],
        ),
        (Swap, &["0", "0", "0"]),
    ];
    let rows_procps: &[(RowKind, &[&str])] = &[
        (
            Mem,
            &[
                "8009240", "280120", "6925768", "278860", "803352", "7333736",
            ],
        ),
        (Swap, &["0", "0", "0"]),
    ];
    for (file, rows) in [
        ("free-busybox.txt", rows_busybox),
        ("free-procps.txt", rows_procps),
    ] {
        let p = check(
            "C30",
            file,
            &[Want::Free {
                layout: Layout::New,
                rows,
            }],
        );
        assert!(problems(&p[0]).is_empty(), "{file}");
        assert_eq!(
            free_of(&p[0]).value_kib(Mem, Column::Total),
            Some((8009240, 8009240))
        );
    }
    check("C30", "meminfo", &[Want::Other(Kind::Meminfo)]);
    let p = check(
        "C30",
        "top.txt",
        &[Want::Top {
            style: Style::Procps3310,
            lines: &[
                (
                    LineKind::Mem,
                    &[
                        (Field::Total, "8009240"),
                        (Field::Free, "6925768"),
                        (Field::Used, "280120"),
                        (Field::BuffCache, "803352"),
                    ],
                ),
                (
                    LineKind::Swap,
                    &[
                        (Field::Total, "0"),
                        (Field::Free, "0"),
                        (Field::Used, "0"),
                        (Field::AvailMem, "7333736"),
                    ],
                ),
            ],
        }],
    );
    assert!(problems(&p[0]).is_empty());
    // Below 2^24 KiB the float holds every KiB value: the KiB text is exact.
    let top = top_of(&p[0]);
    assert_eq!(
        top.value_kib(LineKind::Mem, Field::Used),
        Some((280120, Some(280120)))
    );
}

#[test]
fn c31_old_layout_with_buffers_cache_row() {
    let p = check(
        "C31",
        "free.txt",
        &[
            Want::Other(Kind::Version),
            Want::Free {
                layout: Layout::Old,
                rows: &[
                    (Mem, &["4045", "3761", "284", "145", "220", "1991"]),
                    (BuffersCache, &["1548", "2497"]),
                    (Swap, &["7632", "74", "7557"]),
                ],
            },
        ],
    );
    assert!(problems(&p[1]).is_empty());
    let free = free_of(&p[1]);
    let t = &free.tables[0];
    assert_eq!(
        t.cell(BuffersCache, Column::Used).map(|c| c.text.as_str()),
        Some("1548")
    );
    assert_eq!(
        t.cell(BuffersCache, Column::Free).map(|c| c.text.as_str()),
        Some("2497")
    );
    assert_eq!(
        t.cell(Mem, Column::Cache).map(|c| c.text.as_str()),
        Some("1991")
    );
}

#[test]
fn c34_busybox_hybrid_and_cut_row() {
    let p = check(
        "C34",
        "free-t31.txt",
        &[Want::Free {
            layout: Layout::BusyBoxHybrid,
            rows: &[
                (Mem, &["59152", "18568", "20496", "0", "20088", "0"]),
                (BuffersCache, &["18568", "40584"]),
                (Swap, &["0", "0", "0"]),
            ],
        }],
    );
    assert!(problems(&p[0]).is_empty());
    let p = check(
        "C34",
        "free-t31-pr28.txt",
        &[Want::Free {
            layout: Layout::BusyBoxHybrid,
            rows: &[
                (Mem, &["33552", "12392", "2664", "0", "18496", "0"]),
                (BuffersCache, &["12392", "21160"]),
                (Swap, &["0", "0", "0"]),
            ],
        }],
    );
    assert!(problems(&p[0]).is_empty());
    let p = check(
        "C34",
        "free-ssc378de.txt",
        &[
            Want::Other(Kind::Meminfo),
            Want::Free {
                layout: Layout::New,
                rows: &[(Mem, &["53848", "14300", "25856", "0"])],
            },
        ],
    );
    let free = free_of(&p[1]);
    assert_eq!(free.tables[0].rows[0].cut.as_deref(), Some("1"));
    assert_eq!(problems(&p[1]), [(Some(5), Severity::Warning)]);
    assert_eq!(free.value_kib(Mem, Column::BuffCache), None);
}

#[test]
fn c36_german_and_c_locale() {
    let p = check(
        "C36",
        "free-c.txt",
        &[Want::Free {
            layout: Layout::New,
            rows: &[
                (
                    Mem,
                    &[
                        "32790348", "11592644", "9661816", "1054820", "11535888", "19895972",
                    ],
                ),
                (Swap, &["0", "0", "0"]),
            ],
        }],
    );
    assert!(problems(&p[0]).is_empty());
    let p = check(
        "C36",
        "free-de.txt",
        &[Want::Free {
            layout: Layout::New,
            rows: &[
                (
                    Mem,
                    &[
                        "32790348", "11589692", "9664776", "1054824", "11535880", "19898916",
                    ],
                ),
                (Swap, &["0", "0", "0"]),
            ],
        }],
    );
    assert!(problems(&p[0]).is_empty(), "{:?}", p[0].diagnostics);
    let table = &free_of(&p[0]).tables[0];
    let labels: Vec<&str> = table
        .header
        .as_ref()
        .unwrap()
        .columns
        .iter()
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "gesamt",
            "benutzt",
            "frei",
            "gemns.",
            "Puffer/Cache",
            "verfügbar"
        ]
    );
    assert_eq!(table.rows[0].label, "Speicher");
    assert_eq!(table.rows[1].label, "Auslagerungsspeicher");
}

#[test]
fn c38_c39_busybox_old_layout_and_empty_swap() {
    let p = check(
        "C38",
        "free-busybox.txt",
        &[Want::Free {
            layout: Layout::Old,
            rows: &[
                (Mem, &["32124", "3607", "28517", "852", "0", "0"]),
                (BuffersCache, &["3606", "28518"]),
                (Swap, &["15259", "1051", "14208"]),
            ],
        }],
    );
    assert!(problems(&p[0]).is_empty());
    let p = check(
        "C39",
        "alpine.txt",
        &[
            Want::Other(Kind::Meminfo),
            Want::Free {
                layout: Layout::Old,
                rows: &[
                    (Mem, &["2000", "576", "1423", "3", "20", "0"]),
                    (BuffersCache, &["556", "1443"]),
                    (Swap, &["2045", "0", "2045"]),
                ],
            },
        ],
    );
    assert!(problems(&p[1]).is_empty());
    let p = check(
        "C39",
        "ubuntu.txt",
        &[
            Want::Other(Kind::Meminfo),
            Want::Free {
                layout: Layout::New,
                rows: &[(Mem, &["123", "0", "122", "3", "0", "122"]), (Swap, &[])],
            },
        ],
    );
    // An empty `Swap:` row is a note, not a cut paste.
    assert!(problems(&p[1]).is_empty(), "{:?}", p[1].diagnostics);
}

#[test]
fn c41_busybox_top_impossible_cached() {
    let p = check(
        "C41",
        "top-busybox.txt",
        &[Want::Top {
            style: Style::BusyBox,
            lines: &[(
                LineKind::Mem,
                &[
                    (Field::Used, "449532K"),
                    (Field::Free, "159356K"),
                    (Field::Shared, "0K"),
                    (Field::Buffers, "0K"),
                    (Field::Cached, "139914323006485K"),
                ],
            )],
        }],
    );
    let top = top_of(&p[0]);
    let summary = &top.summaries[0];
    let cached = summary.item(LineKind::Mem, Field::Cached).unwrap();
    assert!(cached.exceeds_total);
    assert_eq!(
        top.value_kib(LineKind::Mem, Field::Cached),
        Some((139_914_323_006_485, Some(139_914_323_006_485)))
    );
    // total = used + free = 608888 KiB (expected.md).
    assert_eq!(problems(&p[0]), [(Some(1), Severity::Warning)]);
    assert!(p[0].diagnostics[0].message.contains("608888K"));
}

#[test]
fn c42_procps4_top() {
    let p = check(
        "C42",
        "top.txt",
        &[Want::Top {
            style: Style::Procps3310,
            lines: &[
                (
                    LineKind::Mem,
                    &[
                        (Field::Total, "7924.4"),
                        (Field::Free, "3146.9"),
                        (Field::Used, "2940.6"),
                        (Field::BuffCache, "2622.8"),
                    ],
                ),
                (
                    LineKind::Swap,
                    &[
                        (Field::Total, "512.0"),
                        (Field::Free, "512.0"),
                        (Field::Used, "0.0"),
                        (Field::AvailMem, "4983.8"),
                    ],
                ),
            ],
        }],
    );
    assert!(problems(&p[0]).is_empty(), "{:?}", p[0].diagnostics);
    let top = top_of(&p[0]);
    assert_eq!(
        top.value_kib(LineKind::Mem, Field::Total),
        Some((8_114_535, Some(8_114_636)))
    );
}

#[test]
fn c44_free_h_without_i() {
    let p = check(
        "C44",
        "free-h.txt",
        &[Want::Free {
            layout: Layout::New,
            rows: &[
                (Mem, &["7.4G", "409M", "1.1G", "363M", "5.9G", "6.3G"]),
                (Swap, &["0B", "0B", "0B"]),
            ],
        }],
    );
    assert!(problems(&p[0]).is_empty());
    let free = free_of(&p[0]);
    // procps ≤ 3.3.10 `-h`: 409M is [409, 410) MiB; 7.4G is (7.35, 7.45) GiB.
    assert_eq!(
        free.value_kib(Mem, Column::Used),
        Some((409 * 1024, 410 * 1024 - 1))
    );
    assert_eq!(
        free.value_kib(Mem, Column::Total),
        Some((7_707_034, 7_811_891))
    );
}

#[test]
fn facts_serialize() {
    let p = read_case("C42", "top.txt");
    let json = serde_json::to_string(&p[0]).unwrap();
    assert!(json.contains("\"kind\":\"top\""), "{json}");
    assert!(json.contains("\"field\":\"avail Mem\""), "{json}");
    let p = read_case("C31", "free.txt");
    let json = serde_json::to_string(&p[1]).unwrap();
    assert!(json.contains("\"row\":\"-/+ buffers/cache\""), "{json}");
    assert!(json.contains("\"layout\":\"old\""), "{json}");
}

#[test]
fn top_crlf_and_ansi_through_read() {
    let text = "top - 09:03:20 up 58 min,  1 user,  load average: 5.88, 7.69, 7.28\r\n\u{1b}[1mMiB Mem :\u{1b}[0m   7924.4 total,   3146.9 free,   2940.6 used,   2622.8 buff/cache\r\n\u{1b}[1mMiB Swap:\u{1b}[0m    512.0 total,    512.0 free,      0.0 used.   4983.8 avail Mem\r\n";
    let docs = read(&[Source::paste(text)], &[]);
    assert_eq!(docs.iter().map(|d| d.kind).collect::<Vec<_>>(), [Kind::Top]);
    let p = parse(&docs[0]);
    assert!(problems(&p).is_empty(), "{:?}", p.diagnostics);
    let top = top_of(&p);
    assert_eq!(
        top.summaries[0]
            .item(LineKind::Swap, Field::AvailMem)
            .unwrap()
            .text,
        "4983.8"
    );
    assert_eq!(top.summaries[0].lines[1].at.line, 3);
}

#[test]
fn crlf_ansi_and_quotes_through_read() {
    let text = "$ free -m\r\n> \u{1b}[1m              total        used        free      shared  buff/cache   available\u{1b}[0m\r\n> Mem:           7593        3264         160           7        4168        4018\r\n";
    let docs = read(&[Source::paste(text)], &[]);
    assert_eq!(docs.len(), 1);
    let p = parse(&docs[0]);
    assert!(problems(&p).is_empty(), "{:?}", p.diagnostics);
    let free = free_of(&p);
    assert_eq!(
        free.cell(Mem, Column::Available).map(|c| c.text.as_str()),
        Some("4018")
    );
    assert_eq!(
        free.flags.as_ref().map(|f| f.command.as_str()),
        Some("free -m")
    );
}

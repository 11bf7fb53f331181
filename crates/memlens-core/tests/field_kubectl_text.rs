//! The field fixtures of the Kubernetes text kinds (`kubectl top`, `kubectl describe node`,
//! kubelet and runtime logs, version lines), read the way a paste is read: through
//! `input::read` with the file name as the source name, then parsed. Every value asserted is one
//! that the case's `expected.md` states.

use memlens_core::input::{Document, Kind, Severity, Source, read};
use memlens_core::parse::describe::DescribeNode;
use memlens_core::parse::kubectl::{
    Cell, Column, PercentStyle, Printed, TopObject, TopRow, TopTable,
};
use memlens_core::parse::log::{Event, KubeletLog};
use memlens_core::parse::version::{Software, Versions};
use memlens_core::parse::{Facts, Parsed, parse};

macro_rules! fixture {
    ($case:literal, $file:literal) => {
        (
            $file,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/fixtures/field/",
                $case,
                "/",
                $file
            )),
        )
    };
}

/// A fixture file: its name and its text.
type File = (&'static str, &'static str);

/// Reads one fixture file as a source named after it.
fn documents((name, text): (&str, &str)) -> Vec<Document> {
    read(&[Source::file(name, text)], &[])
}

fn kinds(docs: &[Document]) -> Vec<Kind> {
    docs.iter().map(|d| d.kind).collect()
}

/// A diagnostic as `(line, severity)`.
type Problem = (Option<u32>, Severity);

/// The diagnostics of a parse, notes left out.
fn problems(parsed: &Parsed) -> Vec<Problem> {
    let list = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note);
    list.map(|d| (d.line, d.severity)).collect()
}

fn top(doc: &Document) -> (TopTable, Parsed) {
    let parsed = parse(doc);
    match &parsed.facts {
        Facts::KubectlTopNode(t) | Facts::KubectlTopPod(t) => (t.clone(), parsed),
        other => panic!("not a kubectl top table: {other:?}"),
    }
}

fn describe(doc: &Document) -> (DescribeNode, Parsed) {
    let parsed = parse(doc);
    match &parsed.facts {
        Facts::KubectlDescribeNode(d) => ((**d).clone(), parsed),
        other => panic!("not a describe node: {other:?}"),
    }
}

fn log(doc: &Document) -> (KubeletLog, Parsed) {
    let parsed = parse(doc);
    match &parsed.facts {
        Facts::KubeletLog(l) => (l.clone(), parsed),
        other => panic!("not a kubelet log: {other:?}"),
    }
}

fn versions(doc: &Document) -> Versions {
    match parse(doc).facts {
        Facts::Version(v) => v,
        other => panic!("not versions: {other:?}"),
    }
}

fn cell<T: Copy>(c: &Option<Cell<T>>, show: impl Fn(T) -> String) -> String {
    match c {
        None => "_".to_string(),
        Some(Cell {
            value: Printed::Unknown,
            ..
        }) => "<unknown>".to_string(),
        Some(Cell {
            value: Printed::Value(v),
            ..
        }) => show(*v),
    }
}

/// A row as kubectl would print it from the values read; `_` for a cell the paste lacks.
fn show(row: &TopRow) -> String {
    let mut out: Vec<String> = Vec::new();
    out.extend(row.namespace.clone());
    out.extend(row.pod.clone());
    out.push(row.name.clone());
    out.push(cell(&row.cpu, |c| format!("{}m", c.millicores)));
    let node = row.cpu_percent.is_some() || row.memory_percent.is_some() || row.memory.is_none();
    if node {
        out.push(cell(&row.cpu_percent, |p| format!("{p}%")));
    }
    out.push(cell(&row.memory, |m| format!("{}Mi", m.mebibytes)));
    if node {
        out.push(cell(&row.memory_percent, |p| format!("{p}%")));
    }
    out.join(" ")
}

fn rows(table: &TopTable) -> Vec<String> {
    table.rows.iter().map(show).collect()
}

fn memory_sum(table: &TopTable) -> u64 {
    let mebibytes = table.rows.iter().filter_map(|r| r.memory.as_ref()?.known());
    mebibytes.map(|m| m.mebibytes).sum()
}

#[test]
fn top_node_tables() {
    #[rustfmt::skip]
    let cases: &[(File, &[&str], &[Problem])] = &[
        (fixture!("C01", "kubectl-top-node.txt"),
            &["server 148m 0% 127220Mi 49%", "node1 161m 0% 42768Mi 48%", "node2 157m 0% 47582Mi 50%",
              "node3 188m 0% 51611Mi 54%"], &[]),
        (fixture!("C03", "kubectl-top-node.txt"), &["10.0.0.1 750m 18% 5543Mi 76%"], &[]),
        (fixture!("C04", "kubectl-top-node.txt"),
            &["node-a 303m 3% 6001Mi 18%", "node-b 1613m 20% 11522Mi 35%", "node-c 451m 5% 8751Mi 27%",
              "node-d 550m 6% 9780Mi 30%", "node-e 237m 2% 10607Mi 33%", "node-f 849m 10% 9895Mi 30%",
              "node-g 171m 4% 3711Mi 23%"], &[]),
        // The cp-c row is cut before its MEMORY%.
        (fixture!("C06", "kubectl-top-node.txt"),
            &["node-a 40m 2% 2180Mi 67%", "node-b 29m 1% 1901Mi 59%", "cp-a 101m 6% 1618Mi 80%",
              "cp-b 85m 5% 1708Mi 84%", "cp-c 72m 4% 1517Mi _"], &[(Some(6), Severity::Warning)]),
        (fixture!("C07", "kubectl-top-node.txt"),
            &["node-a 94m 10% 881Mi 31%", "node-b 81m 8% 864Mi 30%", "node-c 76m 8% 858Mi 30%"], &[]),
        (fixture!("C12", "kubectl-top-node.txt"),
            &["node-a 320m 8% 15080Mi 54%", "node-b 355m 9% 28048Mi 101%", "node-c 544m 13% 24650Mi 88%",
              "node-d 325m 8% 2170Mi 7%", "node-e 511m 13% 14992Mi 54%", "node-f 516m 13% 25332Mi 91%"], &[]),
        (fixture!("C12", "kubectl-top-node-2.txt"), &["node-g 79m 4% 2357Mi 109%"], &[]),
        (fixture!("C13", "kubectl-top-node.txt"), &["node-a 1064m 53% 6783Mi 88%"], &[]),
        // A shell session with comments; the MEMORY% cell is cut off.
        (fixture!("C14", "session.txt"), &["minikube 119m 5% 1003Mi _"], &[(Some(8), Severity::Warning)]),
        // The klog warning above the header is not part of the table.
        (fixture!("C26", "kubectl-top-node.txt"),
            &["node-a 354m 17% 0Mi 0%", "node-b 177m 8% 0Mi 0%", "node-c 291m 14% 0Mi 0%",
              "node-d 134m 6% 0Mi 0%", "node-e 141m 7% 0Mi 0%", "node-f 67m 3% 0Mi 0%"], &[]),
        (fixture!("C48", "kubectl-top-node.txt"),
            &["node-a 354m 17% 2685Mi 45%", "node-b 180m 18% 2244Mi 38%", "node-c 213m 21% 2138Mi 36%"], &[]),
    ];
    for (file, want_rows, want_problems) in cases {
        let docs = documents(*file);
        assert_eq!(kinds(&docs), [Kind::KubectlTopNode], "{}", file.0);
        let (table, parsed) = top(&docs[0]);
        assert_eq!(table.object, TopObject::Node, "{}", file.0);
        assert_eq!(rows(&table), *want_rows, "{}", file.0);
        assert_eq!(
            problems(&parsed),
            *want_problems,
            "{}: {:?}",
            file.0,
            parsed.diagnostics
        );
        let header = table.header.as_ref().expect("a header");
        assert_eq!(
            header.percent_style,
            Some(PercentStyle::Suffix),
            "{}",
            file.0
        );
        use Column::*;
        assert_eq!(
            table.columns,
            [Name, Cpu, CpuPercent, Memory, MemoryPercent],
            "{}",
            file.0
        );
    }
}

#[test]
fn top_node_cells_keep_text_lines_and_byte_ranges() {
    let docs = documents(fixture!("C01", "kubectl-top-node.txt"));
    let (table, _) = top(&docs[0]);
    assert_eq!(docs[0].command.as_deref(), Some("kubectl top nodes"));
    let server = &table.rows[0];
    let memory = server.memory.as_ref().unwrap();
    assert_eq!((memory.text.as_str(), memory.at.line), ("127220Mi", 3));
    let range = memory.known().map(|m| (m.bytes_from, m.bytes_below));
    assert_eq!(range, Some((127220 << 20, 127221 << 20)));
    assert_eq!(table.header.as_ref().map(|h| h.at.line), Some(2));

    // C26: the klog line (line 2) is not in the document; the header is line 3.
    let docs = documents(fixture!("C26", "kubectl-top-node.txt"));
    let lines: Vec<u32> = docs[0].lines.iter().map(|l| l.no).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9]);
    let (table, _) = top(&docs[0]);
    let zero = table.rows.iter().all(|r| {
        r.memory
            .as_ref()
            .and_then(|m| m.known())
            .map(|m| m.mebibytes)
            == Some(0)
    });
    assert!(zero && table.rows.len() == 6);
}

#[test]
fn top_pod_tables() {
    use Column::*;
    #[rustfmt::skip]
    let cases: &[(File, &[Column], &[&str], u64)] = &[
        // -A with lost alignment: the nine listed pods sum to 2685Mi.
        (fixture!("C03", "kubectl-top-pod.txt"), &[Namespace, Name, Cpu, Memory],
            &["default xxxxxxxxxxxxxx 3m 233Mi", "default xxxxxxxxxxxxxxx 3m 254Mi",
              "default xxxxxxxxxxxxxxxx 370m 909Mi", "default xxxxxxxxxxxxxxxxxxxx 5m 82Mi",
              "default xxxxxxxxxxxxxxxxxxxxx 1m 1Mi", "default xxxxxxx 4m 89Mi",
              "dynatrace xxxxxxxxxxxxxxactivegate-0 66m 712Mi", "dynatrace xxxxxxxxxxxxxxoneagent-xxxxx 53m 385Mi",
              "kube-system kube-flannel-ds-xxxxx 3m 20Mi"], 2685),
        // --containers under a refresher header: the pod is 1545 + 86 + 19 = 1650Mi.
        (fixture!("C16", "kubectl-top-pod.txt"), &[Pod, Name, Cpu, Memory],
            &["pod-x app 704m 1545Mi", "pod-x stash 3m 86Mi", "pod-x vault-agent 1m 19Mi"], 1650),
        // One row without a header.
        (fixture!("C17", "kubectl-top-pod.txt"), &[Name, Cpu, Memory], &["{my_pod_name} 9m 1394Mi"], 1394),
        // -A: all pods of the cluster sum to 813Mi.
        (fixture!("C48", "kubectl-top-pod.txt"), &[Namespace, Name, Cpu, Memory],
            &["default resource-consumer-pod 100m 7Mi", "kube-system calico-kube-controllers-xxxxxxxxxx-xxxxx 4m 16Mi",
              "kube-system calico-node-aaaaa 35m 87Mi", "kube-system calico-node-bbbbb 52m 89Mi",
              "kube-system calico-node-ccccc 23m 89Mi", "kube-system coredns-xxxxxxxxxx-aaaaa 2m 12Mi",
              "kube-system coredns-xxxxxxxxxx-bbbbb 2m 12Mi", "kube-system etcd-node-a 41m 37Mi",
              "kube-system kube-apiserver-node-a 74m 343Mi", "kube-system kube-controller-manager-node-a 28m 46Mi",
              "kube-system kube-proxy-aaaaa 1m 15Mi", "kube-system kube-proxy-bbbbb 1m 14Mi",
              "kube-system kube-proxy-ccccc 1m 14Mi", "kube-system kube-scheduler-node-a 5m 17Mi",
              "kube-system metrics-server-xxxxxxxxx-xxxxx 4m 15Mi"], 813),
    ];
    for (file, want_columns, want_rows, want_sum) in cases {
        let docs = documents(*file);
        assert_eq!(kinds(&docs), [Kind::KubectlTopPod], "{}", file.0);
        let (table, parsed) = top(&docs[0]);
        assert_eq!(table.object, TopObject::Pod, "{}", file.0);
        assert_eq!(table.columns, *want_columns, "{}", file.0);
        assert_eq!(rows(&table), *want_rows, "{}", file.0);
        assert_eq!(memory_sum(&table), *want_sum, "{}", file.0);
        assert_eq!(
            problems(&parsed),
            [],
            "{}: {:?}",
            file.0,
            parsed.diagnostics
        );
    }
}

#[test]
fn headerless_row_says_its_columns_are_guessed() {
    let docs = documents(fixture!("C17", "kubectl-top-pod.txt"));
    assert_eq!(docs[0].command.as_deref(), Some("kubectl top pod"));
    let (table, parsed) = top(&docs[0]);
    assert!(table.columns_guessed && table.header.is_none());
    let note = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Note);
    assert_eq!(note.map(|d| d.line), Some(Some(2)));
    assert!(
        note.is_some_and(|d| d.message.contains("guessed")),
        "{:?}",
        parsed.diagnostics
    );
}

#[test]
fn unrelated_documents_in_the_same_cases() {
    let cases: &[((&str, &str), &[Kind])] = &[
        (fixture!("C16", "gctrace.txt"), &[Kind::Unknown]),
        (fixture!("C17", "ps.txt"), &[Kind::Unknown]),
        (
            fixture!("C07", "mount.txt"),
            &[Kind::Version, Kind::Unknown],
        ),
    ];
    for (file, want) in cases {
        assert_eq!(kinds(&documents(*file)), *want, "{}", file.0);
    }
}

#[test]
fn describe_allocatable_only_c06() {
    let docs = documents(fixture!("C06", "describe-node.txt"));
    assert_eq!(kinds(&docs), [Kind::KubectlDescribeNode]);
    let (node, parsed) = describe(&docs[0]);
    assert_eq!(problems(&parsed), []);
    let allocatable = node.allocatable.as_ref().unwrap();
    let got: Vec<(&str, &str, u32)> = allocatable
        .entries
        .iter()
        .map(|r| (r.name.as_str(), r.text.as_str(), r.at.line))
        .collect();
    assert_eq!(
        got,
        [
            ("cpu", "1700m", 2),
            ("ephemeral-storage", "37818813820", 3),
            ("memory", "3292712Ki", 5),
            ("pods", "110", 6)
        ]
    );
    let memory = allocatable
        .memory()
        .and_then(|m| m.quantity)
        .map(|q| q.exact_bytes());
    assert_eq!(memory, Some(Ok(3292712 * 1024)));
    let cpu = allocatable
        .cpu()
        .and_then(|c| c.quantity)
        .and_then(|q| q.milli_value());
    assert_eq!(cpu, Some(1700));
    assert_eq!(node.capacity, None);
}

#[test]
fn describe_conditions_cut_c12() {
    let docs = documents(fixture!("C12", "describe-node.txt"));
    assert_eq!(kinds(&docs), [Kind::KubectlDescribeNode]);
    let (node, parsed) = describe(&docs[0]);
    let got: Vec<(&str, &str, Option<&str>, Option<&str>)> = node
        .conditions
        .iter()
        .map(|c| {
            (
                c.condition.as_str(),
                c.status.as_str(),
                c.reason.as_deref(),
                c.message.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "NetworkUnavailable",
                "False",
                Some("RouteCreated"),
                Some("RouteController created a route")
            ),
            (
                "MemoryPressure",
                "False",
                Some("KubeletHasSufficientMemory"),
                Some("kubelet has sufficient memory available")
            ),
            (
                "DiskPressure",
                "False",
                Some("KubeletHasNoDiskPressure"),
                Some("kubelet has no disk pressure")
            ),
            // The paste stops after `k`; the cut message is not kept.
            (
                "PIDPressure",
                "False",
                Some("KubeletHasSufficientPID"),
                None
            ),
        ]
    );
    let memory = node.condition("MemoryPressure").unwrap();
    assert_eq!(
        memory.last_heartbeat.as_deref(),
        Some("Mon, 30 Aug 2021 09:04:12 -0500")
    );
    assert_eq!(memory.at.line, 12);
    assert_eq!(problems(&parsed), [(Some(14), Severity::Warning)]);
    assert!(
        parsed
            .diagnostics
            .iter()
            .any(|d| d.message.starts_with("the document is cut off"))
    );
}

#[test]
fn describe_allocated_c13() {
    let docs = documents(fixture!("C13", "describe-node.txt"));
    assert_eq!(kinds(&docs), [Kind::KubectlDescribeNode]);
    assert_eq!(
        docs[0].command.as_deref(),
        Some("kubectl describe node node-a")
    );
    let (node, parsed) = describe(&docs[0]);
    assert_eq!(problems(&parsed), []);
    let memory = node.allocated("memory").unwrap();
    assert_eq!(memory.at.line, 6);
    assert_eq!(
        (memory.requests.text.as_str(), memory.requests.percent),
        ("2981486848", Some(37))
    );
    assert_eq!(
        (memory.limits.text.as_str(), memory.limits.percent),
        ("1588314624", Some(19))
    );
    let bytes = |a: &memlens_core::parse::describe::Amount| a.quantity.map(|q| q.exact_bytes());
    assert_eq!(bytes(&memory.requests), Some(Ok(2981486848)));
    assert_eq!(bytes(&memory.limits), Some(Ok(1588314624)));
    let cpu = node.allocated("cpu").unwrap();
    assert_eq!(
        (cpu.requests.text.as_str(), cpu.requests.percent),
        ("1480m", Some(74))
    );
    assert_eq!(
        (cpu.limits.text.as_str(), cpu.limits.percent),
        ("1300m", Some(65))
    );
}

#[test]
fn crio_working_set_warnings_c25() {
    #[rustfmt::skip]
    let cases: &[(File, &[(u64, u64)])] = &[
        (fixture!("C25", "crio-6745.log"),
            &[(3827683328, 3233787904), (3827683328, 3233787904), (3827683328, 3233746944), (3827683328, 3233759232)]),
        (fixture!("C25", "crio-7068.log"),
            &[(25808896, 7692288), (27009024, 7122944), (12185600, 4530176), (29233152, 15134720), (28495872, 14880768)]),
    ];
    for (file, want) in cases {
        let docs = documents(*file);
        assert_eq!(kinds(&docs), [Kind::KubeletLog], "{}", file.0);
        let (log, parsed) = log(&docs[0]);
        let got: Vec<(u64, u64)> = log
            .events
            .iter()
            .map(|e| match &e.event {
                Event::InactiveFileOverUsage {
                    key,
                    inactive_file,
                    usage,
                } => {
                    assert_eq!(key, "total_inactive_file");
                    (*inactive_file, *usage)
                }
                other => panic!("{}: unexpected event {other:?}", file.0),
            })
            .collect();
        assert_eq!(got, *want, "{}", file.0);
        let lines: Vec<u32> = log.events.iter().map(|e| e.at.line).collect();
        assert_eq!(
            lines,
            (1..=want.len() as u32).collect::<Vec<_>>(),
            "{}",
            file.0
        );
        assert!(
            parsed.diagnostics.is_empty(),
            "{}: {:?}",
            file.0,
            parsed.diagnostics
        );
        let prefix = &log.events[0].prefix;
        assert_eq!(
            (prefix.process.as_deref(), prefix.level.as_deref()),
            (Some("crio"), Some("warning"))
        );
    }
}

#[test]
fn kernel_release_c07() {
    let docs = documents(fixture!("C07", "mount.txt"));
    assert_eq!(docs[0].command.as_deref(), Some("uname -r"));
    let versions = versions(&docs[0]);
    let kernel = versions.of(Software::Kernel).unwrap();
    assert_eq!(kernel.text, "5.15.0-1034-gke");
    let v = &kernel.version;
    assert_eq!(
        (v.major, v.minor, v.patch, v.suffix.as_str()),
        (5, 15, Some(0), "-1034-gke")
    );
    assert_eq!(kernel.at.line, 2);
}

/// Nothing a person can paste makes these parsers panic; each line is read once.
#[test]
fn adversarial_input_never_panics() {
    let long = "x".repeat(100_000);
    let nasty: Vec<String> = vec![
        String::new(),
        "é:ü=ö\"[{".to_string(),
        "NAME CPU(cores) CPU% MEMORY(bytes) MEMORY%\né 1é 1% 1Mié 1%\nñ <unkn".to_string(),
        "NAME CPU(cores) MEMORY(bytes)\n________\n________\n".to_string(),
        "Conditions:\n  Ready True Mon,\n  X Unknown Tue, 1\nCapacity:\n  é: 1\n  memory:".to_string(),
        "  Resource Requests Limits\n  memory (1%) (\n  cpu 1 (x%)\n".to_string(),
        "Mar 18 16:09:13 h p[: time=\"\\\" level= msg=\"inactive_file (é) > memory usage (".to_string(),
        "I0101 00:00:00.0 1 x.go:1] \"Eviction manager: pods ranked for eviction\" pods=[\"a".to_string(),
        "\"Evicting pod\" pod=\"a\" message=\"Container  was using , request is , has larger consumption of \"".to_string(),
        "free from procps-ng v\nClient Version: version.Info{GitVersion:\"\nLinux h é".to_string(),
        format!("{long} 1m 1Mi\n{long}: {long}\n\"{long}"),
    ];
    let kinds = [
        Kind::KubectlTopNode,
        Kind::KubectlTopPod,
        Kind::KubectlDescribeNode,
        Kind::KubeletLog,
        Kind::Version,
    ];
    for text in &nasty {
        for doc in read(&[Source::paste(text.as_str())], &[]) {
            for kind in kinds {
                let mut doc = doc.clone();
                doc.kind = kind;
                let _ = parse(&doc);
            }
        }
    }
}

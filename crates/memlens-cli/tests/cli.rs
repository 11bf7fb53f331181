//! The built `memlens` binary, run as a person runs it: `explain` on the field fixtures in every
//! format, exit codes, `collect` read back through `explain -`, and `kubectl` faked on PATH.
//! The comparisons with the machine's real `free`, `top` and kernel are in `oracle.rs`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_memlens");
const FIELD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/field");

/// Runs memlens with `args`, feeding `stdin`, with `env` set and NO_COLOR unset.
fn run_with(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("running {BIN}: {e}"));
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("waiting for {BIN}: {e}"))
}

fn run(args: &[&str], stdin: &str) -> Output {
    run_with(args, stdin, &[])
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every field case: its name and its input files (everything but `expected.md`).
fn field_cases() -> Vec<(String, Vec<String>)> {
    let mut cases = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(FIELD)
        .unwrap_or_else(|e| panic!("{FIELD}: {e}"))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{dir:?}: {e}"))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.file_name().is_some_and(|n| n != "expected.md"))
            .map(|path| path.to_string_lossy().into_owned())
            .collect();
        files.sort();
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        cases.push((name, files));
    }
    assert!(
        cases.len() >= 30,
        "expected the field corpus, found {cases:?}"
    );
    cases
}

fn json(output: &Output, what: &str) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{what}: not JSON ({e}):\n{}", stdout(output)))
}

/// Whether a JSON report has a diagnostic of severity error.
fn has_errors(report: &Value) -> bool {
    report["documents"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|d| d["diagnostics"].as_array().into_iter().flatten())
        .any(|d| d["severity"] == "error")
}

#[test]
fn explain_every_field_case_in_every_format() {
    let keys: BTreeSet<&str> = [
        "documents",
        "assumptions",
        "quantities",
        "bridges",
        "findings",
        "composition",
        "verdict",
    ]
    .into();
    let mut failures = Vec::new();
    for (name, files) in field_cases() {
        let paths: Vec<&str> = files.iter().map(String::as_str).collect();

        let mut args = vec!["explain", "--format", "json"];
        args.extend(&paths);
        let output = run(&args, "");
        let report = json(&output, &name);
        let got: BTreeSet<&str> = report
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        if got != keys {
            failures.push(format!(
                "{name}: JSON keys\n  want {keys:?}\n   got {got:?}"
            ));
        }
        let want_code = if has_errors(&report) { 1 } else { 0 };
        if output.status.code() != Some(want_code) {
            failures.push(format!(
                "{name}: exit code want {want_code} got {:?}",
                output.status.code()
            ));
        }
        let verdict = report["verdict"].as_str().unwrap_or("").to_string();
        if verdict.is_empty() {
            failures.push(format!("{name}: empty verdict"));
        }

        let mut args = vec!["explain", "--format", "markdown"];
        args.extend(&paths);
        let markdown = stdout(&run(&args, ""));
        if !markdown.contains(&format!("**Verdict:** {verdict}")) {
            failures.push(format!("{name}: markdown lacks the verdict {verdict:?}"));
        }

        let mut args = vec!["explain"];
        args.extend(&paths);
        let text = stdout(&run(&args, ""));
        if !text.starts_with("Verdict\n") || text.contains('\u{1b}') {
            failures.push(format!(
                "{name}: text should start with Verdict, uncoloured"
            ));
        }
        for line in text.lines() {
            let width = line.chars().count();
            if width > 100 {
                failures.push(format!("{name}: text line of {width} columns:\n{line}"));
            }
        }
        // Every pasted kubectl cell is still in the text, in its row.
        for q in report["quantities"].as_array().into_iter().flatten() {
            let id = q["id"].as_str().unwrap_or("");
            let pasted = q["observed"]["text"].as_str();
            if let (true, Some(pasted)) = (id.starts_with("kubectl.top_"), pasted)
                && !text.contains(pasted)
            {
                failures.push(format!("{name}: text lacks {id} = {pasted}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let file = format!("{FIELD}/C12/kubectl-top-node.txt");
    // A pipe: never colour.
    for env in [&[][..], &[("NO_COLOR", "1")][..]] {
        let output = run_with(&["explain", &file], "", env);
        assert!(!stdout(&output).contains('\u{1b}'), "{env:?}");
    }
    // A terminal, made by script(1) (util-linux): colour unless NO_COLOR is set.
    let command = format!("{BIN} explain {file}");
    for (no_color, want) in [(false, true), (true, false)] {
        let mut script = Command::new("script");
        script
            .args(["-qc", &command, "/dev/null"])
            .env_remove("NO_COLOR");
        if no_color {
            script.env("NO_COLOR", "1");
        }
        let output = script
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("running script(1) for a terminal: {e}"));
        let text = stdout(&output);
        assert_eq!(
            text.contains("\u{1b}[1mVerdict"),
            want,
            "NO_COLOR set: {no_color}\n{text}"
        );
    }
}

#[test]
fn kubectl_rows_are_one_line_per_node() {
    let file = format!("{FIELD}/C12/kubectl-top-node.txt");
    let text = stdout(&run(&["explain", &file], ""));
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  node-b "))
        .collect();
    assert_eq!(
        rows,
        ["  node-b        355m      9%        28048Mi       101%  pasted"],
        "{text}"
    );
}

#[test]
fn exit_codes() {
    let clean = format!("{FIELD}/C08/meminfo");
    let dir = TempDir::new("exit");
    let broken = dir.write(
        "broken-meminfo",
        "MemTotal: 1000 kB\nnot a meminfo line\nMemFree: 10 kB\n",
    );
    // (args, stdin, exit code, text expected on stderr)
    #[rustfmt::skip]
    let cases: &[(&[&str], &str, i32, &str)] = &[
        (&["explain", &clean], "", 0, ""),
        (&["explain", "-"], "MemTotal: 1000 kB\nMemFree: 10 kB\n", 0, ""),
        (&["explain", &broken], "", 1, ""),
        (&["explain", "-"], "MemTotal: 1000 kB\nnot a meminfo line\nMemFree: 10 kB\n", 1, ""),
        (&["explain", "/nonexistent/meminfo"], "", 2, "reading /nonexistent/meminfo"),
        (&["explain"], "", 2, "required"),
        (&["explain", "--bogus", &clean], "", 2, "--bogus"),
        (&["explain", "--assume", "nonsense", &clean], "", 2, "KEY=VALUE"),
        (&["explain", "--kubectl", "node-a", &clean], "", 2, "--live"),
        (&["bogus"], "", 2, "bogus"),
        (&["--help"], "", 0, ""),
        (&["free", "-m", &clean], "", 0, ""),
        (&["free", "-m", &broken], "", 1, "not a meminfo line"),
        (&["free", "-x", &clean], "", 1, "free: invalid option -- 'x'"),
        (&["free", "-m", "-g", &clean], "", 1, "free: Multiple unit options don't make sense."),
        (&["free", "--procps", "3.3.17", "-m", "-g", &clean], "", 1,
            "free: Multiple unit options doesn't make sense."),
        (&["free", "--procps", "3.3.9", "-w", &clean], "", 1, "free: invalid option -- 'w'"),
        (&["free", "--procps", "nonsense", &clean], "", 2, "--procps nonsense"),
        (&["free", "--busybox", "1.36.1", "-x", &clean], "", 1, "BusyBox free does not take"),
        (&["free", "-m", "/nonexistent/meminfo"], "", 2, "reading /nonexistent/meminfo"),
        (&["top", &clean], "", 0, ""),
        (&["top", "-E", "x", &clean], "", 2, "invalid value 'x'"),
        (&["top", "-E", "g", "--procps", "3.3.10", &clean], "", 2, "no -E option"),
        (&["collect", "--kubectl", "a/b"], "", 2, "expected a node name"),
    ];
    let mut failures = Vec::new();
    for (args, stdin, code, message) in cases {
        let output = run(args, stdin);
        let err = stderr(&output);
        if output.status.code() != Some(*code) || !err.contains(message) {
            failures.push(format!(
                "memlens {}\n  want exit {code} and stderr containing {message:?}\n   got exit \
                 {:?}, stderr {err:?}",
                args.join(" "),
                output.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn free_and_top_read_files_stdin_and_bundles() {
    let meminfo = std::fs::read_to_string(format!("{FIELD}/C07/meminfo"))
        .unwrap_or_else(|e| panic!("C07/meminfo: {e}"));
    // The fixture starts with a prompt line; the core splitter drops it.
    let want_m = concat!(
        "               total        used        free      shared  buff/cache   available\n",
        "Mem:           16009        1340        9515           2        5493       14668\n",
        "Swap:              0           0           0\n",
    );
    let want_top = concat!(
        "MiB Mem :  16009.0 total,   9515.8 free,   1340.2 used,   5493.7 buff/cache     \n",
        "MiB Swap:      0.0 total,      0.0 free,      0.0 used.  14668.8 avail Mem \n",
    );
    let bundle =
        format!("==> /proc/sys/kernel/osrelease <==\n5.15.0\n\n==> /proc/meminfo <==\n{meminfo}");
    let cases: &[(&[&str], &str, &str)] = &[
        (&["free", "-m", "-"], &meminfo, want_m),
        (&["free", "-", "-m"], &bundle, want_m),
        (&["top", "-"], &meminfo, want_top),
        (
            &["free", "-V", "--procps", "3.3.17"],
            "",
            "free from procps-ng 3.3.17\n",
        ),
    ];
    for (args, stdin, want) in cases {
        let output = run(args, stdin);
        assert_eq!(
            stdout(&output),
            *want,
            "memlens {}\nstderr {}",
            args.join(" "),
            stderr(&output)
        );
        assert_eq!(output.status.code(), Some(0), "memlens {}", args.join(" "));
    }

    // A snapshot with -c prints the tables at once; with -s alone, one table and a note.
    let output = run(&["free", "-c", "2", "-s", "30", "-m", "-"], &meminfo);
    assert_eq!(stdout(&output), format!("{want_m}\n{want_m}"));
    let output = run(&["free", "-s", "30", "-m", "-"], &meminfo);
    assert_eq!(stdout(&output), want_m);
    assert!(stderr(&output).contains("snapshot"), "{}", stderr(&output));

    // BusyBox, and a meminfo without MemAvailable for 3.3.17 (needs min_free_kbytes).
    let small = "MemTotal: 8009240 kB\nMemFree: 6925768 kB\nBuffers: 94024 kB\n\
                 Cached: 669448 kB\nSReclaimable: 39880 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n";
    let output = run(&["free", "--procps", "3.3.17", "-"], small);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--min-free-kbytes"),
        "{}",
        stderr(&output)
    );
    let output = run(
        &[
            "free",
            "--procps",
            "3.3.17",
            "--min-free-kbytes",
            "67584",
            "-",
        ],
        small,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = run(&["free", "--busybox", "1.36.1", "-m", "-"], small);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("              total"),
        "{}",
        stdout(&output)
    );
}

/// A fresh directory under the system's temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("memlens-cli-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
        TempDir(dir)
    }

    /// Writes `path` (relative, or absolute as on a machine) under the directory.
    fn write(&self, path: &str, text: &str) -> String {
        let full = self.0.join(path.trim_start_matches('/'));
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{parent:?}: {e}"));
        }
        std::fs::write(&full, text).unwrap_or_else(|e| panic!("{full:?}: {e}"));
        full.to_string_lossy().into_owned()
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Each document of a bundle, read back by `explain --format json -`: (name, kind).
fn kinds_of(bundle: &str) -> (Vec<(String, String)>, Value) {
    let output = run(&["explain", "--format", "json", "-"], bundle);
    let report = json(&output, "explain - of a bundle");
    let docs = report["documents"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["name"].as_str().unwrap_or("").to_string(),
                d["kind"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (docs, report)
}

/// The kind a collected path or command must read back as.
fn expected_kind(name: &str) -> &'static str {
    let v1 = name.starts_with("/sys/fs/cgroup/memory/");
    match name.rsplit('/').next().unwrap_or("") {
        "meminfo" => "meminfo",
        "osrelease" => "version",
        "memory.stat" if v1 => "cgroup1.memory.stat",
        "memory.stat" => "cgroup2.memory.stat",
        "memory.usage_in_bytes" => "cgroup1.memory.usage_in_bytes",
        "memory.limit_in_bytes" => "cgroup1.memory.limit_in_bytes",
        "memory.current" => "cgroup2.memory.current",
        "memory.max" => "cgroup2.memory.max",
        _ if name == "free -V" => "version",
        _ if name.contains("/stats/summary") => "kubelet.summary",
        _ if name.contains("/metrics/resource") => "prometheus",
        _ if name.contains("metrics.k8s.io") => "metrics.nodes",
        _ if name.starts_with("kubectl top node") => "kubectl.top.node",
        _ if name.starts_with("kubectl get node") => "kubectl.node",
        _ => "unknown",
    }
}

#[test]
fn collect_on_this_machine_reads_back_with_the_right_kinds() {
    let output = run(&["collect"], "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let bundle = stdout(&output);
    let headers: Vec<String> = bundle
        .lines()
        .filter_map(|l| {
            l.strip_prefix("==> ")
                .and_then(|h| h.strip_suffix(" <=="))
                .or_else(|| l.strip_prefix("$ "))
                .map(str::to_string)
        })
        .collect();
    assert!(
        headers.contains(&"/proc/meminfo".to_string()),
        "{headers:?}"
    );
    assert!(
        headers.contains(&"/proc/sys/kernel/osrelease".to_string()),
        "{headers:?}"
    );
    assert!(
        headers.iter().any(|h| h.ends_with("/memory.stat")),
        "no root memory.stat in {headers:?}\n{}",
        stderr(&output)
    );

    let (docs, report) = kinds_of(&bundle);
    let names: Vec<&String> = docs.iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        headers.iter().collect::<Vec<_>>(),
        "one document per section"
    );
    for (name, kind) in &docs {
        assert_eq!(kind, expected_kind(name), "{name}");
    }
    assert!(!has_errors(&report), "{report:#}");
}

/// A fake node: a v2-only machine with a systemd pods slice, and a fake `kubectl` on PATH that
/// answers the five requests (the metrics-server one fails, as it does without metrics-server).
#[test]
fn collect_with_kubectl_reads_back_with_the_right_kinds() {
    let node = TempDir::new("node");
    let meminfo = std::fs::read_to_string(format!("{FIELD}/C07/meminfo"))
        .unwrap_or_else(|e| panic!("C07/meminfo: {e}"));
    node.write("/proc/meminfo", &meminfo);
    node.write("/proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
    node.write(
        "/proc/self/mountinfo",
        "25 22 0:23 / /sys/fs/cgroup rw,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n",
    );
    node.write(
        "/sys/fs/cgroup/cgroup.controllers",
        "cpuset cpu io memory pids\n",
    );
    let stat =
        "anon 790425600\nfile 6502666240\ninactive_file 5307346944\nactive_file 1195319296\n";
    node.write("/sys/fs/cgroup/memory.stat", stat);
    node.write("/sys/fs/cgroup/kubepods.slice/memory.stat", stat);
    node.write(
        "/sys/fs/cgroup/kubepods.slice/memory.current",
        "7293091840\n",
    );
    node.write("/sys/fs/cgroup/kubepods.slice/memory.max", "15242268672\n");

    let bin = TempDir::new("bin");
    bin.write(
        "summary.json",
        "{\n  \"node\": {\n    \"nodeName\": \"node-a\",\n    \"memory\": {\n      \"time\": \
         \"2024-03-12T05:53:37Z\",\n      \"availableBytes\": 15858147328,\n      \
         \"usageBytes\": 1406832640,\n      \"workingSetBytes\": 928534528,\n      \
         \"rssBytes\": 387112960\n    }\n  }\n}\n",
    );
    let resource = std::fs::read_to_string(format!("{FIELD}/C45/metrics-resource.txt"))
        .unwrap_or_else(|e| panic!("C45: {e}"));
    bin.write("resource.txt", &resource);
    bin.write(
        "node.json",
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Node\",\n  \"metadata\": {\"name\": \
         \"node-a\"},\n  \"status\": {\n    \"capacity\": {\"memory\": \"16393244Ki\"},\n    \
         \"allocatable\": {\"memory\": \"15242268Ki\"}\n  }\n}\n",
    );
    bin.write(
        "top.txt",
        "NAME     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)\n\
         node-a   94m          4%       885Mi           5%\n",
    );
    let dir = bin.path().to_string_lossy().into_owned();
    let script = format!(
        "#!/bin/sh\ncase \"$*\" in\n\
         *stats/summary*) cat '{dir}/summary.json';;\n\
         *metrics/resource*) cat '{dir}/resource.txt';;\n\
         'get node node-a -o json'*) cat '{dir}/node.json';;\n\
         *metrics.k8s.io*) echo 'Error from server (NotFound): the server could not find the \
         requested resource' >&2; exit 1;;\n\
         'top node node-a'*) cat '{dir}/top.txt';;\n\
         *) echo \"unexpected: $*\" >&2; exit 1;;\nesac\n"
    );
    let kubectl = bin.write("kubectl", &script);
    std::fs::set_permissions(
        &kubectl,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap_or_else(|e| panic!("{kubectl}: {e}"));
    let path = format!("{dir}:{}", std::env::var("PATH").unwrap_or_default());

    let root = node.path().to_string_lossy().into_owned();
    let output = run_with(
        &["collect", "--sysroot", &root, "--kubectl", "node-a"],
        "",
        &[("PATH", &path)],
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(err.contains("metrics.k8s.io/v1beta1/nodes/node-a --request-timeout=30s` failed (optional): Error from server (NotFound)"), "{err}");

    let bundle = stdout(&output);
    let (docs, report) = kinds_of(&bundle);
    let got: Vec<(String, String)> = docs.clone();
    let want: Vec<(String, String)> = [
        "/proc/meminfo",
        "/sys/fs/cgroup/memory.stat",
        "/sys/fs/cgroup/kubepods.slice/memory.stat",
        "/sys/fs/cgroup/kubepods.slice/memory.current",
        "/sys/fs/cgroup/kubepods.slice/memory.max",
        "/proc/sys/kernel/osrelease",
        "free -V",
        "kubectl get --raw /api/v1/nodes/node-a/proxy/stats/summary --request-timeout=30s",
        "kubectl get --raw /api/v1/nodes/node-a/proxy/metrics/resource --request-timeout=30s",
        "kubectl get node node-a -o json --request-timeout=30s",
        "kubectl top node node-a --request-timeout=30s",
    ]
    .iter()
    .map(|n| (n.to_string(), expected_kind(n).to_string()))
    .collect();
    assert_eq!(got, want, "\n{bundle}");
    assert!(!has_errors(&report), "{report:#}");

    // explain --live reads the same bundle in one step.
    let output = run_with(
        &[
            "explain",
            "--live",
            "--sysroot",
            &root,
            "--kubectl",
            "node-a",
            "--format",
            "json",
        ],
        "",
        &[("PATH", &path)],
    );
    let live = json(&output, "explain --live");
    let capacity = live["quantities"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|q| q["id"] == "node.capacity_bytes")
        .map(|q| q["value"].clone());
    assert_eq!(
        capacity,
        Some(Value::from(16_786_681_856u64)),
        "status.capacity.memory"
    );

    // Without kubectl on PATH: said on stderr, and the files are still collected.
    let empty = TempDir::new("empty-path");
    let output = run_with(
        &["collect", "--sysroot", &root, "--kubectl", "node-a"],
        "",
        &[("PATH", &empty.path().to_string_lossy())],
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(err.contains("kubectl is not on PATH"), "{err}");
    assert!(err.contains("no free on PATH"), "{err}");
    assert!(stdout(&output).starts_with("==> /proc/meminfo <==\n"));
}

//! Giving each document a kind, with the reasons for it.
//!
//! Three things are weighed: the file name (`memory.current` can only be one thing), the command
//! that printed the document (`kubectl top pod`), and cues in the content (`MemTotal:` lines,
//! a `total used free` header, `# TYPE`). A file name decides on its own where the content
//! cannot (one number). Otherwise every kind scores its cues and the best score wins.

use super::{Document, Kind, split};

/// Detects the kind of `doc` and says why.
pub fn detect(doc: &Document) -> (Kind, Vec<String>) {
    let mut scores = Scores::default();
    name_cues(doc, &mut scores);
    command_cues(doc, &mut scores);
    content_cues(doc, &mut scores);

    let Some((kind, _, reasons)) = scores.best() else {
        return (
            Kind::Unknown,
            vec!["no known cue in the first lines".to_string()],
        );
    };
    if matches!(kind, Kind::Cgroup1MemoryStat | Kind::Cgroup2MemoryStat) {
        return memory_stat_version(doc, reasons);
    }
    (kind, reasons)
}

#[derive(Default)]
struct Scores(Vec<(Kind, i32, Vec<String>)>);

impl Scores {
    fn add(&mut self, kind: Kind, points: i32, reason: impl Into<String>) {
        match self.0.iter_mut().find(|(k, _, _)| *k == kind) {
            Some((_, score, reasons)) => {
                *score += points;
                reasons.push(reason.into());
            }
            None => self.0.push((kind, points, vec![reason.into()])),
        }
    }

    fn best(self) -> Option<(Kind, i32, Vec<String>)> {
        // The first of equal scores wins, so the order of `add` calls breaks ties.
        let mut best: Option<(Kind, i32, Vec<String>)> = None;
        for entry in self.0 {
            if entry.1 > 0 && best.as_ref().is_none_or(|b| entry.1 > b.1) {
                best = Some(entry);
            }
        }
        best
    }
}

fn name_cues(doc: &Document, scores: &mut Scores) {
    let Some(base) = doc.basename() else {
        return;
    };
    let path = doc.name.as_deref().unwrap_or(base);
    let kind = match base {
        "meminfo" => Kind::Meminfo,
        "memory.stat" if path.contains("/sys/fs/cgroup/memory/") => Kind::Cgroup1MemoryStat,
        "memory.stat" => Kind::Cgroup2MemoryStat,
        "memory.current" => Kind::Cgroup2MemoryCurrent,
        "memory.usage_in_bytes" => Kind::Cgroup1MemoryUsageInBytes,
        "memory.max" => Kind::Cgroup2MemoryMax,
        "memory.limit_in_bytes" => Kind::Cgroup1MemoryLimitInBytes,
        // `/proc/sys/kernel/osrelease`: the kernel release, as `uname -r` prints it.
        "osrelease" => Kind::Version,
        _ => return,
    };
    scores.add(kind, 100, format!("named `{path}`"));
}

fn command_cues(doc: &Document, scores: &mut Scores) {
    let Some(command) = doc.command.as_deref() else {
        return;
    };
    let words: Vec<&str> = command.split_whitespace().collect();
    let program = words
        .iter()
        .position(|w| !w.contains('=') && *w != "sudo" && *w != "env")
        .map(|p| &words[p..])
        .unwrap_or(&[]);
    let said = |kind: Kind, scores: &mut Scores| {
        scores.add(kind, 30, format!("printed by `{command}`"));
    };
    let has = |w: &str| words.contains(&w);
    let raw_path = words
        .iter()
        .find(|w| w.contains("/api") || w.contains("/metrics") || w.contains("/stats"));

    match program.first().copied() {
        Some("free") if has("-V") || has("--version") => said(Kind::Version, scores),
        Some("free") => said(Kind::Free, scores),
        Some("top") if has("-V") || has("-v") => said(Kind::Version, scores),
        Some("top") => said(Kind::Top, scores),
        Some("uname") => said(Kind::Version, scores),
        Some("journalctl") => said(Kind::KubeletLog, scores),
        _ => {}
    }
    let kubectl_verb = words
        .iter()
        .position(|w| matches!(*w, "kubectl" | "k" | "kubecolor" | "oc"))
        .and_then(|p| words.get(p + 1..))
        .unwrap_or(&[]);
    let object = kubectl_verb.get(1).copied().unwrap_or("");
    let nodes = matches!(object, "no" | "node" | "nodes") || object.starts_with("node/");
    let pods = matches!(object, "po" | "pod" | "pods") || object.starts_with("pod/");
    match kubectl_verb.first().copied() {
        Some("top") if nodes => said(Kind::KubectlTopNode, scores),
        Some("top") if pods || !object.is_empty() => said(Kind::KubectlTopPod, scores),
        Some("describe") if nodes => said(Kind::KubectlDescribeNode, scores),
        Some("get") if nodes && raw_path.is_none() => said(Kind::KubectlNode, scores),
        Some("version") => said(Kind::Version, scores),
        Some("logs") => said(Kind::KubeletLog, scores),
        _ => {}
    }
    if let Some(path) = raw_path {
        if path.contains("/stats/summary") {
            said(Kind::KubeletSummary, scores);
        } else if path.contains("/metrics/resource") || path.contains("/metrics/cadvisor") {
            said(Kind::Prometheus, scores);
        } else if path.contains("metrics.k8s.io") && path.contains("/nodes") {
            said(Kind::MetricsNodes, scores);
        } else if path.contains("metrics.k8s.io") && path.contains("/pods") {
            said(Kind::MetricsPods, scores);
        } else if path.ends_with("/metrics") {
            said(Kind::Prometheus, scores);
        }
    }
}

/// How many lines of a document are looked at for cues; detection stays fast on huge pastes.
const CUE_LINES: usize = 400;

fn content_cues(doc: &Document, scores: &mut Scores) {
    let lines: Vec<&str> = doc
        .lines
        .iter()
        .take(CUE_LINES)
        .map(|l| l.text.trim())
        .collect();
    if lines.is_empty() {
        return;
    }
    let first = lines[0];

    json_cues(doc, &lines, scores);
    yaml_cues(&lines, scores);

    // /proc/meminfo: `Key:   value kB`.
    let meminfo = lines.iter().filter(|l| is_meminfo_line(l)).count() as i32;
    if meminfo > 0 {
        scores.add(
            Kind::Meminfo,
            meminfo * 2,
            format!("{meminfo} `Key: value kB` lines"),
        );
        if lines.iter().any(|l| l.starts_with("MemTotal:")) {
            scores.add(Kind::Meminfo, 20, "a `MemTotal:` line");
        }
    }

    // memory.stat: `key value` lines with cgroup key names.
    let stat_lines = lines.iter().filter(|l| is_stat_line(l)).count() as i32;
    let stat_keys = lines.iter().filter(|l| is_cgroup_key(stat_key(l))).count() as i32;
    if stat_keys > 0 && stat_lines * 2 >= lines.len() as i32 {
        scores.add(
            Kind::Cgroup2MemoryStat,
            stat_keys * 2 + 5,
            format!("{stat_keys} memory.stat keys"),
        );
    }

    // free: a `total used free` header or a `Mem:` row of bare numbers.
    for l in &lines {
        let words: Vec<&str> = l.split_whitespace().collect();
        let header_en = words.starts_with(&["total", "used", "free"]);
        let header_de = words.starts_with(&["gesamt", "benutzt", "frei"]);
        if header_en || header_de {
            scores.add(Kind::Free, 40, "a `total used free` header");
        }
        if let Some(row) = words.first()
            && matches!(*row, "Mem:" | "Speicher:" | "Swap:" | "-/+")
            && words.len() >= 2
            && words[1..]
                .iter()
                .all(|w| starts_with_digit(w) || *w == "buffers/cache:")
        {
            scores.add(Kind::Free, 10, format!("a `{row}` row of numbers"));
        }
    }

    // top: the summary lines.
    for l in &lines {
        if l.starts_with("top - ") && l.contains(" up ") {
            scores.add(Kind::Top, 30, "top's `top - … up …` line");
        }
        let unit_mem = [
            "KiB Mem", "MiB Mem", "GiB Mem", "TiB Mem", "PiB Mem", "EiB Mem",
        ];
        if unit_mem.iter().any(|u| l.starts_with(u)) {
            scores.add(Kind::Top, 60, "a `KiB/MiB Mem :` line");
        }
        if l.starts_with("Mem:") && (l.contains(" total,") || l.contains("K used,")) {
            scores.add(Kind::Top, 60, "a `Mem: … total,`/`… used,` summary line");
        }
        if l.starts_with("%Cpu(s):") || l.starts_with("Tasks:") || l.starts_with("Load average:") {
            scores.add(Kind::Top, 10, "top's CPU or task summary");
        }
    }

    // Prometheus text.
    let help = lines
        .iter()
        .filter(|l| l.starts_with("# HELP ") || l.starts_with("# TYPE "))
        .count() as i32;
    let samples = lines.iter().filter(|l| is_prometheus_sample(l)).count() as i32;
    if help > 0 {
        scores.add(
            Kind::Prometheus,
            40 + help,
            format!("{help} `# HELP`/`# TYPE` lines"),
        );
    }
    if samples > 0 && samples * 2 >= lines.len() as i32 {
        scores.add(
            Kind::Prometheus,
            samples * 2,
            format!("{samples} `name{{labels}} value` samples"),
        );
    }

    // kubectl top tables.
    let header = lines.iter().find(|l| l.contains("CPU(cores)"));
    if let Some(h) = header {
        let words: Vec<&str> = h.split_whitespace().collect();
        if words
            .iter()
            .any(|w| w.starts_with("CPU%") || w.starts_with("CPU(%)") || w.starts_with("MEMORY%"))
        {
            scores.add(
                Kind::KubectlTopNode,
                60,
                "a `NAME CPU(cores) CPU% …` header",
            );
        } else if words.contains(&"MEMORY(bytes)") {
            scores.add(
                Kind::KubectlTopPod,
                60,
                "a `NAME CPU(cores) MEMORY(bytes)` header",
            );
        }
    } else {
        // A remark after the cells (`<-- my java application`, C17) is not a cell.
        let rows: Vec<Vec<&str>> = lines
            .iter()
            .map(|l| {
                l.split(" <-")
                    .next()
                    .unwrap_or("")
                    .split_whitespace()
                    .collect()
            })
            .collect();
        let pod_rows = rows.iter().filter(|w| is_top_pod_row(w)).count() as i32;
        let node_rows = rows.iter().filter(|w| is_top_node_row(w)).count() as i32;
        if node_rows > 0 && node_rows * 2 >= rows.len() as i32 {
            scores.add(
                Kind::KubectlTopNode,
                10 + node_rows,
                "rows of `name 1m 1% 1Mi 1%`",
            );
        } else if pod_rows > 0 && pod_rows * 2 >= rows.len() as i32 {
            scores.add(Kind::KubectlTopPod, 10 + pod_rows, "rows of `name 1m 1Mi`");
        }
    }

    // kubectl describe node.
    for (cue, points) in [
        ("Capacity:", 30),
        ("Allocatable:", 30),
        ("Allocated resources:", 30),
        ("Conditions:", 20),
        ("Non-terminated Pods:", 20),
        ("Roles:", 10),
        ("Lease:", 10),
        ("MemoryPressure", 10),
    ] {
        if lines.iter().any(|l| l.starts_with(cue)) {
            scores.add(
                Kind::KubectlDescribeNode,
                points,
                format!("a `{cue}` section"),
            );
        }
    }
    if lines
        .iter()
        .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["Resource", "Requests", "Limits"])
    {
        scores.add(
            Kind::KubectlDescribeNode,
            30,
            "a `Resource Requests Limits` table",
        );
    }

    // kubelet and runtime logs.
    let log_lines = lines
        .iter()
        .filter(|l| {
            (split::is_klog(l) && split::is_eviction_log(l))
                || l.contains("eviction manager")
                || l.contains("Eviction manager")
                || l.contains("eviction_manager.go")
                || l.contains("Unable to account working set stats")
                || l.contains("signal=memory.available")
                || l.contains("total_inactive_file (")
        })
        .count() as i32;
    if log_lines > 0 {
        scores.add(
            Kind::KubeletLog,
            40 + log_lines,
            format!("{log_lines} eviction or runtime log lines"),
        );
    }

    // Version lines.
    if lines.len() <= 3
        && lines.iter().any(|l| {
            l.contains(" from procps")
                || l.starts_with("procps")
                || l.starts_with("Client Version:")
                || l.starts_with("BusyBox v")
                || l.starts_with("Kubernetes v")
        })
    {
        scores.add(Kind::Version, 60, format!("a version line `{first}`"));
    }
}

fn json_cues(doc: &Document, lines: &[&str], scores: &mut Scores) {
    let first = lines[0];
    if !(first.starts_with('{') || first.starts_with('[') || first.starts_with('"')) {
        return;
    }
    let text: String = doc
        .lines
        .iter()
        .take(CUE_LINES)
        .map(|l| l.text.as_str())
        .collect();
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let kind_is = |k: &str| compact.contains(&format!("\"kind\":\"{k}\""));
    if kind_is("NodeMetrics") || kind_is("NodeMetricsList") {
        scores.add(Kind::MetricsNodes, 80, "`\"kind\": \"NodeMetrics…\"`");
    } else if kind_is("PodMetrics") || kind_is("PodMetricsList") {
        scores.add(Kind::MetricsPods, 80, "`\"kind\": \"PodMetrics…\"`");
    } else if kind_is("Node") || kind_is("NodeList") {
        scores.add(Kind::KubectlNode, 80, "`\"kind\": \"Node\"`");
    } else if compact.contains("\"kind\":\"List\"") && compact.contains("\"nodeInfo\"") {
        scores.add(Kind::KubectlNode, 70, "a `List` of objects with `nodeInfo`");
    }
    if compact.contains("\"systemContainers\"") || compact.contains("\"nodeName\"") {
        scores.add(
            Kind::KubeletSummary,
            60,
            "`node.systemContainers` / `nodeName`",
        );
    }
    if compact.contains("\"workingSetBytes\"") {
        scores.add(Kind::KubeletSummary, 40, "`workingSetBytes` fields");
    }
    if compact.contains("\"containers\":[") && compact.contains("\"usage\":{") {
        scores.add(Kind::MetricsPods, 30, "`containers[].usage`");
    } else if compact.contains("\"usage\":{") && compact.contains("\"window\"") {
        scores.add(Kind::MetricsNodes, 30, "`usage` with a `window`");
    }
    if compact.contains("\"capacity\":{") && compact.contains("\"allocatable\":{") {
        scores.add(
            Kind::KubectlNode,
            30,
            "`status.capacity` and `status.allocatable`",
        );
    }
}

fn yaml_cues(lines: &[&str], scores: &mut Scores) {
    let has = |s: &str| lines.contains(&s);
    if has("kind: Node") || has("- apiVersion: v1") && has("kind: List") {
        scores.add(Kind::KubectlNode, 60, "YAML `kind: Node`");
    }
    if has("capacity:") && has("allocatable:") && !lines.iter().any(|l| l.starts_with("Capacity:"))
    {
        scores.add(Kind::KubectlNode, 30, "YAML `capacity:` and `allocatable:`");
    }
}

fn memory_stat_version(doc: &Document, mut reasons: Vec<String>) -> (Kind, Vec<String>) {
    let name = doc.name.as_deref().unwrap_or("");
    let keys: Vec<&str> = doc
        .lines
        .iter()
        .take(CUE_LINES)
        .map(|l| stat_key(&l.text))
        .collect();
    let v1 = keys.iter().find(|k| {
        k.starts_with("total_")
            || matches!(
                **k,
                "cache" | "rss" | "rss_huge" | "mapped_file" | "hierarchical_memory_limit"
            )
            || k.starts_with("memory.") && k.ends_with("_in_bytes")
    });
    let v2 = keys.iter().find(|k| {
        matches!(
            **k,
            "anon"
                | "file"
                | "kernel"
                | "kernel_stack"
                | "sock"
                | "file_mapped"
                | "slab"
                | "anon_thp"
                | "slab_reclaimable"
                | "memory.current"
        )
    });
    match (v1, v2) {
        (Some(k), _) => {
            reasons.push(format!("cgroup v1 key `{k}`"));
            (Kind::Cgroup1MemoryStat, reasons)
        }
        (None, Some(k)) => {
            reasons.push(format!("cgroup v2 key `{k}` and no `total_` keys"));
            (Kind::Cgroup2MemoryStat, reasons)
        }
        (None, None) if name.contains("/sys/fs/cgroup/memory/") => {
            reasons.push("a v1 hierarchy path".to_string());
            (Kind::Cgroup1MemoryStat, reasons)
        }
        (None, None) => {
            reasons.push("no `total_` keys, so cgroup v2".to_string());
            (Kind::Cgroup2MemoryStat, reasons)
        }
    }
}

fn starts_with_digit(word: &str) -> bool {
    word.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

/// `MemTotal:       16393244 kB`, `HugePages_Total:       0`.
fn is_meminfo_line(line: &str) -> bool {
    let Some((key, value)) = line.split_once(':') else {
        return false;
    };
    let key_ok = !key.is_empty()
        && key.len() < 40
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_()".contains(c))
        && key.as_bytes()[0].is_ascii_uppercase();
    let mut words = value.split_whitespace();
    let number = words
        .next()
        .is_some_and(|w| w.bytes().all(|c| c.is_ascii_digit()));
    let unit = words.next();
    key_ok && number && matches!(unit, None | Some("kB")) && words.next().is_none()
}

/// The key of a memory.stat line, tolerating Markdown lists (`- \`total_rss\`: 1,234`).
pub(crate) fn stat_key(line: &str) -> &str {
    let line = line.trim().trim_start_matches(['-', '*', ' ']);
    let key = line.split([' ', '\t', ':']).next().unwrap_or("");
    key.trim_matches('`')
}

fn is_stat_line(line: &str) -> bool {
    let key = stat_key(line);
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.".contains(c))
}

/// Keys that only cgroup memory files have.
fn is_cgroup_key(key: &str) -> bool {
    const KEYS: &[&str] = &[
        "cache",
        "rss",
        "rss_huge",
        "shmem",
        "mapped_file",
        "dirty",
        "writeback",
        "swap",
        "pgpgin",
        "pgpgout",
        "pgfault",
        "pgmajfault",
        "inactive_anon",
        "active_anon",
        "inactive_file",
        "active_file",
        "unevictable",
        "hierarchical_memory_limit",
        "hierarchical_memsw_limit",
        "anon",
        "file",
        "kernel",
        "kernel_stack",
        "pagetables",
        "sec_pagetables",
        "percpu",
        "sock",
        "vmalloc",
        "file_mapped",
        "file_dirty",
        "file_writeback",
        "swapcached",
        "anon_thp",
        "file_thp",
        "shmem_thp",
        "slab",
        "slab_reclaimable",
        "slab_unreclaimable",
        "workingset_refault_anon",
        "workingset_refault_file",
        "memory.usage_in_bytes",
        "memory.limit_in_bytes",
        "memory.current",
        "memory.max",
        "zswap",
        "zswapped",
    ];
    KEYS.contains(&key) || key.starts_with("total_")
}

fn is_prometheus_sample(line: &str) -> bool {
    let name_end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'));
    let Some(end) = name_end else {
        return false;
    };
    if end == 0 || line.as_bytes()[0].is_ascii_digit() {
        return false;
    }
    let rest = &line[end..];
    let rest = if rest.starts_with('{') {
        match rest.rfind('}') {
            Some(close) => &rest[close + 1..],
            None => return false,
        }
    } else {
        rest
    };
    let mut words = rest.split_whitespace();
    let value_ok = words
        .next()
        .is_some_and(|v| v.parse::<f64>().is_ok() || matches!(v, "NaN" | "+Inf" | "-Inf"));
    value_ok && words.next().is_none_or(|t| t.parse::<i64>().is_ok()) && words.next().is_none()
}

fn is_cpu_cell(w: &str) -> bool {
    w.strip_suffix('m')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
}

fn is_mem_cell(w: &str) -> bool {
    w.strip_suffix("Mi")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
}

fn is_percent_cell(w: &str) -> bool {
    w.strip_suffix('%')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
}

fn is_top_pod_row(words: &[&str]) -> bool {
    match words {
        [_, cpu, mem] | [_, _, cpu, mem] => is_cpu_cell(cpu) && is_mem_cell(mem),
        _ => false,
    }
}

fn is_top_node_row(words: &[&str]) -> bool {
    match words {
        [_, cpu, cpu_pct, mem, mem_pct, ..] => {
            is_cpu_cell(cpu)
                && is_percent_cell(cpu_pct)
                && is_mem_cell(mem)
                && is_percent_cell(mem_pct)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Source, read};

    fn kinds(text: &str) -> Vec<Kind> {
        read(&[Source::paste(text)], &[])
            .iter()
            .map(|d| d.kind)
            .collect()
    }

    #[test]
    fn content_decides() {
        let cases: &[(&str, &[Kind])] = &[
            (
                "MemTotal:       16393244 kB\nMemFree:         9744148 kB\n",
                &[Kind::Meminfo],
            ),
            (
                "anon 790425600\nfile 6502666240\ninactive_file 5307346944\n",
                &[Kind::Cgroup2MemoryStat],
            ),
            (
                "cache 965206016\nrss 771117056\n",
                &[Kind::Cgroup1MemoryStat],
            ),
            (
                "              total        used        free      shared  buff/cache   available\nMem:        3907112      990816      536144        7144     2565896     2916296\n",
                &[Kind::Free],
            ),
            (
                "MiB Mem :   7924.4 total,   3146.9 free,   2940.6 used,   2622.8 buff/cache\n",
                &[Kind::Top],
            ),
            (
                "Mem: 449532K used, 159356K free, 0K shrd, 0K buff, 1K cached\n",
                &[Kind::Top],
            ),
            ("# HELP x y\n# TYPE x gauge\nx 1\n", &[Kind::Prometheus]),
            (
                "node_memory_working_set_bytes 8.63531008e+08 1710222817924\n",
                &[Kind::Prometheus],
            ),
            (
                "NAME   CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%\nn 1m 1% 1Mi 1%\n",
                &[Kind::KubectlTopNode],
            ),
            (
                "NAME   CPU(cores)   MEMORY(bytes)\np 1m 1Mi\n",
                &[Kind::KubectlTopPod],
            ),
            (
                "{my_pod_name}        9m           1394Mi\n",
                &[Kind::KubectlTopPod],
            ),
            (
                "{my_pod_name}  9m  1394Mi   <-- my java application\n",
                &[Kind::KubectlTopPod],
            ),
            (
                "{\n \"kind\": \"NodeMetrics\",\n \"usage\": {}\n}\n",
                &[Kind::MetricsNodes],
            ),
            ("{\n\"kind\": \"PodMetricsList\"\n}\n", &[Kind::MetricsPods]),
            (
                "{\n\"kind\": \"Node\", \"status\": {}\n}\n",
                &[Kind::KubectlNode],
            ),
            (
                "{\n \"node\": {\n  \"nodeName\": \"a\"\n }\n}\n",
                &[Kind::KubeletSummary],
            ),
            (
                "{\n  \"time\": \"x\",\n  \"workingSetBytes\": 1\n}\n",
                &[Kind::KubeletSummary],
            ),
            (
                "apiVersion: v1\nkind: Node\nstatus:\n  capacity:\n    memory: 1Ki\n",
                &[Kind::KubectlNode],
            ),
            (
                "Allocatable:\n  cpu:                1700m\n  memory:  1Ki\n",
                &[Kind::KubectlDescribeNode],
            ),
            ("free from procps-ng 3.3.9\n", &[Kind::Version]),
            (
                "BusyBox v1.30.1 (2019-05-25 12:14:08 UTC) multi-call binary.\n",
                &[Kind::Version],
            ),
            ("Kubernetes v1.27.3\n", &[Kind::Version]),
            (
                "Mar 21 10:20:30 node-a kubelet[1]: I0321 10:20:30.1 1 eviction_manager.go:349] \"Eviction manager: attempting to reclaim\" resourceName=\"memory\"\n",
                &[Kind::KubeletLog],
            ),
            ("hello world\n", &[Kind::Unknown]),
        ];
        for (text, want) in cases {
            assert_eq!(kinds(text), *want, "text {text:?}");
        }
    }

    #[test]
    fn names_decide_one_number_files() {
        let docs = read(&[Source::file("memory.current", "123\n")], &[]);
        assert_eq!(docs[0].kind, Kind::Cgroup2MemoryCurrent);
        let docs = read(
            &[Source::paste(
                "$ cat /sys/fs/cgroup/memory/memory.usage_in_bytes\n4294868992\n",
            )],
            &[],
        );
        assert_eq!(docs[0].kind, Kind::Cgroup1MemoryUsageInBytes);
        assert!(docs[0].reasons[0].contains("memory.usage_in_bytes"));
        let docs = read(&[Source::paste("4294868992\n")], &[]);
        assert_eq!(docs[0].kind, Kind::Unknown);
    }

    #[test]
    fn override_wins() {
        use crate::input::{DocId, Override};
        let docs = read(
            &[Source::paste("hello\n")],
            &[Override::SetKind(DocId(1), Kind::Free)],
        );
        assert_eq!(docs[0].kind, Kind::Free);
        assert!(docs[0].kind_set);
        let docs = read(&[Source::paste("hello\n")], &[Override::Drop(DocId(1))]);
        assert!(docs.is_empty());
    }
}

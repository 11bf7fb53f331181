//! Cutting a source into documents.
//!
//! Boundaries are `==> path <==` headers (as `head`/`tail` print them), prompt and command lines
//! (`$ free -m`, `user@host:~> kubectl top nodes`, `/ # cat /proc/meminfo`), `watch` headers
//! and Markdown fences. The path or command of a boundary names the document after it. Between
//! two boundaries, blank lines separate blocks; a block joins the one before it unless it
//! clearly starts a document of its own. Noise that belongs to no document (klog warnings,
//! `...` elisions, shell comments, date lines of a refresher) is dropped.

use super::{Document, Kind, Line, Source, clean};

/// Commands whose output people paste, and what the rest of their line may look like.
const COMMANDS: &[&str] = &[
    "cat",
    "head",
    "tail",
    "more",
    "less",
    "grep",
    "egrep",
    "zcat",
    "free",
    "top",
    "htop",
    "busybox",
    "kubectl",
    "k",
    "kubecolor",
    "oc",
    "microk8s",
    "k3s",
    "minikube",
    "curl",
    "wget",
    "jq",
    "docker",
    "podman",
    "crictl",
    "nerdctl",
    "systemctl",
    "journalctl",
    "ps",
    "uname",
    "mount",
    "findmnt",
    "dmesg",
    "vmstat",
    "smem",
    "echo",
    "watch",
    "sudo",
    "env",
    "memlens",
    "stat",
    "ls",
    "find",
    "for",
];

/// Splits one source into documents and appends them to `docs`.
pub fn split(source_index: usize, source: &Source, docs: &mut Vec<Document>) {
    let mut splitter = Splitter {
        source_index,
        default_name: source.name.clone(),
        docs,
        section: Vec::new(),
        name: None,
        command: None,
    };
    for (no, raw) in clean::lines(&source.text) {
        let line = clean::clean(raw);
        splitter.line(no, line);
    }
    splitter.end_section();
}

struct Splitter<'a> {
    source_index: usize,
    default_name: Option<String>,
    docs: &'a mut Vec<Document>,
    /// Lines since the last boundary; blank lines are kept as block separators.
    section: Vec<Line>,
    name: Option<String>,
    command: Option<String>,
}

impl Splitter<'_> {
    fn line(&mut self, no: u32, text: String) {
        let trimmed = text.trim();
        if is_fence(trimmed) {
            // A fence ends what came before; a prompt just before it still names what follows.
            let pending = (self.name.clone(), self.command.clone());
            let had_content = self.section.iter().any(|l| !l.text.trim().is_empty());
            self.end_section();
            if !had_content {
                (self.name, self.command) = pending;
            }
            return;
        }
        if let Some(path) = path_header(trimmed) {
            self.end_section();
            self.name = Some(path.to_string());
            self.command = None;
            return;
        }
        if let Some(command) = command_line(&text) {
            self.end_section();
            self.name = Some(name_of_command(&command));
            self.command = Some(command);
            return;
        }
        if is_noise(trimmed) {
            return;
        }
        self.section.push(Line { no, text });
    }

    fn end_section(&mut self) {
        let lines = std::mem::take(&mut self.section);
        let name = self.name.take().or_else(|| self.default_name.clone());
        let command = self.command.take();

        let mut blocks: Vec<Vec<Line>> = Vec::new();
        let mut current: Vec<Line> = Vec::new();
        for line in lines {
            if line.text.trim().is_empty() {
                if !current.is_empty() {
                    blocks.push(std::mem::take(&mut current));
                }
            } else {
                current.push(line);
            }
        }
        if !current.is_empty() {
            blocks.push(current);
        }

        let mut merged: Vec<Vec<Line>> = Vec::new();
        for block in blocks {
            match merged.last_mut() {
                Some(previous) if joins(previous, &block) => previous.extend(block),
                _ => merged.push(block),
            }
        }

        for (i, lines) in merged.into_iter().enumerate() {
            // Only the first block carries the name of the command that printed it; a later
            // block that starts a document of its own is something else pasted after it.
            let (name, command) = if i == 0 {
                (name.clone(), command.clone())
            } else {
                (self.default_name.clone(), None)
            };
            self.docs.push(Document {
                id: Default::default(),
                source: self.source_index,
                name,
                command,
                kind: Kind::Unknown,
                reasons: Vec::new(),
                kind_set: false,
                lines,
            });
        }
    }
}

/// Whether `block` continues `previous` rather than starting a new document.
fn joins(previous: &[Line], block: &[Line]) -> bool {
    let first = block[0].text.trim_start();
    // An unfinished JSON document continues whatever follows.
    if json_depth(previous) > 0 {
        return true;
    }
    let prev_first = previous[0].text.trim_start();
    // Prometheus text stays one document; its parser keeps repeated families apart.
    if is_prometheus_line(prev_first) && is_prometheus_line(first) {
        return true;
    }
    !starts_document(first)
}

fn is_prometheus_line(line: &str) -> bool {
    line.starts_with("# HELP ") || line.starts_with("# TYPE ")
}

/// A line that begins a document on its own: a table header, a JSON opening, the first line
/// of a file people cat.
fn starts_document(line: &str) -> bool {
    let first_word = line.split_whitespace().next().unwrap_or("");
    line.starts_with('{')
        || line.starts_with('[')
        || is_prometheus_line(line)
        || line.starts_with("MemTotal:")
        || line.starts_with("apiVersion:")
        || line.starts_with("kind:")
        || line.starts_with("Name:")
        || line.starts_with("top - ")
        || line.starts_with("Mem:")
        || line.starts_with("KiB Mem")
        || line.starts_with("MiB Mem")
        || line.starts_with("GiB Mem")
        || (first_word == "NAME" || first_word == "NAMESPACE" || first_word == "POD")
            && line.contains("CPU")
        || (first_word == "total" || first_word == "gesamt") && line.contains("free")
        || first_word == "anon"
        || first_word == "cache"
}

/// Open braces minus closing ones over a block, ignoring those inside strings.
fn json_depth(lines: &[Line]) -> i64 {
    let first = lines[0].text.trim_start();
    if !(first.starts_with('{') || first.starts_with('[')) {
        return 0;
    }
    let mut depth = 0i64;
    for line in lines {
        let mut in_string = false;
        let mut escaped = false;
        for c in line.text.chars() {
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
            } else {
                match c {
                    '"' => in_string = true,
                    '{' | '[' => depth += 1,
                    '}' | ']' => depth -= 1,
                    _ => {}
                }
            }
        }
    }
    depth
}

fn is_fence(line: &str) -> bool {
    line.starts_with("```") || line.starts_with("~~~")
}

/// `==> /sys/fs/cgroup/memory.stat <==` → the path.
fn path_header(line: &str) -> Option<&str> {
    let inner = line.strip_prefix("==>")?.strip_suffix("<==")?.trim();
    (!inner.is_empty()).then_some(inner)
}

/// Lines that belong to no document.
fn is_noise(line: &str) -> bool {
    if line.is_empty() {
        return false;
    }
    if matches!(line, "..." | "…" | "[...]" | "(...)" | "....") {
        return true;
    }
    if line.chars().all(|c| c == '.' || c == '…') {
        return true;
    }
    if is_klog(line) && !is_eviction_log(line) {
        return true;
    }
    if is_refresher_date(line) {
        return true;
    }
    // Shell comments; Prometheus' own comment lines are content.
    if let Some(rest) = line.strip_prefix('#') {
        let rest = rest.trim_start();
        let keyword = rest.split_whitespace().next().unwrap_or("");
        return !matches!(keyword, "HELP" | "TYPE" | "UNIT" | "EOF");
    }
    false
}

/// klog's header: `W0506 13:56:08.331229 3743632 top_node.go:119] …`.
pub(crate) fn is_klog(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 22
        && matches!(b[0], b'I' | b'W' | b'E' | b'F')
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' '
        && b[6..8].iter().all(u8::is_ascii_digit)
        && b[8] == b':'
        && line.contains("] ")
}

/// A klog line that is kubelet eviction content rather than a client's warning.
pub(crate) fn is_eviction_log(line: &str) -> bool {
    line.contains("eviction")
        || line.contains("memory.available")
        || line.contains("signal=")
        || line.contains("observed")
}

/// `Mon Apr  4 16:06:47 2022`, as `watch` and refreshers print above their output.
fn is_refresher_date(line: &str) -> bool {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let words: Vec<&str> = line.split_whitespace().collect();
    (words.len() == 5 || words.len() == 6)
        && DAYS.contains(&words[0])
        && words[1].len() == 3
        && words.iter().any(|w| w.len() == 8 && w.as_bytes()[2] == b':' && w.as_bytes()[5] == b':')
        && words.last().is_some_and(|y| y.len() == 4 && y.bytes().all(|c| c.is_ascii_digit()))
}

/// Recognises a prompt or command line and returns the command it runs.
pub(crate) fn command_line(line: &str) -> Option<String> {
    let trimmed = line.trim();
    if trimmed.is_empty() || trimmed.len() > 2000 {
        return None;
    }
    // `watch`: `Every 2.0s: kubectl top pod   host: Mon Apr  4 16:06:47 2022`.
    if let Some(rest) = trimmed.strip_prefix("Every ")
        && let Some((interval, after)) = rest.split_once(": ")
        && interval.ends_with('s')
    {
        let command = after.split("  ").next().unwrap_or(after).trim();
        return (!command.is_empty()).then(|| command.to_string());
    }
    // Markdown headings wrapping a prompt: `## $ kubectl top node`.
    let mut text = trimmed;
    if text.starts_with('#') {
        let stripped = text.trim_start_matches('#').trim_start();
        if stripped.starts_with("$ ") {
            text = stripped;
        }
    }
    // A bare prompt at the start of the line.
    for (prefix, any_command) in [("$ ", true), ("% ", true), ("# ", false), ("> ", false)] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let rest = rest.trim();
            if any_command && !rest.is_empty() || is_command(rest) {
                return Some(rest.to_string());
            }
            return None;
        }
    }
    // oh-my-zsh and friends: `➜  ~ cat …`, `❯ kubectl …`.
    for symbol in ['➜', '❯', 'λ'] {
        if let Some(rest) = text.strip_prefix(symbol) {
            let mut words = rest.split_whitespace().peekable();
            if let Some(w) = words.peek()
                && (w.starts_with('~') || w.starts_with('/') || w.starts_with("git:"))
            {
                words.next();
            }
            let rest: Vec<&str> = words.collect();
            let rest = rest.join(" ");
            return is_command(&rest).then_some(rest);
        }
    }
    // A prompt with a prefix: `user@host:~$ free -m`, `root@host-a ~ # cat …`, `/ # free`,
    // `[root@node-a ~] [dev] # free -h`, `sh-4.2$ more …`, `host-a:~ # free -k`.
    for terminator in ["$ ", "# ", "> ", "% "] {
        let mut search = 0;
        while let Some(found) = text[search..].find(terminator) {
            let at = search + found;
            let prefix = text[..at].trim_end();
            let rest = text[at + terminator.len()..].trim();
            if looks_like_prompt(prefix) && is_command(rest) {
                return Some(rest.to_string());
            }
            search = at + terminator.len();
        }
    }
    // A command on its own line: `free -m`, `kubectl top no`, `LANG=C free`.
    if is_command(text) {
        return Some(text.to_string());
    }
    None
}

/// The part of a prompt before `$`, `#`, `>` or `%`.
fn looks_like_prompt(prefix: &str) -> bool {
    if prefix.is_empty() || prefix.len() > 100 {
        return prefix.is_empty();
    }
    let allowed = |c: char| c.is_alphanumeric() || "._-@:~/[]()+ ".contains(c);
    if !prefix.chars().all(allowed) {
        return false;
    }
    let shell_name = prefix.starts_with("sh-") || prefix.starts_with("bash") || prefix == "zsh";
    let spaces_ok = !prefix.contains(' ') || prefix.contains('@') || prefix.contains('[');
    spaces_ok && (shell_name || prefix.contains(['@', ':', '~', '/', '[']))
}

/// Whether `text` is a command line people run to get memory output.
fn is_command(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let Some(mut first) = words.next() else {
        return false;
    };
    // Environment assignments and wrappers: `LANG=C free`, `sudo cat …`.
    let mut rest: Vec<&str> = words.collect();
    while first.contains('=') && !first.starts_with('=') || first == "sudo" || first == "env" {
        if rest.is_empty() {
            return first == "sudo" || first == "env";
        }
        first = rest.remove(0);
    }
    if !COMMANDS.contains(&first) {
        return false;
    }
    match first {
        // `free from procps-ng 3.3.9` is output, `free -m` is a command.
        "free" | "htop" | "vmstat" | "uname" | "ps" => rest.iter().all(|w| w.starts_with('-')),
        // `top - 08:06:19 up 16 days` is top's own first line.
        "top" => rest.iter().all(|w| w.starts_with('-') && w.len() > 1 || is_number(w)),
        "cat" | "head" | "tail" | "more" | "less" | "zcat" | "grep" | "egrep" | "stat" | "ls"
        | "find" => !rest.is_empty() && rest.iter().any(|w| w.contains('/') || w.contains('.')),
        "kubectl" | "k" | "kubecolor" | "oc" => rest.first().is_some_and(|verb| {
            matches!(
                *verb,
                "top" | "get" | "describe" | "version" | "logs" | "debug" | "exec" | "node"
            ) || verb.starts_with('-')
        }),
        "microk8s" | "k3s" | "minikube" => !rest.is_empty(),
        "echo" | "for" => !rest.is_empty(),
        _ => true,
    }
}

fn is_number(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|c| c.is_ascii_digit())
}

/// The name a command gives the document it prints: the file for `cat`-like commands,
/// otherwise the command itself.
fn name_of_command(command: &str) -> String {
    let first_stage = command.split('|').next().unwrap_or(command).trim();
    let words: Vec<&str> = first_stage.split_whitespace().collect();
    let program = words.iter().position(|w| !w.contains('=') && *w != "sudo" && *w != "env");
    if let Some(p) = program
        && matches!(words[p], "cat" | "head" | "tail" | "more" | "less" | "zcat" | "grep" | "egrep")
    {
        let path = words[p + 1..]
            .iter()
            .rev()
            .find(|w| !w.starts_with('-') && (w.contains('/') || w.starts_with("memory.")));
        if let Some(path) = path {
            return path.trim_matches(['"', '\'']).to_string();
        }
    }
    command.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_text(text: &str) -> Vec<Document> {
        let mut docs = Vec::new();
        split(0, &Source::paste(text), &mut docs);
        docs
    }

    #[test]
    fn commands() {
        let cases: &[(&str, Option<&str>)] = &[
            ("$ free -m", Some("free -m")),
            ("user@host-a:~> kubectl top nodes", Some("kubectl top nodes")),
            ("root@host-a ~ # kubectl top node", Some("kubectl top node")),
            ("/ # free -m", Some("free -m")),
            (
                "➜  ~ minikube kubectl -- get --raw /x | jq",
                Some("minikube kubectl -- get --raw /x | jq"),
            ),
            ("[root@node-a ~] [dev] # free -h", Some("free -h")),
            (
                "sh-4.2$ more /sys/fs/cgroup/memory/memory.stat",
                Some("more /sys/fs/cgroup/memory/memory.stat"),
            ),
            ("host-a:~ # free -k", Some("free -k")),
            ("% free -V", Some("free -V")),
            ("root@cam-a:~# free", Some("free")),
            ("free -m", Some("free -m")),
            ("LANG=C free", Some("LANG=C free")),
            ("kubectl top no", Some("kubectl top no")),
            ("k top nodes", Some("k top nodes")),
            ("cat /proc/meminfo", Some("cat /proc/meminfo")),
            ("free from procps-ng 3.3.9", None),
            ("top - 08:06:19 up 16 days, 23:07,  0 users", None),
            ("# HELP node_memory_working_set_bytes x", None),
            ("# Enable metrics-server for metrics...", None),
            (
                "Every 2.0s: kubectl top pod    host: Mon Apr  4 16:06:47 2022",
                Some("kubectl top pod"),
            ),
            ("## $ kubectl top node", Some("kubectl top node")),
            ("MemTotal:       16393244 kB", None),
            ("NAME     CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%", None),
        ];
        for (line, want) in cases {
            assert_eq!(command_line(line).as_deref(), *want, "line {line:?}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(name_of_command("cat /proc/meminfo | grep Mem"), "/proc/meminfo");
        assert_eq!(name_of_command("grep MemAvailable /proc/meminfo"), "/proc/meminfo");
        assert_eq!(name_of_command("sudo cat memory.stat"), "memory.stat");
        assert_eq!(name_of_command("free -m"), "free -m");
    }

    #[test]
    fn headers_and_prompts_name_documents() {
        let docs = split_text(
            "==> /sys/fs/cgroup/memory.stat <==\nanon 1\nfile 2\n\n==> /proc/meminfo <==\nMemTotal: 1 kB\n$ free -m\n              total        used\nMem: 1 2\n",
        );
        let names: Vec<_> = docs.iter().map(|d| d.name.as_deref().unwrap()).collect();
        assert_eq!(names, ["/sys/fs/cgroup/memory.stat", "/proc/meminfo", "free -m"]);
        assert_eq!(docs[0].lines.len(), 2);
        assert_eq!(docs[1].lines[0].no, 6);
        assert_eq!(docs[2].command.as_deref(), Some("free -m"));
    }

    #[test]
    fn noise_is_dropped_and_blocks_join() {
        let docs = split_text(
            "k top nodes\nW0506 13:56:08.331229 3743632 top_node.go:119] Using json format\nNAME CPU(cores)\nnode-a 1m\n...\nnode-b 2m\n",
        );
        assert_eq!(docs.len(), 1);
        let texts: Vec<_> = docs[0].lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["NAME CPU(cores)", "node-a 1m", "node-b 2m"]);
    }

    #[test]
    fn blank_line_separates_documents_that_start_afresh() {
        let docs = split_text("MemTotal: 1 kB\nMemFree: 1 kB\n\n{\n\"a\": 1\n}\n\nanon 5\n");
        assert_eq!(docs.len(), 3);
        let docs = split_text("# HELP a x\na 1\n\n# HELP a x\na 2\n");
        assert_eq!(docs.len(), 1);
        let docs = split_text("{\n\"a\": [\n\n1]\n}\n");
        assert_eq!(docs.len(), 1);
    }

    #[test]
    fn fences_and_quotes() {
        let docs =
            split_text("Here:\n```\n$ free -m\n```\n```text\n              total\nMem: 1\n```\n");
        let last = docs.last().unwrap();
        assert_eq!(last.name.as_deref(), Some("free -m"));
        assert_eq!(last.lines.len(), 2);
    }
}

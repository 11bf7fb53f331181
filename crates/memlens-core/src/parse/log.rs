//! kubelet eviction manager lines and container runtime working-set warnings.
//!
//! A line may carry up to three prefixes, in this order: a syslog/journald one
//! (`Mar 18 16:09:13 node-a crio[72618]: `), a klog header (`I0617 16:18:42.212181 3814777
//! eviction_manager.go:392] `) and logrus fields (`time="…" level=warning msg="…"`, as CRI-O and
//! containerd print). The message after them is read in both forms the kubelet has used
//! (kubernetes `pkg/kubelet/eviction/eviction_manager.go` and `helpers.go`):
//!
//! * printf style, up to 1.20: `eviction manager: observations: signal=memory.available,
//!   available: 105416Ki, capacity: 16372384Ki, time: …`, `eviction manager: thresholds - ignoring
//!   grace period: threshold [signal=memory.available, quantity=100Mi] observed 94612Ki`,
//!   `eviction manager: attempting to reclaim memory`, `eviction manager: pods ranked for
//!   eviction: …`, `eviction manager: pod … is evicted successfully`;
//! * structured, from 1.21: `"Eviction manager:" log="observations" signal="memory.available"
//!   available="105416Ki" capacity="16372384Ki"`, `"Eviction manager: attempting to reclaim"
//!   resourceName="memory"`, `"Evicting pod" pod="ns/name" message="The node was low on
//!   resource: memory. Threshold quantity: 100Mi, available: 94612Ki. Container app was using
//!   1200Mi, request is 0, has larger consumption of memory. "`.
//!
//! CRI-O (and cAdvisor-based runtimes) warn `Unable to account working set stats:
//! total_inactive_file (3827683328) > memory usage (3233787904)` when the working set would go
//! negative and is clamped to 0 (C25). Any other line is skipped with a note.

use serde::Serialize;

use super::number::parse_u64;
use crate::input::{At, Diagnostics, Document};
use crate::quantity::Quantity;

/// A quantity as the kubelet logged it (`105416Ki`), with its value when it reads as one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoggedQuantity {
    pub text: String,
    pub quantity: Option<Quantity>,
}

/// `Container app was using 1200Mi, request is 0, has larger consumption of memory.`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContainerUsage {
    pub container: String,
    pub usage: LoggedQuantity,
    pub request: LoggedQuantity,
    /// The resource it used more of than requested: `memory`.
    pub resource: String,
}

/// What a log line says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// An eviction signal as the eviction manager observed it.
    Observation {
        /// `observations`, `observations after resource reclaim`.
        phase: Option<String>,
        /// `memory.available`, `allocatableMemory.available`, `nodefs.available`, …
        signal: String,
        available: LoggedQuantity,
        capacity: LoggedQuantity,
        time: Option<String>,
    },
    /// A threshold that was met: `quantity` is the threshold, `available` the observation.
    ThresholdMet {
        /// `thresholds - ignoring grace period`, `thresholds - grace periods satisfied`, …
        phase: Option<String>,
        signal: String,
        quantity: LoggedQuantity,
        available: LoggedQuantity,
    },
    /// `attempting to reclaim memory`.
    AttemptingToReclaim { resource: String },
    /// `must evict pod(s) to reclaim memory`.
    MustEvict { resource: String },
    /// The pods in the order the eviction manager would evict them.
    PodsRanked { pods: Vec<String> },
    /// The pod the eviction manager evicts, and why.
    EvictingPod {
        pod: String,
        message: Option<String>,
        /// `The node was low on resource: memory.`
        resource: Option<String>,
        /// `Threshold quantity: 100Mi, available: 94612Ki.`
        threshold: Option<LoggedQuantity>,
        available: Option<LoggedQuantity>,
        containers: Vec<ContainerUsage>,
    },
    /// `pod … is evicted successfully`.
    PodEvicted { pod: String },
    /// A runtime could not compute a working set because the inactive file pages it read are
    /// more than the usage it read, which cannot happen within one cgroup (C25).
    InactiveFileOverUsage {
        /// The key the runtime named: `total_inactive_file` (cgroup v1) or `inactive_file`.
        key: String,
        inactive_file: u64,
        usage: u64,
    },
}

/// The prefixes before a message.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Prefix {
    /// The syslog/journald time: `Mar 18 16:09:13`.
    pub syslog_time: Option<String>,
    pub host: Option<String>,
    /// `crio`, `kubelet`, `k3s`.
    pub process: Option<String>,
    pub pid: Option<u64>,
    /// klog's severity letter: `I`, `W`, `E`, `F`.
    pub klog_severity: Option<String>,
    /// klog's `MMDD hh:mm:ss.uuuuuu`.
    pub klog_time: Option<String>,
    /// klog's `file.go:line`.
    pub klog_source: Option<String>,
    /// logrus' `level=warning`.
    pub level: Option<String>,
    /// logrus' `time="…"`.
    pub time: Option<String>,
}

/// One line that said something memlens reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogEvent {
    pub at: At,
    pub prefix: Prefix,
    pub event: Event,
}

/// The events read from a log document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct KubeletLog {
    pub events: Vec<LogEvent>,
}

/// Reads the eviction manager and working-set lines of a log document.
pub fn parse(doc: &Document, diags: &mut Diagnostics) -> KubeletLog {
    let mut log = KubeletLog::default();
    for line in &doc.lines {
        let text = line.text.trim();
        if text.is_empty() {
            continue;
        }
        let at = doc.at(line.no);
        let (prefix, message) = prefixes(text);
        match event(&message, at.line, diags) {
            Some(event) => log.events.push(LogEvent { at, prefix, event }),
            None if message.to_ascii_lowercase().contains("evict") => diags.note(
                Some(line.no),
                "an eviction manager line memlens does not read; skipped",
            ),
            None => diags.note(
                Some(line.no),
                "not an eviction manager or working-set line; skipped",
            ),
        }
    }
    if log.events.is_empty() && !doc.lines.is_empty() {
        diags.warning(None, "no eviction manager or working-set line was read");
    }
    log
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Splits the prefixes off a line and returns them with the message.
fn prefixes(text: &str) -> (Prefix, String) {
    let mut prefix = Prefix::default();
    let mut rest = text;

    // syslog: `Mar 18 16:09:13 node-a crio[72618]: `; journalctl -o short-iso:
    // `2023-03-18T16:09:13-0400 node-a crio[72618]: `.
    let words: Vec<&str> = rest.split_whitespace().take(5).collect();
    let syslog = match words.as_slice() {
        [month, day, time, host, process, ..]
            if MONTHS.contains(month) && digits(day) && is_clock(time) =>
        {
            Some((format!("{month} {day} {time}"), *host, *process))
        }
        [stamp, host, process, ..] if is_iso_time(stamp) => {
            Some((stamp.to_string(), *host, *process))
        }
        _ => None,
    };
    if let Some((time, host, process)) = syslog
        && let Some(name) = process.strip_suffix(':')
        && let Some(at) = rest.find(process)
    {
        let (name, pid) = match name.split_once('[') {
            Some((n, pid)) => (n, pid.strip_suffix(']').and_then(|p| parse_u64(p).ok())),
            None => (name, None),
        };
        prefix.syslog_time = Some(time);
        prefix.host = Some(host.to_string());
        prefix.process = Some(name.to_string());
        prefix.pid = pid;
        rest = rest[at + process.len()..].trim_start();
    }

    // klog: `I0617 16:18:42.212181 3814777 eviction_manager.go:392] `.
    if let Some((header, message)) = rest.split_once("] ")
        && let [level_date, time, _thread, source] =
            header.split_whitespace().collect::<Vec<_>>().as_slice()
        && let Some(severity) = level_date.get(..1).filter(|s| "IWEF".contains(*s))
        && level_date
            .get(1..)
            .is_some_and(|d| d.len() == 4 && digits(d))
        && is_clock(time.split('.').next().unwrap_or(""))
    {
        prefix.klog_severity = Some(severity.to_string());
        prefix.klog_time = Some(format!("{} {time}", level_date.get(1..).unwrap_or("")));
        prefix.klog_source = Some(source.to_string());
        rest = message.trim_start();
    }

    // logrus: `time="…" level=warning msg="…"`.
    if rest.starts_with("time=") || rest.starts_with("level=") {
        let fields = fields(rest);
        let get = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        };
        if let Some(msg) = get("msg") {
            prefix.time = get("time");
            prefix.level = get("level");
            return (prefix, msg);
        }
    }
    (prefix, rest.to_string())
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|c| c.is_ascii_digit())
}

/// `16:09:13`.
fn is_clock(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 8 && b.get(2) == Some(&b':') && b.get(5) == Some(&b':')
}

/// `2023-03-18T16:09:13…`.
fn is_iso_time(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 19 && b.get(4) == Some(&b'-') && b.get(10) == Some(&b'T')
}

/// Reads a Go-quoted string at the start of `text`: the unescaped string and what follows it.
fn quoted(text: &str) -> Option<(String, &str)> {
    let body = text.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, body.get(i + 1..).unwrap_or(""))),
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, other)) => out.push(other),
                None => return None,
            },
            _ => out.push(c),
        }
    }
    None
}

/// `key="value" key=value key=[a b] key={…}` → pairs, values unquoted. Linear in the text.
fn fields(text: &str) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while let Some((key, after)) = rest.split_once('=') {
        if key.is_empty() || key.contains(char::is_whitespace) {
            break;
        }
        let (value, next) = if after.starts_with('"') {
            match quoted(after) {
                Some((v, next)) => (v, next),
                None => (after.to_string(), ""),
            }
        } else if after.starts_with(['[', '{']) {
            let end = closing(after).unwrap_or(after.len());
            (
                after.get(..end).unwrap_or(after).to_string(),
                after.get(end..).unwrap_or(""),
            )
        } else {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (
                after.get(..end).unwrap_or(after).to_string(),
                after.get(end..).unwrap_or(""),
            )
        };
        out.push((key, value));
        rest = next.trim_start();
    }
    out
}

/// The end (exclusive) of a bracketed value starting `text`, skipping quoted parts.
fn closing(text: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + c.len_utf8());
                }
            }
            _ => {}
        }
    }
    None
}

fn logged(text: &str, no: u32, diags: &mut Diagnostics) -> LoggedQuantity {
    let text = text.trim().trim_end_matches([',', '.']);
    let quantity = match Quantity::parse(text) {
        Ok(q) => Some(q),
        Err(e) => {
            diags.error(
                no,
                format!("`{text}` is {e}"),
                "a Kubernetes quantity such as `105416Ki`",
            );
            None
        }
    };
    LoggedQuantity {
        text: text.to_string(),
        quantity,
    }
}

/// Reads the event a message states, if it is one memlens knows.
fn event(message: &str, no: u32, diags: &mut Diagnostics) -> Option<Event> {
    if let Some(event) = inactive_over_usage(message, no, diags) {
        return Some(event);
    }
    if message.starts_with('"') {
        return structured(message, no, diags);
    }
    let body = message.strip_prefix("eviction manager: ")?;
    printf_style(body, no, diags)
}

/// `total_inactive_file (3827683328) > memory usage (3233787904)`.
fn inactive_over_usage(message: &str, no: u32, diags: &mut Diagnostics) -> Option<Event> {
    let (before, after) = message.split_once(") > memory usage (")?;
    let (key_part, inactive) = before.rsplit_once(" (")?;
    let key = key_part
        .rsplit(|c: char| c.is_whitespace() || c == ':')
        .next()?;
    if !key.ends_with("inactive_file") {
        return None;
    }
    let usage = after.split_once(')').map_or(after, |(u, _)| u);
    match (parse_u64(inactive), parse_u64(usage)) {
        (Ok(inactive_file), Ok(usage)) => Some(Event::InactiveFileOverUsage {
            key: key.to_string(),
            inactive_file,
            usage,
        }),
        (Err(e), _) | (_, Err(e)) => {
            diags.error(
                no,
                format!("a byte count in the working-set warning is {e}"),
                "`total_inactive_file (3827683328) > memory usage (3233787904)`",
            );
            None
        }
    }
}

/// The structured messages of kubelet 1.21 and later.
fn structured(message: &str, no: u32, diags: &mut Diagnostics) -> Option<Event> {
    let (msg, rest) = quoted(message)?;
    let fields = fields(rest);
    let get = |key: &str| {
        fields
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    };
    let manager = msg.starts_with("Eviction manager:");

    if manager
        && let (Some(signal), Some(quantity), Some(available)) =
            (get("signal"), get("quantity"), get("available"))
    {
        return Some(Event::ThresholdMet {
            phase: get("log").map(str::to_string),
            signal: signal.to_string(),
            quantity: logged(quantity, no, diags),
            available: logged(available, no, diags),
        });
    }
    if manager
        && let (Some(signal), Some(available), Some(capacity)) =
            (get("signal"), get("available"), get("capacity"))
    {
        return Some(Event::Observation {
            phase: get("log").map(str::to_string),
            signal: signal.to_string(),
            available: logged(available, no, diags),
            capacity: logged(capacity, no, diags),
            time: get("time").map(str::to_string),
        });
    }
    let resource = get("resourceName").map(str::to_string);
    match msg.as_str() {
        "Eviction manager: attempting to reclaim" => {
            resource.map(|resource| Event::AttemptingToReclaim { resource })
        }
        "Eviction manager: must evict pod(s) to reclaim" => {
            resource.map(|resource| Event::MustEvict { resource })
        }
        "Eviction manager: pods ranked for eviction" => Some(Event::PodsRanked {
            pods: pod_list(get("pods").unwrap_or("")),
        }),
        "Evicting pod" => {
            let pod = get("pod")?.to_string();
            Some(evicting(pod, get("message"), no, diags))
        }
        "Eviction manager: pod is evicted successfully" => Some(Event::PodEvicted {
            pod: get("pod")?.to_string(),
        }),
        _ => None,
    }
}

/// `[ns/a ns/b]` or `["ns/a","ns/b"]` → the pods.
fn pod_list(text: &str) -> Vec<String> {
    let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
    inner
        .split([',', ' '])
        .map(|p| p.trim().trim_matches('"'))
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// An `Evicting pod` event with what its message says: the kubelet's `evictionMessage`
/// (`pkg/kubelet/eviction/helpers.go`) is `The node was low on resource: <r>. Threshold
/// quantity: <q>, available: <a>. ` then one `Container <c> was using <u>, request is <r>, has
/// larger consumption of <r>. ` per container.
fn evicting(pod: String, message: Option<&str>, no: u32, diags: &mut Diagnostics) -> Event {
    let text = message.unwrap_or("");
    let resource = text
        .split_once("The node was low on resource: ")
        .and_then(|(_, r)| r.split_once('.'))
        .map(|(r, _)| r.to_string());
    let threshold_part = text
        .split_once("Threshold quantity: ")
        .and_then(|(_, r)| r.split_once(". "))
        .map(|(t, _)| t);
    let (threshold, available) = match threshold_part.and_then(|t| t.split_once(", available: ")) {
        Some((q, a)) => (Some(logged(q, no, diags)), Some(logged(a, no, diags))),
        None => (None, None),
    };
    let mut containers = Vec::new();
    for part in text.split("Container ").skip(1) {
        let Some((container, rest)) = part.split_once(" was using ") else {
            continue;
        };
        let Some((usage, rest)) = rest.split_once(", request is ") else {
            continue;
        };
        let Some((request, rest)) = rest.split_once(", has larger consumption of ") else {
            continue;
        };
        let resource = rest.split_once('.').map_or(rest, |(r, _)| r);
        containers.push(ContainerUsage {
            container: container.to_string(),
            usage: logged(usage, no, diags),
            request: logged(request, no, diags),
            resource: resource.trim().to_string(),
        });
    }
    Event::EvictingPod {
        pod,
        message: message.map(str::to_string),
        resource,
        threshold,
        available,
        containers,
    }
}

/// The printf-style messages of kubelet up to 1.20, after `eviction manager: `.
fn printf_style(body: &str, no: u32, diags: &mut Diagnostics) -> Option<Event> {
    if let Some(resource) = body.strip_prefix("attempting to reclaim ") {
        return Some(Event::AttemptingToReclaim {
            resource: resource.trim().to_string(),
        });
    }
    if let Some(resource) = body.strip_prefix("must evict pod(s) to reclaim ") {
        return Some(Event::MustEvict {
            resource: resource.trim().to_string(),
        });
    }
    if let Some(pods) = body.strip_prefix("pods ranked for eviction: ") {
        let pods = pods.split(", ").map(|p| p.trim().to_string());
        return Some(Event::PodsRanked {
            pods: pods.filter(|p| !p.is_empty()).collect(),
        });
    }
    if let Some(pod) = body
        .strip_prefix("pod ")
        .and_then(|p| p.strip_suffix(" is evicted successfully"))
    {
        return Some(Event::PodEvicted {
            pod: pod.to_string(),
        });
    }
    // `<phase>: threshold [signal=<s>, quantity=<q>] observed <a>`.
    if let Some((phase, rest)) = body.split_once(": threshold [signal=")
        && let Some((signal, rest)) = rest.split_once(", quantity=")
        && let Some((quantity, observed)) = rest.split_once("] observed ")
    {
        return Some(Event::ThresholdMet {
            phase: Some(phase.to_string()),
            signal: signal.to_string(),
            quantity: logged(quantity, no, diags),
            available: logged(observed, no, diags),
        });
    }
    // `<phase>: signal=<s>, available: <a>, capacity: <c>[, time: <t>]`.
    if let Some((phase, rest)) = body.split_once(": signal=")
        && let Some((signal, rest)) = rest.split_once(", available: ")
        && let Some((available, rest)) = rest.split_once(", capacity: ")
    {
        let (capacity, time) = match rest.split_once(", time: ") {
            Some((c, t)) => (c, Some(t.trim().to_string())),
            None => (rest, None),
        };
        return Some(Event::Observation {
            phase: Some(phase.to_string()),
            signal: signal.to_string(),
            available: logged(available, no, diags),
            capacity: logged(capacity, no, diags),
            time,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{DocId, Kind, Line, Severity, Source, read};

    /// One case: name, input line, the event as [`show`] prints it, diagnostics.
    type Case = (
        &'static str,
        &'static str,
        Option<&'static str>,
        &'static [Severity],
    );

    fn doc(text: &str) -> Document {
        let lines = text
            .lines()
            .enumerate()
            .map(|(i, t)| Line {
                no: i as u32 + 1,
                text: t.to_string(),
            })
            .collect();
        Document {
            id: DocId(1),
            source: 0,
            name: None,
            command: None,
            kind: Kind::KubeletLog,
            reasons: Vec::new(),
            kind_set: false,
            host: None,
            lines,
        }
    }

    fn q(q: &LoggedQuantity) -> String {
        match q.quantity.and_then(|q| q.exact_bytes().ok()) {
            Some(bytes) => format!("{}={bytes}", q.text),
            None => format!("{}=?", q.text),
        }
    }

    /// An event in one line, quantities as `text=bytes`.
    fn show(event: &Event) -> String {
        match event {
            Event::Observation {
                phase,
                signal,
                available,
                capacity,
                time,
            } => format!(
                "observation {phase:?} {signal} available {} capacity {} time {time:?}",
                q(available),
                q(capacity)
            ),
            Event::ThresholdMet {
                phase,
                signal,
                quantity,
                available,
            } => format!(
                "threshold {phase:?} {signal} quantity {} available {}",
                q(quantity),
                q(available)
            ),
            Event::AttemptingToReclaim { resource } => format!("reclaim {resource}"),
            Event::MustEvict { resource } => format!("must evict {resource}"),
            Event::PodsRanked { pods } => format!("ranked {}", pods.join(" | ")),
            Event::EvictingPod {
                pod,
                resource,
                threshold,
                available,
                containers,
                ..
            } => {
                let containers: Vec<String> = containers
                    .iter()
                    .map(|c| {
                        format!(
                            "{} {} {} {}",
                            c.container,
                            q(&c.usage),
                            q(&c.request),
                            c.resource
                        )
                    })
                    .collect();
                format!(
                    "evicting {pod} {resource:?} {:?} {:?} [{}]",
                    threshold.as_ref().map(q),
                    available.as_ref().map(q),
                    containers.join(", ")
                )
            }
            Event::PodEvicted { pod } => format!("evicted {pod}"),
            Event::InactiveFileOverUsage {
                key,
                inactive_file,
                usage,
            } => {
                format!("{key} {inactive_file} > usage {usage}")
            }
        }
    }

    const KLOG_OLD: &str = "I0321 10:20:30.123456    1234 eviction_manager.go:335] ";
    const JOURNAL_NEW: &str = "Mar 21 10:20:30 node-a kubelet[1234]: I0321 10:20:30.123456    1234 eviction_manager.go:349] ";

    #[test]
    fn lines() {
        use Severity::*;
        #[rustfmt::skip]
        let cases: &[Case] = &[
            ("old observation",
                "eviction manager: observations: signal=memory.available, available: 105416Ki, capacity: 16372384Ki, time: 2019-03-21 10:20:20.1 +0000 UTC",
                Some("observation Some(\"observations\") memory.available available 105416Ki=107945984 capacity 16372384Ki=16765321216 time Some(\"2019-03-21 10:20:20.1 +0000 UTC\")"), &[]),
            ("old threshold",
                "eviction manager: thresholds - ignoring grace period: threshold [signal=memory.available, quantity=100Mi] observed 94612Ki",
                Some("threshold Some(\"thresholds - ignoring grace period\") memory.available quantity 100Mi=104857600 available 94612Ki=96882688"), &[]),
            ("old reclaim", "eviction manager: attempting to reclaim memory", Some("reclaim memory"), &[]),
            ("old must evict", "eviction manager: must evict pod(s) to reclaim memory", Some("must evict memory"), &[]),
            ("old ranked", "eviction manager: pods ranked for eviction: app-7d9f_default(0f3c), coredns-x_kube-system(aa11)",
                Some("ranked app-7d9f_default(0f3c) | coredns-x_kube-system(aa11)"), &[]),
            ("old evicted", "eviction manager: pod app-7d9f_default(0f3c) is evicted successfully",
                Some("evicted app-7d9f_default(0f3c)"), &[]),
            ("new observation",
                "\"Eviction manager:\" log=\"observations\" signal=\"memory.available\" resourceName=\"memory\" available=\"105416Ki\" capacity=\"16372384Ki\" time=\"2023-03-21 10:20:20 +0000 UTC\"",
                Some("observation Some(\"observations\") memory.available available 105416Ki=107945984 capacity 16372384Ki=16765321216 time Some(\"2023-03-21 10:20:20 +0000 UTC\")"), &[]),
            ("new threshold",
                "\"Eviction manager: threshold observed resource\" log=\"thresholds - ignoring grace period\" signal=\"allocatableMemory.available\" resourceName=\"memory\" quantity=\"100Mi\" available=\"94612Ki\"",
                Some("threshold Some(\"thresholds - ignoring grace period\") allocatableMemory.available quantity 100Mi=104857600 available 94612Ki=96882688"), &[]),
            ("new reclaim", "\"Eviction manager: attempting to reclaim\" resourceName=\"memory\"", Some("reclaim memory"), &[]),
            ("new must evict", "\"Eviction manager: must evict pod(s) to reclaim\" resourceName=\"memory\"", Some("must evict memory"), &[]),
            ("new ranked, quoted", "\"Eviction manager: pods ranked for eviction\" pods=[\"default/app-7d9f\",\"kube-system/coredns-x\"]",
                Some("ranked default/app-7d9f | kube-system/coredns-x"), &[]),
            ("new ranked, bare", "\"Eviction manager: pods ranked for eviction\" pods=[default/app-7d9f kube-system/coredns-x]",
                Some("ranked default/app-7d9f | kube-system/coredns-x"), &[]),
            ("evicting pod",
                "\"Evicting pod\" pod=\"default/app-7d9f\" podUID=\"0f3c\" message=\"The node was low on resource: memory. Threshold quantity: 100Mi, available: 94612Ki. Container app was using 1200Mi, request is 256Mi, has larger consumption of memory. \"",
                Some("evicting default/app-7d9f Some(\"memory\") Some(\"100Mi=104857600\") Some(\"94612Ki=96882688\") [app 1200Mi=1258291200 256Mi=268435456 memory]"), &[]),
            ("new evicted", "\"Eviction manager: pod is evicted successfully\" pod=\"default/app-7d9f\"",
                Some("evicted default/app-7d9f"), &[]),
            ("CRI-O working set",
                "Mar 18 16:09:13 node-a crio[72618]: time=\"2023-03-18 16:09:13.067279194-04:00\" level=warning msg=\"Unable to account working set stats: total_inactive_file (3827683328) > memory usage (3233787904)\"",
                Some("total_inactive_file 3827683328 > usage 3233787904"), &[]),
            ("cut mid-line", "Mar 18 16:09:13 node-a crio[72618]: time=\"2023-03-18\" level=warning msg=\"Unable to account working set stats: total_inactive_file (3827683328) > memory us",
                None, &[Note, Warning]),
            ("garbage", "hello world", None, &[Note, Warning]),
            ("thousands separators", "msg=\"x: total_inactive_file (3,827,683,328) > memory usage (3,233,787,904)\"",
                Some("total_inactive_file 3827683328 > usage 3233787904"), &[]),
            ("an eviction line memlens does not read", "\"Eviction manager: no resources are starved\"", None, &[Note, Warning]),
            ("overflow", "msg=\"x: total_inactive_file (99999999999999999999) > memory usage (1)\"", None, &[Error, Note, Warning]),
            ("bad quantity in an observation",
                "eviction manager: observations: signal=memory.available, available: 12XB, capacity: 1Ki",
                Some("observation Some(\"observations\") memory.available available 12XB=? capacity 1Ki=1024 time None"), &[Error]),
            ("tabs", "I0321\t10:20:30.123456\t1234\teviction_manager.go:335] eviction manager: attempting to reclaim memory",
                Some("reclaim memory"), &[]),
        ];
        for (name, line, want, want_diags) in cases {
            let mut diags = Diagnostics::new(DocId(1));
            let log = parse(&doc(line), &mut diags);
            let got: Vec<String> = log.events.iter().map(|e| show(&e.event)).collect();
            let want: Vec<String> = want.iter().map(|w| w.to_string()).collect();
            assert_eq!(got, want, "{name}");
            let severities: Vec<Severity> = diags.list.iter().map(|d| d.severity).collect();
            assert_eq!(severities, *want_diags, "{name}: {:?}", diags.list);
        }
    }

    #[test]
    fn prefixes_are_kept() {
        let text = format!(
            "{KLOG_OLD}eviction manager: attempting to reclaim memory\n{JOURNAL_NEW}\"Eviction manager: attempting to reclaim\" resourceName=\"memory\"\n"
        );
        let mut diags = Diagnostics::new(DocId(1));
        let log = parse(&doc(&text), &mut diags);
        assert!(diags.list.is_empty(), "{:?}", diags.list);
        let old = &log.events[0].prefix;
        assert_eq!(old.klog_severity.as_deref(), Some("I"));
        assert_eq!(old.klog_time.as_deref(), Some("0321 10:20:30.123456"));
        assert_eq!(old.klog_source.as_deref(), Some("eviction_manager.go:335"));
        assert_eq!(old.host, None);
        let new = &log.events[1].prefix;
        assert_eq!(new.syslog_time.as_deref(), Some("Mar 21 10:20:30"));
        assert_eq!(new.host.as_deref(), Some("node-a"));
        assert_eq!(
            (new.process.as_deref(), new.pid),
            (Some("kubelet"), Some(1234))
        );
        assert_eq!(new.klog_source.as_deref(), Some("eviction_manager.go:349"));
        assert_eq!(log.events[1].at.line, 2);
    }

    #[test]
    fn empty() {
        let mut diags = Diagnostics::new(DocId(1));
        assert_eq!(parse(&doc(""), &mut diags), KubeletLog::default());
        assert!(diags.list.is_empty());
    }

    #[test]
    fn through_read_with_crlf_colour_and_single_digit_day() {
        let text = "Mar  8 16:09:13 node-a crio[1]: time=\"x\" level=warning msg=\"Unable to account working set stats: total_inactive_file (25808896) > memory usage (7692288)\"\r\n\u{1b}[33mJun 20 05:09:33 node-b crio[2]: time=\"y\" level=warning msg=\"Unable to account working set stats: total_inactive_file (27009024) > memory usage (7122944)\"\u{1b}[0m\r\n";
        let docs = read(&[Source::paste(text)], &[]);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].kind, Kind::KubeletLog);
        let mut diags = Diagnostics::new(docs[0].id);
        let log = parse(&docs[0], &mut diags);
        let got: Vec<String> = log.events.iter().map(|e| show(&e.event)).collect();
        assert_eq!(
            got,
            [
                "total_inactive_file 25808896 > usage 7692288",
                "total_inactive_file 27009024 > usage 7122944"
            ]
        );
        assert_eq!(
            log.events[0].prefix.syslog_time.as_deref(),
            Some("Mar 8 16:09:13")
        );
        assert_eq!(log.events[1].prefix.level.as_deref(), Some("warning"));
        assert!(diags.list.is_empty(), "{:?}", diags.list);
    }
}

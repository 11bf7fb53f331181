//! `kubectl top node` and `kubectl top pod`, cell by cell and as whole tables.
//!
//! Sources (kubernetes/kubectl, staging in kubernetes/kubernetes): `pkg/metricsutil/
//! metrics_printer.go` (cells and row layout), `metrics_sorter.go` (order), `pkg/cmd/top/
//! top_node.go` (what a node's percent divides by), and apimachinery's `Quantity`
//! (`Value`/`MilliValue` round up, away from zero — read in `pkg/api/resource/math.go`
//! `negativeScaleInt64`, which adds one whenever a non-zero remainder was dropped).
//!
//! * `MEMORY(bytes)`: `"%vMi"` of `Value() / (1024 × 1024)`, integer division: floor MiB.
//! * `CPU(cores)`: `"%vm"` of `MilliValue()`, i.e. millicores rounded **up**: `7338891n` → `8m`
//!   (kubectl v1.34.5 prints `8m`; checked against the real binary in `tests/kubectl_oracle.rs`).
//! * `CPU(%)`/`MEMORY(%)`: `int64(float64(usage.MilliValue()) / float64(available.MilliValue())
//!   × 100)`, `available` being `status.allocatable` (or `status.capacity` with
//!   `--show-capacity`). A zero available prints `0%` since 1.34; before, the division by zero
//!   gives an infinity or NaN whose int64 conversion is `-9223372036854775808` on amd64.
//! * Headers: `CPU%`/`MEMORY%` up to 1.31, `CPU(%)`/`MEMORY(%)` from 1.32. `--show-swap` (1.34)
//!   adds `SWAP(bytes)`/`SWAP(%)`; a node without `status.nodeInfo.swap.capacity` prints
//!   `<unknown>` in both.
//! * Nodes listed but absent from the metrics print `<unknown>` in every cell, after the
//!   others; a node in the metrics but not in the node list gets no percent cells at all.
//! * A pod row sums its containers' usage exactly before rounding; `--sum` adds a row of
//!   `________` and a total row, laid out from the header's column count.
//! * Rows are ordered with Go's `sort.Sort` (by name, or descending `MilliValue()`/`Value()`
//!   with `--sort-by`), which is not stable past 12 rows: [`gosort`] repeats it step for step,
//!   so equal rows come out where kubectl puts them.
//! * Every cell is followed by a tab and the lines go through cli-runtime's tabwriter
//!   ([`super::tabwriter::KUBECTL`]), so each line ends in padding spaces.

mod gosort;

use serde::Serialize;

use super::gofloat::go_f64_to_i64;
use super::kubelet::KubeVersion;
use super::nanos;
use super::tabwriter;
use super::term::{Derived, Term};
use crate::quantity::{Format, Quantity};

/// A resource list as the metrics API serves usage: a missing key reads as zero, as a Go map
/// lookup of a `Quantity` does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Usage {
    pub cpu: Option<Quantity>,
    pub memory: Option<Quantity>,
    pub swap: Option<Quantity>,
}

/// `status.allocatable` or `status.capacity` of a node, the keys `kubectl top` reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Resources {
    pub cpu: Option<Quantity>,
    pub memory: Option<Quantity>,
}

/// A `NodeMetrics` item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeMetrics {
    pub name: String,
    pub usage: Usage,
}

/// A node from the node list, with what `kubectl top node` reads of it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Node {
    pub name: String,
    pub allocatable: Resources,
    pub capacity: Resources,
    /// `status.nodeInfo.swap.capacity` in bytes, when the kubelet reports swap.
    pub swap_capacity: Option<i64>,
}

/// `--sort-by`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    /// No flag: by name (pods: by namespace, then name, with `-A`).
    #[default]
    Name,
    /// `--sort-by=cpu`: descending `MilliValue()`.
    Cpu,
    /// `--sort-by=memory`: descending `Value()`.
    Memory,
}

/// The version and flags of one `kubectl top node` run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NodeOptions {
    pub version: KubeVersion,
    /// `--show-capacity` (1.23+): percents of capacity instead of allocatable.
    pub show_capacity: bool,
    /// `--show-swap` (1.34+).
    pub show_swap: bool,
    pub no_headers: bool,
    pub sort_by: SortBy,
}

/// The version and flags of one `kubectl top pod` run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PodOptions {
    pub version: KubeVersion,
    /// `-A` / `--all-namespaces`: a `NAMESPACE` column.
    pub all_namespaces: bool,
    /// `--containers`: one row per container, with a `POD` column.
    pub containers: bool,
    /// `--sum`: a total row.
    pub sum: bool,
    /// `--show-swap` (1.34+).
    pub show_swap: bool,
    pub no_headers: bool,
    pub sort_by: SortBy,
}

/// Why kubectl prints no table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TopError {
    /// No metrics items: `kubectl top node` says `error: metrics not available yet`.
    NoMetrics,
    /// A value past what `Value()`/`MilliValue()` return as an `int64` (apimachinery's result
    /// is undefined there), or a quantity this port cannot hold exactly.
    OutOfRange,
}

/// `MEMORY(bytes)` (and `SWAP(bytes)`) of an exact amount: `⌊Value() / 2^20⌋Mi`.
pub fn memory_cell(amount_nanos: i128) -> Option<Derived<String>> {
    let bytes = nanos::value(amount_nanos)?;
    // Go int64 division truncates toward zero, as Rust's does.
    let mib = bytes / (1024 * 1024);
    Some(Derived::new(
        format!("{mib}Mi"),
        "⌊Value() / 2^20⌋ Mi",
        vec![Term::new("bytes", bytes)],
    ))
}

/// `CPU(cores)` of an exact amount: `MilliValue()` (rounded up) followed by `m`.
pub fn cpu_cell(amount_nanos: i128) -> Option<Derived<String>> {
    let milli = nanos::milli_value(amount_nanos)?;
    Some(Derived::new(
        format!("{milli}m"),
        "⌈cores × 1000⌉ m",
        vec![Term::new(
            "cpu_nanocores",
            i64::try_from(amount_nanos).ok()?,
        )],
    ))
}

/// A percent cell: `int64(float64(usage.MilliValue()) / float64(available.MilliValue()) × 100)`.
pub fn percent_cell(
    usage_nanos: i128,
    available_nanos: i128,
    version: KubeVersion,
) -> Option<Derived<String>> {
    let usage = nanos::milli_value(usage_nanos)?;
    let available = nanos::milli_value(available_nanos)?;
    let fraction = if available_nanos == 0 && version.at_least(1, 34) {
        0.0
    } else {
        usage as f64 / available as f64 * 100.0
    };
    let percent = go_f64_to_i64(fraction);
    Some(Derived::new(
        format!("{percent}%"),
        "int64(float64(usage_milli) / float64(available_milli) × 100)",
        vec![
            Term::new("usage_milli", usage),
            Term::new("available_milli", available),
        ],
    ))
}

fn amount(q: Option<&Quantity>) -> Option<i128> {
    q.map_or(Some(0), nanos::of)
}

/// One `kubectl top node` row, with each cell's derivation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeRow {
    pub name: String,
    /// `None` for a node without metrics (every cell `<unknown>`).
    pub cpu: Option<Derived<String>>,
    pub cpu_percent: Option<Derived<String>>,
    pub memory: Option<Derived<String>>,
    pub memory_percent: Option<Derived<String>>,
    pub swap: Option<Derived<String>>,
    pub swap_percent: Option<Derived<String>>,
    /// The cells as printed, in order, before the tabwriter.
    pub cells: Vec<String>,
}

/// A table as kubectl prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Table<R> {
    pub rows: Vec<R>,
    /// The whole output, padding included.
    pub text: String,
    /// Go prints the `<unknown>` rows of nodes without metrics in map order, which changes
    /// from run to run; they are sorted by name here, and this says when that mattered.
    pub unordered_tail: bool,
}

/// The header cells of `kubectl top node` for a version and flags.
pub fn node_header(version: KubeVersion, show_swap: bool) -> Vec<&'static str> {
    let new = version.at_least(1, 32);
    let mut names = vec![
        "NAME",
        "CPU(cores)",
        if new { "CPU(%)" } else { "CPU%" },
        "MEMORY(bytes)",
        if new { "MEMORY(%)" } else { "MEMORY%" },
    ];
    if show_swap {
        names.extend(["SWAP(bytes)", "SWAP(%)"]);
    }
    names
}

/// `kubectl top node`: the metrics items and the node list as the API served them.
pub fn top_node(
    metrics: &[NodeMetrics],
    nodes: &[Node],
    options: NodeOptions,
) -> Result<Table<NodeRow>, TopError> {
    if metrics.is_empty() {
        return Err(TopError::NoMetrics);
    }
    let version = options.version;

    let mut sorted = Vec::with_capacity(metrics.len());
    for m in metrics {
        sorted.push((m, sort_key(&m.usage, options.sort_by)?));
    }
    gosort::sort(&mut sorted, |(a, ka), (b, kb)| {
        less(options.sort_by, &a.name, *ka, &b.name, *kb)
    });

    let mut lines: Vec<Vec<String>> = Vec::new();
    if !options.no_headers {
        lines.push(
            node_header(version, options.show_swap)
                .into_iter()
                .map(String::from)
                .collect(),
        );
    }
    let mut rows = Vec::new();
    let mut printed: Vec<&str> = Vec::new();
    for (m, _) in sorted {
        // Go fills a map from the node list (a later node of the same name wins) and deletes
        // each entry once printed, so a repeated metrics item gets no percent cells.
        let available = if printed.contains(&m.name.as_str()) {
            None
        } else {
            nodes.iter().rev().find(|n| n.name == m.name)
        };
        // top_node.go registers swap as missing for every listed node without swap capacity.
        let swap_missing = nodes
            .iter()
            .any(|n| n.name == m.name && n.swap_capacity.is_none());
        let row = node_row(m, available, swap_missing, options)?;
        lines.push(row.cells.clone());
        rows.push(row);
        printed.push(&m.name);
    }

    let mut missing: Vec<&Node> = nodes
        .iter()
        .filter(|n| !printed.contains(&n.name.as_str()))
        .collect();
    missing.sort_by(|a, b| a.name.cmp(&b.name));
    missing.dedup_by(|a, b| a.name == b.name);
    let unordered_tail = missing.len() > 1;
    let measured = if options.show_swap { 3 } else { 2 };
    for node in missing {
        let mut cells = vec![node.name.clone()];
        cells.extend(std::iter::repeat_n("<unknown>".to_string(), 2 * measured));
        lines.push(cells.clone());
        rows.push(NodeRow {
            name: node.name.clone(),
            cpu: None,
            cpu_percent: None,
            memory: None,
            memory_percent: None,
            swap: None,
            swap_percent: None,
            cells,
        });
    }

    Ok(Table {
        rows,
        text: render(&lines),
        unordered_tail,
    })
}

fn node_row(
    m: &NodeMetrics,
    node: Option<&Node>,
    swap_missing: bool,
    options: NodeOptions,
) -> Result<NodeRow, TopError> {
    let available = node.map(|n| {
        if options.show_capacity {
            n.capacity
        } else {
            n.allocatable
        }
    });
    let version = options.version;
    let mut cells = vec![m.name.clone()];

    let cpu_usage = amount(m.usage.cpu.as_ref()).ok_or(TopError::OutOfRange)?;
    let cpu = cpu_cell(cpu_usage).ok_or(TopError::OutOfRange)?;
    cells.push(cpu.value.clone());
    let cpu_percent = match available.and_then(|a| a.cpu) {
        Some(avail) => Some(percent_of(cpu_usage, &avail, version)?),
        None => None,
    };
    cells.extend(cpu_percent.iter().map(|d| d.value.clone()));

    let memory_usage = amount(m.usage.memory.as_ref()).ok_or(TopError::OutOfRange)?;
    let memory = memory_cell(memory_usage).ok_or(TopError::OutOfRange)?;
    cells.push(memory.value.clone());
    let memory_percent = match available.and_then(|a| a.memory) {
        Some(avail) => Some(percent_of(memory_usage, &avail, version)?),
        None => None,
    };
    cells.extend(memory_percent.iter().map(|d| d.value.clone()));

    let (mut swap, mut swap_percent) = (None, None);
    if options.show_swap {
        if swap_missing {
            cells.extend(["<unknown>".to_string(), "<unknown>".to_string()]);
        } else {
            let usage = amount(m.usage.swap.as_ref()).ok_or(TopError::OutOfRange)?;
            let cell = memory_cell(usage).ok_or(TopError::OutOfRange)?;
            cells.push(cell.value.clone());
            swap = Some(cell);
            if let Some(capacity) = node.and_then(|n| n.swap_capacity) {
                let avail = Quantity::new(capacity, Format::BinarySI);
                let percent = percent_of(usage, &avail, version)?;
                cells.push(percent.value.clone());
                swap_percent = Some(percent);
            }
        }
    }

    Ok(NodeRow {
        name: m.name.clone(),
        cpu: Some(cpu),
        cpu_percent,
        memory: Some(memory),
        memory_percent,
        swap,
        swap_percent,
        cells,
    })
}

fn percent_of(
    usage: i128,
    available: &Quantity,
    version: KubeVersion,
) -> Result<Derived<String>, TopError> {
    let available = nanos::of(available).ok_or(TopError::OutOfRange)?;
    percent_cell(usage, available, version).ok_or(TopError::OutOfRange)
}

/// The sort key `metrics_sorter.go` compares: `MilliValue()` for CPU, `Value()` for memory.
fn sort_key(usage: &Usage, by: SortBy) -> Result<i64, TopError> {
    let key = match by {
        SortBy::Name => Some(0),
        SortBy::Cpu => amount(usage.cpu.as_ref()).and_then(nanos::milli_value),
        SortBy::Memory => amount(usage.memory.as_ref()).and_then(nanos::value),
    };
    key.ok_or(TopError::OutOfRange)
}

/// The `Less` of kubectl's `metrics_sorter.go`, which `sort.Sort` ([`gosort`]) orders rows with:
/// by name, or by descending CPU or memory.
fn less(by: SortBy, name_a: &str, key_a: i64, name_b: &str, key_b: i64) -> bool {
    match by {
        SortBy::Name => name_a < name_b,
        SortBy::Cpu | SortBy::Memory => key_a > key_b,
    }
}

fn render(lines: &[Vec<String>]) -> String {
    let mut text = String::new();
    for line in lines {
        for cell in line {
            // printValue: fmt.Fprintf(out, "%v\t", value)
            text.push_str(cell);
            text.push('\t');
        }
        text.push('\n');
    }
    tabwriter::render(&text, tabwriter::KUBECTL)
}

/// A container's metrics.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContainerMetrics {
    pub name: String,
    pub usage: Usage,
}

/// A `PodMetrics` item.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PodMetrics {
    pub namespace: String,
    pub name: String,
    pub containers: Vec<ContainerMetrics>,
}

/// One `kubectl top pod` row: a pod (Σ of its containers), a container, or the `--sum` rows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PodRow {
    pub namespace: String,
    pub pod: String,
    /// The container, with `--containers`.
    pub container: Option<String>,
    pub cpu: Option<Derived<String>>,
    pub memory: Option<Derived<String>>,
    pub swap: Option<Derived<String>>,
    pub cells: Vec<String>,
}

/// The exact sums of CPU, memory and swap over containers (`getPodMetrics`: Quantity.Add).
fn sum_usage<'a>(usages: impl Iterator<Item = &'a Usage>) -> Option<(i128, i128, i128)> {
    let (mut cpu, mut memory, mut swap) = (0i128, 0i128, 0i128);
    for u in usages {
        cpu = cpu.checked_add(amount(u.cpu.as_ref())?)?;
        memory = memory.checked_add(amount(u.memory.as_ref())?)?;
        swap = swap.checked_add(amount(u.swap.as_ref())?)?;
    }
    Some((cpu, memory, swap))
}

/// The header cells of `kubectl top pod` for the flags.
pub fn pod_header(options: &PodOptions) -> Vec<&'static str> {
    let mut names = Vec::new();
    if options.all_namespaces {
        names.push("NAMESPACE");
    }
    if options.containers {
        names.push("POD");
    }
    names.extend(["NAME", "CPU(cores)", "MEMORY(bytes)"]);
    if options.show_swap {
        names.push("SWAP(bytes)");
    }
    names
}

/// `kubectl top pod`: the pod metrics items as the API served them.
pub fn top_pod(metrics: &[PodMetrics], options: PodOptions) -> Result<Table<PodRow>, TopError> {
    if metrics.is_empty() {
        return Err(TopError::NoMetrics);
    }
    let mut sums = Vec::with_capacity(metrics.len());
    for m in metrics {
        sums.push(sum_usage(m.containers.iter().map(|c| &c.usage)).ok_or(TopError::OutOfRange)?);
    }
    let mut order = Vec::with_capacity(metrics.len());
    for (m, &(cpu, memory, swap)) in metrics.iter().zip(&sums) {
        let key = match options.sort_by {
            SortBy::Name => Some(0),
            SortBy::Cpu => nanos::milli_value(cpu),
            SortBy::Memory => nanos::value(memory),
        };
        order.push((m, key.ok_or(TopError::OutOfRange)?, (cpu, memory, swap)));
    }
    gosort::sort(&mut order, |(ma, ka, _), (mb, kb, _)| {
        match options.sort_by {
            SortBy::Name if options.all_namespaces && ma.namespace != mb.namespace => {
                ma.namespace < mb.namespace
            }
            by => less(by, &ma.name, *ka, &mb.name, *kb),
        }
    });

    let mut lines: Vec<Vec<String>> = Vec::new();
    // printPodResourcesSum lays the total out from this count, which only grows when a
    // header is printed (a kubectl quirk: with --no-headers the total row shifts left).
    let mut column_count = 3 + usize::from(options.show_swap);
    if !options.no_headers {
        let header = pod_header(&options);
        column_count = header.len();
        lines.push(header.into_iter().map(String::from).collect());
    }

    let mut rows = Vec::new();
    for (m, _, total) in order {
        if options.containers {
            let mut containers = Vec::with_capacity(m.containers.len());
            for c in &m.containers {
                containers.push((c, sort_key(&c.usage, options.sort_by)?));
            }
            gosort::sort(&mut containers, |(a, ka), (b, kb)| {
                less(options.sort_by, &a.name, *ka, &b.name, *kb)
            });
            for (c, _) in containers {
                let (cpu, memory, swap) =
                    sum_usage(std::iter::once(&c.usage)).ok_or(TopError::OutOfRange)?;
                let mut cells = Vec::new();
                if options.all_namespaces {
                    cells.push(m.namespace.clone());
                }
                cells.push(m.name.clone());
                cells.push(c.name.clone());
                let row = usage_row(
                    &m.namespace,
                    &m.name,
                    Some(&c.name),
                    cells,
                    (cpu, memory, swap),
                    options,
                )?;
                lines.push(row.cells.clone());
                rows.push(row);
            }
        } else {
            let mut cells = Vec::new();
            if options.all_namespaces {
                cells.push(m.namespace.clone());
            }
            cells.push(m.name.clone());
            let row = usage_row(&m.namespace, &m.name, None, cells, total, options)?;
            lines.push(row.cells.clone());
            rows.push(row);
        }
    }

    if options.sum {
        let all = sum_usage(
            metrics
                .iter()
                .flat_map(|m| m.containers.iter().map(|c| &c.usage)),
        )
        .ok_or(TopError::OutOfRange)?;
        let mut separator = vec![String::new(); column_count.saturating_sub(2)];
        separator.extend(["________".to_string(), "________".to_string()]);
        lines.push(separator.clone());
        rows.push(PodRow {
            namespace: String::new(),
            pod: String::new(),
            container: None,
            cpu: None,
            memory: None,
            swap: None,
            cells: separator,
        });
        let mut cells = vec![String::new(); column_count.saturating_sub(3)];
        cells.push(String::new());
        let row = usage_row("", "", None, cells, all, options)?;
        lines.push(row.cells.clone());
        rows.push(row);
    }

    Ok(Table {
        rows,
        text: render(&lines),
        unordered_tail: false,
    })
}

fn usage_row(
    namespace: &str,
    pod: &str,
    container: Option<&str>,
    mut cells: Vec<String>,
    (cpu, memory, swap): (i128, i128, i128),
    options: PodOptions,
) -> Result<PodRow, TopError> {
    let cpu = cpu_cell(cpu).ok_or(TopError::OutOfRange)?;
    let memory = memory_cell(memory).ok_or(TopError::OutOfRange)?;
    cells.push(cpu.value.clone());
    cells.push(memory.value.clone());
    let swap = if options.show_swap {
        let cell = memory_cell(swap).ok_or(TopError::OutOfRange)?;
        cells.push(cell.value.clone());
        Some(cell)
    } else {
        None
    };
    Ok(PodRow {
        namespace: namespace.to_string(),
        pod: pod.to_string(),
        container: container.map(str::to_string),
        cpu: Some(cpu),
        memory: Some(memory),
        swap,
        cells,
    })
}

/// What one `kubectl top` row says about a node's allocatable: its usage (exact, or only known
/// to the MiB from the printed cell) and the printed percent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PercentRow {
    /// Smallest possible usage in bytes.
    pub usage_min: u64,
    /// Largest possible usage in bytes.
    pub usage_max: u64,
    /// The printed percent.
    pub percent: i64,
}

impl PercentRow {
    /// A row read from a printed table: `<mib>Mi` means `mib × 2^20 ≤ usage < (mib + 1) × 2^20`.
    pub fn printed(mib: u64, percent: i64) -> Option<PercentRow> {
        let usage_min = mib.checked_mul(1 << 20)?;
        let usage_max = usage_min.checked_add((1 << 20) - 1)?;
        Some(PercentRow {
            usage_min,
            usage_max,
            percent,
        })
    }

    /// A row whose usage is known to the byte (from metrics or a summary).
    pub fn exact(usage: u64, percent: i64) -> PercentRow {
        PercentRow {
            usage_min: usage,
            usage_max: usage,
            percent,
        }
    }
}

/// kubectl's memory percent for whole byte counts (`MilliValue` = bytes × 1000).
fn memory_percent(usage: u64, available: u64) -> i64 {
    // The int64 milli values are exact; each becomes a float64 once, as in Go.
    let usage = (i128::from(usage) * 1000) as f64;
    let available = (i128::from(available) * 1000) as f64;
    go_f64_to_i64(usage / available * 100.0)
}

/// The largest allocatable this search considers: `MilliValue()` must fit an `int64`.
const MAX_AVAILABLE: u64 = (i64::MAX / 1000) as u64;

/// The allocatable byte counts consistent with every row: for each row some usage in its
/// range must print its percent under kubectl's float formula. Rows of identical nodes
/// narrow the range. `None` when no allocatable fits them all.
///
/// Per row, the percent grows with usage and shrinks with allocatable, so the allocatables
/// that fit form the range from the least at which the smallest usage prints at most the
/// percent to the greatest at which the largest usage prints at least it.
pub fn allocatable_range(rows: &[PercentRow]) -> Option<(u64, u64)> {
    let (mut lo, mut hi) = (1u64, MAX_AVAILABLE);
    for row in rows {
        if row.usage_min > row.usage_max || row.percent < 0 {
            return None;
        }
        // Least allocatable at which the smallest usage prints ≤ percent.
        let least = first_true(1, MAX_AVAILABLE, |a| {
            memory_percent(row.usage_min, a) <= row.percent
        })?;
        // Greatest allocatable at which the largest usage prints ≥ percent.
        let beyond = first_true(1, MAX_AVAILABLE, |a| {
            memory_percent(row.usage_max, a) < row.percent
        });
        let most = match beyond {
            Some(a) => a.checked_sub(1)?,
            None => MAX_AVAILABLE,
        };
        lo = lo.max(least);
        hi = hi.min(most);
    }
    (lo <= hi).then_some((lo, hi))
}

/// The least `x` in `lo..=hi` for which the monotone predicate holds.
fn first_true(mut lo: u64, mut hi: u64, holds: impl Fn(u64) -> bool) -> Option<u64> {
    if !holds(hi) {
        return None;
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if holds(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Some(lo)
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn n(text: &str) -> i128 {
        nanos::of(&q(text)).unwrap_or_else(|| panic!("{text}"))
    }

    fn v(text: &str) -> KubeVersion {
        KubeVersion::parse(text).unwrap_or_else(|| panic!("{text}"))
    }

    /// `text` followed by `spaces` spaces: expected cells are written this way so the padding
    /// is counted, not eyeballed.
    fn pad(text: &str, spaces: usize) -> String {
        format!("{text}{}", " ".repeat(spaces))
    }

    #[test]
    fn memory_cells() {
        let rows: &[(&str, &str)] = &[
            // accounting.md 9.1, 9.3
            ("1985744896", "1893Mi"),
            ("928534528", "885Mi"),
            // field fixture C45
            ("863531008", "823Mi"),
            ("764698624", "729Mi"),
            ("134934528", "128Mi"),
            ("15761408", "15Mi"),
            ("169046016", "161Mi"),
            ("14942208", "14Mi"),
            // field fixture C27
            ("14520Ki", "14Mi"),
            ("53836Ki", "52Mi"),
            // a fraction of a byte past 2^63 nano-units: Value() rounds 9320079032.32 up
            ("8.68Gi", "8888Mi"),
            // C48 NodeMetrics
            ("2748180Ki", "2683Mi"),
            ("0", "0Mi"),
            ("1048575", "0Mi"),
            ("1Mi", "1Mi"),
            // Value() rounds a fraction up before the division
            ("1048575500m", "1Mi"),
            ("-1Mi", "-1Mi"),
            ("-1048575", "0Mi"),
        ];
        for &(usage, expected) in rows {
            let actual = memory_cell(n(usage)).map(|d| d.value);
            assert_eq!(actual.as_deref(), Some(expected), "{usage}");
        }
    }

    #[test]
    fn cpu_cells_round_millicores_up() {
        let rows: &[(&str, &str)] = &[
            // C27's expected.md says 7m and 58m; apimachinery's MilliValue rounds up, and
            // kubectl v1.34.5 prints 8m (tests/kubectl_oracle.rs)
            ("7338891n", "8m"),
            ("58846045n", "59m"),
            ("123456789n", "124m"),
            ("329087452n", "330m"),
            ("5m", "5m"),
            ("5000000n", "5m"),
            ("5000001n", "6m"),
            ("1n", "1m"),
            ("0", "0m"),
            ("1", "1000m"),
            ("2.5", "2500m"),
        ];
        for &(usage, expected) in rows {
            let actual = cpu_cell(n(usage)).map(|d| d.value);
            assert_eq!(actual.as_deref(), Some(expected), "{usage}");
        }
    }

    #[test]
    fn percent_cells() {
        let rows: &[(&str, &str, &str, &str)] = &[
            // accounting.md 9.1: of allocatable 16290844Ki, and of capacity
            ("1985744896", "16290844Ki", "1.34", "11%"),
            ("1985744896", "16393244Ki", "1.34", "11%"),
            // accounting.md 9.3 with --show-capacity
            ("928534528", "4014852Ki", "1.34", "22%"),
            // C06: 2180Mi of 3292712Ki, at both ends of the printed MiB
            ("2180Mi", "3292712Ki", "1.34", "67%"),
            ("2286944255", "3292712Ki", "1.34", "67%"),
            // C12: 128% of allocatable, 74.1% of capacity printed 74%
            ("717664Ki", "559848Ki", "1.21", "128%"),
            ("717664Ki", "968424Ki", "1.21", "74%"),
            // CPU
            ("7338891n", "1700m", "1.34", "0%"),
            ("250m", "2", "1.34", "12%"),
            ("1700m", "1700m", "1.34", "100%"),
            // zero available: 0% since 1.34; before, int64(±Inf or NaN) on amd64
            ("1Mi", "0", "1.34", "0%"),
            ("1Mi", "0", "1.33", "-9223372036854775808%"),
            ("0", "0", "1.33", "-9223372036854775808%"),
            ("0", "1Gi", "1.33", "0%"),
        ];
        for &(usage, available, version, expected) in rows {
            let actual = percent_cell(n(usage), n(available), v(version)).map(|d| d.value);
            assert_eq!(
                actual.as_deref(),
                Some(expected),
                "{usage} of {available} at {version}"
            );
        }
    }

    #[test]
    fn percent_uses_the_exact_working_set_not_the_floored_mib() {
        // 1023.99 MiB of 2047 MiB is 50.02% (50%); the printed 1023Mi would give 49.97% (49%).
        let usage = 1024 * 1048576 - 10;
        let available = "2047Mi";
        let actual = percent_cell(i128::from(usage) * 1_000_000_000, n(available), v("1.34"));
        assert_eq!(actual.map(|d| d.value).as_deref(), Some("50%"));
        assert_eq!(
            memory_cell(i128::from(usage) * 1_000_000_000)
                .map(|d| d.value)
                .as_deref(),
            Some("1023Mi")
        );
    }

    fn node(name: &str, alloc: (&str, &str), cap: (&str, &str), swap: Option<i64>) -> Node {
        Node {
            name: name.to_string(),
            allocatable: Resources {
                cpu: Some(q(alloc.0)),
                memory: Some(q(alloc.1)),
            },
            capacity: Resources {
                cpu: Some(q(cap.0)),
                memory: Some(q(cap.1)),
            },
            swap_capacity: swap,
        }
    }

    fn metrics(name: &str, cpu: &str, memory: &str) -> NodeMetrics {
        NodeMetrics {
            name: name.to_string(),
            usage: Usage {
                cpu: Some(q(cpu)),
                memory: Some(q(memory)),
                swap: None,
            },
        }
    }

    fn node_options(version: &str) -> NodeOptions {
        NodeOptions {
            version: v(version),
            show_capacity: false,
            show_swap: false,
            no_headers: false,
            sort_by: SortBy::Name,
        }
    }

    #[test]
    fn top_node_table_character_by_character() {
        let nodes = [
            node("node-c", ("2", "8Gi"), ("2", "8Gi"), None),
            node("node-b", ("2", "16290844Ki"), ("2", "16393244Ki"), None),
            node("node-a", ("1700m", "3292712Ki"), ("2", "4014852Ki"), None),
        ];
        let items = [
            metrics("node-b", "250m", "1985744896"),
            metrics("node-a", "7338891n", "2180Mi"),
        ];
        let expected = [
            [
                pad("NAME", 5),
                pad("CPU(cores)", 3),
                pad("CPU(%)", 6),
                pad("MEMORY(bytes)", 3),
                pad("MEMORY(%)", 3),
            ],
            [
                pad("node-a", 3),
                pad("8m", 11),
                pad("0%", 10),
                pad("2180Mi", 10),
                pad("67%", 9),
            ],
            [
                pad("node-b", 3),
                pad("250m", 9),
                pad("12%", 9),
                pad("1893Mi", 10),
                pad("11%", 9),
            ],
            [
                pad("node-c", 3),
                pad("<unknown>", 4),
                pad("<unknown>", 3),
                pad("<unknown>", 7),
                pad("<unknown>", 3),
            ],
        ]
        .map(|cells| cells.concat() + "\n")
        .concat();
        let table = top_node(&items, &nodes, node_options("1.34.5"));
        let text = table.as_ref().map(|t| t.text.as_str());
        assert_eq!(text, Ok(expected.as_str()));
        for line in expected.lines() {
            assert!(
                line.ends_with("   "),
                "every line ends in padding: {line:?}"
            );
        }
    }

    #[test]
    fn top_node_headers_by_version_and_flags() {
        let nodes = [node("n", ("1", "1Gi"), ("2", "2Gi"), Some(1 << 30))];
        let items = [NodeMetrics {
            name: "n".to_string(),
            usage: Usage {
                cpu: Some(q("500m")),
                memory: Some(q("512Mi")),
                swap: Some(q("256Mi")),
            },
        }];
        let rows: &[(&str, bool, bool, &[&str], &[&str])] = &[
            (
                "1.31.2",
                false,
                false,
                &["NAME", "CPU(cores)", "CPU%", "MEMORY(bytes)", "MEMORY%"],
                &["n", "500m", "50%", "512Mi", "50%"],
            ),
            (
                "1.32.0",
                false,
                false,
                &["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"],
                &["n", "500m", "50%", "512Mi", "50%"],
            ),
            (
                "1.34.0",
                true,
                false,
                &["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"],
                &["n", "500m", "25%", "512Mi", "25%"],
            ),
            (
                "1.34.0",
                false,
                true,
                &[
                    "NAME",
                    "CPU(cores)",
                    "CPU(%)",
                    "MEMORY(bytes)",
                    "MEMORY(%)",
                    "SWAP(bytes)",
                    "SWAP(%)",
                ],
                &["n", "500m", "50%", "512Mi", "50%", "256Mi", "25%"],
            ),
        ];
        for &(version, show_capacity, show_swap, header, cells) in rows {
            let options = NodeOptions {
                show_capacity,
                show_swap,
                ..node_options(version)
            };
            let table = top_node(&items, &nodes, options);
            let row = table.as_ref().ok().and_then(|t| t.rows.first());
            assert_eq!(node_header(v(version), show_swap), header, "{version}");
            assert_eq!(
                row.map(|r| r.cells.clone()),
                Some(cells.iter().map(|c| c.to_string()).collect()),
                "{version}"
            );
        }
    }

    #[test]
    fn top_node_swap_and_unlisted_nodes() {
        // A listed node without swap capacity prints <unknown> swap cells; a node missing from
        // the node list gets no percent cells; a listed node without metrics is all <unknown>.
        let nodes = [
            node("listed", ("1", "1Gi"), ("1", "1Gi"), None),
            node("silent", ("1", "1Gi"), ("1", "1Gi"), None),
        ];
        let items = [
            metrics("listed", "1", "1Gi"),
            metrics("unlisted", "2", "2Gi"),
        ];
        let options = NodeOptions {
            show_swap: true,
            ..node_options("1.34")
        };
        let table = top_node(&items, &nodes, options);
        let cells: Option<Vec<Vec<String>>> = table
            .ok()
            .map(|t| t.rows.into_iter().map(|r| r.cells).collect());
        let expected: Vec<Vec<&str>> = vec![
            vec![
                "listed",
                "1000m",
                "100%",
                "1024Mi",
                "100%",
                "<unknown>",
                "<unknown>",
            ],
            vec!["unlisted", "2000m", "2048Mi", "0Mi"],
            vec![
                "silent",
                "<unknown>",
                "<unknown>",
                "<unknown>",
                "<unknown>",
                "<unknown>",
                "<unknown>",
            ],
        ];
        let expected: Vec<Vec<String>> = expected
            .into_iter()
            .map(|r| r.into_iter().map(String::from).collect())
            .collect();
        assert_eq!(cells, Some(expected));
    }

    #[test]
    fn top_node_short_rows_split_column_blocks() {
        // The unlisted node's row has three cells (its memory lands under CPU(%)), so the last
        // two columns form two blocks each; RememberWidths keeps the first block's widths for
        // the second (plain text/tabwriter would pad node c's cells to 9 and 7).
        let nodes = [
            node("a", ("1", "1Gi"), ("1", "1Gi"), None),
            node("c", ("1", "1Gi"), ("1", "1Gi"), None),
        ];
        let items = [
            metrics("a", "1", "1Gi"),
            metrics("b", "1", "1Gi"),
            metrics("c", "1", "1Gi"),
        ];
        let expected = [
            [
                pad("NAME", 3),
                pad("CPU(cores)", 3),
                pad("CPU(%)", 3),
                pad("MEMORY(bytes)", 3),
                pad("MEMORY(%)", 3),
            ]
            .concat(),
            [
                pad("a", 6),
                pad("1000m", 8),
                pad("100%", 5),
                pad("1024Mi", 10),
                pad("100%", 8),
            ]
            .concat(),
            [pad("b", 6), pad("1000m", 8), pad("1024Mi", 3)].concat(),
            [
                pad("c", 6),
                pad("1000m", 8),
                pad("100%", 5),
                pad("1024Mi", 10),
                pad("100%", 8),
            ]
            .concat(),
        ]
        .map(|line| line + "\n")
        .concat();
        let table = top_node(&items, &nodes, node_options("1.34"));
        assert_eq!(table.map(|t| t.text), Ok(expected));
    }

    #[test]
    fn top_node_sorting_and_errors() {
        let items = [
            metrics("a", "100m", "3Gi"),
            metrics("b", "300m", "1Gi"),
            metrics("c", "200m", "2Gi"),
        ];
        let rows: &[(SortBy, &[&str])] = &[
            (SortBy::Name, &["a", "b", "c"]),
            (SortBy::Cpu, &["b", "c", "a"]),
            (SortBy::Memory, &["a", "c", "b"]),
        ];
        for &(sort_by, order) in rows {
            let options = NodeOptions {
                sort_by,
                ..node_options("1.34")
            };
            let table = top_node(&items, &[], options);
            let names: Option<Vec<String>> = table
                .ok()
                .map(|t| t.rows.into_iter().map(|r| r.name).collect());
            assert_eq!(
                names,
                Some(order.iter().map(|s| s.to_string()).collect()),
                "{sort_by:?}"
            );
        }
        assert_eq!(
            top_node(&[], &[], node_options("1.34")).map(|t| t.text),
            Err(TopError::NoMetrics)
        );
    }

    fn pod(namespace: &str, name: &str, containers: &[(&str, &str, &str)]) -> PodMetrics {
        PodMetrics {
            namespace: namespace.to_string(),
            name: name.to_string(),
            containers: containers
                .iter()
                .map(|&(c, cpu, memory)| ContainerMetrics {
                    name: c.to_string(),
                    usage: Usage {
                        cpu: Some(q(cpu)),
                        memory: Some(q(memory)),
                        swap: None,
                    },
                })
                .collect(),
        }
    }

    fn pod_options() -> PodOptions {
        PodOptions {
            version: v("1.34"),
            all_namespaces: false,
            containers: false,
            sum: false,
            show_swap: false,
            no_headers: false,
            sort_by: SortBy::Name,
        }
    }

    #[test]
    fn top_pod_rows_sum_containers_exactly() {
        let pods = [
            // C27
            pod(
                "kube-system",
                "etcd-minikube",
                &[("etcd", "58846045n", "53836Ki")],
            ),
            pod(
                "kube-system",
                "coredns-xxxxxxxxxx-xxxxx",
                &[("coredns", "7338891n", "14520Ki")],
            ),
            // two containers: 700Ki + 700Ki = 1400Ki prints 1Mi (each alone 0Mi); 1n + 1n is
            // one millicore rounded up, not two. The total, 69756Ki, is 68Mi though the rows
            // add up to 67Mi.
            pod(
                "default",
                "two",
                &[("b", "1n", "700Ki"), ("a", "1n", "700Ki")],
            ),
        ];
        let rows: &[(PodOptions, &[&[&str]])] = &[
            (
                pod_options(),
                &[
                    &["NAME", "CPU(cores)", "MEMORY(bytes)"],
                    &["coredns-xxxxxxxxxx-xxxxx", "8m", "14Mi"],
                    &["etcd-minikube", "59m", "52Mi"],
                    &["two", "1m", "1Mi"],
                ],
            ),
            (
                PodOptions {
                    all_namespaces: true,
                    containers: true,
                    ..pod_options()
                },
                &[
                    &["NAMESPACE", "POD", "NAME", "CPU(cores)", "MEMORY(bytes)"],
                    &["default", "two", "a", "1m", "0Mi"],
                    &["default", "two", "b", "1m", "0Mi"],
                    &[
                        "kube-system",
                        "coredns-xxxxxxxxxx-xxxxx",
                        "coredns",
                        "8m",
                        "14Mi",
                    ],
                    &["kube-system", "etcd-minikube", "etcd", "59m", "52Mi"],
                ],
            ),
            (
                PodOptions {
                    all_namespaces: true,
                    sum: true,
                    ..pod_options()
                },
                &[
                    &["NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)"],
                    &["default", "two", "1m", "1Mi"],
                    &["kube-system", "coredns-xxxxxxxxxx-xxxxx", "8m", "14Mi"],
                    &["kube-system", "etcd-minikube", "59m", "52Mi"],
                    &["", "", "________", "________"],
                    &["", "", "67m", "68Mi"],
                ],
            ),
            (
                // without headers the total row is laid out for three columns (kubectl quirk)
                PodOptions {
                    all_namespaces: true,
                    sum: true,
                    no_headers: true,
                    sort_by: SortBy::Memory,
                    ..pod_options()
                },
                &[
                    &["kube-system", "etcd-minikube", "59m", "52Mi"],
                    &["kube-system", "coredns-xxxxxxxxxx-xxxxx", "8m", "14Mi"],
                    &["default", "two", "1m", "1Mi"],
                    &["", "________", "________"],
                    &["", "67m", "68Mi"],
                ],
            ),
        ];
        for (options, expected) in rows {
            let table = top_pod(&pods, *options);
            let mut actual: Vec<Vec<String>> = Vec::new();
            if !options.no_headers {
                actual.push(pod_header(options).into_iter().map(String::from).collect());
            }
            if let Ok(t) = &table {
                actual.extend(t.rows.iter().map(|r| r.cells.clone()));
            }
            let expected: Vec<Vec<String>> = expected
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            assert_eq!(actual, expected, "{options:?}");
        }
    }

    #[test]
    fn top_pod_sum_table_text() {
        let pods = [pod("ns", "p", &[("c", "5m", "10Mi")])];
        let options = PodOptions {
            sum: true,
            ..pod_options()
        };
        let expected = [
            [
                pad("NAME", 3),
                pad("CPU(cores)", 3),
                pad("MEMORY(bytes)", 3),
            ]
            .concat(),
            [pad("p", 6), pad("5m", 11), pad("10Mi", 12)].concat(),
            [pad("", 7), pad("________", 5), pad("________", 8)].concat(),
            [pad("", 7), pad("5m", 11), pad("10Mi", 12)].concat(),
        ]
        .map(|line| line + "\n")
        .concat();
        assert_eq!(top_pod(&pods, options).map(|t| t.text), Ok(expected));
    }

    #[test]
    fn allocatable_ranges_from_printed_percents() {
        const MI: u64 = 1 << 20;
        let printed =
            |mib: u64, p: i64| PercentRow::printed(mib, p).unwrap_or_else(|| panic!("{mib}"));
        // Expected bounds are the exact rational ones, ⌊100·min/(p+1)⌋ + 1 and ⌊100·max/p⌋;
        // in MiB they match the fixtures' (WS/((p+1)/100), WS/(p/100)] except that the upper
        // bound also allows the sub-MiB part of the printed usage.
        let rows: &[(&str, Vec<PercentRow>, Option<(u64, u64)>)] = &[
            // C13: 6783Mi at 88% → (7621.3, 7709.1] MiB
            (
                "C13",
                vec![printed(6783, 88)],
                Some((7991562931, 8083567707)),
            ),
            // C48: three identical nodes → 5836.96 … 5907.9 MiB
            (
                "C48",
                vec![printed(2685, 45), printed(2244, 38), printed(2138, 36)],
                Some((6120492522, 6194876628)),
            ),
            // C12 node-b and node-a (same VM size)
            (
                "C12",
                vec![printed(28048, 101), printed(15080, 54)],
                Some((28833783969, 29120305171)),
            ),
            (
                "C12 node-g",
                vec![printed(2357, 109)],
                Some((2246812393, 2268387345)),
            ),
            // C06 node-a: allocatable 3292712Ki lies inside
            (
                "C06",
                vec![printed(2180, 67)],
                Some((3361611295, 3413349634)),
            ),
            // an exact working set
            (
                "9.1",
                vec![PercentRow::exact(1985744896, 11)],
                Some((16547874134, 18052226327)),
            ),
            // 0% bounds nothing from above
            (
                "zero",
                vec![printed(5, 0)],
                Some((5 * 100 * MI + 1, MAX_AVAILABLE)),
            ),
            // contradicting rows
            ("none", vec![printed(1000, 50), printed(1000, 10)], None),
        ];
        for (name, percent_rows, expected) in rows {
            assert_eq!(allocatable_range(percent_rows), *expected, "{name}");
        }
        let c06 = allocatable_range(&[printed(2180, 67)]);
        assert!(c06.is_some_and(|(lo, hi)| lo <= 3292712 * 1024 && 3292712 * 1024 <= hi));
    }
}

//! `free`, `top`, htop and node_exporter: their numbers from `/proc/meminfo`, per procps
//! generation, and which generation printed a pasted table.

use super::assume::Assumptions;
use super::evidence::Evidence;
use super::{Out, TermOrigin, computed, missing, observe};
use crate::account::htop::{self, HtopVersion};
use crate::account::procps::{
    self, FreeColumn, FreeFlags, ProcpsGeneration, ProcpsVersion, column_rule, free_columns,
};
use crate::account::{MemInfoKib, busybox, node_exporter};
use crate::input::At;
use crate::parse::free::{Column, Layout, RowKind, Table};
use crate::parse::top::{Field, LineKind, Style, Summary};
use crate::report::{AssumptionKey, Derivation, Term};

/// An inclusive KiB range a printed value stands for.
pub(crate) type Range = (u64, u64);

/// The memory row of a pasted `free` table or `top` summary, as KiB ranges.
#[derive(Clone, Debug, Default)]
pub(crate) struct PastedMem {
    pub what: &'static str,
    pub host: Option<String>,
    pub total: Option<(Range, At, String)>,
    pub used: Option<(Range, At, String)>,
    pub free: Option<(Range, At, String)>,
    pub shared: Option<(Range, At, String)>,
    pub buffers: Option<(Range, At, String)>,
    pub cache: Option<(Range, At, String)>,
    pub buff_cache: Option<(Range, At, String)>,
    pub available: Option<(Range, At, String)>,
    /// The layout says ≤ 3.3.9 or BusyBox (`buffers cached` columns, a `-/+` row).
    pub old_layout: bool,
    /// Only BusyBox prints both `available` and a `-/+ buffers/cache` row.
    pub busybox_hybrid: bool,
    pub busybox_top: bool,
    /// A value the tool cannot have meant (more than the total).
    pub impossible: Vec<(At, String)>,
    pub version_line: Option<ProcpsVersion>,
}

impl PastedMem {
    /// `buff/cache`, or `buffers + cache` for the old layout.
    fn buff_cache_range(&self) -> Option<Range> {
        if let Some(bc) = &self.buff_cache {
            return Some(bc.0);
        }
        let (b, c) = (self.buffers.as_ref()?.0, self.cache.as_ref()?.0);
        Some((b.0 + c.0, b.1 + c.1))
    }
}

fn sub(a: Range, b: Range) -> (i128, i128) {
    (
        i128::from(a.0) - i128::from(b.1),
        i128::from(a.1) - i128::from(b.0),
    )
}

fn overlaps(x: Range, y: (i128, i128)) -> bool {
    i128::from(x.0) <= y.1 && y.0 <= i128::from(x.1)
}

/// Which `used` rule a pasted row satisfies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UsedRule {
    /// `used = total − available` (procps-ng ≥ 4.0.1).
    Available,
    /// `used = total − free − buff/cache` (procps 3.3.10 – 4.0.0, BusyBox new layout).
    FreeAndCache,
    /// `used = total − free` (procps ≤ 3.3.9, old BusyBox).
    Free,
}

/// The rules a pasted row's numbers satisfy, within the rounding of how they were printed.
pub(crate) fn used_rules(p: &PastedMem) -> Vec<UsedRule> {
    let mut rules = Vec::new();
    let (Some(total), Some(used)) = (&p.total, &p.used) else {
        return rules;
    };
    if let Some(avail) = &p.available
        && avail.0.1 > 0
        && overlaps(used.0, sub(total.0, avail.0))
    {
        rules.push(UsedRule::Available);
    }
    if let (Some(free), Some(bc)) = (&p.free, p.buff_cache_range()) {
        let tf = sub(total.0, free.0);
        let rest = (tf.0 - i128::from(bc.1), tf.1 - i128::from(bc.0));
        if overlaps(used.0, rest) {
            rules.push(UsedRule::FreeAndCache);
        }
    }
    if let Some(free) = &p.free
        && overlaps(used.0, sub(total.0, free.0))
    {
        rules.push(UsedRule::Free);
    }
    rules
}

/// Every pasted `free` table and `top` summary.
pub(crate) fn pasted(ev: &Evidence<'_>) -> Vec<PastedMem> {
    let mut out = Vec::new();
    let version = version_line(ev).map(|(v, _)| v);
    for (doc, free) in &ev.free {
        for table in &free.tables {
            let mut p = from_table(table);
            p.host = doc.host.clone();
            p.version_line = version;
            out.push(p);
        }
    }
    for (doc, top) in &ev.top {
        if let Some(summary) = top.summaries.first() {
            let mut p = from_top(summary);
            p.host = doc.host.clone();
            out.push(p);
        }
    }
    out
}

fn from_table(table: &Table) -> PastedMem {
    let cell = |column| {
        let c = table.cell(RowKind::Mem, column)?;
        let range = table.value_kib(RowKind::Mem, column)?;
        Some((range, c.at, c.text.clone()))
    };
    let has_minus_plus = table.rows.iter().any(|r| r.kind == RowKind::BuffersCache);
    PastedMem {
        what: "free",
        total: cell(Column::Total),
        used: cell(Column::Used),
        free: cell(Column::Free),
        shared: cell(Column::Shared),
        buffers: cell(Column::Buffers),
        cache: cell(Column::Cache),
        buff_cache: cell(Column::BuffCache),
        available: cell(Column::Available),
        old_layout: table.layout == Layout::Old || has_minus_plus,
        busybox_hybrid: table.layout == Layout::BusyBoxHybrid,
        ..Default::default()
    }
}

fn from_top(summary: &Summary) -> PastedMem {
    let item = |line, field| {
        let i = summary.item(line, field)?;
        let (lo, hi) = summary.value_kib(line, field)?;
        Some(((lo, hi.unwrap_or(u64::MAX)), i.at, i.text.clone()))
    };
    let mut p = PastedMem {
        what: "top",
        total: item(LineKind::Mem, Field::Total),
        used: item(LineKind::Mem, Field::Used),
        free: item(LineKind::Mem, Field::Free),
        buffers: item(LineKind::Mem, Field::Buffers),
        buff_cache: item(LineKind::Mem, Field::BuffCache),
        available: item(LineKind::Swap, Field::AvailMem),
        old_layout: matches!(summary.style, Style::Procps32 | Style::Procps33),
        busybox_top: summary.style == Style::BusyBox,
        ..Default::default()
    };
    if summary.style == Style::BusyBox {
        p.cache = item(LineKind::Mem, Field::Cached);
        // BusyBox prints no total: it is used + free.
        if let (Some(u), Some(f)) = (&p.used, &p.free) {
            p.total = Some((
                (u.0.0 + f.0.0, u.0.1.saturating_add(f.0.1)),
                u.1,
                String::new(),
            ));
        }
    } else if p.old_layout {
        p.cache = item(LineKind::Swap, Field::Cached);
    }
    for line in &summary.lines {
        for i in &line.items {
            if i.exceeds_total {
                p.impossible.push((i.at, format!("{} {}", i.text, i.name)));
            }
        }
    }
    p
}

/// What printed a pasted `free` table or `top` summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Printer {
    Procps(ProcpsGeneration),
    BusyBox,
}

/// The printers whose numbers fit a pasted row. With `/proc/meminfo`, each candidate's columns
/// are computed and every pasted cell must print as that value; without it, the row's own
/// identities decide (`used = total − available`, `used = total − free − buff/cache`, …).
pub(crate) fn classify(p: &PastedMem, mem: Option<&MemInfoKib>) -> (Vec<Printer>, &'static str) {
    if let Some(v) = p.version_line {
        return (vec![Printer::Procps(v.generation())], "a `free -V` line");
    }
    if p.busybox_top || p.busybox_hybrid {
        return (vec![Printer::BusyBox], "a layout only BusyBox prints");
    }
    if let Some(m) = mem {
        // A pasted meminfo may be an excerpt (`grep Mem /proc/meminfo`): a column whose
        // lines are absent cannot be checked, so it does not count against a candidate.
        let has = |keys: &[crate::account::MeminfoKey]| keys.iter().all(|k| m.get(*k).is_some());
        let available_known = has(&[crate::account::MeminfoKey::MemAvailable]);
        let fits = |cell: &Option<(Range, At, String)>, kib: Option<u64>| match (cell, kib) {
            (Some(((lo, hi), _, _)), Some(k)) => (*lo..=*hi).contains(&k),
            _ => true,
        };
        let mut printers = Vec::new();
        for g in ProcpsGeneration::ALL {
            let v = g.representative();
            if !has(column_rule(FreeColumn::Used, v).1)
                || !has(column_rule(FreeColumn::BuffCache, v).1)
            {
                continue;
            }
            let c = free_columns(m, v);
            let old = g == ProcpsGeneration::V3_9;
            let ok = fits(&p.total, Some(c.total))
                && fits(&p.used, Some(c.used))
                && fits(&p.free, Some(c.free))
                && fits(&p.buff_cache, Some(c.buff_cache))
                && fits(&p.available, c.available.filter(|_| available_known))
                && fits(&p.buffers, Some(c.buffers))
                && fits(&p.cache, Some(c.cache))
                && old == p.old_layout;
            if ok {
                printers.push(Printer::Procps(g));
            }
        }
        for layout in [
            busybox::BusyboxFree::Old,
            busybox::BusyboxFree::V1_30,
            busybox::BusyboxFree::V1_35,
        ] {
            use crate::account::MeminfoKey::{Buffers, Cached, MemFree, MemTotal};
            if !has(&[MemTotal, MemFree, Buffers, Cached]) {
                continue;
            }
            // BusyBox's columns are bytes (KiB × 1024, as it computes them).
            let c = busybox::busybox_columns(m, layout);
            let kib = |bytes: u64| Some(bytes / 1024);
            let ok = fits(&p.total, kib(c.total))
                && fits(&p.used, kib(c.used))
                && fits(&p.free, kib(c.free))
                && fits(&p.buff_cache, kib(c.buff_cache))
                && fits(&p.available, kib(c.available).filter(|_| available_known));
            if ok && !printers.contains(&Printer::BusyBox) {
                printers.push(Printer::BusyBox);
            }
        }
        if !printers.is_empty() {
            return (
                printers,
                "its numbers recomputed from the pasted /proc/meminfo",
            );
        }
    }
    let rules = used_rules(p);
    let unique = |r: UsedRule| rules.len() == 1 && rules[0] == r;
    if unique(UsedRule::Available) {
        return (
            vec![Printer::Procps(ProcpsGeneration::V4)],
            "used = total − available",
        );
    }
    if p.old_layout && rules.contains(&UsedRule::Free) {
        return (
            vec![Printer::Procps(ProcpsGeneration::V3_9), Printer::BusyBox],
            "the old layout with used = total − free",
        );
    }
    if rules.contains(&UsedRule::FreeAndCache) && !rules.contains(&UsedRule::Available) {
        let available_zero = p.available.as_ref().is_some_and(|a| a.0.1 == 0);
        let mut printers = vec![
            Printer::Procps(ProcpsGeneration::V3_12),
            Printer::Procps(ProcpsGeneration::V3_10),
        ];
        if available_zero {
            printers = vec![Printer::BusyBox];
        }
        return (printers, "used = total − free − buff/cache");
    }
    (Vec::new(), "")
}

/// The procps generation the pasted tables point to, and why.
pub(crate) fn detect(ev: &Evidence<'_>) -> Option<(ProcpsGeneration, String, Vec<At>)> {
    let mem = meminfo_kib(ev);
    for p in pasted(ev) {
        let (printers, why) = classify(&p, mem.as_ref());
        let procps: Vec<ProcpsGeneration> = printers
            .iter()
            .filter_map(|x| match x {
                Printer::Procps(g) => Some(*g),
                Printer::BusyBox => None,
            })
            .collect();
        // 3.3.10 and 3.3.12+ differ only in what cache counts; the later is far more common.
        let g = match procps.as_slice() {
            [g] => *g,
            [ProcpsGeneration::V3_12, ProcpsGeneration::V3_10] => ProcpsGeneration::V3_12,
            _ => continue,
        };
        // BusyBox 1.35+ computes like procps 3.3.12+; procps is the likelier printer.
        let also = if printers.contains(&Printer::BusyBox) {
            ", or BusyBox 1.35+"
        } else {
            ""
        };
        return Some((
            g,
            format!("the pasted {} fits {}{also} ({why})", p.what, g.label()),
            p.used.iter().map(|u| u.1).collect(),
        ));
    }
    // No table, but a version line (`free -V`, as `memlens collect` prints it).
    version_line(ev).map(|(v, at)| {
        let g = v.generation();
        (
            g,
            format!(
                "a version line says procps {}.{}.{} ({})",
                v.major,
                v.minor,
                v.patch,
                g.label()
            ),
            vec![at],
        )
    })
}

/// A pasted `free -V` / `top -V` version and its line.
fn version_line(ev: &Evidence<'_>) -> Option<(ProcpsVersion, At)> {
    use crate::parse::version::Software;
    ev.versions.iter().find_map(|v| {
        v.lines.iter().find_map(|l| {
            let procps = matches!(
                l.software,
                Software::Free | Software::Top | Software::Procps
            );
            let version = ProcpsVersion::new(
                u16::try_from(l.version.major).ok()?,
                u16::try_from(l.version.minor).ok()?,
                u16::try_from(l.version.patch.unwrap_or(0)).ok()?,
            );
            procps.then_some((version, l.at))
        })
    })
}

/// The meminfo record the procps accounting reads.
pub(crate) fn meminfo_kib(ev: &Evidence<'_>) -> Option<MemInfoKib> {
    let m = ev.meminfo()?;
    Some(MemInfoKib::from_pairs(
        m.entries.iter().map(|e| (e.key.as_str(), e.value)),
    ))
}

/// The lines htop's memory meter is made of.
const HTOP_KEYS: [&str; 6] = [
    "MemTotal",
    "MemFree",
    "Buffers",
    "Cached",
    "SReclaimable",
    "Shmem",
];

/// The flag sets whose text is reproduced for every generation (`-h --si` because 3.3.x prints
/// it wrong, see accounting.md §6.2).
const FLAG_SETS: [&[&str]; 7] = [
    &[],
    &["-m"],
    &["-g"],
    &["-h"],
    &["-h", "--si"],
    &["-w"],
    &["-t"],
];

pub(super) fn compute(ev: &Evidence<'_>, a: &Assumptions, out: &mut Out) {
    let mem = meminfo_kib(ev);
    let generation = a.procps.value;
    let pasted = pasted(ev);
    let origin = |key: &str| -> TermOrigin {
        let at = ev.meminfo().and_then(|m| m.get(key)).map(|e| e.at);
        TermOrigin::line("KiB", at)
    };
    let ask_meminfo = || vec![super::node::ASK_MEMINFO.to_string()];

    // Columns of the generation in force (the newest when every generation is reported).
    let shown = generation.unwrap_or(ProcpsGeneration::V4);
    let version = shown.representative();
    let columns = mem.as_ref().map(|m| free_columns(m, version));
    let table = [
        ("procps.total_bytes", "free total", FreeColumn::Total),
        ("procps.free_bytes", "free free", FreeColumn::Free),
        ("procps.shared_bytes", "free shared", FreeColumn::Shared),
        ("procps.buffers_bytes", "free buffers", FreeColumn::Buffers),
        ("procps.cache_bytes", "free cache", FreeColumn::Cache),
        (
            "procps.buff_cache_bytes",
            "free buff/cache",
            FreeColumn::BuffCache,
        ),
        (
            "procps.available_bytes",
            "free available",
            FreeColumn::Available,
        ),
    ];
    let first = pasted
        .iter()
        .find(|p| {
            let (printers, _) = classify(p, mem.as_ref());
            generation.is_some_and(|g| printers.contains(&Printer::Procps(g)))
        })
        .or(pasted.iter().find(|p| p.what == "free"))
        .or(pasted.first());
    for (id, label, column) in table {
        let (formula_keys_present, value) = match (&mem, &columns) {
            (Some(m), Some(c)) => {
                let keys = column_rule(column, version).1;
                let present = keys.iter().all(|k| m.get(*k).is_some())
                    || (column == FreeColumn::Available
                        && m.get(crate::account::MeminfoKey::MemFree).is_some());
                (present, column_kib(c, column))
            }
            _ => (false, None),
        };
        let value = value.filter(|_| formula_keys_present);
        let mut q = match value {
            Some(kib) => {
                let (formula, keys) = column_rule(column, version);
                computed(
                    id,
                    label,
                    kib.checked_mul(1024),
                    None,
                    meminfo_derivation(formula, keys_terms(ev, keys), shown),
                )
            }
            None => missing(id, label, ask_meminfo()),
        };
        if let Some(p) = first {
            let cell = match column {
                FreeColumn::Total => &p.total,
                FreeColumn::Free => &p.free,
                FreeColumn::Shared => &p.shared,
                FreeColumn::Buffers => &p.buffers,
                FreeColumn::Cache => &p.cache,
                FreeColumn::BuffCache => &p.buff_cache,
                _ => &p.available,
            };
            if let Some(c) = cell {
                q.observed = Some(observe_range(q.value, c));
            }
        }
        out.push(q);
    }

    // procps 4 falls back to MemFree only on kernels without MemAvailable (before 3.14); a
    // pasted table with an available column shows that this one has it, so an excerpt without
    // the line cannot give procps 4's used.
    let available_shown = pasted
        .iter()
        .any(|p| p.available.as_ref().is_some_and(|a| a.0.1 > 0));
    for g in ProcpsGeneration::ALL {
        let id = format!("procps.used_bytes.{}", g.id());
        let label = format!("free used ({})", g.label());
        let v = g.representative();
        let mut q = match &mem {
            Some(m)
                if g == ProcpsGeneration::V4
                    && available_shown
                    && m.get(crate::account::MeminfoKey::MemAvailable).is_none() =>
            {
                missing(
                    &id,
                    &label,
                    vec![
                        "the `MemAvailable:` line of /proc/meminfo (`cat /proc/meminfo`): the \
                         pasted free shows the kernel has it"
                            .to_string(),
                    ],
                )
            }
            Some(m) => {
                let c = free_columns(m, v);
                let (formula, keys) = column_rule(FreeColumn::Used, v);
                let present = keys.iter().all(|k| m.get(*k).is_some())
                    || g == ProcpsGeneration::V4
                        && m.get(crate::account::MeminfoKey::MemTotal).is_some()
                        && m.get(crate::account::MeminfoKey::MemFree).is_some();
                if present {
                    computed(
                        &id,
                        &label,
                        c.used.checked_mul(1024),
                        None,
                        meminfo_derivation(formula, keys_terms(ev, keys), g),
                    )
                } else {
                    missing(
                        &id,
                        &label,
                        c.missing.iter().map(|i| ask_input(*i)).collect(),
                    )
                }
            }
            None => missing(&id, &label, ask_meminfo()),
        };
        let printed_by_g = pasted.iter().find(|p| {
            let (printers, _) = classify(p, mem.as_ref());
            printers.contains(&Printer::Procps(g))
        });
        if (generation == Some(g) || generation.is_none())
            && let Some(p) = printed_by_g
            && let Some(u) = &p.used
        {
            q.observed = Some(observe_range(q.value, u));
        }
        out.push(q);
    }

    // The exact text of free for a few flag sets, and for the pasted command's flags.
    let mut flag_sets: Vec<Vec<String>> = FLAG_SETS
        .iter()
        .map(|f| f.iter().map(|s| s.to_string()).collect())
        .collect();
    for (doc, _) in &ev.free {
        if let Some(command) = &doc.command {
            let args: Vec<String> = command
                .split_whitespace()
                .skip_while(|w| *w != "free")
                .skip(1)
                .map(str::to_string)
                .collect();
            if !flag_sets.contains(&args) {
                flag_sets.push(args);
            }
        }
    }
    let generations: Vec<ProcpsGeneration> = match generation {
        Some(g) => vec![g],
        None => ProcpsGeneration::ALL.to_vec(),
    };
    for args in &flag_sets {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let Ok(flags) = FreeFlags::parse(&refs) else {
            continue;
        };
        for g in &generations {
            let id = format!("procps.free_text.{}.{}", flags.id(), g.id());
            let label = format!("free {} ({})", args.join(" "), g.label());
            let q = match &mem {
                Some(m) => match procps::free_text(m, &flags, g.representative()) {
                    Ok(text) => computed(
                        &id,
                        &label,
                        None,
                        Some(text),
                        meminfo_derivation(
                            "procps free's table for these flags",
                            keys_terms(ev, &procps::keys_read(g.representative())),
                            *g,
                        ),
                    ),
                    Err(procps::FreeTextError::Unsupported { .. }) => continue,
                    Err(procps::FreeTextError::Missing(input)) => {
                        missing(&id, &label, vec![ask_input(input)])
                    }
                },
                None => missing(&id, &label, ask_meminfo()),
            };
            out.push(q);
        }
    }
    for g in &generations {
        let id = format!("procps.top_text.{}", g.id());
        let label = format!("top memory lines ({})", g.label());
        let q = match &mem {
            Some(m) => match procps::top_lines(m, g.representative(), None) {
                Ok(lines) => computed(
                    &id,
                    &label,
                    None,
                    Some(lines.text()),
                    meminfo_derivation(
                        "procps top's two memory lines",
                        keys_terms(ev, &procps::keys_read(g.representative())),
                        *g,
                    ),
                ),
                Err(procps::FreeTextError::Unsupported { .. }) => continue,
                Err(procps::FreeTextError::Missing(input)) => {
                    missing(&id, &label, vec![ask_input(input)])
                }
            },
            None => missing(&id, &label, ask_meminfo()),
        };
        out.push(q);
    }

    // htop 3.3+ and the node_exporter panel. htop reads an absent line as 0, but a pasted
    // excerpt that leaves a line out says nothing about it.
    let htop_version = a.htop.value;
    let htop_absent: Vec<&str> = HTOP_KEYS
        .iter()
        .copied()
        .filter(|k| ev.meminfo().is_none_or(|m| m.get(k).is_none()))
        .collect();
    let htop_mem = mem.as_ref().filter(|_| htop_absent.is_empty());
    let ask_htop = || {
        if ev.meminfo().is_none() {
            return ask_meminfo();
        }
        htop_absent
            .iter()
            .map(|k| format!("the `{k}:` line of /proc/meminfo (`cat /proc/meminfo`)"))
            .collect::<Vec<_>>()
    };
    let q = match htop_mem {
        Some(m) => {
            let h = htop::htop_memory(m, htop_version);
            computed(
                "htop.used_bytes",
                "htop used",
                h.used.checked_mul(1024),
                None,
                meminfo_derivation_htop(ev, htop_version),
            )
        }
        None => missing("htop.used_bytes", "htop used", ask_htop()),
    };
    out.push(q);
    let q = match htop_mem {
        Some(m) => {
            let text = htop::meter_text(m, htop_version);
            let mut q = computed(
                "htop.meter_text",
                "htop Mem meter",
                None,
                Some(text),
                meminfo_derivation_htop(ev, htop_version),
            );
            if let Some(d) = q.derivation.as_mut() {
                d.formula = format!("{} / total, htop's human units", d.formula);
            }
            q
        }
        None => missing("htop.meter_text", "htop Mem meter", ask_htop()),
    };
    out.push(q);
    let q = match mem
        .as_ref()
        .and_then(node_exporter::memory_used_percent_text)
    {
        Some(text) => {
            let value = text.split('.').next().and_then(|w| w.parse::<u64>().ok());
            computed(
                "node_exporter.memory_used_percent",
                "node_exporter used % panel",
                value,
                Some(text),
                Derivation {
                    formula: "100 × (1 − node_memory_MemAvailable_bytes / \
                              node_memory_MemTotal_bytes), one decimal"
                        .to_string(),
                    terms: vec![term_kib(ev, "MemAvailable"), term_kib(ev, "MemTotal")],
                    source: "the usual Grafana node_exporter dashboard panel".to_string(),
                    assumptions: vec![AssumptionKey::NodeExporter],
                },
            )
        }
        None => missing(
            "node_exporter.memory_used_percent",
            "node_exporter used % panel",
            ask_meminfo(),
        ),
    };
    out.push(q);
    let _ = origin;
}

/// What to paste for an input a procps formula needs.
fn ask_input(input: crate::account::Input) -> String {
    match input {
        crate::account::Input::Meminfo(key) => {
            format!(
                "the `{}:` line of /proc/meminfo (`cat /proc/meminfo`)",
                key.as_str()
            )
        }
        crate::account::Input::MinFreeKbytes => {
            "/proc/sys/vm/min_free_kbytes, which procps 3.3.10–3.3.17 read when the kernel has \
             no MemAvailable (`cat /proc/sys/vm/min_free_kbytes`)"
                .to_string()
        }
    }
}

fn column_kib(c: &procps::FreeColumns, column: FreeColumn) -> Option<u64> {
    Some(match column {
        FreeColumn::Total => c.total,
        FreeColumn::Used => c.used,
        FreeColumn::Free => c.free,
        FreeColumn::Shared => c.shared,
        FreeColumn::Buffers => c.buffers,
        FreeColumn::Cache => c.cache,
        FreeColumn::BuffCache => c.buff_cache,
        FreeColumn::Available => c.available?,
        _ => return None,
    })
}

fn observe_range(
    computed_bytes: Option<u64>,
    cell: &(Range, At, String),
) -> crate::report::Observed {
    let ((lo, hi), at, text) = cell;
    let exact = (lo == hi).then(|| lo.saturating_mul(1024));
    let mut o = observe(computed_bytes, None, exact, text, *at);
    if lo != hi {
        // A printed value rounded to its unit: agreement means the computed value prints the
        // same, i.e. falls in the range.
        if let Some(c) = computed_bytes {
            let kib = c / 1024;
            o.agrees = if (*lo..=*hi).contains(&kib) {
                crate::report::Agreement::Agrees
            } else {
                crate::report::Agreement::Differs
            };
        }
        o.note = Some(format!("printed rounded: {lo}–{hi} KiB"));
    }
    o
}

fn term_kib(ev: &Evidence<'_>, key: &str) -> Term {
    let entry = ev.meminfo().and_then(|m| m.get(key));
    Term {
        name: key.to_string(),
        value: entry.map(|e| e.value),
        text: None,
        unit: "KiB".to_string(),
        quantity: None,
        at: entry.map(|e| e.at),
    }
}

fn keys_terms(ev: &Evidence<'_>, keys: &[crate::account::MeminfoKey]) -> Vec<Term> {
    keys.iter().map(|k| term_kib(ev, k.as_str())).collect()
}

fn meminfo_derivation(formula: &str, terms: Vec<Term>, g: ProcpsGeneration) -> Derivation {
    Derivation {
        formula: format!("({formula}) × 1024"),
        terms,
        source: format!("procps-ng {} (library meminfo; free.c / top.c)", g.label()),
        assumptions: vec![AssumptionKey::Procps],
    }
}

fn meminfo_derivation_htop(ev: &Evidence<'_>, v: HtopVersion) -> Derivation {
    Derivation {
        formula: "MemTotal − (MemFree + Buffers + Cached + SReclaimable)".to_string(),
        terms: [
            "MemTotal",
            "MemFree",
            "Buffers",
            "Cached",
            "SReclaimable",
            "Shmem",
        ]
        .iter()
        .map(|k| term_kib(ev, k))
        .collect(),
        source: format!("htop {} linux/LinuxMachine.c", v.id()),
        assumptions: vec![AssumptionKey::Htop],
    }
}

//! Learn mode through the real engine: every scenario's bundle is explained with the scenario's
//! assumptions, and the report must read every document as the kind the model wrote, agree with
//! every number the bundle pastes, know every quantity the story names, and show the effect the
//! scenario teaches. Every field the parsers produce from the field corpus and from the bundles
//! has a glossary entry.

use std::collections::BTreeSet;

use memlens_core::explain::{self, Settings};
use memlens_core::input::{self, Severity, Source};
use memlens_core::learn::model::NodeModel;
use memlens_core::learn::narrative::{placeholders, render_text};
use memlens_core::learn::{Scenario, entry, scenario, scenarios, stages};
use memlens_core::parse::cgroup::CgroupVersion;
use memlens_core::parse::{self, Facts};
use memlens_core::report::{Agreement, FindingCode, Report};

fn report_of(s: &Scenario) -> Report {
    let settings: Settings = match s.settings() {
        Ok(settings) => settings,
        Err(e) => panic!("{}: its assumptions are refused: {e}", s.id),
    };
    explain::explain(&[Source::paste(s.bundle())], &settings)
}

fn value(r: &Report, id: &str) -> Result<u64, String> {
    r.quantity(id)
        .and_then(|q| q.value)
        .ok_or_else(|| format!("no value for `{id}`"))
}

fn text<'r>(r: &'r Report, id: &str) -> Result<&'r str, String> {
    r.quantity(id)
        .and_then(|q| q.text.as_deref())
        .ok_or_else(|| format!("no text for `{id}`"))
}

fn meminfo_kib(m: &NodeModel, key: &str) -> u64 {
    m.meminfo()
        .iter()
        .find(|l| l.key == key)
        .map_or_else(|| panic!("the model writes no `{key}` line"), |l| l.value)
}

fn equal<T: PartialEq + std::fmt::Debug>(what: &str, want: T, got: T) -> Result<(), String> {
    if want == got {
        Ok(())
    } else {
        Err(format!(
            "{what}\n      expected: {want:?}\n      actual:   {got:?}"
        ))
    }
}

fn finding(r: &Report, code: FindingCode) -> Result<(), String> {
    r.finding(code)
        .map(|_| ())
        .ok_or_else(|| format!("no `{code}` finding"))
}

fn cgroup(m: &NodeModel, dir: &str, field: &str) -> String {
    format!("cadvisor.cgroup.{}.{field}", m.cgroup_name(dir))
}

#[test]
fn there_are_at_least_ten_scenarios_with_unique_ids() {
    let all = scenarios();
    assert!(all.len() >= 10, "{} scenarios", all.len());
    for (i, s) in all.iter().enumerate() {
        assert!(
            all.iter().skip(i + 1).all(|o| o.id != s.id),
            "{} twice",
            s.id
        );
        assert_eq!(scenario(s.id).map(|f| f.id), Some(s.id));
        assert!(!s.steps.is_empty(), "{} has no steps", s.id);
    }
}

#[test]
fn every_model_is_whole_and_its_meminfo_adds_up() {
    for s in scenarios() {
        let m = &s.model;
        assert_eq!(m.problems(), Vec::<String>::new(), "{}", s.id);
        let k = |key| meminfo_kib(m, key);
        // One row per identity: (what, left side, right side).
        let rows = [
            (
                "MemTotal = MemFree + file lists + Shmem + AnonPages + Slab + other kernel + Hugetlb",
                k("MemTotal"),
                k("MemFree")
                    + k("Active(file)")
                    + k("Inactive(file)")
                    + k("Shmem")
                    + k("AnonPages")
                    + k("Slab")
                    + k("KernelStack")
                    + k("PageTables")
                    + k("Percpu")
                    + k("VmallocUsed")
                    + k("Hugetlb"),
            ),
            (
                "Cached + Buffers = file lists + Shmem",
                k("Cached") + k("Buffers"),
                k("Active(file)") + k("Inactive(file)") + k("Shmem"),
            ),
            (
                "anon lists = AnonPages + Shmem",
                k("Active(anon)") + k("Inactive(anon)"),
                k("AnonPages") + k("Shmem"),
            ),
            (
                "Active = Active(anon) + Active(file)",
                k("Active"),
                k("Active(anon)") + k("Active(file)"),
            ),
            (
                "Inactive = Inactive(anon) + Inactive(file)",
                k("Inactive"),
                k("Inactive(anon)") + k("Inactive(file)"),
            ),
            (
                "Slab = SReclaimable + SUnreclaim",
                k("Slab"),
                k("SReclaimable") + k("SUnreclaim"),
            ),
            (
                "Hugetlb = HugePages_Total × Hugepagesize",
                k("Hugetlb"),
                k("HugePages_Total") * k("Hugepagesize"),
            ),
        ];
        for (what, left, right) in rows {
            assert_eq!(left, right, "{}: {what}", s.id);
        }
        let available = k("MemAvailable");
        assert!(
            available >= k("MemFree").saturating_sub(m.watermarks().high_kib)
                && available <= k("MemTotal"),
            "{}: MemAvailable {available} KiB is implausible",
            s.id
        );
    }
}

/// A model is data the page may let people edit: absurd sizes must not panic, only give
/// absurd documents (and problems).
#[test]
fn extreme_models_write_a_bundle_without_panicking() {
    let Some(base) = scenario("top-pod-vs-pod-cgroup") else {
        panic!("no top-pod-vs-pod-cgroup scenario");
    };
    let huge = u64::MAX / 3;
    let mut models = Vec::new();
    for total in [0, 4, huge, u64::MAX] {
        let mut m = base.model.clone();
        m.mem_total_kib = total;
        m.load.anon_kib = huge;
        m.load.inactive_file_kib = huge;
        m.hugepages_2mi = huge;
        m.kubepods_percent = 250;
        m.reserved.system_mib = huge;
        models.push(m);
    }
    for m in models {
        assert!(!m.problems().is_empty(), "{}", m.mem_total_kib);
        let bundle = m.bundle();
        let report = explain::explain(&[Source::paste(bundle)], &Settings::default());
        assert!(!report.documents.is_empty());
    }
}

#[test]
fn every_document_reads_as_the_kind_the_model_wrote() {
    for s in scenarios() {
        let want: Vec<&str> = s
            .model
            .documents()
            .iter()
            .map(|d| d.kind.as_str())
            .collect();
        let docs = input::read(&[Source::paste(s.bundle())], &[]);
        let got: Vec<&str> = docs.iter().map(|d| d.kind.as_str()).collect();
        assert_eq!(got, want, "{}", s.id);
    }
}

#[test]
fn no_document_has_an_error_or_a_warning() {
    for s in scenarios() {
        let r = report_of(&s);
        for d in &r.documents {
            for diag in &d.diagnostics {
                assert!(
                    !matches!(diag.severity, Severity::Error | Severity::Warning),
                    "{}: {} line {:?}: {}",
                    s.id,
                    d.kind.as_str(),
                    diag.line,
                    diag.message
                );
            }
        }
        assert!(!r.has_errors(), "{}", s.id);
    }
}

#[test]
fn every_pasted_number_agrees_with_its_recomputation() {
    for s in scenarios() {
        let r = report_of(&s);
        let mut observed = 0;
        for q in &r.quantities {
            let Some(o) = &q.observed else { continue };
            observed += 1;
            let allowed = s.expected_differences.iter().any(|(id, _)| *id == q.id);
            assert!(
                o.agrees == Agreement::Agrees || allowed,
                "{}: `{}` pasted {:?} but recomputed {:?} / {:?} ({:?})",
                s.id,
                q.id,
                o.text,
                q.value,
                q.text,
                o.agrees
            );
        }
        // The summary alone pastes four numbers, kubectl top node four cells.
        assert!(observed >= 8, "{}: only {observed} pasted numbers", s.id);
        for (id, why) in &s.expected_differences {
            let differs = r
                .quantity(id)
                .and_then(|q| q.observed.as_ref())
                .is_some_and(|o| o.agrees == Agreement::Differs);
            assert!(differs, "{}: `{id}` was expected to differ ({why})", s.id);
        }
    }
}

/// The model writes consistent documents on either hierarchy, not only the one each scenario
/// picked: every scenario again with the other cgroup version.
#[test]
fn every_model_also_agrees_on_the_other_cgroup_version() {
    for s in scenarios() {
        let mut other = s.clone();
        other.model.cgroup = match s.model.cgroup {
            CgroupVersion::V1 => CgroupVersion::V2,
            CgroupVersion::V2 => CgroupVersion::V1,
        };
        other.assumptions = other
            .assumptions
            .into_iter()
            .map(|(k, v)| match k.as_str() {
                "cgroup" if v == "v1" => (k, "v2".to_string()),
                "cgroup" => (k, "v1".to_string()),
                _ => (k, v),
            })
            .collect();
        let want: Vec<&str> = other
            .model
            .documents()
            .iter()
            .map(|d| d.kind.as_str())
            .collect();
        let r = report_of(&other);
        let got: Vec<&str> = r.documents.iter().map(|d| d.kind.as_str()).collect();
        assert_eq!(got, want, "{} on the other version", s.id);
        assert!(!r.has_errors(), "{} on the other version", s.id);
        for q in &r.quantities {
            if let Some(o) = &q.observed {
                assert_eq!(
                    o.agrees,
                    Agreement::Agrees,
                    "{} on the other version: `{}` pasted {:?}, recomputed {:?} / {:?}",
                    s.id,
                    q.id,
                    o.text,
                    q.value,
                    q.text
                );
            }
        }
    }
}

#[test]
fn every_number_a_story_names_is_in_the_report() {
    for s in scenarios() {
        let r = report_of(&s);
        for step in &s.steps {
            let named = placeholders(&step.text);
            for id in named
                .iter()
                .copied()
                .chain(step.highlights.iter().map(String::as_str))
            {
                let known = r
                    .quantity(id)
                    .is_some_and(|q| q.value.is_some() || q.text.is_some());
                assert!(known, "{} / {}: `{id}` has no value", s.id, step.title);
            }
            let rendered = render_text(&step.text, &r);
            assert!(
                !rendered.contains("not known") && !rendered.contains('{'),
                "{} / {}: {rendered}",
                s.id,
                step.title
            );
        }
        for (key, _) in &s.assumptions {
            assert!(
                r.assumptions.iter().any(|a| a.key.as_str() == key),
                "{}: assumption {key}",
                s.id
            );
        }
    }
}

#[test]
fn every_pipeline_stage_has_a_value_in_every_scenario() {
    for s in scenarios() {
        let r = report_of(&s);
        for st in stages(&r) {
            assert!(
                st.value.is_some() || st.text.is_some(),
                "{}: stage {} (`{}`) has no value; missing {:?}",
                s.id,
                st.stage.id,
                st.quantity,
                st.missing
            );
        }
    }
}

type Effect = fn(&Scenario, &Report) -> Result<(), String>;

/// The effect each scenario teaches, checked on its report. One row per scenario.
const EFFECTS: &[(&str, Effect)] = &[
    ("page-cache", |s, r| {
        // free 3.3's used is anon + unreclaimable kernel memory; the working set is anon +
        // shared memory + active cache: the gap is the active cache, less the kernel memory
        // free counts and the v2 root rule does not.
        let l = &s.model.load;
        let gap = value(r, "kubelet.node.working_set_bytes")? - value(r, "procps.used_bytes.v3")?;
        equal(
            "working set − free 3.3 used",
            (l.active_file_kib + l.shmem_kib - l.slab_unreclaimable_kib - l.kernel_other_kib)
                * 1024,
            gap,
        )?;
        equal("more than three times free's used", true, {
            gap > 2 * value(r, "procps.used_bytes.v3")?
        })?;
        finding(r, FindingCode::ActiveFileInWorkingSet)
    }),
    ("tmpfs-shmem", |s, r| {
        let shmem = s.model.load.shmem_kib * 1024;
        equal("free shared", shmem, value(r, "procps.shared_bytes")?)?;
        let v4_more = value(r, "procps.used_bytes.v4")? - value(r, "procps.used_bytes.v3")?;
        equal("procps 4 counts the shared memory", true, v4_more >= shmem)?;
        equal(
            "the working set holds it",
            true,
            value(r, "kubelet.node.working_set_bytes")? >= shmem,
        )?;
        finding(r, FindingCode::ShmemInWorkingSet)
    }),
    ("dentry-slab-pod", |s, r| {
        let m = &s.model;
        let (_, dirs) = m.pod_dirs().ok_or("no pod")?;
        let dir = dirs.first().ok_or("no container")?;
        let c = m
            .pod
            .as_ref()
            .and_then(|p| p.containers.first())
            .ok_or("no container")?;
        let ws = value(r, &cgroup(m, dir, "working_set_bytes"))?;
        let pages = (c.load.anon_kib + c.load.active_file_kib) * 1024;
        equal(
            "working set − anon − active file ≥ reclaimable slab",
            true,
            ws - pages >= c.load.slab_reclaimable_kib * 1024,
        )?;
        equal(
            "kubectl top pod",
            format!("{}Mi", ws >> 20).as_str(),
            text(r, "kubectl.top_pod.search/indexer-0.memory_text")?,
        )?;
        finding(r, FindingCode::ReclaimableSlabInWorkingSet)
    }),
    ("cgroup-v1", |_, r| {
        equal(
            "v1 root usage = total_cache + total_rss",
            value(r, "cadvisor.node.cache_bytes")? + value(r, "cadvisor.node.rss_bytes")?,
            value(r, "cadvisor.node.usage_bytes")?,
        )?;
        let v2 = scenario("cgroup-v2-old-runc").ok_or("no v2 twin")?;
        equal(
            "the same load as the v2 twin",
            v2.model.load,
            scenario("cgroup-v1").ok_or("")?.model.load,
        )?;
        let v2_report = report_of(&v2);
        let l = &v2.model.load;
        equal(
            "v2 (MemTotal − MemFree) working set − v1 working set = slab + other kernel memory",
            (l.slab_reclaimable_kib + l.slab_unreclaimable_kib + l.kernel_other_kib) * 1024,
            value(&v2_report, "kubelet.node.working_set_bytes")?
                - value(r, "kubelet.node.working_set_bytes")?,
        )
    }),
    ("cgroup-v2-old-runc", |s, r| {
        let total = meminfo_kib(&s.model, "MemTotal");
        let free = meminfo_kib(&s.model, "MemFree");
        equal(
            "root usage = (MemTotal − MemFree) × 1024",
            (total - free) * 1024,
            value(r, "cadvisor.node.usage_bytes")?,
        )?;
        equal(
            "more than anon + file",
            true,
            value(r, "cadvisor.node.usage_bytes")?
                > value(r, "cadvisor.node.rss_bytes")? + value(r, "cadvisor.node.cache_bytes")?,
        )
    }),
    ("procps-3-vs-4", |s, r| {
        let v3 = value(r, "procps.used_bytes.v3")?;
        let v4 = value(r, "procps.used_bytes.v4")?;
        equal(
            "procps 4 counts shared memory",
            true,
            v4 - v3 >= s.model.load.shmem_kib * 1024,
        )?;
        for id in ["procps.used_bytes.v3", "procps.used_bytes.v4"] {
            let agrees = r
                .quantity(id)
                .and_then(|q| q.observed.as_ref())
                .map(|o| o.agrees);
            equal(
                &format!("{id} pasted and agreeing"),
                Some(Agreement::Agrees),
                agrees,
            )?;
        }
        finding(r, FindingCode::Procps3Used)?;
        finding(r, FindingCode::Procps4Used)
    }),
    ("percent-of-allocatable", |_, r| {
        let percent = |id| -> Result<u64, String> {
            text(r, id)?
                .trim_end_matches('%')
                .parse()
                .map_err(|_| format!("`{id}` is not a percent"))
        };
        let of_allocatable = percent("kubectl.top_node.memory_percent_text")?;
        let of_capacity = percent("kubectl.top_node.memory_percent_capacity_text")?;
        equal(
            "percent of allocatable ≥ percent of capacity + 20",
            true,
            of_allocatable >= of_capacity + 20,
        )?;
        equal(
            "kubepods limit − its working set",
            value(r, "cadvisor.cgroup./kubepods.slice.limit_bytes")?
                - value(r, "cadvisor.cgroup./kubepods.slice.working_set_bytes")?,
            value(r, "eviction.allocatable_memory_available_bytes")?,
        )?;
        finding(r, FindingCode::PercentOfAllocatable)
    }),
    ("eviction-near", |_, r| {
        let available = value(r, "eviction.memory_available_bytes")?;
        let threshold = value(r, "eviction.hard_threshold_bytes")?;
        equal("above the threshold, but by less than it", true, {
            available > threshold && available - threshold <= threshold
        })?;
        finding(r, FindingCode::EvictionThresholdNear)
    }),
    ("hugepages", |s, r| {
        let pool = s.model.hugetlb_kib() * 1024;
        equal(
            "allocatable = capacity − 100Mi − the pool",
            value(r, "node.capacity_bytes")? - (100 << 20) - pool,
            value(r, "node.allocatable_bytes")?,
        )?;
        equal(
            "free's used holds the pool",
            true,
            value(r, "procps.used_bytes.v3")? >= pool,
        )?;
        equal(
            "the working set does not",
            true,
            value(r, "kubelet.node.working_set_bytes")?
                < value(r, "procps.used_bytes.v3")? - pool / 2,
        )?;
        finding(r, FindingCode::MemoryOutsideCgroups)
    }),
    ("free-in-container", |_, r| {
        equal(
            "free's total is the node's capacity",
            value(r, "node.capacity_bytes")?,
            value(r, "procps.total_bytes")?,
        )?;
        finding(r, FindingCode::HostViewInContainer)
    }),
    ("inactive-over-usage", |_, r| {
        equal(
            "kubectl's cell",
            "0Mi",
            text(r, "kubectl.top_pod.batch/report-28571040.memory_text")?,
        )?;
        equal(
            "the mixed pair clamps",
            0,
            value(r, "cadvisor.cgroup.pasted-1.working_set_bytes")?,
        )?;
        equal(
            "inactive_file above usage",
            true,
            value(r, "cadvisor.cgroup.pasted-1.inactive_file_bytes")?
                > value(r, "cadvisor.cgroup.pasted-1.usage_bytes")?,
        )?;
        finding(r, FindingCode::WorkingSetClamped)
    }),
    ("top-pod-vs-pod-cgroup", |s, r| {
        let m = &s.model;
        let (pod_dir, dirs) = m.pod_dirs().ok_or("no pod")?;
        let pod = m.pod.as_ref().ok_or("no pod")?;
        let mut sum = 0;
        for dir in &dirs {
            sum += value(r, &cgroup(m, dir, "working_set_bytes"))?;
        }
        equal(
            "kubectl top pod = ⌊Σ container working sets⌋ Mi",
            format!("{}Mi", sum >> 20).as_str(),
            text(r, "kubectl.top_pod.data/etl-0.memory_text")?,
        )?;
        equal(
            "pod working set − Σ containers = what the init container left on the active list",
            pod.leftover.active_file_kib * 1024,
            value(r, &cgroup(m, &pod_dir, "working_set_bytes"))? - sum,
        )?;
        finding(r, FindingCode::PodSumOfContainers)
    }),
];

#[test]
fn every_scenario_shows_the_effect_it_teaches() {
    let all = scenarios();
    for s in &all {
        assert!(
            EFFECTS.iter().any(|(id, _)| *id == s.id),
            "{}: no effect row",
            s.id
        );
    }
    let mut failures = Vec::new();
    for (id, check) in EFFECTS {
        let Some(s) = all.iter().find(|s| s.id == *id) else {
            failures.push(format!("{id}: no such scenario"));
            continue;
        };
        if let Err(e) = check(s, &report_of(s)) {
            failures.push(format!("{id}: {e}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The meminfo and memory.stat keys the parsers read from a set of sources.
fn parsed_keys(sources: &[Source]) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for doc in input::read(sources, &[]) {
        match parse::parse(&doc).facts {
            Facts::Meminfo(m) => keys.extend(m.entries.into_iter().map(|e| e.key)),
            Facts::MemoryStat(s) => keys.extend(s.entries.into_iter().map(|e| e.key)),
            _ => {}
        }
    }
    keys
}

fn field_sources() -> Vec<Source> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/field");
    let mut sources = Vec::new();
    let cases = std::fs::read_dir(root).unwrap_or_else(|e| panic!("{root}: {e}"));
    for case in cases.flatten() {
        let Ok(files) = std::fs::read_dir(case.path()) else {
            continue;
        };
        for file in files.flatten() {
            let path = file.path();
            let skip = path.extension().is_some_and(|e| e == "md" || e == "rs");
            if skip {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&path) {
                let name = path
                    .file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().into_owned());
                sources.push(Source::file(name, text));
            }
        }
    }
    sources
}

#[test]
fn every_field_the_parsers_read_has_a_glossary_entry() {
    let fixtures = field_sources();
    assert!(fixtures.len() > 30, "only {} fixture files", fixtures.len());
    let mut keys = parsed_keys(&fixtures);
    let from_fixtures = keys.len();
    assert!(
        from_fixtures > 40,
        "only {from_fixtures} keys in the fixtures"
    );
    for s in scenarios() {
        keys.extend(parsed_keys(&[Source::paste(s.bundle())]));
    }
    // The fields accounting.md §8 names, whether or not a paste has them.
    for key in [
        "MemTotal",
        "MemFree",
        "MemAvailable",
        "Buffers",
        "Cached",
        "SwapCached",
        "Active(anon)",
        "Inactive(anon)",
        "Active(file)",
        "Inactive(file)",
        "Unevictable",
        "Mlocked",
        "AnonPages",
        "Mapped",
        "Shmem",
        "KReclaimable",
        "Slab",
        "SReclaimable",
        "SUnreclaim",
        "KernelStack",
        "PageTables",
        "SecPageTables",
        "Percpu",
        "VmallocUsed",
        "HugePages_Total",
        "HugePages_Free",
        "HugePages_Rsvd",
        "HugePages_Surp",
        "Hugepagesize",
        "Hugetlb",
        "anon",
        "file",
        "kernel",
        "kernel_stack",
        "pagetables",
        "sec_pagetables",
        "percpu",
        "sock",
        "vmalloc",
        "shmem",
        "zswap",
        "zswapped",
        "file_mapped",
        "file_dirty",
        "file_writeback",
        "swapcached",
        "anon_thp",
        "file_thp",
        "shmem_thp",
        "inactive_anon",
        "active_anon",
        "inactive_file",
        "active_file",
        "unevictable",
        "slab_reclaimable",
        "slab_unreclaimable",
        "slab",
        "workingset_refault_anon",
        "workingset_refault_file",
        "workingset_activate_anon",
        "workingset_activate_file",
        "workingset_restore_anon",
        "workingset_restore_file",
        "workingset_nodereclaim",
        "pgfault",
        "pgmajfault",
        "pgrefill",
        "pgscan",
        "pgsteal",
        "pgactivate",
        "pgdeactivate",
        "pglazyfree",
        "pglazyfreed",
        "cache",
        "rss",
        "rss_huge",
        "mapped_file",
        "dirty",
        "writeback",
        "swap",
        "pgpgin",
        "pgpgout",
        "hierarchical_memory_limit",
        "hierarchical_memsw_limit",
        "total_cache",
        "total_rss",
        "total_rss_huge",
        "total_shmem",
        "total_mapped_file",
        "total_dirty",
        "total_writeback",
        "total_swap",
        "total_pgpgin",
        "total_pgpgout",
        "total_pgfault",
        "total_pgmajfault",
        "total_inactive_anon",
        "total_active_anon",
        "total_inactive_file",
        "total_active_file",
        "total_unevictable",
    ] {
        keys.insert(key.to_string());
    }
    let missing: Vec<&String> = keys.iter().filter(|k| entry(k).is_none()).collect();
    assert!(missing.is_empty(), "no glossary entry for {missing:?}");
}

/// Derivations name their terms as the kernel does, so the page can link each term read from
/// `/proc/meminfo` or `memory.stat` to its glossary entry.
#[test]
fn every_term_read_from_meminfo_or_memory_stat_links_to_the_glossary() {
    let field_kinds = ["meminfo", "cgroup1.memory.stat", "cgroup2.memory.stat"];
    let mut unlinked = BTreeSet::new();
    let mut linked = 0;
    for s in scenarios() {
        let r = report_of(&s);
        for q in &r.quantities {
            let Some(d) = &q.derivation else { continue };
            for t in &d.terms {
                let Some(at) = t.at else { continue };
                let kind = r
                    .documents
                    .iter()
                    .find(|d| d.id == at.doc)
                    .map(|d| d.kind.as_str());
                if kind.is_some_and(|k| field_kinds.contains(&k)) {
                    if entry(&t.name).is_some() {
                        linked += 1;
                    } else {
                        unlinked.insert(format!("{} (in {})", t.name, q.id));
                    }
                }
            }
        }
    }
    assert!(linked > 100, "only {linked} linked terms");
    assert!(unlinked.is_empty(), "no glossary entry for {unlinked:?}");
}

//! Cgroup-scope quantities: every non-root cgroup whose files were pasted (a pod, a container,
//! `kubepods.slice`) gets its usage, inactive file pages, working set and limit.

use super::assume::Assumptions;
use super::evidence::{CgroupFiles, Evidence};
use super::{Out, TermOrigin, computed, derivation, missing};
use crate::account::cadvisor::{self, Cgroup, NoValue};
use crate::account::term::{Derived, Lookup, Term as ATerm};
use crate::parse::cgroup::{CgroupVersion, Limit};
use crate::report::{AssumptionKey, Derivation, Term};

pub(super) fn compute(ev: &Evidence<'_>, a: &Assumptions, out: &mut Out) {
    for files in ev.cgroups.iter().filter(|c| !c.is_root()) {
        one(files, a, out);
    }
}

pub(super) fn id(name: &str, field: &str) -> String {
    format!("cadvisor.cgroup.{name}.{field}")
}

fn one(files: &CgroupFiles<'_>, a: &Assumptions, out: &mut Out) {
    let version = files.version.unwrap_or(a.cgroup.value);
    let cgroup = match version {
        CgroupVersion::V1 => Cgroup::V1 {
            use_hierarchy: true,
        },
        CgroupVersion::V2 => Cgroup::V2,
    };
    let name = &files.name;
    let stat: &dyn Lookup = match files.stat {
        Some(s) => s,
        None => &cadvisor::NOTHING,
    };
    let usage_file = files.usage.as_ref().map(|u| u.value);
    let (usage_name, inactive_key, limit_name) = match version {
        CgroupVersion::V1 => (
            "memory.usage_in_bytes",
            "total_inactive_file",
            "memory.limit_in_bytes",
        ),
        CgroupVersion::V2 => ("memory.current", "inactive_file", "memory.max"),
    };
    let path_hint = if name.starts_with("pasted-") {
        "<cgroup>".to_string()
    } else {
        match version {
            CgroupVersion::V1 => format!("/sys/fs/cgroup/memory{name}"),
            CgroupVersion::V2 => format!("/sys/fs/cgroup{name}"),
        }
    };
    let ask = |file: &str| format!("`{file}` of cgroup {name} (`cat {path_hint}/{file}`)");
    let origin = |term: &str| -> TermOrigin {
        if term == "usage" || term == usage_name {
            return TermOrigin::line("bytes", files.usage.as_ref().map(|u| u.at));
        }
        let at = files.stat.and_then(|s| s.get(term)).map(|v| v.at);
        TermOrigin::line("bytes", at)
    };
    let source = "google/cadvisor container/libcontainer/handler.go setMemoryStats (v0.37+)";
    let label = |what: &str| format!("{what} of cgroup {name}");

    let usage = cadvisor::usage(cgroup, usage_file, stat, &cadvisor::NOTHING);
    match &usage {
        Ok(d) => out.push(computed(
            &id(name, "usage_bytes"),
            &label("Usage"),
            Some(d.value),
            None,
            derivation(d, source, &[AssumptionKey::Cgroup], &origin),
        )),
        Err(NoValue::Missing(_)) | Err(NoValue::NotReported) => out.push(missing(
            &id(name, "usage_bytes"),
            &label("Usage"),
            vec![ask(usage_name)],
        )),
    }

    match files.stat.and_then(|s| s.get(inactive_key)) {
        Some(v) => {
            let key: &'static str = if version == CgroupVersion::V1 {
                "total_inactive_file"
            } else {
                "inactive_file"
            };
            let d = Derived::new(v.value, key, vec![ATerm::new(key, v.value)]);
            out.push(computed(
                &id(name, "inactive_file_bytes"),
                &label("Inactive file pages"),
                Some(v.value),
                None,
                derivation(&d, source, &[AssumptionKey::Cgroup], &origin),
            ));
        }
        None => out.push(missing(
            &id(name, "inactive_file_bytes"),
            &label("Inactive file pages"),
            vec![ask("memory.stat")],
        )),
    }

    match &usage {
        // Without the cgroup's memory.stat nothing says how much of the usage is inactive.
        Ok(_) if files.stat.is_none() => out.push(missing(
            &id(name, "working_set_bytes"),
            &label("Working set"),
            vec![ask("memory.stat")],
        )),
        Ok(u) => {
            let d = cadvisor::working_set(cgroup, u.value, stat);
            out.push(computed(
                &id(name, "working_set_bytes"),
                &label("Working set"),
                Some(d.value),
                None,
                derivation(&d, source, &[AssumptionKey::Cgroup], &origin),
            ));
        }
        Err(_) => out.push(missing(
            &id(name, "working_set_bytes"),
            &label("Working set"),
            vec![ask(usage_name), ask("memory.stat")],
        )),
    }

    match &files.limit {
        Some(limit) => {
            let (value, text) = match limit.value {
                Limit::Bytes(b) => (Some(b), None),
                Limit::Max => (None, Some("max".to_string())),
            };
            out.push(computed(
                &id(name, "limit_bytes"),
                &label("Memory limit"),
                value,
                text.clone(),
                Derivation {
                    formula: limit_name.to_string(),
                    terms: vec![Term {
                        name: limit_name.to_string(),
                        value,
                        text,
                        unit: "bytes".to_string(),
                        quantity: None,
                        at: Some(limit.at),
                    }],
                    source: "the cgroup's limit file".to_string(),
                    assumptions: vec![],
                },
            ));
        }
        None => out.push(missing(
            &id(name, "limit_bytes"),
            &label("Memory limit"),
            vec![ask(limit_name)],
        )),
    }
}

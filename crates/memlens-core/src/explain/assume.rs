//! Assumptions: what the raw data cannot say for sure, each with a default, a source and a
//! reason, and each one the person can set (`--assume KEY=VALUE`, the page's controls).

use super::evidence::Evidence;
use crate::account::cadvisor::RootUsageRule;
use crate::account::eviction::{self, ThresholdValue};
use crate::account::htop::HtopVersion;
use crate::account::kubelet::{self, KubeVersion};
use crate::account::node_exporter::NodeExporterVersion;
use crate::account::procps::{ProcpsGeneration, ProcpsVersion};
use crate::input::At;
use crate::parse::cgroup::CgroupVersion;
use crate::parse::kubectl::PercentStyle;
use crate::parse::version::Software;
use crate::report::{Assumption, AssumptionKey, AssumptionSource};

/// A value with where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Assumed<T> {
    pub value: T,
    pub source: AssumptionSource,
    pub reason: String,
    pub at: Vec<At>,
}

impl<T> Assumed<T> {
    fn default(value: T, reason: &str) -> Self {
        Assumed {
            value,
            source: AssumptionSource::Default,
            reason: reason.to_string(),
            at: vec![],
        }
    }

    fn detected(value: T, reason: String, at: Vec<At>) -> Self {
        Assumed {
            value,
            source: AssumptionSource::Detected,
            reason,
            at,
        }
    }

    fn set(value: T) -> Self {
        Assumed {
            value,
            source: AssumptionSource::Set,
            reason: "set by hand".to_string(),
            at: vec![],
        }
    }
}

/// The kubelet version as an assumption: an exact version, or "1.29 or later".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KubeletVersion {
    Exact(KubeVersion),
    AtLeast129,
}

/// The assumptions in force for one report.
#[derive(Clone, Debug, PartialEq)]
pub struct Assumptions {
    pub cgroup: Assumed<CgroupVersion>,
    pub kubelet: Assumed<KubeletVersion>,
    pub root_usage: Assumed<RootUsageRule>,
    /// Which kubectl printed (or would print) the tables: the header style.
    pub kubectl: Assumed<KubeVersion>,
    pub eviction_hard: Assumed<ThresholdValue>,
    /// Which procps printed the pasted `free`/`top`; `None`: every generation is reported.
    pub procps: Assumed<Option<ProcpsGeneration>>,
    pub htop: Assumed<HtopVersion>,
    pub node_exporter: Assumed<NodeExporterVersion>,
}

/// A value for `--assume` that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeError {
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for AssumeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--assume {}: {}", self.key, self.message)
    }
}

/// Values set by hand, checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SetValues {
    cgroup: Option<CgroupVersion>,
    kubelet: Option<KubeletVersion>,
    root_usage: Option<RootUsageRule>,
    kubectl: Option<KubeVersion>,
    eviction_hard: Option<ThresholdValue>,
    procps: Option<Option<ProcpsGeneration>>,
    htop: Option<HtopVersion>,
    node_exporter: Option<NodeExporterVersion>,
}

impl SetValues {
    /// Reads one `KEY=VALUE`.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), AssumeError> {
        let err = |message: String| AssumeError {
            key: key.to_string(),
            message,
        };
        let Some(k) = AssumptionKey::from_name(key) else {
            let keys: Vec<&str> = AssumptionKey::ALL.iter().map(|k| k.as_str()).collect();
            return Err(err(format!(
                "unknown key; the keys are {}",
                keys.join(", ")
            )));
        };
        match k {
            AssumptionKey::Cgroup => {
                self.cgroup = Some(match value {
                    "v1" | "1" => CgroupVersion::V1,
                    "v2" | "2" => CgroupVersion::V2,
                    _ => return Err(err("expected v1 or v2".to_string())),
                })
            }
            AssumptionKey::Kubelet => {
                self.kubelet = Some(match value {
                    ">=1.29" => KubeletVersion::AtLeast129,
                    _ => KubeletVersion::Exact(
                        KubeVersion::parse(value)
                            .ok_or_else(|| err("expected a version like 1.28 or >=1.29".into()))?,
                    ),
                })
            }
            AssumptionKey::RootUsage => {
                self.root_usage = Some(match value {
                    "anon+file" => RootUsageRule::AnonPlusFile,
                    "total-free" => RootUsageRule::TotalMinusFree,
                    "unavailable" => RootUsageRule::Unavailable,
                    _ => return Err(err("expected anon+file, total-free or unavailable".into())),
                })
            }
            AssumptionKey::Kubectl => {
                self.kubectl = Some(
                    KubeVersion::parse(value)
                        .ok_or_else(|| err("expected a version like 1.31 or 1.34".into()))?,
                )
            }
            AssumptionKey::EvictionHard => {
                self.eviction_hard = Some(
                    eviction::parse_threshold_value(value)
                        .map_err(|e| err(e.to_string()))?
                        .ok_or_else(|| err("this threshold disables eviction".into()))?,
                )
            }
            AssumptionKey::Procps => {
                self.procps = Some(match value {
                    "all" => None,
                    _ => Some(
                        ProcpsGeneration::from_id(value)
                            .or_else(|| ProcpsVersion::parse(value).map(|v| v.generation()))
                            .ok_or_else(|| {
                                err(
                                    "expected a version like 3.3.17 or 4.0.2, or one of v4, v3, \
                                     v3_10, v3_9, all"
                                        .into(),
                                )
                            })?,
                    ),
                })
            }
            AssumptionKey::Htop => {
                self.htop = Some(
                    HtopVersion::parse(value)
                        .ok_or_else(|| err("expected a version like 3.2.2 or 3.3.0".into()))?,
                )
            }
            AssumptionKey::NodeExporter => {
                self.node_exporter = Some(
                    NodeExporterVersion::parse(value)
                        .ok_or_else(|| err("expected a version like 1.8.2 or 1.9.0".into()))?,
                )
            }
        }
        Ok(())
    }
}

/// The kubectl release that switched the percent headers to `CPU(%)`.
const KUBECTL_NEW_HEADERS: KubeVersion = KubeVersion {
    major: 1,
    minor: 32,
    patch: None,
};
const KUBECTL_OLD_HEADERS: KubeVersion = KubeVersion {
    major: 1,
    minor: 31,
    patch: None,
};

/// Decides every assumption from what was set, what the paste shows and the defaults.
pub fn resolve(ev: &Evidence<'_>, set: &SetValues) -> Assumptions {
    let cgroup = match set.cgroup {
        Some(v) => Assumed::set(v),
        None => detect_cgroup(ev).unwrap_or_else(|| {
            Assumed::default(
                CgroupVersion::V2,
                "current distributions mount cgroup v2 only; nothing pasted says otherwise",
            )
        }),
    };

    let kubelet = match set.kubelet {
        Some(v) => Assumed::set(v),
        None => detect_kubelet(ev).unwrap_or_else(|| {
            Assumed::default(
                KubeletVersion::AtLeast129,
                "current Kubernetes releases; kubelets from 1.29 are built with runc ≥ 1.1.9",
            )
        }),
    };

    let root_usage = match set.root_usage {
        Some(rule) => Assumed::set(rule),
        None => {
            let rule = match kubelet.value {
                KubeletVersion::AtLeast129 => RootUsageRule::AnonPlusFile,
                KubeletVersion::Exact(v) => kubelet::root_usage_rule(v),
            };
            Assumed {
                value: rule,
                source: kubelet.source,
                reason: format!(
                    "follows from the kubelet version ({}): runc ≥ 1.1.9 (kubelet ≥ 1.29) uses \
                     anon + file of the root memory.stat, runc rc94–1.1.8 uses MemTotal − MemFree",
                    kubelet_text(kubelet.value)
                ),
                at: kubelet.at.clone(),
            }
        }
    };

    let kubectl = match set.kubectl {
        Some(v) => Assumed::set(v),
        None => detect_kubectl(ev).unwrap_or_else(|| {
            Assumed::default(
                KubeVersion {
                    major: 1,
                    minor: 34,
                    patch: None,
                },
                "a current kubectl",
            )
        }),
    };

    let eviction_hard = match &set.eviction_hard {
        Some(v) => Assumed::set(*v),
        None => Assumed::default(
            eviction::default_hard_memory_available(),
            "the kubelet's default hard threshold, memory.available<100Mi",
        ),
    };

    let procps = match set.procps {
        Some(g) => Assumed::set(g),
        None => match super::procps::detect(ev) {
            Some((g, reason, at)) => Assumed::detected(Some(g), reason, at),
            None => Assumed::default(
                None,
                "nothing pasted shows which procps printed it, so every generation is reported",
            ),
        },
    };
    let htop = match set.htop {
        Some(v) => Assumed::set(v),
        None => Assumed::default(HtopVersion::V3_3Plus, "a current htop (3.3 or later)"),
    };
    let node_exporter = match set.node_exporter {
        Some(v) => Assumed::set(v),
        None => Assumed::default(
            NodeExporterVersion::FixedWithZswap,
            "a current node_exporter (1.11 or later)",
        ),
    };

    Assumptions {
        cgroup,
        kubelet,
        root_usage,
        kubectl,
        eviction_hard,
        procps,
        htop,
        node_exporter,
    }
}

fn detect_cgroup(ev: &Evidence<'_>) -> Option<Assumed<CgroupVersion>> {
    let with_version: Vec<_> = ev.cgroups.iter().filter(|c| c.version.is_some()).collect();
    let first = with_version.first()?;
    let version = first.version?;
    let at: Vec<At> = first
        .stat
        .and_then(|s| s.entries.first().map(|e| e.at))
        .or(first.usage.as_ref().map(|u| u.at))
        .into_iter()
        .collect();
    let what = if first.stat.is_some() {
        "memory.stat keys"
    } else {
        "file names"
    };
    Some(Assumed::detected(
        version,
        format!(
            "the pasted cgroup `{}` has cgroup {} {what}",
            first.name,
            version_name(version)
        ),
        at,
    ))
}

fn version_name(v: CgroupVersion) -> &'static str {
    match v {
        CgroupVersion::V1 => "v1",
        CgroupVersion::V2 => "v2",
    }
}

pub fn cgroup_text(v: CgroupVersion) -> &'static str {
    version_name(v)
}

pub fn kubelet_text(v: KubeletVersion) -> String {
    match v {
        KubeletVersion::AtLeast129 => ">=1.29".to_string(),
        KubeletVersion::Exact(v) => kube_text(v),
    }
}

pub fn kube_text(v: KubeVersion) -> String {
    match v.patch {
        Some(p) => format!("{}.{}.{p}", v.major, v.minor),
        None => format!("{}.{}", v.major, v.minor),
    }
}

fn detect_kubelet(ev: &Evidence<'_>) -> Option<Assumed<KubeletVersion>> {
    for d in &ev.describes {
        if let Some(info) = &d.system_info.kubelet_version
            && let Some(v) = KubeVersion::parse(&info.text)
        {
            return Some(Assumed::detected(
                KubeletVersion::Exact(v),
                format!("`Kubelet Version: {}` in kubectl describe node", info.text),
                vec![info.at],
            ));
        }
    }
    for versions in &ev.versions {
        if let Some(line) = versions.of(Software::Kubelet) {
            let v = &line.version;
            if let (Ok(major), Ok(minor)) = (u32::try_from(v.major), u32::try_from(v.minor)) {
                let patch = v.patch.and_then(|p| u32::try_from(p).ok());
                return Some(Assumed::detected(
                    KubeletVersion::Exact(KubeVersion {
                        major,
                        minor,
                        patch,
                    }),
                    format!("`{}`", line.text),
                    vec![line.at],
                ));
            }
        }
    }
    None
}

fn detect_kubectl(ev: &Evidence<'_>) -> Option<Assumed<KubeVersion>> {
    for versions in &ev.versions {
        if let Some(line) = versions.of(Software::Kubectl) {
            let v = &line.version;
            if let (Ok(major), Ok(minor)) = (u32::try_from(v.major), u32::try_from(v.minor)) {
                let patch = v.patch.and_then(|p| u32::try_from(p).ok());
                return Some(Assumed::detected(
                    KubeVersion {
                        major,
                        minor,
                        patch,
                    },
                    format!("`{}`", line.text),
                    vec![line.at],
                ));
            }
        }
    }
    for table in ev.top_nodes.iter().chain(&ev.top_pods) {
        let Some(header) = &table.header else {
            continue;
        };
        match header.percent_style {
            Some(PercentStyle::Suffix) => {
                return Some(Assumed::detected(
                    KUBECTL_OLD_HEADERS,
                    "the table's `CPU%`/`MEMORY%` headers: kubectl 1.31 or older".to_string(),
                    vec![header.at],
                ));
            }
            Some(PercentStyle::Parenthesized) => {
                return Some(Assumed::detected(
                    KUBECTL_NEW_HEADERS,
                    "the table's `CPU(%)`/`MEMORY(%)` headers: kubectl 1.32 or later".to_string(),
                    vec![header.at],
                ));
            }
            None => {}
        }
    }
    None
}

impl Assumptions {
    /// The assumptions as the report lists them.
    pub fn report(&self) -> Vec<Assumption> {
        let row =
            |key, value: String, source, reason: &str, options: &[&str], at: &[At]| Assumption {
                key,
                value,
                source,
                reason: reason.to_string(),
                options: options.iter().map(|o| o.to_string()).collect(),
                at: at.to_vec(),
            };
        vec![
            row(
                AssumptionKey::Cgroup,
                version_name(self.cgroup.value).to_string(),
                self.cgroup.source,
                &self.cgroup.reason,
                &["v1", "v2"],
                &self.cgroup.at,
            ),
            row(
                AssumptionKey::Kubelet,
                kubelet_text(self.kubelet.value),
                self.kubelet.source,
                &self.kubelet.reason,
                &[">=1.29", "1.28", "1.21"],
                &self.kubelet.at,
            ),
            row(
                AssumptionKey::RootUsage,
                self.root_usage.value.as_str().to_string(),
                self.root_usage.source,
                &self.root_usage.reason,
                &["anon+file", "total-free", "unavailable"],
                &self.root_usage.at,
            ),
            row(
                AssumptionKey::Kubectl,
                kube_text(self.kubectl.value),
                self.kubectl.source,
                &self.kubectl.reason,
                &["1.31", "1.34"],
                &self.kubectl.at,
            ),
            row(
                AssumptionKey::Procps,
                self.procps
                    .value
                    .map_or("all".to_string(), |g| g.id().to_string()),
                self.procps.source,
                &self.procps.reason,
                &["all", "v4", "v3", "v3_10", "v3_9"],
                &self.procps.at,
            ),
            row(
                AssumptionKey::Htop,
                self.htop.value.id().to_string(),
                self.htop.source,
                &self.htop.reason,
                &["3.3", "3.2", "3.1.0", "3.0"],
                &self.htop.at,
            ),
            row(
                AssumptionKey::NodeExporter,
                self.node_exporter.value.id().to_string(),
                self.node_exporter.source,
                &self.node_exporter.reason,
                &["1.11", "1.9", "1.8"],
                &self.node_exporter.at,
            ),
            row(
                AssumptionKey::EvictionHard,
                threshold_text(&self.eviction_hard.value),
                self.eviction_hard.source,
                &self.eviction_hard.reason,
                &["100Mi", "500Mi", "750Mi", "5%", "10%"],
                &self.eviction_hard.at,
            ),
        ]
    }
}

pub fn threshold_text(value: &ThresholdValue) -> String {
    match value {
        ThresholdValue::Quantity(q) => q.canonical(),
        ThresholdValue::Percentage(p) => format!("{}%", p * 100.0),
    }
}

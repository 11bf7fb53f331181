//! Sorting parsed documents into what the accounting reads: the node's `/proc/meminfo`, the
//! cgroups by path, the pasted tables of each tool.

use crate::input::{At, Document, Val};
use crate::parse::Facts;
use crate::parse::Parsed;
use crate::parse::cgroup::{CgroupVersion, Limit, MemoryStat};
use crate::parse::describe::DescribeNode;
use crate::parse::free::Free;
use crate::parse::kubectl::TopTable;
use crate::parse::log::KubeletLog;
use crate::parse::meminfo::Meminfo;
use crate::parse::metrics::{NodeMetricsList, PodMetricsList};
use crate::parse::node::Nodes;
use crate::parse::prometheus::Exposition;
use crate::parse::summary::Summary;
use crate::parse::top::Top;
use crate::parse::version::Versions;

/// One cgroup's files, gathered from every document that names it.
#[derive(Clone, Debug)]
pub struct CgroupFiles<'a> {
    /// The path as pasted (`/`, `/kubepods.slice`), or `pasted-1`, `pasted-2` … without one.
    pub name: String,
    pub version: Option<CgroupVersion>,
    pub stat: Option<&'a MemoryStat>,
    pub usage: Option<Val<u64>>,
    pub limit: Option<Val<Limit>>,
}

impl CgroupFiles<'_> {
    pub fn is_root(&self) -> bool {
        self.name == "/"
    }

    /// The kubelet's pods cgroup: `kubepods.slice` (systemd driver) or `kubepods` (cgroupfs),
    /// directly below the root.
    pub fn is_kubepods(&self) -> bool {
        let trimmed = self.name.trim_start_matches('/');
        !trimmed.contains('/') && (trimmed == "kubepods.slice" || trimmed == "kubepods")
    }
}

/// Everything pasted, sorted by what it is.
#[derive(Debug, Default)]
pub struct Evidence<'a> {
    pub docs: Vec<&'a Document>,
    pub meminfo: Vec<(&'a Document, &'a Meminfo)>,
    pub cgroups: Vec<CgroupFiles<'a>>,
    pub top_nodes: Vec<&'a TopTable>,
    pub top_pods: Vec<&'a TopTable>,
    pub describes: Vec<&'a DescribeNode>,
    pub logs: Vec<&'a KubeletLog>,
    pub versions: Vec<&'a Versions>,
    pub summaries: Vec<&'a Summary>,
    pub node_metrics: Vec<&'a NodeMetricsList>,
    pub pod_metrics: Vec<&'a PodMetricsList>,
    pub nodes: Vec<&'a Nodes>,
    pub free: Vec<(&'a Document, &'a Free)>,
    pub top: Vec<(&'a Document, &'a Top)>,
    /// Prometheus text: kubelet `/metrics/resource` and the like.
    pub prometheus: Vec<&'a Exposition>,
}

impl<'a> Evidence<'a> {
    pub fn gather(docs: &'a [Document], parsed: &'a [Parsed]) -> Evidence<'a> {
        let mut ev = Evidence {
            docs: docs.iter().collect(),
            ..Default::default()
        };
        let mut unnamed = 0;
        for (doc, p) in docs.iter().zip(parsed) {
            match &p.facts {
                Facts::Meminfo(m) => ev.meminfo.push((doc, m)),
                Facts::MemoryStat(stat) => {
                    let name = stat.cgroup.clone().unwrap_or_else(|| {
                        unnamed += 1;
                        format!("pasted-{unnamed}")
                    });
                    let files = ev.cgroup_entry(name);
                    files.version = Some(stat.version);
                    if files.stat.is_none() {
                        files.stat = Some(stat);
                    }
                    if files.usage.is_none() {
                        files.usage = stat.usage.clone();
                    }
                    if files.limit.is_none() {
                        files.limit = stat.limit.clone();
                    }
                }
                Facts::CgroupValue(value) => {
                    let name = value.cgroup.clone().unwrap_or_else(|| {
                        // A lone number without a path belongs with the lone memory.stat
                        // pasted beside it, if there is exactly one.
                        if unnamed == 1 {
                            "pasted-1".to_string()
                        } else {
                            format!("pasted-{}", unnamed + 1)
                        }
                    });
                    let files = ev.cgroup_entry(name);
                    files.version.get_or_insert(value.file.version());
                    if let Some(v) = &value.value {
                        if value.file.is_limit() {
                            files.limit.get_or_insert_with(|| v.clone());
                        } else if let Limit::Bytes(b) = v.value {
                            files.usage.get_or_insert(Val::new(b, v.at));
                        }
                    }
                }
                Facts::KubectlTopNode(t) => ev.top_nodes.push(t),
                Facts::KubectlTopPod(t) => ev.top_pods.push(t),
                Facts::KubectlDescribeNode(d) => ev.describes.push(d),
                Facts::KubeletLog(l) => ev.logs.push(l),
                Facts::Version(v) => ev.versions.push(v),
                Facts::KubeletSummary(s) => ev.summaries.push(s),
                Facts::MetricsNodes(m) => ev.node_metrics.push(m),
                Facts::MetricsPods(m) => ev.pod_metrics.push(m),
                Facts::KubectlNode(n) => ev.nodes.push(n),
                Facts::Free(f) => ev.free.push((doc, f)),
                Facts::Top(t) => ev.top.push((doc, t)),
                Facts::Prometheus(p) => ev.prometheus.push(p),
                _ => {}
            }
        }
        ev
    }

    fn cgroup_entry(&mut self, name: String) -> &mut CgroupFiles<'a> {
        let index = match self.cgroups.iter().position(|c| c.name == name) {
            Some(i) => i,
            None => {
                self.cgroups.push(CgroupFiles {
                    name,
                    version: None,
                    stat: None,
                    usage: None,
                    limit: None,
                });
                self.cgroups.len() - 1
            }
        };
        &mut self.cgroups[index]
    }

    /// The node's `/proc/meminfo`: the first one pasted.
    pub fn meminfo(&self) -> Option<&'a Meminfo> {
        self.meminfo.first().map(|(_, m)| *m)
    }

    pub fn root(&self) -> Option<&CgroupFiles<'a>> {
        self.cgroups.iter().find(|c| c.is_root())
    }

    pub fn kubepods(&self) -> Option<&CgroupFiles<'a>> {
        self.cgroups.iter().find(|c| c.is_kubepods())
    }

    pub fn doc(&self, at: At) -> Option<&'a Document> {
        self.docs.iter().copied().find(|d| d.id == at.doc)
    }
}

impl crate::account::term::Lookup for Meminfo {
    /// `kB` lines in KiB, hugepage counts as counts, as the formulas name them.
    fn get_value(&self, key: &str) -> Option<u64> {
        self.get(key).map(|e| e.value)
    }
}

impl crate::account::term::Lookup for MemoryStat {
    fn get_value(&self, key: &str) -> Option<u64> {
        self.get(key).map(|v| v.value)
    }
}

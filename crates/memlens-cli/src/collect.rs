//! `memlens collect`: this machine's inputs as one bundle that pastes into the page and pipes
//! into `memlens explain -` unchanged.
//!
//! Files appear under `==> path <==` headers, as `head` prints several files; command output
//! under a `$ command` line, as a terminal shows it. Both are boundaries the core's splitter
//! knows, and the path or command names the document, which is what tells the core the kind of a
//! one-number file (`memory.current`) and which cgroup it belongs to.
//!
//! What is read: `/proc/meminfo`; the root memory cgroup's and the kubelet's pods cgroup's
//! memory files, on whichever hierarchy holds the memory controller (cgroup v1, v2, or a hybrid
//! of both, found in `/proc/self/mountinfo`); the kernel release; `free -V`; and with
//! `--kubectl NODE`, the node's kubelet summary, resource metrics, node object and metrics-server
//! view through `kubectl`.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Result, bail};

#[derive(clap::Args, Debug)]
#[command(after_long_help = COLLECT_EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub options: Options,
}

/// Where and what to collect; shared with `memlens explain --live`.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct Options {
    /// Also fetch NODE's kubelet /stats/summary and /metrics/resource, its node object and its
    /// metrics-server view with kubectl (when kubectl is on PATH).
    #[arg(long, value_name = "NODE")]
    pub kubectl: Option<String>,

    /// Read /proc and /sys under DIR instead of / (a copy of a node's files; used by the
    /// tests). Headers still show the paths as on the machine.
    #[arg(long, value_name = "DIR", hide = true)]
    pub sysroot: Option<PathBuf>,
}

pub const ABOUT: &str = "\
Print this machine's inputs as one bundle: /proc/meminfo, the root memory cgroup's and the \
kubelet's pods cgroup's memory files (cgroup v1, v2 or hybrid, found in /proc/self/mountinfo), \
the kernel release and `free -V`. Files appear under `==> path <==` headers and command output \
under `$ command` lines, so the bundle pastes into the memlens page and pipes into \
`memlens explain -` unchanged. Run it on the node itself (in a container it sees the \
container's cgroup, and says so).

With --kubectl NODE it also runs, for that node:
  kubectl get --raw /api/v1/nodes/NODE/proxy/stats/summary
  kubectl get --raw /api/v1/nodes/NODE/proxy/metrics/resource
  kubectl get node NODE -o json
  kubectl get --raw /apis/metrics.k8s.io/v1beta1/nodes/NODE
  kubectl top node NODE
Whatever cannot be read is named on standard error, and the rest is still printed.";

const COLLECT_EXAMPLES: &str = "\
Examples:
  memlens collect > node-a.txt                  # then paste node-a.txt into the page
  memlens collect --kubectl node-a | memlens explain -
  ssh node-a memlens collect | memlens explain -";

/// How long each kubectl request may take: a hung API server must not hang the collection.
const KUBECTL_TIMEOUT: &str = "--request-timeout=30s";

/// What heads a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Header {
    /// `==> /proc/meminfo <==`.
    Path(String),
    /// `$ free -V`.
    Command(String),
}

/// One file or one command's output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub header: Header,
    pub body: String,
}

/// The collected sections and what could not be collected.
#[derive(Debug, Default)]
pub struct Bundle {
    pub sections: Vec<Section>,
    /// One sentence each, for standard error.
    pub notes: Vec<String>,
}

impl Bundle {
    /// The bundle as text: sections apart by a blank line, as `head` separates files.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for (index, section) in self.sections.iter().enumerate() {
            if index > 0 {
                text.push('\n');
            }
            match &section.header {
                Header::Path(path) => text.push_str(&format!("==> {path} <==\n")),
                Header::Command(command) => text.push_str(&format!("$ {command}\n")),
            }
            text.push_str(&section.body);
            if !section.body.ends_with('\n') {
                text.push('\n');
            }
        }
        text
    }

    fn file(&mut self, root: &Path, path: &str) -> bool {
        match std::fs::read(on_root(root, path)) {
            Ok(bytes) => {
                self.sections.push(Section {
                    header: Header::Path(path.to_string()),
                    body: String::from_utf8_lossy(&bytes).into_owned(),
                });
                true
            }
            Err(_) => false,
        }
    }
}

pub fn run(args: Args) -> Result<ExitCode> {
    let bundle = collect(&args.options)?;
    for note in &bundle.notes {
        eprintln!("memlens collect: {note}");
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(bundle.text().as_bytes());
    let has_meminfo = bundle
        .sections
        .iter()
        .any(|s| s.header == Header::Path("/proc/meminfo".into()));
    Ok(if has_meminfo {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Collects everything the options ask for.
pub fn collect(options: &Options) -> Result<Bundle> {
    if let Some(node) = &options.kubectl
        && !is_node_name(node)
    {
        bail!("--kubectl {node:?}: expected a node name (letters, digits, `-` and `.`)");
    }
    let root = options
        .sysroot
        .clone()
        .unwrap_or_else(|| PathBuf::from("/"));
    let mut bundle = collect_files(&root);
    collect_free_version(&mut bundle);
    if let Some(node) = &options.kubectl {
        collect_kubectl(&mut bundle, node);
    }
    Ok(bundle)
}

/// The files under `root`: meminfo, the cgroups, the kernel release.
pub fn collect_files(root: &Path) -> Bundle {
    let mut bundle = Bundle::default();
    if !bundle.file(root, "/proc/meminfo") {
        bundle
            .notes
            .push("cannot read /proc/meminfo: the bundle has no meminfo".into());
    }

    match memory_hierarchy(root) {
        Some(hierarchy) => collect_cgroups(&mut bundle, root, &hierarchy),
        None => bundle.notes.push(
            "no memory cgroup hierarchy found in /proc/self/mountinfo or /proc/mounts: no \
             cgroup files collected"
                .into(),
        ),
    }

    if !bundle.file(root, "/proc/sys/kernel/osrelease") {
        bundle
            .notes
            .push("cannot read /proc/sys/kernel/osrelease: no kernel release".into());
    }
    bundle
}

/// The cgroup version of a hierarchy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CgroupVersion {
    V1,
    V2,
}

/// The hierarchy that holds the memory controller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hierarchy {
    pub version: CgroupVersion,
    /// Where it is mounted, as on the machine (`/sys/fs/cgroup/memory`).
    pub mount: String,
    /// The cgroup the mount shows as its top (`/` on a host; a container's own cgroup inside
    /// a container).
    pub top: String,
}

/// Finds the memory controller: a v1 `cgroup` mount with the `memory` option, else a `cgroup2`
/// mount whose `cgroup.controllers` lists `memory`. A hybrid machine has both kinds of mount;
/// the controller is on exactly one of them.
pub fn memory_hierarchy(root: &Path) -> Option<Hierarchy> {
    let mounts = match std::fs::read_to_string(on_root(root, "/proc/self/mountinfo")) {
        Ok(text) => parse_mountinfo(&text),
        Err(_) => std::fs::read_to_string(on_root(root, "/proc/mounts"))
            .map(|text| parse_mounts(&text))
            .unwrap_or_default(),
    };
    let v1 = mounts
        .iter()
        .find(|m| m.fstype == "cgroup" && m.options.split(',').any(|option| option == "memory"));
    if let Some(m) = v1 {
        return Some(Hierarchy {
            version: CgroupVersion::V1,
            mount: m.mount_point.clone(),
            top: m.top.clone(),
        });
    }
    mounts
        .iter()
        .filter(|m| m.fstype == "cgroup2")
        .find(|m| controls_memory(root, &m.mount_point))
        .map(|m| Hierarchy {
            version: CgroupVersion::V2,
            mount: m.mount_point.clone(),
            top: m.top.clone(),
        })
}

fn controls_memory(root: &Path, mount: &str) -> bool {
    let path = format!("{}/cgroup.controllers", mount.trim_end_matches('/'));
    std::fs::read_to_string(on_root(root, &path))
        .is_ok_and(|text| text.split_whitespace().any(|c| c == "memory"))
}

/// One mount, as far as finding cgroups needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub top: String,
    pub mount_point: String,
    pub fstype: String,
    /// The superblock options (`rw,memory` for a v1 memory hierarchy).
    pub options: String,
}

/// `/proc/self/mountinfo`: `id parent dev root mount-point options [optional…] - fstype source
/// super-options`.
pub fn parse_mountinfo(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let (before, after) = line.split_once(" - ")?;
            let before: Vec<&str> = before.split_whitespace().collect();
            let mut after = after.split_whitespace();
            let fstype = after.next()?;
            let _source = after.next();
            let options = after.next().unwrap_or("");
            Some(Mount {
                top: unescape(before.get(3)?),
                mount_point: unescape(before.get(4)?),
                fstype: fstype.to_string(),
                options: options.to_string(),
            })
        })
        .collect()
}

/// `/proc/mounts`: `source mount-point fstype options 0 0`; it does not say which cgroup a
/// mount shows, so the top is taken as `/`.
pub fn parse_mounts(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            Some(Mount {
                top: "/".into(),
                mount_point: unescape(words.get(1)?),
                fstype: words.get(2)?.to_string(),
                options: words.get(3).unwrap_or(&"").to_string(),
            })
        })
        .collect()
}

/// The kernel writes space, tab, newline and backslash in mount paths as `\040`-style octal.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let digits = rest.get(at + 1..at + 4).unwrap_or("");
        match u8::from_str_radix(digits, 8) {
            Ok(byte) if digits.len() == 3 => {
                out.push(char::from(byte));
                rest = &rest[at + 4..];
            }
            _ => {
                out.push('\\');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The root cgroup's and the pods cgroup's memory files.
fn collect_cgroups(bundle: &mut Bundle, root: &Path, hierarchy: &Hierarchy) {
    let mount = hierarchy.mount.trim_end_matches('/');
    if hierarchy.top != "/" {
        bundle.notes.push(format!(
            "{mount} shows cgroup {} of its hierarchy, not the root: these are a container's \
             numbers; run memlens on the node for the node's",
            hierarchy.top
        ));
    }
    if !matches!(
        mount,
        "/sys/fs/cgroup" | "/sys/fs/cgroup/memory" | "/sys/fs/cgroup/unified"
    ) {
        // TODO: the core names a cgroup by its path under the standard mount points only, so a
        // hierarchy mounted elsewhere reads back with its full path as the cgroup's name.
        bundle.notes.push(format!(
            "the memory controller is mounted at {mount}, not a standard place: the report may \
             not recognise the root cgroup"
        ));
    }
    let (root_files, pod_files): (&[&str], &[&str]) = match hierarchy.version {
        CgroupVersion::V1 => (
            &["memory.stat", "memory.usage_in_bytes"],
            &[
                "memory.stat",
                "memory.usage_in_bytes",
                "memory.limit_in_bytes",
            ],
        ),
        // The v2 root has no memory.current or memory.max; a container's top cgroup has them.
        CgroupVersion::V2 => (
            &["memory.stat", "memory.current", "memory.max"],
            &["memory.stat", "memory.current", "memory.max"],
        ),
    };

    let mut read_any = false;
    for file in root_files {
        read_any |= bundle.file(root, &format!("{mount}/{file}"));
    }
    if !read_any {
        bundle.notes.push(format!(
            "cannot read {mount}/memory.stat: no root cgroup files"
        ));
    }

    // The kubelet's pods cgroup: `kubepods.slice` with the systemd driver, `kubepods` with
    // cgroupfs.
    let pods = ["kubepods.slice", "kubepods"]
        .into_iter()
        .map(|name| format!("{mount}/{name}"))
        .find(|dir| on_root(root, dir).is_dir());
    match pods {
        Some(dir) => {
            for file in pod_files {
                let path = format!("{dir}/{file}");
                if !bundle.file(root, &path) {
                    bundle.notes.push(format!("cannot read {path}"));
                }
            }
        }
        None => bundle.notes.push(format!(
            "no kubepods.slice or kubepods cgroup under {mount}: not a Kubernetes node, or the \
             kubelet uses another cgroup root"
        )),
    }
}

/// `free -V`: which procps (or BusyBox) the machine's `free` is.
fn collect_free_version(bundle: &mut Bundle) {
    let Some(free) = on_path("free") else {
        bundle
            .notes
            .push("no free on PATH: its version is not in the bundle".into());
        return;
    };
    match Command::new(free).arg("-V").output() {
        Ok(output) => {
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            // BusyBox free has no -V: its usage, on standard error, starts with its banner.
            let banner = stderr.lines().find(|l| l.starts_with("BusyBox v"));
            let body = if output.status.success() && !stdout.trim().is_empty() {
                Some(stdout.into_owned())
            } else {
                banner.map(|line| format!("{line}\n"))
            };
            match body {
                Some(body) => bundle.sections.push(Section {
                    header: Header::Command("free -V".into()),
                    body,
                }),
                None => bundle
                    .notes
                    .push("free -V printed no version: not in the bundle".into()),
            }
        }
        Err(e) => bundle.notes.push(format!("cannot run free -V: {e}")),
    }
}

/// The node's data through kubectl.
fn collect_kubectl(bundle: &mut Bundle, node: &str) {
    let Some(kubectl) = on_path("kubectl") else {
        bundle.notes.push(format!(
            "kubectl is not on PATH: node {node}'s kubelet and API data are not in the bundle"
        ));
        return;
    };
    let summary = format!("/api/v1/nodes/{node}/proxy/stats/summary");
    let resource = format!("/api/v1/nodes/{node}/proxy/metrics/resource");
    let metrics = format!("/apis/metrics.k8s.io/v1beta1/nodes/{node}");
    let commands: [(Vec<&str>, bool); 5] = [
        (vec!["get", "--raw", &summary], true),
        (vec!["get", "--raw", &resource], true),
        (vec!["get", "node", node, "-o", "json"], true),
        // metrics-server may not be installed; kubectl top needs it too.
        (vec!["get", "--raw", &metrics], false),
        (vec!["top", "node", node], false),
    ];
    for (args, required) in commands {
        let mut args = args;
        args.push(KUBECTL_TIMEOUT);
        let shown = format!("kubectl {}", args.join(" "));
        match Command::new(&kubectl).args(&args).output() {
            Ok(output) if output.status.success() && output.stdout.trim_ascii().is_empty() => {
                bundle.notes.push(format!("`{shown}` printed nothing"));
            }
            Ok(output) if output.status.success() => bundle.sections.push(Section {
                header: Header::Command(shown),
                body: String::from_utf8_lossy(&output.stdout).into_owned(),
            }),
            Ok(output) => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let reason = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                let what = if required {
                    "failed"
                } else {
                    "failed (optional)"
                };
                bundle.notes.push(format!("`{shown}` {what}: {reason}"));
            }
            Err(e) => bundle.notes.push(format!("cannot run `{shown}`: {e}")),
        }
    }
}

/// A Kubernetes node name: a DNS subdomain, so nothing that could leave the URL path.
fn is_node_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !name.starts_with(['-', '.'])
}

/// `path` (absolute, as on the machine) under `root`.
fn on_root(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches('/'))
}

/// The first executable `name` in `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(OsStr::new(name)))
        .find(|candidate| {
            std::fs::metadata(candidate)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use memlens_core::Source;
    use memlens_core::input::{self, Kind};

    /// A fresh directory under the system's temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> TempDir {
            use std::sync::atomic::{AtomicU32, Ordering};
            static NEXT: AtomicU32 = AtomicU32::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir()
                .join(format!("memlens-collect-{tag}-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
            TempDir(dir)
        }

        fn write(&self, path: &str, text: &str) {
            let full = on_root(&self.0, path);
            if let Some(parent) = full.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{parent:?}: {e}"));
            }
            std::fs::write(&full, text).unwrap_or_else(|e| panic!("{full:?}: {e}"));
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const MEMINFO: &str = include_str!("../../../tests/fixtures/field/C07/meminfo");
    const V1_STAT: &str = "cache 1000\nrss 2000\ntotal_cache 5920006144\ntotal_rss 474054656\n\
                           total_inactive_file 3560476672\ntotal_active_file 1000\n";
    const V2_STAT: &str = "anon 790425600\nfile 6502666240\ninactive_file 5307346944\n\
                           active_file 1000\n";

    /// This machine's layout: v1 controllers, a v2 hierarchy without memory beside them.
    const HYBRID: &str = "\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
";
    const V2_ONLY: &str = "\
25 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 \
rw,nsdelegate,memory_recursiveprot
";

    fn node(mountinfo: &str) -> TempDir {
        let dir = TempDir::new("node");
        dir.write("/proc/meminfo", MEMINFO);
        dir.write("/proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
        dir.write("/proc/self/mountinfo", mountinfo);
        dir
    }

    /// Each header of the bundle with the kind the core gives its document.
    fn kinds(bundle: &Bundle) -> Vec<(String, Kind)> {
        let docs = input::read(&[Source::paste(bundle.text())], &[]);
        docs.iter()
            .map(|d| (d.name.clone().unwrap_or_default(), d.kind))
            .collect()
    }

    fn owned(rows: &[(&str, Kind)]) -> Vec<(String, Kind)> {
        rows.iter().map(|(n, k)| (n.to_string(), *k)).collect()
    }

    #[test]
    fn hybrid_v1_memory_controller() {
        let dir = node(HYBRID);
        dir.write("/sys/fs/cgroup/memory/memory.stat", V1_STAT);
        dir.write(
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
            "6393991168\n",
        );
        dir.write("/sys/fs/cgroup/memory/kubepods/memory.stat", V1_STAT);
        dir.write(
            "/sys/fs/cgroup/memory/kubepods/memory.usage_in_bytes",
            "1000\n",
        );
        dir.write(
            "/sys/fs/cgroup/memory/kubepods/memory.limit_in_bytes",
            "5000\n",
        );
        dir.write("/sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n");
        let bundle = collect_files(&dir.0);
        let want = owned(&[
            ("/proc/meminfo", Kind::Meminfo),
            ("/sys/fs/cgroup/memory/memory.stat", Kind::Cgroup1MemoryStat),
            (
                "/sys/fs/cgroup/memory/memory.usage_in_bytes",
                Kind::Cgroup1MemoryUsageInBytes,
            ),
            (
                "/sys/fs/cgroup/memory/kubepods/memory.stat",
                Kind::Cgroup1MemoryStat,
            ),
            (
                "/sys/fs/cgroup/memory/kubepods/memory.usage_in_bytes",
                Kind::Cgroup1MemoryUsageInBytes,
            ),
            (
                "/sys/fs/cgroup/memory/kubepods/memory.limit_in_bytes",
                Kind::Cgroup1MemoryLimitInBytes,
            ),
            ("/proc/sys/kernel/osrelease", Kind::Version),
        ]);
        assert_eq!(kinds(&bundle), want, "{}", bundle.text());
        assert!(bundle.notes.is_empty(), "{:?}", bundle.notes);
    }

    #[test]
    fn v2_only_with_systemd_pods_slice() {
        let dir = node(V2_ONLY);
        dir.write(
            "/sys/fs/cgroup/cgroup.controllers",
            "cpuset cpu io memory pids\n",
        );
        dir.write("/sys/fs/cgroup/memory.stat", V2_STAT);
        dir.write("/sys/fs/cgroup/kubepods.slice/memory.stat", V2_STAT);
        dir.write(
            "/sys/fs/cgroup/kubepods.slice/memory.current",
            "7293091840\n",
        );
        dir.write("/sys/fs/cgroup/kubepods.slice/memory.max", "max\n");
        let bundle = collect_files(&dir.0);
        let want = owned(&[
            ("/proc/meminfo", Kind::Meminfo),
            ("/sys/fs/cgroup/memory.stat", Kind::Cgroup2MemoryStat),
            (
                "/sys/fs/cgroup/kubepods.slice/memory.stat",
                Kind::Cgroup2MemoryStat,
            ),
            (
                "/sys/fs/cgroup/kubepods.slice/memory.current",
                Kind::Cgroup2MemoryCurrent,
            ),
            (
                "/sys/fs/cgroup/kubepods.slice/memory.max",
                Kind::Cgroup2MemoryMax,
            ),
            ("/proc/sys/kernel/osrelease", Kind::Version),
        ]);
        assert_eq!(kinds(&bundle), want, "{}", bundle.text());
        assert!(bundle.notes.is_empty(), "{:?}", bundle.notes);
    }

    #[test]
    fn missing_pieces_are_named_and_the_rest_is_kept() {
        // Inside a container: the v2 mount shows the container's own cgroup, which has
        // memory.current and no pods cgroup below it; both are said.
        let dir = node("40 1 0:38 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        dir.write("/sys/fs/cgroup/cgroup.controllers", "memory\n");
        dir.write("/sys/fs/cgroup/memory.stat", V2_STAT);
        dir.write("/sys/fs/cgroup/memory.current", "1000\n");
        let bundle = collect_files(&dir.0);
        let headers: Vec<String> = kinds(&bundle).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            headers,
            [
                "/proc/meminfo",
                "/sys/fs/cgroup/memory.stat",
                "/sys/fs/cgroup/memory.current",
                "/proc/sys/kernel/osrelease"
            ]
        );
        let notes = bundle.notes.join("\n");
        assert!(notes.contains("/kubepods/pod1 of its hierarchy"), "{notes}");
        assert!(
            notes.contains("no kubepods.slice or kubepods cgroup"),
            "{notes}"
        );

        let empty = TempDir::new("empty");
        let bundle = collect_files(&empty.0);
        assert!(bundle.sections.is_empty());
        assert_eq!(bundle.notes.len(), 3, "{:?}", bundle.notes);
    }

    #[test]
    fn mount_tables() {
        let mounts = parse_mountinfo(
            "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n\
             36 31 0:33 / /mnt/with\\040space rw - ext4 /dev/sda1 rw\n\
             garbage line\n",
        );
        let got: Vec<(&str, &str, &str)> = mounts
            .iter()
            .map(|m| {
                (
                    m.mount_point.as_str(),
                    m.fstype.as_str(),
                    m.options.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("/sys/fs/cgroup/memory", "cgroup", "rw,memory"),
                ("/mnt/with space", "ext4", "rw")
            ]
        );
        let mounts = parse_mounts("cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n\n");
        assert_eq!(mounts.len(), 1);
        assert_eq!(mounts[0].fstype, "cgroup2");
        assert_eq!(unescape("a\\011b\\\\c\\0"), "a\tb\\\\c\\0");
    }

    #[test]
    fn node_names() {
        let cases = [
            ("node-a", true),
            ("ip-10-0-1-23.ec2.internal", true),
            ("", false),
            ("a/b", false),
            ("../x", false),
            ("-x", false),
            ("a b", false),
        ];
        for (name, want) in cases {
            assert_eq!(is_node_name(name), want, "{name:?}");
        }
    }
}

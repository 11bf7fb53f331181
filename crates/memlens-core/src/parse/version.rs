//! Version lines of the tools whose numbers memlens reproduces.
//!
//! Which formula a tool used depends on its version: procps-ng `free`/`top` changed `used` in
//! 3.3.10 and again in 4.0.1, runc changed the cgroup v2 root usage in 1.1.9, kubectl renamed its
//! percent headers in 1.32. This module reads the lines that say which version printed a paste:
//! `free -V` / `top -V` (`free from procps-ng 3.3.9`, `procps-ng version 3.3.17`), BusyBox's
//! banner, `uname -r`/`uname -a`, `kubectl version` in both its old `version.Info{…}` form and the
//! short form, and `kubelet --version`.

use serde::Serialize;

use super::number::parse_u64;
use crate::input::{At, Diagnostics, Document};

/// A dotted version: `3.3.9`, `v1.27.3+k3s1`, `5.15.0-1034-gke`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    /// `None` when the version has only two parts (`1.28`).
    pub patch: Option<u64>,
    /// Whatever follows the numbers: `-1034-gke`, `+k3s1`, `-eks-a3b2c1`, `.31-4bfe`.
    pub suffix: String,
}

impl Version {
    /// Whether this version is `major.minor.patch` or later (a missing patch counts as 0).
    pub fn at_least(&self, major: u64, minor: u64, patch: u64) -> bool {
        (self.major, self.minor, self.patch.unwrap_or(0)) >= (major, minor, patch)
    }
}

/// Reads `v1.27.3+k3s1`, `5.15.0-1034-gke`, `3.3.17`, `1.28`. At least `major.minor`; what
/// follows the numbers must start with `-`, `+`, `.`, `_` or `~`. `None` for anything else,
/// including parts past u64.
pub fn parse_version(text: &str) -> Option<Version> {
    let text = text.trim();
    let text = text.strip_prefix('v').unwrap_or(text);
    let mut parts: Vec<u64> = Vec::new();
    let mut rest = text;
    while parts.len() < 3 {
        let end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        parts.push(parse_u64(&rest[..end]).ok()?);
        rest = &rest[end..];
        match rest.strip_prefix('.') {
            Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) && parts.len() < 3 => {
                rest = after;
            }
            _ => break,
        }
    }
    let suffix_ok = rest.is_empty() || rest.starts_with(['-', '+', '.', '_', '~']);
    match (parts.first(), parts.get(1)) {
        (Some(&major), Some(&minor)) if suffix_ok => Some(Version {
            major,
            minor,
            patch: parts.get(2).copied(),
            suffix: rest.to_string(),
        }),
        _ => None,
    }
}

/// What printed a version line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Software {
    /// procps `free`.
    Free,
    /// procps `top`.
    Top,
    /// A procps tool the line does not name (`procps-ng version 3.3.17`).
    Procps,
    BusyBox,
    /// The Linux kernel release (`uname -r`).
    Kernel,
    /// `Client Version` of `kubectl version`.
    Kubectl,
    /// `Server Version` of `kubectl version`: the API server.
    KubernetesServer,
    /// `Kustomize Version` of `kubectl version`.
    Kustomize,
    /// `kubelet --version`, or `Kubelet Version` of `kubectl describe node`.
    Kubelet,
    /// `Kube-Proxy Version` of `kubectl describe node`.
    KubeProxy,
}

/// One version read from a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionLine {
    pub at: At,
    pub text: String,
    pub software: Software,
    /// `procps-ng` or `procps` for procps tools.
    pub package: Option<String>,
    pub version: Version,
}

/// The versions in a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Versions {
    pub lines: Vec<VersionLine>,
}

impl Versions {
    /// The first version of `software` in the document.
    pub fn of(&self, software: Software) -> Option<&VersionLine> {
        self.lines.iter().find(|l| l.software == software)
    }
}

/// Reads the version lines of a document.
pub fn parse(doc: &Document, diags: &mut Diagnostics) -> Versions {
    let mut lines = Vec::new();
    let command = doc.command.as_deref().unwrap_or("");
    // `/proc/sys/kernel/osrelease` holds what `uname -r` prints: a release alone.
    let release_alone =
        command.split_whitespace().any(|w| w == "uname") || doc.basename() == Some("osrelease");
    for line in &doc.lines {
        let text = line.text.trim();
        if text.is_empty() {
            continue;
        }
        if text.starts_with("WARNING:") || text.starts_with("Warning:") {
            diags.note(
                Some(line.no),
                "a warning of the tool, not a version; skipped",
            );
            continue;
        }
        match read_line(text, command, release_alone) {
            Ok(Some((software, package, version))) => lines.push(VersionLine {
                at: doc.at(line.no),
                text: text.to_string(),
                software,
                package,
                version,
            }),
            Ok(None) => diags.error(
                line.no,
                "not a version line memlens knows",
                "`free from procps-ng 3.3.9`, `procps-ng version 3.3.17`, `5.15.0-1034-gke` \
                 (uname -r), `Client Version: v1.28.2` or `Kubernetes v1.27.3`",
            ),
            Err(found) => diags.error(
                line.no,
                format!("`{found}` is not a version number (or one of its parts is past u64)"),
                "a version such as `3.3.17` or `v1.27.3`",
            ),
        }
    }
    if lines.is_empty() && !doc.lines.is_empty() {
        diags.warning(None, "no version was read from this document");
    }
    Versions { lines }
}

type Read = (Software, Option<String>, Version);

/// `Ok(None)`: not a version line; `Err(word)`: a version line whose number cannot be read.
fn read_line<'a>(
    text: &'a str,
    command: &str,
    release_alone: bool,
) -> Result<Option<Read>, &'a str> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let version = |word: &'a str| parse_version(word).ok_or(word);

    // `free from procps-ng 3.3.9`, `top from procps-ng 4.0.2`.
    if let [tool, "from", package, number, ..] = words.as_slice()
        && package.starts_with("procps")
    {
        let software = match *tool {
            "free" => Software::Free,
            "top" => Software::Top,
            _ => Software::Procps,
        };
        return Ok(Some((
            software,
            Some(package.to_string()),
            version(number)?,
        )));
    }
    // `procps-ng version 3.3.17`, `top: procps version 3.2.8`.
    if let Some(at) = words.iter().position(|w| w.starts_with("procps"))
        && words.get(at + 1) == Some(&"version")
        && let Some(number) = words.get(at + 2)
    {
        let tool = words
            .first()
            .filter(|_| at == 1)
            .map(|w| w.trim_end_matches(':'));
        let program = tool.or_else(|| command.split_whitespace().find(|w| !w.contains('=')));
        let software = match program {
            Some("free") => Software::Free,
            Some("top") => Software::Top,
            _ => Software::Procps,
        };
        let package = words.get(at).map(|p| p.to_string());
        return Ok(Some((software, package, version(number)?)));
    }
    // `BusyBox v1.30.1 (2019-05-25 12:14:08 UTC) multi-call binary.`
    if let ["BusyBox", number, ..] = words.as_slice() {
        return Ok(Some((Software::BusyBox, None, version(number)?)));
    }
    // `kubectl version`: `Client Version: v1.28.2` or `Client Version: version.Info{…}`.
    for (label, software) in [
        ("Client Version:", Software::Kubectl),
        ("Server Version:", Software::KubernetesServer),
        ("Kustomize Version:", Software::Kustomize),
        ("Kubelet Version:", Software::Kubelet),
        ("Kube-Proxy Version:", Software::KubeProxy),
    ] {
        if let Some(rest) = text.strip_prefix(label) {
            let rest = rest.trim();
            let number = git_version(rest).unwrap_or(rest);
            return Ok(Some((software, None, version(number)?)));
        }
    }
    // `kubelet --version`: `Kubernetes v1.27.3`.
    if let ["Kubernetes", number] = words.as_slice() {
        return Ok(Some((Software::Kubelet, None, version(number)?)));
    }
    // `uname -a`: `Linux host 5.15.0-1034-gke #1 SMP …`.
    if let ["Linux", _host, release, ..] = words.as_slice()
        && let Some(v) = parse_version(release)
    {
        return Ok(Some((Software::Kernel, None, v)));
    }
    // `uname -r` or `/proc/sys/kernel/osrelease`: a release alone.
    if let [release] = words.as_slice()
        && release_alone
    {
        return Ok(Some((Software::Kernel, None, version(release)?)));
    }
    Ok(None)
}

/// `version.Info{Major:"1", Minor:"19", GitVersion:"v1.19.3", …}` → `v1.19.3`.
fn git_version(text: &str) -> Option<&str> {
    let after = text.split_once("GitVersion:\"")?.1;
    after.split_once('"').map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{DocId, Kind, Line, Severity, Source, read};

    /// One case: command, input, versions read, diagnostics.
    type Case = (
        Option<&'static str>,
        &'static str,
        &'static [(Software, &'static str)],
        &'static [Severity],
    );

    fn doc(command: Option<&str>, text: &str) -> Document {
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
            command: command.map(str::to_string),
            kind: Kind::Version,
            reasons: Vec::new(),
            kind_set: false,
            host: None,
            lines,
        }
    }

    fn v(major: u64, minor: u64, patch: Option<u64>, suffix: &str) -> Version {
        Version {
            major,
            minor,
            patch,
            suffix: suffix.to_string(),
        }
    }

    #[test]
    fn version_numbers() {
        let cases: &[(&str, Option<Version>)] = &[
            ("3.3.9", Some(v(3, 3, Some(9), ""))),
            ("v1.27.3+k3s1", Some(v(1, 27, Some(3), "+k3s1"))),
            ("5.15.0-1034-gke", Some(v(5, 15, Some(0), "-1034-gke"))),
            ("3.3.10.31-4bfe", Some(v(3, 3, Some(10), ".31-4bfe"))),
            ("1.28", Some(v(1, 28, None, ""))),
            ("v1.30.1", Some(v(1, 30, Some(1), ""))),
            (
                "2.6.32-754.el6.x86_64",
                Some(v(2, 6, Some(32), "-754.el6.x86_64")),
            ),
            ("7", None),
            ("1.x", None),
            ("abc", None),
            ("", None),
            ("1.2abc", None),
            ("99999999999999999999.1", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_version(text), *want, "text {text:?}");
        }
        assert!(v(4, 0, Some(1), "").at_least(4, 0, 1));
        assert!(!v(3, 3, Some(17), "").at_least(4, 0, 0));
        assert!(v(1, 28, None, "").at_least(1, 28, 0));
    }

    #[test]
    fn lines() {
        use Software::*;
        #[rustfmt::skip]
        let cases: &[Case] = &[
            (Some("free -V"), "free from procps-ng 3.3.9", &[(Free, "3.3.9")], &[]),
            (None, "top from procps-ng 4.0.2", &[(Top, "4.0.2")], &[]),
            (Some("top -v"), "procps-ng version 3.3.17", &[(Top, "3.3.17")], &[]),
            (None, "procps-ng version 3.3.17", &[(Procps, "3.3.17")], &[]),
            (None, "top: procps version 3.2.8", &[(Top, "3.2.8")], &[]),
            (None, "BusyBox v1.30.1 (2019-05-25 12:14:08 UTC) multi-call binary.", &[(BusyBox, "1.30.1")], &[]),
            (Some("uname -r"), "5.15.0-1034-gke", &[(Kernel, "5.15.0-1034-gke")], &[]),
            (None, "Linux node-a 3.10.0-1160.el7.x86_64 #1 SMP Mon Oct 19 16:18:59 UTC 2020 x86_64 GNU/Linux",
                &[(Kernel, "3.10.0-1160.el7.x86_64")], &[]),
            (Some("kubectl version --short"),
                "Client Version: v1.28.2\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\nServer Version: v1.27.3+k3s1",
                &[(Kubectl, "1.28.2"), (Kustomize, "5.0.4-0.20230601165947-6ce0bf390ce3"), (KubernetesServer, "1.27.3+k3s1")], &[]),
            (Some("kubectl version"),
                "Client Version: version.Info{Major:\"1\", Minor:\"19\", GitVersion:\"v1.19.3\", GitCommit:\"1e11e4a\", GitTreeState:\"clean\", BuildDate:\"2020-10-14T12:50:19Z\", GoVersion:\"go1.15.2\", Compiler:\"gc\", Platform:\"linux/amd64\"}\nServer Version: version.Info{Major:\"1\", Minor:\"18+\", GitVersion:\"v1.18.9-eks-d1db3c\"}",
                &[(Kubectl, "1.19.3"), (KubernetesServer, "1.18.9-eks-d1db3c")], &[]),
            (None, "WARNING: This version information is deprecated and will be replaced with the output from kubectl version --short.\nClient Version: v1.27.1",
                &[(Kubectl, "1.27.1")], &[Severity::Note]),
            (None, "Kubernetes v1.27.3", &[(Kubelet, "1.27.3")], &[]),
            // Garbage, a cut line, an empty document, a number past u64.
            (None, "hello world", &[], &[Severity::Error, Severity::Warning]),
            (None, "free from procps-ng", &[], &[Severity::Error, Severity::Warning]),
            (None, "", &[], &[]),
            (Some("uname -r"), "99999999999999999999.0.0", &[], &[Severity::Error, Severity::Warning]),
            // Tabs.
            (None, "free\tfrom\tprocps-ng\t3.3.10", &[(Free, "3.3.10")], &[]),
        ];
        for (command, text, want, want_diags) in cases {
            let mut diags = Diagnostics::new(DocId(1));
            let got = parse(&doc(*command, text), &mut diags);
            let got: Vec<(Software, String)> = got
                .lines
                .iter()
                .map(|l| {
                    let v = &l.version;
                    let patch = v.patch.map(|p| format!(".{p}")).unwrap_or_default();
                    (
                        l.software,
                        format!("{}.{}{patch}{}", v.major, v.minor, v.suffix),
                    )
                })
                .collect();
            let want: Vec<(Software, String)> =
                want.iter().map(|(s, t)| (*s, t.to_string())).collect();
            assert_eq!(got, want, "text {text:?}");
            let severities: Vec<Severity> = diags.list.iter().map(|d| d.severity).collect();
            assert_eq!(severities, *want_diags, "text {text:?}: {:?}", diags.list);
        }
    }

    #[test]
    fn through_read_with_crlf_and_colour() {
        let docs = read(
            &[Source::paste(
                "$ free -V\r\n\u{1b}[1mfree from procps-ng 3.3.9\u{1b}[0m\r\n",
            )],
            &[],
        );
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].kind, Kind::Version);
        let mut diags = Diagnostics::new(docs[0].id);
        let versions = parse(&docs[0], &mut diags);
        let free = versions
            .of(Software::Free)
            .map(|l| (l.at.line, l.version.clone()));
        assert_eq!(free, Some((2, v(3, 3, Some(9), ""))));
        assert_eq!(versions.lines[0].package.as_deref(), Some("procps-ng"));
        assert!(diags.list.is_empty(), "{:?}", diags.list);
    }

    #[test]
    fn kernel_release_from_osrelease_file() {
        let docs = read(
            &[Source::paste(
                "==> /proc/sys/kernel/osrelease <==\n6.1.0-18-amd64\n",
            )],
            &[],
        );
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].kind, Kind::Version, "{:?}", docs[0].reasons);
        let mut diags = Diagnostics::new(docs[0].id);
        let versions = parse(&docs[0], &mut diags);
        let kernel = versions.of(Software::Kernel).map(|l| l.version.clone());
        assert_eq!(kernel, Some(v(6, 1, Some(0), "-18-amd64")));
        assert!(diags.list.is_empty(), "{:?}", diags.list);
    }
}

//! Accounting: what each tool computes from `/proc/meminfo`, and exactly what it prints.
//!
//! Every function here is pure. It takes a [`MemInfoKib`], a plain record of the meminfo lines
//! a tool reads (in KiB, as the kernel prints them), and returns the tool's numbers and text:
//!
//! - [`procps`]: procps-ng `free` and `top`, for each version generation;
//! - [`busybox`]: BusyBox `free`;
//! - [`htop`]: htop's memory figures and its `Mem` meter text;
//! - [`node_exporter`]: the `node_memory_*` samples and the usual "memory used %" panel;
//! - [`cadvisor`], [`kubelet`], [`eviction`], [`metrics_server`], [`kubectl`]: the Kubernetes
//!   side, from cgroup files to `kubectl top`, with [`term`] carrying each formula's terms.
//!
//! [`cfmt`] and [`gofloat`] reproduce the number formatting of C's `printf` and Go's
//! `strconv.FormatFloat`, which these tools print through.
//!
//! The record is filled by whoever parsed the paste ([`MemInfoKib::from_pairs`] takes the
//! kernel's key names), so this module depends on no parser.

pub mod busybox;
pub mod cadvisor;
pub mod cfmt;
pub mod eviction;
pub mod gofloat;
pub mod htop;
pub mod kubectl;
pub mod kubelet;
pub mod metrics_server;
pub mod nanos;
pub mod node_exporter;
pub mod procps;
pub mod tabwriter;
pub mod term;

use std::fmt;

use serde::{Serialize, Serializer};

/// A `/proc/meminfo` line that some tool here reads. [`MeminfoKey::as_str`] is the key exactly as
/// the kernel prints it (before the colon).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MeminfoKey {
    MemTotal,
    MemFree,
    MemAvailable,
    Buffers,
    Cached,
    SwapCached,
    ActiveFile,
    InactiveFile,
    Shmem,
    Slab,
    SReclaimable,
    SwapTotal,
    SwapFree,
    CommitLimit,
    CommittedAs,
    LowTotal,
    LowFree,
    HighTotal,
    HighFree,
    HugePagesTotal,
    Hugepagesize,
    Hugetlb,
    Zswap,
    Zswapped,
}

impl MeminfoKey {
    pub const ALL: [MeminfoKey; 24] = [
        MeminfoKey::MemTotal,
        MeminfoKey::MemFree,
        MeminfoKey::MemAvailable,
        MeminfoKey::Buffers,
        MeminfoKey::Cached,
        MeminfoKey::SwapCached,
        MeminfoKey::ActiveFile,
        MeminfoKey::InactiveFile,
        MeminfoKey::Shmem,
        MeminfoKey::Slab,
        MeminfoKey::SReclaimable,
        MeminfoKey::SwapTotal,
        MeminfoKey::SwapFree,
        MeminfoKey::CommitLimit,
        MeminfoKey::CommittedAs,
        MeminfoKey::LowTotal,
        MeminfoKey::LowFree,
        MeminfoKey::HighTotal,
        MeminfoKey::HighFree,
        MeminfoKey::HugePagesTotal,
        MeminfoKey::Hugepagesize,
        MeminfoKey::Hugetlb,
        MeminfoKey::Zswap,
        MeminfoKey::Zswapped,
    ];

    /// The key as `/proc/meminfo` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            MeminfoKey::MemTotal => "MemTotal",
            MeminfoKey::MemFree => "MemFree",
            MeminfoKey::MemAvailable => "MemAvailable",
            MeminfoKey::Buffers => "Buffers",
            MeminfoKey::Cached => "Cached",
            MeminfoKey::SwapCached => "SwapCached",
            MeminfoKey::ActiveFile => "Active(file)",
            MeminfoKey::InactiveFile => "Inactive(file)",
            MeminfoKey::Shmem => "Shmem",
            MeminfoKey::Slab => "Slab",
            MeminfoKey::SReclaimable => "SReclaimable",
            MeminfoKey::SwapTotal => "SwapTotal",
            MeminfoKey::SwapFree => "SwapFree",
            MeminfoKey::CommitLimit => "CommitLimit",
            MeminfoKey::CommittedAs => "Committed_AS",
            MeminfoKey::LowTotal => "LowTotal",
            MeminfoKey::LowFree => "LowFree",
            MeminfoKey::HighTotal => "HighTotal",
            MeminfoKey::HighFree => "HighFree",
            MeminfoKey::HugePagesTotal => "HugePages_Total",
            MeminfoKey::Hugepagesize => "Hugepagesize",
            MeminfoKey::Hugetlb => "Hugetlb",
            MeminfoKey::Zswap => "Zswap",
            MeminfoKey::Zswapped => "Zswapped",
        }
    }

    /// The key for a meminfo name (`Inactive(file)` → [`MeminfoKey::InactiveFile`]); `None` for
    /// keys no tool here reads.
    pub fn from_name(name: &str) -> Option<MeminfoKey> {
        MeminfoKey::ALL.into_iter().find(|key| key.as_str() == name)
    }
}

impl fmt::Display for MeminfoKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for MeminfoKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An input a computation needed and did not get.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Input {
    /// A `/proc/meminfo` line.
    Meminfo(MeminfoKey),
    /// `/proc/sys/vm/min_free_kbytes`, which procps 3.3.10–3.3.17 read to estimate `available`
    /// on kernels without `MemAvailable`.
    MinFreeKbytes,
}

impl Input {
    /// `MemAvailable` or `/proc/sys/vm/min_free_kbytes`.
    pub fn name(self) -> &'static str {
        match self {
            Input::Meminfo(key) => key.as_str(),
            Input::MinFreeKbytes => "/proc/sys/vm/min_free_kbytes",
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Input {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// The `/proc/meminfo` lines the tools here read, in KiB as printed (`kB` means KiB), except
/// `hugepages_total`, which is a count. `None` is a line the paste does not have: every tool
/// here then reads it as 0, as the real tool does when the kernel lacks the line, and the
/// computations list it among their missing inputs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MemInfoKib {
    /// `MemTotal`: usable RAM.
    pub mem_total: Option<u64>,
    /// `MemFree`: free pages.
    pub mem_free: Option<u64>,
    /// `MemAvailable`: the kernel's estimate of memory available without swapping (3.14+).
    pub mem_available: Option<u64>,
    /// `Buffers`: block-device page cache.
    pub buffers: Option<u64>,
    /// `Cached`: page cache other than buffers and swap cache; includes `Shmem`.
    pub cached: Option<u64>,
    /// `SwapCached`: swap cache.
    pub swap_cached: Option<u64>,
    /// `Active(file)` (2.6.28+).
    pub active_file: Option<u64>,
    /// `Inactive(file)` (2.6.28+).
    pub inactive_file: Option<u64>,
    /// `Shmem`: tmpfs, SysV shm and shared anonymous memory (2.6.32+).
    pub shmem: Option<u64>,
    /// `Slab`: all slab memory.
    pub slab: Option<u64>,
    /// `SReclaimable`: reclaimable slab (2.6.19+).
    pub s_reclaimable: Option<u64>,
    /// `SwapTotal`.
    pub swap_total: Option<u64>,
    /// `SwapFree`.
    pub swap_free: Option<u64>,
    /// `CommitLimit`.
    pub commit_limit: Option<u64>,
    /// `Committed_AS`.
    pub committed_as: Option<u64>,
    /// `LowTotal` (32-bit highmem kernels only).
    pub low_total: Option<u64>,
    /// `LowFree` (32-bit highmem kernels only).
    pub low_free: Option<u64>,
    /// `HighTotal` (32-bit highmem kernels only).
    pub high_total: Option<u64>,
    /// `HighFree` (32-bit highmem kernels only).
    pub high_free: Option<u64>,
    /// `HugePages_Total`: a count of default-size huge pages, not KiB.
    pub hugepages_total: Option<u64>,
    /// `Hugepagesize`: the default huge page size.
    pub hugepagesize: Option<u64>,
    /// `Hugetlb`: all hugetlb pools (4.18+).
    pub hugetlb: Option<u64>,
    /// `Zswap`: compressed size of the zswap pool (5.19+).
    pub zswap: Option<u64>,
    /// `Zswapped`: uncompressed size of what zswap holds (5.19+).
    pub zswapped: Option<u64>,
    /// `/proc/sys/vm/min_free_kbytes` (not a meminfo line): procps 3.3.10–3.3.17 read it to
    /// estimate `available` when `MemAvailable` is missing or 0.
    pub min_free_kbytes: Option<u64>,
}

impl MemInfoKib {
    /// Builds the record from `(key, KiB)` pairs named as in `/proc/meminfo` (`Inactive(file)`).
    /// Keys no tool here reads are ignored; a repeated key keeps its last value, as procps does.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, u64)>) -> MemInfoKib {
        let mut mem = MemInfoKib::default();
        for (name, value) in pairs {
            if let Some(key) = MeminfoKey::from_name(name) {
                *mem.slot(key) = Some(value);
            }
        }
        mem
    }

    /// The value of one line, `None` when the paste lacks it.
    pub fn get(&self, key: MeminfoKey) -> Option<u64> {
        match key {
            MeminfoKey::MemTotal => self.mem_total,
            MeminfoKey::MemFree => self.mem_free,
            MeminfoKey::MemAvailable => self.mem_available,
            MeminfoKey::Buffers => self.buffers,
            MeminfoKey::Cached => self.cached,
            MeminfoKey::SwapCached => self.swap_cached,
            MeminfoKey::ActiveFile => self.active_file,
            MeminfoKey::InactiveFile => self.inactive_file,
            MeminfoKey::Shmem => self.shmem,
            MeminfoKey::Slab => self.slab,
            MeminfoKey::SReclaimable => self.s_reclaimable,
            MeminfoKey::SwapTotal => self.swap_total,
            MeminfoKey::SwapFree => self.swap_free,
            MeminfoKey::CommitLimit => self.commit_limit,
            MeminfoKey::CommittedAs => self.committed_as,
            MeminfoKey::LowTotal => self.low_total,
            MeminfoKey::LowFree => self.low_free,
            MeminfoKey::HighTotal => self.high_total,
            MeminfoKey::HighFree => self.high_free,
            MeminfoKey::HugePagesTotal => self.hugepages_total,
            MeminfoKey::Hugepagesize => self.hugepagesize,
            MeminfoKey::Hugetlb => self.hugetlb,
            MeminfoKey::Zswap => self.zswap,
            MeminfoKey::Zswapped => self.zswapped,
        }
    }

    fn slot(&mut self, key: MeminfoKey) -> &mut Option<u64> {
        match key {
            MeminfoKey::MemTotal => &mut self.mem_total,
            MeminfoKey::MemFree => &mut self.mem_free,
            MeminfoKey::MemAvailable => &mut self.mem_available,
            MeminfoKey::Buffers => &mut self.buffers,
            MeminfoKey::Cached => &mut self.cached,
            MeminfoKey::SwapCached => &mut self.swap_cached,
            MeminfoKey::ActiveFile => &mut self.active_file,
            MeminfoKey::InactiveFile => &mut self.inactive_file,
            MeminfoKey::Shmem => &mut self.shmem,
            MeminfoKey::Slab => &mut self.slab,
            MeminfoKey::SReclaimable => &mut self.s_reclaimable,
            MeminfoKey::SwapTotal => &mut self.swap_total,
            MeminfoKey::SwapFree => &mut self.swap_free,
            MeminfoKey::CommitLimit => &mut self.commit_limit,
            MeminfoKey::CommittedAs => &mut self.committed_as,
            MeminfoKey::LowTotal => &mut self.low_total,
            MeminfoKey::LowFree => &mut self.low_free,
            MeminfoKey::HighTotal => &mut self.high_total,
            MeminfoKey::HighFree => &mut self.high_free,
            MeminfoKey::HugePagesTotal => &mut self.hugepages_total,
            MeminfoKey::Hugepagesize => &mut self.hugepagesize,
            MeminfoKey::Hugetlb => &mut self.hugetlb,
            MeminfoKey::Zswap => &mut self.zswap,
            MeminfoKey::Zswapped => &mut self.zswapped,
        }
    }

    /// The value of one line as the tools read it: 0 when absent.
    pub(crate) fn kib(&self, key: MeminfoKey) -> u64 {
        self.get(key).unwrap_or(0)
    }

    /// Those of `keys` the paste lacks, as missing inputs.
    pub fn absent(&self, keys: &[MeminfoKey]) -> Vec<Input> {
        keys.iter()
            .filter(|key| self.get(**key).is_none())
            .map(|key| Input::Meminfo(*key))
            .collect()
    }
}

/// A `major.minor[.patch]` version found in text such as `3.3.17`, `4.0.2-3`,
/// `free from procps-ng 3.3.10` or `htop 3.2.2`: the first run of digits and dots that has at
/// least one dot. Components past `u16` make it unreadable.
pub(crate) fn find_version(text: &str) -> Option<(u16, u16, u16)> {
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        if !bytes.get(start).is_some_and(u8::is_ascii_digit) {
            start += 1;
            continue;
        }
        let mut end = start;
        while bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
        {
            end += 1;
        }
        let run = text.get(start..end).unwrap_or("").trim_end_matches('.');
        let mut parts = run.split('.');
        let major = parts.next().and_then(|p| p.parse::<u16>().ok());
        let minor = parts.next().and_then(|p| p.parse::<u16>().ok());
        let patch = parts.next().map(|p| p.parse::<u16>().ok());
        if let (Some(major), Some(minor)) = (major, minor) {
            match patch {
                None => return Some((major, minor, 0)),
                Some(Some(patch)) => return Some((major, minor, patch)),
                Some(None) => return None,
            }
        }
        start = end.max(start + 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_their_kernel_names() {
        for key in MeminfoKey::ALL {
            assert_eq!(MeminfoKey::from_name(key.as_str()), Some(key), "{key}");
        }
        assert_eq!(MeminfoKey::from_name("Active(anon)"), None);
    }

    #[test]
    fn from_pairs_keeps_known_keys_and_the_last_repeat() {
        let mem = MemInfoKib::from_pairs([
            ("MemTotal", 100),
            ("Inactive(file)", 7),
            ("Active(anon)", 9),
            ("MemTotal", 200),
        ]);
        assert_eq!(mem.mem_total, Some(200));
        assert_eq!(mem.inactive_file, Some(7));
        assert_eq!(
            mem.absent(&[MeminfoKey::MemTotal, MeminfoKey::Shmem]),
            vec![Input::Meminfo(MeminfoKey::Shmem)]
        );
    }

    #[test]
    fn versions_are_found_in_text() {
        type Version = (u16, u16, u16);
        let cases: &[(&str, Option<Version>)] = &[
            ("3.3.17", Some((3, 3, 17))),
            ("4.0.2", Some((4, 0, 2))),
            ("2:4.0.2-3", Some((4, 0, 2))),
            ("free from procps-ng 3.3.10", Some((3, 3, 10))),
            ("htop 3.2", Some((3, 2, 0))),
            ("v1.8.2", Some((1, 8, 2))),
            ("procps-ng 4.0.2.", Some((4, 0, 2))),
            ("version 7", None),
            ("", None),
            ("99999.1.1", None),
        ];
        for (text, want) in cases {
            assert_eq!(find_version(text), *want, "{text:?}");
        }
    }
}

//! Values with the formula terms they were computed from.
//!
//! Every accounting function returns a [`Derived`]: the value, a short formula in the tool's
//! own words, and the [`Term`]s that went into it in formula order. A term's `name` is the
//! kernel or API name of the input (`inactive_file`, `MemTotal`, `status.allocatable.memory`)
//! or the name of an earlier derived value (`working_set`), so the report can look each one up
//! and point at the line it came from. The value is the number the tool used, after any unit
//! conversion the formula states (so `MemTotal` in a term is in kB, as `/proc/meminfo` prints it,
//! when the formula says `MemTotal × 1024`).

use serde::Serialize;

/// A term's value: almost always a count (bytes, kB, nanoseconds, millicores); signed where the
/// copied tool computes in `int64`, a float where it parses or scales with one (an eviction
/// percentage, a CPU-seconds sample).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Num {
    U(u64),
    I(i64),
    F(f64),
}

impl From<u64> for Num {
    fn from(v: u64) -> Self {
        Num::U(v)
    }
}

impl From<i64> for Num {
    fn from(v: i64) -> Self {
        Num::I(v)
    }
}

impl From<f64> for Num {
    fn from(v: f64) -> Self {
        Num::F(v)
    }
}

impl From<f32> for Num {
    fn from(v: f32) -> Self {
        // Exact: every f32 is an f64.
        Num::F(f64::from(v))
    }
}

/// One named input of a formula and the value the formula used.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Term {
    pub name: &'static str,
    pub value: Num,
}

impl Term {
    pub fn new(name: &'static str, value: impl Into<Num>) -> Self {
        Term {
            name,
            value: value.into(),
        }
    }
}

/// A computed value, the formula that produced it, and the terms the formula used.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Derived<T> {
    pub value: T,
    /// The formula in terms of the `terms`' names, e.g. `usage − inactive_file`.
    pub formula: &'static str,
    pub terms: Vec<Term>,
}

impl<T> Derived<T> {
    pub fn new(value: T, formula: &'static str, terms: Vec<Term>) -> Self {
        Derived {
            value,
            formula,
            terms,
        }
    }

    /// The value of the term called `name`, if the formula used one.
    pub fn term(&self, name: &str) -> Option<Num> {
        self.terms.iter().find(|t| t.name == name).map(|t| t.value)
    }
}

/// Inputs a formula needed and did not get, by name (kernel or API names, as in [`Term`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub inputs: Vec<&'static str>,
}

impl Missing {
    pub fn one(name: &'static str) -> Self {
        Missing { inputs: vec![name] }
    }
}

/// Looks a value up by name, `None` when absent: the shape of a parsed `memory.stat` or
/// `/proc/meminfo` as the accounting functions read it. Implemented for maps and slices of pairs
/// so any parser's output can be handed over without copying.
pub trait Lookup {
    fn get_value(&self, key: &str) -> Option<u64>;
}

impl<K: std::borrow::Borrow<str> + Ord> Lookup for std::collections::BTreeMap<K, u64> {
    fn get_value(&self, key: &str) -> Option<u64> {
        self.get(key).copied()
    }
}

impl<K: std::borrow::Borrow<str> + Eq + std::hash::Hash> Lookup
    for std::collections::HashMap<K, u64>
{
    fn get_value(&self, key: &str) -> Option<u64> {
        self.get(key).copied()
    }
}

impl<K: AsRef<str>> Lookup for [(K, u64)] {
    fn get_value(&self, key: &str) -> Option<u64> {
        // The kernel never repeats a key; if a paste does, the last one wins, as a map would.
        self.iter()
            .rev()
            .find(|(k, _)| k.as_ref() == key)
            .map(|(_, v)| *v)
    }
}

impl<K: AsRef<str>, const N: usize> Lookup for [(K, u64); N] {
    fn get_value(&self, key: &str) -> Option<u64> {
        self.as_slice().get_value(key)
    }
}

impl<K: AsRef<str>> Lookup for Vec<(K, u64)> {
    fn get_value(&self, key: &str) -> Option<u64> {
        self.as_slice().get_value(key)
    }
}

impl<L: Lookup + ?Sized> Lookup for &L {
    fn get_value(&self, key: &str) -> Option<u64> {
        (**self).get_value(key)
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    #[test]
    fn lookups_find_keys_and_miss_absent_ones() {
        let pairs = [("anon", 1u64), ("file", 2), ("anon", 3)];
        let map: std::collections::BTreeMap<&str, u64> = pairs.iter().copied().collect();
        let rows: [(&str, Option<u64>, Option<u64>); 3] = [
            ("anon", Some(3), Some(3)),
            ("file", Some(2), Some(2)),
            ("shmem", None, None),
        ];
        for (key, from_pairs, from_map) in rows {
            assert_eq!(pairs.get_value(key), from_pairs, "pairs[{key}]");
            assert_eq!(map.get_value(key), from_map, "map[{key}]");
        }
    }
}

//! The kubelet's memory eviction signals and thresholds, and node allocatable.
//!
//! Sources (kubernetes/kubernetes): `pkg/kubelet/eviction/helpers.go` (`makeSignalObservations`,
//! `thresholdsMet`, `parseThresholdStatement`, `parsePercentage`), `pkg/kubelet/eviction/api/
//! types.go` (`GetThresholdQuantity`), `pkg/kubelet/cm/node_container_manager_linux.go`
//! (`GetNodeAllocatableReservation`, `getNodeAllocatableAbsoluteImpl`) and
//! `pkg/kubelet/nodestatus/setters.go` (`MachineInfo`).
//!
//! * `memory.available` = the node's `availableBytes` (`MemTotal × 1024 − WS_root`), with
//!   capacity `availableBytes + workingSetBytes`; `allocatableMemory.available` is the same
//!   for the kubepods cgroup, whose limit is `capacity − system-reserved − kube-reserved`.
//! * A threshold is a quantity (`100Mi`) or a percentage of the signal's capacity. The
//!   percentage is a `float32` (`float32(ParseFloat(s, 32)) / 100`), so `10%` of
//!   4111208448 is `int64(4111208448 × 0.100000001490116…)` = 411120850, not 411120844.
//! * The threshold is met when `threshold (+ minReclaim while reclaiming) > available`.
//! * Allocatable = `capacity − (system-reserved + kube-reserved + hard memory.available)`,
//!   clamped at 0, then minus every hugepage pool, clamped at 0.

use std::fmt;

use serde::Serialize;

use super::gofloat::go_f64_to_i64;
use super::nanos;
use super::term::{Derived, Term};
use crate::quantity::{Format, Quantity, QuantityError};

/// The value of an eviction threshold as the kubelet holds it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdValue {
    /// A literal quantity (`100Mi`).
    Quantity(Quantity),
    /// A fraction of capacity, as the kubelet's `float32` (`10%` → 0.1f32).
    Percentage(f32),
}

/// Why a threshold text is refused (the kubelet refuses to start with it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdError {
    /// `strconv.ParseFloat(…, 32)` fails on the part before `%`.
    Percentage,
    /// A percentage below 0.
    NegativePercentage,
    /// A fraction above 100 (the kubelet compares the fraction, not the percent, with 100, so
    /// only values past 10000% are refused).
    PercentageAbove100,
    /// Not a quantity.
    Quantity(#[serde(skip)] QuantityError),
    /// A quantity of zero or less.
    NotPositive,
}

impl fmt::Display for ThresholdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ThresholdError::Percentage => f.write_str("not a percentage such as 10%"),
            ThresholdError::NegativePercentage => f.write_str("a percentage below 0%"),
            ThresholdError::PercentageAbove100 => f.write_str("a percentage the kubelet refuses"),
            ThresholdError::Quantity(e) => e.fmt(f),
            ThresholdError::NotPositive => f.write_str("a threshold that is not positive"),
        }
    }
}

/// The Linux default hard threshold, `memory.available<100Mi`.
pub fn default_hard_memory_available() -> ThresholdValue {
    ThresholdValue::Quantity(Quantity::new(100 * 1024 * 1024, Format::BinarySI))
}

/// Reads a threshold value as `parseThresholdStatement` does; `Ok(None)` for `0%` and `100%`,
/// which the kubelet drops (no threshold).
pub fn parse_threshold_value(text: &str) -> Result<Option<ThresholdValue>, ThresholdError> {
    if text.ends_with('%') {
        if text == "0%" || text == "100%" {
            return Ok(None);
        }
        let fraction = parse_percentage(text)?;
        if fraction < 0.0 {
            return Err(ThresholdError::NegativePercentage);
        }
        if fraction > 100.0 {
            return Err(ThresholdError::PercentageAbove100);
        }
        return Ok(Some(ThresholdValue::Percentage(fraction)));
    }
    let quantity = Quantity::parse(text).map_err(ThresholdError::Quantity)?;
    if quantity.is_negative() || quantity.is_zero() {
        return Err(ThresholdError::NotPositive);
    }
    Ok(Some(ThresholdValue::Quantity(quantity)))
}

/// `parsePercentage`: every trailing `%` is trimmed, the rest read as a `float32`
/// (`ParseFloat(s, 32)` rounds straight to `float32`, as Rust's `f32` parse does), then divided
/// by 100 in `float32`. Out-of-range numbers are an error, as `ParseFloat` reports them.
fn parse_percentage(text: &str) -> Result<f32, ThresholdError> {
    let number = text.trim_end_matches('%');
    let value: f32 = number.parse().map_err(|_| ThresholdError::Percentage)?;
    let literal_infinity = number
        .trim_start_matches(['+', '-'])
        .to_ascii_lowercase()
        .starts_with("inf");
    if value.is_infinite() && !literal_infinity {
        return Err(ThresholdError::Percentage);
    }
    Ok(value / 100.0)
}

/// `GetThresholdQuantity`: the threshold in bytes for a signal of the given capacity, exact in
/// 10⁻⁹ units (a literal quantity is used as is; a percentage gives
/// `int64(float64(capacity) × float64(percentage))` bytes).
pub fn threshold_nanos(value: &ThresholdValue, capacity: i64) -> Option<Derived<i128>> {
    match value {
        ThresholdValue::Quantity(q) => {
            let amount = nanos::of(q)?;
            let bytes = nanos::value(amount)?;
            Some(Derived::new(
                amount,
                "threshold quantity",
                vec![Term::new("threshold", bytes)],
            ))
        }
        ThresholdValue::Percentage(fraction) => {
            // The product is float64 and truncated to int64 (amd64 semantics past the range).
            let bytes = go_f64_to_i64(capacity as f64 * f64::from(*fraction));
            Some(Derived::new(
                i128::from(bytes) * 1_000_000_000,
                "int64(float64(capacity) × percentage)",
                vec![
                    Term::new("capacity", capacity),
                    Term::new("percentage", *fraction),
                ],
            ))
        }
    }
}

/// The threshold in whole bytes (`Value()`, rounding a fractional quantity up).
pub fn threshold_bytes(value: &ThresholdValue, capacity: i64) -> Option<Derived<i64>> {
    let d = threshold_nanos(value, capacity)?;
    Some(Derived::new(nanos::value(d.value)?, d.formula, d.terms))
}

/// One eviction signal's observation, as `makeSignalObservations` builds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Observation {
    /// `int64(availableBytes)`.
    pub available: i64,
    /// `int64(availableBytes + workingSetBytes)` (uint64 sum).
    pub capacity: i64,
}

/// The observation from a summary's `availableBytes` and `workingSetBytes` (the node's for
/// `memory.available`, the `pods` system container's for `allocatableMemory.available`).
pub fn observation(available_bytes: u64, working_set: u64) -> Observation {
    // Go converts the uint64s with int64(…): two's complement, as `as` does.
    Observation {
        available: available_bytes as i64,
        capacity: available_bytes.wrapping_add(working_set) as i64,
    }
}

/// The `memory.available` signal from the node's MemTotal and root working set.
pub fn memory_available(mem_total_kb: u64, working_set: u64) -> Derived<i64> {
    let available = mem_total_kb.wrapping_mul(1024).wrapping_sub(working_set);
    Derived::new(
        available as i64,
        "MemTotal × 1024 − working_set",
        vec![
            Term::new("MemTotal", mem_total_kb),
            Term::new("working_set", working_set),
        ],
    )
}

/// The `allocatableMemory.available` signal: the kubepods cgroup's limit minus its working
/// set; `None` when the limit counts as unlimited (the kubelet then has no observation).
pub fn allocatable_memory_available(kubepods_limit: u64, working_set: u64) -> Option<Derived<i64>> {
    let available = super::kubelet::available_bytes(kubepods_limit, working_set)?;
    Some(Derived::new(
        available.value as i64,
        "kubepods limit − kubepods working_set",
        vec![
            Term::new("kubepods_limit", kubepods_limit),
            Term::new("working_set", working_set),
        ],
    ))
}

/// Whether a `<` threshold is met, and by how much it misses.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// The threshold compared, in bytes (with minReclaim added while reclaiming).
    pub threshold: Derived<i64>,
    /// `threshold > available`, the kubelet's strict comparison.
    pub met: bool,
    /// `available − threshold` in bytes: how much more the working set can grow before the
    /// threshold is met (≤ 0 once met).
    pub margin: i64,
}

/// `thresholdsMet` for one `memory.available`-style threshold. `reclaiming` is the kubelet's
/// `enforceMinReclaim`: true while the threshold was met on the previous pass, when minReclaim
/// is added to the threshold.
pub fn evaluate(
    value: &ThresholdValue,
    min_reclaim: Option<&ThresholdValue>,
    reclaiming: bool,
    observed: Observation,
) -> Option<Evaluation> {
    let base = threshold_nanos(value, observed.capacity)?;
    let mut amount = base.value;
    let mut terms = base.terms;
    let mut formula = base.formula;
    if reclaiming && let Some(extra) = min_reclaim {
        let extra = threshold_nanos(extra, observed.capacity)?;
        amount = amount.checked_add(extra.value)?;
        terms.push(Term::new("min_reclaim", nanos::value(extra.value)?));
        formula = "threshold + min_reclaim";
    }
    let available = i128::from(observed.available) * 1_000_000_000;
    let bytes = nanos::value(amount)?;
    Some(Evaluation {
        threshold: Derived::new(bytes, formula, terms),
        met: amount > available,
        margin: observed.available.checked_sub(bytes)?,
    })
}

/// Node allocatable memory and the kubepods limit, from capacity and reservations.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Allocatable {
    /// `status.allocatable.memory` in bytes (rounded up if a reservation had a fraction).
    pub bytes: Derived<i64>,
    /// Its text as the node object serves it (`16290844Ki`).
    pub text: String,
    /// The kubepods cgroup limit: capacity − system-reserved − kube-reserved, without the
    /// eviction reservation or hugepages.
    pub kubepods_limit: Derived<i64>,
}

/// Reservations subtracted from node capacity.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Reservations {
    pub system_reserved: Option<Quantity>,
    pub kube_reserved: Option<Quantity>,
    /// The hard `memory.available` threshold; `None` when the kubelet has none (an explicit
    /// eviction-hard map without it, or `0%`/`100%`).
    pub hard_eviction: Option<ThresholdValue>,
    /// `status.capacity["hugepages-*"]`, each.
    pub hugepages: Vec<Quantity>,
}

impl Reservations {
    /// Kubelet defaults: no reservations, `memory.available<100Mi`, no hugepages.
    pub fn defaults() -> Self {
        Reservations {
            hard_eviction: Some(default_hard_memory_available()),
            ..Default::default()
        }
    }
}

/// `status.allocatable.memory` and the kubepods limit for a node of this `capacity`
/// (`status.capacity.memory`, `MemTotal`Ki).
pub fn allocatable(capacity: &Quantity, reserved: &Reservations) -> Option<Allocatable> {
    let capacity_nanos = nanos::of(capacity)?;
    let capacity_bytes = nanos::value(capacity_nanos)?;
    let system = reserved
        .system_reserved
        .as_ref()
        .map(nanos::of)
        .unwrap_or(Some(0))?;
    let kube = reserved
        .kube_reserved
        .as_ref()
        .map(nanos::of)
        .unwrap_or(Some(0))?;
    let eviction = match &reserved.hard_eviction {
        Some(value) => threshold_nanos(value, capacity_bytes)?.value,
        None => 0,
    };

    let mut terms = vec![
        Term::new("capacity", capacity_bytes),
        Term::new("system_reserved", nanos::value(system)?),
        Term::new("kube_reserved", nanos::value(kube)?),
    ];
    let kubepods = (capacity_nanos - system - kube).max(0);
    let kubepods_limit = Derived::new(
        nanos::value(kubepods)?,
        "max(0, capacity − system_reserved − kube_reserved)",
        terms.clone(),
    );

    // setters.go: one subtraction of the summed reservation, clamped, then each hugepage pool.
    terms.push(Term::new("hard_eviction", nanos::value(eviction)?));
    let mut amount = (capacity_nanos - (system + kube + eviction)).max(0);
    let mut hugepages_total = 0i128;
    for pool in &reserved.hugepages {
        let pool = nanos::of(pool)?;
        hugepages_total += pool;
        amount = (amount - pool).max(0);
    }
    terms.push(Term::new("hugepages", nanos::value(hugepages_total)?));
    let text = nanos::to_quantity(amount, capacity.format())?.canonical();
    Some(Allocatable {
        bytes: Derived::new(
            nanos::value(amount)?,
            "max(0, max(0, capacity − system_reserved − kube_reserved − hard_eviction) − hugepages)",
            terms,
        ),
        text,
        kubepods_limit,
    })
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn threshold_values_parse_as_the_kubelet_does() {
        let rows: &[(&str, Result<Option<ThresholdValue>, ThresholdError>)] = &[
            ("100Mi", Ok(Some(ThresholdValue::Quantity(q("100Mi"))))),
            ("10%", Ok(Some(ThresholdValue::Percentage(0.1)))),
            ("7.5%", Ok(Some(ThresholdValue::Percentage(7.5f32 / 100.0)))),
            ("0%", Ok(None)),
            ("100%", Ok(None)),
            ("100.0%", Ok(Some(ThresholdValue::Percentage(1.0)))),
            // the kubelet compares the fraction with 100
            ("150%", Ok(Some(ThresholdValue::Percentage(1.5)))),
            ("10001%", Err(ThresholdError::PercentageAbove100)),
            ("-5%", Err(ThresholdError::NegativePercentage)),
            ("ten%", Err(ThresholdError::Percentage)),
            ("1e50%", Err(ThresholdError::Percentage)),
            ("%", Err(ThresholdError::Percentage)),
            ("0", Err(ThresholdError::NotPositive)),
            ("-1Gi", Err(ThresholdError::NotPositive)),
        ];
        for (text, expected) in rows {
            assert_eq!(&parse_threshold_value(text), expected, "{text}");
        }
        assert!(matches!(
            parse_threshold_value("100 Mi"),
            Err(ThresholdError::Quantity(_))
        ));
    }

    #[test]
    fn threshold_bytes_rows() {
        let ten = ThresholdValue::Percentage(10.0f32 / 100.0);
        let rows: &[(ThresholdValue, i64, i64)] = &[
            (default_hard_memory_available(), 4111208448, 104857600),
            // accounting.md 9.3 gives 411120844 (float64 0.1); the kubelet's float32 0.1 is
            // 0.100000001490116…, so the threshold is 411120850 (checked with Go 1.19).
            (ten, 4111208448, 411120850),
            (ten, 16786681856, 1678668210),
            (
                ThresholdValue::Percentage(5.0f32 / 100.0),
                16786681856,
                839334105,
            ),
            (
                ThresholdValue::Percentage(7.5f32 / 100.0),
                16786681856,
                1259001189,
            ),
            (
                ThresholdValue::Percentage(0.1f32 / 100.0),
                4111208448,
                4111208,
            ),
            (ThresholdValue::Quantity(q("750Mi")), 0, 786432000),
            (ThresholdValue::Quantity(q("1.5")), 0, 2),
        ];
        for (value, capacity, expected) in rows {
            let actual = threshold_bytes(value, *capacity).map(|d| d.value);
            assert_eq!(actual, Some(*expected), "{value:?} of {capacity}");
        }
    }

    #[test]
    fn signals_and_the_strict_comparison() {
        // accounting.md 9.3: available 3182673920, WS 928534528
        let node = observation(3182673920, 928534528);
        assert_eq!(
            node,
            Observation {
                available: 3182673920,
                capacity: 4111208448
            }
        );
        assert_eq!(memory_available(4014852, 928534528).value, 3182673920);

        let hard = default_hard_memory_available();
        let rows: &[(Observation, bool, i64)] = &[
            (node, false, 3182673920 - 104857600),
            // equal is not met: the comparison is strict
            (observation(104857600, 1), false, 0),
            (observation(104857599, 1), true, -1),
        ];
        for (observed, met, margin) in rows {
            let e = evaluate(&hard, None, false, *observed);
            assert_eq!(
                e.map(|e| (e.met, e.margin)),
                Some((*met, *margin)),
                "{observed:?}"
            );
        }
    }

    #[test]
    fn min_reclaim_counts_only_while_reclaiming() {
        let hard = default_hard_memory_available();
        let reclaim = ThresholdValue::Quantity(q("500Mi"));
        let observed = observation(300 * 1024 * 1024, 1 << 30);
        let rows: &[(bool, bool, i64)] = &[
            (false, false, 200 * 1024 * 1024),
            (true, true, -(300 * 1024 * 1024)),
        ];
        for (reclaiming, met, margin) in rows {
            let e = evaluate(&hard, Some(&reclaim), *reclaiming, observed);
            assert_eq!(
                e.map(|e| (e.met, e.margin)),
                Some((*met, *margin)),
                "reclaiming={reclaiming}"
            );
        }
    }

    #[test]
    fn allocatable_memory_available_uses_the_kubepods_limit() {
        let rows: &[(u64, u64, Option<i64>)] =
            &[(16 << 30, 10 << 30, Some(6 << 30)), (u64::MAX, 1, None)];
        for (limit, ws, expected) in rows {
            assert_eq!(
                allocatable_memory_available(*limit, *ws).map(|d| d.value),
                *expected
            );
        }
    }

    #[test]
    fn allocatable_rows() {
        let defaults = Reservations::defaults();
        let reserved = Reservations {
            system_reserved: Some(q("500Mi")),
            kube_reserved: Some(q("1Gi")),
            hard_eviction: Some(ThresholdValue::Percentage(5.0f32 / 100.0)),
            hugepages: vec![q("1Gi"), q("2Mi")],
        };
        let none = Reservations::default();
        let huge = Reservations {
            hugepages: vec![q("1Ti")],
            ..Reservations::defaults()
        };
        let odd = Reservations {
            system_reserved: Some(q("100M")),
            ..Reservations::defaults()
        };
        let rows: &[(&str, &Reservations, &str, i64, i64)] = &[
            // accounting.md 9.1: capacity 16393244Ki, defaults ⇒ 16290844Ki
            (
                "16393244Ki",
                &defaults,
                "16290844Ki",
                16681824256,
                16786681856,
            ),
            ("4014852Ki", &defaults, "3912452Ki", 4006350848, 4111208448),
            ("16393244Ki", &none, "16393244Ki", 16786681856, 16786681856),
            (
                "16393244Ki",
                &reserved,
                "13273478951",
                16786681856 - 524288000 - 1073741824 - 839334105 - 1073741824 - 2097152,
                16786681856 - 524288000 - 1073741824,
            ),
            ("16393244Ki", &huge, "0", 0, 16786681856),
            // a decimal reservation leaves a byte count that is not a multiple of 1024
            ("16393244Ki", &odd, "16581824256", 16581824256, 16686681856),
        ];
        for (capacity, reserved, text, bytes, kubepods) in rows {
            let a = allocatable(&q(capacity), reserved);
            let actual = a.map(|a| (a.text, a.bytes.value, a.kubepods_limit.value));
            assert_eq!(
                actual,
                Some((text.to_string(), *bytes, *kubepods)),
                "{capacity} {reserved:?}"
            );
        }
    }
}

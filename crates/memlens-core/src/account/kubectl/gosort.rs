//! Go's `sort.Sort`, step for step, so that elements that compare equal end up in the order
//! kubectl leaves them.
//!
//! `kubectl top` orders its rows with `sort.Sort`, which is not stable: since Go 1.19 it is a
//! pattern-defeating quicksort that insertion-sorts ranges of at most 12 elements (stable), but
//! partitions longer ones, moving equal elements around. Rows with equal CPU or memory under
//! `--sort-by` then come out in an order only the same algorithm reproduces. The rules below
//! follow Go's `sort/zsortinterface.go` (pdqsort, choosePivot, partition, partitionEqual,
//! partialInsertionSort, breakPatterns, heapSort) and `sort/sort.go` (`Sort`: the limit is the
//! bit length of n; the breakPatterns generator is xorshift 13, 7, 17 seeded with the range's
//! length, as in Go 1.22 and later — kubectl v1.34 is built with Go 1.24).
//!
//! The comparator must be a strict weak order, as Go's is (integers and byte-wise strings).
//! Indices stay in range by construction; reads and swaps still check them, so a mistake
//! could misorder but never panic.

/// Sorts `items` as Go's `sort.Sort` does with `Less(i, j) = less(&items[i], &items[j])`.
pub fn sort<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = items.len();
    if n <= 1 {
        return;
    }
    let limit = bit_len(n);
    let mut sorter = Sorter { items, less };
    sorter.pdqsort(0, n, limit);
}

/// Go's `bits.Len`: the number of bits needed to write `n`.
fn bit_len(n: usize) -> u32 {
    usize::BITS - n.leading_zeros()
}

/// Ranges at most this long are insertion-sorted.
const MAX_INSERTION: usize = 12;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

struct Sorter<'a, T, F> {
    items: &'a mut [T],
    less: F,
}

impl<T, F: Fn(&T, &T) -> bool> Sorter<'_, T, F> {
    fn less(&self, i: usize, j: usize) -> bool {
        match (self.items.get(i), self.items.get(j)) {
            (Some(a), Some(b)) => (self.less)(a, b),
            _ => false,
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        if i < self.items.len() && j < self.items.len() {
            self.items.swap(i, j);
        }
    }

    fn insertion_sort(&mut self, a: usize, b: usize) {
        for i in a + 1..b {
            let mut j = i;
            while j > a && self.less(j, j - 1) {
                self.swap(j, j - 1);
                j -= 1;
            }
        }
    }

    /// Restores the heap property of `items[first + lo .. first + hi]` below `lo`.
    fn sift_down(&mut self, lo: usize, hi: usize, first: usize) {
        let mut root = lo;
        loop {
            let mut child = 2 * root + 1;
            if child >= hi {
                return;
            }
            if child + 1 < hi && self.less(first + child, first + child + 1) {
                child += 1;
            }
            if !self.less(first + root, first + child) {
                return;
            }
            self.swap(first + root, first + child);
            root = child;
        }
    }

    fn heap_sort(&mut self, a: usize, b: usize) {
        let hi = b - a;
        if hi == 0 {
            return;
        }
        for i in (0..=(hi - 1) / 2).rev() {
            self.sift_down(i, hi, a);
        }
        for i in (0..hi).rev() {
            self.swap(a, a + i);
            self.sift_down(0, i, a);
        }
    }

    fn pdqsort(&mut self, mut a: usize, mut b: usize, mut limit: u32) {
        let mut was_balanced = true;
        let mut was_partitioned = true;
        loop {
            let length = b - a;
            if length <= MAX_INSERTION {
                self.insertion_sort(a, b);
                return;
            }
            // Too many bad pivots: heapsort the rest.
            if limit == 0 {
                self.heap_sort(a, b);
                return;
            }
            if !was_balanced {
                self.break_patterns(a, b);
                limit -= 1;
            }

            let (mut pivot, mut hint) = self.choose_pivot(a, b);
            if hint == Hint::Decreasing {
                self.reverse(a, b);
                // The pivot keeps its element: it now sits as far from the end as it sat from
                // the start.
                pivot = (b - 1) - (pivot - a);
                hint = Hint::Increasing;
            }
            // Likely sorted already: try to finish with a few shifts.
            if was_balanced
                && was_partitioned
                && hint == Hint::Increasing
                && self.partial_insertion_sort(a, b)
            {
                return;
            }
            // The element before the range is not less than the pivot, so nothing in the
            // range is less either: split off the run equal to the pivot. (`a > 0` looks at
            // the whole slice, as Go does.)
            if a > 0 && !self.less(a - 1, pivot) {
                a = self.partition_equal(a, b, pivot);
                continue;
            }

            let (mid, already_partitioned) = self.partition(a, b, pivot);
            was_partitioned = already_partitioned;
            let (left, right) = (mid - a, b - mid);
            let threshold = length / 8;
            if left < right {
                was_balanced = left >= threshold;
                self.pdqsort(a, mid, limit);
                a = mid + 1;
            } else {
                was_balanced = right >= threshold;
                self.pdqsort(mid + 1, b, limit);
                b = mid;
            }
        }
    }

    /// Moves the pivot to `a`, then everything less than it before the returned index and
    /// everything else after; the pivot ends at the returned index. Also says whether
    /// nothing had to move.
    fn partition(&mut self, a: usize, b: usize, pivot: usize) -> (usize, bool) {
        self.swap(a, pivot);
        let (mut i, mut j) = (a + 1, b - 1);
        while i <= j && self.less(i, a) {
            i += 1;
        }
        while i <= j && !self.less(j, a) {
            j -= 1;
        }
        if i > j {
            self.swap(j, a);
            return (j, true);
        }
        self.swap(i, j);
        i += 1;
        j -= 1;
        loop {
            while i <= j && self.less(i, a) {
                i += 1;
            }
            while i <= j && !self.less(j, a) {
                j -= 1;
            }
            if i > j {
                break;
            }
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
        self.swap(j, a);
        (j, false)
    }

    /// Splits a range with nothing less than the pivot into the elements equal to it, then
    /// the greater ones; returns where the greater ones start.
    fn partition_equal(&mut self, a: usize, b: usize, pivot: usize) -> usize {
        self.swap(a, pivot);
        let (mut i, mut j) = (a + 1, b - 1);
        loop {
            while i <= j && !self.less(a, i) {
                i += 1;
            }
            while i <= j && self.less(a, j) {
                j -= 1;
            }
            if i > j {
                return i;
            }
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
    }

    /// Fixes up to five out-of-order neighbours by shifting; true when the range ends sorted.
    /// Ranges shorter than 50 are only checked, not shifted.
    fn partial_insertion_sort(&mut self, a: usize, b: usize) -> bool {
        const MAX_STEPS: usize = 5;
        const SHORTEST_SHIFTING: usize = 50;
        let mut i = a + 1;
        for _ in 0..MAX_STEPS {
            while i < b && !self.less(i, i - 1) {
                i += 1;
            }
            if i == b {
                return true;
            }
            if b - a < SHORTEST_SHIFTING {
                return false;
            }
            self.swap(i, i - 1);
            // Shift the smaller one left (Go stops at index 1 of the whole slice, not at a).
            if i - a >= 2 {
                let mut j = i - 1;
                while j >= 1 {
                    if !self.less(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                    j -= 1;
                }
            }
            // Shift the greater one right.
            if b - i >= 2 {
                let mut j = i + 1;
                while j < b {
                    if !self.less(j, j - 1) {
                        break;
                    }
                    self.swap(j, j - 1);
                    j += 1;
                }
            }
        }
        false
    }

    /// Swaps three elements around the middle with pseudo-random others, after an unbalanced
    /// partition.
    fn break_patterns(&mut self, a: usize, b: usize) {
        let length = b - a;
        if length < 8 {
            return;
        }
        let mut random = length as u64;
        let modulus = 1usize << bit_len(length);
        let middle = a + (length / 4) * 2;
        for index in middle - 1..=middle + 1 {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            let mut other = (random as usize) & (modulus - 1);
            if other >= length {
                other -= length;
            }
            self.swap(index, a + other);
        }
    }

    /// The index of the pivot (median of three, or Tukey's ninther from 50 elements), and
    /// whether the samples looked increasing (no swap) or decreasing (every swap).
    fn choose_pivot(&mut self, a: usize, b: usize) -> (usize, Hint) {
        const SHORTEST_NINTHER: usize = 50;
        const MAX_SWAPS: usize = 4 * 3;
        let length = b - a;
        let mut swaps = 0;
        let mut i = a + length / 4;
        let mut j = a + length / 4 * 2;
        let mut k = a + length / 4 * 3;
        if length >= 8 {
            if length >= SHORTEST_NINTHER {
                i = self.median(i - 1, i, i + 1, &mut swaps);
                j = self.median(j - 1, j, j + 1, &mut swaps);
                k = self.median(k - 1, k, k + 1, &mut swaps);
            }
            j = self.median(i, j, k, &mut swaps);
        }
        let hint = match swaps {
            0 => Hint::Increasing,
            MAX_SWAPS => Hint::Decreasing,
            _ => Hint::Unknown,
        };
        (j, hint)
    }

    /// `(x, y)` ordered so that `items[x] <= items[y]`, counting a swap when they were not.
    fn order2(&self, x: usize, y: usize, swaps: &mut usize) -> (usize, usize) {
        if self.less(y, x) {
            *swaps += 1;
            (y, x)
        } else {
            (x, y)
        }
    }

    /// The index holding the median of three.
    fn median(&self, x: usize, y: usize, z: usize, swaps: &mut usize) -> usize {
        let (x, y) = self.order2(x, y, swaps);
        let (y, _) = self.order2(y, z, swaps);
        let (_, y) = self.order2(x, y, swaps);
        y
    }

    fn reverse(&mut self, a: usize, b: usize) {
        let (mut i, mut j) = (a, b - 1);
        while i < j {
            self.swap(i, j);
            i += 1;
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SplitMix64 stream for test inputs.
    fn stream(seed: u64) -> impl FnMut() -> u64 {
        let mut state = seed;
        move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
    }

    /// `(key, input position)` pairs sorted by key descending, as `--sort-by` does.
    fn by_key_descending(keys: &[i64]) -> Vec<usize> {
        let mut items: Vec<(i64, usize)> = keys.iter().copied().zip(0..).collect();
        sort(&mut items, |a, b| a.0 > b.0);
        items.into_iter().map(|(_, at)| at).collect()
    }

    #[test]
    fn equal_keys_end_where_kubectl_leaves_them() {
        // Rows of real `kubectl top node --sort-by=cpu` (v1.34.5) runs: the CPU millicores in
        // the order the API served the metrics, and the order kubectl printed them in.
        let rows: &[(&[i64], &[usize])] = &[
            // 14 items, two at 0m: kubectl printed the later one first.
            (
                &[
                    1447, 0, 493, 3627, 2750, 1000, 0, 740, 3227, 864, 3768, 3130, 3302, 2,
                ],
                &[10, 3, 12, 8, 11, 4, 0, 5, 9, 7, 2, 13, 6, 1],
            ),
            // 40 items whose sort goes through breakPatterns: only the Go 1.22+ generator
            // (xorshift 13, 7, 17) gives kubectl's order; Go 1.19's (13, 17, 5) swaps the
            // rows at 0m and others.
            (
                &[
                    0, 0, 0, 1, 4, 5, 2, 7, 8, 9, 5, 11, 12, 13, 14, 15, 5, 8, 6, 9, 20, 10, 7, 11,
                    24, 8, 13, 9, 14, 14, 30, 15, 10, 16, 11, 17, 12, 18, 38, 19,
                ],
                &[
                    38, 30, 24, 20, 39, 37, 35, 33, 31, 15, 14, 29, 28, 13, 26, 12, 36, 34, 23, 11,
                    32, 21, 9, 27, 19, 8, 25, 17, 22, 7, 18, 10, 16, 5, 4, 6, 3, 2, 0, 1,
                ],
            ),
            // Up to 12 items Go insertion-sorts: equal keys keep their order.
            (&[5, 1, 5, 1, 5], &[0, 2, 4, 1, 3]),
            (&[0; 12], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
        ];
        for (keys, expected) in rows {
            assert_eq!(by_key_descending(keys), *expected, "keys {keys:?}");
        }
    }

    #[test]
    fn every_input_ends_sorted() {
        let mut next = stream(7);
        for length in 0..300 {
            for distinct in [1, 3, 50, 1_000_000] {
                let mut items: Vec<u64> = (0..length).map(|_| next() % distinct).collect();
                let mut expected = items.clone();
                expected.sort_unstable();
                sort(&mut items, |a, b| a < b);
                assert_eq!(items, expected, "length {length}, {distinct} distinct keys");
            }
        }
        // Sorted, reversed and sawtooth inputs take the shortcut and pattern-breaking paths.
        for length in [13, 49, 50, 51, 200, 1000] {
            for shape in 0..3 {
                let mut items: Vec<usize> = (0..length)
                    .map(|i| match shape {
                        0 => i,
                        1 => length - i,
                        _ => i % 7,
                    })
                    .collect();
                let mut expected = items.clone();
                expected.sort_unstable();
                sort(&mut items, |a, b| a < b);
                assert_eq!(items, expected, "length {length}, shape {shape}");
            }
        }
    }
}

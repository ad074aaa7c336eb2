//! The statistics of C2.3 as a grader computes them: mean, median, quartiles and the frequency
//! of each category, with the equivalent definitions a candidate may have used. A quantile is
//! right when it matches either the continuous definition (linear interpolation: SQL's
//! `PERCENTILE_CONT`, pandas' and numpy's default) or the discrete one (`PERCENTILE_DISC`: the
//! first value whose cumulative share reaches p), within the grader's tolerance.

/// How a quantile is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Percentile {
    /// Linear interpolation between the two nearest values (`PERCENTILE_CONT`).
    Continuous,
    /// The first value whose cumulative share reaches p (`PERCENTILE_DISC`).
    Discrete,
}

/// The numbers a statistics exercise asks for, missing values left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Values counted.
    pub count: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Median (continuous: the mean of the two middle values when the count is even).
    pub median: f64,
    /// First quartile, continuous.
    pub q1: f64,
    /// Third quartile, continuous.
    pub q3: f64,
}

/// Mean, median and quartiles of `values`; `None` when there is none.
pub fn summarize(values: &[f64]) -> Option<Summary> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let count = sorted.len();
    Some(Summary {
        count,
        mean: sorted.iter().sum::<f64>() / count as f64,
        median: quantile_sorted(&sorted, 0.5, Percentile::Continuous),
        q1: quantile_sorted(&sorted, 0.25, Percentile::Continuous),
        q3: quantile_sorted(&sorted, 0.75, Percentile::Continuous),
    })
}

/// The `p` quantile (0 ≤ p ≤ 1) of values already sorted in ascending order.
pub fn quantile_sorted(sorted: &[f64], p: f64, definition: Percentile) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let p = p.clamp(0.0, 1.0);
    match definition {
        Percentile::Continuous => {
            let position = p * (n - 1) as f64;
            let below = position.floor() as usize;
            let above = position.ceil() as usize;
            let weight = position - below as f64;
            sorted[below] + (sorted[above] - sorted[below]) * weight
        }
        Percentile::Discrete => {
            let rank = (p * n as f64).ceil() as usize;
            sorted[rank.clamp(1, n) - 1]
        }
    }
}

/// Which definition of the `p` quantile of `sorted` the candidate's `found` matches, within
/// `tolerance` (absolute); the continuous one is tried first.
pub fn quantile_definition(
    sorted: &[f64],
    p: f64,
    found: f64,
    tolerance: f64,
) -> Option<Percentile> {
    [Percentile::Continuous, Percentile::Discrete]
        .into_iter()
        .find(|&d| (quantile_sorted(sorted, p, d) - found).abs() <= tolerance)
}

/// How often each category occurs, missing values left out, most frequent first (ties in
/// alphabetical order).
pub fn frequencies<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for value in values.into_iter().flatten() {
        let value = value.trim();
        if !value.is_empty() {
            *counts.entry(value.to_owned()).or_default() += 1;
        }
    }
    let mut out: Vec<(String, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_quantile_definitions_on_a_small_sample() {
        let sorted = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&sorted, 0.5, Percentile::Continuous), 2.5);
        assert_eq!(quantile_sorted(&sorted, 0.5, Percentile::Discrete), 2.0);
        assert_eq!(quantile_sorted(&sorted, 0.25, Percentile::Continuous), 1.75);
        assert_eq!(quantile_sorted(&sorted, 0.25, Percentile::Discrete), 1.0);
        assert_eq!(quantile_sorted(&sorted, 1.0, Percentile::Discrete), 4.0);
        assert_eq!(
            quantile_definition(&sorted, 0.5, 2.0, 1e-9),
            Some(Percentile::Discrete)
        );
        assert_eq!(quantile_definition(&sorted, 0.5, 2.2, 1e-9), None);
    }

    #[test]
    fn frequencies_put_the_most_frequent_first() {
        let values = [
            Some("S"),
            Some("C"),
            None,
            Some("S"),
            Some(" "),
            Some("Q"),
            Some("C"),
        ];
        assert_eq!(
            frequencies(values),
            vec![("C".into(), 2), ("S".into(), 2), ("Q".into(), 1)]
        );
    }
}

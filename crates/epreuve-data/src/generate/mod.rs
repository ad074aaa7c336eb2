//! Dataset generators: the exact files of an exam, reproducible from a seed.
//!
//! The random generator is written here rather than taken from a crate so that a dependency
//! upgrade can never change the files a seed produces.

mod retail;

pub use retail::{
    HALLES_VERDIER_SEED, PLANTED, PROGRESS_STEP, RetailScale, SalesBoundary, write_retail,
    write_retail_with_progress,
};

/// The seed of a candidate's own data: neighbours in an exam room get different numbers, and
/// any grading can regenerate exactly the files a candidate was given. FNV-1a over
/// `exam/candidate`, mixed by one SplitMix64 step; both are fixed by their definitions.
pub fn candidate_seed(exam: &str, candidate: &str) -> u64 {
    let hash = crate::fnv1a(
        exam.bytes()
            .chain(std::iter::once(b'/'))
            .chain(candidate.bytes()),
    );
    Rng::new(hash).next_u64()
}

/// The seed of a candidate's own data in a class: [`candidate_seed`] with the centre's
/// `secret` mixed in first, so that no one without the secret (a candidate holding the
/// candidate-side pack) can make another candidate's files. Rows of one candidate's files
/// found in another's table then prove that the files went from one to the other.
pub fn keyed_candidate_seed(secret: &str, exam: &str, candidate: &str) -> u64 {
    let hash = crate::fnv1a(
        secret
            .bytes()
            .chain(std::iter::once(0))
            .chain(exam.bytes())
            .chain(std::iter::once(b'/'))
            .chain(candidate.bytes()),
    );
    Rng::new(hash).next_u64()
}

/// SplitMix64: small, fast, and stable forever (its output is fixed by its definition).
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo + 1) as u64;
        lo + (self.next_u64() % span) as i64
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() as i64 - 1) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::{candidate_seed, keyed_candidate_seed};

    #[test]
    fn a_secret_changes_every_seed() {
        let public = candidate_seed("bloc1-chargement", "k02");
        let a = keyed_candidate_seed("s3cr3t", "bloc1-chargement", "k02");
        let b = keyed_candidate_seed("other", "bloc1-chargement", "k02");
        assert_ne!(public, a);
        assert_ne!(a, b);
        assert_eq!(a, keyed_candidate_seed("s3cr3t", "bloc1-chargement", "k02"));
        assert_ne!(a, keyed_candidate_seed("s3cr3t", "bloc1-chargement", "k03"));
    }

    #[test]
    fn seeds_differ_between_candidates_and_never_change() {
        let a = candidate_seed("bloc1-chargement", "c001");
        assert_eq!(a, candidate_seed("bloc1-chargement", "c001"));
        assert_ne!(a, candidate_seed("bloc1-chargement", "c002"));
        assert_ne!(a, candidate_seed("bloc1-chargemen", "tc001"));
    }
}

//! Declared types against the source profile: the family must be the source's, and the size
//! must hold the largest number or the longest text of the source without being far beyond it.
//! Text lengths are a check of their own because some engines (DuckDB) do not keep them.
//!
//! One mistake, one penalty: a column declared in the wrong family (a date kept as text, a
//! postal code as an integer) loses its share of the types check and is not sized again; a
//! column missing from the table is the columns check's alone.

use epreuve_data::{ColumnProfile, TypeFamily};
use epreuve_db::DeclaredType;
use epreuve_exam::SizingRule;

use epreuve_results::{Said, said};

use super::{ColumnVerdict, Outcome, TableContext};

/// A type family in the reader's words.
pub(crate) fn family_said(family: Option<TypeFamily>) -> Said {
    match family {
        Some(f) => Said::new(&format!("family-{f}")),
        None => said!("family-none"),
    }
}

pub(crate) fn type_family(ctx: &TableContext<'_>) -> Outcome {
    ctx.per_column(said!("what-types"), |profile, info| {
        if profile.nulls == ctx.truth.profile.rows {
            return ColumnVerdict::NotApplicable;
        }
        match info.declared.family {
            Some(family) if family == profile.family => ColumnVerdict::Ok,
            _ => ColumnVerdict::Bad(said!(
                "ev-type-wrong-family",
                column = &profile.name,
                declared = &info.declared.raw,
                declared_family = family_said(info.declared.family),
                family = family_said(Some(profile.family))
            )),
        }
    })
}

/// Numbers' sizes; a decimal's only where the engine declares a precision (not MongoDB).
pub(crate) fn size(ctx: &TableContext<'_>) -> Outcome {
    let decimals = ctx.backend.capabilities().keeps_decimal_precision;
    sized_columns(ctx, said!("what-sizes"), move |family| {
        family != TypeFamily::Text && (decimals || family != TypeFamily::Decimal)
    })
}

/// Only called on engines that keep declared lengths (see [`TableContext::run`]).
pub(crate) fn text_length(ctx: &TableContext<'_>) -> Outcome {
    sized_columns(ctx, said!("what-text-lengths"), |family| {
        family == TypeFamily::Text
    })
}

/// Judges the declared size of the columns whose source family `concerned` selects.
fn sized_columns(
    ctx: &TableContext<'_>,
    what: Said,
    concerned: impl Fn(TypeFamily) -> bool,
) -> Outcome {
    let Some(rule) = &ctx.grader.sizing else {
        return Outcome::not_applicable(said!("ev-no-sizing-rules"));
    };
    ctx.per_column(what, |profile, info| {
        if !concerned(profile.family) || profile.nulls == ctx.truth.profile.rows {
            return ColumnVerdict::NotApplicable;
        }
        let declared = &info.declared;
        if declared.family != Some(profile.family) {
            // The types check charged this column already: one mistake, one penalty.
            return ColumnVerdict::JudgedElsewhere;
        }
        match fit(profile, declared, rule) {
            Ok(()) => ColumnVerdict::Ok,
            Err(problem) => ColumnVerdict::Bad(said!(
                "ev-size-column",
                column = &profile.name,
                problem = problem
            )),
        }
    })
}

/// The standard integer sizes in bytes (SMALLINT, INTEGER, BIGINT).
const INTEGER_LADDER: [u32; 3] = [2, 4, 8];

fn fit(profile: &ColumnProfile, declared: &DeclaredType, rule: &SizingRule) -> Result<(), Said> {
    match profile.family {
        TypeFamily::Integer => fit_integer(profile, declared, rule),
        TypeFamily::Decimal => fit_decimal(profile, declared, rule),
        TypeFamily::Text => fit_text(profile, declared, rule),
        TypeFamily::Date | TypeFamily::Timestamp | TypeFamily::Boolean => Ok(()),
    }
}

/// An integer column: its type holds every value, and is at most the grader's steps above the
/// smallest standard size that does.
fn fit_integer(
    profile: &ColumnProfile,
    declared: &DeclaredType,
    rule: &SizingRule,
) -> Result<(), Said> {
    let (lo, hi) = profile.int_range.unwrap_or((0, 0));
    let (min, max) = declared.int_range.unwrap_or((0, 0));
    if i128::from(lo) < min || i128::from(hi) > max {
        return Err(said!(
            "ev-size-cannot-hold",
            declared = &declared.raw,
            lo = lo.to_string(),
            hi = hi.to_string()
        ));
    }
    let smallest = INTEGER_LADDER
        .iter()
        .position(|&bytes| {
            let limit = 1i128 << (bytes * 8 - 1);
            i128::from(lo) >= -limit && i128::from(hi) < limit
        })
        .unwrap_or(INTEGER_LADDER.len() - 1);
    let allowed =
        INTEGER_LADDER[(smallest + rule.integer_extra_steps).min(INTEGER_LADDER.len() - 1)];
    let bytes = declared.bytes.unwrap_or(0);
    if bytes > allowed {
        return Err(said!(
            "ev-size-integer-too-large",
            declared = &declared.raw,
            bytes = bytes,
            lo = lo.to_string(),
            hi = hi.to_string(),
            needed = INTEGER_LADDER[smallest]
        ));
    }
    Ok(())
}

/// A decimal column: an exact type, with the digits the values need and at most the grader's
/// extra ones.
fn fit_decimal(
    profile: &ColumnProfile,
    declared: &DeclaredType,
    rule: &SizingRule,
) -> Result<(), Said> {
    if declared.is_float {
        return Err(said!(
            "ev-size-float",
            declared = &declared.raw,
            scale = profile.max_scale,
            exact = format!(
                "DECIMAL({},{})",
                profile.max_int_digits + profile.max_scale,
                profile.max_scale
            )
        ));
    }
    let Some((precision, scale)) = declared.decimal else {
        return Err(said!("ev-size-no-precision", declared = &declared.raw));
    };
    let (need_int, need_scale) = (profile.max_int_digits as u32, profile.max_scale as u32);
    let int_digits = precision.saturating_sub(scale);
    let needed = format!("DECIMAL({},{need_scale})", need_int + need_scale);
    if scale < need_scale || int_digits < need_int {
        return Err(said!(
            "ev-size-decimal-too-small",
            declared = &declared.raw,
            needed = needed
        ));
    }
    if int_digits > need_int + rule.decimal_extra_int_digits as u32
        || scale > need_scale + rule.decimal_extra_scale as u32
    {
        return Err(said!(
            "ev-size-decimal-too-large",
            declared = &declared.raw,
            needed = needed
        ));
    }
    Ok(())
}

/// A text column: a length that holds the longest value, within the grader's ratio or slack.
fn fit_text(
    profile: &ColumnProfile,
    declared: &DeclaredType,
    rule: &SizingRule,
) -> Result<(), Said> {
    let longest = profile.max_chars;
    let Some(length) = declared.text_length else {
        return Err(said!(
            "ev-size-no-length",
            declared = &declared.raw,
            longest = longest
        ));
    };
    let length = length as usize;
    let allowed =
        ((longest as f64 * rule.text_max_ratio).ceil() as usize).max(longest + rule.text_min_slack);
    if length < longest {
        Err(said!(
            "ev-size-text-too-short",
            declared = &declared.raw,
            longest = longest
        ))
    } else if length > allowed {
        Err(said!(
            "ev-size-text-too-long",
            declared = &declared.raw,
            longest = longest,
            allowed = allowed
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> SizingRule {
        SizingRule {
            text_max_ratio: 2.0,
            text_min_slack: 10,
            integer_extra_steps: 1,
            decimal_extra_int_digits: 4,
            decimal_extra_scale: 2,
        }
    }

    fn profile(family: TypeFamily) -> ColumnProfile {
        ColumnProfile {
            name: "c".into(),
            family,
            nulls: 0,
            max_chars: 0,
            max_bytes: 0,
            int_range: None,
            max_int_digits: 0,
            max_scale: 0,
        }
    }

    fn declared(raw: &str) -> DeclaredType {
        DeclaredType::parse(raw, None, None)
    }

    #[test]
    fn integers_fit_one_step_above_the_smallest() {
        let p = ColumnProfile {
            int_range: Some((1, 48)),
            ..profile(TypeFamily::Integer)
        };
        assert!(fit(&p, &declared("SMALLINT"), &rule()).is_ok());
        assert!(fit(&p, &declared("TINYINT"), &rule()).is_ok());
        assert!(fit(&p, &declared("INTEGER"), &rule()).is_ok());
        assert!(
            fit(&p, &declared("BIGINT"), &rule())
                .unwrap_err()
                .english()
                .contains("8 bytes")
        );
        let big = ColumnProfile {
            int_range: Some((1, 1_024_000)),
            ..profile(TypeFamily::Integer)
        };
        assert!(
            fit(&big, &declared("SMALLINT"), &rule())
                .unwrap_err()
                .english()
                .contains("cannot hold")
        );
        assert!(fit(&big, &declared("BIGINT"), &rule()).is_ok());
    }

    #[test]
    fn decimals_need_their_scale_and_not_much_more() {
        let p = ColumnProfile {
            max_int_digits: 2,
            max_scale: 2,
            ..profile(TypeFamily::Decimal)
        };
        assert!(fit(&p, &declared("DECIMAL(4,2)"), &rule()).is_ok());
        assert!(fit(&p, &declared("DECIMAL(8,2)"), &rule()).is_ok());
        assert!(
            fit(&p, &declared("DECIMAL(9,2)"), &rule())
                .unwrap_err()
                .english()
                .contains("far larger")
        );
        assert!(
            fit(&p, &declared("DECIMAL(4,1)"), &rule())
                .unwrap_err()
                .english()
                .contains("too small")
        );
        assert!(
            fit(&p, &declared("DECIMAL(3,2)"), &rule())
                .unwrap_err()
                .english()
                .contains("too small")
        );
        assert!(
            fit(&p, &declared("DOUBLE"), &rule())
                .unwrap_err()
                .english()
                .contains("DECIMAL(4,2)")
        );
        assert!(
            fit(&p, &declared("NUMERIC"), &rule())
                .unwrap_err()
                .english()
                .contains("no precision")
        );
    }

    #[test]
    fn texts_hold_the_longest_value_without_doubling_it() {
        let p = ColumnProfile {
            max_chars: 30,
            ..profile(TypeFamily::Text)
        };
        assert!(fit(&p, &declared("VARCHAR(30)"), &rule()).is_ok());
        assert!(fit(&p, &declared("VARCHAR(60)"), &rule()).is_ok());
        assert!(
            fit(&p, &declared("VARCHAR(61)"), &rule())
                .unwrap_err()
                .english()
                .contains("oversized")
        );
        assert!(
            fit(&p, &declared("VARCHAR(29)"), &rule())
                .unwrap_err()
                .english()
                .contains("shorter")
        );
        assert!(
            fit(&p, &declared("TEXT"), &rule())
                .unwrap_err()
                .english()
                .contains("no maximum length")
        );
        let short = ColumnProfile {
            max_chars: 5,
            ..profile(TypeFamily::Text)
        };
        assert!(fit(&short, &declared("VARCHAR(15)"), &rule()).is_ok());
        assert!(fit(&short, &declared("VARCHAR(16)"), &rule()).is_err());
    }
}

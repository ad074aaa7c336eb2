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

use super::{ColumnVerdict, Outcome, TableContext};

pub(crate) fn type_family(ctx: &TableContext<'_>) -> Outcome {
    ctx.per_column("types", |profile, info| {
        if profile.nulls == ctx.truth.profile.rows {
            return ColumnVerdict::NotApplicable;
        }
        match info.declared.family {
            Some(family) if family == profile.family => ColumnVerdict::Ok,
            _ => ColumnVerdict::Bad(format!(
                "`{}` is declared {} ({}) but its values are {}",
                profile.name,
                info.declared.raw,
                info.declared
                    .family
                    .map_or("not a scalar type", |f| f.label()),
                profile.family.label()
            )),
        }
    })
}

pub(crate) fn size(ctx: &TableContext<'_>) -> Outcome {
    sized_columns(ctx, "sizes", |family| family != TypeFamily::Text)
}

/// Only called on engines that keep declared lengths (see [`TableContext::run`]).
pub(crate) fn text_length(ctx: &TableContext<'_>) -> Outcome {
    sized_columns(ctx, "text lengths", |family| family == TypeFamily::Text)
}

/// Judges the declared size of the columns whose source family `concerned` selects.
fn sized_columns(ctx: &TableContext<'_>, what: &str, concerned: fn(TypeFamily) -> bool) -> Outcome {
    let Some(rule) = &ctx.grader.sizing else {
        return Outcome::not_applicable("the grader has no [sizing] rules");
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
            Err(problem) => ColumnVerdict::Bad(format!("`{}`: {problem}", profile.name)),
        }
    })
}

/// The standard integer sizes in bytes (SMALLINT, INTEGER, BIGINT).
const INTEGER_LADDER: [u32; 3] = [2, 4, 8];

fn fit(profile: &ColumnProfile, declared: &DeclaredType, rule: &SizingRule) -> Result<(), String> {
    match profile.family {
        TypeFamily::Integer => {
            let (lo, hi) = profile.int_range.unwrap_or((0, 0));
            let (min, max) = declared.int_range.unwrap_or((0, 0));
            if i128::from(lo) < min || i128::from(hi) > max {
                return Err(format!(
                    "{} cannot hold the values {lo} to {hi}",
                    declared.raw
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
                return Err(format!(
                    "{} takes {bytes} bytes for values {lo} to {hi}, which {} bytes hold",
                    declared.raw, INTEGER_LADDER[smallest]
                ));
            }
            Ok(())
        }
        TypeFamily::Decimal => {
            if declared.is_float {
                return Err(format!(
                    "{} is binary floating point; amounts with {} decimals fit an exact DECIMAL({},{})",
                    declared.raw,
                    profile.max_scale,
                    profile.max_int_digits + profile.max_scale,
                    profile.max_scale
                ));
            }
            let Some((precision, scale)) = declared.decimal else {
                return Err(format!("{} declares no precision and scale", declared.raw));
            };
            let (need_int, need_scale) = (profile.max_int_digits as u32, profile.max_scale as u32);
            let int_digits = precision.saturating_sub(scale);
            let needed = format!("DECIMAL({},{need_scale})", need_int + need_scale);
            if scale < need_scale || int_digits < need_int {
                return Err(format!(
                    "{} is too small for values that need {needed}",
                    declared.raw
                ));
            }
            if int_digits > need_int + rule.decimal_extra_int_digits as u32
                || scale > need_scale + rule.decimal_extra_scale as u32
            {
                return Err(format!(
                    "{} is far larger than the {needed} the values need",
                    declared.raw
                ));
            }
            Ok(())
        }
        TypeFamily::Text => {
            let longest = profile.max_chars;
            let Some(length) = declared.text_length else {
                return Err(format!(
                    "{} declares no maximum length; the longest value has {longest} characters",
                    declared.raw
                ));
            };
            let length = length as usize;
            let allowed = ((longest as f64 * rule.text_max_ratio).ceil() as usize)
                .max(longest + rule.text_min_slack);
            if length < longest {
                Err(format!(
                    "{} is shorter than the longest value ({longest} characters)",
                    declared.raw
                ))
            } else if length > allowed {
                Err(format!(
                    "{} is oversized: the longest value has {longest} characters (up to {allowed} accepted)",
                    declared.raw
                ))
            } else {
                Ok(())
            }
        }
        TypeFamily::Date | TypeFamily::Timestamp | TypeFamily::Boolean => Ok(()),
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
                .contains("8 bytes")
        );
        let big = ColumnProfile {
            int_range: Some((1, 1_024_000)),
            ..profile(TypeFamily::Integer)
        };
        assert!(
            fit(&big, &declared("SMALLINT"), &rule())
                .unwrap_err()
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
                .contains("far larger")
        );
        assert!(
            fit(&p, &declared("DECIMAL(4,1)"), &rule())
                .unwrap_err()
                .contains("too small")
        );
        assert!(
            fit(&p, &declared("DECIMAL(3,2)"), &rule())
                .unwrap_err()
                .contains("too small")
        );
        assert!(
            fit(&p, &declared("DOUBLE"), &rule())
                .unwrap_err()
                .contains("DECIMAL(4,2)")
        );
        assert!(
            fit(&p, &declared("NUMERIC"), &rule())
                .unwrap_err()
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
                .contains("oversized")
        );
        assert!(
            fit(&p, &declared("VARCHAR(29)"), &rule())
                .unwrap_err()
                .contains("shorter")
        );
        assert!(
            fit(&p, &declared("TEXT"), &rule())
                .unwrap_err()
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

//! A server's spelling of a declared type, sorted into a [`DeclaredType`].

use crate::{DeclaredType, Engine};

/// Sorts a server's spelling of a type into a [`DeclaredType`].
pub(super) fn declared_type(
    engine: Engine,
    data_type: &str,
    precision: Option<u32>,
    scale: Option<u32>,
    length: Option<u32>,
) -> DeclaredType {
    let lower = data_type.trim().to_lowercase();
    if engine == Engine::MariaDb {
        // BOOLEAN is stored as TINYINT(1); `int(11) unsigned` and the like keep their width.
        if lower == "tinyint(1)" {
            let mut declared = DeclaredType::parse("BOOLEAN", None, None);
            declared.raw = data_type.to_owned();
            return declared;
        }
        let unsigned = lower.contains("unsigned");
        let base = lower.split('(').next().unwrap_or(&lower).trim().to_owned();
        let spelled =
            if unsigned && matches!(base.as_str(), "tinyint" | "smallint" | "int" | "bigint") {
                format!(
                    "U{}",
                    if base == "int" {
                        "INTEGER".into()
                    } else {
                        base.to_uppercase()
                    }
                )
            } else if matches!(base.as_str(), "decimal" | "varchar" | "char") {
                lower.clone()
            } else {
                base.clone()
            };
        let text_length = matches!(base.as_str(), "varchar" | "char")
            .then_some(length)
            .flatten();
        let mut declared = DeclaredType::parse(&spelled, text_length, None);
        if base == "mediumint" {
            declared.bytes = Some(3);
            declared.int_range = Some(if unsigned {
                (0, (1 << 24) - 1)
            } else {
                (-(1 << 23), (1 << 23) - 1)
            });
        }
        if matches!(
            base.as_str(),
            "text" | "tinytext" | "mediumtext" | "longtext"
        ) {
            declared.family = Some(epreuve_data::TypeFamily::Text);
            declared.text_length = None;
        }
        declared.raw = data_type.to_owned();
        return declared;
    }
    // PostgreSQL: `character varying` + length, `numeric` + precision and scale; the
    // catalogue spells CHAR(n) `bpchar`.
    let lower = if lower == "bpchar" {
        "character".to_owned()
    } else {
        lower
    };
    let decimal = (lower == "numeric").then(|| precision.zip(scale)).flatten();
    let mut declared = DeclaredType::parse(&lower, length, decimal);
    declared.raw = match (lower.as_str(), length, decimal) {
        ("character varying" | "character", Some(n), _) => format!("{lower}({n})"),
        ("numeric", _, Some((p, s))) => format!("numeric({p},{s})"),
        _ => lower.clone(),
    };
    declared
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_spellings_are_sorted() {
        let b = declared_type(Engine::MariaDb, "tinyint(1)", Some(3), Some(0), None);
        assert_eq!(b.family, Some(epreuve_data::TypeFamily::Boolean));
        let v = declared_type(Engine::MariaDb, "varchar(30)", None, None, Some(30));
        assert_eq!(v.text_length, Some(30));
        let d = declared_type(Engine::MariaDb, "decimal(6,2)", Some(6), Some(2), None);
        assert_eq!(d.decimal, Some((6, 2)));
        let s = declared_type(Engine::MariaDb, "smallint(6)", Some(5), Some(0), None);
        assert_eq!(s.bytes, Some(2));
        let p = declared_type(Engine::Postgres, "numeric", Some(4), Some(2), None);
        assert_eq!((p.decimal, p.raw.as_str()), (Some((4, 2)), "numeric(4,2)"));
        let t = declared_type(Engine::Postgres, "character varying", None, None, Some(9));
        assert_eq!(
            (t.text_length, t.raw.as_str()),
            (Some(9), "character varying(9)")
        );
        assert_eq!(
            declared_type(Engine::Postgres, "text", None, None, None).family,
            Some(epreuve_data::TypeFamily::Text)
        );
    }
}

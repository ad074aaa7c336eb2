//! Reading an engine's plan, as [`epreuve_db::Backend::explain`] renders it: does it read
//! through an index, and which line says how the table is read.

/// Whether a plan, as [`epreuve_db::Backend::explain`] renders it, reads through an index: an index
/// named in it, an index scan (PostgreSQL, DuckDB; `IXSCAN` on MongoDB), or a `key=` chosen
/// (MariaDB).
pub(crate) fn plan_uses_index(plan: &str, index_names: &[String]) -> bool {
    // MariaDB lists the indexes it considered in `possible_keys`: only `key` is the one used.
    let lower = plan
        .to_lowercase()
        .lines()
        .map(|l| {
            l.split(' ')
                .filter(|token| !token.starts_with("possible_keys="))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n");
    index_names.iter().any(|n| lower.contains(n.as_str()))
        || lower.contains("index scan")
        || lower.contains("index_scan")
        || lower.contains("ixscan")
        || lower
            .lines()
            .any(|l| l.starts_with("key=") || l.contains(" key="))
}

/// The line of a plan that says how the table is read, for messages: the first that names a
/// scan or an access type, without the boxes DuckDB draws around it.
pub(crate) fn plan_line(plan: &str) -> String {
    let clean = |l: &str| {
        // DuckDB draws its plan with the Box Drawing block (U+2500 to U+257F).
        let text: String = l
            .chars()
            .map(|c| {
                if ('\u{2500}'..='\u{257f}').contains(&c) {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    plan.lines()
        .map(clean)
        .find(|l| {
            let lower = l.to_lowercase();
            lower.contains("scan") || lower.contains("type=")
        })
        .or_else(|| plan.lines().map(clean).find(|l| !l.is_empty()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_that_use_an_index() {
        let names = vec!["idx_ventes_id".to_owned()];
        assert!(plan_uses_index(
            "Index Scan using ventes_pkey on ventes",
            &[]
        ));
        assert!(plan_uses_index(
            "id=1 select_type=SIMPLE table=ventes type=const possible_keys=PRIMARY key=PRIMARY key_len=4",
            &[]
        ));
        assert!(plan_uses_index("TABLE_SCAN idx_ventes_id", &names));
        assert!(!plan_uses_index(
            "id=1 select_type=SIMPLE table=ventes type=ALL rows=998000 Extra=Using where",
            &names
        ));
        assert!(!plan_uses_index("Seq Scan on ventes", &names));
        assert!(plan_uses_index(
            "FETCH\n  IXSCAN index=sku_1 keys={\"sku\":1}",
            &[]
        ));
        assert!(!plan_uses_index("COLLSCAN", &names));
        // Considered is not used.
        assert!(!plan_uses_index(
            "id=1 table=ventes type=ALL possible_keys=idx_ventes_id rows=998000",
            &names
        ));
    }

    #[test]
    fn the_line_that_says_how_the_table_is_read() {
        let duckdb = "┌─────────────┐\n│╭─ Summary ─╮│\n│  Type: Table Scan  │\n";
        assert_eq!(plan_line(duckdb), "Type: Table Scan");
        assert_eq!(
            plan_line("Gather\n  ->  Seq Scan on ventes"),
            "-> Seq Scan on ventes"
        );
    }
}

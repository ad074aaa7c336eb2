//! Work that epreuve did not produce: a candidate who loads the CSV with DuckDB's own reader
//! and SQL, the way the statement allows, gets every point for that table.

use crate::common::*;

const LOAD: &str = r#"
CREATE TABLE ventes (
    id_vente INTEGER, date_vente DATE, code_magasin VARCHAR(6), sku VARCHAR(9),
    quantite SMALLINT, prix_unitaire DECIMAL(4,2), remise_pct DECIMAL(3,1),
    montant_ttc DECIMAL(6,2), carte_fidelite BOOLEAN, mode_paiement VARCHAR(20),
    commentaire VARCHAR(120)
);
INSERT INTO ventes
SELECT id_vente::INTEGER,
       strptime(date_vente, '%d/%m/%Y')::DATE,
       code_magasin, sku, quantite::SMALLINT,
       replace(prix_unitaire, ',', '.')::DECIMAL(4,2),
       replace(remise_pct, ',', '.')::DECIMAL(3,1),
       replace(montant_ttc, ',', '.')::DECIMAL(6,2),
       carte_fidelite = 'oui',
       mode_paiement, commentaire
FROM read_csv('{csv}', delim = ';', header = true, all_varchar = true);
"#;

#[test]
fn a_table_loaded_with_duckdbs_csv_reader_gets_every_point() {
    let temp = tempfile::tempdir().unwrap();
    let dir = start(temp.path());
    {
        let conn = duckdb::Connection::open(dir.join("base.duckdb")).unwrap();
        let csv = dir.join("data").join("ventes.csv");
        conn.execute_batch(&LOAD.replace("{csv}", csv.to_str().unwrap()))
            .unwrap();
    }
    std::fs::write(
        dir.join("answers").join("apercu_ventes.sql"),
        "-- aperçu\nSELECT * FROM ventes LIMIT 10 -- dix lignes\n",
    )
    .unwrap();
    let (report, code) = grade(&dir);
    assert_eq!(code, 1, "the other tables are missing");
    for kind in [
        "columns",
        "row_count",
        "head",
        "values",
        "type_family",
        "size",
    ] {
        let c = check(&report, &format!("ventes.{kind}"));
        assert_eq!(c["status"], "passed", "{c:#}");
    }
    assert_eq!(report["score"], 10.0, "{report:#}");
}

#[test]
fn a_french_decimal_read_as_a_double_is_judged_not_exact() {
    let temp = tempfile::tempdir().unwrap();
    let dir = start(temp.path());
    {
        let conn = duckdb::Connection::open(dir.join("base.duckdb")).unwrap();
        let csv = dir.join("data").join("ventes.csv");
        // DuckDB's sniffer with decimal_separator gives DOUBLE for amounts and VARCHAR for oui/non.
        conn.execute_batch(&format!(
            "CREATE TABLE ventes AS SELECT * FROM read_csv('{}', delim = ';', decimal_separator = ',', dateformat = '%d/%m/%Y')",
            csv.display()
        ))
        .unwrap();
    }
    let (report, _) = grade(&dir);
    assert_eq!(check(&report, "ventes.row_count")["status"], "passed");
    assert_eq!(
        check(&report, "ventes.values")["status"],
        "passed",
        "{report:#}"
    );
    let types = check(&report, "ventes.type_family");
    assert_eq!(types["status"], "failed");
    assert!(
        types["message"]
            .as_str()
            .unwrap()
            .contains("carte_fidelite"),
        "{types:#}"
    );
    let sizes = check(&report, "ventes.size");
    assert_eq!(sizes["status"], "failed");
    assert!(
        sizes["message"]
            .as_str()
            .unwrap()
            .contains("binary floating point"),
        "{sizes:#}"
    );
}

#[test]
fn a_table_missing_columns_gets_partial_credit_and_names_them() {
    let temp = tempfile::tempdir().unwrap();
    let dir = start(temp.path());
    {
        let conn = duckdb::Connection::open(dir.join("base.duckdb")).unwrap();
        conn.execute_batch("CREATE TABLE MAGASINS (CODE_MAGASIN VARCHAR(6), Nom VARCHAR(100), ville VARCHAR(30), region VARCHAR(30))")
            .unwrap();
    }
    let (report, _) = grade(&dir);
    let columns = check(&report, "magasins.columns");
    assert_eq!(columns["status"], "failed");
    // 4 of the 8 columns, found without regard to case.
    assert_eq!(columns["score"], 0.5, "{columns:#}");
    let message = columns["message"].as_str().unwrap();
    for missing in [
        "`code_postal`",
        "`surface_m2`",
        "`date_ouverture`",
        "`ouvert_dimanche`",
    ] {
        assert!(message.contains(missing), "{message}");
    }
    assert!(!message.contains("`nom`"), "{message}");
}

/// The Python interpreter of the DuckDB `version` candidates install, as `scripts/servers`
/// makes it.
fn duckdb_tool(version: &str) -> std::path::PathBuf {
    let tools = std::env::var_os("EPREUVE_TOOLS").map_or_else(
        || std::path::PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache/epreuve-tools"),
        std::path::PathBuf::from,
    );
    let python = tools.join(format!("duckdb-{version}/bin/python"));
    assert!(
        python.exists(),
        "{} is missing: run scripts/servers",
        python.display()
    );
    python
}

#[test]
fn the_workspace_database_opens_in_the_duckdb_tools_candidates_install() {
    for exam in [EXAM, "bloc1-optimisation"] {
        let temp = tempfile::tempdir().unwrap();
        let (ws, out) = start_exam_in(temp.path(), exam, "ws", "c042", &[]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let file = ws.join("base.duckdb");
        for version in ["1.4", "1.5", "2.0"] {
            // The candidate's tool opens the file, sees what epreuve put in it and writes a table.
            let script = format!(
                "import duckdb, sys\n\
                 c = duckdb.connect(sys.argv[1])\n\
                 print(c.execute(\"select count(*) from duckdb_tables()\").fetchone()[0])\n\
                 c.execute(\"create table essai_{v} as select 1 as n\")\n\
                 c.close()\n",
                v = version.replace('.', "_")
            );
            let run = std::process::Command::new(duckdb_tool(version))
                .arg("-c")
                .arg(&script)
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                run.status.success(),
                "DuckDB {version} cannot open the {exam} workspace: {}",
                String::from_utf8_lossy(&run.stderr)
            );
        }
        // The shells of DuckDB 1.4 LTS and 1.5 write to it too.
        for version in ["1.4", "1.5"] {
            let shell = duckdb_tool(version).with_file_name("duckdb");
            let v = version.replace('.', "_");
            let run = std::process::Command::new(&shell)
                .arg(&file)
                .arg("-c")
                .arg(format!("create table shell_{v} as select 1 as n"))
                .output()
                .unwrap();
            assert!(
                run.status.success(),
                "DuckDB {version}'s shell cannot write to the {exam} workspace: {}",
                String::from_utf8_lossy(&run.stderr)
            );
        }
        // And epreuve still reads what those tools wrote, the way grading opens it.
        use epreuve_db::Backend;
        let db = epreuve_db::DuckDb::open_read_only(&file).unwrap();
        let names: Vec<String> = db.tables().unwrap().into_iter().map(|r| r.name).collect();
        for table in [
            "essai_1_4",
            "essai_1_5",
            "essai_2_0",
            "shell_1_4",
            "shell_1_5",
        ] {
            assert!(names.contains(&table.to_owned()), "{table}: {names:?}");
        }
    }
}

/// A database file made from scratch by DuckDB 2.0 (the workspace's own deleted) is in a
/// storage format the DuckDB epreuve links cannot read: the self-check says so, names the file,
/// exits as for a database that cannot be reached, and leaves the file as it was.
#[test]
fn a_database_file_made_by_a_newer_duckdb_is_named_not_graded() {
    let temp = tempfile::tempdir().unwrap();
    let dir = start(temp.path());
    let file = dir.join("base.duckdb");
    std::fs::remove_file(&file).unwrap();
    let run = std::process::Command::new(duckdb_tool("2.0"))
        .arg("-c")
        .arg("import duckdb, sys; c = duckdb.connect(sys.argv[1]); c.execute('create table ventes as select 1 as n'); c.close()")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let before = std::fs::read(&file).unwrap();
    let out = epreuve_en(temp.path(), &["check", "--dir", dir.to_str().unwrap()]);
    assert_error(
        &out,
        3,
        "was created by a newer DuckDB than the one epreuve reads",
    );
    assert!(
        stderr(&out).contains(file.to_str().unwrap()),
        "{}",
        stderr(&out)
    );
    let out = epreuve_en(
        temp.path(),
        &["grade", dir.to_str().unwrap(), "--format", "json"],
    );
    assert_error(
        &out,
        3,
        "was created by a newer DuckDB than the one epreuve reads",
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

/// The default-tables check of a fresh workspace in `parent/ws` whose answer is `sql`.
pub fn default_tables_of(
    parent: &std::path::Path,
    ws: &std::path::Path,
    sql: &str,
) -> serde_json::Value {
    std::fs::write(ws.join("answers/tables_par_defaut.sql"), sql).unwrap();
    let out = epreuve(
        parent,
        &["check", "--dir", ws.to_str().unwrap(), "--format", "json"],
    );
    assert!(code(&out) <= 1, "{}", stderr(&out));
    check(&json(&out), "instance.default_tables").clone()
}

#[test]
fn a_new_duckdb_database_lists_its_system_views_and_the_check_says_so() {
    let temp = tempfile::tempdir().unwrap();
    let ws = start(temp.path());
    // The statement's DuckDB example lists the system's views of a database with no table yet.
    let views = default_tables_of(
        temp.path(),
        &ws,
        "SELECT schema_name, view_name FROM duckdb_views()",
    );
    assert_eq!(views["status"], "passed", "{views:#}");
    // information_schema.tables lists nothing yet on DuckDB, and the message says what does.
    let empty = default_tables_of(
        temp.path(),
        &ws,
        "SELECT table_schema, table_name FROM information_schema.tables",
    );
    assert_eq!(empty["status"], "failed", "{empty:#}");
    assert!(
        empty["message"]
            .as_str()
            .unwrap()
            .contains("duckdb_views()"),
        "{empty:#}"
    );
}

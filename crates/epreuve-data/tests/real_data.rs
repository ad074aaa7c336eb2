//! The readers on files nobody here wrote (`../shared/real-data/`): every file is read or
//! refused with a sentence that names it, never a panic; profiles match what the files hold.

use std::path::PathBuf;

use epreuve_data::{DataError, SourceSpec, TypeFamily, profile_frame, read_source};

fn real_data() -> PathBuf {
    let dir = manifest_dir().join("../../../shared/real-data");
    assert!(
        dir.is_dir(),
        "the shared real data must sit beside the repository: {}",
        dir.display()
    );
    dir
}

fn spec(file: &str) -> SourceSpec {
    SourceSpec {
        file: file.into(),
        format: None,
        delimiter: None,
        sheet: None,
        record_path: vec![],
        meta: vec![],
    }
}

#[test]
fn every_workbook_is_read_or_refused_by_name() {
    let dir = real_data().join("xlsx");
    let mut read = 0;
    let mut refused = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        match read_source(&dir, &spec(&name)) {
            Ok(_) => read += 1,
            Err(error) => {
                let text = error.to_string();
                assert!(text.contains(&name), "the message names the file: {text}");
                refused.push((name, text));
            }
        }
    }
    assert!(
        read >= 40,
        "most workbooks are readable: {read} read, refused {refused:#?}"
    );
    let protected = refused
        .iter()
        .find(|(n, _)| n.contains("pass"))
        .map(|(_, t)| t.clone());
    if let Some(text) = protected {
        assert!(text.contains("password-protected"), "{text}");
    }
}

#[test]
fn a_password_protected_workbook_is_refused_in_words() {
    let dir = real_data().join("xlsx");
    let protected: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.to_lowercase().contains("pass"))
        .collect();
    assert!(
        !protected.is_empty(),
        "the corpus has a password-protected workbook"
    );
    for name in protected {
        let error = read_source(&dir, &spec(&name)).expect_err(&name);
        assert!(matches!(error, DataError::Workbook { .. }), "{error}");
        assert!(error.to_string().contains("password-protected"), "{error}");
    }
}

#[test]
fn titanic_is_profiled_as_its_header_and_values_say() {
    let dir = real_data().join("csv");
    let frame = read_source(&dir, &spec("titanic.csv")).unwrap();
    let text = std::fs::read_to_string(dir.join("titanic.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(frame.rows(), lines.len() - 1);
    let profile = profile_frame(&frame);
    let header: Vec<&str> = lines[0].split(',').collect();
    let age_index = header.iter().position(|h| *h == "age").unwrap();
    let empty_ages = lines[1..]
        .iter()
        .filter(|l| l.split(',').nth(age_index) == Some(""))
        .count();
    let age = profile.column("age").unwrap();
    assert_eq!(age.nulls, empty_ages);
    assert_eq!(age.family, TypeFamily::Decimal);
    assert_eq!(
        profile.column("survived").unwrap().family,
        TypeFamily::Integer
    );
    assert_eq!(profile.column("alone").unwrap().family, TypeFamily::Boolean);
    assert_eq!(
        profile.column("embark_town").unwrap().family,
        TypeFamily::Text
    );
}

#[test]
fn taxis_timestamps_are_recognised() {
    let frame = read_source(&real_data().join("csv"), &spec("taxis.csv")).unwrap();
    let profile = profile_frame(&frame);
    assert_eq!(
        profile.column("pickup").unwrap().family,
        TypeFamily::Timestamp
    );
}

#[test]
fn json_arrays_of_records_keep_their_accents_and_numbers() {
    let dir = real_data().join("json");
    for name in ["football.json", "monarchs.json", "crimea.json"] {
        let frame = read_source(&dir, &spec(name)).unwrap_or_else(|e| panic!("{e}"));
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap();
        assert_eq!(frame.rows(), value.as_array().unwrap().len(), "{name}");
    }
}

#[test]
fn malformed_files_name_the_file_and_the_place() {
    let temp = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(temp.path().join(name), bytes).unwrap();
    write("ragged.csv", b"a,b\n1,2\n3\n");
    write("latin1.csv", b"nom\nOrl\xe9ans\n");
    write("broken.json", b"[{\"a\": 1},");
    write("fake.xlsx", b"this is not a zip");
    write("shape.json", b"{\"categories\": {\"produits\": []}}");
    let check = |name: &str, spec: SourceSpec, needle: &str| {
        let error = read_source(temp.path(), &spec).expect_err(name).to_string();
        assert!(error.contains(name) && error.contains(needle), "{error}");
    };
    check(
        "ragged.csv",
        spec("ragged.csv"),
        "line 3: this line has 1 fields where the header has 2",
    );
    check("latin1.csv", spec("latin1.csv"), "not UTF-8");
    check("broken.json", spec("broken.json"), "invalid JSON at line 1");
    check("fake.xlsx", spec("fake.xlsx"), "cannot be opened");
    let nested = SourceSpec {
        record_path: vec!["categories".into(), "produits".into()],
        ..spec("shape.json")
    };
    check("shape.json", nested, "`.categories` should be an array");
    let sheet = SourceSpec {
        sheet: Some("nope".into()),
        ..spec("x.xlsx")
    };
    let missing = read_source(temp.path(), &sheet)
        .expect_err("missing file")
        .to_string();
    assert!(missing.contains("x.xlsx"), "{missing}");
}

/// The package's folder, asked of cargo when the test runs rather than baked in when it is
/// compiled: a shared target directory may hold a binary built from another checkout.
fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
}

//! The readers on real files mutated the ways hostile or damaged input is: a zip cut short,
//! cells moved far away, NUL bytes, huge strings, deep nesting, text that is not UTF-8. Every
//! mutation is read or refused with one sentence naming the file; none panics, none allocates
//! without bound (a sheet spanning the whole grid is refused before it is read).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use epreuve_data::{SourceSpec, read_source};

fn real_data() -> PathBuf {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"))
        .join("../../../shared/real-data");
    assert!(dir.is_dir(), "the shared real data: {}", dir.display());
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

/// Reads `bytes` as the file `name`: it must be read, or refused naming the file, in time.
fn survives(dir: &Path, name: &str, bytes: &[u8], what: &str) -> bool {
    std::fs::write(dir.join(name), bytes).unwrap();
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(|| read_source(dir, &spec(name)));
    let outcome = outcome.unwrap_or_else(|_| panic!("{name} ({what}): the reader panicked"));
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{name} ({what}): {:?}",
        started.elapsed()
    );
    match outcome {
        Ok(_) => true,
        Err(error) => {
            let text = error.to_string();
            assert!(
                text.contains(name),
                "{name} ({what}): the message names the file: {text}"
            );
            assert!(
                !text.contains('\n'),
                "{name} ({what}): one sentence: {text}"
            );
            false
        }
    }
}

/// The workbook `bytes` with `change` applied to each sheet's XML.
fn rezip(bytes: &[u8], change: impl Fn(&[u8]) -> Vec<u8>) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).ok()?;
        let name = entry.name().ok()?.into_owned();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).ok()?;
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            content = change(&content);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .ok()?;
        out.write_all(&content).ok()?;
    }
    Some(out.finish().ok()?.into_inner())
}

fn replace_first(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    match haystack.windows(from.len()).position(|w| w == from) {
        Some(at) => [&haystack[..at], to, &haystack[at + from.len()..]].concat(),
        None => haystack.to_vec(),
    }
}

#[test]
fn mutated_workbooks_never_panic() {
    let source = real_data().join("xlsx");
    let temp = tempfile::tempdir().unwrap();
    let mut tried = 0;
    let mut files: Vec<_> = std::fs::read_dir(&source).unwrap().flatten().collect();
    files.sort_by_key(|e| e.file_name());
    for entry in files {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".xlsx") {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap();
        let mut cases: Vec<(String, Vec<u8>)> = vec![
            ("cut in half".into(), bytes[..bytes.len() / 2].to_vec()),
            (
                "first 100 bytes".into(),
                bytes[..bytes.len().min(100)].to_vec(),
            ),
            (
                "last byte missing".into(),
                bytes[..bytes.len() - 1].to_vec(),
            ),
        ];
        let far = [
            ("XFD1048576", "the last cell of the grid"),
            ("ZZZZZZZZZZ1", "a column past any workbook"),
            ("A99999999999", "a row past any workbook"),
            ("A0", "row zero"),
        ];
        for (reference, what) in far {
            let moved = rezip(&bytes, |xml| {
                replace_first(xml, b"r=\"B2\"", format!("r=\"{reference}\"").as_bytes())
            });
            if let Some(moved) = moved {
                cases.push((format!("a cell moved to {what}"), moved));
            }
        }
        if let Some(nul) = rezip(&bytes, |xml| replace_first(xml, b"<v>", b"<v>\0\0")) {
            cases.push(("NUL bytes in a value".into(), nul));
        }
        let huge = format!("<is><t>{}</t></is>", "é".repeat(2_000_000));
        if let Some(big) = rezip(&bytes, |xml| replace_first(xml, b"<v>", huge.as_bytes())) {
            cases.push(("a huge string".into(), big));
        }
        for (what, mutated) in cases {
            survives(temp.path(), &name, &mutated, &what);
            tried += 1;
        }
    }
    assert!(tried > 300, "only {tried} mutations tried");
}

#[test]
fn a_cell_at_the_end_of_the_grid_is_refused_before_it_is_read() {
    let source = real_data().join("xlsx");
    let temp = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(source.join("issue_174.xlsx"))
        .or_else(|_| std::fs::read(source.join("date.xlsx")))
        .unwrap();
    let moved = rezip(&bytes, |xml| {
        let first = xml
            .windows(6)
            .position(|w| w == b"<c r=\"")
            .expect("a cell");
        let end = first + 6 + xml[first + 6..].iter().position(|b| *b == b'"').unwrap();
        [&xml[..first + 6], b"XFD1048576".as_slice(), &xml[end..]].concat()
    })
    .unwrap();
    std::fs::write(temp.path().join("loin.xlsx"), moved).unwrap();
    let error = read_source(temp.path(), &spec("loin.xlsx")).unwrap_err();
    let text = error.to_string();
    assert!(text.contains("loin.xlsx"), "{text}");
}

#[test]
fn mutated_csv_and_json_never_panic() {
    let temp = tempfile::tempdir().unwrap();
    for (folder, extension) in [("csv", "csv"), ("json", "json")] {
        for entry in std::fs::read_dir(real_data().join(folder))
            .unwrap()
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            let bytes = std::fs::read(entry.path()).unwrap();
            let mut cases: Vec<(&str, Vec<u8>)> = vec![
                ("cut in half", bytes[..bytes.len() / 2].to_vec()),
                ("empty", Vec::new()),
                ("NUL bytes", bytes.iter().flat_map(|b| [*b, 0]).collect()),
                (
                    "not UTF-8",
                    [
                        &bytes[..bytes.len() / 3],
                        &[0xff, 0xfe, 0xc3][..],
                        &bytes[bytes.len() / 3..],
                    ]
                    .concat(),
                ),
                (
                    "a huge string",
                    [
                        &bytes[..bytes.len() / 2],
                        "x".repeat(5_000_000).as_bytes(),
                        &bytes[bytes.len() / 2..],
                    ]
                    .concat(),
                ),
            ];
            if extension == "json" {
                cases.push((
                    "deep nesting",
                    [b"[".repeat(100_000), b"]".repeat(100_000)].concat(),
                ));
                cases.push(("deep objects", "{\"a\":".repeat(50_000).into_bytes()));
            } else {
                cases.push(("an unclosed quote", [b"\"".as_slice(), &bytes].concat()));
                cases.push(("one line without end", "a;".repeat(3_000_000).into_bytes()));
            }
            for (what, mutated) in cases {
                survives(temp.path(), &name, &mutated, what);
            }
        }
    }
}

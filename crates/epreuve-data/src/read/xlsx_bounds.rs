//! What a workbook may ask of the reader, checked before calamine reads it: calamine sizes a
//! sheet from its outermost cells (one cell moved to `XFD1048576` asks for 512 GB) and
//! computes positions in 32-bit integers (a reference longer than Excel's overflows). The
//! sheets' XML is scanned here, a bounded number of bytes, for every cell reference.

use epreuve_i18n::{Said, said};
use std::io::Read;
use std::path::Path;

/// The last row and column a workbook can have (Excel's limits).
const MAX_ROW: u64 = 1_048_576;
const MAX_COLUMN: u64 = 16_384;
/// Cells a sheet may span, empty ones included: far more than any exam's workbook.
const MAX_AREA: u64 = 20_000_000;
/// Bytes a sheet's XML may unpack to.
const MAX_SHEET_BYTES: u64 = 1 << 30;

/// Checks the cell references of every sheet of the workbook at `path`; `Err` says which
/// cell or sheet is out of bounds. A file that is not a zip is left to calamine to refuse.
pub(super) fn check(path: &Path) -> Result<(), Said> {
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(());
    };
    let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Ok(());
    };
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index(i) else {
            continue;
        };
        let Ok(name) = entry.name().map(|n| n.into_owned()) else {
            continue;
        };
        if !(name.starts_with("xl/worksheets/") && name.ends_with(".xml")) {
            continue;
        }
        if entry.size() > MAX_SHEET_BYTES {
            return Err(said!(
                "data-sheet-bytes",
                sheet = &name,
                bytes = entry.size().to_string(),
                limit = MAX_SHEET_BYTES.to_string()
            ));
        }
        let mut xml = Vec::new();
        if entry
            .take(MAX_SHEET_BYTES + 1)
            .read_to_end(&mut xml)
            .is_err()
        {
            // A damaged stream: calamine will say so in its own words.
            continue;
        }
        if xml.len() as u64 > MAX_SHEET_BYTES {
            return Err(said!(
                "data-sheet-more-bytes",
                sheet = &name,
                limit = MAX_SHEET_BYTES.to_string()
            ));
        }
        check_sheet(&name, &xml)?;
    }
    Ok(())
}

/// The references of the cells (`<c r="B12"`, `<x:c r="B12"` with a namespace prefix) and
/// of the rows (`<row r="12"`) of one sheet's XML.
fn check_sheet(name: &str, xml: &[u8]) -> Result<(), Said> {
    let (mut rows, mut columns) = ((u64::MAX, 0u64), (u64::MAX, 0u64));
    let mut at = 0usize;
    while let Some(found) = find(&xml[at..], b" r=\"") {
        let attribute = at + found;
        at = attribute + 4;
        // The element the attribute belongs to: from the last `<` before it.
        let Some(open) = xml[..attribute].iter().rposition(|b| *b == b'<') else {
            continue;
        };
        let element = &xml[open + 1..attribute];
        let element = &element[..element
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .unwrap_or(element.len())];
        let local = element
            .iter()
            .rposition(|b| *b == b':')
            .map_or(element, |colon| &element[colon + 1..]);
        let value = &xml[at..];
        let value = &value[..find(value, b"\"").unwrap_or(value.len()).min(64)];
        let shown = String::from_utf8_lossy(&value[..value.len().min(24)]).into_owned();
        let out = || said!("data-sheet-cell-out", sheet = name, cell = &shown);
        let (column, row) = match local {
            b"c" => {
                let letters = value.iter().take_while(|b| b.is_ascii_alphabetic()).count();
                if letters == 0 || letters > 3 {
                    return Err(out());
                }
                let column = value[..letters].iter().fold(0u64, |acc, b| {
                    acc * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
                });
                (Some(column), number(&value[letters..]).ok_or_else(out)?)
            }
            b"row" => (None, number(value).ok_or_else(out)?),
            _ => continue,
        };
        if column.is_some_and(|c| c > MAX_COLUMN) || row == 0 || row > MAX_ROW {
            return Err(out());
        }
        rows = (rows.0.min(row), rows.1.max(row));
        if let Some(column) = column {
            columns = (columns.0.min(column), columns.1.max(column));
        }
    }
    if rows.1 > 0 && columns.1 > 0 {
        let area = (rows.1 - rows.0 + 1) * (columns.1 - columns.0 + 1);
        if area > MAX_AREA {
            return Err(said!(
                "data-sheet-area",
                sheet = name,
                rows = (rows.1 - rows.0 + 1).to_string(),
                columns = (columns.1 - columns.0 + 1).to_string(),
                area = area.to_string()
            ));
        }
    }
    Ok(())
}

/// A row number of one to seven digits.
fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 7 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0')),
    )
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::check_sheet;

    #[test]
    fn far_and_overlong_references_are_refused() {
        let fine = br#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2</v></c></row>"#;
        assert!(check_sheet("s", fine).is_ok());
        let far = br#"<c r="A1"><v>1</v></c><c r="XFD1048576"><v>2</v></c>"#;
        assert!(
            check_sheet("s", far)
                .unwrap_err()
                .english()
                .contains("spans")
        );
        for bad in [
            &br#"<c r="ZZZZZZZZ1"><v>1</v></c>"#[..],
            br#"<c r="A99999999999"><v>1</v></c>"#,
            br#"<c r="XFE1"><v>1</v></c>"#,
            br#"<c r="A0"><v>1</v></c>"#,
            br#"<c r="12"><v>1</v></c>"#,
            br#"<x:c r="ZZZZ1"><x:v>1</x:v></x:c>"#,
            br#"<row r="99999999">"#,
        ] {
            let error = check_sheet("s", bad).unwrap_err().english();
            assert!(error.contains("past the last row"), "{error}");
        }
    }
}

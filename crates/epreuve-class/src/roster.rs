//! The roster a training centre gives: one candidate a line, in CSV (comma or semicolon, as a
//! spreadsheet in French or English writes it), with a header naming the columns: the
//! candidate's identifier and name, optionally an email address and extra time.
//!
//! A bad line is refused with its number and what is wrong with it; nothing is prepared from
//! a roster with a bad line.

use std::collections::HashMap;
use std::path::Path;

use epreuve_results::Member;

use epreuve_i18n::{Said, said};

use crate::ClassError;

/// Header names read for each column, lower case, accents and separators aside.
const ID: &[&str] = &["id", "identifiant", "candidate", "candidat", "candidate_id"];
const NAME: &[&str] = &["name", "nom", "nom_prenom", "full_name"];
const EMAIL: &[&str] = &["email", "e_mail", "mail", "courriel"];
const EXTRA: &[&str] = &[
    "extra_time",
    "extra_minutes",
    "tiers_temps",
    "temps_supplementaire",
    "temps_majore",
];

/// The longest identifier: it names a folder.
const ID_MAX: usize = 64;

/// Reads the roster at `path`.
pub fn read_roster(path: &Path) -> Result<Vec<Member>, ClassError> {
    let bytes = std::fs::read(path).map_err(|source| ClassError::Io {
        action: "read the roster",
        path: path.to_path_buf(),
        source,
    })?;
    parse_roster(&bytes, path)
}

/// Reads a roster from its bytes (`path` names it in messages).
pub fn parse_roster(bytes: &[u8], path: &Path) -> Result<Vec<Member>, ClassError> {
    let bad = |line: usize, why: Said| ClassError::Roster {
        path: path.to_path_buf(),
        line,
        why,
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|e| bad(line_of(bytes, e.valid_up_to()), said!("roster-not-utf8")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| bad(1, said!("roster-unreadable", error = e.to_string())))?
        .clone();
    let columns = Columns::of(&headers).map_err(|why| bad(1, why))?;
    let (Some(id_at), Some(name_at)) = (columns.id, columns.name) else {
        return Err(bad(1, said!("roster-no-id-name")));
    };
    let mut members: Vec<(usize, Member)> = Vec::new();
    let mut seen = Seen::default();
    let mut lines = Lines {
        bytes: text.as_bytes(),
        counted: 0,
        line: 1,
    };
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.at(p.byte() as usize));
            bad(line, said!("roster-unreadable", error = e.to_string()))
        })?;
        let line = record.position().map_or(0, |p| lines.at(p.byte() as usize));
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let cell = |at: Option<usize>| at.and_then(|i| record.get(i)).map(str::trim).unwrap_or("");
        let id = cell(Some(id_at));
        check_id(id).map_err(|why| bad(line, why))?;
        let name = spreadsheet_name(cell(Some(name_at)));
        if name.is_empty() {
            return Err(bad(line, said!("roster-no-name", id = id)));
        }
        let email = match cell(columns.email) {
            "" => None,
            email if email.contains('@') && !email.contains(char::is_whitespace) => {
                Some(email.to_owned())
            }
            email => return Err(bad(line, said!("roster-bad-email", email = email))),
        };
        let extra_minutes = extra_time(cell(columns.extra)).map_err(|why| bad(line, why))?;
        seen.admit(id, &members).map_err(|why| bad(line, why))?;
        members.push((
            line,
            Member {
                id: id.to_owned(),
                name,
                email,
                extra_minutes,
            },
        ));
    }
    if members.is_empty() {
        return Err(bad(2, said!("roster-empty")));
    }
    Ok(members.into_iter().map(|(_, m)| m).collect())
}

#[derive(Default)]
struct Columns {
    id: Option<usize>,
    name: Option<usize>,
    email: Option<usize>,
    extra: Option<usize>,
}

impl Columns {
    /// Where each column is, from the header: an unknown column or one named twice is
    /// refused.
    fn of(headers: &csv::StringRecord) -> Result<Self, Said> {
        let mut columns = Columns::default();
        for (i, header) in headers.iter().enumerate() {
            let key = normalised(header);
            let slot = if ID.contains(&key.as_str()) {
                &mut columns.id
            } else if NAME.contains(&key.as_str()) {
                &mut columns.name
            } else if EMAIL.contains(&key.as_str()) {
                &mut columns.email
            } else if EXTRA.contains(&key.as_str()) {
                &mut columns.extra
            } else {
                return Err(said!("roster-unknown-column", column = header.trim()));
            };
            if slot.replace(i).is_some() {
                return Err(said!("roster-column-twice", column = header.trim()));
            }
        }
        Ok(columns)
    }
}

/// The identifiers seen, as given, in lower case and as a server names them, each with the
/// position of its member: a roster of any length is checked in one pass.
#[derive(Default)]
struct Seen {
    ids: HashMap<String, usize>,
    folded: HashMap<String, usize>,
    server: HashMap<String, usize>,
}

impl Seen {
    /// Takes `id` as the next member's, refusing one given before, or one that would share
    /// a folder or a database with one given before. Each identifier names a folder and, on
    /// a server, a database and its accounts: two that differ only by case share a folder
    /// where case is not kept (macOS, Windows), and two that differ only by punctuation share
    /// the server's database.
    fn admit(&mut self, id: &str, members: &[(usize, Member)]) -> Result<(), Said> {
        if let Some(&at) = self.ids.get(id) {
            let first = members[at].0;
            return Err(said!("roster-repeated", id = id, first = first));
        }
        let folded = id.to_lowercase();
        if let Some((first, other)) = self.folded.get(&folded).map(|&at| &members[at]) {
            return Err(said!(
                "roster-same-but-case",
                id = id,
                other = &other.id,
                first = *first
            ));
        }
        let server = epreuve_provision::server_name(id);
        if let Some((first, other)) = self.server.get(&server).map(|&at| &members[at]) {
            return Err(said!(
                "roster-same-on-server",
                id = id,
                other = &other.id,
                first = *first,
                server = &server
            ));
        }
        self.ids.insert(id.to_owned(), members.len());
        self.folded.insert(folded, members.len());
        self.server.insert(server, members.len());
        Ok(())
    }
}

/// A header in lower case, accents, spaces and dashes folded (`Temps supplémentaire` →
/// `temps_supplementaire`).
fn normalised(header: &str) -> String {
    header
        .trim()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'É' | 'È' => 'e',
            'à' | 'â' => 'a',
            ' ' | '-' | '.' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// An identifier names the candidate's folder and their database: letters, digits, `_`, `-`
/// and `.`, not starting with a dot.
fn check_id(id: &str) -> Result<(), Said> {
    if id.is_empty() {
        return Err(said!("roster-no-id"));
    }
    if id.len() > ID_MAX {
        return Err(said!("roster-id-too-long", max = ID_MAX));
    }
    if id.starts_with('.')
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(said!("roster-bad-id", id = id));
    }
    Ok(())
}

/// A name as a spreadsheet shows its cell: the line breaks and tabs typed in it (Alt+Enter)
/// are one space each run, since a name is printed on one line (the gradebook, the pages, the
/// terminal). Other characters are kept as given and made inert where they are printed.
fn spreadsheet_name(cell: &str) -> String {
    cell.split(['\r', '\n', '\t'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Extra time: minutes (`30`), or a duration (`30min`, `1h`, `1h30m`); empty is none.
fn extra_time(text: &str) -> Result<u32, Said> {
    if text.is_empty() {
        return Ok(0);
    }
    if let Ok(minutes) = text.parse::<u32>() {
        return Ok(minutes);
    }
    humantime::parse_duration(text)
        .ok()
        .filter(|d| d.as_secs() % 60 == 0)
        .and_then(|d| u32::try_from(d.as_secs() / 60).ok())
        .ok_or_else(|| said!("roster-bad-extra", text = text))
}

/// Lines counted from the bytes as an editor counts them, for records read in order: a
/// name typed over two lines inside quotes moves every line after it.
struct Lines<'a> {
    bytes: &'a [u8],
    counted: usize,
    line: usize,
}

impl Lines<'_> {
    /// The line of the first byte at or after `offset` that ends no line (a record's
    /// position may be the end of the line before it).
    fn at(&mut self, offset: usize) -> usize {
        let mut offset = offset.min(self.bytes.len());
        while self
            .bytes
            .get(offset)
            .is_some_and(|b| matches!(b, b'\r' | b'\n'))
        {
            offset += 1;
        }
        if offset >= self.counted {
            self.line += self.bytes[self.counted..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.counted = offset;
        }
        self.line
    }
}

/// The line of the byte at `offset`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Member>, ClassError> {
        parse_roster(text.as_bytes(), Path::new("roster.csv"))
    }

    fn refused(text: &str) -> (usize, String) {
        match parse(text) {
            Err(ClassError::Roster { line, why, .. }) => (line, why.english()),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn a_french_spreadsheet_roster_is_read() {
        let members = parse(
            "\u{feff}Identifiant;Nom;Courriel;Tiers temps\nC01;Léa Martin;lea@example.org;\nC02;Hugo Petit;;30\n\nC03;Inès Roy;ines@example.org;1h\n",
        )
        .expect("read");
        assert_eq!(members.len(), 3);
        assert_eq!(members[0].name, "Léa Martin");
        assert_eq!(members[1].email, None);
        assert_eq!(
            (members[1].extra_minutes, members[2].extra_minutes),
            (30, 60)
        );
    }

    #[test]
    fn a_bad_line_is_named() {
        assert_eq!(
            refused("id,name\nC01,Léa\nC01,Hugo\n"),
            (
                3,
                "gives the identifier `C01` again (first on line 2)".into()
            )
        );
        let (line, why) = refused("id,name\nC01,Léa\n../x,Hugo\n");
        assert_eq!(line, 3);
        assert!(why.contains("`../x`"), "{why}");
        let (line, why) = refused("id,name,email\nC01,Léa,not-an-address\n");
        assert_eq!(line, 2);
        assert!(why.contains("email"), "{why}");
        let (line, why) = refused("id,name,extra_time\nC01,Léa,soon\n");
        assert_eq!(line, 2);
        assert!(why.contains("extra time"), "{why}");
        assert_eq!(refused("id,name\nC01,\n").0, 2);
        let (line, why) = refused("id,surname\nC01,Léa\n");
        assert_eq!(line, 1);
        assert!(why.contains("`surname`"), "{why}");
        assert_eq!(refused("id,name\n").1, "has no candidate");
        match parse_roster(b"id,name\nC01,Lea\n\xff,x\n", Path::new("roster.csv")) {
            Err(ClassError::Roster { line, why, .. }) => {
                let why = why.english();
                assert_eq!(line, 3);
                assert!(why.contains("UTF-8"), "{why}");
            }
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn identifiers_that_would_share_a_folder_or_a_database_are_refused() {
        for (roster, with) in [
            ("id,name\nR10,Léa\nr10,Hugo\n", "`R10`"),
            ("id,name\nAnna,Léa\nANNA,Hugo\n", "`Anna`"),
            ("id,name\np1.x,Léa\np1-x,Hugo\n", "epreuve_p1_x"),
            ("id,name\na_b,Léa\nA.B,Hugo\n", "`a_b`"),
        ] {
            let (line, why) = refused(roster);
            assert_eq!(line, 3, "{roster}: {why}");
            assert!(why.contains(with), "{roster}: {why}");
        }
        // Identifiers that a server and a folder keep apart are read.
        assert_eq!(parse("id,name\np1x,Léa\np1_y,Hugo\n").unwrap().len(), 2);
    }

    #[test]
    fn a_name_typed_over_lines_is_one_line() {
        let members = parse(
            "id,name\r\nC01,\"L\u{e9}a\r\nMartin\"\r\nC02,\"Hugo\tPetit \n\"\r\nC03,\"\r\n\"\r\n",
        );
        let Err(ClassError::Roster { line, .. }) = members else {
            panic!("a name of line breaks only is no name: {members:?}");
        };
        assert_eq!(line, 6);
        let members =
            parse("id,name\r\nC01,\"L\u{e9}a\r\nMartin\"\r\nC02,\"Hugo\tPetit \n\"\r\n").unwrap();
        assert_eq!(members[0].name, "L\u{e9}a Martin");
        assert_eq!(members[1].name, "Hugo Petit");
    }

    #[test]
    fn extra_time_too_long_for_a_duration_is_refused_at_prepare() {
        // 4294967295 minutes is a u32: read, then refused where it is added.
        let members = parse("id,name,extra_time\nC01,Léa,4294967295\n").unwrap();
        assert_eq!(members[0].extra_minutes, u32::MAX);
    }

    #[test]
    fn a_long_roster_with_one_identifier_repeated_at_its_end_is_refused_with_both_lines() {
        // 100,000 candidates, the last line repeating the first: each line is checked against
        // those before it by name, not by walking them (this took minutes when it did).
        let mut roster = String::from("id,name\n");
        for i in 0..100_000 {
            roster.push_str(&format!("C{i:06},Candidat {i}\n"));
        }
        roster.push_str("c000000,Encore\n");
        let (line, why) = refused(&roster);
        assert_eq!(line, 100_002);
        assert!(why.contains("`C000000` (line 2) only by case"), "{why}");
    }
}

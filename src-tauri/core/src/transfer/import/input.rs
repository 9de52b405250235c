//! What every reader of another service's export shares: the files of an
//! export (a single file, a folder, or a zip read with size and count caps),
//! text decoding (BOM, UTF-8, a Latin-1 fallback that is reported), CSV
//! tables read by header *name* with the delimiter detected, and errors that
//! name the file, line and column a person can open and fix.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path};

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::error::{Error, Result};
use crate::rating::Rating;

/// Largest export read in total (every file of a folder or zip together):
/// years of history are a few MiB, so anything near this is not an export.
pub const MAX_TOTAL_BYTES: u64 = 256 << 20;
/// Most files taken from a zip or a folder. Letterboxd's export is about a
/// dozen files plus one per list.
pub const MAX_FILES: usize = 2_000;
/// How deep zips may sit inside zips: an export zipped again for sending is
/// read; a zip inside that is refused, as no service nests deeper.
pub const MAX_ZIP_DEPTH: usize = 2;

/// One file of an export, by its name inside the export (`lists/x.csv`).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl SourceFile {
    /// The last part of the name, lower-cased: what readers recognise.
    pub fn base_name(&self) -> String {
        self.name
            .rsplit('/')
            .next()
            .unwrap_or(&self.name)
            .to_ascii_lowercase()
    }

    /// The file as text (BOM, UTF-8, or Latin-1 as a fallback, which is
    /// noted in `notes` so the preview says to check accented titles).
    pub fn text(&self, notes: &mut Vec<String>) -> String {
        let d = decode(&self.bytes);
        if d.latin1 {
            notes.push(format!(
                "{} is not UTF-8; it was read as Latin-1 (Western European). Check accented titles in the preview",
                self.name
            ));
        }
        d.text
    }
}

fn too_big() -> Error {
    Error::invalid(format!(
        "this export is larger than {} MiB once unpacked; it is not an export Watchlog can read (a zip that unpacks to far more than its size is refused on purpose)",
        MAX_TOTAL_BYTES >> 20
    ))
}

/// Reads the export at `path`: a zip, a folder (its files, one level of
/// subfolders such as Letterboxd's `lists/`), or one file.
pub fn gather(path: &Path) -> Result<Vec<SourceFile>> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    if meta.is_dir() {
        return gather_dir(path);
    }
    let file = std::fs::File::open(path)
        .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    let mut bytes = Vec::new();
    file.take(MAX_TOTAL_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    if bytes.len() as u64 > MAX_TOTAL_BYTES {
        return Err(too_big());
    }
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    Ok(vec![SourceFile { name, bytes }])
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// What one import may still unpack: one allowance for the whole import,
/// shared by every zip in it however they nest, so a zip of zips cannot
/// multiply the caps.
struct Budget {
    bytes: u64,
    files: usize,
}

impl Budget {
    fn take(&mut self, bytes: u64) -> Result<()> {
        if self.files == 0 {
            return Err(Error::invalid(format!(
                "this export holds more than {MAX_FILES} files, more than an export can have"
            )));
        }
        self.files -= 1;
        self.bytes = self.bytes.checked_sub(bytes).ok_or_else(too_big)?;
        Ok(())
    }
}

/// The export's files with every zip among them unpacked, zips inside zips
/// included down to [`MAX_ZIP_DEPTH`], all within one budget of
/// [`MAX_TOTAL_BYTES`] and [`MAX_FILES`] for the whole import.
pub fn unpack(files: Vec<SourceFile>) -> Result<Vec<SourceFile>> {
    let mut budget = Budget {
        bytes: MAX_TOTAL_BYTES,
        files: MAX_FILES,
    };
    let mut out = Vec::new();
    for f in files {
        if is_zip(&f.bytes) {
            unzip(&f.name, &f.bytes, 1, &mut budget, &mut out)?;
        } else {
            budget.take(f.bytes.len() as u64)?;
            out.push(f);
        }
    }
    Ok(out)
}

fn gather_dir(dir: &Path) -> Result<Vec<SourceFile>> {
    let mut out = Vec::new();
    let mut total = 0u64;
    let mut walk = vec![(dir.to_path_buf(), String::new(), 0)];
    while let Some((d, prefix, depth)) = walk.pop() {
        let rd = std::fs::read_dir(&d)
            .map_err(|e| Error::io(format!("cannot read the folder {}", d.display()), e))?;
        let mut items: Vec<_> = rd.flatten().collect();
        items.sort_by_key(|e| e.file_name());
        for item in items {
            let name = format!("{prefix}{}", item.file_name().to_string_lossy());
            let ft = item
                .file_type()
                .map_err(|e| Error::io("cannot read a folder", e))?;
            if ft.is_dir() {
                if depth < 1 {
                    walk.push((item.path(), format!("{name}/"), depth + 1));
                }
                continue;
            }
            if !ft.is_file() {
                continue;
            }
            if out.len() >= MAX_FILES {
                return Err(Error::invalid(format!(
                    "the folder {} holds more than {MAX_FILES} files; choose the export's own folder",
                    dir.display()
                )));
            }
            let bytes = std::fs::read(item.path())
                .map_err(|e| Error::io(format!("cannot read {}", item.path().display()), e))?;
            total += bytes.len() as u64;
            if total > MAX_TOTAL_BYTES {
                return Err(too_big());
            }
            out.push(SourceFile { name, bytes });
        }
    }
    Ok(out)
}

/// Unpacks a zip in memory into `out`. Names that would leave the export
/// (absolute, `..`, drive letters) are refused, and what is unpacked is
/// taken from `budget` — counted while inflating, not trusted from the
/// zip's own header, so a zip bomb stops early. A zip inside is unpacked
/// in turn while `depth` allows.
fn unzip(
    zip_name: &str,
    bytes: &[u8],
    depth: usize,
    budget: &mut Budget,
    out: &mut Vec<SourceFile>,
) -> Result<()> {
    let damaged =
        |e: zip::result::ZipError| Error::invalid(format!("{zip_name} is not a readable zip: {e}"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(damaged)?;
    if archive.len() > budget.files {
        return Err(Error::invalid(format!(
            "{zip_name} holds {} files, more than the {MAX_FILES} an export can have",
            archive.len()
        )));
    }
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(damaged)?;
        let raw_name = entry.name().to_string();
        let safe = Path::new(&raw_name)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
            && !raw_name.contains('\\')
            && !raw_name.contains(':');
        if !safe {
            return Err(Error::invalid(format!(
                "{zip_name} holds a file named '{raw_name}' that points outside the export; this zip is refused"
            )));
        }
        if entry.is_dir() {
            continue;
        }
        let mut data = Vec::new();
        (&mut entry)
            .take(budget.bytes + 1)
            .read_to_end(&mut data)
            .map_err(|e| Error::invalid(format!("{zip_name}: '{raw_name}' is damaged: {e}")))?;
        budget.take(data.len() as u64)?;
        // macOS adds resource forks that are not part of the export.
        if raw_name.starts_with("__MACOSX/") {
            continue;
        }
        if is_zip(&data) {
            if depth >= MAX_ZIP_DEPTH {
                return Err(Error::invalid(format!(
                    "{zip_name} holds '{raw_name}', a zip inside a zip inside a zip; unpack the export once and import its own zip or folder"
                )));
            }
            unzip(&raw_name, &data, depth + 1, budget, out)?;
            continue;
        }
        out.push(SourceFile {
            name: raw_name,
            bytes: data,
        });
    }
    Ok(())
}

/// A file's text: UTF-16 (little or big endian, by its byte-order mark or,
/// without one, by the zero bytes of ASCII text), UTF-8 (a byte-order mark
/// removed), else Latin-1.
pub struct Decoded {
    pub text: String,
    /// True when the file was not UTF-8 and was read as Latin-1.
    pub latin1: bool,
}

pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some(text) = utf16(bytes) {
        return Decoded {
            text,
            latin1: false,
        };
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded {
            text: s.to_string(),
            latin1: false,
        },
        // Latin-1 maps every byte to the code point of the same number, so
        // it never fails; the caller says so in the report.
        Err(_) => Decoded {
            text: bytes.iter().map(|&b| b as char).collect(),
            latin1: true,
        },
    }
}

/// The text of a UTF-16 file, as spreadsheets save "Unicode text": with a
/// byte-order mark, or without one when its first characters are ASCII
/// (a zero byte beside each). Unpaired surrogates become U+FFFD.
fn utf16(bytes: &[u8]) -> Option<String> {
    let (little, body) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest),
        [0xFE, 0xFF, rest @ ..] => (false, rest),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => (true, bytes),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => (false, bytes),
        _ => return None,
    };
    let units = body.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// An error about one place in a file.
pub fn at(file: &str, line: u64, column: Option<(usize, &str)>, msg: impl AsRef<str>) -> Error {
    let col = match column {
        Some((n, name)) if !name.is_empty() => format!(", column {} ({name})", n + 1),
        Some((n, _)) => format!(", column {}", n + 1),
        None => String::new(),
    };
    Error::invalid(format!(
        "{file}, line {line}{col}: {}; nothing was imported",
        msg.as_ref()
    ))
}

/// An error's message for a file that is left out while the rest is
/// imported: without the "nothing was imported" that a refusal ends with.
pub fn left_out(e: &Error) -> String {
    let m = match e {
        Error::InvalidInput(m) => m.clone(),
        other => other.to_string(),
    };
    let lower = m.to_ascii_lowercase();
    match lower.rfind("nothing was imported") {
        Some(i) => m[..i].trim_end_matches([' ', ';']).to_string(),
        None => m,
    }
}

/// A CSV (or TSV) table read by header name.
pub struct Table {
    pub file: String,
    headers: HashMap<String, usize>,
    pub header_names: Vec<String>,
    pub rows: Vec<Row>,
}

pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

/// A header cell as readers name columns: trimmed, unquoted, lower case.
fn norm_header(h: &str) -> String {
    h.trim().trim_matches('"').trim().to_ascii_lowercase()
}

/// Finds a quote that opens a field and never closes, which the csv crate
/// would silently read to the end of the file.
fn check_quotes(file: &str, text: &str, delim: char) -> Result<()> {
    let (mut line, mut col) = (1u64, 0usize);
    let mut in_quotes = false;
    let mut field_start = true;
    let mut opened = (0, 0);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        col += 1;
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    col += 1;
                } else {
                    in_quotes = false;
                }
            } else if c == '\n' {
                line += 1;
                col = 0;
            }
            continue;
        }
        match c {
            '"' if field_start => {
                in_quotes = true;
                opened = (line, col);
                field_start = false;
            }
            '\n' => {
                line += 1;
                col = 0;
                field_start = true;
            }
            c if c == delim => field_start = true,
            '\r' => {}
            _ => field_start = false,
        }
    }
    if in_quotes {
        return Err(Error::invalid(format!(
            "{file}, line {}, column {}: a quoted field opens here and is never closed (unbalanced quotes); nothing was imported",
            opened.0, opened.1
        )));
    }
    Ok(())
}

impl Table {
    /// Reads `text` as a table whose header must name every column in
    /// `required` (any case). The delimiter is the one among `,` `;` and
    /// tab that makes the header hold those names, so a file saved by a
    /// spreadsheet with semicolons still reads.
    pub fn read(file: &str, text: &str, required: &[&str]) -> Result<Table> {
        let first = text.lines().next().unwrap_or("");
        if first.trim().is_empty() {
            return Err(Error::invalid(format!(
                "{file} is empty or has no header line; nothing was imported"
            )));
        }
        let mut best: Option<u8> = None;
        for d in [b',', b'\t', b';'] {
            let names: Vec<String> = first.split(d as char).map(norm_header).collect();
            if required.iter().all(|r| names.iter().any(|n| n == r)) {
                best = Some(d);
                break;
            }
        }
        let Some(delim) = best else {
            let found: Vec<String> = first.split([',', '\t', ';']).map(norm_header).collect();
            let missing: Vec<&str> = required
                .iter()
                .copied()
                .filter(|r| !found.iter().any(|n| n == r))
                .collect();
            return Err(Error::invalid(format!(
                "{file}, line 1: the header has no column {} (it has: {}); is this the right file and format? Nothing was imported",
                missing.iter().map(|m| format!("'{m}'")).collect::<Vec<_>>().join(", "),
                first.chars().take(200).collect::<String>()
            )));
        };
        check_quotes(file, text, delim as char)?;
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delim)
            .has_headers(true)
            .flexible(true)
            .from_reader(text.as_bytes());
        let header_names: Vec<String> = rdr
            .headers()
            .map_err(|e| csv_error(file, &e))?
            .iter()
            .map(norm_header)
            .collect();
        Table::collect(file, header_names, rdr.records())
    }

    /// Reads a table that sits below other records in one file (a
    /// Letterboxd list: a block about the list, then the films). The
    /// whole file is read as comma-separated records first, so quoted
    /// fields may hold blank lines, and the first record naming every
    /// column in `required` is the header. Returns the records above the
    /// header too. Line numbers count from the top of the file.
    pub fn below(file: &str, text: &str, required: &[&str]) -> Result<(Vec<Row>, Table)> {
        check_quotes(file, text, ',')?;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut above = Vec::new();
        let mut records = rdr.records();
        while let Some(rec) = records.next() {
            let rec = rec.map_err(|e| csv_error(file, &e))?;
            let names: Vec<String> = rec.iter().map(norm_header).collect();
            if required.iter().all(|r| names.iter().any(|n| n == r)) {
                return Ok((above, Table::collect(file, names, records)?));
            }
            above.push(Row {
                line: rec.position().map_or(0, |p| p.line()),
                cells: rec.iter().map(str::to_string).collect(),
            });
        }
        Err(Error::invalid(format!(
            "{file} has no header row naming {}; is this the right file and format? Nothing was imported",
            required.iter().map(|r| format!("'{r}'")).collect::<Vec<_>>().join(", ")
        )))
    }

    /// The table under `header_names`, from the records that follow it:
    /// blank records left out, rows of the wrong width refused.
    fn collect(
        file: &str,
        header_names: Vec<String>,
        records: impl Iterator<Item = csv::Result<csv::StringRecord>>,
    ) -> Result<Table> {
        let headers = header_names
            .iter()
            .enumerate()
            .rev()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        let width = header_names.len();
        let mut rows = Vec::new();
        for rec in records {
            let rec = rec.map_err(|e| csv_error(file, &e))?;
            let line = rec.position().map_or(0, |p| p.line());
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            if rec.len() > width {
                // Trailing empty cells are what spreadsheets add; real
                // content past the header is a shifted row.
                if rec.iter().skip(width).any(|c| !c.trim().is_empty()) {
                    return Err(at(
                        file,
                        line,
                        Some((width, "")),
                        format!(
                            "this row has {} fields but the header names {width} columns (a comma inside an unquoted title?)",
                            rec.len()
                        ),
                    ));
                }
            } else if rec.len() < width {
                return Err(at(
                    file,
                    line,
                    Some((rec.len(), header_names[rec.len()].as_str())),
                    format!(
                        "this row has {} fields but the header names {width} columns",
                        rec.len()
                    ),
                ));
            }
            rows.push(Row {
                line,
                cells: rec.iter().take(width).map(str::to_string).collect(),
            });
        }
        Ok(Table {
            file: file.to_string(),
            headers,
            header_names,
            rows,
        })
    }

    pub fn has(&self, column: &str) -> bool {
        self.headers.contains_key(column)
    }

    /// A cell view of one row.
    pub fn row<'a>(&'a self, row: &'a Row) -> Cells<'a> {
        Cells { table: self, row }
    }
}

fn csv_error(file: &str, e: &csv::Error) -> Error {
    match e.position() {
        Some(p) => at(file, p.line(), None, format!("cannot be read as CSV: {e}")),
        None => Error::invalid(format!(
            "{file} cannot be read as CSV: {e}; nothing was imported"
        )),
    }
}

/// One row, read by column name.
pub struct Cells<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl Cells<'_> {
    pub fn line(&self) -> u64 {
        self.row.line
    }

    /// The trimmed cell; `None` when the column is missing or the cell empty.
    pub fn get(&self, column: &str) -> Option<&str> {
        let i = *self.table.headers.get(column)?;
        Some(self.row.cells.get(i)?.trim()).filter(|s| !s.is_empty())
    }

    /// The first of several names a column goes by.
    pub fn any(&self, columns: &[&str]) -> Option<&str> {
        columns.iter().find_map(|c| self.get(c))
    }

    /// An error about this row's `column`.
    pub fn bad(&self, column: &str, msg: impl AsRef<str>) -> Error {
        let idx = self.table.headers.get(column).copied().unwrap_or(0);
        at(&self.table.file, self.row.line, Some((idx, column)), msg)
    }

    pub fn date(&self, column: &str) -> Result<Option<NaiveDate>> {
        self.get(column)
            .map(|v| {
                parse_when(v)
                    .map(|t| t.date_naive())
                    .map_err(|m| self.bad(column, m))
            })
            .transpose()
    }

    pub fn when(&self, column: &str) -> Result<Option<DateTime<Utc>>> {
        self.get(column)
            .map(|v| parse_when(v).map_err(|m| self.bad(column, m)))
            .transpose()
    }

    pub fn year(&self, column: &str) -> Result<Option<i32>> {
        self.get(column)
            .map(|v| parse_year(v).map_err(|m| self.bad(column, m)))
            .transpose()
    }

    pub fn number(&self, column: &str) -> Result<Option<u32>> {
        self.get(column)
            .map(|v| {
                v.parse::<u32>()
                    .map_err(|_| self.bad(column, format!("'{v}' is not a whole number")))
            })
            .transpose()
    }

    /// A rating given on a scale from `min` to `max` (e.g. 0.5–5 stars),
    /// turned into Watchlog's 0–100.
    pub fn rating(&self, column: &str, min: f64, max: f64) -> Result<Option<Rating>> {
        self.get(column)
            .map(|v| scale_rating(v, min, max).map_err(|m| self.bad(column, m)))
            .transpose()
    }
}

/// A rating on a `min`–`max` scale as 0–100, refusing values outside it.
pub fn scale_rating(v: &str, min: f64, max: f64) -> std::result::Result<Rating, String> {
    let x: f64 = v
        .trim()
        .replace(',', ".")
        .parse()
        .map_err(|_| format!("'{v}' is not a rating (a number from {min} to {max})"))?;
    if !x.is_finite() || x < min || x > max {
        return Err(format!("the rating {v} is outside {min}–{max}"));
    }
    let n = (x / max * 100.0).round() as u8;
    Rating::new(n).map_err(|e| e.to_string())
}

/// A year, from "2019" or the year of a date.
pub fn parse_year(v: &str) -> std::result::Result<i32, String> {
    let v = v.trim();
    let y = match v.parse::<i32>() {
        Ok(y) => y,
        Err(_) => parse_when(v)
            .map(|t| t.date_naive().format("%Y").to_string().parse().unwrap_or(0))
            .map_err(|_| format!("'{v}' is not a year"))?,
    };
    if !(1800..=2200).contains(&y) {
        return Err(format!("{y} is not a plausible year (1800–2200)"));
    }
    Ok(y)
}

/// Reads the date and time forms the services write: ISO dates and
/// timestamps (with or without zone, fraction or `T`), `2024/05/01`, and
/// English month names ("Apr 10, 2023", "10 April 2023"). Day/month orders
/// that could be read two ways (03/04/2023) are refused, not guessed.
pub fn parse_when(v: &str) -> std::result::Result<DateTime<Utc>, String> {
    let v = v.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(v, f) {
            return Ok(Utc.from_utc_datetime(&t));
        }
    }
    if let Ok(t) = DateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S %z") {
        return Ok(t.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y.%m.%d",
        "%b %d, %Y",
        "%B %d, %Y",
        "%d %b %Y",
        "%d %B %Y",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(v, f) {
            return Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()));
        }
    }
    Err(format!(
        "'{v}' is not a date Watchlog can read (use YYYY-MM-DD, an ISO timestamp or a month name like 'Apr 10, 2023')"
    ))
}

/// The tabular files of an export (CSV, TSV, or text saved as such).
pub fn csv_files(files: &[SourceFile]) -> impl Iterator<Item = &SourceFile> {
    files.iter().filter(|f| {
        let n = f.base_name();
        n.ends_with(".csv") || n.ends_with(".tsv") || n.ends_with(".txt")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_services_write() {
        for v in [
            "2024-09-11T08:38:40.000Z",
            "2024-09-11",
            "2024/09/11",
            "Sep 11, 2024",
            "11 September 2024",
            "2024-09-11 08:38:40",
        ] {
            assert_eq!(
                parse_when(v).unwrap().date_naive().to_string(),
                "2024-09-11",
                "{v}"
            );
        }
        assert!(parse_when("03/04/2024").is_err());
        assert!(parse_when("2024-02-30").is_err());
    }

    #[test]
    fn ratings_are_scaled_and_bounded() {
        assert_eq!(scale_rating("0.5", 0.5, 5.0).unwrap().get(), 10);
        assert_eq!(scale_rating("3.5", 0.5, 5.0).unwrap().get(), 70);
        assert_eq!(scale_rating("8", 1.0, 10.0).unwrap().get(), 80);
        assert!(scale_rating("6", 0.5, 5.0).is_err());
        assert!(scale_rating("NaN", 0.5, 5.0).is_err());
    }

    #[test]
    fn utf16_with_and_without_a_byte_order_mark() {
        let text = "tv_show_name,tv_show_id\nLa Casa de Papel — é,327417\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for bytes in [
            [&[0xFF, 0xFE][..], &le].concat(),
            [&[0xFE, 0xFF][..], &be].concat(),
            le.clone(),
            be.clone(),
        ] {
            let d = decode(&bytes);
            assert_eq!(d.text, text);
            assert!(!d.latin1);
        }
        assert_eq!(decode(b"\xEF\xBB\xBFa,b").text, "a,b");
    }

    #[test]
    fn unbalanced_quotes_are_found() {
        let e = check_quotes("f.csv", "a,b\n1,\"oops\n2,3\n", ',').unwrap_err();
        assert!(e.to_string().contains("line 2, column 3"), "{e}");
        check_quotes("f.csv", "a,b\n1,\"ok \"\"x\"\"\"\n", ',').unwrap();
    }
}

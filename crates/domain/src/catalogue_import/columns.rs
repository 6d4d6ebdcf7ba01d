//! Reading an export's columns by their header names, which other tools write in their own
//! order and with columns of their own that Kassa does not need.

use crate::catalogue_csv::CsvRowError;
use std::collections::HashMap;

/// The header of a file: each column's index by its name (trimmed, byte-order mark removed, case
/// kept as the tool writes it), and the names in order.
pub(crate) struct Columns {
    index: HashMap<String, usize>,
    pub names: Vec<String>,
}

impl Columns {
    /// Reads the header; refuses one that is not UTF-8, names a column twice, or lacks any of
    /// `required` (named in the error, with the format it was read as).
    pub fn read(
        reader: &mut csv::Reader<&[u8]>,
        format: &str,
        required: &[&str],
    ) -> Result<Columns, CsvRowError> {
        let header_error = |message: String| CsvRowError { line: 1, message };
        let headers = reader
            .byte_headers()
            .map_err(|e| header_error(format!("cannot read the header: {e}")))?
            .clone();
        let mut index = HashMap::new();
        let mut names = Vec::new();
        for (i, raw) in headers.iter().enumerate() {
            let name = std::str::from_utf8(raw)
                .map_err(|_| header_error("the header is not valid UTF-8".into()))?
                .trim()
                .trim_start_matches('\u{feff}')
                .to_string();
            if !name.is_empty() && index.insert(name.clone(), i).is_some() {
                return Err(header_error(format!("column {name:?} appears twice")));
            }
            names.push(name);
        }
        if let Some(missing) = required.iter().find(|c| !index.contains_key(**c)) {
            return Err(header_error(format!(
                "column {missing:?} is missing: this is not a {format}"
            )));
        }
        Ok(Columns { index, names })
    }

    /// A field of `record` by column name, trimmed; empty when the file has no such column.
    pub fn get<'r>(&self, record: &'r csv::ByteRecord, name: &str) -> Result<&'r str, String> {
        match self.index.get(name).and_then(|&i| record.get(i)) {
            Some(raw) => std::str::from_utf8(raw)
                .map(str::trim)
                .map_err(|_| format!("column {name:?} is not valid UTF-8")),
            None => Ok(""),
        }
    }

    /// A field by column index (for columns found by a prefix, such as Square's taxes).
    pub fn at(record: &csv::ByteRecord, index: usize) -> Result<&str, String> {
        std::str::from_utf8(record.get(index).unwrap_or_default())
            .map(str::trim)
            .map_err(|_| format!("column {} is not valid UTF-8", index + 1))
    }
}

/// A reader for an export: headers on, rows of any length (spreadsheets drop trailing empty
/// cells), quotes as RFC 4180.
pub(crate) fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes)
}

/// Every record of `reader` with its line, or the line's error. A structural CSV error (an
/// unterminated quote) ends the file: the reader cannot be trusted past it.
pub(crate) fn for_each_record(
    reader: &mut csv::Reader<&[u8]>,
    mut each: impl FnMut(u64, Result<&csv::ByteRecord, String>),
) {
    let mut record = csv::ByteRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                each(line, Ok(&record));
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                each(line, Err(format!("malformed CSV: {e}")));
                break;
            }
        }
    }
}

/// A barcode as spreadsheets leave it: a leading apostrophe (Excel's "this is text" mark) is
/// dropped. Empty means none.
pub(crate) fn barcode(text: &str) -> Option<String> {
    let code = text.trim_start_matches('\'').trim();
    (!code.is_empty()).then(|| code.to_string())
}

/// A price as exports write it: "12.50", "$12.50", "£1,250.00". The currency sign and the
/// thousands separators go; a comma with no point is refused rather than guessed at.
pub(crate) fn price_text(text: &str) -> String {
    if text.contains('-') {
        // A negative price is refused as written, never turned positive by trimming its sign.
        return text.to_string();
    }
    let number = text.trim_matches(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','));
    if number.contains('.') {
        number.replace(',', "")
    } else {
        number.to_string()
    }
}

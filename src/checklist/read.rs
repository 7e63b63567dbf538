//! Reading a checklist file safely: one clear line for a missing file, a directory, a binary or
//! oversized file, and the line:column of the first byte that is not UTF-8.

use crate::error::{SourceError, line_col};
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

/// Checklists are a few kilobytes; 16 MiB is far beyond any real one and keeps memory bounded.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Reads `path` as UTF-8 text (a leading BOM removed), or says plainly why it cannot.
///
/// Whole-file problems carry no hint line on purpose: each must fit on one line of the terminal.
pub fn read_source(path: &Path) -> Result<String, SourceError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if meta.is_dir() {
        return Err(SourceError::whole_file(
            path,
            "is a directory, not a checklist; name a .toml or .md file",
        ));
    }
    if !meta.is_file() {
        // A FIFO or a device could block forever or never end.
        return Err(SourceError::whole_file(
            path,
            "is not a regular file (a device, pipe or socket); name a .toml or .md file",
        ));
    }
    if meta.len() > MAX_BYTES {
        return Err(too_large(path, meta.len()));
    }
    let file = File::open(path).map_err(|e| io_error(path, &e))?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The size can change between stat and read; never read more than the limit.
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, &e))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_large(path, bytes.len() as u64));
    }
    decode(path, bytes)
}

/// Turns raw bytes into text, refusing binary data and naming the first bad UTF-8 byte.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, SourceError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(SourceError::whole_file(
            path,
            "is UTF-16 text; save it as UTF-8 and try again",
        ));
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        let (line, column) = prefix_line_col(&bytes, nul);
        return Err(SourceError::whole_file(
            path,
            format!(
                "looks like a binary file (a NUL byte at line {line}, column {column}), not a checklist"
            ),
        ));
    }
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let (line, column) = prefix_line_col(&bytes, bad);
            let byte = bytes.get(bad).copied().unwrap_or(0);
            return Err(SourceError {
                file: path.to_path_buf(),
                line,
                column,
                message: format!("invalid UTF-8 (byte 0x{byte:02X}): the file must be UTF-8 text"),
                hint: Some("re-save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)".into()),
            });
        }
    };
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// Line and column of `offset` where everything before it is known to be valid UTF-8.
fn prefix_line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let prefix = &bytes[..offset.min(bytes.len())];
    let valid = match std::str::from_utf8(prefix) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&prefix[..e.valid_up_to()]).unwrap_or(""),
    };
    line_col(valid, valid.len())
}

fn too_large(path: &Path, len: u64) -> SourceError {
    SourceError::whole_file(
        path,
        format!(
            "is {:.1} MiB; a checklist may be at most {} MiB",
            len as f64 / (1024.0 * 1024.0),
            MAX_BYTES / (1024 * 1024)
        ),
    )
}

fn io_error(path: &Path, e: &std::io::Error) -> SourceError {
    let message = match e.kind() {
        ErrorKind::NotFound => "no such file; check the path".to_string(),
        ErrorKind::PermissionDenied => "permission denied; check the file's owner and mode".into(),
        _ => format!("cannot be read: {e}"),
    };
    SourceError::whole_file(path, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_first_bad_byte() {
        let err = decode(Path::new("x.md"), b"ok\nab\xE9cd".to_vec()).unwrap_err();
        assert_eq!((err.line, err.column), (2, 3));
        assert!(err.message.contains("0xE9"), "{}", err.message);
    }

    #[test]
    fn strips_a_bom_and_refuses_nul() {
        assert_eq!(
            decode(Path::new("x"), b"\xEF\xBB\xBFhi".to_vec()).unwrap(),
            "hi"
        );
        let err = decode(Path::new("x"), b"a\nb\0".to_vec()).unwrap_err();
        assert!(err.to_string().contains("binary"), "{err}");
        assert!(err.to_string().contains("line 2, column 2"), "{err}");
    }
}

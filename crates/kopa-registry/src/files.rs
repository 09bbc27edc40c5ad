//! Files people hand around (sync files on a USB stick): written so that a crash or a
//! pulled stick never leaves a half-written file under the real name.

use crate::error::Result;
use std::path::Path;

/// Writes `bytes` beside `path` (same name, extension `partial`), then renames it
/// into place: a half-written file never carries the name.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_appears_whole_and_nothing_is_left_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("to-hq.kopasync");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert!(!dir.path().join("to-hq.partial").exists());
    }
}

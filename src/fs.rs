//! Replacing files atomically: readers see the old content or the new, never a partial file,
//! and a symlink planted at the destination is replaced, not written through. Policies,
//! templates, config files, downloads and account reports are written through
//! [`write_atomically`] or [`PendingFile`]; this module owns nothing else.
//!
//! The bytes go to a temporary file created beside the destination under a fresh random name
//! with `O_CREAT | O_EXCL` (tempfile's `NamedTempFile`), so nothing planted can be opened in
//! its place; it is synced to disk (documents only, see [`FileKind`]) and renamed over the
//! destination. `rename(2)` replaces a symlink at the destination instead of following it,
//! and the destination itself is never opened for writing.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The two kinds of files written here, which differ in who may read them and whether they
/// are synced to disk before the rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A file a user keeps and edits (policies, templates, config files): a new file gets the
    /// mode a plain create gives (`0o666` less the umask), a replaced file keeps its mode;
    /// synced to disk before it replaces the old one.
    Document,
    /// Account data and reports, which a run regenerates: readable by the owner only
    /// (`0o600`), since they say who in an account can do what; not synced, because a
    /// download writes one file per policy and a sync costs milliseconds each (a crash is
    /// repaired by running again).
    AccountData,
}

/// Writes `bytes` to `path` atomically (see the module docs).
pub fn write_atomically(path: &Path, bytes: &[u8], kind: FileKind) -> io::Result<()> {
    let mut pending = PendingFile::beside(path, kind)?;
    pending.writer().write_all(bytes)?;
    pending.put_in_place().map(drop)
}

/// A file being written under a temporary name beside its destination, not yet in place:
/// dropped, it is removed. For files written a piece at a time; [`write_atomically`] for
/// bytes at hand.
#[derive(Debug)]
pub struct PendingFile {
    out: BufWriter<tempfile::NamedTempFile>,
    path: PathBuf,
    kind: FileKind,
}

impl PendingFile {
    /// Creates the temporary file in `path`'s directory.
    pub fn beside(path: &Path, kind: FileKind) -> io::Result<PendingFile> {
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".policy_sentry-").suffix(".tmp");
        #[cfg(unix)]
        if kind == FileKind::Document {
            use std::os::unix::fs::PermissionsExt;
            // Passed to open(2), so the umask applies, as it does to `File::create`.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        // Without a mode, tempfile creates the file readable by its owner only.
        let file = builder.tempfile_in(dir)?;
        if kind == FileKind::Document
            && let Ok(existing) = std::fs::symlink_metadata(path)
            && existing.is_file()
        {
            file.as_file().set_permissions(existing.permissions())?;
        }
        Ok(PendingFile {
            out: BufWriter::new(file),
            path: path.to_owned(),
            kind,
        })
    }

    /// Where the file goes.
    pub fn destination(&self) -> &Path {
        &self.path
    }

    /// The buffered temporary file, to write the content into.
    pub fn writer(&mut self) -> &mut BufWriter<tempfile::NamedTempFile> {
        &mut self.out
    }

    /// Flushes the file (and syncs a [`FileKind::Document`]), renames it over its
    /// destination, and returns the destination.
    pub fn put_in_place(self) -> io::Result<PathBuf> {
        let file = self
            .out
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        if self.kind == FileKind::Document {
            file.as_file().sync_all()?;
        }
        file.persist(&self.path).map_err(|error| error.error)?;
        Ok(self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("policy.json");
        write_atomically(&file, b"old", FileKind::Document).unwrap();
        write_atomically(&file, b"new", FileKind::Document).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["policy.json"]);
    }

    #[test]
    fn a_dropped_pending_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut pending =
            PendingFile::beside(&dir.path().join("r.json"), FileKind::AccountData).unwrap();
        pending.writer().write_all(b"half").unwrap();
        drop(pending);
        assert!(names(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_destination_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, b"precious").unwrap();
        let link = dir.path().join("out.yml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomically(&link, b"new", FileKind::Document).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"precious");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_file());
        assert_eq!(std::fs::read(&link).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn modes_follow_the_kind() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let private = dir.path().join("report.json");
        write_atomically(&private, b"{}", FileKind::AccountData).unwrap();
        assert_eq!(mode(&private), 0o600);
        let shared = dir.path().join("policy.json");
        write_atomically(&shared, b"{}", FileKind::Document).unwrap();
        assert_eq!(mode(&shared) & 0o600, 0o600);
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&shared, b"[]", FileKind::Document).unwrap();
        assert_eq!(mode(&shared), 0o640);
    }
}

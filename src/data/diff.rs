//! What another folder of AWS pages would change in the embedded data: services and actions
//! added or removed, actions whose access level or resource types differ. `data-diff` prints
//! it. The folder is scraped at run time with the same code `build.rs` uses.
//!
//! Access levels are compared as built: the folder's own `access-level-overrides.yml` applies
//! to its pages (the vendored one when it has none), and run-time overrides are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;

use super::overrides::VENDORED;
use super::scrape::{MergedDatabase, merge_pages, parse_overrides, scrape_pages_in};
use super::{AccessLevel, Action, Service};
use crate::error::Result;

/// The overrides file a pages folder may bring.
pub const OVERRIDES_FILE: &str = "access-level-overrides.yml";

/// A service prefix present on one side only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceChange {
    pub prefix: String,
    pub name: String,
    pub actions: usize,
}

/// An action whose access level differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessLevelChange {
    /// `prefix:Action`, as the new pages spell it.
    pub action: String,
    pub from: AccessLevelName,
    pub to: AccessLevelName,
}

/// An access level as AWS spells it, e.g. `Permissions management`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessLevelName(pub AccessLevel);

impl Serialize for AccessLevelName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.as_str())
    }
}

/// An action whose resource types differ. Types are written as the AWS pages write them: a
/// trailing `*` marks a required type; `""` is the row without a type (`Resource: "*"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceTypesChange {
    pub action: String,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// Differences between the embedded data and another pages folder, each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DataDiff {
    /// Pages read from the other folder.
    pub pages: usize,
    pub services_added: Vec<ServiceChange>,
    pub services_removed: Vec<ServiceChange>,
    /// Actions added to services present on both sides.
    pub actions_added: Vec<String>,
    /// Actions removed from services present on both sides.
    pub actions_removed: Vec<String>,
    pub access_levels_changed: Vec<AccessLevelChange>,
    pub resource_types_changed: Vec<ResourceTypesChange>,
}

impl DataDiff {
    /// Whether the folder holds the same services, actions, levels and resource types.
    pub fn is_empty(&self) -> bool {
        self.services_added.is_empty()
            && self.services_removed.is_empty()
            && self.actions_added.is_empty()
            && self.actions_removed.is_empty()
            && self.access_levels_changed.is_empty()
            && self.resource_types_changed.is_empty()
    }
}

/// Scrapes `directory` and compares it with the embedded data.
pub fn diff_directory(directory: &Path) -> Result<DataDiff> {
    let pages = scrape_pages_in(directory)?;
    let own = directory.join(OVERRIDES_FILE);
    let overrides = if own.is_file() {
        let text =
            std::fs::read_to_string(&own).map_err(|source| crate::Error::io(&own, source))?;
        parse_overrides(&own.display().to_string(), &text)?
    } else {
        parse_overrides(OVERRIDES_FILE, VENDORED)?
    };
    let (database, _) = merge_pages(pages, &overrides)?;
    Ok(diff_database(&database))
}

fn type_label(name: &str, required: bool) -> String {
    if required {
        format!("{name}*")
    } else {
        name.to_owned()
    }
}

/// Compares a merged database with the embedded data.
pub fn diff_database(database: &MergedDatabase) -> DataDiff {
    let mut diff = DataDiff {
        pages: database.page_count,
        ..DataDiff::default()
    };
    for service in Service::all() {
        if !database.services.contains_key(service.prefix()) {
            diff.services_removed.push(ServiceChange {
                prefix: service.prefix().to_owned(),
                name: service.name().to_owned(),
                actions: service.actions().len(),
            });
        }
    }
    for (prefix, merged) in &database.services {
        let Some(service) = Service::find(prefix).filter(|service| service.prefix() == prefix)
        else {
            diff.services_added.push(ServiceChange {
                prefix: prefix.clone(),
                name: merged.service_name.clone(),
                actions: merged.actions.len(),
            });
            continue;
        };
        // Action names compare case-insensitively, as IAM does.
        let new: BTreeMap<String, _> = merged
            .actions
            .values()
            .map(|action| (action.scraped.name.to_lowercase(), action))
            .collect();
        let old: BTreeMap<String, Action> = service
            .actions()
            .map(|action| (action.name().to_lowercase(), action))
            .collect();
        for (key, action) in &old {
            if !new.contains_key(key) {
                diff.actions_removed.push(action.to_string());
            }
        }
        for (key, action) in &new {
            let qualified = format!("{prefix}:{}", action.scraped.name);
            let Some(embedded) = old.get(key) else {
                diff.actions_added.push(qualified);
                continue;
            };
            if embedded.builtin_access_level() != action.access_level {
                diff.access_levels_changed.push(AccessLevelChange {
                    action: qualified.clone(),
                    from: AccessLevelName(embedded.builtin_access_level()),
                    to: AccessLevelName(action.access_level),
                });
            }
            let before: BTreeSet<String> = embedded
                .rows()
                .map(|row| type_label(row.resource_type_name(), row.required()))
                .collect();
            let after: BTreeSet<String> = action
                .scraped
                .rows
                .values()
                .map(|row| type_label(&row.resource_type, row.required))
                .collect();
            if before != after {
                diff.resource_types_changed.push(ResourceTypesChange {
                    action: qualified,
                    added: after.difference(&before).cloned().collect(),
                    removed: before.difference(&after).cloned().collect(),
                });
            }
        }
    }
    diff.services_added.sort_by(|a, b| a.prefix.cmp(&b.prefix));
    diff.services_removed
        .sort_by(|a, b| a.prefix.cmp(&b.prefix));
    diff.actions_added.sort();
    diff.actions_removed.sort();
    diff.access_levels_changed
        .sort_by(|a, b| a.action.cmp(&b.action));
    diff.resource_types_changed
        .sort_by(|a, b| a.action.cmp(&b.action));
    diff
}

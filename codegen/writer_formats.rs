//! The policy writer's view of each service's ARN formats, computed once at build time and
//! independent of access levels (so that run-time access-level overrides apply when the
//! writer filters by level): for every action row, the resource type whose ARN format the
//! writer tries for it; for every resource type, the resource type policy_sentry takes its
//! format for and the service's actions (at any level) with a row naming that type.
//!
//! The rules are policy_sentry's; `src/write/resource_types.rs` turns these tables into a
//! level's formats and a test there checks them against the rules applied directly.

use std::collections::HashMap;

use super::model::NO_INDEX;
use super::scrape::MergedDatabase;

/// The writer's tables, all indices global (counting every service in table order).
#[derive(Debug, Default)]
pub struct WriterFormats {
    /// Per action row: the resource type index whose format the writer tries, or
    /// [`NO_INDEX`].
    pub row_types: Vec<u32>,
    /// Per resource type: the name of the type policy_sentry takes its format for (see
    /// [`type_for_format`]), if any, and indices of the service's actions with a row of that
    /// type (in any ASCII case), in action order.
    pub types: Vec<(Option<String>, Vec<u32>)>,
}

/// The name of the first resource type with this ARN format (in any ASCII case) of the
/// service the format names, with policy_sentry's `catalog` alias of `servicecatalog`.
fn type_for_format(database: &MergedDatabase, arn_format: &str) -> Option<String> {
    let prefix = arn_format.split(':').nth(2)?;
    let prefix = if prefix == "catalog" {
        "servicecatalog"
    } else {
        prefix
    };
    database
        .services
        .values()
        .find(|service| service.prefix == prefix)?
        .resources
        .values()
        .find(|resource| resource.arn.eq_ignore_ascii_case(arn_format))
        .map(|resource| resource.name.clone())
}

/// The tables of every service (see [`WriterFormats`]).
pub fn writer_formats(database: &MergedDatabase) -> WriterFormats {
    let mut tables = WriterFormats::default();
    let (mut first_action, mut first_type) = (0u32, 0u32);
    for service in database.services.values() {
        // A row's type name gives the format of the last type so named; a format stands for
        // the first type that has it, so equal formats are tried once.
        let mut type_of_format: HashMap<&str, u32> = HashMap::new();
        let mut type_of_name: HashMap<&str, u32> = HashMap::new();
        for (offset, resource) in service.resources.values().enumerate() {
            let index = first_type + offset as u32;
            let canonical = *type_of_format.entry(resource.arn.as_str()).or_insert(index);
            type_of_name.insert(resource.name.as_str(), canonical);
        }
        for action in service.actions.values() {
            for row in action.scraped.rows.values() {
                let index = type_of_name.get(row.resource_type.as_str());
                tables.row_types.push(index.copied().unwrap_or(NO_INDEX));
            }
        }
        for resource in service.resources.values() {
            let name = type_for_format(database, &resource.arn);
            let actions = name.as_deref().map_or_else(Vec::new, |name| {
                (first_action..)
                    .zip(service.actions.values())
                    .filter(|(_, action)| {
                        action
                            .scraped
                            .rows
                            .keys()
                            .any(|row_type| row_type.eq_ignore_ascii_case(name))
                    })
                    .map(|(index, _)| index)
                    .collect()
            });
            tables.types.push((name, actions));
        }
        first_action += service.actions.len() as u32;
        first_type += service.resources.len() as u32;
    }
    tables
}

//! The policy writer's view of each service, computed once at build time: for every access
//! level, the ARN formats that the rows of the service's actions at that level name (in row
//! order, each once), each with the resource type policy_sentry takes it for and that type's
//! actions at the level. Writing a CRUD policy then only matches ARNs against these formats.
//!
//! The rules are policy_sentry's, as `src/write/sid_group.rs` applies them at run time when
//! access-level overrides change the levels; a test checks both give the same entries.

use std::collections::HashMap;

use super::model::AccessLevel;
use super::scrape::{MergedAction, MergedDatabase};

/// One ARN format of a service at one access level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelFormat {
    pub arn_format: String,
    /// The resource type the format stands for, when one has it (see [`type_for_format`]).
    pub resource_type: Option<String>,
    /// Indices (into the action table) of the service's actions at the level with a row of
    /// that resource type (in any ASCII case), in row order, each once.
    pub actions: Vec<u32>,
}

/// Whether the writer can match ARNs against the format: not `*`, and six colon-separated
/// parts (as `ArnFormat::parse` requires).
fn usable(arn_format: &str) -> bool {
    arn_format != "*" && arn_format.matches(':').count() >= 5
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

/// The entries of every service, by service (in table order) and level (in
/// [`AccessLevel::ALL`] order). Action indices count the actions of all services in table
/// order, as the generated action table does.
pub fn level_formats(database: &MergedDatabase) -> Vec<[Vec<LevelFormat>; 5]> {
    let mut first_action = 0u32;
    let mut all = Vec::with_capacity(database.services.len());
    for service in database.services.values() {
        // The last resource type of a name gives its format.
        let formats_by_name: HashMap<&str, &str> = service
            .resources
            .values()
            .map(|resource| (resource.name.as_str(), resource.arn.as_str()))
            .collect();
        let numbered: Vec<(u32, &MergedAction)> = service
            .actions
            .values()
            .enumerate()
            .map(|(offset, action)| (first_action + offset as u32, action))
            .collect();
        let levels = AccessLevel::ALL.map(|level| {
            let at_level = || {
                numbered
                    .iter()
                    .filter(move |(_, action)| action.access_level == level)
            };
            let mut formats: Vec<&str> = Vec::new();
            for (_, action) in at_level() {
                for row in action.scraped.rows.values() {
                    if let Some(format) = formats_by_name.get(row.resource_type.as_str())
                        && usable(format)
                        && !formats.contains(format)
                    {
                        formats.push(format);
                    }
                }
            }
            formats
                .into_iter()
                .map(|format| {
                    let resource_type = type_for_format(database, format);
                    let actions = resource_type.as_deref().map_or_else(Vec::new, |name| {
                        at_level()
                            .filter(|(_, action)| {
                                action
                                    .scraped
                                    .rows
                                    .keys()
                                    .any(|row_type| row_type.eq_ignore_ascii_case(name))
                            })
                            .map(|(index, _)| *index)
                            .collect()
                    });
                    LevelFormat {
                        arn_format: format.to_owned(),
                        resource_type,
                        actions,
                    }
                })
                .collect()
        });
        all.push(levels);
        first_action += service.actions.len() as u32;
    }
    all
}

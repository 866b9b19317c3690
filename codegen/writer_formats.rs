//! The policy writer's view of each service's ARN formats, computed once at build time and
//! independent of access levels (so that run-time access-level overrides apply when the
//! writer filters by level): for every action row, the resource type whose ARN format the
//! writer tries for it; for every resource type, the resource type policy_sentry takes its
//! format for, the service's actions (at any level) with a row naming that type, and the
//! resource types whose formats its own format matches when written as an ARN (actions mode
//! adds each action's formats that way: matching them at build time saves the run-time
//! matcher most of a write).
//!
//! The rules are policy_sentry's; `src/write/resource_types.rs` turns these tables into a
//! level's formats and a test there checks them against the rules applied directly.

use std::collections::HashMap;

use super::arn_format::{ArnFormat, ArnMatcher, split_arn};
use super::model::NO_INDEX;
use super::scrape::{MergedDatabase, MergedService};

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
    /// Per resource type: the indices, ascending, of the resource types (of the service its
    /// format names) whose formats its format, read as an ARN, matches (see [`format_matches`]).
    pub format_matches: Vec<Vec<u32>>,
    /// Per resource type: the indices, ascending, of the actions with a row whose writer type
    /// ([`WriterFormats::row_types`]) it is.
    pub row_actions: Vec<Vec<u32>>,
}

/// The service an ARN's prefix names for the writer: exact prefix, plus policy_sentry's
/// `catalog` alias of `servicecatalog`; with the index of its first resource type.
fn service_in_arn<'a>(
    services: &'a [(u32, &'a MergedService)],
    prefix: &str,
) -> Option<&'a (u32, &'a MergedService)> {
    let prefix = if prefix == "catalog" {
        "servicecatalog"
    } else {
        prefix
    };
    services
        .iter()
        .find(|(_, service)| service.prefix == prefix)
}

/// The resource types whose formats `arn_format`, read as an ARN, matches, as the writer's
/// `add_by_arn_and_access_level` matches a template ARN: none when it is no ARN or names no
/// known service.
fn format_matches(services: &[(u32, &MergedService)], arn_format: &str) -> Vec<u32> {
    let Ok([_, prefix, region, account, resource]) = split_arn(arn_format) else {
        return Vec::new();
    };
    let Some((first_type, service)) = service_in_arn(services, prefix) else {
        return Vec::new();
    };
    let matcher = ArnMatcher::new(prefix, region, account, resource);
    (*first_type..)
        .zip(service.resources.values())
        .filter(|(_, other)| {
            ArnFormat::parse(&other.arn).is_some_and(|format| matcher.matches_parsed(&format))
        })
        .map(|(index, _)| index)
        .collect()
}

/// The name of the first resource type with this ARN format (in any ASCII case) of the
/// service the format names ([`service_in_arn`]).
fn type_for_format(services: &[(u32, &MergedService)], arn_format: &str) -> Option<String> {
    let (_, service) = service_in_arn(services, arn_format.split(':').nth(2)?)?;
    service
        .resources
        .values()
        .find(|resource| resource.arn.eq_ignore_ascii_case(arn_format))
        .map(|resource| resource.name.clone())
}

/// The tables of every service (see [`WriterFormats`]).
pub fn writer_formats(database: &MergedDatabase) -> WriterFormats {
    let mut tables = WriterFormats::default();
    let mut services: Vec<(u32, &MergedService)> = Vec::new();
    for service in database.services.values() {
        let first = services
            .last()
            .map_or(0, |(first, last)| first + last.resources.len() as u32);
        services.push((first, service));
    }
    let mut first_action = 0u32;
    for &(first_type, service) in &services {
        // A row's type name gives the format of the last type so named; a format stands for
        // the first type that has it, so equal formats are tried once.
        let mut type_of_format: HashMap<&str, u32> = HashMap::new();
        let mut type_of_name: HashMap<&str, u32> = HashMap::new();
        for (offset, resource) in service.resources.values().enumerate() {
            let index = first_type + offset as u32;
            let canonical = *type_of_format.entry(resource.arn.as_str()).or_insert(index);
            type_of_name.insert(resource.name.as_str(), canonical);
        }
        let mut row_actions: Vec<Vec<u32>> = vec![Vec::new(); service.resources.len()];
        for (action_index, action) in (first_action..).zip(service.actions.values()) {
            for row in action.scraped.rows.values() {
                let index = type_of_name.get(row.resource_type.as_str());
                tables.row_types.push(index.copied().unwrap_or(NO_INDEX));
                if let Some(&index) = index {
                    let actions = &mut row_actions[(index - first_type) as usize];
                    if actions.last() != Some(&action_index) {
                        actions.push(action_index);
                    }
                }
            }
        }
        tables.row_actions.extend(row_actions);
        for resource in service.resources.values() {
            let name = type_for_format(&services, &resource.arn);
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
            tables
                .format_matches
                .push(format_matches(&services, &resource.arn));
        }
        first_action += service.actions.len() as u32;
    }
    tables
}

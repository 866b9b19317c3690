//! How policy_sentry 0.12.15 finds resource types and their actions for an ARN, and a
//! per-policy cache of what it looks up: the service an ARN names, the ARN format of an
//! action row, the ARN formats a service's actions at one access level name (each with the
//! resource type policy_sentry takes it for) and the actions of a type at a level.
//!
//! Everything here reads access levels through [`Action::access_level`], so run-time
//! access-level overrides apply without a separate path. Adding statements is
//! [`super::sid_group`]'s job.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::arn::ArnFormat;
use crate::data::{AccessLevel, Action, ActionRow, Service};

/// The service an ARN names, looked up as policy_sentry does: exact prefix, plus the
/// `catalog` alias of `servicecatalog`.
pub(super) fn service_in_arn(prefix: &str) -> Option<Service> {
    let lookup = if prefix == "catalog" {
        "servicecatalog"
    } else {
        prefix
    };
    Service::find(lookup).filter(|service| service.prefix() == lookup)
}

/// The ARN format of a row's resource type (looked up by its exact name in the action's
/// service), or `*` for the row without a type or with another service's type.
pub(super) fn row_format(row: ActionRow) -> &'static str {
    if row.resource_type_name().is_empty() {
        return "*";
    }
    // Names are interned: equal ids are equal names.
    let id = row.resource_type_id();
    row.action()
        .service()
        .resource_types()
        .find(|resource| resource.name_id() == id)
        .map_or("*", |resource| resource.arn_format())
}

/// The name of the first resource type (of the service the format names) with this ARN
/// format, compared case-insensitively.
pub(super) fn resource_type_for_format(format: &str) -> Option<&'static str> {
    let prefix = format.split(':').nth(2)?;
    service_in_arn(prefix)?
        .resource_types()
        .find(|resource| resource.arn_format().eq_ignore_ascii_case(format))
        .map(|resource| resource.name())
}

/// Each resource type name's ARN format and its id, by the name's id (the reference maps a
/// name to the last type so named).
type FormatsByName = HashMap<u32, (u32, &'static str)>;

fn formats_by_name(service: Service) -> FormatsByName {
    service
        .resource_types()
        .map(|resource| {
            let format = (resource.arn_format_id(), resource.arn_format());
            (resource.name_id(), format)
        })
        .collect()
}

/// The distinct ARN formats that rows of the service's actions at `level` name, in row
/// order, parsed; formats that cannot be matched (`*`, malformed) are left out.
fn level_formats(
    service: Service,
    level: AccessLevel,
    formats_by_name: &FormatsByName,
) -> Vec<ArnFormat<'static>> {
    let mut seen: HashSet<u32> = HashSet::new();
    let mut formats = Vec::new();
    for action in service.actions() {
        if action.access_level() != level {
            continue;
        }
        for row in action.rows() {
            let Some((id, format)) = formats_by_name.get(&row.resource_type_id()) else {
                continue;
            };
            if seen.insert(*id)
                && let Some(parsed) = ArnFormat::parse(format)
            {
                formats.push(parsed);
            }
        }
    }
    formats
}

/// The actions of the service at `level` with a row naming the type in any ASCII case, in
/// row order, each once.
fn actions_of_type(service: Service, level: AccessLevel, type_name: &str) -> Vec<Action> {
    service
        .actions()
        .filter(|action| {
            action.access_level() == level
                && action
                    .rows()
                    .any(|row| row.resource_type_name().eq_ignore_ascii_case(type_name))
        })
        .collect()
}

/// The dependent actions the actions list, in order, each once.
pub(super) fn dependents_of(actions: &[Action]) -> Vec<&'static str> {
    let mut dependents: Vec<&'static str> = Vec::new();
    for action in actions {
        for dependent in action.dependent_actions() {
            if !dependents.contains(&dependent) {
                dependents.push(dependent);
            }
        }
    }
    dependents
}

/// The actions of one access level and resource type, with the dependent actions they list.
#[derive(Debug)]
pub(super) struct TypeActions {
    pub(super) actions: Vec<Action>,
    pub(super) dependents: Vec<&'static str>,
}

/// What one policy looks up in the reference, each computed once (a big service has
/// thousands of rows; a template names a few services many times).
#[derive(Debug, Default)]
pub(super) struct ResourceTypes {
    /// Per service, the parsed formats of all its resource types.
    type_formats: HashMap<Service, Rc<[ArnFormat<'static>]>>,
    /// Per service, [`formats_by_name`].
    formats_by_name: HashMap<Service, FormatsByName>,
    /// Per service and level, [`level_formats`].
    level_formats: HashMap<(Service, AccessLevel), Rc<[ArnFormat<'static>]>>,
    /// [`resource_type_for_format`] of the formats matched so far.
    type_for_format: HashMap<&'static str, Option<&'static str>>,
    /// Per service, level and type name, [`actions_of_type`] and their dependents.
    type_actions: HashMap<(Service, AccessLevel, &'static str), Rc<TypeActions>>,
}

impl ResourceTypes {
    /// The parsed ARN formats of the service's resource types.
    pub(super) fn type_formats(&mut self, service: Service) -> Rc<[ArnFormat<'static>]> {
        Rc::clone(self.type_formats.entry(service).or_insert_with(|| {
            service
                .resource_types()
                .filter_map(|resource| ArnFormat::parse(resource.arn_format()))
                .collect()
        }))
    }

    /// The ARN formats the service's rows at `level` name ([`level_formats`]).
    pub(super) fn level_formats(
        &mut self,
        service: Service,
        level: AccessLevel,
    ) -> Rc<[ArnFormat<'static>]> {
        if let Some(formats) = self.level_formats.get(&(service, level)) {
            return Rc::clone(formats);
        }
        let by_name = self
            .formats_by_name
            .entry(service)
            .or_insert_with(|| formats_by_name(service));
        let formats: Rc<[ArnFormat<'static>]> = level_formats(service, level, by_name).into();
        self.level_formats
            .insert((service, level), Rc::clone(&formats));
        formats
    }

    /// The resource type policy_sentry takes the format for ([`resource_type_for_format`]).
    pub(super) fn type_for_format(&mut self, format: &'static str) -> Option<&'static str> {
        *self
            .type_for_format
            .entry(format)
            .or_insert_with(|| resource_type_for_format(format))
    }

    /// The actions of the service at `level` that take the type (in any case), with their
    /// dependents.
    pub(super) fn type_actions(
        &mut self,
        service: Service,
        level: AccessLevel,
        type_name: &'static str,
    ) -> Rc<TypeActions> {
        Rc::clone(
            self.type_actions
                .entry((service, level, type_name))
                .or_insert_with(|| {
                    let actions = actions_of_type(service, level, type_name);
                    Rc::new(TypeActions {
                        dependents: dependents_of(&actions),
                        actions,
                    })
                }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The run-time entries equal the build-time ones for the embedded levels.
    #[test]
    fn level_formats_equal_the_build_time_entries() {
        let mut entries = 0;
        for service in Service::all() {
            for level in AccessLevel::ALL {
                let run_time: Vec<(&str, Option<&str>, Vec<Action>)> =
                    level_formats(service, level, &formats_by_name(service))
                        .into_iter()
                        .map(|format| {
                            let type_name = resource_type_for_format(format.text);
                            let actions = type_name
                                .map(|name| actions_of_type(service, level, name))
                                .unwrap_or_default();
                            (format.text, type_name, actions)
                        })
                        .collect();
                let build_time: Vec<(&str, Option<&str>, Vec<Action>)> = service
                    .builtin_level_formats(level)
                    .map(|entry| {
                        (
                            entry.arn_format(),
                            entry.resource_type_name(),
                            entry.actions().collect(),
                        )
                    })
                    .collect();
                assert_eq!(build_time, run_time, "{service:?} at {level:?}");
                entries += build_time.len();
            }
        }
        assert!(entries > 4000, "{entries} entries");
    }
}

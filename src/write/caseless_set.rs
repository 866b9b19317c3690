//! A set of `service:Action` texts compared as policy_sentry compares actions: without
//! regard to ASCII case. The writer keeps the actions a template asks for and the actions
//! it excludes in one.

use std::collections::{HashMap, HashSet};

use fnv::FnvBuildHasher;

use crate::data::model::lookup_key;
use crate::data::{Action, Service};

/// A set of `service:Action` texts (owned or borrowed) compared without regard to ASCII
/// case, as policy_sentry compares actions (they are ASCII), looked up without allocating.
#[derive(Debug)]
pub(super) struct CaselessSet<S = String> {
    /// `service:Action` texts by [`lookup_key`] (hash collisions are compared in full).
    by_key: HashMap<u64, Vec<S>, FnvBuildHasher>,
    /// The documented actions the texts inserted with [`CaselessSet::insert_naming_action`]
    /// name: a text names an action exactly when it equals its `service:Action` without regard
    /// to case, so [`CaselessSet::contains_action`] is one lookup (actions mode asks it for
    /// every action of every matched resource type).
    actions: HashSet<Action, FnvBuildHasher>,
}

impl<S> Default for CaselessSet<S> {
    fn default() -> Self {
        CaselessSet {
            by_key: HashMap::default(),
            actions: HashSet::default(),
        }
    }
}

impl<S: AsRef<str>> CaselessSet<S> {
    pub(super) fn insert(&mut self, qualified: S) {
        self.by_key
            .entry(lookup_key(&[qualified.as_ref()]))
            .or_default()
            .push(qualified);
    }

    /// Inserts the text and notes the documented action it names, if any, for
    /// [`CaselessSet::contains_action`] (which only sees texts inserted this way).
    pub(super) fn insert_naming_action(&mut self, qualified: S) {
        if let Some((prefix, name)) = qualified.as_ref().split_once(':')
            && let Some(action) = Service::find(prefix).and_then(|service| service.action(name))
        {
            self.actions.insert(action);
        }
        self.insert(qualified);
    }

    pub(super) fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    pub(super) fn contains(&self, qualified: &str) -> bool {
        self.by_key
            .get(&lookup_key(&[qualified]))
            .is_some_and(|candidates| {
                candidates
                    .iter()
                    .any(|candidate| candidate.as_ref().eq_ignore_ascii_case(qualified))
            })
    }

    /// Whether a text inserted with [`CaselessSet::insert_naming_action`] or
    /// [`CaselessSet::insert_action`] names the action.
    pub(super) fn contains_action(&self, action: Action) -> bool {
        self.actions.contains(&action)
    }
}

impl CaselessSet<String> {
    /// Inserts the action's `service:Action` and the action itself (no lookup needed).
    pub(super) fn insert_action(&mut self, action: Action) {
        self.actions.insert(action);
        self.insert(action.qualified_name());
    }
}

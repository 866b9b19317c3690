//! A set of `service:Action` texts compared as policy_sentry compares actions: without
//! regard to ASCII case. The writer keeps the actions a template asks for and the actions
//! it excludes in one.

use std::collections::HashMap;

use crate::data::Action;
use crate::data::model::lookup_key;

/// A set of `service:Action` texts (owned or borrowed) compared without regard to ASCII
/// case, as policy_sentry compares actions (they are ASCII), looked up without allocating.
#[derive(Debug)]
pub(super) struct CaselessSet<S = String> {
    /// `service:Action` texts by [`lookup_key`] (hash collisions are compared in full).
    by_key: HashMap<u64, Vec<S>>,
}

impl<S> Default for CaselessSet<S> {
    fn default() -> Self {
        CaselessSet {
            by_key: HashMap::new(),
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

    pub(super) fn contains_action(&self, action: Action) -> bool {
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

//! policy_sentry's `--minimize`: shortens a statement's actions to the shortest prefixes
//! (`s3:getobjectv*`) that match no action the statement does not grant, among the actions
//! of the embedded reference. The algorithm (from Netflix's policyuniverse, as policy_sentry
//! adapted it) and its all-lowercase output are kept as they are; inputs it would crash on
//! (an "action" without exactly one colon) are passed through unchanged.
//!
//! The result is only safe against the actions known when the policy is written: a future
//! action whose name starts with an emitted prefix would be granted too.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use crate::data::Service;

/// Minimizes one statement's actions. `min_chars` is the shortest action-name part a prefix
/// may have (0: no minimum). The result is lowercase, deduplicated and sorted.
///
/// ```
/// use policy_sentry::write::minimize_actions;
/// let actions = ["s3:GetObjectVersionTagging".to_owned(), "s3:GetObjectVersionTorrent".to_owned()];
/// assert_eq!(minimize_actions(&actions, 0), ["s3:getobjectversiont*"]);
/// ```
pub fn minimize_actions(desired: &[String], min_chars: usize) -> Vec<String> {
    Minimizer::default().minimize(desired, min_chars)
}

/// Minimizes statement after statement, building each service's list of actions once.
#[derive(Debug, Default)]
pub(crate) struct Minimizer {
    universes: HashMap<String, Rc<Vec<String>>>,
}

impl Minimizer {
    /// [`minimize_actions`] with the universes kept for the next statement.
    pub(crate) fn minimize(&mut self, desired: &[String], min_chars: usize) -> Vec<String> {
        let desired: Vec<String> = desired.iter().map(|action| lowercase(action)).collect();
        let desired_set: HashSet<&str> = desired.iter().map(String::as_str).collect();
        // Per service: its sorted actions, and the positions among them of the desired ones.
        let mut universes: HashMap<&str, (Rc<Vec<String>>, Vec<usize>)> = HashMap::new();
        for action in &desired {
            let service = action.split(':').next().unwrap_or_default();
            let (universe, positions) = universes.entry(service).or_insert_with(|| {
                let universe = self
                    .universes
                    .entry(service.to_owned())
                    .or_insert_with(|| Rc::new(service_universe(service)));
                (Rc::clone(universe), Vec::new())
            });
            if let Ok(position) = universe.binary_search(action) {
                positions.push(position);
            }
        }
        for (_, positions) in universes.values_mut() {
            positions.sort_unstable();
            positions.dedup();
        }
        // A prefix is denied when an action of the statement's services that the statement
        // does not grant starts with it: when more actions start with it than desired ones.
        let is_denied = |prefix: &str| -> bool {
            let service = prefix.split(':').next().unwrap_or_default();
            let Some((universe, positions)) = universes.get(service) else {
                return false;
            };
            let start = universe.partition_point(|action| action.as_str() < prefix);
            let end = universe
                .partition_point(|action| action.as_str() < prefix || action.starts_with(prefix));
            let desired_within = positions.partition_point(|position| *position < end)
                - positions.partition_point(|position| *position < start);
            end - start > desired_within
        };

        let mut minimized: BTreeSet<String> = BTreeSet::new();
        for action in &desired {
            if is_denied(action) {
                minimized.insert(action.clone());
                continue;
            }
            let Some((service, name)) = action
                .split_once(':')
                .filter(|(_, name)| !name.contains(':'))
            else {
                minimized.insert(action.clone());
                continue;
            };
            let mut chosen = None;
            let mut prefix = String::with_capacity(action.len() + 1);
            for (count, (end, _)) in name
                .char_indices()
                .skip(1)
                .chain(std::iter::once((name.len(), ' ')))
                .enumerate()
            {
                let part = &name[..end];
                let length = count + 1;
                if part.is_empty() || (min_chars > 0 && length < min_chars) {
                    continue;
                }
                prefix.clear();
                prefix.push_str(service);
                prefix.push(':');
                prefix.push_str(part);
                if !is_denied(&prefix) {
                    if !desired_set.contains(prefix.as_str()) {
                        prefix.push('*');
                    }
                    chosen = Some(prefix);
                    break;
                }
            }
            minimized.insert(chosen.unwrap_or_else(|| action.clone()));
        }
        minimized.into_iter().collect()
    }
}

/// Python's `str.lower()`, with a fast path for ASCII.
fn lowercase(text: &str) -> String {
    if text.is_ascii() {
        let mut lower = text.to_owned();
        lower.make_ascii_lowercase();
        lower
    } else {
        text.to_lowercase()
    }
}

/// Every action of the service with exactly this (lowercase) prefix, as lowercase
/// `service:action`, sorted.
fn service_universe(prefix: &str) -> Vec<String> {
    let Some(service) = Service::find(prefix).filter(|service| service.prefix() == prefix) else {
        return Vec::new();
    };
    let mut actions: Vec<String> = service
        .actions()
        .map(|action| {
            let name = action.name();
            let mut text = String::with_capacity(prefix.len() + 1 + name.len());
            text.push_str(prefix);
            text.push(':');
            text.push_str(&lowercase(name));
            text
        })
        .collect();
    actions.sort_unstable();
    actions
}

#[cfg(test)]
mod tests {
    use super::minimize_actions;

    fn minimize(actions: &[&str], min_chars: usize) -> Vec<String> {
        let actions: Vec<String> = actions.iter().map(|a| (*a).to_owned()).collect();
        minimize_actions(&actions, min_chars)
    }

    #[test]
    fn upstream_example() {
        // policy_sentry's own unit test for minimize_statement_actions.
        assert_eq!(
            minimize(
                &[
                    "kms:CreateGrant",
                    "kms:CreateCustomKeyStore",
                    "ec2:AuthorizeSecurityGroupEgress",
                    "ec2:AuthorizeSecurityGroupIngress",
                ],
                0
            ),
            ["ec2:authorizes*", "kms:createc*", "kms:createg*"]
        );
    }

    #[test]
    fn a_name_that_prefixes_another_action_stays_whole() {
        assert_eq!(
            minimize(&["ec2:DescribeInstances"], 0),
            ["ec2:describeinstances"]
        );
    }

    #[test]
    fn min_chars_lengthens_prefixes() {
        assert_eq!(minimize(&["s3:ListAllMyBuckets"], 0), ["s3:listal*"]);
        assert_eq!(minimize(&["s3:ListAllMyBuckets"], 10), ["s3:listallmyb*"]);
    }

    #[test]
    fn a_desired_prefix_stands_for_longer_desired_actions() {
        // policy_sentry's behaviour, kept: describeinstances is emitted whole (another action
        // starts with it), and describeinstancestatus, whose shortest free prefix is exactly
        // that desired name, is emitted as it too, so the policy no longer grants it.
        assert_eq!(
            minimize(&["ec2:DescribeInstances", "ec2:DescribeInstanceStatus"], 0),
            ["ec2:describeinstances"]
        );
    }

    #[test]
    fn malformed_and_unknown_entries_do_not_crash() {
        assert_eq!(minimize(&["nocolon", "a:b:c"], 0), ["a:b:c", "nocolon"]);
        assert_eq!(minimize(&["Whatever:NotReal"], 0), ["whatever:n*"]);
    }
}

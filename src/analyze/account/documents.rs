//! The account's policy documents: decoded (URL-encoded strings as the raw API sends them),
//! deduplicated (the same document attached in many places is analysed once), analysed on
//! the current rayon pool, and combined per principal.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::Value;

use super::report::{DocumentReport, PolicyEntry, PrincipalEntry};
use crate::account_file::document_value;
use crate::analyze::policy::PolicyDocument;
use crate::analyze::report::{Findings, Grants, PolicyReport, Rules, analyze_with_rules};

/// Most items per rayon job where item costs differ by orders of magnitude (documents and
/// their combinations): left to itself, rayon runs a quarter of the items as one job that no
/// other worker can share, and the others wait for it at the end.
const UNEVEN: usize = 4;

/// A distinct document: its JSON, or why it could not be decoded.
pub(super) type Decoded<'a> = Result<Cow<'a, Value>, String>;

/// The distinct documents in order of first occurrence, and the distinct document of each
/// occurrence. A document that cannot be decoded is never merged with another.
pub(super) fn deduplicate<'a>(occurrences: &[&'a Value]) -> (Vec<Decoded<'a>>, Vec<usize>) {
    let keyed: Vec<(Decoded<'a>, Option<String>)> = occurrences
        .par_iter()
        .with_max_len(UNEVEN)
        .map(|value| {
            let decoded = document_value(value);
            let key = decoded.as_ref().ok().map(|value| value.to_string());
            (decoded, key)
        })
        .collect();
    let mut distinct = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut of_occurrence = Vec::with_capacity(keyed.len());
    for (decoded, key) in keyed {
        let index = match key {
            Some(key) => *by_key.entry(key).or_insert_with(|| {
                distinct.push(decoded);
                distinct.len() - 1
            }),
            None => {
                distinct.push(decoded);
                distinct.len() - 1
            }
        };
        of_occurrence.push(index);
    }
    (distinct, of_occurrence)
}

/// Analyses each distinct document, calling `progress(done, total)` as each finishes.
pub(super) fn analyse(
    documents: &[Decoded<'_>],
    rules: &Rules,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<DocumentReport> {
    let total = documents.len();
    let done = AtomicUsize::new(0);
    documents
        .par_iter()
        .with_max_len(UNEVEN)
        .enumerate()
        .map(|(index, decoded)| {
            let document = decoded.as_ref().map_err(String::clone).and_then(|value| {
                PolicyDocument::from_value(value, &format!("document {index}"))
                    .map_err(|error| error.to_string())
            });
            let report = match document {
                Ok(document) => DocumentReport {
                    report: analyze_with_rules(&document, rules),
                    error: None,
                },
                Err(error) => DocumentReport {
                    report: PolicyReport::default(),
                    error: Some(error),
                },
            };
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            report
        })
        .collect()
}

/// Each principal's findings: the grants of all its policies' documents together. Excluded
/// principals and policies count for nothing; principals holding the same set of documents
/// (users of the same groups, say) share one combination, computed once.
pub(super) fn combine_per_principal(
    principals: &[PrincipalEntry],
    policies: &[PolicyEntry],
    documents: &[DocumentReport],
    rules: &Rules,
) -> Vec<Arc<Findings>> {
    let mut combinations: Vec<Vec<usize>> = Vec::new();
    let mut by_set: HashMap<Vec<usize>, usize> = HashMap::new();
    let principal_combination: Vec<usize> = principals
        .iter()
        .map(|principal| {
            let mut set: Vec<usize> = principal
                .policies
                .iter()
                .filter(|(policy, _)| !principal.excluded && !policies[*policy].excluded)
                .map(|(policy, _)| policies[*policy].document)
                .collect();
            set.sort_unstable();
            set.dedup();
            *by_set.entry(set).or_insert_with_key(|set| {
                combinations.push(set.clone());
                combinations.len() - 1
            })
        })
        .collect();
    let combined: Vec<Arc<Findings>> = combinations
        .par_iter()
        .with_max_len(UNEVEN)
        .map(|set| {
            let grants = Grants::combine(set.iter().map(|d| &documents[*d].report.grants));
            Arc::new(Findings::from_grants(&grants, rules))
        })
        .collect();
    principal_combination
        .into_iter()
        .map(|combination| Arc::clone(&combined[combination]))
        .collect()
}

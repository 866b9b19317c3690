//! A request's context: condition keys (case-insensitive) with their values, and what a key
//! the request does not give means. A complete context is the whole request: a key not in it
//! is absent, as AWS evaluates. A partial one is what the user knows: a key not in it is
//! unknown, unless the principal decides it (its tags are all known, say).

use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct Context {
    values: HashMap<String, Vec<String>>,
    complete: bool,
    /// Lowercase keys, or prefixes ending in `/`, known to be absent when not given.
    decided: Vec<String>,
}

impl Context {
    /// The whole request's context.
    pub fn complete_from(values: impl IntoIterator<Item = (String, Vec<String>)>) -> Context {
        Context {
            values: values
                .into_iter()
                .map(|(key, values)| (key.to_ascii_lowercase(), values))
                .collect(),
            complete: true,
            decided: Vec::new(),
        }
    }

    /// What the user gave; other keys are unknown unless `decided` (lowercase keys, or
    /// prefixes ending in `/` such as `aws:principaltag/`).
    pub fn partial_from(
        values: impl IntoIterator<Item = (String, Vec<String>)>,
        decided: Vec<String>,
    ) -> Context {
        Context {
            complete: false,
            decided,
            ..Context::complete_from(values)
        }
    }

    /// This context with one key set (replacing what it had).
    pub fn with(&self, key: &str, values: Vec<String>) -> Context {
        let mut context = self.clone();
        context.values.insert(key.to_ascii_lowercase(), values);
        context
    }

    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.values
            .get(&key.to_ascii_lowercase())
            .map(Vec::as_slice)
    }

    pub fn complete(&self) -> bool {
        self.complete
    }

    /// Whether a key the context lacks is known to be absent.
    pub fn implies(&self, key: &str) -> bool {
        let key = key.to_ascii_lowercase();
        self.decided
            .iter()
            .any(|decided| match decided.ends_with('/') {
                true => key.starts_with(decided.as_str()),
                false => key == *decided,
            })
    }
}

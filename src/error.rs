//! The library's one error type. Every variant names the input at fault, so the CLI can
//! print it as one clear line.

use std::fmt;
use std::path::PathBuf;

/// Close matches for an unknown name, shown as "did you mean …?".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suggestions(pub Vec<String>);

impl fmt::Display for Suggestions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [] => Ok(()),
            [one] => write!(f, " (did you mean {one}?)"),
            many => write!(f, " (did you mean one of: {}?)", many.join(", ")),
        }
    }
}

/// Errors of the policy_sentry library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown service prefix {name:?}{suggestions}")]
    UnknownService {
        name: String,
        suggestions: Suggestions,
    },
    #[error("unknown action {service}:{name}{suggestions}")]
    UnknownAction {
        service: String,
        name: String,
        suggestions: Suggestions,
    },
    #[error("service {service} has no resource type {name:?}{suggestions}")]
    UnknownResourceType {
        service: String,
        name: String,
        suggestions: Suggestions,
    },
    #[error("service {service} has no condition key {name:?}{suggestions}")]
    UnknownConditionKey {
        service: String,
        name: String,
        suggestions: Suggestions,
    },
    #[error("{arn:?} is not a valid ARN: {reason}")]
    InvalidArn { arn: String, reason: String },
    #[error("{what}: {message}")]
    InvalidInput { what: String, message: String },
    /// A policy document (or account data file) that is not valid JSON or not a valid
    /// policy; `line` and `column` are 1-based, 0 when unknown.
    #[error("{source_name}{}: {message}", position(*line, *column))]
    InvalidPolicy {
        source_name: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {source}", path = path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn position(line: usize, column: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}:{}", column.max(1))
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Up to three candidates closest to `wanted`, best first: case-insensitive Jaro-Winkler, a
/// shared prefix, or (for short names) an edit distance of one.
pub fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Suggestions {
    // A shared `service:` part says nothing about closeness; compare what follows it.
    let name_part = |text: &str| -> String {
        let lower = text.to_lowercase();
        match lower.split_once(':') {
            Some((_, name)) => name.to_owned(),
            None => lower,
        }
    };
    let wanted = name_part(wanted);
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .filter_map(|candidate| {
            let lower = name_part(candidate);
            let mut score = strsim::jaro_winkler(&wanted, &lower);
            if wanted.len() >= 3 && lower.starts_with(&wanted) {
                score = score.max(0.9);
            }
            if strsim::levenshtein(&wanted, &lower) <= 1 {
                score = score.max(0.95);
            }
            (score >= 0.85).then_some((score, candidate))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    Suggestions(
        scored
            .into_iter()
            .take(3)
            .map(|(_, name)| name.to_owned())
            .collect(),
    )
}

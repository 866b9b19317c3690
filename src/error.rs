//! The library's one error type. Every variant names the input at fault, so the CLI can
//! print it as one clear line. The details it carries ([`OverridesProblem`]) are defined here,
//! not in the modules that report them, so error.rs imports no module that imports it back.

use std::fmt;
use std::path::PathBuf;

use crate::data::scrape::ScrapeError;

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

/// One problem in an overrides file, with its position (1-based; 0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverridesProblem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for OverridesProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.line, self.column, self.message)
        } else {
            f.write_str(&self.message)
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
    /// A template that cannot be turned into a policy: bad YAML, a wrong key or type, a value
    /// that is not an ARN, an unknown service or action. `key` locates the value, e.g.
    /// `read[1]` or `wildcard-only.single-actions[0]`; `file` is filled in by whoever read it.
    #[error("{}", template_message(file.as_deref(), key, message))]
    Template {
        file: Option<PathBuf>,
        key: String,
        message: String,
    },
    /// An access-level overrides file with unknown services, levels or actions, or bad YAML.
    #[error("{}", overrides_message(path, problems))]
    AccessLevelOverrides {
        path: String,
        problems: Vec<OverridesProblem>,
    },
    /// An AWS page the scraper cannot read (at run time: `data-diff`, `fetch-docs`).
    #[error("cannot read the AWS pages: {0}")]
    Scrape(#[from] ScrapeError),
    /// A download that failed after its retries.
    #[error("cannot fetch {url}: {message}")]
    Fetch { url: String, message: String },
    /// A file that differs from what would be written, and no `force`.
    #[error("{path} exists and differs from the file to be written (edited?); use --force to overwrite it", path = path.display())]
    WouldOverwrite { path: PathBuf },
    /// A policy document (or account data file) that is not valid JSON or not a valid
    /// policy; `line` and `column` are 1-based, 0 when unknown.
    #[error("{source_name}{}: {message}", position(*line, *column))]
    InvalidPolicy {
        source_name: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A call to AWS (or the endpoint standing in for it) failed: credentials, permissions,
    /// network, or an answer that could not be used. `context` names the profile and operation.
    #[error("{context}: {message}")]
    Aws { context: String, message: String },
    #[error("{path}: {source}", path = path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn template_message(file: Option<&std::path::Path>, key: &str, message: &str) -> String {
    let mut text = String::new();
    if let Some(file) = file {
        text.push_str(&file.display().to_string());
        text.push_str(": ");
    }
    if !key.is_empty() {
        text.push_str(key);
        text.push_str(": ");
    }
    text.push_str(message);
    text
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
    /// A template error at `key` (empty for the whole document).
    pub fn template(key: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Template {
            file: None,
            key: key.into(),
            message: message.into(),
        }
    }

    /// Names the template file this error came from (other errors are returned unchanged).
    pub fn in_file(self, path: impl Into<PathBuf>) -> Error {
        match self {
            Error::Template { key, message, .. } => Error::Template {
                file: Some(path.into()),
                key,
                message,
            },
            other => other,
        }
    }

    /// A JSON text that serde_json could not read, as [`Error::InvalidPolicy`] at the
    /// error's position in `source`.
    pub fn invalid_json(source: &str, error: &serde_json::Error) -> Error {
        let mut message = error.to_string();
        // serde_json appends " at line L column C"; the position is given separately.
        if let Some(at) = message.rfind(" at line ") {
            message.truncate(at);
        }
        Error::InvalidPolicy {
            source_name: source.to_owned(),
            line: error.line(),
            column: error.column(),
            message,
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

fn overrides_message(path: &str, problems: &[OverridesProblem]) -> String {
    let mut message = match problems.first() {
        Some(first) if first.line > 0 => format!("{path}:{first}"),
        Some(first) => format!("{path}: {first}"),
        None => format!("{path}: invalid access-level overrides"),
    };
    if problems.len() > 1 {
        let lines: Vec<String> = problems[1..]
            .iter()
            .map(|problem| problem.line.to_string())
            .collect();
        message.push_str(&format!(
            " (and {} more problem(s), on line(s) {})",
            problems.len() - 1,
            lines.join(", ")
        ));
    }
    message
}

/// Names longer than this get no suggestions (the longest IAM action name is under 100 bytes).
const LONGEST_NAME_TO_SUGGEST_FOR: usize = 256;

/// Up to three candidates closest to `wanted`, best first: case-insensitive Jaro-Winkler, a
/// shared prefix, or (for short names) an edit distance of one.
pub fn suggest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Suggestions {
    // No IAM name is this long, and comparing a huge input with every candidate costs its
    // length times theirs: a 1 MiB name took seconds.
    if wanted.len() > LONGEST_NAME_TO_SUGGEST_FOR {
        return Suggestions(Vec::new());
    }
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

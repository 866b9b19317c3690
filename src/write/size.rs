//! Size-aware writing (`write-policy --max-size`): a policy counted as AWS counts it, and a
//! template written to fit a limit. Minimizing goes only as far as needed (the largest
//! `--minimize` length that fits); when even full minimizing is too big, the statements are
//! split over several policies. Splitting moves statements (or parts of one statement's
//! action list) between documents, so together they grant exactly what the one would.

use std::str::FromStr;

use super::policy::{PolicyDocument, Statement};
use super::sid_group::{Warning, write_policy};
use super::template::Template;
use crate::error::{Error, Result};

/// A policy size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeLimit {
    /// A customer managed policy: 6,144 characters.
    Managed,
    /// A role's inline policies: 10,240.
    RoleInline,
    /// A user's inline policies: 2,048.
    UserInline,
    /// A group's inline policies: 5,120.
    GroupInline,
    /// Any other number of characters.
    Chars(usize),
}

impl SizeLimit {
    /// The limit in characters.
    pub fn chars(self) -> usize {
        match self {
            SizeLimit::Managed => 6_144,
            SizeLimit::RoleInline => 10_240,
            SizeLimit::UserInline => 2_048,
            SizeLimit::GroupInline => 5_120,
            SizeLimit::Chars(n) => n,
        }
    }
}

impl FromStr for SizeLimit {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<SizeLimit, String> {
        match text {
            "managed" => Ok(SizeLimit::Managed),
            "role-inline" => Ok(SizeLimit::RoleInline),
            "user-inline" => Ok(SizeLimit::UserInline),
            "group-inline" => Ok(SizeLimit::GroupInline),
            number => match number.parse::<usize>() {
                Ok(n) if n > 0 => Ok(SizeLimit::Chars(n)),
                _ => Err(format!(
                    "{text:?}: expected managed, role-inline, user-inline, group-inline or a number of characters"
                )),
            },
        }
    }
}

/// The policy's size as AWS counts it: characters of its JSON without the white space
/// outside strings.
///
/// ```
/// use policy_sentry::write::PolicyDocument;
/// use policy_sentry::write::size::policy_size;
/// assert_eq!(policy_size(&PolicyDocument::default()), r#"{"Version":"2012-10-17","Statement":[]}"#.len());
/// ```
pub fn policy_size(policy: &PolicyDocument) -> usize {
    serde_json::to_string(policy)
        .map(|text| text.chars().count())
        .unwrap_or(usize::MAX)
}

/// A template written to fit a size limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    /// One policy when it fits, else the parts (each within the limit).
    pub policies: Vec<PolicyDocument>,
    /// The `--minimize` length used, `None` when the policy fits as written.
    pub minimize: Option<usize>,
    pub warnings: Vec<Warning>,
}

/// Writes `template` within `limit` characters.
pub fn write_within(template: &Template, limit: usize) -> Result<Fitted> {
    let written = write_policy(template, None)?;
    if policy_size(&written.policy) <= limit {
        return Ok(Fitted {
            policies: vec![written.policy],
            minimize: None,
            warnings: written.warnings,
        });
    }
    // A longer kept prefix is a milder minimizing: try from the longest action name down.
    let longest = written
        .policy
        .statement
        .iter()
        .flat_map(|statement| &statement.action)
        .map(|action| action.split_once(':').map_or(0, |(_, name)| name.len()))
        .max()
        .unwrap_or(0);
    let mut smallest = written.policy;
    for length in (0..=longest).rev() {
        let minimized = write_policy(template, Some(length))?.policy;
        if policy_size(&minimized) <= limit {
            return Ok(Fitted {
                policies: vec![minimized],
                minimize: Some(length),
                warnings: written.warnings,
            });
        }
        if length == 0 {
            smallest = minimized;
        }
    }
    Ok(Fitted {
        policies: split(smallest, limit)?,
        minimize: Some(0),
        warnings: written.warnings,
    })
}

fn document(statements: Vec<Statement>) -> PolicyDocument {
    PolicyDocument {
        statement: statements,
        ..PolicyDocument::default()
    }
}

/// Characters of a value's compact JSON.
fn json_chars<T: serde::Serialize>(value: &T) -> usize {
    serde_json::to_string(value)
        .map(|text| text.chars().count())
        .unwrap_or(usize::MAX)
}

/// Packs the statements, in order, into as few documents within `limit` as a greedy pass
/// finds; a statement too big for one document is cut into parts by its actions. Compact JSON
/// is a plain concatenation, so sizes add up: a list of n items costs their sizes plus n - 1
/// commas, and each check is one addition.
fn split(policy: PolicyDocument, limit: usize) -> Result<Vec<PolicyDocument>> {
    let empty_document = policy_size(&PolicyDocument::default());
    let fits_alone = |statement_chars: usize| empty_document + statement_chars <= limit;
    let mut pieces: Vec<(Statement, usize)> = Vec::new();
    for statement in policy.statement {
        let chars = json_chars(&statement);
        if fits_alone(chars) {
            pieces.push((statement, chars));
            continue;
        }
        let bare = Statement {
            action: Vec::new(),
            ..statement.clone()
        };
        let mut number = 1;
        let mut part = bare.clone();
        let mut part_chars = json_chars(&part);
        for action in &statement.action {
            let added = json_chars(action) + usize::from(!part.action.is_empty());
            if !part.action.is_empty() && !fits_alone(part_chars + added) {
                part.sid = format!("{}{number}", statement.sid);
                let chars = json_chars(&part);
                pieces.push((part, chars));
                number += 1;
                part = bare.clone();
                part_chars = json_chars(&part);
                part.action.push(action.clone());
                part_chars += json_chars(action);
            } else {
                part.action.push(action.clone());
                part_chars += added;
            }
        }
        part.sid = format!("{}{number}", statement.sid);
        let chars = json_chars(&part);
        if !fits_alone(chars) {
            return Err(Error::InvalidInput {
                what: "--max-size".to_owned(),
                message: format!(
                    "statement {} does not fit in {limit} characters even with one action (its resources alone are too long)",
                    statement.sid
                ),
            });
        }
        pieces.push((part, chars));
    }
    let mut documents: Vec<Vec<Statement>> = vec![Vec::new()];
    let mut used = empty_document;
    for (piece, chars) in pieces {
        let current = documents.last_mut().expect("one document at least");
        let added = chars + usize::from(!current.is_empty());
        if !current.is_empty() && used + added > limit {
            documents.push(vec![piece]);
            used = empty_document + chars;
        } else {
            current.push(piece);
            used += added;
        }
    }
    Ok(documents.into_iter().map(document).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::Effect;

    fn statement(sid: &str, actions: usize) -> Statement {
        Statement {
            sid: sid.to_owned(),
            effect: Effect::Allow,
            action: (0..actions).map(|n| format!("s3:action{n:04}")).collect(),
            resource: vec!["*".to_owned()],
        }
    }

    #[test]
    fn split_parts_fit_and_keep_every_action_once() {
        let policy = document(vec![
            statement("A", 3),
            statement("B", 400),
            statement("C", 2),
        ]);
        for limit in [300, 1_000, 2_048, 6_144] {
            let parts = split(policy.clone(), limit).unwrap();
            let mut actions: Vec<String> = Vec::new();
            for part in &parts {
                // The additive count agrees with counting the whole document.
                assert!(policy_size(part) <= limit, "{limit}: {}", policy_size(part));
                actions.extend(part.statement.iter().flat_map(|s| s.action.clone()));
            }
            let mut expected: Vec<String> = policy
                .statement
                .iter()
                .flat_map(|s| s.action.clone())
                .collect();
            actions.sort();
            expected.sort();
            assert_eq!(actions, expected, "{limit}");
            if limit == 6_144 {
                // A; B's first part, which fills a document; B's second part with C.
                let sids: Vec<Vec<&str>> = parts
                    .iter()
                    .map(|part| part.statement.iter().map(|s| s.sid.as_str()).collect())
                    .collect();
                assert_eq!(sids, [vec!["A"], vec!["B1"], vec!["B2", "C"]]);
            }
        }
        let huge = Statement {
            resource: vec!["x".repeat(500)],
            ..statement("D", 1)
        };
        let error = split(document(vec![huge]), 300).unwrap_err();
        assert!(
            error.to_string().contains("statement D does not fit"),
            "{error}"
        );
    }
}

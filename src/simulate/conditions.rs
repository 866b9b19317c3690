//! A statement's `Condition` block against a request's context, by the IAM grammar: every
//! operator (String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn*,
//! Null), the `…IfExists` suffix, the `ForAllValues:` and `ForAnyValue:` set prefixes and
//! policy variables in values. Operators AND together, so do the keys of one operator; the
//! values of one key OR.

use std::net::IpAddr;

use ipnet::IpNet;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Iso8601;

use super::context::Context;
use super::glob::{Token, matches, substitute};

/// What a condition block says of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Match,
    NoMatch,
    /// It depends on keys the request does not give (only when the context is partial).
    Unknown(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    ArnLike,
    Null,
}

/// An operator read from its name: the comparison, whether it is negated (`StringNotEquals`,
/// `NotIpAddress`, `ArnNotLike`), the set prefix and `IfExists`.
#[derive(Debug, Clone, Copy)]
struct Operator {
    kind: Kind,
    negated: bool,
    set: Option<SetPrefix>,
    if_exists: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetPrefix {
    ForAllValues,
    ForAnyValue,
}

fn operator(name: &str) -> Option<Operator> {
    let (set, rest) = match name.split_once(':') {
        Some((prefix, rest)) if prefix.eq_ignore_ascii_case("ForAllValues") => {
            (Some(SetPrefix::ForAllValues), rest)
        }
        Some((prefix, rest)) if prefix.eq_ignore_ascii_case("ForAnyValue") => {
            (Some(SetPrefix::ForAnyValue), rest)
        }
        Some(_) => return None,
        None => (None, name),
    };
    let (rest, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    let (kind, negated) = match rest {
        "StringEquals" => (Kind::StringEquals, false),
        "StringNotEquals" => (Kind::StringEquals, true),
        "StringEqualsIgnoreCase" => (Kind::StringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (Kind::StringEqualsIgnoreCase, true),
        "StringLike" => (Kind::StringLike, false),
        "StringNotLike" => (Kind::StringLike, true),
        "NumericEquals" => (Kind::NumericEquals, false),
        "NumericNotEquals" => (Kind::NumericEquals, true),
        "NumericLessThan" => (Kind::NumericLessThan, false),
        "NumericLessThanEquals" => (Kind::NumericLessThanEquals, false),
        "NumericGreaterThan" => (Kind::NumericGreaterThan, false),
        "NumericGreaterThanEquals" => (Kind::NumericGreaterThanEquals, false),
        "DateEquals" => (Kind::DateEquals, false),
        "DateNotEquals" => (Kind::DateEquals, true),
        "DateLessThan" => (Kind::DateLessThan, false),
        "DateLessThanEquals" => (Kind::DateLessThanEquals, false),
        "DateGreaterThan" => (Kind::DateGreaterThan, false),
        "DateGreaterThanEquals" => (Kind::DateGreaterThanEquals, false),
        "Bool" => (Kind::Bool, false),
        "BinaryEquals" => (Kind::BinaryEquals, false),
        "IpAddress" => (Kind::IpAddress, false),
        "NotIpAddress" => (Kind::IpAddress, true),
        "ArnEquals" | "ArnLike" => (Kind::ArnLike, false),
        "ArnNotEquals" | "ArnNotLike" => (Kind::ArnLike, true),
        "Null" if !if_exists => (Kind::Null, false),
        _ => return None,
    };
    Some(Operator {
        kind,
        negated,
        set,
        if_exists,
    })
}

/// The policy's values of one key: a string, number or boolean, or a list of them.
fn policy_values(value: &Value) -> Vec<String> {
    let one = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    };
    match value {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A date as IAM reads one: ISO 8601 (a date, or a date and time with an offset or `Z`), or
/// seconds since the epoch.
fn date(text: &str) -> Option<i128> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return Some(i128::from(seconds) * 1_000_000_000);
    }
    if let Ok(moment) = OffsetDateTime::parse(text, &Iso8601::DEFAULT) {
        return Some(moment.unix_timestamp_nanos());
    }
    // A date alone is that day's midnight, UTC.
    let day = time::Date::parse(text, &Iso8601::DEFAULT).ok()?;
    Some(day.midnight().assume_utc().unix_timestamp_nanos())
}

fn network(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

/// Whether ARN `value` matches ARN pattern `pattern`: each of the six colon-separated parts
/// on its own, `*` and `?` within a part, case-sensitive.
fn arn_like(pattern: &[Token], value: &str) -> bool {
    let mut pattern_parts: Vec<&[Token]> = Vec::with_capacity(6);
    let mut rest = pattern;
    for _ in 0..5 {
        match rest.iter().position(|token| *token == Token::Literal(':')) {
            Some(at) => {
                pattern_parts.push(&rest[..at]);
                rest = &rest[at + 1..];
            }
            None => return false,
        }
    }
    pattern_parts.push(rest);
    let value_parts: Vec<&str> = value.splitn(6, ':').collect();
    value_parts.len() == 6
        && pattern_parts
            .iter()
            .zip(&value_parts)
            .all(|(pattern, value)| matches(pattern, value))
}

/// Whether one request value satisfies the (not negated) comparison with one policy value.
fn compare(kind: Kind, policy: &[Token], policy_text: &str, value: &str) -> bool {
    match kind {
        Kind::StringEquals => policy_text == value,
        Kind::StringEqualsIgnoreCase => policy_text.to_lowercase() == value.to_lowercase(),
        Kind::StringLike => matches(policy, value),
        Kind::NumericEquals
        | Kind::NumericLessThan
        | Kind::NumericLessThanEquals
        | Kind::NumericGreaterThan
        | Kind::NumericGreaterThanEquals => match (number(value), number(policy_text)) {
            (Some(value), Some(limit)) => match kind {
                Kind::NumericEquals => value == limit,
                Kind::NumericLessThan => value < limit,
                Kind::NumericLessThanEquals => value <= limit,
                Kind::NumericGreaterThan => value > limit,
                _ => value >= limit,
            },
            _ => false,
        },
        Kind::DateEquals
        | Kind::DateLessThan
        | Kind::DateLessThanEquals
        | Kind::DateGreaterThan
        | Kind::DateGreaterThanEquals => match (date(value), date(policy_text)) {
            (Some(value), Some(limit)) => match kind {
                Kind::DateEquals => value == limit,
                Kind::DateLessThan => value < limit,
                Kind::DateLessThanEquals => value <= limit,
                Kind::DateGreaterThan => value > limit,
                _ => value >= limit,
            },
            _ => false,
        },
        Kind::Bool => policy_text.eq_ignore_ascii_case(value),
        Kind::BinaryEquals => policy_text == value,
        Kind::IpAddress => match (network(policy_text), value.trim().parse::<IpAddr>()) {
            (Some(net), Ok(address)) => net.contains(&address),
            _ => false,
        },
        Kind::ArnLike => arn_like(policy, value),
        Kind::Null => false,
    }
}

/// One key of one operator.
fn key_outcome(
    op: Operator,
    key: &str,
    values: &Value,
    context: &Context,
    variables_on: bool,
) -> Outcome {
    let present = context.get(key);
    if op.kind == Kind::Null {
        let wants_absent: Vec<bool> = policy_values(values)
            .iter()
            .map(|v| v.eq_ignore_ascii_case("true"))
            .collect();
        return match present {
            None if !context.complete() && !context.implies(key) => {
                Outcome::Unknown(vec![key.to_owned()])
            }
            _ => {
                let absent = present.is_none_or(|values| values.is_empty());
                match wants_absent.into_iter().any(|wanted| wanted == absent) {
                    true => Outcome::Match,
                    false => Outcome::NoMatch,
                }
            }
        };
    }
    // Policy values with their variables filled in; one whose variable has no value
    // matches nothing.
    let mut patterns: Vec<(Vec<Token>, String)> = Vec::new();
    let mut unresolved: Vec<String> = Vec::new();
    for text in policy_values(values) {
        match substitute(&text, context, variables_on) {
            Ok(tokens) => {
                let literal: String = tokens.iter().map(Token::as_char).collect();
                patterns.push((tokens, literal));
            }
            Err(missing) => unresolved.push(missing),
        }
    }
    let Some(request_values) = present else {
        if !context.complete() && !context.implies(key) {
            return Outcome::Unknown(vec![key.to_owned()]);
        }
        // An absent key: no value to compare.
        let holds = op.if_exists
            || op.set == Some(SetPrefix::ForAllValues)
            || (op.negated && op.set.is_none());
        return if holds {
            Outcome::Match
        } else {
            Outcome::NoMatch
        };
    };
    if !unresolved.is_empty() && patterns.is_empty() && !context.complete() {
        return Outcome::Unknown(unresolved);
    }
    // Whether one request value satisfies the operator (negation included).
    let satisfies = |value: &str| {
        let any = patterns
            .iter()
            .any(|(tokens, literal)| compare(op.kind, tokens, literal, value));
        any != op.negated
    };
    let holds = match op.set {
        Some(SetPrefix::ForAllValues) => request_values.iter().all(|v| satisfies(v)),
        Some(SetPrefix::ForAnyValue) => request_values.iter().any(|v| satisfies(v)),
        // A negated operator on several values: none may match.
        None if op.negated => request_values.iter().all(|v| satisfies(v)),
        None => request_values.iter().any(|v| satisfies(v)),
    };
    if holds {
        Outcome::Match
    } else {
        Outcome::NoMatch
    }
}

/// The whole block: [`Outcome::Match`] when every operator's every key holds. An operator
/// this grammar does not know never matches.
pub fn evaluate(block: &Map<String, Value>, context: &Context, variables_on: bool) -> Outcome {
    let mut unknown: Vec<String> = Vec::new();
    for (name, keys) in block {
        let Some(op) = operator(name) else {
            return Outcome::NoMatch;
        };
        let Some(keys) = keys.as_object() else {
            return Outcome::NoMatch;
        };
        for (key, values) in keys {
            match key_outcome(op, key, values, context, variables_on) {
                Outcome::Match => {}
                Outcome::NoMatch => return Outcome::NoMatch,
                Outcome::Unknown(keys) => unknown.extend(keys),
            }
        }
    }
    match unknown.is_empty() {
        true => Outcome::Match,
        false => {
            unknown.sort();
            unknown.dedup();
            Outcome::Unknown(unknown)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(block: Value, context: &[(&str, &[&str])]) -> Outcome {
        let context = Context::complete_from(
            context
                .iter()
                .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())),
        );
        evaluate(block.as_object().unwrap(), &context, true)
    }

    #[test]
    fn operators() {
        use Outcome::{Match, NoMatch};
        let ip = [("aws:SourceIp", &["10.1.2.3"][..])];
        assert_eq!(
            check(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}), &ip),
            Match
        );
        assert_eq!(
            check(
                json!({"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "1.2.3.4"]}}),
                &ip
            ),
            NoMatch
        );
        assert_eq!(
            check(json!({"IpAddress": {"aws:SourceIp": "10.1.2.3"}}), &ip),
            Match
        );
        let when = [("aws:CurrentTime", &["2026-01-02T03:04:05Z"][..])];
        assert_eq!(
            check(
                json!({"DateLessThan": {"aws:CurrentTime": "2026-06-01"}}),
                &when
            ),
            Match
        );
        assert_eq!(
            check(
                json!({"DateGreaterThan": {"aws:CurrentTime": "1767323045"}}),
                &when
            ),
            NoMatch
        );
        assert_eq!(
            check(
                json!({"StringLike": {"s3:prefix": ["home/*", "x"]}}),
                &[("s3:prefix", &["home/a/b"])]
            ),
            Match
        );
        assert_eq!(
            check(json!({"StringNotEquals": {"s3:prefix": "a"}}), &[]),
            Match
        );
        assert_eq!(
            check(json!({"StringEquals": {"s3:prefix": "a"}}), &[]),
            NoMatch
        );
        assert_eq!(
            check(json!({"StringEqualsIfExists": {"s3:prefix": "a"}}), &[]),
            Match
        );
        assert_eq!(check(json!({"Null": {"s3:prefix": "true"}}), &[]), Match);
        assert_eq!(check(json!({"Null": {"s3:prefix": "false"}}), &[]), NoMatch);
        assert_eq!(
            check(
                json!({"NumericLessThan": {"s3:max-keys": 10}}),
                &[("s3:max-keys", &["9"])]
            ),
            Match
        );
        assert_eq!(
            check(
                json!({"Bool": {"aws:SecureTransport": false}}),
                &[("aws:SecureTransport", &["FALSE"])]
            ),
            Match
        );
        let tags = [("aws:TagKeys", &["a", "b"][..])];
        assert_eq!(
            check(
                json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b", "c"]}}),
                &tags
            ),
            Match
        );
        assert_eq!(
            check(
                json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}),
                &tags
            ),
            NoMatch
        );
        assert_eq!(
            check(
                json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["b"]}}),
                &tags
            ),
            Match
        );
        assert_eq!(
            check(
                json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["z"]}}),
                &[]
            ),
            Match
        );
        assert_eq!(
            check(
                json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["z"]}}),
                &[]
            ),
            NoMatch
        );
        let arn = [(
            "aws:SourceArn",
            &["arn:aws:sns:us-east-1:111122223333:topic"][..],
        )];
        assert_eq!(
            check(
                json!({"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:*"}}),
                &arn
            ),
            Match
        );
        assert_eq!(
            check(
                json!({"ArnLike": {"aws:SourceArn": "arn:aws:*:111122223333:*"}}),
                &arn
            ),
            NoMatch
        );
        assert_eq!(check(json!({"StringEqualz": {"a:b": "c"}}), &[]), NoMatch);
        assert_eq!(
            check(
                json!({"StringEquals": {"aws:username": "${aws:username}-x"}}),
                &[("aws:username", &["bob-x"])]
            ),
            NoMatch
        );
    }

    #[test]
    fn variables_fill_values() {
        let context = [
            ("aws:username", &["bob"][..]),
            ("s3:prefix", &["home/bob/x"][..]),
        ];
        assert_eq!(
            check(
                json!({"StringLike": {"s3:prefix": "home/${aws:username}/*"}}),
                &context
            ),
            Outcome::Match
        );
        // An escaped star is a literal star.
        assert_eq!(
            check(
                json!({"StringLike": {"s3:prefix": "home/${*}"}}),
                &[("s3:prefix", &["home/x"])]
            ),
            Outcome::NoMatch
        );
    }
}

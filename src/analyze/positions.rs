//! Where statements are in the files they come from, as (line, column), both from 1, columns
//! in characters: in a policy's JSON text, in a Terraform plan (where each policy is a JSON
//! string inside the plan's JSON) and in a CloudFormation template (JSON or YAML).
//!
//! Every function here reads its text once: plans are one line of megabytes, and a policy may
//! have thousands of statements.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser};
use serde::Deserialize;
use serde_json::value::RawValue;

/// (line, column) of each byte offset of `text`, in one pass over the text.
pub fn line_columns(text: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&index| offsets[index]);
    let mut found = vec![(1, 1); offsets.len()];
    let (mut line, mut column, mut at) = (1, 1, 0);
    let mut chars = text.char_indices().peekable();
    for index in order {
        let target = offsets[index].min(text.len());
        while let Some(&(offset, ch)) = chars.peek() {
            if offset >= target {
                break;
            }
            chars.next();
            at = offset + ch.len_utf8();
            if ch == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        debug_assert!(at <= target || target == 0);
        found[index] = (line, column);
    }
    found
}

/// The byte offset of each statement of a policy's JSON text; empty when the text is not a
/// policy object.
pub fn statement_offsets(text: &str) -> Vec<usize> {
    let Ok(top) = serde_json::from_str::<HashMap<String, &RawValue>>(text) else {
        return Vec::new();
    };
    let Some(statement) = top.get("Statement") else {
        return Vec::new();
    };
    let raws: Vec<&RawValue> = match statement.get().starts_with('[') {
        true => serde_json::from_str(statement.get()).unwrap_or_default(),
        false => vec![*statement],
    };
    raws.iter().map(|raw| offset_in(text, raw.get())).collect()
}

/// Where each statement of a policy's JSON text starts. Empty when the text is not a policy.
///
/// ```
/// use policy_sentry::analyze::positions::statement_positions;
///
/// let text = "{\"Statement\": [\n  {\"Effect\": \"Allow\"},\n  {\"Effect\": \"Deny\"}]}";
/// assert_eq!(statement_positions(text), [(2, 3), (3, 3)]);
/// ```
pub fn statement_positions(text: &str) -> Vec<(usize, usize)> {
    line_columns(text, &statement_offsets(text))
}

/// The offset of `part`, a slice of `whole`, in `whole`.
fn offset_in(whole: &str, part: &str) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// The offsets in a JSON string literal (`"…"`, quotes included) of bytes of its decoded
/// value: `\n` is two bytes of the literal and one of the value, `\u00e9` six and two.
fn literal_offsets(literal: &str, decoded: &[usize]) -> Vec<usize> {
    let bytes = literal.as_bytes();
    let mut found = Vec::with_capacity(decoded.len());
    let (mut raw, mut value) = (1, 0);
    let hex = |at: usize| {
        literal
            .get(at..at + 4)
            .and_then(|digits| u32::from_str_radix(digits, 16).ok())
    };
    for &target in decoded {
        while value < target && raw < bytes.len() {
            let (raw_step, value_step) = match bytes[raw] {
                b'\\' if bytes.get(raw + 1) == Some(&b'u') => match hex(raw + 2) {
                    // A surrogate pair: one four-byte character.
                    Some(0xD800..=0xDBFF)
                        if literal.get(raw + 6..raw + 8) == Some("\\u")
                            && hex(raw + 8).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)) =>
                    {
                        (12, 4)
                    }
                    Some(unit) => (6, char::from_u32(unit).map_or(3, char::len_utf8)),
                    None => (2, 1),
                },
                b'\\' => (2, 1),
                _ => (1, 1),
            };
            raw += raw_step;
            value += value_step;
        }
        found.push(raw.min(literal.len()));
    }
    found
}

#[derive(Deserialize)]
struct Plan<'a> {
    #[serde(borrow)]
    planned_values: Option<PlannedValues<'a>>,
}

#[derive(Deserialize)]
struct PlannedValues<'a> {
    #[serde(borrow)]
    root_module: Option<Module<'a>>,
}

#[derive(Deserialize)]
struct Module<'a> {
    #[serde(borrow, default)]
    resources: Vec<Resource<'a>>,
    #[serde(borrow, default)]
    child_modules: Vec<Module<'a>>,
}

#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(default)]
    address: String,
    #[serde(borrow)]
    values: Option<HashMap<String, &'a RawValue>>,
}

#[derive(Deserialize)]
struct Inline<'a> {
    #[serde(borrow)]
    policy: Option<&'a RawValue>,
}

/// Where the statements of each policy of a Terraform plan start, by the policy's place
/// (`aws_iam_role.app.inline_policy[0]`, as [`super::sources`] names it).
pub fn plan_statement_positions(text: &str) -> HashMap<String, Vec<(usize, usize)>> {
    let Ok(plan) = serde_json::from_str::<Plan>(text) else {
        return HashMap::new();
    };
    // Every policy string of the plan: its place and the literal as written.
    let mut literals: Vec<(String, &str)> = Vec::new();
    let mut modules: Vec<&Module> = plan
        .planned_values
        .as_ref()
        .and_then(|values| values.root_module.as_ref())
        .into_iter()
        .collect();
    while let Some(module) = modules.pop() {
        for resource in &module.resources {
            let Some(values) = &resource.values else {
                continue;
            };
            for attribute in ["policy", "assume_role_policy"] {
                if let Some(raw) = values.get(attribute) {
                    literals.push((format!("{}.{attribute}", resource.address), raw.get()));
                }
            }
            let inline: Vec<Inline> = values
                .get("inline_policy")
                .and_then(|raw| serde_json::from_str(raw.get()).ok())
                .unwrap_or_default();
            for (index, policy) in inline.iter().enumerate() {
                if let Some(raw) = policy.policy {
                    literals.push((
                        format!("{}.inline_policy[{index}]", resource.address),
                        raw.get(),
                    ));
                }
            }
        }
        modules.extend(&module.child_modules);
    }
    let mut places = Vec::new();
    let mut offsets = Vec::new();
    for (place, literal) in literals {
        let Ok(decoded) = serde_json::from_str::<String>(literal) else {
            continue;
        };
        let start = offset_in(text, literal);
        let within = literal_offsets(literal, &statement_offsets(&decoded));
        places.push((place, within.len()));
        offsets.extend(within.into_iter().map(|offset| start + offset));
    }
    let mut positions = line_columns(text, &offsets).into_iter();
    places
        .into_iter()
        .map(|(place, count)| (place, positions.by_ref().take(count).collect()))
        .collect()
}

/// A collection being read, with the path of its children.
enum Frame {
    Mapping { path: String, key: Option<String> },
    Sequence { path: String, next: usize },
}

/// Where the statements of each policy document of a CloudFormation template (JSON or YAML)
/// start, by the document's path (`Resources.AppRole.Policies[0].PolicyDocument`, as
/// [`super::sources`] names it). Empty when the text does not parse as YAML.
pub fn template_statement_positions(text: &str) -> HashMap<String, Vec<(usize, usize)>> {
    let mut found: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            return HashMap::new();
        };
        let at = (span.start.line(), span.start.col() + 1);
        // The path of the node this event starts, and whether it is a mapping key.
        let (path, is_key) = match stack.last() {
            None => (String::new(), false),
            Some(Frame::Mapping { key: None, .. }) => (String::new(), true),
            Some(Frame::Mapping {
                path,
                key: Some(key),
            }) => (join(path, key), false),
            Some(Frame::Sequence { path, next }) => (format!("{path}[{next}]"), false),
        };
        let starts_node = matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
        );
        if starts_node && !is_key && path.starts_with("Resources.") {
            if let Some(document) = path.strip_suffix(".Statement") {
                // A lone statement, not in a list.
                if matches!(event, Event::MappingStart(..)) {
                    found.entry(document.to_owned()).or_default().push(at);
                }
            } else if let Some((list, _)) = path.rsplit_once('[')
                && let Some(document) = list.strip_suffix(".Statement")
                && matches!(stack.last(), Some(Frame::Sequence { .. }))
            {
                found.entry(document.to_owned()).or_default().push(at);
            }
        }
        match event {
            Event::Scalar(value, ..) if is_key => {
                if let Some(Frame::Mapping { key, .. }) = stack.last_mut() {
                    *key = Some(value.into_owned());
                }
            }
            Event::Scalar(..) | Event::Alias(_) => completed(&mut stack),
            Event::MappingStart(..) => stack.push(Frame::Mapping {
                path: if is_key { "?".to_owned() } else { path },
                key: None,
            }),
            Event::SequenceStart(..) => stack.push(Frame::Sequence {
                path: if is_key { "?".to_owned() } else { path },
                next: 0,
            }),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                match stack.last_mut() {
                    // A collection used as a key: its value comes next.
                    Some(Frame::Mapping {
                        key: key @ None, ..
                    }) => *key = Some("?".to_owned()),
                    _ => completed(&mut stack),
                }
            }
            Event::DocumentEnd => break,
            _ => {}
        }
    }
    found
}

/// A child of the innermost collection was read whole.
fn completed(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Mapping { key, .. }) => *key = None,
        Some(Frame::Sequence { next, .. }) => *next += 1,
        None => {}
    }
}

fn join(path: &str, key: &str) -> String {
    match path.is_empty() {
        true => key.to_owned(),
        false => format!("{path}.{key}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_columns_count_characters_in_one_pass() {
        let text = "ab\néé x\n";
        let at = text.find('x').unwrap();
        assert_eq!(line_columns(text, &[at, 0, 3]), [(2, 4), (1, 1), (2, 1)]);
    }

    #[test]
    fn literal_offsets_step_over_escapes() {
        // The value is `a\n"é😀b`: b is byte 9 of the value.
        let literal = r#""a\n\"\u00e9\ud83d\ude00b""#;
        let value: String = serde_json::from_str(literal).unwrap();
        let b = value.find('b').unwrap();
        assert_eq!(&literal[literal_offsets(literal, &[0, b])[1]..], "b\"");
        assert_eq!(literal_offsets(literal, &[0]), [1]);
    }

    #[test]
    fn template_statements_in_yaml() {
        let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n              - {Effect: Deny}\n  Single:\n    Properties:\n      PolicyDocument:\n        Statement:\n          Effect: Allow\n";
        let found = template_statement_positions(text);
        assert_eq!(
            found["Resources.Role.Properties.Policies[0].PolicyDocument"],
            [(9, 17), (10, 17)]
        );
        assert_eq!(
            found["Resources.Single.Properties.PolicyDocument"],
            [(15, 11)]
        );
    }
}

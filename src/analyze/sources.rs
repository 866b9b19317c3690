//! Policies inside other files: the `policy` attributes of a Terraform plan
//! (`terraform show -json plan.out`) and the policy documents of a CloudFormation template
//! (JSON or YAML). Each comes out as policy JSON text with the place it was found, so that
//! `lint` and the checks read it like a policy file.
//!
//! CloudFormation functions (`Ref`, `Fn::Sub`, `Fn::Join`, `Fn::GetAtt`, and the others)
//! cannot be evaluated offline: each becomes `*`, a value that matches anything (in `Fn::Sub`
//! and `Fn::Join`, only the parts that are not text), and the policy says it.

use serde_json::{Map, Value};

use super::positions::{plan_statement_positions, template_statement_positions};
use crate::error::{Error, Result};

/// A policy found inside another file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedPolicy {
    /// Where in the file: a Terraform address with its attribute
    /// (`aws_iam_role.app.assume_role_policy`) or a CloudFormation path
    /// (`Resources.AppRole.Policies[0].PolicyDocument`).
    pub name: String,
    /// The policy as JSON text.
    pub text: String,
    /// The line (from 1) of the resource or attribute in the file.
    pub line: usize,
    /// Where each statement starts in the file, as (line, column); empty when that could
    /// not be told (then [`EmbeddedPolicy::line`] is the place to point at).
    pub statements: Vec<(usize, usize)>,
    /// Whether CloudFormation functions were read as wildcards.
    pub placeholders: bool,
}

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A policy document itself.
    Policy,
    /// Policies found in a Terraform plan or CloudFormation template (maybe none).
    Embedded(Vec<EmbeddedPolicy>),
}

/// The line (from 1) of the first line of `text` that, trimmed, starts with `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|line| line.trim_start().starts_with(needle))
        .map_or(1, |index| index + 1)
}

/// Reads `text` (named `file` in errors): a policy, a Terraform plan or a CloudFormation
/// template; YAML only for templates.
pub fn read_source(file: &str, text: &str) -> Result<Source> {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(json_error) => {
            let yaml: serde_norway::Value =
                serde_norway::from_str(text).map_err(|_| Error::invalid_json(file, &json_error))?;
            let value = from_yaml(yaml);
            if value.get("Resources").is_none() {
                return Err(Error::invalid_json(file, &json_error));
            }
            return Ok(Source::Embedded(cloudformation(&value, text)));
        }
    };
    if value.get("planned_values").is_some() || value.get("terraform_version").is_some() {
        return Ok(Source::Embedded(terraform(&value, text)));
    }
    if value.get("Resources").is_some_and(Value::is_object) && value.get("Statement").is_none() {
        return Ok(Source::Embedded(cloudformation(&value, text)));
    }
    Ok(Source::Policy)
}

/// YAML into JSON values; CloudFormation's short tags (`!Ref x`) become their long form
/// (`{"Ref": x}`, `!GetAtt a.b` as `{"Fn::GetAtt": "a.b"}`).
fn from_yaml(yaml: serde_norway::Value) -> Value {
    use serde_norway::Value as Yaml;
    match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => serde_json::to_value(n).unwrap_or(Value::Null),
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(items.into_iter().map(from_yaml).collect()),
        Yaml::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let key = match key {
                        Yaml::String(s) => s,
                        other => serde_norway::to_string(&other)
                            .unwrap_or_default()
                            .trim()
                            .to_owned(),
                    };
                    (key, from_yaml(value))
                })
                .collect(),
        ),
        Yaml::Tagged(tagged) => {
            let name = tagged.tag.to_string();
            let name = name.trim_start_matches('!');
            let function = match name {
                "Ref" | "Condition" => name.to_owned(),
                other => format!("Fn::{other}"),
            };
            let mut map = Map::new();
            map.insert(function, from_yaml(tagged.value));
            Value::Object(map)
        }
    }
}

fn terraform(plan: &Value, text: &str) -> Vec<EmbeddedPolicy> {
    let mut found = Vec::new();
    let mut statements = plan_statement_positions(text);
    let mut modules = vec![&plan["planned_values"]["root_module"]];
    while let Some(module) = modules.pop() {
        for resource in module["resources"].as_array().into_iter().flatten() {
            let address = resource["address"].as_str().unwrap_or("?");
            let values = &resource["values"];
            let attributes: &[&str] = match resource["type"].as_str() {
                Some(
                    "aws_iam_policy"
                    | "aws_iam_role_policy"
                    | "aws_iam_user_policy"
                    | "aws_iam_group_policy",
                ) => &["policy"],
                Some("aws_iam_role") => &["assume_role_policy"],
                _ => &[],
            };
            let line = line_of(text, &format!("\"address\": \"{address}\""));
            for attribute in attributes {
                if let Some(policy) = values[*attribute].as_str().filter(|p| !p.is_empty()) {
                    let name = format!("{address}.{attribute}");
                    found.push(EmbeddedPolicy {
                        statements: statements.remove(&name).unwrap_or_default(),
                        name,
                        text: policy.to_owned(),
                        line,
                        placeholders: false,
                    });
                }
            }
            if resource["type"] == "aws_iam_role" {
                for (index, inline) in values["inline_policy"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    if let Some(policy) = inline["policy"].as_str().filter(|p| !p.is_empty()) {
                        let name = format!("{address}.inline_policy[{index}]");
                        found.push(EmbeddedPolicy {
                            statements: statements.remove(&name).unwrap_or_default(),
                            name,
                            text: policy.to_owned(),
                            line,
                            placeholders: false,
                        });
                    }
                }
            }
        }
        modules.extend(module["child_modules"].as_array().into_iter().flatten());
    }
    found.sort_by(|a, b| (a.line, &a.name).cmp(&(b.line, &b.name)));
    found
}

fn cloudformation(template: &Value, text: &str) -> Vec<EmbeddedPolicy> {
    let mut found = Vec::new();
    let Some(resources) = template["Resources"].as_object() else {
        return found;
    };
    let mut statements = template_statement_positions(text);
    for (logical_id, resource) in resources {
        let properties = &resource["Properties"];
        let mut documents: Vec<(String, &Value)> = Vec::new();
        match resource["Type"].as_str() {
            Some("AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy") => {
                documents.push(("PolicyDocument".to_owned(), &properties["PolicyDocument"]));
            }
            Some("AWS::IAM::Role") => {
                documents.push((
                    "AssumeRolePolicyDocument".to_owned(),
                    &properties["AssumeRolePolicyDocument"],
                ));
                for (index, policy) in properties["Policies"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    documents.push((
                        format!("Policies[{index}].PolicyDocument"),
                        &policy["PolicyDocument"],
                    ));
                }
            }
            _ => {}
        }
        let line = line_of(text, &format!("\"{logical_id}\""))
            .max(line_of(text, &format!("{logical_id}:")));
        for (path, document) in documents {
            if document.is_null() {
                continue;
            }
            let mut placeholders = false;
            let resolved = resolve(document, &mut placeholders);
            found.push(EmbeddedPolicy {
                statements: statements
                    .remove(&format!("Resources.{logical_id}.Properties.{path}"))
                    .unwrap_or_default(),
                name: format!("Resources.{logical_id}.{path}"),
                text: resolved.to_string(),
                line,
                placeholders,
            });
        }
    }
    found.sort_by(|a, b| (a.line, &a.name).cmp(&(b.line, &b.name)));
    found
}

/// The value with each CloudFormation function replaced by what it may produce, `*` where
/// that is unknown.
fn resolve(value: &Value, placeholders: &mut bool) -> Value {
    match value {
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| resolve(v, placeholders)).collect())
        }
        Value::Object(map) if map.len() == 1 => {
            let (key, argument) = map.iter().next().expect("one entry");
            if key != "Ref" && !key.starts_with("Fn::") {
                return Value::Object(
                    map.iter()
                        .map(|(k, v)| (k.clone(), resolve(v, placeholders)))
                        .collect(),
                );
            }
            *placeholders = true;
            match key.as_str() {
                "Fn::Sub" => {
                    let template = match argument {
                        Value::Array(parts) => parts.first().and_then(Value::as_str).unwrap_or("*"),
                        other => other.as_str().unwrap_or("*"),
                    };
                    Value::String(substitute(template))
                }
                "Fn::Join" => {
                    let delimiter = argument[0].as_str().unwrap_or("");
                    let parts: Vec<String> = argument[1]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|part| match resolve(part, placeholders) {
                            Value::String(text) => text,
                            _ => "*".to_owned(),
                        })
                        .collect();
                    Value::String(parts.join(delimiter))
                }
                _ => Value::String("*".to_owned()),
            }
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), resolve(v, placeholders)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `Fn::Sub`'s `${Name}` variables as `*` (`${!Literal}` stays `${Literal}`, as CloudFormation
/// writes it).
fn substitute(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        match after[..end].strip_prefix('!') {
            Some(literal) => {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            }
            None => out.push('*'),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_and_join_keep_their_text() {
        assert_eq!(
            substitute("arn:aws:s3:::${Bucket}/${!Literal}/*"),
            "arn:aws:s3:::*/${Literal}/*"
        );
        let mut used = false;
        let joined = resolve(
            &serde_json::json!({"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": "Bucket"}, "/*"]]}),
            &mut used,
        );
        assert_eq!(joined, "arn:aws:s3:::*/*");
        assert!(used);
    }
}

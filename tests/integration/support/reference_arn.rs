//! A deliberately simple reference ARN matcher, independent of the library's: an ARN format's
//! resource part as a regex where each `${…}` is a run of characters without `/` or `:`,
//! except the names AWS lets hold `/` (paths, S3 object keys, ECR repositories, log groups and
//! streams, secrets, SSM parameters, KMS aliases, OIDC providers) or `:` (DynamoDB stream
//! labels, Cognito identity pools, CodeBuild builds). It has no wildcard rules, so it decides
//! only ARNs made with plain values; the property tests use it to judge the library's matcher.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex::Regex;

use policy_sentry::arn::Arn;

/// What the placeholder `name` of a `service` ARN format may hold: (`/`, `:`).
pub fn holds(service: &str, name: &str) -> (bool, bool) {
    let slash = name.ends_with("Path")
        || name.contains("WithPath")
        || name.contains("WithoutLeadingSlash")
        || name == "ObjectName"
        || [
            ("ecr", "RepositoryName"),
            ("ecr-public", "RepositoryName"),
            ("logs", "LogGroupName"),
            ("logs", "LogStreamName"),
            ("secretsmanager", "SecretId"),
            ("iam", "OidcProviderName"),
            ("kms", "Alias"),
        ]
        .contains(&(service, name));
    let colon = [
        ("dynamodb", "StreamLabel"),
        ("cognito-identity", "IdentityPoolId"),
        ("codebuild", "BuildId"),
        ("codebuild", "BuildBatchId"),
    ]
    .contains(&(service, name));
    (slash, colon)
}

/// The regex of a format's resource part; `None` for a format that is no ARN.
fn regex_of(format: &str) -> Option<Regex> {
    let parsed = Arn::parse(format).ok()?;
    let mut pattern = String::from("^");
    let mut rest = parsed.resource;
    while let Some(start) = rest.find("${") {
        pattern.push_str(&regex::escape(&rest[..start]));
        let end = rest[start..].find('}')?;
        let name = &rest[start + 2..start + end];
        pattern.push_str(match holds(parsed.service, name) {
            (true, true) => "[^\\n]+",
            (true, false) => "[^:]+",
            (false, true) => "[^/]+",
            (false, false) => "[^/:]+",
        });
        rest = &rest[start + end + 1..];
    }
    pattern.push_str(&regex::escape(rest));
    pattern.push('$');
    Regex::new(&pattern).ok()
}

/// Whether `arn` (made with plain values: no `*`) can be an ARN of the format `format`: the
/// same service, and the resource part matches the format's regex. Partition, region and
/// account are not compared.
pub fn reference_matches(arn: &Arn<'_>, format: &str) -> bool {
    static REGEXES: OnceLock<Mutex<HashMap<String, Option<Regex>>>> = OnceLock::new();
    let Ok(parsed) = Arn::parse(format) else {
        return false;
    };
    if parsed.service != arn.service {
        return false;
    }
    let regex = REGEXES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap()
        .entry(format.to_owned())
        .or_insert_with(|| regex_of(format))
        .clone();
    regex.is_some_and(|regex| regex.is_match(arn.resource))
}

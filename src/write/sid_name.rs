//! Statement ids as policy_sentry 0.12.15 names them: `{Service}{Level}{Type}` for a resource
//! type's statement (`S3ReadBucket`) and `{Service}Mult{Resource}` for statements merged by
//! `--minimize`.

/// `Cap(only-alphanumerics(service)) + Cap(ascii-alphanumerics(level)) + Cap(...(type))`,
/// e.g. `S3ReadBucket`, `Ec2WriteSecuritygroup`.
pub(super) fn sid_namespace(service: &str, level: &str, resource_type: &str) -> String {
    let mut sid = String::with_capacity(service.len() + level.len() + resource_type.len());
    push_capitalized(&mut sid, service.chars().filter(|c| c.is_alphanumeric()));
    push_capitalized(&mut sid, level.chars().filter(char::is_ascii_alphanumeric));
    push_capitalized(
        &mut sid,
        resource_type.chars().filter(char::is_ascii_alphanumeric),
    );
    sid
}

/// Appends the characters with the first upper-cased and the rest lower-cased.
fn push_capitalized(out: &mut String, mut chars: impl Iterator<Item = char>) {
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        for ch in chars {
            if ch.is_ascii() {
                out.push(ch.to_ascii_lowercase());
            } else {
                out.extend(ch.to_lowercase());
            }
        }
    }
}

/// The Sid of merged statements: `{Service}Mult{Resource}` from their first ARN, e.g.
/// `SsmMultParametermyparameter`; `None` for `*`.
pub(super) fn merged_sid(arn: &str) -> Option<String> {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, service, _, _, resource] = fields.as_slice() else {
        return None;
    };
    let (head, path) = resource
        .split_once('/')
        .or_else(|| resource.split_once(':'))
        .unwrap_or((resource, ""));
    let segment: String = format!("{head}{path}")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    let service: String = service.chars().filter(|c| c.is_alphanumeric()).collect();
    Some(sid_namespace(&service, "Mult", &segment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sid_names() {
        assert_eq!(
            sid_namespace("ssm", "Read", "parameter"),
            "SsmReadParameter"
        );
        assert_eq!(
            sid_namespace("s3", "Permissions management", "bucket"),
            "S3PermissionsmanagementBucket"
        );
        assert_eq!(
            sid_namespace("ec2", "Write", "security-group"),
            "Ec2WriteSecuritygroup"
        );
        assert_eq!(sid_namespace("acm-pca", "Read", "x"), "AcmpcaReadX");
        assert_eq!(
            merged_sid("arn:aws:ssm:us-east-1:1:parameter/myparameter").as_deref(),
            Some("SsmMultParametermyparameter")
        );
        assert_eq!(merged_sid("*"), None);
    }
}

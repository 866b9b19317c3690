//! Parsing user ARNs and matching them against the ARN formats of the IAM reference, with
//! policy_sentry's rules: partition, region and account are never compared, `${…}`
//! placeholders match anything, and a leading `*` resource segment matches every type.
//!
//! This module knows nothing of actions; [`crate::query::arns`] uses it to find the resource
//! types an ARN belongs to.

use crate::error::{Error, Result};

/// A parsed ARN: `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn<'a> {
    /// The whole ARN as given.
    pub text: &'a str,
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Parses an ARN. It needs the `arn` scheme, five colons and a non-empty resource part;
    /// the partition, region and account may be empty or placeholders.
    ///
    /// ```
    /// let arn = policy_sentry::arn::Arn::parse("arn:aws:s3:::my-bucket/key").unwrap();
    /// assert_eq!(arn.service, "s3");
    /// assert_eq!(arn.resource, "my-bucket/key");
    /// ```
    pub fn parse(text: &'a str) -> Result<Arn<'a>> {
        let invalid = |why: &str| Error::InvalidArn {
            arn: text.to_owned(),
            reason: why.to_owned(),
        };
        let mut parts = text.splitn(6, ':');
        let scheme = parts.next().unwrap_or_default();
        if scheme != "arn" {
            return Err(invalid("it does not start with \"arn:\""));
        }
        let (Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(invalid(
                "it needs six colon-separated parts: arn:partition:service:region:account:resource",
            ));
        };
        if resource.is_empty() {
            return Err(invalid("its resource part is empty"));
        }
        Ok(Arn {
            text,
            partition,
            service,
            region,
            account,
            resource,
        })
    }

    /// The resource part before the first `/` (else the first `:`), e.g. `role` or `bucket`.
    pub fn resource_head(&self) -> &'a str {
        self.resource
            .split_once('/')
            .or_else(|| self.resource.split_once(':'))
            .map_or(self.resource, |(head, _)| head)
    }

    /// The resource part after the first `/` (else the first `:`), empty if neither occurs.
    pub fn resource_path(&self) -> &'a str {
        self.resource
            .split_once('/')
            .or_else(|| self.resource.split_once(':'))
            .map_or("", |(_, path)| path)
    }

    /// Whether this ARN is of the resource type whose ARN format is `arn_format` (as the
    /// reference lists it, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`).
    ///
    /// ```
    /// use policy_sentry::arn::Arn;
    /// let object = Arn::parse("arn:aws:s3:::my-bucket/reports/2024.csv").unwrap();
    /// assert!(object.matches_format("arn:${Partition}:s3:::${BucketName}/${ObjectName}"));
    /// assert!(!object.matches_format("arn:${Partition}:s3:::${BucketName}"));
    /// ```
    pub fn matches_format(&self, arn_format: &str) -> bool {
        self.matcher().matches(arn_format)
    }

    /// A matcher for this ARN that splits its resource part once, for testing it against
    /// many ARN formats.
    pub fn matcher(&self) -> ArnMatcher<'a> {
        ArnMatcher {
            service: self.service,
            resource: self.resource,
            segments: self.resource.split([':', '/']).collect(),
        }
    }
}

/// An ARN prepared for [`Arn::matches_format`] against many formats.
#[derive(Debug, Clone)]
pub struct ArnMatcher<'a> {
    service: &'a str,
    resource: &'a str,
    /// The resource part split at `:` and `/`.
    segments: Vec<&'a str>,
}

impl ArnMatcher<'_> {
    /// Whether the ARN is of the resource type with this ARN format; see
    /// [`Arn::matches_format`].
    pub fn matches(&self, arn_format: &str) -> bool {
        ArnFormat::parse(arn_format).is_some_and(|format| self.matches_parsed(&format))
    }

    /// [`ArnMatcher::matches`] for a format parsed beforehand.
    pub fn matches_parsed(&self, format: &ArnFormat<'_>) -> bool {
        if self.service != format.service {
            return false;
        }
        let user_segments = &self.segments;
        // `*/…` (e.g. arn:aws:ec2:*:*:*/*) stands for every resource type of the service.
        if user_segments.len() > 1 && user_segments[0] == "*" {
            return true;
        }
        // The literal in first place is the cheapest test and tells most types apart.
        let first = format.first_literal;
        if !first.is_empty() && user_segments[0] != first && user_segments[0] != "*" {
            return false;
        }
        let every_literal_present = format.literals().all(|literal| {
            literal.is_empty()
                || user_segments
                    .iter()
                    .any(|segment| segment.eq_ignore_ascii_case(literal))
        });
        if !every_literal_present {
            return false;
        }
        let literals_in_place = format.literals().enumerate().all(|(index, literal)| {
            literal.is_empty()
                || user_segments
                    .get(index)
                    .is_some_and(|segment| *segment == literal || *segment == "*")
        });
        if !literals_in_place {
            return false;
        }
        // Formats that are nothing but placeholders would match anything; the reference
        // tells them apart by their shape.
        match format.resource {
            "table/${TableName}" | "${BucketName}" => {
                self.resource.split('/').count() == format.resource.split('/').count()
            }
            "${ObjectName}" | "${RepositoryName}" | "${BucketName}/${ObjectName}" => {
                self.resource.contains('/') == format.resource.contains('/')
            }
            _ => true,
        }
    }
}

/// An ARN format of the reference (e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`)
/// split for matching: its service and resource part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnFormat<'a> {
    /// The whole format.
    pub text: &'a str,
    /// The service part.
    pub service: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
    /// The first segment of the resource part, empty if it is a placeholder.
    pub first_literal: &'a str,
}

impl<'a> ArnFormat<'a> {
    /// Splits a format; `None` for `*` or text with fewer than six colon-separated parts.
    pub fn parse(text: &'a str) -> Option<ArnFormat<'a>> {
        if text == "*" {
            return None;
        }
        // One pass over the bytes (this runs for every format of every service a policy
        // names): the ends of the first five colon-separated fields.
        let mut colons = [0usize; 5];
        let mut found = 0;
        for (index, byte) in text.bytes().enumerate() {
            if byte == b':' {
                colons[found] = index;
                found += 1;
                if found == colons.len() {
                    break;
                }
            }
        }
        if found < colons.len() {
            return None;
        }
        let service = &text[colons[1] + 1..colons[2]];
        let resource = &text[colons[4] + 1..];
        let first = resource
            .find([':', '/'])
            .map_or(resource, |end| &resource[..end]);
        Some(ArnFormat {
            text,
            service,
            resource,
            first_literal: if first.contains("${") { "" } else { first },
        })
    }

    /// The resource part split at `:` and `/`, with `${…}` placeholders as empty strings.
    pub fn literals(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.resource
            .split([':', '/'])
            .map(|segment| if segment.contains("${") { "" } else { segment })
    }
}

#[cfg(test)]
mod tests {
    use super::Arn;

    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";

    fn matches(arn: &str, format: &str) -> bool {
        Arn::parse(arn).unwrap().matches_format(format)
    }

    #[test]
    fn parse_rejects_what_is_not_an_arn() {
        for bad in [
            "",
            "s3:::bucket",
            "arn:aws:s3::bucket",
            "arn:aws:s3:::",
            "*",
        ] {
            assert!(Arn::parse(bad).is_err(), "{bad:?} parsed");
        }
    }

    #[test]
    fn s3_bucket_and_object_are_told_apart() {
        assert!(matches("arn:aws:s3:::b", BUCKET));
        assert!(!matches("arn:aws:s3:::b", OBJECT));
        assert!(matches("arn:aws:s3:::b/*", OBJECT));
        assert!(!matches("arn:aws:s3:::b/*", BUCKET));
        assert!(matches("arn:aws:s3:::a/b/c", OBJECT));
        assert!(matches("arn:aws:s3:::*", BUCKET));
    }

    #[test]
    fn partition_region_and_account_are_ignored() {
        let role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
        assert!(matches("arn:aws-cn:iam::123:role/path/x", role));
        assert!(matches("arn:*:iam::*:role/x", role));
        assert!(!matches("arn:aws:iam::1:user/x", role));
    }

    #[test]
    fn literal_segments_must_sit_in_place() {
        let table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}";
        let index =
            "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/index/${IndexName}";
        assert!(matches("arn:aws:dynamodb:us-east-1:1:table/T", table));
        assert!(!matches(
            "arn:aws:dynamodb:us-east-1:1:table/T/index/I",
            table
        ));
        assert!(matches(
            "arn:aws:dynamodb:us-east-1:1:table/T/index/I",
            index
        ));
        assert!(!matches("arn:aws:dynamodb:us-east-1:1:table/T", index));
    }

    #[test]
    fn leading_star_matches_every_type_of_the_service() {
        let instance = "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}";
        assert!(matches("arn:aws:ec2:*:*:*/*", instance));
        assert!(!matches("arn:aws:s3:*:*:*/*", instance));
    }

    #[test]
    fn short_user_arns_do_not_panic() {
        let format = "arn:${Partition}:svc:::a/${X}/b";
        assert!(!matches("arn:aws:svc:::a/b", format));
        assert!(!matches("arn:aws:svc:::x", "*"));
        assert!(!matches("arn:aws:svc:::x", "not-an-arn"));
    }
}

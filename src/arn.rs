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
        let fields: Vec<&str> = parts.collect();
        if fields.len() < 5 {
            return Err(invalid(
                "it needs six colon-separated parts: arn:partition:service:region:account:resource",
            ));
        }
        if fields[4].is_empty() {
            return Err(invalid("its resource part is empty"));
        }
        Ok(Arn {
            text,
            partition: fields[0],
            service: fields[1],
            region: fields[2],
            account: fields[3],
            resource: fields[4],
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
        if arn_format == "*" {
            return false;
        }
        let format_fields: Vec<&str> = arn_format.splitn(6, ':').collect();
        let (Some(format_service), Some(format_resource)) =
            (format_fields.get(2), format_fields.get(5))
        else {
            return false;
        };
        if self.service != *format_service {
            return false;
        }
        let user_segments: Vec<&str> = self.resource.split([':', '/']).collect();
        // `*/…` (e.g. arn:aws:ec2:*:*:*/*) stands for every resource type of the service.
        if user_segments.len() > 1 && user_segments[0] == "*" {
            return true;
        }
        let literals: Vec<&str> = format_resource
            .split([':', '/'])
            .map(|segment| if segment.contains("${") { "" } else { segment })
            .collect();
        let every_literal_present = literals.iter().all(|literal| {
            literal.is_empty()
                || user_segments
                    .iter()
                    .any(|segment| segment.eq_ignore_ascii_case(literal))
        });
        if !every_literal_present {
            return false;
        }
        let literals_in_place = literals.iter().enumerate().all(|(index, literal)| {
            literal.is_empty()
                || user_segments
                    .get(index)
                    .is_some_and(|segment| segment == literal || *segment == "*")
        });
        if !literals_in_place {
            return false;
        }
        // Formats that are nothing but placeholders would match anything; the reference
        // tells them apart by their shape.
        match *format_resource {
            "table/${TableName}" | "${BucketName}" => {
                self.resource.split('/').count() == format_resource.split('/').count()
            }
            "${ObjectName}" | "${RepositoryName}" | "${BucketName}/${ObjectName}" => {
                self.resource.contains('/') == format_resource.contains('/')
            }
            _ => true,
        }
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

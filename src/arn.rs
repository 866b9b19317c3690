//! Parsing user ARNs and matching them against the ARN formats of the IAM reference.
//! Partition, region and account are never compared, as in policy_sentry (but an ARN that
//! gives a region or account is of no type whose ARNs have none), and a leading `*`
//! resource segment matches every type. The resource part is matched strictly: literal text
//! must be there as written and each `${…}` placeholder matches only what AWS allows in that
//! name (see `placeholder_holds`), so an ARN is of the types that can really produce it — a
//! log stream is no log group, a Lambda alias no function.
//!
//! This module knows nothing of actions; [`crate::query::arns`] uses it to find the resource
//! types an ARN belongs to.

mod format;

use format::split_arn;
pub use format::{ArnFormat, ArnMatcher};

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
        let [partition, service, region, account, resource] = split_arn(text).map_err(invalid)?;
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
        ArnMatcher::new(self.service, self.region, self.account, self.resource)
    }
}

#[cfg(test)]
mod tests {
    use super::{Arn, ArnFormat};

    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";

    fn matches(arn: &str, format: &str) -> bool {
        Arn::parse(arn).unwrap().matches_format(format)
    }

    #[test]
    fn every_format_of_the_reference_can_be_matched() {
        for service in crate::data::Service::all() {
            for resource in service.resource_types() {
                let format = resource.arn_format();
                assert!(
                    format == "*"
                        || ArnFormat::parse(format).is_some_and(|parsed| parsed.is_matchable()),
                    "{format:?} cannot be matched"
                );
            }
        }
        let name = "x".repeat(256);
        let too_long = format!("arn:${{Partition}}:s3:::{name}");
        assert!(!matches(&format!("arn:aws:s3:::{name}"), &too_long));
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

    #[test]
    fn placeholders_hold_only_what_aws_allows() {
        let group = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";
        let stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
        let stream_arn = "arn:aws:logs:us-east-1:1:log-group:/aws/g:log-stream:s";
        assert!(matches(stream_arn, stream));
        assert!(!matches(stream_arn, group));
        assert!(matches(
            "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f",
            group
        ));
        let function = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
        let alias =
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Alias}";
        assert!(!matches(
            "arn:aws:lambda:us-east-1:1:function:f:prod",
            function
        ));
        assert!(matches("arn:aws:lambda:us-east-1:1:function:f:prod", alias));
        assert!(!matches("arn:aws:lambda:us-east-1:1:function:f:7", alias));
        assert!(!matches(
            "arn:aws:lambda:us-east-1:1:function:f:$LATEST",
            alias
        ));
        assert!(matches("arn:aws:lambda:us-east-1:1:function:f:*", alias));
        assert!(!matches("arn:aws:lambda:us-east-1:1:function:f", alias));
        let stream_label = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/stream/${StreamLabel}";
        assert!(matches(
            "arn:aws:dynamodb:us-east-1:1:table/T/stream/2020-01-01T00:00:00.000",
            stream_label
        ));
    }

    #[test]
    fn a_star_stays_within_one_part_unless_it_ends_the_arn() {
        let service =
            "arn:${Partition}:ecs:${Region}:${Account}:service/${ClusterName}/${ServiceName}";
        assert!(matches("arn:aws:ecs:*:*:service/*", service));
        assert!(matches("arn:aws:ecs:*:*:service/c/*", service));
        assert!(!matches("arn:aws:ecs:*:*:*", service));
        let stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
        assert!(!matches("arn:aws:logs:*:*:log-group:*", stream));
        assert!(matches("arn:aws:logs:*:*:log-group:*:*:*", stream));
        let organization =
            "arn:${Partition}:organizations::${Account}:organization/o-${OrganizationId}";
        assert!(matches(
            "arn:aws:organizations::1:organization/*",
            organization
        ));
        assert!(!matches(
            "arn:aws:organizations::1:organization/x-1",
            organization
        ));
    }
}

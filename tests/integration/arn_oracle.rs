//! The library's ARN matcher against an independent oracle: `tests/fixtures/arn-oracle.tsv`,
//! (ARN, resource type, expected) triples written by hand from AWS's documented ARN formats
//! for over 40 services, with the traps (log group vs stream, Lambda function vs alias or
//! version, S3 bucket vs object, ECR repository paths, `:` in names, wildcards, partitions,
//! empty region and account). Every disagreement is reported, not just the first.

use std::collections::BTreeSet;

use policy_sentry::arn::Arn;
use policy_sentry::data::Service;

use crate::support::read;

struct Triple {
    arn: String,
    resource_type: String,
    expected: bool,
}

fn triples() -> Vec<Triple> {
    read("tests/fixtures/arn-oracle.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 3, "bad oracle line {line:?}");
            assert!(
                matches!(fields[2], "match" | "no"),
                "bad expectation in {line:?}"
            );
            Triple {
                arn: fields[0].to_owned(),
                resource_type: fields[1].to_owned(),
                expected: fields[2] == "match",
            }
        })
        .collect()
}

/// The ARN format of a service's resource type, by the exact name its page gives.
fn format_of(service: &str, resource_type: &str) -> Option<&'static str> {
    Service::find(service)?
        .resource_types()
        .find(|resource| resource.name() == resource_type)
        .map(|resource| resource.arn_format())
}

#[test]
fn the_oracle_is_big_and_broad_enough() {
    let triples = triples();
    let services: BTreeSet<String> = triples
        .iter()
        .map(|triple| Arn::parse(&triple.arn).unwrap().service.to_owned())
        .collect();
    assert!(triples.len() >= 300, "{} triples", triples.len());
    assert!(services.len() >= 40, "{} services", services.len());
    for partition in ["aws", "aws-cn", "aws-us-gov"] {
        assert!(
            triples
                .iter()
                .any(|triple| triple.arn.starts_with(&format!("arn:{partition}:"))),
            "no {partition} ARN"
        );
    }
}

#[test]
fn the_matcher_agrees_with_the_oracle() {
    let mut disagreements = Vec::new();
    for triple in triples() {
        let arn = Arn::parse(&triple.arn).unwrap();
        let Some(format) = format_of(arn.service, &triple.resource_type) else {
            disagreements.push(format!(
                "{}: no resource type {:?} in service {}",
                triple.arn, triple.resource_type, arn.service
            ));
            continue;
        };
        let got = arn.matches_format(format);
        if got != triple.expected {
            disagreements.push(format!(
                "{} {} {:?} ({format}), expected {}",
                triple.arn,
                if got { "matches" } else { "does not match" },
                triple.resource_type,
                if triple.expected {
                    "a match"
                } else {
                    "no match"
                },
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

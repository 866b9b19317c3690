//! Access-level overrides files: parsing, errors naming the line, the overlay's effect. The
//! process-wide overlay is never installed here (it would change every other test in this
//! binary); the CLI tests install it in their own processes.

use policy_sentry::config::example_overrides;
use policy_sentry::data::overrides::{AccessLevelOverlay, VENDORED, comment_out_unknown_actions};
use policy_sentry::data::{AccessLevel, Action};
use policy_sentry::error::Error;

fn action(name: &str) -> Action {
    Action::find(name).unwrap()
}

fn problems(yaml: &str) -> (String, Vec<(usize, usize, String)>) {
    match AccessLevelOverlay::parse("o.yml", yaml) {
        Err(error @ Error::AccessLevelOverrides { .. }) => {
            let Error::AccessLevelOverrides { problems, .. } = &error else {
                unreachable!()
            };
            let list = problems
                .iter()
                .map(|problem| (problem.line, problem.column, problem.message.clone()))
                .collect();
            (error.to_string(), list)
        }
        other => panic!("expected an overrides error, got {other:?}"),
    }
}

#[test]
fn an_override_changes_exactly_the_listed_actions() {
    let overlay = AccessLevelOverlay::parse(
        "o.yml",
        "s3:\n  Write:\n    - getobject\n  permissions-management:\n    - ListBucket\n",
    )
    .unwrap();
    assert_eq!(overlay.len(), 2);
    assert_eq!(
        overlay.access_level(action("s3:GetObject")),
        AccessLevel::Write
    );
    assert_eq!(
        overlay.access_level(action("s3:ListBucket")),
        AccessLevel::PermissionsManagement
    );
    assert_eq!(
        overlay.access_level(action("s3:PutObject")),
        AccessLevel::Write
    );
    let changes: Vec<String> = overlay
        .changes()
        .map(|(action, from, to)| format!("{action} {from:?}->{to:?}"))
        .collect();
    assert_eq!(
        changes,
        [
            "s3:GetObject Read->Write",
            "s3:ListBucket List->PermissionsManagement"
        ]
    );
    // Without an installed overlay, the embedded levels stand.
    assert_eq!(action("s3:GetObject").access_level(), AccessLevel::Read);
}

#[test]
fn the_first_level_listing_an_action_wins_as_in_policy_sentry() {
    let overlay = AccessLevelOverlay::parse(
        "o.yml",
        "s3:\n  Tagging: [getobject]\n  Write: [getobject, putobject]\n",
    )
    .unwrap();
    assert_eq!(
        overlay.level(action("s3:GetObject")),
        Some(AccessLevel::Tagging)
    );
    assert_eq!(
        overlay.level(action("s3:PutObject")),
        Some(AccessLevel::Write)
    );
}

#[test]
fn empty_and_null_entries_are_accepted() {
    for yaml in ["", "# nothing\n", "s3:\n", "s3:\n  Write:\n", "{}"] {
        let overlay = AccessLevelOverlay::parse("o.yml", yaml).unwrap();
        assert!(overlay.is_empty(), "{yaml:?}");
    }
}

#[test]
fn unknown_names_are_errors_naming_the_line() {
    let (message, list) = problems("s3:\n  Write:\n    - getobject\n    - getobjekt\n");
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].0, list[0].1), (4, 7));
    assert!(
        message.starts_with("o.yml:4:7: unknown action s3:getobjekt (did you mean"),
        "{message}"
    );

    let (message, _) = problems("s3:\n  Write: [getobject]\ns4:\n  Write: [x]\n");
    assert!(
        message.starts_with("o.yml:3:1: unknown service prefix \"s4\" (did you mean s3?)"),
        "{message}"
    );

    let (message, _) = problems("s3:\n  Admin:\n    - getobject\n");
    assert!(
        message.starts_with("o.yml:2:3: \"Admin\" is not an access level"),
        "{message}"
    );

    let (message, _) = problems("s3:\n  Write: getobject\n");
    assert!(message.starts_with("o.yml:2:10: "), "{message}");
    assert!(message.contains("invalid type"), "{message}");

    let (message, _) = problems("s3:\n  Write:\n    - [getobject\n");
    assert!(message.starts_with("o.yml"), "{message}");
    assert!(
        message.contains("line 4") || message.contains(":3:"),
        "{message}"
    );
}

#[test]
fn every_unknown_action_is_reported() {
    let (message, list) = problems(
        "s3:\n  Write:\n    - nope1\n    - getobject\n    - nope2\nec2:\n  Read: [nope3]\n",
    );
    let lines: Vec<usize> = list.iter().map(|problem| problem.0).collect();
    assert_eq!(lines, [3, 5, 7]);
    assert!(
        message.ends_with("(and 2 more problem(s), on line(s) 5, 7)"),
        "{message}"
    );
}

#[test]
fn the_vendored_file_names_16_actions_aws_has_removed() {
    // Which is why `initialize` comments them out in the copy it writes.
    let (_, list) = problems(VENDORED);
    assert_eq!(list.len(), 16, "{list:?}");
    assert!(
        list.iter()
            .any(|p| p.2.starts_with("unknown action sso:createuser"))
    );

    let (text, commented) = comment_out_unknown_actions("v.yml", VENDORED, "gone").unwrap();
    assert_eq!(commented.len(), 16);
    assert_eq!(text.lines().count(), VENDORED.lines().count());
    assert!(text.contains("        # - createuser  # gone\n"), "{text}");
    let overlay = AccessLevelOverlay::parse("v.yml", &text).unwrap();
    // The embedded data already carries these corrections: the copy changes nothing.
    assert_eq!(overlay.changes().count(), 0);
    assert!(overlay.len() > 250);
    assert_eq!(
        overlay.access_level(action("iam:CreateUser")),
        AccessLevel::PermissionsManagement
    );

    let example = example_overrides().unwrap();
    assert!(example.starts_with("# Access-level overrides for policy_sentry"));
    AccessLevelOverlay::parse("example.yml", &example).unwrap();
}

#[test]
fn qualified_names_of_the_same_service_are_accepted() {
    let overlay = AccessLevelOverlay::parse("o.yml", "s3:\n  Write: [s3:GetObject]\n").unwrap();
    assert_eq!(
        overlay.level(action("s3:GetObject")),
        Some(AccessLevel::Write)
    );
    let (message, _) = problems("s3:\n  Write: [ec2:RunInstances]\n");
    assert!(
        message.contains("unknown action s3:ec2:RunInstances"),
        "{message}"
    );
}

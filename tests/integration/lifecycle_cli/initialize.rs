//! `initialize`: the example files it writes, where, and that it never writes through a
//! planted symlink.

use std::path::Path;

use policy_sentry::config::{EXAMPLE_EXCLUSIONS, example_overrides};

use super::{path, run, run_with};
use crate::support::policy_sentry;

#[cfg(unix)]
#[test]
fn initialize_does_not_write_through_a_planted_symlink() {
    // The old code wrote `<file>.tmp` under that fixed name with fs::write, which follows a
    // symlink planted there.
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("config");
    std::fs::create_dir(&dir).unwrap();
    let victim = temp.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    for name in ["access-level-overrides.yml.tmp", "exclusions.yml.tmp"] {
        std::os::unix::fs::symlink(&victim, dir.join(name)).unwrap();
    }
    let first = run(&["initialize", "--config-dir", path(&dir)]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(read_file(&victim), "precious");
    assert_eq!(
        read_file(&dir.join("access-level-overrides.yml")),
        example_overrides().unwrap()
    );
}

#[test]
fn initialize_writes_the_example_files_and_says_so() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("config");
    let overrides = dir.join("access-level-overrides.yml");
    let exclusions = dir.join("exclusions.yml");

    let first = run(&["initialize", "--config-dir", path(&dir)]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout, "");
    assert!(
        first.stderr.starts_with(&format!(
            "created: {} (access-level overrides)\ncreated: {} (analysis exclusions example)\n",
            overrides.display(),
            exclusions.display()
        )),
        "{}",
        first.stderr
    );
    assert!(
        first.stderr.contains("No database to build"),
        "{}",
        first.stderr
    );
    assert_eq!(read_file(&overrides), example_overrides().unwrap());
    assert_eq!(read_file(&exclusions), EXAMPLE_EXCLUSIONS);

    let again = run(&["initialize", "--config-dir", path(&dir)]);
    assert_eq!(again.code, 0);
    assert!(
        again
            .stderr
            .starts_with(&format!("unchanged: {}", overrides.display())),
        "{}",
        again.stderr
    );

    // An edited file is kept, and said to be.
    std::fs::write(&overrides, "s3:\n  Write: [getobject]\n").unwrap();
    let kept = run(&["initialize", "--config-dir", path(&dir)]);
    assert_eq!(kept.code, 0);
    assert!(
        kept.stderr.starts_with(&format!(
            "kept (edited; --force overwrites it): {}",
            overrides.display()
        )),
        "{}",
        kept.stderr
    );
    assert_eq!(read_file(&overrides), "s3:\n  Write: [getobject]\n");

    let forced = run(&["initialize", "--config-dir", path(&dir), "--force"]);
    assert_eq!(forced.code, 0);
    assert!(
        forced
            .stderr
            .starts_with(&format!("overwrote: {}", overrides.display())),
        "{}",
        forced.stderr
    );
    assert_eq!(read_file(&overrides), example_overrides().unwrap());
    // No stray temporary files.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["access-level-overrides.yml", "exclusions.yml"]);
}

fn read_file(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn initialize_defaults_to_the_home_folder() {
    let temp = tempfile::tempdir().unwrap();
    let home = path(temp.path());
    let run = run_with(&["initialize"], &[("HOME", home), ("USERPROFILE", home)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        temp.path()
            .join(".policy_sentry/access-level-overrides.yml")
            .is_file()
    );
    assert!(temp.path().join(".policy_sentry/exclusions.yml").is_file());

    let output = policy_sentry()
        .arg("initialize")
        .env_remove("HOME")
        .env_remove("USERPROFILE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: no home folder (HOME is not set); give --config-dir\n"
    );
}

#[test]
fn initialize_installs_a_given_overrides_file_after_checking_it() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("config");
    let mine = temp.path().join("mine.yml");
    std::fs::write(&mine, "s3:\n  Write:\n    - getobject\n").unwrap();
    let installed = dir.join("access-level-overrides.yml");

    let run1 = run(&[
        "initialize",
        "--config-dir",
        path(&dir),
        "--access-level-overrides-file",
        path(&mine),
    ]);
    assert_eq!(run1.code, 0, "{}", run1.stderr);
    assert_eq!(read_file(&installed), read_file(&mine));

    // Another file over an edited one needs --force.
    let other = temp.path().join("other.yml");
    std::fs::write(&other, "s3:\n  Tagging:\n    - getobject\n").unwrap();
    let refused = run(&[
        "initialize",
        "--config-dir",
        path(&dir),
        "--access-level-overrides-file",
        path(&other),
    ]);
    assert_eq!(refused.code, 2);
    assert_eq!(
        refused.stderr,
        format!(
            "error: {} exists and differs from the file to be written (edited?); use --force to overwrite it\n",
            installed.display()
        )
    );
    assert_eq!(read_file(&installed), read_file(&mine));
    let forced = run(&[
        "initialize",
        "--config-dir",
        path(&dir),
        "--force",
        "--access-level-overrides-file",
        path(&other),
    ]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(read_file(&installed), read_file(&other));

    // A bad file is refused before anything is written.
    let bad = temp.path().join("bad.yml");
    std::fs::write(&bad, "s3:\n  Write:\n    - getobjekt\n").unwrap();
    let fresh = temp.path().join("fresh");
    let refused = run(&[
        "initialize",
        "--config-dir",
        path(&fresh),
        "--access-level-overrides-file",
        path(&bad),
    ]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.starts_with(&format!(
            "error: {}:3:7: unknown action s3:getobjekt",
            bad.display()
        )),
        "{}",
        refused.stderr
    );
    assert!(!fresh.exists());
}

//! Writing one account's download: the account file and the seed's one-file-per-policy
//! layout, each file written to a temporary file in its folder and renamed into place, so an
//! interrupted run never leaves a truncated file. The files go in as one [`Batch`], synced to
//! disk in parallel before the renames, so a crash after the run cannot leave empty files
//! either. Files are readable by their owner only (IAM data describes who can do what in the
//! account).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::DownloadRequest;
use super::names::{self, PolicyFile};
use crate::account_file::{AuthorizationDetails, ManagedPolicyDetail};
use crate::error::{Error, Result};
use crate::fs::{Batch, FileKind};

/// The account file's name, in `<output-dir>/<account-id>/`.
pub const ACCOUNT_FILE_NAME: &str = "account-authorization-details.json";

pub(super) struct Written {
    pub(super) account_dir: PathBuf,
    pub(super) customer_managed: usize,
    pub(super) aws_managed: usize,
}

/// Writes `<output_dir>/<account_id>/`: the account file, `customer-managed/` and (when asked)
/// `aws-managed/`. Every policy's file name is checked first, so a bad one writes nothing.
pub(super) fn write_account(
    output_dir: &Path,
    account_id: &str,
    details: &AuthorizationDetails,
    request: &DownloadRequest,
) -> Result<Written> {
    let wanted = |policy: &&ManagedPolicyDetail| request.include_unattached || policy.is_attached();
    let (customer, aws): (Vec<&ManagedPolicyDetail>, Vec<&ManagedPolicyDetail>) = details
        .policies
        .iter()
        .filter(wanted)
        .partition(|policy| !policy.is_aws_managed());
    let aws = if request.aws_managed { aws } else { Vec::new() };
    let [customer, aws] = names::plan(account_id, [&customer, &aws])?;

    let account_dir = output_dir.join(account_id);
    create_dir(&account_dir)?;
    let mut batch = Batch::new(FileKind::AccountData);
    stage(&mut batch, &account_dir.join(ACCOUNT_FILE_NAME), details)?;
    let mut folders = vec![(account_dir.join("customer-managed"), customer)];
    if request.aws_managed {
        folders.push((account_dir.join("aws-managed"), aws));
    }
    for (dir, files) in &folders {
        create_dir(dir)?;
        for file in files {
            stage(&mut batch, &dir.join(&file.file_name), file.document)?;
        }
    }
    batch
        .put_in_place()
        .map_err(|(path, source)| Error::io(path, source))?;
    for (dir, files) in &folders {
        remove_stale(dir, files)?;
    }
    // The account folder may be new: its name must last as well as its files.
    let parent = account_dir.parent().unwrap_or(output_dir);
    crate::fs::sync_folder(parent).map_err(|source| Error::io(parent, source))?;
    let customer_managed = folders[0].1.len();
    let aws_managed = folders.get(1).map_or(0, |(_, files)| files.len());
    Ok(Written {
        account_dir,
        customer_managed,
        aws_managed,
    })
}

/// Stages one file as pretty JSON.
fn stage(batch: &mut Batch, path: &Path, value: &impl Serialize) -> Result<()> {
    batch
        .stage(path, &to_json(value)?)
        .map_err(|source| Error::io(path, source))
}

/// After a download, a policy folder holds that download only (one file per policy, named by
/// [`names::plan`]): `.json` files of an earlier run that this one did not write (a policy
/// since deleted or detached) are removed, as are temporary files left by an interrupted run.
fn remove_stale(dir: &Path, files: &[PolicyFile]) -> Result<()> {
    let keep: HashSet<std::ffi::OsString> = files
        .iter()
        .map(|file| file.file_name.clone().into())
        .collect();
    let entries = std::fs::read_dir(dir).map_err(|source| Error::io(dir, source))?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::io(dir, source))?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        let stale_policy = text.ends_with(".json") && !keep.contains(&name);
        let leftover = text.starts_with(".policy_sentry-") && text.ends_with(".tmp");
        if (stale_policy || leftover) && entry.file_type().is_ok_and(|kind| kind.is_file()) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|source| Error::io(&path, source))?;
        }
    }
    Ok(())
}

/// Pretty JSON with the AWS CLI's four-space indent and a final newline.
fn to_json(value: &impl Serialize) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    value
        .serialize(&mut serializer)
        .map_err(|error| Error::InvalidInput {
            what: "download".into(),
            message: format!("cannot serialize as JSON: {error}"),
        })?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::io(dir, source))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::account_file::PolicyVersion;
    use serde_json::json;

    /// One file through the download's path: a batch of one.
    fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
        let mut batch = Batch::new(FileKind::AccountData);
        batch
            .stage(path, bytes)
            .map_err(|source| Error::io(path, source))?;
        batch
            .put_in_place()
            .map_err(|(path, source)| Error::io(path, source))
    }

    pub(in crate::download) fn policy(
        name: &str,
        path: &str,
        attached: bool,
    ) -> ManagedPolicyDetail {
        ManagedPolicyDetail {
            policy_name: Some(name.into()),
            arn: Some(format!("arn:aws:iam::123456789012:policy{path}{name}")),
            path: Some(path.into()),
            default_version_id: Some("v1".into()),
            attachment_count: Some(i32::from(attached)),
            policy_version_list: vec![PolicyVersion {
                document: Some(json!({"Version": "2012-10-17", "Statement": []})),
                version_id: Some("v1".into()),
                is_default_version: true,
                create_date: None,
            }],
            ..ManagedPolicyDetail::default()
        }
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("policy.json");
        write_atomic(&file, b"old").unwrap();
        write_atomic(&file, b"new").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
        // A folder in the way: the rename fails after the temporary file was written.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("inside"), b"kept").unwrap();
        let error = write_atomic(&blocked, b"new").unwrap_err().to_string();
        assert!(error.contains("blocked"), "{error}");
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["blocked", "policy.json"]);
        assert_eq!(std::fs::read(blocked.join("inside")).unwrap(), b"kept");
        assert_eq!(std::fs::read(&file).unwrap(), b"new");
    }

    #[test]
    fn layout_respects_attachment_and_aws_managed() {
        let dir = tempfile::tempdir().unwrap();
        let mut aws = policy("ReadOnlyAccess", "/", true);
        aws.arn = Some("arn:aws:iam::aws:policy/ReadOnlyAccess".into());
        let details = AuthorizationDetails {
            policies: vec![
                policy("Attached", "/", true),
                policy("Loose", "/", false),
                aws,
            ],
            ..AuthorizationDetails::default()
        };
        let mut request = DownloadRequest::new(dir.path());
        let written = write_account(dir.path(), "123456789012", &details, &request).unwrap();
        assert_eq!((written.customer_managed, written.aws_managed), (1, 0));
        let account = dir.path().join("123456789012");
        assert!(account.join("customer-managed/Attached.json").is_file());
        assert!(!account.join("customer-managed/Loose.json").exists());
        assert!(!account.join("aws-managed").exists());

        request.include_unattached = true;
        request.aws_managed = true;
        let written = write_account(dir.path(), "123456789012", &details, &request).unwrap();
        assert_eq!((written.customer_managed, written.aws_managed), (2, 1));
        assert!(account.join("aws-managed/ReadOnlyAccess.json").is_file());

        // A later run without --include-unattached drops the unattached policy's file, and
        // what an interrupted run left; other files stay.
        std::fs::write(account.join("customer-managed/.policy_sentry-x.tmp"), "{").unwrap();
        std::fs::write(account.join("customer-managed/notes.txt"), "mine").unwrap();
        request.include_unattached = false;
        write_account(dir.path(), "123456789012", &details, &request).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(account.join("customer-managed"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["Attached.json", "notes.txt"]);
        let file: AuthorizationDetails =
            serde_json::from_slice(&std::fs::read(account.join(ACCOUNT_FILE_NAME)).unwrap())
                .unwrap();
        assert_eq!(file, details);
        // No temporary file is left behind.
        let leftovers: Vec<_> = std::fs::read_dir(&account)
            .unwrap()
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}

//! The profiles `--recursive` visits: every profile named in the shared config file
//! (`~/.aws/config`, or `AWS_CONFIG_FILE`) and the shared credentials file
//! (`~/.aws/credentials`, or `AWS_SHARED_CREDENTIALS_FILE`).
//!
//! Only section names are read here; the SDK reads the profiles themselves. As in the AWS
//! CLI, the config file names profiles `[default]` and `[profile NAME]` (its `[sso-session …]`
//! and `[services …]` sections are not profiles), the credentials file `[NAME]`. As in the
//! seed, names ending in `-long-term` are skipped: the aws-mfa convention keeps long-term keys
//! there, to make the session credentials of the profile without the suffix.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where the two shared files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileSources {
    pub config: PathBuf,
    pub credentials: PathBuf,
}

impl ProfileSources {
    /// The files the SDK reads: the environment's `AWS_CONFIG_FILE` and
    /// `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config` and `~/.aws/credentials`.
    pub fn from_env() -> ProfileSources {
        let home = std::env::home_dir().unwrap_or_default();
        let pick = |variable: &str, default: &str| match std::env::var_os(variable) {
            Some(value) if !value.is_empty() => expand_home(Path::new(&value), &home),
            _ => home.join(".aws").join(default),
        };
        ProfileSources {
            config: pick("AWS_CONFIG_FILE", "config"),
            credentials: pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
        }
    }
}

fn expand_home(path: &Path, home: &Path) -> PathBuf {
    match path.strip_prefix("~") {
        Ok(rest) => home.join(rest),
        Err(_) => path.to_path_buf(),
    }
}

/// The profile names of both files, sorted, each once. A missing file has none; an error is
/// returned only when a file exists but cannot be read, or when no profile is found at all.
pub fn list_profiles(sources: &ProfileSources) -> Result<Vec<String>> {
    let mut names = BTreeSet::new();
    for (path, is_config) in [(&sources.config, true), (&sources.credentials, false)] {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(Error::io(path, error)),
        };
        names.extend(section_profiles(&text, is_config));
    }
    names.retain(|name: &String| !name.ends_with("-long-term"));
    if names.is_empty() {
        return Err(Error::InvalidInput {
            what: "--recursive".into(),
            message: format!(
                "no profiles found in {} or {}",
                sources.config.display(),
                sources.credentials.display()
            ),
        });
    }
    Ok(names.into_iter().collect())
}

/// Profile names of one file's `[section]` headers.
fn section_profiles(text: &str, is_config: bool) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let header = line.trim().strip_prefix('[')?;
            let inner = header.split_once(']')?.0.trim();
            let name = if is_config {
                if inner == "default" {
                    inner
                } else {
                    let rest = inner.strip_prefix("profile")?;
                    // `[profile NAME]` needs the space; `[profileX]` is no profile.
                    if !rest.starts_with([' ', '\t']) {
                        return None;
                    }
                    rest.trim()
                }
            } else {
                inner
            };
            (!name.is_empty() && !name.contains(char::is_whitespace)).then(|| name.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_of_both_files() {
        let config = "\
# comment
[default]
region = us-east-1
[profile prod]
region = eu-west-1
[ profile   dev ]
[sso-session corp]
sso_start_url = https://example.invalid/start
[services local]
[profileless]
[stray]
  [profile indented]  ; trailing comment
";
        assert_eq!(
            section_profiles(config, true),
            ["default", "prod", "dev", "indented"]
        );
        let credentials = "[default]\naws_access_key_id = x\n[ci]\n[prod-long-term]\n";
        assert_eq!(
            section_profiles(credentials, false),
            ["default", "ci", "prod-long-term"]
        );
    }

    #[test]
    fn list_merges_dedupes_and_skips_long_term() {
        let dir = tempfile::tempdir().unwrap();
        let sources = ProfileSources {
            config: dir.path().join("config"),
            credentials: dir.path().join("credentials"),
        };
        assert!(list_profiles(&sources).is_err());
        std::fs::write(&sources.config, "[default]\n[profile b]\n").unwrap();
        std::fs::write(&sources.credentials, "[a]\n[b]\n[b-long-term]\n").unwrap();
        assert_eq!(list_profiles(&sources).unwrap(), ["a", "b", "default"]);
    }

    #[test]
    fn home_expansion() {
        assert_eq!(
            expand_home(Path::new("~/x/config"), Path::new("/home/u")),
            PathBuf::from("/home/u/x/config")
        );
        assert_eq!(
            expand_home(Path::new("/etc/aws"), Path::new("/home/u")),
            PathBuf::from("/etc/aws")
        );
    }
}

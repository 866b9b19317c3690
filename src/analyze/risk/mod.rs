//! The risk data: privilege-escalation methods, actions that return credentials, actions that
//! read stored data, actions that expose resources on the network, and compute-service
//! principals. These are facts taken from public research; every entry carries a note naming
//! its source. Actions are written as documented (`iam:PassRole`); an entry that the embedded
//! reference does not know (an action newer than its snapshot) is kept and simply never
//! matches. The escalation methods, a list of action combinations, live in [`escalation`];
//! the rules that use these lists live in [`super::report`].

use std::sync::OnceLock;

use super::set::ActionSet;
use crate::data::Action;

/// Kinnaird McQuade's list of AWS API calls that return credentials.
pub const CREDENTIALS_LIST_URL: &str =
    "https://gist.github.com/kmcquade/33860a617e651104d243c324ddf7992a";

pub mod escalation;

pub use escalation::{EscalationMethod, PRIVILEGE_ESCALATION_METHODS, RHINO_URL, escalation_sets};

/// An action on one of the risk lists, with the source that puts it there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskAction {
    /// The action, as documented.
    pub action: &'static str,
    /// Where the fact comes from.
    pub source: &'static str,
}

const fn risk(action: &'static str, source: &'static str) -> RiskAction {
    RiskAction { action, source }
}

const CREDS: &str = "kmcquade, AWS API calls that return credentials (gist)";

/// Actions whose response carries credentials (keys, tokens, passwords).
pub static CREDENTIALS_EXPOSURE: &[RiskAction] = &[
    risk("airflow:CreateCliToken", CREDS),
    risk("airflow:CreateWebLoginToken", CREDS),
    risk("appsync:CreateApiKey", CREDS),
    risk("chime:CreateApiKey", CREDS),
    risk("cloud9:CreateEnvironmentToken", CREDS),
    risk(
        "codeartifact:GetAuthorizationToken",
        "cloudsplaining issue 272: returns a CodeArtifact bearer token",
    ),
    risk("codepipeline:PollForJobs", CREDS),
    risk("cognito-identity:GetCredentialsForIdentity", CREDS),
    risk("cognito-identity:GetOpenIdToken", CREDS),
    risk("cognito-identity:GetOpenIdTokenForDeveloperIdentity", CREDS),
    risk("cognito-idp:GetSigningCertificate", CREDS),
    risk("connect:GetFederationToken", CREDS),
    risk("connect:GetFederationTokens", CREDS),
    risk("ec2:GetPasswordData", CREDS),
    risk("ecr-public:GetAuthorizationToken", CREDS),
    risk("ecr:GetAuthorizationToken", CREDS),
    risk("emr-containers:GetManagedEndpointSessionCredentials", CREDS),
    risk("finspace-api:GetProgrammaticAccessCredentials", CREDS),
    risk(
        "gamelift:GetComputeAccess",
        "kmcquade gist (listed there under the misspelt prefix gamelist)",
    ),
    risk(
        "gamelift:GetComputeAuthToken",
        "kmcquade gist (listed there under the misspelt prefix gamelist)",
    ),
    risk("gamelift:GetInstanceAccess", CREDS),
    risk("gamelift:RequestUploadCredentials", CREDS),
    risk("grafana:CreateWorkspaceApiKey", CREDS),
    risk("iam:CreateAccessKey", CREDS),
    risk("iam:CreateLoginProfile", CREDS),
    risk("iam:CreateServiceSpecificCredential", CREDS),
    risk("iam:ResetServiceSpecificCredential", CREDS),
    risk("iam:UpdateAccessKey", CREDS),
    risk("license-manager:GetAccessToken", CREDS),
    risk("lightsail:CreateBucketAccessKey", CREDS),
    risk("lightsail:DownloadDefaultKeyPair", CREDS),
    risk("lightsail:GetInstanceAccessDetails", CREDS),
    risk("lightsail:GetRelationalDatabaseMasterUserPassword", CREDS),
    risk("mediapackage:RotateChannelCredentials", CREDS),
    risk("mediapackage:RotateIngestEndpointCredentials", CREDS),
    risk("rds-db:connect", CREDS),
    risk("redshift-serverless:GetCredentials", CREDS),
    risk("redshift:GetClusterCredentials", CREDS),
    risk("redshift:GetClusterCredentialsWithIAM", CREDS),
    risk("sso:GetRoleCredentials", CREDS),
    risk("sts:AssumeRole", CREDS),
    risk("sts:AssumeRoleWithSAML", CREDS),
    risk("sts:AssumeRoleWithWebIdentity", CREDS),
    risk("sts:GetFederationToken", CREDS),
    risk("sts:GetSessionToken", CREDS),
];

const EXFIL: &str = "cloudsplaining's read-only data-exfiltration actions";

/// Read actions that return stored data or secrets. Extended per run by the exclusions
/// file's `include-actions`.
pub static DATA_EXFILTRATION: &[RiskAction] = &[
    risk("s3:GetObject", EXFIL),
    risk("secretsmanager:GetSecretValue", EXFIL),
    risk("ssm:GetParameter", EXFIL),
    risk(
        "ssm:GetParameterHistory",
        "AWS Systems Manager API reference: GetParameterHistory returns the values, decrypted with WithDecryption",
    ),
    risk("ssm:GetParameters", EXFIL),
    risk("ssm:GetParametersByPath", EXFIL),
];

const SEED: &str = "policy_sentry 0.6 audit list network-exposure.txt";

/// Actions that can expose resources on the network (the seed tool's category).
pub static NETWORK_EXPOSURE: &[RiskAction] = &[
    risk("autoscaling:CreateLaunchConfiguration", SEED),
    risk("ec2:AdvertiseByoipCidr", SEED),
    risk("ec2:AllocateAddress", SEED),
    risk("ec2:AssignIpv6Addresses", SEED),
    risk("ec2:AssignPrivateIpAddresses", SEED),
    risk("ec2:AssociateAddress", SEED),
    risk("ec2:CreateDefaultSubnet", SEED),
    risk("ec2:CreateDefaultVpc", SEED),
    risk("ec2:CreateLaunchTemplateVersion", SEED),
    risk("ec2:ModifyLaunchTemplate", SEED),
    risk("ec2:ProvisionByoipCidr", SEED),
    risk("ec2:RunInstances", SEED),
    risk("ec2:WithdrawByoipCidr", SEED),
    risk("rds:CreateDBInstance", SEED),
    risk("rds:CreateDBInstanceReadReplica", SEED),
    risk("rds:CreateDBSnapshot", SEED),
    risk("rds:ModifyDBInstance", SEED),
    risk("rds:PromoteReadReplica", SEED),
    risk("rds:RebootDBInstance", SEED),
    risk("rds:RestoreDBInstanceFromDBSnapshot", SEED),
    risk("rds:RestoreDBInstanceFromS3", SEED),
    risk("rds:RestoreDBInstanceToPointInTime", SEED),
    risk("rds:StartDBInstance", SEED),
    risk("redshift:AuthorizeClusterSecurityGroupIngress", SEED),
    risk("redshift:CreateCluster", SEED),
    risk("redshift:RestoreFromClusterSnapshot", SEED),
    risk("redshift:RevokeClusterSecurityGroupIngress", SEED),
    risk("waf-regional:CreateWebACL", SEED),
    risk("waf-regional:DeleteWebACL", SEED),
    risk("waf-regional:UpdateWebACL", SEED),
    risk("waf:CreateWebACL", SEED),
    risk("waf:DeleteWebACL", SEED),
    risk("waf:UpdateWebACL", SEED),
];

/// Service principals (`<name>.amazonaws.com`) of compute services: code running there acts
/// with the role it is given.
pub static COMPUTE_SERVICE_PRINCIPALS: &[(&str, &str)] = &[
    ("ec2", "cloudsplaining's compute-service principals"),
    ("ecs-tasks", "cloudsplaining's compute-service principals"),
    ("eks", "cloudsplaining's compute-service principals"),
    ("lambda", "cloudsplaining's compute-service principals"),
];

/// The documented actions of a list, as a set (entries the reference lacks are left out).
pub fn action_set(list: &[RiskAction]) -> ActionSet {
    list.iter()
        .filter_map(|entry| Action::find(entry.action))
        .collect()
}

/// [`CREDENTIALS_EXPOSURE`] as a set, built once.
pub fn credentials_exposure() -> &'static ActionSet {
    static SET: OnceLock<ActionSet> = OnceLock::new();
    SET.get_or_init(|| action_set(CREDENTIALS_EXPOSURE))
}

/// [`DATA_EXFILTRATION`] as a set, built once.
pub fn data_exfiltration() -> &'static ActionSet {
    static SET: OnceLock<ActionSet> = OnceLock::new();
    SET.get_or_init(|| action_set(DATA_EXFILTRATION))
}

/// [`NETWORK_EXPOSURE`] as a set, built once.
pub fn network_exposure() -> &'static ActionSet {
    static SET: OnceLock<ActionSet> = OnceLock::new();
    SET.get_or_init(|| action_set(NETWORK_EXPOSURE))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries newer than the embedded snapshot (2024-07-15): kept, never matching.
    const NOT_IN_SNAPSHOT: &[&str] = &[
        "bedrock-agentcore:CreateCodeInterpreter",
        "bedrock-agentcore:InvokeCodeInterpreter",
        "bedrock-agentcore:StartCodeInterpreterSession",
        "connect:GetFederationTokens",
        "sso:GetRoleCredentials",
    ];

    fn check(action: &str) {
        match Action::find(action) {
            Some(found) => assert_eq!(found.to_string(), action, "documented case"),
            None => assert!(NOT_IN_SNAPSHOT.contains(&action), "{action} unknown"),
        }
    }

    #[test]
    fn every_entry_is_documented_or_known_missing() {
        for method in PRIVILEGE_ESCALATION_METHODS {
            method.actions.iter().for_each(|a| check(a));
            assert!(!method.source.is_empty() && method.link.starts_with("https://"));
        }
        for list in [CREDENTIALS_EXPOSURE, DATA_EXFILTRATION, NETWORK_EXPOSURE] {
            for entry in list {
                check(entry.action);
                assert!(!entry.source.is_empty());
            }
        }
    }

    #[test]
    fn list_sizes() {
        assert_eq!(PRIVILEGE_ESCALATION_METHODS.len(), 59);
        let rhino = PRIVILEGE_ESCALATION_METHODS
            .iter()
            .filter(|m| m.source.starts_with("Rhino"))
            .count();
        assert_eq!(rhino, 22);
        assert_eq!(NETWORK_EXPOSURE.len(), 33);
        let mut names: Vec<_> = PRIVILEGE_ESCALATION_METHODS
            .iter()
            .map(|m| m.name)
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 59, "method names are unique");
        let firing = escalation_sets()
            .iter()
            .filter(|(_, s)| s.is_some())
            .count();
        assert_eq!(
            firing, 57,
            "two bedrock-agentcore methods postdate the snapshot"
        );
    }
}

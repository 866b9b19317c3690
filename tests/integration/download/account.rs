//! What the tests create in moto through the SDK, remembered so that the download can be
//! compared with it: users, groups, roles, inline policies, managed policies attached and
//! not (one with two versions, one used only as a permissions boundary), trust policies and
//! an instance profile. Documents carry characters that URL- and XML-encoding must survive.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use aws_sdk_iam::Client;
use aws_sdk_iam::types::Tag;
use policy_sentry::download::{ACCOUNT_FILE_NAME, AuthorizationDetails};
use serde_json::{Value, json};

pub const ACCOUNT_ID: &str = "123456789012";

/// Inline policies keyed by (kind, owner, policy name).
pub type Inline = BTreeMap<(String, String, String), Value>;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Expected {
    pub users: BTreeSet<String>,
    pub groups: BTreeSet<String>,
    pub roles: BTreeSet<String>,
    pub inline: Inline,
    pub trust: BTreeMap<String, Value>,
    /// Managed policy name → (default version's document, attached to something).
    pub managed: BTreeMap<String, (Value, bool)>,
    /// (kind, owner) → attached managed policy names.
    pub attachments: BTreeMap<(String, String), BTreeSet<String>>,
    /// User → groups.
    pub memberships: BTreeMap<String, BTreeSet<String>>,
}

impl Expected {
    pub fn entity_count(&self) -> usize {
        self.users.len() + self.groups.len() + self.roles.len() + self.managed.len()
    }
}

fn statement(sid: &str, actions: &[&str], resources: &[&str]) -> Value {
    json!({"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources})
}

fn document(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// A document whose strings need URL- and XML-escaping: `%`, `&`, `<`, `>`, quotes, `+`,
/// spaces and non-ASCII.
fn tricky(sid: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": sid,
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::reports-bucket/100% done/a+b c/*",
            "Condition": {
                "StringEquals": {"aws:PrincipalTag/team": "R&D <core> \"quoted\" é"},
                "IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "198.51.100.7/32"]}
            }
        }]
    })
}

fn trust(service: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]
    })
}

/// Creates the test account's IAM data.
pub async fn populate(iam: &Client) -> Expected {
    let mut expected = Expected::default();
    let arn = |name: &str, path: &str| format!("arn:aws:iam::{ACCOUNT_ID}:policy{path}{name}");

    // Managed policies.
    let managed: [(&str, &str, Value, bool); 6] = [
        (
            "DevAccess",
            "/",
            document(vec![statement(
                "Dev",
                &["ec2:Describe*", "logs:GetLogEvents"],
                &["*"],
            )]),
            true,
        ),
        (
            "AdminLike",
            "/",
            document(vec![statement("V1", &["iam:Get*"], &["*"])]),
            true,
        ),
        ("AppPolicy", "/app/", tricky("App"), true),
        (
            "Unattached-One",
            "/",
            document(vec![statement("Loose", &["sqs:SendMessage"], &["*"])]),
            false,
        ),
        ("Unattached.Two_=,@+", "/loose/", tricky("LooseTwo"), false),
        (
            "BoundaryOnly",
            "/",
            document(vec![statement("Boundary", &["s3:*"], &["*"])]),
            false,
        ),
    ];
    for (name, path, doc, attached) in managed {
        iam.create_policy()
            .policy_name(name)
            .path(path)
            .policy_document(doc.to_string())
            .send()
            .await
            .expect("create policy");
        expected.managed.insert(name.into(), (doc, attached));
    }
    // AdminLike gets a second version, which becomes the default.
    let admin_v2 = document(vec![
        statement("V2", &["iam:*"], &["*"]),
        json!({"Sid": "NoBilling", "Effect": "Deny", "NotAction": "aws-portal:*", "Resource": "*"}),
    ]);
    iam.create_policy_version()
        .policy_arn(arn("AdminLike", "/"))
        .policy_document(admin_v2.to_string())
        .set_as_default(true)
        .send()
        .await
        .expect("second version");
    expected.managed.get_mut("AdminLike").expect("AdminLike").0 = admin_v2;

    // Groups.
    for group in ["devs", "admins", "empty-group"] {
        iam.create_group()
            .group_name(group)
            .send()
            .await
            .expect("group");
        expected.groups.insert(group.into());
    }
    let devs_inline = document(vec![statement("Devs", &["codecommit:GitPull"], &["*"])]);
    iam.put_group_policy()
        .group_name("devs")
        .policy_name("devs-inline")
        .policy_document(devs_inline.to_string())
        .send()
        .await
        .expect("group policy");
    expected
        .inline
        .insert(key("group", "devs", "devs-inline"), devs_inline);
    attach_group(
        iam,
        &mut expected,
        "devs",
        "DevAccess",
        &arn("DevAccess", "/"),
    )
    .await;
    attach_group(
        iam,
        &mut expected,
        "admins",
        "AdminLike",
        &arn("AdminLike", "/"),
    )
    .await;

    // Users.
    iam.create_user()
        .user_name("alice")
        .send()
        .await
        .expect("user");
    iam.create_user()
        .user_name("bob")
        .path("/ops/")
        .tags(
            Tag::builder()
                .key("team")
                .value("ops")
                .build()
                .expect("tag"),
        )
        .permissions_boundary(arn("BoundaryOnly", "/"))
        .send()
        .await
        .expect("user");
    iam.create_user()
        .user_name("carol")
        .send()
        .await
        .expect("user");
    expected
        .users
        .extend(["alice", "bob", "carol"].map(String::from));
    for group in ["devs", "admins"] {
        iam.add_user_to_group()
            .user_name("alice")
            .group_name(group)
            .send()
            .await
            .expect("membership");
        expected
            .memberships
            .entry("alice".into())
            .or_default()
            .insert(group.into());
    }
    let alice_inline = tricky("Alice");
    put_user_policy(iam, &mut expected, "alice", "alice-inline", alice_inline).await;
    let bob_inline = document(vec![statement("Bob", &["dynamodb:GetItem"], &["*"])]);
    put_user_policy(iam, &mut expected, "bob", "bob+inline=1", bob_inline).await;
    iam.attach_user_policy()
        .user_name("alice")
        .policy_arn(arn("DevAccess", "/"))
        .send()
        .await
        .expect("attach");
    expected
        .attachments
        .entry(("user".into(), "alice".into()))
        .or_default()
        .insert("DevAccess".into());

    // Roles.
    let ci_trust = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/*:ref:refs/heads/main"}}
        }]
    });
    for (role, path, trust_doc) in [
        ("app-role", "/", trust("ec2.amazonaws.com")),
        ("ci-role", "/ci/", ci_trust),
        ("bare-role", "/", trust("lambda.amazonaws.com")),
    ] {
        iam.create_role()
            .role_name(role)
            .path(path)
            .assume_role_policy_document(trust_doc.to_string())
            .send()
            .await
            .expect("role");
        expected.roles.insert(role.into());
        expected.trust.insert(role.into(), trust_doc);
    }
    let app_inline = document(vec![statement("App", &["sqs:ReceiveMessage"], &["*"])]);
    put_role_policy(iam, &mut expected, "app-role", "app-inline", app_inline).await;
    put_role_policy(iam, &mut expected, "ci-role", "ci-inline", tricky("Ci")).await;
    iam.attach_role_policy()
        .role_name("app-role")
        .policy_arn(arn("AppPolicy", "/app/"))
        .send()
        .await
        .expect("attach");
    expected
        .attachments
        .entry(("role".into(), "app-role".into()))
        .or_default()
        .insert("AppPolicy".into());
    iam.create_instance_profile()
        .instance_profile_name("app-profile")
        .send()
        .await
        .expect("instance profile");
    iam.add_role_to_instance_profile()
        .instance_profile_name("app-profile")
        .role_name("app-role")
        .send()
        .await
        .expect("role in profile");
    expected
}

fn key(kind: &str, owner: &str, name: &str) -> (String, String, String) {
    (kind.into(), owner.into(), name.into())
}

async fn attach_group(iam: &Client, expected: &mut Expected, group: &str, name: &str, arn: &str) {
    iam.attach_group_policy()
        .group_name(group)
        .policy_arn(arn)
        .send()
        .await
        .expect("attach group policy");
    expected
        .attachments
        .entry(("group".into(), group.into()))
        .or_default()
        .insert(name.into());
}

async fn put_user_policy(
    iam: &Client,
    expected: &mut Expected,
    user: &str,
    name: &str,
    doc: Value,
) {
    iam.put_user_policy()
        .user_name(user)
        .policy_name(name)
        .policy_document(doc.to_string())
        .send()
        .await
        .expect("user policy");
    expected.inline.insert(key("user", user, name), doc);
}

async fn put_role_policy(
    iam: &Client,
    expected: &mut Expected,
    role: &str,
    name: &str,
    doc: Value,
) {
    iam.put_role_policy()
        .role_name(role)
        .policy_name(name)
        .policy_document(doc.to_string())
        .send()
        .await
        .expect("role policy");
    expected.inline.insert(key("role", role, name), doc);
}

/// Reads the account file of a download.
pub fn read_account_file(output: &Path) -> AuthorizationDetails {
    let path = output.join(ACCOUNT_ID).join(ACCOUNT_FILE_NAME);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// What a download holds, in the shape of [`Expected`] (customer-managed policies only).
pub fn observed(details: &AuthorizationDetails) -> Expected {
    let mut seen = Expected::default();
    let name = |value: &Option<String>| value.clone().expect("a name");
    for user in &details.user_detail_list {
        let user_name = name(&user.user_name);
        for policy in &user.user_policy_list {
            let doc = policy.policy_document.clone().expect("inline document");
            seen.inline
                .insert(key("user", &user_name, &name(&policy.policy_name)), doc);
        }
        for attached in &user.attached_managed_policies {
            seen.attachments
                .entry(("user".into(), user_name.clone()))
                .or_default()
                .insert(name(&attached.policy_name));
        }
        if !user.group_list.is_empty() {
            seen.memberships
                .insert(user_name.clone(), user.group_list.iter().cloned().collect());
        }
        seen.users.insert(user_name);
    }
    for group in &details.group_detail_list {
        let group_name = name(&group.group_name);
        for policy in &group.group_policy_list {
            let doc = policy.policy_document.clone().expect("inline document");
            seen.inline
                .insert(key("group", &group_name, &name(&policy.policy_name)), doc);
        }
        for attached in &group.attached_managed_policies {
            seen.attachments
                .entry(("group".into(), group_name.clone()))
                .or_default()
                .insert(name(&attached.policy_name));
        }
        seen.groups.insert(group_name);
    }
    for role in &details.role_detail_list {
        let role_name = name(&role.role_name);
        for policy in &role.role_policy_list {
            let doc = policy.policy_document.clone().expect("inline document");
            seen.inline
                .insert(key("role", &role_name, &name(&policy.policy_name)), doc);
        }
        for attached in &role.attached_managed_policies {
            seen.attachments
                .entry(("role".into(), role_name.clone()))
                .or_default()
                .insert(name(&attached.policy_name));
        }
        seen.trust.insert(
            role_name.clone(),
            role.assume_role_policy_document
                .clone()
                .expect("trust policy"),
        );
        seen.roles.insert(role_name);
    }
    for policy in details
        .policies
        .iter()
        .filter(|policy| !policy.is_aws_managed())
    {
        let doc = policy
            .default_document()
            .cloned()
            .expect("default document");
        seen.managed
            .insert(name(&policy.policy_name), (doc, policy.is_attached()));
    }
    seen
}

/// The `<stem>.json` files of a folder, parsed.
pub fn policy_files(dir: &Path) -> BTreeMap<String, Value> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|entry| entry.expect("dir entry").path())
        .map(|path| {
            let stem = path
                .file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.strip_suffix(".json"))
                .unwrap_or_else(|| panic!("unexpected file {}", path.display()))
                .to_owned();
            let text = std::fs::read_to_string(&path).expect("policy file");
            (
                stem,
                serde_json::from_str(&text).expect("policy file is JSON"),
            )
        })
        .collect()
}

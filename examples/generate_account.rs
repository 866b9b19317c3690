//! Writes a synthetic `aws iam get-account-authorization-details` file, for timing account
//! audits (benches/analyze.rs, the measurements in the README). Deterministic: the same
//! arguments give the same file. Policies are drawn from real services and actions: service
//! wildcards, read-only globs, lists of concrete actions, ARN-scoped and conditional
//! statements, denials, and a few known privilege-escalation combinations.
//!
//! ```console
//! cargo run --release --example generate_account -- 1000 1000 50 1000 > account.json
//! #                                               users roles groups managed-policies
//! ```

use policy_sentry::data::{Action, Service};
use serde_json::{Value, json};

/// A small deterministic generator (64-bit LCG), so fixtures need no dependency.
#[derive(Debug)]
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Lcg {
        Lcg(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const ACCOUNT: &str = "123456789012";

fn statement(rng: &mut Lcg, services: &[Service]) -> Value {
    let service = services[rng.below(services.len())];
    let prefix = service.prefix();
    let actions: Vec<Action> = service.actions().collect();
    let pick = |rng: &mut Lcg, count: usize| -> Vec<String> {
        (0..count)
            .map(|_| actions[rng.below(actions.len())].to_string())
            .collect()
    };
    match rng.below(20) {
        0 | 1 => json!({"Effect": "Allow", "Action": format!("{prefix}:*"), "Resource": "*"}),
        2..=6 => {
            json!({"Effect": "Allow", "Action": [format!("{prefix}:Get*"), format!("{prefix}:List*"), format!("{prefix}:Describe*")], "Resource": "*"})
        }
        7..=11 => {
            let count = 3 + rng.below(6);
            json!({"Effect": "Allow", "Action": pick(rng, count), "Resource": "*"})
        }
        12..=15 => {
            let count = 2 + rng.below(5);
            let resource = format!(
                "arn:aws:{prefix}:us-east-1:{ACCOUNT}:resource/app-{}",
                rng.below(100)
            );
            json!({"Effect": "Allow", "Action": pick(rng, count), "Resource": [resource]})
        }
        16 | 17 => {
            let count = 2 + rng.below(4);
            json!({"Effect": "Allow", "Action": pick(rng, count), "Resource": "*",
                   "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}})
        }
        18 => json!({"Effect": "Deny", "Action": format!("{prefix}:Delete*"), "Resource": "*"}),
        _ => match rng.below(4) {
            0 => {
                json!({"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"})
            }
            1 => {
                json!({"Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:UpdateLoginProfile"], "Resource": "*"})
            }
            2 => {
                json!({"Effect": "Allow", "Action": ["s3:GetObject", "secretsmanager:GetSecretValue"], "Resource": "*"})
            }
            _ => {
                json!({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})
            }
        },
    }
}

fn document(rng: &mut Lcg, services: &[Service]) -> Value {
    let count = 1 + rng.below(4);
    let statements: Vec<Value> = (0..count).map(|_| statement(rng, services)).collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn trust(rng: &mut Lcg) -> Value {
    let principal = match rng.below(10) {
        0..=3 => json!({"Service": "ec2.amazonaws.com"}),
        4..=5 => json!({"Service": "lambda.amazonaws.com"}),
        6 => json!({"AWS": "arn:aws:iam::999988887777:root"}),
        7 => json!({"AWS": "*"}),
        8 => json!({"Federated": format!("arn:aws:iam::{ACCOUNT}:saml-provider/idp")}),
        _ => json!({"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}),
    };
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})
}

fn attached(rng: &mut Lcg, policies: &[(String, String)], max: usize) -> Vec<Value> {
    let count = rng.below(max + 1);
    let mut out: Vec<Value> = Vec::new();
    for _ in 0..count {
        let (name, arn) = &policies[rng.below(policies.len())];
        let entry = json!({"PolicyName": name, "PolicyArn": arn});
        if !out.contains(&entry) {
            out.push(entry);
        }
    }
    out
}

/// Generates the account: `users`, `roles`, `groups` principals and `managed` managed
/// policies (a twentieth of them AWS-managed); inline policies come from a pool of
/// `managed / 4` distinct documents, as in real accounts where they are copied around.
pub fn generate(users: usize, roles: usize, groups: usize, managed: usize) -> Value {
    let mut rng = Lcg::new((users * 31 + roles * 17 + groups * 7 + managed) as u64);
    let services: Vec<Service> = Service::all().filter(|s| s.actions().len() > 0).collect();
    let date = "2024-01-01T00:00:00Z";
    let mut names = Vec::new();
    let mut policies = Vec::new();
    for index in 0..managed {
        let (name, arn) = if index % 20 == 0 {
            let name = format!("AWSGeneratedPolicy{index}");
            let arn = format!("arn:aws:iam::aws:policy/{name}");
            (name, arn)
        } else {
            let name = format!("policy-{index}");
            let arn = format!("arn:aws:iam::{ACCOUNT}:policy/{name}");
            (name, arn)
        };
        policies.push(json!({
            "PolicyName": name, "PolicyId": format!("ANPA{index:016}"), "Arn": arn, "Path": "/",
            "DefaultVersionId": "v1", "AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": true, "CreateDate": date, "UpdateDate": date,
            "PolicyVersionList": [{"Document": document(&mut rng, &services), "VersionId": "v1",
                                   "IsDefaultVersion": true, "CreateDate": date}],
        }));
        names.push((name, arn));
    }
    let inline_pool: Vec<Value> = (0..(managed / 4).max(1))
        .map(|_| document(&mut rng, &services))
        .collect();
    let inline = |rng: &mut Lcg, kind: &str, index: usize| -> Vec<Value> {
        if rng.chance(35) {
            let document = inline_pool[rng.below(inline_pool.len())].clone();
            vec![
                json!({"PolicyName": format!("{kind}-inline-{index}"), "PolicyDocument": document}),
            ]
        } else {
            Vec::new()
        }
    };
    let group_list: Vec<Value> = (0..groups)
        .map(|index| {
            json!({
                "Path": "/", "GroupName": format!("group-{index}"), "GroupId": format!("AGPA{index:016}"),
                "Arn": format!("arn:aws:iam::{ACCOUNT}:group/group-{index}"), "CreateDate": date,
                "GroupPolicyList": inline(&mut rng, "group", index),
                "AttachedManagedPolicies": attached(&mut rng, &names, 3),
            })
        })
        .collect();
    let user_list: Vec<Value> = (0..users)
        .map(|index| {
            let memberships: Vec<String> = (0..rng.below(3))
                .map(|_| format!("group-{}", rng.below(groups.max(1))))
                .collect();
            json!({
                "Path": "/", "UserName": format!("user-{index}"), "UserId": format!("AIDA{index:016}"),
                "Arn": format!("arn:aws:iam::{ACCOUNT}:user/user-{index}"), "CreateDate": date,
                "GroupList": memberships,
                "UserPolicyList": inline(&mut rng, "user", index),
                "AttachedManagedPolicies": attached(&mut rng, &names, 3),
                "Tags": [],
            })
        })
        .collect();
    let role_list: Vec<Value> = (0..roles)
        .map(|index| {
            let path = if index % 25 == 0 { "/service-role/" } else { "/" };
            json!({
                "Path": path, "RoleName": format!("role-{index}"), "RoleId": format!("AROA{index:016}"),
                "Arn": format!("arn:aws:iam::{ACCOUNT}:role{path}role-{index}"), "CreateDate": date,
                "AssumeRolePolicyDocument": trust(&mut rng),
                "InstanceProfileList": [],
                "RolePolicyList": inline(&mut rng, "role", index),
                "AttachedManagedPolicies": attached(&mut rng, &names, 3),
                "Tags": [], "RoleLastUsed": {},
            })
        })
        .collect();
    json!({
        "UserDetailList": user_list,
        "GroupDetailList": group_list,
        "RoleDetailList": role_list,
        "Policies": policies,
    })
}

#[allow(dead_code)] // benches include this file for `generate` only
fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| {
            a.parse()
                .expect("numbers: users roles groups managed-policies")
        })
        .collect();
    let get = |i: usize, default: usize| args.get(i).copied().unwrap_or(default);
    let account = generate(get(0, 1000), get(1, 1000), get(2, 50), get(3, 1000));
    println!("{account}");
}

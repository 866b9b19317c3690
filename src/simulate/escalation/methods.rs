//! The single steps of the escalation graph: how one principal comes to act as another
//! (assume it, pass it to a compute service, make credentials for it, rewrite its trust),
//! and how one gives another any permission (put or attach a policy, a new version of its
//! managed policy, a group). Each names the published method it is.

use crate::analyze::risk::escalation::{EscalationMethod, PRIVILEGE_ESCALATION_METHODS};

/// The STS reference for `AssumeRole`, the method that needs no published escalation.
pub const ASSUME_ROLE_URL: &str =
    "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html";

/// A step on a user: one action on the user's ARN lets the actor sign in as it.
pub static USER_CREDENTIAL_STEPS: &[(&str, &str)] = &[
    ("CreateAccessKey", "iam:CreateAccessKey"),
    ("CreateLoginProfile", "iam:CreateLoginProfile"),
    ("UpdateLoginProfile", "iam:UpdateLoginProfile"),
];

/// Grants on a user or role's own ARN: (method, action for a user, action for a role).
pub static DIRECT_GRANTS: &[(&str, &str, &str)] = &[
    ("PutUserPolicy", "iam:PutUserPolicy", ""),
    ("AttachUserPolicy", "iam:AttachUserPolicy", ""),
    ("PutRolePolicy", "", "iam:PutRolePolicy"),
    ("AttachRolePolicy", "", "iam:AttachRolePolicy"),
];

/// Grants through a group the user is in, on the group's ARN.
pub static GROUP_GRANTS: &[(&str, &str)] = &[
    ("PutGroupPolicy", "iam:PutGroupPolicy"),
    ("AttachGroupPolicy", "iam:AttachGroupPolicy"),
];

/// A permissions boundary caps what a grant gives: the actor must also lift or replace it
/// (user action, role action).
pub static BOUNDARY_LIFTS: &[(&str, &str)] = &[
    (
        "iam:DeleteUserPermissionsBoundary",
        "iam:DeleteRolePermissionsBoundary",
    ),
    (
        "iam:PutUserPermissionsBoundary",
        "iam:PutRolePermissionsBoundary",
    ),
];

/// Every IAM or STS action a step of the graph asks about.
pub fn step_actions() -> Vec<&'static str> {
    let mut actions = vec![
        "sts:AssumeRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:PassRole",
        "iam:CreatePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:AddUserToGroup",
    ];
    actions.extend(USER_CREDENTIAL_STEPS.iter().map(|(_, action)| *action));
    for (_, user, role) in DIRECT_GRANTS {
        actions.extend([*user, *role].into_iter().filter(|a| !a.is_empty()));
    }
    actions.extend(GROUP_GRANTS.iter().map(|(_, action)| *action));
    for (user, role) in BOUNDARY_LIFTS {
        actions.extend([*user, *role]);
    }
    actions
}

/// The service principal a pass-role method's compute service assumes the role as, by the
/// prefix of the method's first action other than `iam:PassRole`.
const SERVICE_PRINCIPALS: &[(&str, &str)] = &[
    ("apprunner", "tasks.apprunner.amazonaws.com"),
    ("bedrock-agentcore", "bedrock-agentcore.amazonaws.com"),
    ("cloudformation", "cloudformation.amazonaws.com"),
    ("codebuild", "codebuild.amazonaws.com"),
    ("datapipeline", "datapipeline.amazonaws.com"),
    ("ec2", "ec2.amazonaws.com"),
    ("ecs", "ecs-tasks.amazonaws.com"),
    ("glue", "glue.amazonaws.com"),
    ("lambda", "lambda.amazonaws.com"),
    ("sagemaker", "sagemaker.amazonaws.com"),
];

/// A published method that passes an existing role to a new compute resource, with the
/// service principal the role must trust and the actions besides `iam:PassRole`.
#[derive(Debug, Clone)]
pub struct PassRoleMethod {
    pub method: EscalationMethod,
    pub service_principal: &'static str,
    pub actions: Vec<&'static str>,
}

/// The pass-role methods of [`PRIVILEGE_ESCALATION_METHODS`] whose service is known.
pub fn pass_role_methods() -> Vec<PassRoleMethod> {
    PRIVILEGE_ESCALATION_METHODS
        .iter()
        .filter(|method| method.actions.contains(&"iam:PassRole"))
        .filter_map(|method| {
            let actions: Vec<&'static str> = method
                .actions
                .iter()
                .copied()
                .filter(|action| *action != "iam:PassRole")
                .collect();
            let prefix = actions.first()?.split(':').next()?;
            let (_, service_principal) = SERVICE_PRINCIPALS
                .iter()
                .find(|(known, _)| *known == prefix)?;
            Some(PassRoleMethod {
                method: *method,
                service_principal,
                actions,
            })
        })
        .collect()
}

/// The published reference of a method, by name.
pub fn reference(name: &str) -> &'static str {
    if name == "AssumeRole" {
        return ASSUME_ROLE_URL;
    }
    PRIVILEGE_ESCALATION_METHODS
        .iter()
        .find(|method| method.name == name)
        .map_or("", |method| method.link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pass_role_method_has_its_service() {
        let known = pass_role_methods();
        let all = PRIVILEGE_ESCALATION_METHODS
            .iter()
            .filter(|method| method.actions.contains(&"iam:PassRole"))
            .count();
        assert_eq!(
            known.len(),
            all,
            "a pass-role method without its service principal"
        );
        let lambda = known
            .iter()
            .find(|m| m.method.name == "PassExistingRoleToNewLambdaThenInvoke")
            .unwrap();
        assert_eq!(lambda.service_principal, "lambda.amazonaws.com");
        assert_eq!(
            lambda.actions,
            ["lambda:CreateFunction", "lambda:InvokeFunction"]
        );
    }

    #[test]
    fn methods_have_references() {
        for (name, _) in USER_CREDENTIAL_STEPS.iter().chain(GROUP_GRANTS) {
            assert!(reference(name).starts_with("https://"), "{name}");
        }
        for (name, _, _) in DIRECT_GRANTS {
            assert!(reference(name).starts_with("https://"), "{name}");
        }
        for name in [
            "AssumeRole",
            "UpdateRolePolicyToAssumeIt",
            "CreateNewPolicyVersion",
            "SetExistingDefaultPolicyVersion",
            "AddUserToGroup",
        ] {
            assert!(reference(name).starts_with("https://"), "{name}");
        }
    }
}

//! The privilege-escalation methods: combinations of actions that, all allowed together, let a
//! principal gain more access than it was given (the 22 methods of Rhino Security Labs and the
//! later paths of pathfinding.cloud), each with the source that publishes it, and their action
//! sets over the embedded reference. The other risk lists live in [`super`].

use std::sync::OnceLock;

use crate::analyze::set::ActionSet;
use crate::data::Action;

/// The Rhino Security Labs article on IAM privilege escalation (Spencer Gietzen, 2018).
pub const RHINO_URL: &str =
    "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/";

/// A privilege-escalation method: it is possible when *all* its actions are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscalationMethod {
    /// The method's name, e.g. `CreateEC2WithExistingIP`.
    pub name: &'static str,
    /// The actions that together make it possible.
    pub actions: &'static [&'static str],
    /// Where the method is published.
    pub source: &'static str,
    /// A page describing it.
    pub link: &'static str,
}

const fn method(
    name: &'static str,
    actions: &'static [&'static str],
    source: &'static str,
    link: &'static str,
) -> EscalationMethod {
    EscalationMethod {
        name,
        actions,
        source,
        link,
    }
}

/// The 22 privilege-escalation methods of Rhino Security Labs (method 16 in its two
/// variants) and the 37 later paths published on pathfinding.cloud.
pub static PRIVILEGE_ESCALATION_METHODS: &[EscalationMethod] = &[
    method(
        "CreateAccessKey",
        &["iam:CreateAccessKey"],
        "Rhino Security Labs (2018), method 4",
        "https://pathfinding.cloud/paths/iam-002",
    ),
    method(
        "CreateLoginProfile",
        &["iam:CreateLoginProfile"],
        "Rhino Security Labs (2018), method 5",
        "https://pathfinding.cloud/paths/iam-004",
    ),
    method(
        "UpdateLoginProfile",
        &["iam:UpdateLoginProfile"],
        "Rhino Security Labs (2018), method 6",
        "https://pathfinding.cloud/paths/iam-006",
    ),
    method(
        "AddUserToGroup",
        &["iam:AddUserToGroup"],
        "Rhino Security Labs (2018), method 13",
        "https://pathfinding.cloud/paths/iam-013",
    ),
    method(
        "CreateNewPolicyVersion",
        &["iam:CreatePolicyVersion"],
        "Rhino Security Labs (2018), method 1",
        "https://pathfinding.cloud/paths/iam-001",
    ),
    method(
        "SetExistingDefaultPolicyVersion",
        &["iam:SetDefaultPolicyVersion"],
        "Rhino Security Labs (2018), method 2",
        RHINO_URL,
    ),
    method(
        "AttachUserPolicy",
        &["iam:AttachUserPolicy"],
        "Rhino Security Labs (2018), method 7",
        "https://pathfinding.cloud/paths/iam-008",
    ),
    method(
        "AttachGroupPolicy",
        &["iam:AttachGroupPolicy"],
        "Rhino Security Labs (2018), method 8",
        "https://pathfinding.cloud/paths/iam-010",
    ),
    method(
        "AttachRolePolicy",
        &["iam:AttachRolePolicy"],
        "Rhino Security Labs (2018), method 9",
        "https://pathfinding.cloud/paths/iam-009",
    ),
    method(
        "PutUserPolicy",
        &["iam:PutUserPolicy"],
        "Rhino Security Labs (2018), method 10",
        "https://pathfinding.cloud/paths/iam-007",
    ),
    method(
        "PutGroupPolicy",
        &["iam:PutGroupPolicy"],
        "Rhino Security Labs (2018), method 11",
        "https://pathfinding.cloud/paths/iam-011",
    ),
    method(
        "PutRolePolicy",
        &["iam:PutRolePolicy"],
        "Rhino Security Labs (2018), method 12",
        "https://pathfinding.cloud/paths/iam-005",
    ),
    method(
        "UpdateRolePolicyToAssumeIt",
        &["iam:UpdateAssumeRolePolicy"],
        "Rhino Security Labs (2018), method 14",
        "https://pathfinding.cloud/paths/iam-012",
    ),
    method(
        "CreateEC2WithExistingIP",
        &["iam:PassRole", "ec2:RunInstances"],
        "Rhino Security Labs (2018), method 3",
        "https://pathfinding.cloud/paths/ec2-001",
    ),
    method(
        "PassExistingRoleToNewLambdaThenInvoke",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ],
        "Rhino Security Labs (2018), method 15",
        "https://pathfinding.cloud/paths/lambda-001",
    ),
    method(
        "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
            "dynamodb:CreateTable",
            "dynamodb:PutItem",
        ],
        "Rhino Security Labs (2018), method 16",
        "https://pathfinding.cloud/paths/lambda-002",
    ),
    method(
        "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
        ],
        "Rhino Security Labs (2018), method 16",
        "https://pathfinding.cloud/paths/lambda-002",
    ),
    method(
        "PassExistingRoleToNewGlueDevEndpoint",
        &["iam:PassRole", "glue:CreateDevEndpoint"],
        "Rhino Security Labs (2018), method 18",
        "https://pathfinding.cloud/paths/glue-001",
    ),
    method(
        "PassExistingRoleToCloudFormation",
        &["iam:PassRole", "cloudformation:CreateStack"],
        "Rhino Security Labs (2018), method 20",
        "https://pathfinding.cloud/paths/cloudformation-001",
    ),
    method(
        "PassExistingRoleToNewDataPipeline",
        &["iam:PassRole", "datapipeline:CreatePipeline"],
        "Rhino Security Labs (2018), method 21",
        "https://pathfinding.cloud/paths/datapipeline-001",
    ),
    method(
        "UpdateExistingGlueDevEndpoint",
        &["glue:UpdateDevEndpoint"],
        "Rhino Security Labs (2018), method 19",
        "https://pathfinding.cloud/paths/glue-002",
    ),
    method(
        "EditExistingLambdaFunctionWithRole",
        &["lambda:UpdateFunctionCode"],
        "Rhino Security Labs (2018), method 17",
        "https://pathfinding.cloud/paths/lambda-003",
    ),
    method(
        "AccessExistingBedrockCodeInterpreterSession",
        &[
            "bedrock-agentcore:StartCodeInterpreterSession",
            "bedrock-agentcore:InvokeCodeInterpreter",
        ],
        "pathfinding.cloud (Datadog), path bedrock-002",
        "https://pathfinding.cloud/paths/bedrock-002",
    ),
    method(
        "ExecuteCloudFormationChangeSet",
        &[
            "cloudformation:CreateChangeSet",
            "cloudformation:ExecuteChangeSet",
        ],
        "pathfinding.cloud (Datadog), path cloudformation-005",
        "https://pathfinding.cloud/paths/cloudformation-005",
    ),
    method(
        "ModifyEC2InstanceUserDataThenRestart",
        &[
            "ec2:ModifyInstanceAttribute",
            "ec2:StopInstances",
            "ec2:StartInstances",
        ],
        "pathfinding.cloud (Datadog), path ec2-002",
        "https://pathfinding.cloud/paths/ec2-002",
    ),
    method(
        "ModifyExistingEC2LaunchTemplate",
        &[
            "ec2:CreateLaunchTemplateVersion",
            "ec2:ModifyLaunchTemplate",
        ],
        "pathfinding.cloud (Datadog), path ec2-004",
        "https://pathfinding.cloud/paths/ec2-004",
    ),
    method(
        "EC2InstanceConnectSendSSHPublicKey",
        &[
            "ec2-instance-connect:SendSSHPublicKey",
            "ec2:DescribeInstances",
        ],
        "pathfinding.cloud (Datadog), path ec2instanceconnect-003",
        "https://pathfinding.cloud/paths/ec2instanceconnect-003",
    ),
    method(
        "ECSExecuteCommandOnRunningTask",
        &["ecs:ExecuteCommand", "ecs:DescribeTasks"],
        "pathfinding.cloud (Datadog), path ecs-006",
        "https://pathfinding.cloud/paths/ecs-006",
    ),
    method(
        "UpdateAndInvokeLambdaFunction",
        &["lambda:UpdateFunctionCode", "lambda:InvokeFunction"],
        "pathfinding.cloud (Datadog), path lambda-004",
        "https://pathfinding.cloud/paths/lambda-004",
    ),
    method(
        "UpdateLambdaFunctionAndAddPermission",
        &["lambda:UpdateFunctionCode", "lambda:AddPermission"],
        "pathfinding.cloud (Datadog), path lambda-005",
        "https://pathfinding.cloud/paths/lambda-005",
    ),
    method(
        "CreatePresignedSageMakerNotebookUrl",
        &["sagemaker:CreatePresignedNotebookInstanceUrl"],
        "pathfinding.cloud (Datadog), path sagemaker-004",
        "https://pathfinding.cloud/paths/sagemaker-004",
    ),
    method(
        "UpdateSageMakerNotebookLifecycleConfig",
        &[
            "sagemaker:CreateNotebookInstanceLifecycleConfig",
            "sagemaker:StopNotebookInstance",
            "sagemaker:UpdateNotebookInstance",
            "sagemaker:StartNotebookInstance",
        ],
        "pathfinding.cloud (Datadog), path sagemaker-005",
        "https://pathfinding.cloud/paths/sagemaker-005",
    ),
    method(
        "PassExistingRoleToNewAppRunnerService",
        &["iam:PassRole", "apprunner:CreateService"],
        "pathfinding.cloud (Datadog), path apprunner-001",
        "https://pathfinding.cloud/paths/apprunner-001",
    ),
    method(
        "PassExistingRoleToNewBedrockCodeInterpreter",
        &[
            "iam:PassRole",
            "bedrock-agentcore:CreateCodeInterpreter",
            "bedrock-agentcore:StartCodeInterpreterSession",
            "bedrock-agentcore:InvokeCodeInterpreter",
        ],
        "pathfinding.cloud (Datadog), path bedrock-001",
        "https://pathfinding.cloud/paths/bedrock-001",
    ),
    method(
        "PassExistingRoleToNewCloudFormationStackSet",
        &[
            "iam:PassRole",
            "cloudformation:CreateStackSet",
            "cloudformation:CreateStackInstances",
        ],
        "pathfinding.cloud (Datadog), path cloudformation-003",
        "https://pathfinding.cloud/paths/cloudformation-003",
    ),
    method(
        "PassRoleToUpdateCloudFormationStackSet",
        &["iam:PassRole", "cloudformation:UpdateStackSet"],
        "pathfinding.cloud (Datadog), path cloudformation-004",
        "https://pathfinding.cloud/paths/cloudformation-004",
    ),
    method(
        "PassExistingRoleToNewCodeBuildProjectThenBuild",
        &[
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuild",
        ],
        "pathfinding.cloud (Datadog), path codebuild-001",
        "https://pathfinding.cloud/paths/codebuild-001",
    ),
    method(
        "PassExistingRoleToNewCodeBuildProjectThenBuildBatch",
        &[
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuildBatch",
        ],
        "pathfinding.cloud (Datadog), path codebuild-004",
        "https://pathfinding.cloud/paths/codebuild-004",
    ),
    method(
        "PassExistingRoleToNewEC2SpotInstance",
        &["iam:PassRole", "ec2:RequestSpotInstances"],
        "pathfinding.cloud (Datadog), path ec2-003",
        "https://pathfinding.cloud/paths/ec2-003",
    ),
    method(
        "PassExistingRoleToNewECSClusterServiceTask",
        &[
            "iam:PassRole",
            "ecs:CreateCluster",
            "ecs:RegisterTaskDefinition",
            "ecs:CreateService",
        ],
        "pathfinding.cloud (Datadog), path ecs-001",
        "https://pathfinding.cloud/paths/ecs-001",
    ),
    method(
        "PassExistingRoleToNewECSClusterRunTask",
        &[
            "iam:PassRole",
            "ecs:CreateCluster",
            "ecs:RegisterTaskDefinition",
            "ecs:RunTask",
        ],
        "pathfinding.cloud (Datadog), path ecs-002",
        "https://pathfinding.cloud/paths/ecs-002",
    ),
    method(
        "PassExistingRoleToNewECSService",
        &[
            "iam:PassRole",
            "ecs:RegisterTaskDefinition",
            "ecs:CreateService",
        ],
        "pathfinding.cloud (Datadog), path ecs-003",
        "https://pathfinding.cloud/paths/ecs-003",
    ),
    method(
        "PassExistingRoleToNewECSTaskViaRunTask",
        &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"],
        "pathfinding.cloud (Datadog), path ecs-004",
        "https://pathfinding.cloud/paths/ecs-004",
    ),
    method(
        "PassExistingRoleToNewECSTaskViaStartTask",
        &[
            "iam:PassRole",
            "ecs:RegisterTaskDefinition",
            "ecs:StartTask",
        ],
        "pathfinding.cloud (Datadog), path ecs-005",
        "https://pathfinding.cloud/paths/ecs-005",
    ),
    method(
        "PassExistingRoleToNewGlueJobThenRun",
        &["iam:PassRole", "glue:CreateJob", "glue:StartJobRun"],
        "pathfinding.cloud (Datadog), path glue-003",
        "https://pathfinding.cloud/paths/glue-003",
    ),
    method(
        "PassExistingRoleToNewGlueJobViaTrigger",
        &["iam:PassRole", "glue:CreateJob", "glue:CreateTrigger"],
        "pathfinding.cloud (Datadog), path glue-004",
        "https://pathfinding.cloud/paths/glue-004",
    ),
    method(
        "PassExistingRoleToUpdatedGlueJobThenRun",
        &["iam:PassRole", "glue:UpdateJob", "glue:StartJobRun"],
        "pathfinding.cloud (Datadog), path glue-005",
        "https://pathfinding.cloud/paths/glue-005",
    ),
    method(
        "PassExistingRoleToUpdatedGlueJobViaTrigger",
        &["iam:PassRole", "glue:UpdateJob", "glue:CreateTrigger"],
        "pathfinding.cloud (Datadog), path glue-006",
        "https://pathfinding.cloud/paths/glue-006",
    ),
    method(
        "PassExistingRoleToNewLambdaThenAddPermission",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:AddPermission",
        ],
        "pathfinding.cloud (Datadog), path lambda-006",
        "https://pathfinding.cloud/paths/lambda-006",
    ),
    method(
        "PassExistingRoleToNewSageMakerNotebookInstance",
        &["iam:PassRole", "sagemaker:CreateNotebookInstance"],
        "pathfinding.cloud (Datadog), path sagemaker-001",
        "https://pathfinding.cloud/paths/sagemaker-001",
    ),
    method(
        "PassExistingRoleToNewSageMakerTrainingJob",
        &["iam:PassRole", "sagemaker:CreateTrainingJob"],
        "pathfinding.cloud (Datadog), path sagemaker-002",
        "https://pathfinding.cloud/paths/sagemaker-002",
    ),
    method(
        "PassExistingRoleToNewSageMakerProcessingJob",
        &["iam:PassRole", "sagemaker:CreateProcessingJob"],
        "pathfinding.cloud (Datadog), path sagemaker-003",
        "https://pathfinding.cloud/paths/sagemaker-003",
    ),
    method(
        "CreateAndRotateAccessKey",
        &["iam:CreateAccessKey", "iam:DeleteAccessKey"],
        "pathfinding.cloud (Datadog), path iam-003",
        "https://pathfinding.cloud/paths/iam-003",
    ),
    method(
        "AttachUserPolicyThenCreateAccessKey",
        &["iam:AttachUserPolicy", "iam:CreateAccessKey"],
        "pathfinding.cloud (Datadog), path iam-015",
        "https://pathfinding.cloud/paths/iam-015",
    ),
    method(
        "CreatePolicyVersionThenAssumeRole",
        &["iam:CreatePolicyVersion", "sts:AssumeRole"],
        "pathfinding.cloud (Datadog), path iam-016",
        "https://pathfinding.cloud/paths/iam-016",
    ),
    method(
        "PutUserPolicyThenCreateAccessKey",
        &["iam:PutUserPolicy", "iam:CreateAccessKey"],
        "pathfinding.cloud (Datadog), path iam-018",
        "https://pathfinding.cloud/paths/iam-018",
    ),
    method(
        "AttachRolePolicyThenUpdateAssumeRolePolicy",
        &["iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"],
        "pathfinding.cloud (Datadog), path iam-019",
        "https://pathfinding.cloud/paths/iam-019",
    ),
    method(
        "CreatePolicyVersionThenUpdateAssumeRolePolicy",
        &["iam:CreatePolicyVersion", "iam:UpdateAssumeRolePolicy"],
        "pathfinding.cloud (Datadog), path iam-020",
        "https://pathfinding.cloud/paths/iam-020",
    ),
    method(
        "PutRolePolicyThenUpdateAssumeRolePolicy",
        &["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"],
        "pathfinding.cloud (Datadog), path iam-021",
        "https://pathfinding.cloud/paths/iam-021",
    ),
];

/// Each method of [`PRIVILEGE_ESCALATION_METHODS`] with its actions as a set; `None` for a
/// method with an action the reference does not know (it cannot fire).
pub fn escalation_sets() -> &'static [(EscalationMethod, Option<ActionSet>)] {
    static SETS: OnceLock<Vec<(EscalationMethod, Option<ActionSet>)>> = OnceLock::new();
    SETS.get_or_init(|| {
        PRIVILEGE_ESCALATION_METHODS
            .iter()
            .map(|method| {
                let actions: Option<ActionSet> =
                    method.actions.iter().map(|a| Action::find(a)).collect();
                (*method, actions)
            })
            .collect()
    })
}

//! `who-can`: every user and role of an account file evaluated for one request, in
//! parallel.

use rayon::prelude::*;
use serde::Serialize;

use super::principal::Principal;
use super::resource_policy::trust_policy_for;
use super::{Context, Decision, NamedPolicy, Request, StatementRef, evaluate};
use crate::account_file::AuthorizationDetails;

/// One principal's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrincipalDecision {
    pub principal: String,
    pub decision: Decision,
    pub deciding: Vec<StatementRef>,
}

/// Every principal's answer, in account-file order (users, then roles), and the principals
/// that could not be evaluated (a policy that does not parse, an attached policy the file
/// lacks) with the reason.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WhoCan {
    pub answers: Vec<PrincipalDecision>,
    pub unreadable: Vec<(String, String)>,
}

/// Evaluates `action` on `resource` for every principal, with the request's `context` (the
/// principal's own keys added) and the `shared` policies (SCPs, the resource's policies);
/// for `sts:AssumeRole` on a role of the
/// account, with the role's trust policy. An error only when that trust policy is unreadable.
pub fn who_can(
    account: &AuthorizationDetails,
    action: &str,
    resource: &str,
    context: &[(String, Vec<String>)],
    shared: &[NamedPolicy],
) -> crate::error::Result<WhoCan> {
    let trust = trust_policy_for(account, action, resource)?;
    let results: Vec<(String, crate::error::Result<PrincipalDecision>)> =
        (0..Principal::count(account))
            .into_par_iter()
            .map(|index| {
                let (arn, principal) = Principal::at(account, index);
                let answer = principal.map(|mut principal| {
                    let keys = principal.context_with(context);
                    principal.policies.extend(shared.iter().cloned());
                    principal.policies.extend(trust.iter().cloned());
                    let request = Request {
                        action: action.to_owned(),
                        resource: resource.to_owned(),
                        context: Context::partial_from(keys, Principal::decided_keys()),
                    };
                    let evaluation = evaluate(&principal.policies, &request);
                    PrincipalDecision {
                        principal: principal.arn,
                        decision: evaluation.decision,
                        deciding: evaluation.deciding,
                    }
                });
                (arn, answer)
            })
            .collect();
    let mut found = WhoCan::default();
    for (arn, result) in results {
        match result {
            Ok(answer) => found.answers.push(answer),
            Err(error) => found.unreadable.push((arn, error.to_string())),
        }
    }
    Ok(found)
}

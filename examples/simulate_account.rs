//! Asks an account file offline: can a principal do an action on a resource (with the role's
//! trust policy when it is `sts:AssumeRole`), and who can become administrator, by which
//! steps. Library use of the simulation and escalation APIs.
//!
//! ```console
//! cargo run --example simulate_account -- examples/escalation/authorization-details.json
//! ```

use policy_sentry::account_file::AuthorizationDetails;
use policy_sentry::simulate::escalation::{escalation_graph, shortest_paths};
use policy_sentry::simulate::principal::Principal;
use policy_sentry::simulate::resource_policy::trust_policy_for;
use policy_sentry::simulate::{Context, Request, evaluate};

fn main() -> Result<(), policy_sentry::Error> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "examples/escalation/authorization-details.json".to_owned());
    let account = AuthorizationDetails::from_path(path.as_ref())?;

    // One request: may the on-call user assume the break-glass role?
    let principal = Principal::find(&account, "arn:aws:iam::111122223333:user/oncall")?;
    let (action, role) = (
        "sts:AssumeRole",
        "arn:aws:iam::111122223333:role/break-glass",
    );
    let mut policies = principal.policies.clone();
    policies.extend(trust_policy_for(&account, action, role)?);
    let request = Request {
        action: action.to_owned(),
        resource: role.to_owned(),
        context: Context::partial_from(principal.context.clone(), Principal::decided_keys()),
    };
    let evaluation = evaluate(&policies, &request);
    println!(
        "{} {action} {role}: {}",
        principal.arn,
        evaluation.decision.as_str()
    );
    for statement in &evaluation.deciding {
        println!(
            "  {} statement {} depends on {:?}",
            statement.policy, statement.statement, statement.depends_on
        );
    }

    // The whole account: each principal's shortest way to administrator.
    let graph = escalation_graph(&account, &[]);
    for path in shortest_paths(&graph) {
        let steps: Vec<&str> = path
            .steps
            .iter()
            .map(|&edge| graph.edges[edge].method)
            .collect();
        println!(
            "{} -> {}: {}",
            path.principal,
            path.reaches,
            steps.join(", ")
        );
    }
    Ok(())
}

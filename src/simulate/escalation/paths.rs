//! The shortest way from each principal to administrator: act-as steps to an
//! administrator-equivalent principal, or to one that some principal already reached can
//! grant any permission to (the actor holds every credential it has reached).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use serde::Serialize;

use super::{EscalationGraph, StepKind};

/// One principal's shortest path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationPath {
    pub principal: String,
    /// The administrator-equivalent principal at the end (one the path made so, for a
    /// path that ends with a grant).
    pub reaches: String,
    /// Whether a step (or the administrator's own access) holds only under conditions.
    pub conditional: bool,
    /// The steps, as indexes into the graph's edges, in order.
    pub steps: Vec<usize>,
}

/// How a principal finishes a path without moving on: it is an administrator, or it grants
/// a principal it reaches any permission.
#[derive(Debug, Clone)]
struct Finish {
    cost: usize,
    /// Act-as edges to the grant's target, then the grant edge; empty for an administrator.
    steps: Vec<usize>,
    reaches: usize,
}

/// Breadth-first act-as reach from `start`: for each node, the edge it was reached by.
fn reach(graph: &EscalationGraph, out: &[Vec<usize>], start: usize) -> Vec<Option<usize>> {
    let mut by = vec![None; graph.nodes.len()];
    let mut seen = vec![false; graph.nodes.len()];
    seen[start] = true;
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &edge in &out[node] {
            let next = graph.edges[edge].target;
            if !seen[next] {
                seen[next] = true;
                by[next] = Some(edge);
                queue.push_back(next);
            }
        }
    }
    by
}

/// The act-as edges from `start` to `node`, by the `by` links of [`reach`].
fn route(graph: &EscalationGraph, by: &[Option<usize>], start: usize, node: usize) -> Vec<usize> {
    let mut steps = Vec::new();
    let mut at = node;
    while at != start {
        let Some(edge) = by[at] else {
            return Vec::new();
        };
        steps.push(edge);
        at = graph.edges[edge].source;
    }
    steps.reverse();
    steps
}

fn finishes(graph: &EscalationGraph, out: &[Vec<usize>]) -> Vec<Option<Finish>> {
    let mut grants: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
    for (index, edge) in graph.edges.iter().enumerate() {
        if edge.kind == StepKind::Grant {
            grants[edge.source].push(index);
        }
    }
    (0..graph.nodes.len())
        .map(|node| {
            if graph.nodes[node].admin.is_some() {
                return Some(Finish {
                    cost: 0,
                    steps: Vec::new(),
                    reaches: node,
                });
            }
            if grants[node].is_empty() {
                return None;
            }
            let by = reach(graph, out, node);
            grants[node]
                .iter()
                .filter_map(|&grant| {
                    let target = graph.edges[grant].target;
                    let mut steps = route(graph, &by, node, target);
                    if target != node && steps.is_empty() {
                        return None;
                    }
                    steps.push(grant);
                    Some(Finish {
                        cost: steps.len(),
                        steps,
                        reaches: target,
                    })
                })
                .min_by_key(|finish| finish.cost)
        })
        .collect()
}

/// Each principal's shortest path to administrator, for those not already administrators
/// that have one, in node order. Ties go to the lower edge index, so the answer is stable.
pub fn shortest_paths(graph: &EscalationGraph) -> Vec<EscalationPath> {
    let count = graph.nodes.len();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); count];
    let mut into: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (index, edge) in graph.edges.iter().enumerate() {
        if edge.kind == StepKind::ActAs {
            out[edge.source].push(index);
            into[edge.target].push(index);
        }
    }
    let finish = finishes(graph, &out);
    // Multi-source Dijkstra backwards from every finish.
    let mut cost: Vec<Option<usize>> = finish.iter().map(|f| f.as_ref().map(|f| f.cost)).collect();
    let mut next: Vec<Option<usize>> = vec![None; count];
    let mut heap: BinaryHeap<Reverse<(usize, usize)>> = cost
        .iter()
        .enumerate()
        .filter_map(|(node, cost)| cost.map(|cost| Reverse((cost, node))))
        .collect();
    while let Some(Reverse((at_cost, node))) = heap.pop() {
        if cost[node] != Some(at_cost) {
            continue;
        }
        for &edge in &into[node] {
            let before = graph.edges[edge].source;
            let through = at_cost + 1;
            if cost[before].is_none_or(|known| through < known) {
                cost[before] = Some(through);
                next[before] = Some(edge);
                heap.push(Reverse((through, before)));
            }
        }
    }
    let mut paths = Vec::new();
    for (start, start_cost) in cost.iter().enumerate() {
        if graph.nodes[start].admin.is_some() || start_cost.is_none() {
            continue;
        }
        let mut steps = Vec::new();
        let mut held = vec![start];
        let mut at = start;
        while let Some(edge) = next[at] {
            steps.push(edge);
            at = graph.edges[edge].target;
            held.push(at);
        }
        let Some(end) = &finish[at] else { continue };
        match (end.steps.split_last(), held.contains(&end.reaches)) {
            // The grant's target is held already: the way to it is not needed.
            (Some((grant, _)), true) => steps.push(*grant),
            _ => steps.extend(&end.steps),
        }
        let conditional = steps.iter().any(|&edge| graph.edges[edge].conditional)
            || graph.nodes[end.reaches]
                .admin
                .as_ref()
                .is_some_and(|grounds| grounds.conditional);
        paths.push(EscalationPath {
            principal: graph.nodes[start].arn.clone(),
            reaches: graph.nodes[end.reaches].arn.clone(),
            conditional,
            steps,
        });
    }
    paths
}

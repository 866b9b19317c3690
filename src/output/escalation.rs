//! The escalation graph and its shortest paths as text, JSON, Graphviz DOT, and HTML with
//! the paths drawn as inline SVG (laid out by `layout-rs`, no network fetch).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{self, Write};

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::geometry::get_size_for_str;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use serde::Serialize;

use super::html::escape;
use super::text::counted;
use crate::simulate::escalation::{Edge, EscalationGraph, EscalationPath, StepKind};

/// The graph and its shortest paths, as the reports take them.
#[derive(Debug, Clone, Default)]
pub struct EscalationReport {
    pub graph: EscalationGraph,
    pub paths: Vec<EscalationPath>,
}

impl EscalationReport {
    /// Builds the graph (on the current rayon pool) and its paths.
    pub fn of(
        account: &crate::account_file::AuthorizationDetails,
        scps: &[crate::simulate::NamedPolicy],
    ) -> EscalationReport {
        let graph = crate::simulate::escalation::escalation_graph(account, scps);
        let paths = crate::simulate::escalation::shortest_paths(&graph);
        EscalationReport { graph, paths }
    }
}

/// How many nodes the drawing shows at most; a bigger graph is cut to the first paths.
pub const DRAWN_NODES: usize = 60;

/// A user or role's ARN without `arn:aws:iam::ACCOUNT:`: `role/app`, `user/alice`.
pub fn short_name(arn: &str) -> &str {
    arn.splitn(6, ':').nth(5).unwrap_or(arn)
}

/// A step in words, around its method: ("user/a acts as role/b", " via …, if …").
fn step_parts(graph: &EscalationGraph, edge: &Edge) -> (String, String) {
    let via = edge
        .via
        .as_ref()
        .map_or(String::new(), |via| format!(" via {via}"));
    let condition = if edge.conditional {
        " (if conditions hold)"
    } else {
        ""
    };
    let target = match edge.source == edge.target {
        true => "itself",
        false => short_name(&graph.nodes[edge.target].arn),
    };
    let step = match edge.kind {
        StepKind::ActAs => format!("acts as {target}"),
        StepKind::Grant => format!("grants {target} any permission"),
    };
    (
        format!("{} {step}", short_name(&graph.nodes[edge.source].arn)),
        format!("{via}{condition}"),
    )
}

/// How the path ends: at an administrator, or making one.
fn ending(graph: &EscalationGraph, path: &EscalationPath) -> String {
    let grant = path
        .steps
        .last()
        .is_some_and(|&edge| graph.edges[edge].kind == StepKind::Grant);
    match grant {
        true => format!("{} can be made an administrator", short_name(&path.reaches)),
        false => format!("{} is an administrator", short_name(&path.reaches)),
    }
}

/// One block per path, then a summary line.
pub fn write_text(
    graph: &EscalationGraph,
    paths: &[EscalationPath],
    out: &mut impl Write,
) -> io::Result<()> {
    for path in paths {
        let condition = if path.conditional {
            "; only if conditions hold"
        } else {
            ""
        };
        writeln!(
            out,
            "{} can become administrator in {} ({}{condition}):",
            path.principal,
            counted(path.steps.len(), "step", "steps"),
            ending(graph, path),
        )?;
        for (number, &edge) in path.steps.iter().enumerate() {
            let edge = &graph.edges[edge];
            let (head, tail) = step_parts(graph, edge);
            writeln!(out, "  {}. {head} by {}{tail}", number + 1, edge.method)?;
        }
    }
    let admins = graph
        .nodes
        .iter()
        .filter(|node| node.admin.is_some())
        .count();
    writeln!(
        out,
        "{} of {} principals can become administrator; {admins} already are; {} steps in the graph",
        paths.len(),
        graph.nodes.len(),
        graph.edges.len()
    )
}

#[derive(Serialize)]
struct EdgeView<'a> {
    from: &'a str,
    to: &'a str,
    kind: StepKind,
    method: &'static str,
    reference: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<&'a str>,
    conditional: bool,
    statements: &'a [crate::simulate::StatementRef],
}

impl<'a> EdgeView<'a> {
    fn of(graph: &'a EscalationGraph, edge: &'a Edge) -> EdgeView<'a> {
        EdgeView {
            from: &graph.nodes[edge.source].arn,
            to: &graph.nodes[edge.target].arn,
            kind: edge.kind,
            method: edge.method,
            reference: edge.reference,
            via: edge.via.as_deref(),
            conditional: edge.conditional,
            statements: &edge.statements,
        }
    }
}

#[derive(Serialize)]
struct PathView<'a> {
    principal: &'a str,
    reaches: &'a str,
    conditional: bool,
    length: usize,
    steps: Vec<EdgeView<'a>>,
}

/// The edges, serialized one by one as they are viewed.
struct EdgesView<'a>(&'a EscalationGraph);

impl Serialize for EdgesView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.edges.iter().map(|edge| EdgeView::of(self.0, edge)))
    }
}

#[derive(Serialize)]
struct GraphView<'a> {
    administrators: Vec<&'a str>,
    paths: Vec<PathView<'a>>,
    nodes: &'a [crate::simulate::escalation::Node],
    edges: EdgesView<'a>,
}

/// `{administrators, paths (each with its steps), nodes, edges}`.
pub fn write_json(
    graph: &EscalationGraph,
    paths: &[EscalationPath],
    out: &mut impl Write,
) -> io::Result<()> {
    let view = GraphView {
        administrators: graph
            .nodes
            .iter()
            .filter(|node| node.admin.is_some())
            .map(|node| node.arn.as_str())
            .collect(),
        paths: paths
            .iter()
            .map(|path| PathView {
                principal: &path.principal,
                reaches: &path.reaches,
                conditional: path.conditional,
                length: path.steps.len(),
                steps: path
                    .steps
                    .iter()
                    .map(|&edge| EdgeView::of(graph, &graph.edges[edge]))
                    .collect(),
            })
            .collect(),
        nodes: &graph.nodes,
        edges: EdgesView(graph),
    };
    super::json::write_pretty(&view, out)
}

fn dot_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The whole graph: administrators filled, grant steps red, conditional steps dashed.
pub fn write_dot(graph: &EscalationGraph, out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "digraph escalation {{\n  rankdir=LR;\n  node [shape=box];"
    )?;
    for node in &graph.nodes {
        let style = match &node.admin {
            Some(_) => ", style=filled, fillcolor=lightpink",
            None => "",
        };
        writeln!(
            out,
            "  {} [label={}{style}];",
            dot_string(&node.arn),
            dot_string(short_name(&node.arn))
        )?;
    }
    for edge in &graph.edges {
        let mut attributes = vec![format!("label={}", dot_string(edge.method))];
        if edge.kind == StepKind::Grant {
            attributes.push("color=red".to_owned());
        }
        if edge.conditional {
            attributes.push("style=dashed".to_owned());
        }
        writeln!(
            out,
            "  {} -> {} [{}];",
            dot_string(&graph.nodes[edge.source].arn),
            dot_string(&graph.nodes[edge.target].arn),
            attributes.join(", ")
        )?;
    }
    writeln!(out, "}}")
}

/// The paths drawn as SVG (without the XML declaration, for inlining): the nodes and steps
/// of the first paths, up to [`DRAWN_NODES`] nodes, and how many paths that is; `None`
/// when there is no path.
pub fn paths_svg(graph: &EscalationGraph, paths: &[EscalationPath]) -> Option<(String, usize)> {
    let mut nodes: Vec<usize> = Vec::new();
    let mut edges: BTreeSet<usize> = BTreeSet::new();
    let mut drawn = 0;
    for path in paths {
        let mut touched: Vec<usize> = Vec::new();
        for &edge in &path.steps {
            for node in [graph.edges[edge].source, graph.edges[edge].target] {
                if !nodes.contains(&node) && !touched.contains(&node) {
                    touched.push(node);
                }
            }
        }
        if nodes.len() + touched.len() > DRAWN_NODES {
            break;
        }
        nodes.extend(touched);
        edges.extend(&path.steps);
        drawn += 1;
    }
    if edges.is_empty() {
        return None;
    }
    let orientation = Orientation::LeftToRight;
    let mut visual = VisualGraph::new(orientation);
    let add_node = |visual: &mut VisualGraph, label: &str, fill: &str| {
        let look = StyleAttr::new(Color::fast("black"), 1, Some(Color::fast(fill)), 4, 13);
        let mut size = get_size_for_str(label, 13);
        size.x += 16.0;
        size.y += 10.0;
        visual.add_node(Element::create(
            ShapeKind::new_box(label),
            look,
            orientation,
            size,
        ))
    };
    let handles: Vec<_> = nodes
        .iter()
        .map(|&node| {
            let fill = match graph.nodes[node].admin {
                Some(_) => "lightpink",
                None => "white",
            };
            add_node(&mut visual, short_name(&graph.nodes[node].arn), fill)
        })
        .collect();
    // A grant to oneself is drawn to one "any permission" node: a loop would hide its label.
    let mut granted = None;
    for &edge in &edges {
        let edge = &graph.edges[edge];
        let (Some(from), Some(to)) = (
            nodes.iter().position(|&n| n == edge.source),
            nodes.iter().position(|&n| n == edge.target),
        ) else {
            continue;
        };
        let to = match from == to {
            true => {
                *granted.get_or_insert_with(|| add_node(&mut visual, "any permission", "lightpink"))
            }
            false => handles[to],
        };
        let color = if edge.kind == StepKind::Grant {
            "red"
        } else {
            "black"
        };
        let style = if edge.conditional {
            LineStyleKind::Dashed
        } else {
            LineStyleKind::Normal
        };
        let look = StyleAttr::new(Color::fast(color), 1, None, 0, 11);
        let arrow = Arrow::new(
            LineEndKind::None,
            LineEndKind::Arrow,
            style,
            edge.method,
            &look,
            &None,
            &None,
        );
        visual.add_edge(arrow, handles[from], to);
    }
    let mut writer = SVGWriter::new();
    visual.do_it(false, false, false, &mut writer);
    let svg = writer.finalize();
    // Inline SVG takes no XML declaration.
    let start = svg.find("<svg").unwrap_or(0);
    Some((svg[start..].to_owned(), drawn))
}

/// The escalation section of an HTML page: a legend, the drawing, and a table of paths.
pub fn html_section(graph: &EscalationGraph, paths: &[EscalationPath]) -> String {
    let mut html = String::from("<h2 id=\"escalation\">Escalation paths</h2>\n");
    let admins = graph
        .nodes
        .iter()
        .filter(|node| node.admin.is_some())
        .count();
    let _ = writeln!(
        html,
        "<p>{} of {} principals can become administrator; {admins} already are \
         (filled in pink). Black arrows: the source comes to act as the target; red: the \
         source can give the target any permission; dashed: only if conditions hold.</p>",
        paths.len(),
        graph.nodes.len()
    );
    if let Some((svg, drawn)) = paths_svg(graph, paths) {
        let _ = writeln!(html, "<div class=\"graph\">{svg}</div>");
        if drawn < paths.len() {
            let _ = writeln!(
                html,
                "<p>The drawing shows the first {drawn} paths (at most {DRAWN_NODES} principals); the table lists all {}.</p>",
                paths.len()
            );
        }
    }
    if paths.is_empty() {
        html.push_str("<p id=\"no-escalation\">No principal can become administrator.</p>\n");
        return html;
    }
    html.push_str("<table id=\"escalation-table\"><thead><tr><th>Principal</th><th>Steps</th><th>Path</th></tr></thead><tbody>\n");
    for path in paths {
        let steps: Vec<String> = path
            .steps
            .iter()
            .map(|&edge| {
                let edge = &graph.edges[edge];
                let method = match edge.reference.is_empty() {
                    true => escape(edge.method),
                    false => format!(
                        "<a href=\"{}\">{}</a>",
                        escape(edge.reference),
                        escape(edge.method)
                    ),
                };
                let (head, tail) = step_parts(graph, edge);
                format!("{} by {method}{}", escape(&head), escape(&tail))
            })
            .collect();
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"n\">{}</td><td><ol><li>{}</li></ol></td></tr>",
            escape(short_name(&path.principal)),
            path.steps.len(),
            steps.join("</li><li>")
        );
    }
    html.push_str("</tbody></table>\n");
    html
}

/// A page of its own with [`html_section`].
pub fn write_html(
    graph: &EscalationGraph,
    paths: &[EscalationPath],
    out: &mut impl Write,
) -> io::Result<()> {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Escalation paths</title>\n<style>{}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
        super::html::STYLE,
        html_section(graph, paths)
    );
    out.write_all(page.as_bytes())
}

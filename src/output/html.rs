//! The account audit as one self-contained HTML file: inline CSS and a few lines of inline
//! script (a filter box), no network fetches. Sections: a chart of findings by category and
//! severity (inline SVG), summary, findings by category (one table, filterable, its columns
//! fixed so long names wrap instead of pushing the table wider than the page), escalation
//! paths when given, principals (drill-down with `<details>`), risk definitions. Actions link
//! to their AWS API documentation where the reference has a link.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::analyze::account::{AccountReport, PolicyEntry, PrincipalEntry, Via};
use crate::analyze::{Category, Findings, Severity};
use crate::data::Action;
use crate::output::escalation::EscalationReport;

/// How many actions a table cell shows before summarising the rest.
const CELL_LIMIT: usize = 60;
/// How many holders of a policy its findings row names.
const HOLDER_LIMIT: usize = 10;

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn action_link(action: Action) -> String {
    let name = escape(&action.to_string());
    match action.api_documentation_link() {
        Some(link) if link.starts_with("https://") => {
            format!("<a href=\"{}\" rel=\"noreferrer\">{name}</a>", escape(link))
        }
        _ => format!("<code>{name}</code>"),
    }
}

fn findings_cell(findings: &Findings, category: Category) -> String {
    if category == Category::PrivilegeEscalation {
        return findings
            .privilege_escalation
            .iter()
            .map(|m| {
                let actions: Vec<String> = m
                    .actions
                    .iter()
                    .map(|name| match Action::find(name) {
                        Some(action) => action_link(action),
                        None => format!("<code>{}</code>", escape(name)),
                    })
                    .collect();
                format!(
                    "<a href=\"{}\" rel=\"noreferrer\">{}</a>: {}",
                    escape(m.link),
                    escape(m.name),
                    actions.join(" + ")
                )
            })
            .collect::<Vec<_>>()
            .join("<br>");
    }
    let (mut cell, total): (Vec<String>, usize) = match findings.action_set(category) {
        Some(set) => (
            set.sorted_prefix(CELL_LIMIT)
                .into_iter()
                .map(action_link)
                .collect(),
            set.len(),
        ),
        None => {
            let (names, total) = findings.actions_limited(category, CELL_LIMIT);
            let cell = names
                .iter()
                .map(|name| format!("<code>{}</code>", escape(name)))
                .collect();
            (cell, total)
        }
    };
    if total > cell.len() {
        cell.push(format!(
            "… and {} more (see the JSON report)",
            total - cell.len()
        ));
    }
    cell.join(", ")
}

pub(crate) const STYLE: &str = r#"
body { font-family: system-ui, sans-serif; margin: 2em; color: #1d1d1f; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 0.9em; }
th { background: #f3f3f3; position: sticky; top: 0; }
td.n { text-align: right; }
.sev { font-weight: bold; text-transform: uppercase; font-size: 0.8em; }
.critical { color: #fff; background: #7a0010; } .high { color: #b00020; }
.medium { color: #a05a00; } .low { color: #33691e; }
details { margin: 0.3em 0; } summary { cursor: pointer; }
#filter { width: 30em; padding: 4px; }
code { font-size: 0.95em; }
.graph svg, .chart svg { max-width: 100%; height: auto; }
td { overflow-wrap: anywhere; }
#findings-table { table-layout: fixed; }
col.severity { width: 6.5em; } col.category { width: 12em; } col.policy { width: 16%; }
col.type { width: 8em; } col.holders { width: 14%; }
figure.chart { margin: 1em 0; } figcaption { font-size: 0.85em; color: #555; }
"#;

const SCRIPT: &str = r#"
document.getElementById('filter').addEventListener('input', function (event) {
  var needle = event.target.value.toLowerCase();
  var rows = document.querySelectorAll('#findings-table tbody tr');
  var shown = 0;
  rows.forEach(function (row) {
    var match = row.textContent.toLowerCase().indexOf(needle) !== -1;
    row.style.display = match ? '' : 'none';
    if (match) { shown += 1; }
  });
  document.getElementById('shown').textContent = String(shown);
});
"#;

/// One principal's drill-down section.
fn principal_section(report: &AccountReport, index: usize, principal: &PrincipalEntry) -> String {
    let mut html = String::new();
    let categories: Vec<Category> = principal.findings.categories().collect();
    let trust: Vec<Category> = Category::TRUST
        .into_iter()
        .filter(|c| !principal.trust.items(*c).is_empty())
        .collect();
    let label = escape(&report.principal_label(index));
    let status = if principal.excluded {
        "excluded".to_owned()
    } else {
        format!("{} finding categories", categories.len() + trust.len())
    };
    let _ = writeln!(
        html,
        "<details class=\"principal\"><summary>{label} — {status}</summary>"
    );
    let policies: Vec<String> = principal
        .policies
        .iter()
        .map(|(p, via)| {
            let policy = &report.policies[*p];
            let via = match via {
                Via::Direct => String::new(),
                Via::Group(group) => format!(" via group {}", escape(group)),
            };
            let excluded = if policy.excluded { " (excluded)" } else { "" };
            format!(
                "{} <small>{}{via}{excluded}</small>",
                escape(&policy.name),
                policy.kind.as_str()
            )
        })
        .collect();
    let _ = writeln!(
        html,
        "<p>ARN <code>{}</code><br>Policies: {}</p>",
        escape(&principal.arn),
        if policies.is_empty() {
            "none".to_owned()
        } else {
            policies.join(", ")
        }
    );
    if !categories.is_empty() || !trust.is_empty() {
        html.push_str("<table><thead><tr><th>Category</th><th>Count</th><th>Its policies with such findings</th></tr></thead><tbody>\n");
        for category in categories {
            let sources: Vec<String> = principal
                .policies
                .iter()
                .map(|(p, _)| &report.policies[*p])
                .filter(|p| !p.excluded && report.policy_report(p).findings.has(category))
                .map(|p| escape(&p.name))
                .collect();
            let detail = if category == Category::PrivilegeEscalation {
                let methods: Vec<String> = principal
                    .findings
                    .privilege_escalation
                    .iter()
                    .map(|m| escape(m.name))
                    .collect();
                format!(
                    "{}<br><small>methods: {}</small>",
                    sources.join(", "),
                    methods.join(", ")
                )
            } else {
                sources.join(", ")
            };
            let _ = writeln!(
                html,
                "<tr><td>{category}</td><td class=\"n\">{}</td><td>{detail}</td></tr>",
                principal.findings.count(category)
            );
        }
        for category in trust {
            let _ = writeln!(
                html,
                "<tr><td>{category}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                principal.trust.items(category).len(),
                escape(&principal.trust.items(category).join(", "))
            );
        }
        html.push_str("</tbody></table>\n");
    }
    html.push_str("</details>\n");
    html
}

/// The findings-table row of a policy in a category, if it has such findings.
fn policy_row(report: &AccountReport, policy: &PolicyEntry, category: Category) -> Option<String> {
    let findings = &report.policy_report(policy).findings;
    if !findings.has(category) {
        return None;
    }
    // A managed policy can be held by thousands: the cell names ten.
    let holders: Vec<String> = policy
        .attached_to
        .iter()
        .take(HOLDER_LIMIT)
        .map(|i| escape(&report.principal_label(*i)))
        .collect();
    let holders = if policy.attached_to.len() > HOLDER_LIMIT {
        format!(
            "{}, … ({} in all)",
            holders.join(", "),
            policy.attached_to.len()
        )
    } else {
        holders.join(", ")
    };
    let severity = category.severity().as_str();
    Some(format!(
        "<tr class=\"finding\"><td><span class=\"sev {severity}\">{severity}</span></td><td>{category}</td><td>{}</td><td>{}</td><td>{holders}</td><td>{}</td></tr>\n",
        escape(&policy.name),
        policy.kind.as_str(),
        findings_cell(findings, category),
    ))
}

/// The findings-table row of a role's trust policy in a trust category, if it has such findings.
fn trust_row(principal: &PrincipalEntry, category: Category) -> Option<String> {
    let items = principal.trust.items(category);
    if items.is_empty() {
        return None;
    }
    let severity = category.severity().as_str();
    let trusted: Vec<String> = items
        .iter()
        .map(|i| format!("<code>{}</code>", escape(i)))
        .collect();
    Some(format!(
        "<tr class=\"finding\"><td><span class=\"sev {severity}\">{severity}</span></td><td>{category}</td><td>{}</td><td>trust policy</td><td>Role/{}</td><td>{}</td></tr>\n",
        escape(&principal.name),
        escape(&principal.name),
        trusted.join(", "),
    ))
}

/// Writes the report, rendering its rows and sections on the current rayon pool a block at a
/// time and writing them in order ([`super::ordered::write_ordered`]).
/// The colour a severity is drawn in.
fn severity_colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "#7a0010",
        Severity::High => "#d0312d",
        Severity::Medium => "#e08a00",
        Severity::Low => "#5b8c2a",
    }
}

/// A horizontal bar per category: how many principals have its findings, coloured by its
/// severity, with a legend.
fn findings_chart(report: &AccountReport) -> String {
    const ROW: usize = 24;
    const LABEL: usize = 250;
    const BARS: usize = 560;
    let summary = report.summary();
    let most = summary
        .iter()
        .map(|(_, _, principals)| *principals)
        .max()
        .unwrap_or(0)
        .max(1);
    let height = ROW * (summary.len() + 2);
    let mut svg = format!(
        "<svg id=\"findings-chart\" role=\"img\" aria-label=\"Principals with findings, by category and severity\" viewBox=\"0 0 {} {height}\" width=\"{}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui, sans-serif\" font-size=\"13\">",
        LABEL + BARS + 60,
        LABEL + BARS + 60
    );
    for (row, (category, _, principals)) in summary.iter().enumerate() {
        let y = row * ROW;
        let width = (principals * BARS).div_ceil(most);
        let colour = severity_colour(category.severity());
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{category}</text>\
             <rect x=\"{LABEL}\" y=\"{}\" width=\"{width}\" height=\"{}\" fill=\"{colour}\"><title>{category}: {principals} principals ({})</title></rect>\
             <text x=\"{}\" y=\"{}\">{principals}</text>",
            LABEL - 8,
            y + 16,
            y + 4,
            ROW - 8,
            category.severity().as_str(),
            LABEL + width + 6,
            y + 16,
        );
    }
    let legend_y = summary.len() * ROW + 12;
    let severities = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];
    for (index, severity) in severities.into_iter().enumerate() {
        let x = LABEL + index * 110;
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{legend_y}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            severity_colour(severity),
            x + 18,
            legend_y + 11,
            severity.as_str()
        );
    }
    svg.push_str("</svg>");
    format!(
        "<figure class=\"chart\">{svg}<figcaption>Principals with findings, by category; colour: severity.</figcaption></figure>\n"
    )
}

/// Writes the report; `escalation`, when given, adds its section after the findings.
pub fn write_account(
    report: &AccountReport,
    escalation: Option<&EscalationReport>,
    out: &mut (impl Write + Send),
) -> io::Result<()> {
    let account = report.account_id.as_deref().unwrap_or("(unknown account)");
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>IAM audit of account {0}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>IAM audit of account {0}</h1>\n<p>{1}. Generated by policy_sentry {2}.</p>\n",
        escape(account),
        super::text::account_size(report),
        env!("CARGO_PKG_VERSION"),
    );

    html.push_str(&findings_chart(report));
    html.push_str("<h2 id=\"summary\">Summary</h2>\n<table id=\"summary-table\"><thead><tr><th>Category</th><th>Severity</th><th>Policies</th><th>Principals</th></tr></thead><tbody>\n");
    for (category, policies, principals) in report.summary() {
        let severity = category.severity().as_str();
        let _ = writeln!(
            html,
            "<tr><td><a href=\"#def-{category}\">{category}</a></td><td><span class=\"sev {severity}\">{severity}</span></td><td class=\"n\">{policies}</td><td class=\"n\">{principals}</td></tr>"
        );
    }
    html.push_str("</tbody></table>\n");

    html.push_str("<h2 id=\"findings\">Findings</h2>\n<p><input id=\"filter\" type=\"search\" placeholder=\"Filter by policy, principal, category or action\" aria-label=\"Filter findings\"> <span id=\"shown\"></span> shown</p>\n");
    html.push_str("<table id=\"findings-table\"><colgroup><col class=\"severity\"><col class=\"category\"><col class=\"policy\"><col class=\"type\"><col class=\"holders\"><col></colgroup><thead><tr><th>Severity</th><th>Category</th><th>Policy or role</th><th>Type</th><th>Held by</th><th>Findings</th></tr></thead><tbody>\n");
    out.write_all(html.as_bytes())?;

    // The rows: policies by category, then trust policies by category. A large account has
    // thousands of rows and sections, rendered in parallel.
    enum Row<'a> {
        Policy(Category, &'a PolicyEntry),
        Trust(Category, &'a PrincipalEntry),
    }
    let candidates: Vec<Row> = Category::POLICY
        .into_iter()
        .flat_map(|category| {
            report
                .policies
                .iter()
                .filter(|policy| !policy.excluded)
                .map(move |policy| Row::Policy(category, policy))
        })
        .chain(Category::TRUST.into_iter().flat_map(|category| {
            report
                .principals
                .iter()
                .filter(|principal| !principal.excluded)
                .map(move |principal| Row::Trust(category, principal))
        }))
        .collect();
    let rows = std::sync::atomic::AtomicUsize::new(0);
    super::ordered::write_ordered(
        &candidates,
        |_, candidate, buffer| {
            let row = match candidate {
                Row::Policy(category, policy) => policy_row(report, policy, *category),
                Row::Trust(category, principal) => trust_row(principal, *category),
            };
            if let Some(row) = row {
                rows.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                buffer.extend_from_slice(row.as_bytes());
            }
            Ok(())
        },
        out,
    )?;
    let rows = rows.into_inner();
    out.write_all(b"</tbody></table>\n")?;
    if rows == 0 {
        out.write_all(b"<p id=\"no-findings\">No findings.</p>\n")?;
    }

    if let Some(escalation) = escalation {
        let section = super::escalation::html_section(&escalation.graph, &escalation.paths);
        out.write_all(section.as_bytes())?;
    }
    out.write_all(b"<h2 id=\"principals\">Principals</h2>\n")?;
    super::ordered::write_ordered(
        &report.principals,
        |index, principal, buffer| {
            buffer.extend_from_slice(principal_section(report, index, principal).as_bytes());
            Ok(())
        },
        out,
    )?;

    let mut html = String::new();
    html.push_str("<h2 id=\"definitions\">Risk categories</h2>\n<dl>\n");
    for category in Category::ALL {
        let _ = writeln!(
            html,
            "<dt id=\"def-{category}\"><strong>{category}</strong> ({})</dt><dd>{}</dd>",
            category.severity(),
            escape(category.description())
        );
    }
    html.push_str("</dl>\n");
    let _ = write!(
        html,
        "<script>\ndocument.getElementById('shown').textContent = '{rows}';{SCRIPT}</script>\n</body>\n</html>\n"
    );
    out.write_all(html.as_bytes())
}

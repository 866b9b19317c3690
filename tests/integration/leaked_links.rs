//! The API links policy_sentry 0.12.15 "leaks", derived from the vendored pages by the
//! reference's own rule rather than from our output: in an actions table, an action whose
//! name cell has no anchor keeps the link of the row read before it, even across pages, which
//! it reads in file-name order. We give such actions no link (docs/differences.md, "Data").
//! This reads `aws-docs/` with `scraper` on its own, not with the crate's scraper.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use scraper::{ElementRef, Html, Selector};

use crate::support::{file_names, read};

/// One action row of a page as policy_sentry reads it: its name and what its name cell says
/// about the link (`None`: no anchor, so the previous row's link is kept).
struct Row {
    name: String,
    anchor_link: Option<Option<String>>,
}

fn chomp(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text(element: ElementRef<'_>) -> String {
    chomp(&element.text().collect::<Vec<_>>().join(" "))
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

/// The service prefix: the `<code class="code">` of the first element beside the title
/// whose HTML mentions "prefix".
fn prefix_of(document: &Html) -> String {
    let title = document
        .select(&selector("#main-content h1.topictitle"))
        .next()
        .unwrap();
    let holder = title
        .parent()
        .unwrap()
        .children()
        .filter_map(ElementRef::wrap)
        .find(|child| child.html().contains("prefix"))
        .unwrap();
    text(holder.select(&selector("code.code")).next().unwrap())
}

/// The action rows of a page, in order: rows without cells are skipped, the table ends at
/// the first row without six cells, and an action's rowspan covers its follow-on rows.
fn rows_of(html: &str) -> (String, Vec<Row>) {
    let document = Html::parse_document(html);
    let (cell, anchor, header) = (selector("td"), selector("a"), selector("th"));
    let mut rows = Vec::new();
    for table in document.select(&selector("#main-content div.table-contents")) {
        let headers: Vec<String> = table
            .select(&header)
            .map(|th| text(th).to_lowercase())
            .collect();
        if !(headers.iter().any(|h| h.contains("actions"))
            && headers.iter().any(|h| h.contains("description")))
        {
            continue;
        }
        let mut follow_on = 0;
        for row in table.select(&selector("tr")) {
            let cells: Vec<ElementRef<'_>> = row.select(&cell).collect();
            if cells.is_empty() {
                continue;
            }
            if follow_on > 0 {
                follow_on -= 1;
                continue;
            }
            if cells.len() != 6 {
                break;
            }
            follow_on = cells[0]
                .value()
                .attr("rowspan")
                .map_or(1, |span| span.trim().parse().unwrap())
                - 1;
            let anchors: Vec<ElementRef<'_>> = cells[0].select(&anchor).collect();
            let named = anchors
                .iter()
                .rev()
                .find(|a| a.value().attr("href").is_some());
            let mut name = named.map_or_else(|| text(cells[0]), |a| text(*a));
            if name.contains("[permission only]") {
                name = name.split(' ').next().unwrap().to_owned();
            }
            let anchor_link = anchors
                .last()
                .map(|last| last.value().attr("href").map(str::to_owned));
            rows.push(Row { name, anchor_link });
        }
    }
    (prefix_of(&document), rows)
}

/// Every action policy_sentry gives a link its own cell does not have, with that link
/// (`service:Action` → the previous row's link). A later page of a prefix wins, as in
/// policy_sentry's merge.
pub fn leaked_links() -> &'static BTreeMap<String, String> {
    static LEAKED: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    LEAKED.get_or_init(|| {
        let mut files = file_names("aws-docs");
        files.retain(|name| name.starts_with("list_") && name.ends_with(".html"));
        // Parsing is the slow part: two threads, then the rows in file order.
        let half = files.len().div_ceil(2);
        let pages: Vec<(String, Vec<Row>)> = std::thread::scope(|scope| {
            let workers: Vec<_> = files
                .chunks(half)
                .map(|chunk| {
                    scope.spawn(move || {
                        chunk
                            .iter()
                            .map(|file| rows_of(&read(&format!("aws-docs/{file}"))))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| worker.join().unwrap())
                .collect()
        });
        let mut link: Option<String> = None;
        let mut actions: BTreeMap<String, (bool, Option<String>)> = BTreeMap::new();
        for (prefix, rows) in pages {
            for row in rows {
                let own = row.anchor_link.is_some();
                if let Some(anchor_link) = row.anchor_link {
                    link = anchor_link;
                }
                actions.insert(format!("{prefix}:{}", row.name), (own, link.clone()));
            }
        }
        actions
            .into_iter()
            .filter_map(|(action, (own, link))| Some(action).zip(link.filter(|_| !own)))
            .collect()
    })
}

#[test]
fn leaked_links_file_follows_from_the_pages() {
    let recorded: Vec<String> =
        serde_json::from_str(&read("tests/golden/data/leaked-links.json")).unwrap();
    let mut recorded_sorted = recorded.clone();
    recorded_sorted.sort();
    let derived: Vec<&String> = leaked_links().keys().collect();
    assert_eq!(
        derived,
        recorded_sorted.iter().collect::<Vec<_>>(),
        "leaked-links.json against the pages"
    );
    // The example the reference's description gives: an EFS link in Elastic Inference.
    let connect = &leaked_links()["elastic-inference:Connect"];
    assert!(connect.contains("/efs/"), "{connect}");
}

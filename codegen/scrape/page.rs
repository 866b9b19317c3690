//! Scrapes one AWS "Service Authorization Reference" page into an owned model: the service
//! prefix and name, and the rows of its actions, resource-types and condition-keys tables.
//! A page it cannot fully read is an error naming the page; merging pages is [`super::merge`]'s job.

use indexmap::IndexMap;
use scraper::{ElementRef, Html, Selector};

use super::{ScrapeError, page_error};

/// One resource-type row of an action, as the page states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapedRow {
    /// The resource type name, `""` when the action takes no resource type.
    pub resource_type: String,
    pub required: bool,
    pub condition_keys: Vec<String>,
    /// Dependent actions with their service part lowercased.
    pub dependent_actions: Vec<String>,
}

/// One action of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapedAction {
    pub name: String,
    pub description: String,
    /// The access level as documented, before overrides.
    pub documented_access_level: String,
    pub api_documentation_link: Option<String>,
    /// Keyed by resource type; a repeated type replaces the earlier row in place.
    pub rows: IndexMap<String, ScrapedRow>,
}

/// One resource type of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapedResource {
    pub name: String,
    pub arn: String,
    pub condition_keys: Vec<String>,
}

/// One condition key of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapedCondition {
    pub key: String,
    pub description: String,
    pub value_type: String,
}

/// Everything read from one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapedPage {
    pub file: String,
    pub service_name: String,
    pub prefix: String,
    /// Keyed by documented action name; a repeated name replaces the earlier entry in place.
    pub actions: IndexMap<String, ScrapedAction>,
    pub resources: IndexMap<String, ScrapedResource>,
    pub conditions: IndexMap<String, ScrapedCondition>,
    /// Layout quirks that lose nothing the reference keeps, e.g. a page without a
    /// condition-key table.
    pub oddities: Vec<String>,
}

struct Selectors {
    main_content: Selector,
    title: Selector,
    table_contents: Selector,
    header_cell: Selector,
    row: Selector,
    cell: Selector,
    anchor: Selector,
    paragraph: Selector,
    code: Selector,
}

impl Selectors {
    fn new() -> Selectors {
        let parse = |css: &str| Selector::parse(css).expect("static selector is valid");
        Selectors {
            main_content: parse("#main-content"),
            title: parse("h1.topictitle"),
            table_contents: parse("div.table-contents"),
            header_cell: parse("th"),
            row: parse("tr"),
            cell: parse("td"),
            anchor: parse("a"),
            paragraph: parse("p"),
            code: parse("code"),
        }
    }
}

/// Collapses every run of white space to one space and trims the ends.
pub fn chomp(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn no_white_space(text: &str) -> String {
    text.split_whitespace().collect()
}

/// The element's text nodes joined by line breaks.
///
/// The vendored pages were re-serialised with BeautifulSoup's `prettify()`, which puts every
/// tag on a line of its own; pages as AWS serves them have no white space at many tag
/// boundaries (`object (<span>{</span>})`). Joining text nodes with a line break reads both
/// forms as the prettified one, so `chomp` gives identical data for either.
fn text_of(element: ElementRef<'_>) -> String {
    let mut text = String::new();
    for node in element.text() {
        text.push_str(node);
        text.push('\n');
    }
    text
}

fn chomped_text(element: ElementRef<'_>) -> String {
    chomp(&text_of(element))
}

/// Which of the three tables a `div.table-contents` holds, judged by its header cells.
#[derive(Debug, PartialEq, Eq)]
enum TableKind {
    Actions,
    Resources,
    Conditions,
    Other,
}

fn table_kind(table: ElementRef<'_>, selectors: &Selectors) -> TableKind {
    let headers: Vec<String> = table
        .select(&selectors.header_cell)
        .map(|cell| chomped_text(cell).to_lowercase())
        .collect();
    let contains = |needle: &str| headers.iter().any(|header| header.contains(needle));
    let equals = |needle: &str| headers.iter().any(|header| header == needle);
    if contains("actions") && contains("description") {
        TableKind::Actions
    } else if contains("resource types") && contains("arn") {
        TableKind::Resources
    } else if equals("condition keys") && equals("type") {
        TableKind::Conditions
    } else {
        TableKind::Other
    }
}

/// The title minus "Actions, resources, and condition keys for", per line, whitespace collapsed.
fn service_name_from_title(title: &str) -> String {
    const PHRASE: &str = "actions, resources, and condition keys for";
    let mut kept = String::new();
    for line in title.split('\n') {
        let lower = line.to_lowercase();
        match lower.rfind(PHRASE) {
            // Lowercasing keeps byte offsets for the ASCII text these titles hold.
            Some(at) if lower.len() == line.len() => {
                kept.push_str(line[at + PHRASE.len()..].trim_start_matches(' '))
            }
            _ => kept.push_str(line),
        }
        kept.push('\n');
    }
    chomp(&kept)
}

fn service_prefix(title: ElementRef<'_>, selectors: &Selectors) -> Option<String> {
    let parent = title.parent().and_then(ElementRef::wrap)?;
    let holder = parent
        .children()
        .filter_map(ElementRef::wrap)
        .find(|child| child.html().contains("prefix"))?;
    let code = holder
        .select(&selectors.code)
        .find(|code| code.value().attr("class") == Some("code"))?;
    Some(chomped_text(code))
}

/// Scrapes one page. `file` names the page in errors.
pub fn scrape_page(file: &str, html: &str) -> Result<ScrapedPage, ScrapeError> {
    let selectors = Selectors::new();
    let document = Html::parse_document(html);
    let main = document
        .select(&selectors.main_content)
        .next()
        .ok_or_else(|| page_error(file, "no element with id \"main-content\""))?;
    let title = main
        .select(&selectors.title)
        .next()
        .ok_or_else(|| page_error(file, "no <h1 class=\"topictitle\"> in #main-content"))?;
    let service_name = service_name_from_title(&text_of(title));
    let prefix = service_prefix(title, &selectors).ok_or_else(|| {
        page_error(
            file,
            "no \"service prefix: <code class=\"code\">…</code>\" beside the title",
        )
    })?;
    if prefix.is_empty() {
        return Err(page_error(file, "the service prefix is empty"));
    }
    let mut page = ScrapedPage {
        file: file.to_owned(),
        service_name,
        prefix,
        actions: IndexMap::new(),
        resources: IndexMap::new(),
        conditions: IndexMap::new(),
        oddities: Vec::new(),
    };
    let tables: Vec<ElementRef<'_>> = main.select(&selectors.table_contents).collect();
    let kinds: Vec<TableKind> = tables
        .iter()
        .map(|table| table_kind(*table, &selectors))
        .collect();
    let mut seen = [false; 3];
    for (table, kind) in tables.iter().zip(&kinds) {
        match kind {
            TableKind::Actions => {
                seen[0] = true;
                scrape_actions(*table, &selectors, &mut page)?
            }
            TableKind::Resources => {
                seen[1] = true;
                scrape_resources(*table, &selectors, &mut page)?
            }
            TableKind::Conditions => {
                seen[2] = true;
                scrape_conditions(*table, &selectors, &mut page)?
            }
            TableKind::Other => {}
        }
    }
    if !seen[0] {
        return Err(page_error(
            file,
            "no actions table (a div.table-contents with \"Actions\" and \"Description\" headers)",
        ));
    }
    if !seen[1] {
        page.oddities.push("no resource-type table".to_owned());
    }
    if !seen[2] {
        page.oddities.push("no condition-key table".to_owned());
    }
    Ok(page)
}

fn cells_of<'a>(row: ElementRef<'a>, selectors: &Selectors) -> Vec<ElementRef<'a>> {
    row.select(&selectors.cell).collect()
}

fn paragraph_texts(cell: ElementRef<'_>, selectors: &Selectors) -> Vec<String> {
    cell.select(&selectors.paragraph)
        .map(chomped_text)
        .collect()
}

fn scrape_actions(
    table: ElementRef<'_>,
    selectors: &Selectors,
    page: &mut ScrapedPage,
) -> Result<(), ScrapeError> {
    let rows: Vec<ElementRef<'_>> = table.select(&selectors.row).collect();
    let mut row_number = 0;
    while row_number < rows.len() {
        let mut cells = cells_of(rows[row_number], selectors);
        if cells.is_empty() {
            row_number += 1;
            continue;
        }
        if cells.len() != 6 {
            // The reference stops reading the table here; so do we, and say so.
            page.oddities.push(format!(
                "actions table row {} has {} cells; the rest of the table is skipped",
                row_number + 1,
                cells.len()
            ));
            break;
        }
        let mut rowspan: usize = match cells[0].value().attr("rowspan") {
            Some(text) => text.trim().parse().map_err(|_| {
                page_error(
                    &page.file,
                    format!("actions table row {}: bad rowspan {text:?}", row_number + 1),
                )
            })?,
            None => 1,
        };
        let mut name = String::new();
        let mut link = None;
        for anchor in cells[0].select(&selectors.anchor) {
            match anchor.value().attr("href") {
                Some(href) => {
                    link = Some(href.to_owned());
                    name = chomped_text(anchor);
                }
                None => link = None,
            }
        }
        if name.is_empty() {
            name = chomped_text(cells[0]);
        }
        if name.contains("[permission only]") {
            name = name.split(' ').next().unwrap_or_default().to_owned();
        }
        if name.is_empty() {
            return Err(page_error(
                &page.file,
                format!("actions table row {}: no action name", row_number + 1),
            ));
        }
        let description = chomped_text(cells[1]);
        let documented_access_level = chomped_text(cells[2]);
        let mut action_rows = IndexMap::new();
        let mut resource_cell = 3;
        while rowspan > 0 {
            if cells.len() == 3 || cells.len() == 6 {
                if cells.len() < resource_cell + 3 {
                    return Err(page_error(
                        &page.file,
                        format!(
                            "action {name}: a follow-on row has {} cells where 3 were expected",
                            cells.len()
                        ),
                    ));
                }
                let mut resource_type = chomped_text(cells[resource_cell]);
                let condition_keys = paragraph_texts(cells[resource_cell + 1], selectors);
                let mut dependent_actions = Vec::new();
                for dependent in paragraph_texts(cells[resource_cell + 2], selectors) {
                    dependent_actions.push(lowercase_service_part(&dependent).ok_or_else(
                        || {
                            page_error(
                                &page.file,
                                format!(
                                    "action {name}: dependent action {dependent:?} is not service:action"
                                ),
                            )
                        },
                    )?);
                }
                let required = resource_type.contains('*');
                if required {
                    resource_type = resource_type.trim_matches('*').to_owned();
                }
                action_rows.insert(
                    resource_type.clone(),
                    ScrapedRow {
                        resource_type,
                        required,
                        condition_keys,
                        dependent_actions,
                    },
                );
            } else {
                page.oddities.push(format!(
                    "action {name}: a follow-on row with {} cells is skipped",
                    cells.len()
                ));
            }
            rowspan -= 1;
            if rowspan > 0 {
                row_number += 1;
                resource_cell = 0;
                let row = rows.get(row_number).ok_or_else(|| {
                    page_error(
                        &page.file,
                        format!("action {name}: its rowspan runs past the end of the table"),
                    )
                })?;
                cells = cells_of(*row, selectors);
            }
        }
        page.actions.insert(
            name.clone(),
            ScrapedAction {
                name,
                description,
                documented_access_level,
                api_documentation_link: link,
                rows: action_rows,
            },
        );
        row_number += 1;
    }
    Ok(())
}

fn lowercase_service_part(action: &str) -> Option<String> {
    let (service, name) = action.split_once(':')?;
    if name.contains(':') {
        return None;
    }
    Some(format!("{}:{name}", service.to_lowercase()))
}

fn scrape_resources(
    table: ElementRef<'_>,
    selectors: &Selectors,
    page: &mut ScrapedPage,
) -> Result<(), ScrapeError> {
    for (index, row) in table.select(&selectors.row).enumerate() {
        let cells = cells_of(row, selectors);
        if cells.is_empty() {
            continue;
        }
        if cells.len() != 3 {
            return Err(page_error(
                &page.file,
                format!(
                    "resource-type table row {} has {} cells where 3 were expected",
                    index + 1,
                    cells.len()
                ),
            ));
        }
        let name = chomped_text(cells[0]);
        let resource = ScrapedResource {
            name: name.clone(),
            arn: no_white_space(&text_of(cells[1])),
            condition_keys: paragraph_texts(cells[2], selectors),
        };
        page.resources.insert(name, resource);
    }
    Ok(())
}

fn scrape_conditions(
    table: ElementRef<'_>,
    selectors: &Selectors,
    page: &mut ScrapedPage,
) -> Result<(), ScrapeError> {
    for (index, row) in table.select(&selectors.row).enumerate() {
        let cells = cells_of(row, selectors);
        if cells.is_empty() {
            continue;
        }
        if cells.len() != 3 {
            return Err(page_error(
                &page.file,
                format!(
                    "condition-key table row {} has {} cells where 3 were expected",
                    index + 1,
                    cells.len()
                ),
            ));
        }
        let key = no_white_space(&text_of(cells[0]));
        let condition = ScrapedCondition {
            key: key.clone(),
            description: chomped_text(cells[1]),
            value_type: chomped_text(cells[2]),
        };
        page.conditions.insert(key, condition);
    }
    Ok(())
}

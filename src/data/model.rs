//! Record types of the embedded IAM tables, shared by the build script (which writes them as
//! Rust source) and the library (which reads them).
//!
//! Every record holds only integers and enum variants: strings live in one blob and are named
//! by their index in a string table. Static data without pointers needs no relocations at
//! start-up, which keeps a CLI call well under a millisecond.

/// The five IAM access levels, in the order AWS documents them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    /// Read-only access to resource contents or metadata.
    Read,
    /// Changes to resources.
    Write,
    /// Listing resources.
    List,
    /// Changing tags only.
    Tagging,
    /// Changing who may access what (resource policies, IAM entities).
    PermissionsManagement,
}

impl AccessLevel {
    /// Every level, in documentation order.
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::List,
        AccessLevel::Tagging,
        AccessLevel::PermissionsManagement,
    ];

    /// The level's position in [`AccessLevel::ALL`] (tables indexed by level use it).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The level as the AWS pages spell it, e.g. `Permissions management`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::List => "List",
            AccessLevel::Tagging => "Tagging",
            AccessLevel::PermissionsManagement => "Permissions management",
        }
    }

    /// The level as the CLI and templates spell it, e.g. `permissions-management`.
    pub const fn cli_name(self) -> &'static str {
        match self {
            AccessLevel::Read => "read",
            AccessLevel::Write => "write",
            AccessLevel::List => "list",
            AccessLevel::Tagging => "tagging",
            AccessLevel::PermissionsManagement => "permissions-management",
        }
    }

    /// Parses the documented spelling, case-insensitively (`Permissions management`,
    /// `write`), or the CLI spelling (`permissions-management`).
    pub fn parse(text: &str) -> Option<AccessLevel> {
        AccessLevel::ALL.into_iter().find(|level| {
            text.eq_ignore_ascii_case(level.as_str()) || text.eq_ignore_ascii_case(level.cli_name())
        })
    }
}

/// Marks an absent optional string (an action without an API documentation link).
pub const NO_STRING: u32 = u32::MAX;

/// Marks an absent optional index into a table.
pub const NO_INDEX: u32 = u32::MAX;

/// A half-open range `[start, end)` of indices into one of the flat tables.
pub type IndexRange = (u32, u32);

/// One service prefix (several AWS pages can share one prefix; they are merged).
#[derive(Clone, Copy, Debug)]
pub struct ServiceRecord {
    pub prefix: u32,
    pub name: u32,
    pub url: u32,
    pub actions: IndexRange,
    pub resources: IndexRange,
    pub conditions: IndexRange,
}

/// One action (privilege) of a service.
#[derive(Clone, Copy, Debug)]
pub struct ActionRecord {
    pub service: u16,
    pub name: u32,
    pub description: u32,
    pub access_level: AccessLevel,
    /// String id of the API documentation link, or [`NO_STRING`].
    pub link: u32,
    /// Range into the action-row table: one row per resource type (`""` = none).
    pub rows: IndexRange,
}

/// One resource-type row of an action's table entry.
#[derive(Clone, Copy, Debug)]
pub struct ActionRowRecord {
    pub resource_type: u32,
    pub required: bool,
    /// Range into the string-list table.
    pub condition_keys: IndexRange,
    /// Range into the string-list table.
    pub dependent_actions: IndexRange,
}

/// One resource type of a service with its ARN format.
#[derive(Clone, Copy, Debug)]
pub struct ResourceRecord {
    pub name: u32,
    pub arn: u32,
    /// Range into the string-list table.
    pub condition_keys: IndexRange,
}

/// One condition key of a service.
#[derive(Clone, Copy, Debug)]
pub struct ConditionRecord {
    pub key: u32,
    pub description: u32,
    pub value_type: u32,
}

/// What the policy writer takes a resource type's ARN format for: the name of the type
/// policy_sentry takes it for ([`NO_STRING`] for none), and the actions of the type's service
/// (at any level) with a row of that type.
#[derive(Clone, Copy, Debug)]
pub struct WriterTypeRecord {
    pub type_name: u32,
    /// Range into the writer-type action table.
    pub actions: IndexRange,
    /// Range into the format-match table.
    pub format_matches: IndexRange,
    /// Range into the writer-row action table.
    pub row_actions: IndexRange,
}

/// The hash the lookup maps are keyed by: FNV-1a over the ASCII-lowercased name (parts joined
/// by `:`), so lookups are case-insensitive and the maps hold no string pointers.
pub fn lookup_key(parts: &[&str]) -> u64 {
    use std::hash::Hasher;
    // Byte by byte: FNV consumes one byte at a time anyway, so nothing is gained by buffering.
    let mut hasher = fnv::FnvHasher::default();
    for (position, part) in parts.iter().enumerate() {
        if position > 0 {
            hasher.write_u8(b':');
        }
        for byte in part.bytes() {
            hasher.write_u8(byte.to_ascii_lowercase());
        }
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::AccessLevel;

    #[test]
    fn level_index_is_the_position_in_all() {
        for (position, level) in AccessLevel::ALL.into_iter().enumerate() {
            assert_eq!(level.index(), position, "{level:?}");
        }
    }
}

//! Access-level overrides at run time: a small overlay on the embedded tables that
//! [`Action::access_level`](super::Action::access_level) consults.
//!
//! The file has policy_sentry's shape, `{service: {level: [action, …]}}`, e.g.
//!
//! ```yaml
//! s3:
//!     Write:
//!         - getobject
//! ```
//!
//! Levels are spelled as AWS documents them (`Permissions management`) or as the CLI does
//! (`permissions-management`); action names are matched case-insensitively. As in
//! policy_sentry, the first level of a service that lists an action wins. Unlike
//! policy_sentry, which silently ignores them, unknown services, levels and actions are
//! errors naming the file and line.
//!
//! The overlay applies on top of the embedded data, which already carries the vendored
//! overrides (`aws-docs/access-level-overrides.yml`). A copy of that file therefore changes
//! nothing, and an edited copy changes exactly the entries that were edited; removing an entry
//! keeps the built-in level (list the action under the documented level to revert it).
//!
//! # Why a process-wide overlay
//! [`Action`] is a `Copy` index into static tables and its `access_level()` is read deep
//! inside queries, policy writing and analysis. Threading an overrides context through every
//! one of those calls would burden every API for a setting that, like a locale, is chosen
//! once per process from a flag or environment variable. So the overlay is installed once
//! ([`install`]) into a [`OnceLock`] and never changes afterwards: reads need no lock, and
//! without an overlay `access_level()` costs one atomic load more than reading the static
//! record. Library users who need several overlays side by side can ask
//! [`AccessLevelOverlay::access_level`] directly instead of installing one.
//!
//! This module does not read files on its own: callers pass the path or the text.

use std::cell::RefCell;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use indexmap::IndexMap;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{AccessLevel, Action, Service};
pub use crate::error::OverridesProblem;
use crate::error::{Error, Result, suggest};

/// The vendored overrides (`aws-docs/access-level-overrides.yml`), which `build.rs` applies
/// when the pages folder brings none.
pub const VENDORED: &str = include_str!("../../aws-docs/access-level-overrides.yml");

static OVERLAY: OnceLock<AccessLevelOverlay> = OnceLock::new();

/// Installs the process-wide overlay that [`Action::access_level`] consults from now on.
///
/// It can be installed once per process; a second call returns the overlay it was given.
pub fn install(overlay: AccessLevelOverlay) -> std::result::Result<(), AccessLevelOverlay> {
    OVERLAY.set(overlay)?;
    INSTALLED.store(true, Ordering::Release);
    Ok(())
}

/// The installed overlay, if any.
#[inline]
pub fn installed() -> Option<&'static AccessLevelOverlay> {
    OVERLAY.get()
}

/// Set once an overlay is installed. [`Action::access_level`] reads this flag and nothing
/// else on its fast path: a relaxed load of a byte, which costs nothing measurable, where
/// `OnceLock::get` on every call cost about 1 ns per action in loops over all actions.
/// Seeing the flag before the overlay is harmless: the lookup then finds no overlay yet.
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// Whether an overlay is installed (the fast check).
#[inline(always)]
pub(crate) fn any_installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// The overlay's level for `action`, once [`any_installed`] said there is an overlay.
#[cold]
#[inline(never)]
pub(super) fn overlay_level(action: Action) -> Option<AccessLevel> {
    installed().and_then(|overlay| overlay.level(action))
}

/// Access levels with the installed overlay (if any) looked up once, for loops over many
/// actions: the loop then reads no atomic per action and can be vectorised, as it could
/// before run-time overrides existed. [`Action::access_level`] is right for single lookups.
///
/// ```
/// use policy_sentry::data::{AccessLevel, Service, overrides::AccessLevels};
/// let levels = AccessLevels::current();
/// let s3 = Service::find("s3").unwrap();
/// let writes = s3.actions().filter(|a| levels.of(*a) == AccessLevel::Write).count();
/// assert!(writes > 50);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct AccessLevels {
    overlay: Option<&'static AccessLevelOverlay>,
}

impl AccessLevels {
    /// The levels as they stand now.
    #[inline]
    pub fn current() -> AccessLevels {
        AccessLevels {
            overlay: installed(),
        }
    }

    /// `action`'s level: the overlay's, else the embedded one.
    #[inline]
    pub fn of(self, action: Action) -> AccessLevel {
        match self.overlay {
            None => action.builtin_access_level(),
            Some(overlay) => overlay.access_level(action),
        }
    }

    /// The actions at `level`, in order. Without an overlay this is exactly the loop over
    /// the embedded levels it was before overrides existed.
    pub fn select(self, actions: impl Iterator<Item = Action>, level: AccessLevel) -> Vec<Action> {
        match self.overlay {
            None => actions
                .filter(|action| action.builtin_access_level() == level)
                .collect(),
            Some(overlay) => actions
                .filter(|action| overlay.access_level(*action) == level)
                .collect(),
        }
    }
}

/// Access levels that replace the embedded ones for some actions.
#[derive(Clone)]
pub struct AccessLevelOverlay {
    /// Indexed by action; `None` keeps the embedded level. Dense, so a lookup is one index.
    levels: Box<[Option<AccessLevel>]>,
    listed: usize,
    source: String,
}

impl fmt::Debug for AccessLevelOverlay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessLevelOverlay")
            .field("source", &self.source)
            .field("listed", &self.listed)
            .field("changed", &self.changes().count())
            .finish()
    }
}

impl AccessLevelOverlay {
    /// Reads and checks an overrides file.
    pub fn load(path: &Path) -> Result<AccessLevelOverlay> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
        AccessLevelOverlay::parse(&path.display().to_string(), &text)
    }

    /// Parses and checks overrides text; `source` names it in errors. Every unknown action is
    /// reported (with its line); any other problem stops at the first.
    ///
    /// ```
    /// use policy_sentry::data::{AccessLevel, Action, overrides::AccessLevelOverlay};
    ///
    /// let overlay = AccessLevelOverlay::parse("mine.yml", "s3:\n  Write:\n    - getobject\n")?;
    /// let get_object = Action::find("s3:GetObject").unwrap();
    /// assert_eq!(overlay.access_level(get_object), AccessLevel::Write);
    ///
    /// let error = AccessLevelOverlay::parse("mine.yml", "s3:\n  Write:\n    - getobjekt\n")
    ///     .unwrap_err();
    /// assert!(error.to_string().starts_with("mine.yml:3:7: unknown action s3:getobjekt"));
    /// # Ok::<(), policy_sentry::Error>(())
    /// ```
    pub fn parse(source: &str, yaml: &str) -> Result<AccessLevelOverlay> {
        let (config, problems) = parse_collecting(yaml);
        if !problems.is_empty() {
            return Err(Error::AccessLevelOverrides {
                path: source.to_owned(),
                problems,
            });
        }
        let mut levels = vec![None; super::Action::count()].into_boxed_slice();
        let mut listed = 0;
        for levels_of_service in config.values() {
            // The first level listing an action wins, as in policy_sentry; a later service
            // block with the same key has already replaced the earlier one.
            let mut seen: Vec<Action> = Vec::new();
            for (level, actions) in levels_of_service {
                for action in actions {
                    if seen.contains(action) {
                        continue;
                    }
                    seen.push(*action);
                    levels[action.index as usize] = Some(*level);
                    listed += 1;
                }
            }
        }
        Ok(AccessLevelOverlay {
            levels,
            listed,
            source: source.to_owned(),
        })
    }

    /// The overlay's level for `action`, if it lists the action.
    #[inline]
    pub fn level(&self, action: Action) -> Option<AccessLevel> {
        self.levels[action.index as usize]
    }

    /// `action`'s level with this overlay applied.
    pub fn access_level(&self, action: Action) -> AccessLevel {
        self.level(action)
            .unwrap_or_else(|| action.builtin_access_level())
    }

    /// The actions whose level differs from the embedded one: (action, embedded, overlay).
    pub fn changes(&self) -> impl Iterator<Item = (Action, AccessLevel, AccessLevel)> + '_ {
        Action::all().filter_map(|action| {
            let level = self.level(action)?;
            let builtin = action.builtin_access_level();
            (level != builtin).then_some((action, builtin, level))
        })
    }

    /// How many actions the file lists.
    pub fn len(&self) -> usize {
        self.listed
    }

    /// Whether the file lists no action.
    pub fn is_empty(&self) -> bool {
        self.listed == 0
    }

    /// The file (or name) the overlay was read from.
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// Comments out, with a note, every line that names an action the embedded data does not
/// have, so that a file written for other data (e.g. the vendored overrides, which name 16
/// actions AWS has since removed) loads cleanly. Returns the new text and what was commented
/// out. Problems other than unknown actions are errors.
pub fn comment_out_unknown_actions(
    source: &str,
    yaml: &str,
    note: &str,
) -> Result<(String, Vec<OverridesProblem>)> {
    let (_, problems) = parse_collecting(yaml);
    let (unknown, other): (Vec<_>, Vec<_>) = problems
        .into_iter()
        .partition(|problem| problem.message.starts_with(UNKNOWN_ACTION) && problem.line > 0);
    if !other.is_empty() {
        return Err(Error::AccessLevelOverrides {
            path: source.to_owned(),
            problems: other,
        });
    }
    let mut lines: Vec<String> = yaml.lines().map(str::to_owned).collect();
    for problem in &unknown {
        let line = &mut lines[problem.line - 1];
        let indent = line.len() - line.trim_start().len();
        *line = format!("{}# {}  # {note}", &line[..indent], &line[indent..]);
    }
    let mut text = lines.join("\n");
    if yaml.ends_with('\n') {
        text.push('\n');
    }
    Ok((text, unknown))
}

const UNKNOWN_ACTION: &str = "unknown action ";
/// How many unknown actions one error lists before it stops looking.
const MAX_PROBLEMS: usize = 50;

type Config = IndexMap<Service, Vec<(AccessLevel, Vec<Action>)>>;

/// Parses the file; on an unknown action, notes it, blanks that line and parses again, so all
/// unknown actions are found. Other problems end the search.
fn parse_collecting(yaml: &str) -> (Config, Vec<OverridesProblem>) {
    let mut problems = Vec::new();
    let mut text = yaml.to_owned();
    loop {
        match parse_once(&text) {
            Ok(config) => return (config, problems),
            Err(problem) => {
                let retry = problem.message.starts_with(UNKNOWN_ACTION)
                    && problem.line > 0
                    && problems.len() < MAX_PROBLEMS;
                let line = problem.line;
                problems.push(problem);
                if !retry {
                    return (Config::new(), problems);
                }
                text = blank_line(&text, line);
            }
        }
    }
}

/// The text with line `line` (1-based) replaced by a comment, so line numbers stay.
fn blank_line(text: &str, line: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (number, content) in text.split('\n').enumerate() {
        if number > 0 {
            out.push('\n');
        }
        if number + 1 == line {
            out.push('#');
        } else {
            out.push_str(content);
        }
    }
    out
}

fn parse_once(yaml: &str) -> std::result::Result<Config, OverridesProblem> {
    let context = Context::default();
    let deserializer = serde_norway::Deserializer::from_str(yaml);
    match (FileSeed { context: &context }).deserialize(deserializer) {
        Ok(config) => Ok(config),
        Err(error) => {
            let (line, column) = error
                .location()
                .map_or((0, 0), |location| (location.line(), location.column()));
            let message = match context.problem.into_inner() {
                Some(message) => message,
                None => {
                    // serde_norway appends the position; it is given separately here.
                    let text = error.to_string();
                    let suffix = format!(" at line {line} column {column}");
                    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
                }
            };
            Err(OverridesProblem {
                line,
                column,
                message,
            })
        }
    }
}

/// Carries our own message past serde_norway, which prefixes custom messages with a path.
#[derive(Default)]
struct Context {
    problem: RefCell<Option<String>>,
}

impl Context {
    fn fail<E: de::Error>(&self, message: String) -> E {
        let error = E::custom(&message);
        *self.problem.borrow_mut() = Some(message);
        error
    }
}

struct FileSeed<'c> {
    context: &'c Context,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_> {
    type Value = Config;
    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Config, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_> {
    type Value = Config;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping of service prefixes to access levels")
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Config, E> {
        Ok(Config::new())
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<Config, E> {
        self.visit_unit()
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Config, A::Error> {
        let mut config = Config::new();
        while let Some(service) = map.next_key_seed(ServiceSeed {
            context: self.context,
        })? {
            let levels = map.next_value_seed(LevelsSeed {
                context: self.context,
                service,
            })?;
            // As with YAML loaders in Python, a repeated key replaces the earlier block.
            config.insert(service, levels);
        }
        Ok(config)
    }
}

struct ServiceSeed<'c> {
    context: &'c Context,
}

impl<'de> DeserializeSeed<'de> for ServiceSeed<'_> {
    type Value = Service;
    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Service, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for ServiceSeed<'_> {
    type Value = Service;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a service prefix")
    }
    fn visit_str<E: de::Error>(self, prefix: &str) -> std::result::Result<Service, E> {
        Service::find(prefix).ok_or_else(|| {
            self.context.fail(format!(
                "unknown service prefix {prefix:?}{}",
                suggest(prefix, Service::all().map(Service::prefix))
            ))
        })
    }
}

struct LevelsSeed<'c> {
    context: &'c Context,
    service: Service,
}

impl<'de> DeserializeSeed<'de> for LevelsSeed<'_> {
    type Value = Vec<(AccessLevel, Vec<Action>)>;
    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for LevelsSeed<'_> {
    type Value = Vec<(AccessLevel, Vec<Action>)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a mapping of access levels to actions of {}",
            self.service.prefix()
        )
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        self.visit_unit()
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut levels = Vec::new();
        while let Some(level) = map.next_key_seed(LevelSeed {
            context: self.context,
        })? {
            let actions = map.next_value_seed(ActionsSeed {
                context: self.context,
                service: self.service,
            })?;
            levels.push((level, actions));
        }
        Ok(levels)
    }
}

struct LevelSeed<'c> {
    context: &'c Context,
}

impl<'de> DeserializeSeed<'de> for LevelSeed<'_> {
    type Value = AccessLevel;
    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<AccessLevel, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for LevelSeed<'_> {
    type Value = AccessLevel;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an access level")
    }
    fn visit_str<E: de::Error>(self, level: &str) -> std::result::Result<AccessLevel, E> {
        AccessLevel::parse(level).ok_or_else(|| {
            self.context.fail(format!(
                "{level:?} is not an access level (expected one of: Read, Write, List, Tagging, Permissions management)"
            ))
        })
    }
}

struct ActionsSeed<'c> {
    context: &'c Context,
    service: Service,
}

impl<'de> DeserializeSeed<'de> for ActionsSeed<'_> {
    type Value = Vec<Action>;
    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Vec<Action>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ActionsSeed<'_> {
    type Value = Vec<Action>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a list of {} action names", self.service.prefix())
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Vec<Action>, E> {
        Ok(Vec::new())
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<Vec<Action>, E> {
        self.visit_unit()
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Vec<Action>, A::Error> {
        let mut actions = Vec::new();
        while let Some(action) = seq.next_element_seed(ActionSeed {
            context: self.context,
            service: self.service,
        })? {
            actions.push(action);
        }
        Ok(actions)
    }
}

struct ActionSeed<'c> {
    context: &'c Context,
    service: Service,
}

impl<'de> DeserializeSeed<'de> for ActionSeed<'_> {
    type Value = Action;
    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Action, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for ActionSeed<'_> {
    type Value = Action;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an action name of {}", self.service.prefix())
    }
    fn visit_str<E: de::Error>(self, name: &str) -> std::result::Result<Action, E> {
        // `s3:GetObject` is accepted too, if its service is the block's.
        let bare = match name.split_once(':') {
            Some((prefix, bare)) if prefix.eq_ignore_ascii_case(self.service.prefix()) => bare,
            _ => name,
        };
        self.service.action(bare).ok_or_else(|| {
            self.context.fail(format!(
                "{UNKNOWN_ACTION}{}:{name}{}",
                self.service.prefix(),
                suggest(name, self.service.actions().map(Action::name))
            ))
        })
    }
}

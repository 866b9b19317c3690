//! IAM policy documents as AWS writes them: `Version`, `Id`, `Statement` as one object or a
//! list, and per statement `Sid`, `Effect`, `Action`/`NotAction`, `Resource`/`NotResource`,
//! `Principal`/`NotPrincipal` and `Condition`, each list element also accepted as a single
//! string. Parsing checks the grammar (element types, exactly one of `Action`/`NotAction`, no
//! keys IAM does not define, which AWS rejects and which would hide a typo such as
//! `"Resources"`) and reports errors with the source name, line and column. It does not look
//! actions up: that is [`super::expand`](mod@super::expand)'s job.

use std::fmt;
use std::path::Path;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// A parsed IAM policy document.
///
/// ```
/// use policy_sentry::analyze::{Effect, PolicyDocument};
///
/// let policy = PolicyDocument::parse(r#"{
///     "Version": "2012-10-17",
///     "Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}
/// }"#)?;
/// assert_eq!(policy.statements.len(), 1);
/// assert_eq!(policy.statements[0].effect, Effect::Allow);
///
/// let error = PolicyDocument::parse_named("{\"Statement\": [1]}", "bad.json").unwrap_err();
/// assert!(error.to_string().starts_with("bad.json:1:"), "{error}");
/// # Ok::<(), policy_sentry::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    /// The `Version` element, if given.
    pub version: Option<String>,
    /// The `Id` element, if given.
    pub id: Option<String>,
    /// The statements, in document order.
    pub statements: Vec<Statement>,
}

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// The action element of a statement: the patterns exactly as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionClause {
    /// `Action`: the statement applies to these actions.
    Action(Vec<String>),
    /// `NotAction`: the statement applies to every action except these.
    NotAction(Vec<String>),
}

impl ActionClause {
    /// The patterns, whichever element holds them.
    pub fn patterns(&self) -> &[String] {
        match self {
            ActionClause::Action(patterns) | ActionClause::NotAction(patterns) => patterns,
        }
    }

    /// Whether the element takes the action (`service:Name`), by IAM's caseless globs.
    ///
    /// ```
    /// use policy_sentry::analyze::policy::ActionClause;
    ///
    /// assert!(ActionClause::Action(vec!["s3:Get*".into()]).matches("s3:getobject"));
    /// assert!(!ActionClause::NotAction(vec!["iam:*".into()]).matches("iam:PassRole"));
    /// ```
    pub fn matches(&self, action: &str) -> bool {
        let named = |patterns: &[String]| {
            patterns
                .iter()
                .any(|pattern| crate::glob::caseless_matches(pattern, action))
        };
        match self {
            ActionClause::Action(patterns) => named(patterns),
            ActionClause::NotAction(patterns) => !named(patterns),
        }
    }
}

/// The resource element of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceClause {
    /// `Resource`.
    Resource(Vec<String>),
    /// `NotResource`.
    NotResource(Vec<String>),
    /// Neither (trust policies and other resource-based policies).
    Absent,
}

impl ResourceClause {
    /// Whether the statement covers every resource: `Resource` lists `*`, or `NotResource` is
    /// used (which covers all but the listed resources).
    pub fn covers_all_resources(&self) -> bool {
        match self {
            ResourceClause::Resource(resources) => resources.iter().any(|r| r == "*"),
            ResourceClause::NotResource(_) => true,
            ResourceClause::Absent => false,
        }
    }

    /// The element as reports show it: each `Resource` pattern; one `NotResource a, b` for
    /// the whole exclusion (everything but those, so never split per pattern); `*` for a
    /// statement with neither.
    ///
    /// ```
    /// use policy_sentry::analyze::policy::ResourceClause;
    ///
    /// let clause = ResourceClause::NotResource(vec!["arn:aws:s3:::a".into(), "arn:aws:s3:::b".into()]);
    /// assert_eq!(clause.labels(), ["NotResource arn:aws:s3:::a, arn:aws:s3:::b"]);
    /// assert_eq!(ResourceClause::Absent.labels(), ["*"]);
    /// ```
    pub fn labels(&self) -> Vec<String> {
        match self {
            ResourceClause::Resource(list) => list.clone(),
            ResourceClause::NotResource(list) => vec![format!("NotResource {}", list.join(", "))],
            ResourceClause::Absent => vec!["*".to_owned()],
        }
    }
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"*"`: everyone.
    Any,
    /// `{"AWS": …, "Service": …, "Federated": …, "CanonicalUser": …}`, each value a list.
    Typed(Vec<(String, Vec<String>)>),
}

impl Principal {
    /// The values of one principal type (`AWS`, `Service`, …); `*` for [`Principal::Any`].
    pub fn values(&self, kind: &str) -> Vec<&str> {
        match self {
            Principal::Any => vec!["*"],
            Principal::Typed(entries) => entries
                .iter()
                .filter(|(key, _)| key == kind)
                .flat_map(|(_, values)| values.iter().map(String::as_str))
                .collect(),
        }
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The `Sid`, if given.
    pub sid: Option<String>,
    /// The effect.
    pub effect: Effect,
    /// `Action` or `NotAction`.
    pub actions: ActionClause,
    /// `Resource`, `NotResource` or neither.
    pub resources: ResourceClause,
    /// `Principal`, in resource-based and trust policies.
    pub principal: Option<Principal>,
    /// `NotPrincipal`, in resource-based and trust policies.
    pub not_principal: Option<Principal>,
    /// The `Condition` block, if given.
    pub condition: Option<Map<String, Value>>,
}

impl Statement {
    /// Whether the statement has a non-empty `Condition`.
    pub fn has_condition(&self) -> bool {
        self.condition
            .as_ref()
            .is_some_and(|block| !block.is_empty())
    }
}

impl PolicyDocument {
    /// Parses a policy from JSON text; errors name `<policy>` as the source.
    pub fn parse(text: &str) -> Result<PolicyDocument> {
        PolicyDocument::parse_named(text, "<policy>")
    }

    /// Parses a policy from JSON text; errors name `source` with line and column.
    pub fn parse_named(text: &str, source: &str) -> Result<PolicyDocument> {
        serde_json::from_str(text).map_err(|error| Error::invalid_json(source, &error))
    }

    /// Reads and parses a policy file.
    pub fn from_path(path: &Path) -> Result<PolicyDocument> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::io(path, source))?;
        PolicyDocument::parse_named(&text, &path.display().to_string())
    }

    /// Parses a policy already read as a JSON value (as embedded in account data); errors
    /// name `source` but have no position. Keys IAM does not define are ignored, not an
    /// error: account data holds documents AWS accepted as they are. (`PolicyDocument`'s
    /// `Deserialize` rejects them, as the other constructors do.)
    pub fn from_value(value: &Value, source: &str) -> Result<PolicyDocument> {
        document::<IgnoreUnknown, _>(value).map_err(|error| Error::InvalidPolicy {
            source_name: source.to_owned(),
            line: 0,
            column: 0,
            message: error.to_string(),
        })
    }
}

/// A string or a list of strings, as most policy elements may be written.
struct StringOrList(Vec<String>);

impl<'de> Deserialize<'de> for StringOrList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StringOrList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<StringOrList, E> {
                Ok(StringOrList(vec![value.to_owned()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StringOrList, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    out.push(item);
                }
                Ok(StringOrList(out))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Principal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Principal;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"*\" or an object of principal lists")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Principal, E> {
                if value == "*" {
                    Ok(Principal::Any)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(value), &self))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Principal, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, values)) = map.next_entry::<String, StringOrList>()? {
                    entries.push((key, values.0));
                }
                Ok(Principal::Typed(entries))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Effect {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.as_str() {
            "Allow" => Ok(Effect::Allow),
            "Deny" => Ok(Effect::Deny),
            other => Err(de::Error::invalid_value(
                de::Unexpected::Str(other),
                &"\"Allow\" or \"Deny\"",
            )),
        }
    }
}

/// The statement as written, before the one-of checks.
#[derive(Deserialize)]
struct RawStatement {
    #[serde(rename = "Sid")]
    sid: Option<String>,
    #[serde(rename = "Effect")]
    effect: Option<Effect>,
    #[serde(rename = "Action")]
    action: Option<StringOrList>,
    #[serde(rename = "NotAction")]
    not_action: Option<StringOrList>,
    #[serde(rename = "Resource")]
    resource: Option<StringOrList>,
    #[serde(rename = "NotResource")]
    not_resource: Option<StringOrList>,
    #[serde(rename = "Principal")]
    principal: Option<Principal>,
    #[serde(rename = "NotPrincipal")]
    not_principal: Option<Principal>,
    #[serde(rename = "Condition")]
    condition: Option<Map<String, Value>>,
}

/// The keys of a statement, as `RawStatement` names them.
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// The keys of a policy document, as `RawDocument` names them.
const DOCUMENT_KEYS: &[&str] = &["Version", "Id", "Statement"];

impl<'de> Deserialize<'de> for Statement {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        statement::<RejectUnknown, D>(deserializer)
    }
}

/// A statement, with keys outside [`STATEMENT_KEYS`] treated as `K` says.
fn statement<'de, K: UnknownKeys, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Statement, D::Error> {
    use de::Error as _;
    let raw: RawStatement = deserializer.deserialize_map(ObjectOnly::<_, K>::new(
        "a statement object",
        STATEMENT_KEYS,
    ))?;
    let effect = raw
        .effect
        .ok_or_else(|| D::Error::custom("statement has no Effect"))?;
    let actions = match (raw.action, raw.not_action) {
        (Some(action), None) => ActionClause::Action(action.0),
        (None, Some(not_action)) => ActionClause::NotAction(not_action.0),
        (Some(_), Some(_)) => {
            return Err(D::Error::custom("statement has both Action and NotAction"));
        }
        (None, None) => {
            return Err(D::Error::custom(
                "statement has neither Action nor NotAction",
            ));
        }
    };
    let resources = match (raw.resource, raw.not_resource) {
        (Some(resource), None) => ResourceClause::Resource(resource.0),
        (None, Some(not_resource)) => ResourceClause::NotResource(not_resource.0),
        (None, None) => ResourceClause::Absent,
        (Some(_), Some(_)) => {
            return Err(D::Error::custom(
                "statement has both Resource and NotResource",
            ));
        }
    };
    Ok(Statement {
        sid: raw.sid,
        effect,
        actions,
        resources,
        principal: raw.principal,
        not_principal: raw.not_principal,
        condition: raw.condition,
    })
}

/// What parsing does with a key IAM does not define in a document or a statement.
trait UnknownKeys {
    const REJECT: bool;
}

/// An error naming the key: AWS rejects such a policy, and the key is most likely a typo.
enum RejectUnknown {}

impl UnknownKeys for RejectUnknown {
    const REJECT: bool = true;
}

/// Skipped: account data, which AWS accepted as it is.
enum IgnoreUnknown {}

impl UnknownKeys for IgnoreUnknown {
    const REJECT: bool = false;
}

/// Deserialises `T` from a JSON object only (derived structs would also take an array), with
/// keys outside `known` treated as `K` says.
struct ObjectOnly<T, K> {
    expecting: &'static str,
    known: &'static [&'static str],
    marker: std::marker::PhantomData<(T, K)>,
}

impl<T, K> ObjectOnly<T, K> {
    fn new(expecting: &'static str, known: &'static [&'static str]) -> Self {
        ObjectOnly {
            expecting,
            known,
            marker: std::marker::PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>, K: UnknownKeys> Visitor<'de> for ObjectOnly<T, K> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        let map = KnownKeys::<A, K> {
            map,
            known: self.known,
            marker: std::marker::PhantomData,
        };
        T::deserialize(de::value::MapAccessDeserializer::new(map))
    }
}

/// A map whose keys outside `known` are an error or skipped, as `K` says. The error is
/// raised while the key is read, so it carries the key's position.
struct KnownKeys<A, K> {
    map: A,
    known: &'static [&'static str],
    marker: std::marker::PhantomData<K>,
}

impl<'de, A: MapAccess<'de>, K: UnknownKeys> MapAccess<'de> for KnownKeys<A, K> {
    type Error = A::Error;

    fn next_key_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, A::Error> {
        let check = KeyCheck {
            known: self.known,
            reject: K::REJECT,
        };
        while let Some(key) = self.map.next_key_seed(check)? {
            match key {
                Some(name) => {
                    let name: de::value::StrDeserializer<A::Error> =
                        de::IntoDeserializer::into_deserializer(name);
                    return seed.deserialize(name).map(Some);
                }
                None => {
                    self.map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(None)
    }

    fn next_value_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// Reads a key: one of `known`, or `None` for another key when it is not rejected.
#[derive(Clone, Copy)]
struct KeyCheck {
    known: &'static [&'static str],
    reject: bool,
}

impl<'de> de::DeserializeSeed<'de> for KeyCheck {
    type Value = Option<&'static str>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyCheck {
    type Value = Option<&'static str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        match self.known.iter().find(|known| **known == key) {
            Some(known) => Ok(Some(known)),
            None if self.reject => Err(E::unknown_field(key, self.known)),
            None => Ok(None),
        }
    }
}

/// One statement or a list of them, with unknown keys treated as `K` says.
struct Statements<K>(Vec<Statement>, std::marker::PhantomData<K>);

impl<'de, K: UnknownKeys> Deserialize<'de> for Statements<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<K>(std::marker::PhantomData<K>);
        impl<'de, K: UnknownKeys> Visitor<'de> for V<K> {
            type Value = Statements<K>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a statement object or a list of statements")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Statements<K>, A::Error> {
                let statement = statement::<K, _>(de::value::MapAccessDeserializer::new(map))?;
                Ok(Statements(vec![statement], self.0))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Statements<K>, A::Error> {
                let mut out = Vec::new();
                while let Some(one) = seq.next_element::<StatementOf<K>>()? {
                    out.push(one.0);
                }
                Ok(Statements(out, self.0))
            }
        }
        deserializer.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A statement of a list, with unknown keys treated as `K` says.
struct StatementOf<K>(Statement, std::marker::PhantomData<K>);

impl<'de, K: UnknownKeys> Deserialize<'de> for StatementOf<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(StatementOf(
            statement::<K, D>(deserializer)?,
            std::marker::PhantomData,
        ))
    }
}

#[derive(Deserialize)]
#[serde(bound = "K: UnknownKeys")]
struct RawDocument<K> {
    #[serde(rename = "Version")]
    version: Option<String>,
    #[serde(rename = "Id")]
    id: Option<String>,
    #[serde(rename = "Statement")]
    statement: Statements<K>,
}

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        document::<RejectUnknown, D>(deserializer)
    }
}

/// A policy document, with keys outside [`DOCUMENT_KEYS`] and [`STATEMENT_KEYS`] treated as
/// `K` says.
fn document<'de, K: UnknownKeys, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<PolicyDocument, D::Error> {
    let raw: RawDocument<K> = deserializer.deserialize_map(ObjectOnly::<_, K>::new(
        "a policy object with a Statement",
        DOCUMENT_KEYS,
    ))?;
    Ok(PolicyDocument {
        version: raw.version,
        id: raw.id,
        statements: raw.statement.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        PolicyDocument::parse_named(text, "p.json")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn parses_single_and_list_forms() {
        let policy = PolicyDocument::parse(
            r#"{"Version": "2012-10-17", "Statement": [
                {"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                 "Resource": "arn:aws:s3:::b/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
                {"Effect": "Deny", "NotAction": "iam:*", "NotResource": ["arn:aws:iam::1:role/x"]},
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com", "AWS": ["1", "2"]},
                 "Action": "sts:AssumeRole"}
            ]}"#,
        )
        .unwrap();
        assert_eq!(policy.version.as_deref(), Some("2012-10-17"));
        let [a, b, c] = policy.statements.as_slice() else {
            panic!("three statements")
        };
        assert_eq!(a.sid.as_deref(), Some("A"));
        assert!(a.has_condition());
        assert_eq!(
            a.actions,
            ActionClause::Action(vec!["s3:GetObject".into(), "s3:PutObject".into()])
        );
        assert!(!a.resources.covers_all_resources());
        assert_eq!(b.effect, Effect::Deny);
        assert_eq!(b.actions, ActionClause::NotAction(vec!["iam:*".into()]));
        assert!(b.resources.covers_all_resources());
        assert_eq!(c.resources, ResourceClause::Absent);
        let principal = c.principal.as_ref().unwrap();
        assert_eq!(principal.values("AWS"), ["1", "2"]);
        assert_eq!(principal.values("Service"), ["ec2.amazonaws.com"]);
    }

    #[test]
    fn errors_name_file_and_position() {
        assert_eq!(
            error("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": 3}}"),
            "p.json:1:45: invalid type: integer `3`, expected a string or a list of strings"
        );
        assert_eq!(
            error("{\n  \"Statement\": [\n    {\"Effect\": \"allow\", \"Action\": \"*\"}\n  ]\n}"),
            "p.json:3:22: invalid value: string \"allow\", expected \"Allow\" or \"Deny\""
        );
        assert!(error("{\"Statement\": [}").starts_with("p.json:1:16: "));
        assert!(error("{}").contains("missing field `Statement`"));
        assert_eq!(
            error("[]"),
            "p.json:1:1: invalid type: sequence, expected a policy object with a Statement"
        );
        assert!(error("{\"Statement\": [[]]}").contains("expected a statement object"));
        assert!(
            error("{\"Statement\": {\"Effect\": \"Allow\"}}")
                .contains("statement has neither Action nor NotAction")
        );
        assert!(
            error(
                "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"NotAction\": \"*\"}}"
            )
            .contains("both Action and NotAction")
        );
        assert!(error("{\"Statement\": {\"Action\": \"*\"}}").contains("no Effect"));
    }
}

//! Matching ARNs against the ARN formats of the IAM reference (see [`super`] for the rules).
//! Nothing here depends on the rest of the crate: the build script includes this file too, to
//! work out which resource types' formats match each other (`codegen/writer_formats.rs`).

use std::sync::OnceLock;

/// Splits an ARN into partition, service, region, account and resource; the reason it is not
/// an ARN otherwise. It needs the `arn` scheme, five colons and a non-empty resource part.
pub(crate) fn split_arn(text: &str) -> Result<[&str; 5], &'static str> {
    let mut parts = text.splitn(6, ':');
    if parts.next() != Some("arn") {
        return Err("it does not start with \"arn:\"");
    }
    let (Some(partition), Some(service), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(
            "it needs six colon-separated parts: arn:partition:service:region:account:resource",
        );
    };
    if resource.is_empty() {
        return Err("its resource part is empty");
    }
    Ok([partition, service, region, account, resource])
}

/// An ARN prepared for [`super::Arn::matches_format`] against many formats.
#[derive(Debug, Clone)]
pub struct ArnMatcher<'a> {
    service: &'a str,
    resource: &'a str,
    /// The first segment of the resource part (up to the first `:` or `/`).
    first_segment: &'a str,
    /// Whether the resource part has more than one segment.
    has_more_segments: bool,
    region: &'a str,
    account: &'a str,
}

impl<'a> ArnMatcher<'a> {
    /// A matcher for the ARN with these parts (see [`split_arn`]).
    pub(crate) fn new(
        service: &'a str,
        region: &'a str,
        account: &'a str,
        resource: &'a str,
    ) -> ArnMatcher<'a> {
        let first_segment = resource
            .find([':', '/'])
            .map_or(resource, |end| &resource[..end]);
        ArnMatcher {
            service,
            resource,
            first_segment,
            has_more_segments: first_segment.len() < resource.len(),
            region,
            account,
        }
    }

    /// Whether the ARN is of the resource type with this ARN format; see
    /// [`super::Arn::matches_format`].
    pub fn matches(&self, arn_format: &str) -> bool {
        ArnFormat::parse(arn_format).is_some_and(|format| self.matches_parsed(&format))
    }

    /// [`ArnMatcher::matches`] for a format parsed beforehand.
    pub fn matches_parsed(&self, format: &ArnFormat<'_>) -> bool {
        if self.service != format.service {
            return false;
        }
        // A type whose ARNs have no region (or account), like an S3 bucket or an IAM role,
        // is not named by an ARN that gives one (a `*` or placeholder there gives none); the
        // values themselves are never compared.
        let given =
            |field: &str| !field.is_empty() && !field.contains('*') && !field.contains("${");
        if (format.no_region && given(self.region)) || (format.no_account && given(self.account)) {
            return false;
        }
        // `*/…` (e.g. arn:aws:ec2:*:*:*/*) stands for every resource type of the service.
        if self.has_more_segments && self.first_segment == "*" {
            return true;
        }
        // The literal in first place is the cheapest test and tells most types apart.
        let first = format.first_literal;
        if !first.is_empty() && self.first_segment != first && !self.first_segment.contains('*') {
            return false;
        }
        format
            .pattern()
            .is_some_and(|pattern| pattern.matches(self.resource.as_bytes()))
    }
}

/// An ARN format of the reference (e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`)
/// split for matching: its service and resource part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnFormat<'a> {
    /// The whole format.
    pub text: &'a str,
    /// The service part.
    pub service: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
    /// The first segment of the resource part, empty if it holds a placeholder.
    pub first_literal: &'a str,
    /// Whether the format's region (account) field is empty.
    no_region: bool,
    no_account: bool,
    /// The resource part as a pattern of literal bytes and placeholders, built on first use:
    /// most formats an ARN is tried against differ in their first literal and never need it.
    pattern: OnceLock<Option<Pattern>>,
}

impl<'a> ArnFormat<'a> {
    /// Splits a format; `None` for `*` or text with fewer than six colon-separated parts.
    pub fn parse(text: &'a str) -> Option<ArnFormat<'a>> {
        if text == "*" {
            return None;
        }
        // One pass over the bytes (this runs for every format of every service a policy
        // names): the ends of the first five colon-separated fields.
        let mut colons = [0usize; 5];
        let mut found = 0;
        for (index, byte) in text.bytes().enumerate() {
            if byte == b':' {
                colons[found] = index;
                found += 1;
                if found == colons.len() {
                    break;
                }
            }
        }
        if found < colons.len() {
            return None;
        }
        let service = &text[colons[1] + 1..colons[2]];
        let resource = &text[colons[4] + 1..];
        let first = resource
            .find([':', '/'])
            .map_or(resource, |end| &resource[..end]);
        Some(ArnFormat {
            text,
            service,
            resource,
            first_literal: if first.contains("${") { "" } else { first },
            no_region: colons[3] == colons[2] + 1,
            no_account: colons[4] == colons[3] + 1,
            pattern: OnceLock::new(),
        })
    }

    /// The resource part as a pattern; `None` (matching no ARN) when it is longer than the
    /// matcher takes ([`MAX_ELEMENTS`]).
    fn pattern(&self) -> Option<&Pattern> {
        self.pattern
            .get_or_init(|| Pattern::new(self.service, self.resource))
            .as_ref()
    }

    /// Whether the format's resource part fits the matcher ([`MAX_ELEMENTS`]); a format that
    /// does not matches no ARN.
    #[cfg(test)]
    pub(super) fn is_matchable(&self) -> bool {
        self.pattern().is_some()
    }
}

/// What a placeholder's value may hold besides the characters every name may hold (anything
/// but `/` and `:`, which separate the parts of a resource).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Holds {
    slash: bool,
    colon: bool,
    /// A Lambda alias: never all digits nor `$LATEST` (those name versions).
    not_a_version: bool,
}

impl Holds {
    fn allows(self, byte: u8) -> bool {
        match byte {
            b'/' => self.slash,
            b':' => self.colon,
            _ => true,
        }
    }
}

/// What AWS allows in the placeholder `name` of a `service` ARN format: paths, S3 object
/// keys, ECR repository namespaces, log group and stream names, Secrets Manager and SSM
/// parameter names, KMS alias names and OIDC provider URLs hold `/`; DynamoDB stream labels
/// (timestamps), Cognito identity pool ids (`region:uuid`) and CodeBuild build ids
/// (`project:uuid`) hold `:`. Every other name holds
/// neither: a log group or Lambda function name never holds `:`. A Lambda alias is never a
/// version (all digits or `$LATEST`).
fn placeholder_holds(service: &str, name: &str) -> Holds {
    let slash = name.ends_with("Path")
        || name.contains("WithPath")
        || name.contains("WithoutLeadingSlash")
        || matches!(
            (service, name),
            (_, "ObjectName")
                | ("ecr" | "ecr-public", "RepositoryName")
                | ("logs", "LogGroupName" | "LogStreamName")
                | ("secretsmanager", "SecretId")
                | ("iam", "OidcProviderName")
                | ("kms", "Alias")
        );
    let colon = matches!(
        (service, name),
        ("dynamodb", "StreamLabel")
            | ("cognito-identity", "IdentityPoolId")
            | ("codebuild", "BuildId" | "BuildBatchId")
    );
    let not_a_version = (service, name) == ("lambda", "Alias");
    Holds {
        slash,
        colon,
        not_a_version,
    }
}

/// Whether the last part of a name is a Lambda version (digits or `$LATEST`), which no
/// alias name can be.
fn ends_in_version(text: &[u8]) -> bool {
    let last = text
        .rsplit(|&byte| is_separator(byte))
        .next()
        .unwrap_or_default();
    last == b"$LATEST" || (!last.is_empty() && last.iter().all(u8::is_ascii_digit))
}

/// One element of a [`Pattern`]: a literal byte or a placeholder (one or more bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    Byte(u8),
    Name(Holds),
}

fn is_separator(byte: u8) -> bool {
    matches!(byte, b'/' | b':')
}

/// The most elements (literal bytes and placeholders) a format's resource part may have, so
/// that the matcher's state fits in fixed bit sets and reading a byte allocates nothing. The
/// reference's longest has 95 (a test checks every format of the data fits).
const MAX_ELEMENTS: usize = 255;

/// A set of element positions `0..=MAX_ELEMENTS`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Positions([u64; 4]);

impl Positions {
    fn insert(&mut self, position: usize) {
        self.0[position / 64] |= 1 << (position % 64);
    }

    fn contains(&self, position: usize) -> bool {
        self.0[position / 64] >> (position % 64) & 1 == 1
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|&word| word == 0)
    }

    fn union(self, other: Positions) -> Positions {
        Positions(std::array::from_fn(|word| self.0[word] | other.0[word]))
    }

    fn intersects(self, other: Positions) -> bool {
        self.0.iter().zip(other.0).any(|(&a, b)| a & b != 0)
    }

    /// The positions in the set, in increasing order.
    fn iter(self) -> impl Iterator<Item = usize> {
        self.0.into_iter().enumerate().flat_map(|(word, mut bits)| {
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let bit = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    word * 64 + bit
                })
            })
        })
    }
}

/// The resource part of an ARN format as a small automaton, run over a user ARN's resource
/// part by keeping the set of elements reached (a Thompson simulation: time linear in the
/// ARN's length times the format's, no backtracking).
///
/// A `*` in the user ARN stands for any run of characters within one part of the name: it
/// crosses literal words and placeholders but no `/` or `:` the format writes, so
/// `arn:aws:s3:::*` is a bucket and not an object. A final `/*` or `:*` stands for the whole
/// rest of the name when that rest is only placeholders and separators (`…:service/*` is
/// every ECS service), never for a literal word (`log-group:*` is no log stream).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    elements: Box<[Element]>,
    /// The positions (the end included) followed only by placeholders and separators.
    no_word_from: Positions,
    /// Whether the pattern ends in a Lambda alias, so a final version number is no match.
    ends_in_alias: bool,
}

/// The elements a [`Pattern`] has reached: `at` holds `i` when before element `i` (`len`
/// is the end), `inside` when within placeholder `i` after at least one byte.
#[derive(Debug, Clone, Copy, Default)]
struct Reached {
    at: Positions,
    inside: Positions,
}

impl Reached {
    fn any(&self) -> Positions {
        self.at.union(self.inside)
    }
}

impl Pattern {
    /// `None` when the resource part has more than [`MAX_ELEMENTS`] elements.
    fn new(service: &str, resource: &str) -> Option<Pattern> {
        let mut elements = Vec::with_capacity(resource.len());
        let mut rest = resource;
        while let Some(start) = rest.find("${") {
            elements.extend(rest[..start].bytes().map(Element::Byte));
            let Some(end) = rest[start..].find('}') else {
                rest = &rest[start..];
                break;
            };
            let name = &rest[start + 2..start + end];
            elements.push(Element::Name(placeholder_holds(service, name)));
            rest = &rest[start + end + 1..];
        }
        elements.extend(rest.bytes().map(Element::Byte));
        if elements.len() > MAX_ELEMENTS {
            return None;
        }
        let mut no_word_from = Positions::default();
        no_word_from.insert(elements.len());
        for index in (0..elements.len()).rev() {
            let word = matches!(elements[index], Element::Byte(byte) if !is_separator(byte));
            if word || !no_word_from.contains(index + 1) {
                break;
            }
            no_word_from.insert(index);
        }
        let ends_in_alias =
            matches!(elements.last(), Some(Element::Name(holds)) if holds.not_a_version);
        Some(Pattern {
            elements: elements.into_boxed_slice(),
            no_word_from,
            ends_in_alias,
        })
    }

    /// Whether `text` (a user ARN's resource part) is a name this pattern describes.
    fn matches(&self, text: &[u8]) -> bool {
        let mut reached = Reached::default();
        reached.at.insert(0);
        let tail_star =
            text.len() >= 2 && text.ends_with(b"*") && is_separator(text[text.len() - 2]);
        for (index, &byte) in text.iter().enumerate() {
            if tail_star && index == text.len() - 1 && reached.any().intersects(self.no_word_from) {
                return true;
            }
            reached = if byte == b'*' {
                self.star(reached)
            } else {
                self.step(reached, byte)
            };
            if reached.any().is_empty() {
                return false;
            }
        }
        reached.at.contains(self.elements.len()) && !(self.ends_in_alias && ends_in_version(text))
    }

    /// The positions reached from `reached` by reading `byte`.
    fn step(&self, reached: Reached, byte: u8) -> Reached {
        let mut next = Reached::default();
        for index in reached.any().iter() {
            match self.elements.get(index) {
                Some(&Element::Byte(literal)) if literal == byte => {
                    next.at.insert(index + 1);
                }
                Some(&Element::Name(holds)) if holds.allows(byte) => {
                    next.inside.insert(index);
                    next.at.insert(index + 1);
                }
                // No way on, or the end: nothing follows.
                _ => {}
            }
        }
        next
    }

    /// The positions reached from `reached` by a user `*`: any run of bytes that crosses no
    /// literal `/` or `:` (including none).
    fn star(&self, reached: Reached) -> Reached {
        let mut next = reached;
        // Transitions only go forward, so one pass reaches everything.
        for (index, element) in self.elements.iter().enumerate() {
            let here = next.at.contains(index) || next.inside.contains(index);
            match *element {
                Element::Byte(literal) => {
                    if next.at.contains(index) && !is_separator(literal) {
                        next.at.insert(index + 1);
                    }
                }
                Element::Name(_) => {
                    if here {
                        next.inside.insert(index);
                        next.at.insert(index + 1);
                    }
                }
            }
        }
        next
    }
}

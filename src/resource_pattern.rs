//! IAM resource patterns (`arn:aws:s3:::prod-*`, `*`): case-sensitive globs where `*` matches
//! any run of characters and `?` one character. Policy review asks two questions of a pair:
//! can one resource match both ([`overlap`]), and does every resource one matches match the
//! other ([`surely_contains`], answered conservatively). Matching one ARN against a pattern
//! is [`wildmatch`]'s job.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    /// `*` at this position: any character, staying put.
    Star,
    /// `?`: any one character.
    Any,
    /// A name inside one ARN field: any run of characters but `/` and `:`, staying put.
    Segment,
    /// A name that may hold a path: any run of characters but `:`, staying put.
    Name,
    Literal(char),
}

impl Step {
    /// Whether the step stays put as it reads (and may read nothing).
    fn repeats(self) -> bool {
        matches!(self, Step::Star | Step::Segment | Step::Name)
    }
}

/// Whether a resource pattern is all stars (`*`, `**`): every resource.
///
/// ```
/// use policy_sentry::resource_pattern::is_all_stars;
/// assert!(is_all_stars("*") && is_all_stars("**"));
/// assert!(!is_all_stars("") && !is_all_stars("arn:*"));
/// ```
pub fn is_all_stars(pattern: &str) -> bool {
    !pattern.is_empty() && pattern.chars().all(|ch| ch == '*')
}

fn steps(pattern: &str) -> Vec<Step> {
    pattern
        .chars()
        .map(|ch| match ch {
            '*' => Step::Star,
            '?' => Step::Any,
            ch => Step::Literal(ch),
        })
        .collect()
}

/// Position pairs [`overlap`] walks at most; beyond, it answers "may overlap". Real ARNs are
/// a few hundred characters; a hostile pair of 100,000-character patterns would otherwise
/// take 10^10 steps.
pub const MAX_PAIRS: usize = 4_000_000;

/// Whether some resource matches both patterns (also true, the safe answer, for patterns
/// whose lengths multiply to more than [`MAX_PAIRS`]).
///
/// The two patterns are read as automata over positions; a walk of position pairs finds
/// whether both can end together. Each pair is visited once, so the time is at most the
/// product of the lengths.
///
/// ```
/// use policy_sentry::resource_pattern::overlap;
/// assert!(overlap("arn:aws:s3:::prod-*", "arn:aws:s3:::*-data"));
/// assert!(overlap("*", "arn:aws:iam::111122223333:role/app"));
/// assert!(!overlap("arn:aws:s3:::prod-*", "arn:aws:s3:::test-*"));
/// assert!(!overlap("arn:aws:s3:::a?", "arn:aws:s3:::a"));
/// ```
pub fn overlap(a: &str, b: &str) -> bool {
    overlap_steps(&steps(a), &steps(b))
}

/// Placeholders of the reference's ARN formats that name something within one ARN field:
/// never a `/` or `:` inside. Others may hold a path (`${ObjectName}`, `${RoleNameWithPath}`,
/// `${LogGroupName}`), so they match anything, the safe reading for "can never match".
const FIELD_PLACEHOLDERS: [&str; 5] = ["Partition", "Region", "Account", "AccountId", "BucketName"];

/// How a format's placeholders read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Placeholders {
    /// A policy's text: variables match anything.
    Variables,
    /// Partition, region, account and bucket stay in their field; others match anything.
    Fields,
    /// As `Fields`, and the others hold no `:` either.
    NoColon,
}

/// Steps of a text whose `${…}` parts stand for values.
fn steps_with_placeholders(text: &str, reading: Placeholders) -> Vec<Step> {
    let mut found = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        found.extend(steps(&rest[..start]));
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 2..start + end];
        found.push(match reading {
            Placeholders::Variables => Step::Star,
            _ if FIELD_PLACEHOLDERS.contains(&name) => Step::Segment,
            Placeholders::Fields => Step::Star,
            Placeholders::NoColon => Step::Name,
        });
        rest = &rest[start + end + 1..];
    }
    found.extend(steps(rest));
    found
}

/// The six `:`-separated fields of an ARN's steps (the last keeps its colons); `None` when
/// there are fewer.
fn fields(steps: &[Step]) -> Option<Vec<&[Step]>> {
    let mut found = Vec::with_capacity(6);
    let mut rest = steps;
    for _ in 0..5 {
        let at = rest.iter().position(|step| *step == Step::Literal(':'))?;
        found.push(&rest[..at]);
        rest = &rest[at + 1..];
    }
    found.push(rest);
    Some(found)
}

/// Whether some ARN matches both a policy's resource pattern and an ARN format of the IAM
/// reference (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`). The pattern's policy
/// variables match anything, and its `*` may span `/` and, at the end of a field, `:` (as
/// IAM's does); the format's partition, region, account and bucket stay within their field.
/// Two readings, either enough: field by field (the format's other names match anything,
/// `:` included, as an RDS snapshot name may), or the whole ARN at once with no `:` inside
/// the format's names (so a `*` account cannot swallow the resource type).
///
/// ```
/// use policy_sentry::resource_pattern::may_name;
/// let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
/// let bucket = "arn:${Partition}:s3:::${BucketName}";
/// let user = "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}";
/// assert!(may_name("arn:aws:s3:::*", object));
/// assert!(may_name("arn:aws:s3:::home/${aws:username}/*", object));
/// assert!(!may_name("arn:aws:s3:::b/*", bucket));
/// assert!(!may_name("arn:aws:ec2:*:*:instance/*", object));
/// assert!(!may_name("arn:aws:iam::*:role/MyRole", user));
/// assert!(may_name("arn:aws:rds:*:*:snapshot:awsbackup:*", "arn:${Partition}:rds:${Region}:${Account}:snapshot:${SnapshotName}"));
/// ```
pub fn may_name(pattern: &str, arn_format: &str) -> bool {
    let pattern = steps_with_placeholders(pattern, Placeholders::Variables);
    let by_field = match (
        fields(&pattern),
        fields(&steps_with_placeholders(arn_format, Placeholders::Fields)),
    ) {
        (Some(pattern), Some(format)) => pattern
            .iter()
            .zip(&format)
            .all(|(pattern, format)| overlap_steps(pattern, format)),
        _ => false,
    };
    by_field
        || overlap_steps(
            &pattern,
            &steps_with_placeholders(arn_format, Placeholders::NoColon),
        )
}

fn overlap_steps(a: &[Step], b: &[Step]) -> bool {
    let width = b.len() + 1;
    let Some(pairs) = (a.len() + 1).checked_mul(width).filter(|n| *n <= MAX_PAIRS) else {
        return true;
    };
    let mut seen = vec![false; pairs];
    let mut queue = vec![(0, 0)];
    while let Some((i, j)) = queue.pop() {
        if std::mem::replace(&mut seen[i * width + j], true) {
            continue;
        }
        // A star may match nothing.
        if a.get(i).is_some_and(|step| step.repeats()) {
            queue.push((i + 1, j));
        }
        if b.get(j).is_some_and(|step| step.repeats()) {
            queue.push((i, j + 1));
        }
        if i == a.len() && j == b.len() {
            return true;
        }
        let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) else {
            continue;
        };
        // Both read one character they can agree on.
        let agree = match (x, y) {
            (Step::Literal(p), Step::Literal(q)) => p == q,
            (Step::Segment, Step::Literal(c)) | (Step::Literal(c), Step::Segment) => {
                c != '/' && c != ':'
            }
            (Step::Name, Step::Literal(c)) | (Step::Literal(c), Step::Name) => c != ':',
            _ => true,
        };
        if agree {
            let next_i = if x.repeats() { i } else { i + 1 };
            let next_j = if y.repeats() { j } else { j + 1 };
            queue.push((next_i, next_j));
        }
    }
    false
}

/// Whether every resource `inner` matches is matched by `outer`, when that is plain to see:
/// `outer` is all stars, or matches `inner` read literally while `inner` has no wildcard, or
/// is a literal prefix and a star that `inner` starts with. Otherwise false, even when the
/// answer is yes: callers use it to decide that a Deny covers a resource, where "no" is the
/// safe mistake.
///
/// ```
/// use policy_sentry::resource_pattern::surely_contains;
/// assert!(surely_contains("*", "arn:aws:s3:::b/*"));
/// assert!(surely_contains("arn:aws:s3:::prod-*", "arn:aws:s3:::prod-data/*"));
/// assert!(surely_contains("arn:aws:s3:::b?", "arn:aws:s3:::b1"));
/// assert!(!surely_contains("arn:aws:s3:::b?", "arn:aws:s3:::b*"));
/// ```
pub fn surely_contains(outer: &str, inner: &str) -> bool {
    if outer.chars().all(|ch| ch == '*') {
        return !outer.is_empty() || inner.is_empty();
    }
    if !inner.contains(['*', '?']) {
        return wildmatch::WildMatch::new(outer).matches(inner);
    }
    match outer.strip_suffix('*') {
        Some(prefix) if !prefix.contains(['*', '?']) => inner.starts_with(prefix),
        _ => outer == inner,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every string over the alphabet up to `length` characters.
    fn strings(alphabet: &[char], length: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..length {
            let mut next = Vec::new();
            for text in &last {
                for ch in alphabet {
                    next.push(format!("{text}{ch}"));
                }
            }
            all.extend(next.iter().cloned());
            last = next;
        }
        all
    }

    proptest! {
        /// Against brute force over short strings: two patterns of at most 4 characters over
        /// `ab*?` overlap exactly when some string of at most 8 characters over `abc` matches
        /// both (a witness needs at most the two patterns' characters).
        #[test]
        fn overlap_agrees_with_brute_force(a in "[ab*?]{0,4}", b in "[ab*?]{0,4}") {
            let (glob_a, glob_b) = (wildmatch::WildMatch::new(&a), wildmatch::WildMatch::new(&b));
            let witness = strings(&['a', 'b', 'c'], 8)
                .into_iter()
                .any(|text| glob_a.matches(&text) && glob_b.matches(&text));
            prop_assert_eq!(overlap(&a, &b), witness, "{:?} {:?}", a, b);
        }

        /// Never claims a containment that a string contradicts.
        #[test]
        fn surely_contains_is_never_wrong(outer in "[ab*?]{0,4}", inner in "[ab*?]{0,4}") {
            if surely_contains(&outer, &inner) {
                let (outer_glob, inner_glob) =
                    (wildmatch::WildMatch::new(&outer), wildmatch::WildMatch::new(&inner));
                for text in strings(&['a', 'b', 'c'], 6) {
                    prop_assert!(!inner_glob.matches(&text) || outer_glob.matches(&text),
                        "{:?} ⊇ {:?} but {:?}", outer, inner, text);
                }
            }
        }
    }

    #[test]
    fn long_patterns_stay_bounded() {
        let a = "*a".repeat(500);
        let b = "a*".repeat(500);
        assert!(overlap(&a, &b));
        assert!(!overlap(&format!("{a}b"), &"a".repeat(900)));
        // Past the bound: "may overlap", at once.
        let huge = "x".repeat(100_000);
        assert!(overlap(&huge, &"y".repeat(100_000)));
    }
}

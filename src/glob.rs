//! The crate's glob matchers, one per semantics the tool needs:
//!
//! - [`CaselessGlob`]: IAM's action and name patterns, `*` (any run) and `?` (one
//!   character), compared without regard to case. Queries, `analyze` and the exclusions
//!   file use it.
//! - [`Fnmatch`]: Python's `fnmatch.fnmatchcase` (`*`, `?`, `[seq]`, `[!seq]`, case
//!   sensitive), which policy_sentry applies to lowercased actions in `exclude-actions`; the
//!   policy writer uses it so templates match what policy_sentry matched.
//!
//! No maintained crate has fnmatch's exact rules (an unclosed `[` is a literal, `**` is two
//! stars, `{` is plain text): `glob::Pattern` rejects `**` inside a part and unclosed
//! classes, `globset` reads `{a,b}` as alternatives. So `Fnmatch` is the small matcher
//! below, tested against cases checked with CPython.

use wildmatch::WildMatch;

/// Whether `text` matches the IAM-style `pattern` (`*`, `?`), case-insensitively.
///
/// ```
/// use policy_sentry::glob::caseless_matches;
/// assert!(caseless_matches("Get*", "GetObject"));
/// assert!(caseless_matches("*object?cl", "getobjectacl"));
/// assert!(!caseless_matches("Put*", "GetObject"));
/// ```
pub fn caseless_matches(pattern: &str, text: &str) -> bool {
    CaselessGlob::new(pattern).matches(text)
}

/// Whether an IAM-style pattern has a wildcard (`*` or `?`).
pub(crate) fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// A compiled IAM-style pattern (`*`, `?`, case-insensitive), with fast paths for the
/// common shapes (`*`, `Name`, `Prefix*`, `*Suffix`), which `analyze` tries against every
/// action of the reference.
#[derive(Debug)]
pub struct CaselessGlob(Shape);

#[derive(Debug)]
enum Shape {
    Any,
    Exact(String),
    Prefix(String),
    Suffix(String),
    Pattern(WildMatch),
}

impl CaselessGlob {
    /// Compiles a pattern.
    pub fn new(pattern: &str) -> CaselessGlob {
        CaselessGlob(if pattern == "*" {
            Shape::Any
        } else if !has_wildcard(pattern) {
            Shape::Exact(pattern.to_ascii_lowercase())
        } else if let Some(head) = pattern.strip_suffix('*')
            && !has_wildcard(head)
        {
            Shape::Prefix(head.to_ascii_lowercase())
        } else if let Some(tail) = pattern.strip_prefix('*')
            && !has_wildcard(tail)
        {
            Shape::Suffix(tail.to_ascii_lowercase())
        } else {
            Shape::Pattern(WildMatch::new_case_insensitive(pattern))
        })
    }

    /// Whether the whole of `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        match &self.0 {
            Shape::Any => true,
            Shape::Exact(lower) => text.eq_ignore_ascii_case(lower),
            Shape::Prefix(head) => {
                // Bytes, not str slices: a name may hold non-ASCII characters.
                text.len() >= head.len()
                    && text.as_bytes()[..head.len()].eq_ignore_ascii_case(head.as_bytes())
            }
            Shape::Suffix(tail) => {
                text.len() >= tail.len()
                    && text.as_bytes()[text.len() - tail.len()..]
                        .eq_ignore_ascii_case(tail.as_bytes())
            }
            Shape::Pattern(pattern) => pattern.matches(text),
        }
    }
}

#[derive(Debug)]
enum Token {
    Star,
    Any,
    /// `[seq]` (or `[!seq]` when negated) as inclusive character ranges.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    Literal(char),
}

/// A compiled Python `fnmatch.fnmatchcase` pattern: `*`, `?`, `[seq]` and `[!seq]` over the
/// whole text, case-sensitive.
///
/// ```
/// use policy_sentry::glob::Fnmatch;
/// assert!(Fnmatch::new("kms:delete*").matches("kms:deletealias"));
/// assert!(Fnmatch::new("s3:get[!p]bject").matches("s3:getobject"));
/// assert!(!Fnmatch::new("s3:get*").matches("S3:GetObject"));
/// ```
#[derive(Debug)]
pub struct Fnmatch {
    tokens: Vec<Token>,
}

impl Fnmatch {
    /// Compiles a pattern as Python's `fnmatch.translate` reads it.
    pub fn new(pattern: &str) -> Fnmatch {
        let pattern: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut index = 0;
        while index < pattern.len() {
            let ch = pattern[index];
            index += 1;
            match ch {
                '*' => tokens.push(Token::Star),
                '?' => tokens.push(Token::Any),
                '[' => match class(&pattern[index..]) {
                    Some((token, used)) => {
                        tokens.push(token);
                        index += used;
                    }
                    // Without a closing `]`, the `[` is itself.
                    None => tokens.push(Token::Literal('[')),
                },
                other => tokens.push(Token::Literal(other)),
            }
        }
        Fnmatch { tokens }
    }

    /// Whether the whole of `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let tokens = &self.tokens;
        // Iterative matching, backtracking to the last star.
        let (mut t, mut p) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while t < text.len() {
            if matches!(tokens.get(p), Some(Token::Star)) {
                star = Some((p, t));
                p += 1;
            } else if tokens.get(p).is_some_and(|token| one(token, text[t])) {
                p += 1;
                t += 1;
            } else if let Some((star_p, star_t)) = star {
                p = star_p + 1;
                t = star_t + 1;
                star = Some((star_p, star_t + 1));
            } else {
                return false;
            }
        }
        tokens[p..].iter().all(|token| matches!(token, Token::Star))
    }
}

/// The class starting after a `[`, and how many characters it used (with its `]`); `None`
/// when it has no closing `]`. A `]` first (after any `!`) is a member, as in Python.
fn class(rest: &[char]) -> Option<(Token, usize)> {
    let mut end = 0;
    if rest.first() == Some(&'!') {
        end += 1;
    }
    if rest.get(end) == Some(&']') {
        end += 1;
    }
    end += rest[end..].iter().position(|ch| *ch == ']')?;
    let mut body = &rest[..end];
    let negated = body.first() == Some(&'!');
    if negated {
        body = &body[1..];
    }
    let mut ranges = Vec::new();
    let mut position = 0;
    while position < body.len() {
        if position + 2 < body.len() && body[position + 1] == '-' {
            ranges.push((body[position], body[position + 2]));
            position += 3;
        } else {
            ranges.push((body[position], body[position]));
            position += 1;
        }
    }
    Some((Token::Class { negated, ranges }, end + 1))
}

/// Whether a token other than `*` matches one character.
fn one(token: &Token, ch: char) -> bool {
    match token {
        Token::Any => true,
        Token::Literal(literal) => *literal == ch,
        Token::Class { negated, ranges } => {
            ranges.iter().any(|(low, high)| *low <= ch && ch <= *high) != *negated
        }
        Token::Star => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(text, pattern, fnmatch.fnmatchcase(text, pattern))`, as CPython 3.11 answers.
    const PYTHON: &[(&str, &str, bool)] = &[
        ("kms:deletealias", "kms:delete*", true),
        ("s3:getobject", "s3:get?bject", true),
        ("s3:getobject", "s3:get[a-z]bject", true),
        ("s3:getobject", "s3:get[!o]bject", false),
        ("a[b", "a[b", true),
        ("s3:getobject", "s3:put*", false),
        ("anything", "*", true),
        ("", "", true),
        ("", "*", true),
        ("a", "", false),
        ("]", "[]]", true),
        ("a", "[]a]", true),
        ("]", "[!]]", false),
        ("a", "[!]]", true),
        ("-", "[a-]", true),
        ("b", "[a-]", false),
        ("-", "[-a]", true),
        ("b", "[z-a]", false),
        ("b", "[!z-a]", true),
        ("abc", "a*c", true),
        ("ac", "a*c", true),
        ("abcbc", "a*bc", true),
        ("a*c", "a[*]c", true),
        ("a?c", "a[?]c", true),
        ("abc", "a[?]c", false),
        ("a!c", "a[!]c", false),
        ("a!", "a[!", false),
        ("a[!", "a[!", true),
        ("Abc", "abc", false),
        ("abc", "ABC", false),
        ("a\\c", "a\\c", true),
        ("a.c", "a.c", true),
        ("abc", "a.c", false),
        ("a^c", "a[^b]c", true),
        ("abc", "a[^b]c", true),
        ("ab", "a**b", true),
        ("a/b", "a*b", true),
        ("é", "?", true),
        ("été", "é*", true),
        ("a\nb", "a*b", true),
        ("b", "[a-c-e]", true),
        ("d", "[a-c-e]", false),
        ("-", "[a-c-e]", true),
        ("x", "[]-]", false),
        ("-", "[]-]", true),
        ("]", "[]-a]", true),
        ("b", "[]-a]", false),
        ("^", "[]-a]", true),
        ("a", "[!a-]", false),
        ("{", "{", true),
        ("ab", "{a,b}b", false),
        ("aab", "*ab", true),
        ("kms:delete", "kms:delete*", true),
        ("x", "[x", false),
        ("[x", "[x", true),
        ("x]", "x]", true),
        ("b", "[a-cx]", true),
        ("y", "[a-cx]", false),
        ("x", "[a-cx]", true),
    ];

    #[test]
    fn fnmatch_agrees_with_python() {
        for (text, pattern, expected) in PYTHON {
            assert_eq!(
                Fnmatch::new(pattern).matches(text),
                *expected,
                "fnmatchcase({text:?}, {pattern:?})"
            );
        }
    }

    #[test]
    fn caseless_shapes_agree_with_the_general_matcher() {
        let texts = [
            "GetObject",
            "getobjectacl",
            "Get",
            "",
            "PutObject",
            "ListAllMyBuckets",
        ];
        for pattern in [
            "*",
            "getobject",
            "Get*",
            "*Object",
            "*object?cl",
            "?et*",
            "G*t",
        ] {
            let general = WildMatch::new_case_insensitive(pattern);
            for text in texts {
                assert_eq!(
                    CaselessGlob::new(pattern).matches(text),
                    general.matches(text),
                    "{pattern:?} on {text:?}"
                );
            }
        }
    }

    #[test]
    fn caseless_globs_on_non_ascii_text() {
        assert!(CaselessGlob::new("é*").matches("été"));
        assert!(CaselessGlob::new("*role").matches("ünïcode-Role"));
        assert!(!CaselessGlob::new("ab*").matches("é"));
        assert!(!CaselessGlob::new("*ab").matches("é"));
    }
}

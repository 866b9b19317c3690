//! The patterns of a policy as a request meets them: `*` and `?` wildcards, and policy
//! variables (`${aws:username}`, `${aws:PrincipalTag/team}`, `${aws:username, 'none'}`)
//! filled in from the request's context, whose values are literal text. `${*}`, `${?}` and
//! `${$}` stand for the characters themselves, so a pattern is a list of tokens, not text a
//! text glob (such as [`crate::glob`]'s) could read: a filled-in `*` is no wildcard.
//! Case-sensitive, as resources and `StringLike` are.

use super::context::Context;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Literal(char),
    /// `*`: any run of characters.
    Star,
    /// `?`: any one character.
    Any,
}

impl Token {
    /// The character as written.
    pub fn as_char(&self) -> char {
        match self {
            Token::Literal(ch) => *ch,
            Token::Star => '*',
            Token::Any => '?',
        }
    }
}

/// A pattern without variables.
fn glob_tokens(text: &str) -> Vec<Token> {
    text.chars()
        .map(|ch| match ch {
            '*' => Token::Star,
            '?' => Token::Any,
            ch => Token::Literal(ch),
        })
        .collect()
}

/// The pattern with its variables filled in (when `variables_on`: policy version
/// 2012-10-17); `Err(key)` names a variable the context has no single value for.
pub fn substitute(text: &str, context: &Context, variables_on: bool) -> Result<Vec<Token>, String> {
    if !variables_on {
        return Ok(glob_tokens(text));
    }
    let mut tokens = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        tokens.extend(glob_tokens(&rest[..start]));
        let Some(end) = rest[start..].find('}') else {
            rest = &rest[start..];
            break;
        };
        let inside = &rest[start + 2..start + end];
        rest = &rest[start + end + 1..];
        match inside {
            "*" | "?" | "$" => tokens.push(Token::Literal(inside.chars().next().unwrap_or('$'))),
            _ => {
                // `${key, 'default'}`: the default when the key has no value.
                let (key, default) = match inside.split_once(',') {
                    Some((key, default)) => {
                        let default = default.trim();
                        let default = default
                            .strip_prefix('\'')
                            .and_then(|d| d.strip_suffix('\''))
                            .unwrap_or(default);
                        (key.trim(), Some(default))
                    }
                    None => (inside.trim(), None),
                };
                let value = match context.get(key) {
                    Some([one]) => one.as_str(),
                    _ => match default {
                        Some(default) => default,
                        None => return Err(key.to_owned()),
                    },
                };
                tokens.extend(value.chars().map(Token::Literal));
            }
        }
    }
    tokens.extend(glob_tokens(rest));
    Ok(tokens)
}

/// Whether `text` matches the pattern: the greedy walk that backs up to the last star, at
/// most pattern × text steps.
pub fn matches(pattern: &[Token], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Token::Star) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Token::Any) => {
                p += 1;
                t += 1;
            }
            Some(Token::Literal(ch)) if *ch == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..]
        .iter()
        .all(|token| *token == Token::Star)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_variables() {
        let context = Context::complete_from([("aws:username".to_owned(), vec!["bob".to_owned()])]);
        let tokens = substitute("arn:aws:s3:::b/${aws:username}/*", &context, true).unwrap();
        assert!(matches(&tokens, "arn:aws:s3:::b/bob/x/y"));
        assert!(!matches(&tokens, "arn:aws:s3:::b/alice/x"));
        assert_eq!(
            substitute("${aws:userid}", &context, true),
            Err("aws:userid".to_owned())
        );
        let fallback = substitute("${aws:userid, 'none'}", &context, true).unwrap();
        assert!(matches(&fallback, "none"));
        let literal = substitute("a${*}", &context, true).unwrap();
        assert!(matches(&literal, "a*") && !matches(&literal, "ab"));
        assert!(!matches(&glob_tokens("s3:get*"), "s3:GetObject"));
        assert!(matches(&glob_tokens("a?c*"), "abcde"));
        assert!(!matches(&glob_tokens("a?c"), "ac"));
        // No variables before version 2012-10-17.
        assert!(matches(
            &substitute("${aws:username}", &context, false).unwrap(),
            "${aws:username}"
        ));
    }
}

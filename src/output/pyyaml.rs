//! YAML exactly as Python's `yaml.dump(value, sort_keys=False)` (PyYAML's pure-Python emitter
//! with its defaults) writes it, so policies printed with `--fmt yaml` are byte-compatible
//! with policy_sentry: block style, 2-space indent, lists inside mappings not indented, lines
//! folded at 80 columns, non-ASCII escaped, and strings quoted exactly when PyYAML would
//! (YAML 1.1 implicit types such as `'2012-10-17'`, `'yes'` or `'*'` are quoted).
//!
//! It covers what JSON can hold: mappings with string keys, lists, strings, numbers,
//! booleans and null. Block scalars (`|`, `>`) are never chosen by PyYAML's defaults, so they
//! are not written here.
//!
//! Used for `write-policy --fmt yaml` (see [`super::policy`]), where the bytes must match;
//! other YAML output uses the standard emitter in [`super::yaml`].

use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

const BEST_WIDTH: usize = 80;
const BEST_INDENT: usize = 2;

/// Renders `value` as PyYAML's `yaml.dump(value, sort_keys=False)` does (the text ends with a
/// newline).
///
/// ```
/// let value = serde_json::json!({"Version": "2012-10-17", "Resource": ["*", "arn:aws:s3:::b"]});
/// assert_eq!(
///     policy_sentry::output::pyyaml::dump(&value),
///     "Version: '2012-10-17'\nResource:\n- '*'\n- arn:aws:s3:::b\n"
/// );
/// ```
pub fn dump(value: &Value) -> String {
    let mut emitter = Emitter {
        out: String::new(),
        column: 0,
        whitespace: true,
        indention: true,
        indent: None,
        indents: Vec::new(),
        flow_level: 0,
    };
    emitter.node(value, Context::ROOT);
    // Document end: PyYAML writes an indent, which ends the last line.
    emitter.write_indent();
    emitter.out
}

#[derive(Clone, Copy)]
struct Context {
    mapping: bool,
    simple_key: bool,
}

impl Context {
    const ROOT: Context = Context {
        mapping: false,
        simple_key: false,
    };
    const ITEM: Context = Context {
        mapping: false,
        simple_key: false,
    };
    const KEY: Context = Context {
        mapping: true,
        simple_key: true,
    };
    const VALUE: Context = Context {
        mapping: true,
        simple_key: false,
    };
}

struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: Option<usize>,
    indents: Vec<Option<usize>>,
    flow_level: usize,
}

fn is_break(ch: char) -> bool {
    matches!(ch, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_space_or_break(ch: char) -> bool {
    matches!(ch, '\0' | ' ' | '\t' | '\r') || is_break(ch)
}

impl Emitter {
    fn write(&mut self, text: &str) {
        self.column += text.chars().count();
        self.out.push_str(text);
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        self.indent = match self.indent {
            None if flow => Some(BEST_INDENT),
            None => Some(0),
            Some(indent) if !indentless => Some(indent + BEST_INDENT),
            same => same,
        };
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().flatten();
    }

    fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.write_line_break(None);
        }
        if self.column < indent {
            self.whitespace = true;
            let padding = " ".repeat(indent - self.column);
            self.out.push_str(&padding);
            self.column = indent;
        }
    }

    fn write_line_break(&mut self, data: Option<char>) {
        self.whitespace = true;
        self.indention = true;
        self.column = 0;
        self.out.push(data.unwrap_or('\n'));
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        whitespace: bool,
        indention: bool,
    ) {
        if !self.whitespace && need_whitespace {
            self.write(" ");
        }
        self.write(indicator);
        self.whitespace = whitespace;
        self.indention = self.indention && indention;
    }

    fn node(&mut self, value: &Value, context: Context) {
        match value {
            Value::Array(items) if items.is_empty() || self.flow_level > 0 => {
                self.flow_collection("[", "]");
            }
            Value::Object(entries) if entries.is_empty() || self.flow_level > 0 => {
                self.flow_collection("{", "}");
            }
            Value::Array(items) => {
                let indentless = context.mapping && !self.indention;
                self.increase_indent(false, indentless);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, Context::ITEM);
                }
                self.pop_indent();
            }
            Value::Object(entries) => {
                self.increase_indent(false, false);
                for (key, item) in entries {
                    self.write_indent();
                    self.scalar(key, true, Context::KEY);
                    self.write_indicator(":", false, false, false);
                    self.node(item, Context::VALUE);
                }
                self.pop_indent();
            }
            Value::String(text) => self.scalar(text, true, context),
            Value::Null => self.scalar("null", false, context),
            Value::Bool(flag) => self.scalar(if *flag { "true" } else { "false" }, false, context),
            Value::Number(number) => self.scalar(&number.to_string(), false, context),
        }
    }

    /// Only reached for empty collections: PyYAML writes them in flow style.
    fn flow_collection(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.flow_level += 1;
        self.increase_indent(true, false);
        self.pop_indent();
        self.flow_level -= 1;
        self.write_indicator(close, false, false, false);
    }

    /// Writes a scalar; `is_str` says it is a string (which PyYAML quotes when it would read
    /// back as another type), not a number, boolean or null written as text.
    fn scalar(&mut self, text: &str, is_str: bool, context: Context) {
        self.increase_indent(true, false);
        let analysis = analyze(text);
        let implicit = !is_str || resolves_to_str(text);
        let plain = implicit
            && !(context.simple_key && (analysis.empty || analysis.multiline))
            && if self.flow_level > 0 {
                analysis.allow_flow_plain
            } else {
                analysis.allow_block_plain
            };
        let split = !context.simple_key;
        if plain {
            self.write_plain(text, split);
        } else if analysis.allow_single_quoted && !(context.simple_key && analysis.multiline) {
            self.write_single_quoted(text, split);
        } else {
            self.write_double_quoted(text, split);
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, text: &str, split: bool) {
        if text.is_empty() {
            return;
        }
        if !self.whitespace {
            self.write(" ");
        }
        self.whitespace = false;
        self.indention = false;
        let chars: Vec<char> = text.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        let mut start = 0;
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end && self.column > BEST_WIDTH && split {
                        self.write_indent();
                        self.whitespace = false;
                        self.indention = false;
                    } else {
                        self.write_chars(&chars[start..end]);
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(is_break) {
                    self.write_breaks(&chars[start..end]);
                    self.write_indent();
                    self.whitespace = false;
                    self.indention = false;
                    start = end;
                }
            } else if ch.is_none_or(|ch| ch == ' ' || is_break(ch)) {
                self.write_chars(&chars[start..end]);
                start = end;
            }
            if let Some(ch) = ch {
                spaces = ch == ' ';
                breaks = is_break(ch);
            }
        }
    }

    fn write_single_quoted(&mut self, text: &str, split: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = text.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        let mut start = 0;
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end
                        && self.column > BEST_WIDTH
                        && split
                        && start != 0
                        && end != chars.len()
                    {
                        self.write_indent();
                    } else {
                        self.write_chars(&chars[start..end]);
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(is_break) {
                    self.write_breaks(&chars[start..end]);
                    self.write_indent();
                    start = end;
                }
            } else if ch.is_none_or(|ch| ch == ' ' || ch == '\'' || is_break(ch)) && start < end {
                self.write_chars(&chars[start..end]);
                start = end;
            }
            if ch == Some('\'') {
                self.write("''");
                start = end + 1;
            }
            if let Some(ch) = ch {
                spaces = ch == ' ';
                breaks = is_break(ch);
            }
        }
        self.write_indicator("'", false, false, false);
    }

    fn write_double_quoted(&mut self, text: &str, split: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = text.chars().collect();
        let mut start = 0;
        for end in 0..=chars.len() {
            let ch = chars.get(end).copied();
            let needs_escape = ch.is_none_or(|ch| {
                matches!(
                    ch,
                    '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
                ) || !(' '..='~').contains(&ch)
            });
            if needs_escape {
                if start < end {
                    self.write_chars(&chars[start..end]);
                    start = end;
                }
                if let Some(ch) = ch {
                    let escaped = escape(ch);
                    self.write(&escaped);
                    start = end + 1;
                }
            }
            if 0 < end
                && end + 1 < chars.len()
                && (ch == Some(' ') || start >= end)
                // After an escape `start` is `end + 1`, so this can be one less than the column.
                && (self.column + end) as isize - start as isize > BEST_WIDTH as isize
                && split
            {
                let mut data: String = chars[start.min(end)..end].iter().collect();
                data.push('\\');
                if start < end {
                    start = end;
                }
                self.write(&data);
                self.write_indent();
                self.whitespace = false;
                self.indention = false;
                if chars.get(start) == Some(&' ') {
                    self.write("\\");
                }
            }
        }
        self.write_indicator("\"", false, false, false);
    }

    fn write_chars(&mut self, chars: &[char]) {
        let text: String = chars.iter().collect();
        self.write(&text);
    }

    fn write_breaks(&mut self, breaks: &[char]) {
        if breaks.first() == Some(&'\n') {
            self.write_line_break(None);
        }
        for &ch in breaks {
            self.write_line_break((ch != '\n').then_some(ch));
        }
    }
}

fn escape(ch: char) -> String {
    let short = match ch {
        '\0' => Some('0'),
        '\u{7}' => Some('a'),
        '\u{8}' => Some('b'),
        '\t' => Some('t'),
        '\n' => Some('n'),
        '\u{b}' => Some('v'),
        '\u{c}' => Some('f'),
        '\r' => Some('r'),
        '\u{1b}' => Some('e'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        '\u{85}' => Some('N'),
        '\u{a0}' => Some('_'),
        '\u{2028}' => Some('L'),
        '\u{2029}' => Some('P'),
        _ => None,
    };
    match (short, ch as u32) {
        (Some(short), _) => format!("\\{short}"),
        (None, code) if code <= 0xff => format!("\\x{code:02X}"),
        (None, code) if code <= 0xffff => format!("\\u{code:04X}"),
        (None, code) => format!("\\U{code:08X}"),
    }
}

#[derive(Debug, Default)]
struct Analysis {
    empty: bool,
    multiline: bool,
    allow_flow_plain: bool,
    allow_block_plain: bool,
    allow_single_quoted: bool,
}

/// PyYAML's `Emitter.analyze_scalar`, for the styles its defaults can choose.
fn analyze(scalar: &str) -> Analysis {
    if scalar.is_empty() {
        return Analysis {
            empty: true,
            multiline: false,
            allow_flow_plain: false,
            allow_block_plain: true,
            allow_single_quoted: true,
        };
    }
    let chars: Vec<char> = scalar.chars().collect();
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    if scalar.starts_with("---") || scalar.starts_with("...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut followed_by_whitespace = chars.len() == 1 || is_space_or_break(chars[1]);
    let mut previous_space = false;
    let mut previous_break = false;
    for (index, &ch) in chars.iter().enumerate() {
        if index == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(ch) {
                flow_indicators = true;
                block_indicators = true;
            }
            if ch == '?' || ch == ':' {
                flow_indicators = true;
                if followed_by_whitespace {
                    block_indicators = true;
                }
            }
            if ch == '-' && followed_by_whitespace {
                flow_indicators = true;
                block_indicators = true;
            }
        } else {
            if ",?[]{}".contains(ch) {
                flow_indicators = true;
            }
            if ch == ':' {
                flow_indicators = true;
                if followed_by_whitespace {
                    block_indicators = true;
                }
            }
            if ch == '#' && preceded_by_whitespace {
                flow_indicators = true;
                block_indicators = true;
            }
        }
        if is_break(ch) {
            line_breaks = true;
        }
        if !(ch == '\n' || (' '..='~').contains(&ch)) {
            // Printable non-ASCII is escaped too (PyYAML's default allow_unicode=False).
            special_characters = true;
        }
        if ch == ' ' {
            if index == 0 {
                leading_space = true;
            }
            if index == chars.len() - 1 {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(ch) {
            if index == 0 {
                leading_break = true;
            }
            if index == chars.len() - 1 {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_space_or_break(ch);
        followed_by_whitespace = index + 2 >= chars.len() || is_space_or_break(chars[index + 2]);
    }
    let mut analysis = Analysis {
        empty: false,
        multiline: line_breaks,
        allow_flow_plain: true,
        allow_block_plain: true,
        allow_single_quoted: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        analysis.allow_flow_plain = false;
        analysis.allow_block_plain = false;
    }
    if break_space {
        analysis.allow_flow_plain = false;
        analysis.allow_block_plain = false;
        analysis.allow_single_quoted = false;
    }
    if space_break || special_characters {
        analysis.allow_flow_plain = false;
        analysis.allow_block_plain = false;
        analysis.allow_single_quoted = false;
    }
    if line_breaks {
        analysis.allow_flow_plain = false;
        analysis.allow_block_plain = false;
    }
    if flow_indicators {
        analysis.allow_flow_plain = false;
    }
    if block_indicators {
        analysis.allow_block_plain = false;
    }
    analysis
}

/// PyYAML's YAML 1.1 implicit resolvers, keyed by the first characters they apply to.
fn resolvers() -> &'static [(&'static str, Regex)] {
    static RESOLVERS: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    RESOLVERS.get_or_init(|| {
        let compile = |first: &'static str, pattern: &str| {
            let regex = Regex::new(&format!("^(?:{pattern})$")).expect("resolver patterns are valid");
            (first, regex)
        };
        vec![
            compile(
                "yYnNtTfFoO",
                "yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
            ),
            compile(
                "-+0123456789.",
                r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
            ),
            compile(
                "-+0123456789",
                r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+",
            ),
            compile("<", "<<"),
            compile("~nN", "~|null|Null|NULL|"),
            compile(
                "0123456789",
                r"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?",
            ),
            compile("=", "="),
            compile("!&*", r"!|&|\*"),
        ]
    })
}

/// Whether PyYAML would read `text`, written plain, back as a string.
fn resolves_to_str(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        // The empty string reads back as null.
        return false;
    };
    !resolvers()
        .iter()
        .any(|(firsts, regex)| firsts.contains(first) && regex.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::dump;
    use serde_json::json;

    #[test]
    fn policy_shapes() {
        let policy = json!({
            "Version": "2012-10-17",
            "Statement": [{"Sid": "A", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}]
        });
        assert_eq!(
            dump(&policy),
            "Version: '2012-10-17'\nStatement:\n- Sid: A\n  Effect: Allow\n  Action:\n  - s3:GetObject\n  Resource:\n  - '*'\n"
        );
        assert_eq!(
            dump(&json!({"Version": "2012-10-17", "Statement": []})),
            "Version: '2012-10-17'\nStatement: []\n"
        );
    }

    #[test]
    fn quoting_follows_yaml_1_1_types_and_indicators() {
        let cases = [
            ("yes", "'yes'"),
            ("No", "'No'"),
            ("123", "'123'"),
            ("0x1F", "'0x1F'"),
            ("1.5", "'1.5'"),
            ("null", "'null'"),
            ("", "''"),
            ("2024-01-02", "'2024-01-02'"),
            ("arn:aws:s3:::b", "arn:aws:s3:::b"),
            ("a: b", "'a: b'"),
            ("- x", "'- x'"),
            ("#x", "'#x'"),
            ("a #b", "'a #b'"),
            ("it's", "it's"),
            ("'q", "'''q'"),
            (" lead", "' lead'"),
            ("é", "\"\\xE9\""),
            ("line\nbreak", "'line\n\n  break'"),
            ("tab\there", "\"tab\\there\""),
            ("${var.bucket}", "${var.bucket}"),
            ("a,b", "a,b"),
            ("[x", "'[x'"),
        ];
        for (text, expected) in cases {
            let mut want = String::from("k: ");
            want.push_str(expected);
            want.push('\n');
            assert_eq!(dump(&json!({ "k": text })), want, "{text:?}");
        }
    }

    #[test]
    fn long_quoted_scalars_fold_like_pyyaml() {
        // Outputs of PyYAML 6 for the same values.
        let cases = [
            (
                format!("{}\t\tb c d", "a".repeat(76)),
                format!("k:\n- \"{}\\t\\t\\\n  b c d\"\n", "a".repeat(76)),
            ),
            (
                format!("{}{}", "x".repeat(70), " é".repeat(10)),
                format!(
                    "k:\n- \"{} \\xE9 \\xE9\\\n  \\ {}\"\n",
                    "x".repeat(70),
                    ["\\xE9"; 8].join(" ")
                ),
            ),
            (
                format!("{}\nnext line", ["word"; 20].join(" ")),
                format!(
                    "k:\n- '{}\n  {}\n\n  next line'\n",
                    ["word"; 16].join(" "),
                    ["word"; 4].join(" ")
                ),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(dump(&json!({ "k": [text] })), expected);
        }
    }

    #[test]
    fn long_plain_scalars_fold_at_spaces() {
        let text = format!("{} {} {}", "a".repeat(70), "b".repeat(20), "c".repeat(5));
        assert_eq!(
            dump(&json!({ "k": [text] })),
            format!(
                "k:\n- {} {}\n  {}\n",
                "a".repeat(70),
                "b".repeat(20),
                "c".repeat(5)
            )
        );
    }
}

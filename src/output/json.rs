//! JSON as Python's `json.dumps(indent=4)` writes it: 4-space indent, `": "` separators and
//! every non-ASCII character escaped, so output is byte-compatible with policy_sentry.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// A pretty formatter that escapes non-ASCII characters as `\uXXXX` (UTF-16 units).
struct AsciiPretty<'a>(PrettyFormatter<'a>);

impl Formatter for AsciiPretty<'_> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        text: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (index, character) in text.char_indices() {
            if character.is_ascii() {
                continue;
            }
            out.write_all(&text.as_bytes()[start..index])?;
            let mut units = [0u16; 2];
            for unit in character.encode_utf16(&mut units) {
                write!(out, "\\u{unit:04x}")?;
            }
            start = index + character.len_utf8();
        }
        out.write_all(&text.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.begin_array(out)
    }
    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.end_array(out)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(out, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.end_array_value(out)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.begin_object(out)
    }
    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.end_object(out)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(out, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.begin_object_value(out)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.0.end_object_value(out)
    }
}

/// Writes `value` as 4-space-indented, ASCII-only JSON followed by a newline.
///
/// ```
/// let mut out = Vec::new();
/// policy_sentry::output::json::write_pretty(&serde_json::json!({"a": ["é"]}), &mut out).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "{\n    \"a\": [\n        \"\\u00e9\"\n    ]\n}\n");
/// ```
pub fn write_pretty<T: Serialize + ?Sized>(value: &T, out: &mut impl Write) -> io::Result<()> {
    let formatter = AsciiPretty(PrettyFormatter::with_indent(b"    "));
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, formatter);
    // Keep the kind of a write error (a closed pipe is not a failure for the CLI).
    value
        .serialize(&mut serializer)
        .map_err(|error| match error.io_error_kind() {
            Some(kind) => io::Error::new(kind, error),
            None => io::Error::other(error),
        })?;
    out.write_all(b"\n")
}

/// Serialises `value` the way Python's `json.dumps(value)` does with default separators
/// (`", "` and `": "`, ASCII-only), as used inside the Terraform output.
pub fn to_python_compact<T: Serialize + ?Sized>(value: &T) -> io::Result<String> {
    struct PythonCompact;
    impl Formatter for PythonCompact {
        fn write_string_fragment<W: ?Sized + Write>(
            &mut self,
            out: &mut W,
            text: &str,
        ) -> io::Result<()> {
            AsciiPretty(PrettyFormatter::new()).write_string_fragment(out, text)
        }
        fn begin_array_value<W: ?Sized + Write>(
            &mut self,
            out: &mut W,
            first: bool,
        ) -> io::Result<()> {
            if first { Ok(()) } else { out.write_all(b", ") }
        }
        fn begin_object_key<W: ?Sized + Write>(
            &mut self,
            out: &mut W,
            first: bool,
        ) -> io::Result<()> {
            if first { Ok(()) } else { out.write_all(b", ") }
        }
        fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
            out.write_all(b": ")
        }
    }
    let mut buffer = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffer, PythonCompact);
    value.serialize(&mut serializer).map_err(io::Error::other)?;
    String::from_utf8(buffer).map_err(io::Error::other)
}

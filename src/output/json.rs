//! JSON as Python's `json.dumps(indent=4)` writes it: 4-space indent, `": "` separators and
//! every non-ASCII character escaped, so output is byte-compatible with policy_sentry.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// A pretty formatter (4-space indent, as serde_json's `PrettyFormatter` lays out) that escapes
/// non-ASCII characters as `\uXXXX` (UTF-16 units), and can start some levels deep, so that
/// part of a document can be rendered on its own exactly as it would be in place.
struct AsciiPretty {
    depth: usize,
    has_value: bool,
}

impl AsciiPretty {
    fn at_depth(depth: usize) -> AsciiPretty {
        AsciiPretty {
            depth,
            has_value: false,
        }
    }

    fn line_break<W: ?Sized + Write>(&self, out: &mut W) -> io::Result<()> {
        out.write_all(b"\n")?;
        for _ in 0..self.depth {
            out.write_all(INDENT.as_bytes())?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line_break(out)?;
        }
        out.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        if !first {
            out.write_all(b",")?;
        }
        self.line_break(out)
    }
}

impl Formatter for AsciiPretty {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        text: &str,
    ) -> io::Result<()> {
        write_ascii_fragment(out, text)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes a string fragment with every non-ASCII character (and DEL, as Python's
/// `ensure_ascii` does) escaped as `\uXXXX` UTF-16 units.
fn write_ascii_fragment<W: ?Sized + Write>(out: &mut W, text: &str) -> io::Result<()> {
    // Nearly every fragment (action names, ARNs) has nothing to escape.
    if text.bytes().all(|byte| byte < 0x7f) {
        return out.write_all(text.as_bytes());
    }
    let mut start = 0;
    for (index, character) in text.char_indices() {
        if character.is_ascii() && character != '\u{7f}' {
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

/// Writes `value` as 4-space-indented, ASCII-only JSON followed by a newline.
///
/// ```
/// let mut out = Vec::new();
/// policy_sentry::output::json::write_pretty(&serde_json::json!({"a": ["é"]}), &mut out).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap(), "{\n    \"a\": [\n        \"\\u00e9\"\n    ]\n}\n");
/// ```
pub fn write_pretty<T: Serialize + ?Sized>(value: &T, out: &mut impl Write) -> io::Result<()> {
    write_pretty_nested(value, 0, out)?;
    out.write_all(b"\n")
}

/// Writes `value` as [`write_pretty`] would inside a document, `depth` levels deep: the same
/// bytes as if it had been serialised in place, without the trailing newline.
pub fn write_pretty_nested<T: Serialize + ?Sized>(
    value: &T,
    depth: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut *out, AsciiPretty::at_depth(depth));
    // `From` keeps the kind of an I/O error (a closed pipe), unlike `io::Error::other`.
    value.serialize(&mut serializer).map_err(io::Error::from)
}

const INDENT: &str = "    ";

/// Writes the elements of a JSON array nested `depth` levels deep, exactly as [`write_pretty`]
/// would, rendering each element with `render` on the current rayon pool
/// ([`super::ordered::write_ordered`]), so a large report is serialised in parallel without
/// being held in memory whole.
pub fn write_pretty_array_parallel<'a, T: Sync, R: Serialize>(
    items: &'a [T],
    depth: usize,
    render: impl Fn(&'a T) -> R + Sync,
    out: &mut (impl Write + Send),
) -> io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let element_indent = INDENT.repeat(depth + 1).into_bytes();
    super::ordered::write_ordered(
        items,
        |index, item, element| {
            element.extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
            element.extend_from_slice(&element_indent);
            write_pretty_nested(&render(item), depth + 1, element)
        },
        out,
    )?;
    out.write_all(b"\n")?;
    out.write_all(INDENT.repeat(depth).as_bytes())?;
    out.write_all(b"]")
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
            write_ascii_fragment(out, text)
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
    // `From` keeps the kind of an I/O error (a closed pipe), unlike `io::Error::other`.
    value.serialize(&mut serializer).map_err(io::Error::from)?;
    String::from_utf8(buffer).map_err(io::Error::other)
}

//! Standard output as the commands write it: once the reader has gone (`| head`), the rest
//! of the output is dropped and the run goes on to its end, so that the exit code says what
//! the run found (findings, a bad input) rather than that the pipe closed.

use std::io::{self, Write};

/// A writer that drops everything after its first broken-pipe error.
#[derive(Debug)]
pub struct ClosedPipeTolerant<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> ClosedPipeTolerant<W> {
    pub fn new(inner: W) -> Self {
        ClosedPipeTolerant {
            inner,
            closed: false,
        }
    }

    /// `result`, unless it is the pipe closing, which is remembered and dropped.
    fn unless_closed<T>(&mut self, result: io::Result<T>, dropped: T) -> io::Result<T> {
        match result {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(dropped)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for ClosedPipeTolerant<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.unless_closed(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.unless_closed(result, ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts `room` bytes, then fails as a closed pipe does.
    struct Pipe {
        room: usize,
        got: Vec<u8>,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.got.len() >= self.room {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.room - self.got.len());
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn output_after_the_pipe_closes_is_dropped_without_an_error() {
        let mut out = ClosedPipeTolerant::new(Pipe {
            room: 4,
            got: Vec::new(),
        });
        out.write_all(b"0123456789").unwrap();
        writeln!(out, "more").unwrap();
        out.flush().unwrap();
        assert_eq!(out.inner.got, b"0123");
        assert!(out.closed);
    }
}

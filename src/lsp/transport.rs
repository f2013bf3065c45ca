//! The language server's stdio transport: `Content-Length` framed JSON-RPC
//! on stdin and stdout. Unlike a plain reader, malformed input does not
//! end the session: a frame that is not JSON is answered with a parse
//! error, one that is JSON but no message with an invalid-request error,
//! and reading goes on with the next frame.

use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{Connection, Message};
use serde_json::{Value, json};

/// Frames larger than this are skipped (and answered with an error):
/// no document of a cluster is that large, and memory stays bounded.
const MAX_FRAME: usize = 64 * 1024 * 1024;

/// JSON-RPC's error codes for input that is no message.
const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// The reader and writer threads; join them after dropping the connection.
pub struct Threads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<()>,
}

impl Threads {
    pub fn join(self) {
        let _ = self.reader.join();
        let _ = self.writer.join();
    }
}

/// A connection over this process's stdin and stdout.
#[must_use]
pub fn stdio() -> (Connection, Threads) {
    let out = Arc::new(Mutex::new(io::stdout()));
    let (to_client, outgoing): (Sender<Message>, Receiver<Message>) = unbounded();
    let (incoming, from_client): (Sender<Message>, Receiver<Message>) = unbounded();
    let writer_out = Arc::clone(&out);
    let writer = thread::spawn(move || {
        for message in outgoing {
            let Ok(mut stdout) = writer_out.lock() else {
                return;
            };
            if message.write(&mut *stdout).is_err() {
                return;
            }
        }
    });
    let reader = thread::spawn(move || {
        let stdin = io::stdin();
        read_frames(&mut stdin.lock(), &incoming, &out);
    });
    let connection = Connection {
        sender: to_client,
        receiver: from_client,
    };
    (connection, Threads { reader, writer })
}

/// Reads frames until the end of input or an `exit` notification.
fn read_frames(input: &mut impl BufRead, incoming: &Sender<Message>, out: &Mutex<impl Write>) {
    loop {
        let body = match read_frame(input) {
            Frame::Body(body) => body,
            Frame::TooLarge => {
                answer_error(out, &Value::Null, PARSE_ERROR, "the message is too large");
                continue;
            }
            Frame::End => return,
        };
        let Ok(value) = serde_json::from_slice::<Value>(&body) else {
            answer_error(
                out,
                &Value::Null,
                PARSE_ERROR,
                "the message is not valid JSON",
            );
            continue;
        };
        let id = value.get("id").cloned().unwrap_or(Value::Null);
        let Ok(message) = serde_json::from_value::<Message>(value) else {
            answer_error(
                out,
                &id,
                INVALID_REQUEST,
                "the message is not a JSON-RPC request, response or notification",
            );
            continue;
        };
        let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        if incoming.send(message).is_err() || exit {
            return;
        }
    }
}

/// The longest header line read at once; a longer one is read in pieces,
/// each taken for an unknown header.
const MAX_HEADER_LINE: u64 = 8 * 1024;

enum Frame {
    Body(Vec<u8>),
    TooLarge,
    End,
}

/// One `Content-Length` framed body; headers it does not know are
/// skipped, a frame without a length is skipped up to the next blank line.
fn read_frame(input: &mut impl BufRead) -> Frame {
    loop {
        let mut length: Option<usize> = None;
        let mut any_header = false;
        loop {
            // Bytes, not text: a header line that is not UTF-8 is skipped
            // like any unknown header, and a line is read only so far.
            let mut raw = Vec::new();
            match input
                .by_ref()
                .take(MAX_HEADER_LINE)
                .read_until(b'\n', &mut raw)
            {
                Ok(0) | Err(_) => return Frame::End,
                Ok(_) => {}
            }
            let line = String::from_utf8_lossy(&raw);
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if any_header {
                    break;
                }
                continue;
            }
            any_header = true;
            if let Some((name, value)) = line.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().ok();
            }
        }
        let Some(length) = length else { continue };
        if length > MAX_FRAME {
            if io::copy(&mut input.take(length as u64), &mut io::sink()).is_err() {
                return Frame::End;
            }
            return Frame::TooLarge;
        }
        let mut body = vec![0; length];
        if input.read_exact(&mut body).is_err() {
            return Frame::End;
        }
        return Frame::Body(body);
    }
}

/// Writes an error response for input the server could not take.
fn answer_error(out: &Mutex<impl Write>, id: &Value, code: i32, message: &str) {
    let body = json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
        .to_string();
    if let Ok(mut out) = out.lock() {
        let _ = write!(out, "Content-Length: {}\r\n\r\n{body}", body.len());
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn malformed_frames_are_answered_and_reading_goes_on() {
        let input = [
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"nothing":true}"#),
            "X-Unknown: 1\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            frame(r#"{"jsonrpc":"2.0","method":"never-read"}"#),
        ]
        .concat();
        let (incoming, received) = unbounded();
        let out = Mutex::new(Vec::new());
        read_frames(&mut input.as_bytes(), &incoming, &out);
        let methods: Vec<String> = received
            .try_iter()
            .filter_map(|m| match m {
                Message::Notification(n) => Some(n.method),
                _ => None,
            })
            .collect();
        assert_eq!(methods, ["initialized", "exit"]);
        let answers = String::from_utf8(out.into_inner().unwrap()).unwrap();
        assert!(answers.contains(r#""code":-32700"#), "{answers}");
        assert!(
            answers.contains(r#""code":-32600"#) && answers.contains(r#""id":7"#),
            "{answers}"
        );
    }

    #[test]
    fn a_header_line_that_is_not_utf8_is_skipped() {
        let body = br#"{"jsonrpc":"2.0","method":"exit"}"#;
        let mut input: Vec<u8> = b"X-Junk: \xff\xfe\r\n".to_vec();
        input.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        input.extend_from_slice(body);
        match read_frame(&mut input.as_slice()) {
            Frame::Body(read) => assert_eq!(read, body),
            _ => panic!("the frame after a non-UTF-8 header line was lost"),
        }
    }

    #[test]
    fn a_huge_length_is_skipped_not_allocated() {
        let input = format!("Content-Length: {}\r\n\r\n", MAX_FRAME + 1);
        assert!(matches!(
            read_frame(&mut input.as_bytes()),
            Frame::End | Frame::TooLarge
        ));
    }
}

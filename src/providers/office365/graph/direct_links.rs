//! Graph's paging links in a direct answer, pointed back at the direct API: `@odata.nextLink` and
//! `@odata.deltaLink` name Graph itself, where the caller's account token means nothing. The JSON
//! streams through a small lexer, so a page of any size never sits whole in memory; only the
//! values of those annotations are touched (a message body that quotes a Graph URL is not). A
//! piece without such a value is passed on as it came, not copied; strings are skipped to their
//! next quote or backslash at once.

use bytes::Bytes;

/// Rewrites the values of `…@odata.nextLink` / `…@odata.deltaLink` that start with `from`.
pub struct LinkRewriter {
    from: Vec<u8>,
    to: Vec<u8>,
    state: State,
    /// The last bytes of the string being read (enough to tell whether it ends with a link name).
    tail: Vec<u8>,
    /// The last complete string ends with a link name, and may still turn out to be a key.
    link_key: bool,
    /// The next string is the value of a link annotation.
    armed: bool,
    /// The start of a link value, held back until it can be compared with `from`.
    held: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Outside,
    /// Any string but a link value: passed on as it comes.
    InString {
        escaped: bool,
    },
    /// The value of a link annotation; `deciding` while its start is held back.
    InLink {
        escaped: bool,
        deciding: bool,
    },
}

const LINKS: [&[u8]; 2] = [b"@odata.nextLink", b"@odata.deltaLink"];
/// The longest link name.
const TAIL: usize = 16;

impl LinkRewriter {
    pub fn new(from: &str, to: &str) -> Self {
        LinkRewriter {
            from: from.as_bytes().to_vec(),
            to: to.as_bytes().to_vec(),
            state: State::Outside,
            tail: Vec::with_capacity(2 * TAIL),
            link_key: false,
            armed: false,
            held: Vec::new(),
        }
    }

    /// The next piece of the body, rewritten; a few bytes may be held until the next piece.
    pub fn feed(&mut self, chunk: Bytes) -> Bytes {
        // Set once this piece's output differs from it; `copied`: how much of the piece it covers.
        let mut out: Option<Vec<u8>> = None;
        let mut copied = 0;
        let bytes = &chunk[..];
        let mut i = 0;
        while i < bytes.len() {
            match self.state {
                State::InString { escaped: true } => {
                    self.note(&bytes[i..=i]);
                    i += 1;
                    self.state = State::InString { escaped: false };
                }
                State::InString { escaped: false } => {
                    let rest = &bytes[i..];
                    let Some(k) = memchr::memchr2(b'"', b'\\', rest) else {
                        self.note(rest);
                        break;
                    };
                    self.note(&rest[..k]);
                    i += k + 1;
                    self.state = if rest[k] == b'"' {
                        self.link_key = LINKS.iter().any(|l| self.tail.ends_with(l));
                        State::Outside
                    } else {
                        self.note(b"\\");
                        State::InString { escaped: true }
                    };
                }
                State::Outside => {
                    self.state = self.outside(bytes[i]);
                    i += 1;
                    if matches!(self.state, State::InLink { .. }) {
                        out.get_or_insert_with(|| Vec::with_capacity(bytes.len() + self.to.len()))
                            .extend_from_slice(&bytes[copied..i]);
                        copied = i;
                    }
                }
                State::InLink { escaped, deciding } => {
                    let o =
                        out.get_or_insert_with(|| Vec::with_capacity(bytes.len() + self.to.len()));
                    let b = bytes[i];
                    i += 1;
                    copied = i;
                    self.state = self.in_link(b, escaped, deciding, o);
                }
            }
        }
        match out {
            Some(mut o) => {
                o.extend_from_slice(&bytes[copied..]);
                Bytes::from(o)
            }
            None => chunk,
        }
    }

    /// Keeps the end of the string being read.
    fn note(&mut self, piece: &[u8]) {
        if piece.len() >= TAIL {
            self.tail.clear();
            self.tail.extend_from_slice(&piece[piece.len() - TAIL..]);
        } else {
            self.tail.extend_from_slice(piece);
            if self.tail.len() > 2 * TAIL {
                self.tail.drain(..self.tail.len() - TAIL);
            }
        }
    }

    fn outside(&mut self, b: u8) -> State {
        match b {
            b'"' if std::mem::take(&mut self.armed) => State::InLink {
                escaped: false,
                deciding: true,
            },
            b'"' => {
                self.tail.clear();
                State::InString { escaped: false }
            }
            b':' => {
                self.armed = std::mem::take(&mut self.link_key);
                State::Outside
            }
            b' ' | b'\t' | b'\r' | b'\n' => State::Outside,
            _ => {
                self.link_key = false;
                self.armed = false;
                State::Outside
            }
        }
    }

    fn in_link(&mut self, b: u8, escaped: bool, deciding: bool, out: &mut Vec<u8>) -> State {
        if b == b'"' && !escaped {
            self.release(out);
            out.push(b);
            return State::Outside;
        }
        let escaped = !escaped && b == b'\\';
        if deciding {
            self.held.push(b);
            let full = self.held.len() >= self.from.len();
            if full {
                self.release(out);
            }
            State::InLink {
                escaped,
                deciding: !full,
            }
        } else {
            out.push(b);
            State::InLink {
                escaped,
                deciding: false,
            }
        }
    }

    /// Writes what was held, with `from` replaced by `to` when the value starts with it.
    fn release(&mut self, out: &mut Vec<u8>) {
        if self.held.is_empty() {
            return;
        }
        if self.held.starts_with(&self.from) {
            out.extend_from_slice(&self.to);
            out.extend_from_slice(&self.held[self.from.len()..]);
        } else {
            out.extend_from_slice(&self.held);
        }
        self.held.clear();
    }

    /// What is still held at the end of the body.
    pub fn finish(mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.release(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRAPH: &str = "https://graph.microsoft.com/v1.0";
    const DIRECT: &str = "https://sb.example.com/v1/direct";

    fn rewrite_in_pieces(body: &str, piece: usize) -> String {
        let mut r = LinkRewriter::new(GRAPH, DIRECT);
        let mut out = Vec::new();
        for chunk in body.as_bytes().chunks(piece) {
            out.extend(r.feed(Bytes::copy_from_slice(chunk)));
        }
        out.extend(r.finish());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn paging_links_point_at_the_direct_api_whatever_the_chunking() {
        let body = r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[{"subject":"see \"@odata.nextLink\":\"https://graph.microsoft.com/v1.0/me\"","body":{"content":"https://graph.microsoft.com/v1.0/x"}}],"attachments@odata.nextLink" : "https://graph.microsoft.com/v1.0/me/a?%24skip=1","@odata.nextLink":"https://graph.microsoft.com/v1.0/me/messages?%24skip=10"}"#;
        let want = body
            .replace(
                r#""https://graph.microsoft.com/v1.0/me/a?"#,
                r#""https://sb.example.com/v1/direct/me/a?"#,
            )
            .replace(
                r#""https://graph.microsoft.com/v1.0/me/messages?"#,
                r#""https://sb.example.com/v1/direct/me/messages?"#,
            );
        for piece in [1, 2, 3, 7, 16, 64, 4096] {
            assert_eq!(rewrite_in_pieces(body, piece), want, "pieces of {piece}");
        }
    }

    #[test]
    fn a_piece_without_a_link_value_is_passed_on_as_it_came() {
        let mut r = LinkRewriter::new(GRAPH, DIRECT);
        for piece in [
            r#"{"value":[{"subject":"a \"quoted\" @odata.nextLink","#,
            r#""body":"https://graph.microsoft.com/v1.0/me"}],"#,
        ] {
            let piece = Bytes::copy_from_slice(piece.as_bytes());
            assert_eq!(r.feed(piece.clone()).as_ptr(), piece.as_ptr(), "not copied");
        }
    }

    #[test]
    fn other_links_and_short_values_are_left_alone() {
        for body in [
            r#"{"@odata.deltaLink":"https://elsewhere.example.com/v1.0/me/delta"}"#,
            r#"{"@odata.nextLink":"https://graph"}"#,
            r#"{"@odata.nextLink":null,"x":"@odata.nextLink"}"#,
            r#"["@odata.nextLink","https://graph.microsoft.com/v1.0/me"]"#,
        ] {
            assert_eq!(rewrite_in_pieces(body, 5), body);
        }
        let delta = r#"{"@odata.deltaLink":"https://graph.microsoft.com/v1.0/me/d?$deltatoken=x"}"#;
        assert_eq!(
            rewrite_in_pieces(delta, 4),
            r#"{"@odata.deltaLink":"https://sb.example.com/v1/direct/me/d?$deltatoken=x"}"#
        );
    }
}

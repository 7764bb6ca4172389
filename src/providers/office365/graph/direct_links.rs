//! Graph's paging links in a direct answer, pointed back at the direct API: `@odata.nextLink` and
//! `@odata.deltaLink` name Graph itself, where the caller's account token means nothing. The JSON
//! streams through a small lexer, so a page of any size never sits whole in memory; only the
//! values of those annotations are touched (a message body that quotes a Graph URL is not).

/// Rewrites the values of `…@odata.nextLink` / `…@odata.deltaLink` that start with `from`.
pub struct LinkRewriter {
    from: Vec<u8>,
    to: Vec<u8>,
    state: State,
    /// The string being read, when it may be a key (short strings only).
    key: Vec<u8>,
    /// The last complete string, while it can still turn out to be a key.
    last: Option<Vec<u8>>,
    /// The next string is the value of a link annotation.
    armed: bool,
    /// The start of a link value, held back until it can be compared with `from`.
    held: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Outside,
    /// Any string but a link value: passed on as it comes, remembered if short.
    InString {
        escaped: bool,
    },
    /// The value of a link annotation; `deciding` while its start is held back.
    InLink {
        escaped: bool,
        deciding: bool,
    },
}

const KEY_MAX: usize = 128;
const LINKS: [&[u8]; 2] = [b"@odata.nextLink", b"@odata.deltaLink"];

impl LinkRewriter {
    pub fn new(from: &str, to: &str) -> Self {
        LinkRewriter {
            from: from.as_bytes().to_vec(),
            to: to.as_bytes().to_vec(),
            state: State::Outside,
            key: Vec::new(),
            last: None,
            armed: false,
            held: Vec::new(),
        }
    }

    /// The next piece of the body, rewritten; a few bytes may be held until the next piece.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(chunk.len() + self.to.len());
        for &b in chunk {
            self.state = match self.state {
                State::Outside => self.outside(b, &mut out),
                State::InString { escaped } => {
                    out.push(b);
                    if b == b'"' && !escaped {
                        let key = std::mem::take(&mut self.key);
                        self.last = (key.len() <= KEY_MAX).then_some(key);
                        State::Outside
                    } else {
                        if self.key.len() <= KEY_MAX {
                            self.key.push(b);
                        }
                        State::InString {
                            escaped: !escaped && b == b'\\',
                        }
                    }
                }
                State::InLink { escaped, deciding } => {
                    if b == b'"' && !escaped {
                        self.release(&mut out);
                        out.push(b);
                        State::Outside
                    } else if deciding {
                        self.held.push(b);
                        let full = self.held.len() >= self.from.len();
                        if full {
                            self.release(&mut out);
                        }
                        State::InLink {
                            escaped: !escaped && b == b'\\',
                            deciding: !full,
                        }
                    } else {
                        out.push(b);
                        State::InLink {
                            escaped: !escaped && b == b'\\',
                            deciding: false,
                        }
                    }
                }
            };
        }
        out
    }

    fn outside(&mut self, b: u8, out: &mut Vec<u8>) -> State {
        out.push(b);
        match b {
            b'"' if std::mem::take(&mut self.armed) => State::InLink {
                escaped: false,
                deciding: true,
            },
            b'"' => {
                self.key.clear();
                State::InString { escaped: false }
            }
            b':' => {
                let key = self.last.take().unwrap_or_default();
                self.armed = LINKS.iter().any(|l| key.ends_with(l));
                State::Outside
            }
            b' ' | b'\t' | b'\r' | b'\n' => State::Outside,
            _ => {
                self.last = None;
                self.armed = false;
                State::Outside
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
            out.extend(r.feed(chunk));
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

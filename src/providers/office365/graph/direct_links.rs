//! Graph's paging links in a direct answer, pointed back at the direct API: `@odata.nextLink` and
//! `@odata.deltaLink` name Graph itself, where the caller's account token means nothing. Only the
//! values of those annotations are touched (a message body that quotes a Graph URL is not), and
//! a page of any size streams through without sitting whole in memory.
//!
//! No lexer is needed: in JSON a quote right after a letter (`…Link"`) is never escaped, so it
//! ends a string, and a string followed by `:` is a key. A key ending in a link name is found by a
//! substring search for `Link"` (with the bytes before it checked, from the previous piece when
//! needed), then `:`, then the value's opening quote, then `from`. A piece without such a value
//! is passed on as it came, not copied.

use bytes::Bytes;
use memchr::memmem::Finder;

/// Rewrites the values of `…@odata.nextLink` / `…@odata.deltaLink` that start with `from`.
pub struct LinkRewriter {
    from: Vec<u8>,
    to: Vec<u8>,
    ends: Finder<'static>,
    /// The last bytes of the previous piece (already passed on): a link name may begin there.
    seen: Vec<u8>,
    after: After,
    /// The start of a link value (all of it a prefix of `from` so far), held back until it can
    /// be compared with `from` in full.
    held: Vec<u8>,
}

#[derive(Clone, Copy, PartialEq)]
enum After {
    /// Looking for a key that ends with a link name.
    Nothing,
    /// Such a key: its colon is next (after any white space).
    Key,
    /// The colon: the value's opening quote is next.
    Colon,
    /// Inside the value, comparing its start with `from`.
    Value,
}

const LINKS: [&[u8]; 2] = [b"@odata.nextLink\"", b"@odata.deltaLink\""];
/// The longest link name and its closing quote.
const NAME: usize = 17;
/// What every link name ends with.
const END: &[u8] = b"Link\"";

/// A piece's output, made only once it differs from the piece.
struct Output<'a> {
    piece: &'a [u8],
    out: Option<Vec<u8>>,
    /// How much of the piece is written to `out` or dropped.
    copied: usize,
}

impl Output<'_> {
    /// Writes the piece up to `at`, then `extra`.
    fn insert(&mut self, at: usize, extra: &[u8]) {
        let out = self
            .out
            .get_or_insert_with(|| Vec::with_capacity(self.piece.len() + extra.len() + 64));
        out.extend_from_slice(&self.piece[self.copied..at]);
        out.extend_from_slice(extra);
        self.copied = at;
    }

    /// Leaves out the piece's bytes from `at` to `to`.
    fn drop_range(&mut self, at: usize, to: usize) {
        self.insert(at, &[]);
        self.copied = to;
    }
}

impl LinkRewriter {
    pub fn new(from: &str, to: &str) -> Self {
        LinkRewriter {
            from: from.as_bytes().to_vec(),
            to: to.as_bytes().to_vec(),
            ends: Finder::new(END),
            seen: Vec::with_capacity(2 * NAME),
            after: After::Nothing,
            held: Vec::new(),
        }
    }

    /// The next piece of the body, rewritten; the start of a link value may be held until the
    /// next piece.
    pub fn feed(&mut self, chunk: Bytes) -> Bytes {
        let bytes = &chunk[..];
        let mut output = Output {
            piece: bytes,
            out: None,
            copied: 0,
        };
        let mut i = 0;
        loop {
            match self.after {
                After::Nothing => match self.next_key_end(bytes, i) {
                    Some(quote) => {
                        i = quote + 1;
                        self.after = After::Key;
                    }
                    None => break,
                },
                After::Key | After::Colon => {
                    let Some(k) = bytes[i..].iter().position(|b| !b.is_ascii_whitespace()) else {
                        break;
                    };
                    i += k;
                    self.after = match (self.after, bytes[i]) {
                        (After::Key, b':') => After::Colon,
                        (After::Colon, b'"') => After::Value,
                        _ => After::Nothing,
                    };
                    if self.after != After::Nothing {
                        i += 1;
                    }
                }
                After::Value if i == bytes.len() => break,
                After::Value => {
                    let want = &self.from[self.held.len()..];
                    let take = want.len().min(bytes.len() - i);
                    if bytes[i..i + take] != want[..take] {
                        // Not a Graph link: what was held goes out as it came.
                        if !self.held.is_empty() {
                            output.insert(i, &std::mem::take(&mut self.held));
                        }
                        self.after = After::Nothing;
                        continue;
                    }
                    self.held.extend_from_slice(&bytes[i..i + take]);
                    output.drop_range(i, i + take);
                    i += take;
                    if self.held.len() < self.from.len() {
                        break;
                    }
                    output.insert(i, &self.to);
                    self.held.clear();
                    self.after = After::Nothing;
                }
            }
        }
        self.remember(bytes);
        match output.out {
            Some(mut out) => {
                out.extend_from_slice(&bytes[output.copied..]);
                Bytes::from(out)
            }
            None => chunk,
        }
    }

    /// Where the next key ending in a link name ends (its closing quote), from `at` on.
    fn next_key_end(&self, bytes: &[u8], at: usize) -> Option<usize> {
        // A name whose `Link"` began in the previous piece.
        let straddling = (at..bytes.len().min(END.len() - 1))
            .find(|&q| bytes[q] == b'"' && self.ends_a_name(bytes, q));
        straddling.or_else(|| {
            let mut from = at;
            while let Some(k) = self.ends.find(&bytes[from..]) {
                let quote = from + k + END.len() - 1;
                if self.ends_a_name(bytes, quote) {
                    return Some(quote);
                }
                from = quote;
            }
            None
        })
    }

    /// Whether the bytes up to `bytes[quote]` (the previous piece's before them) are a link name
    /// and its closing quote.
    fn ends_a_name(&self, bytes: &[u8], quote: usize) -> bool {
        let mut last = [0u8; NAME];
        let mut n = 0;
        for &b in bytes[..=quote].iter().rev().chain(self.seen.iter().rev()) {
            if n == NAME {
                break;
            }
            last[NAME - 1 - n] = b;
            n += 1;
        }
        LINKS.iter().any(|l| last[NAME - n..].ends_with(l))
    }

    /// Keeps the last bytes of the input, where a link name may begin.
    fn remember(&mut self, piece: &[u8]) {
        if piece.len() >= NAME {
            self.seen.clear();
            self.seen.extend_from_slice(&piece[piece.len() - NAME..]);
        } else {
            self.seen.extend_from_slice(piece);
            if self.seen.len() > 2 * NAME {
                self.seen.drain(..self.seen.len() - NAME);
            }
        }
    }

    /// A whole body, rewritten.
    pub fn whole(mut self, body: Bytes) -> Bytes {
        let out = self.feed(body);
        match self.finish() {
            held if held.is_empty() => out,
            held => [&out[..], &held].concat().into(),
        }
    }

    /// What is still held at the end of the body.
    pub fn finish(self) -> Vec<u8> {
        self.held
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
    fn pretty_printed_links_are_found_across_any_split() {
        let body = "{\n  \"value\": [],\n  \"@odata.nextLink\" \t:\r\n  \"https://graph.microsoft.com/v1.0/me/messages?$skip=2\",\n  \"x\": \"Link\\\"\"\n}";
        let want = body.replace(GRAPH, DIRECT);
        for piece in 1..=body.len() {
            assert_eq!(rewrite_in_pieces(body, piece), want, "pieces of {piece}");
        }
    }

    #[test]
    fn a_link_elsewhere_is_passed_on_uncopied() {
        let mut r = LinkRewriter::new(GRAPH, DIRECT);
        let piece = Bytes::from_static(br#"{"@odata.nextLink":"https://elsewhere.example.com/x"}"#);
        assert_eq!(r.feed(piece.clone()).as_ptr(), piece.as_ptr(), "not copied");
    }

    #[test]
    fn other_links_and_short_values_are_left_alone() {
        for body in [
            r#"{"@odata.deltaLink":"https://elsewhere.example.com/v1.0/me/delta"}"#,
            r#"{"@odata.nextLink":"https://graph"}"#,
            r#"{"@odata.nextLink":null,"x":"@odata.nextLink"}"#,
            r#"["@odata.nextLink","https://graph.microsoft.com/v1.0/me"]"#,
            // Cut off inside a value that could still have been a Graph link.
            r#"{"@odata.nextLink":"https://graph.micro"#,
        ] {
            assert_eq!(rewrite_in_pieces(body, 5), body);
            let whole =
                LinkRewriter::new(GRAPH, DIRECT).whole(Bytes::copy_from_slice(body.as_bytes()));
            assert_eq!(whole, body.as_bytes(), "read whole");
        }
        let delta = r#"{"@odata.deltaLink":"https://graph.microsoft.com/v1.0/me/d?$deltatoken=x"}"#;
        assert_eq!(
            rewrite_in_pieces(delta, 4),
            r#"{"@odata.deltaLink":"https://sb.example.com/v1/direct/me/d?$deltatoken=x"}"#
        );
    }
}

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
/// Made once and cloned for each answer (the clone shares `from` and `to`).
#[derive(Clone)]
pub struct LinkRewriter {
    from: Bytes,
    to: Bytes,
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

/// A piece's output: the piece itself while nothing differs, else slices of it (shared, not
/// copied) around what was inserted.
struct Output<'a> {
    piece: &'a Bytes,
    out: &'a mut Vec<Bytes>,
    changed: bool,
    /// How much of the piece is passed on or dropped.
    copied: usize,
}

impl Output<'_> {
    /// Passes on the piece up to `at`, then `extra`.
    fn insert(&mut self, at: usize, extra: Bytes) {
        if at > self.copied {
            self.out.push(self.piece.slice(self.copied..at));
        }
        if !extra.is_empty() {
            self.out.push(extra);
        }
        self.copied = at;
        self.changed = true;
    }

    /// Leaves out the piece's bytes from `at` to `to`.
    fn drop_range(&mut self, at: usize, to: usize) {
        self.insert(at, Bytes::new());
        self.copied = to;
    }

    /// The rest of the piece, or all of it when nothing differed.
    fn end(self) {
        if !self.changed {
            self.out.push(self.piece.clone());
        } else if self.copied < self.piece.len() {
            self.out.push(self.piece.slice(self.copied..));
        }
    }
}

impl LinkRewriter {
    pub fn new(from: &str, to: &str) -> Self {
        LinkRewriter {
            from: Bytes::copy_from_slice(from.as_bytes()),
            to: Bytes::copy_from_slice(to.as_bytes()),
            ends: Finder::new(END),
            seen: Vec::new(),
            after: After::Nothing,
            held: Vec::new(),
        }
    }

    /// The next piece of the body, rewritten, onto `out`; the start of a link value may be held
    /// until the next piece.
    pub fn feed(&mut self, chunk: &Bytes, out: &mut Vec<Bytes>) {
        let bytes = &chunk[..];
        let mut output = Output {
            piece: chunk,
            out,
            changed: false,
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
                            output.insert(i, std::mem::take(&mut self.held).into());
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
                    output.insert(i, self.to.clone());
                    self.held.clear();
                    self.after = After::Nothing;
                }
            }
        }
        output.end();
        self.remember(bytes);
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

    /// A whole body read in pieces, rewritten.
    pub fn whole(mut self, body: Vec<Bytes>) -> Vec<Bytes> {
        let mut out = Vec::with_capacity(body.len() + 2);
        for piece in &body {
            self.feed(piece, &mut out);
        }
        out.extend(self.finish());
        out
    }

    /// What is still held at the end of the body.
    pub fn finish(self) -> Option<Bytes> {
        (!self.held.is_empty()).then(|| self.held.into())
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
            r.feed(&Bytes::copy_from_slice(chunk), &mut out);
        }
        out.extend(r.finish());
        String::from_utf8(out.concat()).unwrap()
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
            passed_on_uncopied(&mut r, Bytes::copy_from_slice(piece.as_bytes()));
        }
    }

    /// `piece` goes out as it came: itself, not a copy.
    fn passed_on_uncopied(r: &mut LinkRewriter, piece: Bytes) {
        let mut out = Vec::new();
        r.feed(&piece, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].as_ptr(), piece.as_ptr(), "not copied");
    }

    #[test]
    fn a_rewritten_piece_shares_the_bytes_around_its_link() {
        let body = Bytes::from_static(
            br#"{"value":[{"id":"1"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/me/messages?$skip=1"}"#,
        );
        let out = LinkRewriter::new(GRAPH, DIRECT).whole(vec![body.clone()]);
        let at = body.len() - r#"/me/messages?$skip=1"}"#.len();
        assert_eq!(out.len(), 3, "before, the new base, after");
        assert_eq!(out[0].as_ptr(), body.as_ptr(), "the start is not copied");
        assert_eq!(out[1], DIRECT.as_bytes());
        assert_eq!(
            out[2].as_ptr(),
            body[at..].as_ptr(),
            "the rest is not copied"
        );
        assert_eq!(
            out.concat(),
            String::from_utf8_lossy(&body)
                .replace(GRAPH, DIRECT)
                .as_bytes()
        );
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
        passed_on_uncopied(&mut r, piece);
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
            let whole = LinkRewriter::new(GRAPH, DIRECT)
                .whole(vec![Bytes::copy_from_slice(body.as_bytes())]);
            assert_eq!(whole.concat(), body.as_bytes(), "read whole");
        }
        let delta = r#"{"@odata.deltaLink":"https://graph.microsoft.com/v1.0/me/d?$deltatoken=x"}"#;
        assert_eq!(
            rewrite_in_pieces(delta, 4),
            r#"{"@odata.deltaLink":"https://sb.example.com/v1/direct/me/d?$deltatoken=x"}"#
        );
    }
}

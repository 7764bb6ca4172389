//! The `q` language (Gmail-style operators) translated into Graph's `$filter` or `$search`.
//!
//! Graph cannot combine `$search` with `$filter` or `$orderby` on messages, and `$search` (KQL)
//! cannot say "unread". So a query is translated whole into one of the two: `$filter` when every
//! part can be filtered, `$search` when some part needs full-text search and every part can be
//! searched. Anything else is refused with the part at fault and why — never a silently
//! different result.

use chrono::{NaiveDate, NaiveDateTime};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphQuery {
    /// `$filter` clauses, to be joined with `and`.
    Filter(Vec<String>),
    /// The `$search` value, quotes included.
    Search(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub part: String,
    pub why: String,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "q: cannot translate '{}' for Office 365: {}",
            self.part, self.why
        )
    }
}

pub const OPERATORS: &str =
    "from:, to:, cc:, bcc:, subject:, after:, before:, is:unread, is:read, \
is:flagged (is:starred), is:important, has:attachment, \"quoted phrases\" and plain words";

/// One part of a query, in both of its possible translations.
struct Term {
    text: String,
    filter: Option<String>,
    search: Option<String>,
}

pub fn translate(q: &str) -> Result<Option<GraphQuery>, QueryError> {
    let terms = tokenize(q)?
        .into_iter()
        .map(|t| term(&t))
        .collect::<Result<Vec<_>, _>>()?;
    if terms.is_empty() {
        return Ok(None);
    }
    if terms.iter().all(|t| t.filter.is_some()) {
        return Ok(Some(GraphQuery::Filter(
            terms.into_iter().filter_map(|t| t.filter).collect(),
        )));
    }
    let needs_search = terms
        .iter()
        .find(|t| t.filter.is_none())
        .map(|t| t.text.clone())
        .unwrap_or_default();
    let mut parts = Vec::new();
    for t in terms {
        match t.search {
            Some(s) => parts.push(s),
            None => {
                return Err(QueryError {
                    part: t.text,
                    why: format!(
                        "'{needs_search}' needs Office 365's full-text search, which cannot be combined with this condition; query them separately"
                    ),
                })
            }
        }
    }
    Ok(Some(GraphQuery::Search(format!("\"{}\"", parts.join(" ")))))
}

/// Splits on spaces, keeping `"quoted phrases"` (also as operator values: `subject:"a b"`).
fn tokenize(q: &str) -> Result<Vec<String>, QueryError> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if quoted {
        return Err(QueryError {
            part: current,
            why: "the quote is not closed".into(),
        });
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    Ok(tokens)
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// `'…'` for `$filter` (quotes doubled).
fn odata(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A KQL value inside `$search="…"`: phrases, and anything KQL could read as syntax, keep
/// (escaped) quotes.
fn kql(value: &str) -> String {
    if value
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, ':' | '(' | ')' | '<' | '>' | '='))
    {
        format!("\\\"{value}\\\"")
    } else {
        value.to_string()
    }
}

fn plain(text: &str, value: &str) -> Result<String, QueryError> {
    let bad = |why: &str| {
        Err(QueryError {
            part: text.to_string(),
            why: why.to_string(),
        })
    };
    if value.is_empty() {
        return bad("it has no value");
    }
    if value.contains('"') || value.contains('\\') {
        return bad("quotes and backslashes inside a value cannot be searched");
    }
    Ok(value.to_string())
}

fn term(text: &str) -> Result<Term, QueryError> {
    let err = |why: String| QueryError {
        part: text.to_string(),
        why,
    };
    if text.starts_with('-') || matches!(text, "OR" | "AND" | "NOT") || text.starts_with('(') {
        return Err(err("negation, OR and grouping are not supported".into()));
    }
    let op = text.split_once(':').filter(|(op, _)| {
        !op.is_empty() && op.chars().all(|c| c.is_ascii_alphabetic()) && !text.starts_with('"')
    });
    let Some((op, raw)) = op else {
        let value = plain(text, unquote(text))?;
        let search = if text.starts_with('"') {
            format!("\\\"{value}\\\"")
        } else {
            kql(&value)
        };
        return Ok(Term {
            text: text.into(),
            filter: None,
            search: Some(search),
        });
    };
    let value = plain(text, unquote(raw))?;
    let lower = value.to_ascii_lowercase();
    let (filter, search) = match op.to_ascii_lowercase().as_str() {
        "from" if value.contains('@') => (Some(format!("from/emailAddress/address eq {}", odata(&value))), Some(format!("from:{}", kql(&value)))),
        "from" => (None, Some(format!("from:{}", kql(&value)))),
        "to" | "cc" | "bcc" => (None, Some(format!("{}:{}", op.to_ascii_lowercase(), kql(&value)))),
        "subject" => (Some(format!("contains(subject,{})", odata(&value))), Some(format!("subject:{}", kql(&value)))),
        "after" => {
            let day = date(&value).ok_or_else(|| err(date_help()))?;
            (Some(format!("receivedDateTime ge {day}T00:00:00Z")), Some(format!("received>={day}")))
        }
        "before" => {
            let day = date(&value).ok_or_else(|| err(date_help()))?;
            (Some(format!("receivedDateTime lt {day}T00:00:00Z")), Some(format!("received<{day}")))
        }
        "is" => match lower.as_str() {
            "unread" => (Some("isRead eq false".to_string()), None),
            "read" => (Some("isRead eq true".to_string()), None),
            "flagged" | "starred" => (Some("flag/flagStatus eq 'flagged'".to_string()), None),
            "important" => (Some("importance eq 'high'".to_string()), Some("importance:high".to_string())),
            _ => return Err(err("is: takes unread, read, flagged, starred or important".into())),
        },
        "has" => match lower.as_str() {
            "attachment" | "attachments" => (Some("hasAttachments eq true".to_string()), Some("hasattachments:true".to_string())),
            _ => return Err(err("has: takes attachment".into())),
        },
        other => {
            return Err(err(format!("'{other}:' is not an operator switchboard knows ({OPERATORS}); put the text in quotes to search for it literally")))
        }
    };
    Ok(Term {
        text: text.into(),
        filter,
        search,
    })
}

fn date_help() -> String {
    "dates are MM/DD/YYYY, YYYY/MM/DD or YYYY-MM-DD".into()
}

/// The day as `YYYY-MM-DD` (UTC midnight is used).
fn date(value: &str) -> Option<String> {
    let formats = ["%m/%d/%Y", "%Y/%m/%d", "%Y-%m-%d"];
    let day = formats
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(value, f).ok())
        .or_else(|| {
            NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S")
                .ok()
                .map(|d| d.date())
        })
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(value)
                .ok()
                .map(|d| d.date_naive())
        })?;
    Some(day.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(q: &str) -> Vec<String> {
        match translate(q).unwrap() {
            Some(GraphQuery::Filter(f)) => f,
            other => panic!("{q}: {other:?}"),
        }
    }

    fn search(q: &str) -> String {
        match translate(q).unwrap() {
            Some(GraphQuery::Search(s)) => s,
            other => panic!("{q}: {other:?}"),
        }
    }

    #[test]
    fn filterable_queries_become_filters() {
        assert_eq!(
            filter("from:adele@contoso.com after:01/31/2020 is:unread has:attachment"),
            vec![
                "from/emailAddress/address eq 'adele@contoso.com'",
                "receivedDateTime ge 2020-01-31T00:00:00Z",
                "isRead eq false",
                "hasAttachments eq true"
            ]
        );
        assert_eq!(
            filter("before:2021-02-03 is:read"),
            vec!["receivedDateTime lt 2021-02-03T00:00:00Z", "isRead eq true"]
        );
        assert_eq!(
            filter("subject:\"O'Brien report\""),
            vec!["contains(subject,'O''Brien report')"]
        );
        assert_eq!(
            filter("is:starred is:important"),
            vec!["flag/flagStatus eq 'flagged'", "importance eq 'high'"]
        );
        assert_eq!(translate("   ").unwrap(), None);
    }

    #[test]
    fn text_and_recipients_become_a_search() {
        assert_eq!(search("pizza"), "\"pizza\"");
        assert_eq!(
            search("to:alex@contoso.com \"quarterly report\" budget"),
            "\"to:alex@contoso.com \\\"quarterly report\\\" budget\""
        );
        assert_eq!(
            search("from:Adele subject:lunch after:2020/01/01 has:attachment"),
            "\"from:Adele subject:lunch received>=2020-01-01 hasattachments:true\""
        );
        assert_eq!(search("cc:bob bcc:carol"), "\"cc:bob bcc:carol\"");
    }

    #[test]
    fn untranslatable_parts_are_named() {
        let e = translate("pizza is:unread").unwrap_err();
        assert_eq!(e.part, "is:unread");
        assert!(
            e.why
                .contains("'pizza' needs Office 365's full-text search"),
            "{e}"
        );
        assert_eq!(
            translate("after:31/01/2020").unwrap_err().part,
            "after:31/01/2020"
        );
        assert_eq!(translate("label:work").unwrap_err().part, "label:work");
        assert!(translate("label:work").unwrap_err().why.contains("quotes"));
        assert_eq!(translate("-spam").unwrap_err().part, "-spam");
        assert_eq!(
            translate("\"open quote").unwrap_err().why,
            "the quote is not closed"
        );
        assert!(translate("is:sent").is_err());
        assert!(translate("from:").is_err());
        assert_eq!(search("\"re:meeting\""), "\"\\\"re:meeting\\\"\"");
        assert_eq!(search("\"lunch\" 10:30"), "\"\\\"lunch\\\" \\\"10:30\\\"\"");
    }
}

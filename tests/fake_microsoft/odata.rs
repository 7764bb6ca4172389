//! The part of Graph's query language the fake understands on messages: `$filter` clauses joined
//! by `and`, a KQL subset for `$search`, `$orderby` — and Graph's refusals.

use serde_json::Value;

#[derive(Debug)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

/// Checks the combination of query options the way Graph does for messages.
pub fn check(
    filter: Option<&str>,
    search: Option<&str>,
    orderby: Option<&str>,
) -> Result<(), Refusal> {
    if search.is_some() && (filter.is_some() || orderby.is_some()) {
        return Err(refuse(
            "ErrorInvalidUrlQuery",
            "The query parameter '$search' is not supported with '$filter' or '$orderby'.",
        ));
    }
    if let (Some(order), Some(filter)) = (orderby, filter) {
        let prop = order.split_whitespace().next().unwrap_or_default();
        if !filter.trim_start().starts_with(prop) {
            return Err(refuse(
                "InefficientFilter",
                "The restriction or sort order is too complex for this operation.",
            ));
        }
    }
    Ok(())
}

fn path<'a>(m: &'a Value, prop: &str) -> &'a Value {
    prop.split('/')
        .fold(m, |v, k| v.get(k).unwrap_or(&Value::Null))
}

/// Clauses joined by ` and ` outside quotes.
fn split_and(filter: &str) -> Vec<&str> {
    let bytes = filter.as_bytes();
    let (mut out, mut start, mut quoted, mut i) = (Vec::new(), 0, false, 0);
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            quoted = !quoted;
        }
        if !quoted && bytes[i..].starts_with(b" and ") {
            out.push(&filter[start..i]);
            i += 5;
            start = i;
            continue;
        }
        i += 1;
    }
    out.push(&filter[start..]);
    out
}

fn literal(text: &str) -> Value {
    let t = text.trim();
    if let Some(s) = t.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return Value::String(s.replace("''", "'"));
    }
    match t {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        other => Value::String(other.to_string()),
    }
}

fn compare(actual: &Value, op: &str, expected: &Value) -> bool {
    let (a, e) = match (actual, expected) {
        (Value::String(a), Value::String(e))
            if a.len() == 20 && e.len() == 20 && a.ends_with('Z') =>
        {
            (a.clone(), e.clone())
        }
        (Value::String(a), Value::String(e)) => (a.to_lowercase(), e.to_lowercase()),
        (a, e) => {
            return match op {
                "eq" => a == e,
                "ne" => a != e,
                _ => false,
            }
        }
    };
    match op {
        "eq" => a == e,
        "ne" => a != e,
        "ge" => a >= e,
        "gt" => a > e,
        "le" => a <= e,
        "lt" => a < e,
        _ => false,
    }
}

/// Evaluates a `$filter` the fake understands; an unknown form is Graph's 400.
pub fn matches_filter(m: &Value, filter: &str) -> Result<bool, Refusal> {
    for clause in split_and(filter) {
        let clause = clause.trim();
        if let Some(inner) = clause
            .strip_prefix("contains(")
            .and_then(|c| c.strip_suffix(')'))
        {
            let (prop, value) = inner
                .split_once(',')
                .ok_or_else(|| refuse("BadRequest", format!("Invalid filter clause: {clause}")))?;
            let hay = path(m, prop.trim())
                .as_str()
                .unwrap_or_default()
                .to_lowercase();
            let needle = literal(value).as_str().unwrap_or_default().to_lowercase();
            if !hay.contains(&needle) {
                return Ok(false);
            }
            continue;
        }
        let mut parts = clause.splitn(3, ' ');
        let (Some(prop), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(refuse(
                "BadRequest",
                format!("Invalid filter clause: {clause}"),
            ));
        };
        if !matches!(op, "eq" | "ne" | "ge" | "gt" | "le" | "lt") {
            return Err(refuse(
                "BadRequest",
                format!("Invalid filter operator: {op}"),
            ));
        }
        if !compare(path(m, prop), op, &literal(value)) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn addresses(m: &Value, key: &str) -> Vec<String> {
    let one = |v: &Value| {
        format!(
            "{} {}",
            path(v, "emailAddress/name").as_str().unwrap_or_default(),
            path(v, "emailAddress/address").as_str().unwrap_or_default()
        )
        .to_lowercase()
    };
    match m.get(key) {
        Some(Value::Array(a)) => a.iter().map(one).collect(),
        Some(v @ Value::Object(_)) => vec![one(v)],
        _ => vec![],
    }
}

/// KQL terms: `prop:value`, `received>=day`, `received<day`, words and `"phrases"`.
pub fn matches_search(m: &Value, search: &str) -> Result<bool, Refusal> {
    let inner = search
        .trim()
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| {
            refuse(
                "BadRequest",
                "Syntax error: $search must be in double quotes.",
            )
        })?;
    let inner = inner.replace("\\\"", "\u{1}");
    let mut terms = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in inner.chars() {
        match c {
            '\u{1}' => quoted = !quoted,
            ' ' if !quoted => terms.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    terms.push(cur);
    let text = |k: &str| path(m, k).as_str().unwrap_or_default().to_lowercase();
    for term in terms.into_iter().filter(|t| !t.is_empty()) {
        let t = term.to_lowercase();
        let ok = if let Some(day) = t.strip_prefix("received>=") {
            text("receivedDateTime").as_str() >= day
        } else if let Some(day) = t.strip_prefix("received<") {
            text("receivedDateTime").as_str() < day
        } else if let Some((prop, value)) = t
            .split_once(':')
            .filter(|(p, _)| p.chars().all(|c| c.is_ascii_alphabetic()))
        {
            match prop {
                "from" => addresses(m, "from").iter().any(|a| a.contains(value)),
                "to" => addresses(m, "toRecipients")
                    .iter()
                    .any(|a| a.contains(value)),
                "cc" => addresses(m, "ccRecipients")
                    .iter()
                    .any(|a| a.contains(value)),
                "bcc" => addresses(m, "bccRecipients")
                    .iter()
                    .any(|a| a.contains(value)),
                "subject" => text("subject").contains(value),
                "hasattachments" => path(m, "hasAttachments") == &Value::Bool(value == "true"),
                "importance" => text("importance") == value,
                _ => {
                    return Err(refuse(
                        "BadRequest",
                        format!("Unsupported KQL property '{prop}'"),
                    ))
                }
            }
        } else {
            text("subject").contains(&t)
                || text("body/content").contains(&t)
                || addresses(m, "from").iter().any(|a| a.contains(&t))
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

//! Aurinko's contract (`tests/contract/aurinko-office365.json`) as a checker: which operation a
//! request is, and whether a JSON body fits the operation's response schema (the OpenAPI 3.0
//! subset the contract uses: `$ref`, `type`, `properties`, `items`, `enum`, `format`, `nullable`,
//! `pattern`, `minimum`/`maximum`, `additionalProperties`, `writeOnly`).

use base64::Engine;
use serde_json::Value;

pub struct Contract {
    pub doc: Value,
}

/// What a body broke, and what it has that the contract does not name.
#[derive(Default, Debug)]
pub struct Findings {
    pub violations: Vec<String>,
    /// `Schema.field`: fields of ours the schema does not have.
    pub additions: Vec<String>,
}

impl Contract {
    pub fn load() -> Contract {
        let text = include_str!("../../contract/aurinko-office365.json");
        Contract {
            doc: serde_json::from_str(text).expect("the contract is JSON"),
        }
    }

    /// Every operation in switchboard's scope as `(path template, lower-case method, operation)`.
    pub fn in_scope(&self) -> Vec<(&str, &str, &Value)> {
        let mut out = Vec::new();
        for (template, ops) in self.doc["paths"].as_object().expect("paths") {
            for (method, op) in ops.as_object().expect("path item") {
                out.push((template.as_str(), method.as_str(), op));
            }
        }
        out
    }

    /// The operation a request is: its path template and its description. Literal segments win
    /// over parameters (`/v1/email/folders/wellKnown` over `/v1/email/folders/{folderId}`).
    pub fn operation(&self, method: &str, path: &str) -> Option<(String, &Value)> {
        let given: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let method = method.to_ascii_lowercase();
        let mut best: Option<(usize, String, &Value)> = None;
        for (template, ops) in self.doc["paths"].as_object()? {
            let Some(op) = ops.get(&method) else { continue };
            let wanted: Vec<&str> = template.split('/').collect();
            if wanted.len() != given.len() {
                continue;
            }
            let mut literal = 0;
            let fits = wanted.iter().zip(&given).all(|(w, g)| {
                if w.starts_with('{') {
                    !g.is_empty()
                } else {
                    literal += 1;
                    w == g
                }
            });
            if fits && best.as_ref().is_none_or(|(n, _, _)| literal > *n) {
                best = Some((literal, template.clone(), op));
            }
        }
        best.map(|(_, t, op)| (t, op))
    }

    /// The JSON schema of an operation's answer with this status (`default` otherwise).
    pub fn response_schema<'a>(&'a self, op: &'a Value, status: u16) -> Option<&'a Value> {
        let responses = &op["responses"];
        let response = responses
            .get(status.to_string())
            .or_else(|| responses.get("default"))?;
        let response = self.resolve(response);
        response.pointer("/content/application~1json/schema")
    }

    pub fn schema(&self, name: &str) -> &Value {
        &self.doc["components"]["schemas"][name]
    }

    fn resolve<'a>(&'a self, node: &'a Value) -> &'a Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => self
                .doc
                .pointer(&r.replacen('#', "", 1))
                .unwrap_or(&Value::Null),
            None => node,
        }
    }

    /// Checks `value` against `schema`; `at` names the place for messages (`EmailMessage.from`).
    pub fn check(&self, schema: &Value, value: &Value, at: &str, found: &mut Findings) {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or(r);
            return self.check(self.resolve(schema), value, name, found);
        }
        let fail =
            |found: &mut Findings, why: String| found.violations.push(format!("{at}: {why}"));
        if value.is_null() {
            if schema["nullable"] != true {
                fail(
                    found,
                    "null where the contract does not allow null (omit it)".into(),
                );
            }
            return;
        }
        if let Some(allowed) = schema["enum"].as_array() {
            if !allowed.contains(value) {
                fail(
                    found,
                    format!("{value} is not one of {}", Value::Array(allowed.clone())),
                );
            }
        }
        let kind = schema["type"].as_str().unwrap_or_default();
        let fits = match kind {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            _ => true,
        };
        if !fits {
            return fail(found, format!("{value} is not of type {kind}"));
        }
        match value {
            Value::String(s) => {
                if let Some(why) = format_problem(schema["format"].as_str(), s)
                    .or_else(|| pattern_problem(schema["pattern"].as_str(), s))
                {
                    fail(found, why);
                }
            }
            Value::Number(n) => {
                let n = n.as_f64().unwrap_or_default();
                let below = schema["minimum"].as_f64().is_some_and(|m| n < m);
                let above = schema["maximum"].as_f64().is_some_and(|m| n > m);
                if below || above {
                    fail(found, format!("{n} is out of range"));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.check(&schema["items"], item, &format!("{at}[{i}]"), found);
                }
            }
            Value::Object(map) => self.check_object(schema, map, at, found),
            _ => {}
        }
    }

    fn check_object(
        &self,
        schema: &Value,
        map: &serde_json::Map<String, Value>,
        at: &str,
        found: &mut Findings,
    ) {
        let properties = schema["properties"].as_object();
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap_or_default();
            if !map.contains_key(name) {
                found.violations.push(format!("{at}: `{name}` is required"));
            }
        }
        for (key, v) in map {
            match properties.and_then(|p| p.get(key)) {
                Some(prop) if prop["writeOnly"] == true => found
                    .violations
                    .push(format!("{at}.{key}: write-only, never in an answer")),
                Some(prop) => self.check(prop, v, &format!("{at}.{key}"), found),
                None => match &schema["additionalProperties"] {
                    extra @ Value::Object(_) => self.check(extra, v, &format!("{at}.{key}"), found),
                    _ if properties.is_some() => found
                        .additions
                        .push(format!("{}.{key}", without_indices(at))),
                    _ => {}
                },
            }
        }
    }
}

/// `Page.records[3]` → `Page.records[]`: the place, whatever the item.
fn without_indices(at: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in at.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            c => out.push(c),
        }
    }
    out
}

fn format_problem(format: Option<&str>, s: &str) -> Option<String> {
    let ok = match format? {
        "date-time" => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        "date" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
        "uuid" => uuid::Uuid::parse_str(s).is_ok(),
        "email" => s.contains('@'),
        "base64" => base64::engine::general_purpose::STANDARD.decode(s).is_ok(),
        _ => true,
    };
    (!ok).then(|| format!("{s:?} is not a {}", format.unwrap_or_default()))
}

fn pattern_problem(pattern: Option<&str>, s: &str) -> Option<String> {
    let re = regex::Regex::new(pattern?).ok()?;
    (!re.is_match(s)).then(|| format!("{s:?} does not match {}", re.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(schema: &str, value: Value) -> Findings {
        let c = Contract::load();
        let mut found = Findings::default();
        let schema = json!({ "$ref": format!("#/components/schemas/{schema}") });
        c.check(&schema, &value, schema_name(&schema), &mut found);
        found
    }

    fn schema_name(schema: &Value) -> &str {
        schema["$ref"].as_str().unwrap().rsplit('/').next().unwrap()
    }

    #[test]
    fn the_checker_catches_what_breaks_the_contract() {
        let bad = problems(
            "EmailMessage",
            json!({"id": "1", "subject": null, "sentAt": "yesterday", "hasAttachments": "no",
                   "to": [{"address": "a@b.c", "nick": "x"}], "sysLabels": ["inbox", "pinned"]}),
        );
        let all = bad.violations.join("\n");
        for expected in [
            "EmailMessage.subject: null",
            "EmailMessage.sentAt: \"yesterday\" is not a date-time",
            "EmailMessage.hasAttachments: \"no\" is not of type boolean",
            "pinned",
        ] {
            assert!(all.contains(expected), "{expected} in {all}");
        }
        assert_eq!(bad.additions, ["EmailAddress.nick"]);
        let attendee = problems("Attendee", json!({"response": "tentative"}));
        assert_eq!(
            attendee.violations.len(),
            1,
            "the contract spells it tentitive"
        );
        let meeting = problems("MeetingInfo", json!({"onlineMeeting": true}));
        assert!(meeting.violations[0].contains("write-only"));
        let fine = problems(
            "EmailMessage",
            json!({"id": "1", "sentAt": "2024-05-01T10:00:00Z", "to": [], "sysLabels": ["inbox"]}),
        );
        assert!(
            fine.violations.is_empty() && fine.additions.is_empty(),
            "{fine:?}"
        );
    }

    #[test]
    fn operations_are_found_with_literal_segments_first() {
        let c = Contract::load();
        let (t, _) = c.operation("GET", "/v1/email/folders/wellKnown").unwrap();
        assert_eq!(t, "/v1/email/folders/wellKnown");
        let (t, _) = c.operation("GET", "/v1/email/folders/AAMk").unwrap();
        assert_eq!(t, "/v1/email/folders/{folderId}");
        assert!(c.operation("PUT", "/v1/email/folders/AAMk").is_none());
    }
}

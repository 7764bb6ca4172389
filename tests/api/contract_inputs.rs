//! Every field of every request body the contract defines is recognised: honoured, or refused by
//! name with a reason, never rejected as unknown.

use crate::contract::schema::Contract;
use crate::helpers::spawn_app;
use crate::helpers::{account, call};
use reqwest::Method;
use serde_json::{json, Map, Value};

/// A value with every property of the schema, nested ones too (down to `depth`).
fn everything(contract: &Contract, schema: &Value, depth: usize) -> Value {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.rsplit('/').next().unwrap();
        return everything(contract, contract.schema(name), depth);
    }
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    match schema["type"].as_str().unwrap_or("object") {
        "string" => match schema["format"].as_str() {
            Some("date-time") => json!("2024-05-01T10:00:00Z"),
            Some("date") => json!("2024-05-01"),
            Some("email") => json!("someone@contoso.com"),
            _ => json!("x"),
        },
        "integer" | "number" => json!(1),
        "boolean" => json!(true),
        "array" if depth > 0 => json!([everything(contract, &schema["items"], depth - 1)]),
        "array" => json!([]),
        _ => {
            let mut out = Map::new();
            if depth > 0 {
                // Read-only fields too: clients send back whole records.
                for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
                    out.insert(name.clone(), everything(contract, prop, depth - 1));
                }
            }
            Value::Object(out)
        }
    }
}

#[tokio::test]
async fn every_field_of_the_contracts_request_bodies_is_recognised() {
    let app = spawn_app().await;
    let l = account(
        &app,
        "Mail.All Calendar.ReadWrite Contacts.ReadWrite Tasks.ReadWrite",
    )
    .await;
    let contract = Contract::load();
    let mut unknown = Vec::new();
    for (template, method, op) in contract.in_scope() {
        let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") else {
            continue;
        };
        if template.starts_with("/v1/am/") {
            continue;
        }
        let path: String = template
            .split('/')
            .map(|s| match s {
                "{calendarId}" | "{id}" if template.starts_with("/v1/calendars") => "primary",
                "{taskListId}" => "default",
                s if s.starts_with('{') => "AAMkNotThere",
                s => s,
            })
            .collect::<Vec<_>>()
            .join("/");
        let body = everything(&contract, schema, 7);
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let r = call(&app, &l, method.clone(), &path, Some(body), Some("*")).await;
        let answer: Value = r.json().await.unwrap_or_default();
        let message = answer["message"].as_str().unwrap_or_default();
        if message.contains("unknown field") || message.contains("unknown variant") {
            unknown.push(format!("{method} {template}: {message}"));
        }
    }
    assert!(
        unknown.is_empty(),
        "contract fields rejected as unknown: {unknown:#?}"
    );
}

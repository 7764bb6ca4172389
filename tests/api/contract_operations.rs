//! Every operation of Aurinko's contract in switchboard's scope is served.

use crate::contract::schema::Contract;
use crate::helpers::spawn_app;
use reqwest::Method;
use serde_json::Value;

#[tokio::test]
async fn every_in_scope_operation_of_the_contract_is_served() {
    let app = spawn_app().await;
    let contract = Contract::load();
    let mut served = Vec::new();
    let mut missing = Vec::new();
    for (template, method, _) in contract.in_scope() {
        let path: String = template
            .split('/')
            .map(|s| if s.starts_with('{') { "x" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let r = app
            .http
            .request(method.clone(), format!("{}{path}", app.address))
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let code = r.json::<Value>().await.unwrap_or_default()["code"].clone();
        let absent = (status == 404 && code == "notFound") || status == 405;
        let name = format!("{method} {template}");
        if absent {
            missing.push(name)
        } else {
            served.push(name)
        }
    }
    assert!(missing.is_empty(), "not served: {missing:#?}");
    assert_eq!(served.len(), 81, "{served:#?}");
}

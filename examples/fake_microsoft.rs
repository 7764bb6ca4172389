//! The test suite's fake Microsoft as a program, to try switchboard by hand or drive it from a
//! browser test: `cargo run --example fake_microsoft -- 127.0.0.1:9000`. Set it up with
//! `POST /_fake/apps`, `POST /_fake/users`, … (see tests/fake_microsoft/control.rs).

#[path = "../tests/fake_microsoft/mod.rs"]
mod fake_microsoft;

#[tokio::main]
async fn main() {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9000".to_string());
    let fake = fake_microsoft::FakeMicrosoft::start_on(&address).await;
    println!("fake Microsoft on {}", fake.base_url);
    println!("  SWITCHBOARD_OFFICE365_LOGIN_URL={}", fake.login_url());
    println!("  SWITCHBOARD_OFFICE365_GRAPH_URL={}", fake.graph_url());
    let _ = tokio::signal::ctrl_c().await;
}

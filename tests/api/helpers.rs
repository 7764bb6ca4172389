//! `spawn_app`: the real service on a free port with a fresh SQLite file, wired to a fresh fake
//! Microsoft. Apps are created with the real CLI binary, users are linked through the real flow.

use crate::contract::ContractRelay;
use crate::fake_microsoft::{AzureApp, FakeMicrosoft, User};
use reqwest::header::LOCATION;
use reqwest::{Response, StatusCode};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use switchboard::config::Settings;
use switchboard::startup::Application;
use url::Url;

pub const RETURN_URL: &str = "http://localhost:3000/linked";

pub struct TestApp {
    /// Where tests talk to switchboard: through the contract relay, which checks every answer.
    pub address: String,
    /// switchboard itself, for requests that must arrive byte for byte.
    pub direct_address: String,
    pub relay: ContractRelay,
    pub ms: FakeMicrosoft,
    pub http: reqwest::Client,
    pub dir: PathBuf,
    pub env: BTreeMap<String, String>,
}

/// An app created through the CLI, with its Azure registration on the fake.
pub struct TestClient {
    pub client_id: String,
    pub client_secret: String,
    pub azure_client_id: String,
}

pub struct Linked {
    pub account_id: i64,
    pub token: String,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// The service with some settings changed (`("SWITCHBOARD_HEADER_TIMEOUT", "1")`, …).
pub async fn spawn_app_with(changes: &[(&str, &str)]) -> TestApp {
    let ms = FakeMicrosoft::start().await;
    let dir = std::env::temp_dir().join(format!("switchboard-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    // The port is free when picked, but another test may take it before the service binds it:
    // then pick another.
    let key = secrecy::ExposeSecret::expose_secret(
        &switchboard::store::crypto::MasterKey::generate_base64(),
    )
    .to_string();
    let database = crate::database::for_test(&dir).await;
    let mut attempts = 0;
    let (port, env, app) = loop {
        attempts += 1;
        let port = free_port();
        let env: BTreeMap<String, String> = [
            ("SWITCHBOARD_LISTEN", format!("127.0.0.1:{port}")),
            ("SWITCHBOARD_PUBLIC_URL", format!("http://127.0.0.1:{port}")),
            ("SWITCHBOARD_DATABASE_URL", database.clone()),
            ("SWITCHBOARD_MASTER_KEY", key.clone()),
            ("SWITCHBOARD_OFFICE365_LOGIN_URL", ms.login_url()),
            ("SWITCHBOARD_OFFICE365_GRAPH_URL", ms.graph_url()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .chain(changes.iter().map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();
        let (settings, _) = Settings::from_sources(None, &env).unwrap();
        match Application::build(settings).await {
            Ok(app) => break (port, env, app),
            Err(e) if attempts < 10 && format!("{e:#}").contains("in use") => continue,
            Err(e) => panic!("application builds: {e:?}"),
        }
    };
    tokio::spawn(app.run_until_stopped());
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let direct_address = format!("http://127.0.0.1:{port}");
    let relay = ContractRelay::start(&direct_address).await;
    TestApp {
        address: relay.address.clone(),
        direct_address,
        relay,
        ms,
        http,
        dir,
        env,
    }
}

/// Every test fails if switchboard sent Graph a request that is not on its Graph request list.
impl Drop for TestApp {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let unlisted = self.ms.unlisted_requests();
        assert!(
            unlisted.is_empty(),
            "Graph requests missing from the Graph request list (src/providers/office365/graph/surface.rs): {unlisted:#?}"
        );
        let broken = self.relay.findings();
        assert!(
            broken.is_empty(),
            "answers that break Aurinko's contract: {broken:#?}"
        );
    }
}

impl TestApp {
    /// Starts another instance of the service on the same database and fake Microsoft, as a
    /// second replica would run; returns its base URL.
    pub async fn spawn_replica(&self) -> String {
        self.spawn_replica_with(&[]).await
    }

    /// A replica with some settings changed.
    pub async fn spawn_replica_with(&self, changes: &[(&str, &str)]) -> String {
        for _ in 0..10 {
            let port = free_port();
            let mut env = self.env.clone();
            for (k, v) in changes {
                env.insert(k.to_string(), v.to_string());
            }
            env.insert("SWITCHBOARD_LISTEN".into(), format!("127.0.0.1:{port}"));
            let (settings, _) = Settings::from_sources(None, &env).unwrap();
            match Application::build(settings).await {
                Ok(replica) => {
                    tokio::spawn(replica.run_until_stopped());
                    return format!("http://127.0.0.1:{port}");
                }
                Err(e) if format!("{e:#}").contains("in use") => continue,
                Err(e) => panic!("replica builds: {e:?}"),
            }
        }
        panic!("no free port for a replica")
    }

    /// Runs the CLI against this instance's database and key.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        self.cli_with(&[], args)
    }

    /// Runs the CLI with some settings changed.
    pub fn cli_with(&self, changes: &[(&str, &str)], args: &[&str]) -> std::process::Output {
        let mut env = self.env.clone();
        for (k, v) in changes {
            env.insert(k.to_string(), v.to_string());
        }
        Command::new(env!("CARGO_BIN_EXE_switchboard"))
            .args(args)
            .env_clear()
            .envs(&env)
            .output()
            .expect("CLI runs")
    }

    pub fn cli_json(&self, args: &[&str]) -> Value {
        let out = self.cli(args);
        assert!(
            out.status.success(),
            "CLI {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("one JSON object on stdout")
    }

    pub fn redirect_uri(&self) -> String {
        format!("{}/v1/auth/callback", self.direct_address)
    }

    /// A confidential app (client secret), registered on the fake.
    pub async fn create_client(&self) -> TestClient {
        self.create_client_with(Some("Xy8Q~fake.secret.value"))
            .await
    }

    pub async fn create_client_with(&self, secret: Option<&str>) -> TestClient {
        let created = self.cli_json(&[
            "app",
            "create",
            "--name",
            "Test app",
            "--return-url",
            RETURN_URL,
            "--json",
        ]);
        let client_id = created["clientId"].as_str().unwrap().to_string();
        let azure_client_id = uuid::Uuid::new_v4().to_string();
        let mut args = vec![
            "app",
            "office365",
            &client_id,
            "--azure-client-id",
            &azure_client_id,
            "--json",
        ];
        let secret_file = self.dir.join(format!("{client_id}.secret"));
        let secret_path = secret_file.to_string_lossy().to_string();
        match secret {
            Some(s) => {
                std::fs::write(&secret_file, format!("{s}\n")).unwrap();
                args.extend(["--azure-client-secret-file", &secret_path]);
            }
            None => args.push("--public-client"),
        }
        let shown = self.cli_json(&args);
        assert_eq!(shown["redirectUri"], self.redirect_uri());
        self.ms.register_app(
            &azure_client_id,
            AzureApp {
                secret: secret.map(str::to_string),
                redirect_uris: vec![self.redirect_uri()],
                secret_expired: false,
            },
        );
        TestClient {
            client_id,
            client_secret: created["clientSecret"].as_str().unwrap().to_string(),
            azure_client_id,
        }
    }

    pub fn add_user(&self, email: &str) -> User {
        let user = User::work(email, "Adele Vance");
        self.ms.add_user(user.clone());
        user
    }

    pub async fn get(&self, path: &str) -> Response {
        self.http
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .unwrap()
    }

    pub fn authorize_url(&self, client: &TestClient, scopes: &str, extra: &str) -> String {
        format!("{}/v1/auth/authorize?clientId={}&serviceType=Office365&scopes={}&returnUrl={}&state=app-state-1{extra}", self.address, client.client_id, urlencode(scopes), urlencode(RETURN_URL))
    }

    /// Follows the link as a browser would through Microsoft's sign-in; returns the callback URL
    /// Microsoft sends the browser to, not yet visited.
    pub async fn to_callback(&self, authorize_url: &str) -> String {
        let start = self.http.get(authorize_url).send().await.unwrap();
        assert_eq!(
            start.status(),
            StatusCode::SEE_OTHER,
            "authorize: {}",
            start.text().await.unwrap()
        );
        let at_microsoft = location(&start);
        assert!(
            at_microsoft.starts_with(&self.ms.login_url()),
            "{at_microsoft}"
        );
        let from_microsoft = self.http.get(&at_microsoft).send().await.unwrap();
        assert!(
            from_microsoft.status().is_redirection(),
            "microsoft: {}",
            from_microsoft.text().await.unwrap()
        );
        let callback = location(&from_microsoft);
        assert!(callback.starts_with(&self.redirect_uri()), "{callback}");
        callback
    }

    /// Visits the callback; returns the app's return URL it redirects to.
    pub async fn finish_callback(&self, callback: &str) -> Url {
        let back = self.http.get(callback).send().await.unwrap();
        assert_eq!(
            back.status(),
            StatusCode::SEE_OTHER,
            "callback: {}",
            back.text().await.unwrap()
        );
        let url = Url::parse(&location(&back)).unwrap();
        assert!(url.as_str().starts_with(RETURN_URL), "{url}");
        url
    }

    /// Follows the link as a browser would, up to the app's return URL.
    pub async fn follow_link(&self, authorize_url: &str) -> Url {
        let callback = self.to_callback(authorize_url).await;
        self.finish_callback(&callback).await
    }

    pub async fn exchange(&self, client: &TestClient, code: &str) -> Response {
        self.http
            .post(format!("{}/v1/auth/token/{code}", self.address))
            .basic_auth(&client.client_id, Some(&client.client_secret))
            .send()
            .await
            .unwrap()
    }

    /// A link (Mail.Read) that comes back refused: its `error` and `aadsts`.
    pub async fn refused_link(&self, client: &TestClient) -> (String, String, String) {
        let back = self
            .follow_link(&self.authorize_url(client, "Mail.Read", ""))
            .await;
        assert_eq!(query(&back, "status").as_deref(), Some("error"), "{back}");
        let get = |k: &str| query(&back, k).unwrap_or_default();
        (get("error"), get("aadsts"), get("message"))
    }

    /// Links the fake's current user with `scopes` and exchanges the code.
    pub async fn link(&self, client: &TestClient, scopes: &str) -> Linked {
        let back = self
            .follow_link(&self.authorize_url(client, scopes, ""))
            .await;
        assert_eq!(query(&back, "status").as_deref(), Some("success"), "{back}");
        assert_eq!(query(&back, "state").as_deref(), Some("app-state-1"));
        let response = self.exchange(client, &query(&back, "code").unwrap()).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        Linked {
            account_id: body["accountId"].as_i64().unwrap(),
            token: body["accessToken"].as_str().unwrap().to_string(),
        }
    }

    /// A GET sent byte for byte (no URL normalisation on the way), as an attacker would send it.
    pub async fn raw_get(&self, path: &str, bearer: &str) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = self.direct_address.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
        let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {bearer}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).await.unwrap();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, response)
    }

    /// `GET /v1/account` as the account, parsed.
    pub async fn account_json(&self, linked: &Linked) -> Value {
        let r = self.as_account(linked, "/v1/account").await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    pub async fn as_account(&self, linked: &Linked, path: &str) -> Response {
        self.http
            .get(format!("{}{path}", self.address))
            .bearer_auth(&linked.token)
            .send()
            .await
            .unwrap()
    }

    /// A request with the app's credentials, sent.
    pub async fn app_call(
        &self,
        client: &TestClient,
        method: reqwest::Method,
        path: &str,
    ) -> Response {
        self.as_app(client, method, path)
            .await
            .send()
            .await
            .unwrap()
    }

    pub async fn as_app(
        &self,
        client: &TestClient,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.address))
            .basic_auth(&client.client_id, Some(&client.client_secret))
    }

    /// Runs SQL on the instance's database, to let time pass (expire a code or a session). The
    /// service sees a change to what it holds in memory (accounts, their token expiry, apps) as
    /// another instance's: within its cache bound, which this then waits out.
    pub async fn sql(&self, statement: &str) {
        let url = &self.env["SWITCHBOARD_DATABASE_URL"];
        if url.starts_with("postgres") {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query(statement).execute(&pool).await.unwrap();
            pool.close().await;
        } else {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::query(statement).execute(&pool).await.unwrap();
            pool.close().await;
        }
        let held = ["accounts", "account_tokens", "access_expires_at", " apps"];
        if held.iter().any(|table| statement.contains(table)) {
            let bound: u64 = self
                .env
                .get("SWITCHBOARD_CACHE_SECONDS")
                .map_or(1, |s| s.parse().unwrap());
            tokio::time::sleep(std::time::Duration::from_millis(bound * 1000 + 50)).await;
        }
    }

    /// The first column of each row, as text (bytes shown as a list).
    pub async fn sql_text(&self, statement: &str) -> Vec<String> {
        use sqlx::Row;
        fn text<R: Row>(r: &R) -> String
        where
            usize: sqlx::ColumnIndex<R>,
            for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
            for<'a> Vec<u8>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
        {
            r.try_get::<String, _>(0)
                .unwrap_or_else(|_| format!("{:?}", r.try_get::<Vec<u8>, _>(0).unwrap_or_default()))
        }
        let url = &self.env["SWITCHBOARD_DATABASE_URL"];
        if url.starts_with("postgres") {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let rows = sqlx::query(statement).fetch_all(&pool).await.unwrap();
            pool.close().await;
            rows.iter().map(text).collect()
        } else {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            let rows = sqlx::query(statement).fetch_all(&pool).await.unwrap();
            pool.close().await;
            rows.iter().map(text).collect()
        }
    }
}

pub fn location(r: &Response) -> String {
    r.headers()
        .get(LOCATION)
        .expect("a Location header")
        .to_str()
        .unwrap()
        .to_string()
}

pub fn query(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// An error body in the API's shape; returns it for more checks.
pub async fn expect_error(r: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(r.status(), status, "unexpected status");
    let header_id = r
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_string());
    let body: Value = r.json().await.expect("a JSON error body");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert_eq!(
        body["requestId"].as_str().map(str::to_string),
        header_id,
        "{body}"
    );
    body
}

pub const ADELE: &str = "adele@contoso.com";

/// A new app with Adele linked to it with `scopes`.
pub async fn account(app: &TestApp, scopes: &str) -> Linked {
    let client = app.create_client().await;
    app.add_user(ADELE);
    app.link(&client, scopes).await
}

/// An API call as the linked account, with an optional JSON body and `If-Match`.
pub async fn call(
    app: &TestApp,
    l: &Linked,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    etag: Option<&str>,
) -> Response {
    let mut r = app
        .http
        .request(method, format!("{}{path}", app.address))
        .bearer_auth(&l.token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    if let Some(e) = etag {
        r = r.header("If-Match", e);
    }
    r.send().await.unwrap()
}

/// Waits until `done` holds, or fails after eight seconds.
pub async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    for _ in 0..80 {
        if done().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen");
}

//! Graph's refusals of query options, checked before any handler runs, the way Graph's URI parser
//! does: each resource says which options it takes, `$select`/`$expand`/`$filter`/`$orderby` name
//! properties of the resource's type (a derived type's only through a cast), and `Prefer` values
//! are checked. Also records which entry of switchboard's Graph request list each request is.

use super::graph::graph_error;
use super::schema::{derives_from, entity, has_property, navigation, EntityType};
use super::shape::split_top;
use super::FakeMicrosoft;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use switchboard::providers::office365::graph::surface;

/// What a resource answers to a GET (writes take no query options at all).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Entity,
    Collection {
        search: bool,
    },
    /// calendarView and instances: a collection bounded by a required time window.
    Window,
    /// `$value` streams: no options.
    Plain,
}

struct Rule {
    path: &'static str,
    entity: &'static str,
    kind: Kind,
    /// Parameters that are not system query options.
    params: &'static [&'static str],
}

const COLLECTION: Kind = Kind::Collection { search: false };

#[rustfmt::skip]
const RULES: &[Rule] = &[
    Rule { path: "/me", entity: "user", kind: Kind::Entity, params: &[] },
    Rule { path: "/me/mailboxSettings", entity: "mailboxSettings", kind: Kind::Entity, params: &[] },
    Rule { path: "/me/messages", entity: "message", kind: Kind::Collection { search: true }, params: &[] },
    Rule { path: "/me/mailFolders/{f}/messages", entity: "message", kind: Kind::Collection { search: true }, params: &[] },
    Rule { path: "/me/messages/{id}", entity: "message", kind: Kind::Entity, params: &[] },
    Rule { path: "/me/messages/{id}/$value", entity: "message", kind: Kind::Plain, params: &[] },
    Rule { path: "/me/messages/{id}/attachments", entity: "attachment", kind: COLLECTION, params: &[] },
    Rule { path: "/me/messages/{id}/attachments/{a}", entity: "attachment", kind: Kind::Entity, params: &[] },
    Rule { path: "/me/messages/{id}/attachments/{a}/$value", entity: "attachment", kind: Kind::Plain, params: &[] },
    Rule { path: "/me/mailFolders", entity: "mailFolder", kind: COLLECTION, params: &["includeHiddenFolders"] },
    Rule { path: "/me/mailFolders/{f}", entity: "mailFolder", kind: Kind::Entity, params: &[] },
    Rule { path: "/me/mailFolders/{f}/childFolders", entity: "mailFolder", kind: COLLECTION, params: &["includeHiddenFolders"] },
    Rule { path: "/me/calendars", entity: "calendar", kind: COLLECTION, params: &[] },
    Rule { path: "/me/{calendar}", entity: "calendar", kind: Kind::Entity, params: &[] },
    Rule { path: "/me/{calendar}/calendarView", entity: "event", kind: Kind::Window, params: &[] },
    Rule { path: "/me/{calendar}/events", entity: "event", kind: COLLECTION, params: &[] },
    Rule { path: "/me/{calendar}/events/{id}", entity: "event", kind: Kind::Entity, params: &[] },
    Rule { path: "/me/{calendar}/events/{id}/instances", entity: "event", kind: Kind::Window, params: &[] },
    Rule { path: "/me/{calendar}/events/{id}/attachments/{a}", entity: "attachment", kind: Kind::Entity, params: &[] },
    Rule { path: "/me/contacts", entity: "contact", kind: COLLECTION, params: &[] },
    Rule { path: "/me/contacts/{id}", entity: "contact", kind: Kind::Entity, params: &[] },
    Rule { path: "/me/contacts/{id}/photo/$value", entity: "contact", kind: Kind::Plain, params: &[] },
    Rule { path: "/me/todo/lists", entity: "todoTaskList", kind: COLLECTION, params: &[] },
    Rule { path: "/me/todo/lists/{l}", entity: "todoTaskList", kind: Kind::Entity, params: &[] },
    Rule { path: "/me/todo/lists/{l}/tasks", entity: "todoTask", kind: COLLECTION, params: &[] },
    Rule { path: "/me/todo/lists/{l}/tasks/{id}", entity: "todoTask", kind: Kind::Entity, params: &[] },
];

/// Routes of the fake that exist only for the direct API's tests (not Graph resources).
const DIRECT_ONLY: &[&str] = &["/_echo/", "/me/drive/"];

pub struct Refusal(pub &'static str, pub String);

fn parse_uri(name: &str, t: &EntityType) -> Refusal {
    Refusal(
        "RequestBroker--ParseUri",
        format!(
            "Could not find a property named '{name}' on type 'microsoft.graph.{}'.",
            t.name
        ),
    )
}

fn bad(message: String) -> Refusal {
    Refusal("BadRequest", message)
}

/// `prop`, or `microsoft.graph.derivedType/prop`: the type the name is read on, and the name.
fn cast<'a>(
    t: &'static EntityType,
    item: &'a str,
) -> Result<(&'static EntityType, &'a str), Refusal> {
    let Some((type_name, prop)) = item.split_once('/') else {
        return Ok((t, item));
    };
    let derived = type_name
        .strip_prefix("microsoft.graph.")
        .and_then(entity)
        .filter(|d| derives_from(d, t.name))
        .ok_or_else(|| {
            bad(format!(
                "The type '{type_name}' is not a type derived from 'microsoft.graph.{}'.",
                t.name
            ))
        })?;
    Ok((derived, prop))
}

pub fn check_select(t: &'static EntityType, select: &str) -> Result<(), Refusal> {
    for item in select.split(',').map(str::trim) {
        let (on, prop) = cast(t, item)?;
        if !has_property(on, prop) {
            return Err(parse_uri(prop, on));
        }
    }
    Ok(())
}

pub fn check_expand(t: &'static EntityType, expand: &str) -> Result<(), Refusal> {
    for item in split_top(expand, ',').into_iter().map(str::trim) {
        let (name, options) = match item.split_once('(') {
            Some((n, rest)) => (n, rest.strip_suffix(')').unwrap_or(rest)),
            None => (item, ""),
        };
        let (on, nav) = cast(t, name)?;
        let (target, expandable) = navigation(on, nav).ok_or_else(|| parse_uri(nav, on))?;
        if !expandable {
            return Err(bad(format!(
                "The navigation property '{nav}' cannot be expanded."
            )));
        }
        for option in split_top(options, ';')
            .into_iter()
            .filter(|o| !o.is_empty())
        {
            match option.split_once('=') {
                Some(("$select", value)) => match entity(target) {
                    Some(target) => check_select(target, value)?,
                    None => return Err(bad(format!("$select is not supported inside '{nav}'."))),
                },
                Some(("$filter", _)) if nav.ends_with("ExtendedProperties") => {}
                _ => {
                    return Err(bad(format!(
                        "The query option '{option}' is not supported inside $expand."
                    )))
                }
            }
        }
    }
    Ok(())
}

/// The properties a `$filter` or `$orderby` names must exist (the first step of each path).
/// Words are runs outside quotes between spaces, parentheses and commas; a word followed by `(`
/// is a function (or a lambda on a collection path), one with `:` a lambda variable.
fn check_names(t: &'static EntityType, text: &str) -> Result<(), Refusal> {
    const KEYWORDS: &[&str] = &[
        "and", "or", "not", "eq", "ne", "gt", "ge", "lt", "le", "in", "asc", "desc", "true",
        "false", "null",
    ];
    let mut words: Vec<(String, bool)> = Vec::new();
    let (mut word, mut quoted) = (String::new(), false);
    for c in text.chars() {
        match c {
            '\'' => quoted = !quoted,
            _ if quoted => {}
            ' ' | ',' | ')' => words.push((std::mem::take(&mut word), false)),
            '(' => words.push((std::mem::take(&mut word), true)),
            c => word.push(c),
        }
    }
    words.push((word, false));
    for (word, call) in words {
        let first = word.split('/').next().unwrap_or_default();
        let skip = !first.starts_with(|c: char| c.is_ascii_alphabetic())
            || word.contains(':')
            || KEYWORDS.contains(&word.as_str())
            || (call && !word.contains('/'));
        if !skip && !has_property(t, first) {
            return Err(parse_uri(first, t));
        }
    }
    Ok(())
}

fn check_option(
    rule: &Rule,
    t: &'static EntityType,
    key: &str,
    value: &str,
) -> Result<(), Refusal> {
    let listing = matches!(rule.kind, Kind::Collection { .. } | Kind::Window);
    let allowed = match key {
        "$select" => rule.kind != Kind::Plain,
        "$expand" => matches!(rule.kind, Kind::Entity | Kind::Collection { .. }),
        "$filter" | "$orderby" | "$top" | "$skip" | "$skiptoken" | "$count" => listing,
        "$search" => rule.kind == Kind::Collection { search: true },
        other if other.starts_with('$') => {
            return Err(bad(format!("Query option '{other}' is not supported.")))
        }
        other => {
            return match rule.params.contains(&other)
                || (rule.kind == Kind::Window && matches!(other, "startDateTime" | "endDateTime"))
            {
                true => Ok(()),
                false => Err(bad(format!(
                    "The query parameter '{other}' is not supported on this resource."
                ))),
            }
        }
    };
    if !allowed {
        return Err(bad(format!(
            "Query option '{key}' is not allowed on this resource."
        )));
    }
    match key {
        "$select" => check_select(t, value),
        "$expand" => check_expand(t, value),
        "$filter" | "$orderby" => check_names(t, value),
        "$top" => match value.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => Ok(()),
            _ => Err(Refusal(
                "ErrorInvalidUrlQuery",
                "The value of $top is invalid.".into(),
            )),
        },
        "$skip" => value
            .parse::<usize>()
            .map(|_| ())
            .map_err(|_| bad("Invalid $skip value.".into())),
        _ => Ok(()),
    }
}

fn check_query(rule: &Rule, pairs: &[(String, String)]) -> Result<(), Refusal> {
    let t = entity(rule.entity).expect("rule names a known type");
    for (key, value) in pairs {
        check_option(rule, t, key, value)?;
    }
    let has = |k: &str| pairs.iter().any(|(p, _)| p == k);
    let windowed = has("startDateTime") && has("endDateTime");
    // A nextLink carries the window inside its skip token.
    let next_page = has("$skip") || has("$skiptoken");
    if rule.kind == Kind::Window && !windowed && !next_page {
        return Err(Refusal(
            "ErrorInvalidParameter",
            "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.".into(),
        ));
    }
    Ok(())
}

/// The preferences sent (`name=value`, several per header or several headers), checked.
fn check_prefer(request: &Request) -> Result<Vec<String>, Refusal> {
    let mut names = Vec::new();
    for value in request
        .headers()
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        for pref in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, arg) = pref.split_once('=').unwrap_or((pref, ""));
            let arg = arg.trim_matches('"');
            match name {
                "outlook.timezone" if super::fixtures::zone_of(arg).is_none() => {
                    return Err(Refusal("TimeZoneNotSupportedException", format!("A valid TimeZone value must be specified. The following TimeZone value is not supported: '{arg}'.")))
                }
                "IdType" if !matches!(arg, "ImmutableId" | "RestId") => {
                    return Err(bad(format!("'{arg}' is not a valid IdType.")))
                }
                _ => {}
            }
            names.push(name.to_string());
        }
    }
    Ok(names)
}

/// Whether the caller's mailbox is one that refuses casts.
fn refuses_casts(fake: &FakeMicrosoft, request: &Request) -> bool {
    let token = request
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    fake.with(|i| {
        let user = i.access_tokens.get(token).map(|a| a.user.clone());
        i.users
            .iter()
            .any(|u| Some(&u.email) == user.as_ref() && u.refuses_casts)
    })
}

fn decoded_query(request: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Notes which entry of the Graph request list this request is, or that it is on none.
fn record(
    fake: &FakeMicrosoft,
    method: &str,
    path: &str,
    pairs: &[(String, String)],
    prefs: &[String],
) {
    let found = surface::find(method, path).filter(|c| {
        c.accepts_query(pairs.iter().map(|(k, _)| k.as_str()))
            && prefs.iter().all(|p| c.prefer.contains(&p.as_str()))
    });
    fake.with(|i| match found {
        Some(c) => *i.surface_hits.entry(c.name).or_default() += 1,
        None => {
            let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
            i.unlisted
                .push(format!("{method} {path} query {keys:?} prefer {prefs:?}"))
        }
    });
}

pub async fn check(State(fake): State<FakeMicrosoft>, request: Request, next: Next) -> Response {
    let full = request.uri().path().to_string();
    if full.starts_with("/upload/") {
        fake.with(|i| {
            *i.surface_hits
                .entry(surface::UPLOAD_RANGE.name)
                .or_default() += 1
        });
        return next.run(request).await;
    }
    let Some(path) = full.strip_prefix("/v1.0") else {
        return next.run(request).await;
    };
    if DIRECT_ONLY.iter().any(|p| path.starts_with(p)) {
        return next.run(request).await;
    }
    let pairs = decoded_query(&request);
    if refuses_casts(&fake, &request) {
        if let Some((_, select)) = pairs
            .iter()
            .find(|(k, v)| k.starts_with('$') && v.contains("microsoft.graph."))
        {
            let cast = select
                .split([',', '(', '='])
                .find(|p| p.starts_with("microsoft.graph."))
                .unwrap_or(select);
            let message = format!("Could not find a property named '{cast}' on type 'Microsoft.OutlookServices.Message'.");
            return graph_error(StatusCode::BAD_REQUEST, "RequestBroker--ParseUri", &message);
        }
    }
    let prefs = match check_prefer(&request) {
        Ok(p) => p,
        Err(Refusal(code, message)) => return graph_error(StatusCode::BAD_REQUEST, code, &message),
    };
    if let Some((code, message)) = super::delta_rules::refuse(path, &pairs) {
        return graph_error(StatusCode::BAD_REQUEST, code, &message);
    }
    let method = request.method().as_str().to_string();
    let rule = RULES
        .iter()
        .find(|r| surface::matches_template(r.path, path));
    let outcome = match rule {
        // A delta function's options were checked by its own rules above.
        _ if method == "GET" && path.ends_with("/delta") => Ok(()),
        Some(rule) if method == "GET" => check_query(rule, &pairs),
        _ if pairs.is_empty() => Ok(()),
        _ => Err(bad("This request takes no query options.".into())),
    };
    if let Err(Refusal(code, message)) = outcome {
        return graph_error(StatusCode::BAD_REQUEST, code, &message);
    }
    // A new item is posted to a collection, a change patched onto an item; the rest are actions.
    let writes_an_item = |r: &&Rule| match method.as_str() {
        "POST" => matches!(r.kind, Kind::Collection { .. }),
        "PATCH" => r.kind == Kind::Entity,
        _ => false,
    };
    let request = match rule.filter(writes_an_item) {
        Some(rule) => match super::bodies::checked_body(rule.entity, request).await {
            Ok(r) => r,
            Err(refused) => return refused,
        },
        None => request,
    };
    // A directory read (`/users/{id}`) was answered as `/me`; it is listed as itself.
    let listed = request
        .headers()
        .get(super::app_only::DIRECTORY_READ)
        .and_then(|v| v.to_str().ok())
        .unwrap_or(path)
        .to_string();
    record(&fake, &method, &listed, &pairs, &prefs);
    next.run(request).await
}

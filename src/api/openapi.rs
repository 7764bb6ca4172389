//! The OpenAPI 3.1 document, generated from the handlers' own annotations and the model types
//! they return (so it cannot drift from the code): served at `/openapi.json`, shown at `/docs`.
//! Authentication and the error answers every operation can give are added here in one place.

use utoipa::openapi::path::Operation;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};
use utoipa::{Modify, ToSchema};

/// `ApiRequestFailed`: every error answer.
#[derive(ToSchema)]
#[schema(as = ApiRequestFailed, rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ErrorAnswer {
    /// Stable, for programs: `scope.missing`, `token.dead`, `provider.throttled`, …
    code: String,
    /// For people: what happened and what to do.
    message: String,
    /// Also in the `X-Request-Id` header and in every log line of the request.
    request_id: String,
    /// Microsoft's own error body, when Microsoft caused the error.
    #[schema(value_type = Option<Object>)]
    original_error: Option<()>,
}

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "switchboard",
        description = "A unified API for Office 365 / Outlook.com accounts, following Aurinko's contract for the Office 365 subset.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    components(schemas(ErrorAnswer)),
    tags(
        (name = "Auth", description = "Linking accounts: the OAuth flow and code exchange"),
        (name = "Account", description = "The account a token belongs to"),
        (name = "Accounts", description = "An app's accounts"),
        (name = "Messages", description = "Mail"),
        (name = "EmailFolders", description = "Mail folders"),
        (name = "Drafts", description = "Drafts"),
        (name = "Calendars", description = "Calendars"),
        (name = "Events", description = "Events, series and responses"),
        (name = "FreeBusySchedule", description = "Availability"),
        (name = "Contacts", description = "Contacts"),
        (name = "TaskLists", description = "Microsoft To Do lists"),
        (name = "Tasks", description = "Microsoft To Do tasks"),
        (name = "EmailSync", description = "Changes of the whole mailbox: start a sync, then read what was updated and deleted"),
        (name = "ContSync", description = "Changes of the contacts: start a sync, then read what was updated and deleted"),
        (name = "TaskSync", description = "Changes of a To Do list's tasks"),
        (name = "CalSync", description = "Changes of the primary calendar's events in a window"),
        (name = "Direct", description = "Microsoft Graph, passed through with the account's token"),
        (name = "Health", description = "For load balancers and monitors"),
    )
)]
pub struct ApiDoc;

/// Who may call an operation, from its path (the extractor each handler uses follows the same
/// rule, and the suite checks that every secured operation refuses a caller without credentials).
fn security(path: &str) -> Option<Vec<SecurityRequirement>> {
    let empty: [&str; 0] = [];
    if path.starts_with("/v1/am/") || path.starts_with("/v1/auth/token/") {
        Some(vec![SecurityRequirement::new("AppAuth", empty)])
    } else if path.starts_with("/v1/") && !path.starts_with("/v1/auth/") {
        Some(vec![
            SecurityRequirement::new("AccountToken", empty),
            SecurityRequirement::new("AppAuth", empty).add("AccountIdHeader", empty),
        ])
    } else {
        None
    }
}

fn error(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                Content::new(Some(Ref::from_schema_name("ApiRequestFailed"))),
            )
            .build(),
    )
}

/// Which operations can answer an error.
#[derive(PartialEq)]
enum When {
    Always,
    /// Operations that change something (Microsoft may refuse the change as conflicting).
    Changing,
    /// Operations with a request body.
    WithBody,
    /// Operations that require `If-Match`.
    IfMatch,
}

/// The errors an operation can answer, beside its own.
const ERRORS: &[(&str, When, &str)] = &[
    ("400", When::Always, "The request is wrong; `message` says how (also Microsoft's refusals of it)."),
    ("401", When::Always, "Missing or wrong credentials, or the account's Microsoft grant is dead (`token.dead`)."),
    ("403", When::Always, "The account was linked without a scope this needs (`scope.missing`), or Microsoft denied it."),
    ("404", When::Always, "No such item, or not this app's."),
    ("408", When::WithBody, "The request body stopped arriving (`request.bodyTimeout`)."),
    ("409", When::Changing, "Microsoft refused the change as conflicting with what is there."),
    ("412", When::Changing, "`If-Match` named an etag the item no longer has: read it again."),
    ("428", When::IfMatch, "`If-Match` is missing: send the etag last read, or `*` (`precondition.required`)."),
    ("413", When::WithBody, "The request body is larger than this operation takes."),
    ("415", When::WithBody, "The body is not `application/json`."),
    ("424", When::Always, "The app's Azure credentials are wrong, expired or missing (`app.office365.*`)."),
    ("429", When::Always, "Microsoft is still throttling after retries; see `Retry-After`."),
    ("502", When::Always, "Microsoft answered something unreadable (`provider.badResponse`)."),
    ("503", When::Always, "Microsoft, its token endpoint or this service is busy or unavailable (`provider.busy`, `server.busy`, `request.timeout`, …); see `Retry-After`."),
    ("504", When::Always, "Microsoft did not answer in time; for a change, `provider.outcomeUnknown` says it may have been made."),
];

fn operations(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("Get", &mut item.get),
        ("Put", &mut item.put),
        ("Post", &mut item.post),
        ("Delete", &mut item.delete),
        ("Patch", &mut item.patch),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.as_mut().map(|op| (method, op)))
}

/// Adds the authentication schemes, each operation's security and its common error answers.
pub struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "AccountToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The account token from `POST /v1/auth/token/{code}`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "AppAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some("The app's clientId and clientSecret."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "AccountIdHeader",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Aurinko-Account-Id",
                "With app credentials: which of the app's accounts.",
            ))),
        );
        for (path, item) in doc.paths.paths.iter_mut() {
            let secured = security(path);
            let methods = operations(item).count();
            for (method, op) in operations(item) {
                op.security = secured.clone();
                // One handler for several methods (the direct API): one operationId each.
                if methods > 1 && path.starts_with("/v1/direct/") {
                    op.operation_id = op.operation_id.take().map(|id| format!("{id}{method}"));
                }
                if !path.starts_with("/v1/") {
                    continue;
                }
                let changing = method != "Get";
                let with_body = op.request_body.is_some();
                let if_match = op
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| p.name.eq_ignore_ascii_case("if-match"));
                for (status, when, description) in ERRORS {
                    let applies = match when {
                        When::Always => true,
                        When::Changing => changing,
                        When::WithBody => with_body,
                        When::IfMatch => if_match,
                    };
                    if !applies || (*status == "401" && secured.is_none()) {
                        continue;
                    }
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error(description));
                }
            }
        }
    }
}

/// The direct API's one path, whose Graph path has any number of segments.
#[derive(utoipa::OpenApi)]
#[openapi(paths(super::direct::forward))]
pub struct DirectDoc;

//! The one layer every request passes through. On the way in: its id and span
//! (`request_id`), the browser policy its answer will carry (`security_headers`), its time limits
//! (`request_limits`) and, for a large body, its share of the memory budget
//! (`guards::large_bodies`); on the way out the same in reverse. One layer rather than four:
//! each layer of its own costs every request boxed copies of everything beneath it.

use super::{request_id, request_limits, security_headers};
use crate::guards::large_bodies;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let arrival = request_id::Arrival::of(&req);
    let csp = security_headers::policy(req.uri().path());
    // The direct API streams: bounded by its Graph time-out, its body never held here.
    let streams = request_limits::streams(&req);
    let counted = large_bodies::counted(&req).filter(|_| !streams);
    let req = request_limits::watch_body(&state.settings.limits, req);
    let handled = async {
        let permit = match large_bodies::admit(&state.large_bodies, counted).await {
            Ok(permit) => permit,
            Err(refused) => return refused,
        };
        let response = next.run(req).await;
        drop(permit);
        response
    };
    let mut response = request_limits::within_time(&state, streams, handled)
        .instrument(arrival.span().clone())
        .await;
    security_headers::apply(&mut response, csp);
    arrival.finish(&state, response)
}

//! JSON answers, written straight into one buffer. axum's `Json` writes through a `BytesMut`
//! writer whose bookkeeping on every small write (each key, each quote) cost more than the
//! escaping itself on a page of mail.

use crate::error::ApiError;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Where the buffer starts: an item fits; a page grows it by doubling.
const START: usize = 1024;

/// A JSON answer (`application/json`).
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut buf = Vec::with_capacity(START);
        match serde_json::to_writer(&mut buf, &self.0) {
            Ok(()) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                buf,
            )
                .into_response(),
            Err(e) => ApiError::internal(e).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_answer_is_its_value_in_json_with_its_type_and_length() {
        let value = serde_json::json!({"records": ["a\"b", "é", "x".repeat(5000)], "n": 3});
        let response = Json(&value).into_response();
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let back: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(back, value);
        assert_eq!(body, serde_json::to_vec(&value).unwrap());
    }
}

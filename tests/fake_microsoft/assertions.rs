//! Certificate credentials at the token endpoint (`certificate-credentials`): a client assertion
//! (`client_assertion_type` jwt-bearer) instead of a secret — a JWT whose header names a
//! certificate registered on the app (`x5t#S256`), signed with its key (PS256 here; RS256 is
//! refused, stricter than Microsoft), whose `aud` is this token endpoint, `iss` and `sub` the
//! client id, and whose `nbf`/`exp` hold now.

use super::{now, FakeMicrosoft, Inner};
use axum::http::StatusCode;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::Verifier;
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A refusal as the token endpoint words it: status, error, AADSTS number, text.
pub type Refusal = (StatusCode, &'static str, u32, String);

impl FakeMicrosoft {
    /// Uploads a certificate to the app registration (the test passes the key pair's private
    /// half so that the fake can learn the public key without parsing X.509).
    pub fn add_certificate(&self, client_id: &str, certificate_pem: &str, key_pem: &str) {
        let body: String = certificate_pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let der = STANDARD.decode(body).expect("a PEM certificate");
        let thumbprint = URL_SAFE_NO_PAD.encode(Sha256::digest(der));
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(key_pem).expect("a PKCS #8 key");
        self.with(|i| {
            i.certificates
                .insert(client_id.to_string(), (thumbprint, key.to_public_key()))
        });
    }
}

fn invalid(code: u32, text: &str) -> Refusal {
    (
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        code,
        text.to_string(),
    )
}

fn part(text: &str) -> Option<Value> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(text).ok()?).ok()
}

/// Checks a client assertion sent to `endpoint` for `client_id`.
pub fn verify(
    i: &Inner,
    client_id: &str,
    endpoint: &str,
    kind: Option<&str>,
    assertion: &str,
) -> Result<(), Refusal> {
    if kind != Some(JWT_BEARER) {
        return Err(invalid(
            50027,
            "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer.",
        ));
    }
    let pieces: Vec<&str> = assertion.split('.').collect();
    let [head, body, signature] = pieces.as_slice() else {
        return Err(invalid(
            50027,
            "Invalid JWT token. The token is not in JWS compact format.",
        ));
    };
    let (Some(header), Some(claims)) = (part(head), part(body)) else {
        return Err(invalid(
            50027,
            "Invalid JWT token. The header or payload is not JSON.",
        ));
    };
    let Some((thumbprint, key)) = i.certificates.get(client_id) else {
        return Err(invalid(700027, "Client assertion failed signature validation: no certificate is registered on the application."));
    };
    if header["x5t#S256"].as_str() != Some(thumbprint.as_str()) {
        return Err(invalid(700027, "Client assertion contains an invalid signature: the key used is not registered on the application."));
    }
    if header["alg"] != "PS256" {
        return Err(invalid(
            700027,
            "Client assertion failed signature validation: PS256 is expected.",
        ));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|s| rsa::pss::Signature::try_from(s.as_slice()).ok());
    let verifying = rsa::pss::VerifyingKey::<Sha256>::new(key.clone());
    let signed = format!("{head}.{body}");
    if signature.is_none_or(|s| verifying.verify(signed.as_bytes(), &s).is_err()) {
        return Err(invalid(
            700027,
            "Client assertion failed signature validation.",
        ));
    }
    if claims["iss"] != client_id || claims["sub"] != client_id {
        return Err(invalid(
            700021,
            "Client assertion application identifier doesn't match 'client_id' parameter.",
        ));
    }
    if claims["aud"] != endpoint {
        return Err(invalid(
            700021,
            &format!("Client assertion audience claim does not match Realm issuer ({endpoint})."),
        ));
    }
    let t = now();
    let (nbf, exp) = (claims["nbf"].as_i64(), claims["exp"].as_i64());
    if nbf.is_none_or(|n| n > t + 300) || exp.is_none_or(|e| e <= t) {
        return Err(invalid(
            700024,
            "Client assertion is not within its valid time range.",
        ));
    }
    Ok(())
}

//! Certificate credentials, as Microsoft recommends over client secrets: the app's X.509
//! certificate (uploaded to the Azure app registration) and its RSA private key (kept here,
//! encrypted). Each token request carries a client assertion: a JWT (`alg` PS256, `x5t#S256` the
//! certificate's SHA-256 thumbprint; `aud` the token endpoint, `iss` = `sub` = the client id,
//! `jti`, `nbf`, `iat`, `exp` five minutes on) signed with the key (RSASSA-PSS, SHA-256).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::pss::BlindedSigningKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::json;
use sha2::{Digest, Sha256};

/// How long a client assertion may be used.
const ASSERTION_SECONDS: i64 = 300;

/// A certificate and its private key, ready to sign client assertions.
pub struct Certificate {
    /// `x5t#S256`: the base64url SHA-256 of the certificate's DER encoding.
    pub thumbprint: String,
    key: RsaPrivateKey,
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certificate")
            .field("thumbprint", &self.thumbprint)
            .finish_non_exhaustive()
    }
}

/// The DER bytes of the first PEM block labelled `label`.
fn pem_block(text: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    let body: String = text[start..stop].split_whitespace().collect();
    STANDARD.decode(body).ok()
}

/// The SHA-256 thumbprint (`x5t#S256`) of a PEM certificate.
pub fn thumbprint(certificate_pem: &str) -> Option<String> {
    let der = pem_block(certificate_pem, "CERTIFICATE")?;
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(der)))
}

impl Certificate {
    /// Reads a PEM certificate and its PEM RSA private key (PKCS #8 `PRIVATE KEY` or PKCS #1
    /// `RSA PRIVATE KEY`, unencrypted); says in plain words what is wrong.
    pub fn parse(certificate_pem: &str, key_pem: &str) -> Result<Certificate, String> {
        let der = pem_block(certificate_pem, "CERTIFICATE").ok_or(
            "the certificate must be PEM (-----BEGIN CERTIFICATE-----), as exported for Azure",
        )?;
        let key = RsaPrivateKey::from_pkcs8_pem(key_pem.trim())
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(key_pem.trim()))
            .map_err(|_| "the private key must be an unencrypted RSA key in PEM (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)")?;
        if key.size() < 256 {
            return Err("the key must have at least 2048 bits".into());
        }
        // The certificate carries the key's public modulus in its SubjectPublicKeyInfo.
        let modulus = key.n().to_bytes_be();
        if !der.windows(modulus.len()).any(|w| w == modulus.as_slice()) {
            return Err("the private key does not belong to this certificate".into());
        }
        Ok(Certificate {
            thumbprint: URL_SAFE_NO_PAD.encode(Sha256::digest(&der)),
            key,
        })
    }

    /// A client assertion for one request to `audience` (the token endpoint it is sent to).
    pub fn assertion(&self, client_id: &str, audience: &str, now: i64) -> String {
        let header = json!({"alg": "PS256", "typ": "JWT", "x5t#S256": self.thumbprint});
        let claims = json!({
            "aud": audience, "iss": client_id, "sub": client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": now, "iat": now, "exp": now + ASSERTION_SECONDS,
        });
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signer = BlindedSigningKey::<Sha256>::new(self.key.clone());
        let signature = signer.sign_with_rng(&mut rand::thread_rng(), signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = include_str!("../../tests/fixtures/app-certificate.pem");
    const KEY: &str = include_str!("../../tests/fixtures/app-key.pem");

    #[test]
    fn a_certificate_and_its_key_sign_a_ps256_assertion_for_one_endpoint() {
        let c = Certificate::parse(CERT, KEY).unwrap();
        assert_eq!(Some(c.thumbprint.clone()), thumbprint(CERT));
        let a = c.assertion(
            "client-1",
            "https://login.example/t/oauth2/v2.0/token",
            1000,
        );
        let parts: Vec<&str> = a.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["alg"], "PS256");
        assert_eq!(header["x5t#S256"], c.thumbprint.as_str());
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["iss"], "client-1");
        assert_eq!(claims["sub"], "client-1");
        assert_eq!(claims["exp"], 1300);
        use rsa::signature::Verifier;
        let verifying = rsa::pss::VerifyingKey::<Sha256>::new(c.key.to_public_key());
        let signature =
            rsa::pss::Signature::try_from(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().as_slice())
                .unwrap();
        let signed = format!("{}.{}", parts[0], parts[1]);
        assert!(verifying.verify(signed.as_bytes(), &signature).is_ok());
    }

    #[test]
    fn wrong_inputs_are_named() {
        let e = Certificate::parse("not pem", KEY).unwrap_err();
        assert!(e.contains("certificate must be PEM"), "{e}");
        let e = Certificate::parse(
            CERT,
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        )
        .unwrap_err();
        assert!(e.contains("unencrypted RSA key"), "{e}");
        let other = rsa::pkcs8::EncodePrivateKey::to_pkcs8_pem(
            &RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap(),
            rsa::pkcs8::LineEnding::LF,
        )
        .unwrap();
        let e = Certificate::parse(CERT, &other).unwrap_err();
        assert!(e.contains("does not belong"), "{e}");
    }
}

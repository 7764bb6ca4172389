//! Account look-ups by account token, taken together: the look-ups asked for while one statement
//! runs are answered by the next, one statement for all of them (`token_hash IN (...)`).
//!
//! A look-up's time is mostly the trip to the database connection and back, not the reading, so
//! one statement for many costs about what one costs: look-ups need one connection rather than a
//! pool of them. On SQLite that connection is the only one to read the accounts' pages many times
//! over, and it keeps them in its own page cache, once (see `sqlite`).
//!
//! A look-up that cannot be taken together (the runner is gone, or its statement failed) is made
//! alone, and its own error, if any, is the one its caller gets.

use super::{AccountRecord, StoreResult};
use futures_util::future::BoxFuture;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The most look-ups one statement answers (each is a bound parameter).
const MOST: usize = 64;

/// What a statement for several tokens found: each found token's hash with its account.
pub type Found = Vec<(Vec<u8>, Arc<AccountRecord>)>;

/// The statement: the accounts of these (distinct) token hashes.
type Read = Arc<dyn Fn(Vec<Vec<u8>>) -> BoxFuture<'static, StoreResult<Found>> + Send + Sync>;

struct Ask {
    token_hash: Vec<u8>,
    /// `None`: not taken together.
    answer: oneshot::Sender<Option<Option<Arc<AccountRecord>>>>,
}

#[derive(Clone)]
pub struct TokenLookups {
    asks: mpsc::UnboundedSender<Ask>,
    read: Read,
}

impl TokenLookups {
    /// Starts the runner, which reads up to [`MOST`] distinct token hashes at a time.
    pub fn start(
        read: impl Fn(Vec<Vec<u8>>) -> BoxFuture<'static, StoreResult<Found>> + Send + Sync + 'static,
    ) -> Self {
        let read: Read = Arc::new(read);
        let (asks, waiting) = mpsc::unbounded_channel::<Ask>();
        tokio::spawn(run(waiting, read.clone()));
        TokenLookups { asks, read }
    }

    /// The account of a token hash, looked up with whatever else is asked meanwhile (or alone,
    /// when that cannot be).
    pub async fn account(&self, token_hash: &[u8]) -> StoreResult<Option<Arc<AccountRecord>>> {
        let (answer, answered) = oneshot::channel();
        let ask = Ask {
            token_hash: token_hash.to_vec(),
            answer,
        };
        if self.asks.send(ask).is_ok() {
            if let Ok(Some(together)) = answered.await {
                return Ok(together);
            }
        }
        let found = (self.read)(vec![token_hash.to_vec()]).await?;
        Ok(found.into_iter().next().map(|(_, account)| account))
    }
}

/// Answers what is waiting, one statement at a time, until every handle is gone.
async fn run(mut waiting: mpsc::UnboundedReceiver<Ask>, read: Read) {
    let mut taken = Vec::with_capacity(MOST);
    while waiting.recv_many(&mut taken, MOST).await > 0 {
        let mut hashes: Vec<Vec<u8>> = taken.iter().map(|a| a.token_hash.clone()).collect();
        hashes.sort_unstable();
        hashes.dedup();
        let found = read(hashes).await.ok();
        for ask in taken.drain(..) {
            let answer = found.as_ref().map(|found| {
                found
                    .iter()
                    .find(|(hash, _)| *hash == ask.token_hash)
                    .map(|(_, account)| account.clone())
            });
            let _ = ask.answer.send(answer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;
    use std::sync::Mutex;

    /// An account whose id is its token hash's first byte.
    fn account(hash: &[u8]) -> Arc<AccountRecord> {
        Arc::new(AccountRecord {
            id: hash[0].into(),
            app_id: 1,
            service_type: "Office365".into(),
            tenant_id: "t".into(),
            object_id: "o".into(),
            email: None,
            name: None,
            timezone: None,
            auth_scopes: vec![],
            permissions: vec![],
            token_status: crate::store::TokenStatus::Active,
            token_error: None,
            auth_obtained_at: None,
            created_at: 0,
            updated_at: 0,
            access_expires_at: None,
            kind: crate::store::AccountKind::Personal,
        })
    }

    /// A statement that finds the accounts of `known` hashes (or fails) and keeps how many
    /// hashes each run was given.
    fn reads(
        known: &'static [&'static [u8]],
        fail: bool,
    ) -> (TokenLookups, Arc<Mutex<Vec<usize>>>) {
        let runs = Arc::new(Mutex::new(Vec::new()));
        let kept = runs.clone();
        let lookups = TokenLookups::start(move |hashes| {
            kept.lock().unwrap().push(hashes.len());
            Box::pin(async move {
                match fail {
                    true => Err(StoreError::Corrupt("no database".into())),
                    false => Ok(hashes
                        .into_iter()
                        .filter(|hash| known.contains(&hash.as_slice()))
                        .map(|hash| {
                            let account = account(&hash);
                            (hash, account)
                        })
                        .collect()),
                }
            })
        });
        (lookups, runs)
    }

    #[tokio::test]
    async fn look_ups_asked_meanwhile_are_one_statement_of_distinct_tokens() {
        let (lookups, runs) = reads(&[b"a", b"c"], false);
        let hashes = [b"a".as_slice(), b"b", b"a", b"c", b"b", b"a"];
        let asked = hashes.map(|hash| lookups.account(hash));
        let answers = futures_util::future::join_all(asked).await;
        for (hash, answer) in hashes.iter().zip(answers) {
            let expected = (*hash != b"b").then(|| i64::from(hash[0]));
            assert_eq!(answer.unwrap().map(|a| a.id), expected, "{hash:?}");
        }
        assert_eq!(*runs.lock().unwrap(), [3]);
    }

    #[tokio::test]
    async fn a_failed_statement_leaves_each_look_up_to_be_made_alone() {
        let (lookups, runs) = reads(&[], true);
        let asked = [b"a".as_slice(), b"b"].map(|hash| lookups.account(hash));
        for answer in futures_util::future::join_all(asked).await {
            assert!(matches!(answer, Err(StoreError::Corrupt(_))));
        }
        assert_eq!(*runs.lock().unwrap(), [2, 1, 1]);
    }
}

//! Account look-ups by account token, taken together: the look-ups asked for while one statement
//! runs are answered by the next, one statement for all of them (`token_hash IN (...)`).
//!
//! A look-up's time is mostly the trip to the database connection and back, not the reading, so
//! one statement for many costs about what one costs: look-ups need one connection rather than a
//! pool of them. On SQLite that connection is the only one to read the accounts' pages many times
//! over, and it keeps them in its own page cache, once (see `sqlite`).
//!
//! A look-up that cannot be taken together (the runner is gone, or its statement failed) is made
//! alone by the caller, whose own error, if any, is then the one it gets.

use super::{AccountRecord, StoreResult};
use std::future::Future;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// The most look-ups one statement answers (each is a bound parameter).
pub const MOST: usize = 64;

/// What a statement for several tokens found: each found token's hash with its account.
pub type Found = Vec<(Vec<u8>, Arc<AccountRecord>)>;

struct Ask {
    token_hash: Vec<u8>,
    /// `None`: not taken together; the caller looks it up alone.
    answer: oneshot::Sender<Option<Option<Arc<AccountRecord>>>>,
}

#[derive(Clone)]
pub struct TokenLookups {
    asks: mpsc::UnboundedSender<Ask>,
}

impl TokenLookups {
    /// Starts the runner, which calls `read` with up to [`MOST`] distinct token hashes at a time.
    pub fn start<R, F>(read: R) -> Self
    where
        R: Fn(Vec<Vec<u8>>) -> F + Send + 'static,
        F: Future<Output = StoreResult<Found>> + Send,
    {
        let (asks, mut waiting) = mpsc::unbounded_channel::<Ask>();
        tokio::spawn(async move {
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
        });
        TokenLookups { asks }
    }

    /// The account of a token hash, looked up with whatever else is asked meanwhile; `None` when
    /// it could not be (then the caller looks it up alone).
    pub async fn account(&self, token_hash: &[u8]) -> Option<Option<Arc<AccountRecord>>> {
        let (answer, answered) = oneshot::channel();
        let ask = Ask {
            token_hash: token_hash.to_vec(),
            answer,
        };
        self.asks.send(ask).ok()?;
        answered.await.ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreError;

    #[tokio::test]
    async fn a_failed_statement_leaves_each_look_up_to_its_caller() {
        let lookups =
            TokenLookups::start(|_| async { Err(StoreError::Corrupt("no database".into())) });
        let asked = [b"a".as_slice(), b"b"].map(|hash| lookups.account(hash));
        for answer in futures_util::future::join_all(asked).await {
            assert!(answer.is_none());
        }
    }
}

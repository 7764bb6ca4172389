//! Password hashing (argon2id, PHC strings): a few at a time, on threads of its own, each thread
//! hashing in one buffer it keeps. Each hash needs ~19 MiB; left to the allocator, every one of
//! them stayed resident (measured: +19 MiB per sign-in until the allocator's arenas were full), so
//! the memory is reused instead and the total stays at that many buffers. A request that cannot
//! get a turn within the queue wait is told to retry rather than queued without end.

use super::{input, OwnerError};
use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// A hashing thread's work, given the thread's buffer.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// Stored hashes with more memory than this many times the default are not checked.
const MAX_MEMORY_FACTOR: usize = 4;

pub struct Hashing {
    turns: Semaphore,
    wait: Duration,
    threads: usize,
    jobs: OnceLock<mpsc::Sender<Job>>,
}

impl Hashing {
    pub fn new(at_once: usize, wait: Duration) -> Self {
        Hashing {
            turns: Semaphore::new(at_once.max(1)),
            wait,
            threads: at_once.max(1),
            jobs: OnceLock::new(),
        }
    }

    /// The hashing threads, started on first use; they end with the service.
    fn jobs(&self) -> &mpsc::Sender<Job> {
        self.jobs.get_or_init(|| {
            let (sender, receiver) = mpsc::channel::<Job>();
            let receiver = Arc::new(Mutex::new(receiver));
            for n in 0..self.threads {
                let receiver = receiver.clone();
                std::thread::Builder::new()
                    .name(format!("password-hash-{n}"))
                    .spawn(move || {
                        let mut memory = Vec::new();
                        while let Ok(Ok(job)) = receiver.lock().map(|r| r.recv()) {
                            job(&mut memory);
                        }
                    })
                    .expect("a hashing thread starts");
            }
            sender
        })
    }

    /// Runs `work` on a hashing thread when a turn is free.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, OwnerError> {
        let Ok(Ok(_turn)) = tokio::time::timeout(self.wait, self.turns.acquire()).await else {
            return Err(OwnerError::Busy(self.wait.as_secs().max(1)));
        };
        let (done, result) = tokio::sync::oneshot::channel();
        self.jobs()
            .send(Box::new(move |memory: &mut Vec<Block>| {
                let _ = done.send(work(memory));
            }))
            .map_err(|_| input("password", "hashing is not available"))?;
        result
            .await
            .map_err(|_| input("password", "hashing failed"))
    }

    /// A new argon2id hash of `password` (a PHC string).
    pub async fn hash(&self, password: SecretString) -> Result<String, OwnerError> {
        self.run(move |memory| hash_in(memory, password.expose_secret().as_bytes()))
            .await?
            .map_err(|e| input("password", format!("the password cannot be hashed: {e}")))
    }

    /// Whether `password` matches `stored` (compared in constant time).
    pub async fn verify(&self, password: SecretString, stored: String) -> Result<bool, OwnerError> {
        self.run(move |memory| verify_in(memory, password.expose_secret().as_bytes(), &stored))
            .await
    }
}

/// `memory` grown to `blocks` if it is smaller.
fn room(memory: &mut Vec<Block>, blocks: usize) {
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
}

fn hash_in(
    memory: &mut Vec<Block>,
    password: &[u8],
) -> Result<String, argon2::password_hash::Error> {
    let argon = Argon2::default();
    let params = argon.params().clone();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt.as_salt().decode_b64(&mut salt_bytes)?;
    room(memory, params.block_count());
    let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let hash = Output::init_with(output_len, |out| {
        argon
            .hash_password_into_with_memory(password, raw_salt, out, &mut memory[..])
            .map_err(Into::into)
    })?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(hash),
    };
    Ok(phc.to_string())
}

fn verify_in(memory: &mut Vec<Block>, password: &[u8], stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (phc.hash, phc.salt) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm) else {
        return false;
    };
    let version = match phc.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&phc) else {
        return false;
    };
    if params.block_count() > Params::default().block_count() * MAX_MEMORY_FACTOR {
        return false;
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    room(memory, params.block_count());
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password, raw_salt, &mut out, &mut memory[..])
        .is_ok()
        && Output::new(&out).is_ok_and(|computed| computed == expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordVerifier;

    #[test]
    fn hashes_are_standard_phc_strings_that_verify_either_way() {
        let mut memory = Vec::new();
        let ours = hash_in(&mut memory, b"a long passphrase").unwrap();
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"a long passphrase", &parsed)
            .is_ok());
        assert!(verify_in(&mut memory, b"a long passphrase", &ours));
        assert!(!verify_in(&mut memory, b"another passphrase", &ours));
        // Hashes made the crate's usual way (as before this buffer) still verify.
        let salt = SaltString::generate(&mut OsRng);
        let theirs = argon2::PasswordHasher::hash_password(&Argon2::default(), b"old one", &salt)
            .unwrap()
            .to_string();
        assert!(verify_in(&mut memory, b"old one", &theirs));
        assert!(!verify_in(
            &mut memory,
            b"old one",
            "$argon2id$v=19$garbage"
        ));
    }
}

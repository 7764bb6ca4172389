//! What keeps one client or one burst from taking the service from the others: the memory budget
//! for large request bodies, and the backoff on failed portal sign-ins.

pub mod large_bodies;
pub mod signin_limit;

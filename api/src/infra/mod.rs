//! Infrastructure behind traits: the clock (and, as later issues add them, Redis-backed
//! implementations with in-process twins).

pub mod classifier;
pub mod clock;
pub mod events;
pub mod locks;
pub mod outbox;
pub mod ratelimit;
pub mod reauth;
pub mod registry;
pub mod scanner;
pub mod scheduler;
pub mod storage;

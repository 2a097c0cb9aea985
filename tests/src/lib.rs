//! Test support: spawn the real server.

//! C fixtures.

#pragma once
// libsodium's one-time initialisation. sodium_init() picks the fastest implementation of each
// primitive the processor supports (BLAKE2b's among them) and prepares the random source. Every
// function of this library that uses libsodium calls initSodium() first, so callers never need
// to; a layer that calls libsodium itself should do the same.

namespace dais::crypto {

/// Initialises libsodium once per process; later calls cost one check. Safe to call from
/// several threads at once. Throws std::runtime_error when libsodium cannot be initialised
/// (which leaves the process without working cryptography: nothing to recover).
void initSodium();

}  // namespace dais::crypto

#pragma once
// Digests that identify things a layer handles (a model update, a block, a job) across a run's
// events, the run store and the programs: SHA-256 of their bytes, written as 64 lower-case hex
// digits, and the prefixes of that text a person types to find one.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "dais/core/services.h"

namespace dais::core {

/// SHA-256 (FIPS 180-4) of `bytes`.
Digest sha256(std::span<const std::byte> bytes);
/// SHA-256 of the bytes of `values` as they lie in memory (a model's weights, bit for bit).
Digest sha256(std::span<const double> values);

/// 64 lower-case hex digits.
std::string digestHex(const Digest& d);
/// A digest from its 64 hex digits (either case); nullopt for anything else.
std::optional<Digest> parseDigest(std::string_view hex);
/// Whether `text` can start a digest's hex: 1 to 64 hex digits (either case).
bool isDigestPrefix(std::string_view text);

}  // namespace dais::core

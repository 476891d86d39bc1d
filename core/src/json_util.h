#pragma once
// Small helpers shared by the schema validator, the scenario loader and --set overrides:
// JSON pointers, values quoted for messages, "did you mean" suggestions, exact comparison of
// JSON numbers, and sorting issues into document order. Internal to dais_core.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/json_pointer.h"
#include "dais/core/json_schema.h"

namespace dais::core::detail {

using Json = nlohmann::ordered_json;

using core::childPointer;
using core::splitPointer;
/// The parts of a dotted path ("network.groups.0" -> network, groups, 0); empty parts kept.
std::vector<std::string> splitDotted(std::string_view path);

/// At most about `max` bytes of `text`: a longer text is cut (never inside a UTF-8 character)
/// and ends in "...". Messages quote names, paths and values through it, so a huge bad value
/// gives a readable message, not a huge one.
std::string clipped(std::string_view text, std::size_t max = 60);
/// The offset of the first byte of `text` that is not part of well-formed UTF-8, or npos.
std::size_t invalidUtf8At(std::string_view text);
/// `text` for a message: bytes that are not UTF-8 written as "\xFF", the rest as it is.
std::string printable(std::string_view text);
/// A JSON pointer as messages show it: clipped to a readable length.
std::string shownPointer(std::string_view pointer);
/// A string as a JSON string literal ("phones"), safe for any bytes, clipped if long.
std::string quote(std::string_view text);
/// A value as it appears in a message after "got": JSON text, shortened if long.
std::string showValue(const Json& value);

/// Optimal-string-alignment distance (insertions, deletions, substitutions, transpositions).
std::size_t editDistance(std::string_view a, std::string_view b);
/// " (did you mean "x"?)" for the closest candidate if it is close enough to be a likely typo
/// of `word`, else "".
std::string didYouMean(std::string_view word, const std::vector<std::string>& candidates);

/// Compares two JSON numbers exactly (signed, unsigned and floating point mixed): <0, 0, >0.
int compareNumbers(const Json& a, const Json& b);
/// True for numbers with an integral value (1, -3, 2.0, 1e30).
bool isIntegral(const Json& value);

/// The order in which to list `pointers` (indices into it): by where they lead in `doc`, in
/// the document's own key order; stable for equal places; a pointer to a missing member comes
/// after its parent's existing members.
std::vector<std::size_t> documentOrder(const Json& doc, const std::vector<std::string>& pointers);

}  // namespace dais::core::detail

#pragma once
// Reading JSON text strictly: syntax errors with 1-based line and column, duplicate keys
// (which nlohmann would silently collapse), and a nesting limit so no input can exhaust the
// stack later. Internal to dais_core.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/json_schema.h"

namespace dais::core::detail {

struct JsonSyntaxError {
    std::size_t line = 1, column = 1;  ///< 1-based; columns count characters, not bytes
    bool located = true;               ///< false if the position is not known
    std::string message;               ///< e.g. "unexpected end of input; expected ']'"
};

struct ParsedJson {
    nlohmann::ordered_json value;                ///< the document, keys in file order
    std::optional<JsonSyntaxError> syntaxError;  ///< set if the text is not JSON
    std::vector<JsonIssue> duplicateKeys;        ///< "duplicate key ..." at the repeated key
};

/// Objects and arrays may nest this deep, no deeper.
inline constexpr std::size_t kMaxJsonDepth = 200;

ParsedJson parseJson(std::string_view text);

}  // namespace dais::core::detail

#pragma once
// JSON pointers (RFC 6901), the one way DAIS names a place in a scenario: in validation
// messages, --set overrides, the studio's property panel and canvas, and run comparisons.
// A reference token escapes "~" as "~0" and "/" as "~1".

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace dais::core {

/// One reference token escaped for a pointer: "a/b~c" -> "a~1b~0c".
std::string escapePointerToken(std::string_view token);
/// One escaped reference token read back: "a~1b~0c" -> "a/b~c".
std::string unescapePointerToken(std::string_view token);
/// `parent` + "/" + the escaped key.
std::string childPointer(std::string_view parent, std::string_view key);
/// `parent` + "/" + the index.
std::string childPointer(std::string_view parent, std::size_t index);
/// The unescaped reference tokens of a pointer ("" has none; "/" has one, empty).
std::vector<std::string> splitPointer(std::string_view pointer);

}  // namespace dais::core

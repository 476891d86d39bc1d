#pragma once
// The scenario schema file's bytes, embedded at build time (see core/cmake/embed_file.cmake).

#include <cstddef>

namespace dais::core::detail {

extern const char kScenarioSchemaV1[];
extern const std::size_t kScenarioSchemaV1Size;

}  // namespace dais::core::detail

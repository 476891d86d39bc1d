#pragma once
// A --set override (scenario_override.cpp) applied to a document in place and taken back
// afterwards, for checking many variants of one large document without copying it. Internal to
// dais_core.

#include <optional>
#include <string>
#include <string_view>

#include "dais/core/result.h"
#include "json_util.h"

namespace dais::core::detail {

/// What one override changed: the place, and the value it held there (none if the override
/// created the member, with any missing parents).
struct OverrideUndo {
    std::string pointer;
    std::optional<Json> previous;
};

/// applyOverride(doc, assignment), also saying how to take it back; on error `doc` is unchanged.
Result<OverrideUndo> applyOverrideUndoable(Json& doc, std::string_view assignment);
/// Takes back an override that `undo` describes; overrides are taken back newest first.
void undoOverride(Json& doc, OverrideUndo& undo);

}  // namespace dais::core::detail

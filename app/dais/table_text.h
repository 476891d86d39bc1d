#pragma once
// The layers' tables (inspectors) as `dais run --inspect` and `dais runs show --table` print
// them: aligned columns under a header, or JSON.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/inspector.h"
#include "dais/core/result.h"

namespace dais::app {

/// Rows printed as text when --rows is not given.
inline constexpr std::size_t kDefaultTableRows = 25;

/// The table `word` names among `names`: its full name, or the part after the dot when only one
/// of them has it. The error (without the option's name) says where it looked and lists the
/// tables there are: "no table \"x\" " + where + " (" + owner + ": a.b, a.c)", e.g.
/// where "in this scenario", owner "its layers have".
core::Result<std::string> resolveTableName(const std::string& word,
                                           const std::vector<std::string>& names,
                                           const std::string& where, const std::string& owner);
/// --rows: a whole number from 1, or "all" (nullopt: every row).
core::Result<std::optional<std::size_t>> parseRowLimit(const std::string& value);

/// Prints the table on stdout: a title line, a header and at most `rows` rows (nullopt: all),
/// then how many more there are.
void printTable(const core::InspectorTable& t, std::optional<std::size_t> rows);
/// The table as JSON: its title, time, columns, key, parent and rows (objects keyed by column
/// name), at most `rows` of them (nullopt: all).
nlohmann::json tableJson(const core::InspectorTable& t, std::optional<std::size_t> rows);

}  // namespace dais::app

#include "table_text.h"

#include <algorithm>
#include <cstdio>

#include "cli.h"
#include "dais/sim/time.h"

namespace dais::app {

namespace {

/// Characters on a terminal: UTF-8 continuation bytes take no room.
std::size_t displayWidth(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

bool rightAligned(core::ColumnType t) {
    return t == core::ColumnType::Integer || t == core::ColumnType::Real ||
           t == core::ColumnType::Time || t == core::ColumnType::Bytes;
}

std::string header(const core::ColumnSpec& c) {
    return c.type == core::ColumnType::Time ? c.name + " (s)" : c.name;
}

std::string pad(const std::string& s, std::size_t width, bool right) {
    const std::size_t w = displayWidth(s);
    if (w >= width) return s;
    const std::string space(width - w, ' ');
    return right ? space + s : s + space;
}

}  // namespace

core::Result<std::string> resolveTableName(const std::string& word,
                                           const std::vector<std::string>& names,
                                           const std::string& where, const std::string& owner) {
    std::vector<std::string> matches;
    for (const std::string& n : names) {
        if (n == word) return n;
        const auto dot = n.find('.');
        if (dot != std::string::npos && n.compare(dot + 1, std::string::npos, word) == 0)
            matches.push_back(n);
    }
    std::string have;
    for (const std::string& n : (matches.size() > 1 ? matches : names))
        have += (have.empty() ? "" : ", ") + n;
    if (matches.size() == 1) return matches.front();
    if (matches.size() > 1)
        return core::Error{"\"" + word + "\" names more than one table (" + have +
                           "): give the full name"};
    return core::Error{"no table \"" + word + "\" " + where + " (" + owner +
                       (names.empty() ? " none" : ": " + have) + ")"};
}

core::Result<std::optional<std::size_t>> parseRowLimit(const std::string& value) {
    if (value == "all") return std::optional<std::size_t>();
    const auto n = parseUnsigned(value);
    if (!n || *n == 0)
        return core::Error{"--rows: expected a whole number from 1, or all, got \"" + value + "\""};
    return std::optional<std::size_t>(static_cast<std::size_t>(*n));
}

void printTable(const core::InspectorTable& t, std::optional<std::size_t> rows) {
    const core::TableSpec& spec = t.spec();
    const std::size_t total = t.rowCount();
    const std::size_t shown = std::min(total, rows.value_or(total));
    std::printf("%s: %s, %s row%s at t=%s\n", t.name().c_str(), spec.title.c_str(),
                groupDigits(total).c_str(), total == 1 ? "" : "s",
                sim::formatTime(t.filledAt()).c_str());
    const std::size_t columns = t.columnCount();
    std::vector<std::vector<std::string>> cells(shown, std::vector<std::string>(columns));
    std::vector<std::size_t> width(columns);
    for (std::size_t c = 0; c < columns; ++c)
        width[c] = displayWidth(header(spec.columns[c]));
    for (std::size_t r = 0; r < shown; ++r)
        for (std::size_t c = 0; c < columns; ++c) {
            std::string text = t.isEmpty(r, c) ? "-" : t.text(r, c);
            width[c] = std::max(width[c], displayWidth(text));
            cells[r][c] = std::move(text);
        }
    auto line = [&](auto&& cellOf) {
        std::string out = " ";
        for (std::size_t c = 0; c < columns; ++c) {
            out += ' ';
            out +=
                pad(cellOf(c), c + 1 < columns || rightAligned(spec.columns[c].type) ? width[c] : 0,
                    rightAligned(spec.columns[c].type));
            if (c + 1 < columns) out += ' ';
        }
        std::printf("%s\n", out.c_str());
    };
    line([&](std::size_t c) { return header(spec.columns[c]); });
    for (std::size_t r = 0; r < shown; ++r)
        line([&](std::size_t c) { return cells[r][c]; });
    if (shown < total)
        std::printf("  … %s more row%s (--rows all shows every row)\n",
                    groupDigits(total - shown).c_str(), total - shown == 1 ? "" : "s");
}

nlohmann::json tableJson(const core::InspectorTable& t, std::optional<std::size_t> rows) {
    const core::TableSpec& spec = t.spec();
    nlohmann::json j = core::tableSpecJson(spec);
    j.erase("name");
    for (auto& c : j["columns"])
        c.erase("help");
    j.erase("help");
    j["filled_at"] = sim::toSeconds(t.filledAt());
    j["rows"] = t.rowCount();
    const std::size_t shown = std::min(t.rowCount(), rows.value_or(t.rowCount()));
    nlohmann::json data = nlohmann::json::array();
    for (std::size_t r = 0; r < shown; ++r) {
        nlohmann::json row = nlohmann::json::object();
        for (std::size_t c = 0; c < t.columnCount(); ++c)
            row[spec.columns[c].name] = t.json(r, c);
        data.push_back(std::move(row));
    }
    j["data"] = std::move(data);
    return j;
}

}  // namespace dais::app

#include "dais/core/inspector.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <regex>
#include <set>
#include <unordered_map>

#include "dais/core/layer.h"
#include "dais/sim/memory_need.h"
#include "dais/sim/network.h"
#include "dais/sim/number_text.h"

namespace dais::core {

namespace {

constexpr ColumnType kTypes[] = {ColumnType::Integer, ColumnType::Real, ColumnType::Text,
                                 ColumnType::Node,    ColumnType::Time, ColumnType::Bytes,
                                 ColumnType::Flag};

bool holdsInts(ColumnType t) {
    return t != ColumnType::Real && t != ColumnType::Text;
}

std::string inQuotes(std::string_view s) {
    return "\"" + std::string(s) + "\"";
}

/// "an integer", "a real number"... for messages.
std::string cellKind(ColumnType t) {
    switch (t) {
        case ColumnType::Integer:
            return "an integer";
        case ColumnType::Real:
            return "a real number";
        case ColumnType::Text:
            return "a text";
        case ColumnType::Node:
            return "a node";
        case ColumnType::Time:
            return "a time";
        case ColumnType::Bytes:
            return "a byte count";
        case ColumnType::Flag:
            return "a flag";
    }
    return "?";
}

/// Seconds to the microsecond, trailing zeros dropped: "12.5", "0.000123", "60".
std::string secondsText(sim::SimTime t) {
    const bool negative = t < 0;
    const std::uint64_t ns =
        negative ? ~static_cast<std::uint64_t>(t) + 1 : static_cast<std::uint64_t>(t);
    const std::uint64_t us = ns / 1000 + (ns % 1000 >= 500 ? 1 : 0);
    const std::uint64_t whole = us / 1'000'000;
    const std::uint64_t fraction = us % 1'000'000;
    std::string s = (negative && us > 0 ? "-" : "") + std::to_string(whole);
    if (fraction == 0) return s;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%06llu", static_cast<unsigned long long>(fraction));
    std::string digits = buf;
    while (!digits.empty() && digits.back() == '0')
        digits.pop_back();
    return s + "." + digits;
}

std::string realText(double v, std::string_view unit) {
    if (std::isnan(v)) return "NaN";
    char buf[32];
    if (unit == "1") {
        const double p = v * 100;
        std::snprintf(buf, sizeof buf, p == 0 || std::abs(p) >= 1 ? "%.1f%%" : "%.2g%%", p);
        return buf;
    }
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

}  // namespace

std::string_view columnTypeName(ColumnType t) {
    switch (t) {
        case ColumnType::Integer:
            return "integer";
        case ColumnType::Real:
            return "real";
        case ColumnType::Text:
            return "text";
        case ColumnType::Node:
            return "node";
        case ColumnType::Time:
            return "time";
        case ColumnType::Bytes:
            return "bytes";
        case ColumnType::Flag:
            return "flag";
    }
    return "?";
}

std::optional<ColumnType> parseColumnType(std::string_view name) {
    for (ColumnType t : kTypes)
        if (columnTypeName(t) == name) return t;
    return std::nullopt;
}

// --- TableSpec ---------------------------------------------------------------------------------

std::optional<std::size_t> TableSpec::column(std::string_view n) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == n) return i;
    return std::nullopt;
}

std::optional<std::size_t> TableSpec::nodeColumn() const {
    for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i].type == ColumnType::Node) return i;
    return std::nullopt;
}

std::vector<std::string> checkTableSpec(const TableSpec& t, std::string_view layerId) {
    std::vector<std::string> problems;
    const std::string who = "table " + inQuotes(t.name) + ": ";
    static const std::regex kName("[a-z][a-z0-9_]*");
    const std::string prefix = std::string(layerId) + ".";
    if (!t.name.starts_with(prefix) || !std::regex_match(t.name.substr(prefix.size()), kName))
        problems.push_back(who +
                           "names are the layer id, a dot and lower-case letters, digits "
                           "and '_' (" +
                           prefix + "something)");
    if (t.title.empty()) problems.push_back(who + "the title is empty");
    if (t.help.empty()) problems.push_back(who + "has no help text");
    if (t.columns.empty()) problems.push_back(who + "has no columns");
    std::set<std::string> seen;
    for (const ColumnSpec& c : t.columns) {
        const std::string where = who + "column " + inQuotes(c.name) + ": ";
        if (!std::regex_match(c.name, kName))
            problems.push_back(where + "names are lower-case letters, digits and '_'");
        if (!seen.insert(c.name).second) problems.push_back(where + "declared twice");
        if (c.help.empty()) problems.push_back(where + "has no help text");
    }
    if (t.key >= t.columns.size()) {
        if (!t.columns.empty()) problems.push_back(who + "its key is not one of its columns");
    } else if (const ColumnType k = t.columns[t.key].type;
               k != ColumnType::Integer && k != ColumnType::Text && k != ColumnType::Node) {
        problems.push_back(who + "its key column " + inQuotes(t.columns[t.key].name) + " (" +
                           std::string(columnTypeName(k)) +
                           ") must be an integer, text or node column");
    }
    if (t.parent) {
        if (*t.parent >= t.columns.size())
            problems.push_back(who + "its parent is not one of its columns");
        else if (*t.parent == t.key)
            problems.push_back(who + "its parent column is its key column");
        else if (t.key < t.columns.size() && t.columns[*t.parent].type != t.columns[t.key].type)
            problems.push_back(who + "its parent column " + inQuotes(t.columns[*t.parent].name) +
                               " (" + std::string(columnTypeName(t.columns[*t.parent].type)) +
                               ") must be of its key's type (" + inQuotes(t.columns[t.key].name) +
                               ", " + std::string(columnTypeName(t.columns[t.key].type)) + ")");
    }
    return problems;
}

nlohmann::json tableSpecJson(const TableSpec& t) {
    nlohmann::json columns = nlohmann::json::array();
    for (const ColumnSpec& c : t.columns)
        columns.push_back({{"name", c.name},
                           {"type", std::string(columnTypeName(c.type))},
                           {"unit", c.unit},
                           {"help", c.help}});
    nlohmann::json j = {{"name", t.name},     {"title", t.title}, {"help", t.help},
                        {"columns", columns}, {"key", nullptr},   {"parent", nullptr}};
    if (t.key < t.columns.size()) j["key"] = t.columns[t.key].name;
    if (t.parent && *t.parent < t.columns.size()) j["parent"] = t.columns[*t.parent].name;
    return j;
}

Result<TableSpec> tableSpecFromJson(const nlohmann::json& j) {
    auto text = [&](const nlohmann::json& o, const char* key, std::string& into) {
        const auto it = o.find(key);
        if (it == o.end() || !it->is_string()) return false;
        into = it->get<std::string>();
        return true;
    };
    if (!j.is_object()) return Error{"a table's description is not a JSON object"};
    TableSpec t;
    if (!text(j, "name", t.name) || !text(j, "title", t.title) || !text(j, "help", t.help))
        return Error{"a table's description lacks its name, title or help"};
    const auto columns = j.find("columns");
    if (columns == j.end() || !columns->is_array() || columns->empty())
        return Error{"table " + inQuotes(t.name) + ": its description has no columns"};
    for (const nlohmann::json& c : *columns) {
        ColumnSpec spec;
        std::string type;
        if (!c.is_object() || !text(c, "name", spec.name) || !text(c, "type", type) ||
            !text(c, "unit", spec.unit) || !text(c, "help", spec.help))
            return Error{"table " + inQuotes(t.name) + ": a column's description is incomplete"};
        const auto parsed = parseColumnType(type);
        if (!parsed)
            return Error{"table " + inQuotes(t.name) + ": column " + inQuotes(spec.name) +
                         " has an unknown type " + inQuotes(type)};
        spec.type = *parsed;
        t.columns.push_back(std::move(spec));
    }
    std::string key;
    if (!text(j, "key", key) || !t.column(key))
        return Error{"table " + inQuotes(t.name) + ": its key names none of its columns"};
    t.key = *t.column(key);
    if (const auto p = j.find("parent"); p != j.end() && !p->is_null()) {
        if (!p->is_string() || !t.column(p->get<std::string>()))
            return Error{"table " + inQuotes(t.name) + ": its parent names none of its columns"};
        t.parent = t.column(p->get<std::string>());
    }
    return t;
}

// --- NodeNames ---------------------------------------------------------------------------------

NodeNames NodeNames::of(const sim::Network& network) {
    NodeNames n;
    n.count_ = network.nodeCount();
    // Explicit nodes (and the gateways topologies make) come first, then each group's members.
    std::size_t explicitCount = n.count_;
    for (sim::GroupIndex g = 0; g < network.groupCount(); ++g) {
        const sim::GroupView v = network.group(g);
        explicitCount = std::min<std::size_t>(explicitCount, v.first);
        n.groups_.push_back({std::string(v.id), v.first, v.count});
    }
    std::sort(n.groups_.begin(), n.groups_.end(),
              [](const Group& a, const Group& b) { return a.first < b.first; });
    n.explicit_.reserve(explicitCount);
    for (std::size_t i = 0; i < explicitCount; ++i)
        n.explicit_.push_back(network.nodeName(static_cast<sim::NodeIndex>(i)));
    return n;
}

std::string NodeNames::name(std::uint32_t node) const {
    if (node < explicit_.size()) return explicit_[node];
    auto it = std::upper_bound(groups_.begin(), groups_.end(), node,
                               [](std::uint32_t v, const Group& g) { return v < g.first; });
    if (it != groups_.begin()) {
        --it;
        if (node - it->first < it->count)
            return it->id + "[" + std::to_string(node - it->first) + "]";
    }
    return "#" + std::to_string(node);
}

std::optional<std::uint32_t> NodeNames::find(std::string_view name) const {
    // A whole number below the node count, written without sign or leading zeros.
    auto number = [](std::string_view digits) -> std::optional<std::uint64_t> {
        if (digits.empty() || digits.size() > 10 || (digits.size() > 1 && digits[0] == '0'))
            return std::nullopt;
        std::uint64_t v = 0;
        for (char c : digits) {
            if (c < '0' || c > '9') return std::nullopt;
            v = v * 10 + static_cast<std::uint64_t>(c - '0');
        }
        return v;
    };
    for (std::size_t i = 0; i < explicit_.size(); ++i)
        if (explicit_[i] == name) return static_cast<std::uint32_t>(i);
    if (name.size() > 2 && name.back() == ']') {
        const auto open = name.rfind('[');
        if (open != std::string_view::npos && open > 0) {
            const std::string_view id = name.substr(0, open);
            const auto member = number(name.substr(open + 1, name.size() - open - 2));
            for (const Group& g : groups_)
                if (g.id == id && member && *member < g.count)
                    return static_cast<std::uint32_t>(g.first + *member);
        }
    }
    if (name.size() > 1 && name[0] == '#')
        if (const auto v = number(name.substr(1)); v && *v < count_)
            return static_cast<std::uint32_t>(*v);
    return std::nullopt;
}

nlohmann::json NodeNames::toJson() const {
    nlohmann::json groups = nlohmann::json::array();
    for (const Group& g : groups_)
        groups.push_back({{"id", g.id}, {"first", g.first}, {"count", g.count}});
    return {{"nodes", count_}, {"explicit", explicit_}, {"groups", groups}};
}

Result<NodeNames> NodeNames::fromJson(const nlohmann::json& j) {
    const Error bad{"the names of the network's nodes are damaged"};
    // A whole number from 0 to 2^32 - 1, however the JSON holds it.
    auto index = [](const nlohmann::json& v, std::uint64_t& out) {
        if (v.is_number_unsigned())
            out = v.get<std::uint64_t>();
        else if (v.is_number_integer() && v.get<std::int64_t>() >= 0)
            out = static_cast<std::uint64_t>(v.get<std::int64_t>());
        else
            return false;
        return out <= UINT32_MAX;
    };
    if (!j.is_object()) return bad;
    NodeNames n;
    const auto count = j.find("nodes");
    const auto ids = j.find("explicit");
    const auto groups = j.find("groups");
    std::uint64_t nodes = 0;
    if (count == j.end() || !index(*count, nodes) || ids == j.end() || !ids->is_array() ||
        groups == j.end() || !groups->is_array())
        return bad;
    n.count_ = nodes;
    for (const nlohmann::json& id : *ids) {
        if (!id.is_string()) return bad;
        n.explicit_.push_back(id.get<std::string>());
    }
    for (const nlohmann::json& g : *groups) {
        std::uint64_t first = 0, size = 0;
        if (!g.is_object() || !g.contains("id") || !g["id"].is_string() || !g.contains("first") ||
            !index(g["first"], first) || !g.contains("count") || !index(g["count"], size))
            return bad;
        n.groups_.push_back({g["id"].get<std::string>(), static_cast<std::uint32_t>(first),
                             static_cast<std::uint32_t>(size)});
    }
    if (!std::is_sorted(n.groups_.begin(), n.groups_.end(),
                        [](const Group& a, const Group& b) { return a.first < b.first; }))
        return bad;
    return n;
}

// --- InspectorTable ----------------------------------------------------------------------------

InspectorTable::InspectorTable() : spec_(std::make_shared<const TableSpec>()) {}

InspectorTable::InspectorTable(std::shared_ptr<const TableSpec> spec, sim::SimTime filledAt,
                               std::shared_ptr<const NodeNames> nodeNames)
    : spec_(spec ? std::move(spec) : std::make_shared<const TableSpec>()),
      nodeNames_(std::move(nodeNames)),
      filledAt_(filledAt),
      columns_(spec_->columns.size()) {}

bool InspectorTable::isEmpty(std::size_t row, std::size_t column) const {
    const std::vector<std::size_t>& e = columns_[column].empty;
    return !e.empty() && std::binary_search(e.begin(), e.end(), row);
}

std::int64_t InspectorTable::integer(std::size_t row, std::size_t column) const {
    if (!holdsInts(spec_->columns[column].type) || isEmpty(row, column)) return 0;
    return columns_[column].ints[row];
}

double InspectorTable::number(std::size_t row, std::size_t column) const {
    const ColumnType t = spec_->columns[column].type;
    if (t == ColumnType::Text || isEmpty(row, column))
        return std::numeric_limits<double>::quiet_NaN();
    if (t == ColumnType::Real) return columns_[column].reals[row];
    const std::int64_t v = columns_[column].ints[row];
    if (t == ColumnType::Time) return sim::toSeconds(v);
    if (t == ColumnType::Bytes) return static_cast<double>(static_cast<std::uint64_t>(v));
    return static_cast<double>(v);
}

const std::string& InspectorTable::string(std::size_t row, std::size_t column) const {
    static const std::string kNone;
    if (spec_->columns[column].type != ColumnType::Text || isEmpty(row, column)) return kNone;
    return columns_[column].texts[row];
}

std::string InspectorTable::text(std::size_t row, std::size_t column) const {
    if (isEmpty(row, column)) return {};
    const ColumnSpec& c = spec_->columns[column];
    const Column& col = columns_[column];
    switch (c.type) {
        case ColumnType::Integer: {
            const std::int64_t v = col.ints[row];
            const std::uint64_t magnitude =
                v < 0 ? ~static_cast<std::uint64_t>(v) + 1 : static_cast<std::uint64_t>(v);
            return sim::groupDigits(magnitude, v < 0);
        }
        case ColumnType::Real:
            return realText(col.reals[row], c.unit);
        case ColumnType::Text:
            return col.texts[row];
        case ColumnType::Node: {
            const auto node = static_cast<std::uint32_t>(col.ints[row]);
            return nodeNames_ ? nodeNames_->name(node) : "#" + std::to_string(node);
        }
        case ColumnType::Time:
            return secondsText(col.ints[row]);
        case ColumnType::Bytes:
            return sim::memoryText(static_cast<double>(static_cast<std::uint64_t>(col.ints[row])));
        case ColumnType::Flag:
            return col.ints[row] != 0 ? "yes" : "no";
    }
    return {};
}

nlohmann::json InspectorTable::json(std::size_t row, std::size_t column) const {
    if (isEmpty(row, column)) return nullptr;
    const Column& col = columns_[column];
    switch (spec_->columns[column].type) {
        case ColumnType::Integer:
            return col.ints[row];
        case ColumnType::Real:
            return std::isfinite(col.reals[row]) ? nlohmann::json(col.reals[row])
                                                 : nlohmann::json(nullptr);
        case ColumnType::Text:
            return col.texts[row];
        case ColumnType::Node:
            return text(row, column);
        case ColumnType::Time:
            return sim::toSeconds(col.ints[row]);
        case ColumnType::Bytes:
            return static_cast<std::uint64_t>(col.ints[row]);
        case ColumnType::Flag:
            return col.ints[row] != 0;
    }
    return nullptr;
}

std::vector<std::size_t> InspectorTable::parentRows() const {
    if (!spec_->parent || *spec_->parent >= columns_.size() || spec_->key >= columns_.size())
        return {};
    const std::size_t key = spec_->key, parent = *spec_->parent;
    std::vector<std::size_t> out(rows_, kNoRow);
    if (spec_->columns[key].type == ColumnType::Text) {
        std::unordered_map<std::string_view, std::size_t> rowOf;
        rowOf.reserve(rows_);
        for (std::size_t r = 0; r < rows_; ++r)
            rowOf.emplace(columns_[key].texts[r], r);
        for (std::size_t r = 0; r < rows_; ++r)
            if (!isEmpty(r, parent))
                if (const auto it = rowOf.find(columns_[parent].texts[r]); it != rowOf.end())
                    out[r] = it->second;
        return out;
    }
    std::unordered_map<std::int64_t, std::size_t> rowOf;
    rowOf.reserve(rows_);
    for (std::size_t r = 0; r < rows_; ++r)
        rowOf.emplace(columns_[key].ints[r], r);
    for (std::size_t r = 0; r < rows_; ++r)
        if (!isEmpty(r, parent))
            if (const auto it = rowOf.find(columns_[parent].ints[r]); it != rowOf.end())
                out[r] = it->second;
    return out;
}

// --- TableWriter -------------------------------------------------------------------------------

TableWriter::TableWriter(InspectorTable& table)
    : t_(table), width_(table.spec().columns.size()), next_(width_) {
    types_.reserve(width_);
    for (const ColumnSpec& c : table.spec().columns)
        types_.push_back(c.type);
}

void TableWriter::reserve(std::size_t rows) {
    for (std::size_t c = 0; c < width_; ++c) {
        InspectorTable::Column& col = t_.columns_[c];
        if (types_[c] == ColumnType::Real)
            col.reals.reserve(rows);
        else if (types_[c] == ColumnType::Text)
            col.texts.reserve(rows);
        else
            col.ints.reserve(rows);
    }
}

void TableWriter::emptyCell() {
    if (next_ >= width_) wrongCell(ColumnType::Integer);
    const std::size_t row = t_.rows_ - 1;
    if (next_ == t_.spec().key)
        throw LayerError("table " + inQuotes(t_.name()) + ", row " + std::to_string(row + 1) +
                         ": the key column " + inQuotes(t_.spec().columns[next_].name) +
                         " cannot be empty");
    InspectorTable::Column& col = t_.columns_[next_];
    if (types_[next_] == ColumnType::Real)
        col.reals.push_back(std::numeric_limits<double>::quiet_NaN());
    else if (types_[next_] == ColumnType::Text)
        col.texts.emplace_back();
    else
        col.ints.push_back(0);
    col.empty.push_back(row);
    ++next_;
}

void TableWriter::wrongCell(ColumnType type) const {
    const std::string where = "table " + inQuotes(t_.name()) + ", row " + std::to_string(t_.rows_);
    if (next_ >= width_) {
        if (t_.rows_ == 0)
            throw LayerError("table " + inQuotes(t_.name()) + ": a cell was written before row()");
        throw LayerError(where + ": more cells than its " + std::to_string(width_) + " columns");
    }
    const ColumnSpec& c = t_.spec().columns[next_];
    throw LayerError(where + ", column " + inQuotes(c.name) + ": expected " + cellKind(c.type) +
                     ", got " + cellKind(type));
}

void TableWriter::incompleteRow() const {
    throw LayerError("table " + inQuotes(t_.name()) + ", row " + std::to_string(t_.rows_) + ": " +
                     std::to_string(next_) + " of its " + std::to_string(width_) +
                     " cells were written (the next is " + inQuotes(t_.spec().columns[next_].name) +
                     ")");
}

void TableWriter::finish() const {
    if (next_ != width_ && t_.rows_ > 0) incompleteRow();
}

}  // namespace dais::core

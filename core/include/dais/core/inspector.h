#pragma once
// Inspectors: tables of a layer's entities (clients, rounds, rumours, jobs, blocks...), one row
// per entity, typed columns. A layer declares its tables in its descriptor (TableSpec) and fills
// one when asked (Layer::inspect, through a TableWriter), on the run's thread between events.
// The result is an InspectorTable: columnar, immutable once filled, and independent of the run
// (it keeps its spec and the names of the network's nodes), so the runner can hand it to another
// thread, the CLI can print it and the run store can keep it after the run has gone.
//
// A row is known across refreshes by its key column (a client's node, a round's number); a
// table may be a tree, each row naming its parent row's key in its parent column (a block tree
// with forks). A Node column holds node indices, which the studio maps to its canvas and
// text() shows as the node's name ("hospital-3", "phones[12]").

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/result.h"
#include "dais/sim/time.h"

namespace dais::sim {
class Network;
}

namespace dais::core {

/// What a column holds. Node: a node index, shown as the node's name. Time: simulated time
/// (nanoseconds inside, seconds when read as a number). Bytes: a byte count, shown in binary
/// units. Flag: yes or no.
enum class ColumnType { Integer, Real, Text, Node, Time, Bytes, Flag };
/// "integer", "real", "text", "node", "time", "bytes", "flag".
std::string_view columnTypeName(ColumnType t);
/// The inverse of columnTypeName; nullopt for anything else.
std::optional<ColumnType> parseColumnType(std::string_view name);

/// One column of a table.
struct ColumnSpec {
    std::string name;  ///< lower-case letters, digits and '_': "samples", "last_loss"
    ColumnType type = ColumnType::Integer;
    std::string unit;  ///< shown in headers; "1" for a fraction (shown as a percentage)
    std::string help;  ///< one sentence, for tooltips and `dais layers`
};

/// One table a layer publishes.
struct TableSpec {
    std::string name;   ///< the layer id, a dot and a name: "federated.clients"
    std::string title;  ///< for people: "Clients"
    std::string help;   ///< what a row is, in a sentence or two
    std::vector<ColumnSpec> columns;
    /// The column that identifies a row across refreshes (an Integer, Text or Node column
    /// whose cells are never empty and unique within the table).
    std::size_t key = 0;
    /// A tree: the column that holds the key of the row's parent (empty for a root), of the
    /// key column's type.
    std::optional<std::size_t> parent;

    /// The column of that name.
    std::optional<std::size_t> column(std::string_view name) const;
    /// The first Node column: the one a viewer maps to the network's nodes.
    std::optional<std::size_t> nodeColumn() const;
};

/// Checks a table's declaration: its name (prefixed by `layerId` and a dot), title and help,
/// columns (at least one, each named once, with help), key and parent columns. One problem per
/// line, each starting with `table "NAME": `.
std::vector<std::string> checkTableSpec(const TableSpec& t, std::string_view layerId);

/// A table's declaration as JSON, and back (for the run store and `dais layers --json`).
nlohmann::json tableSpecJson(const TableSpec& t);
Result<TableSpec> tableSpecFromJson(const nlohmann::json& j);

/// The names of a network's nodes, kept apart from the network (a few strings: the explicit
/// nodes' ids and each group's id and range), so that tables name their nodes after the run.
class NodeNames {
  public:
    NodeNames() = default;
    static NodeNames of(const sim::Network& network);
    /// "hospital-3", "phones[12]", or "#17" for a node it does not know.
    std::string name(std::uint32_t node) const;
    /// The node a name names ("hospital-3", "phones[12]", "#17"), or nullopt.
    std::optional<std::uint32_t> find(std::string_view name) const;
    std::size_t nodeCount() const { return count_; }

    nlohmann::json toJson() const;
    static Result<NodeNames> fromJson(const nlohmann::json& j);

  private:
    struct Group {
        std::string id;
        std::uint32_t first = 0, count = 0;
    };
    std::vector<std::string> explicit_;  // nodes 0 .. explicit_.size() - 1
    std::vector<Group> groups_;          // by first node
    std::size_t count_ = 0;
};

/// A filled table: its spec, the simulated time it was filled at, and its cells, one typed
/// vector per column. Immutable once filled (readers on any thread).
class InspectorTable {
  public:
    static constexpr std::size_t kNoRow = static_cast<std::size_t>(-1);

    InspectorTable();
    /// An empty table of `spec`, to fill with a TableWriter.
    explicit InspectorTable(std::shared_ptr<const TableSpec> spec, sim::SimTime filledAt = 0,
                            std::shared_ptr<const NodeNames> nodeNames = nullptr);

    const TableSpec& spec() const { return *spec_; }
    const std::shared_ptr<const TableSpec>& sharedSpec() const { return spec_; }
    const std::string& name() const { return spec_->name; }
    std::size_t rowCount() const { return rows_; }
    std::size_t columnCount() const { return columns_.size(); }
    /// The simulated time the table shows.
    sim::SimTime filledAt() const { return filledAt_; }
    /// The names its Node cells are shown with; null when it has none (text() then shows "#3").
    const std::shared_ptr<const NodeNames>& nodeNames() const { return nodeNames_; }

    // Cells. `row` < rowCount(), `column` < columnCount().
    bool isEmpty(std::size_t row, std::size_t column) const;
    /// Integer, Node, Time (nanoseconds), Bytes and Flag (0 or 1) cells; 0 for others and empty
    /// cells.
    std::int64_t integer(std::size_t row, std::size_t column) const;
    /// A cell as a number: Time in seconds, a Node its index, a Flag 0 or 1; NaN for Text and
    /// empty cells.
    double number(std::size_t row, std::size_t column) const;
    /// A Text cell; "" for others and empty cells.
    const std::string& string(std::size_t row, std::size_t column) const;
    /// A cell for people: integers with thousands separators, reals to four significant digits
    /// (a fraction of unit "1" as a percentage), node names, times in seconds to the
    /// microsecond, bytes in binary units ("1.5 MiB"), flags "yes" or "no"; "" for an empty
    /// cell.
    std::string text(std::size_t row, std::size_t column) const;
    /// A cell as JSON: numbers (Time in seconds, NaN as null), strings, node names, booleans;
    /// null for an empty cell.
    nlohmann::json json(std::size_t row, std::size_t column) const;

    /// Each row's parent row in a tree (TableSpec::parent), or kNoRow for a root and for a
    /// parent key no row has. Empty when the table is not a tree.
    std::vector<std::size_t> parentRows() const;

  private:
    friend class TableWriter;
    struct Column {
        std::vector<std::int64_t> ints;  // Integer, Node, Time, Bytes, Flag
        std::vector<double> reals;       // Real
        std::vector<std::string> texts;  // Text
        std::vector<std::size_t> empty;  // the rows whose cell is empty, ascending
    };

    std::shared_ptr<const TableSpec> spec_;
    std::shared_ptr<const NodeNames> nodeNames_;
    sim::SimTime filledAt_ = 0;
    std::vector<Column> columns_;
    std::size_t rows_ = 0;
};

/// Fills an InspectorTable row by row, each row's cells in column order, each cell of its
/// column's type:
///
///     for (const Client& c : clients_)
///         out.row().node(c.node).integer(c.samples).real(c.loss).flag(c.up);
///
/// A cell of the wrong type, a row with too few or too many cells, or an empty key cell is a
/// defect of the layer: LayerError, naming the table, the row and the column.
class TableWriter {
  public:
    /// One row being written; each call appends the next cell.
    class Row {
      public:
        Row& integer(std::int64_t v) {
            w_->intCell(ColumnType::Integer, v);
            return *this;
        }
        Row& real(double v) {
            w_->cell(ColumnType::Real).reals.push_back(v);
            return *this;
        }
        Row& text(std::string_view v) {
            w_->cell(ColumnType::Text).texts.emplace_back(v);
            return *this;
        }
        Row& node(std::uint32_t v) {
            w_->intCell(ColumnType::Node, v);
            return *this;
        }
        /// A simulated time (nanoseconds).
        Row& time(sim::SimTime v) {
            w_->intCell(ColumnType::Time, v);
            return *this;
        }
        Row& bytes(std::uint64_t v) {
            w_->intCell(ColumnType::Bytes, static_cast<std::int64_t>(v));
            return *this;
        }
        Row& flag(bool v) {
            w_->intCell(ColumnType::Flag, v ? 1 : 0);
            return *this;
        }
        /// An empty cell (not measured yet, no parent), of whatever type the column has.
        Row& none() {
            w_->emptyCell();
            return *this;
        }

      private:
        friend class TableWriter;
        explicit Row(TableWriter* w) : w_(w) {}
        TableWriter* w_;
    };

    explicit TableWriter(InspectorTable& table);

    /// Starts the next row; the previous one must be whole.
    Row row() {
        if (next_ != width_) [[unlikely]]
            incompleteRow();
        next_ = 0;
        ++t_.rows_;
        return Row(this);
    }
    /// Room for `rows` rows (a hint).
    void reserve(std::size_t rows);
    /// Checks that the last row is whole. The run calls it once the layer has filled the table.
    void finish() const;
    const TableSpec& spec() const { return t_.spec(); }
    std::size_t rows() const { return t_.rows_; }

  private:
    InspectorTable::Column& cell(ColumnType type) {
        if (next_ >= width_ || types_[next_] != type) [[unlikely]]
            wrongCell(type);
        return t_.columns_[next_++];
    }
    void intCell(ColumnType type, std::int64_t v) { cell(type).ints.push_back(v); }
    void emptyCell();
    [[noreturn, gnu::cold]] void wrongCell(ColumnType type) const;
    [[noreturn, gnu::cold]] void incompleteRow() const;

    InspectorTable& t_;
    std::vector<ColumnType> types_;
    std::size_t width_ = 0;
    std::size_t next_;  // the next cell's column; width_ when the row is whole
};

}  // namespace dais::core

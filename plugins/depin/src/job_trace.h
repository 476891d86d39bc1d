#pragma once
// Jobs from a trace: a CSV file with a header row and one job per line, in time order. Columns
// (any order): time (seconds from the layer's start, never decreasing; required), gflop (the
// job's work), input_bytes, output_bytes, client (a node's id or member name, "phones[3]").
// A column left out takes the layer's setting, and a job without a client comes from one
// picked at random. Fields are plain (no quotes). The whole file is checked when the run is
// set up, so a bad line fails the run before it starts, naming the file, line and column; then
// it is read again as the run goes, one line at a time, so a trace of any length costs no
// memory.
#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "dais/sim/network.h"
#include "dais/sim/result.h"
#include "dais/sim/time.h"

namespace dais::layers::depin {

struct TraceJob {
    sim::SimTime time = 0;  // from the layer's start
    std::optional<double> gflop;
    std::optional<std::uint64_t> inputBytes, outputBytes;
    std::optional<sim::NodeIndex> client;
};

class JobTrace {
  public:
    /// Checks the whole file, then opens it for reading from its first job. Errors name the
    /// file, the line and the column.
    sim::Result<void> open(const std::string& path, const sim::Network& network);
    /// The next job, or nothing at the end of the file. A line that has become bad since the
    /// file was checked (it changed during the run) fails the run (core::LayerError).
    std::optional<TraceJob> next();
    std::uint64_t jobs() const { return jobs_; }  // in the file

  private:
    enum class Column : std::uint8_t { Time, Gflop, Input, Output, Client };
    /// Reads one line's job; an error message on a bad field.
    sim::Result<TraceJob> parse(const std::string& line, std::uint64_t lineNumber,
                                sim::SimTime previous) const;

    std::string path_;
    const sim::Network* network_ = nullptr;
    std::vector<Column> columns_;
    std::ifstream in_;
    std::uint64_t line_ = 0, jobs_ = 0;
    sim::SimTime previous_ = 0;
};

}  // namespace dais::layers::depin

#pragma once
// Shared pieces of the dais command-line tool: exit codes, argument reading, output helpers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dais/core/result.h"
#include "dais/sim/number_text.h"

namespace dais::app {

/// Exit codes, documented in `dais --help`.
enum ExitCode : int {
    kExitOk = 0,
    kExitFailure = 1,        ///< the input was fine but the work failed (a run error, an I/O error)
    kExitUsage = 2,          ///< the command line is wrong
    kExitBadInput = 3,       ///< an input file is missing, unreadable or invalid
    kExitInterrupted = 130,  ///< stopped by Ctrl-C (SIGINT) or SIGTERM before the end
};

/// Walks the words of a command line, for commands with their own options.
class Args {
  public:
    explicit Args(std::vector<std::string> words) : words_(std::move(words)) {}
    bool done() const { return pos_ >= words_.size(); }
    const std::string& peek() const { return words_[pos_]; }
    std::string take() { return words_[pos_++]; }
    /// If the next word is `--name` or `--name=VALUE`, consumes it (and VALUE, which may be
    /// the following word) and returns VALUE, or an error when VALUE is missing. nullopt, with
    /// nothing consumed, when the next word is not this option.
    std::optional<core::Result<std::string>> option(std::string_view name);
    /// If the next word is the flag `--name`, consumes it and returns true.
    bool flag(std::string_view name);

  private:
    std::vector<std::string> words_;
    std::size_t pos_ = 0;
};

/// Turns the first SIGINT or SIGTERM into a request that the main thread polls; a second one
/// ends the process as usual. At most one watch at a time.
class InterruptWatch {
  public:
    InterruptWatch();
    ~InterruptWatch();
    InterruptWatch(const InterruptWatch&) = delete;
    InterruptWatch& operator=(const InterruptWatch&) = delete;
    bool requested() const;

  private:
    void (*previousInt_)(int);
    void (*previousTerm_)(int);
};

/// Prints "dais: MESSAGE" on stderr.
void printError(std::string_view message);
/// 1234567 -> "1,234,567".
using sim::groupDigits;
/// A rate or count with an SI suffix: 12345678 -> "12.3 M".
std::string siNumber(double v);
/// Parses a whole non-negative decimal number that fits in 64 bits.
std::optional<std::uint64_t> parseUnsigned(std::string_view text);

}  // namespace dais::app

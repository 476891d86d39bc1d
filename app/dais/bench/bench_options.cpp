// The options the benchmarks share.
#include "bench.h"

#include "cli.h"

namespace dais::app {

int takeWholeNumber(Args& args, const char* name, std::uint64_t& into, std::uint64_t lo,
                    std::uint64_t hi) {
    auto given = args.option(name);
    if (!given) return 0;
    if (!*given) return printError(given->error().message), 2;
    const std::string& value = **given;
    const auto n = parseUnsigned(value);
    if (!n || *n < lo || *n > hi)
        return printError(std::string("--") + name + ": expected a whole number from " +
                          std::to_string(lo) + " to " + std::to_string(hi) + ", got \"" + value +
                          "\""),
               2;
    into = *n;
    return 1;
}

}  // namespace dais::app

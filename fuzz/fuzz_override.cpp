// Fuzz target: --set PATH=VALUE, core::applyOverride. The input is "ASSIGNMENT\nDOCUMENT": the
// assignment is applied to the document (parsed as JSON; a scenario when it does not parse),
// both as the loader's ordered document and as a plain one. applyOverride promises that a
// refused assignment leaves the document as it was: that is checked too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "dais/core/scenario.h"

namespace {

using namespace dais;

constexpr std::string_view kFallbackDocument = R"({
  "format": "dais-scenario", "version": 1,
  "network": {
    "nodes": [{"id": "a"}, {"id": "b"}],
    "groups": [{"id": "phones", "count": 3, "attach": "a"}],
    "links": [{"from": "a", "to": "b", "latency": "5ms", "bandwidth": "1Gbps"}]
  },
  "layers": {"gossip": {"fanout": 3}},
  "run": {"seed": 1, "until": "10s"}
})";

/// The loader refuses documents nested deeper than this (core/src/json_text.h).
constexpr int kMaxJsonDepth = 200;

/// Whether JSON text nests objects and arrays deeper than kMaxJsonDepth (strings skipped).
bool tooDeep(std::string_view text) {
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth) return true;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return false;
}

template <class Json>
void apply(Json doc, std::string_view assignment) {
    const Json before = doc;
    const core::Result<void> applied = core::applyOverride(doc, assignment);
    if (!applied.ok() && doc != before) std::abort();  // refused, yet the document changed
    (void)doc.dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t newline = input.find('\n');
    const std::string_view assignment = input.substr(0, newline);
    const std::string_view text =
        newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

    auto doc = tooDeep(text) ? nlohmann::ordered_json(nlohmann::ordered_json::value_t::discarded)
                             : nlohmann::ordered_json::parse(text, nullptr, false);
    if (doc.is_discarded()) doc = nlohmann::ordered_json::parse(kFallbackDocument);
    apply(doc, assignment);
    apply(nlohmann::json(doc), assignment);
    return 0;
}

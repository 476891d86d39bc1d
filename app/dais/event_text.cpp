#include "event_text.h"

#include <algorithm>
#include <cstdio>

#include "cli.h"
#include "dais/core/digest.h"

namespace dais::app {

namespace {

/// Characters on a terminal: UTF-8 continuation bytes take no room.
std::size_t displayWidth(const std::string& s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t width) {
    const std::size_t w = displayWidth(s);
    return w >= width ? s : s + std::string(width - w, ' ');
}

std::string seconds(sim::SimTime t) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6f", sim::toSeconds(t));
    return buf;
}

/// The kind without its layer's prefix.
std::string shortKind(const store::StoredEvent& e) {
    if (e.kind.size() > e.layer.size() && e.kind.compare(0, e.layer.size(), e.layer) == 0 &&
        e.kind[e.layer.size()] == '.')
        return e.kind.substr(e.layer.size() + 1);
    return e.kind;
}

}  // namespace

core::Result<std::vector<std::string>> resolveEventKinds(const std::string& words,
                                                         const std::vector<std::string>& kinds,
                                                         const std::string& where) {
    std::string have;
    for (const std::string& k : kinds)
        have += (have.empty() ? "" : ", ") + k;
    const std::string list = " (" + (kinds.empty() ? std::string("none") : have) + "; or all)";
    if (words.empty()) return core::Error{"name the event kinds" + list};
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= words.size()) {
        const auto comma = std::min(words.find(',', start), words.size());
        const std::string word = words.substr(start, comma - start);
        start = comma + 1;
        if (word == "all") return std::vector<std::string>{};
        if (word.empty()) return core::Error{"an empty event kind in \"" + words + "\"" + list};
        std::vector<std::string> matches;
        for (const std::string& k : kinds) {
            if (k == word) {
                matches.assign(1, k);
                break;
            }
            const auto dot = k.find('.');
            if (dot != std::string::npos && k.compare(dot + 1, std::string::npos, word) == 0)
                matches.push_back(k);
        }
        if (matches.empty()) return core::Error{"no event kind \"" + word + "\" " + where + list};
        if (matches.size() > 1)
            return core::Error{"\"" + word + "\" names more than one event kind (" +
                               matches.front() + ", " + matches[1] + "): give the full name"};
        if (std::find(out.begin(), out.end(), matches.front()) == out.end())
            out.push_back(matches.front());
    }
    return out;
}

std::vector<store::StoredEvent> eventRows(const core::RunEvents& events,
                                          const std::vector<std::string>& kinds) {
    std::vector<store::StoredEvent> out;
    if (!events.catalog) return out;
    const core::RunEventCatalog& catalog = *events.catalog;
    for (const core::RunEvent& e : events.events) {
        const std::string& kind = catalog.kind(e).name;
        if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) continue;
        store::StoredEvent row;
        row.time = e.time;
        row.layer = catalog.layerId(e);
        row.kind = kind;
        if (e.node != core::kNoEventNode) {
            row.node = e.node;
            row.nodeName = events.nodeName(e);
        }
        if (e.hasDigest) row.digest = core::hexText(e.digest);
        row.detail = e.detail;
        out.push_back(std::move(row));
    }
    return out;
}

void printEvents(const EventListing& listing, std::optional<std::size_t> rows) {
    const std::vector<store::StoredEvent>& all = listing.rows;
    const std::size_t shown = rows ? std::min(*rows, all.size()) : all.size();
    std::printf("events: %s\n", groupDigits(all.size()).c_str());
    if (shown > 0) {
        const char* titles[] = {"time (s)", "layer", "kind", "node", "digest"};
        std::size_t width[5];
        for (std::size_t c = 0; c < 5; ++c)
            width[c] = displayWidth(titles[c]);
        for (std::size_t i = 0; i < shown; ++i) {
            const store::StoredEvent& e = all[i];
            const std::string cells[] = {seconds(e.time), e.layer, shortKind(e), e.nodeName,
                                         e.digest.substr(0, 16)};
            for (std::size_t c = 0; c < 5; ++c)
                width[c] = std::max(width[c], displayWidth(cells[c]));
        }
        std::string line = "  ";
        for (std::size_t c = 0; c < 5; ++c)
            line += pad(titles[c], width[c]) + "  ";
        std::printf("%sdetail\n", line.c_str());
        for (std::size_t i = 0; i < shown; ++i) {
            const store::StoredEvent& e = all[i];
            const std::string cells[] = {seconds(e.time), e.layer, shortKind(e),
                                         e.nodeName.empty() ? "-" : e.nodeName,
                                         e.digest.empty() ? "-" : e.digest.substr(0, 16)};
            line = "  ";
            for (std::size_t c = 0; c < 5; ++c)
                line += pad(cells[c], width[c]) + "  ";
            std::printf("%s%s\n", line.c_str(), e.detail.c_str());
        }
    }
    if (shown < all.size())
        std::printf("  ... %s more (--rows N or --rows all)\n",
                    groupDigits(all.size() - shown).c_str());
    if (listing.dropped > 0)
        std::printf("  %s more events were recorded and not kept: a run keeps its first %s\n",
                    groupDigits(listing.dropped).c_str(), groupDigits(listing.limit).c_str());
}

nlohmann::json eventsJson(const EventListing& listing, std::optional<std::size_t> rows) {
    nlohmann::json list = nlohmann::json::array();
    const std::size_t shown = rows ? std::min(*rows, listing.rows.size()) : listing.rows.size();
    for (std::size_t i = 0; i < shown; ++i) {
        const store::StoredEvent& e = listing.rows[i];
        list.push_back({{"time", sim::toSeconds(e.time)},
                        {"layer", e.layer},
                        {"kind", e.kind},
                        {"node", e.node ? nlohmann::json(e.nodeName) : nlohmann::json()},
                        {"digest", e.digest.empty() ? nlohmann::json() : nlohmann::json(e.digest)},
                        {"detail", e.detail}});
    }
    return {{"count", listing.rows.size()},
            {"dropped", listing.dropped},
            {"limit", listing.limit},
            {"events", list}};
}

}  // namespace dais::app

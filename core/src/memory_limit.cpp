#include "dais/core/memory_limit.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "dais/core/units.h"

namespace dais::core {

namespace {

// A control group limit this large means "no limit" (cgroup v1 writes 2^63 rounded to pages).
constexpr std::uint64_t kNoLimit = std::uint64_t{1} << 60;

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

std::optional<std::uint64_t> wholeNumber(std::string_view s) {
    s = trimmed(s);
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

std::optional<std::string> readText(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// The number after `key` on its line of a "key value" file (/proc/meminfo, memory.stat).
std::optional<std::uint64_t> field(std::string_view text, std::string_view key) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        pos = eol + 1;
        if (!line.starts_with(key)) continue;
        line.remove_prefix(key.size());
        if (!line.empty() && line.front() == ':') line.remove_prefix(1);
        if (line.empty() || !std::isspace(static_cast<unsigned char>(line.front()))) continue;
        line = trimmed(line);
        const std::size_t unit = line.find(' ');
        const auto v = wholeNumber(line.substr(0, unit));
        if (!v) return std::nullopt;
        return line.substr(unit == std::string_view::npos ? line.size() : unit + 1) == "kB"
                   ? *v * 1024
                   : *v;
    }
    return std::nullopt;
}

/// What one control group has left: its limit less what it uses, without the page cache it
/// can drop. nullopt when it has no limit, or its files cannot be read.
std::optional<std::uint64_t> roomIn(const std::string& dir, const char* limitFile,
                                    const char* usageFile, const char* inactiveKey) {
    const auto limitText = readText(dir + "/" + limitFile);
    if (!limitText) return std::nullopt;
    const auto limit = wholeNumber(*limitText);  // "max": no limit
    if (!limit || *limit >= kNoLimit) return std::nullopt;
    std::uint64_t used = 0;
    if (const auto u = readText(dir + "/" + usageFile))
        if (const auto v = wholeNumber(*u)) used = *v;
    if (const auto stat = readText(dir + "/memory.stat"))
        if (const auto inactive = field(*stat, inactiveKey)) used -= std::min(used, *inactive);
    return *limit > used ? *limit - used : 0;
}

/// The room the process's control groups (v2 and v1, whichever are mounted) leave it.
std::optional<std::uint64_t> cgroupRoom() {
    const auto self = readText("/proc/self/cgroup");
    if (!self) return std::nullopt;
    std::optional<std::uint64_t> room;
    auto keep = [&](std::optional<std::uint64_t> r) {
        if (r) room = room ? std::min(*room, *r) : *r;
    };
    std::istringstream lines(*self);
    for (std::string line; std::getline(lines, line);) {
        const std::size_t a = line.find(':'),
                          b = a == std::string::npos ? a : line.find(':', a + 1);
        if (b == std::string::npos) continue;
        const std::string controllers = line.substr(a + 1, b - a - 1);
        const std::string path = line.substr(b + 1);
        std::vector<std::string> dirs;
        if (line.compare(0, a, "0") == 0 && controllers.empty()) {
            // cgroup v2; inside a container the group may be the mount's root.
            for (const char* root : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
                std::optional<std::uint64_t> r =
                    roomIn(root + path, "memory.max", "memory.current", "inactive_file");
                if (!r) r = roomIn(root, "memory.max", "memory.current", "inactive_file");
                keep(r);
            }
        } else if (("," + controllers + ",").find(",memory,") != std::string::npos) {
            std::optional<std::uint64_t> r =
                roomIn("/sys/fs/cgroup/memory" + path, "memory.limit_in_bytes",
                       "memory.usage_in_bytes", "total_inactive_file");
            if (!r)
                r = roomIn("/sys/fs/cgroup/memory", "memory.limit_in_bytes",
                           "memory.usage_in_bytes", "total_inactive_file");
            keep(r);
        }
    }
    return room;
}

}  // namespace

Result<MemoryLimit> memoryLimitFrom(const char* variable, std::string_view meminfo,
                                    std::optional<std::uint64_t> cgroupRoom) {
    if (variable != nullptr) {
        const std::string_view text = trimmed(variable);
        std::optional<std::uint64_t> bytes = wholeNumber(text);
        if (!bytes)
            if (const auto size = parseSize(text); size && *size >= 1 && *size < 1.8e19)
                bytes = static_cast<std::uint64_t>(*size);
        if (!bytes || *bytes == 0)
            return Error{std::string(kMemoryLimitVariable) +
                         ": expected a number of bytes or a size such as 512MiB, got \"" +
                         std::string(text.substr(0, 40)) + "\""};
        return MemoryLimit{*bytes, std::string("allowed by ") + kMemoryLimitVariable};
    }
    MemoryLimit limit;
    if (const auto available = field(meminfo, "MemAvailable")) {
        limit = {*available, "of memory available on this machine"};
    } else if (const auto total = field(meminfo, "MemTotal")) {
        limit = {*total, "of memory this machine has"};
    } else {
        // No /proc/meminfo (not Linux): nothing to go by, so nothing is refused for its size.
        limit = {~std::uint64_t{0}, "of memory this machine has"};
    }
    if (cgroupRoom && *cgroupRoom < limit.bytes)
        limit = {*cgroupRoom, "left to this process's control group"};
    return limit;
}

Result<MemoryLimit> currentMemoryLimit() {
    const auto meminfo = readText("/proc/meminfo");
    return memoryLimitFrom(std::getenv(kMemoryLimitVariable), meminfo ? *meminfo : std::string(),
                           cgroupRoom());
}

}  // namespace dais::core

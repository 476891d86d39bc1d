#include "dais/sim/journal.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "dais/sim/inbox.h"
#include "dais/sim/number_text.h"

namespace dais::sim {

namespace {

constexpr std::string_view kMagic = "DAISJRNL";
constexpr std::size_t kHeaderBytes = 24;
// point, time, target, aux, name length, data, body length
constexpr std::size_t kEntryFixedBytes = 8 + 8 + 4 + 2 + 2 + 8 + 4;
constexpr std::size_t kChecksumBytes = 8;

std::uint64_t fnv1a(std::string_view bytes) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

template <class T>
void put(std::string& out, T value) {
    auto v = static_cast<std::uint64_t>(value);
    for (std::size_t i = 0; i < sizeof(T); ++i, v >>= 8)
        out.push_back(static_cast<char>(v & 0xff));
}

template <class T>
T get(std::string_view bytes, std::size_t at) {
    std::uint64_t v = 0;
    for (std::size_t i = sizeof(T); i-- > 0;)
        v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return static_cast<T>(v);
}

std::string byteText(std::size_t offset) {
    return "byte " + groupDigits(static_cast<std::uint64_t>(offset));
}

}  // namespace

std::string encodeJournal(const Journal& journal) {
    std::string out(kMagic);
    put<std::uint32_t>(out, kJournalVersion);
    put<std::uint32_t>(out, 0);
    put<std::uint64_t>(out, journal.seed);
    for (const JournalEntry& e : journal.entries) {
        const std::size_t start = out.size();
        put<std::uint64_t>(out, e.point);
        put<std::int64_t>(out, e.time);
        put<std::uint32_t>(out, e.target);
        put<std::uint16_t>(out, e.aux);
        const std::string_view kind = std::string_view(e.kind).substr(0, 0xffff);
        put<std::uint16_t>(out, static_cast<std::uint16_t>(kind.size()));
        put<std::uint64_t>(out, e.data);
        put<std::uint32_t>(out, static_cast<std::uint32_t>(e.bytes.size()));
        out.append(kind);
        out.append(reinterpret_cast<const char*>(e.bytes.data()), e.bytes.size());
        put<std::uint64_t>(out, fnv1a(std::string_view(out).substr(start)));
    }
    return out;
}

Result<Journal> decodeJournal(std::string_view bytes, std::string_view name) {
    const std::string file(name);
    if (bytes.size() < kHeaderBytes || bytes.substr(0, kMagic.size()) != kMagic) {
        if (bytes.size() < kHeaderBytes && kMagic.starts_with(bytes.substr(0, kMagic.size())))
            return Error{file + ": truncated at " + byteText(bytes.size()) + ": the header needs " +
                         std::to_string(kHeaderBytes) + " bytes"};
        return Error{file + ": not a DAIS journal (it does not begin with \"DAISJRNL\")"};
    }
    const auto version = get<std::uint32_t>(bytes, 8);
    if (version != kJournalVersion)
        return Error{file + ": journal version " + std::to_string(version) +
                     " is not supported (this build reads version " +
                     std::to_string(kJournalVersion) + ")"};
    Journal journal;
    journal.seed = get<std::uint64_t>(bytes, 16);
    std::size_t at = kHeaderBytes;
    while (at < bytes.size()) {
        const std::size_t index = journal.entries.size() + 1;
        const std::string where =
            file + ": entry " + groupDigits(index) + " (at " + byteText(at) + ")";
        const std::size_t left = bytes.size() - at;
        if (left < kEntryFixedBytes)
            return Error{where + " is truncated at " + byteText(bytes.size()) + ": it needs " +
                         std::to_string(kEntryFixedBytes) + " bytes before its name, " +
                         std::to_string(left) + " are left"};
        JournalEntry e;
        e.point = get<std::uint64_t>(bytes, at);
        e.time = get<std::int64_t>(bytes, at + 8);
        e.target = get<std::uint32_t>(bytes, at + 16);
        e.aux = get<std::uint16_t>(bytes, at + 20);
        const auto nameBytes = get<std::uint16_t>(bytes, at + 22);
        e.data = get<std::uint64_t>(bytes, at + 24);
        const auto bodyBytes = get<std::uint32_t>(bytes, at + 32);
        // Lengths are checked before anything is allocated for them.
        if (bodyBytes > Inbox::kMaxBytes)
            return Error{where + " is corrupted: its body of " +
                         groupDigits(std::uint64_t{bodyBytes}) +
                         " bytes is larger than any input (" +
                         groupDigits(std::uint64_t{Inbox::kMaxBytes}) + " bytes)"};
        const std::size_t need = kEntryFixedBytes + nameBytes + bodyBytes + kChecksumBytes;
        if (left < need)
            return Error{where + " is truncated at " + byteText(bytes.size()) + ": it needs " +
                         groupDigits(static_cast<std::uint64_t>(need)) + " bytes, " +
                         groupDigits(static_cast<std::uint64_t>(left)) + " are left"};
        const std::size_t sumAt = at + need - kChecksumBytes;
        if (get<std::uint64_t>(bytes, sumAt) != fnv1a(bytes.substr(at, sumAt - at)))
            return Error{where + " is corrupted: its checksum does not match its bytes"};
        if (e.time < 0 || e.time > kTimeLatest)
            return Error{where + " is corrupted: its time " + std::to_string(e.time) +
                         " ns is not a simulated time"};
        if (!journal.entries.empty() && e.point < journal.entries.back().point)
            return Error{where + " is corrupted: it was taken after " + groupDigits(e.point) +
                         " events, before the entry ahead of it (" +
                         groupDigits(journal.entries.back().point) + ")"};
        e.kind = std::string(bytes.substr(at + kEntryFixedBytes, nameBytes));
        const auto* body =
            reinterpret_cast<const std::byte*>(bytes.data() + at + kEntryFixedBytes + nameBytes);
        e.bytes.assign(body, body + bodyBytes);
        journal.entries.push_back(std::move(e));
        at += need;
    }
    return journal;
}

Result<void> writeJournalFile(const Journal& journal, const std::string& path) {
    const std::string bytes = encodeJournal(journal);
    errno = 0;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return Error{"cannot write the journal " + path + ": " + std::strerror(errno)};
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out)
        return Error{"cannot write the journal " + path + ": " +
                     (errno != 0 ? std::strerror(errno) : "write failed")};
    return {};
}

Result<Journal> readJournalFile(const std::string& path) {
    errno = 0;
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) return Error{"cannot read the journal " + path + ": " + std::strerror(errno)};
    const std::streamoff size = in.tellg();
    std::string bytes(size > 0 ? static_cast<std::size_t>(size) : 0, '\0');
    in.seekg(0);
    if (size < 0 || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
        return Error{"cannot read the journal " + path + ": read failed"};
    return decodeJournal(bytes, path);
}

}  // namespace dais::sim
